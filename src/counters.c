/*-------------------------------------------------------------------------
 *
 * counters.c
 *	  The state of the counting aggregates (abm_rate, abm_win_rate,
 *	  abm_nps): a fixed set of int64 counters, with one combine, serial and
 *	  deserial function for all of them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "abm.h"
#include "common/int.h"
#include "libpq/pqformat.h"

PG_FUNCTION_INFO_V1(abm_counters_combine);
PG_FUNCTION_INFO_V1(abm_counters_serial);
PG_FUNCTION_INFO_V1(abm_counters_deserial);

AbmCounters *
abm_counters_arg(FunctionCallInfo fcinfo, const char *fname)
{
	MemoryContext aggcontext = abm_agg_context(fcinfo, fname);

	if (PG_ARGISNULL(0))
		return (AbmCounters *) MemoryContextAllocZero(aggcontext,
													  sizeof(AbmCounters));
	return (AbmCounters *) PG_GETARG_POINTER(0);
}

Datum
abm_counters_combine(PG_FUNCTION_ARGS)
{
	AbmCounters *state = abm_counters_arg(fcinfo, "abm_counters_combine");

	if (!PG_ARGISNULL(1))
	{
		AbmCounters *other = (AbmCounters *) PG_GETARG_POINTER(1);

		/*
		 * Deserialized states can hold any count up to INT64_MAX; a sum that
		 * wrapped around would be a negative count, which no reader accepts.
		 */
		for (int i = 0; i < ABM_COUNTERS; i++)
			if (pg_add_s64_overflow(state->count[i], other->count[i],
									&state->count[i]))
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("counter state is out of range"),
						 errdetail("Counter %d exceeds %lld when combined.",
								   i, (long long) PG_INT64_MAX)));
	}
	PG_RETURN_POINTER(state);
}

Datum
abm_counters_serial(PG_FUNCTION_ARGS)
{
	AbmCounters *state = (AbmCounters *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	abm_write_begin(&buf, ABM_KIND_COUNTERS);
	for (int i = 0; i < ABM_COUNTERS; i++)
		pq_sendint64(&buf, state->count[i]);
	PG_RETURN_BYTEA_P(abm_write_end(&buf));
}

Datum
abm_counters_deserial(PG_FUNCTION_ARGS)
{
	AbmCounters *state = (AbmCounters *) palloc(sizeof(AbmCounters));
	AbmReader	r;

	abm_read_begin_bytea(&r, PG_GETARG_BYTEA_PP(0), ABM_KIND_COUNTERS,
						 "counter state");
	for (int i = 0; i < ABM_COUNTERS; i++)
	{
		state->count[i] = abm_read_int64(&r);
		if (state->count[i] < 0)
			abm_corrupt("counter state",
						psprintf("Counter %d is negative: %lld.",
								 i, (long long) state->count[i]));
	}
	abm_read_end(&r);
	PG_RETURN_POINTER(state);
}
