/*-------------------------------------------------------------------------
 *
 * engagement_score.c
 *	  abm_engagement_score(weight | activity, occurred_at, as_of, half_life):
 *	  the decayed engagement score of a group's touches as of as_of
 *	  (engagement.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "engagement.h"
#include "libpq/pqformat.h"

/* State of abm_engagement_score: the sum relative to as_of. */
typedef struct EngScore
{
	int64		rows;			/* touches at or before as_of */
	float8		sum;
	TimestampTz as_of;
	int64		half_life;		/* microseconds */
	Interval	half_life_arg;	/* as passed, to compare rows cheaply */
} EngScore;

PG_FUNCTION_INFO_V1(abm_engagement_score_trans);
PG_FUNCTION_INFO_V1(abm_engagement_score_activity_trans);
PG_FUNCTION_INFO_V1(abm_engagement_score_combine);
PG_FUNCTION_INFO_V1(abm_engagement_score_serial);
PG_FUNCTION_INFO_V1(abm_engagement_score_deserial);
PG_FUNCTION_INFO_V1(abm_engagement_score_final);

/* ---------------------------------------------------------------------
 * abm_engagement_score(weight | activity, occurred_at, as_of, half_life)
 * ---------------------------------------------------------------------
 */

static void
eng_check_same_as_of(TimestampTz a, TimestampTz b)
{
	if (a != b)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("as_of must be the same for every row of a group"),
				 errdetail("One row has as_of = %s, another as_of = %s.",
						   eng_time_text(a), eng_time_text(b)),
				 errhint("Pass a constant as_of, or group by it.")));
}

/*
 * The state of a group, created by its first row.  as_of and half_life are
 * arguments of the query, constant within a group: the sum is relative to
 * as_of, so a row with another as_of could not be added to it.
 */
static EngScore *
eng_score_state_slow(FunctionCallInfo fcinfo, TimestampTz as_of, Interval *hl)
{
	EngScore   *s;

	if (!PG_ARGISNULL(0))
	{
		s = (EngScore *) PG_GETARG_POINTER(0);
		eng_check_same_as_of(s->as_of, as_of);
		if (hl->time != s->half_life_arg.time || hl->day != s->half_life_arg.day ||
			hl->month != s->half_life_arg.month)
			eng_check_same_half_life(s->half_life,
								 abm_interval_usecs(hl, "half_life", true), true);
		return s;
	}

	abm_check_finite(as_of, "as_of", NULL);
	s = (EngScore *) MemoryContextAllocZero(abm_agg_context(fcinfo, "abm_engagement_score"),
											sizeof(EngScore));
	s->as_of = as_of;
	s->half_life = abm_interval_usecs(hl, "half_life", true);
	s->half_life_arg = *hl;
	return s;
}

/* Every row but a group's first takes the inline path. */
static inline EngScore *
eng_score_state(FunctionCallInfo fcinfo, TimestampTz as_of, Interval *hl)
{
	if (!PG_ARGISNULL(0))
	{
		EngScore   *s = (EngScore *) PG_GETARG_POINTER(0);

		if (as_of == s->as_of && hl->time == s->half_life_arg.time &&
			hl->day == s->half_life_arg.day && hl->month == s->half_life_arg.month)
			return s;
	}
	return eng_score_state_slow(fcinfo, as_of, hl);
}

static inline void
eng_score_add(EngScore *s, float8 w, TimestampTz t)
{
	if (t > s->as_of)
		return;
	abm_count_add(&s->rows, 1, "touch count");
	s->sum += w * eng_decay(t, s->as_of, (float8) s->half_life);
}

Datum
abm_engagement_score_trans(PG_FUNCTION_ARGS)
{
	EngScore   *s;
	float8		w;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	s = eng_score_state(fcinfo, PG_GETARG_TIMESTAMPTZ(3), PG_GETARG_INTERVAL_P(4));
	w = PG_GETARG_FLOAT8(1);
	eng_check_weight(w);
	eng_score_add(s, w, PG_GETARG_TIMESTAMPTZ(2));
	PG_RETURN_POINTER(s);
}

Datum
abm_engagement_score_activity_trans(PG_FUNCTION_ARGS)
{
	EngScore   *s;
	text	   *activity;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	s = eng_score_state(fcinfo, PG_GETARG_TIMESTAMPTZ(3), PG_GETARG_INTERVAL_P(4));
	activity = PG_GETARG_TEXT_PP(1);
	eng_score_add(s, abm_activity_weight_of(VARDATA_ANY(activity),
										VARSIZE_ANY_EXHDR(activity)),
			  PG_GETARG_TIMESTAMPTZ(2));
	PG_RETURN_POINTER(s);
}

Datum
abm_engagement_score_combine(PG_FUNCTION_ARGS)
{
	EngScore   *s;
	EngScore   *other;

	ABM_COMBINE_NULLS();
	other = (EngScore *) PG_GETARG_POINTER(1);
	if (PG_ARGISNULL(0))
	{
		s = (EngScore *) MemoryContextAlloc(abm_agg_context(fcinfo, "abm_engagement_score_combine"),
											sizeof(EngScore));
		*s = *other;
		PG_RETURN_POINTER(s);
	}
	s = (EngScore *) PG_GETARG_POINTER(0);
	eng_check_same_as_of(s->as_of, other->as_of);
	eng_check_same_half_life(s->half_life, other->half_life, true);
	abm_count_add(&s->rows, other->rows, "touch count");
	s->sum += other->sum;
	PG_RETURN_POINTER(s);
}

Datum
abm_engagement_score_serial(PG_FUNCTION_ARGS)
{
	EngScore   *s = (EngScore *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	abm_write_begin(&buf, ABM_KIND_ENGAGEMENT_SCORE);
	pq_sendint64(&buf, s->rows);
	pq_sendfloat8(&buf, s->sum);
	pq_sendint64(&buf, s->as_of);
	pq_sendint64(&buf, s->half_life);
	pq_sendint64(&buf, s->half_life_arg.time);
	pq_sendint32(&buf, s->half_life_arg.day);
	pq_sendint32(&buf, s->half_life_arg.month);
	PG_RETURN_BYTEA_P(abm_write_end(&buf));
}

Datum
abm_engagement_score_deserial(PG_FUNCTION_ARGS)
{
	EngScore   *s = (EngScore *) palloc(sizeof(EngScore));
	AbmReader	r;

	abm_read_begin_bytea(&r, PG_GETARG_BYTEA_PP(0), ABM_KIND_ENGAGEMENT_SCORE,
						 "engagement score state");
	s->rows = abm_read_int64(&r);
	s->sum = abm_read_float8(&r);
	s->as_of = abm_read_int64(&r);
	s->half_life = abm_read_int64(&r);
	s->half_life_arg.time = abm_read_int64(&r);
	s->half_life_arg.day = abm_read_int32(&r);
	s->half_life_arg.month = abm_read_int32(&r);
	abm_read_end(&r);
	/*
	 * An overflowed (infinite) sum is legal here: the final function reports
	 * it.  NaN never comes out of a transition, so it marks a corrupt state.
	 */
	if (s->rows < 0 || isnan(s->sum) || TIMESTAMP_NOT_FINITE(s->as_of) ||
		!IS_VALID_TIMESTAMP(s->as_of) || s->half_life <= 0)
		abm_read_corrupt(&r,
						 psprintf("The state has rows = %lld, half_life = %lld microseconds.",
								  (long long) s->rows, (long long) s->half_life));
	PG_RETURN_POINTER(s);
}

Datum
abm_engagement_score_final(PG_FUNCTION_ARGS)
{
	EngScore   *s;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = (EngScore *) PG_GETARG_POINTER(0);
	if (s->rows == 0)
		PG_RETURN_NULL();
	eng_check_score_range(s->sum);
	PG_RETURN_FLOAT8(s->sum);
}
