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
 * 18 marks functions that never return with the prefix pg_noreturn (and
 * dropped the postfix pg_attribute_noreturn() of 15).
 */
#ifndef pg_noreturn
#if defined(__GNUC__) || defined(__clang__)
#define pg_noreturn __attribute__((noreturn))
#else
#define pg_noreturn
#endif
#endif

#endif							/* ABM_COMPAT_H */
