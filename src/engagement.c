/*-------------------------------------------------------------------------
 *
 * engagement.c
 *	  Account engagement: the decayed score aggregate
 *	  abm_engagement_score, the storable per-account state abm_engagement
 *	  with its aggregates abm_engagement_agg and abm_rollup, accessors, text,
 *	  binary and jsonb forms.
 *
 * A touch of weight w at time t is worth w * 2^(-(as_of - t) / half_life) at
 * as_of.  abm_engagement_score sums that relative to the query's as_of, so
 * every term is <= |w| and the sum can underflow (harmless) but never
 * overflow.  The storable state cannot know its as_of, so it keeps the score
 * as of its own last touch; moving that reference forward multiplies by a
 * factor <= 1, again never overflowing.
 *
 * Engaged contacts are kept exactly (sorted ids) up to ENG_EXACT_CONTACTS;
 * beyond that the ids are hashed into a linear-counting bitmap of
 * ENG_SKETCH_BITS bits (docs/reference.md documents its error).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "abm.h"
#include "textform.h"
#include "common/int.h"
#include "common/shortest_dec.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "port/pg_bswap.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

/* Counts per standard activity, then one bucket for every other name. */
#define ENG_OTHER			ABM_ACTIVITIES
#define ENG_BUCKETS			(ABM_ACTIVITIES + 1)
#define ENG_EXACT_CONTACTS	16
#define ENG_SKETCH_BITS		1024
#define ENG_SKETCH_BYTES	(ENG_SKETCH_BITS / 8)

/* Number of keys in the text form. */
#define ENG_TEXT_KEYS		7

typedef struct Engagement
{
	int64		half_life;		/* microseconds, > 0 */
	TimestampTz first_touch;
	TimestampTz last_touch;
	float8		score;			/* decayed score as of last_touch */
	int64		counts[ENG_BUCKETS];
	bool		sketch;			/* contacts are in bits[], not ids[] */
	int			ncontacts;		/* ids held when !sketch */
	union
	{
		int64		ids[ENG_EXACT_CONTACTS];	/* strictly ascending */
		uint8		bits[ENG_SKETCH_BYTES];
	}			c;
} Engagement;

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

PG_FUNCTION_INFO_V1(abm_engagement_in);
PG_FUNCTION_INFO_V1(abm_engagement_out);
PG_FUNCTION_INFO_V1(abm_engagement_recv);
PG_FUNCTION_INFO_V1(abm_engagement_send);
PG_FUNCTION_INFO_V1(abm_engagement_jsonb);

PG_FUNCTION_INFO_V1(abm_engagement_agg_trans);
PG_FUNCTION_INFO_V1(abm_engagement_agg_weight_trans);
PG_FUNCTION_INFO_V1(abm_engagement_agg_combine);
PG_FUNCTION_INFO_V1(abm_engagement_agg_serial);
PG_FUNCTION_INFO_V1(abm_engagement_agg_deserial);
PG_FUNCTION_INFO_V1(abm_engagement_agg_final);

PG_FUNCTION_INFO_V1(abm_engagement_merge);
PG_FUNCTION_INFO_V1(abm_rollup_mtrans);
PG_FUNCTION_INFO_V1(abm_rollup_minv);
PG_FUNCTION_INFO_V1(abm_engagement_agg_mtrans);
PG_FUNCTION_INFO_V1(abm_engagement_agg_minv);
PG_FUNCTION_INFO_V1(abm_engagement_agg_weight_mtrans);
PG_FUNCTION_INFO_V1(abm_engagement_agg_weight_minv);
PG_FUNCTION_INFO_V1(abm_engagement_mfinal);

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

static char *
timestamptz_text(TimestampTz t)
{
	return DatumGetCString(DirectFunctionCall1(timestamptz_out,
											   TimestampTzGetDatum(t)));
}

static void
check_weight(float8 w)
{
	if (isnan(w) || isinf(w))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("weight must be a finite number"),
				 errdetail("weight = %g.", w),
				 errhint("Replace NaN or infinite weights, e.g. with abm_activity_weight(activity).")));
}

/* A half-life in microseconds as an interval of days and time. */
static void
half_life_interval(int64 usecs, Interval *iv)
{
	iv->month = 0;
	iv->day = (int32) (usecs / USECS_PER_DAY);
	iv->time = usecs % USECS_PER_DAY;
}

/*
 * Written without interval_out, so that the text form of abm_engagement
 * does not depend on IntervalStyle; interval_in reads it back.
 */
static char *
half_life_text(int64 usecs)
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
static void
check_same_half_life(int64 a, int64 b, bool within_group)
{
	if (a != b)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 within_group ?
				 errmsg("half_life must be the same for every row of a group") :
				 errmsg("cannot merge engagement with different half-lives"),
				 errdetail("half_life = %s and half_life = %s.",
						   half_life_text(a), half_life_text(b)),
				 within_group ?
				 errhint("Pass a constant half_life, or group by it.") :
				 errhint("Build every state that is rolled up together with the same half_life.")));
}

/* 2^(-(later - earlier) / half_life), in (0, 1] when later >= earlier. */
static inline float8
decay(TimestampTz earlier, TimestampTz later, float8 half_life)
{
	return exp2(((float8) earlier - (float8) later) / half_life);
}

/* ---------------------------------------------------------------------
 * abm_engagement_score(weight | activity, occurred_at, as_of, half_life)
 * ---------------------------------------------------------------------
 */

static void
check_same_as_of(TimestampTz a, TimestampTz b)
{
	if (a != b)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("as_of must be the same for every row of a group"),
				 errdetail("as_of = %s and as_of = %s.",
						   timestamptz_text(a), timestamptz_text(b)),
				 errhint("Pass a constant as_of, or group by it.")));
}

static void
check_score_range(float8 score)
{
	if (isnan(score) || isinf(score))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("engagement score out of range"),
				 errdetail("score = %g.", score),
				 errhint("Scale the weights down.")));
}

/*
 * The state of a group, created by its first row.  as_of and half_life are
 * arguments of the query, constant within a group: the sum is relative to
 * as_of, so a row with another as_of could not be added to it.
 */
static EngScore *
score_state_slow(FunctionCallInfo fcinfo, TimestampTz as_of, Interval *hl)
{
	EngScore   *s;

	if (!PG_ARGISNULL(0))
	{
		s = (EngScore *) PG_GETARG_POINTER(0);
		check_same_as_of(s->as_of, as_of);
		if (hl->time != s->half_life_arg.time || hl->day != s->half_life_arg.day ||
			hl->month != s->half_life_arg.month)
			check_same_half_life(s->half_life,
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
score_state(FunctionCallInfo fcinfo, TimestampTz as_of, Interval *hl)
{
	if (!PG_ARGISNULL(0))
	{
		EngScore   *s = (EngScore *) PG_GETARG_POINTER(0);

		if (as_of == s->as_of && hl->time == s->half_life_arg.time &&
			hl->day == s->half_life_arg.day && hl->month == s->half_life_arg.month)
			return s;
	}
	return score_state_slow(fcinfo, as_of, hl);
}

static inline void
score_add(EngScore *s, float8 w, TimestampTz t)
{
	if (t > s->as_of)
		return;
	abm_count_add(&s->rows, 1, "touch count");
	s->sum += w * decay(t, s->as_of, (float8) s->half_life);
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
	s = score_state(fcinfo, PG_GETARG_TIMESTAMPTZ(3), PG_GETARG_INTERVAL_P(4));
	w = PG_GETARG_FLOAT8(1);
	check_weight(w);
	score_add(s, w, PG_GETARG_TIMESTAMPTZ(2));
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
	s = score_state(fcinfo, PG_GETARG_TIMESTAMPTZ(3), PG_GETARG_INTERVAL_P(4));
	activity = PG_GETARG_TEXT_PP(1);
	score_add(s, abm_activity_weight_of(VARDATA_ANY(activity),
										VARSIZE_ANY_EXHDR(activity)),
			  PG_GETARG_TIMESTAMPTZ(2));
	PG_RETURN_POINTER(s);
}

Datum
abm_engagement_score_combine(PG_FUNCTION_ARGS)
{
	EngScore   *s;
	EngScore   *other;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	other = (EngScore *) PG_GETARG_POINTER(1);
	if (PG_ARGISNULL(0))
	{
		s = (EngScore *) MemoryContextAlloc(abm_agg_context(fcinfo, "abm_engagement_score_combine"),
											sizeof(EngScore));
		*s = *other;
		PG_RETURN_POINTER(s);
	}
	s = (EngScore *) PG_GETARG_POINTER(0);
	check_same_as_of(s->as_of, other->as_of);
	check_same_half_life(s->half_life, other->half_life, true);
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
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid engagement score state value"),
				 errdetail("rows = %lld, half_life = %lld microseconds.",
						   (long long) s->rows, (long long) s->half_life)));
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
	check_score_range(s->sum);
	PG_RETURN_FLOAT8(s->sum);
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
contact_bit(int64 id)
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
sketch_set(Engagement *e, int64 id)
{
	int			bit = contact_bit(id);

	e->c.bits[bit >> 3] |= (uint8) (1 << (bit & 7));
}

static void
to_sketch(Engagement *e)
{
	int64		ids[ENG_EXACT_CONTACTS];
	int			n = e->ncontacts;

	memcpy(ids, e->c.ids, n * sizeof(int64));
	memset(e->c.bits, 0, ENG_SKETCH_BYTES);
	for (int i = 0; i < n; i++)
		sketch_set(e, ids[i]);
	e->sketch = true;
	e->ncontacts = 0;
}

static void
add_contact(Engagement *e, int64 id)
{
	int			lo = 0;
	int			hi;

	if (e->sketch)
	{
		sketch_set(e, id);
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
		to_sketch(e);
		sketch_set(e, id);
		return;
	}
	memmove(&e->c.ids[lo + 1], &e->c.ids[lo], (e->ncontacts - lo) * sizeof(int64));
	e->c.ids[lo] = id;
	e->ncontacts++;
}

static int64
total_touches(const Engagement *e)
{
	int64		n = 0;

	for (int i = 0; i < ENG_BUCKETS; i++)
		abm_count_add(&n, e->counts[i], "touch count");
	return n;
}

/* Distinct contacts: exact, or the linear-counting estimate of the sketch. */
static int64
engaged_contacts(const Engagement *e)
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

static void
init_touch(Engagement *e, int64 half_life, int bucket, float8 w, TimestampTz t,
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

static void
add_touch(Engagement *e, int bucket, float8 w, TimestampTz t,
		  bool has_contact, int64 contact)
{
	if (t > e->last_touch)
	{
		e->score = e->score * decay(e->last_touch, t, (float8) e->half_life) + w;
		e->last_touch = t;
	}
	else
		e->score += w * decay(t, e->last_touch, (float8) e->half_life);
	if (t < e->first_touch)
		e->first_touch = t;
	abm_count_add(&e->counts[bucket], 1, "touch count");
	if (has_contact)
		add_contact(e, contact);
}

static void
merge_into(Engagement *e, const Engagement *other)
{
	check_same_half_life(e->half_life, other->half_life, false);
	if (other->last_touch > e->last_touch)
	{
		e->score = e->score * decay(e->last_touch, other->last_touch,
									(float8) e->half_life) + other->score;
		e->last_touch = other->last_touch;
	}
	else
		e->score += other->score * decay(other->last_touch, e->last_touch,
										 (float8) e->half_life);
	if (other->first_touch < e->first_touch)
		e->first_touch = other->first_touch;
	for (int i = 0; i < ENG_BUCKETS; i++)
		abm_count_add(&e->counts[i], other->counts[i], "touch count");
	if (other->sketch)
	{
		if (!e->sketch)
			to_sketch(e);
		for (int i = 0; i < ENG_SKETCH_BYTES; i++)
			e->c.bits[i] |= other->c.bits[i];
	}
	else
	{
		for (int i = 0; i < other->ncontacts; i++)
			add_contact(e, other->c.ids[i]);
	}
}

/* ---------------------------------------------------------------------
 * The binary form: the on-disk value, send/recv and the aggregate's
 * serialized state all use it.
 *
 *	version, kind (abm_write_begin)
 *	half_life int64 (microseconds), first_touch int64, last_touch int64,
 *	score float8 (as of last_touch),
 *	bucket mask uint16, then an int64 count for each bucket in the mask,
 *	sketch flag uint8, then either an int32 count and that many ascending
 *	int64 contact ids, or ENG_SKETCH_BYTES bytes of bitmap.
 * ---------------------------------------------------------------------
 */

/* The largest encoding: every bucket counted, and a sketch. */
#define ENG_MAX_BYTES \
	(4 * sizeof(int64) + sizeof(uint16) + ENG_BUCKETS * sizeof(int64) + 1 + \
	 Max(ENG_SKETCH_BYTES, sizeof(int32) + ENG_EXACT_CONTACTS * sizeof(int64)))

/*
 * abm_rollup encodes once per input row, so the buffer is sized once and
 * filled with the unchecked pq_write* calls.
 */
static bytea *
eng_encode(const Engagement *e)
{
	StringInfoData buf;
	uint16		mask = 0;
	union
	{
		float8		f;
		uint64		i;
	}			score;

	check_score_range(e->score);
	abm_write_begin(&buf, ABM_KIND_ENGAGEMENT);
	enlargeStringInfo(&buf, ENG_MAX_BYTES);
	pq_writeint64(&buf, (uint64) e->half_life);
	pq_writeint64(&buf, (uint64) e->first_touch);
	pq_writeint64(&buf, (uint64) e->last_touch);
	score.f = e->score == 0.0 ? 0.0 : e->score;	/* no -0: see eng_decode_bytes */
	pq_writeint64(&buf, score.i);
	for (int i = 0; i < ENG_BUCKETS; i++)
		if (e->counts[i] != 0)
			mask |= (uint16) (1 << i);
	pq_writeint16(&buf, mask);
	for (int i = 0; i < ENG_BUCKETS; i++)
		if (e->counts[i] != 0)
			pq_writeint64(&buf, (uint64) e->counts[i]);
	pq_writeint8(&buf, e->sketch ? 1 : 0);
	if (e->sketch)
	{
		memcpy(buf.data + buf.len, e->c.bits, ENG_SKETCH_BYTES);
		buf.len += ENG_SKETCH_BYTES;
	}
	else
	{
		pq_writeint32(&buf, (uint32) e->ncontacts);
		for (int i = 0; i < e->ncontacts; i++)
			pq_writeint64(&buf, (uint64) e->c.ids[i]);
	}
	return abm_write_end(&buf);
}

static inline int64
load_int64(const char *p)
{
	uint64		v;

	memcpy(&v, p, sizeof(v));
	return (int64) pg_ntoh64(v);
}

/*
 * How much of a value to read.  An accessor reads the parts it returns and
 * stops there (the rest is neither read nor checked); everything else reads
 * the whole value.
 */
typedef enum EngPart
{
	ENG_HEADER,					/* half-life, times, score */
	ENG_COUNTS,					/* and the touch counts */
	ENG_ALL						/* and the contacts, up to the last byte */
} EngPart;

/*
 * Reads untrusted bytes; every field read is checked as the text input
 * does.  Fixed-size runs are taken from the reader in one bounds-checked
 * piece.
 */
static void
eng_decode_bytes(Engagement *e, const char *data, Size len, EngPart part)
{
	AbmReader	r;
	const char *p;
	uint16		mask;
	int			flag;

	abm_read_begin(&r, data, len, ABM_KIND_ENGAGEMENT, "abm_engagement");
	p = abm_read_bytes(&r, 4 * sizeof(int64) + sizeof(uint16));
	e->half_life = load_int64(p);
	e->first_touch = load_int64(p + 8);
	e->last_touch = load_int64(p + 16);
	{
		union
		{
			int64		i;
			float8		f;
		}			score;

		score.i = load_int64(p + 24);
		e->score = score.f;
	}
	mask = (uint16) (((uint8) p[32]) << 8 | (uint8) p[33]);
	if (e->half_life <= 0)
		abm_read_corrupt(&r, "The half-life is not positive.");
	if (TIMESTAMP_NOT_FINITE(e->first_touch) || !IS_VALID_TIMESTAMP(e->first_touch) ||
		TIMESTAMP_NOT_FINITE(e->last_touch) || !IS_VALID_TIMESTAMP(e->last_touch) ||
		e->first_touch > e->last_touch)
		abm_read_corrupt(&r, "The first and last touch are not valid and ordered.");
	if (isnan(e->score) || isinf(e->score))
		abm_read_corrupt(&r, "The score is not finite.");
	/* -0 and 0 are one score: the text form cannot tell them apart */
	if (e->score == 0.0)
		e->score = 0.0;
	if (mask == 0 || (mask >> ENG_BUCKETS) != 0)
		abm_read_corrupt(&r, "The activity mask is empty or has unknown bits.");
	if (part == ENG_HEADER)
		return;
	p = abm_read_bytes(&r, pg_popcount32(mask) * sizeof(int64));
	for (int i = 0; i < ENG_BUCKETS; i++)
	{
		if (mask & (1 << i))
		{
			e->counts[i] = load_int64(p);
			p += sizeof(int64);
			if (e->counts[i] <= 0)
				abm_read_corrupt(&r, "A touch count is not positive.");
		}
		else
			e->counts[i] = 0;
	}
	if (part == ENG_COUNTS)
	{
		(void) total_touches(e);
		return;
	}
	flag = abm_read_uint8(&r);
	if (flag > 1)
		abm_read_corrupt(&r, "The contact flag is neither 0 nor 1.");
	e->sketch = (flag == 1);
	e->ncontacts = 0;
	if (e->sketch)
		memcpy(e->c.bits, abm_read_bytes(&r, ENG_SKETCH_BYTES), ENG_SKETCH_BYTES);
	else
	{
		e->ncontacts = abm_read_count(&r, ENG_EXACT_CONTACTS);
		p = abm_read_bytes(&r, e->ncontacts * sizeof(int64));
		for (int i = 0; i < e->ncontacts; i++)
		{
			e->c.ids[i] = load_int64(p + i * sizeof(int64));
			if (i > 0 && e->c.ids[i] <= e->c.ids[i - 1])
				abm_read_corrupt(&r, "The contact ids are not strictly ascending.");
		}
	}
	abm_read_end(&r);
	(void) total_touches(e);
}

static void
eng_decode(Engagement *e, bytea *value, EngPart part)
{
	eng_decode_bytes(e, VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value), part);
}

#define PG_GETARG_ENGAGEMENT(n, e) eng_decode((e), PG_GETARG_BYTEA_PP(n), ENG_ALL)
#define PG_GETARG_ENGAGEMENT_PART(n, e, part) \
	eng_decode((e), PG_GETARG_BYTEA_PP(n), (part))

/* ---------------------------------------------------------------------
 * Text form: a JSON object that round-trips exactly.
 *
 * {"version": 1, "half_life": "30 days", "first_touch": "2026-01-05 09:00:00+00",
 *  "last_touch": "...", "score_at_last_touch": 12.5,
 *  "touches": {"email_open": 3, "other": 1}, "contacts": [7, 11]}
 *
 * Timestamps are written in UTC and scores in the shortest form that reads
 * back to the same float8, so the output does not depend on DateStyle,
 * TimeZone or extra_float_digits.  A sketch is written as
 * "contacts_sketch": "<hex bitmap>" instead of "contacts".
 * ---------------------------------------------------------------------
 */

static void
append_float8(StringInfo buf, float8 v)
{
	char		text[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(v, text);
	appendStringInfoString(buf, text);
}

static char *
eng_to_text(const Engagement *e, bool derived)
{
	StringInfoData buf;
	bool		first = true;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"version\": %d, \"half_life\": \"%s\", \"first_touch\": \"",
					 ABM_FORMAT_VERSION, half_life_text(e->half_life));
	abm_append_utc(&buf, e->first_touch);
	appendStringInfoString(&buf, "\", \"last_touch\": \"");
	abm_append_utc(&buf, e->last_touch);
	appendStringInfoString(&buf, "\", \"score_at_last_touch\": ");
	append_float8(&buf, e->score);
	appendStringInfoString(&buf, ", \"touches\": {");
	for (int i = 0; i < ENG_BUCKETS; i++)
	{
		if (e->counts[i] == 0)
			continue;
		appendStringInfo(&buf, "%s\"%s\": " INT64_FORMAT, first ? "" : ", ",
						 i == ENG_OTHER ? "other" : abm_activity_name(i),
						 e->counts[i]);
		first = false;
	}
	appendStringInfoChar(&buf, '}');
	if (e->sketch)
	{
		appendStringInfoString(&buf, ", \"contacts_sketch\": \"");
		for (int i = 0; i < ENG_SKETCH_BYTES; i++)
			appendStringInfo(&buf, "%02x", e->c.bits[i]);
		appendStringInfoChar(&buf, '"');
	}
	else
	{
		appendStringInfoString(&buf, ", \"contacts\": [");
		for (int i = 0; i < e->ncontacts; i++)
			appendStringInfo(&buf, "%s" INT64_FORMAT, i ? ", " : "", e->c.ids[i]);
		appendStringInfoChar(&buf, ']');
	}
	if (derived)
		appendStringInfo(&buf, ", \"total_touches\": " INT64_FORMAT
						 ", \"engaged_contacts\": " INT64_FORMAT
						 ", \"contacts_exact\": %s",
						 total_touches(e), engaged_contacts(e),
						 e->sketch ? "false" : "true");
	appendStringInfoChar(&buf, '}');
	return buf.data;
}

static void
malformed(const char *literal, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type abm_engagement: \"%s\"", literal),
			 errdetail("%s", detail),
			 errhint("Write the value as abm_engagement output prints it: a JSON object with version, half_life, first_touch, last_touch, score_at_last_touch, touches and contacts (or contacts_sketch).")));
}

static JsonbValue *
literal_key(const char *literal, Jsonb *jb, const char *key, enum jbvType type,
			JsonbValue *v)
{
	if (getKeyJsonValueFromContainer(&jb->root, key, strlen(key), v) == NULL)
	{
		if (type == jbvNull)
			return NULL;		/* optional key */
		malformed(literal, psprintf("Key \"%s\" is missing.", key));
	}
	if (type == jbvNull)
		type = v->type;
	if (v->type != type)
		malformed(literal, psprintf("Key \"%s\" has the wrong JSON type.", key));
	return v;
}

static char *
literal_string(const JsonbValue *v)
{
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/* A JSON number that must be an integer in int64 range. */
static int64
literal_int64(const char *literal, const JsonbValue *v, const char *what)
{
	char	   *digits;
	char	   *end;
	long long	n;

	if (v->type != jbvNumeric)
		malformed(literal, psprintf("%s must be a number.", what));
	digits = DatumGetCString(DirectFunctionCall1(numeric_out,
												 NumericGetDatum(v->val.numeric)));
	errno = 0;
	n = strtoll(digits, &end, 10);
	if (errno != 0 || *end != '\0' || end == digits)
		malformed(literal, psprintf("%s must be an integer in bigint range: %s.",
									what, digits));
	return (int64) n;
}

static TimestampTz
literal_time(const char *literal, Jsonb *jb, const char *key)
{
	JsonbValue	v;
	TimestampTz t;

	literal_key(literal, jb, key, jbvString, &v);
	t = DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in,
												CStringGetDatum(literal_string(&v)),
												ObjectIdGetDatum(InvalidOid),
												Int32GetDatum(-1)));
	if (TIMESTAMP_NOT_FINITE(t))
		malformed(literal, psprintf("Key \"%s\" is not a finite timestamp.", key));
	return t;
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void
literal_contacts(const char *literal, Jsonb *jb, Engagement *e)
{
	JsonbValue	v;

	if (literal_key(literal, jb, "contacts_sketch", jbvNull, &v) != NULL)
	{
		char	   *hex;

		if (v.type != jbvString || v.val.string.len != 2 * ENG_SKETCH_BYTES)
			malformed(literal, psprintf("contacts_sketch must be a string of %d hexadecimal digits.",
										2 * ENG_SKETCH_BYTES));
		hex = v.val.string.val;
		for (int i = 0; i < ENG_SKETCH_BYTES; i++)
		{
			int			hi = hex_digit(hex[2 * i]);
			int			lo = hex_digit(hex[2 * i + 1]);

			if (hi < 0 || lo < 0)
				malformed(literal, "contacts_sketch holds a character that is not a hexadecimal digit.");
			e->c.bits[i] = (uint8) (hi << 4 | lo);
		}
		e->sketch = true;
		return;
	}

	{
		JsonbIterator *it;
		JsonbValue	elem;
		JsonbIteratorToken tok;

		literal_key(literal, jb, "contacts", jbvBinary, &v);
		if (!JsonContainerIsArray(v.val.binary.data))
			malformed(literal, "contacts must be an array of contact ids.");
		if (JsonContainerSize(v.val.binary.data) > ENG_EXACT_CONTACTS)
			malformed(literal, psprintf("contacts holds more than %d ids; larger sets are written as contacts_sketch.",
										ENG_EXACT_CONTACTS));
		it = JsonbIteratorInit(v.val.binary.data);
		while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
		{
			int64		id;

			if (tok != WJB_ELEM)
				continue;
			id = literal_int64(literal, &elem, "A contact id");
			if (e->ncontacts > 0 && id <= e->c.ids[e->ncontacts - 1])
				malformed(literal, "contacts must be strictly ascending.");
			e->c.ids[e->ncontacts++] = id;
		}
	}
}

static void
literal_touches(const char *literal, Jsonb *jb, Engagement *e)
{
	JsonbValue	v;
	JsonbIterator *it;
	JsonbValue	key;
	JsonbValue	val;
	JsonbIteratorToken tok;

	literal_key(literal, jb, "touches", jbvBinary, &v);
	if (!JsonContainerIsObject(v.val.binary.data))
		malformed(literal, "touches must be an object of counts by activity.");
	it = JsonbIteratorInit(v.val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &key, true)) != WJB_DONE)
	{
		int			bucket;
		char	   *name;

		if (tok != WJB_KEY)
			continue;
		name = literal_string(&key);
		tok = JsonbIteratorNext(&it, &val, true);
		Assert(tok == WJB_VALUE);
		if (strcmp(name, "other") == 0)
			bucket = ENG_OTHER;
		else
		{
			bucket = abm_activity_index_of(name, strlen(name));
			if (bucket < 0 || strcmp(name, abm_activity_name(bucket)) != 0)
				malformed(literal, psprintf("\"%s\" is not a standard activity name or \"other\".", name));
		}
		e->counts[bucket] = literal_int64(literal, &val, "A touch count");
		if (e->counts[bucket] <= 0)
			malformed(literal, "Touch counts must be positive; leave out activities with no touches.");
	}
	if (total_touches(e) == 0)
		malformed(literal, "touches must count at least one touch.");
}

Datum
abm_engagement_in(PG_FUNCTION_ARGS)
{
	char	   *literal = PG_GETARG_CSTRING(0);
	Engagement	e;
	Jsonb	   *jb;
	JsonbValue	v;
	int64		version;
	char	   *hl_text;
	Interval   *hl;
	char	   *digits;

	jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(literal)));
	if (!JB_ROOT_IS_OBJECT(jb) || JB_ROOT_IS_SCALAR(jb))
		malformed(literal, "The value is not a JSON object.");
	if (JB_ROOT_COUNT(jb) != ENG_TEXT_KEYS)
		malformed(literal, psprintf("The object has %d keys; it must have exactly %d.",
									(int) JB_ROOT_COUNT(jb), ENG_TEXT_KEYS));

	memset(&e, 0, sizeof(e));
	literal_key(literal, jb, "version", jbvNumeric, &v);
	version = literal_int64(literal, &v, "version");
	if (version < 1 || version > ABM_FORMAT_VERSION)
		malformed(literal, psprintf("Format version " INT64_FORMAT " is not between 1 and %d.",
									version, ABM_FORMAT_VERSION));

	literal_key(literal, jb, "half_life", jbvString, &v);
	hl_text = literal_string(&v);
	hl = DatumGetIntervalP(DirectFunctionCall3(interval_in, CStringGetDatum(hl_text),
											   ObjectIdGetDatum(InvalidOid),
											   Int32GetDatum(-1)));
	e.half_life = abm_interval_usecs(hl, "half_life", false);
	if (e.half_life <= 0)
		malformed(literal, "half_life is not positive.");

	e.first_touch = literal_time(literal, jb, "first_touch");
	e.last_touch = literal_time(literal, jb, "last_touch");
	if (e.first_touch > e.last_touch)
		malformed(literal, "first_touch is after last_touch.");

	literal_key(literal, jb, "score_at_last_touch", jbvNumeric, &v);
	digits = DatumGetCString(DirectFunctionCall1(numeric_out,
												 NumericGetDatum(v.val.numeric)));
	errno = 0;
	e.score = strtod(digits, NULL);
	/* subnormal scores are valid; only overflow and underflow to 0 are not */
	if (errno == ERANGE && (e.score == 0 || isinf(e.score)))
		malformed(literal, "score_at_last_touch is out of float8 range.");

	literal_touches(literal, jb, &e);
	literal_contacts(literal, jb, &e);

	PG_RETURN_BYTEA_P(eng_encode(&e));
}

Datum
abm_engagement_out(PG_FUNCTION_ARGS)
{
	Engagement	e;

	PG_GETARG_ENGAGEMENT(0, &e);
	PG_RETURN_CSTRING(eng_to_text(&e, false));
}

Datum
abm_engagement_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	Engagement	e;

	eng_decode_bytes(&e, buf->data + buf->cursor, buf->len - buf->cursor, ENG_ALL);
	buf->cursor = buf->len;
	/* Re-encoding gives the canonical bytes of what was checked. */
	PG_RETURN_BYTEA_P(eng_encode(&e));
}

Datum
abm_engagement_send(PG_FUNCTION_ARGS)
{
	bytea	   *value = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbytes(&buf, VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* The text form plus total_touches, engaged_contacts and contacts_exact. */
Datum
abm_engagement_jsonb(PG_FUNCTION_ARGS)
{
	Engagement	e;

	PG_GETARG_ENGAGEMENT(0, &e);
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(eng_to_text(&e, true)));
}

/* ---------------------------------------------------------------------
 * abm_engagement_agg(activity [, weight], occurred_at, contact_id, half_life)
 * ---------------------------------------------------------------------
 */

static Datum
agg_step(FunctionCallInfo fcinfo, int bucket, float8 w, int timearg)
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
		init_touch(e, abm_interval_usecs(hl, "half_life", true), bucket, w, t,
				   has_contact, contact);
	}
	else
	{
		int64		usecs = abm_interval_usecs(hl, "half_life", true);

		check_same_half_life(e->half_life, usecs, true);
		add_touch(e, bucket, w, t, has_contact, contact);
	}
	PG_RETURN_POINTER(e);
}

static int
activity_bucket(text *activity)
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
	bucket = activity_bucket(PG_GETARG_TEXT_PP(1));
	return agg_step(fcinfo, bucket,
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
	check_weight(w);
	return agg_step(fcinfo, activity_bucket(PG_GETARG_TEXT_PP(1)), w, 3);
}

Datum
abm_engagement_agg_combine(PG_FUNCTION_ARGS)
{
	Engagement *e;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	if (PG_ARGISNULL(0))
	{
		e = (Engagement *) MemoryContextAlloc(abm_agg_context(fcinfo, "abm_engagement_agg_combine"),
											  sizeof(Engagement));
		memcpy(e, PG_GETARG_POINTER(1), sizeof(Engagement));
		PG_RETURN_POINTER(e);
	}
	e = (Engagement *) PG_GETARG_POINTER(0);
	merge_into(e, (Engagement *) PG_GETARG_POINTER(1));
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
	merge_into(&e, &other);
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
 * Moving-aggregate mode of abm_rollup and abm_engagement_agg, for frames
 * such as ROWS 29 PRECEDING or RANGE '29 days' PRECEDING.  First and last touch and the contact set cannot be
 * subtracted, but the window machinery removes rows in the order it added
 * them, so the frame is a queue, and a queue of merges is kept with two
 * stacks: "back" holds the rows added since the last flip and their running
 * merge; "front" holds, for each older row, the merge of it and every older
 * row still after it.  Removing a row pops the front; when the front is
 * empty the back is flipped into suffix merges.  Each row is merged a
 * constant number of times, so a frame of any width costs linear time, and
 * every result is a plain merge of exactly the rows in the frame.
 */
/*
 * Rows one frame may hold (each about 300 bytes, so 300 MB); beyond it the
 * query fails with 54000.
 */
#define ENG_MAX_FRAME_ROWS	1000000

typedef struct RollupWindow
{
	Engagement **front;			/* front[front_pos .. nfront): suffix merges */
	int			front_pos;
	int			nfront;
	Engagement **back;			/* back[0 .. nback): rows, oldest first */
	int			nback;
	int			capacity;		/* of front and back each */
	Engagement	back_merged;	/* merge of back[], valid when nback > 0 */
} RollupWindow;

static RollupWindow *
window_arg(FunctionCallInfo fcinfo, MemoryContext aggcontext)
{
	RollupWindow *w;

	if (!PG_ARGISNULL(0))
		return (RollupWindow *) PG_GETARG_POINTER(0);
	w = (RollupWindow *) MemoryContextAllocZero(aggcontext, sizeof(RollupWindow));
	w->capacity = 32;
	w->front = (Engagement **) MemoryContextAlloc(aggcontext, w->capacity * sizeof(Engagement *));
	w->back = (Engagement **) MemoryContextAlloc(aggcontext, w->capacity * sizeof(Engagement *));
	return w;
}

/* Adds a row (allocated in the aggregate context) at the back of the frame. */
static void
window_push(RollupWindow *w, Engagement *row)
{
	if (w->nback == 0)
		w->back_merged = *row;
	else
		merge_into(&w->back_merged, row);
	if ((w->nfront - w->front_pos) + w->nback >= ENG_MAX_FRAME_ROWS)
		abm_cap_exceeded("rows", "abm_engagement window frame", ENG_MAX_FRAME_ROWS,
						 "Use a narrower frame, such as RANGE '90 days' PRECEDING, or roll up by day first.");
	if (w->nback == w->capacity)
	{
		w->capacity = Min(w->capacity * 2, ENG_MAX_FRAME_ROWS);
		w->front = (Engagement **) repalloc(w->front, w->capacity * sizeof(Engagement *));
		w->back = (Engagement **) repalloc(w->back, w->capacity * sizeof(Engagement *));
	}
	w->back[w->nback++] = row;
}

/*
 * Removes the oldest row of the frame; false when there is none, and the
 * executor must then restart the frame.
 */
static bool
window_pop(RollupWindow *w)
{
	if (w->front_pos == w->nfront)
	{
		if (w->nback == 0)
			return false;
		/* Flip: front[k] = back[k] merged with every later row of back. */
		for (int k = w->nback - 2; k >= 0; k--)
		{
			CHECK_FOR_INTERRUPTS();
			merge_into(w->back[k], w->back[k + 1]);
		}
		memcpy(w->front, w->back, w->nback * sizeof(Engagement *));
		w->front_pos = 0;
		w->nfront = w->nback;
		w->nback = 0;
	}
	pfree(w->front[w->front_pos++]);
	return true;
}

Datum
abm_rollup_mtrans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = abm_agg_context(fcinfo, "abm_rollup");
	RollupWindow *w = window_arg(fcinfo, aggcontext);
	Engagement *row;

	if (!PG_ARGISNULL(1))
	{
		row = (Engagement *) MemoryContextAlloc(aggcontext, sizeof(Engagement));
		PG_GETARG_ENGAGEMENT(1, row);
		window_push(w, row);
	}
	PG_RETURN_POINTER(w);
}

Datum
abm_rollup_minv(PG_FUNCTION_ARGS)
{
	abm_agg_context(fcinfo, "abm_rollup");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (!PG_ARGISNULL(1) && !window_pop((RollupWindow *) PG_GETARG_POINTER(0)))
		PG_RETURN_NULL();
	PG_RETURN_POINTER(PG_GETARG_POINTER(0));
}

/*
 * Moving-aggregate mode of abm_engagement_agg: each touch is a one-touch
 * state in the same queue.  A row is skipped (added and removed) under the
 * same NULL rule as the plain transition.
 */
static Datum
agg_window_step(FunctionCallInfo fcinfo, bool weighted, bool add)
{
	int			timearg = weighted ? 3 : 2;
	MemoryContext aggcontext = abm_agg_context(fcinfo, "abm_engagement_agg");
	RollupWindow *w;
	Engagement *row;
	text	   *activity;
	int			bucket;
	float8		weight;
	TimestampTz t;

	if (!add)
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		w = (RollupWindow *) PG_GETARG_POINTER(0);
		if (!(PG_ARGISNULL(1) || PG_ARGISNULL(timearg) || PG_ARGISNULL(timearg + 2) ||
			  (weighted && PG_ARGISNULL(2))) && !window_pop(w))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(w);
	}

	/* The moving transition must return a state even for a skipped row. */
	w = window_arg(fcinfo, aggcontext);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(timearg) || PG_ARGISNULL(timearg + 2) ||
		(weighted && PG_ARGISNULL(2)))
		PG_RETURN_POINTER(w);
	activity = PG_GETARG_TEXT_PP(1);
	bucket = activity_bucket(activity);
	if (weighted)
	{
		weight = PG_GETARG_FLOAT8(2);
		check_weight(weight);
	}
	else
		weight = bucket == ENG_OTHER ? 0.0 : abm_activity_weight_at(bucket);
	t = PG_GETARG_TIMESTAMPTZ(timearg);
	abm_check_finite(t, "occurred_at", NULL);
	row = (Engagement *) MemoryContextAlloc(aggcontext, sizeof(Engagement));
	init_touch(row, abm_interval_usecs(PG_GETARG_INTERVAL_P(timearg + 2), "half_life", true),
			   bucket, weight, t, !PG_ARGISNULL(timearg + 1),
			   PG_ARGISNULL(timearg + 1) ? 0 : PG_GETARG_INT64(timearg + 1));
	window_push(w, row);
	PG_RETURN_POINTER(w);
}

Datum
abm_engagement_agg_mtrans(PG_FUNCTION_ARGS)
{
	return agg_window_step(fcinfo, false, true);
}

Datum
abm_engagement_agg_minv(PG_FUNCTION_ARGS)
{
	return agg_window_step(fcinfo, false, false);
}

Datum
abm_engagement_agg_weight_mtrans(PG_FUNCTION_ARGS)
{
	return agg_window_step(fcinfo, true, true);
}

Datum
abm_engagement_agg_weight_minv(PG_FUNCTION_ARGS)
{
	return agg_window_step(fcinfo, true, false);
}

Datum
abm_engagement_mfinal(PG_FUNCTION_ARGS)
{
	RollupWindow *w;
	Engagement	e;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	w = (RollupWindow *) PG_GETARG_POINTER(0);
	if (w->front_pos == w->nfront)
	{
		if (w->nback == 0)
			PG_RETURN_NULL();
		PG_RETURN_BYTEA_P(eng_encode(&w->back_merged));
	}
	if (w->nback == 0)
		PG_RETURN_BYTEA_P(eng_encode(w->front[w->front_pos]));
	/* merge into a copy: the front and back merges stay as they are */
	e = *w->front[w->front_pos];
	merge_into(&e, &w->back_merged);
	PG_RETURN_BYTEA_P(eng_encode(&e));
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
				 errdetail("as_of = %s, last touch = %s.",
						   timestamptz_text(as_of), timestamptz_text(e.last_touch)),
				 errhint("A state cannot tell which of its touches came before as_of: roll up only the states up to as_of, or use abm_engagement_score on the touches.")));
	PG_RETURN_FLOAT8(e.score * decay(e.last_touch, as_of, (float8) e.half_life));
}

Datum
abm_touches(PG_FUNCTION_ARGS)
{
	Engagement	e;

	PG_GETARG_ENGAGEMENT_PART(0, &e, ENG_COUNTS);
	PG_RETURN_INT64(total_touches(&e));
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
					 errdetail("activity = %s.", name),
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
	PG_RETURN_INT64(engaged_contacts(&e));
}

Datum
abm_half_life(PG_FUNCTION_ARGS)
{
	Engagement	e;
	Interval   *iv = (Interval *) palloc(sizeof(Interval));

	PG_GETARG_ENGAGEMENT_PART(0, &e, ENG_HEADER);
	half_life_interval(e.half_life, iv);
	PG_RETURN_INTERVAL_P(iv);
}
