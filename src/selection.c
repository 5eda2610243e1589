/*-------------------------------------------------------------------------
 *
 * selection.c
 *	  Account selection: minimum viable accounts (abm_mva) and tiering
 *	  (abm_tier, by score thresholds or by the Ready / Willing / Able /
 *	  Success-potential test).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "abm.h"
#include "money.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/numeric.h"

PG_FUNCTION_INFO_V1(abm_mva);
PG_FUNCTION_INFO_V1(abm_tier_score);
PG_FUNCTION_INFO_V1(abm_tier_rwas);

static void
selection_check_share(float8 v, const char *argname)
{
	if (isnan(v) || v <= 0.0 || v > 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be in (0, 1]", argname),
				 errdetail("The input has %s = %g.", argname, v),
				 errhint("Rates are fractions: pass 0.25 for 25 %%.")));
}

/*
 * MVA = ceil(goal / (avg_deal * win_rate * opportunity_rate)).
 *
 * The rates are converted to numeric (shortest exact decimal, so 0.1 stays
 * 0.1) and the ceiling is taken from an exact integer division and its
 * remainder, so a goal that is an exact multiple never rounds up by one.
 */
Datum
abm_mva(PG_FUNCTION_ARGS)
{
	Datum		goal = PG_GETARG_DATUM(0);
	Datum		avg_deal = PG_GETARG_DATUM(1);
	float8		win_rate = PG_GETARG_FLOAT8(2);
	float8		opportunity_rate = PG_GETARG_FLOAT8(3);
	Datum		per_account;
	Datum		quotient;
	Datum		remainder;

	if (numeric_is_nan(DatumGetNumeric(goal)) ||
		numeric_is_inf(DatumGetNumeric(goal)) ||
		abm_numeric_sign(goal) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("revenue goal must be a finite amount of zero or more"),
				 errdetail("The input has goal = %s.",
						   DatumGetCString(DirectFunctionCall1(numeric_out, goal))),
				 errhint("Pass the revenue target of the programme, such as 1000000.")));
	if (numeric_is_nan(DatumGetNumeric(avg_deal)) ||
		numeric_is_inf(DatumGetNumeric(avg_deal)) ||
		abm_numeric_sign(avg_deal) <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("average deal size must be a finite positive amount"),
				 errdetail("The input has avg_deal = %s.",
						   DatumGetCString(DirectFunctionCall1(numeric_out, avg_deal))),
				 errhint("Pass the average won deal amount, such as avg(amount) of won opportunities.")));
	selection_check_share(win_rate, "win_rate");
	selection_check_share(opportunity_rate, "opportunity_rate");

	per_account = DirectFunctionCall2(numeric_mul, avg_deal,
									  DirectFunctionCall1(float8_numeric,
														  Float8GetDatum(win_rate)));
	per_account = DirectFunctionCall2(numeric_mul, per_account,
									  DirectFunctionCall1(float8_numeric,
														  Float8GetDatum(opportunity_rate)));
	quotient = DirectFunctionCall2(numeric_div_trunc, goal, per_account);
	remainder = DirectFunctionCall2(numeric_mod, goal, per_account);
	if (abm_numeric_sign(remainder) > 0)
		quotient = DirectFunctionCall1(numeric_inc, quotient);

	if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, quotient,
										  DirectFunctionCall1(int8_numeric,
															  Int64GetDatum(PG_INT64_MAX)))) > 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("minimum viable accounts out of range"),
				 errdetail("The input gives goal / (avg_deal * win_rate * opportunity_rate) = %s.",
						   DatumGetCString(DirectFunctionCall1(numeric_out, quotient))),
				 errhint("Check that goal and avg_deal are in the same currency unit.")));
	PG_RETURN_INT64(DatumGetInt64(DirectFunctionCall1(numeric_int8, quotient)));
}

Datum
abm_tier_score(PG_FUNCTION_ARGS)
{
	float8		score = PG_GETARG_FLOAT8(0);
	float8		tier1_min = PG_GETARG_FLOAT8(1);
	float8		tier2_min = PG_GETARG_FLOAT8(2);

	if (isnan(tier1_min) || isnan(tier2_min) || tier1_min < tier2_min)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tier thresholds must satisfy tier1_min >= tier2_min"),
				 errdetail("The input has tier1_min = %g, tier2_min = %g.", tier1_min, tier2_min),
				 errhint("Tier 1 is the best tier: its minimum score is the highest.")));
	if (isnan(score))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("score must be a number"),
				 errdetail("The input has score = NaN.")));
	if (score >= tier1_min)
		PG_RETURN_INT32(1);
	if (score >= tier2_min)
		PG_RETURN_INT32(2);
	PG_RETURN_INT32(3);
}

/* Ready / Willing / Able / Success potential: all four met -> 1, three -> 2. */
Datum
abm_tier_rwas(PG_FUNCTION_ARGS)
{
	int			met = 0;

	for (int i = 0; i < 4; i++)
		if (PG_GETARG_BOOL(i))
			met++;
	PG_RETURN_INT32(met == 4 ? 1 : met == 3 ? 2 : 3);
}
