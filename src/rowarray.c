/*-------------------------------------------------------------------------
 *
 * rowarray.c
 *	  Arrays of a composite type (rowarray.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "rowarray.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

void
abm_row_array_init(FunctionCallInfo fcinfo, AbmRowArray *ra, Oid type, int natts, const char *name)
{
	MemoryContext old;
	TupleDesc	desc;

	if (!OidIsValid(type))
	{
		type = get_element_type(get_func_rettype(fcinfo->flinfo->fn_oid));
		if (!OidIsValid(type))
			elog(ERROR, "%s must be returned as an array", name);
	}
	ra->elemtype = type;
	get_typlenbyvalalign(type, &ra->elemlen, &ra->elembyval, &ra->elemalign);
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	desc = BlessTupleDesc(lookup_rowtype_tupdesc_copy(type, -1));
	MemoryContextSwitchTo(old);
	if (desc->natts != natts)
		elog(ERROR, "%s has %d columns, expected %d", name, desc->natts, natts);
	/* set last: a caller that checks tupdesc sees it only once checked */
	ra->tupdesc = desc;
}

Datum
abm_row_array_build(const AbmRowArray *ra, Datum *rows, int n)
{
	return PointerGetDatum(construct_array(rows, n, ra->elemtype, ra->elemlen, ra->elembyval,
										   ra->elemalign));
}
