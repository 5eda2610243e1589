/*-------------------------------------------------------------------------
 *
 * window_funnel.c
 *	  ClickHouse-compatible window funnels: the aggregates
 *	  abm_window_funnel (the furthest step of a chain of steps inside a
 *	  sliding window) and abm_window_funnel_times (the timestamps of that
 *	  chain's steps).
 *
 * The algorithm is ClickHouse's windowFunnel in its current form, where a
 * repeated step under strict_deduplication returns the level reached
 * (docs/reference.md lists where ClickHouse versions differ): events are
 * ordered by (timestamp, step number) and walked once, keeping for every
 * level the start and the last timestamp of the latest chain that reached
 * it; the modes change what stops or skips.  strict_once keeps every
 * candidate chain per level, as ClickHouse does, so that one row never
 * serves two steps of one chain; one walker serves every mode.
 *
 * The state keeps only rows where some step is true (in strict_order mode
 * also the others, as a step mask of 0, because they break chains): a
 * timestamp and a step bitmask per row, appended unsorted and sorted by the
 * final function.  Sorting in place reorders the rows without changing the
 * multiset they stand for, and a later transition appends after them and
 * clears the sorted flag when it breaks the order, so the final function
 * is declared READ_ONLY and the aggregates work over growing window frames
 * (sql/hardening.sql checks each frame against a fresh aggregate).
 *
 * Bounds: at most WF_MAX_EVENTS rows per group and, in strict_once mode,
 * WF_MAX_CHAINS open chains in all (each step-2 row may copy every open
 * step-1 chain, so the chains can grow with the square of the rows); both
 * raise 54000.  Every loop over events or chains checks for interrupts.
 *
 * The window and the mode are parameters of the group: every row must
 * bring the same ones (compared cheaply, as microseconds and as the mode's
 * bytes), or the answer would depend on which row came first.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "abm.h"
#include "stepnames.h"
#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "port/pg_bitutils.h"
#include "utils/array.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(abm_window_funnel_trans);
PG_FUNCTION_INFO_V1(abm_window_funnel_mode_trans);
PG_FUNCTION_INFO_V1(abm_window_funnel_names_trans);
PG_FUNCTION_INFO_V1(abm_window_funnel_names_mode_trans);
PG_FUNCTION_INFO_V1(abm_window_funnel_combine);
PG_FUNCTION_INFO_V1(abm_window_funnel_serial);
PG_FUNCTION_INFO_V1(abm_window_funnel_deserial);
PG_FUNCTION_INFO_V1(abm_window_funnel_final);
PG_FUNCTION_INFO_V1(abm_window_funnel_times_final);

#define WF_MAX_STEPS	32

/*
 * Rows kept per group.  A state this large is 160 MB; beyond it the query
 * fails (54000) rather than exhaust memory.  The deserializer obeys the
 * same cap.
 */
#define WF_MAX_EVENTS	10000000

/*
 * strict_once: chains kept open at once, over all levels (16 bytes plus 4
 * per step each, so 28 MB for three steps and 144 MB for 32).
 */
#define WF_MAX_CHAINS	1000000

#define WF_STRICT_DEDUPLICATION	0x01
#define WF_STRICT_ORDER			0x02
#define WF_STRICT_INCREASE		0x04
#define WF_STRICT_ONCE			0x08
#define WF_ALLOW_REENTRY		0x10
#define WF_ALL_MODES			0x1F

static const struct
{
	const char *name;
	int			flag;
}			wf_modes[] =
{
	{"strict_deduplication", WF_STRICT_DEDUPLICATION},
	{"strict_order", WF_STRICT_ORDER},
	{"strict_increase", WF_STRICT_INCREASE},
	{"strict_once", WF_STRICT_ONCE},
	{"allow_reentry", WF_ALLOW_REENTRY},
};

typedef struct WfEvent
{
	int64		ts;
	uint32		mask;			/* bit s set: the row satisfies step s + 1 */
} WfEvent;

typedef struct WfState
{
	int64		window;			/* microseconds */
	int32		nsteps;
	int32		modes;
	bool		sorted;			/* events are in (ts, mask) order */
	int32		nevents;
	int32		capacity;
	WfEvent    *events;
	text	   *mode_arg;		/* the mode as the first row passed it, or NULL */
	AbmStepNames *names;		/* the steps as event names, or NULL */
} WfState;

/* The outcome of a walk: the level reached and the rows of its chain. */
typedef struct WfChain
{
	int			level;
	uint32		rows[WF_MAX_STEPS];
} WfChain;

static int
wf_parse_modes(text *mode)
{
	char	   *s = text_to_cstring(mode);
	char	   *tok;
	char	   *save = NULL;
	int			flags = 0;

	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
	{
		char	   *end;
		bool		found = false;

		/* a mode may repeat: a long mode text is a long loop */
		CHECK_FOR_INTERRUPTS();
		while (*tok == ' ' || *tok == '\t' || *tok == '\n')
			tok++;
		end = tok + strlen(tok);
		while (end > tok && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n'))
			*--end = '\0';
		if (*tok == '\0')
			continue;
		for (int i = 0; i < (int) lengthof(wf_modes); i++)
		{
			if (strcmp(tok, wf_modes[i].name) == 0)
			{
				flags |= wf_modes[i].flag;
				found = true;
			}
		}
		if (!found)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown window funnel mode \"%s\"", tok),
					 errdetail("The input has mode = '%s'.", text_to_cstring(mode)),
					 strcmp(tok, "strict") == 0 ?
					 errhint("ClickHouse renamed \"strict\" to \"strict_deduplication\"; use that.") :
					 errhint("Valid modes are strict_deduplication, strict_order, strict_increase, strict_once and allow_reentry, comma-separated.")));
	}
	if ((flags & WF_ALLOW_REENTRY) && !(flags & WF_STRICT_ORDER))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("window funnel mode allow_reentry requires strict_order"),
				 errdetail("The input has mode = '%s'.", text_to_cstring(mode)),
				 errhint("Write 'strict_order, allow_reentry'.")));
	pfree(s);
	return flags;
}

static void
wf_check_steps(int nsteps)
{
	if (nsteps < 1 || nsteps > WF_MAX_STEPS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a window funnel takes 1 to %d steps", WF_MAX_STEPS),
				 errdetail("The input has steps = %d.", nsteps),
				 errhint("Pass between 1 and %d steps.", WF_MAX_STEPS)));
}

static void
wf_append(WfState *state, MemoryContext ctx, int64 ts, uint32 mask)
{
	if (state->nevents >= state->capacity)
	{
		int32		newcap;

		if (state->nevents >= WF_MAX_EVENTS)
			abm_cap_exceeded("events", "window funnel group", WF_MAX_EVENTS,
							 "Group by a finer key, such as the account, or filter the rows first.");
		newcap = Min(Max(state->capacity * 2, 16), WF_MAX_EVENTS);
		if (state->events == NULL)
			state->events = MemoryContextAlloc(ctx, sizeof(WfEvent) * newcap);
		else
			state->events = repalloc(state->events, sizeof(WfEvent) * newcap);
		state->capacity = newcap;
	}
	if (state->sorted && state->nevents > 0)
	{
		WfEvent    *last = &state->events[state->nevents - 1];

		state->sorted = last->ts < ts || (last->ts == ts && last->mask <= mask);
	}
	state->events[state->nevents].ts = ts;
	state->events[state->nevents].mask = mask;
	state->nevents++;
}

/* A row whose window or mode differs from its group's first row. */
static void
wf_params_mismatch(const WfState *state, int64 window, text *mode)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("window and mode must be the same on every row of a window funnel group"),
			 window != state->window ?
			 errdetail("One row has window = %s, another window = %s.", abm_usecs_text(state->window),
					   abm_usecs_text(window)) :
			 errdetail("One row has mode = '%s', another mode = '%s'.",
					   text_to_cstring(state->mode_arg), text_to_cstring(mode)),
			 errhint("Pass constants, or values that depend only on the GROUP BY columns.")));
}

/*
 * Check a later row's window and mode against the group's: the same
 * microseconds, and the same mode bytes or, failing that, the same flags
 * ('strict_once,strict_order' is 'strict_order, strict_once').
 */
static void
wf_check_params(const WfState *state, int64 window, text *mode)
{
	if (window != state->window)
		wf_params_mismatch(state, window, mode);
	if (mode == NULL)
		return;
	if (VARSIZE_ANY_EXHDR(mode) == VARSIZE_ANY_EXHDR(state->mode_arg) &&
		memcmp(VARDATA_ANY(mode), VARDATA_ANY(state->mode_arg),
			   VARSIZE_ANY_EXHDR(mode)) == 0)
		return;
	if (wf_parse_modes(mode) != state->modes)
		wf_params_mismatch(state, window, mode);
}

/*
 * Shared transition: arguments are (state, window, [mode,] ts, steps) or,
 * with named steps, (state, window, [mode,] ts, event, step names).  Rows
 * with a NULL window, mode, timestamp or step array are skipped; NULL step
 * conditions count as false, as in ClickHouse, and so do a NULL event and a
 * NULL step name.
 */
static Datum
wf_trans(FunctionCallInfo fcinfo, int mode_arg, bool named)
{
	MemoryContext ctx = abm_agg_context(fcinfo, "abm_window_funnel_trans");
	WfState    *state = PG_ARGISNULL(0) ? NULL : (WfState *) PG_GETARG_POINTER(0);
	int			ts_arg = mode_arg + 1;
	int			steps_arg = named ? ts_arg + 2 : ts_arg + 1;
	int			nsteps = 0;
	TimestampTz ts;
	uint32		mask = 0;
	int64		window;
	text	   *mode;

	if (PG_ARGISNULL(1) || (mode_arg > 1 && PG_ARGISNULL(mode_arg)) ||
		PG_ARGISNULL(ts_arg) || PG_ARGISNULL(steps_arg))
	{
		if (state == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(state);
	}

	if (named)
		nsteps = state != NULL ? state->nsteps : abm_step_names_count(fcinfo, steps_arg);
	else
		mask = abm_bool_array_mask(PG_GETARG_DATUM(steps_arg), &nsteps);
	ts = PG_GETARG_TIMESTAMPTZ(ts_arg);
	window = abm_interval_usecs(PG_GETARG_INTERVAL_P(1), "window", false);
	mode = mode_arg > 1 ? PG_GETARG_TEXT_PP(mode_arg) : NULL;

	if (state == NULL)
	{
		if (window < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("window funnel window must not be negative"),
					 errdetail("The input has window = %s.",
							   DatumGetCString(DirectFunctionCall1(interval_out,
																   PG_GETARG_DATUM(1)))),
					 errhint("Pass an interval of zero or more, such as '7 days'.")));
		wf_check_steps(nsteps);
		state = MemoryContextAllocZero(ctx, sizeof(WfState));
		state->window = window;
		state->nsteps = nsteps;
		state->modes = mode != NULL ? wf_parse_modes(mode) : 0;
		state->sorted = true;
		if (mode != NULL)
		{
			state->mode_arg = MemoryContextAlloc(ctx, VARSIZE_ANY_EXHDR(mode) + VARHDRSZ);
			SET_VARSIZE(state->mode_arg, VARSIZE_ANY_EXHDR(mode) + VARHDRSZ);
			memcpy(VARDATA(state->mode_arg), VARDATA_ANY(mode), VARSIZE_ANY_EXHDR(mode));
		}
		if (named)
			state->names = abm_step_names_new(fcinfo, steps_arg, ctx);
	}
	else
	{
		if (named)
			abm_step_names_check(state->names, fcinfo, steps_arg, "a window funnel");
		else if (nsteps != state->nsteps)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("every row of a window funnel must have the same number of steps"),
					 errdetail("This row has steps = %d, earlier rows had %d.", nsteps, state->nsteps)));
		wf_check_params(state, window, mode);
	}

	abm_check_finite(ts, "timestamps of abm_window_funnel", NULL);

	if (named && !PG_ARGISNULL(ts_arg + 1))
	{
		text	   *event = PG_GETARG_TEXT_PP(ts_arg + 1);

		mask = (uint32) abm_step_names_mask(state->names, VARDATA_ANY(event),
											VARSIZE_ANY_EXHDR(event));
	}
	if (mask != 0 || (state->modes & WF_STRICT_ORDER))
		wf_append(state, ctx, ts, mask);
	PG_RETURN_POINTER(state);
}

Datum
abm_window_funnel_trans(PG_FUNCTION_ARGS)
{
	return wf_trans(fcinfo, 1, false);
}

Datum
abm_window_funnel_mode_trans(PG_FUNCTION_ARGS)
{
	return wf_trans(fcinfo, 2, false);
}

Datum
abm_window_funnel_names_trans(PG_FUNCTION_ARGS)
{
	return wf_trans(fcinfo, 1, true);
}

Datum
abm_window_funnel_names_mode_trans(PG_FUNCTION_ARGS)
{
	return wf_trans(fcinfo, 2, true);
}

Datum
abm_window_funnel_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = abm_agg_context(fcinfo, "abm_window_funnel_combine");
	WfState    *state = PG_ARGISNULL(0) ? NULL : (WfState *) PG_GETARG_POINTER(0);
	WfState    *other = (WfState *) PG_GETARG_POINTER(1);

	ABM_COMBINE_NULLS();
	if (state == NULL)
	{
		state = MemoryContextAllocZero(ctx, sizeof(WfState));
		state->window = other->window;
		state->nsteps = other->nsteps;
		state->modes = other->modes;
		state->sorted = true;
		/* a combined state takes no more rows: mode_arg stays NULL */
	}
	else if (state->window != other->window || state->nsteps != other->nsteps ||
			 state->modes != other->modes)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine window funnel states with different windows, modes or steps")));
	for (int i = 0; i < other->nevents; i++)
	{
		CHECK_FOR_INTERRUPTS();
		wf_append(state, ctx, other->events[i].ts, other->events[i].mask);
	}
	PG_RETURN_POINTER(state);
}

Datum
abm_window_funnel_serial(PG_FUNCTION_ARGS)
{
	WfState    *state = (WfState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	abm_write_begin(&buf, ABM_KIND_WINDOW_FUNNEL);
	pq_sendint64(&buf, state->window);
	pq_sendbyte(&buf, (uint8) state->nsteps);
	pq_sendbyte(&buf, (uint8) state->modes);
	pq_sendint32(&buf, state->nevents);
	for (int i = 0; i < state->nevents; i++)
	{
		CHECK_FOR_INTERRUPTS();
		pq_sendint64(&buf, state->events[i].ts);
		pq_sendint32(&buf, state->events[i].mask);
	}
	PG_RETURN_BYTEA_P(abm_write_end(&buf));
}

Datum
abm_window_funnel_deserial(PG_FUNCTION_ARGS)
{
	WfState    *state = palloc0(sizeof(WfState));
	AbmReader	r;
	uint32		valid_mask;
	uint32		mask;

	abm_read_begin_bytea(&r, PG_GETARG_BYTEA_PP(0), ABM_KIND_WINDOW_FUNNEL,
						 "window funnel state");
	state->window = abm_read_int64(&r);
	state->nsteps = abm_read_uint8(&r);
	state->modes = abm_read_uint8(&r);
	if (state->window < 0)
		abm_read_corrupt(&r, "The window is negative.");
	if (state->nsteps < 1 || state->nsteps > WF_MAX_STEPS)
		abm_read_corrupt(&r, "The step count is outside 1..32.");
	if ((state->modes & ~WF_ALL_MODES) != 0 ||
		((state->modes & WF_ALLOW_REENTRY) && !(state->modes & WF_STRICT_ORDER)))
		abm_read_corrupt(&r, "The mode flags are invalid.");
	valid_mask = state->nsteps == 32 ? PG_UINT32_MAX : (((uint32) 1 << state->nsteps) - 1);

	state->nevents = abm_read_count(&r, WF_MAX_EVENTS);
	state->capacity = Max(state->nevents, 1);
	state->events = palloc(sizeof(WfEvent) * state->capacity);
	state->sorted = true;
	for (int i = 0; i < state->nevents; i++)
	{
		int64		ts;

		CHECK_FOR_INTERRUPTS();
		ts = abm_read_int64(&r);
		mask = (uint32) abm_read_int32(&r);

		if (!IS_VALID_TIMESTAMP(ts))
			abm_read_corrupt(&r, "An event timestamp is out of range.");
		if ((mask & ~valid_mask) != 0 ||
			(mask == 0 && !(state->modes & WF_STRICT_ORDER)))
			abm_read_corrupt(&r, "An event step mask is invalid.");
		state->events[i].ts = ts;
		state->events[i].mask = mask;
		if (i > 0 && state->sorted)
		{
			WfEvent    *prev = &state->events[i - 1];

			state->sorted = prev->ts < ts || (prev->ts == ts && prev->mask <= mask);
		}
	}
	abm_read_end(&r);
	PG_RETURN_POINTER(state);
}

static int
wf_event_cmp(const void *a, const void *b)
{
	const WfEvent *x = (const WfEvent *) a;
	const WfEvent *y = (const WfEvent *) b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->mask != y->mask)
		return x->mask < y->mask ? -1 : 1;
	return 0;
}

/* Does t fall within window of first?  t >= first always (events sorted). */
static inline bool
wf_in_window(int64 first, int64 t, int64 window)
{
	return (uint64) t - (uint64) first <= (uint64) window;
}

/*
 * The walk.  Every level keeps chains that reached it, each with its start,
 * its last step's time and the rows it used.  By default a level keeps only
 * its latest chain (ClickHouse's getEventLevelNonStrictOnce, where a row may
 * serve several steps of one chain).  In strict_once mode a level keeps all
 * its chains, oldest first, and a chain never uses one row twice
 * (getEventLevelStrictOnce).  A chain takes 16 bytes plus 4 per step
 * (WF_SEQ_SIZE); the chains of all levels together are capped at
 * WF_MAX_CHAINS.
 */
typedef struct WfSeq
{
	int64		first;
	int64		last;
	uint32		rows[FLEXIBLE_ARRAY_MEMBER];	/* nsteps of them */
} WfSeq;

#define WF_SEQ_SIZE(nsteps) \
	MAXALIGN(offsetof(WfSeq, rows) + sizeof(uint32) * (nsteps))

typedef struct WfSeqList
{
	int			n;
	int			cap;
	char	   *items;			/* n chains of WF_SEQ_SIZE bytes */
} WfSeqList;

typedef struct WfWalk
{
	const WfState *state;
	bool		once;			/* strict_once: every chain of a level */
	WfSeqList  *lists;			/* one per level */
	Size		seq_size;
	int64		nchains;		/* chains kept over all levels */
	bool		has_first;		/* some row matched step 1 */
	bool		done;			/* the result is in out */
	WfChain    *out;
} WfWalk;

static inline WfSeq *
wf_seq_at(const WfWalk *w, const WfSeqList *list, int i)
{
	return (WfSeq *) (list->items + (Size) i * w->seq_size);
}

/*
 * Room for a new chain at level k: a new last chain in strict_once mode,
 * otherwise the level's one chain, which the new one replaces.
 */
static WfSeq *
wf_seq_new(WfWalk *w, int k)
{
	WfSeqList  *list = &w->lists[k];

	if (!w->once && list->n > 0)
		return wf_seq_at(w, list, 0);
	if (w->nchains >= WF_MAX_CHAINS)
		abm_cap_exceeded("open chains", "strict_once window funnel group",
						 WF_MAX_CHAINS,
						 "Shorten the window, make step 1 rarer, or drop strict_once: every step-2 row may continue every open step-1 chain.");
	if (list->n >= list->cap)
	{
		list->cap = Min(Max(list->cap * 2, w->once ? 4 : 1), WF_MAX_CHAINS);
		list->items = list->items ? repalloc(list->items, w->seq_size * list->cap)
			: palloc(w->seq_size * list->cap);
	}
	w->nchains++;
	return wf_seq_at(w, list, list->n++);
}

/*
 * End the walk: the level reached is the deepest with a chain (levels are
 * reached in order), its chain the latest one there.
 */
static void
wf_finish(WfWalk *w)
{
	WfSeqList  *lists = w->lists;
	int			nsteps = w->state->nsteps;
	int			level = 0;

	while (level < nsteps && lists[level].n > 0)
		level++;
	w->out->level = level;
	if (level > 0)
		memcpy(w->out->rows, wf_seq_at(w, &lists[level - 1], lists[level - 1].n - 1)->rows,
			   sizeof(uint32) * level);
	w->done = true;
}

/*
 * Process one (row, step) event: ev is the 0-based step, or -1 for a row
 * that matches no step (strict_order only).
 */
static void
wf_step(WfWalk *w, uint32 row, int64 t, int ev)
{
	const WfState *st = w->state;
	WfSeqList  *lists = w->lists;
	int			modes = st->modes;
	WfSeqList  *prev;
	int			kept = 0;
	int			n;

	if (ev < 0)
	{
		/* strict_order: a row matching no step ends the search */
		if (w->has_first)
			wf_finish(w);
		return;
	}
	if (ev == 0)
	{
		WfSeq	   *seq = wf_seq_new(w, 0);

		seq->first = seq->last = t;
		seq->rows[0] = row;
		w->has_first = true;
		if (st->nsteps == 1)
			wf_finish(w);
		return;
	}
	if ((modes & WF_STRICT_DEDUPLICATION) && lists[ev].n > 0)
	{
		wf_finish(w);
		return;
	}
	if ((modes & WF_STRICT_ORDER) && w->has_first && lists[ev - 1].n == 0)
	{
		if (!(modes & WF_ALLOW_REENTRY))
			wf_finish(w);
		return;
	}

	/* continue the chains of the level below */
	prev = &lists[ev - 1];
	n = prev->n;
	for (int i = 0; i < n; i++)
	{
		WfSeq	   *cur = wf_seq_at(w, prev, i);
		bool		matched = wf_in_window(cur->first, t, st->window);

		CHECK_FOR_INTERRUPTS();
		/* drop chains that fell out of the window, keeping at least one */
		if (!matched && kept + (n - i) > 1)
		{
			w->nchains--;
			continue;
		}
		if (w->once)
			for (int j = 0; matched && j < ev; j++)
				matched = cur->rows[j] != row;
		if (matched && (modes & WF_STRICT_INCREASE))
			matched = cur->last < t;
		if (matched)
		{
			/* another level's list: its growth never moves cur */
			WfSeq	   *seq = wf_seq_new(w, ev);

			seq->first = cur->first;
			seq->last = t;
			memcpy(seq->rows, cur->rows, sizeof(uint32) * ev);
			seq->rows[ev] = row;
			if (ev + 1 == st->nsteps)
			{
				/* the walk ends here: prev need not be compacted */
				wf_finish(w);
				return;
			}
		}
		if (kept < i)
			memcpy(wf_seq_at(w, prev, kept), cur, w->seq_size);
		kept++;
	}
	prev->n = kept;
}

/* Sorting in place: interrupts are checked between runs. */
#define ABM_SORT_NAME wf_sort_events
#define ABM_SORT_TYPE WfEvent
#define ABM_SORT_CMP(a, b) wf_event_cmp((a), (b))
#include "abm_sort.h"

/*
 * Walk the events in ClickHouse's order: by timestamp, then by step number
 * (rows matching no step first), then by row.  Rows are numbered by their
 * position after sorting, which is what strict_once compares.
 */
static void
wf_walk(WfState *state, WfChain *out)
{
	WfEvent    *e;
	int			n = state->nevents;
	WfWalk		w;

	out->level = 0;
	if (n == 0)
		return;
	if (!state->sorted)
	{
		/* reorders only; the state means the same multiset afterwards */
		wf_sort_events(state->events, n);
		state->sorted = true;
	}
	e = state->events;

	w.state = state;
	w.once = (state->modes & WF_STRICT_ONCE) != 0;
	w.lists = palloc0(sizeof(WfSeqList) * state->nsteps);
	w.seq_size = WF_SEQ_SIZE(state->nsteps);
	w.nchains = 0;
	w.has_first = false;
	w.done = false;
	w.out = out;

	for (int g = 0; g < n && !w.done;)
	{
		int			gend = g + 1;
		uint32		any = e[g].mask;

		CHECK_FOR_INTERRUPTS();
		while (gend < n && e[gend].ts == e[g].ts)
			any |= e[gend++].mask;

		/* rows matching no step sort first within their timestamp */
		for (int j = g; j < gend && e[j].mask == 0 && !w.done; j++)
			wf_step(&w, (uint32) j, e[j].ts, -1);
		while (any != 0 && !w.done)
		{
			int			s = pg_rightmost_one_pos32(any);

			any &= any - 1;
			for (int j = g; j < gend && !w.done; j++)
			{
				if (!(e[j].mask & ((uint32) 1 << s)))
					continue;
				CHECK_FOR_INTERRUPTS();
				wf_step(&w, (uint32) j, e[j].ts, s);
			}
		}
		g = gend;
	}
	if (!w.done)
		wf_finish(&w);

	for (int i = 0; i < state->nsteps; i++)
		if (w.lists[i].items)
			pfree(w.lists[i].items);
	pfree(w.lists);
}

Datum
abm_window_funnel_final(PG_FUNCTION_ARGS)
{
	WfChain		chain;

	if (PG_ARGISNULL(0))
		PG_RETURN_INT32(0);
	wf_walk((WfState *) PG_GETARG_POINTER(0), &chain);
	PG_RETURN_INT32(chain.level);
}

Datum
abm_window_funnel_times_final(PG_FUNCTION_ARGS)
{
	WfState    *state;
	WfChain		chain;
	Datum		times[WF_MAX_STEPS];

	if (PG_ARGISNULL(0))
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(TIMESTAMPTZOID));
	state = (WfState *) PG_GETARG_POINTER(0);
	wf_walk(state, &chain);
	for (int i = 0; i < chain.level; i++)
		times[i] = TimestampTzGetDatum(state->events[chain.rows[i]].ts);
	PG_RETURN_ARRAYTYPE_P(construct_array(times, chain.level, TIMESTAMPTZOID,
										  sizeof(TimestampTz), FLOAT8PASSBYVAL,
										  TYPALIGN_DOUBLE));
}
