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
	AbmNames	acts;			/* distinct activity names */
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
	abm_names_init(&s->acts, ctx, PATH_MAX_ACTIVITIES, PATH_MAX_NAME_BYTES,
				   "abm_path", "distinct activities");
	return s;
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
				 errdetail("The input has steps = %d.", steps),
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
				 errdetail("This row has steps = %d, earlier rows had %d.", steps, s->steps)));
	ts = PG_GETARG_TIMESTAMPTZ(2);
	abm_check_finite(ts, "timestamps of abm_path", NULL);
	activity = PG_GETARG_TEXT_PP(3);
	if (!PG_ARGISNULL(4) && PG_GETARG_BOOL(4))
		flags |= PATH_CONVERSION;
	if (after && !PG_ARGISNULL(5) && PG_GETARG_BOOL(5))
		flags |= PATH_START;
	jp_add(s, ctx, ts,
			 abm_names_intern(&s->acts, ctx, VARDATA_ANY(activity), VARSIZE_ANY_EXHDR(activity)),
			 flags);
	PG_RETURN_POINTER(s);
}

/* Add other's rows to s, through s's own activity numbers. */
static void
jp_add_all(PathState *s, MemoryContext ctx, const PathState *other)
{
	int32	   *map = abm_names_map(&s->acts, ctx, &other->acts);

	for (int32 i = 0; i < other->n; i++)
	{
		ABM_INTERRUPTS_EVERY(i);
		jp_add(s, ctx, other->rows[i].ts, map[other->rows[i].act], other->rows[i].flags);
	}
	pfree(map);
}

Datum
abm_path_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = abm_agg_context(fcinfo, "abm_path_combine");
	PathState  *s = PG_ARGISNULL(0) ? NULL : (PathState *) PG_GETARG_POINTER(0);
	PathState  *other = (PathState *) PG_GETARG_POINTER(1);

	ABM_COMBINE_NULLS();
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
	bool	   *used;
	int32	   *map;

	abm_write_begin(&buf, ABM_KIND_PATH);
	pq_sendbyte(&buf, (uint8) s->steps);
	pq_sendbyte(&buf, s->after ? 1 : 0);
	used = palloc0(sizeof(bool) * Max(s->acts.n, 1));
	for (int32 i = 0; i < s->n; i++)
		used[s->rows[i].act] = true;
	map = abm_names_write(&buf, &s->acts, used);
	pq_sendint32(&buf, s->n);
	for (int32 i = 0; i < s->n; i++)
	{
		ABM_INTERRUPTS_EVERY(i);
		pq_sendint64(&buf, s->rows[i].ts);
		pq_sendint32(&buf, map[s->rows[i].act]);
		pq_sendbyte(&buf, s->rows[i].flags);
	}
	PG_RETURN_BYTEA_P(abm_write_end(&buf));
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
		abm_read_corrupt(&r, "The step count or kind is invalid.");
	s = jp_state_new(CurrentMemoryContext, steps, after == 1);
	/* names are interned again: a repeated name maps to one number */
	map = abm_names_read(&r, &s->acts, CurrentMemoryContext, &nacts);
	n = abm_read_count(&r, ABM_MAX_EVENTS);
	for (int32 i = 0; i < n; i++)
	{
		int64		ts = abm_read_int64(&r);
		int32		act = abm_read_int32(&r);
		int			flags = abm_read_uint8(&r);

		ABM_INTERRUPTS_EVERY(i);
		if (!IS_VALID_TIMESTAMP(ts) || act < 0 || act >= nacts ||
			(flags & ~(PATH_CONVERSION | PATH_START)) != 0 ||
			((flags & PATH_START) && after != 1))
			abm_read_corrupt(&r, "A row's timestamp, activity or flags are invalid.");
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

#define ABM_SORT_NAME jp_steps_sort
#define ABM_SORT_TYPE PathStep
#define ABM_SORT_CMP(a, b) jp_step_cmp(a, b)
#include "abm_sort.h"

Datum
abm_path_final(PG_FUNCTION_ARGS)
{
	PathState  *s;
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
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
		{
			ABM_INTERRUPTS_EVERY(i);
			if ((s->rows[i].flags & PATH_START) && (!has_start || s->rows[i].ts < start))
			{
				start = s->rows[i].ts;
				has_start = true;
			}
		}
		if (!has_start)
			PG_RETURN_NULL();
	}
	for (int32 i = 0; i < s->n; i++)
	{
		ABM_INTERRUPTS_EVERY(i);
		if ((s->rows[i].flags & PATH_CONVERSION) &&
			(!s->after || s->rows[i].ts >= start) &&
			(!converted || s->rows[i].ts < conversion))
		{
			conversion = s->rows[i].ts;
			converted = true;
		}
	}

	/* activities ranked by name */
	rank = abm_names_ranks(&s->acts);

	/* the rows of the path, in order */
	steps = palloc(sizeof(PathStep) * Max(s->n, 1));
	for (int32 i = 0; i < s->n; i++)
	{
		const PathRow *row = &s->rows[i];

		ABM_INTERRUPTS_EVERY(i);
		if ((row->flags & PATH_CONVERSION) ||
			(converted && row->ts >= conversion) ||
			(s->after && row->ts < start))
			continue;
		steps[nsteps].ts = row->ts;
		steps[nsteps].act = row->act;
		steps[nsteps].rank = rank[row->act];
		nsteps++;
	}
	jp_steps_sort(steps, nsteps);

	/* runs of one activity: keep the first (or last) s->steps of them */
	names = palloc(sizeof(Datum) * s->steps);
	first = 0;
	if (s->after)
	{
		for (int32 i = 0; i < nsteps && nruns <= s->steps; i++)
		{
			ABM_INTERRUPTS_EVERY(i);
			if (i == 0 || steps[i].act != steps[i - 1].act)
			{
				if (nruns == s->steps)
					break;
				names[nruns++] = (Datum) steps[i].act;
			}
		}
	}
	else
	{
		for (int32 i = nsteps - 1; i >= 0; i--)
		{
			ABM_INTERRUPTS_EVERY(i);
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

		names[i] = PointerGetDatum(cstring_to_text_with_len(ABM_NAME(&s->acts, act),
															s->acts.len[act]));
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
