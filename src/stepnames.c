/*-------------------------------------------------------------------------
 *
 * stepnames.c
 *	  Steps given as a list of event names (stepnames.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "stepnames.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"

int
abm_step_names_count(FunctionCallInfo fcinfo, int argno)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(argno);

	return ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
}

AbmStepNames *
abm_step_names_new(FunctionCallInfo fcinfo, int argno, MemoryContext ctx)
{
	MemoryContext old = MemoryContextSwitchTo(ctx);
	AbmStepNames *sn = palloc0(sizeof(AbmStepNames));
	ArrayType  *a;
	Datum	   *elems;
	bool	   *nulls;
	int			n;

	/* a flat copy of the list: its elements point into it */
	sn->array = datumCopy(PointerGetDatum(PG_DETOAST_DATUM(PG_GETARG_DATUM(argno))), false, -1);
	a = DatumGetArrayTypeP(sn->array);
	deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	Assert(n <= ABM_STEP_NAMES_MAX);
	sn->n = n;
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
		{
			sn->lens[i] = -1;
			sn->names[i] = NULL;
			continue;
		}
		sn->lens[i] = VARSIZE_ANY_EXHDR(DatumGetPointer(elems[i]));
		sn->names[i] = VARDATA_ANY(DatumGetPointer(elems[i]));
	}
	pfree(elems);
	pfree(nulls);
	sn->fixed = abm_agg_args_fixed(fcinfo, argno, argno);
	MemoryContextSwitchTo(old);
	return sn;
}

/* Whether the list in datum names the same steps as the group's. */
static bool
sn_same_names(const AbmStepNames *sn, Datum datum)
{
	ArrayType  *a = DatumGetArrayTypeP(datum);
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	bool		same;

	deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	same = n == sn->n;
	for (int i = 0; same && i < n; i++)
	{
		if (nulls[i])
			same = sn->lens[i] < 0;
		else
			same = sn->lens[i] == (int32) VARSIZE_ANY_EXHDR(DatumGetPointer(elems[i])) &&
				memcmp(sn->names[i], VARDATA_ANY(DatumGetPointer(elems[i])), sn->lens[i]) == 0;
	}
	pfree(elems);
	pfree(nulls);
	return same;
}

static char *
sn_text(Datum array)
{
	Oid			typoutput;
	bool		isvarlena;

	getTypeOutputInfo(TEXTARRAYOID, &typoutput, &isvarlena);
	return OidOutputFunctionCall(typoutput, array);
}

void
abm_step_names_check(const AbmStepNames *sn, FunctionCallInfo fcinfo, int argno,
					 const char *what)
{
	struct varlena *mine;
	struct varlena *row;

	if (sn->fixed)
		return;
	mine = (struct varlena *) DatumGetPointer(sn->array);
	row = PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
	/* the same bytes (the usual case), or the same names in other bytes */
	if (VARSIZE(row) == VARSIZE(mine) && memcmp(row, mine, VARSIZE(mine)) == 0)
		return;
	if (sn_same_names(sn, PointerGetDatum(row)))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("step names must be the same on every row of %s group", what),
			 errdetail("One row has steps = %s, another steps = %s.",
					   sn_text(sn->array), sn_text(PointerGetDatum(row))),
			 errhint("Pass constants, or values that depend only on the GROUP BY columns.")));
}
