/*-------------------------------------------------------------------------
 *
 * pipeline.c
 *	  Opportunity pipeline: the aggregates abm_pipeline (a composite
 *	  abm_pipeline_result) and abm_pipeline_velocity.
 *
 * The state is fixed-size (120 bytes): counts, two exact money sums and
 * the exact sum of won cycles in microseconds, so every derived figure is
 * computed once, in the final function, from exact totals.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "abm.h"
#include "money.h"
#include "common/int.h"
#include "access/htup_details.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"

PG_FUNCTION_INFO_V1(abm_pipeline_trans);
PG_FUNCTION_INFO_V1(abm_pipeline_inv);
PG_FUNCTION_INFO_V1(abm_pipeline_combine);
PG_FUNCTION_INFO_V1(abm_pipeline_serial);
PG_FUNCTION_INFO_V1(abm_pipeline_deserial);
PG_FUNCTION_INFO_V1(abm_pipeline_final);
PG_FUNCTION_INFO_V1(abm_pipeline_velocity_final);

typedef struct PipelineState
{
	int64		open;			/* is_won NULL */
	int64		won;
	int64		lost;
	AbmMoneySum open_amount;
	AbmMoneySum won_amount;
	int128		won_cycle_usecs;	/* Σ closed_at - created_at of won rows */
} PipelineState;

#define PIPELINE_RESULT_COLUMNS 10

static PipelineState *
pipeline_new(MemoryContext cxt)
{
	PipelineState *state = MemoryContextAllocZero(cxt, sizeof(PipelineState));

	abm_money_init(&state->open_amount);
	abm_money_init(&state->won_amount);
	return state;
}

static const char *
pipeline_timestamptz_text(bool isnull, Datum ts)
{
	return isnull ? "NULL" : DatumGetCString(DirectFunctionCall1(timestamptz_out, ts));
}

/* Raise an error about an opportunity, naming every value of the row. */
static void
pipeline_bad_row(FunctionCallInfo fcinfo, int sqlstate, const char *msg,
				 const char *hint)
{
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg("%s", msg),
			 errdetail("The input has amount = %s, created_at = %s, closed_at = %s, is_won = %s.",
					   DatumGetCString(DirectFunctionCall1(numeric_out,
														   PG_GETARG_DATUM(1))),
					   pipeline_timestamptz_text(PG_ARGISNULL(2), PG_GETARG_DATUM(2)),
					   pipeline_timestamptz_text(PG_ARGISNULL(3), PG_GETARG_DATUM(3)),
					   PG_ARGISNULL(4) ? "NULL" : (PG_GETARG_BOOL(4) ? "true" : "false")),
			 errhint("%s", hint)));
}

/*
 * Rows need amount and created_at; a NULL in either skips the row, as
 * sum() skips NULLs.  is_won NULL means open; closed_at is then optional.
 */
Datum
abm_pipeline_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = abm_agg_context(fcinfo, "abm_pipeline_trans");
	PipelineState *state;
	Datum		amount;
	TimestampTz created_at;
	AbmMoneyCheck check;

	state = PG_ARGISNULL(0) ? pipeline_new(aggcontext)
		: (PipelineState *) PG_GETARG_POINTER(0);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(state);

	amount = PG_GETARG_DATUM(1);
	created_at = PG_GETARG_TIMESTAMPTZ(2);
	check = abm_money_check(amount);
	if (check == ABM_MONEY_NEGATIVE)
		pipeline_bad_row(fcinfo, ERRCODE_INVALID_PARAMETER_VALUE,
						 "opportunity amount must not be negative",
						 "Fix the amount, or filter out such rows.");
	if (check == ABM_MONEY_NOT_FINITE)
		pipeline_bad_row(fcinfo, ERRCODE_INVALID_PARAMETER_VALUE,
						 "opportunity amount must be a finite number",
						 "Fix the amount, or filter out such rows.");
	abm_check_finite(created_at, "created_at", NULL);
	if (!PG_ARGISNULL(3))
		abm_check_finite(PG_GETARG_TIMESTAMPTZ(3), "closed_at",
						 "Use NULL, not infinity, for an opportunity that is not closed.");
	if (!PG_ARGISNULL(3) && PG_GETARG_TIMESTAMPTZ(3) < created_at)
		pipeline_bad_row(fcinfo, ERRCODE_INVALID_PARAMETER_VALUE,
						 "opportunity closed before it was created",
						 "closed_at must not be earlier than created_at.");

	if (PG_ARGISNULL(4))
	{
		abm_count_add(&state->open, 1, "opportunity count");
		abm_money_add(&state->open_amount, amount, aggcontext);
	}
	else
	{
		if (PG_ARGISNULL(3))
			pipeline_bad_row(fcinfo, ERRCODE_INVALID_PARAMETER_VALUE,
							 "closed opportunity has no closed_at",
							 "A won or lost opportunity needs closed_at; is_won is NULL for open ones.");
		if (PG_GETARG_BOOL(4))
		{
			int64		cycle;

			if (pg_sub_s64_overflow(PG_GETARG_TIMESTAMPTZ(3), created_at, &cycle))
				pipeline_bad_row(fcinfo, ERRCODE_DATETIME_VALUE_OUT_OF_RANGE,
								 "opportunity cycle is out of range",
								 "The cycle must fit in about 292 000 years.");
			abm_count_add(&state->won, 1, "opportunity count");
			state->won_cycle_usecs += cycle;
			abm_money_add(&state->won_amount, amount, aggcontext);
		}
		else
			abm_count_add(&state->lost, 1, "opportunity count");
	}
	/* the total must fit too: pipeline_velocity and the result use it */
	if (state->open > PG_INT64_MAX - state->won ||
		state->lost > PG_INT64_MAX - state->open - state->won)
		abm_count_overflow("opportunity count");
	PG_RETURN_POINTER(state);
}

/*
 * Inverse transition for sliding windows: the row was validated when it
 * was added, so it only needs taking back.  Counts and sums are exact, so
 * this is exact too; NULL (recompute the frame) only when the row held the
 * last amount of the largest display scale.
 */
Datum
abm_pipeline_inv(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = abm_agg_context(fcinfo, "abm_pipeline_inv");
	PipelineState *state = (PipelineState *) PG_GETARG_POINTER(0);
	Datum		amount = PG_GETARG_DATUM(1);

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(state);
	if (PG_ARGISNULL(4))
	{
		state->open--;
		if (!abm_money_sub(&state->open_amount, amount, aggcontext))
			PG_RETURN_NULL();
	}
	else if (PG_GETARG_BOOL(4))
	{
		state->won--;
		state->won_cycle_usecs -= PG_GETARG_TIMESTAMPTZ(3) - PG_GETARG_TIMESTAMPTZ(2);
		if (!abm_money_sub(&state->won_amount, amount, aggcontext))
			PG_RETURN_NULL();
	}
	else
		state->lost--;
	PG_RETURN_POINTER(state);
}

Datum
abm_pipeline_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = abm_agg_context(fcinfo, "abm_pipeline_combine");
	PipelineState *state;
	PipelineState *other;

	ABM_COMBINE_NULLS();
	state = PG_ARGISNULL(0) ? pipeline_new(aggcontext)
		: (PipelineState *) PG_GETARG_POINTER(0);
	other = (PipelineState *) PG_GETARG_POINTER(1);

	/*
	 * Deserialized states may hold counts up to INT64_MAX: the counts and
	 * their total must still fit.  The cycle sums cannot overflow then, as
	 * each is at most won × INT64_MAX.
	 */
	if (pg_add_s64_overflow(state->open, other->open, &state->open) ||
		pg_add_s64_overflow(state->won, other->won, &state->won) ||
		pg_add_s64_overflow(state->lost, other->lost, &state->lost) ||
		state->open > PG_INT64_MAX - state->won ||
		state->lost > PG_INT64_MAX - state->open - state->won)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("pipeline state is out of range"),
				 errdetail("The combined opportunity count exceeds %lld.",
						   (long long) PG_INT64_MAX)));
	state->won_cycle_usecs += other->won_cycle_usecs;
	abm_money_combine(&state->open_amount, &other->open_amount, aggcontext);
	abm_money_combine(&state->won_amount, &other->won_amount, aggcontext);
	PG_RETURN_POINTER(state);
}

Datum
abm_pipeline_serial(PG_FUNCTION_ARGS)
{
	PipelineState *state = (PipelineState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	abm_write_begin(&buf, ABM_KIND_PIPELINE);
	pq_sendint64(&buf, state->open);
	pq_sendint64(&buf, state->won);
	pq_sendint64(&buf, state->lost);
	pq_sendint64(&buf, (int64) (state->won_cycle_usecs >> 64));
	pq_sendint64(&buf, (int64) (uint64) state->won_cycle_usecs);
	abm_money_write(&buf, &state->open_amount);
	abm_money_write(&buf, &state->won_amount);
	PG_RETURN_BYTEA_P(abm_write_end(&buf));
}

Datum
abm_pipeline_deserial(PG_FUNCTION_ARGS)
{
	PipelineState *state = pipeline_new(CurrentMemoryContext);
	AbmReader	r;
	int64		hi;
	uint64		lo;

	abm_read_begin_bytea(&r, PG_GETARG_BYTEA_PP(0), ABM_KIND_PIPELINE,
						 "pipeline state");
	state->open = abm_read_int64(&r);
	state->won = abm_read_int64(&r);
	state->lost = abm_read_int64(&r);
	hi = abm_read_int64(&r);
	lo = (uint64) abm_read_int64(&r);
	state->won_cycle_usecs = (int128) (((uint128) (uint64) hi << 64) | lo);
	/* each count >= 0, their total an int64, each won cycle an int64 >= 0 */
	if (state->open < 0 || state->won < 0 || state->lost < 0 ||
		state->open > PG_INT64_MAX - state->won ||
		state->lost > PG_INT64_MAX - state->open - state->won ||
		state->won_cycle_usecs < 0 ||
		state->won_cycle_usecs > (int128) state->won * PG_INT64_MAX)
		abm_corrupt("pipeline state", "The counts or the cycle sum are out of range or contradict each other.");
	abm_money_read(&r, &state->open_amount, state->open);
	abm_money_read(&r, &state->won_amount, state->won);
	abm_read_end(&r);
	PG_RETURN_POINTER(state);
}

/*
 * Velocity = opportunities × avg won amount × win rate / avg won cycle days
 *          = opportunities × won_amount × won × USECS_PER_DAY
 *            / ((won + lost) × Σ won cycle µs),
 * one exact numeric expression with a single (rounded) division.  NULL
 * with no won deal, or when every won deal closed the instant it opened.
 */
static Datum
pipeline_velocity(const PipelineState *state, bool *isnull)
{
	int64		opportunities = state->open + state->won + state->lost;
	Datum		num;
	Datum		den;

	*isnull = (state->won == 0 || state->won_cycle_usecs == 0);
	if (*isnull)
		return (Datum) 0;
	num = DirectFunctionCall2(numeric_mul,
							  abm_money_result(&state->won_amount),
							  NumericGetDatum(int64_to_numeric(opportunities)));
	num = DirectFunctionCall2(numeric_mul, num,
							  NumericGetDatum(int64_to_numeric(state->won)));
	num = DirectFunctionCall2(numeric_mul, num,
							  NumericGetDatum(int64_to_numeric(USECS_PER_DAY)));
	den = DirectFunctionCall2(numeric_mul,
							  NumericGetDatum(int64_to_numeric(state->won + state->lost)),
							  abm_int128_numeric(state->won_cycle_usecs, 0, 0));
	return DirectFunctionCall2(numeric_div, num, den);
}

Datum
abm_pipeline_final(PG_FUNCTION_ARGS)
{
	PipelineState empty;
	const PipelineState *state;
	TupleDesc	tupdesc;
	Datum		values[PIPELINE_RESULT_COLUMNS];
	bool		nulls[PIPELINE_RESULT_COLUMNS];
	int64		closed;

	if (PG_ARGISNULL(0))
	{
		memset(&empty, 0, sizeof(empty));
		abm_money_init(&empty.open_amount);
		abm_money_init(&empty.won_amount);
		state = &empty;
	}
	else
		state = (const PipelineState *) PG_GETARG_POINTER(0);

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "abm_pipeline_final must return a composite type");
	tupdesc = BlessTupleDesc(tupdesc);

	closed = state->won + state->lost;
	memset(nulls, 0, sizeof(nulls));
	values[0] = Int64GetDatum(state->open + closed);
	values[1] = Int64GetDatum(state->open);
	values[2] = Int64GetDatum(state->won);
	values[3] = Int64GetDatum(state->lost);
	/* win_rate: NULL with nothing closed */
	nulls[4] = (closed == 0);
	values[4] = nulls[4] ? (Datum) 0
		: Float8GetDatum((float8) state->won / (float8) closed);
	/* open_amount and won_amount: NULL without such rows, as sum() */
	nulls[5] = (state->open == 0);
	values[5] = nulls[5] ? (Datum) 0 : abm_money_result(&state->open_amount);
	nulls[6] = (state->won == 0);
	values[6] = nulls[6] ? (Datum) 0 : abm_money_result(&state->won_amount);
	nulls[7] = nulls[6];
	values[7] = nulls[7] ? (Datum) 0
		: DirectFunctionCall2(numeric_div, values[6],
							  NumericGetDatum(int64_to_numeric(state->won)));
	nulls[8] = nulls[6];
	values[8] = nulls[8] ? (Datum) 0
		: Float8GetDatum((float8) state->won_cycle_usecs / (float8) state->won
						 / (float8) USECS_PER_DAY);
	values[9] = pipeline_velocity(state, &nulls[9]);

	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

Datum
abm_pipeline_velocity_final(PG_FUNCTION_ARGS)
{
	Datum		result;
	bool		isnull;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	result = pipeline_velocity((const PipelineState *) PG_GETARG_POINTER(0),
							   &isnull);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}
