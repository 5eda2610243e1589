/*-------------------------------------------------------------------------
 *
 * report_touches_args.c
 *	  abm_report_touches: the constant arguments (bounds, windows,
 *	  engaged_activities) and the per-account ones (copies, won_at, the
 *	  opportunities, looked up by account in arrays the same on every row),
 *	  checked and kept in a canonical form (report_touches.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "report_touches.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

/* The names of the codes past the standard activities. */
static const char *const rt_extra_names[] = {"third_party_intent", "call", "email_reply"};

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

/* Are arguments first .. first + n - 1 those kept in raws? */
static bool
rt_raws_same(const RtRaw *raws, int n, FunctionCallInfo fcinfo, int first)
{
	for (int i = 0; i < n; i++)
		if (!rt_raw_same(&raws[i], fcinfo, first + i))
			return false;
	return true;
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
				 errdetail("The array %s has %d dimensions.", argname, ARR_NDIM(a)),
				 errhint("Pass a plain list such as ARRAY[...].")));
	if (ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a)) > max)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s has more than %d elements", argname, max),
				 errdetail("The array %s has %d elements.", argname,
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
				 errdetail("The array %s has %d elements for %d steps.", argname, n, nsteps),
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
 * abm_rt_params_load.
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
int
abm_rt_named_code(const char *name, int len)
{
	int			i = abm_activity_index_of(name, len);

	if (i >= 0 && memcmp(abm_activity_name(i), name, len) == 0)
		return i;
	for (int k = 0; k < (int) lengthof(rt_extra_names); k++)
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
RtParams *
abm_rt_params_load(const char *key, int32 keylen, MemoryContext cxt, int sqlstate)
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
			int			code = abm_rt_named_code(name, len);

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

bool
abm_rt_params_is(const RtParams *p, const char *key, int32 keylen)
{
	return p->keylen == keylen && memcmp(p->key, key, keylen) == 0;
}

void
abm_rt_params_mismatch(void)
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
const RtParams *
abm_rt_params_intern(FunctionCallInfo fcinfo, const char *key, int32 keylen,
				 MemoryContext aggcontext, int sqlstate)
{
	RtCache    *cache = fcinfo->flinfo->fn_extra;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(RtCache));
		fcinfo->flinfo->fn_extra = cache;
	}
	if (cache->params != NULL && abm_rt_params_is(cache->params, key, keylen))
		return cache->params;
	if (cache->params == NULL)
	{
		cache->params = abm_rt_params_load(key, keylen, fcinfo->flinfo->fn_mcxt, sqlstate);
		return cache->params;
	}
	return abm_rt_params_load(key, keylen, aggcontext, sqlstate);
}

/* The parameters of this row, checked against the group's. */
const RtParams *
abm_rt_params_of_row(FunctionCallInfo fcinfo, const RtState *st, MemoryContext aggcontext)
{
	RtCache    *cache = fcinfo->flinfo->fn_extra;
	StringInfoData key;
	const RtParams *p;
	bool		same = cache != NULL && cache->params != NULL &&
		(st == NULL || st->p == cache->params);

	/* constants of the plan (the usual call) are checked on the first row */
	if (same && cache->fixed.known && cache->fixed.fixed)
		return cache->params;
	if (same && rt_raws_same(cache->args, RT_CONST_ARGS, fcinfo, RT_FIRST_CONST_ARG))
	{
		/* after a rescan: ask again whether they can change in this scan */
		(void) abm_agg_args_fixed_in_scan(fcinfo, RT_FIRST_CONST_ARG, RT_NARGS - 1, &cache->fixed);
		return cache->params;
	}

	rt_params_key(fcinfo, &key);
	if (st != NULL)
	{
		if (!abm_rt_params_is(st->p, key.data, key.len))
			abm_rt_params_mismatch();
		p = st->p;
	}
	else
		p = abm_rt_params_intern(fcinfo, key.data, key.len, aggcontext,
							 ERRCODE_INVALID_PARAMETER_VALUE);
	cache = fcinfo->flinfo->fn_extra;
	if (p == cache->params)
	{
		for (int i = 0; i < RT_CONST_ARGS; i++)
			rt_raw_keep(&cache->args[i], fcinfo, RT_FIRST_CONST_ARG + i, fcinfo->flinfo->fn_mcxt);
	}
	(void) abm_agg_args_fixed_in_scan(fcinfo, RT_FIRST_CONST_ARG, RT_NARGS - 1, &cache->fixed);
	pfree(key.data);
	return p;
}

/* ---------------------------------------------------------------------
 * The per-account arguments
 * ---------------------------------------------------------------------
 */

/*
 * Account ids in the lookup table: Fibonacci hashing of the id, linear
 * probing.
 */
static inline uint32
rt_lookup_hash(int64 id)
{
	return (uint32) (((uint64) id * UINT64CONST(0x9E3779B97F4A7C15)) >> 32);
}

/* The entry of id, or NULL; with insert, a new entry (copies 0) if none. */
static RtLookupEntry *
rt_lookup_find(RtLookup *lk, int64 id, bool insert)
{
	for (uint32 h = rt_lookup_hash(id) & lk->mask;; h = (h + 1) & lk->mask)
	{
		RtLookupEntry *e;

		if (lk->slot[h] == 0)
		{
			if (!insert)
				return NULL;
			e = &lk->entries[lk->nentries++];
			e->id = id;
			e->copies = 0;
			e->won = -1;
			e->opp_first = 0;
			e->nopp = 0;
			lk->slot[h] = lk->nentries;
			return e;
		}
		e = &lk->entries[lk->slot[h] - 1];
		if (e->id == id)
			return e;
	}
}

/*
 * The entry of the i-th id of won_accounts or opp_accounts: NULL for a NULL
 * id or one accounts does not list; with accounts NULL every account is
 * listed once.
 */
static RtLookupEntry *
rt_lookup_listed(RtLookup *lk, Datum id, bool isnull, int i)
{
	RtLookupEntry *e;

	if ((i & 4095) == 4095)
		CHECK_FOR_INTERRUPTS();
	if (isnull)
		return NULL;
	e = rt_lookup_find(lk, DatumGetInt64(id), lk->all_once);
	if (e != NULL && lk->all_once && e->copies == 0)
		e->copies = 1;
	return e;
}

/* A one-dimensional array argument in cxt, or none for NULL. */
static int
rt_lookup_array(FunctionCallInfo fcinfo, int argno, Oid elemtype, const char *argname,
				MemoryContext cxt, Datum **elems, bool **nulls)
{
	MemoryContext old;
	int			n = 0;

	*elems = NULL;
	*nulls = NULL;
	if (PG_ARGISNULL(argno))
		return 0;
	old = MemoryContextSwitchTo(cxt);
	rt_array(PointerGetDatum(PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(argno))), elemtype, argname,
			 MaxArraySize, elems, nulls, &n);
	MemoryContextSwitchTo(old);
	return n;
}

/* The lookup arrays, in argument order: their element types and names. */
static const Oid rt_lookup_types[RT_LOOKUP_ARGS] = {
	INT8OID, INT8OID, TIMESTAMPTZOID, INT8OID, TIMESTAMPTZOID, TIMESTAMPTZOID, NUMERICOID
};
static const char *const rt_lookup_names[RT_LOOKUP_ARGS] = {
	"accounts", "won_accounts", "won_at", "opp_accounts", "opp_created", "opp_since", "opp_amount"
};

/*
 * The lookup table of the per-account arguments, in cxt: accounts (each
 * id's copies: how many times it is listed; NULL: every account once),
 * won_accounts with won_at (nsteps elements per account, NULL where a step
 * has no win), and the opportunities (opp_accounts, opp_created, opp_since,
 * opp_amount, element by element).
 */
static RtLookup *
rt_lookup_build(FunctionCallInfo fcinfo, int32 nsteps, MemoryContext cxt)
{
	RtLookup   *lk = MemoryContextAllocZero(cxt, sizeof(RtLookup));
	Datum	   *elems[RT_LOOKUP_ARGS];
	bool	   *elem_nulls[RT_LOOKUP_ARGS];
	int			nelems[RT_LOOKUP_ARGS];
	Datum	   *ids,
			   *won_ids,
			   *won_at,
			   *opp_ids;
	bool	   *ids_null,
			   *won_ids_null,
			   *won_at_null,
			   *opp_ids_null;
	int			nids,
				nwon,
				nwon_at,
				nopp,
				ncreated,
				nsince,
				namount;
	int64		slots = 16;
	int32	   *fill;
	MemoryContext old = MemoryContextSwitchTo(cxt);

	for (int k = 0; k < RT_LOOKUP_ARGS; k++)
		nelems[k] = rt_lookup_array(fcinfo, RT_FIRST_LOOKUP_ARG + k, rt_lookup_types[k],
									rt_lookup_names[k], cxt, &elems[k], &elem_nulls[k]);
	ids = elems[0];
	ids_null = elem_nulls[0];
	nids = nelems[0];
	won_ids = elems[1];
	won_ids_null = elem_nulls[1];
	nwon = nelems[1];
	won_at = elems[2];
	won_at_null = elem_nulls[2];
	nwon_at = nelems[2];
	opp_ids = elems[3];
	opp_ids_null = elem_nulls[3];
	nopp = nelems[3];
	ncreated = nelems[4];
	nsince = nelems[5];
	namount = nelems[6];
	if ((int64) nwon * nsteps != nwon_at)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("won_at must have one element per step for each of won_accounts"),
				 errdetail("The array won_at has %d elements for %d accounts and %d steps.",
						   nwon_at, nwon, nsteps),
				 errhint("Pass the first win of each step of each account, NULL where there is none.")));
	if (ncreated != nopp || nsince != nopp || namount != nopp)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("opp_accounts, opp_created, opp_since and opp_amount must have the same length"),
				 errdetail("The arrays opp_accounts, opp_created, opp_since and opp_amount have %d, %d, %d and %d elements.",
						   nopp, ncreated, nsince, namount),
				 errhint("Aggregate them from the same opportunities, in the same order.")));

	lk->nsteps = nsteps;
	lk->all_once = PG_ARGISNULL(RT_ARG_ACCOUNTS);
	while (slots < 2 * ((int64) nids + nwon + nopp))
		slots *= 2;
	lk->mask = (uint32) (slots - 1);
	lk->slot = MemoryContextAllocHuge(cxt, slots * sizeof(int32));
	memset(lk->slot, 0, slots * sizeof(int32));
	lk->entries = MemoryContextAllocHuge(cxt, Max((Size) nids + nwon + nopp, 1) * sizeof(RtLookupEntry));

	for (int i = 0; i < nids; i++)
	{
		RtLookupEntry *e;

		if ((i & 4095) == 4095)
			CHECK_FOR_INTERRUPTS();
		if (ids_null[i])
			continue;
		e = rt_lookup_find(lk, DatumGetInt64(ids[i]), true);
		if (e->copies == RT_MAX_COPIES)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("an account is listed more than %d times in accounts", RT_MAX_COPIES),
					 errdetail("Account %lld is listed more than %d times.",
							   (long long) e->id, RT_MAX_COPIES),
					 errhint("List each account once per row it has in accounts.")));
		e->copies++;
	}

	/* the win and opportunities of an account that is not listed count for nothing */
	for (int i = 0; i < nwon; i++)
	{
		RtLookupEntry *e = rt_lookup_listed(lk, won_ids[i], won_ids_null[i], i);

		if (e == NULL)
			continue;
		if (e->won >= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("won_accounts must list an account at most once"),
					 errdetail("Account %lld is listed twice.", (long long) e->id),
					 errhint("Pass the wins of each account as one run of won_at.")));
		e->won = i;
	}
	lk->won_at = palloc(Max(nwon_at, 1) * sizeof(TimestampTz));
	lk->won_null = palloc(Max(nwon_at, 1) * sizeof(bool));
	for (int i = 0; i < nwon_at; i++)
	{
		lk->won_null[i] = won_at_null[i];
		lk->won_at[i] = won_at_null[i] ? 0 : DatumGetTimestampTz(won_at[i]);
	}

	/* the opportunities, grouped by account in argument order */
	for (int i = 0; i < nopp; i++)
	{
		RtLookupEntry *e = rt_lookup_listed(lk, opp_ids[i], opp_ids_null[i], i);

		if (e == NULL)
			continue;
		if (e->nopp == RT_MAX_OPPORTUNITIES)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("an account has more than %d opportunities in abm_report_touches",
							RT_MAX_OPPORTUNITIES),
					 errdetail("Account %lld has more than %d opportunities.",
							   (long long) e->id, RT_MAX_OPPORTUNITIES),
					 errhint("Pass only the opportunities created in the steps.")));
		e->nopp++;
	}
	for (int32 i = 0, first = 0; i < lk->nentries; i++)
	{
		lk->entries[i].opp_first = first;
		first += lk->entries[i].nopp;
	}
	fill = palloc0(Max(lk->nentries, 1) * sizeof(int32));
	lk->opp_index = palloc(Max(nopp, 1) * sizeof(int32));
	for (int i = 0; i < nopp; i++)
	{
		RtLookupEntry *e;
		int32		k;

		if ((i & 4095) == 4095)
			CHECK_FOR_INTERRUPTS();
		if (opp_ids_null[i] || (e = rt_lookup_find(lk, DatumGetInt64(opp_ids[i]), false)) == NULL)
			continue;
		k = (int32) (e - lk->entries);
		lk->opp_index[e->opp_first + fill[k]++] = i;
	}
	lk->opp_created = palloc(Max(nopp, 1) * sizeof(TimestampTz));
	lk->opp_since = palloc(Max(nopp, 1) * sizeof(TimestampTz));
	for (int i = 0; i < nopp; i++)
	{
		lk->opp_created[i] = elem_nulls[4][i] ? 0 : DatumGetTimestampTz(elems[4][i]);
		lk->opp_since[i] = elem_nulls[5][i] ? 0 : DatumGetTimestampTz(elems[5][i]);
	}
	lk->opp_created_null = elem_nulls[4];
	lk->opp_since_null = elem_nulls[5];
	lk->opp_amount = elems[6];
	lk->opp_amount_null = elem_nulls[6];
	MemoryContextSwitchTo(old);
	return lk;
}

/*
 * The lookup table of this row's arguments: built on the first row, then
 * kept; rebuilt when a row passes other arrays (only possible when the plan
 * does not pass constants).
 */
static const RtLookup *
rt_lookup_of_row(FunctionCallInfo fcinfo, const RtParams *p, bool *changed)
{
	RtCache    *cache = fcinfo->flinfo->fn_extra;	/* set by abm_rt_params_of_row */
	bool		same = cache->lookup != NULL && cache->lookup->nsteps == p->nsteps;

	*changed = false;
	if (same && cache->lookup_fixed.known && cache->lookup_fixed.fixed)
		return cache->lookup;
	if (same && rt_raws_same(cache->lookup_args, RT_LOOKUP_ARGS, fcinfo, RT_FIRST_LOOKUP_ARG))
	{
		(void) abm_agg_args_fixed_in_scan(fcinfo, RT_FIRST_LOOKUP_ARG,
										  RT_FIRST_LOOKUP_ARG + RT_LOOKUP_ARGS - 1, &cache->lookup_fixed);
		return cache->lookup;
	}

	if (cache->lookup_cxt == NULL)
		cache->lookup_cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt,
												  "abm_report_touches accounts",
												  ALLOCSET_DEFAULT_SIZES);
	else
		MemoryContextReset(cache->lookup_cxt);
	/* the kept arguments lived in lookup_cxt too */
	memset(cache->lookup_args, 0, sizeof(cache->lookup_args));
	cache->lookup = NULL;
	cache->lookup = rt_lookup_build(fcinfo, p->nsteps, cache->lookup_cxt);
	for (int i = 0; i < RT_LOOKUP_ARGS; i++)
		rt_raw_keep(&cache->lookup_args[i], fcinfo, RT_FIRST_LOOKUP_ARG + i, cache->lookup_cxt);
	(void) abm_agg_args_fixed_in_scan(fcinfo, RT_FIRST_LOOKUP_ARG,
									  RT_FIRST_LOOKUP_ARG + RT_LOOKUP_ARGS - 1, &cache->lookup_fixed);
	*changed = true;
	return cache->lookup;
}

/*
 * Canonical form of an account's arguments: copies, won_at (a flag, then
 * per step a NULL flag and the time), the opportunities (count, then per
 * opportunity its creation time, the start of its look-back window and its
 * amount in numeric's binary form, each with a NULL flag).  e NULL: an
 * account the lookup does not list.
 */
static void
rt_account_key(const RtLookup *lk, const RtLookupEntry *e, StringInfo key)
{
	initStringInfo(key);
	pq_sendint32(key, e != NULL ? e->copies : (lk->all_once ? 1 : 0));
	if (e == NULL || e->won < 0)
		pq_sendbyte(key, 0);
	else
	{
		int64		base = (int64) e->won * lk->nsteps;

		pq_sendbyte(key, 1);
		for (int32 i = 0; i < lk->nsteps; i++)
		{
			pq_sendbyte(key, lk->won_null[base + i] ? 1 : 0);
			pq_sendint64(key, lk->won_at[base + i]);
		}
	}
	pq_sendint32(key, e != NULL ? e->nopp : 0);
	for (int32 k = 0; e != NULL && k < e->nopp; k++)
	{
		int32		i = lk->opp_index[e->opp_first + k];

		CHECK_FOR_INTERRUPTS();
		pq_sendbyte(key, lk->opp_created_null[i] ? 1 : 0);
		pq_sendint64(key, lk->opp_created[i]);
		pq_sendbyte(key, lk->opp_since_null[i] ? 1 : 0);
		pq_sendint64(key, lk->opp_since[i]);
		if (lk->opp_amount_null[i])
			pq_sendbyte(key, 1);
		else
		{
			pq_sendbyte(key, 0);
			abm_write_numeric(key, lk->opp_amount[i]);
		}
	}
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
 * (arguments or a serialized state; sqlstate as for abm_rt_params_load).
 */
void
abm_rt_account_load(RtState *st, const char *key, int32 keylen, MemoryContext cxt,
				int sqlstate)
{
	const RtParams *p = st->p;
	MemoryContext old = MemoryContextSwitchTo(cxt);
	AbmReader	r = {key, key + keylen, "report touches account arguments", ABM_FORMAT_VERSION};
	int32		n;
	uint8		flag;

	st->copies = abm_read_int32(&r);
	if (st->copies < 0 || st->copies > RT_MAX_COPIES)
		rt_bad(sqlstate == ERRCODE_INVALID_PARAMETER_VALUE && st->copies > RT_MAX_COPIES ?
			   ERRCODE_PROGRAM_LIMIT_EXCEEDED : sqlstate,
			   psprintf("copies must be between 0 and %d", RT_MAX_COPIES),
			   psprintf("copies = %d.", st->copies),
			   "List the account in accounts once per row it has there.");
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
		step = abm_rt_step_of(p, created);
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

void
abm_rt_account_mismatch(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("the account and the per-account arrays of abm_report_touches must be the same on every row of a group"),
			 errdetail("A row of the group passed another account, or other arrays, than its first row."),
			 errhint("Group by the account and pass the arrays as constants.")));
}

/* First row of a group: load its account's arguments; later rows: check. */
void
abm_rt_account_of_row(FunctionCallInfo fcinfo, RtState *st, bool first, MemoryContext aggcontext)
{
	bool		isnull = PG_ARGISNULL(RT_ARG_ACCOUNT);
	int64		id = isnull ? 0 : PG_GETARG_INT64(RT_ARG_ACCOUNT);
	bool		changed;
	const RtLookup *lk = rt_lookup_of_row(fcinfo, st->p, &changed);
	StringInfoData key;

	if (!first && !changed && isnull == st->acct_null && id == st->acct_id)
		return;
	rt_account_key(lk, isnull ? NULL : rt_lookup_find((RtLookup *) lk, id, false), &key);
	if (first)
		abm_rt_account_load(st, key.data, key.len, aggcontext, ERRCODE_INVALID_PARAMETER_VALUE);
	else if (isnull != st->acct_null || id != st->acct_id ||
			 st->acct_keylen != key.len || memcmp(st->acct_key, key.data, key.len) != 0)
		abm_rt_account_mismatch();
	st->acct_null = isnull;
	st->acct_id = id;
	pfree(key.data);
}
