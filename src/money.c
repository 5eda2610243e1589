/*-------------------------------------------------------------------------
 *
 * money.c
 *	  Exact sums of numeric amounts, shared by the money KPIs (pipeline,
 *	  ACV).
 *
 * Adding numerics one by one with numeric_add allocates and normalises a
 * new value per row.  Amounts almost always have few decimals, so, like
 * PostgreSQL's own sum(numeric) accumulator (which numeric.c keeps
 * private), we add them as integers: every amount below 10^20 with at most
 * 8 decimals is added to an int128 counting units of 10^-8.  Any other
 * value (more decimals, larger) is added exactly with numeric_add to a side
 * sum, so the result is always exact.  The int128 is moved into the side
 * sum before it could overflow.
 *
 * The fast path reads the on-disk numeric format directly.  That format is
 * fixed by pg_upgrade compatibility (numeric.c, "Numeric values are
 * represented ..."): a 2-byte header that is either the short form (sign,
 * display scale, weight) or the first half of the long form (sign, display
 * scale) followed by an int16 weight, then base-10000 digits.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "money.h"
#include "libpq/pqformat.h"
#include "port/pg_bswap.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

/* On-disk numeric header bits (numeric.c). */
#define NUM_FLAG_MASK			0xC000
#define NUM_NEG					0x4000
#define NUM_SHORT				0x8000
#define NUM_SPECIAL				0xC000
#define NUM_SPECIAL_NINF		0xF000
#define NUM_SHORT_NEG			0x2000
#define NUM_SHORT_DSCALE_MASK	0x1F80
#define NUM_SHORT_DSCALE_SHIFT	7
#define NUM_SHORT_WEIGHT_NEG	0x0040
#define NUM_SHORT_WEIGHT_MASK	0x003F
#define NUM_DSCALE_MASK			0x3FFF

/* The int128 counts units of 10^-8, i.e. two base-10000 digits. */
#define MONEY_FRAC_DIGITS		8
#define MONEY_FRAC_NBASE_DIGITS	2
/* Largest base-10000 weight taken by the fast path: values below 10^20. */
#define MONEY_MAX_WEIGHT		4
/* Flush bound: one more fast value (< 2^94 units) can never overflow. */
#define MONEY_SCALED_LIMIT		(((int128) 1) << 125)

static const int128 nbase_pow[] = {
	1, 10000, 100000000, 1000000000000, INT64CONST(10000000000000000),
	((int128) INT64CONST(10000000000000000)) * 10000,
	((int128) INT64CONST(10000000000000000)) * INT64CONST(100000000)
};

typedef struct NumericHeader
{
	bool		special;		/* NaN or an infinity */
	bool		negative;		/* below zero, -Infinity included */
	int			dscale;
	int			weight;
	const char *digits;			/* base-10000 digits, unaligned */
	int			ndigits;
} NumericHeader;

/* Decode the header of a (possibly short-header) numeric varlena. */
static void
numeric_header(const struct varlena *v, NumericHeader *h)
{
	const char *p = VARDATA_ANY(v);
	Size		len = VARSIZE_ANY_EXHDR(v);
	uint16		head;

	memset(h, 0, sizeof(*h));
	if (len < sizeof(uint16))
	{
		/* not a numeric we can read; let numeric_add judge it */
		h->weight = MONEY_MAX_WEIGHT + 1;
		return;
	}
	memcpy(&head, p, sizeof(head));
	if ((head & NUM_FLAG_MASK) == NUM_SPECIAL)
	{
		h->special = true;
		h->negative = (head == NUM_SPECIAL_NINF);
		return;
	}
	if (head & NUM_SHORT)
	{
		h->negative = (head & NUM_SHORT_NEG) != 0;
		h->dscale = (head & NUM_SHORT_DSCALE_MASK) >> NUM_SHORT_DSCALE_SHIFT;
		h->weight = (head & NUM_SHORT_WEIGHT_MASK);
		if (head & NUM_SHORT_WEIGHT_NEG)
			h->weight |= ~NUM_SHORT_WEIGHT_MASK;
		h->digits = p + sizeof(uint16);
		h->ndigits = (len - sizeof(uint16)) / sizeof(int16);
	}
	else
	{
		int16		weight;

		if (len < 2 * sizeof(uint16))
		{
			h->weight = MONEY_MAX_WEIGHT + 1;
			return;
		}
		memcpy(&weight, p + sizeof(uint16), sizeof(weight));
		h->negative = (head & NUM_FLAG_MASK) == NUM_NEG;
		h->dscale = head & NUM_DSCALE_MASK;
		h->weight = weight;
		h->digits = p + 2 * sizeof(uint16);
		h->ndigits = (len - 2 * sizeof(uint16)) / sizeof(int16);
	}
}

AbmMoneyCheck
abm_money_check(Datum amount)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(amount);
	NumericHeader h;

	numeric_header(v, &h);
	if (h.special)
		return ABM_MONEY_NOT_FINITE;
	/* numeric has no negative zero: a negative sign means below zero */
	return h.negative ? ABM_MONEY_NEGATIVE : ABM_MONEY_OK;
}

/* The value in units of 10^-8, if it is below 10^20 with <= 8 decimals. */
static bool
numeric_scaled(const NumericHeader *h, int128 *scaled)
{
	int128		acc = 0;

	if (h->special || h->weight > MONEY_MAX_WEIGHT)
		return false;
	for (int i = 0; i < h->ndigits; i++)
	{
		int16		digit;
		int			exponent = h->weight - i + MONEY_FRAC_NBASE_DIGITS;

		memcpy(&digit, h->digits + i * sizeof(int16), sizeof(digit));
		if (digit < 0 || digit >= 10000)
			return false;
		if (exponent < 0)
		{
			if (digit != 0)
				return false;
			continue;
		}
		acc += nbase_pow[exponent] * digit;
	}
	*scaled = h->negative ? -acc : acc;
	return true;
}

void
abm_money_init(AbmMoneySum *sum)
{
	sum->scaled = 0;
	sum->dscale = 0;
	sum->dscale_count = 0;
	sum->rest = NULL;
}

/* rest ± value, exactly, keeping rest in the aggregate context. */
static void
money_rest_apply(AbmMoneySum *sum, Datum value, bool subtract,
				 MemoryContext aggcontext)
{
	MemoryContext old = MemoryContextSwitchTo(aggcontext);
	Numeric		prev = sum->rest;

	sum->rest = DatumGetNumeric(DirectFunctionCall2(subtract ? numeric_sub : numeric_add,
													prev ? NumericGetDatum(prev) : abm_numeric_zero(),
													value));
	if (prev != NULL)
		pfree(prev);
	MemoryContextSwitchTo(old);
}

/* Move the int128 into the side sum once it nears the overflow bound. */
static void
money_check_limit(AbmMoneySum *sum, MemoryContext aggcontext)
{
	if (sum->scaled > MONEY_SCALED_LIMIT || sum->scaled < -MONEY_SCALED_LIMIT)
	{
		money_rest_apply(sum, abm_int128_numeric(sum->scaled, MONEY_FRAC_DIGITS, 0),
						 false, aggcontext);
		sum->scaled = 0;
	}
}

/* Add or take back the value of a decoded amount, on the path it fits. */
static void
money_apply(AbmMoneySum *sum, const NumericHeader *h, Datum amount,
			bool subtract, MemoryContext aggcontext)
{
	int128		scaled;

	if (numeric_scaled(h, &scaled))
	{
		sum->scaled += subtract ? -scaled : scaled;
		money_check_limit(sum, aggcontext);
	}
	else
		money_rest_apply(sum, amount, subtract, aggcontext);
}

void
abm_money_add(AbmMoneySum *sum, Datum amount, MemoryContext aggcontext)
{
	NumericHeader h;

	numeric_header(PG_DETOAST_DATUM_PACKED(amount), &h);
	if (h.dscale > sum->dscale)
	{
		sum->dscale = h.dscale;
		sum->dscale_count = 0;
	}
	if (h.dscale == sum->dscale)
		sum->dscale_count++;
	money_apply(sum, &h, amount, false, aggcontext);
}

/*
 * Take back an amount added before (the inverse transition of a sliding
 * window); the same value takes the same path as when it was added.
 * Returns false when the amount was the last one with the largest display
 * scale: the display scale of what is left is then unknown, and the caller
 * must let the window recompute the frame, as sum(numeric) does.
 */
bool
abm_money_sub(AbmMoneySum *sum, Datum amount, MemoryContext aggcontext)
{
	NumericHeader h;

	numeric_header(PG_DETOAST_DATUM_PACKED(amount), &h);
	if (h.dscale == sum->dscale && --sum->dscale_count == 0 && sum->dscale > 0)
		return false;
	money_apply(sum, &h, amount, true, aggcontext);
	return true;
}

void
abm_money_combine(AbmMoneySum *sum, const AbmMoneySum *other,
				  MemoryContext aggcontext)
{
	sum->scaled += other->scaled;
	if (other->dscale > sum->dscale)
	{
		sum->dscale = other->dscale;
		sum->dscale_count = other->dscale_count;
	}
	else if (other->dscale == sum->dscale)
		sum->dscale_count += other->dscale_count;
	money_check_limit(sum, aggcontext);
	if (other->rest != NULL)
		money_rest_apply(sum, NumericGetDatum(other->rest), false, aggcontext);
}

/*
 * The exact sum, with the largest display scale of the inputs, as
 * sum(numeric) shows it.
 */
Datum
abm_money_result(const AbmMoneySum *sum)
{
	Datum		result = abm_int128_numeric(sum->scaled, MONEY_FRAC_DIGITS,
											sum->dscale);

	if (sum->rest != NULL)
		result = DirectFunctionCall2(numeric_add, result,
									 NumericGetDatum(sum->rest));
	return result;
}

/*
 * value × 10^-point as a numeric displayed with dscale decimals.  Digits
 * beyond dscale must be zero (they are for sums of numerics, whose digits
 * beyond their display scale are always zero).
 */
Datum
abm_int128_numeric(int128 value, int point, int dscale)
{
	char		digits[48];
	int			ndigits = 0;
	uint128		mag = value < 0 ? -(uint128) value : (uint128) value;
	StringInfoData str;

	/* digits in reverse, at least point + 1 of them */
	do
	{
		digits[ndigits++] = '0' + (int) (mag % 10);
		mag /= 10;
	} while (mag != 0 || ndigits <= point);

	initStringInfo(&str);
	if (value < 0)
		appendStringInfoChar(&str, '-');
	for (int i = ndigits - 1; i >= point; i--)
		appendStringInfoChar(&str, digits[i]);
	if (dscale > 0)
	{
		appendStringInfoChar(&str, '.');
		for (int i = point - 1; i >= 0 && point - 1 - i < dscale; i--)
			appendStringInfoChar(&str, digits[i]);
		for (int i = point; i < dscale; i++)
			appendStringInfoChar(&str, '0');
	}
	return DirectFunctionCall3(numeric_in, CStringGetDatum(str.data),
							   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
}

void
abm_money_write(StringInfo buf, const AbmMoneySum *sum)
{
	pq_sendint64(buf, (int64) (sum->scaled >> 64));
	pq_sendint64(buf, (int64) (uint64) sum->scaled);
	pq_sendint32(buf, sum->dscale);
	if (sum->rest == NULL)
		pq_sendbyte(buf, 0);
	else
	{
		pq_sendbyte(buf, 1);
		abm_write_numeric(buf, NumericGetDatum(sum->rest));
	}
}

/* A numeric as its length and numeric_send's bytes. */
void
abm_write_numeric(StringInfo buf, Datum num)
{
	bytea	   *b = DatumGetByteaPP(DirectFunctionCall1(numeric_send, num));

	pq_sendint32(buf, VARSIZE_ANY_EXHDR(b));
	pq_sendbytes(buf, VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b));
}

/*
 * A numeric written by abm_write_numeric, through numeric_recv (which checks
 * the digits), palloc'd.  The binary format is 4 int16 (digit count,
 * weight, sign, scale) and the digits: the length is checked first, as
 * numeric_recv would report a short value as a protocol error.
 */
Numeric
abm_read_numeric(AbmReader *r)
{
	int32		len = abm_read_count(r, MaxAllocSize - 1);
	const char *bytes = abm_read_bytes(r, len);
	uint16		ndigits;
	StringInfoData si;

	if (len < 4 * (int32) sizeof(int16))
		abm_read_corrupt(r, "A numeric value is truncated.");
	memcpy(&ndigits, bytes, sizeof(ndigits));
	if (len != (int32) ((4 + pg_ntoh16(ndigits)) * sizeof(int16)))
		abm_read_corrupt(r, "A numeric value has the wrong length.");
	si.data = palloc(len + 1);
	memcpy(si.data, bytes, len);
	si.data[len] = '\0';
	si.len = len;
	si.maxlen = len + 1;
	si.cursor = 0;
	return DatumGetNumeric(DirectFunctionCall3(numeric_recv, PointerGetDatum(&si),
											   ObjectIdGetDatum(InvalidOid),
											   Int32GetDatum(-1)));
}

/*
 * Read a sum written by abm_money_write.  any_sign: a sum of any numerics
 * (negative, NaN and infinite values included, as sum(numeric) takes them);
 * otherwise the sum of `count` amounts that are all >= 0 (every money sum of
 * a money KPI is).  The side sum is palloc'd.
 */
static void
money_read(AbmReader *r, AbmMoneySum *sum, int64 count, bool any_sign)
{
	int64		hi = abm_read_int64(r);
	uint64		lo = (uint64) abm_read_int64(r);
	uint8		has_rest;

	sum->scaled = (int128) (((uint128) (uint64) hi << 64) | lo);
	sum->dscale = abm_read_int32(r);
	if (sum->scaled > MONEY_SCALED_LIMIT ||
		sum->scaled < (any_sign ? -MONEY_SCALED_LIMIT : 0))
		abm_read_corrupt(r, "The money sum is out of range.");
	if (sum->dscale < 0 || sum->dscale > NUM_DSCALE_MASK)
		abm_read_corrupt(r, "The display scale of the money sum is out of range.");
	/* only the inverse transition reads it, and windows stay in-process */
	sum->dscale_count = 0;
	sum->rest = NULL;
	has_rest = abm_read_uint8(r);
	if (has_rest > 1)
		abm_read_corrupt(r, "Unknown money sum flag.");
	if (has_rest)
	{
		sum->rest = abm_read_numeric(r);
		if (!any_sign &&
			(numeric_is_nan(sum->rest) || numeric_is_inf(sum->rest) ||
			 abm_numeric_sign(NumericGetDatum(sum->rest)) < 0))
			abm_read_corrupt(r, "The side money sum is not a finite number >= 0.");
	}
	if (!any_sign && count == 0 && (sum->scaled != 0 || sum->rest != NULL))
		abm_read_corrupt(r, "A money sum of no amount is not empty.");
}

void
abm_money_read(AbmReader *r, AbmMoneySum *sum, int64 count)
{
	money_read(r, sum, count, false);
}

void
abm_money_read_any(AbmReader *r, AbmMoneySum *sum)
{
	money_read(r, sum, 0, true);
}

Datum
abm_numeric_zero(void)
{
	return DirectFunctionCall1(int4_numeric, Int32GetDatum(0));
}

Datum
abm_annualised(Datum amount, int32 days)
{
	static Datum days_per_year = (Datum) 0;	/* 365.25, built once per backend */

	if (days_per_year == (Datum) 0)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

		days_per_year = DirectFunctionCall3(numeric_in, CStringGetDatum("365.25"),
											ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
		MemoryContextSwitchTo(old);
	}
	return DirectFunctionCall2(numeric_div,
							   DirectFunctionCall2(numeric_mul, amount, days_per_year),
							   NumericGetDatum(int64_to_numeric(days)));
}

/* -1, 0 or 1 as num is below, at or above zero. */
int
abm_numeric_sign(Datum num)
{
	int32		cmp = DatumGetInt32(DirectFunctionCall2(numeric_cmp, num,
														abm_numeric_zero()));

	return (cmp > 0) - (cmp < 0);
}
