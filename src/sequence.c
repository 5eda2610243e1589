/*-------------------------------------------------------------------------
 *
 * sequence.c
 *	  ClickHouse-compatible pattern matching over an account's events: the
 *	  aggregates abm_sequence_match (does the pattern occur), abm_sequence_count
 *	  (how many non-overlapping times) and abm_sequence_match_events (the
 *	  timestamps of the longest chain the pattern matches).
 *
 * The pattern language and the search are ClickHouse's sequenceMatch,
 * sequenceCount and sequenceMatchEvents (AggregateFunctionSequenceMatch):
 *
 *	(?N)		 one event meeting condition N (1 .. 32)
 *	.			 one event, whatever conditions it meets
 *	.*			 any number of events
 *	(?t op S)	 the next matched event is S seconds or less/more/exactly
 *				 after the previous one (op: <, <=, >, >=, ==), written
 *				 without spaces: (?t<=3600); any events may lie between
 *
 * Only rows meeting at least one condition are events; the others are not
 * kept and never match "." or break "(?1)(?2)".  A pattern is implicitly
 * preceded by ".*" (a match may start at any event) and need not reach the
 * last event.  One event meeting several conditions is one event: it can
 * stand for any one of them, but it takes one place of the chain.  Events
 * are ordered by timestamp, and events with equal timestamps by their
 * condition bitmask, lowest first (ClickHouse leaves that order undefined).
 *
 * The search, as in ClickHouse: a pattern without time conditions is matched
 * by a DFA walk (linear in the events); patterns with time conditions, the
 * count and the events by a backtracking search that gives up (SQLSTATE
 * 54000) after 1 000 000 steps per match it looks for, ClickHouse's own
 * bound.  sequenceCount's matches do not overlap: each search starts after
 * the last event of the previous match.
 *
 * The pattern is parsed once per group, on its first row (and once more
 * where a parallel worker's state is read back); every row must pass the
 * same pattern and the same number of conditions.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "events.h"
#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(abm_sequence_trans);
PG_FUNCTION_INFO_V1(abm_sequence_combine);
PG_FUNCTION_INFO_V1(abm_sequence_serial);
PG_FUNCTION_INFO_V1(abm_sequence_deserial);
PG_FUNCTION_INFO_V1(abm_sequence_match_final);
PG_FUNCTION_INFO_V1(abm_sequence_count_final);
PG_FUNCTION_INFO_V1(abm_sequence_match_events_final);

#define SEQ_MAX_CONDS		32
#define SEQ_MAX_PATTERN		1024	/* bytes */
#define SEQ_MAX_ITERATIONS	1000000
#define SEQ_MAX_SECONDS		(PG_INT64_MAX / USECS_PER_SEC)

typedef enum SeqActionType
{
	SEQ_EVENT,					/* (?N) */
	SEQ_ANY,					/* . */
	SEQ_STAR,					/* .* */
	SEQ_TIME_LE,				/* (?t<=S) */
	SEQ_TIME_LT,				/* (?t<S) */
	SEQ_TIME_GE,				/* (?t>=S) */
	SEQ_TIME_GT,				/* (?t>S) */
	SEQ_TIME_EQ					/* (?t==S) */
} SeqActionType;

typedef struct SeqAction
{
	SeqActionType type;
	uint32		bit;			/* SEQ_EVENT: the condition's bit */
	uint64		usecs;			/* time conditions: S seconds in microseconds */
} SeqAction;

/* A state of the DFA walk: ClickHouse's DFAState. */
typedef enum SeqDfaMove
{
	SEQ_DFA_NONE,
	SEQ_DFA_EVENT,
	SEQ_DFA_ANY
} SeqDfaMove;

typedef struct SeqDfaState
{
	bool		star;			/* may stay here on any event */
	SeqDfaMove	move;			/* how to go on to the next state */
	uint32		bit;
} SeqDfaState;

typedef struct SeqPattern
{
	int			nactions;
	SeqAction  *actions;		/* actions[0] is the implicit leading .* */
	int			ndfa;
	SeqDfaState *dfa;
	uint32		conds;			/* conditions the pattern names */
	bool		has_time;
	int			nevents;		/* (?N) elements: the longest possible chain */
} SeqPattern;

typedef struct SeqState
{
	int32		nconds;
	int32		patlen;
	char	   *pattern;		/* the pattern text, as passed */
	SeqPattern	compiled;
	AbmEventList events;
} SeqState;

/* A parse failure: what is wrong, and at which byte (0-based). */
typedef struct SeqParseError
{
	char		msg[160];
	int			pos;
} SeqParseError;

static bool
seq_fail(SeqParseError *err, int pos, const char *fmt,...) pg_attribute_printf(3, 4);

static bool
seq_fail(SeqParseError *err, int pos, const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, args);
	va_end(args);
	err->pos = pos;
	return false;
}

/* Reads decimal digits at s[*pos]; false when there are none. */
static bool
seq_read_number(const char *s, int len, int *pos, uint64 limit, uint64 *value,
				bool *too_large)
{
	int			start = *pos;
	uint64		v = 0;

	*too_large = false;
	while (*pos < len && s[*pos] >= '0' && s[*pos] <= '9')
	{
		if (v <= limit)
			v = v * 10 + (uint64) (s[*pos] - '0');
		(*pos)++;
	}
	if (v > limit)
		*too_large = true;
	*value = v;
	return *pos > start;
}

static bool
seq_match_text(const char *s, int len, int *pos, const char *word)
{
	int			n = (int) strlen(word);

	if (*pos + n <= len && memcmp(s + *pos, word, n) == 0)
	{
		*pos += n;
		return true;
	}
	return false;
}

/*
 * Parse a pattern for nconds conditions into out, as ClickHouse's
 * parsePattern does; false with err set when it is malformed.  Every
 * element takes at least one byte: out->actions and out->dfa must have
 * room for len + 1 entries.
 */
static bool
seq_parse(const char *s, int len, int nconds, SeqPattern *out, SeqParseError *err)
{
	int			pos = 0;
	int			na = 1;
	int			nd = 1;

	out->conds = 0;
	out->has_time = false;
	out->nevents = 0;
	out->actions[0].type = SEQ_STAR;
	out->actions[0].bit = 0;
	out->actions[0].usecs = 0;
	out->dfa[0].star = true;
	out->dfa[0].move = SEQ_DFA_NONE;
	out->dfa[0].bit = 0;

	while (pos < len)
	{
		int			start = pos;
		SeqAction  *a = &out->actions[na];

		a->bit = 0;
		a->usecs = 0;
		if (seq_match_text(s, len, &pos, "(?"))
		{
			uint64		number;
			bool		too_large;

			if (seq_match_text(s, len, &pos, "t"))
			{
				SeqActionType prev = out->actions[na - 1].type;

				if (seq_match_text(s, len, &pos, "<="))
					a->type = SEQ_TIME_LE;
				else if (seq_match_text(s, len, &pos, "<"))
					a->type = SEQ_TIME_LT;
				else if (seq_match_text(s, len, &pos, ">="))
					a->type = SEQ_TIME_GE;
				else if (seq_match_text(s, len, &pos, ">"))
					a->type = SEQ_TIME_GT;
				else if (seq_match_text(s, len, &pos, "=="))
					a->type = SEQ_TIME_EQ;
				else
					return seq_fail(err, pos, "expected <, <=, >, >= or == after \"(?t\"");
				if (!seq_read_number(s, len, &pos, SEQ_MAX_SECONDS, &number, &too_large))
					return seq_fail(err, pos, "expected a number of seconds");
				if (too_large)
					return seq_fail(err, start, "a time condition of more than " INT64_FORMAT " seconds is out of range",
									(int64) SEQ_MAX_SECONDS);
				if (prev != SEQ_EVENT && prev != SEQ_ANY && prev != SEQ_STAR)
					return seq_fail(err, start, "a time condition must follow a condition, \".\" or \".*\", not another time condition");
				a->usecs = number * USECS_PER_SEC;
				out->has_time = true;
			}
			else
			{
				int			digits = pos;

				if (!seq_read_number(s, len, &pos, 1000, &number, &too_large))
					return seq_fail(err, pos, "expected a condition number or \"t\" after \"(?\"");
				if (number < 1 || number > (uint64) nconds)
					return seq_fail(err, start, "condition %s does not exist (%d condition%s given)",
									pnstrdup(s + digits, pos - digits),
									nconds, nconds == 1 ? " is" : "s are");
				a->type = SEQ_EVENT;
				a->bit = (uint32) 1 << (number - 1);
				out->conds |= a->bit;
				out->nevents++;
				out->dfa[nd - 1].move = SEQ_DFA_EVENT;
				out->dfa[nd - 1].bit = a->bit;
				out->dfa[nd].star = false;
				out->dfa[nd].move = SEQ_DFA_NONE;
				out->dfa[nd].bit = 0;
				nd++;
			}
			if (!seq_match_text(s, len, &pos, ")"))
				return seq_fail(err, pos, "expected \")\"");
		}
		else if (seq_match_text(s, len, &pos, ".*"))
		{
			a->type = SEQ_STAR;
			out->dfa[nd - 1].star = true;
		}
		else if (seq_match_text(s, len, &pos, "."))
		{
			a->type = SEQ_ANY;
			out->dfa[nd - 1].move = SEQ_DFA_ANY;
			out->dfa[nd].star = false;
			out->dfa[nd].move = SEQ_DFA_NONE;
			out->dfa[nd].bit = 0;
			nd++;
		}
		else if (s[pos] > ' ' && s[pos] < 127)
			return seq_fail(err, pos, "unexpected \"%c\"", s[pos]);
		else if (s[pos] == ' ')
			return seq_fail(err, pos, "unexpected space");
		else
			return seq_fail(err, pos, "unexpected byte 0x%02x", (unsigned char) s[pos]);
		na++;
	}
	out->nactions = na;
	out->ndfa = nd;
	return true;
}

static void
seq_check_nconds(int n)
{
	if (n < 1 || n > SEQ_MAX_CONDS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a sequence pattern takes 1 to %d conditions", SEQ_MAX_CONDS),
				 errdetail("The input has %d conditions.", n),
				 errhint("Pass between 1 and %d conditions.", SEQ_MAX_CONDS)));
}

/*
 * A state is one allocation: the struct, the pattern text, then the
 * compiled actions and DFA states (len + 1 entries each), so that a state
 * costs one palloc and a copy one memcpy.
 */
#define SEQ_TEXT_OFF		MAXALIGN(sizeof(SeqState))
#define SEQ_ACTIONS_OFF(len)	(SEQ_TEXT_OFF + MAXALIGN((len) + 1))
#define SEQ_DFA_OFF(len)	(SEQ_ACTIONS_OFF(len) + MAXALIGN(sizeof(SeqAction) * ((len) + 1)))
#define SEQ_STATE_SIZE(len)	(SEQ_DFA_OFF(len) + sizeof(SeqDfaState) * ((len) + 1))

/* Point the pattern and compiled arrays of state at its own allocation. */
static void
seq_state_link(SeqState *state)
{
	char	   *base = (char *) state;

	state->pattern = base + SEQ_TEXT_OFF;
	state->compiled.actions = (SeqAction *) (base + SEQ_ACTIONS_OFF(state->patlen));
	state->compiled.dfa = (SeqDfaState *) (base + SEQ_DFA_OFF(state->patlen));
}

/* A new state for pattern s (len bytes) and nconds conditions, or errors. */
static SeqState *
seq_state_new(MemoryContext ctx, const char *s, int len, int nconds,
			  bool from_state)
{
	SeqState   *state;
	SeqParseError err;

	if (len > SEQ_MAX_PATTERN)
	{
		if (from_state)
			abm_corrupt("sequence state",
						psprintf("The pattern is longer than %d bytes.", SEQ_MAX_PATTERN));
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("sequence pattern is too long"),
				 errdetail("The pattern has %d bytes; at most %d are allowed.", len, SEQ_MAX_PATTERN),
				 errhint("Shorten the pattern: \".*\" between elements can often replace several \".\".")));
	}
	state = MemoryContextAlloc(ctx, SEQ_STATE_SIZE(len));
	state->nconds = nconds;
	state->patlen = len;
	seq_state_link(state);
	memcpy(state->pattern, s, len);
	state->pattern[len] = '\0';
	if (!seq_parse(state->pattern, len, nconds, &state->compiled, &err))
	{
		if (from_state)
			abm_corrupt("sequence state",
						psprintf("The pattern does not parse: %s.", err.msg));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid sequence pattern: %s at position %d", err.msg, err.pos + 1),
				 errdetail("The input has pattern = '%s'.", state->pattern),
				 errhint("Write conditions as (?N) with N from 1 to %d, \".\", \".*\" or (?t<=3600), with no spaces.",
						 nconds)));
	}
	abm_events_init(&state->events);
	return state;
}

/* A new state in ctx with other's pattern, already parsed, and no events. */
static SeqState *
seq_state_copy(MemoryContext ctx, const SeqState *other)
{
	SeqState   *state = MemoryContextAlloc(ctx, SEQ_STATE_SIZE(other->patlen));

	memcpy(state, other, SEQ_STATE_SIZE(other->patlen));
	seq_state_link(state);
	abm_events_init(&state->events);
	return state;
}

static void
seq_check_same(const SeqState *state, const char *s, int len, int nconds)
{
	if (nconds != state->nconds)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("every row of a sequence aggregate must have the same number of conditions"),
				 errdetail("This row has %d conditions, earlier rows had %d.", nconds, state->nconds)));
	if (len != state->patlen || memcmp(s, state->pattern, len) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("every row of a sequence aggregate must have the same pattern"),
				 errdetail("This row has pattern = '%s', earlier rows had '%s'.",
						   pnstrdup(s, len), state->pattern),
				 errhint("Pass the pattern as a constant.")));
}

/*
 * Transition of all three aggregates: (state, pattern, ts, conditions).
 * Rows with a NULL pattern, timestamp or condition array are skipped; NULL
 * conditions count as false.  Rows meeting no condition are not kept.
 */
Datum
abm_sequence_trans(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = abm_agg_context(fcinfo, "abm_sequence_trans");
	SeqState   *state = PG_ARGISNULL(0) ? NULL : (SeqState *) PG_GETARG_POINTER(0);
	text	   *pattern;
	int			nconds;
	uint32		mask;
	int64		ts;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		if (state == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(state);
	}
	pattern = PG_GETARG_TEXT_PP(1);
	mask = abm_bool_array_mask(PG_GETARG_DATUM(3), &nconds);
	if (state == NULL)
	{
		seq_check_nconds(nconds);
		state = seq_state_new(ctx, VARDATA_ANY(pattern), VARSIZE_ANY_EXHDR(pattern),
							  nconds, false);
	}
	else
		seq_check_same(state, VARDATA_ANY(pattern), VARSIZE_ANY_EXHDR(pattern), nconds);
	ts = PG_GETARG_TIMESTAMPTZ(2);
	abm_check_finite(ts, "timestamps of a sequence aggregate", NULL);
	if (mask != 0)
		abm_events_add(&state->events, ctx, ts, mask, "a sequence aggregate");
	PG_RETURN_POINTER(state);
}

Datum
abm_sequence_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = abm_agg_context(fcinfo, "abm_sequence_combine");
	SeqState   *state = PG_ARGISNULL(0) ? NULL : (SeqState *) PG_GETARG_POINTER(0);
	SeqState   *other = (SeqState *) PG_GETARG_POINTER(1);

	ABM_COMBINE_NULLS();
	if (state == NULL)
		state = seq_state_copy(ctx, other);
	else
		seq_check_same(state, other->pattern, other->patlen, other->nconds);
	abm_events_add_all(&state->events, ctx, &other->events, "a sequence aggregate");
	PG_RETURN_POINTER(state);
}

Datum
abm_sequence_serial(PG_FUNCTION_ARGS)
{
	SeqState   *state = (SeqState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	/*
	 * Sort here, in the parallel worker (it reorders only): the leader then
	 * merges sorted lists and its final function has nothing to sort.
	 */
	abm_events_sort(&state->events);
	abm_write_begin(&buf, ABM_KIND_SEQUENCE);
	pq_sendbyte(&buf, (uint8) state->nconds);
	pq_sendint32(&buf, state->patlen);
	pq_sendbytes(&buf, state->pattern, state->patlen);
	abm_events_write(&buf, &state->events);
	PG_RETURN_BYTEA_P(abm_write_end(&buf));
}

Datum
abm_sequence_deserial(PG_FUNCTION_ARGS)
{
	AbmReader	r;
	int			nconds;
	int			patlen;
	const char *pattern;
	SeqState   *state;

	abm_read_begin_bytea(&r, PG_GETARG_BYTEA_PP(0), ABM_KIND_SEQUENCE, "sequence state");
	nconds = abm_read_uint8(&r);
	if (nconds < 1 || nconds > SEQ_MAX_CONDS)
		abm_corrupt("sequence state",
					psprintf("The condition count is outside 1..%d.", SEQ_MAX_CONDS));
	patlen = abm_read_count(&r, SEQ_MAX_PATTERN);
	pattern = abm_read_bytes(&r, patlen);
	state = seq_state_new(CurrentMemoryContext, pattern, patlen, nconds, true);
	abm_events_read(&r, &state->events,
					nconds == 32 ? PG_UINT32_MAX : (((uint32) 1 << nconds) - 1));
	abm_read_end(&r);
	PG_RETURN_POINTER(state);
}

/* ClickHouse's dfaMatch: does the pattern (without time conditions) occur? */
static bool
seq_dfa_match(const SeqPattern *p, const AbmEventList *events)
{
	bool		local[2 * 64];
	bool	   *active = p->ndfa <= 64 ? local : palloc(sizeof(bool) * p->ndfa);
	bool	   *next = p->ndfa <= 64 ? local + 64 : palloc(sizeof(bool) * p->ndfa);
	int			last = p->ndfa - 1;
	int			n_active = 1;
	bool		result;

	memset(active, 0, sizeof(bool) * p->ndfa);
	active[0] = true;
	for (int32 e = 0; e < events->n && n_active > 0 && !active[last]; e++)
	{
		uint32		mask = events->items[e].mask;
		bool	   *swap;

		CHECK_FOR_INTERRUPTS();
		n_active = 0;
		memset(next, 0, sizeof(bool) * p->ndfa);
		for (int s = 0; s < p->ndfa; s++)
		{
			if (!active[s])
				continue;
			if (p->dfa[s].move == SEQ_DFA_ANY ||
				(p->dfa[s].move == SEQ_DFA_EVENT && (mask & p->dfa[s].bit)))
			{
				next[s + 1] = true;
				n_active++;
			}
			if (p->dfa[s].star)
			{
				next[s] = true;
				n_active++;
			}
		}
		swap = active;
		active = next;
		next = swap;
	}
	result = active[last];
	if (p->ndfa > 64)
	{
		pfree(active);
		pfree(next);
	}
	return result;
}

/* A place to come back to: ClickHouse's backtrack_info, plus the chain length. */
typedef struct SeqFrame
{
	int32		action;
	int32		event;
	int32		base;
	int32		depth;
} SeqFrame;

typedef struct SeqStack
{
	int32		n;
	int32		cap;
	SeqFrame   *frames;
} SeqStack;

static inline void
seq_push(SeqStack *st, int32 action, int32 event, int32 base, int32 depth)
{
	if (st->n >= st->cap)
	{
		st->cap = Max(st->cap * 2, 64);
		st->frames = st->frames ? repalloc_huge(st->frames, sizeof(SeqFrame) * st->cap)
			: palloc(sizeof(SeqFrame) * st->cap);
	}
	st->frames[st->n].action = action;
	st->frames[st->n].event = event;
	st->frames[st->n].base = base;
	st->frames[st->n].depth = depth;
	st->n++;
}

/* The (?N) events of the longest chain found so far (abm_sequence_match_events). */
typedef struct SeqChain
{
	int32		depth;			/* events of the chain being tried */
	int32		best;			/* events of the longest chain */
	int64	   *cur;
	int64	   *longest;
} SeqChain;

static void
seq_too_slow(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("sequence pattern search exceeded %d steps", SEQ_MAX_ITERATIONS),
			 errdetail("A search for one match may take at most %d steps, as in ClickHouse.",
					   SEQ_MAX_ITERATIONS),
			 errhint("Make the pattern more specific (fewer \".*\" and time conditions), or group by a finer key.")));
}

/*
 * ClickHouse's backtrackingMatch: search for one match starting at event
 * *pos; on return *pos is past the last event of the match (at least one
 * past where the search began).  chain, when given, records the (?N)
 * events of the longest chain tried.
 */
static bool
seq_backtrack(const SeqPattern *p, const AbmEventList *events, int32 *pos,
			  SeqStack *st, SeqChain *chain)
{
	const AbmEvent *ev = events->items;
	int32		n = events->n;
	int32		a = 0;
	int32		e = *pos;
	int32		begin = e;
	int32		base = e;
	int32		depth = 0;
	int64		steps = 0;

	st->n = 0;
	while (a < p->nactions && e < n)
	{
		const SeqAction *act = &p->actions[a];
		bool		ok;
		bool		skip_on_fail = false;

		switch (act->type)
		{
			case SEQ_EVENT:
				ok = (ev[e].mask & act->bit) != 0;
				if (ok)
				{
					if (chain)
					{
						chain->cur[depth] = ev[e].ts;
						if (depth + 1 > chain->best)
						{
							chain->best = depth + 1;
							memcpy(chain->longest, chain->cur, sizeof(int64) * (depth + 1));
						}
					}
					depth++;
					base = e;
					a++;
					e++;
				}
				break;
			case SEQ_ANY:
				ok = true;
				base = e;
				a++;
				e++;
				break;
			case SEQ_STAR:
				ok = true;
				seq_push(st, a, e, base, depth);
				base = e;
				a++;
				break;
			default:
				{
					/* events are sorted: ev[e].ts >= ev[base].ts */
					uint64		gap = (uint64) ev[e].ts - (uint64) ev[base].ts;

					switch (act->type)
					{
						case SEQ_TIME_LE:
							ok = gap <= act->usecs;
							break;
						case SEQ_TIME_LT:
							ok = gap < act->usecs;
							break;
						case SEQ_TIME_GE:
							ok = gap >= act->usecs;
							skip_on_fail = true;
							break;
						case SEQ_TIME_GT:
							ok = gap > act->usecs;
							skip_on_fail = true;
							break;
						default:
							ok = gap == act->usecs;
							skip_on_fail = true;
							break;
					}
					if (ok)
					{
						seq_push(st, a, e, base, depth);
						base = e;
						a++;
					}
				}
				break;
		}
		if (!ok)
		{
			bool		resumed = false;

			/* >=, > and ==: try the same condition at the next event first */
			if (skip_on_fail && ++e < n)
				resumed = true;
			while (!resumed && st->n > 0)
			{
				SeqFrame   *f = &st->frames[--st->n];

				a = f->action;
				e = f->event + 1;
				base = f->base;
				depth = f->depth;
				if (e != n)
					resumed = true;
			}
			if (!resumed)
				break;
		}
		if (++steps > SEQ_MAX_ITERATIONS)
			seq_too_slow();
		if ((steps & 0xFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}

	/* what is left of the pattern may match nothing */
	while (a < p->nactions &&
		   (p->actions[a].type == SEQ_STAR || p->actions[a].type == SEQ_TIME_LE ||
			p->actions[a].type == SEQ_TIME_LT ||
			(p->actions[a].type == SEQ_TIME_GE && p->actions[a].usecs == 0)))
		a++;
	if (e == begin)
		e++;
	*pos = e;
	if (chain)
		chain->depth = depth;
	return a == p->nactions;
}

/* The state, its events sorted, or NULL. */
static SeqState *
seq_final_state(FunctionCallInfo fcinfo)
{
	SeqState   *state;

	if (PG_ARGISNULL(0))
		return NULL;
	state = (SeqState *) PG_GETARG_POINTER(0);
	abm_events_sort(&state->events);
	return state;
}

Datum
abm_sequence_match_final(PG_FUNCTION_ARGS)
{
	SeqState   *state = seq_final_state(fcinfo);
	const SeqPattern *p;
	SeqStack	st = {0, 0, NULL};
	int32		pos = 0;

	if (state == NULL)
		PG_RETURN_NULL();
	p = &state->compiled;
	/* a condition the pattern names never held: no match */
	if ((p->conds & state->events.seen) != p->conds)
		PG_RETURN_BOOL(false);
	if (!p->has_time)
		PG_RETURN_BOOL(seq_dfa_match(p, &state->events));
	PG_RETURN_BOOL(seq_backtrack(p, &state->events, &pos, &st, NULL));
}

Datum
abm_sequence_count_final(PG_FUNCTION_ARGS)
{
	SeqState   *state = seq_final_state(fcinfo);
	const SeqPattern *p;
	SeqStack	st = {0, 0, NULL};
	int32		pos = 0;
	int64		count = 0;

	if (state == NULL)
		PG_RETURN_INT64(0);
	p = &state->compiled;
	if ((p->conds & state->events.seen) != p->conds)
		PG_RETURN_INT64(0);
	while (pos < state->events.n && seq_backtrack(p, &state->events, &pos, &st, NULL))
	{
		/* each search may be short: look at interrupts between them too */
		ABM_INTERRUPTS_EVERY(count);
		count++;
	}
	PG_RETURN_INT64(count);
}

Datum
abm_sequence_match_events_final(PG_FUNCTION_ARGS)
{
	SeqState   *state = seq_final_state(fcinfo);
	SeqStack	st = {0, 0, NULL};
	SeqChain	chain;
	int32		pos = 0;
	Datum	   *times;

	if (state == NULL)
		PG_RETURN_NULL();
	chain.depth = 0;
	chain.best = 0;
	chain.cur = palloc(sizeof(int64) * (state->compiled.nevents + 1));
	chain.longest = palloc(sizeof(int64) * (state->compiled.nevents + 1));
	if (seq_backtrack(&state->compiled, &state->events, &pos, &st, &chain))
	{
		/* a match: its own events, even if a partial chain was as long */
		chain.best = chain.depth;
		memcpy(chain.longest, chain.cur, sizeof(int64) * chain.depth);
	}
	times = palloc(sizeof(Datum) * (chain.best + 1));
	for (int i = 0; i < chain.best; i++)
		times[i] = TimestampTzGetDatum(chain.longest[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(times, chain.best, TIMESTAMPTZOID,
										  sizeof(TimestampTz), FLOAT8PASSBYVAL,
										  TYPALIGN_DOUBLE));
}
