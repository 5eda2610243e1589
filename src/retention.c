/*-------------------------------------------------------------------------
 *
 * retention.c
 *	  ClickHouse-compatible retention: abm_retention(VARIADIC bool[]) gives
 *	  r[1] = condition 1 held on some row, r[k] = condition 1 and condition
 *	  k each held on some row of the group.
 *
 * The state is a bigint: bits 0..31 say which conditions have held, bits
 * 32..39 hold the number of conditions plus one.  A by-value state needs
 * no serialization for parallel query and is as small as a state can be.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "abm.h"
#include "catalog/pg_type.h"
#include "utils/array.h"

PG_FUNCTION_INFO_V1(abm_retention_trans);
PG_FUNCTION_INFO_V1(abm_retention_combine);
PG_FUNCTION_INFO_V1(abm_retention_final);

#define RET_MAX_CONDS	32
#define RET_SEEN(state)	((uint32) ((uint64) (state) & 0xFFFFFFFF))
#define RET_NCONDS(state) ((int) (((uint64) (state) >> 32) & 0xFF) - 1)
#define RET_MAKE(seen, n) ((int64) (((uint64) ((n) + 1) << 32) | (uint64) (seen)))

static void
ret_check_count(int n, int expected)
{
	if (n < 1 || n > RET_MAX_CONDS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("abm_retention takes 1 to %d conditions", RET_MAX_CONDS),
				 errdetail("The input has %d conditions.", n),
				 errhint("Pass between 1 and %d conditions.", RET_MAX_CONDS)));
	if (expected >= 0 && n != expected)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("every row of abm_retention must have the same number of conditions"),
				 errdetail("This row has %d conditions, earlier rows had %d.", n, expected)));
}

/* NULL conditions count as false; a NULL array skips the row. */
Datum
abm_retention_trans(PG_FUNCTION_ARGS)
{
	int64		state = PG_ARGISNULL(0) ? 0 : PG_GETARG_INT64(0);
	int			n;
	uint32		seen;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_INT64(state);
	}
	seen = abm_bool_array_mask(PG_GETARG_DATUM(1), &n);
	ret_check_count(n, PG_ARGISNULL(0) ? -1 : RET_NCONDS(state));
	if (!PG_ARGISNULL(0))
		seen |= RET_SEEN(state);
	PG_RETURN_INT64(RET_MAKE(seen, n));
}

Datum
abm_retention_combine(PG_FUNCTION_ARGS)
{
	int64		a,
				b;

	if (PG_ARGISNULL(0))
	{
		if (PG_ARGISNULL(1))
			PG_RETURN_NULL();
		PG_RETURN_INT64(PG_GETARG_INT64(1));
	}
	if (PG_ARGISNULL(1))
		PG_RETURN_INT64(PG_GETARG_INT64(0));
	a = PG_GETARG_INT64(0);
	b = PG_GETARG_INT64(1);
	ret_check_count(RET_NCONDS(b), RET_NCONDS(a));
	PG_RETURN_INT64(RET_MAKE(RET_SEEN(a) | RET_SEEN(b), RET_NCONDS(a)));
}

Datum
abm_retention_final(PG_FUNCTION_ARGS)
{
	int64		state;
	int			n;
	uint32		seen;
	bool		first;
	Datum		r[RET_MAX_CONDS];

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = PG_GETARG_INT64(0);
	n = RET_NCONDS(state);
	ret_check_count(n, -1);
	seen = RET_SEEN(state);
	first = (seen & 1) != 0;
	for (int i = 0; i < n; i++)
		r[i] = Int32GetDatum(first && (seen & ((uint32) 1 << i)) ? 1 : 0);
	PG_RETURN_ARRAYTYPE_P(construct_array(r, n, INT4OID, sizeof(int32), true,
										  TYPALIGN_INT));
}
