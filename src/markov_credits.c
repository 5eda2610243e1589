/*-------------------------------------------------------------------------
 *
 * markov_credits.c
 *	  abm_markov_credits(abm_markov): the removal effect and credit of each
 *	  channel, from the absorbing chain of an abm_markov state (markov.h).
 *
 * Removal effect.  P is the probability of absorption in conversion from
 * start.  Removing channel c turns every state that holds c into a dead
 * end (its incoming transitions go to null); P(-c) is the new absorption
 * probability, and removal_effect(c) = 1 - P(-c) / P.  Credits are the
 * removal effects normalised to sum to 1, over the channels that appear in
 * at least one converting journey: a channel no converting journey passed
 * through gets credit 0 even when the chain, being memoryless, routes some
 * conversion probability through it (its removal_effect column still shows
 * what the chain says).
 *
 * Solving.  The absorption probabilities x satisfy x(s) = sum_t p(s,t)
 * x(t) + p(s, conversion).  States that cannot reach conversion get 0
 * exactly (a reverse breadth-first search); on the others, Gauss-Seidel
 * sweeps (in that search's order, nearest to conversion first, with self
 * loops eliminated exactly) run from below (x = 0) and from above (x = 1,
 * or the full chain's upper bound, which bounds every removal) at once.
 * Both sequences are monotone, so [lo, hi] always brackets the exact
 * answer; sweeps stop when hi - lo <= 1e-12 hi at start, or when neither
 * moves any more (floating-point convergence).  P is reported as their
 * midpoint.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "markov.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(abm_markov_credits);

#define MK_TOLERANCE	1e-12

/* ---------- the absorbing chain ---------- */

typedef struct MkChain
{
	int32		n;				/* transient states; 0 is start */
	int32	  (*tuple)[MK_MAX_ORDER];
	int32	   *row;			/* edges of s: row[s] .. row[s + 1] - 1 */
	int32	   *to;
	float8	   *weight;			/* transition count */
	float8	   *conv;			/* count to conversion */
	float8	   *total;			/* count of every transition leaving s */
	int32	   *rrow;			/* reverse edges: the predecessors of s */
	int32	   *rfrom;
	/* work space of one solve */
	bool	   *active;
	bool	   *reach;
	int32	   *queue;
	float8	   *lo;
	float8	   *hi;
} MkChain;

static void
mk_chain(const MkTrans *list, int32 ntrans, int32 order, MkChain *c)
{
	MkStates	st;
	int32		nedges = 0;
	int32	   *fill;

	mk_states(list, ntrans, order, &st);
	c->n = st.n;
	c->tuple = palloc(Max(st.n, 1) * sizeof(*c->tuple));
	c->row = palloc((st.n + 1) * sizeof(int32));
	c->to = palloc(Max(ntrans, 1) * sizeof(int32));
	c->weight = palloc(Max(ntrans, 1) * sizeof(float8));
	c->conv = palloc0(Max(st.n, 1) * sizeof(float8));
	c->total = palloc0(Max(st.n, 1) * sizeof(float8));
	c->rrow = palloc0((st.n + 1) * sizeof(int32));
	for (int32 s = 0; s < st.n; s++)
	{
		CHECK_FOR_INTERRUPTS();
		memcpy(c->tuple[s], list[st.first[s]].from, sizeof(c->tuple[s]));
		c->row[s] = nedges;
		for (int32 i = st.first[s]; i < st.first[s + 1]; i++)
		{
			c->total[s] += (float8) list[i].count;
			if (list[i].next == MK_CONV)
				c->conv[s] += (float8) list[i].count;
			else if (st.target[i] >= 0)
			{
				c->to[nedges] = st.target[i];
				c->weight[nedges] = (float8) list[i].count;
				c->rrow[st.target[i] + 1]++;
				nedges++;
			}
		}
	}
	c->row[st.n] = nedges;
	for (int32 s = 0; s < st.n; s++)
		c->rrow[s + 1] += c->rrow[s];
	c->rfrom = palloc(Max(nedges, 1) * sizeof(int32));
	fill = palloc(Max(st.n, 1) * sizeof(int32));
	memcpy(fill, c->rrow, Max(st.n, 1) * sizeof(int32));
	for (int32 s = 0; s < st.n; s++)
	{
		ABM_INTERRUPTS_EVERY(s);
		for (int32 e = c->row[s]; e < c->row[s + 1]; e++)
			c->rfrom[fill[c->to[e]]++] = s;
	}
	pfree(fill);
	c->active = palloc(Max(st.n, 1) * sizeof(bool));
	c->reach = palloc(Max(st.n, 1) * sizeof(bool));
	c->queue = palloc(Max(st.n, 1) * sizeof(int32));
	c->lo = palloc0(Max(st.n, 1) * sizeof(float8));
	c->hi = palloc0(Max(st.n, 1) * sizeof(float8));
	pfree(st.first);
	pfree(st.target);
}

/*
 * The probability of absorption in conversion from start over the active
 * states (c->active).  hi_init, when given, is an upper bound of the
 * answer in every state (the full chain's c->hi); c->hi holds the final
 * upper bounds afterwards.
 */
static float8
mk_absorb(MkChain *c, const float8 *hi_init)
{
	int32		n = 0;
	float8		prev_lo = -1,
				prev_hi = -1;

	if (c->n == 0)
		return 0;
	/* the states that can reach conversion, nearest first */
	for (int32 s = 0; s < c->n; s++)
	{
		c->reach[s] = c->active[s] && c->conv[s] > 0;
		if (c->reach[s])
			c->queue[n++] = s;
	}
	for (int32 q = 0; q < n; q++)
	{
		int32		t = c->queue[q];

		ABM_INTERRUPTS_EVERY(q);
		for (int32 e = c->rrow[t]; e < c->rrow[t + 1]; e++)
		{
			int32		s = c->rfrom[e];

			if (c->active[s] && !c->reach[s])
			{
				c->reach[s] = true;
				c->queue[n++] = s;
			}
		}
	}
	if (!c->reach[0])
		return 0;
	for (int32 s = 0; s < c->n; s++)
	{
		c->lo[s] = 0;
		c->hi[s] = !c->reach[s] ? 0 : hi_init ? hi_init[s] : 1;
	}
	for (int32 sweep = 0;; sweep++)
	{
		CHECK_FOR_INTERRUPTS();
		for (int32 q = 0; q < n; q++)
		{
			int32		s = c->queue[q];
			float8		num_lo = c->conv[s];
			float8		num_hi = c->conv[s];
			float8		denom = c->total[s];

			for (int32 e = c->row[s]; e < c->row[s + 1]; e++)
			{
				int32		t = c->to[e];

				if (t == s)
					denom -= c->weight[e];	/* a self loop only delays */
				else
				{
					/* lo and hi are 0 where t cannot reach conversion */
					num_lo += c->weight[e] * c->lo[t];
					num_hi += c->weight[e] * c->hi[t];
				}
			}
			c->lo[s] = num_lo / denom;
			c->hi[s] = Min(c->hi[s], num_hi / denom);
		}
		if (c->hi[0] - c->lo[0] <= MK_TOLERANCE * c->hi[0] ||
			(c->lo[0] == prev_lo && c->hi[0] == prev_hi))
			break;
		if (sweep >= MK_MAX_SWEEPS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("the Markov chain did not converge"),
					 errdetail("After %d sweeps the conversion probability is between %.17g and %.17g.",
							   MK_MAX_SWEEPS, c->lo[0], c->hi[0]),
					 errhint("Collapse channels repeated in a row in the journeys, or lower the order.")));
		prev_lo = c->lo[0];
		prev_hi = c->hi[0];
	}
	return (c->lo[0] + c->hi[0]) / 2;
}

static bool
mk_holds(const int32 *tuple, int32 k)
{
	return tuple[0] == k || tuple[1] == k || tuple[2] == k;
}

/*
 * abm_markov_credits(abm_markov) -> TABLE(channel, removal_effect, credit,
 * conversions), one row per channel in byte order of the names.
 */
Datum
abm_markov_credits(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Markov	   *m = mk_from_datum(PG_GETARG_DATUM(0));
	int32	   *order;
	MkTrans    *list = mk_canonical(m, &order);
	MkChain		c;
	float8		p;
	float8	   *hi_full;
	float8	   *effect = palloc(Max(m->ch.n, 1) * sizeof(float8));
	float8		sum = 0;

	InitMaterializedSRF(fcinfo, 0);
	mk_chain(list, m->ntrans, m->order, &c);
	for (int32 s = 0; s < c.n; s++)
		c.active[s] = true;
	p = mk_absorb(&c, NULL);
	hi_full = palloc(Max(c.n, 1) * sizeof(float8));
	memcpy(hi_full, c.hi, Max(c.n, 1) * sizeof(float8));

	for (int32 i = 0; i < m->ch.n && p > 0; i++)
	{
		float8		without;

		CHECK_FOR_INTERRUPTS();
		for (int32 s = 0; s < c.n; s++)
			c.active[s] = s == 0 || !mk_holds(c.tuple[s], i);
		without = mk_absorb(&c, hi_full);
		effect[i] = Max(0.0, Min(1.0, 1.0 - without / p));
		if (m->converted[order[i]] > 0)
			sum += effect[i];
	}
	for (int32 i = 0; i < m->ch.n; i++)
	{
		int32		k = order[i];
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		values[0] = PointerGetDatum(cstring_to_text_with_len(m->ch.name[k], m->ch.len[k]));
		if (p > 0 && sum > 0)
		{
			float8		credit = m->converted[k] > 0 ? effect[i] / sum : 0.0;

			values[1] = Float8GetDatum(effect[i]);
			values[2] = Float8GetDatum(credit);
			values[3] = Float8GetDatum(credit * (float8) m->conversions);
		}
		else
		{
			/* no conversion: nothing to share */
			nulls[1] = nulls[2] = true;
			values[3] = Float8GetDatum(0.0);
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

