/*-------------------------------------------------------------------------
 *
 * abm.c
 *	  Module magic and the helpers every capability shares: state
 *	  serialization with a version byte, bounds-checked reads, aggregate
 *	  context lookup, and time conversions.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "abm.h"
#include "executor/executor.h"
#include "nodes/execnodes.h"
#include "nodes/primnodes.h"
#include "common/int.h"
#include "libpq/pqformat.h"
#include "port/pg_bswap.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/numeric.h"

PG_MODULE_MAGIC;

#define ABM_SORT_NAME sort_int64
#define ABM_SORT_TYPE int64
#define ABM_SORT_CMP(a, b) ((*(a) > *(b)) - (*(a) < *(b)))
#include "abm_sort.h"

void
abm_sort_int64(int64 *a, size_t n)
{
	sort_int64(a, n);
}

void
abm_write_begin(StringInfo buf, AbmStateKind kind)
{
	pq_begintypsend(buf);
	pq_sendbyte(buf, ABM_FORMAT_VERSION);
	pq_sendbyte(buf, (uint8) kind);
}

bytea *
abm_write_end(StringInfo buf)
{
	return pq_endtypsend(buf);
}

void
abm_corrupt(const char *what, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid %s value", what),
			 errdetail("%s", why)));
}

void
abm_read_corrupt(AbmReader *r, const char *why)
{
	abm_corrupt(r->what, why);
}

void
abm_read_begin(AbmReader *r, const char *data, Size len, AbmStateKind kind,
			   const char *what)
{
	uint8		version;
	uint8		found_kind;

	r->cur = data;
	r->end = data + len;
	r->what = what;
	r->version = 0;

	version = abm_read_uint8(r);
	if (version == 0 || version > ABM_FORMAT_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported %s format version %d", what, version),
				 errdetail("This build of abm reads format versions 1 to %d.",
						   ABM_FORMAT_VERSION),
				 errhint("Update the abm extension to the release that wrote the value.")));
	r->version = version;

	found_kind = abm_read_uint8(r);
	if (found_kind != (uint8) kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid %s value", what),
				 errdetail("The data holds a state of kind %d, expected kind %d.",
						   found_kind, (int) kind)));
}

void
abm_read_begin_bytea(AbmReader *r, bytea *b, AbmStateKind kind, const char *what)
{
	abm_read_begin(r, VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), kind, what);
}

/*
 * Read an element count and check it against the cap the writer obeys, and
 * against the bytes actually left, before anyone allocates for it.
 */
int32
abm_read_count(AbmReader *r, int32 max)
{
	int32		n = abm_read_int32(r);

	if (n < 0 || n > max)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid %s value", r->what),
				 errdetail("Element count %d is outside 0..%d.", n, max)));
	if ((Size) n > (Size) (r->end - r->cur))
		abm_read_corrupt(r, "The element count exceeds the data left.");
	return n;
}

void
abm_read_end(AbmReader *r)
{
	if (r->cur != r->end)
		abm_read_corrupt(r, "The data has trailing bytes.");
}

bytea *
abm_send_stored(Datum value)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(value);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbytes(&buf, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
	return pq_endtypsend(&buf);
}

const char *
abm_recv_bytes(StringInfo msg, int *len)
{
	*len = msg->len - msg->cursor;
	return pq_getmsgbytes(msg, *len);
}

/*
 * Arguments first..last of the aggregate: -1 when one of them may change
 * from row to row, 0 when all are constants or parameters of the statement,
 * 1 when all are those or parameters the executor computes (PARAM_EXEC),
 * at least one of them the latter.
 */
static int
agg_args_kind(FunctionCallInfo fcinfo, int first, int last)
{
	Aggref	   *agg = AggGetAggref(fcinfo);
	int			kind = 0;

	if (agg == NULL || first < 1 || last > list_length(agg->args))
		return -1;
	for (int i = first; i <= last; i++)
	{
		Node	   *expr = (Node *) ((TargetEntry *) list_nth(agg->args, i - 1))->expr;

		if (IsA(expr, Const) ||
			(IsA(expr, Param) && ((Param *) expr)->paramkind == PARAM_EXTERN))
			continue;
		if (IsA(expr, Param) && ((Param *) expr)->paramkind == PARAM_EXEC)
			kind = 1;
		else
			return -1;
	}
	return kind;
}

bool
abm_agg_args_fixed(FunctionCallInfo fcinfo, int first, int last)
{
	return agg_args_kind(fcinfo, first, last) == 0;
}

/* A rescan of the aggregate: its executor parameters may have changed. */
static void
agg_args_rescan(Datum arg)
{
	AbmFixedArgs *f = (AbmFixedArgs *) DatumGetPointer(arg);

	f->known = false;
	f->fixed = false;
}

bool
abm_agg_args_fixed_in_scan(FunctionCallInfo fcinfo, int first, int last, AbmFixedArgs *f)
{
	int			kind;

	if (f->known)
		return f->fixed;
	kind = agg_args_kind(fcinfo, first, last);
	/*
	 * Executor parameters hold within this scan of the Agg node: ExecReScan
	 * rescans the node's output ExprContext, which calls back here.
	 */
	if (kind == 1 && fcinfo->context != NULL && IsA(fcinfo->context, AggState) &&
		((AggState *) fcinfo->context)->ss.ps.ps_ExprContext != NULL)
		RegisterExprContextCallback(((AggState *) fcinfo->context)->ss.ps.ps_ExprContext,
									agg_args_rescan, PointerGetDatum(f));
	else if (kind == 1)
		kind = -1;
	f->fixed = kind >= 0;
	f->known = true;
	return f->fixed;
}

MemoryContext
abm_agg_context(FunctionCallInfo fcinfo, const char *fname)
{
	MemoryContext aggcontext;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s called in non-aggregate context", fname)));
	return aggcontext;
}

void
abm_count_overflow(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s is out of range", what),
			 errdetail("The %s exceeds %lld.", what, (long long) PG_INT64_MAX),
			 errhint("Split the data into smaller groups.")));
}

void
abm_cap_exceeded(const char *what, const char *where, int64 cap, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("too many %s in one %s", what, where),
			 errdetail("One %s holds at most %lld %s.", where, (long long) cap, what),
			 errhint("%s", hint)));
}

uint64
abm_bool_array_mask64(Datum array, int *nitems)
{
	ArrayType  *a = DatumGetArrayTypeP(array);
	int			n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
	bits8	   *nulls = ARR_NULLBITMAP(a);
	const char *p;
	uint64		mask = 0;

	*nitems = n;
	if (n > 64)
		return 0;
	/* bool elements take one byte each; NULL ones take none */
	p = (const char *) a + (ARR_HASNULL(a) ? (Size) a->dataoffset :
							(Size) ARR_OVERHEAD_NONULLS(ARR_NDIM(a)));
	for (int i = 0; i < n; i++)
	{
		if (nulls && !(nulls[i / 8] & (1 << (i % 8))))
			continue;
		if (*p++)
			mask |= (uint64) 1 << i;
	}
	return mask;
}

uint32
abm_bool_array_mask(Datum array, int *nitems)
{
	uint64		mask = abm_bool_array_mask64(array, nitems);

	return *nitems > 32 ? 0 : (uint32) mask;
}

void
abm_check_finite(TimestampTz ts, const char *what, const char *hint)
{
	if (TIMESTAMP_NOT_FINITE(ts))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be finite", what),
				 errdetail("The timestamp given is %s.",
						   DatumGetCString(DirectFunctionCall1(timestamptz_out,
															   TimestampTzGetDatum(ts)))),
				 errhint("%s", hint ? hint : "Filter out rows with infinite timestamps.")));
}

float8
abm_days_between(TimestampTz from, TimestampTz to)
{
	return ((float8) to - (float8) from) / (float8) USECS_PER_DAY;
}

/*
 * Intervals count a month as 30 days and a day as 24 hours, as
 * extract(epoch from interval) does.  Integer arithmetic: through float8,
 * intervals beyond 2^53 microseconds (about 285 years) lost their last
 * microseconds, so a stored half-life did not read back exactly.
 */
int64
abm_interval_usecs(const Interval *iv, const char *argname, bool must_be_positive)
{
	int64		month_usecs;
	int64		day_usecs;
	int64		usecs;

	if (pg_mul_s64_overflow((int64) iv->month, DAYS_PER_MONTH * USECS_PER_DAY, &month_usecs) ||
		pg_mul_s64_overflow((int64) iv->day, USECS_PER_DAY, &day_usecs) ||
		pg_add_s64_overflow(iv->time, day_usecs, &usecs) ||
		pg_add_s64_overflow(usecs, month_usecs, &usecs))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s is out of range", argname)));
	if (must_be_positive && usecs <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be positive", argname),
				 errdetail("The input has %s = %s.", argname,
						   DatumGetCString(DirectFunctionCall1(interval_out,
															   IntervalPGetDatum(iv)))),
				 errhint("Pass an interval greater than zero, such as '7 days'.")));
	return usecs;
}

/* Microseconds as interval text of days and time ("7 days 12:00:00"). */
char *
abm_usecs_text(int64 usecs)
{
	Interval	iv;

	iv.month = 0;
	iv.day = (int32) (usecs / USECS_PER_DAY);
	iv.time = usecs % USECS_PER_DAY;
	return DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(&iv)));
}
