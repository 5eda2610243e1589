/*-------------------------------------------------------------------------
 *
 * stages.c
 *	  Stage lists (stages.h): an ordered list of at most 16 stage names, by
 *	  default the six-stage ABM funnel (target, engaged, opportunity, won,
 *	  retained, expanded), shared by abm_journey (journey.c) and abm_funnel
 *	  (funnel.c): built from a text[] argument, compared, written and read
 *	  in the binary form, parsed and written in the text form.
 *
 * Binary form: the stage count, a custom-list flag and, only for a custom
 * list, the names.  Text form: "[lead, mql, \"closed won\"]"; a name made
 * of letters, digits and underscores is written bare, any other quoted.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "stages.h"
#include "textform.h"
#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

static const char *const default_stages[] =
{
	"target", "engaged", "opportunity", "won", "retained", "expanded"
};

#define DEFAULT_STAGE_COUNT ((int) lengthof(default_stages))

void
abm_stages_default(AbmStages *s)
{
	s->n = DEFAULT_STAGE_COUNT;
	s->custom = false;
	for (int i = 0; i < DEFAULT_STAGE_COUNT; i++)
		strlcpy(s->names[i], default_stages[i], sizeof(s->names[i]));
}

/*
 * The list a journey or funnel points to: the shared default list, or a
 * copy of a custom one in ctx.
 */
const AbmStages *
abm_stages_keep(const AbmStages *s, MemoryContext ctx)
{
	static AbmStages default_list;
	AbmStages  *copy;

	if (!s->custom)
	{
		if (default_list.n == 0)
			abm_stages_default(&default_list);
		return &default_list;
	}
	copy = MemoryContextAlloc(ctx, sizeof(AbmStages));
	memcpy(copy, s, sizeof(AbmStages));
	return copy;
}

int
abm_stages_find(const AbmStages *s, const char *name, int len)
{
	for (int i = 0; i < s->n; i++)
		if ((int) strlen(s->names[i]) == len && memcmp(s->names[i], name, len) == 0)
			return i;
	return -1;
}

char *
abm_stages_text(const AbmStages *s)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < s->n; i++)
		appendStringInfo(&buf, "%s%s", i ? ", " : "", s->names[i]);
	return buf.data;
}

int
abm_stages_require(const AbmStages *s, text *stage)
{
	int			k = abm_stages_find(s, VARDATA_ANY(stage), VARSIZE_ANY_EXHDR(stage));

	if (k < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown stage \"%s\"", text_to_cstring(stage)),
				 errdetail("The input has stage = '%s'; the stages are: %s.",
						   text_to_cstring(stage), abm_stages_text(s)),
				 errhint("Map the value to one of the stages, or pass your own stage list.")));
	return k;
}

/* After the names are in place: no duplicates; the default list is not custom. */
static bool
stages_finish(AbmStages *s)
{
	for (int i = 0; i < s->n; i++)
		for (int j = 0; j < i; j++)
			if (strcmp(s->names[i], s->names[j]) == 0)
				return false;
	s->custom = s->n != DEFAULT_STAGE_COUNT;
	for (int i = 0; i < s->n && !s->custom; i++)
		s->custom = strcmp(s->names[i], default_stages[i]) != 0;
	return true;
}

static bool
stages_name_ok(const char *name, int len)
{
	return len >= 1 && len <= ABM_MAX_STAGE_NAME &&
		memchr(name, '\0', len) == NULL &&
		pg_verifymbstr(name, len, true);
}

void
abm_stages_from_array(AbmStages *s, Datum array)
{
	ArrayType  *a = DatumGetArrayTypeP(array);
	Datum	   *elems;
	bool	   *nulls;
	int			n;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the stage list must be a one-dimensional array")));
	deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	if (n < 1 || n > ABM_MAX_STAGES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a stage list holds 1 to %d stages", ABM_MAX_STAGES),
				 errdetail("The array stages has %d elements.", n),
				 errhint("Pass between 1 and %d stage names.", ABM_MAX_STAGES)));
	s->n = n;
	for (int i = 0; i < n; i++)
	{
		text	   *t;
		int			len;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a stage name must not be NULL"),
					 errdetail("Element %d of stages is NULL.", i + 1)));
		t = DatumGetTextPP(elems[i]);
		len = VARSIZE_ANY_EXHDR(t);
		if (len < 1 || len > ABM_MAX_STAGE_NAME)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a stage name must be 1 to %d bytes long", ABM_MAX_STAGE_NAME),
					 errdetail("Element %d of stages is '%s'.", i + 1, text_to_cstring(t))));
		memcpy(s->names[i], VARDATA_ANY(t), len);
		s->names[i][len] = '\0';
	}
	if (!stages_finish(s))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("stage names must be distinct"),
				 errdetail("The input has stages = %s.", abm_stages_text(s))));
}

void
abm_stages_check_same(const AbmStages *a, const AbmStages *b, const char *what)
{
	bool		same = a->n == b->n;

	for (int i = 0; i < a->n && same; i++)
		same = strcmp(a->names[i], b->names[i]) == 0;
	if (!same)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine %s with different stage lists", what),
				 errdetail("One has stages %s, the other %s.",
						   abm_stages_text(a), abm_stages_text(b)),
				 errhint("Build every value with the same stage list.")));
}

void
abm_stages_write(StringInfo buf, const AbmStages *s)
{
	pq_sendbyte(buf, (uint8) s->n);
	pq_sendbyte(buf, s->custom ? 1 : 0);
	if (s->custom)
	{
		for (int i = 0; i < s->n; i++)
		{
			int			len = strlen(s->names[i]);

			pq_sendbyte(buf, (uint8) len);
			pq_sendbytes(buf, s->names[i], len);
		}
	}
}

void
abm_stages_read(AbmReader *r, AbmStages *s)
{
	int			n = abm_read_uint8(r);
	int			custom = abm_read_uint8(r);

	if (n < 1 || n > ABM_MAX_STAGES)
		abm_read_corrupt(r, "The stage count is outside 1..16.");
	if (custom > 1)
		abm_read_corrupt(r, "The stage-list flag is invalid.");
	if (!custom)
	{
		if (n != DEFAULT_STAGE_COUNT)
			abm_read_corrupt(r, "The default stage list has 6 stages.");
		abm_stages_default(s);
		return;
	}
	s->n = n;
	for (int i = 0; i < n; i++)
	{
		int			len = abm_read_uint8(r);
		const char *name = abm_read_bytes(r, len);

		if (!stages_name_ok(name, len))
			abm_read_corrupt(r, "A stage name is empty, too long or not valid text.");
		memcpy(s->names[i], name, len);
		s->names[i][len] = '\0';
	}
	if (!stages_finish(s) || !s->custom)
		abm_read_corrupt(r, "The stage names repeat or spell the default list.");
}

/* Text form */

static bool
stages_is_bare_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c == '_';
}

/* A bare word of [A-Za-z0-9_] or a double-quoted name with \ escapes. */
const char *
abm_parse_stage_name(const char *p, char *name, const char *typname,
					 const char *literal)
{
	int			len = 0;

	p = abm_skip_ws(p);
	if (*p == '"')
	{
		for (p++; *p != '"'; p++)
		{
			if (*p == '\\')
				p++;
			if (*p == '\0')
				abm_literal_error(typname, literal, "A quoted stage name is not closed.");
			if (len >= ABM_MAX_STAGE_NAME)
				abm_literal_error(typname, literal, "A stage name is longer than 63 bytes.");
			name[len++] = *p;
		}
		p++;
	}
	else
	{
		while (stages_is_bare_char(*p))
		{
			if (len >= ABM_MAX_STAGE_NAME)
				abm_literal_error(typname, literal, "A stage name is longer than 63 bytes.");
			name[len++] = *p++;
		}
	}
	if (len == 0)
		abm_literal_error(typname, literal, "A stage name is expected.");
	name[len] = '\0';
	return abm_skip_ws(p);
}

void
abm_append_stage_name(StringInfo buf, const char *name)
{
	bool		bare = true;

	for (const char *c = name; *c && bare; c++)
		bare = stages_is_bare_char(*c);
	if (bare)
	{
		appendStringInfoString(buf, name);
		return;
	}
	appendStringInfoChar(buf, '"');
	for (const char *c = name; *c; c++)
	{
		if (*c == '"' || *c == '\\')
			appendStringInfoChar(buf, '\\');
		appendStringInfoChar(buf, *c);
	}
	appendStringInfoChar(buf, '"');
}

/* An optional "[name, ...]" header; the default list when absent. */
const char *
abm_stages_parse(const char *p, AbmStages *s, const char *typname,
				 const char *literal)
{
	p = abm_skip_ws(p);
	if (*p != '[')
	{
		abm_stages_default(s);
		return p;
	}
	p++;
	s->n = 0;
	for (;;)
	{
		if (s->n >= ABM_MAX_STAGES)
			abm_literal_error(typname, literal, "A stage list holds at most 16 stages.");
		p = abm_parse_stage_name(p, s->names[s->n], typname, literal);
		if (!pg_verifymbstr(s->names[s->n], strlen(s->names[s->n]), true))
			abm_literal_error(typname, literal, "A stage name is not valid text.");
		s->n++;
		if (*p == ']')
			break;
		if (*p != ',')
			abm_literal_error(typname, literal, "Expected \",\" or \"]\" in the stage list.");
		p++;
	}
	if (!stages_finish(s))
		abm_literal_error(typname, literal, "The stage names repeat.");
	return abm_skip_ws(p + 1);
}

void
abm_stages_append(StringInfo buf, const AbmStages *s)
{
	if (!s->custom)
		return;
	appendStringInfoChar(buf, '[');
	for (int i = 0; i < s->n; i++)
	{
		if (i > 0)
			appendStringInfoString(buf, ", ");
		abm_append_stage_name(buf, s->names[i]);
	}
	appendStringInfoString(buf, "] ");
}
