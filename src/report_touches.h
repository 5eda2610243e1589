/*-------------------------------------------------------------------------
 *
 * report_touches.h
 *	  What the four files of abm_report_touches share: caps, argument
 *	  positions, activity codes, the parameters, the per-account state and
 *	  the functions one file calls in another.
 *
 *	  report_touches.c		the state and one touch's accumulation (transition)
 *	  report_touches_args.c	the constant and per-account arguments, checked
 *	  report_touches_state.c	combine, serialize, deserialize
 *	  report_touches_final.c	one abm_report_account per step
 *
 *-------------------------------------------------------------------------
 */
#ifndef ABM_REPORT_TOUCHES_H
#define ABM_REPORT_TOUCHES_H

#include "abm.h"
#include "money.h"
#include "fmgr.h"
#include "idset.h"
#include "lib/stringinfo.h"
#include "utils/numeric.h"

/* Caps (the same for the writer and the reader of a serialized state). */
#define RT_MAX_STEPS			1000	/* abm_report_series computes at most 1000 */
#define RT_MAX_OPPORTUNITIES	100000	/* per account */
#define RT_MAX_CONTACTS			(1 << 20)	/* per account, step and set */
#define RT_MAX_EVENTS			10000000	/* as abm_view_through */
#define RT_MAX_NAMES			1000	/* engaged_activities elements */
#define RT_MAX_NAME_LEN			1000	/* bytes per name */
#define RT_MAX_COPIES			1000	/* rows of one account in accounts */

/* Argument positions of the transition function (0 is the state). */
#define RT_ARG_ACCOUNT		1
#define RT_ARG_OCCURRED_AT	2
#define RT_ARG_ACTIVITY		3
#define RT_ARG_CONTACT		4
#define RT_ARG_COST			5
#define RT_ARG_ACCOUNTS		6
#define RT_ARG_WON_ACCOUNTS	7
#define RT_ARG_WON_AT		8
#define RT_ARG_OPP_ACCOUNTS	9
#define RT_ARG_OPP_CREATED	10
#define RT_ARG_OPP_SINCE	11
#define RT_ARG_OPP_AMOUNT	12
#define RT_ARG_BOUNDS		13
#define RT_ARG_VT_SINCE		14
#define RT_ARG_SURGE_SINCE	15
#define RT_ARG_HALF_LIFE	16
#define RT_ARG_ENGAGED		17
#define RT_ARG_VT_WINDOW	18
#define RT_ARG_RECENT		19
#define RT_ARG_BASELINE		20
#define RT_FIRST_LOOKUP_ARG	RT_ARG_ACCOUNTS
#define RT_LOOKUP_ARGS		7
#define RT_FIRST_CONST_ARG	RT_ARG_BOUNDS
#define RT_CONST_ARGS		8
#define RT_NARGS			21

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

/*
 * The per-account arguments of every account, from the lookup arrays
 * (accounts, won_accounts, won_at and the opportunities): an open-addressing
 * table from the account id to its entry.
 */
typedef struct RtLookupEntry
{
	int64		id;
	int32		copies;			/* rows in accounts */
	int32		won;			/* index in won_accounts, -1 for none */
	int32		opp_first;		/* its opportunities: opp_index[opp_first ..] */
	int32		nopp;
} RtLookupEntry;

typedef struct RtLookup
{
	bool		all_once;		/* accounts is NULL: every account counts once */
	int32		nsteps;
	uint32		mask;			/* slots - 1, slots a power of 2 */
	int32	   *slot;			/* entry + 1, 0 for an empty slot */
	int32		nentries;
	RtLookupEntry *entries;
	/* won_at, NULL flags; per opportunity (argument order) its values */
	TimestampTz *won_at;
	bool	   *won_null;
	int32	   *opp_index;		/* the opportunities, grouped by account */
	TimestampTz *opp_created;
	bool	   *opp_created_null;
	TimestampTz *opp_since;
	bool	   *opp_since_null;
	Datum	   *opp_amount;
	bool	   *opp_amount_null;
} RtLookup;

typedef struct RtCache
{
	RtRaw		args[RT_CONST_ARGS];
	const RtParams *params;
	AbmFixedArgs fixed;			/* the plan passes constants: they cannot change */
	RtRaw		lookup_args[RT_LOOKUP_ARGS];
	RtLookup   *lookup;
	MemoryContext lookup_cxt;
	AbmFixedArgs lookup_fixed;
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
	/* the account: its id, and its arguments in canonical form */
	bool		acct_null;
	int64		acct_id;
	char	   *acct_key;
	int32		acct_keylen;
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
	bool		events_unsorted;	/* not in time order (sorted before serializing) */
} RtState;

/* The cap of each contact set, and its error. */
extern const AbmIdSetLimit abm_rt_contacts_limit;

/* Arguments (report_touches_args.c). */
extern int	abm_rt_named_code(const char *name, int len);
extern RtParams *abm_rt_params_load(const char *key, int32 keylen, MemoryContext cxt,
									 int sqlstate);
extern bool abm_rt_params_is(const RtParams *p, const char *key, int32 keylen);
pg_noreturn extern void abm_rt_params_mismatch(void);
extern const RtParams *abm_rt_params_intern(FunctionCallInfo fcinfo, const char *key,
											int32 keylen, MemoryContext aggcontext,
											int sqlstate);
extern const RtParams *abm_rt_params_of_row(FunctionCallInfo fcinfo, const RtState *st,
											MemoryContext aggcontext);
extern void abm_rt_account_load(RtState *st, const char *key, int32 keylen,
								MemoryContext cxt, int sqlstate);
pg_noreturn extern void abm_rt_account_mismatch(void);
extern void abm_rt_account_of_row(FunctionCallInfo fcinfo, RtState *st, bool first,
								  MemoryContext aggcontext);

/* The state (report_touches.c). */
extern RtState *abm_rt_state_new(MemoryContext cxt, const RtParams *p);
extern RtPeriod *abm_rt_period(RtState *st, int32 k, MemoryContext cxt);
extern void abm_rt_add_event(RtState *st, TimestampTz at, int32 step, uint8 kinds,
							 MemoryContext cxt);
pg_noreturn extern void abm_rt_events_cap(void);

/* The step of t: i with bounds[i] <= t < bounds[i + 1], or -1 before them. */
static inline int32
abm_rt_step_of(const RtParams *p, TimestampTz t)
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

/* Mark opportunity j influenced (it leaves the not-yet-influenced links). */
static inline void
abm_rt_influence_mark(RtState *st, int32 j)
{
	st->opps[j].influenced = true;
	st->next[j] = j + 1;
	st->ninfluenced++;
}

#endif							/* ABM_REPORT_TOUCHES_H */
