/*-------------------------------------------------------------------------
 *
 * journey.c
 *	  The storable type abm_journey: for an ordered list of at most 16
 *	  stages (by default target, engaged, opportunity, won, retained,
 *	  expanded), the first time an account entered each.  The aggregate
 *	  abm_journey(stage, entered_at [, stages]) builds one, abm_rollup merges
 *	  them, abm_stage and abm_entered read them.  The stage lists
 *	  are in stages.c.
 *
 * On disk and on the wire a journey is: version, kind, the stage count, a
 * custom-list flag and (only for a custom list) the names, the bitmask of
 * entered stages and one timestamp per entered stage.  A default-list
 * journey with every stage entered takes 58 bytes.
 *
 * Text form: "{target: 2024-01-05 10:00:00+00, won: 2024-03-01 00:00:00+00}",
 * preceded by the stage list in brackets when it is not the default one:
 * "[lead, mql, \"closed won\"] {lead: 2024-01-05 00:00:00+00}".  Timestamps
 * are written in UTC, ISO style, whatever DateStyle and TimeZone say, so
 * the text round-trips exactly.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "abm.h"
#include "slide.h"
#include "stages.h"
#include "textform.h"
#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "port/pg_bitutils.h"
#include "utils/datetime.h"

PG_FUNCTION_INFO_V1(abm_journey_in);
PG_FUNCTION_INFO_V1(abm_journey_out);
PG_FUNCTION_INFO_V1(abm_journey_recv);
PG_FUNCTION_INFO_V1(abm_journey_send);
PG_FUNCTION_INFO_V1(abm_journey_trans);
PG_FUNCTION_INFO_V1(abm_journey_stages_trans);
PG_FUNCTION_INFO_V1(abm_journey_combine);
PG_FUNCTION_INFO_V1(abm_journey_serial);
PG_FUNCTION_INFO_V1(abm_journey_deserial);
PG_FUNCTION_INFO_V1(abm_journey_final);
PG_FUNCTION_INFO_V1(abm_journey_merge);
PG_FUNCTION_INFO_V1(abm_journey_mtrans);
PG_FUNCTION_INFO_V1(abm_journey_minv);
PG_FUNCTION_INFO_V1(abm_journey_mfinal);
PG_FUNCTION_INFO_V1(abm_stage);
PG_FUNCTION_INFO_V1(abm_entered);
PG_FUNCTION_INFO_V1(abm_journey_before);

/* ---------- journeys ---------- */

static void
journey_enter(AbmJourney *j, int k, TimestampTz ts)
{
	if (!(j->entered & (1U << k)) || ts < j->at[k])
		j->at[k] = ts;
	j->entered |= 1U << k;
}

static void
journey_merge_into(AbmJourney *dst, const AbmJourney *src)
{
	abm_stages_check_same(dst->stages, src->stages, "journeys");
	for (int k = 0; k < src->stages->n; k++)
		if (src->entered & (1U << k))
			journey_enter(dst, k, src->at[k]);
}

static bytea *
journey_write(const AbmJourney *j)
{
	StringInfoData buf;

	abm_write_begin(&buf, ABM_KIND_JOURNEY);
	abm_stages_write(&buf, j->stages);
	pq_sendint32(&buf, j->entered);
	for (int k = 0; k < j->stages->n; k++)
		if (j->entered & (1U << k))
			pq_sendint64(&buf, j->at[k]);
	return abm_write_end(&buf);
}

static void
journey_read(AbmJourney *j, const char *data, Size len)
{
	AbmReader	r;
	AbmStages	list;

	abm_read_begin(&r, data, len, ABM_KIND_JOURNEY, "abm_journey");
	abm_stages_read(&r, &list);
	j->stages = abm_stages_keep(&list, CurrentMemoryContext);
	j->entered = (uint32) abm_read_int32(&r);
	if (j->entered >> j->stages->n)
		abm_read_corrupt(&r, "A stage beyond the list is marked entered.");
	for (int k = 0; k < j->stages->n; k++)
	{
		if (!(j->entered & (1U << k)))
			continue;
		j->at[k] = abm_read_int64(&r);
		if (!IS_VALID_TIMESTAMP(j->at[k]))
			abm_read_corrupt(&r, "A stage entry time is out of range.");
	}
	abm_read_end(&r);
}

AbmJourney *
abm_journey_from_datum(Datum d)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(d);
	AbmJourney *j = palloc0(sizeof(AbmJourney));

	journey_read(j, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
	return j;
}

Datum
abm_journey_in(PG_FUNCTION_ARGS)
{
	const char *literal = PG_GETARG_CSTRING(0);
	const char *p;
	AbmJourney *j = palloc0(sizeof(AbmJourney));
	AbmStages	list;

	p = abm_stages_parse(literal, &list, "abm_journey", literal);
	j->stages = abm_stages_keep(&list, CurrentMemoryContext);
	if (*p != '{')
		abm_literal_error("abm_journey", literal, "Expected \"{\".");
	p = abm_skip_ws(p + 1);
	while (*p != '}')
	{
		char		name[ABM_MAX_STAGE_NAME + 1];
		const char *start;
		char	   *value;
		int			k;
		TimestampTz ts;

		p = abm_parse_stage_name(p, name, "abm_journey", literal);
		k = abm_stages_find(j->stages, name, strlen(name));
		if (k < 0)
			abm_literal_error("abm_journey", literal, "A stage is not in the stage list.");
		if (j->entered & (1U << k))
			abm_literal_error("abm_journey", literal, "A stage appears twice.");
		if (*p != ':')
			abm_literal_error("abm_journey", literal, "Expected \":\" after a stage name.");
		start = p = abm_skip_ws(p + 1);
		while (*p && *p != ',' && *p != '}')
			p++;
		if (*p == '\0')
			abm_literal_error("abm_journey", literal, "Expected \"}\".");
		value = pnstrdup(start, p - start);
		ts = DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in,
													 CStringGetDatum(value),
													 ObjectIdGetDatum(InvalidOid),
													 Int32GetDatum(-1)));
		if (TIMESTAMP_NOT_FINITE(ts))
			abm_literal_error("abm_journey", literal, "A stage entry time is not finite.");
		journey_enter(j, k, ts);
		if (*p == ',')
			p = abm_skip_ws(p + 1);
	}
	if (*abm_skip_ws(p + 1) != '\0')
		abm_literal_error("abm_journey", literal, "Unexpected text after \"}\".");
	PG_RETURN_BYTEA_P(journey_write(j));
}

Datum
abm_journey_out(PG_FUNCTION_ARGS)
{
	AbmJourney *j = abm_journey_from_datum(PG_GETARG_DATUM(0));
	StringInfoData buf;
	bool		first = true;

	initStringInfo(&buf);
	abm_stages_append(&buf, j->stages);
	appendStringInfoChar(&buf, '{');
	for (int k = 0; k < j->stages->n; k++)
	{
		if (!(j->entered & (1U << k)))
			continue;
		if (!first)
			appendStringInfoString(&buf, ", ");
		first = false;
		abm_append_stage_name(&buf, j->stages->names[k]);
		appendStringInfoString(&buf, ": ");
		abm_append_utc(&buf, j->at[k]);
	}
	appendStringInfoChar(&buf, '}');
	PG_RETURN_CSTRING(buf.data);
}

Datum
abm_journey_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	int			len = msg->len - msg->cursor;
	const char *data = pq_getmsgbytes(msg, len);
	AbmJourney	j;

	journey_read(&j, data, len);
	PG_RETURN_BYTEA_P(journey_write(&j));
}

Datum
abm_journey_send(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbytes(&buf, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * The transition state of abm_journey(stage, entered_at, stages): the
 * journey, and the bytes of the stage list array its first row passed, so
 * that every later row is checked against it cheaply (a memcmp when the
 * list is a constant).
 */
typedef struct JourneyAgg
{
	AbmJourney	j;				/* first: the state is used as an AbmJourney */
	struct varlena *stages_src; /* NULL for the default list */
} JourneyAgg;

static void
journey_check_stages(const JourneyAgg *agg, Datum array)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(array);
	AbmStages	list;
	bool		same;

	if (VARSIZE_ANY_EXHDR(v) == VARSIZE_ANY_EXHDR(agg->stages_src) &&
		memcmp(VARDATA_ANY(v), VARDATA_ANY(agg->stages_src), VARSIZE_ANY_EXHDR(v)) == 0)
		return;
	/* another array of the same names (built differently) is the same list */
	abm_stages_from_array(&list, array);
	same = list.n == agg->j.stages->n;
	for (int i = 0; i < list.n && same; i++)
		same = strcmp(list.names[i], agg->j.stages->names[i]) == 0;
	if (!same)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("stages must be the same on every row of a journey group"),
				 errdetail("The group has stages %s; another row has %s.",
						   abm_stages_text(agg->j.stages), abm_stages_text(&list)),
				 errhint("Pass a constant stage list, or one that depends only on the GROUP BY columns.")));
}

/*
 * The aggregate abm_journey(stage, entered_at [, stages]): the stage list
 * is a parameter of the group, the same on every row.  Rows with a NULL
 * stage or time are skipped.
 */
static Datum
journey_trans(FunctionCallInfo fcinfo, bool has_stages)
{
	MemoryContext ctx = abm_agg_context(fcinfo, "abm_journey_trans");
	JourneyAgg *agg = PG_ARGISNULL(0) ? NULL : (JourneyAgg *) PG_GETARG_POINTER(0);
	AbmJourney *j;
	TimestampTz ts;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || (has_stages && PG_ARGISNULL(3)))
	{
		if (agg == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(agg);
	}
	if (agg == NULL)
	{
		AbmStages	list;

		agg = MemoryContextAllocZero(ctx, sizeof(JourneyAgg));
		if (has_stages)
		{
			struct varlena *v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(3));

			abm_stages_from_array(&list, PG_GETARG_DATUM(3));
			agg->stages_src = MemoryContextAlloc(ctx, VARSIZE_ANY(v));
			memcpy(agg->stages_src, v, VARSIZE_ANY(v));
		}
		else
			abm_stages_default(&list);
		agg->j.stages = abm_stages_keep(&list, ctx);
	}
	else if (has_stages)
		journey_check_stages(agg, PG_GETARG_DATUM(3));
	j = &agg->j;
	ts = PG_GETARG_TIMESTAMPTZ(2);
	abm_check_finite(ts, "entered_at", NULL);
	journey_enter(j, abm_stages_require(j->stages, PG_GETARG_TEXT_PP(1)), ts);
	PG_RETURN_POINTER(agg);
}

Datum
abm_journey_trans(PG_FUNCTION_ARGS)
{
	return journey_trans(fcinfo, false);
}

Datum
abm_journey_stages_trans(PG_FUNCTION_ARGS)
{
	return journey_trans(fcinfo, true);
}

Datum
abm_journey_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = abm_agg_context(fcinfo, "abm_journey_combine");
	AbmJourney *j = PG_ARGISNULL(0) ? NULL : (AbmJourney *) PG_GETARG_POINTER(0);
	AbmJourney *other = (AbmJourney *) PG_GETARG_POINTER(1);

	ABM_COMBINE_NULLS();
	if (j == NULL)
	{
		j = MemoryContextAlloc(ctx, sizeof(AbmJourney));
		memcpy(j, other, sizeof(AbmJourney));
		j->stages = abm_stages_keep(other->stages, ctx);
	}
	else
		journey_merge_into(j, other);
	PG_RETURN_POINTER(j);
}

Datum
abm_journey_serial(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(journey_write((AbmJourney *) PG_GETARG_POINTER(0)));
}

Datum
abm_journey_deserial(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(abm_journey_from_datum(PG_GETARG_DATUM(0)));
}

Datum
abm_journey_final(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_BYTEA_P(journey_write((AbmJourney *) PG_GETARG_POINTER(0)));
}

/* abm_rollup(abm_journey): transition and combine in one, on the type itself. */
Datum
abm_journey_merge(PG_FUNCTION_ARGS)
{
	AbmJourney *j = abm_journey_from_datum(PG_GETARG_DATUM(0));

	journey_merge_into(j, abm_journey_from_datum(PG_GETARG_DATUM(1)));
	PG_RETURN_BYTEA_P(journey_write(j));
}

/*
 * Sliding form of abm_rollup(abm_journey), for frames such as ROWS 6
 * PRECEDING: an earliest entry cannot be subtracted, so the frame is a
 * queue of journeys (slide.h), each result the plain merge of the frame's
 * rows.  The rows of a frame share one copy of their stage list, kept in
 * the aggregate context (q->arg).
 */
static void
journey_slide_merge(void *dst, const void *src, pg_attribute_unused() MemoryContext ctx)
{
	journey_merge_into((AbmJourney *) dst, (const AbmJourney *) src);
}

static void *
journey_slide_copy(const void *src, MemoryContext ctx)
{
	AbmJourney *j = MemoryContextAlloc(ctx, sizeof(AbmJourney));

	memcpy(j, src, sizeof(AbmJourney));
	return j;
}

/*
 * Rows one frame may hold (each about 150 bytes, so 150 MB); beyond it the
 * query fails with 54000.
 */
#define JOURNEY_MAX_FRAME_ROWS	1000000

static const SlideOps journey_slide = {
	.merge = journey_slide_merge,
	.copy = journey_slide_copy,
	.frame = "abm_journey window frame",
	.max_rows = JOURNEY_MAX_FRAME_ROWS,
	.hint = "Use a narrower frame, or roll the journeys up by period first.",
};

static bool
journey_same_stages(const AbmStages *a, const AbmStages *b)
{
	if (a->n != b->n)
		return false;
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->names[i], b->names[i]) != 0)
			return false;
	return true;
}

Datum
abm_journey_mtrans(PG_FUNCTION_ARGS)
{
	SlideQueue *q = slide_arg(fcinfo, &journey_slide, "abm_rollup");

	if (!PG_ARGISNULL(1))
	{
		AbmJourney *j = abm_journey_from_datum(PG_GETARG_DATUM(1));

		if (q->arg == NULL || !journey_same_stages(q->arg, j->stages))
			q->arg = (void *) abm_stages_keep(j->stages, q->ctx);
		j->stages = q->arg;
		slide_push(q, j);
	}
	PG_RETURN_POINTER(q);
}

Datum
abm_journey_minv(PG_FUNCTION_ARGS)
{
	return slide_inverse(fcinfo, "abm_rollup", NULL);
}

Datum
abm_journey_mfinal(PG_FUNCTION_ARGS)
{
	const AbmJourney *j = slide_final(fcinfo);

	if (j == NULL)
		PG_RETURN_NULL();
	PG_RETURN_BYTEA_P(journey_write(j));
}

/* The furthest stage entered; NULL when none. */
Datum
abm_stage(PG_FUNCTION_ARGS)
{
	AbmJourney *j = abm_journey_from_datum(PG_GETARG_DATUM(0));

	if (j->entered == 0)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(j->stages->names[pg_leftmost_one_pos32(j->entered)]));
}

Datum
abm_entered(PG_FUNCTION_ARGS)
{
	AbmJourney *j = abm_journey_from_datum(PG_GETARG_DATUM(0));
	int			k = abm_stages_require(j->stages, PG_GETARG_TEXT_PP(1));

	if (!(j->entered & (1U << k)))
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(j->at[k]);
}

/*
 * The journey as it stood before a time: the entries made before it (the
 * same journey as abm_journey over the rows before it); NULL when none is.
 * A journey with every entry before the time is returned as it came, not
 * rewritten (the usual case when journeys are cut at a series of times).
 */
Datum
abm_journey_before(PG_FUNCTION_ARGS)
{
	AbmJourney *j = abm_journey_from_datum(PG_GETARG_DATUM(0));
	TimestampTz at = PG_GETARG_TIMESTAMPTZ(1);
	uint32		before = j->entered;

	for (int k = 0; k < j->stages->n; k++)
		if ((j->entered & (1U << k)) && j->at[k] >= at)
			j->entered &= ~(1U << k);
	if (j->entered == 0)
		PG_RETURN_NULL();
	if (j->entered == before)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	PG_RETURN_BYTEA_P(journey_write(j));
}
