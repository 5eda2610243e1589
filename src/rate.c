/*-------------------------------------------------------------------------
 *
 * rate.c
 *	  Share-of-true rates: the aggregates abm_rate(bool) and
 *	  abm_win_rate(bool), and the scalar abm_retention_rate().
 *
 * The aggregates count true rows and non-NULL rows; NULL rows are skipped,
 * so open opportunities (is_won NULL) do not dilute a win rate.  The
 * inverse transition makes sliding windows linear time.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "abm.h"

#define RATE_HITS	0			/* rows that were true */
#define RATE_ROWS	1			/* non-NULL rows */

PG_FUNCTION_INFO_V1(abm_rate_trans);
PG_FUNCTION_INFO_V1(abm_rate_inv);
PG_FUNCTION_INFO_V1(abm_rate_final);
PG_FUNCTION_INFO_V1(abm_retention_rate);

static Datum
rate_step(FunctionCallInfo fcinfo, int64 delta)
{
	AbmCounters *state = abm_counters_arg(fcinfo, "abm_rate_trans");

	if (!PG_ARGISNULL(1))
	{
		abm_count_add(&state->count[RATE_ROWS], delta, "row count");
		if (PG_GETARG_BOOL(1))
			abm_count_add(&state->count[RATE_HITS], delta, "row count");
	}
	PG_RETURN_POINTER(state);
}

Datum
abm_rate_trans(PG_FUNCTION_ARGS)
{
	return rate_step(fcinfo, 1);
}

Datum
abm_rate_inv(PG_FUNCTION_ARGS)
{
	return rate_step(fcinfo, -1);
}

Datum
abm_rate_final(PG_FUNCTION_ARGS)
{
	AbmCounters *state;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (AbmCounters *) PG_GETARG_POINTER(0);
	if (state->count[RATE_ROWS] == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((float8) state->count[RATE_HITS] /
					 (float8) state->count[RATE_ROWS]);
}

/*
 * Customer retention rate: (customers at end - new customers) / customers
 * at start.  Counts that cannot describe a real customer base are errors
 * rather than rates outside [0, 1].
 */
Datum
abm_retention_rate(PG_FUNCTION_ARGS)
{
	int64		start = PG_GETARG_INT64(0);
	int64		end = PG_GETARG_INT64(1);
	int64		added = PG_GETARG_INT64(2);

	if (start < 0 || end < 0 || added < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("customer counts must not be negative"),
				 errdetail("The input has customers_start = %lld, customers_end = %lld, new_customers = %lld.",
						   (long long) start, (long long) end, (long long) added)));
	if (added > end || end - added > start)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("retained customers must be between 0 and customers_start"),
				 errdetail("The input has customers_end - new_customers = %lld, customers_start = %lld.",
						   (long long) (end - added), (long long) start),
				 errhint("customers_end counts every customer at the end of the period, new ones included.")));
	if (start == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((float8) (end - added) / (float8) start);
}
