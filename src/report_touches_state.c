/*-------------------------------------------------------------------------
 *
 * report_touches_state.c
 *	  abm_report_touches: combine, serialize and deserialize a state
 *	  (report_touches.h), for parallel workers and postgres_fdw shards.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "report_touches.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(abm_report_touches_combine);
PG_FUNCTION_INFO_V1(abm_report_touches_serial);
PG_FUNCTION_INFO_V1(abm_report_touches_deserial);

/* ---------------------------------------------------------------------
 * Combine, serialize, deserialize
 * ---------------------------------------------------------------------
 */

/*
 * Two runs of events in time order into one (partial states of parallel
 * workers come sorted: the leader merges them rather than sorting).
 */
static void
rt_merge_events(RtState *st, const RtState *other, MemoryContext cxt)
{
	int64		n = (int64) st->nevents + other->nevents;
	RtEvent    *out;
	int32		i = 0,
				j = 0,
				k = 0;

	if (n > RT_MAX_EVENTS)
		abm_rt_events_cap();
	out = MemoryContextAlloc(cxt, n * sizeof(RtEvent));
	while (i < st->nevents && j < other->nevents)
	{
		if ((k & 4095) == 4095)
			CHECK_FOR_INTERRUPTS();
		if (other->events[j].at < st->events[i].at)
			out[k++] = other->events[j++];
		else
			out[k++] = st->events[i++];
	}
	memcpy(out + k, st->events + i, (st->nevents - i) * sizeof(RtEvent));
	k += st->nevents - i;
	memcpy(out + k, other->events + j, (other->nevents - j) * sizeof(RtEvent));
	pfree(st->events);
	st->events = out;
	st->nevents = st->capevents = (int32) n;
}

/* st gets everything of other (same parameters and account arguments). */
static void
rt_merge(RtState *st, RtState *other, MemoryContext cxt)
{
	const RtParams *p = st->p;

	if (st->acct_keylen != other->acct_keylen ||
		memcmp(st->acct_key, other->acct_key, st->acct_keylen) != 0)
		abm_rt_account_mismatch();
	if (other->has_first && (!st->has_first || other->first_touch < st->first_touch))
	{
		st->has_first = true;
		st->first_touch = other->first_touch;
	}
	for (int32 i = 0; i < p->nsteps; i++)
	{
		RtPeriod   *o = other->period[i];

		st->flags[i] |= other->flags[i];
		for (int j = 0; j < 3; j++)
			st->score[3 * i + j] += other->score[3 * i + j];
		abm_count_add(&st->surge[2 * i], other->surge[2 * i], "touch count");
		abm_count_add(&st->surge[2 * i + 1], other->surge[2 * i + 1], "touch count");
		if (o != NULL)
		{
			RtPeriod   *pp = abm_rt_period(st, i, cxt);

			for (int a = 0; a < ABM_ACTIVITIES; a++)
				abm_count_add(&pp->counts[a], o->counts[a], "touch count");
			abm_count_add(&pp->identified, o->identified, "touch count");
			abm_count_add(&pp->to_win, o->to_win, "touch count");
			pp->engaged |= o->engaged;
			abm_money_combine(&pp->cost, &o->cost, cxt);
			abm_idset_union(&pp->openers, &o->openers, cxt, &abm_rt_contacts_limit);
			abm_idset_union(&pp->clickers, &o->clickers, cxt, &abm_rt_contacts_limit);
			abm_idset_union(&pp->engaged_ids, &o->engaged_ids, cxt, &abm_rt_contacts_limit);
		}
		if ((i & 63) == 63)
			CHECK_FOR_INTERRUPTS();
	}
	if (!st->events_unsorted && !other->events_unsorted && st->nevents > 0 && other->nevents > 0)
		rt_merge_events(st, other, cxt);
	else
	{
		for (int32 e = 0; e < other->nevents; e++)
		{
			abm_rt_add_event(st, other->events[e].at, other->events[e].tag,
							 other->events[e].kinds, cxt);
			if ((e & 4095) == 4095)
				CHECK_FOR_INTERRUPTS();
		}
	}
	/* the same opportunities in the same order: union of the influenced */
	for (int32 j = 0; j < st->nopp; j++)
	{
		CHECK_FOR_INTERRUPTS();
		if (other->opps[j].influenced && !st->opps[j].influenced)
			abm_rt_influence_mark(st, j);
	}
}

Datum
abm_report_touches_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = abm_agg_context(fcinfo, "abm_report_touches_combine");
	RtState    *st = PG_ARGISNULL(0) ? NULL : (RtState *) PG_GETARG_POINTER(0);
	RtState    *other = (RtState *) PG_GETARG_POINTER(1);

	ABM_COMBINE_NULLS();
	if (st == NULL)
	{
		const RtParams *p = abm_rt_params_intern(fcinfo, other->p->key, other->p->keylen,
											 aggcontext, ERRCODE_INVALID_PARAMETER_VALUE);

		st = abm_rt_state_new(aggcontext, p);
		abm_rt_account_load(st, other->acct_key, other->acct_keylen, aggcontext,
						ERRCODE_INVALID_PARAMETER_VALUE);
	}
	else if (!abm_rt_params_is(st->p, other->p->key, other->p->keylen))
		abm_rt_params_mismatch();
	rt_merge(st, other, aggcontext);
	PG_RETURN_POINTER(st);
}

/*
 * Serialized form: the parameter key and the account key (each a length and
 * bytes), the influenced flag of each opportunity (in creation order), the
 * first touch, per step the flags, the three scores, the two surge counts
 * and the step's accumulators when it has any, then the view-through events
 * (in time order as written here; a reader takes any order).
 */
Datum
abm_report_touches_serial(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = abm_agg_context(fcinfo, "abm_report_touches_serial");
	RtState    *st = (RtState *) PG_GETARG_POINTER(0);
	const RtParams *p = st->p;
	StringInfoData buf;

	abm_write_begin(&buf, ABM_KIND_REPORT_TOUCHES);
	pq_sendint32(&buf, p->keylen);
	pq_sendbytes(&buf, p->key, p->keylen);
	pq_sendint32(&buf, st->acct_keylen);
	pq_sendbytes(&buf, st->acct_key, st->acct_keylen);
	pq_sendint32(&buf, st->nopp);
	for (int32 j = 0; j < st->nopp; j++)
	{
		CHECK_FOR_INTERRUPTS();
		pq_sendbyte(&buf, st->opps[j].influenced ? 1 : 0);
	}
	pq_sendbyte(&buf, st->has_first ? 1 : 0);
	pq_sendint64(&buf, st->has_first ? st->first_touch : 0);
	for (int32 i = 0; i < p->nsteps; i++)
	{
		RtPeriod   *pp = st->period[i];

		CHECK_FOR_INTERRUPTS();
		pq_sendbyte(&buf, st->flags[i]);
		for (int j = 0; j < 3; j++)
			pq_sendfloat8(&buf, st->score[3 * i + j]);
		pq_sendint64(&buf, st->surge[2 * i]);
		pq_sendint64(&buf, st->surge[2 * i + 1]);
		pq_sendbyte(&buf, pp != NULL ? 1 : 0);
		if (pp == NULL)
			continue;
		for (int a = 0; a < ABM_ACTIVITIES; a++)
			pq_sendint64(&buf, pp->counts[a]);
		pq_sendint64(&buf, pp->identified);
		pq_sendint64(&buf, pp->to_win);
		pq_sendbyte(&buf, pp->engaged ? 1 : 0);
		abm_money_write(&buf, &pp->cost);
		abm_idset_write(&buf, &pp->openers, aggcontext, &abm_rt_contacts_limit);
		abm_idset_write(&buf, &pp->clickers, aggcontext, &abm_rt_contacts_limit);
		abm_idset_write(&buf, &pp->engaged_ids, aggcontext, &abm_rt_contacts_limit);
	}
	/* in time order: sorting is the workers' part, merging the leader's */
	if (st->events_unsorted)
	{
		abm_vt_sort(st->events, st->nevents);
		st->events_unsorted = false;
	}
	pq_sendint32(&buf, st->nevents);
	for (int32 e = 0; e < st->nevents; e++)
	{
		CHECK_FOR_INTERRUPTS();
		pq_sendint64(&buf, st->events[e].at);
		pq_sendbyte(&buf, st->events[e].kinds);
	}
	PG_RETURN_BYTEA_P(abm_write_end(&buf));
}

static int64
rt_read_count(AbmReader *r)
{
	int64		v = abm_read_int64(r);

	if (v < 0)
		abm_read_corrupt(r, "A count is negative.");
	return v;
}

Datum
abm_report_touches_deserial(PG_FUNCTION_ARGS)
{
	AbmReader	r;
	int32		len;
	const char *bytes;
	const RtParams *p;
	RtState    *st;
	int32		nopp;
	uint8		flag;
	RtCache    *cache = fcinfo->flinfo->fn_extra;

	abm_read_begin_bytea(&r, PG_GETARG_BYTEA_PP(0), ABM_KIND_REPORT_TOUCHES,
						 "report touches state");
	len = abm_read_count(&r, MaxAllocSize / 2);
	bytes = abm_read_bytes(&r, len);
	/* the parameters are the same for every state of a query: parse once */
	if (cache != NULL && cache->params != NULL && abm_rt_params_is(cache->params, bytes, len))
		p = cache->params;
	else
	{
		p = abm_rt_params_load(bytes, len, fcinfo->flinfo->fn_mcxt,
						   ERRCODE_INVALID_BINARY_REPRESENTATION);
		if (cache == NULL)
			fcinfo->flinfo->fn_extra = cache =
				MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(RtCache));
		cache->params = p;
	}
	st = abm_rt_state_new(CurrentMemoryContext, p);
	len = abm_read_count(&r, MaxAllocSize / 2);
	bytes = abm_read_bytes(&r, len);
	abm_rt_account_load(st, bytes, len, CurrentMemoryContext,
					ERRCODE_INVALID_BINARY_REPRESENTATION);

	nopp = abm_read_count(&r, RT_MAX_OPPORTUNITIES);
	if (nopp != st->nopp)
		abm_read_corrupt(&r, "The influenced flags do not match the opportunities.");
	for (int32 j = 0; j < nopp; j++)
	{
		CHECK_FOR_INTERRUPTS();
		flag = abm_read_uint8(&r);
		if (flag > 1)
			abm_read_corrupt(&r, "Unknown influenced flag.");
		if (flag)
			abm_rt_influence_mark(st, j);
	}
	flag = abm_read_uint8(&r);
	st->first_touch = abm_read_int64(&r);
	if (flag > 1 || (!flag && st->first_touch != 0) ||
		(flag && st->first_touch >= p->bounds[p->nsteps]))
		abm_read_corrupt(&r, "The first touch is out of range.");
	st->has_first = flag;
	for (int32 i = 0; i < p->nsteps; i++)
	{
		RtPeriod   *pp;

		st->flags[i] = abm_read_uint8(&r);
		if (st->flags[i] & ~RT_F_ALL)
			abm_read_corrupt(&r, "Unknown step flags.");
		for (int j = 0; j < 3; j++)
		{
			st->score[3 * i + j] = abm_read_float8(&r);
			if (isnan(st->score[3 * i + j]) || isinf(st->score[3 * i + j]))
				abm_read_corrupt(&r, "A score is not finite.");
		}
		st->surge[2 * i] = rt_read_count(&r);
		st->surge[2 * i + 1] = rt_read_count(&r);
		switch (abm_read_uint8(&r))
		{
			case 0:
				continue;
			case 1:
				break;
			default:
				abm_read_corrupt(&r, "Unknown step flag.");
		}
		pp = abm_rt_period(st, i, CurrentMemoryContext);
		for (int a = 0; a < ABM_ACTIVITIES; a++)
			pp->counts[a] = rt_read_count(&r);
		pp->identified = rt_read_count(&r);
		pp->to_win = rt_read_count(&r);
		flag = abm_read_uint8(&r);
		if (flag > 1)
			abm_read_corrupt(&r, "Unknown engaged flag.");
		pp->engaged = flag;
		abm_money_read_any(&r, &pp->cost);
		abm_idset_read(&r, &pp->openers, &abm_rt_contacts_limit);
		abm_idset_read(&r, &pp->clickers, &abm_rt_contacts_limit);
		abm_idset_read(&r, &pp->engaged_ids, &abm_rt_contacts_limit);
		if ((i & 63) == 63)
			CHECK_FOR_INTERRUPTS();
	}
	st->nevents = abm_read_count(&r, RT_MAX_EVENTS);
	st->capevents = Max(st->nevents, 1);
	st->events = palloc(st->capevents * sizeof(RtEvent));
	for (int32 e = 0; e < st->nevents; e++)
	{
		RtEvent    *ev = &st->events[e];

		ev->at = abm_read_int64(&r);
		ev->kinds = abm_read_uint8(&r);
		if (ev->at >= p->bounds[p->nsteps])
			abm_read_corrupt(&r, "An event is after the last step.");
		ev->tag = abm_rt_step_of(p, ev->at);
		if (ev->kinds == 0 || (ev->kinds & ~RT_EV_ALL) != 0 ||
			(ev->kinds & (ev->kinds - 1)) != 0 ||
			((ev->kinds & (RT_EV_FORM | RT_EV_VISIT)) && ev->tag < 0))
			abm_read_corrupt(&r, "An event has invalid kind bits.");
		if (e > 0 && ev->at < st->events[e - 1].at)
			st->events_unsorted = true;
		if ((e & 4095) == 4095)
			CHECK_FOR_INTERRUPTS();
	}
	abm_read_end(&r);
	PG_RETURN_POINTER(st);
}
