/*-------------------------------------------------------------------------
 *
 * markov.c
 *	  Data-driven attribution by the Markov-chain removal effect
 *	  (markov.h): the state abm_markov (transition counts of journeys), its
 *	  binary form, the aggregate abm_markov_attribution(path, converted
 *	  [, order]) and abm_rollup(abm_markov).
 *
 * On disk: version, kind, the order, the channel dictionary in byte order
 * (channel.c), per channel the converting journeys through it, then the
 * transitions sorted by (state, next), each the state's channel indexes
 * (order of them, -1 padding the front), the next channel's index (-2
 * conversion, -3 null) and the count.  A value read back is checked to be
 * a possible result of the aggregate: flow is conserved at every state
 * (journeys entering a state leave it), every state is reachable from
 * start, and no journey is empty.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "markov.h"

#include "common/hashfn.h"
#include "common/int.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"

PG_FUNCTION_INFO_V1(abm_markov_trans);
PG_FUNCTION_INFO_V1(abm_markov_order_trans);
PG_FUNCTION_INFO_V1(abm_markov_combine);
PG_FUNCTION_INFO_V1(abm_markov_serial);
PG_FUNCTION_INFO_V1(abm_markov_deserial);
PG_FUNCTION_INFO_V1(abm_markov_final);
PG_FUNCTION_INFO_V1(abm_markov_merge);

static const char *const mk_hint =
	"Attribute to fewer distinct channels, for example channel instead of campaign.";

Markov *
mk_new(MemoryContext ctx, int32 order)
{
	Markov	   *m = MemoryContextAllocZero(ctx, sizeof(Markov));

	m->ctx = ctx;
	m->order = order;
	abm_channels_init(&m->ch, ctx, MK_MAX_CHANNELS, "abm_markov_attribution");
	m->ccap = 8;
	m->converted = MemoryContextAllocZero(ctx, m->ccap * sizeof(int64));
	m->stamp = MemoryContextAllocZero(ctx, m->ccap * sizeof(int64));
	m->tmask = 31;
	m->trans = MemoryContextAllocZero(ctx, (m->tmask + 1) * sizeof(MkTrans));
	return m;
}

/* Room in converted and stamp for every channel of the dictionary. */
static void
mk_ensure(Markov *m)
{
	if (m->ch.n > m->ccap)
	{
		int32		cap = Max(m->ccap * 2, m->ch.n);

		m->converted = repalloc(m->converted, cap * sizeof(int64));
		m->stamp = repalloc(m->stamp, cap * sizeof(int64));
		memset(m->converted + m->ccap, 0, (cap - m->ccap) * sizeof(int64));
		memset(m->stamp + m->ccap, 0, (cap - m->ccap) * sizeof(int64));
		m->ccap = cap;
	}
}

int32
mk_channel(Markov *m, const char *name, int32 len)
{
	int32		k = abm_channels_add(&m->ch, name, len, mk_hint);

	mk_ensure(m);
	return k;
}

static uint32
mk_hash(const int32 *from, int32 next)
{
	uint32		h = murmurhash32((uint32) next);

	for (int i = 0; i < MK_MAX_ORDER; i++)
		h = hash_combine(h, murmurhash32((uint32) from[i]));
	return h;
}

static bool
mk_same(const MkTrans *t, const int32 *from, int32 next)
{
	return t->next == next && t->from[0] == from[0] && t->from[1] == from[1] &&
		t->from[2] == from[2];
}

static void
mk_grow(Markov *m)
{
	uint32		slots = (m->tmask + 1) * 2;
	MkTrans    *old = m->trans;
	uint32		oldslots = m->tmask + 1;

	m->trans = MemoryContextAllocZero(m->ctx, slots * sizeof(MkTrans));
	m->tmask = slots - 1;
	for (uint32 i = 0; i < oldslots; i++)
	{
		uint32		j;

		ABM_INTERRUPTS_EVERY(i);
		if (old[i].count == 0)
			continue;
		for (j = mk_hash(old[i].from, old[i].next) & m->tmask; m->trans[j].count != 0;
			 j = (j + 1) & m->tmask)
			;
		m->trans[j] = old[i];
	}
	pfree(old);
}

/*
 * Add count to the transition (from, next); returns the count it had
 * before (0 when new).
 */
int64
mk_count(Markov *m, const int32 *from, int32 next, int64 count)
{
	uint32		i;
	int64		before;

	for (i = mk_hash(from, next) & m->tmask; m->trans[i].count != 0; i = (i + 1) & m->tmask)
		if (mk_same(&m->trans[i], from, next))
			break;
	before = m->trans[i].count;
	if (before == 0)
	{
		if (m->ntrans >= MK_MAX_TRANSITIONS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many distinct transitions for abm_markov_attribution"),
					 errdetail("A Markov state keeps at most %d distinct transitions (state, next channel).",
							   MK_MAX_TRANSITIONS),
					 errhint("Lower the order, or attribute to fewer distinct channels.")));
		memcpy(m->trans[i].from, from, sizeof(m->trans[i].from));
		m->trans[i].next = next;
		m->ntrans++;
	}
	m->trans[i].count = abm_count_sum(before, count, "abm_markov transition");
	if (before == 0 && (uint32) m->ntrans * 2 > m->tmask + 1)
		mk_grow(m);
	return before;
}

/* The state after from when channel c follows, in a chain of order k. */
static void
mk_shift(const int32 *from, int32 c, int32 order, int32 *to)
{
	to[0] = order >= 3 ? from[1] : MK_NONE;
	to[1] = order >= 2 ? from[2] : MK_NONE;
	to[2] = c;
}

/* One journey being counted: the state it is in. */
typedef struct MkWalk
{
	Markov	   *m;
	bool		converted;
	int32		state[MK_MAX_ORDER];
} MkWalk;

static void
mk_visit(void *arg, int32 k)
{
	MkWalk	   *w = (MkWalk *) arg;
	Markov	   *m = w->m;

	mk_ensure(m);
	mk_count(m, w->state, k, 1);
	mk_shift(w->state, k, m->order, w->state);
	if (w->converted && m->stamp[k] != m->journey)
	{
		m->stamp[k] = m->journey;
		m->converted[k] = abm_count_sum(m->converted[k], 1, "abm_markov journey");
	}
}

static void
mk_add_path(Markov *m, ArrayType *path, bool converted)
{
	MkWalk		w = {m, converted, {MK_NONE, MK_NONE, MK_NONE}};

	m->journey++;
	/* a journey without channels (or of NULL ones only) is no journey */
	if (abm_channels_walk(&m->ch, path, "path", mk_hint, mk_visit, &w) == 0)
		return;
	mk_count(m, w.state, converted ? MK_CONV : MK_NULL, 1);
	m->paths = abm_count_sum(m->paths, 1, "abm_markov journey");
	if (converted)
		m->conversions = abm_count_sum(m->conversions, 1, "abm_markov conversion");
}

static void
mk_merge(Markov *dst, const Markov *src)
{
	int32	   *map;

	if (dst->order != src->order)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge Markov states of different orders"),
				 errdetail("One value has order = %d, another order = %d.", dst->order, src->order),
				 errhint("Build every state with the same order.")));
	map = palloc(Max(src->ch.n, 1) * sizeof(int32));
	for (int32 k = 0; k < src->ch.n; k++)
	{
		map[k] = mk_channel(dst, src->ch.name[k], src->ch.len[k]);
		dst->converted[map[k]] = abm_count_sum(dst->converted[map[k]], src->converted[k],
											   "abm_markov journey");
	}
	for (uint32 i = 0; i <= src->tmask; i++)
	{
		const MkTrans *t = &src->trans[i];
		int32		from[MK_MAX_ORDER];

		if (t->count == 0)
			continue;
		CHECK_FOR_INTERRUPTS();
		for (int j = 0; j < MK_MAX_ORDER; j++)
			from[j] = t->from[j] >= 0 ? map[t->from[j]] : t->from[j];
		mk_count(dst, from, t->next >= 0 ? map[t->next] : t->next, t->count);
	}
	dst->paths = abm_count_sum(dst->paths, src->paths, "abm_markov journey");
	dst->conversions = abm_count_sum(dst->conversions, src->conversions,
									 "abm_markov conversion");
	pfree(map);
}

/* Canonical order: by state, then next (channels, conversion, null). */
static int
mk_next_key(int32 next, int32 nch)
{
	return next >= 0 ? next : next == MK_CONV ? nch : nch + 1;
}

static int
mk_state_cmp(const int32 *a, const int32 *b)
{
	for (int j = 0; j < MK_MAX_ORDER; j++)
		if (a[j] != b[j])
			return a[j] < b[j] ? -1 : 1;
	return 0;
}

static int
mk_trans_cmp(const MkTrans *x, const MkTrans *y, const int32 *nchp)
{
	int32		nch = *nchp;
	int			c = mk_state_cmp(x->from, y->from);
	int			kx,
				ky;

	if (c != 0)
		return c;
	kx = mk_next_key(x->next, nch);
	ky = mk_next_key(y->next, nch);
	return (kx > ky) - (kx < ky);
}

/* An interruptible sort of transitions (up to MK_MAX_TRANSITIONS). */
#define ABM_SORT_NAME mk_trans_sort
#define ABM_SORT_TYPE MkTrans
#define ABM_SORT_ARG_TYPE const int32
#define ABM_SORT_CMP(a, b, nch) mk_trans_cmp(a, b, nch)
#include "abm_sort.h"

/*
 * The canonical form of m: *order_out gets the channel indexes in byte
 * order of their names; the transitions come back with channels renumbered
 * by that order, sorted.
 */
MkTrans *
mk_canonical(const Markov *m, int32 **order_out)
{
	int32	   *order = abm_channels_order(&m->ch);
	int32	   *rank = abm_channels_rank(&m->ch, order);
	MkTrans    *list = palloc(Max(m->ntrans, 1) * sizeof(MkTrans));
	int32		n = 0;
	int32		nch = m->ch.n;

	for (uint32 i = 0; i <= m->tmask; i++)
	{
		const MkTrans *t = &m->trans[i];

		if (t->count == 0)
			continue;
		CHECK_FOR_INTERRUPTS();
		for (int j = 0; j < MK_MAX_ORDER; j++)
			list[n].from[j] = t->from[j] >= 0 ? rank[t->from[j]] : t->from[j];
		list[n].next = t->next >= 0 ? rank[t->next] : t->next;
		list[n].count = t->count;
		n++;
	}
	mk_trans_sort(list, n, &nch);
	pfree(rank);
	*order_out = order;
	return list;
}

bytea *
mk_write(const Markov *m)
{
	StringInfoData buf;
	int32	   *order;
	MkTrans    *list = mk_canonical(m, &order);

	abm_write_begin(&buf, ABM_KIND_MARKOV);
	pq_sendbyte(&buf, (uint8) m->order);
	abm_channels_write(&buf, &m->ch, order);
	for (int32 i = 0; i < m->ch.n; i++)
		pq_sendint64(&buf, m->converted[order[i]]);
	pq_sendint32(&buf, m->ntrans);
	for (int32 i = 0; i < m->ntrans; i++)
	{
		ABM_INTERRUPTS_EVERY(i);
		for (int j = MK_MAX_ORDER - m->order; j < MK_MAX_ORDER; j++)
			pq_sendint32(&buf, list[i].from[j]);
		pq_sendint32(&buf, list[i].next);
		pq_sendint64(&buf, list[i].count);
	}
	pfree(list);
	pfree(order);
	return abm_write_end(&buf);
}

void
mk_states(const MkTrans *list, int32 ntrans, int32 order, MkStates *st)
{
	st->first = palloc((ntrans + 1) * sizeof(int32));
	st->target = palloc(Max(ntrans, 1) * sizeof(int32));
	st->n = 0;
	for (int32 i = 0; i < ntrans; i++)
	{
		ABM_INTERRUPTS_EVERY(i);
		if (i == 0 || mk_state_cmp(list[i - 1].from, list[i].from) != 0)
			st->first[st->n++] = i;
	}
	st->first[st->n] = ntrans;
	for (int32 i = 0; i < ntrans; i++)
	{
		int32		to[MK_MAX_ORDER];
		int32		lo = 0,
					hi = st->n - 1;

		ABM_INTERRUPTS_EVERY(i);
		st->target[i] = -1;
		if (list[i].next < 0)
			continue;
		mk_shift(list[i].from, list[i].next, order, to);
		while (lo <= hi)
		{
			int32		mid = lo + (hi - lo) / 2;
			int			c = mk_state_cmp(list[st->first[mid]].from, to);

			if (c == 0)
			{
				st->target[i] = mid;
				break;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid - 1;
		}
	}
}

/*
 * Is the canonical list (channels renumbered 0 .. nch-1 in byte order) a
 * possible result of the aggregate?  NULL when it is, else why not.  Sets
 * paths and conversions.
 */
const char *
mk_check(Markov *m, const MkTrans *list, int32 ntrans)
{
	int32		nch = m->ch.n;
	int32		order = m->order;
	MkStates	st;
	int64	   *inflow;
	int64	   *outflow;
	bool	   *used;
	bool	   *seen;
	int32	   *queue;
	int32		nqueue = 0;
	int64		sum_converted = 0;

	m->paths = 0;
	m->conversions = 0;
	for (int32 i = 0; i < ntrans; i++)
	{
		const MkTrans *t = &list[i];
		bool		channel_seen = false;

		CHECK_FOR_INTERRUPTS();
		for (int j = 0; j < MK_MAX_ORDER; j++)
		{
			int32		v = t->from[j];

			if (j < MK_MAX_ORDER - order)
			{
				if (v != MK_NONE)
					return "A state holds more channels than the order.";
			}
			else if (v == MK_NONE)
			{
				if (channel_seen)
					return "A state has a gap between its channels.";
			}
			else if (v < 0 || v >= nch)
				return "A state names a channel that is not in the dictionary.";
			else
				channel_seen = true;
		}
		if (t->next != MK_CONV && t->next != MK_NULL && (t->next < 0 || t->next >= nch))
			return "A transition leads to a channel that is not in the dictionary.";
		if (t->count <= 0)
			return "A transition count is not positive.";
		if (!channel_seen && t->next < 0)
			return "A journey has no channel.";
		if (i > 0 && mk_trans_cmp(&list[i - 1], t, &nch) >= 0)
			return "The transitions are not in strictly increasing order.";
	}
	if (ntrans == 0)
		return nch == 0 ? NULL : "A channel appears in no transition.";
	if (mk_state_cmp(list[0].from, (int32[]) {MK_NONE, MK_NONE, MK_NONE}) != 0)
		return "No journey starts.";

	mk_states(list, ntrans, order, &st);
	inflow = palloc0(st.n * sizeof(int64));
	outflow = palloc0(st.n * sizeof(int64));
	used = palloc0(Max(nch, 1) * sizeof(bool));
	for (int32 s = 0; s < st.n; s++)
		for (int32 i = st.first[s]; i < st.first[s + 1]; i++)
		{
			const MkTrans *t = &list[i];

			ABM_INTERRUPTS_EVERY(i);
			if (pg_add_s64_overflow(outflow[s], t->count, &outflow[s]))
				return "A state's journeys exceed the counting range.";
			if (t->next >= 0)
			{
				used[t->next] = true;
				if (st.target[i] < 0)
					return "A state is entered but never left.";
				if (pg_add_s64_overflow(inflow[st.target[i]], t->count, &inflow[st.target[i]]))
					return "A state's journeys exceed the counting range.";
			}
			else if (t->next == MK_CONV &&
					 pg_add_s64_overflow(m->conversions, t->count, &m->conversions))
				return "The conversions exceed the counting range.";
		}
	if (inflow[0] != 0)
		return "A transition leads back to start.";
	for (int32 s = 1; s < st.n; s++)
		if (inflow[s] != outflow[s])
			return "A state is left by a different number of journeys than enter it.";
	m->paths = outflow[0];

	/* every state is reached from start */
	seen = palloc0(st.n * sizeof(bool));
	queue = palloc(st.n * sizeof(int32));
	seen[0] = true;
	queue[nqueue++] = 0;
	for (int32 q = 0; q < nqueue; q++)
		for (int32 i = st.first[queue[q]]; i < st.first[queue[q] + 1]; i++)
		{
			ABM_INTERRUPTS_EVERY(i);
			if (st.target[i] >= 0 && !seen[st.target[i]])
			{
				seen[st.target[i]] = true;
				queue[nqueue++] = st.target[i];
			}
		}
	if (nqueue != st.n)
		return "A state cannot be reached from start.";

	for (int32 k = 0; k < nch; k++)
	{
		if (!used[k])
			return "A channel appears in no transition.";
		if (m->converted[k] < 0 || m->converted[k] > m->conversions)
			return "A channel's converting journeys are out of range.";
		sum_converted = pg_add_s64_overflow(sum_converted, m->converted[k], &sum_converted)
			? PG_INT64_MAX : sum_converted;
	}
	if (sum_converted < m->conversions)
		return "The converting journeys through channels do not cover the conversions.";
	pfree(st.first);
	pfree(st.target);
	pfree(inflow);
	pfree(outflow);
	pfree(used);
	pfree(seen);
	pfree(queue);
	return NULL;
}

static void
mk_fill(Markov *m, const MkTrans *list, int32 ntrans)
{
	for (int32 i = 0; i < ntrans; i++)
	{
		CHECK_FOR_INTERRUPTS();
		mk_count(m, list[i].from, list[i].next, list[i].count);
	}
}

Markov *
mk_read(const char *data, Size len)
{
	AbmReader	r;
	Markov	   *m;
	int32		order;
	int32		ntrans;
	MkTrans    *list;
	const char *why;

	abm_read_begin(&r, data, len, ABM_KIND_MARKOV, MK_TYPE);
	order = abm_read_uint8(&r);
	if (order < 1 || order > MK_MAX_ORDER)
		abm_corrupt("abm_markov",
					psprintf("The order %d is outside 1..%d.", order, MK_MAX_ORDER));
	m = mk_new(CurrentMemoryContext, order);
	abm_channels_read(&r, &m->ch);
	mk_ensure(m);
	for (int32 k = 0; k < m->ch.n; k++)
		m->converted[k] = abm_read_int64(&r);
	ntrans = abm_read_count(&r, MK_MAX_TRANSITIONS);
	list = palloc(Max(ntrans, 1) * sizeof(MkTrans));
	for (int32 i = 0; i < ntrans; i++)
	{
		CHECK_FOR_INTERRUPTS();
		for (int j = 0; j < MK_MAX_ORDER; j++)
			list[i].from[j] = j < MK_MAX_ORDER - order ? MK_NONE : abm_read_int32(&r);
		list[i].next = abm_read_int32(&r);
		list[i].count = abm_read_int64(&r);
	}
	abm_read_end(&r);
	why = mk_check(m, list, ntrans);
	if (why)
		abm_corrupt("abm_markov", why);
	mk_fill(m, list, ntrans);
	pfree(list);
	return m;
}

Markov *
mk_from_datum(Datum d)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(d);

	return mk_read(VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
}


/* ---------- the aggregate ---------- */

static int32
mk_order_arg(FunctionCallInfo fcinfo)
{
	int32		order = PG_GETARG_INT32(3);

	if (order < 1 || order > MK_MAX_ORDER)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("Markov chain order must be 1, 2 or 3"),
				 errdetail("The input has order = %d.", order),
				 errhint("Use order 1 (states are channels) unless journeys are long and plentiful.")));
	return order;
}

/*
 * abm_markov_attribution(path text[], converted bool [, order int]):
 * journeys with a NULL path, converted or order are skipped, and so are
 * NULL channels within a path and journeys without any channel.
 */
static Datum
mk_trans(FunctionCallInfo fcinfo, int32 order)
{
	MemoryContext ctx = abm_agg_context(fcinfo, "abm_markov_trans");
	Markov	   *m = PG_ARGISNULL(0) ? NULL : (Markov *) PG_GETARG_POINTER(0);

	if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2) && order > 0)
	{
		if (m == NULL)
			m = mk_new(ctx, order);
		else if (m->order != order)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("order must be the same on every row of abm_markov_attribution"),
					 errdetail("One value has order = %d, another order = %d.", m->order, order),
					 errhint("Pass the order as a constant.")));
		mk_add_path(m, PG_GETARG_ARRAYTYPE_P(1), PG_GETARG_BOOL(2));
	}
	if (m == NULL)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(m);
}

Datum
abm_markov_trans(PG_FUNCTION_ARGS)
{
	return mk_trans(fcinfo, 1);
}

Datum
abm_markov_order_trans(PG_FUNCTION_ARGS)
{
	return mk_trans(fcinfo, PG_ARGISNULL(3) ? 0 : mk_order_arg(fcinfo));
}

Datum
abm_markov_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = abm_agg_context(fcinfo, "abm_markov_combine");
	Markov	   *m = PG_ARGISNULL(0) ? NULL : (Markov *) PG_GETARG_POINTER(0);
	Markov	   *other = (Markov *) PG_GETARG_POINTER(1);

	ABM_COMBINE_NULLS();
	if (m == NULL)
		m = mk_new(ctx, other->order);
	mk_merge(m, other);
	PG_RETURN_POINTER(m);
}

Datum
abm_markov_serial(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(mk_write((Markov *) PG_GETARG_POINTER(0)));
}

Datum
abm_markov_deserial(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(mk_from_datum(PG_GETARG_DATUM(0)));
}

Datum
abm_markov_final(PG_FUNCTION_ARGS)
{
	Markov	   *m = PG_ARGISNULL(0) ? NULL : (Markov *) PG_GETARG_POINTER(0);

	if (m == NULL || m->paths == 0)
		PG_RETURN_NULL();
	PG_RETURN_BYTEA_P(mk_write(m));
}

/* abm_rollup(abm_markov): transition and combine on the type itself. */
Datum
abm_markov_merge(PG_FUNCTION_ARGS)
{
	Markov	   *m = mk_from_datum(PG_GETARG_DATUM(0));

	mk_merge(m, mk_from_datum(PG_GETARG_DATUM(1)));
	PG_RETURN_BYTEA_P(mk_write(m));
}

