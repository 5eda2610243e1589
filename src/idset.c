/*-------------------------------------------------------------------------
 *
 * idset.c
 *	  Sets of distinct int64 ids (idset.h): sorted part plus unsorted tail.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "idset.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/memutils.h"

/* Smallest array allocated for a set. */
#define IDSET_MIN_CAPACITY	8

void
abm_idset_init(AbmIdSet *s)
{
	s->n = 0;
	s->nsorted = 0;
	s->cap = 0;
	s->ids = NULL;
}

static void
idset_too_many(const AbmIdSetLimit *limit)
{
	abm_cap_exceeded(limit->what, limit->where, limit->max, limit->hint);
}

/* Sort a run of ids and drop repeats; returns its new length. */
static int32
idset_sort_unique(int64 *ids, int32 n)
{
	int32		out = 0;

	if (n == 0)
		return 0;
	abm_sort_int64(ids, n);
	for (int32 i = 1; i < n; i++)
		if (ids[i] != ids[out])
			ids[++out] = ids[i];
	return out + 1;
}

/*
 * Sort the tail, merge it into the sorted part and make room for extra
 * more entries; the array grows to twice the distinct ids (plus extra) when
 * it must grow, so the next merge waits until the tail is as long as the
 * sorted part.
 */
static void
idset_compact(AbmIdSet *s, MemoryContext cxt, int32 extra,
			  const AbmIdSetLimit *limit)
{
	int32		ntail = idset_sort_unique(s->ids + s->nsorted, s->n - s->nsorted);
	int32		i = 0,
				j = 0,
				out = 0;
	int32		cap = s->cap;
	int64	   *a = s->ids;
	int64	   *b = s->ids + s->nsorted;
	int64	   *merged;
	int64		distinct_max = (int64) s->nsorted + ntail;

	if (distinct_max > limit->max)
	{
		/* the tail may repeat ids of the sorted part: count exactly first */
		int64		distinct = s->nsorted;

		for (; j < ntail; j++)
		{
			if ((j & 65535) == 65535)
				CHECK_FOR_INTERRUPTS();
			while (i < s->nsorted && a[i] < b[j])
				i++;
			if (i >= s->nsorted || a[i] != b[j])
				distinct++;
		}
		if (distinct > limit->max)
			idset_too_many(limit);
		i = j = 0;
	}
	/*
	 * Grow to twice the distinct ids (plus extra), but never past what the
	 * cap allows: distinct_max is at most about twice the cap here, and
	 * extra is 1 or a compacted set's size, so the array stays far below
	 * MaxAllocSize.
	 */
	if (distinct_max + extra > cap)
	{
		int64		want = Min(2 * distinct_max, (int64) 2 * limit->max) + extra;

		cap = (int32) Max(want, distinct_max + extra);
	}
	cap = Max(cap, IDSET_MIN_CAPACITY);

	if (s->nsorted == 0 || ntail == 0)
	{
		if (s->ids == NULL)
			s->ids = MemoryContextAlloc(cxt, cap * sizeof(int64));
		else if (cap > s->cap)
			s->ids = repalloc(s->ids, cap * sizeof(int64));
		s->cap = cap;
		s->n = s->nsorted = s->nsorted + ntail;
		return;
	}

	merged = MemoryContextAlloc(cxt, cap * sizeof(int64));
	while (i < s->nsorted && j < ntail)
	{
		if ((out & 65535) == 65535)
			CHECK_FOR_INTERRUPTS();
		if (a[i] < b[j])
			merged[out++] = a[i++];
		else if (a[i] > b[j])
			merged[out++] = b[j++];
		else
		{
			merged[out++] = a[i++];
			j++;
		}
	}
	while (i < s->nsorted)
		merged[out++] = a[i++];
	while (j < ntail)
		merged[out++] = b[j++];
	pfree(s->ids);
	s->ids = merged;
	s->cap = cap;
	s->n = s->nsorted = out;
}

/* Room for extra more entries, merging first when the tail is long. */
static void
idset_reserve(AbmIdSet *s, MemoryContext cxt, int32 extra,
			  const AbmIdSetLimit *limit)
{
	if ((int64) s->n + extra > s->cap ||
		s->n - s->nsorted > Max(s->nsorted, IDSET_MIN_CAPACITY))
		idset_compact(s, cxt, extra, limit);
}

void
abm_idset_add_slow(AbmIdSet *s, int64 id, MemoryContext cxt,
				   const AbmIdSetLimit *limit)
{
	idset_reserve(s, cxt, 1, limit);
	s->ids[s->n++] = id;
}

void
abm_idset_compact(AbmIdSet *s, MemoryContext cxt, const AbmIdSetLimit *limit)
{
	if (s->n != s->nsorted)
		idset_compact(s, cxt, 0, limit);
}

/* s gets every id of other (whose layout, not content, may change). */
void
abm_idset_union(AbmIdSet *s, AbmIdSet *other, MemoryContext cxt,
				const AbmIdSetLimit *limit)
{
	if (other->n == 0)
		return;
	abm_idset_compact(other, cxt, limit);
	idset_compact(s, cxt, other->n, limit);
	memcpy(s->ids + s->n, other->ids, other->n * sizeof(int64));
	s->n += other->n;
}

void
abm_idset_write(StringInfo buf, AbmIdSet *s, MemoryContext cxt,
				const AbmIdSetLimit *limit)
{
	abm_idset_compact(s, cxt, limit);
	pq_sendint32(buf, s->n);
	for (int32 i = 0; i < s->n; i++)
		pq_sendint64(buf, s->ids[i]);
}

/* Read a set written by abm_idset_write, into the current memory context. */
void
abm_idset_read(AbmReader *r, AbmIdSet *s, const AbmIdSetLimit *limit)
{
	int32		n = abm_read_count(r, limit->max);

	abm_idset_init(s);
	if (n == 0)
		return;
	s->ids = palloc(Max(n, IDSET_MIN_CAPACITY) * sizeof(int64));
	s->cap = Max(n, IDSET_MIN_CAPACITY);
	for (int32 i = 0; i < n; i++)
	{
		s->ids[i] = abm_read_int64(r);
		if (i > 0 && s->ids[i] <= s->ids[i - 1])
			abm_read_corrupt(r, "The ids of a set are not in increasing order.");
		if ((i & 1023) == 1023)
			CHECK_FOR_INTERRUPTS();
	}
	s->n = s->nsorted = n;
}
