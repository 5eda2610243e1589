/*-------------------------------------------------------------------------
 *
 * idset.h
 *	  A set of distinct int64 ids (contact ids) kept in one array: a leading
 *	  part sorted and free of duplicates, and an unsorted tail that is sorted
 *	  and merged into it once it is as long as the sorted part, so memory
 *	  stays within about twice the distinct ids and the work at O(n log n).
 *
 * The caller names a cap on the distinct ids; going beyond it is an error
 * with SQLSTATE 54000 (abm_cap_exceeded: "too many <what> in one <where>").  The serialized form (abm_idset_write) is the count
 * and the ids in increasing order; abm_idset_read checks both.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ABM_IDSET_H
#define ABM_IDSET_H

#include "abm.h"

typedef struct AbmIdSet
{
	int32		n;				/* entries used */
	int32		nsorted;		/* leading entries sorted, no duplicates */
	int32		cap;			/* entries allocated */
	int64	   *ids;
} AbmIdSet;

/* What a set is of and its cap, for the error of a set that outgrows it. */
typedef struct AbmIdSetLimit
{
	int32		max;
	const char *what;			/* "contacts" */
	const char *where;			/* "step of an account" */
	const char *hint;
} AbmIdSetLimit;

extern void abm_idset_init(AbmIdSet *s);
extern void abm_idset_add_slow(AbmIdSet *s, int64 id, MemoryContext cxt,
							   const AbmIdSetLimit *limit);
extern void abm_idset_compact(AbmIdSet *s, MemoryContext cxt,
							  const AbmIdSetLimit *limit);
extern void abm_idset_union(AbmIdSet *s, AbmIdSet *other,
							MemoryContext cxt, const AbmIdSetLimit *limit);
extern void abm_idset_write(StringInfo buf, AbmIdSet *s, MemoryContext cxt,
							const AbmIdSetLimit *limit);
extern void abm_idset_read(AbmReader *r, AbmIdSet *s, const AbmIdSetLimit *limit);

/* Add an id; the same id as the last one added costs one comparison. */
static inline void
abm_idset_add(AbmIdSet *s, int64 id, MemoryContext cxt, const AbmIdSetLimit *limit)
{
	if (s->n > 0 && s->ids[s->n - 1] == id)
		return;
	abm_idset_add_slow(s, id, cxt, limit);
}

/* The number of distinct ids (sorts the tail in). */
static inline int32
abm_idset_count(AbmIdSet *s, MemoryContext cxt, const AbmIdSetLimit *limit)
{
	abm_idset_compact(s, cxt, limit);
	return s->n;
}

#endif							/* ABM_IDSET_H */
