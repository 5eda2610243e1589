/*-------------------------------------------------------------------------
 *
 * events.c
 *	  The event list of the pattern aggregates (events.h): append with a
 *	  cap, combine, one sort, and the serialized form.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "events.h"
#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"

static inline int
events_cmp(const AbmEvent *a, const AbmEvent *b)
{
	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	if (a->mask != b->mask)
		return a->mask < b->mask ? -1 : 1;
	return 0;
}

/* An inlined, interruptible sort of events. */
#define ABM_SORT_NAME events_sort
#define ABM_SORT_TYPE AbmEvent
#define ABM_SORT_CMP(a, b) events_cmp(a, b)
#include "abm_sort.h"

void
abm_events_too_many(const char *fname, const char *what, int64 cap)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("too many %s in one group of %s", what, fname),
			 errdetail("A group may hold at most " INT64_FORMAT " %s.", cap, what),
			 errhint("Group by a finer key, such as the account, or filter the rows first.")));
}

void
abm_events_init(AbmEventList *list)
{
	list->n = 0;
	list->cap = 0;
	list->sorted = true;
	list->seen = 0;
	list->items = NULL;
}

static void
events_reserve(AbmEventList *list, MemoryContext ctx, int64 want, const char *fname)
{
	int32		newcap;

	if (want <= list->cap)
		return;
	if (want > ABM_MAX_EVENTS)
		abm_events_too_many(fname, "events", ABM_MAX_EVENTS);
	newcap = (int32) Min(Max(want, (int64) list->cap * 2), ABM_MAX_EVENTS);
	newcap = Max(newcap, 16);
	if (list->items == NULL)
		list->items = MemoryContextAlloc(ctx, sizeof(AbmEvent) * newcap);
	else
		list->items = repalloc(list->items, sizeof(AbmEvent) * newcap);
	list->cap = newcap;
}

void
abm_events_add(AbmEventList *list, MemoryContext ctx, int64 ts, uint32 mask,
			   const char *fname)
{
	AbmEvent   *e;

	if (list->n >= list->cap)
		events_reserve(list, ctx, (int64) list->n + 1, fname);
	e = &list->items[list->n];
	e->ts = ts;
	e->mask = mask;
	if (list->sorted && list->n > 0 && events_cmp(e - 1, e) > 0)
		list->sorted = false;
	list->n++;
	list->seen |= mask;
}

/*
 * Add other's events.  Two sorted lists that interleave are merged, so the
 * list stays sorted and the final function has nothing to sort (parallel
 * workers usually hand over sorted lists).
 */
void
abm_events_add_all(AbmEventList *list, MemoryContext ctx,
				   const AbmEventList *other, const char *fname)
{
	int32		n = list->n;
	int32		m = other->n;

	if (m == 0)
		return;
	events_reserve(list, ctx, (int64) n + m, fname);
	if (list->sorted && other->sorted && n > 0 &&
		events_cmp(&list->items[n - 1], &other->items[0]) > 0)
	{
		AbmEvent   *merged = MemoryContextAlloc(ctx, sizeof(AbmEvent) * list->cap);
		int32		i = 0;
		int32		j = 0;
		int32		k = 0;

		while (i < n || j < m)
		{
			ABM_INTERRUPTS_EVERY(k);
			if (j >= m || (i < n && events_cmp(&list->items[i], &other->items[j]) <= 0))
				merged[k++] = list->items[i++];
			else
				merged[k++] = other->items[j++];
		}
		pfree(list->items);
		list->items = merged;
	}
	else
	{
		if (!other->sorted ||
			(n > 0 && events_cmp(&list->items[n - 1], &other->items[0]) > 0))
			list->sorted = false;
		memcpy(list->items + n, other->items, sizeof(AbmEvent) * m);
	}
	list->n = n + m;
	list->seen |= other->seen;
}

/* Reorders only: the list holds the same events afterwards. */
void
abm_events_sort(AbmEventList *list)
{
	if (list->sorted)
		return;
	events_sort(list->items, list->n);
	list->sorted = true;
}

void
abm_events_write(StringInfo buf, const AbmEventList *list)
{
	pq_sendint32(buf, list->n);
	for (int32 i = 0; i < list->n; i++)
	{
		ABM_INTERRUPTS_EVERY(i);
		pq_sendint64(buf, list->items[i].ts);
		pq_sendint32(buf, list->items[i].mask);
	}
}

/*
 * Read what abm_events_write wrote, into the current memory context.  Every
 * mask must be non-zero and within valid_mask, every timestamp finite and in
 * range.
 */
void
abm_events_read(AbmReader *r, AbmEventList *list, uint32 valid_mask)
{
	int32		n = abm_read_count(r, ABM_MAX_EVENTS);

	abm_events_init(list);
	if (n == 0)
		return;
	/* 12 bytes per event: check before allocating */
	if ((Size) n * 12 > (Size) (r->end - r->cur))
		abm_read_corrupt(r, "The event count exceeds the data left.");
	list->items = palloc(sizeof(AbmEvent) * n);
	list->cap = n;
	for (int32 i = 0; i < n; i++)
	{
		AbmEvent   *e = &list->items[i];

		ABM_INTERRUPTS_EVERY(i);
		e->ts = abm_read_int64(r);
		e->mask = (uint32) abm_read_int32(r);
		if (!IS_VALID_TIMESTAMP(e->ts) || TIMESTAMP_NOT_FINITE(e->ts))
			abm_read_corrupt(r, "An event timestamp is out of range.");
		if (e->mask == 0 || (e->mask & ~valid_mask) != 0)
			abm_read_corrupt(r, "An event condition mask is invalid.");
		if (i > 0 && list->sorted && events_cmp(e - 1, e) > 0)
			list->sorted = false;
		list->seen |= e->mask;
		list->n = i + 1;
	}
}

void
abm_names_init(AbmNames *d, MemoryContext ctx, int32 max_names, int64 max_bytes,
			   const char *fname, const char *what)
{
	memset(d, 0, sizeof(AbmNames));
	d->last = -1;
	d->nslots = 16;
	d->slots = MemoryContextAllocZero(ctx, sizeof(int32) * d->nslots);
	d->bytescap = 256;
	d->bytes = MemoryContextAlloc(ctx, d->bytescap);
	d->max_names = max_names;
	d->max_bytes = max_bytes;
	d->fname = fname;
	d->what = what;
}

/* Free the arrays of d (d itself is the caller's). */
void
abm_names_free(AbmNames *d)
{
	if (d->off != NULL)
	{
		pfree(d->off);
		pfree(d->len);
		pfree(d->hash);
	}
	pfree(d->bytes);
	pfree(d->slots);
}

static void
events_names_rehash(AbmNames *d)
{
	int32		nslots = d->nslots * 2;
	int32	   *slots = repalloc_huge(d->slots, sizeof(int32) * nslots);

	memset(slots, 0, sizeof(int32) * nslots);
	for (int32 i = 0; i < d->n; i++)
	{
		uint32		h = d->hash[i] & (nslots - 1);

		ABM_INTERRUPTS_EVERY(i);
		while (slots[h] != 0)
			h = (h + 1) & (nslots - 1);
		slots[h] = i + 1;
	}
	d->slots = slots;
	d->nslots = nslots;
}

/* The number of string v, added when new. */
int32
abm_names_intern(AbmNames *d, MemoryContext ctx, const char *v, int32 len)
{
	uint32		hash;
	uint32		h;
	int32		i;

	if (d->last >= 0 && d->len[d->last] == len &&
		memcmp(ABM_NAME(d, d->last), v, len) == 0)
		return d->last;
	hash = hash_bytes((const unsigned char *) v, len);
	for (h = hash & (d->nslots - 1); d->slots[h] != 0; h = (h + 1) & (d->nslots - 1))
	{
		i = d->slots[h] - 1;
		if (d->hash[i] == hash && d->len[i] == len && memcmp(ABM_NAME(d, i), v, len) == 0)
			return d->last = i;
	}

	if (d->n >= d->max_names)
		abm_events_too_many(d->fname, d->what, d->max_names);
	if (d->nbytes + len > d->max_bytes)
		abm_events_too_many(d->fname, "bytes of them", d->max_bytes);
	if (d->n >= d->cap)
	{
		int32		cap = Max(d->cap * 2, 16);

		if (d->off == NULL)
		{
			d->off = MemoryContextAllocHuge(ctx, sizeof(int64) * cap);
			d->len = MemoryContextAllocHuge(ctx, sizeof(int32) * cap);
			d->hash = MemoryContextAllocHuge(ctx, sizeof(uint32) * cap);
		}
		else
		{
			d->off = repalloc_huge(d->off, sizeof(int64) * cap);
			d->len = repalloc_huge(d->len, sizeof(int32) * cap);
			d->hash = repalloc_huge(d->hash, sizeof(uint32) * cap);
		}
		d->cap = cap;
	}
	if (d->nbytes + len > d->bytescap)
	{
		d->bytescap = Min(Max(d->bytescap * 2, d->nbytes + len), d->max_bytes);
		d->bytes = repalloc_huge(d->bytes, d->bytescap);
	}
	i = d->n++;
	memcpy(d->bytes + d->nbytes, v, len);
	d->off[i] = d->nbytes;
	d->len[i] = len;
	d->hash[i] = hash;
	d->nbytes += len;
	d->slots[h] = i + 1;
	if ((int64) d->n * 2 > d->nslots)
		events_names_rehash(d);
	return d->last = i;
}

/* Byte order of name i of a and name j of b (a shorter prefix first). */
int
abm_names_cmp(const AbmNames *a, int32 i, const AbmNames *b, int32 j)
{
	int			c;

	if (a == b && i == j)
		return 0;
	c = memcmp(ABM_NAME(a, i), ABM_NAME(b, j), Min(a->len[i], b->len[j]));
	if (c != 0)
		return c < 0 ? -1 : 1;
	return a->len[i] < b->len[j] ? -1 : (a->len[i] > b->len[j] ? 1 : 0);
}

/* An interruptible sort of name numbers, in byte order of the names. */
#define ABM_SORT_NAME names_sort
#define ABM_SORT_TYPE int32
#define ABM_SORT_ARG_TYPE const AbmNames
#define ABM_SORT_CMP(x, y, d) abm_names_cmp(d, *(x), d, *(y))
#include "abm_sort.h"

/* rank[i]: the place of name i in byte order (palloc'd). */
int32 *
abm_names_ranks(const AbmNames *d)
{
	int32	   *order = palloc(sizeof(int32) * Max(d->n, 1));
	int32	   *rank = palloc(sizeof(int32) * Max(d->n, 1));

	for (int32 i = 0; i < d->n; i++)
	{
		ABM_INTERRUPTS_EVERY(i);
		order[i] = i;
	}
	names_sort(order, d->n, d);
	for (int32 i = 0; i < d->n; i++)
	{
		ABM_INTERRUPTS_EVERY(i);
		rank[order[i]] = i;
	}
	pfree(order);
	return rank;
}

/* map[i]: the number in d of other's name i, added to d when new (palloc'd). */
int32 *
abm_names_map(AbmNames *d, MemoryContext ctx, const AbmNames *other)
{
	int32	   *map = palloc(sizeof(int32) * Max(other->n, 1));

	for (int32 i = 0; i < other->n; i++)
	{
		ABM_INTERRUPTS_EVERY(i);
		map[i] = abm_names_intern(d, ctx, ABM_NAME(other, i), other->len[i]);
	}
	return map;
}

/*
 * Write the names marked in used, in byte order, so equal states serialize
 * alike whatever order their names came in; returns the new number of
 * every used name (palloc'd; -1 for the others).
 */
int32 *
abm_names_write(StringInfo buf, const AbmNames *d, const bool *used)
{
	int32	   *rank = abm_names_ranks(d);
	int32	   *order = palloc(sizeof(int32) * Max(d->n, 1));
	int32	   *map = palloc(sizeof(int32) * Max(d->n, 1));
	int32		count = 0;

	for (int32 i = 0; i < d->n; i++)
	{
		ABM_INTERRUPTS_EVERY(i);
		order[rank[i]] = i;
	}
	for (int32 r = 0; r < d->n; r++)
	{
		ABM_INTERRUPTS_EVERY(r);
		map[order[r]] = used[order[r]] ? count++ : -1;
	}
	pq_sendint32(buf, count);
	for (int32 r = 0; r < d->n; r++)
	{
		int32		i = order[r];

		ABM_INTERRUPTS_EVERY(r);
		if (!used[i])
			continue;
		pq_sendint32(buf, d->len[i]);
		pq_sendbytes(buf, ABM_NAME(d, i), d->len[i]);
	}
	pfree(rank);
	pfree(order);
	return map;
}

/*
 * Read what abm_names_write wrote into d (initialized), interning each
 * string again, so a repeated one maps to one number; returns the map from
 * the written numbers (palloc'd) and their count in *count.
 */
int32 *
abm_names_read(AbmReader *r, AbmNames *d, MemoryContext ctx, int32 *count)
{
	int32		n = abm_read_count(r, d->max_names);
	int32	   *map = palloc(sizeof(int32) * Max(n, 1));

	for (int32 i = 0; i < n; i++)
	{
		int32		len = abm_read_count(r, (int32) Min(d->max_bytes, PG_INT32_MAX));

		ABM_INTERRUPTS_EVERY(i);
		map[i] = abm_names_intern(d, ctx, abm_read_bytes(r, len), len);
	}
	*count = n;
	return map;
}
