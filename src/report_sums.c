/*-------------------------------------------------------------------------
 *
 * report_sums.c
 *	  abm_report_sums: the per-step sums abm_report takes of its pass rows
 *	  (one abm_report_accounts per account, with the account's weights and
 *	  its committee), added up in C instead of over one SQL row per account
 *	  and step.
 *
 * Each sum is the one the SQL aggregate gave: the counts of bigint columns
 * as numeric, exact (int128); the money columns exact (money.h); the
 * weighted scores as float8, added in input order from the first value on,
 * as sum(float8) adds them, with float8_pl's overflow error; the weights
 * (copies, fit_ok) as bigint.  A sum over no value is NULL.  The state is
 * the sums of each step up to the highest step number seen (at most
 * RS_MAX_STEPS).  The account's committee is read and sorted once per row,
 * and each element's work is done in a memory context reset after it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "abm.h"
#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "coverage.h"
#include "funcapi.h"
#include "money.h"
#include "report_touches.h"
#include "rowarray.h"
#include "utils/array.h"
#include "utils/float.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(abm_report_sums_trans);
PG_FUNCTION_INFO_V1(abm_report_sums_final);

/* Steps one state holds: the steps abm_report_touches computes. */
#define RS_MAX_STEPS	RT_MAX_STEPS

/* The bigint columns of abm_report_account summed as numeric, in order. */
#define RS_COUNTS	(ABM_ACTIVITIES + 7)
static const int rs_count_cols[RS_COUNTS] = {
	COL_COUNTS + 0, COL_COUNTS + 1, COL_COUNTS + 2, COL_COUNTS + 3,
	COL_COUNTS + 4, COL_COUNTS + 5, COL_COUNTS + 6, COL_COUNTS + 7,
	COL_COUNTS + 8, COL_COUNTS + 9, COL_COUNTS + 10, COL_COUNTS + 11,
	COL_IDENTIFIED, COL_OPENERS, COL_CLICKERS,
	COL_VT_CONVERSIONS, COL_VT_VISITS, COL_TO_WIN, COL_INFLUENCED
};

StaticAssertDecl(ABM_ACTIVITIES == 12, "abm_report_step_sums has 12 activity counts");

/* Weighted sums: bigint, float8. */
enum
{
	RS_ENGAGED, RS_ABOVE, RS_SURGING, RS_MQAS, RS_COMMITTEE_ENGAGED, RS_INTS
};
enum
{
	RS_SCORE, RS_REL_START, RS_REL_END, RS_COVERAGE, RS_PENETRATION, RS_FLOATS
};

/* The columns of abm_report_step_sums. */
enum
{
	OUT_STEP,
	OUT_COUNTS,					/* RS_COUNTS numeric */
	OUT_SPEND = OUT_COUNTS + RS_COUNTS - 4,
	OUT_VT_CONVERSIONS,			/* the last four counts follow the spend */
	OUT_INFLUENCED_AMOUNT = OUT_VT_CONVERSIONS + 4,
	OUT_ENGAGED,
	OUT_ABOVE,
	OUT_SCORE,
	OUT_REL_START,
	OUT_REL_END,
	OUT_SURGING,
	OUT_MQAS,
	OUT_COMMITTEE_ENGAGED,
	OUT_COVERAGE,
	OUT_PENETRATION,
	OUT_COLUMNS
};

/* The output column of each weighted sum. */
static const int rs_int_out[RS_INTS] = {
	OUT_ENGAGED, OUT_ABOVE, OUT_SURGING, OUT_MQAS, OUT_COMMITTEE_ENGAGED
};
static const int rs_float_out[RS_FLOATS] = {
	OUT_SCORE, OUT_REL_START, OUT_REL_END, OUT_COVERAGE, OUT_PENETRATION
};

typedef struct RsStep
{
	bool		seen;
	int128		count[RS_COUNTS];
	bool		count_any[RS_COUNTS];
	AbmMoneySum spend;
	bool		spend_any;
	AbmMoneySum influenced_amount;
	bool		influenced_amount_any;
	int64		ints[RS_INTS];
	bool		ints_any[RS_INTS];
	float8		floats[RS_FLOATS];
	bool		floats_any[RS_FLOATS];
} RsStep;

typedef struct RsState
{
	int32		nsteps;			/* steps allocated: step s is steps[s - 1] */
	RsStep	   *steps;
} RsState;

/* Per call site: the row types and the committee's parsed parameters. */
typedef struct RsCache
{
	AbmRowArray in;				/* abm_report_account */
	AbmRowArray out;			/* abm_report_step_sums */
	const void *committee;		/* the committee's parsed parameters */
	MemoryContext element_cxt;	/* reset after each element */
} RsCache;

static RsCache *
rs_cache(FunctionCallInfo fcinfo)
{
	RsCache    *c = fcinfo->flinfo->fn_extra;

	if (c == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		c = palloc0(sizeof(RsCache));
		fcinfo->flinfo->fn_extra = c;
		MemoryContextSwitchTo(old);
	}
	return c;
}

static void
rs_int_add(RsStep *s, int which, int64 v)
{
	if (s->ints_any[which])
	{
		if (pg_add_s64_overflow(s->ints[which], v, &s->ints[which]))
			abm_count_overflow("sum of abm_report_sums");
	}
	else
		s->ints[which] = v;
	s->ints_any[which] = true;
}

static void
rs_float_add(RsStep *s, int which, float8 v)
{
	s->floats[which] = s->floats_any[which] ? float8_pl(s->floats[which], v) : v;
	s->floats_any[which] = true;
}

/* The sums of step (1, 2, ...), allocated (zeroed) as the steps grow. */
static RsStep *
rs_step(RsState *st, int32 step, MemoryContext aggcontext)
{
	if (step < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("abm_report_sums steps must be at least 1"),
				 errdetail("An element has step = %d.", step),
				 errhint("Pass the result of abm_report_touches.")));
	if (step > RS_MAX_STEPS)
		abm_cap_exceeded("steps", "abm_report_sums", RS_MAX_STEPS,
						 "Report per fewer steps.");
	if (step > st->nsteps)
	{
		int32		n = Min(Max(step, st->nsteps * 2), RS_MAX_STEPS);
		RsStep	   *grown = MemoryContextAllocZero(aggcontext, n * sizeof(RsStep));

		if (st->nsteps > 0)
		{
			memcpy(grown, st->steps, st->nsteps * sizeof(RsStep));
			pfree(st->steps);
		}
		for (int32 i = st->nsteps; i < n; i++)
		{
			abm_money_init(&grown[i].spend);
			abm_money_init(&grown[i].influenced_amount);
		}
		st->steps = grown;
		st->nsteps = n;
	}
	return &st->steps[step - 1];
}

/* The arguments of one row besides its pass row (NULL flags set). */
typedef struct RsRow
{
	bool		copies_null;
	int32		copies;
	bool		fit_ok_null;
	int32		fit_ok;
	ArrayType  *contact_ids;	/* NULL: no committee */
	ArrayType  *roles;
	bool		engaged_min_null;
	float8		engaged_min;
	bool		mqa_score_null;
	float8		mqa_score;
	bool		mqa_contacts_null;
	int32		mqa_contacts;
	AbmCommittee *committee;	/* read at the first step that needs it */
} RsRow;

/*
 * One element (a step of the account) added to its step's sums; v and n are
 * its columns.  Runs in the element's memory context; the committee is read
 * in callcxt, for all the row's steps.
 */
static void
rs_add_element(FunctionCallInfo fcinfo, RsState *st, RsRow *row, const Datum *v, const bool *n,
			   MemoryContext callcxt, MemoryContext aggcontext)
{
	RsStep	   *s = rs_step(st, DatumGetInt32(v[COL_STEP]), aggcontext);
	ArrayType  *engaged_ids = n[COL_ENGAGED_IDS] ? NULL : DatumGetArrayTypeP(v[COL_ENGAGED_IDS]);
	float8		score = n[COL_SCORE_END] ? 0.0 : DatumGetFloat8(v[COL_SCORE_END]);	/* coalesce(, 0) */

	s->seen = true;
	for (int c = 0; c < RS_COUNTS; c++)
	{
		if (n[rs_count_cols[c]])
			continue;
		s->count[c] += DatumGetInt64(v[rs_count_cols[c]]);
		s->count_any[c] = true;
	}
	if (!n[COL_COST])
	{
		abm_money_add(&s->spend, v[COL_COST], aggcontext);
		s->spend_any = true;
	}
	if (!n[COL_INFLUENCED_AMOUNT])
	{
		abm_money_add(&s->influenced_amount, v[COL_INFLUENCED_AMOUNT], aggcontext);
		s->influenced_amount_any = true;
	}

	/* the accounts' weights */
	if (!row->copies_null)
	{
		float8		copies = (float8) row->copies;

		if (!n[COL_ENGAGED] && DatumGetBool(v[COL_ENGAGED]))
			rs_int_add(s, RS_ENGAGED, row->copies);
		if (!row->engaged_min_null && float8_ge(score, row->engaged_min))
			rs_int_add(s, RS_ABOVE, row->copies);
		if (!n[COL_SURGE] && float8_ge(DatumGetFloat8(v[COL_SURGE]), 2.0))
			rs_int_add(s, RS_SURGING, row->copies);
		rs_float_add(s, RS_SCORE, float8_mul(score, copies));
		rs_float_add(s, RS_REL_START,
					 float8_mul(n[COL_REL_START] ? 0.0 : DatumGetFloat8(v[COL_REL_START]), copies));
		rs_float_add(s, RS_REL_END,
					 float8_mul(n[COL_REL_END] ? 0.0 : DatumGetFloat8(v[COL_REL_END]), copies));
	}
	if (!row->fit_ok_null && !row->mqa_score_null && !row->mqa_contacts_null &&
		float8_ge(score, row->mqa_score) &&
		(engaged_ids == NULL ? 0 : ArrayGetNItems(ARR_NDIM(engaged_ids), ARR_DIMS(engaged_ids)))
		>= row->mqa_contacts)
		rs_int_add(s, RS_MQAS, row->fit_ok);

	/* the committee, with the step's engaged contacts */
	if (row->contact_ids != NULL && engaged_ids != NULL)
	{
		AbmCommitteeMeasure m;

		if (row->committee == NULL)
		{
			MemoryContext old = MemoryContextSwitchTo(callcxt);

			row->committee = abm_committee_prepare(&rs_cache(fcinfo)->committee,
												   fcinfo->flinfo->fn_mcxt,
												   row->contact_ids, row->roles,
												   PG_ARGISNULL(9) ? NULL : PG_GETARG_ARRAYTYPE_P(9),
												   PG_ARGISNULL(10),
												   PG_ARGISNULL(10) ? 0.0 : PG_GETARG_FLOAT8(10));
			MemoryContextSwitchTo(old);
		}
		abm_committee_measure(row->committee, engaged_ids, &m);
		rs_int_add(s, RS_COMMITTEE_ENGAGED, m.engaged);
		if (!m.coverage_null)
			rs_float_add(s, RS_COVERAGE, m.coverage);
		rs_float_add(s, RS_PENETRATION, m.penetration);
	}
}

/*
 * abm_report_sums_trans(state, accounts, copies, fit_ok, contact_ids, roles,
 * engaged_min_score, mqa_min_score, mqa_min_contacts, required_roles,
 * committee_size): one account's steps added to the sums of each step.
 */
Datum
abm_report_sums_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = abm_agg_context(fcinfo, "abm_report_sums_trans");
	MemoryContext callcxt = CurrentMemoryContext;
	RsState    *st = PG_ARGISNULL(0) ? NULL : (RsState *) PG_GETARG_POINTER(0);
	RsCache    *cache = rs_cache(fcinfo);
	RsRow		row;
	ArrayType  *accounts;
	Datum	   *elems;
	bool	   *elem_nulls;
	int			nelems;

	if (st == NULL)
		st = MemoryContextAllocZero(aggcontext, sizeof(RsState));
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(st);
	accounts = PG_GETARG_ARRAYTYPE_P(1);
	if (cache->in.tupdesc == NULL)
	{
		abm_row_array_init(fcinfo, &cache->in, ARR_ELEMTYPE(accounts), RT_COLUMNS,
						   "abm_report_account");
		cache->element_cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt,
												   "abm_report_sums element",
												   ALLOCSET_DEFAULT_SIZES);
	}
	if (ARR_ELEMTYPE(accounts) != cache->in.elemtype)
		elog(ERROR, "abm_report_sums: unexpected element type %u", ARR_ELEMTYPE(accounts));
	deconstruct_array(accounts, cache->in.elemtype, cache->in.elemlen, cache->in.elembyval,
					  cache->in.elemalign, &elems, &elem_nulls, &nelems);

	row.copies_null = PG_ARGISNULL(2);
	row.copies = row.copies_null ? 0 : PG_GETARG_INT32(2);
	row.fit_ok_null = PG_ARGISNULL(3);
	row.fit_ok = row.fit_ok_null ? 0 : PG_GETARG_INT32(3);
	row.contact_ids = PG_ARGISNULL(4) ? NULL : PG_GETARG_ARRAYTYPE_P(4);
	row.roles = PG_ARGISNULL(5) ? NULL : PG_GETARG_ARRAYTYPE_P(5);
	row.engaged_min_null = PG_ARGISNULL(6);
	row.engaged_min = row.engaged_min_null ? 0.0 : PG_GETARG_FLOAT8(6);
	row.mqa_score_null = PG_ARGISNULL(7);
	row.mqa_score = row.mqa_score_null ? 0.0 : PG_GETARG_FLOAT8(7);
	row.mqa_contacts_null = PG_ARGISNULL(8);
	row.mqa_contacts = row.mqa_contacts_null ? 0 : PG_GETARG_INT32(8);
	row.committee = NULL;

	for (int i = 0; i < nelems; i++)
	{
		HeapTupleHeader th;
		HeapTupleData tup;
		Datum		v[RT_COLUMNS];
		bool		n[RT_COLUMNS];

		CHECK_FOR_INTERRUPTS();
		if (elem_nulls[i])
			continue;
		MemoryContextSwitchTo(cache->element_cxt);
		th = DatumGetHeapTupleHeader(elems[i]);
		tup.t_len = HeapTupleHeaderGetDatumLength(th);
		ItemPointerSetInvalid(&tup.t_self);
		tup.t_tableOid = InvalidOid;
		tup.t_data = th;
		heap_deform_tuple(&tup, cache->in.tupdesc, v, n);
		/* a NULL step is a step of its own, which no step of the report joins */
		if (!n[COL_STEP])
			rs_add_element(fcinfo, st, &row, v, n, callcxt, aggcontext);
		MemoryContextSwitchTo(callcxt);
		MemoryContextReset(cache->element_cxt);
	}
	PG_RETURN_POINTER(st);
}

/* The sums of each step seen, in step order; NULL when none was. */
Datum
abm_report_sums_final(PG_FUNCTION_ARGS)
{
	RsCache    *cache = rs_cache(fcinfo);
	RsState    *st;
	Datum	   *out;
	int32		nout = 0;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (RsState *) PG_GETARG_POINTER(0);
	if (cache->out.tupdesc == NULL)
		abm_row_array_init(fcinfo, &cache->out, InvalidOid, OUT_COLUMNS, "abm_report_step_sums");
	out = palloc(Max(st->nsteps, 1) * sizeof(Datum));
	for (int32 k = 0; k < st->nsteps; k++)
	{
		const RsStep *s = &st->steps[k];
		Datum		v[OUT_COLUMNS];
		bool		n[OUT_COLUMNS];

		CHECK_FOR_INTERRUPTS();
		if (!s->seen)
			continue;
		memset(n, 0, sizeof(n));
		v[OUT_STEP] = Int32GetDatum(k + 1);
		for (int c = 0; c < RS_COUNTS; c++)
		{
			/* the spend sits between the counts and the last four */
			int			col = c < RS_COUNTS - 4 ? OUT_COUNTS + c : OUT_VT_CONVERSIONS + (c - (RS_COUNTS - 4));

			n[col] = !s->count_any[c];
			if (s->count_any[c])
				v[col] = abm_int128_numeric(s->count[c], 0, 0);
		}
		n[OUT_SPEND] = !s->spend_any;
		if (s->spend_any)
			v[OUT_SPEND] = abm_money_result(&s->spend);
		n[OUT_INFLUENCED_AMOUNT] = !s->influenced_amount_any;
		if (s->influenced_amount_any)
			v[OUT_INFLUENCED_AMOUNT] = abm_money_result(&s->influenced_amount);
		for (int w = 0; w < RS_INTS; w++)
		{
			n[rs_int_out[w]] = !s->ints_any[w];
			v[rs_int_out[w]] = Int64GetDatum(s->ints[w]);
		}
		for (int w = 0; w < RS_FLOATS; w++)
		{
			n[rs_float_out[w]] = !s->floats_any[w];
			v[rs_float_out[w]] = Float8GetDatum(s->floats[w]);
		}
		out[nout++] = HeapTupleGetDatum(heap_form_tuple(cache->out.tupdesc, v, n));
	}
	if (nout == 0)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(abm_row_array_build(&cache->out, out, nout));
}
