/*-------------------------------------------------------------------------
 *
 * report_touches.c
 *	  abm_report_touches: the one pass of abm_report over the touches of an
 *	  account, for one or more consecutive steps (periods), returning one
 *	  abm_report_account per step.  This file holds the state and what one
 *	  touch adds to it; report_touches.h lists the other three files.
 *
 * abm_report and abm_report_series need, per target account and step
 * [b[i], b[i+1]), what about twenty plain aggregates used to compute (the
 * activity counts, the decayed scores at the step's start and end, the
 * engaged, opening and clicking contacts, the spend, view-through
 * conversions and visits, the intent surge at the step's end, the touches
 * up to the account's win, the opportunities a touch influenced).  This
 * aggregate computes all of it in a single pass: the activity is looked up
 * once per row, and each per-step quantity is updated with exactly the
 * arithmetic the plain aggregate would use (same float expressions, in row
 * order), so a report built on it equals the plain SQL, and a step of the
 * trend form equals the report of that step.
 *
 * Arguments per row: the account, occurred_at, activity, contact_id, cost.
 * Per-account arguments come from arrays that are the same on every row
 * (constants, or values computed once per scan), looked up by the account
 * once per group (report_touches_args.c): accounts (each id as often as the
 * account has rows in the accounts relation: the plain SQL joined touches
 * to them, so each touch counted that many times; an account not listed
 * counts for nothing; NULL: every account once), won_accounts with won_at
 * (per step, the account's first win in the step as known at its end, or
 * NULL), and the opportunities created in the steps: opp_accounts,
 * opp_created, opp_since (the start of each one's look-back window) and
 * opp_amount.  No join of the touches with the accounts is needed: the
 * caller filters the touches by the account ids.
 * Constant: the step bounds, per step the start of the view-through
 * buffer (view_through_since) and of the surge windows (surge_since),
 * half_life, engaged_activities (NULL: every activity but ad_impression),
 * view_through_window, surge_recent and surge_baseline.
 *
 * The window starts are arguments, computed by the caller with timestamptz
 * - interval as the plain SQL filters computed them (in the session's time
 * zone): the aggregate depends on no setting, so it is immutable and
 * postgres_fdw can run it on a shard.  The windows inside the view-through
 * and surge computations count a month as 30 days, as abm_view_through and
 * abm_surge do.
 *
 * Memory per account: about 80 bytes per step, 200 more per step that has
 * a touch in it, 8 bytes per distinct contact in each contact set, 16 bytes
 * per impression, click and conversion (the view-through buffer), 40 bytes
 * per opportunity; each of those grows only up to a documented cap (54000
 * beyond it).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"
#include "report_touches.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"

PG_FUNCTION_INFO_V1(abm_report_touches_trans);

const AbmIdSetLimit abm_rt_contacts_limit = {
	RT_MAX_CONTACTS, "contacts", "step of an account in abm_report_touches",
	"Report per shorter steps, or check that contact_id identifies people."
};

/* ---------------------------------------------------------------------
 * The state
 * ---------------------------------------------------------------------
 */

RtState *
abm_rt_state_new(MemoryContext cxt, const RtParams *p)
{
	RtState    *st = MemoryContextAllocZero(cxt, sizeof(RtState));
	int32		n = p->nsteps;

	st->p = p;
	st->flags = MemoryContextAllocZero(cxt, n * sizeof(uint8));
	st->score = MemoryContextAllocZero(cxt, 3 * n * sizeof(float8));
	st->surge = MemoryContextAllocZero(cxt, 2 * n * sizeof(int64));
	st->period = MemoryContextAllocZero(cxt, n * sizeof(RtPeriod *));
	return st;
}

RtPeriod *
abm_rt_period(RtState *st, int32 k, MemoryContext cxt)
{
	RtPeriod   *pp = st->period[k];

	if (pp == NULL)
	{
		pp = MemoryContextAllocZero(cxt, sizeof(RtPeriod));
		abm_money_init(&pp->cost);
		abm_idset_init(&pp->openers);
		abm_idset_init(&pp->clickers);
		abm_idset_init(&pp->engaged_ids);
		st->period[k] = pp;
	}
	return pp;
}

void
abm_rt_events_cap(void)
{
	abm_cap_exceeded("impressions, clicks and conversions", "account in abm_report_touches",
					 RT_MAX_EVENTS, "Report per shorter periods.");
}

void
abm_rt_add_event(RtState *st, TimestampTz at, int32 step, uint8 kinds, MemoryContext cxt)
{
	if (st->nevents > 0 && at < st->events[st->nevents - 1].at)
		st->events_unsorted = true;
	if (st->nevents == st->capevents)
	{
		int64		cap;

		if (st->nevents >= RT_MAX_EVENTS)
			abm_rt_events_cap();
		cap = Min(Max((int64) st->capevents * 2, 16), RT_MAX_EVENTS);
		if (st->events == NULL)
			st->events = MemoryContextAlloc(cxt, cap * sizeof(RtEvent));
		else
			st->events = repalloc(st->events, cap * sizeof(RtEvent));
		st->capevents = (int32) cap;
	}
	st->events[st->nevents].at = at;
	st->events[st->nevents].tag = step;
	st->events[st->nevents].kinds = kinds;
	st->nevents++;
}

/* The next opportunity at or after i not yet influenced (path halving). */
static inline int32
rt_next_open(int32 *next, int32 i)
{
	while (next[i] != i)
	{
		next[i] = next[next[i]];
		i = next[i];
	}
	return i;
}


/*
 * A touch at t influences every opportunity with lo <= t < created.  The
 * opportunities are in creation order: those created after t are a suffix;
 * when the look-back starts are in the same order (a window of one length
 * keeps them so, but for the hour a daylight-saving change repeats), the
 * influenced ones are a prefix of it, found through the not-yet-influenced
 * links, so each touch costs a binary search; otherwise each touch checks
 * the suffix.
 */
static void
rt_influence(RtState *st, TimestampTz t)
{
	int32		lo = 0,
				hi = st->nopp;

	while (lo < hi)
	{
		int32		mid = (lo + hi) / 2;

		if (st->opps[mid].created <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (st->lo_sorted)
	{
		for (int32 j = rt_next_open(st->next, lo);
			 j < st->nopp && st->opps[j].lo <= t;
			 j = rt_next_open(st->next, j + 1))
			abm_rt_influence_mark(st, j);
	}
	else
	{
		for (int32 j = lo; j < st->nopp; j++)
		{
			if ((j & 4095) == 4095)
				CHECK_FOR_INTERRUPTS();
			if (!st->opps[j].influenced && st->opps[j].lo <= t)
				abm_rt_influence_mark(st, j);
		}
	}
}

/* Does a touch with this code (and lower-case name) count as engagement? */
static inline bool
rt_engages(const RtParams *p, int code, const char *name, int len)
{
	if (code != RT_OTHER)
		return (p->engaged_codes & RT_BIT(code)) != 0;
	if (p->engaged_other)
		return true;
	for (int32 i = 0; i < p->nextra; i++)
		if (p->extra_len[i] == len && memcmp(p->extra[i], name, len) == 0)
			return true;
	return false;
}

/* One touch, classified, and the step it falls in (-1: before the steps). */
typedef struct RtTouch
{
	TimestampTz t;
	int32		step;
	int			code;
	uint32		bit;			/* RT_BIT(code) */
	float8		weight;
	bool		engages;
	bool		has_contact;
	int64		contact;
	bool		has_cost;
	Datum		cost;
} RtTouch;

/* Everything one touch adds to the state. */
static void
rt_add_touch(RtState *st, const RtTouch *x, MemoryContext aggcontext)
{
	const RtParams *p = st->p;
	int32		n = p->nsteps;
	int32		k = x->step;
	TimestampTz t = x->t;

	if (!st->has_first || t < st->first_touch)
	{
		st->has_first = true;
		st->first_touch = t;
	}

	/*
	 * Decayed scores: a touch is worth w * 2^((t - b) / half_life) at every
	 * bound b after it, the same expression abm_engagement_score sums.  Step
	 * i's score at its end is taken at bounds[i + 1], its relationship score
	 * at its start at bounds[i] (two-way touches only).  A touch of no
	 * activity has no weight: abm_engagement_score skips it.
	 */
	for (int32 j = (k >= 0 || (x->bit & RT_TWO_WAY)) ? k + 1 : 1;
		 x->code != RT_NONE && j <= n; j++)
	{
		float8		term = x->weight * exp2(((float8) t - (float8) p->bounds[j]) / p->half_life);

		if (j >= 1)
		{
			st->score[3 * (j - 1)] += term;
			st->flags[j - 1] |= RT_F_SCORE;
			if (x->bit & RT_TWO_WAY)
			{
				st->score[3 * (j - 1) + 1] += term;
				st->flags[j - 1] |= RT_F_REL_END;
			}
		}
		if ((x->bit & RT_TWO_WAY) && j < n)
		{
			st->score[3 * j + 2] += term;
			st->flags[j] |= RT_F_REL_START;
		}
	}

	/* intent surge at each step's end, as abm_surge counts it */
	if (x->bit & RT_RESEARCH)
	{
		for (int32 i = Max(k, 0); i < n; i++)
		{
			float8		before;

			if (t < p->surge_lo[i])
			{
				if (p->surge_lo_sorted)
					break;
				continue;
			}
			before = (float8) p->bounds[i + 1] - (float8) t;
			if (before > 0 && before <= (float8) p->recent)
				st->surge[2 * i]++;
			else if (before > (float8) p->recent &&
					 before <= (float8) p->recent + (float8) p->baseline)
				st->surge[2 * i + 1]++;
			st->flags[i] |= RT_F_SURGE;
		}
	}

	/* view-through: impressions and clicks, and conversions in a step */
	if (t >= p->vt_lo_min)
	{
		uint8		kinds = 0;

		if (x->code == RT_AD_IMPRESSION)
			kinds = RT_EV_IMPRESSION;
		else if (x->code == RT_AD_CLICK)
			kinds = RT_EV_CLICK;
		else if (k >= 0 && x->code == RT_FORM_FILL)
			kinds = RT_EV_FORM;
		else if (k >= 0 && (x->bit & RT_VISITS))
			kinds = RT_EV_VISIT;
		if (kinds != 0)
			abm_rt_add_event(st, t, k, kinds, aggcontext);
	}

	if (k >= 0)
	{
		RtPeriod   *pp = abm_rt_period(st, k, aggcontext);

		if (x->code < ABM_ACTIVITIES)
			pp->counts[x->code]++;
		if (x->engages)
		{
			pp->engaged = true;
			if (x->has_contact)
				abm_idset_add(&pp->engaged_ids, x->contact, aggcontext, &abm_rt_contacts_limit);
		}
		if (x->has_contact)
		{
			if (x->bit & RT_VISITS)
				pp->identified++;
			else if (x->code == RT_EMAIL_OPEN)
				abm_idset_add(&pp->openers, x->contact, aggcontext, &abm_rt_contacts_limit);
			else if (x->code == RT_EMAIL_CLICK)
				abm_idset_add(&pp->clickers, x->contact, aggcontext, &abm_rt_contacts_limit);
		}
		if (x->has_cost)
			abm_money_add(&pp->cost, x->cost, aggcontext);
		if (st->won[k] != RT_NO_WIN && t <= st->won[k])
			pp->to_win++;
	}
}

Datum
abm_report_touches_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = abm_agg_context(fcinfo, "abm_report_touches_trans");
	RtState    *st = PG_ARGISNULL(0) ? NULL : (RtState *) PG_GETARG_POINTER(0);
	const RtParams *p = abm_rt_params_of_row(fcinfo, st, aggcontext);
	bool		first = st == NULL;
	RtTouch		x;
	text	   *activity;
	const char *name;
	int			len;
	int			widx;
	bool		fast = true;

	if (first)
		st = abm_rt_state_new(aggcontext, p);
	abm_rt_account_of_row(fcinfo, st, first, aggcontext);
	if (st->copies == 0 || PG_ARGISNULL(RT_ARG_OCCURRED_AT))
		PG_RETURN_POINTER(st);
	x.t = PG_GETARG_TIMESTAMPTZ(RT_ARG_OCCURRED_AT);
	if (x.t >= p->bounds[p->nsteps])
		PG_RETURN_POINTER(st);
	/* any touch, with or without an activity, influences an opportunity */
	if (st->ninfluenced < st->nopp)
		rt_influence(st, x.t);
	x.step = abm_rt_step_of(p, x.t);
	x.has_contact = !PG_ARGISNULL(RT_ARG_CONTACT);
	x.contact = x.has_contact ? PG_GETARG_INT64(RT_ARG_CONTACT) : 0;
	x.has_cost = !PG_ARGISNULL(RT_ARG_COST);
	x.cost = x.has_cost ? PG_GETARG_DATUM(RT_ARG_COST) : (Datum) 0;
	if (PG_ARGISNULL(RT_ARG_ACTIVITY))
	{
		/*
		 * A touch of no activity: the first touch, spend and the touches up
		 * to the win count it; it has no weight, no count and does not
		 * engage.
		 */
		x.code = RT_NONE;
		x.bit = 0;
		x.weight = 0.0;
		x.engages = false;
		for (int32 c = 0; c < st->copies; c++)
		{
			CHECK_FOR_INTERRUPTS();
			rt_add_touch(st, &x, aggcontext);
		}
		PG_RETURN_POINTER(st);
	}

	/*
	 * The activity as lower() gives it: an all-lower-case ASCII name is its
	 * own lower case in every locale; any other goes through lower() in the
	 * input's collation, as the plain SQL does.
	 */
	activity = PG_GETARG_TEXT_PP(RT_ARG_ACTIVITY);
	name = VARDATA_ANY(activity);
	len = VARSIZE_ANY_EXHDR(activity);
	for (int i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) name[i];

		if ((c >= 'A' && c <= 'Z') || IS_HIGHBIT_SET(c))
		{
			fast = false;
			break;
		}
	}
	if (fast)
	{
		widx = abm_activity_index_of(name, len);
		x.code = widx >= 0 ? widx : abm_rt_named_code(name, len);
	}
	else
	{
		text	   *lowered = DatumGetTextPP(DirectFunctionCall1Coll(lower, PG_GET_COLLATION(),
																	 PointerGetDatum(activity)));

		name = VARDATA_ANY(lowered);
		len = VARSIZE_ANY_EXHDR(lowered);
		widx = abm_activity_index_of(name, len);
		x.code = abm_rt_named_code(name, len);
	}
	x.bit = RT_BIT(x.code);
	x.weight = widx >= 0 ? abm_activity_weight_at(widx) : 0.0;
	x.engages = rt_engages(p, x.code, name, len);

	/* an account with several rows in accounts had each touch that often */
	for (int32 c = 0; c < st->copies; c++)
	{
		CHECK_FOR_INTERRUPTS();
		rt_add_touch(st, &x, aggcontext);
	}
	PG_RETURN_POINTER(st);
}
