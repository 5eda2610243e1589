/*-------------------------------------------------------------------------
 *
 * attribution.c
 *	  Multi-touch attribution: the credit of each touch of one conversion
 *	  under the models first_touch, last_touch, linear, time_decay,
 *	  u_shaped, w_shaped and full_path (docs/reference.md).
 *
 * Three entry points share one computation:
 *	- abm_attribution_credit(model, position, touches [, milestones]): a
 *	  scalar for the position-based models, fed by row_number()/count();
 *	- abm_attribution_credit(model, occurred_at, converted_at, ...) OVER
 *	  (PARTITION BY conversion): a true window function that sees the whole
 *	  partition, so it also normalises time_decay;
 *	- abm_attribute(model, touch_ids[], occurred_at[], converted_at, ...):
 *	  a set-returning function over arrays.
 *
 * Conservation: every position-based credit is one exact rational
 * (numerator and denominator small integers) rounded once, so the credits
 * of a conversion sum to 1 within a few ulps; there is no integer division
 * and no percentage arithmetic in which credit could leak.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "abm.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "funcapi.h"
#include "windowapi.h"
#include "utils/array.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(abm_attribution_credit_position);
PG_FUNCTION_INFO_V1(abm_attribution_credit_window);
PG_FUNCTION_INFO_V1(abm_attribute);

typedef enum AttrModel
{
	ATTR_FIRST_TOUCH,
	ATTR_LAST_TOUCH,
	ATTR_LINEAR,
	ATTR_TIME_DECAY,
	ATTR_U_SHAPED,
	ATTR_W_SHAPED,
	ATTR_FULL_PATH
} AttrModel;

static const char *const attr_model_names[] = {
	"first_touch", "last_touch", "linear", "time_decay",
	"u_shaped", "w_shaped", "full_path"
};

#define ATTR_VALID_MODELS \
	"first_touch, last_touch, linear, time_decay, u_shaped, w_shaped, full_path"

#define ATTR_DEFAULT_HALF_LIFE_USECS	(7 * USECS_PER_DAY)

/*
 * Touches of one conversion: a window partition or the arrays of
 * abm_attribute (about 40 bytes each while credited, so 400 MB).
 */
#define ATTR_MAX_TOUCHES	10000000

static void
attr_check_touches(int64 n)
{
	if (n > ATTR_MAX_TOUCHES)
		abm_cap_exceeded("touches", "attributed conversion", ATTR_MAX_TOUCHES,
						 "Partition the window by conversion, or keep the touches of a lookback window only.");
}

/* Milestone positions (1-based) of one conversion's sorted touches. */
typedef struct AttrMilestones
{
	int64		lead;			/* lead-creation touch */
	int64		opportunity;	/* opportunity-creation touch */
	int64		won;			/* closed-won touch */
} AttrMilestones;

/* One touch waiting to be sorted: its time and where it came from. */
typedef struct AttrTouch
{
	TimestampTz at;
	int64		index;			/* position in the input; breaks time ties */
} AttrTouch;

/* Compared without copying: the scalar form looks the model up per row. */
static AttrModel
attr_model(text *model)
{
	const char *name = VARDATA_ANY(model);
	size_t		len = VARSIZE_ANY_EXHDR(model);

	for (int i = 0; i < (int) lengthof(attr_model_names); i++)
		if (strlen(attr_model_names[i]) == len &&
			memcmp(name, attr_model_names[i], len) == 0)
			return (AttrModel) i;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown attribution model \"%s\"", text_to_cstring(model)),
			 errdetail("The input has model = %s.", text_to_cstring(model)),
			 errhint("Valid models are: " ATTR_VALID_MODELS ".")));
	pg_unreachable();
}

static bool
attr_needs_milestones(AttrModel model)
{
	return model == ATTR_W_SHAPED || model == ATTR_FULL_PATH;
}

/*
 * Credit of the touch at position p (1-based) of n under a position-based
 * model.  Each result is a ratio of small integers divided once, so it is
 * the correctly rounded exact share.
 *
 * w_shaped: 3/10 to each of the first, lead-creation and opportunity-
 * creation touches; full_path: 9/40 to each of those and the closed-won
 * touch.  A touch holding several milestones adds their shares.  The
 * remaining 1/10 is spread evenly over the touches that hold no milestone;
 * when every touch holds one, it is spread evenly over all of them.
 */
static float8
attr_position_credit(AttrModel model, int64 p, int64 n, const AttrMilestones *ms)
{
	switch (model)
	{
		case ATTR_FIRST_TOUCH:
			return p == 1 ? 1.0 : 0.0;
		case ATTR_LAST_TOUCH:
			return p == n ? 1.0 : 0.0;
		case ATTR_LINEAR:
			return 1.0 / (float8) n;
		case ATTR_U_SHAPED:
			if (n == 1)
				return 1.0;
			if (n == 2)
				return 0.5;
			if (p == 1 || p == n)
				return 2.0 / 5.0;
			return 1.0 / (5.0 * (float8) (n - 2));
		case ATTR_W_SHAPED:
		case ATTR_FULL_PATH:
			{
				int64		roles[4];
				int			nroles;
				int64		distinct = 0;	/* touches holding a milestone */
				int64		held = 0;	/* milestones held by touch p */
				float8		num;	/* milestone share of p, in units */
				float8		unit;	/* denominator of a milestone share */

				roles[0] = 1;
				roles[1] = ms->lead;
				roles[2] = ms->opportunity;
				roles[3] = ms->won;
				nroles = model == ATTR_W_SHAPED ? 3 : 4;
				/* w_shaped: 3/10 = 3 units of 1/10; full_path: 9/40 */
				num = model == ATTR_W_SHAPED ? 3.0 : 9.0;
				unit = model == ATTR_W_SHAPED ? 10.0 : 40.0;

				for (int i = 0; i < nroles; i++)
				{
					bool		seen = false;

					for (int j = 0; j < i; j++)
						seen |= roles[j] == roles[i];
					distinct += !seen;
					held += roles[i] == p;
				}
				if (distinct < n)
				{
					if (held == 0)
						return 1.0 / (10.0 * (float8) (n - distinct));
					return num * (float8) held / unit;
				}
				/* no touch without a milestone: 1/10 over all of them */
				return (num * (float8) held * 10.0 * (float8) distinct + unit)
					/ (unit * 10.0 * (float8) distinct);
			}
		case ATTR_TIME_DECAY:
			break;
	}
	elog(ERROR, "attribution model %d is not position-based", (int) model);
	pg_unreachable();
}

/*
 * Credits of n sorted touches, into credit[0..n-1].  ages are the touch
 * ages at conversion in microseconds (time_decay only).
 */
static void
attr_credits(AttrModel model, int64 n, const AttrMilestones *ms,
			 const int64 *ages, int64 half_life, float8 *credit)
{
	if (model == ATTR_TIME_DECAY)
	{
		int64		youngest = ages[0];
		float8		sum = 0.0;
		float8		comp = 0.0; /* Neumaier compensation of sum */

		/*
		 * Weights 2^(-age/half_life) relative to the youngest touch, so the
		 * largest weight is 1 and the sum never underflows to 0.
		 */
		for (int64 i = 1; i < n; i++)
		{
			CHECK_FOR_INTERRUPTS();
			youngest = Min(youngest, ages[i]);
		}
		for (int64 i = 0; i < n; i++)
		{
			float8		w;
			float8		t;

			CHECK_FOR_INTERRUPTS();
			w = exp2(-((float8) ages[i] - (float8) youngest) / (float8) half_life);
			t = sum + w;

			comp += fabs(sum) >= fabs(w) ? (sum - t) + w : (w - t) + sum;
			sum = t;
			credit[i] = w;
		}
		sum += comp;
		for (int64 i = 0; i < n; i++)
		{
			CHECK_FOR_INTERRUPTS();
			credit[i] /= sum;
		}
		return;
	}
	for (int64 i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		credit[i] = attr_position_credit(model, i + 1, n, ms);
	}
}

static inline int
attr_touch_cmp(const AttrTouch *x, const AttrTouch *y)
{
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

#define ABM_SORT_NAME sort_touches
#define ABM_SORT_TYPE AttrTouch
#define ABM_SORT_CMP(a, b) attr_touch_cmp((a), (b))
#include "abm_sort.h"

/*
 * The position (1-based) of the last of n sorted touches at or before
 * when; the first touch when when precedes them all.
 */
static int64
attr_milestone_position(const AttrTouch *touches, int64 n, TimestampTz when)
{
	int64		pos = 1;

	for (int64 i = 0; i < n && touches[i].at <= when; i++)
	{
		CHECK_FOR_INTERRUPTS();
		pos = i + 1;
	}
	return pos;
}

static void
attr_missing_milestone(AttrModel model)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("model %s needs the lead-creation and opportunity-creation milestones",
					attr_model_names[model]),
			 errdetail("The input has lead_created_at or opportunity_created_at NULL."),
			 errhint("Pass both timestamps; when leads are not tracked, pass the first touch time as lead_created_at.")));
}

static int64
attr_half_life(Interval *iv)
{
	return abm_interval_usecs(iv, "half_life", true);
}

/*
 * The shared core of the window and array forms: sort the usable touches,
 * place the milestones and compute each touch's credit.  at[i] and conv[i]
 * describe input touch i; usable[i] says whether it takes part.  Credits
 * land in credit[i] (0 for touches that do not take part).
 */
static void
attr_conversion(AttrModel model, int64 ninput, const TimestampTz *at,
				const TimestampTz *conv, const bool *usable,
				int64 half_life, bool have_milestones,
				TimestampTz lead_at, TimestampTz opportunity_at,
				float8 *credit)
{
	AttrTouch  *touches = palloc(Max(ninput, 1) * sizeof(AttrTouch));
	int64		n = 0;
	AttrMilestones ms;
	int64	   *ages = NULL;
	float8	   *sorted_credit;

	if (attr_needs_milestones(model) && !have_milestones)
		attr_missing_milestone(model);
	for (int64 i = 0; i < ninput; i++)
	{
		CHECK_FOR_INTERRUPTS();
		credit[i] = 0.0;
		if (usable[i] && at[i] <= conv[i])
		{
			touches[n].at = at[i];
			touches[n].index = i;
			n++;
		}
	}
	if (n == 0)
	{
		pfree(touches);
		return;
	}
	sort_touches(touches, n);

	ms.lead = 1;
	ms.opportunity = 1;
	if (have_milestones)
	{
		ms.lead = attr_milestone_position(touches, n, lead_at);
		ms.opportunity = attr_milestone_position(touches, n, opportunity_at);
	}
	ms.won = n;

	if (model == ATTR_TIME_DECAY)
	{
		ages = palloc(n * sizeof(int64));
		for (int64 i = 0; i < n; i++)
		{
			int64		k = touches[i].index;

			CHECK_FOR_INTERRUPTS();
			/* infinite timestamps give the extreme ages, not an overflow */
			if (pg_sub_s64_overflow(conv[k], at[k], &ages[i]))
				ages[i] = PG_INT64_MAX;
		}
	}
	sorted_credit = palloc(n * sizeof(float8));
	attr_credits(model, n, &ms, ages, half_life, sorted_credit);
	for (int64 i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		credit[touches[i].index] = sorted_credit[i];
	}

	pfree(sorted_credit);
	if (ages)
		pfree(ages);
	pfree(touches);
}

/*
 * abm_attribution_credit(model, position, touches
 *						  [, lead_position, opportunity_position
 *						  [, won_position]])
 *
 * The scalar form for window queries that number the touches themselves.
 * Strict: NULL arguments give NULL.
 */
Datum
abm_attribution_credit_position(PG_FUNCTION_ARGS)
{
	AttrModel	model = attr_model(PG_GETARG_TEXT_PP(0));
	int32		position = PG_GETARG_INT32(1);
	int32		touches = PG_GETARG_INT32(2);
	AttrMilestones ms;

	if (touches < 1 || position < 1 || position > touches)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("touch position must be between 1 and the number of touches"),
				 errdetail("The input has position = %d, touches = %d.", position, touches),
				 errhint("Use row_number() and count(*) over the same partition of one conversion's touches.")));
	if (model == ATTR_TIME_DECAY)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model time_decay needs the time of every touch"),
				 errdetail("The input has model = time_decay, position = %d, touches = %d.",
						   position, touches),
				 errhint("Call abm_attribution_credit(model, occurred_at, converted_at, half_life) instead, or abm_attribute().")));
	if (attr_needs_milestones(model) && PG_NARGS() < 5)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model %s needs the milestone positions",
						attr_model_names[model]),
				 errdetail("The input has model = %s.", attr_model_names[model]),
				 errhint("Call abm_attribution_credit(model, position, touches, lead_position, opportunity_position).")));

	ms.lead = PG_NARGS() >= 5 ? PG_GETARG_INT32(3) : 1;
	ms.opportunity = PG_NARGS() >= 5 ? PG_GETARG_INT32(4) : 1;
	ms.won = PG_NARGS() >= 6 ? PG_GETARG_INT32(5) : touches;
	if (ms.lead < 1 || ms.lead > touches ||
		ms.opportunity < 1 || ms.opportunity > touches ||
		ms.won < 1 || ms.won > touches)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("milestone positions must be between 1 and the number of touches"),
				 errdetail("The input has lead_position = %lld, opportunity_position = %lld, won_position = %lld, touches = %d.",
						   (long long) ms.lead, (long long) ms.opportunity,
						   (long long) ms.won, touches)));

	PG_RETURN_FLOAT8(attr_position_credit(model, position, touches, &ms));
}

/*
 * What the window form remembers for one partition: the credits of all its
 * rows, computed at its first row.
 */
typedef struct AttrWindowPartition
{
	bool		computed;
	bool		null_model;		/* a NULL model: every credit is NULL */
	float8		credit[FLEXIBLE_ARRAY_MEMBER];
} AttrWindowPartition;

/*
 * The arguments of the window form that describe the conversion rather than
 * the touch, in a comparable form.
 */
typedef struct AttrWindowParams
{
	bool		null_model;
	AttrModel	model;
	int64		half_life;
	bool		have_milestones;
	TimestampTz lead_at;
	TimestampTz opportunity_at;
} AttrWindowParams;

static void
attr_window_params(WindowObject winobj, int nargs, int64 row,
				   AttrWindowParams *p)
{
	int			half_life_arg = (nargs == 4 || nargs == 6) ? 3 : -1;
	int			lead_arg = nargs >= 5 ? nargs - 2 : -1;
	bool		isnull,
				isout;
	Datum		d;

	memset(p, 0, sizeof(AttrWindowParams));
	d = WinGetFuncArgInPartition(winobj, 0, row, WINDOW_SEEK_HEAD, false,
								 &isnull, &isout);
	p->null_model = isnull;
	p->model = isnull ? ATTR_LINEAR : attr_model(DatumGetTextPP(d));

	p->half_life = ATTR_DEFAULT_HALF_LIFE_USECS;
	if (half_life_arg >= 0)
	{
		d = WinGetFuncArgInPartition(winobj, half_life_arg, row,
									 WINDOW_SEEK_HEAD, false, &isnull, &isout);
		if (!isnull)
			p->half_life = attr_half_life(DatumGetIntervalP(d));
		else if (p->model == ATTR_TIME_DECAY)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("half_life must not be NULL for model time_decay"),
					 errhint("Pass an interval such as '7 days'.")));
	}
	if (lead_arg >= 0)
	{
		bool		opportunity_null;

		d = WinGetFuncArgInPartition(winobj, lead_arg, row, WINDOW_SEEK_HEAD,
									 false, &isnull, &isout);
		p->lead_at = isnull ? 0 : DatumGetTimestampTz(d);
		d = WinGetFuncArgInPartition(winobj, lead_arg + 1, row,
									 WINDOW_SEEK_HEAD, false,
									 &opportunity_null, &isout);
		p->opportunity_at = opportunity_null ? 0 : DatumGetTimestampTz(d);
		p->have_milestones = !isnull && !opportunity_null;
	}
}

/*
 * abm_attribution_credit(model, occurred_at, converted_at [, half_life]
 *						  [, lead_created_at, opportunity_created_at])
 *	  OVER (PARTITION BY conversion)
 *
 * Rows with a NULL occurred_at or converted_at, and rows after their
 * conversion, get credit 0 and take no part.  model, half_life and the
 * milestones describe the conversion: they must be the same on every row
 * of the partition.
 */
Datum
abm_attribution_credit_window(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	int			nargs = PG_NARGS();
	int64		rows = WinGetPartitionRowCount(winobj);
	AttrWindowPartition *part;

	attr_check_touches(rows);
	part = WinGetPartitionLocalMemory(winobj,
									  offsetof(AttrWindowPartition, credit) +
									  Max(rows, 1) * sizeof(float8));
	if (!part->computed)
	{
		TimestampTz *at = palloc(rows * sizeof(TimestampTz));
		TimestampTz *conv = palloc(rows * sizeof(TimestampTz));
		bool	   *usable = palloc(rows * sizeof(bool));
		AttrWindowParams params;

		bool		params_constant = true;

		/* constant conversion arguments need no per-row check */
		for (int a = 0; a < nargs; a++)
			if (a != 1 && a != 2)
				params_constant &= get_fn_expr_arg_stable(fcinfo->flinfo, a);

		/* the current row is the partition's first: rows >= 1 */
		attr_window_params(winobj, nargs, 0, &params);
		for (int64 row = 0; row < rows; row++)
		{
			bool		at_null,
						conv_null,
						isout;

			CHECK_FOR_INTERRUPTS();
			if (row > 0 && !params_constant)
			{
				AttrWindowParams other;

				attr_window_params(winobj, nargs, row, &other);
				if (memcmp(&other, &params, sizeof(AttrWindowParams)) != 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("model, half_life and milestones must be the same on every row of a conversion"),
							 errdetail("Row %lld of the partition differs from its first row.",
									   (long long) row + 1),
							 errhint("Partition the window by conversion (and by model when comparing models).")));
			}
			at[row] = DatumGetTimestampTz(WinGetFuncArgInPartition(winobj, 1, row,
																   WINDOW_SEEK_HEAD, false,
																   &at_null, &isout));
			conv[row] = DatumGetTimestampTz(WinGetFuncArgInPartition(winobj, 2, row,
																	 WINDOW_SEEK_HEAD, false,
																	 &conv_null, &isout));
			usable[row] = !at_null && !conv_null;
		}
		part->null_model = params.null_model;
		if (!params.null_model)
			attr_conversion(params.model, rows, at, conv, usable,
							params.half_life, params.have_milestones,
							params.lead_at, params.opportunity_at,
							part->credit);
		part->computed = true;
		pfree(at);
		pfree(conv);
		pfree(usable);
	}
	if (part->null_model)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(part->credit[WinGetCurrentPosition(winobj)]);
}

/*
 * abm_attribute(model, touch_ids[], occurred_at[], converted_at
 *				 [, half_life [, lead_created_at, opportunity_created_at]])
 *	  → TABLE(touch_id bigint, credit float8)
 *
 * One row per array element, in array order; touches after the conversion
 * or with a NULL time get credit 0.
 */
Datum
abm_attribute(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	AttrModel	model;
	ArrayType  *ids_arr;
	ArrayType  *at_arr;
	Datum	   *ids;
	bool	   *id_null;
	Datum	   *at_d;
	bool	   *at_null;
	int			nids,
				nat;
	TimestampTz converted_at;
	TimestampTz *at;
	TimestampTz *conv;
	bool	   *usable;
	float8	   *credit;
	int64		half_life = ATTR_DEFAULT_HALF_LIFE_USECS;
	bool		have_milestones;

	InitMaterializedSRF(fcinfo, 0);

	/* no model, touches or conversion: nothing to credit */
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		return (Datum) 0;
	model = attr_model(PG_GETARG_TEXT_PP(0));
	ids_arr = PG_GETARG_ARRAYTYPE_P(1);
	at_arr = PG_GETARG_ARRAYTYPE_P(2);
	converted_at = PG_GETARG_TIMESTAMPTZ(3);
	if (ARR_NDIM(ids_arr) > 1 || ARR_NDIM(at_arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("touch_ids and occurred_at must be one-dimensional arrays"),
				 errdetail("The array touch_ids has %d dimensions, occurred_at has %d.",
						   ARR_NDIM(ids_arr), ARR_NDIM(at_arr))));
	/* before any copy of the elements is made */
	attr_check_touches(ArrayGetNItems(ARR_NDIM(ids_arr), ARR_DIMS(ids_arr)));
	attr_check_touches(ArrayGetNItems(ARR_NDIM(at_arr), ARR_DIMS(at_arr)));
	deconstruct_array(ids_arr, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &ids, &id_null, &nids);
	deconstruct_array(at_arr, TIMESTAMPTZOID, 8, FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &at_d, &at_null, &nat);
	if (nids != nat)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("touch_ids and occurred_at must have the same length"),
				 errdetail("The array touch_ids has %d elements, occurred_at has %d.",
						   nids, nat),
				 errhint("Build both arrays in one aggregate call with the same ORDER BY.")));

	if (PG_NARGS() > 4 && !PG_ARGISNULL(4))
		half_life = attr_half_life(PG_GETARG_INTERVAL_P(4));
	else if (model == ATTR_TIME_DECAY)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("half_life must not be NULL for model time_decay"),
				 errhint("Pass an interval such as '7 days', or omit it for the default.")));
	have_milestones = PG_NARGS() > 6 && !PG_ARGISNULL(5) && !PG_ARGISNULL(6);

	credit = palloc(Max(nids, 1) * sizeof(float8));
	at = palloc(Max(nids, 1) * sizeof(TimestampTz));
	conv = palloc(Max(nids, 1) * sizeof(TimestampTz));
	usable = palloc(Max(nids, 1) * sizeof(bool));
	for (int i = 0; i < nids; i++)
	{
		CHECK_FOR_INTERRUPTS();
		at[i] = at_null[i] ? 0 : DatumGetTimestampTz(at_d[i]);
		conv[i] = converted_at;
		usable[i] = !at_null[i];
	}
	attr_conversion(model, nids, at, conv, usable, half_life,
					have_milestones,
					have_milestones ? PG_GETARG_TIMESTAMPTZ(5) : 0,
					have_milestones ? PG_GETARG_TIMESTAMPTZ(6) : 0,
					credit);
	for (int i = 0; i < nids; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {id_null[i], false};

		CHECK_FOR_INTERRUPTS();
		values[0] = ids[i];
		values[1] = Float8GetDatum(credit[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
