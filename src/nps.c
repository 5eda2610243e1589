/*-------------------------------------------------------------------------
 *
 * nps.c
 *	  Net Promoter Score: abm_nps(score int) aggregate.
 *
 * NPS = % promoters (9-10) - % detractors (0-6), from -100 to 100.  A score
 * outside 0..10 is an error, not a row to skip: it means the column is not
 * an NPS answer (a 1-5 rating, a percentage) and any result would mislead.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "abm.h"

#define NPS_PROMOTERS	0
#define NPS_PASSIVES	1
#define NPS_DETRACTORS	2

PG_FUNCTION_INFO_V1(abm_nps_trans);
PG_FUNCTION_INFO_V1(abm_nps_inv);
PG_FUNCTION_INFO_V1(abm_nps_final);

static Datum
nps_step(FunctionCallInfo fcinfo, int64 delta)
{
	AbmCounters *state = abm_counters_arg(fcinfo, "abm_nps_trans");
	int32		score;

	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(state);
	score = PG_GETARG_INT32(1);
	if (score < 0 || score > 10)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("NPS score must be between 0 and 10"),
				 errdetail("The input has score = %d.", score),
				 errhint("Pass the 0-10 answer to \"How likely are you to recommend us?\"; filter or rescale other ratings first.")));
	abm_count_add(&state->count[score >= 9 ? NPS_PROMOTERS :
								score >= 7 ? NPS_PASSIVES : NPS_DETRACTORS],
				  delta, "response count");
	PG_RETURN_POINTER(state);
}

Datum
abm_nps_trans(PG_FUNCTION_ARGS)
{
	return nps_step(fcinfo, 1);
}

Datum
abm_nps_inv(PG_FUNCTION_ARGS)
{
	return nps_step(fcinfo, -1);
}

Datum
abm_nps_final(PG_FUNCTION_ARGS)
{
	AbmCounters *state;
	float8		n;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (AbmCounters *) PG_GETARG_POINTER(0);

	/*
	 * In float8: each count fits an int64 (combine checks), their sum may
	 * not; the counts are >= 0, so their difference cannot overflow.
	 */
	n = (float8) state->count[NPS_PROMOTERS] + (float8) state->count[NPS_PASSIVES] +
		(float8) state->count[NPS_DETRACTORS];
	if (n == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(100.0 * (float8) (state->count[NPS_PROMOTERS] -
									   state->count[NPS_DETRACTORS]) / n);
}
