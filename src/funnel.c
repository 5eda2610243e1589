/*-------------------------------------------------------------------------
 *
 * funnel.c
 *	  Stage funnels: the storable type abm_funnel, the aggregate
 *	  abm_funnel(abm_journey), abm_rollup(abm_funnel), and the stage rows
 *	  abm_funnel_steps(abm_funnel) and abm_funnel_report(levels).
 *
 * An account counts at stage k when its furthest stage is k or beyond
 * (skipped stages count as passed).  The days from stage k - 1 to stage k
 * are kept for every account where both entry times exist and are in
 * order, so medians and 90th percentiles are exact (percentile_cont); this
 * costs 8 bytes per account and stage, capped at ABM_FUNNEL_MAX_DURATIONS
 * per stage.
 *
 * On disk: version, kind, the stage list, then per stage the account
 * count, the number of durations and the durations (float8 days).  Text:
 * "{target: 3, engaged: 2 (1.5 4), won: 1 (30)}", preceded by the stage
 * list in brackets when it is not the default one.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "abm.h"
#include "slide.h"
#include "stages.h"
#include "textform.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "port/pg_bitutils.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"

PG_FUNCTION_INFO_V1(abm_funnel_in);
PG_FUNCTION_INFO_V1(abm_funnel_out);
PG_FUNCTION_INFO_V1(abm_funnel_recv);
PG_FUNCTION_INFO_V1(abm_funnel_send);
PG_FUNCTION_INFO_V1(abm_funnel_trans);
PG_FUNCTION_INFO_V1(abm_funnel_combine);
PG_FUNCTION_INFO_V1(abm_funnel_serial);
PG_FUNCTION_INFO_V1(abm_funnel_deserial);
PG_FUNCTION_INFO_V1(abm_funnel_final);
PG_FUNCTION_INFO_V1(abm_funnel_merge);
PG_FUNCTION_INFO_V1(abm_funnel_mtrans);
PG_FUNCTION_INFO_V1(abm_funnel_minv);
PG_FUNCTION_INFO_V1(abm_funnel_mfinal);
PG_FUNCTION_INFO_V1(abm_funnel_steps);
PG_FUNCTION_INFO_V1(abm_funnel_report);

/* 80 MB of durations per stage; beyond it the query fails (54000). */
#define ABM_FUNNEL_MAX_DURATIONS	10000000

/* Width of the bar column for the first stage (100 %). */
#define BAR_WIDTH	20

typedef struct Funnel
{
	const AbmStages *stages;
	int64		accounts[ABM_MAX_STAGES];
	int32		ndur[ABM_MAX_STAGES];
	int32		capdur[ABM_MAX_STAGES];
	float8	   *dur[ABM_MAX_STAGES];	/* days from the previous stage */
} Funnel;

static void
funnel_add_duration(Funnel *f, int k, float8 days, MemoryContext ctx)
{
	if (f->ndur[k] >= f->capdur[k])
	{
		int32		cap;

		if (f->ndur[k] >= ABM_FUNNEL_MAX_DURATIONS)
			abm_cap_exceeded("durations", "funnel stage", ABM_FUNNEL_MAX_DURATIONS,
							 "Split the funnel, for example by cohort.");
		cap = Min(Max(f->capdur[k] * 2, 16), ABM_FUNNEL_MAX_DURATIONS);
		f->dur[k] = f->dur[k] ? repalloc(f->dur[k], sizeof(float8) * cap)
			: MemoryContextAlloc(ctx, sizeof(float8) * cap);
		f->capdur[k] = cap;
	}
	/* -0 is 0: the text form has one zero */
	f->dur[k][f->ndur[k]++] = days == 0 ? 0.0 : days;
}

static void
funnel_merge_into(Funnel *dst, const Funnel *src, MemoryContext ctx)
{
	abm_stages_check_same(dst->stages, src->stages, "funnels");
	for (int k = 0; k < src->stages->n; k++)
	{
		abm_count_add(&dst->accounts[k], src->accounts[k], "funnel account count");
		for (int i = 0; i < src->ndur[k]; i++)
		{
			CHECK_FOR_INTERRUPTS();
			funnel_add_duration(dst, k, src->dur[k][i], ctx);
		}
	}
}

static bytea *
funnel_write(const Funnel *f)
{
	StringInfoData buf;

	abm_write_begin(&buf, ABM_KIND_FUNNEL);
	abm_stages_write(&buf, f->stages);
	for (int k = 0; k < f->stages->n; k++)
	{
		pq_sendint64(&buf, f->accounts[k]);
		pq_sendint32(&buf, f->ndur[k]);
		for (int i = 0; i < f->ndur[k]; i++)
		{
			CHECK_FOR_INTERRUPTS();
			pq_sendfloat8(&buf, f->dur[k][i]);
		}
	}
	return abm_write_end(&buf);
}

/* Counts never grow along the funnel; durations exist only where accounts do. */
static bool
funnel_consistent(const Funnel *f)
{
	for (int k = 0; k < f->stages->n; k++)
	{
		if (f->accounts[k] < 0 || (k > 0 && f->accounts[k] > f->accounts[k - 1]))
			return false;
		if (f->ndur[k] > f->accounts[k] || (k == 0 && f->ndur[k] > 0))
			return false;
	}
	return true;
}

static Funnel *
funnel_read(const char *data, Size len)
{
	Funnel	   *f = palloc0(sizeof(Funnel));
	AbmReader	r;
	AbmStages	list;

	abm_read_begin(&r, data, len, ABM_KIND_FUNNEL, "abm_funnel");
	abm_stages_read(&r, &list);
	f->stages = abm_stages_keep(&list, CurrentMemoryContext);
	for (int k = 0; k < f->stages->n; k++)
	{
		f->accounts[k] = abm_read_int64(&r);
		f->ndur[k] = abm_read_count(&r, ABM_FUNNEL_MAX_DURATIONS);
		f->capdur[k] = f->ndur[k];
		if (f->ndur[k] > 0)
			f->dur[k] = palloc(sizeof(float8) * f->ndur[k]);
		for (int i = 0; i < f->ndur[k]; i++)
		{
			float8		d;

			CHECK_FOR_INTERRUPTS();
			d = abm_read_float8(&r);
			if (isnan(d) || isinf(d) || d < 0)
				abm_read_corrupt(&r, "A duration is negative or not finite.");
			/* -0 reads as 0, as the text input takes it */
			f->dur[k][i] = d == 0 ? 0.0 : d;
		}
	}
	abm_read_end(&r);
	if (!funnel_consistent(f))
		abm_read_corrupt(&r, "The account counts grow along the funnel or the durations outnumber them.");
	return f;
}

static Funnel *
funnel_from_datum(Datum d)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(d);

	return funnel_read(VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
}

Datum
abm_funnel_in(PG_FUNCTION_ARGS)
{
	const char *literal = PG_GETARG_CSTRING(0);
	Funnel	   *f = palloc0(sizeof(Funnel));
	uint32		seen = 0;
	const char *p;
	AbmStages	list;

	p = abm_stages_parse(literal, &list, "abm_funnel", literal);
	f->stages = abm_stages_keep(&list, CurrentMemoryContext);
	if (*p != '{')
		abm_literal_error("abm_funnel", literal, "Expected \"{\".");
	p = abm_skip_ws(p + 1);
	while (*p != '}')
	{
		char		name[ABM_MAX_STAGE_NAME + 1];
		char	   *end;
		int			k;
		long long	n;

		p = abm_parse_stage_name(p, name, "abm_funnel", literal);
		k = abm_stages_find(f->stages, name, strlen(name));
		if (k < 0)
			abm_literal_error("abm_funnel", literal, "A stage is not in the stage list.");
		if (seen & (1U << k))
			abm_literal_error("abm_funnel", literal, "A stage appears twice.");
		seen |= 1U << k;
		if (*p != ':')
			abm_literal_error("abm_funnel", literal, "Expected \":\" after a stage name.");
		p = abm_skip_ws(p + 1);
		errno = 0;
		n = strtoll(p, &end, 10);
		if (end == p || errno != 0 || n < 0)
			abm_literal_error("abm_funnel", literal, "An account count must be a non-negative integer.");
		f->accounts[k] = n;
		p = abm_skip_ws(end);
		if (*p == '(')
		{
			p = abm_skip_ws(p + 1);
			while (*p != ')')
			{
				float8		d;

				CHECK_FOR_INTERRUPTS();
				/* float8in's parser: subnormal values round-trip too */
				d = abm_float8in(unconstify(char *, p), &end, "abm_funnel", literal);
				if (isnan(d) || isinf(d) || d < 0)
					abm_literal_error("abm_funnel", literal, "A duration must be a non-negative number of days.");
				if (f->ndur[k] >= f->accounts[k])
					abm_literal_error("abm_funnel", literal, "A stage has more durations than accounts.");
				funnel_add_duration(f, k, d, CurrentMemoryContext);
				p = abm_skip_ws(end);
			}
			p = abm_skip_ws(p + 1);
		}
		if (*p == ',')
			p = abm_skip_ws(p + 1);
		else if (*p != '}')
			abm_literal_error("abm_funnel", literal, "Expected \",\" or \"}\".");
	}
	if (*abm_skip_ws(p + 1) != '\0')
		abm_literal_error("abm_funnel", literal, "Unexpected text after \"}\".");
	if (!funnel_consistent(f))
		abm_literal_error("abm_funnel", literal, "Account counts must not grow along the funnel, and the first stage has no durations.");
	PG_RETURN_BYTEA_P(funnel_write(f));
}

Datum
abm_funnel_out(PG_FUNCTION_ARGS)
{
	Funnel	   *f = funnel_from_datum(PG_GETARG_DATUM(0));
	StringInfoData buf;

	initStringInfo(&buf);
	abm_stages_append(&buf, f->stages);
	appendStringInfoChar(&buf, '{');
	for (int k = 0; k < f->stages->n; k++)
	{
		if (k > 0)
			appendStringInfoString(&buf, ", ");
		abm_append_stage_name(&buf, f->stages->names[k]);
		appendStringInfo(&buf, ": " INT64_FORMAT, f->accounts[k]);
		if (f->ndur[k] > 0)
		{
			appendStringInfoString(&buf, " (");
			for (int i = 0; i < f->ndur[k]; i++)
			{
				char	   *s;

				CHECK_FOR_INTERRUPTS();
				s = float8out_internal(f->dur[k][i]);
				appendStringInfo(&buf, "%s%s", i ? " " : "", s);
				pfree(s);
			}
			appendStringInfoChar(&buf, ')');
		}
	}
	appendStringInfoChar(&buf, '}');
	PG_RETURN_CSTRING(buf.data);
}

Datum
abm_funnel_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	int			len = msg->len - msg->cursor;
	const char *data = pq_getmsgbytes(msg, len);

	PG_RETURN_BYTEA_P(funnel_write(funnel_read(data, len)));
}

Datum
abm_funnel_send(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbytes(&buf, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* abm_funnel(abm_journey): NULL journeys are skipped. */
Datum
abm_funnel_trans(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = abm_agg_context(fcinfo, "abm_funnel_trans");
	Funnel	   *f = PG_ARGISNULL(0) ? NULL : (Funnel *) PG_GETARG_POINTER(0);
	AbmJourney *j;
	int			furthest;

	if (PG_ARGISNULL(1))
	{
		if (f == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(f);
	}
	j = abm_journey_from_datum(PG_GETARG_DATUM(1));
	if (f == NULL)
	{
		f = MemoryContextAllocZero(ctx, sizeof(Funnel));
		f->stages = abm_stages_keep(j->stages, ctx);
	}
	else
		abm_stages_check_same(f->stages, j->stages, "journeys in one funnel");
	if (j->entered != 0)
	{
		furthest = pg_leftmost_one_pos32(j->entered);
		for (int k = 0; k <= furthest; k++)
		{
			abm_count_add(&f->accounts[k], 1, "funnel account count");
			if (k > 0 && (j->entered & (1U << k)) && (j->entered & (1U << (k - 1))) &&
				j->at[k] >= j->at[k - 1])
				funnel_add_duration(f, k, abm_days_between(j->at[k - 1], j->at[k]), ctx);
		}
	}
	pfree(j);
	PG_RETURN_POINTER(f);
}

static Funnel *
funnel_copy(const Funnel *src, MemoryContext ctx)
{
	Funnel	   *f = MemoryContextAllocZero(ctx, sizeof(Funnel));

	f->stages = abm_stages_keep(src->stages, ctx);
	funnel_merge_into(f, src, ctx);
	return f;
}

Datum
abm_funnel_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = abm_agg_context(fcinfo, "abm_funnel_combine");
	Funnel	   *f = PG_ARGISNULL(0) ? NULL : (Funnel *) PG_GETARG_POINTER(0);
	Funnel	   *other = (Funnel *) PG_GETARG_POINTER(1);

	ABM_COMBINE_NULLS();
	if (f == NULL)
		PG_RETURN_POINTER(funnel_copy(other, ctx));
	funnel_merge_into(f, other, ctx);
	PG_RETURN_POINTER(f);
}

Datum
abm_funnel_serial(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(funnel_write((Funnel *) PG_GETARG_POINTER(0)));
}

Datum
abm_funnel_deserial(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(funnel_from_datum(PG_GETARG_DATUM(0)));
}

Datum
abm_funnel_final(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_BYTEA_P(funnel_write((Funnel *) PG_GETARG_POINTER(0)));
}

/* abm_rollup(abm_funnel): transition and combine on the type itself. */
Datum
abm_funnel_merge(PG_FUNCTION_ARGS)
{
	Funnel	   *f = funnel_from_datum(PG_GETARG_DATUM(0));

	funnel_merge_into(f, funnel_from_datum(PG_GETARG_DATUM(1)), CurrentMemoryContext);
	PG_RETURN_BYTEA_P(funnel_write(f));
}

/*
 * Sliding form of abm_rollup(abm_funnel), for frames such as ROWS 6
 * PRECEDING.  Rows leave the frame in the order they came (slide.h), so the
 * frame's funnel gives a row back exactly: its account counts are
 * subtracted, and its durations, appended at the end of each stage's list
 * when it came, are the first ones of that list when it leaves.  The live
 * durations of stage k are dur[k][head[k] .. ndur[k]).  A row that does not
 * match what the frame holds makes the window restart the frame.
 */
typedef struct FunnelFrame
{
	Funnel		f;
	int32		head[ABM_MAX_STAGES];
} FunnelFrame;

/*
 * Before a row's durations are appended: drop the departed ones when the
 * list is full, and leave as much room as the list holds, so each duration
 * is moved a constant number of times on average.  The cap counts live
 * durations only (funnel_add_duration raises it).
 */
static void
funnel_frame_make_room(FunnelFrame *fr, const Funnel *row)
{
	Funnel	   *f = &fr->f;

	for (int k = 0; k < f->stages->n; k++)
	{
		int32		live = f->ndur[k] - fr->head[k];
		int64		want = (int64) live + row->ndur[k];

		if (fr->head[k] == 0 || (int64) f->ndur[k] + row->ndur[k] <= f->capdur[k])
			continue;
		memmove(f->dur[k], f->dur[k] + fr->head[k], sizeof(float8) * live);
		f->ndur[k] = live;
		fr->head[k] = 0;
		if (want * 2 > f->capdur[k] && want <= ABM_FUNNEL_MAX_DURATIONS)
		{
			f->capdur[k] = (int32) Min(want * 2, ABM_FUNNEL_MAX_DURATIONS);
			f->dur[k] = repalloc(f->dur[k], sizeof(float8) * f->capdur[k]);
		}
	}
}

static void
funnel_slide_merge(void *dst, const void *src, MemoryContext ctx)
{
	funnel_frame_make_room((FunnelFrame *) dst, (const Funnel *) src);
	funnel_merge_into(&((FunnelFrame *) dst)->f, (const Funnel *) src, ctx);
}

static void *
funnel_slide_copy(const void *src, MemoryContext ctx)
{
	FunnelFrame *fr = MemoryContextAllocZero(ctx, sizeof(FunnelFrame));

	fr->f.stages = abm_stages_keep(((const Funnel *) src)->stages, ctx);
	funnel_merge_into(&fr->f, (const Funnel *) src, ctx);
	return fr;
}

static bool
funnel_slide_remove(void *state, const void *row)
{
	FunnelFrame *fr = (FunnelFrame *) state;
	Funnel	   *f = &fr->f;
	const Funnel *r = (const Funnel *) row;

	if (r->stages->n != f->stages->n)
		return false;
	for (int k = 0; k < f->stages->n; k++)
	{
		if (strcmp(r->stages->names[k], f->stages->names[k]) != 0 ||
			r->accounts[k] > f->accounts[k] ||
			r->ndur[k] > f->ndur[k] - fr->head[k] ||
			(r->ndur[k] > 0 &&
			 memcmp(f->dur[k] + fr->head[k], r->dur[k], sizeof(float8) * r->ndur[k]) != 0))
			return false;
	}
	for (int k = 0; k < f->stages->n; k++)
	{
		f->accounts[k] -= r->accounts[k];
		fr->head[k] += r->ndur[k];
	}
	return true;
}

static void
funnel_slide_release(void *state)
{
	FunnelFrame *fr = (FunnelFrame *) state;

	for (int k = 0; k < fr->f.stages->n; k++)
		if (fr->f.dur[k] != NULL)
			pfree(fr->f.dur[k]);
	if (fr->f.stages->custom)
		pfree((void *) fr->f.stages);
	pfree(fr);
}

static const SlideOps funnel_slide = {
	.merge = funnel_slide_merge,
	.copy = funnel_slide_copy,
	.remove = funnel_slide_remove,
	.release = funnel_slide_release,
};

Datum
abm_funnel_mtrans(PG_FUNCTION_ARGS)
{
	SlideQueue *q = slide_arg(fcinfo, &funnel_slide, "abm_rollup");

	if (!PG_ARGISNULL(1))
		slide_push(q, funnel_from_datum(PG_GETARG_DATUM(1)));
	PG_RETURN_POINTER(q);
}

static const void *
funnel_slide_row(Datum value)
{
	return funnel_from_datum(value);
}

Datum
abm_funnel_minv(PG_FUNCTION_ARGS)
{
	return slide_inverse(fcinfo, "abm_rollup", funnel_slide_row);
}

Datum
abm_funnel_mfinal(PG_FUNCTION_ARGS)
{
	const FunnelFrame *fr = slide_final(fcinfo);
	Funnel		live;

	if (fr == NULL)
		PG_RETURN_NULL();
	live = fr->f;
	for (int k = 0; k < live.stages->n; k++)
	{
		if (fr->head[k] == 0)
			continue;
		live.dur[k] += fr->head[k];
		live.ndur[k] -= fr->head[k];
	}
	PG_RETURN_BYTEA_P(funnel_write(&live));
}

/* Durations are finite and never NaN. */
#define ABM_SORT_NAME sort_durations
#define ABM_SORT_TYPE float8
#define ABM_SORT_CMP(a, b) ((*(a) > *(b)) - (*(a) < *(b)))
#include "abm_sort.h"

/* percentile_cont over sorted values */
static float8
funnel_percentile(const float8 *sorted, int n, float8 p)
{
	float8		pos = p * (n - 1);
	int			lo = (int) floor(pos);
	int			hi = (int) ceil(pos);

	return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/*
 * One row per stage: accounts reaching it, its share of the first stage
 * and of the previous one, the accounts lost since the previous stage, the
 * median and 90th percentile of the days from the previous stage, and a
 * bar of the share of the first stage.
 */
static void
funnel_emit(FunctionCallInfo fcinfo, const Funnel *f, bool names_are_stages)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const char *block = GetDatabaseEncoding() == PG_UTF8 ? "\u2588" : "#";

	InitMaterializedSRF(fcinfo, 0);
	for (int k = 0; k < f->stages->n; k++)
	{
		Datum		values[9];
		bool		nulls[9] = {false};
		int64		first = f->accounts[0];
		StringInfoData bar;
		int			width;

		values[0] = Int32GetDatum(k + 1);
		if (names_are_stages)
			values[1] = CStringGetTextDatum(f->stages->names[k]);
		else
			nulls[1] = true;
		values[2] = Int64GetDatum(f->accounts[k]);
		if (first > 0)
			values[3] = Float8GetDatum((float8) f->accounts[k] / (float8) first);
		else
			nulls[3] = true;
		if (k > 0 && f->accounts[k - 1] > 0)
			values[4] = Float8GetDatum((float8) f->accounts[k] / (float8) f->accounts[k - 1]);
		else
			nulls[4] = true;
		values[5] = Int64GetDatum(k > 0 ? f->accounts[k - 1] - f->accounts[k] : 0);
		if (f->ndur[k] > 0)
		{
			float8	   *sorted = palloc(sizeof(float8) * f->ndur[k]);

			memcpy(sorted, f->dur[k], sizeof(float8) * f->ndur[k]);
			sort_durations(sorted, f->ndur[k]);
			values[6] = Float8GetDatum(funnel_percentile(sorted, f->ndur[k], 0.5));
			values[7] = Float8GetDatum(funnel_percentile(sorted, f->ndur[k], 0.9));
			pfree(sorted);
		}
		else
			nulls[6] = nulls[7] = true;
		initStringInfo(&bar);
		width = first > 0 ? (int) rint(BAR_WIDTH * (float8) f->accounts[k] / (float8) first) : 0;
		for (int i = 0; i < width; i++)
			appendStringInfoString(&bar, block);
		values[8] = CStringGetTextDatum(bar.data);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

Datum
abm_funnel_steps(PG_FUNCTION_ARGS)
{
	funnel_emit(fcinfo, funnel_from_datum(PG_GETARG_DATUM(0)), true);
	return (Datum) 0;
}

/*
 * abm_funnel_report(levels int[] [, stages text[]]): stage rows from
 * per-account levels (0 = not in the funnel), such as abm_window_funnel's.
 * Without stage names the funnel has as many steps as the highest level
 * and the stage column is NULL.  NULL levels are skipped.
 */
Datum
abm_funnel_report(PG_FUNCTION_ARGS)
{
	Funnel	   *f = palloc0(sizeof(Funnel));
	AbmStages	list;
	ArrayIterator it;
	Datum		elem;
	bool		isnull;
	int			max_level = 0;
	int64		at_level[ABM_MAX_STAGES * 2 + 1] = {0};
	int			limit;

	if (PG_ARGISNULL(0))
	{
		InitMaterializedSRF(fcinfo, 0);
		return (Datum) 0;
	}
	if (!PG_ARGISNULL(1))
		abm_stages_from_array(&list, PG_GETARG_DATUM(1));
	else
		list.n = 0;
	f->stages = &list;
	limit = PG_ARGISNULL(1) ? 32 : list.n;

	/* one pass over the elements, none copied: any array length works */
	it = array_create_iterator(PG_GETARG_ARRAYTYPE_P(0), 0, NULL);
	while (array_iterate(it, &elem, &isnull))
	{
		int32		lvl;

		CHECK_FOR_INTERRUPTS();
		if (isnull)
			continue;
		lvl = DatumGetInt32(elem);
		if (lvl < 0 || lvl > limit)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a funnel level must be between 0 and the number of stages"),
					 errdetail("The input has level = %d, stages = %d.", lvl, limit),
					 errhint("Pass one stage name per step of the funnel.")));
		at_level[lvl]++;
		max_level = Max(max_level, lvl);
	}
	array_free_iterator(it);
	if (PG_ARGISNULL(1))
	{
		if (max_level > ABM_MAX_STAGES)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a funnel report has at most %d steps", ABM_MAX_STAGES),
					 errdetail("The highest level is %d.", max_level)));
		list.n = max_level;
	}
	/* accounts at step k are those whose level is k or more */
	for (int k = f->stages->n - 1; k >= 0; k--)
		f->accounts[k] = at_level[k + 1] + (k + 1 < f->stages->n ? f->accounts[k + 1] : 0);
	funnel_emit(fcinfo, f, !PG_ARGISNULL(1));
	return (Datum) 0;
}
