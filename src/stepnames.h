/*-------------------------------------------------------------------------
 *
 * stepnames.h
 *	  Steps given as a list of event names (`VARIADIC steps text[]`)
 *	  instead of one condition per step: the list is read once per group,
 *	  and each row's event is looked up in it, giving the bitmask of the
 *	  steps it matches, with no array built per row.
 *
 * An event matches a step when its bytes equal the step's name, as
 * `event = name` does under a deterministic collation; a NULL event or a
 * NULL name matches nothing.  The list is a parameter of the group: a
 * later row with another list is an error, checked on the first row only
 * when the plan passes the list as a constant.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ABM_STEPNAMES_H
#define ABM_STEPNAMES_H

#include "abm.h"

#define ABM_STEP_NAMES_MAX	64

typedef struct AbmStepNames
{
	int			n;				/* names in the list */
	bool		fixed;			/* the plan passes the list as a constant */
	Datum		array;			/* a copy of the list, for later rows */
	int32		lens[ABM_STEP_NAMES_MAX];	/* bytes of each name; -1: NULL */
	const char *names[ABM_STEP_NAMES_MAX];
} AbmStepNames;

/* How many names the list in argument argno has (any number). */
extern int	abm_step_names_count(FunctionCallInfo fcinfo, int argno);

/*
 * The list in argument argno, copied into ctx; the caller has checked its
 * count (at most ABM_STEP_NAMES_MAX).
 */
extern AbmStepNames *abm_step_names_new(FunctionCallInfo fcinfo, int argno,
										MemoryContext ctx);

/*
 * Check a later row's list against the group's: error 22023 naming both
 * when they differ; what names the aggregate for the message.
 */
extern void abm_step_names_check(const AbmStepNames *sn, FunctionCallInfo fcinfo,
								 int argno, const char *what);

/* The steps an event matches: bit s set for step s + 1. */
static inline uint64
abm_step_names_mask(const AbmStepNames *sn, const char *event, int len)
{
	uint64		mask = 0;

	for (int i = 0; i < sn->n; i++)
		if (sn->lens[i] == len && memcmp(sn->names[i], event, len) == 0)
			mask |= (uint64) 1 << i;
	return mask;
}

#endif							/* ABM_STEPNAMES_H */
