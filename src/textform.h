/*-------------------------------------------------------------------------
 *
 * textform.h
 *	  Helpers for the text forms of the storable types (abm_engagement,
 *	  abm_journey, abm_funnel, abm_markov, abm_shapley): the error for a
 *	  malformed literal, white space and token scanning, counts, and
 *	  timestamps written in UTC whatever DateStyle and TimeZone say.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ABM_TEXTFORM_H
#define ABM_TEXTFORM_H

#include "abm.h"

/* Error 22P02 "invalid input syntax for type <typname>", why as detail. */
pg_noreturn extern void abm_literal_error(const char *typname, const char *literal,
										   const char *why);

/* The first character at or after p that is not a space, tab or newline. */
extern const char *abm_skip_ws(const char *p);

/* Skip white space, the token, white space; an error when it is missing. */
extern const char *abm_expect(const char *p, const char *token,
							  const char *typname, const char *literal);

/* A non-negative decimal integer, then white space. */
extern const char *abm_parse_count(const char *p, int64 *value,
								   const char *typname, const char *literal);

/* ISO style with the +00 offset: "2026-01-05 09:00:00+00". */
extern void abm_append_utc(StringInfo buf, TimestampTz t);

#endif							/* ABM_TEXTFORM_H */
