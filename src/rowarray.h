/*-------------------------------------------------------------------------
 *
 * rowarray.h
 *	  Arrays of a composite type, read or built by C functions (the report's
 *	  support aggregates take and return them): the element type's storage
 *	  and row descriptor, looked up once per call site (rowarray.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef ABM_ROWARRAY_H
#define ABM_ROWARRAY_H

#include "abm.h"
#include "access/tupdesc.h"

typedef struct AbmRowArray
{
	Oid			elemtype;
	int16		elemlen;
	bool		elembyval;
	char		elemalign;
	TupleDesc	tupdesc;		/* blessed, in fn_mcxt; NULL until looked up */
} AbmRowArray;

/*
 * Look up the composite type (InvalidOid: the element type of the
 * function's array result), which must have natts columns (name names it
 * in the error), into ra, in the function's memory context.
 */
extern void abm_row_array_init(FunctionCallInfo fcinfo, AbmRowArray *ra, Oid type,
							   int natts, const char *name);

/* The array of n rows (composite Datums) of ra's type. */
extern Datum abm_row_array_build(const AbmRowArray *ra, Datum *rows, int n);

#endif							/* ABM_ROWARRAY_H */
