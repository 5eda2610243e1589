/*-------------------------------------------------------------------------
 *
 * lift.c
 *	  abm_lift(treated bool, converted bool [, confidence float8]): the
 *	  conversion lift of a treated group (target accounts) over a control
 *	  group, with a confidence interval and a p-value.
 *
 * Methods (docs/reference.md shows the arithmetic on an example):
 *	- rates p1 = c1 / n1 (treated), p0 = c0 / n0 (control);
 *	- lift = p1 / p0 - 1, the relative uplift (0: no difference);
 *	- interval: the log method for a ratio of two proportions (Katz et al.,
 *	  1978): ln(p1 / p0) +- z sqrt(1/c1 - 1/n1 + 1/c0 - 1/n0), z the
 *	  standard normal quantile of (1 + confidence) / 2, exponentiated, minus
 *	  1;
 *	- p-value: the two-sided two-proportion z-test with the pooled
 *	  proportion p = (c1 + c0) / (n1 + n0): z = (p1 - p0) /
 *	  sqrt(p (1 - p) (1/n1 + 1/n0)), p-value = erfc(|z| / sqrt 2).
 * A statistic that is undefined for the counts (an empty group, no
 * conversion where one divides by it) is NULL, never NaN or infinite.
 *
 * abm_lift_counts(...) gives the same result from the four counts, and
 * abm_lift_means(...) the lift of one group's mean over the other's (the
 * average deal): ratio of the means, interval by the normal approximation
 * of ln(m1 / m0), whose standard error is sqrt(s1^2 / (n1 m1^2) +
 * s0^2 / (n0 m0^2)) (the delta method), p-value of z = ln(m1 / m0) / se.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "abm.h"
#include "access/htup_details.h"
#include "common/int.h"
#include "funcapi.h"
#include "libpq/pqformat.h"

PG_FUNCTION_INFO_V1(abm_lift_trans);
PG_FUNCTION_INFO_V1(abm_lift_inv);
PG_FUNCTION_INFO_V1(abm_lift_combine);
PG_FUNCTION_INFO_V1(abm_lift_serial);
PG_FUNCTION_INFO_V1(abm_lift_deserial);
PG_FUNCTION_INFO_V1(abm_lift_final);
PG_FUNCTION_INFO_V1(abm_lift_counts);
PG_FUNCTION_INFO_V1(abm_lift_means);

#define LIFT_DEFAULT_CONFIDENCE 0.95

/* Counts by group: index 1 treated, 0 control. */
typedef struct LiftState
{
	int64		n[2];			/* accounts */
	int64		c[2];			/* converted accounts */
	float8		confidence;
} LiftState;

static float8
lift_confidence(FunctionCallInfo fcinfo, int argno)
{
	float8		conf;

	if (PG_NARGS() <= argno)
		return LIFT_DEFAULT_CONFIDENCE;
	conf = PG_GETARG_FLOAT8(argno);
	if (!(conf > 0 && conf < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("confidence must be between 0 and 1, exclusive"),
				 errdetail("The input has confidence = %g.", conf),
				 errhint("Pass a level such as 0.95 for a 95 %% interval.")));
	return conf;
}

static void
lift_same_confidence(const LiftState *st, float8 conf)
{
	if (st->confidence != conf)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("confidence must be the same on every row of abm_lift"),
				 errdetail("One row has confidence = %g, another confidence = %g.", st->confidence, conf),
				 errhint("Pass the confidence as a constant.")));
}

/*
 * The state after one row, or NULL when the row is skipped (NULL treated,
 * converted or confidence) and there is no state yet.
 */
static LiftState *
lift_step(FunctionCallInfo fcinfo, const char *fname, int64 sign)
{
	MemoryContext ctx = abm_agg_context(fcinfo, fname);
	LiftState  *st = PG_ARGISNULL(0) ? NULL : (LiftState *) PG_GETARG_POINTER(0);
	float8		conf;
	int			g;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || (PG_NARGS() > 3 && PG_ARGISNULL(3)))
		return st;
	conf = lift_confidence(fcinfo, 3);
	if (st == NULL)
	{
		st = MemoryContextAllocZero(ctx, sizeof(LiftState));
		st->confidence = conf;
	}
	else
		lift_same_confidence(st, conf);
	g = PG_GETARG_BOOL(1) ? 1 : 0;
	/* a sliding window removes only rows it added: never below 0 */
	st->n[g] = abm_count_sum(st->n[g], sign, "abm_lift account");
	if (PG_GETARG_BOOL(2))
		st->c[g] = abm_count_sum(st->c[g], sign, "abm_lift conversion");
	return st;
}

Datum
abm_lift_trans(PG_FUNCTION_ARGS)
{
	LiftState  *st = lift_step(fcinfo, "abm_lift_trans", 1);

	if (st == NULL)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(st);
}

/* Inverse transition (sliding windows): forget one row. */
Datum
abm_lift_inv(PG_FUNCTION_ARGS)
{
	LiftState  *st = lift_step(fcinfo, "abm_lift_inv", -1);

	if (st == NULL)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(st);
}

Datum
abm_lift_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = abm_agg_context(fcinfo, "abm_lift_combine");
	LiftState  *st = PG_ARGISNULL(0) ? NULL : (LiftState *) PG_GETARG_POINTER(0);
	LiftState  *other = (LiftState *) PG_GETARG_POINTER(1);

	ABM_COMBINE_NULLS();
	if (st == NULL)
	{
		st = MemoryContextAlloc(ctx, sizeof(LiftState));
		*st = *other;
		PG_RETURN_POINTER(st);
	}
	lift_same_confidence(st, other->confidence);
	for (int g = 0; g < 2; g++)
		if (pg_add_s64_overflow(st->n[g], other->n[g], &st->n[g]) ||
			pg_add_s64_overflow(st->c[g], other->c[g], &st->c[g]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("abm_lift count is out of range"),
					 errdetail("A count exceeds %lld when states are combined.",
							   (long long) PG_INT64_MAX)));
	PG_RETURN_POINTER(st);
}

Datum
abm_lift_serial(PG_FUNCTION_ARGS)
{
	LiftState  *st = (LiftState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	abm_write_begin(&buf, ABM_KIND_LIFT);
	for (int g = 0; g < 2; g++)
	{
		pq_sendint64(&buf, st->n[g]);
		pq_sendint64(&buf, st->c[g]);
	}
	pq_sendfloat8(&buf, st->confidence);
	PG_RETURN_BYTEA_P(abm_write_end(&buf));
}

Datum
abm_lift_deserial(PG_FUNCTION_ARGS)
{
	LiftState  *st = palloc(sizeof(LiftState));
	AbmReader	r;

	abm_read_begin_bytea(&r, PG_GETARG_BYTEA_PP(0), ABM_KIND_LIFT, "abm_lift state");
	for (int g = 0; g < 2; g++)
	{
		st->n[g] = abm_read_int64(&r);
		st->c[g] = abm_read_int64(&r);
		if (st->n[g] < 0 || st->c[g] < 0 || st->c[g] > st->n[g])
			abm_corrupt("abm_lift state",
						psprintf("Group %d has %lld accounts and %lld conversions.",
								 g, (long long) st->n[g], (long long) st->c[g]));
	}
	st->confidence = abm_read_float8(&r);
	if (!(st->confidence > 0 && st->confidence < 1))
		abm_corrupt("abm_lift state",
					psprintf("The confidence %g is outside (0, 1).", st->confidence));
	abm_read_end(&r);
	PG_RETURN_POINTER(st);
}

/*
 * The standard normal quantile: algorithm AS 241 (Wichura, 1988, PPND16),
 * relative accuracy about 1e-16, for 0 < p < 1.
 */
static float8
lift_probit(float8 p)
{
	float8		q = p - 0.5;
	float8		r;
	float8		val;

	if (fabs(q) <= 0.425)
	{
		r = 0.180625 - q * q;
		return q * (((((((r * 2509.0809287301226727 +
						  33430.575583588128105) * r + 67265.770927008700853) * r +
						45921.953931549871457) * r + 13731.693765509461125) * r +
					  1971.5909503065514427) * r + 133.14166789178437745) * r +
					3.387132872796366608)
			/ (((((((r * 5226.495278852545925 +
					 28729.085735721942674) * r + 39307.89580009271061) * r +
				   21213.794301586595867) * r + 5394.1960214247511077) * r +
				 687.1870074920579083) * r + 42.313330701600911252) * r + 1.0);
	}
	r = sqrt(-log(q < 0 ? p : 1 - p));
	if (r <= 5)
	{
		r -= 1.6;
		val = (((((((r * 7.7454501427834140764e-4 +
					 0.0227238449892691845833) * r + 0.24178072517745061177) *
				   r + 1.27045825245236838258) * r +
				  3.64784832476320460504) * r + 5.7694972214606914055) *
				r + 4.6303378461565452959) * r +
			   1.42343711074968357734)
			/ (((((((r *
					 1.05075007164441684324e-9 + 5.475938084995344946e-4) *
					r + 0.0151986665636164571966) * r +
				   0.14810397642748007459) * r + 0.68976733498510000455) *
				 r + 1.6763848301838038494) * r +
				2.05319162663775882187) * r + 1.0);
	}
	else
	{
		r -= 5;
		val = (((((((r * 2.01033439929228813265e-7 +
					 2.71155556874348757815e-5) * r +
					0.0012426609473880784386) * r + 0.026532189526576123093) *
				  r + 0.29656057182850489123) * r +
				 1.7848265399172913358) * r + 5.4637849111641143699) *
			   r + 6.6579046435011037772)
			/ (((((((r *
					 2.04426310338993978564e-15 + 1.4215117583164458887e-7) *
					r + 1.8463183175100546818e-5) * r +
				   7.868691311456132591e-4) * r + 0.0148753612908506148525)
				 * r + 0.13692988092273580531) * r +
				0.59983220655588793769) * r + 1.0);
	}
	return q < 0 ? -val : val;
}

/* The six values of an abm_lift_result, each NULL until set. */
typedef struct LiftResult
{
	Datum		values[6];
	bool		nulls[6];
} LiftResult;

static void
lift_set(LiftResult *res, int i, float8 v)
{
	res->values[i] = Float8GetDatum(v);
	res->nulls[i] = false;
}

static Datum
lift_tuple(FunctionCallInfo fcinfo, LiftResult *res)
{
	TupleDesc	tupdesc;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	return HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), res->values, res->nulls));
}

/*
 * The statistics of n1 treated and n0 control accounts of which c1 and c0
 * converted.
 */
static Datum
lift_of_counts(FunctionCallInfo fcinfo, float8 n1, float8 c1, float8 n0, float8 c0,
			   float8 confidence)
{
	LiftResult	res = {.nulls = {true, true, true, true, true, true}};

	if (n1 > 0)
		lift_set(&res, 0, c1 / n1);
	if (n0 > 0)
		lift_set(&res, 1, c0 / n0);
	if (n1 > 0 && c0 > 0)
	{
		/* c1 n0 / (c0 n1): one rounding per product, one for the ratio */
		float8		ratio = (c1 * n0) / (c0 * n1);

		lift_set(&res, 2, ratio - 1);
		if (c1 > 0)
		{
			float8		z = lift_probit(0.5 + confidence / 2);
			float8		se = sqrt(1 / c1 - 1 / n1 + 1 / c0 - 1 / n0);
			float8		ln_ratio = log(ratio);

			lift_set(&res, 3, exp(ln_ratio - z * se) - 1);
			lift_set(&res, 4, exp(ln_ratio + z * se) - 1);
		}
	}
	if (n1 > 0 && n0 > 0)
	{
		float8		pooled = (c1 + c0) / (n1 + n0);
		float8		se = sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));

		/* every account converted, or none: the test has no variance */
		if (se > 0)
			lift_set(&res, 5, erfc(fabs((c1 / n1 - c0 / n0) / se) / M_SQRT2));
	}
	return lift_tuple(fcinfo, &res);
}

/*
 * abm_lift_result(treated_rate, control_rate, lift, lift_low, lift_high,
 * p_value); NULL without any row.
 */
Datum
abm_lift_final(PG_FUNCTION_ARGS)
{
	LiftState  *st = PG_ARGISNULL(0) ? NULL : (LiftState *) PG_GETARG_POINTER(0);

	if (st == NULL || (st->n[0] == 0 && st->n[1] == 0))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(lift_of_counts(fcinfo, (float8) st->n[1], (float8) st->c[1],
								   (float8) st->n[0], (float8) st->c[0], st->confidence));
}

/* A count argument of abm_lift_counts or abm_lift_means: 0 or more. */
static int64
lift_count_arg(FunctionCallInfo fcinfo, int argno, const char *name)
{
	int64		n = PG_GETARG_INT64(argno);

	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be negative", name),
				 errdetail("The input has %s = " INT64_FORMAT ".", name, n)));
	return n;
}

/*
 * abm_lift_counts(treated, treated_converted, control, control_converted
 * [, confidence]): abm_lift from counts; NULL when both groups are empty.
 */
Datum
abm_lift_counts(PG_FUNCTION_ARGS)
{
	int64		n1 = lift_count_arg(fcinfo, 0, "treated");
	int64		c1 = lift_count_arg(fcinfo, 1, "treated_converted");
	int64		n0 = lift_count_arg(fcinfo, 2, "control");
	int64		c0 = lift_count_arg(fcinfo, 3, "control_converted");
	float8		conf = lift_confidence(fcinfo, 4);

	if (c1 > n1 || c0 > n0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("converted accounts must not outnumber the accounts of their group"),
				 errdetail("The input has treated = " INT64_FORMAT ", treated_converted = " INT64_FORMAT
						   ", control = " INT64_FORMAT ", control_converted = " INT64_FORMAT ".",
						   n1, c1, n0, c0)));
	if (n1 == 0 && n0 == 0)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(lift_of_counts(fcinfo, (float8) n1, (float8) c1, (float8) n0, (float8) c0, conf));
}

/*
 * abm_lift_means(treated_n, treated_mean, treated_sd, control_n,
 * control_mean, control_sd [, confidence]): the lift of the treated mean
 * over the control mean (treated_rate and control_rate hold the means).
 * Not strict: a group's mean is NULL when it has no rows and its standard
 * deviation when it has one.  The lift needs both means, the control mean
 * not 0; the interval and the p-value need both means above 0 and both
 * deviations; a standard error of 0 gives an interval of one point and no
 * p-value.  NULL when both groups are empty.
 */
Datum
abm_lift_means(PG_FUNCTION_ARGS)
{
	LiftResult	res = {.nulls = {true, true, true, true, true, true}};
	int64		n[2];
	float8		m[2],
				sd[2];
	bool		has_m[2],
				has_sd[2];
	float8		conf;

	for (int g = 0; g < 2; g++)
	{
		int			a = g == 0 ? 3 : 0; /* treated at 0, control at 3 */

		if (PG_ARGISNULL(a))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not be null", g == 0 ? "control_n" : "treated_n")));
		n[g] = lift_count_arg(fcinfo, a, g == 0 ? "control_n" : "treated_n");
		has_m[g] = n[g] > 0 && !PG_ARGISNULL(a + 1);
		m[g] = has_m[g] ? PG_GETARG_FLOAT8(a + 1) : 0;
		has_sd[g] = n[g] > 1 && !PG_ARGISNULL(a + 2);
		sd[g] = has_sd[g] ? PG_GETARG_FLOAT8(a + 2) : 0;
		if ((has_m[g] && !isfinite(m[g])) || (has_sd[g] && !(sd[g] >= 0 && isfinite(sd[g]))))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("means must be finite and standard deviations finite and not negative"),
					 errdetail("The input has %s_mean = %g, %s_sd = %g.", g == 0 ? "control" : "treated", m[g],
							   g == 0 ? "control" : "treated", sd[g])));
	}
	conf = PG_ARGISNULL(6) ? LIFT_DEFAULT_CONFIDENCE : lift_confidence(fcinfo, 6);
	if (n[0] == 0 && n[1] == 0)
		PG_RETURN_NULL();

	if (has_m[1])
		lift_set(&res, 0, m[1]);
	if (has_m[0])
		lift_set(&res, 1, m[0]);
	if (has_m[1] && has_m[0] && m[0] != 0)
		lift_set(&res, 2, m[1] / m[0] - 1);
	if (has_m[1] && has_m[0] && m[1] > 0 && m[0] > 0 && has_sd[1] && has_sd[0])
	{
		float8		ln_ratio = log(m[1] / m[0]);
		float8		se = sqrt(sd[1] * sd[1] / ((float8) n[1] * m[1] * m[1]) +
							  sd[0] * sd[0] / ((float8) n[0] * m[0] * m[0]));
		float8		z = lift_probit(0.5 + conf / 2);

		lift_set(&res, 3, exp(ln_ratio - z * se) - 1);
		lift_set(&res, 4, exp(ln_ratio + z * se) - 1);
		if (se > 0)
			lift_set(&res, 5, erfc(fabs(ln_ratio / se) / M_SQRT2));
	}
	PG_RETURN_DATUM(lift_tuple(fcinfo, &res));
}
