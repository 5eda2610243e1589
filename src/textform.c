/*-------------------------------------------------------------------------
 *
 * textform.c
 *	  Helpers shared by the text input and output functions of the
 *	  storable types (textform.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "textform.h"
#include "common/int.h"
#include "utils/datetime.h"

void
abm_literal_error(const char *typname, const char *literal, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", typname, literal),
			 errdetail("%s", why)));
}

const char *
abm_skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

const char *
abm_expect(const char *p, const char *token, const char *typname,
		   const char *literal)
{
	size_t		len = strlen(token);

	p = abm_skip_ws(p);
	if (strncmp(p, token, len) != 0)
	{
		char	   *why = psprintf("Expected \"%s\".", token);

		abm_literal_error(typname, literal, why);
	}
	return abm_skip_ws(p + len);
}

const char *
abm_parse_count(const char *p, int64 *value, const char *typname,
				const char *literal)
{
	int64		v = 0;

	p = abm_skip_ws(p);
	if (*p < '0' || *p > '9')
		abm_literal_error(typname, literal, "Expected a count.");
	for (; *p >= '0' && *p <= '9'; p++)
		if (pg_mul_s64_overflow(v, 10, &v) || pg_add_s64_overflow(v, *p - '0', &v))
			abm_literal_error(typname, literal, "A count is out of range.");
	*value = v;
	return abm_skip_ws(p);
}

/*
 * The text round-trips exactly: timestamptz_in reads the offset back, and
 * the output does not depend on the session's settings.
 */
void
abm_append_utc(StringInfo buf, TimestampTz t)
{
	struct pg_tm tm;
	fsec_t		fsec;
	char		text[MAXDATELEN + 1];

	if (timestamp2tm(t, NULL, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	tm.tm_isdst = 0;			/* UTC: have the +00 offset printed */
	EncodeDateTime(&tm, fsec, true, 0, NULL, USE_ISO_DATES, text);
	appendStringInfoString(buf, text);
}
