/*-------------------------------------------------------------------------
 *
 * compat.h
 *	  The differences between the PostgreSQL major versions abm builds
 *	  against (15 and 18 built and tested; 16 and 17 by the same guards).
 *
 * Every PG_VERSION_NUM test of the extension lives here, so the capability
 * files are written once against one API.  Included by abm.h.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ABM_COMPAT_H
#define ABM_COMPAT_H

#include "postgres.h"

/* 16 moved the varlena macros (VARDATA_ANY, VARSIZE_ANY, ...) to varatt.h. */
#if PG_VERSION_NUM >= 160000
#include "varatt.h"
#endif

/*
 * float8in_internal() gained a soft-error context in 16; abm wants the hard
 * error (ERROR on a malformed number), which a NULL context gives.
 */
#include "utils/float.h"
#if PG_VERSION_NUM >= 160000
#define abm_float8in(num, endptr, type_name, orig) \
	float8in_internal((num), (endptr), (type_name), (orig), NULL)
#else
#define abm_float8in(num, endptr, type_name, orig) \
	float8in_internal((num), (endptr), (type_name), (orig))
#endif

/*
 * A function that never returns: 18 replaced pg_attribute_noreturn(), after
 * the declarator, by pg_noreturn, before the declaration; both versions
 * accept the attribute first.
 */
#if PG_VERSION_NUM >= 180000
#define abm_noreturn pg_noreturn
#else
#define abm_noreturn pg_attribute_noreturn()
#endif

#endif							/* ABM_COMPAT_H */
