/*-------------------------------------------------------------------------
 *
 * stages.h
 *	  Stage lists (stages.c) and journeys (journey.c), shared by the
 *	  abm_journey and abm_funnel types.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ABM_STAGES_H
#define ABM_STAGES_H

#include "abm.h"

/*
 * An ordered list of at most 16 stage names of at most 63 bytes, by default
 * the six-stage ABM funnel.
 */
#define ABM_MAX_STAGES		16
#define ABM_MAX_STAGE_NAME	63

typedef struct AbmStages
{
	int			n;
	bool		custom;			/* not the default list: stored in values */
	char		names[ABM_MAX_STAGES][ABM_MAX_STAGE_NAME + 1];
} AbmStages;

/*
 * stages.c: the list from a text[] (NULL: the default), a name's index (-1:
 * none; abm_stages_require raises 22023), the names as "a, b, c", the check
 * that two lists are the same, the binary form and the text form.
 */
extern void abm_stages_default(AbmStages *s);
extern const AbmStages *abm_stages_keep(const AbmStages *s, MemoryContext ctx);
extern void abm_stages_from_array(AbmStages *s, Datum array);
extern int	abm_stages_find(const AbmStages *s, const char *name, int len);
extern int	abm_stages_require(const AbmStages *s, text *stage);
extern char *abm_stages_text(const AbmStages *s);
extern void abm_stages_check_same(const AbmStages *a, const AbmStages *b,
								  const char *what);
extern void abm_stages_write(StringInfo buf, const AbmStages *s);
extern void abm_stages_read(AbmReader *r, AbmStages *s);
extern const char *abm_stages_parse(const char *p, AbmStages *s,
									const char *typname, const char *literal);
extern void abm_stages_append(StringInfo buf, const AbmStages *s);
extern const char *abm_parse_stage_name(const char *p, char *name,
										const char *typname, const char *literal);
extern void abm_append_stage_name(StringInfo buf, const char *name);

/*
 * A journey (journey.c), read by the funnels (funnel.c): the first time an
 * account entered each stage of its list.
 */
typedef struct AbmJourney
{
	const AbmStages *stages;	/* the default list is shared, not copied */
	uint32		entered;		/* bit k: stage k was entered */
	TimestampTz at[ABM_MAX_STAGES];
} AbmJourney;

extern AbmJourney *abm_journey_from_datum(Datum d);

#endif							/* ABM_STAGES_H */
