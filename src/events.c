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
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"

static inline int
event_cmp(const AbmEvent *a, const AbmEvent *b)
{
	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	if (a->mask != b->mask)
		return a->mask < b->mask ? -1 : 1;
	return 0;
}

/* An inlined sort of events (PostgreSQL's sort template). */
#define ST_SORT events_qsort
#define ST_ELEMENT_TYPE AbmEvent
#define ST_COMPARE(a, b) event_cmp(a, b)
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

void
abm_events_too_many(const char *fname, const char *what, int64 cap)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("too many %s in one group of %s", what, fname),
			 errdetail("A group may hold at most " INT64_FORMAT " %s.", cap, what),
			 errhint("Group by a finer key, such as the account, or filter the rows first.")));
}

int64
abm_finite_ts(TimestampTz ts, const char *fname)
{
	if (TIMESTAMP_NOT_FINITE(ts))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("timestamps of %s must be finite", fname),
				 errdetail("ts = %s.",
						   DatumGetCString(DirectFunctionCall1(timestamptz_out,
															   TimestampTzGetDatum(ts)))),
				 errhint("Filter out rows with infinite timestamps.")));
	return (int64) ts;
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
	if (list->sorted && list->n > 0 && event_cmp(e - 1, e) > 0)
		list->sorted = false;
	list->n++;
	list->seen |= mask;
}

void
abm_events_add_all(AbmEventList *list, MemoryContext ctx,
				   const AbmEventList *other, const char *fname)
{
	if (other->n == 0)
		return;
	events_reserve(list, ctx, (int64) list->n + other->n, fname);
	if (list->sorted &&
		(!other->sorted ||
		 (list->n > 0 && event_cmp(&list->items[list->n - 1], &other->items[0]) > 0)))
		list->sorted = false;
	memcpy(list->items + list->n, other->items, sizeof(AbmEvent) * other->n);
	list->n += other->n;
	list->seen |= other->seen;
}

/* Reorders only: the list holds the same events afterwards. */
void
abm_events_sort(AbmEventList *list)
{
	if (list->sorted)
		return;
	CHECK_FOR_INTERRUPTS();
	events_qsort(list->items, list->n);
	list->sorted = true;
}

void
abm_events_write(StringInfo buf, const AbmEventList *list)
{
	pq_sendint32(buf, list->n);
	for (int32 i = 0; i < list->n; i++)
	{
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
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid %s value", r->what),
				 errdetail("The event count exceeds the data left.")));
	list->items = palloc(sizeof(AbmEvent) * n);
	list->cap = n;
	for (int32 i = 0; i < n; i++)
	{
		AbmEvent   *e = &list->items[i];

		e->ts = abm_read_int64(r);
		e->mask = (uint32) abm_read_int32(r);
		if (!IS_VALID_TIMESTAMP(e->ts) || TIMESTAMP_NOT_FINITE(e->ts))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid %s value", r->what),
					 errdetail("An event timestamp is out of range.")));
		if (e->mask == 0 || (e->mask & ~valid_mask) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid %s value", r->what),
					 errdetail("An event condition mask is invalid.")));
		if (i > 0 && list->sorted && event_cmp(e - 1, e) > 0)
			list->sorted = false;
		list->seen |= e->mask;
		list->n = i + 1;
	}
}
