/*-------------------------------------------------------------------------
 *
 * abm_fuzz.c
 *	  Test-only helpers of the abm fuzz harness (test/fuzz/run.sh).  Not part
 *	  of abm: built with PGXS in this directory and loaded by absolute path
 *	  into the throwaway test cluster.
 *
 * Input and receive functions are called the way the server calls them
 * (InputFunctionCall, ReceiveFunctionCall plus COPY's "all bytes consumed"
 * check).  Deserialize functions cannot be called from SQL, so the harness
 * runs them inside a real aggregate: abm_fuzz_replay(target, state) is an
 * aggregate whose transition deserializes each state with the target's
 * DESERIALFUNC and merges it with its COMBINEFUNC, and whose final function
 * applies the target's SERIALFUNC and FINALFUNC, all called with the
 * executor's own AggState as context, as nodeAgg does for a Finalize
 * Aggregate.  Valid states come from capture aggregates (same transition
 * function as the target, final function abm_fuzz_capture_final that
 * returns the serialized state).
 *
 * Every untrusted input is copied into a malloc'd buffer of exactly its size
 * before the function under test sees it, so that under AddressSanitizer an
 * over-read is reported even though palloc chunks are invisible to it.
 *
 * A broken invariant (a value that does not round-trip) is raised as
 * SQLSTATE XX000 with a message starting "abm_fuzz:", which the harness
 * counts as a failure.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stdlib.h>

#include "access/htup_details.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/syscache.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(abm_fuzz_mutate);
PG_FUNCTION_INFO_V1(abm_fuzz_mutate_text);
PG_FUNCTION_INFO_V1(abm_fuzz_input);
PG_FUNCTION_INFO_V1(abm_fuzz_recv);
PG_FUNCTION_INFO_V1(abm_fuzz_capture_final);
PG_FUNCTION_INFO_V1(abm_fuzz_replay_trans);
PG_FUNCTION_INFO_V1(abm_fuzz_replay_final);

/* Largest value the mutators build; big enough to exceed any element cap. */
#define FUZZ_MAX_LEN	65536

/* ---------------------------------------------------------------------
 * Deterministic random numbers: case i of a run is reproducible from
 * (seed, i) alone.
 * ---------------------------------------------------------------------
 */
static uint64
splitmix64(uint64 *s)
{
	uint64		z = (*s += UINT64CONST(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64CONST(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64CONST(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static uint32
rnd(uint64 *s, uint32 n)
{
	return n == 0 ? 0 : (uint32) (splitmix64(s) % n);
}

/* Values that break count and length fields, written big-endian. */
static const uint64 interesting64[] = {
	0, 1, 2, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF,
	0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, UINT64CONST(0x100000000),
	UINT64CONST(0x7FFFFFFFFFFFFFFF), UINT64CONST(0x8000000000000000),
	UINT64CONST(0xFFFFFFFFFFFFFFFF),
	UINT64CONST(0x7FF8000000000000),	/* NaN */
	UINT64CONST(0x7FF0000000000000),	/* +Infinity */
	UINT64CONST(0xFFF0000000000000),	/* -Infinity */
	UINT64CONST(0x8000000000000000),	/* -0.0 */
	UINT64CONST(0x7FEFFFFFFFFFFFFF),	/* DBL_MAX */
	UINT64CONST(0x0000000000000001),	/* smallest subnormal */
};

static void
put_be(unsigned char *p, uint64 v, int width)
{
	for (int i = width - 1; i >= 0; i--)
	{
		p[i] = (unsigned char) (v & 0xFF);
		v >>= 8;
	}
}

/*
 * One mutation of buf (len bytes, capacity FUZZ_MAX_LEN); returns the new
 * length.  Byte 0 is the abm format version and byte 1 the kind, so those
 * get targeted mutations of their own.
 */
static int
mutate_once(unsigned char *buf, int len, uint64 *s, const unsigned char *other,
			int other_len)
{
	int			pos = len > 0 ? (int) rnd(s, len) : 0;

	switch (rnd(s, 14))
	{
		case 0:					/* bit flip */
			if (len > 0)
				buf[pos] ^= (unsigned char) (1 << rnd(s, 8));
			break;
		case 1:					/* random byte */
			if (len > 0)
				buf[pos] = (unsigned char) rnd(s, 256);
			break;
		case 2:					/* truncate */
			len = len > 0 ? (int) rnd(s, len) : 0;
			break;
		case 3:					/* extend with random bytes */
			{
				int			n = 1 + rnd(s, rnd(s, 2) ? 16 : 1024);

				for (int i = 0; i < n && len < FUZZ_MAX_LEN; i++)
					buf[len++] = (unsigned char) rnd(s, 256);
			}
			break;
		case 4:					/* insert one byte */
			if (len < FUZZ_MAX_LEN)
			{
				memmove(buf + pos + 1, buf + pos, len - pos);
				buf[pos] = (unsigned char) rnd(s, 256);
				len++;
			}
			break;
		case 5:					/* delete a run of bytes */
			if (len > 0)
			{
				int			n = 1 + rnd(s, Min(len - pos, 16));

				memmove(buf + pos, buf + pos + n, len - pos - n);
				len -= n;
			}
			break;
		case 6:					/* version byte */
			if (len > 0)
			{
				static const unsigned char versions[] = {0, 2, 3, 0x7F, 0x80, 0xFF};

				buf[0] = versions[rnd(s, lengthof(versions))];
			}
			break;
		case 7:					/* kind byte */
			if (len > 1)
				buf[1] = (unsigned char) rnd(s, 64);
			break;
		case 8:					/* a 4-byte field set to a boundary value */
			if (len >= 4)
			{
				pos = rnd(s, len - 3);
				put_be(buf + pos, interesting64[rnd(s, lengthof(interesting64))], 4);
			}
			break;
		case 9:					/* an 8-byte field: huge, negative, NaN, inf */
			if (len >= 8)
			{
				pos = rnd(s, len - 7);
				put_be(buf + pos, interesting64[rnd(s, lengthof(interesting64))], 8);
			}
			break;
		case 10:				/* duplicate a chunk in place */
			if (len > 0)
			{
				int			n = 1 + rnd(s, Min(len - pos, 64));

				n = Min(n, FUZZ_MAX_LEN - len);
				memmove(buf + pos + n, buf + pos, len - pos);
				len += n;
			}
			break;
		case 11:				/* splice with another valid value */
			if (other_len > 0)
			{
				int			from = rnd(s, other_len);
				int			n = Min(other_len - from, FUZZ_MAX_LEN - pos);

				memcpy(buf + pos, other + from, n);
				len = Max(len, pos + n);
				if (rnd(s, 2))
					len = pos + n;
			}
			break;
		case 12:				/* add or subtract a little at a field */
			if (len > 0)
				buf[pos] += (unsigned char) (rnd(s, 2) ? 1 : -1);
			break;
		default:				/* zero a run */
			if (len > 0)
				memset(buf + pos, 0, 1 + rnd(s, Min(len - pos, 8)));
			break;
	}
	return len;
}

/*
 * abm_fuzz_mutate(seed bytea, other bytea, rng bigint) returns bytea: 1 to
 * 4 stacked mutations of seed (other is a second valid value to splice
 * from); with a NULL seed, random bytes of random length.
 */
Datum
abm_fuzz_mutate(PG_FUNCTION_ARGS)
{
	uint64		s = (uint64) PG_GETARG_INT64(2);
	unsigned char *buf = palloc(FUZZ_MAX_LEN);
	const unsigned char *other = NULL;
	int			other_len = 0;
	int			len;
	bytea	   *result;

	if (!PG_ARGISNULL(1))
	{
		bytea	   *o = PG_GETARG_BYTEA_PP(1);

		other = (const unsigned char *) VARDATA_ANY(o);
		other_len = Min(VARSIZE_ANY_EXHDR(o), FUZZ_MAX_LEN);
	}

	if (PG_ARGISNULL(0))
	{
		len = rnd(&s, rnd(&s, 4) ? 64 : 4096);
		for (int i = 0; i < len; i++)
			buf[i] = (unsigned char) rnd(&s, 256);
		/* Half the random values carry a valid version byte. */
		if (len > 0 && rnd(&s, 2))
			buf[0] = 1;
	}
	else
	{
		bytea	   *seed = PG_GETARG_BYTEA_PP(0);
		int			n = 1 + rnd(&s, 4);

		len = Min(VARSIZE_ANY_EXHDR(seed), FUZZ_MAX_LEN);
		memcpy(buf, VARDATA_ANY(seed), len);
		for (int i = 0; i < n; i++)
			len = mutate_once(buf, len, &s, other, other_len);
	}

	result = (bytea *) palloc(VARHDRSZ + len);
	SET_VARSIZE(result, VARHDRSZ + len);
	memcpy(VARDATA(result), buf, len);
	PG_RETURN_BYTEA_P(result);
}

/* Tokens that text literals of abm types (JSON, arrays, records) choke on. */
static const char *const text_tokens[] = {
	"{", "}", "[", "]", "(", ")", "\"", ",", ":", "\\", " ", "null", "true",
	"false", "NaN", "nan", "Infinity", "-Infinity", "infinity", "-infinity",
	"1e308", "1e400", "-1e400", "-0", "0", "-1", "2147483648", "-2147483649",
	"9223372036854775807", "9223372036854775808", "-9223372036854775809",
	"4294967296", "1.5", "0.000000001", "\"\"", "\"\\u0000\"", "\"\\ud800\"",
	"294277-01-01", "4714-11-24 BC", "epoch", "2026-01-01 00:00:00+00",
	"-178000000 years", "1 day", "-1 day", "0 days", "\xc3\xa9", "\xe2\x82\xac",
	"{}", "[]", "{\"version\": 2}", "{\"version\": 0}",
};

/*
 * abm_fuzz_mutate_text(seed text, other text, rng bigint) returns text: the
 * text counterpart of abm_fuzz_mutate.  The result is valid in the
 * database encoding (non-ASCII bytes that do not form a valid character
 * are replaced), because text cannot hold anything else.
 */
Datum
abm_fuzz_mutate_text(PG_FUNCTION_ARGS)
{
	uint64		s = (uint64) PG_GETARG_INT64(2);
	StringInfoData out;
	char	   *cur;
	int			n;

	initStringInfo(&out);
	if (PG_ARGISNULL(0))
	{
		int			len = rnd(&s, 80);

		for (int i = 0; i < len; i++)
		{
			if (rnd(&s, 3) == 0)
				appendStringInfoString(&out, text_tokens[rnd(&s, lengthof(text_tokens))]);
			else
				appendStringInfoChar(&out, (char) (1 + rnd(&s, 127)));
		}
	}
	else
	{
		char	   *seed = text_to_cstring(PG_GETARG_TEXT_PP(0));
		char	   *other = PG_ARGISNULL(1) ? seed : text_to_cstring(PG_GETARG_TEXT_PP(1));

		appendStringInfoString(&out, seed);
		n = 1 + rnd(&s, 4);
		for (int i = 0; i < n; i++)
		{
			int			len = out.len;
			int			pos = len > 0 ? (int) rnd(&s, len) : 0;
			int			run = len > pos ? 1 + (int) rnd(&s, Min(len - pos, 24)) : 0;
			StringInfoData next;

			initStringInfo(&next);
			appendBinaryStringInfo(&next, out.data, pos);
			switch (rnd(&s, 9))
			{
				case 0:			/* insert a token */
					appendStringInfoString(&next, text_tokens[rnd(&s, lengthof(text_tokens))]);
					appendStringInfoString(&next, out.data + pos);
					break;
				case 1:			/* replace a run by a token */
					appendStringInfoString(&next, text_tokens[rnd(&s, lengthof(text_tokens))]);
					appendStringInfoString(&next, out.data + pos + run);
					break;
				case 2:			/* delete a run */
					appendStringInfoString(&next, out.data + pos + run);
					break;
				case 3:			/* truncate */
					break;
				case 4:			/* duplicate a run */
					appendBinaryStringInfo(&next, out.data + pos, run);
					appendStringInfoString(&next, out.data + pos);
					break;
				case 5:			/* one random ASCII character */
					appendStringInfoChar(&next, (char) (1 + rnd(&s, 127)));
					appendStringInfoString(&next, out.data + pos + (run > 0 ? 1 : 0));
					break;
				case 6:			/* a digit changed: numbers out of range */
					appendStringInfoChar(&next, "0123456789-.e+"[rnd(&s, 14)]);
					appendStringInfoString(&next, out.data + pos + (run > 0 ? 1 : 0));
					break;
				case 7:			/* splice from another valid literal */
					{
						int			olen = strlen(other);
						int			from = olen > 0 ? rnd(&s, olen) : 0;

						appendStringInfoString(&next, other + from);
					}
					break;
				default:		/* repeat the whole value: huge literals */
					appendStringInfoString(&next, out.data + pos);
					for (int k = rnd(&s, 64); k > 0 && next.len < FUZZ_MAX_LEN; k--)
						appendBinaryStringInfo(&next, out.data, len);
					break;
			}
			if (next.len > FUZZ_MAX_LEN)
			{
				next.len = FUZZ_MAX_LEN;
				next.data[next.len] = '\0';
			}
			pfree(out.data);
			out = next;
		}
	}

	/* Make the bytes a valid string of the database encoding. */
	cur = out.data;
	while (*cur)
	{
		int			l = pg_mblen(cur);

		if (IS_HIGHBIT_SET(*cur) &&
			(strnlen(cur, l) < (size_t) l ||
			 !pg_verifymbstr(cur, l, true)))
		{
			*cur = '?';
			l = 1;
		}
		cur += l;
	}
	PG_RETURN_TEXT_P(cstring_to_text(out.data));
}

/* ---------------------------------------------------------------------
 * Types: input, output, send and receive with round-trip checks
 * ---------------------------------------------------------------------
 */
typedef struct TypeIO
{
	Oid			type;
	Oid			ioparam;
	FmgrInfo	in;
	FmgrInfo	out;
	FmgrInfo	recv;
	FmgrInfo	send;
	bool		has_binary;
} TypeIO;

static TypeIO *
type_io(FunctionCallInfo fcinfo, Oid type)
{
	TypeIO	   *io = (TypeIO *) fcinfo->flinfo->fn_extra;
	MemoryContext cxt = fcinfo->flinfo->fn_mcxt;
	HeapTuple	tup;
	Form_pg_type t;

	if (io != NULL && io->type == type)
		return io;
	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(type));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for type %u", type);
	t = (Form_pg_type) GETSTRUCT(tup);

	io = MemoryContextAllocZero(cxt, sizeof(TypeIO));
	io->type = type;
	io->ioparam = getTypeIOParam(tup);
	fmgr_info_cxt(t->typinput, &io->in, cxt);
	fmgr_info_cxt(t->typoutput, &io->out, cxt);
	io->has_binary = OidIsValid(t->typreceive) && OidIsValid(t->typsend);
	if (io->has_binary)
	{
		fmgr_info_cxt(t->typreceive, &io->recv, cxt);
		fmgr_info_cxt(t->typsend, &io->send, cxt);
	}
	ReleaseSysCache(tup);
	fcinfo->flinfo->fn_extra = io;
	return io;
}

static void
broken(const char *what, const char *a, const char *b)
{
	ereport(ERROR,
			(errcode(ERRCODE_INTERNAL_ERROR),
			 errmsg("abm_fuzz: %s", what),
			 errdetail("first = %s, second = %s.", a, b)));
}

static char *
hex_of(const char *data, int len)
{
	char	   *h = palloc(len * 2 + 1);

	hex_encode(data, len, h);
	h[len * 2] = '\0';
	return h;
}

/* Input with the literal in a malloc'd buffer of exactly its size. */
static Datum
call_input(TypeIO *io, const char *literal)
{
	size_t		len = strlen(literal) + 1;
	char	   *copy = malloc(len);
	Datum		v;

	if (copy == NULL)
		elog(ERROR, "out of memory");
	memcpy(copy, literal, len);
	PG_TRY();
	{
		v = InputFunctionCall(&io->in, copy, io->ioparam, -1);
	}
	PG_FINALLY();
	{
		free(copy);
	}
	PG_END_TRY();
	return v;
}

/*
 * Receive as COPY BINARY and Bind do: ReceiveFunctionCall over a
 * StringInfo, then every byte must have been consumed.  The bytes sit in a
 * malloc'd buffer of exactly their size plus the terminating zero
 * StringInfo promises.
 */
static Datum
call_recv(TypeIO *io, const char *data, int len)
{
	StringInfoData buf;
	char	   *copy = malloc(len + 1);
	Datum		v;

	if (copy == NULL)
		elog(ERROR, "out of memory");
	memcpy(copy, data, len);
	copy[len] = '\0';
	buf.data = copy;
	buf.len = len;
	buf.maxlen = len + 1;
	buf.cursor = 0;
	PG_TRY();
	{
		v = ReceiveFunctionCall(&io->recv, &buf, io->ioparam, -1);
		if (buf.cursor != buf.len)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("incorrect binary data format")));
	}
	PG_FINALLY();
	{
		free(copy);
	}
	PG_END_TRY();
	return v;
}

/*
 * Checks every value the harness obtains: its text form reads back to the
 * same text form, and its binary form reads back to the same binary and
 * text forms.  Returns the text form.
 */
static char *
check_round_trips(TypeIO *io, Datum v)
{
	char	   *text1 = OutputFunctionCall(&io->out, v);
	char	   *text2 = OutputFunctionCall(&io->out, call_input(io, text1));

	if (strcmp(text1, text2) != 0)
		broken("text form does not round-trip", text1, text2);
	if (io->has_binary)
	{
		bytea	   *bin1 = SendFunctionCall(&io->send, v);
		Datum		v2 = call_recv(io, VARDATA(bin1), VARSIZE(bin1) - VARHDRSZ);
		bytea	   *bin2 = SendFunctionCall(&io->send, v2);
		char	   *text3 = OutputFunctionCall(&io->out, v2);

		if (VARSIZE(bin1) != VARSIZE(bin2) ||
			memcmp(VARDATA(bin1), VARDATA(bin2), VARSIZE(bin1) - VARHDRSZ) != 0)
			broken("binary form does not round-trip",
				   hex_of(VARDATA(bin1), VARSIZE(bin1) - VARHDRSZ),
				   hex_of(VARDATA(bin2), VARSIZE(bin2) - VARHDRSZ));
		if (strcmp(text1, text3) != 0)
			broken("binary round trip changes the text form", text1, text3);
	}
	return text1;
}

/* abm_fuzz_input(type regtype, literal text) returns the value's text form. */
Datum
abm_fuzz_input(PG_FUNCTION_ARGS)
{
	TypeIO	   *io = type_io(fcinfo, PG_GETARG_OID(0));
	char	   *literal = text_to_cstring(PG_GETARG_TEXT_PP(1));

	PG_RETURN_TEXT_P(cstring_to_text(check_round_trips(io, call_input(io, literal))));
}

/* abm_fuzz_recv(type regtype, data bytea) returns the value's text form. */
Datum
abm_fuzz_recv(PG_FUNCTION_ARGS)
{
	TypeIO	   *io = type_io(fcinfo, PG_GETARG_OID(0));
	bytea	   *data = PG_GETARG_BYTEA_PP(1);

	if (!io->has_binary)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("abm_fuzz: type %s has no binary I/O",
						format_type_be(io->type))));
	PG_RETURN_TEXT_P(cstring_to_text(check_round_trips(io,
													   call_recv(io, VARDATA_ANY(data),
																 VARSIZE_ANY_EXHDR(data)))));
}

/* ---------------------------------------------------------------------
 * Aggregates: capture valid serialized states, replay hostile ones
 * ---------------------------------------------------------------------
 */
static Form_pg_aggregate
aggregate_row(Oid agg)
{
	HeapTuple	tup = SearchSysCache1(AGGFNOID, ObjectIdGetDatum(agg));
	Form_pg_aggregate row;

	if (!HeapTupleIsValid(tup))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("abm_fuzz: %s is not an aggregate", format_procedure(agg))));
	row = palloc(sizeof(FormData_pg_aggregate));
	memcpy(row, GETSTRUCT(tup), sizeof(FormData_pg_aggregate));
	ReleaseSysCache(tup);
	if (row->aggtranstype != INTERNALOID || !OidIsValid(row->aggserialfn) ||
		!OidIsValid(row->aggdeserialfn) || !OidIsValid(row->aggcombinefn))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("abm_fuzz: %s has no internal state with combine, serial and deserial functions",
						format_procedure(agg))));
	return row;
}

static Datum
call_with_context(FmgrInfo *fn, FunctionCallInfo outer, int nargs,
				  Datum *args, bool *nulls, bool *isnull)
{
	LOCAL_FCINFO(fc, FUNC_MAX_ARGS);
	Datum		result;

	InitFunctionCallInfoData(*fc, fn, nargs, InvalidOid, outer->context, NULL);
	for (int i = 0; i < nargs; i++)
	{
		fc->args[i].value = args[i];
		fc->args[i].isnull = nulls[i];
	}
	result = FunctionCallInvoke(fc);
	*isnull = fc->isnull;
	return result;
}

/*
 * Final function of a capture aggregate: the state serialized by the
 * SERIALFUNC of the capture aggregate (the target's own).
 */
Datum
abm_fuzz_capture_final(PG_FUNCTION_ARGS)
{
	Aggref	   *aggref = AggGetAggref(fcinfo);
	Form_pg_aggregate row;
	FmgrInfo	serial;
	Datum		arg;
	bool		argnull = false;
	bool		isnull;
	Datum		result;

	if (aggref == NULL)
		elog(ERROR, "abm_fuzz_capture_final called in non-aggregate context");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	row = aggregate_row(aggref->aggfnoid);
	fmgr_info(row->aggserialfn, &serial);
	arg = PG_GETARG_DATUM(0);
	result = call_with_context(&serial, fcinfo, 1, &arg, &argnull, &isnull);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

typedef struct ReplayState
{
	Oid			target;
	FmgrInfo	deserial;
	FmgrInfo	combine;
	FmgrInfo	serial;
	FmgrInfo	final;
	bool		has_final;
	int			final_nargs;
	Oid			final_type;
	Datum		merged;
	bool		merged_null;
} ReplayState;

/*
 * abm_fuzz_replay_trans(state internal, target regprocedure, serialized
 * bytea): deserialize into the per-tuple context and combine into the
 * merged state, as nodeAgg does with the partial states of a Finalize
 * Aggregate (combine gets a NULL first state on the first row).
 */
Datum
abm_fuzz_replay_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	ReplayState *st;
	bytea	   *data;
	int			len;
	bytea	   *copy;
	Datum		args[2];
	bool		nulls[2] = {false, false};
	bool		isnull;
	Datum		partial;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "abm_fuzz_replay_trans called in non-aggregate context");
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		elog(ERROR, "abm_fuzz_replay needs a target and a state");

	if (PG_ARGISNULL(0))
	{
		Form_pg_aggregate row = aggregate_row(PG_GETARG_OID(1));

		st = MemoryContextAllocZero(aggcxt, sizeof(ReplayState));
		st->target = PG_GETARG_OID(1);
		fmgr_info_cxt(row->aggdeserialfn, &st->deserial, aggcxt);
		fmgr_info_cxt(row->aggcombinefn, &st->combine, aggcxt);
		fmgr_info_cxt(row->aggserialfn, &st->serial, aggcxt);
		st->has_final = OidIsValid(row->aggfinalfn);
		if (st->has_final)
		{
			fmgr_info_cxt(row->aggfinalfn, &st->final, aggcxt);
			st->final_nargs = get_func_nargs(row->aggfinalfn);
			st->final_type = get_func_rettype(row->aggfinalfn);
		}
		st->merged_null = true;
	}
	else
		st = (ReplayState *) PG_GETARG_POINTER(0);

	data = PG_GETARG_BYTEA_PP(2);
	len = VARSIZE_ANY_EXHDR(data);
	copy = malloc(VARHDRSZ + len);
	if (copy == NULL)
		elog(ERROR, "out of memory");
	SET_VARSIZE(copy, VARHDRSZ + len);
	memcpy(VARDATA(copy), VARDATA_ANY(data), len);
	PG_TRY();
	{
		args[0] = PointerGetDatum(copy);
		args[1] = (Datum) 0;
		partial = call_with_context(&st->deserial, fcinfo, 2, args, nulls, &isnull);
	}
	PG_FINALLY();
	{
		free(copy);
	}
	PG_END_TRY();
	if (isnull)
		elog(ERROR, "abm_fuzz: deserialize returned NULL");

	args[0] = st->merged;
	nulls[0] = st->merged_null;
	args[1] = partial;
	nulls[1] = false;
	st->merged = call_with_context(&st->combine, fcinfo, 2, args, nulls, &isnull);
	st->merged_null = isnull;
	PG_RETURN_POINTER(st);
}

/*
 * abm_fuzz_replay_final returns {final result as text, merged state
 * serialized again, in hex}.  Serialize runs first because a final
 * function may modify the state.
 */
Datum
abm_fuzz_replay_final(PG_FUNCTION_ARGS)
{
	ReplayState *st;
	Datum		out[2];
	bool		outnull[2] = {true, true};
	int			dims[1] = {2};
	int			lbs[1] = {1};
	bool		isnull;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (ReplayState *) PG_GETARG_POINTER(0);

	if (!st->merged_null)
	{
		bool		argnull = false;
		Datum		ser = call_with_context(&st->serial, fcinfo, 1, &st->merged,
											&argnull, &isnull);

		if (!isnull)
		{
			bytea	   *b = DatumGetByteaPP(ser);

			out[1] = CStringGetTextDatum(hex_of(VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b)));
			outnull[1] = false;
		}
	}

	if (st->has_final && !(st->merged_null && st->final.fn_strict))
	{
		Datum		args[FUNC_MAX_ARGS];
		bool		nulls[FUNC_MAX_ARGS];
		Datum		res;

		/* FINALFUNC_EXTRA arguments are NULL, as nodeAgg passes them. */
		for (int i = 0; i < st->final_nargs; i++)
		{
			args[i] = (Datum) 0;
			nulls[i] = true;
		}
		args[0] = st->merged;
		nulls[0] = st->merged_null;
		res = call_with_context(&st->final, fcinfo, st->final_nargs, args, nulls, &isnull);
		if (!isnull)
		{
			Oid			outfn;
			bool		isvarlena;

			getTypeOutputInfo(st->final_type, &outfn, &isvarlena);
			out[0] = CStringGetTextDatum(OidOutputFunctionCall(outfn, res));
			outnull[0] = false;
		}
	}

	PG_RETURN_ARRAYTYPE_P(construct_md_array(out, outnull, 1, dims, lbs,
											 TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * abm_fuzz_overread(n int): reads byte n of an 8-byte malloc'd buffer.  The
 * ASan script (test/asan/run.sh) calls it with n = 8 once, to prove that an
 * over-read in a loaded module is reported by its setup.
 */
PG_FUNCTION_INFO_V1(abm_fuzz_overread);

Datum
abm_fuzz_overread(PG_FUNCTION_ARGS)
{
	volatile char *p = malloc(8);
	int32		n = PG_GETARG_INT32(0);
	int32		v;

	if (p == NULL)
		elog(ERROR, "out of memory");
	memset((char *) p, 1, 8);
	v = p[n];
	free((char *) p);
	PG_RETURN_INT32(v);
}
