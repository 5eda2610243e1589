/*-------------------------------------------------------------------------
 *
 * influenced.c
 *	  Marketing influence: the aggregate abm_influenced(touch_at,
 *	  created_at, lookback), true when some touch falls in
 *	  [created_at - lookback, created_at], both ends included.
 *
 * The state is a plain bool (NULL until a usable row arrives), so no
 * serialization is needed and the combine function is a logical or.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "abm.h"
#include "common/int.h"

PG_FUNCTION_INFO_V1(abm_influenced_trans);
PG_FUNCTION_INFO_V1(abm_influenced_combine);

/*
 * The lookback counts a month as 30 days (docs/conventions.md).  Infinite
 * times fall in no window.
 */
Datum
abm_influenced_trans(PG_FUNCTION_ARGS)
{
	TimestampTz touch_at;
	TimestampTz created_at;
	int64		lookback;
	int64		before;
	bool		influenced;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_BOOL(PG_GETARG_BOOL(0));
	}
	lookback = abm_interval_usecs(PG_GETARG_INTERVAL_P(3), "lookback", true);
	if (!PG_ARGISNULL(0) && PG_GETARG_BOOL(0))
		PG_RETURN_BOOL(true);

	touch_at = PG_GETARG_TIMESTAMPTZ(1);
	created_at = PG_GETARG_TIMESTAMPTZ(2);
	influenced = !TIMESTAMP_NOT_FINITE(touch_at) &&
		!TIMESTAMP_NOT_FINITE(created_at) &&
		touch_at <= created_at &&
		!pg_sub_s64_overflow(created_at, touch_at, &before) &&
		before <= lookback;
	PG_RETURN_BOOL(influenced);
}

Datum
abm_influenced_combine(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
	{
		if (PG_ARGISNULL(1))
			PG_RETURN_NULL();
		PG_RETURN_BOOL(PG_GETARG_BOOL(1));
	}
	if (PG_ARGISNULL(1))
		PG_RETURN_BOOL(PG_GETARG_BOOL(0));
	PG_RETURN_BOOL(PG_GETARG_BOOL(0) || PG_GETARG_BOOL(1));
}
