/*-------------------------------------------------------------------------
 *
 * engagement_io.c
 *	  The forms of the storable type abm_engagement (engagement.h): the
 *	  binary form (on disk, send/recv, the serialized aggregate state), the
 *	  text form (a JSON object that round-trips exactly) and jsonb.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "engagement.h"
#include "textform.h"
#include "common/shortest_dec.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

/* Number of keys in the text form. */
#define ENG_TEXT_KEYS		7

PG_FUNCTION_INFO_V1(abm_engagement_in);
PG_FUNCTION_INFO_V1(abm_engagement_out);
PG_FUNCTION_INFO_V1(abm_engagement_recv);
PG_FUNCTION_INFO_V1(abm_engagement_send);
PG_FUNCTION_INFO_V1(abm_engagement_jsonb);

/* ---------------------------------------------------------------------
 * The binary form: the on-disk value, send/recv and the aggregate's
 * serialized state all use it.
 *
 *	version, kind (abm_write_begin)
 *	half_life int64 (microseconds), first_touch int64, last_touch int64,
 *	score float8 (as of last_touch),
 *	bucket mask uint16, then an int64 count for each bucket in the mask,
 *	sketch flag uint8, then either an int32 count and that many ascending
 *	int64 contact ids, or ENG_SKETCH_BYTES bytes of bitmap.
 * ---------------------------------------------------------------------
 */

/* The largest encoding: every bucket counted, and a sketch. */
#define ENG_MAX_BYTES \
	(4 * sizeof(int64) + sizeof(uint16) + ENG_BUCKETS * sizeof(int64) + 1 + \
	 Max(ENG_SKETCH_BYTES, sizeof(int32) + ENG_EXACT_CONTACTS * sizeof(int64)))

/*
 * abm_rollup encodes once per input row, so the buffer is sized once and
 * filled with the unchecked pq_write* calls.
 */
bytea *
eng_encode(const Engagement *e)
{
	StringInfoData buf;
	uint16		mask = 0;
	union
	{
		float8		f;
		uint64		i;
	}			score;

	eng_check_score_range(e->score);
	abm_write_begin(&buf, ABM_KIND_ENGAGEMENT);
	enlargeStringInfo(&buf, ENG_MAX_BYTES);
	pq_writeint64(&buf, (uint64) e->half_life);
	pq_writeint64(&buf, (uint64) e->first_touch);
	pq_writeint64(&buf, (uint64) e->last_touch);
	score.f = e->score == 0.0 ? 0.0 : e->score;	/* no -0: see eng_decode_bytes */
	pq_writeint64(&buf, score.i);
	for (int i = 0; i < ENG_BUCKETS; i++)
		if (e->counts[i] != 0)
			mask |= (uint16) (1 << i);
	pq_writeint16(&buf, mask);
	for (int i = 0; i < ENG_BUCKETS; i++)
		if (e->counts[i] != 0)
			pq_writeint64(&buf, (uint64) e->counts[i]);
	pq_writeint8(&buf, e->sketch ? 1 : 0);
	if (e->sketch)
	{
		memcpy(buf.data + buf.len, e->c.bits, ENG_SKETCH_BYTES);
		buf.len += ENG_SKETCH_BYTES;
	}
	else
	{
		pq_writeint32(&buf, (uint32) e->ncontacts);
		for (int i = 0; i < e->ncontacts; i++)
			pq_writeint64(&buf, (uint64) e->c.ids[i]);
	}
	return abm_write_end(&buf);
}

/* Reads untrusted bytes; every field read is checked as the text input does. */
void
eng_decode_bytes(Engagement *e, const char *data, Size len, EngPart part)
{
	AbmReader	r;
	uint16		mask;
	int			flag;

	abm_read_begin(&r, data, len, ABM_KIND_ENGAGEMENT, "abm_engagement");
	e->half_life = abm_read_int64(&r);
	e->first_touch = abm_read_int64(&r);
	e->last_touch = abm_read_int64(&r);
	e->score = abm_read_float8(&r);
	mask = abm_read_uint16(&r);
	if (e->half_life <= 0)
		abm_read_corrupt(&r, "The half-life is not positive.");
	if (TIMESTAMP_NOT_FINITE(e->first_touch) || !IS_VALID_TIMESTAMP(e->first_touch) ||
		TIMESTAMP_NOT_FINITE(e->last_touch) || !IS_VALID_TIMESTAMP(e->last_touch) ||
		e->first_touch > e->last_touch)
		abm_read_corrupt(&r, "The first and last touch are not valid and ordered.");
	if (isnan(e->score) || isinf(e->score))
		abm_read_corrupt(&r, "The score is not finite.");
	/* -0 and 0 are one score: the text form cannot tell them apart */
	if (e->score == 0.0)
		e->score = 0.0;
	if (mask == 0 || (mask >> ENG_BUCKETS) != 0)
		abm_read_corrupt(&r, "The activity mask is empty or has unknown bits.");
	if (part == ENG_HEADER)
		return;
	for (int i = 0; i < ENG_BUCKETS; i++)
	{
		e->counts[i] = 0;
		if (mask & (1 << i))
		{
			e->counts[i] = abm_read_int64(&r);
			if (e->counts[i] <= 0)
				abm_read_corrupt(&r, "A touch count is not positive.");
		}
	}
	if (part == ENG_COUNTS)
	{
		(void) eng_total_touches(e);
		return;
	}
	flag = abm_read_uint8(&r);
	if (flag > 1)
		abm_read_corrupt(&r, "The contact flag is neither 0 nor 1.");
	e->sketch = (flag == 1);
	e->ncontacts = 0;
	if (e->sketch)
		memcpy(e->c.bits, abm_read_bytes(&r, ENG_SKETCH_BYTES), ENG_SKETCH_BYTES);
	else
	{
		e->ncontacts = abm_read_count(&r, ENG_EXACT_CONTACTS);
		for (int i = 0; i < e->ncontacts; i++)
		{
			e->c.ids[i] = abm_read_int64(&r);
			if (i > 0 && e->c.ids[i] <= e->c.ids[i - 1])
				abm_read_corrupt(&r, "The contact ids are not strictly ascending.");
		}
	}
	abm_read_end(&r);
	(void) eng_total_touches(e);
}

void
eng_decode(Engagement *e, bytea *value, EngPart part)
{
	eng_decode_bytes(e, VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value), part);
}

/* ---------------------------------------------------------------------
 * Text form: a JSON object that round-trips exactly.
 *
 * {"version": 1, "half_life": "30 days", "first_touch": "2026-01-05 09:00:00+00",
 *  "last_touch": "...", "score_at_last_touch": 12.5,
 *  "touches": {"email_open": 3, "other": 1}, "contacts": [7, 11]}
 *
 * Timestamps are written in UTC and scores in the shortest form that reads
 * back to the same float8, so the output does not depend on DateStyle,
 * TimeZone or extra_float_digits.  A sketch is written as
 * "contacts_sketch": "<hex bitmap>" instead of "contacts".
 * ---------------------------------------------------------------------
 */

static void
eng_append_float8(StringInfo buf, float8 v)
{
	char		text[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(v, text);
	appendStringInfoString(buf, text);
}

static char *
eng_to_text(const Engagement *e, bool derived)
{
	StringInfoData buf;
	bool		first = true;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"version\": %d, \"half_life\": \"%s\", \"first_touch\": \"",
					 ABM_FORMAT_VERSION, eng_half_life_text(e->half_life));
	abm_append_utc(&buf, e->first_touch);
	appendStringInfoString(&buf, "\", \"last_touch\": \"");
	abm_append_utc(&buf, e->last_touch);
	appendStringInfoString(&buf, "\", \"score_at_last_touch\": ");
	eng_append_float8(&buf, e->score);
	appendStringInfoString(&buf, ", \"touches\": {");
	for (int i = 0; i < ENG_BUCKETS; i++)
	{
		if (e->counts[i] == 0)
			continue;
		appendStringInfo(&buf, "%s\"%s\": " INT64_FORMAT, first ? "" : ", ",
						 i == ENG_OTHER ? "other" : abm_activity_name(i),
						 e->counts[i]);
		first = false;
	}
	appendStringInfoChar(&buf, '}');
	if (e->sketch)
	{
		appendStringInfoString(&buf, ", \"contacts_sketch\": \"");
		for (int i = 0; i < ENG_SKETCH_BYTES; i++)
			appendStringInfo(&buf, "%02x", e->c.bits[i]);
		appendStringInfoChar(&buf, '"');
	}
	else
	{
		appendStringInfoString(&buf, ", \"contacts\": [");
		for (int i = 0; i < e->ncontacts; i++)
			appendStringInfo(&buf, "%s" INT64_FORMAT, i ? ", " : "", e->c.ids[i]);
		appendStringInfoChar(&buf, ']');
	}
	if (derived)
		appendStringInfo(&buf, ", \"total_touches\": " INT64_FORMAT
						 ", \"engaged_contacts\": " INT64_FORMAT
						 ", \"contacts_exact\": %s",
						 eng_total_touches(e), eng_engaged_contacts(e),
						 e->sketch ? "false" : "true");
	appendStringInfoChar(&buf, '}');
	return buf.data;
}

static void
eng_malformed(const char *literal, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type abm_engagement: \"%s\"", literal),
			 errdetail("%s", detail),
			 errhint("Write the value as the output of abm_engagement prints it (docs/reference.md lists the keys).")));
}

static JsonbValue *
eng_literal_key(const char *literal, Jsonb *jb, const char *key, enum jbvType type,
			JsonbValue *v)
{
	if (getKeyJsonValueFromContainer(&jb->root, key, strlen(key), v) == NULL)
	{
		if (type == jbvNull)
			return NULL;		/* optional key */
		eng_malformed(literal, psprintf("Key \"%s\" is missing.", key));
	}
	if (type == jbvNull)
		type = v->type;
	if (v->type != type)
		eng_malformed(literal, psprintf("Key \"%s\" has the wrong JSON type.", key));
	return v;
}

static char *
eng_literal_string(const JsonbValue *v)
{
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/* A JSON number that must be an integer in int64 range. */
static int64
eng_literal_int64(const char *literal, const JsonbValue *v, const char *what)
{
	char	   *digits;
	char	   *end;
	long long	n;

	if (v->type != jbvNumeric)
		eng_malformed(literal, psprintf("%s must be a number.", what));
	digits = DatumGetCString(DirectFunctionCall1(numeric_out,
												 NumericGetDatum(v->val.numeric)));
	errno = 0;
	n = strtoll(digits, &end, 10);
	if (errno != 0 || *end != '\0' || end == digits)
		eng_malformed(literal, psprintf("%s must be an integer in bigint range: %s.",
									what, digits));
	return (int64) n;
}

static TimestampTz
eng_literal_time(const char *literal, Jsonb *jb, const char *key)
{
	JsonbValue	v;
	TimestampTz t;

	eng_literal_key(literal, jb, key, jbvString, &v);
	t = DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in,
												CStringGetDatum(eng_literal_string(&v)),
												ObjectIdGetDatum(InvalidOid),
												Int32GetDatum(-1)));
	if (TIMESTAMP_NOT_FINITE(t))
		eng_malformed(literal, psprintf("Key \"%s\" is not a finite timestamp.", key));
	return t;
}

static int
eng_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void
eng_literal_contacts(const char *literal, Jsonb *jb, Engagement *e)
{
	JsonbValue	v;

	if (eng_literal_key(literal, jb, "contacts_sketch", jbvNull, &v) != NULL)
	{
		char	   *hex;

		if (v.type != jbvString || v.val.string.len != 2 * ENG_SKETCH_BYTES)
			eng_malformed(literal, psprintf("contacts_sketch must be a string of %d hexadecimal digits.",
										2 * ENG_SKETCH_BYTES));
		hex = v.val.string.val;
		for (int i = 0; i < ENG_SKETCH_BYTES; i++)
		{
			int			hi = eng_hex_digit(hex[2 * i]);
			int			lo = eng_hex_digit(hex[2 * i + 1]);

			if (hi < 0 || lo < 0)
				eng_malformed(literal, "contacts_sketch holds a character that is not a hexadecimal digit.");
			e->c.bits[i] = (uint8) (hi << 4 | lo);
		}
		e->sketch = true;
		return;
	}

	{
		JsonbIterator *it;
		JsonbValue	elem;
		JsonbIteratorToken tok;

		eng_literal_key(literal, jb, "contacts", jbvBinary, &v);
		if (!JsonContainerIsArray(v.val.binary.data))
			eng_malformed(literal, "contacts must be an array of contact ids.");
		if (JsonContainerSize(v.val.binary.data) > ENG_EXACT_CONTACTS)
			eng_malformed(literal, psprintf("contacts holds more than %d ids; larger sets are written as contacts_sketch.",
										ENG_EXACT_CONTACTS));
		it = JsonbIteratorInit(v.val.binary.data);
		while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
		{
			int64		id;

			if (tok != WJB_ELEM)
				continue;
			id = eng_literal_int64(literal, &elem, "A contact id");
			if (e->ncontacts > 0 && id <= e->c.ids[e->ncontacts - 1])
				eng_malformed(literal, "contacts must be strictly ascending.");
			e->c.ids[e->ncontacts++] = id;
		}
	}
}

static void
eng_literal_touches(const char *literal, Jsonb *jb, Engagement *e)
{
	JsonbValue	v;
	JsonbIterator *it;
	JsonbValue	key;
	JsonbValue	val;
	JsonbIteratorToken tok;

	eng_literal_key(literal, jb, "touches", jbvBinary, &v);
	if (!JsonContainerIsObject(v.val.binary.data))
		eng_malformed(literal, "touches must be an object of counts by activity.");
	it = JsonbIteratorInit(v.val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &key, true)) != WJB_DONE)
	{
		int			bucket;
		char	   *name;

		if (tok != WJB_KEY)
			continue;
		name = eng_literal_string(&key);
		tok = JsonbIteratorNext(&it, &val, true);
		Assert(tok == WJB_VALUE);
		if (strcmp(name, "other") == 0)
			bucket = ENG_OTHER;
		else
		{
			bucket = abm_activity_index_of(name, strlen(name));
			if (bucket < 0 || strcmp(name, abm_activity_name(bucket)) != 0)
				eng_malformed(literal, psprintf("\"%s\" is not a standard activity name or \"other\".", name));
		}
		e->counts[bucket] = eng_literal_int64(literal, &val, "A touch count");
		if (e->counts[bucket] <= 0)
			eng_malformed(literal, "Touch counts must be positive; leave out activities with no touches.");
	}
	if (eng_total_touches(e) == 0)
		eng_malformed(literal, "touches must count at least one touch.");
}

Datum
abm_engagement_in(PG_FUNCTION_ARGS)
{
	char	   *literal = PG_GETARG_CSTRING(0);
	Engagement	e;
	Jsonb	   *jb;
	JsonbValue	v;
	int64		version;
	char	   *hl_text;
	Interval   *hl;
	char	   *digits;

	jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(literal)));
	if (!JB_ROOT_IS_OBJECT(jb) || JB_ROOT_IS_SCALAR(jb))
		eng_malformed(literal, "The value is not a JSON object.");
	if (JB_ROOT_COUNT(jb) != ENG_TEXT_KEYS)
		eng_malformed(literal, psprintf("The object has %d keys; it must have exactly %d.",
									(int) JB_ROOT_COUNT(jb), ENG_TEXT_KEYS));

	memset(&e, 0, sizeof(e));
	eng_literal_key(literal, jb, "version", jbvNumeric, &v);
	version = eng_literal_int64(literal, &v, "version");
	if (version < 1 || version > ABM_FORMAT_VERSION)
		eng_malformed(literal, psprintf("Format version " INT64_FORMAT " is not between 1 and %d.",
									version, ABM_FORMAT_VERSION));

	eng_literal_key(literal, jb, "half_life", jbvString, &v);
	hl_text = eng_literal_string(&v);
	hl = DatumGetIntervalP(DirectFunctionCall3(interval_in, CStringGetDatum(hl_text),
											   ObjectIdGetDatum(InvalidOid),
											   Int32GetDatum(-1)));
	e.half_life = abm_interval_usecs(hl, "half_life", false);
	if (e.half_life <= 0)
		eng_malformed(literal, "half_life is not positive.");

	e.first_touch = eng_literal_time(literal, jb, "first_touch");
	e.last_touch = eng_literal_time(literal, jb, "last_touch");
	if (e.first_touch > e.last_touch)
		eng_malformed(literal, "first_touch is after last_touch.");

	eng_literal_key(literal, jb, "score_at_last_touch", jbvNumeric, &v);
	digits = DatumGetCString(DirectFunctionCall1(numeric_out,
												 NumericGetDatum(v.val.numeric)));
	errno = 0;
	e.score = strtod(digits, NULL);
	/* subnormal scores are valid; only overflow and underflow to 0 are not */
	if (errno == ERANGE && (e.score == 0 || isinf(e.score)))
		eng_malformed(literal, "score_at_last_touch is out of float8 range.");

	eng_literal_touches(literal, jb, &e);
	eng_literal_contacts(literal, jb, &e);

	PG_RETURN_BYTEA_P(eng_encode(&e));
}

Datum
abm_engagement_out(PG_FUNCTION_ARGS)
{
	Engagement	e;

	PG_GETARG_ENGAGEMENT(0, &e);
	PG_RETURN_CSTRING(eng_to_text(&e, false));
}

Datum
abm_engagement_recv(PG_FUNCTION_ARGS)
{
	int			len;
	const char *data = abm_recv_bytes((StringInfo) PG_GETARG_POINTER(0), &len);
	Engagement	e;

	eng_decode_bytes(&e, data, len, ENG_ALL);
	/* Re-encoding gives the canonical bytes of what was checked. */
	PG_RETURN_BYTEA_P(eng_encode(&e));
}

Datum
abm_engagement_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(abm_send_stored(PG_GETARG_DATUM(0)));
}

/* The text form plus total_touches, engaged_contacts and contacts_exact. */
Datum
abm_engagement_jsonb(PG_FUNCTION_ARGS)
{
	Engagement	e;

	PG_GETARG_ENGAGEMENT(0, &e);
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(eng_to_text(&e, true)));
}
