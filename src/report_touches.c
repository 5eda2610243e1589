/*-------------------------------------------------------------------------
 *
 * report_touches.c
 *	  abm_report_touches: the one pass of abm_report over the touches of an
 *	  account, for one or more consecutive steps (periods), returning one
 *	  abm_report_account per step.
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
 * Arguments per row: occurred_at, activity, contact_id, cost.  Per account
 * (the same on every row of a group, from a join): copies (how many rows
 * the account has in the accounts relation: the plain SQL joined touches to
 * them, so each touch counted that many times; NULL is 1), won_at (per
 * step, the account's first win in the step as known at its end, or NULL),
 * and the account's opportunities created in the steps: opp_created,
 * opp_since (the start of each one's look-back window) and opp_amount.
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

#include "abm.h"
#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "funcapi.h"
#include "idset.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/typcache.h"

PG_FUNCTION_INFO_V1(abm_report_touches_trans);
PG_FUNCTION_INFO_V1(abm_report_touches_combine);
PG_FUNCTION_INFO_V1(abm_report_touches_serial);
PG_FUNCTION_INFO_V1(abm_report_touches_deserial);
PG_FUNCTION_INFO_V1(abm_report_touches_final);

/* Caps (the same for the writer and the reader of a serialized state). */
#define RT_MAX_STEPS			1000	/* abm_report_series computes at most 1000 */
#define RT_MAX_OPPORTUNITIES	100000	/* per account */
#define RT_MAX_CONTACTS			(1 << 20)	/* per account, step and set */
#define RT_MAX_EVENTS			10000000	/* as abm_view_through */
#define RT_MAX_NAMES			1000	/* engaged_activities elements */
#define RT_MAX_NAME_LEN			1000	/* bytes per name */
#define RT_MAX_COPIES			1000	/* rows of one account in accounts */

/* Argument positions of the transition function (0 is the state). */
#define RT_ARG_OCCURRED_AT	1
#define RT_ARG_ACTIVITY		2
#define RT_ARG_CONTACT		3
#define RT_ARG_COST			4
#define RT_ARG_COPIES		5
#define RT_ARG_WON_AT		6
#define RT_ARG_OPP_CREATED	7
#define RT_ARG_OPP_SINCE	8
#define RT_ARG_OPP_AMOUNT	9
#define RT_ARG_BOUNDS		10
#define RT_ARG_VT_SINCE		11
#define RT_ARG_SURGE_SINCE	12
#define RT_ARG_HALF_LIFE	13
#define RT_ARG_ENGAGED		14
#define RT_ARG_VT_WINDOW	15
#define RT_ARG_RECENT		16
#define RT_ARG_BASELINE		17
#define RT_FIRST_ACCT_ARG	RT_ARG_COPIES
#define RT_ACCT_ARGS		5
#define RT_FIRST_CONST_ARG	RT_ARG_BOUNDS
#define RT_CONST_ARGS		8
#define RT_NARGS			18

/*
 * Activity codes: the standard activities by their index (activity.c),
 * then the other names the report treats specially.
 */
#define RT_AD_IMPRESSION	0
#define RT_AD_CLICK			1
#define RT_EMAIL_OPEN		2
#define RT_EMAIL_CLICK		3
#define RT_WEB_VISIT		4
#define RT_HVP_VISIT		5
#define RT_DOWNLOAD			6
#define RT_FORM_FILL		9
#define RT_CHAT				8
#define RT_MEETING			10
#define RT_INTENT			12	/* third_party_intent */
#define RT_CALL				13
#define RT_EMAIL_REPLY		14
#define RT_OTHER			15
#define RT_NONE				16	/* no activity (NULL) */
#define RT_NAMED_CODES		15	/* codes with a name: 0 .. 14 */

static const char *const rt_extra_names[] = {"third_party_intent", "call", "email_reply"};

#define RT_BIT(c)			((uint32) 1 << (c))
/* two-way activities: the relationship score */
#define RT_TWO_WAY	(RT_BIT(RT_MEETING) | RT_BIT(RT_CHAT) | RT_BIT(RT_CALL) | RT_BIT(RT_EMAIL_REPLY))
/* research activities: the intent surge */
#define RT_RESEARCH	(RT_BIT(RT_WEB_VISIT) | RT_BIT(RT_HVP_VISIT) | RT_BIT(RT_DOWNLOAD) | RT_BIT(RT_INTENT))
#define RT_VISITS	(RT_BIT(RT_WEB_VISIT) | RT_BIT(RT_HVP_VISIT))

/* Per-step flags: which of the nullable per-step values have a row. */
#define RT_F_SCORE		0x01
#define RT_F_REL_END	0x02
#define RT_F_REL_START	0x04
#define RT_F_SURGE		0x08
#define RT_F_ALL		0x0F

/* View-through event kinds. */
#define RT_EV_IMPRESSION	ABM_VT_IMPRESSION
#define RT_EV_CLICK			ABM_VT_CLICK
#define RT_EV_FORM			0x04	/* a form fill in a step */
#define RT_EV_VISIT			0x08	/* a web or high-value page visit in a step */
#define RT_EV_ALL			0x0F

/* No win in the step. */
#define RT_NO_WIN	PG_INT64_MIN

/* The composite abm_report_account, column by column. */
enum
{
	COL_STEP,
	COL_FIRST_TOUCH,
	COL_SCORE_END,
	COL_REL_START,
	COL_REL_END,
	COL_ENGAGED,
	COL_COUNTS,					/* 12 activity counts */
	COL_IDENTIFIED = COL_COUNTS + ABM_ACTIVITIES,
	COL_OPENERS,
	COL_CLICKERS,
	COL_ENGAGED_IDS,
	COL_COST,
	COL_VT_CONVERSIONS,
	COL_VT_VISITS,
	COL_SURGE,
	COL_TO_WIN,
	COL_INFLUENCED,
	COL_INFLUENCED_AMOUNT,
	RT_COLUMNS
};

/*
 * The constant arguments, checked and with the derived bounds.  key is
 * their canonical form: two groups have the same parameters exactly when
 * their keys are equal, and the serialized state carries the key.
 */
typedef struct RtParams
{
	int32		nsteps;
	TimestampTz *bounds;		/* nsteps + 1, increasing */
	TimestampTz *vt_lo;			/* per step: view_through_since */
	TimestampTz vt_lo_min;
	TimestampTz *surge_lo;		/* per step: surge_since */
	bool		surge_lo_sorted;
	float8		half_life;		/* microseconds */
	int64		within;			/* view-through window, microseconds */
	int64		recent;			/* microseconds */
	int64		baseline;		/* microseconds */
	uint32		engaged_codes;	/* RT_BIT(code) of the named codes that count */
	bool		engaged_other;	/* other names count (engaged_activities NULL) */
	int32		nextra;			/* listed names that have no code */
	const char **extra;
	int32	   *extra_len;
	char	   *key;
	int32		keylen;
} RtParams;

/* The constant arguments last seen by a transition function. */
/*
 * The bytes of an argument as a row passed it (a varlena, an Interval or an
 * int4), kept to recognise the same value on the next rows with one memcmp.
 * A pointer is no such test: a value computed per row may be built at the
 * address where the previous row's value was.
 */
typedef struct RtRaw
{
	bool		isnull;
	int32		len;
	char	   *bytes;
} RtRaw;

typedef struct RtCache
{
	RtRaw		args[RT_CONST_ARGS];
	const RtParams *params;
	bool		fixed_known;
	bool		fixed;			/* the plan passes constants: they cannot change */
} RtCache;

typedef struct RtOpportunity
{
	TimestampTz created;
	TimestampTz lo;				/* start of the look-back window */
	int32		index;			/* in the arguments: ties keep that order */
	int32		step;
	bool		influenced;
	bool		amount_null;
	Numeric		amount;
} RtOpportunity;

/* What a step accumulates from the touches in it. */
typedef struct RtPeriod
{
	int64		counts[ABM_ACTIVITIES];
	int64		identified;
	int64		to_win;
	bool		engaged;
	AbmMoneySum cost;
	AbmIdSet	openers;
	AbmIdSet	clickers;
	AbmIdSet	engaged_ids;
} RtPeriod;

/* A view-through event; its tag is the step of a conversion (-1 before them). */
typedef AbmVtEvent RtEvent;

typedef struct RtState
{
	const RtParams *p;
	/* the per-account arguments: canonical form, last raw values seen */
	char	   *acct_key;
	int32		acct_keylen;
	RtRaw		acct_args[RT_ACCT_ARGS];
	int32		copies;
	TimestampTz *won;			/* per step, RT_NO_WIN when none */
	int32		nopp;
	RtOpportunity *opps;		/* sorted by creation */
	bool		lo_sorted;		/* look-back starts in creation order too */
	int32	   *next;			/* nopp + 1: next opportunity not yet influenced */
	int32		ninfluenced;
	/* the touches */
	bool		has_first;
	TimestampTz first_touch;
	uint8	   *flags;			/* per step, RT_F_* */
	float8	   *score;			/* per step: score at end, relationship at end, at start */
	int64	   *surge;			/* per step: events in the recent, the baseline window */
	RtPeriod  **period;			/* per step, NULL until a touch falls in it */
	int32		nevents;
	int32		capevents;
	RtEvent    *events;
} RtState;

static const AbmIdSetLimit rt_contacts_limit = {
	RT_MAX_CONTACTS, "contacts", "step of an account in abm_report_touches",
	"Report per shorter steps, or check that contact_id identifies people."
};

/* ---------------------------------------------------------------------
 * Parameters
 * ---------------------------------------------------------------------
 */

static char *
rt_interval_text(const Interval *iv)
{
	return DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(iv)));
}

static char *
rt_time_text(TimestampTz t)
{
	return DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(t)));
}

static void
rt_bad(int sqlstate, const char *msg, const char *detail, const char *hint)
{
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg("%s", msg),
			 detail ? errdetail("%s", detail) : 0,
			 hint ? errhint("%s", hint) : 0));
}

/* The bytes of argument argno (positions as RT_ARG_*). */
static const char *
rt_arg_bytes(FunctionCallInfo fcinfo, int argno, int32 *len)
{
	switch (argno)
	{
		case RT_ARG_COPIES:
			*len = sizeof(Datum);
			return (const char *) &fcinfo->args[argno].value;
		case RT_ARG_HALF_LIFE:
		case RT_ARG_VT_WINDOW:
		case RT_ARG_RECENT:
		case RT_ARG_BASELINE:
			*len = sizeof(Interval);
			return (const char *) PG_GETARG_INTERVAL_P(argno);
		default:
			{
				struct varlena *v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(argno));

				*len = VARSIZE_ANY(v);
				return (const char *) v;
			}
	}
}

static bool
rt_raw_same(const RtRaw *raw, FunctionCallInfo fcinfo, int argno)
{
	const char *bytes;
	int32		len;

	if (PG_ARGISNULL(argno))
		return raw->isnull;
	if (raw->isnull)
		return false;
	bytes = rt_arg_bytes(fcinfo, argno, &len);
	return len == raw->len && memcmp(bytes, raw->bytes, len) == 0;
}

static void
rt_raw_keep(RtRaw *raw, FunctionCallInfo fcinfo, int argno, MemoryContext cxt)
{
	const char *bytes;

	if (raw->bytes != NULL)
		pfree(raw->bytes);
	raw->bytes = NULL;
	raw->len = 0;
	raw->isnull = PG_ARGISNULL(argno);
	if (raw->isnull)
		return;
	bytes = rt_arg_bytes(fcinfo, argno, &raw->len);
	raw->bytes = MemoryContextAlloc(cxt, raw->len);
	memcpy(raw->bytes, bytes, raw->len);
}

static void
rt_write_interval(StringInfo buf, const Interval *iv)
{
	pq_sendint64(buf, iv->time);
	pq_sendint32(buf, iv->day);
	pq_sendint32(buf, iv->month);
}

static void
rt_read_interval(AbmReader *r, Interval *iv)
{
	iv->time = abm_read_int64(r);
	iv->day = abm_read_int32(r);
	iv->month = abm_read_int32(r);
}

/* A one-dimensional array argument, deconstructed. */
static void
rt_array(Datum d, Oid elemtype, const char *argname, int max,
		 Datum **elems, bool **nulls, int *n)
{
	ArrayType  *a = DatumGetArrayTypeP(d);
	int16		typlen;
	bool		typbyval;
	char		typalign;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a one-dimensional array", argname),
				 errdetail("%s has %d dimensions.", argname, ARR_NDIM(a)),
				 errhint("Pass a plain list such as ARRAY[...].")));
	if (ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a)) > max)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s has more than %d elements", argname, max),
				 errdetail("%s has %d elements.", argname,
						   ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a))),
				 errhint("Report on fewer steps or per account.")));
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(a, elemtype, typlen, typbyval, typalign, elems, nulls, n);
}

/* One window start per step, none NULL (view_through_since, surge_since). */
static void
rt_write_starts(FunctionCallInfo fcinfo, int argno, const char *argname, int nsteps,
				StringInfo key)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;

	rt_array(PG_GETARG_DATUM(argno), TIMESTAMPTZOID, argname, RT_MAX_STEPS, &elems, &nulls, &n);
	if (n != nsteps)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must have one element per step", argname),
				 errdetail("%s has %d elements for %d steps.", argname, n, nsteps),
				 errhint("Pass the start of the window of each step.")));
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must not contain NULL", argname),
					 errdetail("Element %d of %s is NULL.", i + 1, argname),
					 errhint("Pass the start of the window of each step.")));
		pq_sendint64(key, DatumGetTimestampTz(elems[i]));
	}
}

/*
 * The canonical form of the constant arguments: the bounds, the window
 * starts, half_life, the non-NULL names of engaged_activities (or none),
 * and the three windows.  Shapes are checked here, values by
 * rt_params_load.
 */
static void
rt_params_key(FunctionCallInfo fcinfo, StringInfo key)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;

	for (int i = RT_FIRST_CONST_ARG; i < RT_NARGS; i++)
		if (PG_ARGISNULL(i) && i != RT_ARG_ENGAGED)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the bounds and windows of abm_report_touches must not be NULL"),
					 errdetail("Argument %d is NULL.", i),
					 errhint("Pass the step bounds and every window; only engaged_activities may be NULL.")));

	initStringInfo(key);
	rt_array(PG_GETARG_DATUM(RT_ARG_BOUNDS), TIMESTAMPTZOID, "bounds", RT_MAX_STEPS + 1,
			 &elems, &nulls, &n);
	pq_sendint32(key, n - 1);
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("bounds must not contain NULL"),
					 errdetail("Element %d of bounds is NULL.", i + 1),
					 errhint("Pass the start of every step and the end of the last.")));
		pq_sendint64(key, DatumGetTimestampTz(elems[i]));
	}
	rt_write_starts(fcinfo, RT_ARG_VT_SINCE, "view_through_since", n - 1, key);
	rt_write_starts(fcinfo, RT_ARG_SURGE_SINCE, "surge_since", n - 1, key);
	rt_write_interval(key, PG_GETARG_INTERVAL_P(RT_ARG_HALF_LIFE));
	if (PG_ARGISNULL(RT_ARG_ENGAGED))
		pq_sendbyte(key, 0);
	else
	{
		int			nnames = 0;

		rt_array(PG_GETARG_DATUM(RT_ARG_ENGAGED), TEXTOID, "engaged_activities",
				 RT_MAX_NAMES, &elems, &nulls, &n);
		for (int i = 0; i < n; i++)
			nnames += !nulls[i];
		pq_sendbyte(key, 1);
		pq_sendint32(key, nnames);
		/* a NULL element matches no activity, as "= ANY" has it */
		for (int i = 0; i < n; i++)
		{
			text	   *t;

			if (nulls[i])
				continue;
			t = DatumGetTextPP(elems[i]);
			if (VARSIZE_ANY_EXHDR(t) > RT_MAX_NAME_LEN)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("an activity name of engaged_activities is longer than %d bytes",
								RT_MAX_NAME_LEN),
						 errdetail("Element %d has %d bytes.", i + 1,
								   (int) VARSIZE_ANY_EXHDR(t))));
			pq_sendint32(key, VARSIZE_ANY_EXHDR(t));
			pq_sendbytes(key, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
		}
	}
	rt_write_interval(key, PG_GETARG_INTERVAL_P(RT_ARG_VT_WINDOW));
	rt_write_interval(key, PG_GETARG_INTERVAL_P(RT_ARG_RECENT));
	rt_write_interval(key, PG_GETARG_INTERVAL_P(RT_ARG_BASELINE));
}

/* The code of a lower-case activity name with a code, else RT_OTHER. */
static int
rt_named_code(const char *name, int len)
{
	int			i = abm_activity_index_of(name, len);

	if (i >= 0 && memcmp(abm_activity_name(i), name, len) == 0)
		return i;
	for (int k = 0; k < lengthof(rt_extra_names); k++)
		if ((int) strlen(rt_extra_names[k]) == len &&
			memcmp(rt_extra_names[k], name, len) == 0)
			return ABM_ACTIVITIES + k;
	return RT_OTHER;
}

/*
 * Read a canonical key into parameters allocated in cxt, checking every
 * value; sqlstate is the error of a bad value (22023 for arguments, 22P03
 * for a serialized state).
 */
static RtParams *
rt_params_load(const char *key, int32 keylen, MemoryContext cxt, int sqlstate)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	RtParams   *p = palloc0(sizeof(RtParams));
	AbmReader	r = {key, key + keylen, "report touches parameters", ABM_FORMAT_VERSION};
	Interval	hl,
				vt,
				recent,
				baseline;
	int64		usecs;

	p->nsteps = abm_read_int32(&r);
	/* more bounds than the cap allows never get here from the arguments */
	if (p->nsteps < 1 || p->nsteps > RT_MAX_STEPS)
		rt_bad(sqlstate, psprintf("abm_report_touches takes 1 to %d steps", RT_MAX_STEPS),
			   psprintf("bounds gives %d steps.", p->nsteps),
			   "Pass the start of every step and the end of the last, at least two bounds.");
	p->bounds = palloc((p->nsteps + 1) * sizeof(TimestampTz));
	for (int i = 0; i <= p->nsteps; i++)
	{
		p->bounds[i] = abm_read_int64(&r);
		if (TIMESTAMP_NOT_FINITE(p->bounds[i]) || !IS_VALID_TIMESTAMP(p->bounds[i]))
			rt_bad(sqlstate, "the bounds of abm_report_touches must be finite",
				   psprintf("bounds[%d] = %s.", i + 1,
							TIMESTAMP_NOT_FINITE(p->bounds[i]) ? rt_time_text(p->bounds[i]) : "out of range"),
				   "Pass finite timestamps.");
		if (i > 0 && p->bounds[i] <= p->bounds[i - 1])
			rt_bad(sqlstate, "the bounds of abm_report_touches must increase",
				   psprintf("bounds[%d] = %s and bounds[%d] = %s.", i, rt_time_text(p->bounds[i - 1]),
							i + 1, rt_time_text(p->bounds[i])),
				   "Pass the step bounds in increasing order.");
	}
	p->vt_lo = palloc(p->nsteps * sizeof(TimestampTz));
	p->surge_lo = palloc(p->nsteps * sizeof(TimestampTz));
	for (int i = 0; i < p->nsteps; i++)
	{
		p->vt_lo[i] = abm_read_int64(&r);
		p->vt_lo_min = i == 0 ? p->vt_lo[0] : Min(p->vt_lo_min, p->vt_lo[i]);
	}
	p->surge_lo_sorted = true;
	for (int i = 0; i < p->nsteps; i++)
	{
		p->surge_lo[i] = abm_read_int64(&r);
		if (i > 0 && p->surge_lo[i] < p->surge_lo[i - 1])
			p->surge_lo_sorted = false;
	}
	rt_read_interval(&r, &hl);
	usecs = abm_interval_usecs(&hl, "half_life", false);
	if (usecs <= 0)
		rt_bad(sqlstate, "half_life must be positive",
			   psprintf("half_life = %s.", rt_interval_text(&hl)),
			   "Pass an interval greater than zero, such as '30 days'.");
	p->half_life = (float8) usecs;

	if (abm_read_uint8(&r) == 0)
	{
		p->engaged_other = true;
		p->engaged_codes = ~RT_BIT(RT_AD_IMPRESSION);
	}
	else
	{
		int32		n = abm_read_count(&r, RT_MAX_NAMES);

		p->extra = palloc(Max(n, 1) * sizeof(char *));
		p->extra_len = palloc(Max(n, 1) * sizeof(int32));
		for (int32 i = 0; i < n; i++)
		{
			int32		len = abm_read_count(&r, RT_MAX_NAME_LEN);
			const char *name = abm_read_bytes(&r, len);
			int			code = rt_named_code(name, len);

			if (code != RT_OTHER)
				p->engaged_codes |= RT_BIT(code);
			else
			{
				char	   *copy = palloc(Max(len, 1));

				memcpy(copy, name, len);
				p->extra[p->nextra] = copy;
				p->extra_len[p->nextra++] = len;
			}
		}
	}

	rt_read_interval(&r, &vt);
	rt_read_interval(&r, &recent);
	rt_read_interval(&r, &baseline);
	abm_read_end(&r);
	p->within = abm_interval_usecs(&vt, "view_through_window", false);
	if (p->within < 0)
		rt_bad(sqlstate, "view_through_window must not be negative",
			   psprintf("view_through_window = %s.", rt_interval_text(&vt)),
			   "Pass the look-back from the impression to the conversion, such as '7 days'.");
	p->recent = abm_interval_usecs(&recent, "surge_recent", false);
	p->baseline = abm_interval_usecs(&baseline, "surge_baseline", false);
	if (p->recent <= 0 || p->baseline <= 0)
		rt_bad(sqlstate, "surge_recent and surge_baseline must be positive",
			   psprintf("surge_recent = %s, surge_baseline = %s.",
						rt_interval_text(&recent), rt_interval_text(&baseline)),
			   "Pass intervals such as '7 days' and '28 days'.");

	p->key = palloc(keylen);
	memcpy(p->key, key, keylen);
	p->keylen = keylen;
	MemoryContextSwitchTo(old);
	return p;
}

static bool
rt_params_is(const RtParams *p, const char *key, int32 keylen)
{
	return p->keylen == keylen && memcmp(p->key, key, keylen) == 0;
}

static void
rt_params_mismatch(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("the bounds, windows and engaged_activities of abm_report_touches must be the same on every row of a group"),
			 errdetail("A row of the group passed other values than its first row."),
			 errhint("Pass constants.")));
}

/*
 * Parameters of the same key for states living in aggcontext: the ones
 * cached for this call site, else a new cache entry (the first set), else a
 * copy in aggcontext.
 */
static const RtParams *
rt_params_intern(FunctionCallInfo fcinfo, const char *key, int32 keylen,
				 MemoryContext aggcontext, int sqlstate)
{
	RtCache    *cache = fcinfo->flinfo->fn_extra;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(RtCache));
		fcinfo->flinfo->fn_extra = cache;
	}
	if (cache->params != NULL && rt_params_is(cache->params, key, keylen))
		return cache->params;
	if (cache->params == NULL)
	{
		cache->params = rt_params_load(key, keylen, fcinfo->flinfo->fn_mcxt, sqlstate);
		return cache->params;
	}
	return rt_params_load(key, keylen, aggcontext, sqlstate);
}

/*
 * Whether the plan passes every constant argument as a constant (a Const,
 * or an external parameter, whose value a query execution cannot change):
 * then the values of the first row are those of every row.
 */
static bool
rt_args_fixed(FunctionCallInfo fcinfo)
{
	Aggref	   *agg = AggGetAggref(fcinfo);

	if (agg == NULL || list_length(agg->args) != RT_NARGS - 1)
		return false;
	for (int i = RT_FIRST_CONST_ARG; i < RT_NARGS; i++)
	{
		Node	   *expr = (Node *) ((TargetEntry *) list_nth(agg->args, i - 1))->expr;

		if (!IsA(expr, Const) &&
			!(IsA(expr, Param) && ((Param *) expr)->paramkind == PARAM_EXTERN))
			return false;
	}
	return true;
}

/* The parameters of this row, checked against the group's. */
static const RtParams *
rt_params_of_row(FunctionCallInfo fcinfo, const RtState *st, MemoryContext aggcontext)
{
	RtCache    *cache = fcinfo->flinfo->fn_extra;
	StringInfoData key;
	const RtParams *p;
	bool		same = cache != NULL && cache->params != NULL &&
		(st == NULL || st->p == cache->params);

	/* constants of the plan (the usual call) are checked on the first row */
	if (same && cache->fixed)
		return cache->params;
	for (int i = 0; same && i < RT_CONST_ARGS; i++)
		same = rt_raw_same(&cache->args[i], fcinfo, RT_FIRST_CONST_ARG + i);
	if (same)
		return cache->params;

	rt_params_key(fcinfo, &key);
	if (st != NULL)
	{
		if (!rt_params_is(st->p, key.data, key.len))
			rt_params_mismatch();
		p = st->p;
	}
	else
		p = rt_params_intern(fcinfo, key.data, key.len, aggcontext,
							 ERRCODE_INVALID_PARAMETER_VALUE);
	cache = fcinfo->flinfo->fn_extra;
	if (p == cache->params)
	{
		for (int i = 0; i < RT_CONST_ARGS; i++)
			rt_raw_keep(&cache->args[i], fcinfo, RT_FIRST_CONST_ARG + i, fcinfo->flinfo->fn_mcxt);
	}
	if (!cache->fixed_known)
	{
		cache->fixed = rt_args_fixed(fcinfo);
		cache->fixed_known = true;
	}
	pfree(key.data);
	return p;
}

/* ---------------------------------------------------------------------
 * The per-account arguments
 * ---------------------------------------------------------------------
 */

/*
 * Canonical form: copies, won_at (a flag, then per step a NULL flag and the
 * time), the opportunities (count, then per opportunity its creation time,
 * the start of its look-back window and its amount in numeric's binary
 * form, each with a NULL flag).
 */
static void
rt_account_key(FunctionCallInfo fcinfo, const RtParams *p, StringInfo key)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	Datum	   *amounts = NULL;
	bool	   *amount_nulls = NULL;
	int			namounts = 0;
	Datum	   *since = NULL;
	bool	   *since_nulls = NULL;
	int			nsince = 0;

	initStringInfo(key);
	pq_sendint32(key, PG_ARGISNULL(RT_ARG_COPIES) ? 1 : PG_GETARG_INT32(RT_ARG_COPIES));
	if (PG_ARGISNULL(RT_ARG_WON_AT))
		pq_sendbyte(key, 0);
	else
	{
		rt_array(PG_GETARG_DATUM(RT_ARG_WON_AT), TIMESTAMPTZOID, "won_at", RT_MAX_STEPS,
				 &elems, &nulls, &n);
		if (n != p->nsteps)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("won_at must have one element per step"),
					 errdetail("won_at has %d elements for %d steps.", n, p->nsteps),
					 errhint("Pass the first win of each step, NULL where there is none.")));
		pq_sendbyte(key, 1);
		for (int i = 0; i < n; i++)
		{
			pq_sendbyte(key, nulls[i] ? 1 : 0);
			pq_sendint64(key, nulls[i] ? 0 : DatumGetTimestampTz(elems[i]));
		}
	}

	n = 0;
	if (!PG_ARGISNULL(RT_ARG_OPP_CREATED))
		rt_array(PG_GETARG_DATUM(RT_ARG_OPP_CREATED), TIMESTAMPTZOID, "opp_created",
				 RT_MAX_OPPORTUNITIES, &elems, &nulls, &n);
	if (!PG_ARGISNULL(RT_ARG_OPP_SINCE))
		rt_array(PG_GETARG_DATUM(RT_ARG_OPP_SINCE), TIMESTAMPTZOID, "opp_since",
				 RT_MAX_OPPORTUNITIES, &since, &since_nulls, &nsince);
	if (!PG_ARGISNULL(RT_ARG_OPP_AMOUNT))
		rt_array(PG_GETARG_DATUM(RT_ARG_OPP_AMOUNT), NUMERICOID, "opp_amount",
				 RT_MAX_OPPORTUNITIES, &amounts, &amount_nulls, &namounts);
	if (namounts != n || nsince != n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("opp_created, opp_since and opp_amount must have the same length"),
				 errdetail("opp_created has %d elements, opp_since %d, opp_amount %d.", n, nsince, namounts),
				 errhint("Aggregate them from the same opportunities, in the same order.")));
	pq_sendint32(key, n);
	for (int i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		pq_sendbyte(key, nulls[i] ? 1 : 0);
		pq_sendint64(key, nulls[i] ? 0 : DatumGetTimestampTz(elems[i]));
		pq_sendbyte(key, since_nulls[i] ? 1 : 0);
		pq_sendint64(key, since_nulls[i] ? 0 : DatumGetTimestampTz(since[i]));
		if (amount_nulls[i])
			pq_sendbyte(key, 1);
		else
		{
			pq_sendbyte(key, 0);
			abm_write_numeric(key, amounts[i]);
		}
	}
}

/* The step of t: i with bounds[i] <= t < bounds[i + 1], or -1 before them. */
static inline int32
rt_step_of(const RtParams *p, TimestampTz t)
{
	int32		lo = 0,
				hi = p->nsteps;	/* t < bounds[nsteps] is the caller's */

	if (t < p->bounds[0])
		return -1;
	while (hi - lo > 1)
	{
		int32		mid = (lo + hi) / 2;

		if (p->bounds[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static int
rt_opportunity_cmp(const void *a, const void *b)
{
	const RtOpportunity *x = a;
	const RtOpportunity *y = b;

	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

/*
 * Give a new state its per-account arguments from their canonical form
 * (arguments or a serialized state; sqlstate as for rt_params_load).
 */
static void
rt_account_load(RtState *st, const char *key, int32 keylen, MemoryContext cxt,
				int sqlstate)
{
	const RtParams *p = st->p;
	MemoryContext old = MemoryContextSwitchTo(cxt);
	AbmReader	r = {key, key + keylen, "report touches account arguments", ABM_FORMAT_VERSION};
	int32		n;
	uint8		flag;

	st->copies = abm_read_int32(&r);
	if (st->copies < 1 || st->copies > RT_MAX_COPIES)
		rt_bad(sqlstate == ERRCODE_INVALID_PARAMETER_VALUE && st->copies > RT_MAX_COPIES ?
			   ERRCODE_PROGRAM_LIMIT_EXCEEDED : sqlstate,
			   psprintf("copies must be between 1 and %d", RT_MAX_COPIES),
			   psprintf("copies = %d.", st->copies),
			   "Pass how many rows the account has in accounts, 1 when its id is unique.");
	st->won = palloc(p->nsteps * sizeof(TimestampTz));
	flag = abm_read_uint8(&r);
	if (flag > 1)
		rt_bad(sqlstate, "invalid report touches state value", "Unknown won_at flag.", NULL);
	for (int i = 0; i < p->nsteps; i++)
	{
		st->won[i] = RT_NO_WIN;
		if (flag)
		{
			uint8		isnull = abm_read_uint8(&r);
			TimestampTz t = abm_read_int64(&r);

			if (isnull > 1)
				rt_bad(sqlstate, "invalid report touches state value", "Unknown NULL flag.", NULL);
			if (!isnull)
				st->won[i] = t;
		}
	}

	n = abm_read_count(&r, RT_MAX_OPPORTUNITIES);
	st->opps = palloc(Max(n, 1) * sizeof(RtOpportunity));
	st->nopp = 0;
	for (int32 i = 0; i < n; i++)
	{
		uint8		created_null = abm_read_uint8(&r);
		TimestampTz created = abm_read_int64(&r);
		uint8		since_null = abm_read_uint8(&r);
		TimestampTz since = abm_read_int64(&r);
		uint8		amount_null = abm_read_uint8(&r);
		Numeric		amount = NULL;
		int32		step;

		CHECK_FOR_INTERRUPTS();
		if (created_null > 1 || since_null > 1 || amount_null > 1)
			rt_bad(sqlstate, "invalid report touches state value", "Unknown NULL flag.", NULL);
		if (!amount_null)
			amount = abm_read_numeric(&r);
		/* opportunities created outside the steps are not reported */
		if (created_null || created < p->bounds[0] || created >= p->bounds[p->nsteps])
			continue;
		step = rt_step_of(p, created);
		st->opps[st->nopp].created = created;
		/* without a window start, no touch influences it */
		st->opps[st->nopp].lo = since_null ? DT_NOEND : since;
		st->opps[st->nopp].index = i;
		st->opps[st->nopp].step = step;
		st->opps[st->nopp].influenced = false;
		st->opps[st->nopp].amount_null = amount_null;
		st->opps[st->nopp].amount = amount;
		st->nopp++;
	}
	abm_read_end(&r);
	if (st->nopp > 1)
		qsort(st->opps, st->nopp, sizeof(RtOpportunity), rt_opportunity_cmp);
	st->lo_sorted = true;
	for (int32 i = 1; i < st->nopp; i++)
		if (st->opps[i].lo < st->opps[i - 1].lo)
			st->lo_sorted = false;
	st->next = palloc((st->nopp + 1) * sizeof(int32));
	for (int32 i = 0; i <= st->nopp; i++)
		st->next[i] = i;
	st->ninfluenced = 0;

	st->acct_key = palloc(keylen);
	memcpy(st->acct_key, key, keylen);
	st->acct_keylen = keylen;
	MemoryContextSwitchTo(old);
}

static void
rt_account_mismatch(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("copies, won_at, opp_created and opp_amount of abm_report_touches must be the same on every row of a group"),
			 errdetail("A row of the group passed other values than its first row."),
			 errhint("Join them per account and group by the account.")));
}

/* First row of a group: load its account arguments; later rows: check. */
static void
rt_account_of_row(FunctionCallInfo fcinfo, RtState *st, bool first, MemoryContext aggcontext)
{
	StringInfoData key;
	bool		same = !first;

	for (int i = 0; same && i < RT_ACCT_ARGS; i++)
		same = rt_raw_same(&st->acct_args[i], fcinfo, RT_FIRST_ACCT_ARG + i);
	if (same)
		return;
	rt_account_key(fcinfo, st->p, &key);
	if (first)
		rt_account_load(st, key.data, key.len, aggcontext, ERRCODE_INVALID_PARAMETER_VALUE);
	else if (st->acct_keylen != key.len || memcmp(st->acct_key, key.data, key.len) != 0)
		rt_account_mismatch();
	pfree(key.data);
	for (int i = 0; i < RT_ACCT_ARGS; i++)
		rt_raw_keep(&st->acct_args[i], fcinfo, RT_FIRST_ACCT_ARG + i, aggcontext);
}

/* ---------------------------------------------------------------------
 * The state
 * ---------------------------------------------------------------------
 */

static RtState *
rt_state_new(MemoryContext cxt, const RtParams *p)
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

static RtPeriod *
rt_period(RtState *st, int32 k, MemoryContext cxt)
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

static void
rt_add_event(RtState *st, TimestampTz at, int32 step, uint8 kinds, MemoryContext cxt)
{
	if (st->nevents == st->capevents)
	{
		int64		cap;

		if (st->nevents >= RT_MAX_EVENTS)
			abm_cap_exceeded("impressions, clicks and conversions", "account in abm_report_touches",
							 RT_MAX_EVENTS, "Report per shorter periods.");
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

static inline void
rt_influence_mark(RtState *st, int32 j)
{
	st->opps[j].influenced = true;
	st->next[j] = j + 1;
	st->ninfluenced++;
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
			rt_influence_mark(st, j);
	}
	else
	{
		for (int32 j = lo; j < st->nopp; j++)
		{
			if ((j & 4095) == 4095)
				CHECK_FOR_INTERRUPTS();
			if (!st->opps[j].influenced && st->opps[j].lo <= t)
				rt_influence_mark(st, j);
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
			rt_add_event(st, t, k, kinds, aggcontext);
	}

	if (k >= 0)
	{
		RtPeriod   *pp = rt_period(st, k, aggcontext);

		if (x->code < ABM_ACTIVITIES)
			pp->counts[x->code]++;
		if (x->engages)
		{
			pp->engaged = true;
			if (x->has_contact)
				abm_idset_add(&pp->engaged_ids, x->contact, aggcontext, &rt_contacts_limit);
		}
		if (x->has_contact)
		{
			if (x->bit & RT_VISITS)
				pp->identified++;
			else if (x->code == RT_EMAIL_OPEN)
				abm_idset_add(&pp->openers, x->contact, aggcontext, &rt_contacts_limit);
			else if (x->code == RT_EMAIL_CLICK)
				abm_idset_add(&pp->clickers, x->contact, aggcontext, &rt_contacts_limit);
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
	const RtParams *p = rt_params_of_row(fcinfo, st, aggcontext);
	bool		first = st == NULL;
	RtTouch		x;
	text	   *activity;
	const char *name;
	int			len;
	int			widx;
	bool		fast = true;

	if (first)
		st = rt_state_new(aggcontext, p);
	rt_account_of_row(fcinfo, st, first, aggcontext);
	if (PG_ARGISNULL(RT_ARG_OCCURRED_AT))
		PG_RETURN_POINTER(st);
	x.t = PG_GETARG_TIMESTAMPTZ(RT_ARG_OCCURRED_AT);
	if (x.t >= p->bounds[p->nsteps])
		PG_RETURN_POINTER(st);
	/* any touch, with or without an activity, influences an opportunity */
	if (st->ninfluenced < st->nopp)
		rt_influence(st, x.t);
	x.step = rt_step_of(p, x.t);
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
		x.code = widx >= 0 ? widx : rt_named_code(name, len);
	}
	else
	{
		text	   *lowered = DatumGetTextPP(DirectFunctionCall1Coll(lower, PG_GET_COLLATION(),
																	 PointerGetDatum(activity)));

		name = VARDATA_ANY(lowered);
		len = VARSIZE_ANY_EXHDR(lowered);
		widx = abm_activity_index_of(name, len);
		x.code = rt_named_code(name, len);
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

/* ---------------------------------------------------------------------
 * Combine, serialize, deserialize
 * ---------------------------------------------------------------------
 */

/* st gets everything of other (same parameters and account arguments). */
static void
rt_merge(RtState *st, RtState *other, MemoryContext cxt)
{
	const RtParams *p = st->p;

	if (st->acct_keylen != other->acct_keylen ||
		memcmp(st->acct_key, other->acct_key, st->acct_keylen) != 0)
		rt_account_mismatch();
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
			RtPeriod   *pp = rt_period(st, i, cxt);

			for (int a = 0; a < ABM_ACTIVITIES; a++)
				abm_count_add(&pp->counts[a], o->counts[a], "touch count");
			abm_count_add(&pp->identified, o->identified, "touch count");
			abm_count_add(&pp->to_win, o->to_win, "touch count");
			pp->engaged |= o->engaged;
			abm_money_combine(&pp->cost, &o->cost, cxt);
			abm_idset_union(&pp->openers, &o->openers, cxt, &rt_contacts_limit);
			abm_idset_union(&pp->clickers, &o->clickers, cxt, &rt_contacts_limit);
			abm_idset_union(&pp->engaged_ids, &o->engaged_ids, cxt, &rt_contacts_limit);
		}
		if ((i & 63) == 63)
			CHECK_FOR_INTERRUPTS();
	}
	for (int32 e = 0; e < other->nevents; e++)
	{
		rt_add_event(st, other->events[e].at, other->events[e].tag,
					 other->events[e].kinds, cxt);
		if ((e & 4095) == 4095)
			CHECK_FOR_INTERRUPTS();
	}
	/* the same opportunities in the same order: union of the influenced */
	for (int32 j = 0; j < st->nopp; j++)
	{
		CHECK_FOR_INTERRUPTS();
		if (other->opps[j].influenced && !st->opps[j].influenced)
			rt_influence_mark(st, j);
	}
}

Datum
abm_report_touches_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = abm_agg_context(fcinfo, "abm_report_touches_combine");
	RtState    *st = PG_ARGISNULL(0) ? NULL : (RtState *) PG_GETARG_POINTER(0);
	RtState    *other = PG_ARGISNULL(1) ? NULL : (RtState *) PG_GETARG_POINTER(1);

	if (other == NULL)
	{
		if (st == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st);
	}
	if (st == NULL)
	{
		const RtParams *p = rt_params_intern(fcinfo, other->p->key, other->p->keylen,
											 aggcontext, ERRCODE_INVALID_PARAMETER_VALUE);

		st = rt_state_new(aggcontext, p);
		rt_account_load(st, other->acct_key, other->acct_keylen, aggcontext,
						ERRCODE_INVALID_PARAMETER_VALUE);
	}
	else if (!rt_params_is(st->p, other->p->key, other->p->keylen))
		rt_params_mismatch();
	rt_merge(st, other, aggcontext);
	PG_RETURN_POINTER(st);
}

/*
 * Serialized form: the parameter key and the account key (each a length and
 * bytes), the influenced flag of each opportunity (in creation order), the
 * first touch, per step the flags, the three scores, the two surge counts
 * and the step's accumulators when it has any, then the view-through events.
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
		abm_idset_write(&buf, &pp->openers, aggcontext, &rt_contacts_limit);
		abm_idset_write(&buf, &pp->clickers, aggcontext, &rt_contacts_limit);
		abm_idset_write(&buf, &pp->engaged_ids, aggcontext, &rt_contacts_limit);
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

static void
rt_corrupt(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid report touches state value"),
			 errdetail("%s", detail)));
}

static int64
rt_read_count(AbmReader *r)
{
	int64		v = abm_read_int64(r);

	if (v < 0)
		rt_corrupt("A count is negative.");
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
	if (cache != NULL && cache->params != NULL && rt_params_is(cache->params, bytes, len))
		p = cache->params;
	else
	{
		p = rt_params_load(bytes, len, fcinfo->flinfo->fn_mcxt,
						   ERRCODE_INVALID_BINARY_REPRESENTATION);
		if (cache == NULL)
			fcinfo->flinfo->fn_extra = cache =
				MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(RtCache));
		cache->params = p;
	}
	st = rt_state_new(CurrentMemoryContext, p);
	len = abm_read_count(&r, MaxAllocSize / 2);
	bytes = abm_read_bytes(&r, len);
	rt_account_load(st, bytes, len, CurrentMemoryContext,
					ERRCODE_INVALID_BINARY_REPRESENTATION);

	nopp = abm_read_count(&r, RT_MAX_OPPORTUNITIES);
	if (nopp != st->nopp)
		rt_corrupt("The influenced flags do not match the opportunities.");
	for (int32 j = 0; j < nopp; j++)
	{
		CHECK_FOR_INTERRUPTS();
		flag = abm_read_uint8(&r);
		if (flag > 1)
			rt_corrupt("Unknown influenced flag.");
		if (flag)
			rt_influence_mark(st, j);
	}
	flag = abm_read_uint8(&r);
	st->first_touch = abm_read_int64(&r);
	if (flag > 1 || (!flag && st->first_touch != 0) ||
		(flag && st->first_touch >= p->bounds[p->nsteps]))
		rt_corrupt("The first touch is out of range.");
	st->has_first = flag;
	for (int32 i = 0; i < p->nsteps; i++)
	{
		RtPeriod   *pp;

		st->flags[i] = abm_read_uint8(&r);
		if (st->flags[i] & ~RT_F_ALL)
			rt_corrupt("Unknown step flags.");
		for (int j = 0; j < 3; j++)
		{
			st->score[3 * i + j] = abm_read_float8(&r);
			if (isnan(st->score[3 * i + j]) || isinf(st->score[3 * i + j]))
				rt_corrupt("A score is not finite.");
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
				rt_corrupt("Unknown step flag.");
		}
		pp = rt_period(st, i, CurrentMemoryContext);
		for (int a = 0; a < ABM_ACTIVITIES; a++)
			pp->counts[a] = rt_read_count(&r);
		pp->identified = rt_read_count(&r);
		pp->to_win = rt_read_count(&r);
		flag = abm_read_uint8(&r);
		if (flag > 1)
			rt_corrupt("Unknown engaged flag.");
		pp->engaged = flag;
		abm_money_read_any(&r, &pp->cost);
		abm_idset_read(&r, &pp->openers, &rt_contacts_limit);
		abm_idset_read(&r, &pp->clickers, &rt_contacts_limit);
		abm_idset_read(&r, &pp->engaged_ids, &rt_contacts_limit);
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
			rt_corrupt("An event is after the last step.");
		ev->tag = rt_step_of(p, ev->at);
		if (ev->kinds == 0 || (ev->kinds & ~RT_EV_ALL) != 0 ||
			(ev->kinds & (ev->kinds - 1)) != 0 ||
			((ev->kinds & (RT_EV_FORM | RT_EV_VISIT)) && ev->tag < 0))
			rt_corrupt("An event has invalid kind bits.");
		if ((e & 4095) == 4095)
			CHECK_FOR_INTERRUPTS();
	}
	abm_read_end(&r);
	PG_RETURN_POINTER(st);
}

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

	abm_idset_compact(s, cxt, &rt_contacts_limit);
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
											abm_idset_count(&pp->openers, aggcontext, &rt_contacts_limit) : 0);
		values[COL_CLICKERS] = Int64GetDatum(pp != NULL ?
											 abm_idset_count(&pp->clickers, aggcontext, &rt_contacts_limit) : 0);
		if (pp != NULL && abm_idset_count(&pp->engaged_ids, aggcontext, &rt_contacts_limit) > 0)
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
