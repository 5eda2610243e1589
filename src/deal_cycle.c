/*-------------------------------------------------------------------------
 *
 * deal_cycle.c
 *	  Deal cycle lengths: the aggregates abm_deal_cycle (a composite
 *	  abm_cycle_result: deals, mean, median, p90, min, max days) and
 *	  abm_deal_cycle_length (the median alone).
 *
 * Exact percentiles need every duration, so the state keeps them: one
 * int64 of microseconds per deal in a single allocation (header 32 bytes,
 * the array grows by half, so 8 to 12 bytes per deal).  Microseconds are
 * what timestamptz subtraction gives, so nothing is rounded until the
 * final function converts to days, exactly as
 * (extract(epoch from ended_at - started_at) * 1e6)::float8 / 86400e6.
 * The final function sorts the array in place: that changes the order,
 * never the multiset of durations the state stands for, so the final
 * function is READ_ONLY and the aggregate works over window frames.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "abm.h"
#include "common/int.h"
#include "access/htup_details.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(abm_deal_cycle_trans);
PG_FUNCTION_INFO_V1(abm_deal_cycle_combine);
PG_FUNCTION_INFO_V1(abm_deal_cycle_serial);
PG_FUNCTION_INFO_V1(abm_deal_cycle_deserial);
PG_FUNCTION_INFO_V1(abm_deal_cycle_final);
PG_FUNCTION_INFO_V1(abm_deal_cycle_length_final);

/* Deals one state may hold (80 MB); the serial reader obeys it too. */
#define DEAL_CYCLE_MAX_DEALS	10000000

#define CYCLE_RESULT_COLUMNS	6

typedef struct DealCycleState
{
	int64		ndeals;
	int64		capacity;
	int64		nsorted;		/* durations[0 .. nsorted) are in order */
	int64		pad;			/* keeps the array 16-byte aligned */
	int64		usecs[FLEXIBLE_ARRAY_MEMBER];	/* one duration per deal */
} DealCycleState;

static DealCycleState *
cycle_alloc(MemoryContext cxt, int64 capacity)
{
	DealCycleState *state;

	state = MemoryContextAlloc(cxt, offsetof(DealCycleState, usecs)
							   + capacity * sizeof(int64));
	state->ndeals = 0;
	state->capacity = capacity;
	state->nsorted = 0;
	state->pad = 0;
	return state;
}

/* Make room for `more` deals, growing by half to keep the slack small. */
static DealCycleState *
cycle_reserve(DealCycleState *state, int64 more)
{
	int64		need = state->ndeals + more;
	int64		capacity;

	if (need <= state->capacity)
		return state;
	if (need > DEAL_CYCLE_MAX_DEALS)
		abm_cap_exceeded("deals", "abm_deal_cycle group", DEAL_CYCLE_MAX_DEALS,
						 "Group the deals more finely.");
	capacity = Max(need, state->capacity + state->capacity / 2 + 8);
	capacity = Min(capacity, DEAL_CYCLE_MAX_DEALS);
	state = repalloc(state, offsetof(DealCycleState, usecs)
					 + capacity * sizeof(int64));
	state->capacity = capacity;
	return state;
}

/* Raise an error about a deal, naming both of its times. */
static void
cycle_bad_row(FunctionCallInfo fcinfo, int sqlstate, const char *msg,
			  const char *hint)
{
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg("%s", msg),
			 errdetail("The input has started_at = %s, ended_at = %s.",
					   DatumGetCString(DirectFunctionCall1(timestamptz_out,
														   PG_GETARG_DATUM(1))),
					   DatumGetCString(DirectFunctionCall1(timestamptz_out,
														   PG_GETARG_DATUM(2)))),
			 errhint("%s", hint)));
}

Datum
abm_deal_cycle_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = abm_agg_context(fcinfo, "abm_deal_cycle_trans");
	DealCycleState *state;
	TimestampTz started_at;
	TimestampTz ended_at;
	int64		usecs;

	state = PG_ARGISNULL(0) ? cycle_alloc(aggcontext, 8)
		: (DealCycleState *) PG_GETARG_POINTER(0);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(state);

	started_at = PG_GETARG_TIMESTAMPTZ(1);
	ended_at = PG_GETARG_TIMESTAMPTZ(2);
	abm_check_finite(started_at, "started_at", NULL);
	abm_check_finite(ended_at, "ended_at", NULL);
	if (ended_at < started_at)
		cycle_bad_row(fcinfo, ERRCODE_INVALID_PARAMETER_VALUE,
					  "deal ended before it started",
					  "ended_at must not be earlier than started_at; filter out such rows.");
	if (pg_sub_s64_overflow(ended_at, started_at, &usecs))
		cycle_bad_row(fcinfo, ERRCODE_DATETIME_VALUE_OUT_OF_RANGE,
					  "deal cycle is out of range",
					  "The cycle must fit in about 292 000 years.");

	state = cycle_reserve(state, 1);
	state->usecs[state->ndeals++] = usecs;
	PG_RETURN_POINTER(state);
}

Datum
abm_deal_cycle_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = abm_agg_context(fcinfo, "abm_deal_cycle_combine");
	DealCycleState *state;
	DealCycleState *other;

	ABM_COMBINE_NULLS();
	other = (DealCycleState *) PG_GETARG_POINTER(1);
	state = PG_ARGISNULL(0) ? cycle_alloc(aggcontext, Max(other->ndeals, 8))
		: (DealCycleState *) PG_GETARG_POINTER(0);
	state = cycle_reserve(state, other->ndeals);
	memcpy(state->usecs + state->ndeals, other->usecs,
		   other->ndeals * sizeof(int64));
	state->ndeals += other->ndeals;
	PG_RETURN_POINTER(state);
}

Datum
abm_deal_cycle_serial(PG_FUNCTION_ARGS)
{
	DealCycleState *state = (DealCycleState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	abm_write_begin(&buf, ABM_KIND_DEAL_CYCLE);
	/* ndeals <= DEAL_CYCLE_MAX_DEALS, the cap the reader checks */
	pq_sendint32(&buf, (int32) state->ndeals);
	for (int64 i = 0; i < state->ndeals; i++)
	{
		CHECK_FOR_INTERRUPTS();
		pq_sendint64(&buf, state->usecs[i]);
	}
	PG_RETURN_BYTEA_P(abm_write_end(&buf));
}

Datum
abm_deal_cycle_deserial(PG_FUNCTION_ARGS)
{
	AbmReader	r;
	DealCycleState *state;
	int32		ndeals;

	abm_read_begin_bytea(&r, PG_GETARG_BYTEA_PP(0), ABM_KIND_DEAL_CYCLE,
						 "deal cycle state");
	ndeals = abm_read_count(&r, DEAL_CYCLE_MAX_DEALS);
	if ((Size) ndeals * sizeof(int64) > (Size) (r.end - r.cur))
		abm_read_corrupt(&r, psprintf("The state announces %d deals but holds fewer.",
									  ndeals));
	state = cycle_alloc(CurrentMemoryContext, Max(ndeals, 8));
	for (int32 i = 0; i < ndeals; i++)
	{
		int64		usecs;

		CHECK_FOR_INTERRUPTS();
		usecs = abm_read_int64(&r);
		if (usecs < 0)
			abm_read_corrupt(&r, psprintf("Duration %lld is negative.",
										  (long long) usecs));
		state->usecs[i] = usecs;
	}
	state->ndeals = ndeals;
	abm_read_end(&r);
	PG_RETURN_POINTER(state);
}

static inline float8
usecs_days(int64 usecs)
{
	return (float8) usecs / (float8) USECS_PER_DAY;
}

/* Sort the durations, unless the last final call left them sorted. */
static void
cycle_sort(DealCycleState *state)
{
	if (state->nsorted < state->ndeals)
	{
		abm_sort_int64(state->usecs, state->ndeals);
		state->nsorted = state->ndeals;
	}
}

/* percentile_cont over sorted durations, with its arithmetic to the bit. */
static float8
cycle_percentile(const DealCycleState *state, float8 fraction)
{
	float8		position = fraction * (state->ndeals - 1);
	int64		first = (int64) floor(position);
	int64		second = (int64) ceil(position);
	float8		low = usecs_days(state->usecs[first]);
	float8		high;

	if (second == first)
		return low;
	high = usecs_days(state->usecs[second]);
	return low + (high - low) * (position - first);
}

Datum
abm_deal_cycle_final(PG_FUNCTION_ARGS)
{
	DealCycleState *state = PG_ARGISNULL(0) ? NULL
		: (DealCycleState *) PG_GETARG_POINTER(0);
	TupleDesc	tupdesc;
	Datum		values[CYCLE_RESULT_COLUMNS];
	bool		nulls[CYCLE_RESULT_COLUMNS];
	int128		total = 0;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "abm_deal_cycle_final must return a composite type");
	tupdesc = BlessTupleDesc(tupdesc);

	if (state == NULL || state->ndeals == 0)
	{
		/* no deal: a count of 0 and no statistics */
		memset(nulls, true, sizeof(nulls));
		nulls[0] = false;
		values[0] = Int64GetDatum(0);
		PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
	}

	cycle_sort(state);
	for (int64 i = 0; i < state->ndeals; i++)
	{
		CHECK_FOR_INTERRUPTS();
		total += state->usecs[i];
	}

	memset(nulls, false, sizeof(nulls));
	values[0] = Int64GetDatum(state->ndeals);
	values[1] = Float8GetDatum((float8) total / (float8) state->ndeals
							   / (float8) USECS_PER_DAY);
	values[2] = Float8GetDatum(cycle_percentile(state, 0.5));
	values[3] = Float8GetDatum(cycle_percentile(state, 0.9));
	values[4] = Float8GetDatum(usecs_days(state->usecs[0]));
	values[5] = Float8GetDatum(usecs_days(state->usecs[state->ndeals - 1]));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

Datum
abm_deal_cycle_length_final(PG_FUNCTION_ARGS)
{
	DealCycleState *state;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (DealCycleState *) PG_GETARG_POINTER(0);
	if (state->ndeals == 0)
		PG_RETURN_NULL();
	cycle_sort(state);
	PG_RETURN_FLOAT8(cycle_percentile(state, 0.5));
}
