/*-------------------------------------------------------------------------
 *
 * acv.c
 *	  Average contract value: the aggregate abm_acv(amount, starts_on,
 *	  ends_on), the mean of amount × 365.25 / contract days.
 *
 * Each contract's annualised value is computed with numeric arithmetic
 * exactly as the SQL expression amount * 365.25 / (ends_on - starts_on)
 * does (an exact product, then numeric division), the values are summed
 * exactly and the mean is numeric division by the count, as avg(numeric)
 * does: abm_acv equals avg(amount * 365.25 / (ends_on - starts_on)).
 * Contract days are ends_on - starts_on: ends_on is the first day no
 * longer covered, so a one-year contract from 2026-01-01 ends on
 * 2027-01-01 (365 days).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "abm.h"
#include "money.h"
#include "common/int.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/fmgrprotos.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(abm_acv_trans);
PG_FUNCTION_INFO_V1(abm_acv_combine);
PG_FUNCTION_INFO_V1(abm_acv_serial);
PG_FUNCTION_INFO_V1(abm_acv_deserial);
PG_FUNCTION_INFO_V1(abm_acv_final);

typedef struct AcvState
{
	int64		contracts;
	AbmMoneySum annualised;		/* Σ amount × 365.25 / days */
} AcvState;

static AcvState *
acv_new(MemoryContext cxt)
{
	AcvState   *state = MemoryContextAlloc(cxt, sizeof(AcvState));

	state->contracts = 0;
	abm_money_init(&state->annualised);
	return state;
}

static void
acv_bad_row(FunctionCallInfo fcinfo, const char *msg, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s", msg),
			 errdetail("The input has amount = %s, starts_on = %s, ends_on = %s.",
					   DatumGetCString(DirectFunctionCall1(numeric_out,
														   PG_GETARG_DATUM(1))),
					   DatumGetCString(DirectFunctionCall1(date_out,
														   PG_GETARG_DATUM(2))),
					   DatumGetCString(DirectFunctionCall1(date_out,
														   PG_GETARG_DATUM(3)))),
			 errhint("%s", hint)));
}

Datum
abm_acv_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = abm_agg_context(fcinfo, "abm_acv_trans");
	AcvState   *state;
	DateADT		starts_on;
	DateADT		ends_on;
	AbmMoneyCheck check;
	Datum		annual;

	state = PG_ARGISNULL(0) ? acv_new(aggcontext)
		: (AcvState *) PG_GETARG_POINTER(0);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_POINTER(state);

	starts_on = PG_GETARG_DATEADT(2);
	ends_on = PG_GETARG_DATEADT(3);
	check = abm_money_check(PG_GETARG_DATUM(1));
	if (check == ABM_MONEY_NEGATIVE)
		acv_bad_row(fcinfo, "contract amount must not be negative",
					"Fix the amount, or filter out such rows.");
	if (check == ABM_MONEY_NOT_FINITE)
		acv_bad_row(fcinfo, "contract amount must be a finite number",
					"Fix the amount, or filter out such rows.");
	if (DATE_NOT_FINITE(starts_on) || DATE_NOT_FINITE(ends_on))
		acv_bad_row(fcinfo, "contract dates must be finite",
					"Give the contract a real end date.");
	if (ends_on < starts_on)
		acv_bad_row(fcinfo, "contract ends before it starts",
					"ends_on must not be earlier than starts_on.");
	if (ends_on == starts_on)
		acv_bad_row(fcinfo, "contract lasts zero days",
					"ends_on is the first day the contract no longer covers: a one-day contract ends the day after it starts.");

	annual = abm_annualised(PG_GETARG_DATUM(1), ends_on - starts_on);
	abm_count_add(&state->contracts, 1, "contract count");
	abm_money_add(&state->annualised, annual, aggcontext);
	PG_RETURN_POINTER(state);
}

Datum
abm_acv_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = abm_agg_context(fcinfo, "abm_acv_combine");
	AcvState   *state;
	AcvState   *other;

	ABM_COMBINE_NULLS();
	state = PG_ARGISNULL(0) ? acv_new(aggcontext)
		: (AcvState *) PG_GETARG_POINTER(0);
	other = (AcvState *) PG_GETARG_POINTER(1);
	if (pg_add_s64_overflow(state->contracts, other->contracts, &state->contracts))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("acv state is out of range"),
				 errdetail("The combined contract count exceeds %lld.",
						   (long long) PG_INT64_MAX)));
	abm_money_combine(&state->annualised, &other->annualised, aggcontext);
	PG_RETURN_POINTER(state);
}

Datum
abm_acv_serial(PG_FUNCTION_ARGS)
{
	AcvState   *state = (AcvState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	abm_write_begin(&buf, ABM_KIND_ACV);
	pq_sendint64(&buf, state->contracts);
	abm_money_write(&buf, &state->annualised);
	PG_RETURN_BYTEA_P(abm_write_end(&buf));
}

Datum
abm_acv_deserial(PG_FUNCTION_ARGS)
{
	AcvState   *state = acv_new(CurrentMemoryContext);
	AbmReader	r;

	abm_read_begin_bytea(&r, PG_GETARG_BYTEA_PP(0), ABM_KIND_ACV, "acv state");
	state->contracts = abm_read_int64(&r);
	if (state->contracts < 0)
		abm_corrupt("acv state",
					psprintf("The contract count is negative: %lld.",
							 (long long) state->contracts));
	abm_money_read(&r, &state->annualised, state->contracts);
	abm_read_end(&r);
	PG_RETURN_POINTER(state);
}

Datum
abm_acv_final(PG_FUNCTION_ARGS)
{
	AcvState   *state;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (AcvState *) PG_GETARG_POINTER(0);
	if (state->contracts == 0)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(DirectFunctionCall2(numeric_div,
										abm_money_result(&state->annualised),
										NumericGetDatum(int64_to_numeric(state->contracts))));
}
