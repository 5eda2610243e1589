/*-------------------------------------------------------------------------
 *
 * report_contracts.c
 *	  abm_report_contracts: the contract KPIs of abm_report for every step
 *	  at once (the customers at the step's start and end and their ARR, the
 *	  customers up for renewal and renewed, the revenue won by class), in
 *	  one aggregate over the contracts of the target accounts instead of
 *	  self-joins of the contracts and a scan of them per step.
 *
 * Rows: account (a key that the rows of one account share), starts_on,
 * ends_on, amount (NULL: a free pilot).  Constant: the dates of the step
 * bounds (not decreasing) and grace.  A row without an account or a date,
 * of no days (ends_on <= starts_on), or starting on or after the last
 * bound's date is left out, as the report leaves it out.  Each definition
 * is the report's (docs/kpis.md), and the arithmetic is the plain SQL's,
 * through the functions its operators call:
 *   arr = round(amount * 365.25 / (ends_on - starts_on), 2)
 *   grace_end = (ends_on + grace)::date, grace_start = (ends_on - grace)::date
 *   a renewal's value = amount * (its renewer's days) / (its days)
 * with sums exact and shown with the display scale sum(numeric) gives
 * (money.h), 0 for a sum of no value (coalesce(sum(...), 0)).  The step of a
 * date d in [first bound, last bound) is the number of bounds' dates at or
 * before d, as width_bucket(d, dates) gives it.
 *
 * Per step and account (docs/kpis.md has the definitions):
 *   customers: a contract in force at the step's start date (starts_on <
 *   date <= ends_on), at its end date, both; their ARR at each (the sum of
 *   the arr of the contracts in force), expansion, contraction, churn and
 *   the ARR kept (the least of both);
 *   renewal: the contract whose grace_end falls in the step and ends last
 *   is up; it is renewed when a contract of the account starts on or before
 *   its grace_end and ends after it;
 *   revenue: a contract starting in the step is an existing customer's when
 *   another contract of the account started before it and had a grace_end
 *   on or after its start, and new-logo otherwise; each contract p is
 *   renewed, in each step, by the first contract n that starts in that
 *   step after p, within p's grace window [grace_start, grace_end]
 *   (earliest start, then the largest amount, no amount first, then the
 *   latest end, then the first row), for p's value over n's term; an
 *   existing customer's contract is renewal up to the sum of what it
 *   renews, rounded to cents, and expansion beyond it.
 *
 * The rows are kept (at most RC_MAX_ROWS) and worked through account by
 * account in the final function, in a memory context reset after each
 * account.  An account's renewals compare its contracts pairwise, as the
 * plain SQL's self-join did; every loop checks for interrupts.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "abm.h"
#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "money.h"
#include "rowarray.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datum.h"
#include "utils/fmgrprotos.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

PG_FUNCTION_INFO_V1(abm_report_contracts_trans);
PG_FUNCTION_INFO_V1(abm_report_contracts_final);

/* Rows one state keeps, and the bounds (the report's 1 000 steps). */
#define RC_MAX_ROWS		4000000
#define RC_MAX_BOUNDS	1001

/* The bigint columns of abm_report_step_contracts, in order. */
enum
{
	RC_AT_START, RC_AT_END, RC_RETAINED, RC_UP, RC_RENEWED, RC_EXPANDED, RC_COUNTS
};

/* The numeric columns, in order. */
enum
{
	RC_ARR_START, RC_ARR_EXPANSION, RC_ARR_CONTRACTION, RC_ARR_CHURN, RC_ARR_END,
	RC_ARR_KEPT, RC_NEW_LOGO, RC_RENEWAL, RC_EXPANSION, RC_TOTAL, RC_MONEY
};

/* The columns of abm_report_step_contracts. */
enum
{
	OUT_STEP,
	OUT_AT_START, OUT_AT_END, OUT_RETAINED,
	OUT_ARR_START, OUT_ARR_EXPANSION, OUT_ARR_CONTRACTION, OUT_ARR_CHURN, OUT_ARR_END,
	OUT_ARR_KEPT,
	OUT_UP, OUT_RENEWED,
	OUT_NEW_LOGO, OUT_RENEWAL, OUT_EXPANSION, OUT_TOTAL,
	OUT_EXPANDED,
	OUT_COLUMNS
};

static const int rc_count_out[RC_COUNTS] = {
	OUT_AT_START, OUT_AT_END, OUT_RETAINED, OUT_UP, OUT_RENEWED, OUT_EXPANDED
};
static const int rc_money_out[RC_MONEY] = {
	OUT_ARR_START, OUT_ARR_EXPANSION, OUT_ARR_CONTRACTION, OUT_ARR_CHURN, OUT_ARR_END,
	OUT_ARR_KEPT, OUT_NEW_LOGO, OUT_RENEWAL, OUT_EXPANSION, OUT_TOTAL
};

typedef struct RcStep
{
	int64		count[RC_COUNTS];
	AbmMoneySum money[RC_MONEY];
	bool		money_any[RC_MONEY];
} RcStep;

/* A row as kept. */
typedef struct RcRow
{
	int64		account;
	int64		order;			/* arrival: the last tie-break */
	DateADT		starts_on;
	DateADT		ends_on;
	bool		amount_null;
	Datum		amount;			/* numeric, in the aggregate's context */
} RcRow;

/* A row of the account being worked through, with what is derived of it. */
typedef struct RcContract
{
	const RcRow *row;
	Datum		arr;			/* (Datum) 0: none (no amount) */
	DateADT		grace_start;
	DateADT		grace_end;
	int32		days;
	int32		lo;				/* in force at the bounds lo .. hi (1-based) */
	int32		hi;
	int32		won_step;		/* the step it starts in, or 0 */
	int32		up_step;		/* the step its grace_end falls in, or 0 */
	bool		existing;
	AbmMoneySum claimed;		/* the values of the contracts it renews */
} RcContract;

typedef struct RcState
{
	int32		nbounds;
	DateADT    *bounds;			/* the bounds' dates, not decreasing */
	Interval	grace;
	Datum		bounds_arg;		/* as given, to compare later rows with */
	bool		args_fixed;
	int64		nrows;
	int64		caprows;
	RcRow	   *rows;
} RcState;

pg_noreturn static void
rc_bad(const char *msg, const char *detail, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s", msg),
			 errdetail("%s", detail),
			 errhint("%s", hint)));
}

/* The constant arguments, read and checked on the first row. */
static void
rc_read_args(FunctionCallInfo fcinfo, RcState *st, MemoryContext aggcontext)
{
	ArrayType  *a;
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	Interval	zero;

	if (PG_ARGISNULL(5) || PG_ARGISNULL(6))
		rc_bad("the bound dates and grace of abm_report_contracts must not be NULL",
			   psprintf("bound_dates is %s, grace is %s.", PG_ARGISNULL(5) ? "NULL" : "given",
						PG_ARGISNULL(6) ? "NULL" : "given"),
			   "Pass the dates of the step bounds and the renewal grace period.");
	a = PG_GETARG_ARRAYTYPE_P(5);
	if (ARR_NDIM(a) > 1)
		rc_bad("bound_dates must be a one-dimensional array",
			   psprintf("It has %d dimensions.", ARR_NDIM(a)),
			   "Pass the dates of the step bounds as a date[].");
	deconstruct_array(a, DATEOID, sizeof(DateADT), true, TYPALIGN_INT, &elems, &nulls, &n);
	if (n < 2 || n > RC_MAX_BOUNDS)
		rc_bad("abm_report_contracts needs 2 to 1001 bound dates",
			   psprintf("bound_dates has %d elements.", n),
			   "Pass the date of the start of every step and of the end of the last.");
	st->bounds = MemoryContextAlloc(aggcontext, n * sizeof(DateADT));
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			rc_bad("bound_dates must not contain NULL",
				   psprintf("Element %d of bound_dates is NULL.", i + 1),
				   "Pass the date of the start of every step and of the end of the last.");
		st->bounds[i] = DatumGetDateADT(elems[i]);
		if (DATE_NOT_FINITE(st->bounds[i]))
			rc_bad("the bound dates of abm_report_contracts must be finite",
				   psprintf("bound_dates[%d] is %s.", i + 1,
							DatumGetCString(DirectFunctionCall1(date_out, elems[i]))),
				   "Pass the dates of finite bounds.");
		if (i > 0 && st->bounds[i] < st->bounds[i - 1])
			rc_bad("the bound dates of abm_report_contracts must not decrease",
				   psprintf("bound_dates[%d] = %s comes after bound_dates[%d] = %s.", i,
							DatumGetCString(DirectFunctionCall1(date_out, elems[i - 1])), i + 1,
							DatumGetCString(DirectFunctionCall1(date_out, elems[i]))),
				   "Pass the dates of the step bounds in order.");
	}
	st->nbounds = n;
	st->grace = *PG_GETARG_INTERVAL_P(6);
	memset(&zero, 0, sizeof(zero));
	if (DatumGetBool(DirectFunctionCall2(interval_lt, PG_GETARG_DATUM(6), IntervalPGetDatum(&zero))))
		rc_bad("grace must not be negative",
			   psprintf("grace = %s.", DatumGetCString(DirectFunctionCall1(interval_out,
																		   PG_GETARG_DATUM(6)))),
			   "Pass the renewal grace period as an interval, such as '30 days'.");
	st->args_fixed = abm_agg_args_fixed(fcinfo, 5, 6);
	if (!st->args_fixed)
	{
		MemoryContext old = MemoryContextSwitchTo(aggcontext);

		st->bounds_arg = datumCopy(PointerGetDatum(a), false, -1);
		MemoryContextSwitchTo(old);
	}
}

/* A later row's constant arguments: the first row's. */
static void
rc_check_args(FunctionCallInfo fcinfo, const RcState *st)
{
	if (PG_ARGISNULL(5) || PG_ARGISNULL(6) ||
		!datumIsEqual(PointerGetDatum(PG_GETARG_ARRAYTYPE_P(5)), st->bounds_arg, false, -1) ||
		memcmp(PG_GETARG_INTERVAL_P(6), &st->grace, sizeof(Interval)) != 0)
		rc_bad("the bound dates and grace of abm_report_contracts must be the same on every row",
			   "A row has other bound dates or another grace than the first row.",
			   "Pass them as constants.");
}

/*
 * abm_report_contracts_trans(state, account, starts_on, ends_on, amount,
 * bound_dates, grace): the row kept, unless the report leaves it out.
 */
Datum
abm_report_contracts_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = abm_agg_context(fcinfo, "abm_report_contracts_trans");
	RcState    *st = PG_ARGISNULL(0) ? NULL : (RcState *) PG_GETARG_POINTER(0);
	RcRow	   *r;
	DateADT		starts_on;
	DateADT		ends_on;

	if (st == NULL)
	{
		st = MemoryContextAllocZero(aggcontext, sizeof(RcState));
		rc_read_args(fcinfo, st, aggcontext);
	}
	else if (!st->args_fixed)
		rc_check_args(fcinfo, st);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_POINTER(st);
	starts_on = PG_GETARG_DATEADT(2);
	ends_on = PG_GETARG_DATEADT(3);
	if (ends_on <= starts_on || starts_on >= st->bounds[st->nbounds - 1])
		PG_RETURN_POINTER(st);

	if (st->nrows == st->caprows)
	{
		int64		cap;

		if (st->nrows >= RC_MAX_ROWS)
			abm_cap_exceeded("contracts", "abm_report_contracts", RC_MAX_ROWS,
							 "Report on fewer target accounts, or leave out contracts that ended before the period.");
		cap = Min(Max(st->caprows * 2, 64), RC_MAX_ROWS);
		st->rows = st->rows == NULL ? MemoryContextAlloc(aggcontext, cap * sizeof(RcRow))
			: repalloc_huge(st->rows, cap * sizeof(RcRow));
		st->caprows = cap;
	}
	r = &st->rows[st->nrows];
	r->account = PG_GETARG_INT64(1);
	r->order = st->nrows++;
	r->starts_on = starts_on;
	r->ends_on = ends_on;
	r->amount_null = PG_ARGISNULL(4);
	r->amount = 0;
	if (!r->amount_null)
	{
		MemoryContext old = MemoryContextSwitchTo(aggcontext);

		r->amount = NumericGetDatum(PG_GETARG_NUMERIC_COPY(4));
		MemoryContextSwitchTo(old);
	}
	PG_RETURN_POINTER(st);
}

/* The number of bounds' dates at or before d (width_bucket). */
static int32
rc_bucket(const RcState *st, DateADT d)
{
	int32		lo = 0;
	int32		hi = st->nbounds;

	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (st->bounds[mid] <= d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The step (1 ..) of a date in [first bound, last bound), or 0. */
static int32
rc_step_of(const RcState *st, DateADT d)
{
	if (d < st->bounds[0] || d >= st->bounds[st->nbounds - 1])
		return 0;
	return rc_bucket(st, d);
}

static void
rc_money_add(RcStep *s, int which, Datum v, MemoryContext aggcontext)
{
	abm_money_add(&s->money[which], v, aggcontext);
	s->money_any[which] = true;
}

static void
rc_count_add(RcStep *s, int which)
{
	abm_count_add(&s->count[which], 1, "count of abm_report_contracts");
}

static int
rc_cmp(Datum a, Datum b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, a, b));
}

static int
rc_row_cmp(const void *a, const void *b)
{
	const RcRow *x = a;
	const RcRow *y = b;

	if (x->account != y->account)
		return x->account < y->account ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order ? 1 : 0;
}

/*
 * The order in which a contract renews: the earliest start, then the
 * largest amount (no amount first, as ORDER BY amount DESC puts it), the
 * latest end, the first row.
 */
static int
rc_renewer_cmp(const void *a, const void *b)
{
	const RcContract *x = *(RcContract *const *) a;
	const RcContract *y = *(RcContract *const *) b;

	if (x->row->starts_on != y->row->starts_on)
		return x->row->starts_on < y->row->starts_on ? -1 : 1;
	if (x->row->amount_null != y->row->amount_null)
		return x->row->amount_null ? -1 : 1;
	if (!x->row->amount_null)
	{
		int			c = rc_cmp(y->row->amount, x->row->amount);

		if (c != 0)
			return c;
	}
	if (x->row->ends_on != y->row->ends_on)
		return x->row->ends_on > y->row->ends_on ? -1 : 1;
	return x->row->order < y->row->order ? -1 : x->row->order > y->row->order ? 1 : 0;
}

/* The contracts of one account, derived from its rows. */
static RcContract *
rc_contracts(const RcState *st, const RcRow *rows, int32 n)
{
	RcContract *cs = palloc0(n * sizeof(RcContract));

	for (int32 i = 0; i < n; i++)
	{
		RcContract *c = &cs[i];
		const RcRow *r = &rows[i];
		Datum		ends = DateADTGetDatum(r->ends_on);
		Datum		grace = IntervalPGetDatum(&st->grace);

		CHECK_FOR_INTERRUPTS();
		c->row = r;
		c->days = DatumGetInt32(DirectFunctionCall2(date_mi, ends, DateADTGetDatum(r->starts_on)));
		if (!r->amount_null)
			c->arr = DirectFunctionCall2(numeric_round, abm_annualised(r->amount, c->days),
										 Int32GetDatum(2));
		c->grace_end = DatumGetDateADT(DirectFunctionCall1(timestamp_date,
														   DirectFunctionCall2(date_pl_interval, ends, grace)));
		c->grace_start = DatumGetDateADT(DirectFunctionCall1(timestamp_date,
															 DirectFunctionCall2(date_mi_interval, ends, grace)));
		c->lo = rc_bucket(st, r->starts_on) + 1;
		c->hi = Min(rc_bucket(st, r->ends_on), st->nbounds);
		c->won_step = rc_step_of(st, r->starts_on);
		c->up_step = rc_step_of(st, c->grace_end);
		abm_money_init(&c->claimed);
	}
	return cs;
}

/*
 * The customers: per bound of the account's range, whether a contract is
 * in force and the sum of their arr (0 when none has one); per step with
 * one at its start or end, the step's counts and ARR sums.
 */
static void
rc_customers(const RcState *st, RcContract *cs, int32 n, RcStep *steps,
			 MemoryContext sums_cxt)
{
	int32		jmin = INT32_MAX;
	int32		jmax = 0;
	int32		width;
	bool	   *in_force;
	Datum	   *arr_at;
	Datum		zero = abm_numeric_zero();

	for (int32 i = 0; i < n; i++)
	{
		if (cs[i].lo > cs[i].hi)
			continue;
		jmin = Min(jmin, cs[i].lo);
		jmax = Max(jmax, cs[i].hi);
	}
	if (jmax == 0)
		return;
	width = jmax - jmin + 1;
	in_force = palloc0(width * sizeof(bool));
	arr_at = palloc(width * sizeof(Datum));
	for (int32 j = jmin; j <= jmax; j++)
	{
		AbmMoneySum sum;
		int32		with_arr = 0;
		Datum		last = (Datum) 0;
		bool		changed = j == jmin;

		CHECK_FOR_INTERRUPTS();
		/* the contracts in force change only where one starts or ends */
		for (int32 i = 0; i < n && !changed; i++)
			changed = cs[i].lo == j || cs[i].hi == j - 1;
		if (!changed)
		{
			in_force[j - jmin] = in_force[j - 1 - jmin];
			arr_at[j - jmin] = arr_at[j - 1 - jmin];
			continue;
		}
		abm_money_init(&sum);
		for (int32 i = 0; i < n; i++)
		{
			if (cs[i].lo > j || cs[i].hi < j)
				continue;
			in_force[j - jmin] = true;
			if (cs[i].arr != (Datum) 0)
			{
				abm_money_add(&sum, cs[i].arr, CurrentMemoryContext);
				last = cs[i].arr;
				with_arr++;
			}
		}
		/* coalesce(sum(arr), 0); the sum of one value is that value */
		arr_at[j - jmin] = with_arr == 0 ? zero : with_arr == 1 ? last : abm_money_result(&sum);
	}

	/* steps i with a contract in force at bound i or i + 1 */
	for (int32 i = Max(jmin - 1, 1); i <= Min(jmax, st->nbounds - 1); i++)
	{
		RcStep	   *s = &steps[i - 1];
		bool		at_start = i >= jmin && i <= jmax && in_force[i - jmin];
		bool		at_end = i + 1 >= jmin && i + 1 <= jmax && in_force[i + 1 - jmin];
		Datum		a_start = at_start ? arr_at[i - jmin] : zero;
		Datum		a_end = at_end ? arr_at[i + 1 - jmin] : zero;

		CHECK_FOR_INTERRUPTS();
		if (at_start)
			rc_count_add(s, RC_AT_START);
		if (at_end)
			rc_count_add(s, RC_AT_END);
		if (!at_start)
			continue;
		rc_money_add(s, RC_ARR_START, a_start, sums_cxt);
		rc_money_add(s, RC_ARR_END, a_end, sums_cxt);
		/* least(arr_end, arr_start): arr_start only when it is smaller */
		rc_money_add(s, RC_ARR_KEPT, rc_cmp(a_start, a_end) < 0 ? a_start : a_end, sums_cxt);
		if (at_end)
		{
			int			c = rc_cmp(a_end, a_start);

			rc_count_add(s, RC_RETAINED);
			if (c > 0)
				rc_money_add(s, RC_ARR_EXPANSION,
							 DirectFunctionCall2(numeric_sub, a_end, a_start), sums_cxt);
			else if (c < 0)
				rc_money_add(s, RC_ARR_CONTRACTION,
							 DirectFunctionCall2(numeric_sub, a_start, a_end), sums_cxt);
		}
		else
			rc_money_add(s, RC_ARR_CHURN, a_start, sums_cxt);
	}
}

/*
 * The account's contracts by start, with the running maximum of their ends
 * and grace ends: whether a contract starting before (or on) a date ends
 * after, or has its grace end on or after, another date is then a binary
 * search, not a scan of the contracts.
 */
typedef struct RcByStart
{
	int32		n;
	const RcContract **c;		/* by starts_on */
	DateADT    *max_ends;		/* max ends_on of c[0 .. i] */
	DateADT    *max_grace_end;	/* max grace_end of c[0 .. i] */
} RcByStart;

static int
rc_start_cmp(const void *a, const void *b)
{
	DateADT		x = (*(const RcContract *const *) a)->row->starts_on;
	DateADT		y = (*(const RcContract *const *) b)->row->starts_on;

	return x < y ? -1 : x > y ? 1 : 0;
}

static void
rc_by_start(const RcContract *cs, int32 n, RcByStart *b)
{
	b->n = n;
	b->c = palloc(n * sizeof(RcContract *));
	b->max_ends = palloc(n * sizeof(DateADT));
	b->max_grace_end = palloc(n * sizeof(DateADT));
	for (int32 i = 0; i < n; i++)
		b->c[i] = &cs[i];
	qsort(b->c, n, sizeof(RcContract *), rc_start_cmp);
	for (int32 i = 0; i < n; i++)
	{
		b->max_ends[i] = i == 0 ? b->c[i]->row->ends_on : Max(b->max_ends[i - 1], b->c[i]->row->ends_on);
		b->max_grace_end[i] = i == 0 ? b->c[i]->grace_end : Max(b->max_grace_end[i - 1], b->c[i]->grace_end);
	}
}

/* How many contracts start before d (or on it, when on_too). */
static int32
rc_starting_before(const RcByStart *b, DateADT d, bool on_too)
{
	int32		lo = 0;
	int32		hi = b->n;

	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;
		DateADT		s = b->c[mid]->row->starts_on;

		if (s < d || (on_too && s == d))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* By step, then the latest end first. */
static int
rc_up_cmp(const void *a, const void *b)
{
	const RcContract *x = *(const RcContract *const *) a;
	const RcContract *y = *(const RcContract *const *) b;

	if (x->up_step != y->up_step)
		return x->up_step < y->up_step ? -1 : 1;
	if (x->row->ends_on != y->row->ends_on)
		return x->row->ends_on > y->row->ends_on ? -1 : 1;
	return 0;
}

/*
 * Renewal: per step, the account's contract up in it (its grace_end in the
 * step) that ends last, renewed when a contract of the account starts on
 * or before its grace_end and ends after it.
 */
static void
rc_renewals(RcContract *cs, int32 n, const RcByStart *b, RcStep *steps)
{
	RcContract **up = palloc(n * sizeof(RcContract *));
	int32		nup = 0;

	for (int32 i = 0; i < n; i++)
		if (cs[i].up_step > 0)
			up[nup++] = &cs[i];
	qsort(up, nup, sizeof(RcContract *), rc_up_cmp);
	for (int32 k = 0; k < nup; k++)
	{
		const RcContract *p = up[k];
		int32		m;

		CHECK_FOR_INTERRUPTS();
		if (k > 0 && up[k - 1]->up_step == p->up_step)
			continue;			/* the first of its step ends last */
		m = rc_starting_before(b, p->grace_end, true);
		rc_count_add(&steps[p->up_step - 1], RC_UP);
		if (m > 0 && b->max_ends[m - 1] > p->row->ends_on)
			rc_count_add(&steps[p->up_step - 1], RC_RENEWED);
	}
}

/* The first of won[from .. nwon) starting on or after d, or in a later step than step. */
static int32
rc_won_from(RcContract *const *won, int32 from, int32 nwon, DateADT d, int32 step)
{
	int32		lo = from;
	int32		hi = nwon;

	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (won[mid]->row->starts_on < d || won[mid]->won_step <= step)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Revenue won: each contract starting in a step, by class.  A contract is
 * an existing customer's when one that started before it has its grace_end
 * on or after its start.  Each contract p is renewed, in each step, by the
 * first contract in the renewers' order (won, below) that starts in that
 * step after p starts and within p's grace window: the contracts starting
 * in the window are consecutive in that order, and their steps do not
 * decrease along it, so p's renewer in each step is found by a binary
 * search.
 */
static void
rc_revenue(RcContract *cs, int32 n, const RcByStart *b, RcStep *steps, MemoryContext sums_cxt)
{
	RcContract **won = palloc(n * sizeof(RcContract *));
	int32		nwon = 0;
	int32		expanded_step = 0;
	Datum		zero = abm_numeric_zero();

	for (int32 i = 0; i < n; i++)
		if (cs[i].won_step > 0)
			won[nwon++] = &cs[i];
	if (nwon == 0)
		return;
	qsort(won, nwon, sizeof(RcContract *), rc_renewer_cmp);

	for (int32 w = 0; w < nwon; w++)
	{
		int32		m = rc_starting_before(b, won[w]->row->starts_on, false);

		won[w]->existing = m > 0 && b->max_grace_end[m - 1] >= won[w]->row->starts_on;
	}

	for (int32 i = 0; i < n; i++)
	{
		const RcContract *p = &cs[i];
		DateADT		from = Max(p->row->starts_on + 1, p->grace_start);
		int32		w = rc_won_from(won, 0, nwon, from, 0);

		while (w < nwon && won[w]->row->starts_on <= p->grace_end)
		{
			RcContract *x = won[w];

			CHECK_FOR_INTERRUPTS();
			if (!p->row->amount_null)
				abm_money_add(&x->claimed,
							  DirectFunctionCall2(numeric_div,
												  DirectFunctionCall2(numeric_mul, p->row->amount,
																	  NumericGetDatum(int64_to_numeric(x->days))),
												  NumericGetDatum(int64_to_numeric(p->days))),
							  CurrentMemoryContext);
			/* on to the next step's first renewer */
			w = rc_won_from(won, w + 1, nwon, from, x->won_step);
		}
	}

	for (int32 w = 0; w < nwon; w++)
	{
		RcContract *x = won[w];
		RcStep	   *s = &steps[x->won_step - 1];
		Datum		amount = x->row->amount;
		Datum		renewal;

		CHECK_FOR_INTERRUPTS();
		if (x->row->amount_null)
			continue;			/* no money, and a renewal of NULL */
		rc_money_add(s, RC_TOTAL, amount, sums_cxt);
		if (!x->existing)
		{
			rc_money_add(s, RC_NEW_LOGO, amount, sums_cxt);
			rc_money_add(s, RC_RENEWAL, zero, sums_cxt);
			continue;
		}
		/* least(amount, round(coalesce(claimed, 0), 2)) */
		renewal = DirectFunctionCall2(numeric_round, abm_money_result(&x->claimed),
									  Int32GetDatum(2));
		if (rc_cmp(renewal, amount) >= 0)
			renewal = amount;
		rc_money_add(s, RC_RENEWAL, renewal, sums_cxt);
		rc_money_add(s, RC_EXPANSION, DirectFunctionCall2(numeric_sub, amount, renewal), sums_cxt);
		/* an account counts once per step (its won contracts are in step order) */
		if (rc_cmp(amount, renewal) > 0 && expanded_step != x->won_step)
		{
			rc_count_add(s, RC_EXPANDED);
			expanded_step = x->won_step;
		}
	}
}

/* The sums of every step, in step order; NULL without a row. */
Datum
abm_report_contracts_final(PG_FUNCTION_ARGS)
{
	AbmRowArray *out_type = fcinfo->flinfo->fn_extra;
	RcState    *st;
	MemoryContext sums_cxt = CurrentMemoryContext;
	MemoryContext account_cxt;
	MemoryContext old;
	int32		nsteps;
	RcStep	   *steps;
	Datum	   *out;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (RcState *) PG_GETARG_POINTER(0);
	(void) abm_agg_context(fcinfo, "abm_report_contracts_final");
	if (out_type == NULL)
	{
		out_type = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(AbmRowArray));
		abm_row_array_init(fcinfo, out_type, InvalidOid, OUT_COLUMNS, "abm_report_step_contracts");
		fcinfo->flinfo->fn_extra = out_type;
	}

	nsteps = st->nbounds - 1;
	steps = palloc0(nsteps * sizeof(RcStep));
	for (int32 k = 0; k < nsteps; k++)
		for (int m = 0; m < RC_MONEY; m++)
			abm_money_init(&steps[k].money[m]);

	/*
	 * The rows by account (in arrival order within one), kept sorted:
	 * the final function may run again over the same state.
	 */
	if (st->nrows > 0)
		qsort(st->rows, st->nrows, sizeof(RcRow), rc_row_cmp);
	account_cxt = AllocSetContextCreate(CurrentMemoryContext, "abm_report_contracts account",
										ALLOCSET_DEFAULT_SIZES);
	for (int64 first = 0, next; first < st->nrows; first = next)
	{
		RcContract *cs;
		RcByStart	by_start;
		int32		n;

		for (next = first + 1; next < st->nrows && st->rows[next].account == st->rows[first].account;
			 next++)
			;
		n = (int32) (next - first);
		old = MemoryContextSwitchTo(account_cxt);
		cs = rc_contracts(st, &st->rows[first], n);
		rc_by_start(cs, n, &by_start);
		rc_customers(st, cs, n, steps, sums_cxt);
		rc_renewals(cs, n, &by_start, steps);
		rc_revenue(cs, n, &by_start, steps, sums_cxt);
		MemoryContextSwitchTo(old);
		MemoryContextReset(account_cxt);
	}
	MemoryContextDelete(account_cxt);

	out = palloc(nsteps * sizeof(Datum));
	for (int32 k = 0; k < nsteps; k++)
	{
		const RcStep *s = &steps[k];
		Datum		v[OUT_COLUMNS];
		bool		nulls[OUT_COLUMNS];

		CHECK_FOR_INTERRUPTS();
		memset(nulls, 0, sizeof(nulls));
		v[OUT_STEP] = Int32GetDatum(k + 1);
		for (int c = 0; c < RC_COUNTS; c++)
			v[rc_count_out[c]] = Int64GetDatum(s->count[c]);
		for (int m = 0; m < RC_MONEY; m++)
			v[rc_money_out[m]] = s->money_any[m] ? abm_money_result(&s->money[m]) : abm_numeric_zero();
		out[k] = HeapTupleGetDatum(heap_form_tuple(out_type->tupdesc, v, nulls));
	}
	PG_RETURN_DATUM(abm_row_array_build(out_type, out, nsteps));
}
