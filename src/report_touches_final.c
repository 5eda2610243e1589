/*-------------------------------------------------------------------------
 *
 * report_touches_final.c
 *	  abm_report_touches: the final function, one abm_report_account per
 *	  step from a state (report_touches.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "report_touches.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

PG_FUNCTION_INFO_V1(abm_report_touches_final);

/* ---------------------------------------------------------------------
 * Final: one abm_report_account per step
 * ---------------------------------------------------------------------
 */

/* The view-through counts of each step (what rt_vt_found adds up). */
typedef struct RtVtCounts
{
	const RtParams *p;
	int64	   *conversions;
	int64	   *visits;
} RtVtCounts;

/*
 * A conversion of step k counts when it and the latest impression before it
 * are no earlier than the step's view-through start (the plain SQL's filter
 * kept no older event in the step's buffer).
 */
static void
rt_vt_found(void *arg, const AbmVtEvent *ev, TimestampTz last_impression)
{
	RtVtCounts *c = arg;

	if (!(ev->kinds & (RT_EV_FORM | RT_EV_VISIT)) ||
		ev->at < c->p->vt_lo[ev->tag] || last_impression < c->p->vt_lo[ev->tag])
		return;
	if (ev->kinds & RT_EV_FORM)
		c->conversions[ev->tag]++;
	else
		c->visits[ev->tag]++;
}

/*
 * View-through conversions and visits per step, as abm_view_through counts
 * them over the events from the step's start - window on (abm_vt_sweep).
 * Sorting in place changes the layout, not the content.
 */
static void
rt_view_through(RtState *st, int64 *conversions, int64 *visits)
{
	RtVtCounts	c = {st->p, conversions, visits};

	abm_vt_sweep(st->events, st->nevents, st->p->within, rt_vt_found, &c);
}

static Datum
rt_ids_array(AbmIdSet *s, MemoryContext cxt)
{
	Datum	   *elems;

	abm_idset_compact(s, cxt, &abm_rt_contacts_limit);
	elems = palloc(Max(s->n, 1) * sizeof(Datum));
	for (int32 i = 0; i < s->n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		elems[i] = Int64GetDatum(s->ids[i]);
	}
	return PointerGetDatum(construct_array(elems, s->n, INT8OID, sizeof(int64),
										   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

typedef struct RtFinalCache
{
	Oid			elemtype;
	int16		elemlen;
	bool		elembyval;
	char		elemalign;
	TupleDesc	tupdesc;
} RtFinalCache;

Datum
abm_report_touches_final(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = abm_agg_context(fcinfo, "abm_report_touches_final");
	RtFinalCache *fc = fcinfo->flinfo->fn_extra;
	RtState    *st;
	const RtParams *p;
	int32		n;
	int64	   *conversions;
	int64	   *visits;
	int64	   *influenced;
	AbmMoneySum *influenced_amount;
	int64	   *influenced_amounts;
	Datum	   *steps;
	Datum		zero = abm_numeric_zero();

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (RtState *) PG_GETARG_POINTER(0);
	p = st->p;
	n = p->nsteps;

	if (fc == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		/* abm_report_accounts, a domain over abm_report_account[] */
		Oid			arraytype = getBaseType(get_func_rettype(fcinfo->flinfo->fn_oid));

		fc = palloc0(sizeof(RtFinalCache));
		fc->elemtype = get_element_type(arraytype);
		if (!OidIsValid(fc->elemtype))
			elog(ERROR, "abm_report_touches_final must return an array");
		get_typlenbyvalalign(fc->elemtype, &fc->elemlen, &fc->elembyval, &fc->elemalign);
		fc->tupdesc = BlessTupleDesc(lookup_rowtype_tupdesc_copy(fc->elemtype, -1));
		if (fc->tupdesc->natts != RT_COLUMNS)
			elog(ERROR, "abm_report_account has %d columns, expected %d",
				 fc->tupdesc->natts, RT_COLUMNS);
		fcinfo->flinfo->fn_extra = fc;
		MemoryContextSwitchTo(old);
	}

	conversions = palloc0(n * sizeof(int64));
	visits = palloc0(n * sizeof(int64));
	influenced = palloc0(n * sizeof(int64));
	influenced_amounts = palloc0(n * sizeof(int64));
	influenced_amount = palloc(n * sizeof(AbmMoneySum));
	for (int32 i = 0; i < n; i++)
		abm_money_init(&influenced_amount[i]);
	rt_view_through(st, conversions, visits);
	for (int32 j = 0; j < st->nopp; j++)
	{
		const RtOpportunity *o = &st->opps[j];

		CHECK_FOR_INTERRUPTS();
		if (!o->influenced)
			continue;
		influenced[o->step]++;
		if (!o->amount_null)
		{
			abm_money_add(&influenced_amount[o->step], NumericGetDatum(o->amount),
						  CurrentMemoryContext);
			influenced_amounts[o->step]++;
		}
	}

	steps = palloc(n * sizeof(Datum));
	for (int32 i = 0; i < n; i++)
	{
		Datum		values[RT_COLUMNS];
		bool		nulls[RT_COLUMNS];
		RtPeriod   *pp = st->period[i];
		uint8		f = st->flags[i];

		CHECK_FOR_INTERRUPTS();
		memset(nulls, 0, sizeof(nulls));
		values[COL_STEP] = Int32GetDatum(i + 1);
		nulls[COL_FIRST_TOUCH] = !st->has_first || st->first_touch >= p->bounds[i + 1];
		values[COL_FIRST_TOUCH] = TimestampTzGetDatum(st->first_touch);
		nulls[COL_SCORE_END] = !(f & RT_F_SCORE);
		values[COL_SCORE_END] = Float8GetDatum(st->score[3 * i]);
		nulls[COL_REL_END] = !(f & RT_F_REL_END);
		values[COL_REL_END] = Float8GetDatum(st->score[3 * i + 1]);
		nulls[COL_REL_START] = !(f & RT_F_REL_START);
		values[COL_REL_START] = Float8GetDatum(st->score[3 * i + 2]);
		values[COL_ENGAGED] = BoolGetDatum(pp != NULL && pp->engaged);
		for (int a = 0; a < ABM_ACTIVITIES; a++)
			values[COL_COUNTS + a] = Int64GetDatum(pp != NULL ? pp->counts[a] : 0);
		values[COL_IDENTIFIED] = Int64GetDatum(pp != NULL ? pp->identified : 0);
		values[COL_OPENERS] = Int64GetDatum(pp != NULL ?
											abm_idset_count(&pp->openers, aggcontext, &abm_rt_contacts_limit) : 0);
		values[COL_CLICKERS] = Int64GetDatum(pp != NULL ?
											 abm_idset_count(&pp->clickers, aggcontext, &abm_rt_contacts_limit) : 0);
		if (pp != NULL && abm_idset_count(&pp->engaged_ids, aggcontext, &abm_rt_contacts_limit) > 0)
			values[COL_ENGAGED_IDS] = rt_ids_array(&pp->engaged_ids, aggcontext);
		else
			nulls[COL_ENGAGED_IDS] = true;
		values[COL_COST] = pp != NULL ? abm_money_result(&pp->cost) : zero;
		values[COL_VT_CONVERSIONS] = Int64GetDatum(conversions[i]);
		values[COL_VT_VISITS] = Int64GetDatum(visits[i]);
		nulls[COL_SURGE] = !(f & RT_F_SURGE);
		if (f & RT_F_SURGE)
		{
			float8		expected = (float8) st->surge[2 * i + 1] *
				((float8) p->recent / (float8) p->baseline);

			values[COL_SURGE] = Float8GetDatum(((float8) st->surge[2 * i] - expected) /
											   sqrt(Max(expected, 1.0)));
		}
		values[COL_TO_WIN] = Int64GetDatum(pp != NULL ? pp->to_win : 0);
		values[COL_INFLUENCED] = Int64GetDatum(influenced[i]);
		nulls[COL_INFLUENCED_AMOUNT] = influenced_amounts[i] == 0;
		if (influenced_amounts[i] > 0)
			values[COL_INFLUENCED_AMOUNT] = abm_money_result(&influenced_amount[i]);
		steps[i] = HeapTupleGetDatum(heap_form_tuple(fc->tupdesc, values, nulls));
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(steps, n, fc->elemtype, fc->elemlen,
										  fc->elembyval, fc->elemalign));
}
