/*-------------------------------------------------------------------------
 *
 * engagement_rollup.c
 *	  abm_engagement_agg (touches to an abm_engagement state) and
 *	  abm_rollup(abm_engagement) (states to a state), with the sliding
 *	  window form both share (slide.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "engagement.h"
#include "slide.h"

PG_FUNCTION_INFO_V1(abm_engagement_agg_trans);
PG_FUNCTION_INFO_V1(abm_engagement_agg_weight_trans);
PG_FUNCTION_INFO_V1(abm_engagement_agg_combine);
PG_FUNCTION_INFO_V1(abm_engagement_agg_serial);
PG_FUNCTION_INFO_V1(abm_engagement_agg_deserial);
PG_FUNCTION_INFO_V1(abm_engagement_agg_final);

PG_FUNCTION_INFO_V1(abm_engagement_merge);
PG_FUNCTION_INFO_V1(abm_engagement_mtrans);
PG_FUNCTION_INFO_V1(abm_engagement_minv);
/* their names in 0.1, which an install of 0.1 before its update still binds */
PG_FUNCTION_INFO_V1(abm_rollup_mtrans);
PG_FUNCTION_INFO_V1(abm_rollup_minv);
PG_FUNCTION_INFO_V1(abm_engagement_agg_mtrans);
PG_FUNCTION_INFO_V1(abm_engagement_agg_minv);
PG_FUNCTION_INFO_V1(abm_engagement_agg_weight_mtrans);
PG_FUNCTION_INFO_V1(abm_engagement_agg_weight_minv);
PG_FUNCTION_INFO_V1(abm_engagement_mfinal);

/* ---------------------------------------------------------------------
 * abm_engagement_agg(activity [, weight], occurred_at, contact_id, half_life)
 * ---------------------------------------------------------------------
 */

static Datum
eng_agg_step(FunctionCallInfo fcinfo, int bucket, float8 w, int timearg)
{
	Engagement *e = PG_ARGISNULL(0) ? NULL : (Engagement *) PG_GETARG_POINTER(0);
	TimestampTz t = PG_GETARG_TIMESTAMPTZ(timearg);
	bool		has_contact = !PG_ARGISNULL(timearg + 1);
	int64		contact = has_contact ? PG_GETARG_INT64(timearg + 1) : 0;
	Interval   *hl = PG_GETARG_INTERVAL_P(timearg + 2);

	abm_check_finite(t, "occurred_at", NULL);
	if (e == NULL)
	{
		e = (Engagement *) MemoryContextAlloc(abm_agg_context(fcinfo, "abm_engagement_agg"),
											  sizeof(Engagement));
		eng_init_touch(e, abm_interval_usecs(hl, "half_life", true), bucket, w, t,
				   has_contact, contact);
	}
	else
	{
		int64		usecs = abm_interval_usecs(hl, "half_life", true);

		eng_check_same_half_life(e->half_life, usecs, true);
		eng_add_touch(e, bucket, w, t, has_contact, contact);
	}
	PG_RETURN_POINTER(e);
}

static int
eng_activity_bucket(text *activity)
{
	int			i = abm_activity_index_of(VARDATA_ANY(activity),
										  VARSIZE_ANY_EXHDR(activity));

	return i < 0 ? ENG_OTHER : i;
}

Datum
abm_engagement_agg_trans(PG_FUNCTION_ARGS)
{
	int			bucket;

	/* activity, occurred_at and half_life are required; contact_id is not */
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(4))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	bucket = eng_activity_bucket(PG_GETARG_TEXT_PP(1));
	return eng_agg_step(fcinfo, bucket,
					bucket == ENG_OTHER ? 0.0 : abm_activity_weight_at(bucket), 2);
}

Datum
abm_engagement_agg_weight_trans(PG_FUNCTION_ARGS)
{
	float8		w;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(5))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	w = PG_GETARG_FLOAT8(2);
	eng_check_weight(w);
	return eng_agg_step(fcinfo, eng_activity_bucket(PG_GETARG_TEXT_PP(1)), w, 3);
}

Datum
abm_engagement_agg_combine(PG_FUNCTION_ARGS)
{
	Engagement *e;

	ABM_COMBINE_NULLS();
	if (PG_ARGISNULL(0))
	{
		e = (Engagement *) MemoryContextAlloc(abm_agg_context(fcinfo, "abm_engagement_agg_combine"),
											  sizeof(Engagement));
		memcpy(e, PG_GETARG_POINTER(1), sizeof(Engagement));
		PG_RETURN_POINTER(e);
	}
	e = (Engagement *) PG_GETARG_POINTER(0);
	eng_merge_into(e, (Engagement *) PG_GETARG_POINTER(1));
	PG_RETURN_POINTER(e);
}

Datum
abm_engagement_agg_serial(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(eng_encode((Engagement *) PG_GETARG_POINTER(0)));
}

Datum
abm_engagement_agg_deserial(PG_FUNCTION_ARGS)
{
	Engagement *e = (Engagement *) palloc(sizeof(Engagement));

	eng_decode(e, PG_GETARG_BYTEA_PP(0), ENG_ALL);
	PG_RETURN_POINTER(e);
}

Datum
abm_engagement_agg_final(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_BYTEA_P(eng_encode((Engagement *) PG_GETARG_POINTER(0)));
}

/* ---------------------------------------------------------------------
 * abm_rollup(abm_engagement): the state is an abm_engagement value itself
 * (Citus, docs/scale-out.md), so transition and combine are one strict merge.
 * ---------------------------------------------------------------------
 */

Datum
abm_engagement_merge(PG_FUNCTION_ARGS)
{
	bytea	   *state = PG_GETARG_BYTEA_PP(0);
	Engagement	e;
	Engagement	other;
	bytea	   *merged;

	eng_decode(&e, state, ENG_ALL);
	PG_GETARG_ENGAGEMENT(1, &other);
	eng_merge_into(&e, &other);
	merged = eng_encode(&e);

	/*
	 * Most merges leave the size unchanged (same activities and contacts),
	 * so an aggregate's own state is overwritten instead of replaced by a
	 * new allocation.
	 */
	if (AggCheckCallContext(fcinfo, NULL) &&
		state == (bytea *) PG_GETARG_POINTER(0) &&
		!VARATT_IS_EXTENDED(state) && VARSIZE(state) == VARSIZE(merged))
	{
		memcpy(state, merged, VARSIZE(merged));
		pfree(merged);
		PG_RETURN_BYTEA_P(state);
	}
	PG_RETURN_BYTEA_P(merged);
}

/*
 * Sliding form of abm_rollup and abm_engagement_agg, for frames such as
 * ROWS 29 PRECEDING or RANGE '29 days' PRECEDING.  First and last touch and
 * the contact set cannot be subtracted, so the frame is a queue of states
 * (slide.h): linear time for a frame of any width.
 */
static void
eng_slide_merge(void *dst, const void *src, pg_attribute_unused() MemoryContext ctx)
{
	eng_merge_into((Engagement *) dst, (const Engagement *) src);
}

static void *
eng_slide_copy(const void *src, MemoryContext ctx)
{
	Engagement *e = (Engagement *) MemoryContextAlloc(ctx, sizeof(Engagement));

	memcpy(e, src, sizeof(Engagement));
	return e;
}

/*
 * Rows one frame may hold (each about 300 bytes, so 300 MB); beyond it the
 * query fails with 54000.
 */
#define ENG_MAX_FRAME_ROWS	1000000

static const SlideOps eng_slide = {
	.merge = eng_slide_merge,
	.copy = eng_slide_copy,
	.frame = "abm_engagement window frame",
	.max_rows = ENG_MAX_FRAME_ROWS,
	.hint = "Use a narrower frame, such as RANGE '90 days' PRECEDING, or roll up by day first.",
};

Datum
abm_engagement_mtrans(PG_FUNCTION_ARGS)
{
	SlideQueue *q = slide_arg(fcinfo, &eng_slide, "abm_rollup");
	Engagement	row;

	if (!PG_ARGISNULL(1))
	{
		PG_GETARG_ENGAGEMENT(1, &row);
		slide_push(q, &row);
	}
	PG_RETURN_POINTER(q);
}

Datum
abm_engagement_minv(PG_FUNCTION_ARGS)
{
	return slide_inverse(fcinfo, "abm_rollup", NULL);
}

Datum
abm_rollup_mtrans(PG_FUNCTION_ARGS)
{
	return abm_engagement_mtrans(fcinfo);
}

Datum
abm_rollup_minv(PG_FUNCTION_ARGS)
{
	return abm_engagement_minv(fcinfo);
}

/*
 * Sliding form of abm_engagement_agg: each touch is a one-touch state in
 * the same queue.  A row is skipped (added and removed) under the same NULL
 * rule as the plain transition.
 */
static Datum
eng_agg_window_step(FunctionCallInfo fcinfo, bool weighted, bool add)
{
	int			timearg = weighted ? 3 : 2;
	SlideQueue *q;
	Engagement	row;
	int			bucket;
	float8		weight;
	TimestampTz t;
	bool		skipped = PG_ARGISNULL(1) || PG_ARGISNULL(timearg) ||
		PG_ARGISNULL(timearg + 2) || (weighted && PG_ARGISNULL(2));

	if (!add)
	{
		abm_agg_context(fcinfo, "abm_engagement_agg");
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		q = (SlideQueue *) PG_GETARG_POINTER(0);
		if (!skipped && !slide_pop(q, NULL))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(q);
	}

	/* The moving transition must return a state even for a skipped row. */
	q = slide_arg(fcinfo, &eng_slide, "abm_engagement_agg");
	if (skipped)
		PG_RETURN_POINTER(q);
	bucket = eng_activity_bucket(PG_GETARG_TEXT_PP(1));
	if (weighted)
	{
		weight = PG_GETARG_FLOAT8(2);
		eng_check_weight(weight);
	}
	else
		weight = bucket == ENG_OTHER ? 0.0 : abm_activity_weight_at(bucket);
	t = PG_GETARG_TIMESTAMPTZ(timearg);
	abm_check_finite(t, "occurred_at", NULL);
	eng_init_touch(&row, abm_interval_usecs(PG_GETARG_INTERVAL_P(timearg + 2), "half_life", true),
				   bucket, weight, t, !PG_ARGISNULL(timearg + 1),
				   PG_ARGISNULL(timearg + 1) ? 0 : PG_GETARG_INT64(timearg + 1));
	slide_push(q, &row);
	PG_RETURN_POINTER(q);
}

Datum
abm_engagement_agg_mtrans(PG_FUNCTION_ARGS)
{
	return eng_agg_window_step(fcinfo, false, true);
}

Datum
abm_engagement_agg_minv(PG_FUNCTION_ARGS)
{
	return eng_agg_window_step(fcinfo, false, false);
}

Datum
abm_engagement_agg_weight_mtrans(PG_FUNCTION_ARGS)
{
	return eng_agg_window_step(fcinfo, true, true);
}

Datum
abm_engagement_agg_weight_minv(PG_FUNCTION_ARGS)
{
	return eng_agg_window_step(fcinfo, true, false);
}

Datum
abm_engagement_mfinal(PG_FUNCTION_ARGS)
{
	const Engagement *e = slide_final(fcinfo);

	if (e == NULL)
		PG_RETURN_NULL();
	PG_RETURN_BYTEA_P(eng_encode(e));
}
