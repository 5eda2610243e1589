/*-------------------------------------------------------------------------
 *
 * paths.c
 *	  Journey paths: the aggregate abm_path gives an account's path -- the
 *	  last steps activities before its first conversion (or the first steps
 *	  activities from its first start event on), consecutive repeats
 *	  collapsed -- with whether it converted and how many days the path
 *	  took.  abm_paths (sql/install/paths.sql) summarizes many of them:
 *	  accounts, conversions, conversion rate and median days per path.
 *
 * Before a conversion (abm_path(steps, ts, activity, is_conversion)):
 *	  C = the earliest conversion; the path is built from the rows strictly
 *	  before C that are not conversions (every row when there is none), and
 *	  keeps its last steps runs; days = from the first row of the first run
 *	  kept to C.
 * From a start (abm_path(steps, ts, activity, is_conversion, is_start)):
 *	  S = the earliest start row; C = the earliest conversion at or after S;
 *	  the path is built from the rows at or after S and before C that are
 *	  not conversions, and keeps its first steps runs; days = from S to C.
 *	  An account without a start row has no path (NULL).
 * Rows are ordered by timestamp, then by activity name (bytes), so rows at
 * one instant give the same path whatever order they arrive in.
 *
 * The state keeps every row as (timestamp, activity number, flags), with
 * each distinct activity name stored once.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "events.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(abm_path_trans);
PG_FUNCTION_INFO_V1(abm_path_combine);
PG_FUNCTION_INFO_V1(abm_path_serial);
PG_FUNCTION_INFO_V1(abm_path_deserial);
PG_FUNCTION_INFO_V1(abm_path_final);

#define PATH_MAX_STEPS		32
#define PATH_MAX_ACTIVITIES	65536
#define PATH_MAX_NAME_BYTES	((int64) 64 * 1024 * 1024)

#define PATH_CONVERSION	0x01
#define PATH_START		0x02

typedef struct PathRow
{
	int64		ts;
	int32		act;			/* index of the activity name */
	uint8		flags;
} PathRow;

typedef struct PathState
{
	int32		steps;
	bool		after;			/* from a start event, not before a conversion */
	/* distinct activity names */
	int32		nacts;
	int32		actcap;
	int64	   *actoff;
	int32	   *actlen;
	uint32	   *acthash;
	char	   *bytes;
	int64		nbytes;
	int64		bytescap;
	int32	   *slots;			/* open addressing: activity index + 1, 0 empty */
	int32		nslots;
	int32		last;			/* the activity interned last, or -1 */
	/* rows */
	int32		n;
	int32		cap;
	PathRow    *rows;
} PathState;

static PathState *
jp_state_new(MemoryContext ctx, int32 steps, bool after)
{
	PathState  *s = MemoryContextAllocZero(ctx, sizeof(PathState));

	s->steps = steps;
	s->after = after;
	s->last = -1;
	s->nslots = 16;
	s->slots = MemoryContextAllocZero(ctx, sizeof(int32) * s->nslots);
	s->bytescap = 256;
	s->bytes = MemoryContextAlloc(ctx, s->bytescap);
	return s;
}

static void
jp_rehash(PathState *s)
{
	int32		nslots = s->nslots * 2;
	int32	   *slots = repalloc(s->slots, sizeof(int32) * nslots);

	memset(slots, 0, sizeof(int32) * nslots);
	for (int32 i = 0; i < s->nacts; i++)
	{
		uint32		h = s->acthash[i] & (nslots - 1);

		while (slots[h] != 0)
			h = (h + 1) & (nslots - 1);
		slots[h] = i + 1;
	}
	s->slots = slots;
	s->nslots = nslots;
}

/* The number of activity name v, added when new. */
static int32
jp_intern(PathState *s, MemoryContext ctx, const char *v, int32 len)
{
	uint32		hash;
	uint32		h;
	int32		i;

	if (s->last >= 0 && s->actlen[s->last] == len &&
		memcmp(s->bytes + s->actoff[s->last], v, len) == 0)
		return s->last;
	hash = hash_bytes((const unsigned char *) v, len);
	for (h = hash & (s->nslots - 1); s->slots[h] != 0; h = (h + 1) & (s->nslots - 1))
	{
		i = s->slots[h] - 1;
		if (s->acthash[i] == hash && s->actlen[i] == len &&
			memcmp(s->bytes + s->actoff[i], v, len) == 0)
			return s->last = i;
	}

	if (s->nacts >= PATH_MAX_ACTIVITIES)
		abm_events_too_many("abm_path", "distinct activities", PATH_MAX_ACTIVITIES);
	if (s->nbytes + len > PATH_MAX_NAME_BYTES)
		abm_events_too_many("abm_path", "bytes of activity names", PATH_MAX_NAME_BYTES);
	if (s->nacts >= s->actcap)
	{
		int32		cap = Max(s->actcap * 2, 16);

		if (s->actoff == NULL)
		{
			s->actoff = MemoryContextAlloc(ctx, sizeof(int64) * cap);
			s->actlen = MemoryContextAlloc(ctx, sizeof(int32) * cap);
			s->acthash = MemoryContextAlloc(ctx, sizeof(uint32) * cap);
		}
		else
		{
			s->actoff = repalloc(s->actoff, sizeof(int64) * cap);
			s->actlen = repalloc(s->actlen, sizeof(int32) * cap);
			s->acthash = repalloc(s->acthash, sizeof(uint32) * cap);
		}
		s->actcap = cap;
	}
	if (s->nbytes + len > s->bytescap)
	{
		s->bytescap = Min(Max(s->bytescap * 2, s->nbytes + len), PATH_MAX_NAME_BYTES);
		s->bytes = repalloc_huge(s->bytes, s->bytescap);
	}
	i = s->nacts++;
	memcpy(s->bytes + s->nbytes, v, len);
	s->actoff[i] = s->nbytes;
	s->actlen[i] = len;
	s->acthash[i] = hash;
	s->nbytes += len;
	s->slots[h] = i + 1;
	if (s->nacts * 2 > s->nslots)
		jp_rehash(s);
	return s->last = i;
}

static void
jp_add(PathState *s, MemoryContext ctx, int64 ts, int32 act, uint8 flags)
{
	if (s->n >= s->cap)
	{
		int32		cap;

		if (s->n >= ABM_MAX_EVENTS)
			abm_events_too_many("abm_path", "rows", ABM_MAX_EVENTS);
		cap = Min(Max(s->cap * 2, 16), ABM_MAX_EVENTS);
		s->rows = s->rows ? repalloc(s->rows, sizeof(PathRow) * cap)
			: MemoryContextAlloc(ctx, sizeof(PathRow) * cap);
		s->cap = cap;
	}
	s->rows[s->n].ts = ts;
	s->rows[s->n].act = act;
	s->rows[s->n].flags = flags;
	s->n++;
}

static void
jp_check_steps(int32 steps)
{
	if (steps < 1 || steps > PATH_MAX_STEPS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("abm_path takes 1 to %d steps", PATH_MAX_STEPS),
				 errdetail("steps = %d.", steps),
				 errhint("Pass a number of steps between 1 and %d.", PATH_MAX_STEPS)));
}

/*
 * Transition: (state, steps, ts, activity, is_conversion [, is_start]).
 * Rows with a NULL steps, timestamp or activity are skipped; NULL flags
 * count as false.
 */
Datum
abm_path_trans(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = abm_agg_context(fcinfo, "abm_path_trans");
	PathState  *s = PG_ARGISNULL(0) ? NULL : (PathState *) PG_GETARG_POINTER(0);
	bool		after = PG_NARGS() > 5;
	int32		steps;
	int64		ts;
	text	   *activity;
	uint8		flags = 0;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		if (s == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s);
	}
	steps = PG_GETARG_INT32(1);
	if (s == NULL)
	{
		jp_check_steps(steps);
		s = jp_state_new(ctx, steps, after);
	}
	else if (steps != s->steps)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("every row of abm_path must have the same number of steps"),
				 errdetail("steps = %d, earlier rows had %d.", steps, s->steps)));
	ts = abm_finite_ts(PG_GETARG_TIMESTAMPTZ(2), "abm_path");
	activity = PG_GETARG_TEXT_PP(3);
	if (!PG_ARGISNULL(4) && PG_GETARG_BOOL(4))
		flags |= PATH_CONVERSION;
	if (after && !PG_ARGISNULL(5) && PG_GETARG_BOOL(5))
		flags |= PATH_START;
	jp_add(s, ctx, ts,
			 jp_intern(s, ctx, VARDATA_ANY(activity), VARSIZE_ANY_EXHDR(activity)),
			 flags);
	PG_RETURN_POINTER(s);
}

/* Add other's rows to s, through s's own activity numbers. */
static void
jp_add_all(PathState *s, MemoryContext ctx, const PathState *other)
{
	int32	   *map = palloc(sizeof(int32) * Max(other->nacts, 1));

	for (int32 i = 0; i < other->nacts; i++)
		map[i] = jp_intern(s, ctx, other->bytes + other->actoff[i], other->actlen[i]);
	for (int32 i = 0; i < other->n; i++)
	{
		if ((i & 0xFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		jp_add(s, ctx, other->rows[i].ts, map[other->rows[i].act], other->rows[i].flags);
	}
	pfree(map);
}

Datum
abm_path_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = abm_agg_context(fcinfo, "abm_path_combine");
	PathState  *s = PG_ARGISNULL(0) ? NULL : (PathState *) PG_GETARG_POINTER(0);
	PathState  *other = PG_ARGISNULL(1) ? NULL : (PathState *) PG_GETARG_POINTER(1);

	if (other == NULL)
	{
		if (s == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s);
	}
	if (s == NULL)
		s = jp_state_new(ctx, other->steps, other->after);
	else if (s->steps != other->steps || s->after != other->after)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine abm_path states with different steps or kinds")));
	jp_add_all(s, ctx, other);
	PG_RETURN_POINTER(s);
}

Datum
abm_path_serial(PG_FUNCTION_ARGS)
{
	PathState  *s = (PathState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	abm_write_begin(&buf, ABM_KIND_PATH);
	pq_sendbyte(&buf, (uint8) s->steps);
	pq_sendbyte(&buf, s->after ? 1 : 0);
	pq_sendint32(&buf, s->nacts);
	for (int32 i = 0; i < s->nacts; i++)
	{
		pq_sendint32(&buf, s->actlen[i]);
		pq_sendbytes(&buf, s->bytes + s->actoff[i], s->actlen[i]);
	}
	pq_sendint32(&buf, s->n);
	for (int32 i = 0; i < s->n; i++)
	{
		pq_sendint64(&buf, s->rows[i].ts);
		pq_sendint32(&buf, s->rows[i].act);
		pq_sendbyte(&buf, s->rows[i].flags);
	}
	PG_RETURN_BYTEA_P(abm_write_end(&buf));
}

static void
jp_corrupt(const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid path state value"),
			 errdetail("%s", why)));
}

Datum
abm_path_deserial(PG_FUNCTION_ARGS)
{
	AbmReader	r;
	int			steps;
	int			after;
	int32		nacts;
	int32		n;
	int32	   *map;
	PathState  *s;

	abm_read_begin_bytea(&r, PG_GETARG_BYTEA_PP(0), ABM_KIND_PATH, "path state");
	steps = abm_read_uint8(&r);
	after = abm_read_uint8(&r);
	if (steps < 1 || steps > PATH_MAX_STEPS || after > 1)
		jp_corrupt("The step count or kind is invalid.");
	s = jp_state_new(CurrentMemoryContext, steps, after == 1);
	/* names are interned again: a repeated name maps to one number */
	nacts = abm_read_count(&r, PATH_MAX_ACTIVITIES);
	map = palloc(sizeof(int32) * Max(nacts, 1));
	for (int32 i = 0; i < nacts; i++)
	{
		int32		len = abm_read_count(&r, (int32) PATH_MAX_NAME_BYTES);

		map[i] = jp_intern(s, CurrentMemoryContext, abm_read_bytes(&r, len), len);
	}
	n = abm_read_count(&r, ABM_MAX_EVENTS);
	for (int32 i = 0; i < n; i++)
	{
		int64		ts = abm_read_int64(&r);
		int32		act = abm_read_int32(&r);
		int			flags = abm_read_uint8(&r);

		if (!IS_VALID_TIMESTAMP(ts) || act < 0 || act >= nacts ||
			(flags & ~(PATH_CONVERSION | PATH_START)) != 0 ||
			((flags & PATH_START) && after != 1))
			jp_corrupt("A row's timestamp, activity or flags are invalid.");
		jp_add(s, CurrentMemoryContext, ts, map[act], (uint8) flags);
	}
	abm_read_end(&r);
	PG_RETURN_POINTER(s);
}

/* A row of the path being built: its time and its activity's rank by name. */
typedef struct PathStep
{
	int64		ts;
	int32		rank;
	int32		act;
} PathStep;

static inline int
jp_step_cmp(const PathStep *a, const PathStep *b)
{
	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	return 0;
}

#define ST_SORT jp_steps_qsort
#define ST_ELEMENT_TYPE PathStep
#define ST_COMPARE(a, b) jp_step_cmp(a, b)
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

static int
jp_name_cmp(const void *a, const void *b, void *arg)
{
	const PathState *s = (const PathState *) arg;
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;
	int			c = memcmp(s->bytes + s->actoff[x], s->bytes + s->actoff[y],
						   Min(s->actlen[x], s->actlen[y]));

	if (c != 0)
		return c;
	return s->actlen[x] < s->actlen[y] ? -1 : (s->actlen[x] > s->actlen[y] ? 1 : 0);
}

Datum
abm_path_final(PG_FUNCTION_ARGS)
{
	PathState  *s;
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	int32	   *order;
	int32	   *rank;
	PathStep   *steps;
	int32		nsteps = 0;
	bool		has_start = false;
	bool		converted = false;
	int64		start = 0;
	int64		conversion = 0;
	int32		first;			/* first row of the runs kept */
	int32		nruns = 0;
	Datum	   *names;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = (PathState *) PG_GETARG_POINTER(0);
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "abm_path_final must return a composite type");
	tupdesc = BlessTupleDesc(tupdesc);

	/* the start and the conversion */
	if (s->after)
	{
		for (int32 i = 0; i < s->n; i++)
			if ((s->rows[i].flags & PATH_START) && (!has_start || s->rows[i].ts < start))
			{
				start = s->rows[i].ts;
				has_start = true;
			}
		if (!has_start)
			PG_RETURN_NULL();
	}
	for (int32 i = 0; i < s->n; i++)
		if ((s->rows[i].flags & PATH_CONVERSION) &&
			(!s->after || s->rows[i].ts >= start) &&
			(!converted || s->rows[i].ts < conversion))
		{
			conversion = s->rows[i].ts;
			converted = true;
		}

	/* activities ranked by name */
	order = palloc(sizeof(int32) * Max(s->nacts, 1));
	rank = palloc(sizeof(int32) * Max(s->nacts, 1));
	for (int32 i = 0; i < s->nacts; i++)
		order[i] = i;
	qsort_arg(order, s->nacts, sizeof(int32), jp_name_cmp, s);
	for (int32 i = 0; i < s->nacts; i++)
		rank[order[i]] = i;

	/* the rows of the path, in order */
	steps = palloc(sizeof(PathStep) * Max(s->n, 1));
	for (int32 i = 0; i < s->n; i++)
	{
		const PathRow *row = &s->rows[i];

		if ((row->flags & PATH_CONVERSION) ||
			(converted && row->ts >= conversion) ||
			(s->after && row->ts < start))
			continue;
		steps[nsteps].ts = row->ts;
		steps[nsteps].act = row->act;
		steps[nsteps].rank = rank[row->act];
		nsteps++;
	}
	CHECK_FOR_INTERRUPTS();
	jp_steps_qsort(steps, nsteps);

	/* runs of one activity: keep the first (or last) s->steps of them */
	names = palloc(sizeof(Datum) * s->steps);
	first = 0;
	if (s->after)
	{
		for (int32 i = 0; i < nsteps && nruns <= s->steps; i++)
			if (i == 0 || steps[i].act != steps[i - 1].act)
			{
				if (nruns == s->steps)
					break;
				names[nruns++] = (Datum) steps[i].act;
			}
	}
	else
	{
		for (int32 i = nsteps - 1; i >= 0; i--)
		{
			if (i == nsteps - 1 || steps[i].act != steps[i + 1].act)
			{
				if (nruns == s->steps)
					break;
				names[nruns++] = (Datum) steps[i].act;
			}
			first = i;
		}
		/* collected last run first */
		for (int32 i = 0; i < nruns / 2; i++)
		{
			Datum		t = names[i];

			names[i] = names[nruns - 1 - i];
			names[nruns - 1 - i] = t;
		}
	}
	for (int32 i = 0; i < nruns; i++)
	{
		int32		act = (int32) names[i];

		names[i] = PointerGetDatum(cstring_to_text_with_len(s->bytes + s->actoff[act],
															s->actlen[act]));
	}

	values[0] = PointerGetDatum(construct_array(names, nruns, TEXTOID, -1, false, TYPALIGN_INT));
	values[1] = BoolGetDatum(converted);
	if (!converted)
		nulls[2] = true;
	else if (s->after)
		values[2] = Float8GetDatum(abm_days_between(start, conversion));
	else if (nruns > 0)
		values[2] = Float8GetDatum(abm_days_between(steps[first].ts, conversion));
	else
		nulls[2] = true;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
