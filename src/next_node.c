/*-------------------------------------------------------------------------
 *
 * next_node.c
 *	  ClickHouse-compatible sequenceNextNode: the aggregate
 *	  abm_sequence_next_node(direction, base, ts, value, base_cond,
 *	  VARIADIC event_conds) gives the value of the event that follows (or,
 *	  backward, precedes) a chain of events meeting event_conds in order,
 *	  the chain starting at a base point.
 *
 * As in ClickHouse (AggregateFunctionSequenceNextNode), every row with a
 * value is a node; nodes are ordered by timestamp, then by the value's
 * bytes.  The base point is the first node (head, forward only), the last
 * (tail, backward only), or the first or last node meeting event 1
 * (first_match, last_match); it must also meet base_cond.  From the base,
 * the k-th node forward (backward) must meet event k + 1 for k = 0 ..
 * events - 1, and the node after them is the result; NULL when a node does
 * not match or there is none.
 *
 * Beyond ClickHouse: nodes equal in timestamp and value are further ordered
 * by their conditions, so the order (and the result) never depends on the
 * order rows arrive in; head and tail keep only the events + 1 nodes they
 * can ever need, so their state is bounded whatever the group's size.
 * Rows with a NULL timestamp or value are skipped (ClickHouse skips rows
 * with any NULL); NULL conditions count as false.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "events.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "utils/array.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(abm_sequence_next_node_trans);
PG_FUNCTION_INFO_V1(abm_sequence_next_node_combine);
PG_FUNCTION_INFO_V1(abm_sequence_next_node_serial);
PG_FUNCTION_INFO_V1(abm_sequence_next_node_deserial);
PG_FUNCTION_INFO_V1(abm_sequence_next_node_final);

#define NN_MAX_CONDS	64
/* Bytes of distinct values one group may keep. */
#define NN_MAX_BYTES	((int64) 256 * 1024 * 1024)

typedef enum NnDirection
{
	NN_FORWARD,
	NN_BACKWARD
} NnDirection;

typedef enum NnBase
{
	NN_HEAD,
	NN_TAIL,
	NN_FIRST_MATCH,
	NN_LAST_MATCH
} NnBase;

static const char *const nn_direction_names[] = {"forward", "backward"};
static const char *const nn_base_names[] = {"head", "tail", "first_match", "last_match"};

typedef struct NnNode
{
	int64		ts;
	uint64		mask;			/* bit k: the node meets event k + 1 */
	int32		val;			/* the value: its number in NnState.values */
	bool		base;			/* the node meets base_cond */
} NnNode;

typedef struct NnState
{
	NnDirection direction;
	NnBase		base;
	int32		nconds;
	bool		sorted;
	int32		n;
	int32		cap;
	NnNode	   *nodes;
	AbmNames	values;			/* distinct values, each stored once */
} NnState;

/* head and tail keep only the first or last nconds + 1 nodes */
#define NN_BOUNDED(s)	((s)->base == NN_HEAD || (s)->base == NN_TAIL)

/* ClickHouse's order (time, value by bytes), then conditions and base flag. */
static int
nn_cmp(const NnNode *a, const AbmNames *av, const NnNode *b, const AbmNames *bv)
{
	int			c;

	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	c = abm_names_cmp(av, a->val, bv, b->val);
	if (c != 0)
		return c;
	if (a->mask != b->mask)
		return a->mask < b->mask ? -1 : 1;
	if (a->base != b->base)
		return a->base ? 1 : -1;
	return 0;
}

/* The same order with the values' ranks (abm_names_ranks) precomputed. */
static inline int
nn_rank_cmp(const NnNode *a, const NnNode *b, int32 *rank)
{
	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	if (rank[a->val] != rank[b->val])
		return rank[a->val] < rank[b->val] ? -1 : 1;
	if (a->mask != b->mask)
		return a->mask < b->mask ? -1 : 1;
	if (a->base != b->base)
		return a->base ? 1 : -1;
	return 0;
}

#define ABM_SORT_NAME nn_sort
#define ABM_SORT_TYPE NnNode
#define ABM_SORT_ARG_TYPE int32
#define ABM_SORT_CMP(a, b, rank) nn_rank_cmp(a, b, rank)
#include "abm_sort.h"

/* The index of t among names, without copying it; -1 when none. */
static int
nn_find_name(text *t, const char *const *names, int nnames)
{
	const char *v = VARDATA_ANY(t);
	Size		len = VARSIZE_ANY_EXHDR(t);

	for (int i = 0; i < nnames; i++)
		if (strlen(names[i]) == len && memcmp(v, names[i], len) == 0)
			return i;
	return -1;
}

static int
nn_parse_name(text *t, const char *const *names, int nnames, const char *what,
			  const char *hint)
{
	int			i = nn_find_name(t, names, nnames);
	char	   *s;

	if (i >= 0)
		return i;
	s = text_to_cstring(t);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown sequence next node %s \"%s\"", what, s),
			 errdetail("The input has %s = '%s'.", what, s),
			 errhint("%s", hint)));
	return -1;
}

static void
nn_check_setup(NnDirection direction, NnBase base, int nconds)
{
	if ((base == NN_HEAD && direction == NN_BACKWARD) ||
		(base == NN_TAIL && direction == NN_FORWARD))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sequence next node base %s cannot go %s",
						nn_base_names[base], nn_direction_names[direction]),
				 errdetail("The input has direction = '%s', base = '%s'.",
						   nn_direction_names[direction], nn_base_names[base]),
				 errhint("Use head with forward and tail with backward; first_match and last_match go either way.")));
	if (nconds > NN_MAX_CONDS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("abm_sequence_next_node takes at most %d event conditions", NN_MAX_CONDS),
				 errdetail("The input has %d event conditions.", nconds),
				 errhint("Pass at most %d event conditions.", NN_MAX_CONDS)));
	if (nconds < 1 && (base == NN_FIRST_MATCH || base == NN_LAST_MATCH))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sequence next node base %s needs at least one event condition",
						nn_base_names[base]),
				 errdetail("The input has base = '%s' and no event conditions.", nn_base_names[base]),
				 errhint("Pass the condition of the base event as the first event condition.")));
}

static NnState *
nn_state_new(MemoryContext ctx, NnDirection direction, NnBase base, int nconds)
{
	NnState    *s = MemoryContextAllocZero(ctx, sizeof(NnState));

	s->direction = direction;
	s->base = base;
	s->nconds = nconds;
	s->sorted = true;
	abm_names_init(&s->values, ctx, ABM_MAX_EVENTS, NN_MAX_BYTES,
				   "abm_sequence_next_node", "distinct values");
	return s;
}

static void
nn_reserve(NnState *s, MemoryContext ctx, int64 want)
{
	int32		newcap;

	if (want <= s->cap)
		return;
	if (want > ABM_MAX_EVENTS)
		abm_events_too_many("abm_sequence_next_node", "nodes", ABM_MAX_EVENTS);
	newcap = (int32) Min(Max(Max(want, (int64) s->cap * 2), 8), ABM_MAX_EVENTS);
	s->nodes = s->nodes ? repalloc_huge(s->nodes, sizeof(NnNode) * newcap)
		: MemoryContextAllocHuge(ctx, sizeof(NnNode) * newcap);
	s->cap = newcap;
}

/*
 * head and tail: when the values no longer kept outnumber the kept ones,
 * keep only the values of the kept nodes, so the state stays small however
 * many distinct values pass through.
 */
static void
nn_compact(NnState *s, MemoryContext ctx)
{
	AbmNames	values;

	if (s->values.n <= 4 * (s->nconds + 1) + 64)
		return;
	abm_names_init(&values, ctx, ABM_MAX_EVENTS, NN_MAX_BYTES,
				   "abm_sequence_next_node", "distinct values");
	for (int32 i = 0; i < s->n; i++)
		s->nodes[i].val = abm_names_intern(&values, ctx, ABM_NAME(&s->values, s->nodes[i].val),
										   s->values.len[s->nodes[i].val]);
	abm_names_free(&s->values);
	s->values = values;
}

/*
 * Add a node whose value is number val of values (which may be another
 * state's).  head and tail keep the nodes sorted and only the nconds + 1
 * first (head) or last (tail) of them; first_match and last_match keep all.
 */
static void
nn_add(NnState *s, MemoryContext ctx, int64 ts, uint64 mask, bool base,
	   const AbmNames *values, int32 val)
{
	NnNode		node;

	node.ts = ts;
	node.mask = mask;
	node.base = base;
	node.val = val;

	if (NN_BOUNDED(s))
	{
		int32		keep = s->nconds + 1;
		int32		at;

		if (s->n == keep)
		{
			const NnNode *edge = s->base == NN_HEAD ? &s->nodes[keep - 1] : &s->nodes[0];
			int			c = nn_cmp(&node, values, edge, &s->values);

			if ((s->base == NN_HEAD && c >= 0) || (s->base == NN_TAIL && c <= 0))
				return;
		}
		nn_reserve(s, ctx, (int64) keep + 1);
		if (values != &s->values)
			node.val = abm_names_intern(&s->values, ctx, ABM_NAME(values, val), values->len[val]);
		/* insertion point: after every node not greater */
		at = s->n;
		while (at > 0 && nn_cmp(&s->nodes[at - 1], &s->values, &node, &s->values) > 0)
			at--;
		memmove(&s->nodes[at + 1], &s->nodes[at], sizeof(NnNode) * (s->n - at));
		s->nodes[at] = node;
		s->n++;
		if (s->n > keep)
		{
			if (s->base == NN_HEAD)
				s->n--;
			else
			{
				memmove(&s->nodes[0], &s->nodes[1], sizeof(NnNode) * (s->n - 1));
				s->n--;
			}
			nn_compact(s, ctx);
		}
		return;
	}

	if (values != &s->values)
		node.val = abm_names_intern(&s->values, ctx, ABM_NAME(values, val), values->len[val]);
	if (s->n >= s->cap)
		nn_reserve(s, ctx, (int64) s->n + 1);
	s->nodes[s->n] = node;
	if (s->sorted && s->n > 0 &&
		nn_cmp(&s->nodes[s->n - 1], &s->values, &node, &s->values) > 0)
		s->sorted = false;
	s->n++;
}

/*
 * Add every node of other.  head and tail go node by node (they keep a
 * few); first_match and last_match map other's values once and copy the
 * nodes in bulk, merging two sorted lists so the result stays sorted (no
 * sort at the end), as ClickHouse merges its sorted states.
 */
static void
nn_add_all(NnState *s, MemoryContext ctx, const NnState *other)
{
	int32		n = s->n;
	int32		m = other->n;
	int32	   *map;

	if (NN_BOUNDED(s))
	{
		for (int32 i = 0; i < m; i++)
		{
			const NnNode *node = &other->nodes[i];

			ABM_INTERRUPTS_EVERY(i);
			nn_add(s, ctx, node->ts, node->mask, node->base, &other->values, node->val);
		}
		return;
	}
	if (m == 0)
		return;
	nn_reserve(s, ctx, (int64) n + m);
	map = abm_names_map(&s->values, ctx, &other->values);
	if (s->sorted && other->sorted && n > 0 &&
		nn_cmp(&s->nodes[n - 1], &s->values, &other->nodes[0], &other->values) > 0)
	{
		/* both sorted, interleaved: merge into a new array */
		NnNode	   *merged = MemoryContextAllocHuge(ctx, sizeof(NnNode) * s->cap);
		int32		i = 0;
		int32		j = 0;
		int32		k = 0;

		while (i < n || j < m)
		{
			ABM_INTERRUPTS_EVERY(k);
			if (j >= m ||
				(i < n && nn_cmp(&s->nodes[i], &s->values, &other->nodes[j], &other->values) <= 0))
				merged[k++] = s->nodes[i++];
			else
			{
				merged[k] = other->nodes[j++];
				merged[k].val = map[merged[k].val];
				k++;
			}
		}
		pfree(s->nodes);
		s->nodes = merged;
	}
	else
	{
		for (int32 j = 0; j < m; j++)
		{
			ABM_INTERRUPTS_EVERY(j);
			s->nodes[n + j] = other->nodes[j];
			s->nodes[n + j].val = map[other->nodes[j].val];
		}
		if (!other->sorted ||
			(n > 0 && nn_cmp(&s->nodes[n - 1], &s->values, &s->nodes[n], &s->values) > 0))
			s->sorted = false;
	}
	s->n = n + m;
	pfree(map);
}

/*
 * Transition: (state, direction, base, ts, value, base_cond, event_conds).
 * Rows with a NULL direction, base, timestamp, value or condition array are
 * skipped; a NULL condition counts as false.
 */
Datum
abm_sequence_next_node_trans(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = abm_agg_context(fcinfo, "abm_sequence_next_node_trans");
	NnState    *state = PG_ARGISNULL(0) ? NULL : (NnState *) PG_GETARG_POINTER(0);
	NnDirection direction;
	NnBase		base;
	int			nconds;
	uint64		mask;
	int64		ts;
	text	   *value;

	for (int i = 1; i <= 6; i++)
	{
		if (i != 5 && PG_ARGISNULL(i))
		{
			if (state == NULL)
				PG_RETURN_NULL();
			PG_RETURN_POINTER(state);
		}
	}
	direction = (NnDirection) nn_parse_name(PG_GETARG_TEXT_PP(1), nn_direction_names, 2,
											"direction", "Use forward or backward.");
	base = (NnBase) nn_parse_name(PG_GETARG_TEXT_PP(2), nn_base_names, 4, "base",
								  "Use head, tail, first_match or last_match.");
	mask = abm_bool_array_mask64(PG_GETARG_DATUM(6), &nconds);
	if (state == NULL)
	{
		nn_check_setup(direction, base, nconds);
		state = nn_state_new(ctx, direction, base, nconds);
	}
	else if (direction != state->direction || base != state->base || nconds != state->nconds)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("every row of abm_sequence_next_node must have the same direction, base and number of event conditions"),
				 errdetail("This row has direction = '%s', base = '%s', event conditions = %d; earlier rows had '%s', '%s', %d.",
						   nn_direction_names[direction], nn_base_names[base], nconds,
						   nn_direction_names[state->direction], nn_base_names[state->base],
						   state->nconds)));
	ts = PG_GETARG_TIMESTAMPTZ(3);
	abm_check_finite(ts, "timestamps of abm_sequence_next_node", NULL);
	value = PG_GETARG_TEXT_PP(4);
	nn_add(state, ctx, ts, mask, !PG_ARGISNULL(5) && PG_GETARG_BOOL(5), &state->values,
		   abm_names_intern(&state->values, ctx, VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value)));
	PG_RETURN_POINTER(state);
}

Datum
abm_sequence_next_node_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = abm_agg_context(fcinfo, "abm_sequence_next_node_combine");
	NnState    *state = PG_ARGISNULL(0) ? NULL : (NnState *) PG_GETARG_POINTER(0);
	NnState    *other = (NnState *) PG_GETARG_POINTER(1);

	ABM_COMBINE_NULLS();
	if (state == NULL)
		state = nn_state_new(ctx, other->direction, other->base, other->nconds);
	else if (state->direction != other->direction || state->base != other->base ||
			 state->nconds != other->nconds)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine sequence next node states with different directions, bases or event conditions")));
	nn_add_all(state, ctx, other);
	PG_RETURN_POINTER(state);
}

Datum
abm_sequence_next_node_serial(PG_FUNCTION_ARGS)
{
	NnState    *s = (NnState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	bool	   *used;
	int32	   *map;

	abm_write_begin(&buf, ABM_KIND_SEQUENCE_NEXT_NODE);
	pq_sendbyte(&buf, (uint8) s->direction);
	pq_sendbyte(&buf, (uint8) s->base);
	pq_sendbyte(&buf, (uint8) s->nconds);
	used = palloc0(sizeof(bool) * Max(s->values.n, 1));
	for (int32 i = 0; i < s->n; i++)
		used[s->nodes[i].val] = true;
	map = abm_names_write(&buf, &s->values, used);
	pq_sendint32(&buf, s->n);
	for (int32 i = 0; i < s->n; i++)
	{
		const NnNode *node = &s->nodes[i];

		ABM_INTERRUPTS_EVERY(i);
		pq_sendint64(&buf, node->ts);
		pq_sendint64(&buf, (int64) node->mask);
		pq_sendbyte(&buf, node->base ? 1 : 0);
		pq_sendint32(&buf, map[node->val]);
	}
	PG_RETURN_BYTEA_P(abm_write_end(&buf));
}

Datum
abm_sequence_next_node_deserial(PG_FUNCTION_ARGS)
{
	AbmReader	r;
	int			direction;
	int			base;
	int			nconds;
	int32		n;
	int32		nvalues;
	int32	   *map;
	uint64		valid;
	NnState    *s;

	abm_read_begin_bytea(&r, PG_GETARG_BYTEA_PP(0), ABM_KIND_SEQUENCE_NEXT_NODE,
						 "sequence next node state");
	direction = abm_read_uint8(&r);
	base = abm_read_uint8(&r);
	nconds = abm_read_uint8(&r);
	if (direction > NN_BACKWARD || base > NN_LAST_MATCH || nconds > NN_MAX_CONDS ||
		(base == NN_HEAD && direction == NN_BACKWARD) ||
		(base == NN_TAIL && direction == NN_FORWARD) ||
		(nconds < 1 && (base == NN_FIRST_MATCH || base == NN_LAST_MATCH)))
		abm_read_corrupt(&r, "The direction, base or event condition count is invalid.");
	valid = nconds == 64 ? PG_UINT64_MAX : (((uint64) 1 << nconds) - 1);
	s = nn_state_new(CurrentMemoryContext, (NnDirection) direction, (NnBase) base, nconds);
	/* values are interned again: a repeated one maps to one number */
	map = abm_names_read(&r, &s->values, CurrentMemoryContext, &nvalues);
	n = abm_read_count(&r, ABM_MAX_EVENTS);
	if ((base == NN_HEAD || base == NN_TAIL) && n > nconds + 1)
		abm_read_corrupt(&r, "A head or tail state holds more nodes than it needs.");
	for (int32 i = 0; i < n; i++)
	{
		int64		ts = abm_read_int64(&r);
		uint64		mask = (uint64) abm_read_int64(&r);
		int			isbase = abm_read_uint8(&r);
		int32		val = abm_read_int32(&r);

		ABM_INTERRUPTS_EVERY(i);
		if (!IS_VALID_TIMESTAMP(ts) || (mask & ~valid) != 0 || isbase > 1 ||
			val < 0 || val >= nvalues)
			abm_read_corrupt(&r, "A node's timestamp, conditions, base flag or value is invalid.");
		nn_add(s, CurrentMemoryContext, ts, mask, isbase == 1, &s->values, map[val]);
	}
	abm_read_end(&r);
	PG_RETURN_POINTER(s);
}

/* ClickHouse's getBaseIndex; -1 when there is no base point. */
static int32
nn_base_index(const NnState *s)
{
	switch (s->base)
	{
		case NN_HEAD:
			return s->nodes[0].base ? 0 : -1;
		case NN_TAIL:
			return s->nodes[s->n - 1].base ? s->n - 1 : -1;
		case NN_FIRST_MATCH:
			for (int32 i = 0; i < s->n; i++)
			{
				ABM_INTERRUPTS_EVERY(i);
				if ((s->nodes[i].mask & 1) && s->nodes[i].base)
					return i;
			}
			return -1;
		case NN_LAST_MATCH:
			for (int32 i = s->n - 1; i >= 0; i--)
			{
				ABM_INTERRUPTS_EVERY(i);
				if ((s->nodes[i].mask & 1) && s->nodes[i].base)
					return i;
			}
			return -1;
	}
	return -1;
}

/*
 * Node order with the node's index last: a strict total order.  Nodes equal
 * but for their index are alike in every way the result can show, so any
 * order among them gives the same answer as the (unstable) sort.
 */
static inline int
nn_order(const NnNode *nodes, int32 i, int32 j, int32 *rank)
{
	int			c = nn_rank_cmp(&nodes[i], &nodes[j], rank);

	if (c != 0)
		return c;
	return i < j ? -1 : (i > j ? 1 : 0);
}

/*
 * The node right after (dir = 1) or right before (dir = -1) node from in
 * that order, or -1 when there is none: one pass over the nodes.
 */
static int32
nn_step(const NnState *s, int32 from, int dir, int32 *rank)
{
	int32		best = -1;

	for (int32 i = 0; i < s->n; i++)
	{
		ABM_INTERRUPTS_EVERY(i);
		if (i == from || dir * nn_order(s->nodes, i, from, rank) < 0)
			continue;
		if (best < 0 || dir * nn_order(s->nodes, i, best, rank) < 0)
			best = i;
	}
	return best;
}

/*
 * first_match and last_match without sorting: the first (or last) node
 * meeting base_cond and event 1, then k steps in the direction asked, each
 * node checked against its event on the way.  (k + 2) passes over the
 * nodes, cheaper than a sort while k + 2 <= log2(n).  Returns the node's
 * index, or -1 for no result.
 */
static int32
nn_select(const NnState *s, int32 *rank)
{
	int32		k = s->nconds;
	int32		cur = -1;
	int			dir = s->direction == NN_FORWARD ? 1 : -1;
	int			want = s->base == NN_FIRST_MATCH ? -1 : 1;

	for (int32 i = 0; i < s->n; i++)
	{
		ABM_INTERRUPTS_EVERY(i);
		if (!(s->nodes[i].mask & 1) || !s->nodes[i].base)
			continue;
		if (cur < 0 || want * nn_order(s->nodes, i, cur, rank) > 0)
			cur = i;
	}
	for (int32 i = 0; i < k && cur >= 0; i++)
	{
		if (!(s->nodes[cur].mask & ((uint64) 1 << i)))
			return -1;
		cur = nn_step(s, cur, dir, rank);
	}
	return cur;
}

Datum
abm_sequence_next_node_final(PG_FUNCTION_ARGS)
{
	NnState    *s;
	int32		base;
	int32		k;
	int32		i;
	int32		result;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = (NnState *) PG_GETARG_POINTER(0);
	k = s->nconds;
	if (s->n <= k)
		PG_RETURN_NULL();
	if (!s->sorted && !NN_BOUNDED(s) && k + 2 <= pg_leftmost_one_pos32((uint32) s->n))
	{
		int32	   *rank = abm_names_ranks(&s->values);

		result = nn_select(s, rank);
		pfree(rank);
		if (result < 0)
			PG_RETURN_NULL();
		PG_RETURN_TEXT_P(cstring_to_text_with_len(ABM_NAME(&s->values, s->nodes[result].val),
												  s->values.len[s->nodes[result].val]));
	}
	if (!s->sorted)
	{
		/* reorders only; the state holds the same nodes afterwards */
		int32	   *rank = abm_names_ranks(&s->values);

		nn_sort(s->nodes, s->n, rank);
		pfree(rank);
		s->sorted = true;
	}
	base = nn_base_index(s);
	if (base < 0)
		PG_RETURN_NULL();
	if (s->direction == NN_FORWARD)
	{
		for (i = 0; i < k && base + i < s->n; i++)
			if (!(s->nodes[base + i].mask & ((uint64) 1 << i)))
				break;
		result = base + i;
	}
	else
	{
		for (i = 0; i < k && i < base; i++)
			if (!(s->nodes[base - i].mask & ((uint64) 1 << i)))
				break;
		result = base - i;
	}
	if (i != k || result < 0 || result >= s->n)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(ABM_NAME(&s->values, s->nodes[result].val),
											  s->values.len[s->nodes[result].val]));
}
