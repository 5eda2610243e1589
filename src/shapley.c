/*-------------------------------------------------------------------------
 *
 * shapley.c
 *	  Shapley-value attribution over the set of channels each journey
 *	  touched: the storable type abm_shapley (journeys and conversions per
 *	  channel set), the aggregate abm_shapley_attribution(channels,
 *	  converted), abm_rollup(abm_shapley) and abm_shapley_credits.
 *
 * The game.  The players are the channels (at most 16); the worth v(S) of
 * a coalition S is the number of conversions of the journeys whose channel
 * set is contained in S (Zhao, Mahboobi and Bagheri, "Shapley value
 * methods for attribution modeling in online advertising", 2018): the
 * conversions S would have produced on its own.  v(empty) = 0 and v(all
 * channels) = every conversion, so the Shapley values sum to the total
 * conversions.
 *
 * Computation: v over all 2^n coalitions by a subset-sum (zeta) transform
 * of the conversions per exact channel set, then for each channel i the
 * exact Shapley sum over the coalitions S without i of
 * |S|! (n - |S| - 1)! / n! (v(S + i) - v(S)), added with Neumaier
 * compensation: n 2^n terms, about a million for 16 channels.
 *
 * On disk: version, kind, the channel dictionary in byte order
 * (channel.c), the number of channel sets, then per set its bitmask over
 * the dictionary (bit k = channel k), its journeys and its conversions,
 * sorted by bitmask.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "abm.h"
#include "channel.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(abm_shapley_in);
PG_FUNCTION_INFO_V1(abm_shapley_out);
PG_FUNCTION_INFO_V1(abm_shapley_recv);
PG_FUNCTION_INFO_V1(abm_shapley_send);
PG_FUNCTION_INFO_V1(abm_shapley_trans);
PG_FUNCTION_INFO_V1(abm_shapley_combine);
PG_FUNCTION_INFO_V1(abm_shapley_serial);
PG_FUNCTION_INFO_V1(abm_shapley_deserial);
PG_FUNCTION_INFO_V1(abm_shapley_final);
PG_FUNCTION_INFO_V1(abm_shapley_merge);
PG_FUNCTION_INFO_V1(abm_shapley_credits);

/* Exact over every subset: 2^16 coalitions at most (54000 beyond). */
#define SH_MAX_CHANNELS		16
#define SH_MAX_SETS			((1 << SH_MAX_CHANNELS) - 1)

static const char *const sh_type = "abm_shapley";
static const char *const sh_hint =
	"Exact Shapley values enumerate every subset of channels: group the channels into at most 16, for example channel instead of campaign.";

/* Journeys and conversions of one exact channel set. */
typedef struct ShSet
{
	uint32		mask;
	int64		journeys;		/* 0 marks an empty slot */
	int64		conversions;
} ShSet;

typedef struct Shapley
{
	MemoryContext ctx;
	AbmChannels ch;
	uint32		mask;			/* the journey being read */
	int32		nsets;
	uint32		smask;			/* hash table slots - 1 */
	ShSet	   *sets;
	int64		journeys;
	int64		conversions;
} Shapley;

static Shapley *
sh_new(MemoryContext ctx)
{
	Shapley    *s = MemoryContextAllocZero(ctx, sizeof(Shapley));

	s->ctx = ctx;
	abm_channels_init(&s->ch, ctx, SH_MAX_CHANNELS, "abm_shapley_attribution");
	s->smask = 15;
	s->sets = MemoryContextAllocZero(ctx, (s->smask + 1) * sizeof(ShSet));
	return s;
}

static void
sh_grow(Shapley *s)
{
	uint32		slots = (s->smask + 1) * 2;
	ShSet	   *old = s->sets;
	uint32		oldslots = s->smask + 1;

	s->sets = MemoryContextAllocZero(s->ctx, slots * sizeof(ShSet));
	s->smask = slots - 1;
	for (uint32 i = 0; i < oldslots; i++)
	{
		uint32		j;

		if (old[i].journeys == 0)
			continue;
		for (j = murmurhash32(old[i].mask) & s->smask; s->sets[j].journeys != 0;
			 j = (j + 1) & s->smask)
			;
		s->sets[j] = old[i];
	}
	pfree(old);
}

/* Add journeys and conversions to the set mask; its journeys before. */
static int64
sh_add(Shapley *s, uint32 mask, int64 journeys, int64 conversions)
{
	uint32		i;
	int64		before;

	for (i = murmurhash32(mask) & s->smask; s->sets[i].journeys != 0; i = (i + 1) & s->smask)
		if (s->sets[i].mask == mask)
			break;
	before = s->sets[i].journeys;
	s->sets[i].mask = mask;
	s->sets[i].journeys = abm_count_sum(before, journeys, "abm_shapley journey");
	s->sets[i].conversions = abm_count_sum(s->sets[i].conversions, conversions,
										   "abm_shapley conversion");
	if (before == 0 && (uint32) ++s->nsets * 2 > s->smask + 1)
		sh_grow(s);
	s->journeys = abm_count_sum(s->journeys, journeys, "abm_shapley journey");
	s->conversions = abm_count_sum(s->conversions, conversions, "abm_shapley conversion");
	return before;
}

static void
sh_visit(void *arg, int32 k)
{
	((Shapley *) arg)->mask |= (uint32) 1 << k;
}

static void
sh_merge(Shapley *dst, const Shapley *src)
{
	int32		map[SH_MAX_CHANNELS];

	for (int32 k = 0; k < src->ch.n; k++)
		map[k] = abm_channels_add(&dst->ch, src->ch.name[k], src->ch.len[k], sh_hint);
	for (uint32 i = 0; i <= src->smask; i++)
	{
		const ShSet *set = &src->sets[i];
		uint32		mask = 0;

		if (set->journeys == 0)
			continue;
		for (int32 k = 0; k < src->ch.n; k++)
			if (set->mask & ((uint32) 1 << k))
				mask |= (uint32) 1 << map[k];
		sh_add(dst, mask, set->journeys, set->conversions);
	}
}

static int
sh_set_cmp(const void *a, const void *b)
{
	uint32		x = ((const ShSet *) a)->mask;
	uint32		y = ((const ShSet *) b)->mask;

	return (x > y) - (x < y);
}

/*
 * The canonical form: channels in byte order (*order_out), set masks over
 * that order, sets sorted by mask.
 */
static ShSet *
sh_canonical(const Shapley *s, int32 **order_out)
{
	int32	   *order = abm_channels_order(&s->ch);
	int32	   *rank = abm_channels_rank(&s->ch, order);
	ShSet	   *list = palloc(Max(s->nsets, 1) * sizeof(ShSet));
	int32		n = 0;

	for (uint32 i = 0; i <= s->smask; i++)
	{
		uint32		mask = 0;

		if (s->sets[i].journeys == 0)
			continue;
		for (int32 k = 0; k < s->ch.n; k++)
			if (s->sets[i].mask & ((uint32) 1 << k))
				mask |= (uint32) 1 << rank[k];
		list[n] = s->sets[i];
		list[n].mask = mask;
		n++;
	}
	qsort(list, n, sizeof(ShSet), sh_set_cmp);
	pfree(rank);
	*order_out = order;
	return list;
}

static bytea *
sh_write(const Shapley *s)
{
	StringInfoData buf;
	int32	   *order;
	ShSet	   *list = sh_canonical(s, &order);

	abm_write_begin(&buf, ABM_KIND_SHAPLEY);
	abm_channels_write(&buf, &s->ch, order);
	pq_sendint32(&buf, s->nsets);
	for (int32 i = 0; i < s->nsets; i++)
	{
		pq_sendint32(&buf, (int32) list[i].mask);
		pq_sendint64(&buf, list[i].journeys);
		pq_sendint64(&buf, list[i].conversions);
	}
	pfree(list);
	pfree(order);
	return abm_write_end(&buf);
}

/*
 * Is the canonical list a possible result of the aggregate?  NULL when it
 * is, else why not.
 */
static const char *
sh_check(int32 nch, const ShSet *list, int32 nsets)
{
	uint32		all = 0;

	for (int32 i = 0; i < nsets; i++)
	{
		if (list[i].mask == 0 || (nch < 32 && list[i].mask >= ((uint32) 1 << nch)))
			return "A channel set is empty or names a channel that is not in the dictionary.";
		if (i > 0 && list[i].mask <= list[i - 1].mask)
			return "The channel sets are not in strictly increasing order.";
		if (list[i].journeys <= 0 || list[i].conversions < 0 ||
			list[i].conversions > list[i].journeys)
			return "A channel set has no journey, or more conversions than journeys.";
		all |= list[i].mask;
	}
	if (nch > 0 && all != (((uint32) 1 << nch) - 1))
		return "A channel appears in no channel set.";
	return NULL;
}

static Shapley *
sh_read(const char *data, Size len)
{
	AbmReader	r;
	Shapley    *s = sh_new(CurrentMemoryContext);
	int32		nsets;
	ShSet	   *list;
	const char *why;

	abm_read_begin(&r, data, len, ABM_KIND_SHAPLEY, sh_type);
	abm_channels_read(&r, &s->ch);
	nsets = abm_read_count(&r, SH_MAX_SETS);
	list = palloc(Max(nsets, 1) * sizeof(ShSet));
	for (int32 i = 0; i < nsets; i++)
	{
		CHECK_FOR_INTERRUPTS();
		list[i].mask = (uint32) abm_read_int32(&r);
		list[i].journeys = abm_read_int64(&r);
		list[i].conversions = abm_read_int64(&r);
	}
	abm_read_end(&r);
	why = sh_check(s->ch.n, list, nsets);
	if (why)
		abm_corrupt("abm_shapley", why);
	for (int32 i = 0; i < nsets; i++)
		sh_add(s, list[i].mask, list[i].journeys, list[i].conversions);
	pfree(list);
	return s;
}

static Shapley *
sh_from_datum(Datum d)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(d);

	return sh_read(VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
}

/* ---------- text form ---------- */

/* "a", or ("a", "b", ...) for a set of several channels */
static void
sh_append_set(StringInfo buf, const Shapley *s, const int32 *order, uint32 mask)
{
	bool		several = pg_popcount32(mask) > 1;
	bool		first = true;

	if (several)
		appendStringInfoChar(buf, '(');
	for (int32 i = 0; i < s->ch.n; i++)
	{
		if (!(mask & ((uint32) 1 << i)))
			continue;
		if (!first)
			appendStringInfoString(buf, ", ");
		abm_channel_append(buf, s->ch.name[order[i]], s->ch.len[order[i]]);
		first = false;
	}
	if (several)
		appendStringInfoChar(buf, ')');
}

Datum
abm_shapley_out(PG_FUNCTION_ARGS)
{
	Shapley    *s = sh_from_datum(PG_GETARG_DATUM(0));
	int32	   *order;
	ShSet	   *list = sh_canonical(s, &order);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (int32 i = 0; i < s->nsets; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		sh_append_set(&buf, s, order, list[i].mask);
		appendStringInfo(&buf, ": " INT64_FORMAT "/" INT64_FORMAT,
						 list[i].conversions, list[i].journeys);
	}
	appendStringInfoChar(&buf, '}');
	PG_RETURN_CSTRING(buf.data);
}

static const char *
sh_parse_channel(const char *p, Shapley *s, StringInfo name, uint32 *mask,
				 const char *literal)
{
	int32		k;

	p = abm_channel_parse(p, name, sh_type, literal);
	k = abm_channels_add(&s->ch, name->data, name->len, sh_hint);
	if (*mask & ((uint32) 1 << k))
		abm_literal_error(sh_type, literal, "A channel set names a channel twice.");
	*mask |= (uint32) 1 << k;
	return p;
}

/*
 * {"a": 1/3, ("a", "b"): 4/10}: per exact channel set, conversions /
 * journeys; the sets and the channels within a set in any order, each set
 * once.
 */
Datum
abm_shapley_in(PG_FUNCTION_ARGS)
{
	const char *literal = PG_GETARG_CSTRING(0);
	const char *p = literal;
	Shapley    *s = sh_new(CurrentMemoryContext);
	StringInfoData name;
	ShSet	   *list;
	int32	   *order;
	const char *why;

	initStringInfo(&name);
	p = abm_expect(p, "{", sh_type, literal);
	while (*p != '}')
	{
		uint32		mask = 0;
		int64		conversions;
		int64		journeys;

		if (*p == '(')
		{
			p = abm_skip_ws(p + 1);
			for (;;)
			{
				p = sh_parse_channel(p, s, &name, &mask, literal);
				if (*p == ')')
					break;
				p = abm_expect(p, ",", sh_type, literal);
			}
			p = abm_skip_ws(p + 1);
		}
		else
			p = sh_parse_channel(p, s, &name, &mask, literal);
		p = abm_expect(p, ":", sh_type, literal);
		p = abm_parse_count(p, &conversions, sh_type, literal);
		p = abm_expect(p, "/", sh_type, literal);
		p = abm_parse_count(p, &journeys, sh_type, literal);
		if (journeys == 0 || conversions > journeys)
			abm_literal_error(sh_type, literal, "A channel set needs at least one journey and at most as many conversions as journeys.");
		if (sh_add(s, mask, journeys, conversions) != 0)
			abm_literal_error(sh_type, literal, "A channel set is listed twice.");
		if (*p == ',')
			p = abm_skip_ws(p + 1);
		else if (*p != '}')
			abm_literal_error(sh_type, literal, "Expected \",\" or \"}\".");
	}
	if (*abm_skip_ws(p + 1) != '\0')
		abm_literal_error(sh_type, literal, "Unexpected text after the closing \"}\".");
	list = sh_canonical(s, &order);
	why = sh_check(s->ch.n, list, s->nsets);
	if (why)
		abm_literal_error(sh_type, literal, why);
	PG_RETURN_BYTEA_P(sh_write(s));
}

Datum
abm_shapley_recv(PG_FUNCTION_ARGS)
{
	int			len;
	const char *data = abm_recv_bytes((StringInfo) PG_GETARG_POINTER(0), &len);

	PG_RETURN_BYTEA_P(sh_write(sh_read(data, len)));
}

Datum
abm_shapley_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(abm_send_stored(PG_GETARG_DATUM(0)));
}

/* ---------- the aggregate ---------- */

/*
 * abm_shapley_attribution(channels text[], converted bool): the journey's
 * channel set is the distinct non-NULL elements of channels, in any order;
 * rows with NULL channels or converted, and journeys without any channel,
 * are skipped.
 */
Datum
abm_shapley_trans(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = abm_agg_context(fcinfo, "abm_shapley_trans");
	Shapley    *s = PG_ARGISNULL(0) ? NULL : (Shapley *) PG_GETARG_POINTER(0);

	if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2))
	{
		if (s == NULL)
			s = sh_new(ctx);
		s->mask = 0;
		abm_channels_walk(&s->ch, PG_GETARG_ARRAYTYPE_P(1), "channels", sh_hint,
						  sh_visit, s);
		if (s->mask != 0)
			sh_add(s, s->mask, 1, PG_GETARG_BOOL(2) ? 1 : 0);
	}
	if (s == NULL)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(s);
}

Datum
abm_shapley_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = abm_agg_context(fcinfo, "abm_shapley_combine");
	Shapley    *s = PG_ARGISNULL(0) ? NULL : (Shapley *) PG_GETARG_POINTER(0);
	Shapley    *other = (Shapley *) PG_GETARG_POINTER(1);

	ABM_COMBINE_NULLS();
	if (s == NULL)
		s = sh_new(ctx);
	sh_merge(s, other);
	PG_RETURN_POINTER(s);
}

Datum
abm_shapley_serial(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(sh_write((Shapley *) PG_GETARG_POINTER(0)));
}

Datum
abm_shapley_deserial(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(sh_from_datum(PG_GETARG_DATUM(0)));
}

Datum
abm_shapley_final(PG_FUNCTION_ARGS)
{
	Shapley    *s = PG_ARGISNULL(0) ? NULL : (Shapley *) PG_GETARG_POINTER(0);

	if (s == NULL || s->journeys == 0)
		PG_RETURN_NULL();
	PG_RETURN_BYTEA_P(sh_write(s));
}

/* abm_rollup(abm_shapley): transition and combine on the type itself. */
Datum
abm_shapley_merge(PG_FUNCTION_ARGS)
{
	Shapley    *s = sh_from_datum(PG_GETARG_DATUM(0));

	sh_merge(s, sh_from_datum(PG_GETARG_DATUM(1)));
	PG_RETURN_BYTEA_P(sh_write(s));
}

/* ---------- the Shapley values ---------- */

/*
 * abm_shapley_credits(abm_shapley) -> TABLE(channel, credit, conversions):
 * one row per channel in byte order of the names; conversions are the
 * Shapley values (they sum to the conversions), credit their share.
 */
Datum
abm_shapley_credits(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Shapley    *s = sh_from_datum(PG_GETARG_DATUM(0));
	int32	   *order;
	ShSet	   *list = sh_canonical(s, &order);
	int32		n = s->ch.n;
	uint32		size = (uint32) 1 << n;
	float8	   *v = palloc0(size * sizeof(float8));
	float8		weight[SH_MAX_CHANNELS];
	float8		phi[SH_MAX_CHANNELS];
	float8		comp[SH_MAX_CHANNELS];

	InitMaterializedSRF(fcinfo, 0);

	/* v(S) = conversions of the journeys whose set is S, then within S */
	for (int32 i = 0; i < s->nsets; i++)
		v[list[i].mask] = (float8) list[i].conversions;
	for (int32 k = 0; k < n; k++)
	{
		CHECK_FOR_INTERRUPTS();
		for (uint32 set = 0; set < size; set++)
			if (set & ((uint32) 1 << k))
				v[set] += v[set ^ ((uint32) 1 << k)];
	}

	/* |S|! (n - |S| - 1)! / n! = 1 / (n C(n - 1, |S|)) */
	for (int32 j = 0; j < n; j++)
	{
		float8		binom = 1;

		for (int32 i = 1; i <= j; i++)
			binom = binom * (float8) (n - i) / (float8) i;
		weight[j] = 1.0 / ((float8) n * binom);
		phi[j] = 0;
		comp[j] = 0;
	}
	for (uint32 set = 0; set < size; set++)
	{
		int			size_s = pg_popcount32(set);

		if ((set & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
		if (size_s == n)
			continue;
		for (int32 k = 0; k < n; k++)
		{
			float8		term,
						t;

			if (set & ((uint32) 1 << k))
				continue;
			term = weight[size_s] * (v[set | ((uint32) 1 << k)] - v[set]);
			t = phi[k] + term;
			comp[k] += fabs(phi[k]) >= fabs(term) ? (phi[k] - t) + term : (term - t) + phi[k];
			phi[k] = t;
		}
	}
	for (int32 k = 0; k < n; k++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};
		float8		value = phi[k] + comp[k];

		values[0] = PointerGetDatum(cstring_to_text_with_len(s->ch.name[order[k]],
															 s->ch.len[order[k]]));
		if (s->conversions > 0)
			values[1] = Float8GetDatum(value / (float8) s->conversions);
		else
			nulls[1] = true;	/* no conversion: nothing to share */
		values[2] = Float8GetDatum(value);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
