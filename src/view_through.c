/*-------------------------------------------------------------------------
 *
 * view_through.c
 *	  abm_view_through(occurred_at, is_impression, is_click, is_conversion,
 *	  within): the number of view-through conversions.
 *
 * A conversion at time c is a view-through conversion when some impression
 * at time i has c - within <= i <= c and no click at time k has
 * i <= k <= c.  Both ends are closed: an impression at the conversion's
 * instant counts, a click at the impression's or the conversion's instant
 * breaks it.  It is enough to test the latest impression at or before c:
 * if an earlier impression qualifies, the latest one is no older and the
 * span from it to c is a part of the earlier span, so it has no click
 * either.  Several rows at one instant act as one instant; a row may be
 * several kinds at once.
 *
 * The state keeps only the rows that are an impression, a click or a
 * conversion (time and kind bits), and the final function sorts them once.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "abm.h"
#include "common/int.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(abm_view_through_trans);
PG_FUNCTION_INFO_V1(abm_view_through_combine);
PG_FUNCTION_INFO_V1(abm_view_through_serial);
PG_FUNCTION_INFO_V1(abm_view_through_deserial);
PG_FUNCTION_INFO_V1(abm_view_through_final);

#define VT_IMPRESSION	ABM_VT_IMPRESSION
#define VT_CLICK		ABM_VT_CLICK
#define VT_CONVERSION	0x04
#define VT_KINDS		(VT_IMPRESSION | VT_CLICK | VT_CONVERSION)

/*
 * Events per state, for the writer and the reader alike: the array stays
 * well under MaxAllocSize and the serialized state under 1 GB.
 */
#define VT_MAX_EVENTS	10000000

typedef AbmVtEvent VtEvent;

typedef struct VtState
{
	bool		have_within;	/* false until a row brought a window */
	int64		within;			/* microseconds, >= 0 */
	int32		n;
	int32		cap;
	VtEvent    *events;
} VtState;

static VtState *
vt_new(MemoryContext cxt)
{
	return (VtState *) MemoryContextAllocZero(cxt, sizeof(VtState));
}

static void
vt_set_within(VtState *st, int64 within)
{
	if (st->have_within && st->within != within)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("within must be the same on every row"),
				 errdetail("One row has within = %lld microseconds, another %lld.",
						   (long long) st->within, (long long) within),
				 errhint("Pass one constant interval, such as '7 days'.")));
	st->have_within = true;
	st->within = within;
}

/* Make room for more events; the array lives where the state lives. */
static void
vt_reserve(VtState *st, int64 more)
{
	int64		need = (int64) st->n + more;

	if (need > VT_MAX_EVENTS)
		abm_cap_exceeded("events", "abm_view_through group", VT_MAX_EVENTS,
						 "Group by account or by a shorter period.");
	if (need <= st->cap)
		return;
	st->cap = (int32) Min(Max(need, Max(st->cap * 2, 16)), VT_MAX_EVENTS);
	if (st->events == NULL)
		st->events = MemoryContextAlloc(GetMemoryChunkContext(st),
										st->cap * sizeof(VtEvent));
	else
		st->events = repalloc(st->events, st->cap * sizeof(VtEvent));
}

static bool
vt_flag(FunctionCallInfo fcinfo, int argno)
{
	return !PG_ARGISNULL(argno) && PG_GETARG_BOOL(argno);
}

Datum
abm_view_through_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = abm_agg_context(fcinfo, "abm_view_through_trans");
	VtState    *st = PG_ARGISNULL(0) ? vt_new(aggcontext) : (VtState *) PG_GETARG_POINTER(0);
	uint8		kinds;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(5))
		PG_RETURN_POINTER(st);
	vt_set_within(st, abm_interval_usecs(PG_GETARG_INTERVAL_P(5), "within", false));
	if (st->within < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("within must not be negative"),
				 errdetail("The input has within = %s.",
						   DatumGetCString(DirectFunctionCall1(interval_out,
															   PG_GETARG_DATUM(5)))),
				 errhint("Pass the look-back from the impression to the conversion, such as '7 days'.")));

	kinds = (vt_flag(fcinfo, 2) ? VT_IMPRESSION : 0) |
		(vt_flag(fcinfo, 3) ? VT_CLICK : 0) |
		(vt_flag(fcinfo, 4) ? VT_CONVERSION : 0);
	if (kinds == 0)
		PG_RETURN_POINTER(st);
	vt_reserve(st, 1);
	st->events[st->n].at = PG_GETARG_TIMESTAMPTZ(1);
	st->events[st->n].kinds = kinds;
	st->n++;
	PG_RETURN_POINTER(st);
}

Datum
abm_view_through_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = abm_agg_context(fcinfo, "abm_view_through_combine");
	VtState    *st;
	VtState    *other;
	MemoryContext old;

	ABM_COMBINE_NULLS();
	other = (VtState *) PG_GETARG_POINTER(1);
	old = MemoryContextSwitchTo(aggcontext);
	st = PG_ARGISNULL(0) ? vt_new(aggcontext) : (VtState *) PG_GETARG_POINTER(0);
	MemoryContextSwitchTo(old);

	if (other->have_within)
		vt_set_within(st, other->within);
	if (other->n > 0)
	{
		vt_reserve(st, other->n);
		memcpy(st->events + st->n, other->events, other->n * sizeof(VtEvent));
		st->n += other->n;
	}
	PG_RETURN_POINTER(st);
}

Datum
abm_view_through_serial(PG_FUNCTION_ARGS)
{
	VtState    *st = (VtState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	abm_write_begin(&buf, ABM_KIND_VIEW_THROUGH);
	pq_sendbyte(&buf, st->have_within ? 1 : 0);
	pq_sendint64(&buf, st->within);
	pq_sendint32(&buf, st->n);
	for (int32 i = 0; i < st->n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		pq_sendint64(&buf, st->events[i].at);
		pq_sendbyte(&buf, st->events[i].kinds);
	}
	PG_RETURN_BYTEA_P(abm_write_end(&buf));
}

Datum
abm_view_through_deserial(PG_FUNCTION_ARGS)
{
	VtState    *st = (VtState *) palloc0(sizeof(VtState));
	AbmReader	r;
	uint8		have_within;

	abm_read_begin_bytea(&r, PG_GETARG_BYTEA_PP(0), ABM_KIND_VIEW_THROUGH,
						 "view-through state");
	have_within = abm_read_uint8(&r);
	st->within = abm_read_int64(&r);
	if (have_within > 1 || st->within < 0 || (!have_within && st->within != 0))
		abm_corrupt("view-through state",
					psprintf("Window flag %d with within = %lld.",
							 have_within, (long long) st->within));
	st->have_within = have_within;
	st->n = abm_read_count(&r, VT_MAX_EVENTS);
	st->cap = Max(st->n, 1);
	st->events = palloc(st->cap * sizeof(VtEvent));
	for (int32 i = 0; i < st->n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		st->events[i].at = abm_read_int64(&r);
		st->events[i].kinds = abm_read_uint8(&r);
		if (st->events[i].kinds == 0 || (st->events[i].kinds & ~VT_KINDS) != 0)
			abm_corrupt("view-through state",
						psprintf("Event %d has kind bits %d.", i, st->events[i].kinds));
	}
	abm_read_end(&r);
	PG_RETURN_POINTER(st);
}

/* Events by time (interruptible quicksort, comparison inlined). */
#define ABM_SORT_NAME vt_sort_events
#define ABM_SORT_TYPE AbmVtEvent
#define ABM_SORT_CMP(a, b) (((a)->at > (b)->at) - ((a)->at < (b)->at))
#include "abm_sort.h"

void
abm_vt_sort(AbmVtEvent *ev, int32 n)
{
	for (int32 i = 1; i < n; i++)
	{
		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
		if (ev[i].at < ev[i - 1].at)
		{
			vt_sort_events(ev, n);
			return;
		}
	}
}

/*
 * Sort by time (unless in order: the report's pass keeps its events sorted
 * when it can), then sweep each instant twice: first its impressions and
 * clicks, then the events the caller counts, so that both ends of the
 * window are closed.  Sorting in place leaves the content of the caller's
 * state (a multiset of events) unchanged.
 */
void
abm_vt_sweep(AbmVtEvent *ev, int32 n, int64 within, AbmVtFound found, void *arg)
{
	bool		have_impression = false;
	bool		have_click = false;
	TimestampTz last_impression = 0;
	TimestampTz last_click = 0;
	int32		i = 0;

	abm_vt_sort(ev, n);
	while (i < n)
	{
		int32		end = i;
		TimestampTz at = ev[i].at;
		TimestampTz earliest;

		CHECK_FOR_INTERRUPTS();
		while (end < n && ev[end].at == at)
		{
			if (ev[end].kinds & ABM_VT_IMPRESSION)
			{
				have_impression = true;
				last_impression = at;
			}
			if (ev[end].kinds & ABM_VT_CLICK)
			{
				have_click = true;
				last_click = at;
			}
			end++;
		}
		/* an impression as old as this still counts; none older */
		if (pg_sub_s64_overflow(at, within, &earliest))
			earliest = PG_INT64_MIN;
		if (have_impression && last_impression >= earliest &&
			(!have_click || last_click < last_impression))
		{
			for (int32 j = i; j < end; j++)
				found(arg, &ev[j], last_impression);
		}
		i = end;
	}
}

static void
vt_count_conversion(void *arg, const AbmVtEvent *ev,
					TimestampTz last_impression pg_attribute_unused())
{
	if (ev->kinds & VT_CONVERSION)
		(*(int64 *) arg)++;
}

Datum
abm_view_through_final(PG_FUNCTION_ARGS)
{
	VtState    *st;
	int64		count = 0;

	if (PG_ARGISNULL(0))
		PG_RETURN_INT64(0);
	st = (VtState *) PG_GETARG_POINTER(0);
	abm_vt_sweep(st->events, st->n, st->within, vt_count_conversion, &count);
	PG_RETURN_INT64(count);
}
