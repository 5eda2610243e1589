/*-------------------------------------------------------------------------
 *
 * markov_io.c
 *	  Input and output of the storable type abm_markov (markov.h): the text
 *	  form, which lists channels and transitions in canonical order and
 *	  reads them in any order, and binary send and receive.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "markov.h"
#include "libpq/pqformat.h"

PG_FUNCTION_INFO_V1(abm_markov_in);
PG_FUNCTION_INFO_V1(abm_markov_out);
PG_FUNCTION_INFO_V1(abm_markov_recv);
PG_FUNCTION_INFO_V1(abm_markov_send);

/* ---------- text form ---------- */

static void
mk_append_state(StringInfo buf, const Markov *m, const int32 *order, const int32 *from)
{
	int			first = 0;
	int			len;

	while (first < MK_MAX_ORDER && from[first] == MK_NONE)
		first++;
	len = MK_MAX_ORDER - first;
	if (len == 0)
	{
		appendStringInfoString(buf, "start");
		return;
	}
	if (len > 1)
		appendStringInfoChar(buf, '(');
	for (int j = first; j < MK_MAX_ORDER; j++)
	{
		int32		k = order[from[j]];

		if (j > first)
			appendStringInfoString(buf, ", ");
		abm_channel_append(buf, m->ch.name[k], m->ch.len[k]);
	}
	if (len > 1)
		appendStringInfoChar(buf, ')');
}

Datum
abm_markov_out(PG_FUNCTION_ARGS)
{
	Markov	   *m = mk_from_datum(PG_GETARG_DATUM(0));
	StringInfoData buf;
	int32	   *order;
	MkTrans    *list = mk_canonical(m, &order);

	initStringInfo(&buf);
	appendStringInfo(&buf, "{order: %d, channels: {", m->order);
	for (int32 i = 0; i < m->ch.n; i++)
	{
		int32		k = order[i];

		if (i > 0)
			appendStringInfoString(&buf, ", ");
		abm_channel_append(&buf, m->ch.name[k], m->ch.len[k]);
		appendStringInfo(&buf, ": " INT64_FORMAT, m->converted[k]);
	}
	appendStringInfoString(&buf, "}, transitions: {");
	for (int32 i = 0; i < m->ntrans; i++)
	{
		ABM_INTERRUPTS_EVERY(i);
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		mk_append_state(&buf, m, order, list[i].from);
		appendStringInfoString(&buf, " > ");
		if (list[i].next == MK_CONV)
			appendStringInfoString(&buf, "conversion");
		else if (list[i].next == MK_NULL)
			appendStringInfoString(&buf, "null");
		else
		{
			int32		k = order[list[i].next];

			abm_channel_append(&buf, m->ch.name[k], m->ch.len[k]);
		}
		appendStringInfo(&buf, ": " INT64_FORMAT, list[i].count);
	}
	appendStringInfoString(&buf, "}}");
	PG_RETURN_CSTRING(buf.data);
}

/* A channel of the literal's dictionary, by name. */
static const char *
mk_parse_channel(const char *p, const Markov *m, StringInfo name, int32 *k,
				 const char *literal)
{
	p = abm_channel_parse(p, name, MK_TYPE, literal);
	*k = abm_channels_find(&m->ch, name->data, name->len);
	if (*k < 0)
		abm_literal_error(MK_TYPE, literal, "A transition names a channel that is not listed in channels.");
	return p;
}

/* start, "a", or ("a", "b"[, "c"]) into from (oldest first, padded). */
static const char *
mk_parse_state(const char *p, const Markov *m, StringInfo name, int32 *from,
			   const char *literal)
{
	int32		tuple[MK_MAX_ORDER];
	int			len = 0;

	from[0] = from[1] = from[2] = MK_NONE;
	p = abm_skip_ws(p);
	if (strncmp(p, "start", 5) == 0)
		return abm_skip_ws(p + 5);
	if (*p == '"')
	{
		p = mk_parse_channel(p, m, name, &from[MK_MAX_ORDER - 1], literal);
		return p;
	}
	p = abm_expect(p, "(", MK_TYPE, literal);
	for (;;)
	{
		if (len >= m->order)
			abm_literal_error(MK_TYPE, literal, "A state holds more channels than the order.");
		p = mk_parse_channel(p, m, name, &tuple[len++], literal);
		if (*p == ')')
			break;
		p = abm_expect(p, ",", MK_TYPE, literal);
	}
	for (int j = 0; j < len; j++)
		from[MK_MAX_ORDER - len + j] = tuple[j];
	return abm_skip_ws(p + 1);
}

/*
 * {order: 1, channels: {"a": 1, "b": 0}, transitions: {start > "a": 2,
 * "a" > conversion: 1, ...}}: the same value as the binary form; the
 * channels and transitions may come in any order, each once.
 */
Datum
abm_markov_in(PG_FUNCTION_ARGS)
{
	const char *literal = PG_GETARG_CSTRING(0);
	const char *p = literal;
	StringInfoData name;
	int64		order;
	Markov	   *m;
	MkTrans    *list;
	int32	   *perm;
	Markov	   *canon;
	const char *why;

	initStringInfo(&name);
	p = abm_expect(p, "{", MK_TYPE, literal);
	p = abm_expect(p, "order", MK_TYPE, literal);
	p = abm_expect(p, ":", MK_TYPE, literal);
	p = abm_parse_count(p, &order, MK_TYPE, literal);
	if (order < 1 || order > MK_MAX_ORDER)
		abm_literal_error(MK_TYPE, literal, "The order must be 1, 2 or 3.");
	m = mk_new(CurrentMemoryContext, (int32) order);
	p = abm_expect(p, ",", MK_TYPE, literal);
	p = abm_expect(p, "channels", MK_TYPE, literal);
	p = abm_expect(p, ":", MK_TYPE, literal);
	p = abm_expect(p, "{", MK_TYPE, literal);
	while (*p != '}')
	{
		int32		k;
		int64		c;

		p = abm_channel_parse(p, &name, MK_TYPE, literal);
		if (abm_channels_find(&m->ch, name.data, name.len) >= 0)
			abm_literal_error(MK_TYPE, literal, "A channel is listed twice.");
		k = mk_channel(m, name.data, name.len);
		p = abm_expect(p, ":", MK_TYPE, literal);
		p = abm_parse_count(p, &c, MK_TYPE, literal);
		m->converted[k] = c;
		if (*p == ',')
			p = abm_skip_ws(p + 1);
		else if (*p != '}')
			abm_literal_error(MK_TYPE, literal, "Expected \",\" or \"}\".");
	}
	p = abm_expect(p, "}", MK_TYPE, literal);
	p = abm_expect(p, ",", MK_TYPE, literal);
	p = abm_expect(p, "transitions", MK_TYPE, literal);
	p = abm_expect(p, ":", MK_TYPE, literal);
	p = abm_expect(p, "{", MK_TYPE, literal);
	while (*p != '}')
	{
		int32		from[MK_MAX_ORDER];
		int32		next;
		int64		count;

		p = mk_parse_state(p, m, &name, from, literal);
		p = abm_expect(p, ">", MK_TYPE, literal);
		if (strncmp(p, "conversion", 10) == 0)
		{
			next = MK_CONV;
			p = abm_skip_ws(p + 10);
		}
		else if (strncmp(p, "null", 4) == 0)
		{
			next = MK_NULL;
			p = abm_skip_ws(p + 4);
		}
		else
			p = mk_parse_channel(p, m, &name, &next, literal);
		p = abm_expect(p, ":", MK_TYPE, literal);
		p = abm_parse_count(p, &count, MK_TYPE, literal);
		if (count == 0)
			abm_literal_error(MK_TYPE, literal, "A transition count must be positive.");
		if (mk_count(m, from, next, count) != 0)
			abm_literal_error(MK_TYPE, literal, "A transition is listed twice.");
		if (*p == ',')
			p = abm_skip_ws(p + 1);
		else if (*p != '}')
			abm_literal_error(MK_TYPE, literal, "Expected \",\" or \"}\".");
	}
	p = abm_expect(p, "}", MK_TYPE, literal);
	p = abm_expect(p, "}", MK_TYPE, literal);
	if (*p != '\0')
		abm_literal_error(MK_TYPE, literal, "Unexpected text after the closing \"}\".");

	/* the canonical copy is what the binary form holds; check it */
	list = mk_canonical(m, &perm);
	canon = mk_new(CurrentMemoryContext, m->order);
	for (int32 i = 0; i < m->ch.n; i++)
	{
		mk_channel(canon, m->ch.name[perm[i]], m->ch.len[perm[i]]);
		canon->converted[i] = m->converted[perm[i]];
	}
	why = mk_check(canon, list, m->ntrans);
	if (why)
		abm_literal_error(MK_TYPE, literal, why);
	PG_RETURN_BYTEA_P(mk_write(m));
}

Datum
abm_markov_recv(PG_FUNCTION_ARGS)
{
	int			len;
	const char *data = abm_recv_bytes((StringInfo) PG_GETARG_POINTER(0), &len);

	PG_RETURN_BYTEA_P(mk_write(mk_read(data, len)));
}

Datum
abm_markov_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(abm_send_stored(PG_GETARG_DATUM(0)));
}
