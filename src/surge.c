/*-------------------------------------------------------------------------
 *
 * surge.c
 *	  Intent surge: abm_surge(occurred_at, as_of, recent,
 *	  baseline), a z-score of the events of the recent window against the
 *	  rate of the baseline window just before it.
 *
 * n_recent counts events in [as_of - recent, as_of), n_baseline events in
 * [as_of - recent - baseline, as_of - recent).  expected = n_baseline *
 * recent / baseline and z = (n_recent - expected) / sqrt(max(expected, 1)):
 * the Poisson standard deviation of the expected count, floored at 1 so
 * that an account with no history does not surge on its first event.  The
 * state is two counters and the window bounds, so it is cheap and combines
 * exactly.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "abm.h"
#include "common/int.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"

typedef struct SurgeState
{
	int64		n_recent;
	int64		n_baseline;
	TimestampTz as_of;
	int64		recent;			/* microseconds */
	int64		baseline;		/* microseconds */
} SurgeState;

PG_FUNCTION_INFO_V1(abm_surge_trans);
PG_FUNCTION_INFO_V1(abm_surge_combine);
PG_FUNCTION_INFO_V1(abm_surge_serial);
PG_FUNCTION_INFO_V1(abm_surge_deserial);
PG_FUNCTION_INFO_V1(abm_surge_final);

static char *
surge_time_text(TimestampTz t)
{
	return DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(t)));
}

/* The detail names the first parameter that differs, with both values. */
static void
surge_check_same_windows(const SurgeState *s, TimestampTz as_of, int64 recent,
				   int64 baseline)
{
	if (as_of == s->as_of && recent == s->recent && baseline == s->baseline)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("as_of, recent and baseline must be the same for every row of a group"),
			 as_of != s->as_of ?
			 errdetail("One row has as_of = %s, another as_of = %s.",
					   surge_time_text(s->as_of), surge_time_text(as_of)) :
			 recent != s->recent ?
			 errdetail("One row has recent = %s, another recent = %s.",
					   abm_usecs_text(s->recent), abm_usecs_text(recent)) :
			 errdetail("One row has baseline = %s, another baseline = %s.",
					   abm_usecs_text(s->baseline), abm_usecs_text(baseline)),
			 errhint("Pass constants, or group by them.")));
}

Datum
abm_surge_trans(PG_FUNCTION_ARGS)
{
	SurgeState *s = PG_ARGISNULL(0) ? NULL : (SurgeState *) PG_GETARG_POINTER(0);
	TimestampTz t;
	TimestampTz as_of;
	int64		recent;
	int64		baseline;
	float8		before;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
	{
		if (s == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s);
	}
	t = PG_GETARG_TIMESTAMPTZ(1);
	as_of = PG_GETARG_TIMESTAMPTZ(2);
	recent = abm_interval_usecs(PG_GETARG_INTERVAL_P(3), "recent", true);
	baseline = abm_interval_usecs(PG_GETARG_INTERVAL_P(4), "baseline", true);

	if (s == NULL)
	{
		abm_check_finite(as_of, "as_of", "Pass a finite timestamp such as now().");
		s = (SurgeState *) MemoryContextAllocZero(abm_agg_context(fcinfo, "abm_surge"),
												  sizeof(SurgeState));
		s->as_of = as_of;
		s->recent = recent;
		s->baseline = baseline;
	}
	else
		surge_check_same_windows(s, as_of, recent, baseline);

	/* In float8, so window starts far in the past cannot overflow. */
	before = (float8) as_of - (float8) t;
	if (before > 0 && before <= (float8) recent)
		abm_count_add(&s->n_recent, 1, "event count");
	else if (before > (float8) recent && before <= (float8) recent + (float8) baseline)
		abm_count_add(&s->n_baseline, 1, "event count");
	PG_RETURN_POINTER(s);
}

Datum
abm_surge_combine(PG_FUNCTION_ARGS)
{
	SurgeState *s;
	SurgeState *other;

	ABM_COMBINE_NULLS();
	other = (SurgeState *) PG_GETARG_POINTER(1);
	if (PG_ARGISNULL(0))
	{
		s = (SurgeState *) MemoryContextAlloc(abm_agg_context(fcinfo, "abm_surge_combine"),
											  sizeof(SurgeState));
		*s = *other;
		PG_RETURN_POINTER(s);
	}
	s = (SurgeState *) PG_GETARG_POINTER(0);
	surge_check_same_windows(s, other->as_of, other->recent, other->baseline);
	abm_count_add(&s->n_recent, other->n_recent, "event count");
	abm_count_add(&s->n_baseline, other->n_baseline, "event count");
	PG_RETURN_POINTER(s);
}

Datum
abm_surge_serial(PG_FUNCTION_ARGS)
{
	SurgeState *s = (SurgeState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	abm_write_begin(&buf, ABM_KIND_SURGE);
	pq_sendint64(&buf, s->n_recent);
	pq_sendint64(&buf, s->n_baseline);
	pq_sendint64(&buf, s->as_of);
	pq_sendint64(&buf, s->recent);
	pq_sendint64(&buf, s->baseline);
	PG_RETURN_BYTEA_P(abm_write_end(&buf));
}

Datum
abm_surge_deserial(PG_FUNCTION_ARGS)
{
	SurgeState *s = (SurgeState *) palloc(sizeof(SurgeState));
	AbmReader	r;

	abm_read_begin_bytea(&r, PG_GETARG_BYTEA_PP(0), ABM_KIND_SURGE, "surge state");
	s->n_recent = abm_read_int64(&r);
	s->n_baseline = abm_read_int64(&r);
	s->as_of = abm_read_int64(&r);
	s->recent = abm_read_int64(&r);
	s->baseline = abm_read_int64(&r);
	abm_read_end(&r);
	if (s->n_recent < 0 || s->n_baseline < 0 || TIMESTAMP_NOT_FINITE(s->as_of) ||
		!IS_VALID_TIMESTAMP(s->as_of) || s->recent <= 0 || s->baseline <= 0)
		abm_corrupt("surge state",
					psprintf("The state has n_recent = %lld, n_baseline = %lld, recent = %lld, baseline = %lld.",
							 (long long) s->n_recent, (long long) s->n_baseline,
							 (long long) s->recent, (long long) s->baseline));
	PG_RETURN_POINTER(s);
}

Datum
abm_surge_final(PG_FUNCTION_ARGS)
{
	SurgeState *s;
	float8		expected;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = (SurgeState *) PG_GETARG_POINTER(0);
	expected = (float8) s->n_baseline * ((float8) s->recent / (float8) s->baseline);
	PG_RETURN_FLOAT8(((float8) s->n_recent - expected) / sqrt(Max(expected, 1.0)));
}
