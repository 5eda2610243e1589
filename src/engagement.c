/*-------------------------------------------------------------------------
 *
 * engagement.c
 *	  Account engagement (engagement.h): the checks shared by its aggregates,
 *	  building and merging the abm_engagement state, and its accessors
 *	  (abm_score, abm_touches, abm_first_touch, abm_last_touch,
 *	  abm_engaged_contacts, abm_half_life).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "engagement.h"
#include "port/pg_bitutils.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"

PG_FUNCTION_INFO_V1(abm_score);
PG_FUNCTION_INFO_V1(abm_touches);
PG_FUNCTION_INFO_V1(abm_touches_activity);
PG_FUNCTION_INFO_V1(abm_first_touch);
PG_FUNCTION_INFO_V1(abm_last_touch);
PG_FUNCTION_INFO_V1(abm_engaged_contacts);
PG_FUNCTION_INFO_V1(abm_half_life);

/* ---------------------------------------------------------------------
 * Shared checks
 * ---------------------------------------------------------------------
 */

char *
eng_time_text(TimestampTz t)
{
	return DatumGetCString(DirectFunctionCall1(timestamptz_out,
											   TimestampTzGetDatum(t)));
}

void
eng_check_weight(float8 w)
{
	if (isnan(w) || isinf(w))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("weight must be a finite number"),
				 errdetail("The input has weight = %g.", w),
				 errhint("Replace NaN or infinite weights, e.g. with abm_activity_weight(activity).")));
}

/* A half-life in microseconds as an interval of days and time. */
static void
eng_half_life_interval(int64 usecs, Interval *iv)
{
	iv->month = 0;
	iv->day = (int32) (usecs / USECS_PER_DAY);
	iv->time = usecs % USECS_PER_DAY;
}

/*
 * Written without interval_out, so that the text form of abm_engagement
 * does not depend on IntervalStyle; interval_in reads it back.
 */
char *
eng_half_life_text(int64 usecs)
{
	int64		days = usecs / USECS_PER_DAY;
	int64		rest = usecs % USECS_PER_DAY;

	if (rest == 0)
		return psprintf(INT64_FORMAT " %s", days, days == 1 ? "day" : "days");
	return psprintf(INT64_FORMAT " %s %02d:%02d:%02d.%06d", days,
					days == 1 ? "day" : "days",
					(int) (rest / USECS_PER_HOUR),
					(int) (rest / USECS_PER_MINUTE % 60),
					(int) (rest / USECS_PER_SEC % 60),
					(int) (rest % USECS_PER_SEC));
}

/* within_group: rows of one aggregate group, rather than two states */
void
eng_check_same_half_life(int64 a, int64 b, bool within_group)
{
	if (a != b)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 within_group ?
				 errmsg("half_life must be the same for every row of a group") :
				 errmsg("cannot merge engagement with different half-lives"),
				 errdetail("One has half_life = %s, the other half_life = %s.",
						   eng_half_life_text(a), eng_half_life_text(b)),
				 within_group ?
				 errhint("Pass a constant half_life, or group by it.") :
				 errhint("Build every state that is rolled up together with the same half_life.")));
}

void
eng_check_score_range(float8 score)
{
	if (isnan(score) || isinf(score))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("engagement score out of range"),
				 errdetail("The input has score = %g.", score),
				 errhint("Scale the weights down.")));
}


/* ---------------------------------------------------------------------
 * The engagement state: building and merging
 * ---------------------------------------------------------------------
 */

/*
 * The sketch position of a contact id: the splitmix64 finalizer, written
 * out here because stored values depend on it and must never change.
 */
static inline int
eng_contact_bit(int64 id)
{
	uint64		x = (uint64) id;

	x ^= x >> 30;
	x *= UINT64CONST(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64CONST(0x94d049bb133111eb);
	x ^= x >> 31;
	return (int) (x & (ENG_SKETCH_BITS - 1));
}

static void
eng_sketch_set(Engagement *e, int64 id)
{
	int			bit = eng_contact_bit(id);

	e->c.bits[bit >> 3] |= (uint8) (1 << (bit & 7));
}

static void
eng_to_sketch(Engagement *e)
{
	int64		ids[ENG_EXACT_CONTACTS];
	int			n = e->ncontacts;

	memcpy(ids, e->c.ids, n * sizeof(int64));
	memset(e->c.bits, 0, ENG_SKETCH_BYTES);
	for (int i = 0; i < n; i++)
		eng_sketch_set(e, ids[i]);
	e->sketch = true;
	e->ncontacts = 0;
}

static void
eng_add_contact(Engagement *e, int64 id)
{
	int			lo = 0;
	int			hi;

	if (e->sketch)
	{
		eng_sketch_set(e, id);
		return;
	}
	hi = e->ncontacts;
	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (e->c.ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < e->ncontacts && e->c.ids[lo] == id)
		return;
	if (e->ncontacts == ENG_EXACT_CONTACTS)
	{
		eng_to_sketch(e);
		eng_sketch_set(e, id);
		return;
	}
	memmove(&e->c.ids[lo + 1], &e->c.ids[lo], (e->ncontacts - lo) * sizeof(int64));
	e->c.ids[lo] = id;
	e->ncontacts++;
}

int64
eng_total_touches(const Engagement *e)
{
	int64		n = 0;

	for (int i = 0; i < ENG_BUCKETS; i++)
		abm_count_add(&n, e->counts[i], "touch count");
	return n;
}

/* Distinct contacts: exact, or the linear-counting estimate of the sketch. */
int64
eng_engaged_contacts(const Engagement *e)
{
	int			zeros;
	float8		estimate;

	if (!e->sketch)
		return e->ncontacts;
	zeros = ENG_SKETCH_BITS - (int) pg_popcount((const char *) e->c.bits,
												ENG_SKETCH_BYTES);
	/* A full bitmap: report the largest count it can tell apart. */
	if (zeros == 0)
		zeros = 1;
	estimate = -(float8) ENG_SKETCH_BITS * log((float8) zeros / ENG_SKETCH_BITS);
	/* A sketch is only made once more than ENG_EXACT_CONTACTS were seen. */
	return Max((int64) rint(estimate), ENG_EXACT_CONTACTS + 1);
}

void
eng_init_touch(Engagement *e, int64 half_life, int bucket, float8 w, TimestampTz t,
		   bool has_contact, int64 contact)
{
	memset(e, 0, sizeof(Engagement));
	e->half_life = half_life;
	e->first_touch = e->last_touch = t;
	e->score = w;
	e->counts[bucket] = 1;
	if (has_contact)
	{
		e->ncontacts = 1;
		e->c.ids[0] = contact;
	}
}

void
eng_add_touch(Engagement *e, int bucket, float8 w, TimestampTz t,
		  bool has_contact, int64 contact)
{
	if (t > e->last_touch)
	{
		e->score = e->score * eng_decay(e->last_touch, t, (float8) e->half_life) + w;
		e->last_touch = t;
	}
	else
		e->score += w * eng_decay(t, e->last_touch, (float8) e->half_life);
	if (t < e->first_touch)
		e->first_touch = t;
	abm_count_add(&e->counts[bucket], 1, "touch count");
	if (has_contact)
		eng_add_contact(e, contact);
}

void
eng_merge_into(Engagement *e, const Engagement *other)
{
	eng_check_same_half_life(e->half_life, other->half_life, false);
	if (other->last_touch > e->last_touch)
	{
		e->score = e->score * eng_decay(e->last_touch, other->last_touch,
									(float8) e->half_life) + other->score;
		e->last_touch = other->last_touch;
	}
	else
		e->score += other->score * eng_decay(other->last_touch, e->last_touch,
										 (float8) e->half_life);
	if (other->first_touch < e->first_touch)
		e->first_touch = other->first_touch;
	for (int i = 0; i < ENG_BUCKETS; i++)
		abm_count_add(&e->counts[i], other->counts[i], "touch count");
	if (other->sketch)
	{
		if (!e->sketch)
			eng_to_sketch(e);
		for (int i = 0; i < ENG_SKETCH_BYTES; i++)
			e->c.bits[i] |= other->c.bits[i];
	}
	else
	{
		for (int i = 0; i < other->ncontacts; i++)
			eng_add_contact(e, other->c.ids[i]);
	}
}

/* ---------------------------------------------------------------------
 * Accessors
 * ---------------------------------------------------------------------
 */

Datum
abm_score(PG_FUNCTION_ARGS)
{
	Engagement	e;
	TimestampTz as_of = PG_GETARG_TIMESTAMPTZ(1);

	PG_GETARG_ENGAGEMENT_PART(0, &e, ENG_HEADER);
	abm_check_finite(as_of, "as_of", NULL);
	if (as_of < e.last_touch)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("as_of is before the last touch of the engagement state"),
				 errdetail("The input has as_of = %s; the last touch is at %s.",
						   eng_time_text(as_of), eng_time_text(e.last_touch)),
				 errhint("Roll up only the states up to as_of, or use abm_engagement_score on the touches.")));
	PG_RETURN_FLOAT8(e.score * eng_decay(e.last_touch, as_of, (float8) e.half_life));
}

Datum
abm_touches(PG_FUNCTION_ARGS)
{
	Engagement	e;

	PG_GETARG_ENGAGEMENT_PART(0, &e, ENG_COUNTS);
	PG_RETURN_INT64(eng_total_touches(&e));
}

Datum
abm_touches_activity(PG_FUNCTION_ARGS)
{
	Engagement	e;
	text	   *activity = PG_GETARG_TEXT_PP(1);
	char	   *name = text_to_cstring(activity);
	int			bucket;

	PG_GETARG_ENGAGEMENT_PART(0, &e, ENG_COUNTS);
	if (pg_strcasecmp(name, "other") == 0)
		bucket = ENG_OTHER;
	else
	{
		bucket = abm_activity_index_of(name, strlen(name));
		if (bucket < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("activity \"%s\" is not counted separately", name),
					 errdetail("The input has activity = %s.", name),
					 errhint("Counts are kept for the standard activities of abm_activity_weight; every other activity counts under 'other'.")));
	}
	PG_RETURN_INT64(e.counts[bucket]);
}

Datum
abm_first_touch(PG_FUNCTION_ARGS)
{
	Engagement	e;

	PG_GETARG_ENGAGEMENT_PART(0, &e, ENG_HEADER);
	PG_RETURN_TIMESTAMPTZ(e.first_touch);
}

Datum
abm_last_touch(PG_FUNCTION_ARGS)
{
	Engagement	e;

	PG_GETARG_ENGAGEMENT_PART(0, &e, ENG_HEADER);
	PG_RETURN_TIMESTAMPTZ(e.last_touch);
}

Datum
abm_engaged_contacts(PG_FUNCTION_ARGS)
{
	Engagement	e;

	PG_GETARG_ENGAGEMENT(0, &e);
	PG_RETURN_INT64(eng_engaged_contacts(&e));
}

Datum
abm_half_life(PG_FUNCTION_ARGS)
{
	Engagement	e;
	Interval   *iv = (Interval *) palloc(sizeof(Interval));

	PG_GETARG_ENGAGEMENT_PART(0, &e, ENG_HEADER);
	eng_half_life_interval(e.half_life, iv);
	PG_RETURN_INTERVAL_P(iv);
}

