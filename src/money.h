/*-------------------------------------------------------------------------
 *
 * money.h
 *	  Money in abm: the numeric helpers of the money KPIs and exact money
 *	  sums (money.c), one header for the concern, as the stage lists have
 *	  stages.h.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ABM_MONEY_H
#define ABM_MONEY_H

#include "abm.h"

/* Numeric helpers used by the money KPIs. */
extern Datum abm_numeric_zero(void);
extern int	abm_numeric_sign(Datum num);

/*
 * A contract's annualised value, amount × 365.25 / days, in numeric as the
 * SQL expression amount * 365.25 / (ends_on - starts_on) computes it (an
 * exact product, then numeric division): abm_acv and the report's ARR.
 */
extern Datum abm_annualised(Datum amount, int32 days);

/*
 * Exact money sums (money.c): amounts with at most 8 decimals and below
 * 10^20 add up in an int128 of 10^-8 units, any other value is added with
 * numeric_add to the side sum `rest`, so the total is always exact.
 */
#ifndef PG_INT128_TYPE
#error "abm needs a compiler with a 128-bit integer type"
#endif

typedef struct AbmMoneySum
{
	int128		scaled;			/* fast-path sum, in units of 10^-8 */
	int32		dscale;			/* largest display scale added */
	int64		dscale_count;	/* values added with that display scale */
	Numeric		rest;			/* exact sum of the other values, or NULL */
} AbmMoneySum;

typedef enum AbmMoneyCheck
{
	ABM_MONEY_OK,
	ABM_MONEY_NEGATIVE,
	ABM_MONEY_NOT_FINITE
} AbmMoneyCheck;

extern AbmMoneyCheck abm_money_check(Datum amount);
extern void abm_money_init(AbmMoneySum *sum);
extern void abm_money_add(AbmMoneySum *sum, Datum amount, MemoryContext aggcontext);
extern bool abm_money_sub(AbmMoneySum *sum, Datum amount, MemoryContext aggcontext);
extern void abm_money_combine(AbmMoneySum *sum, const AbmMoneySum *other,
							  MemoryContext aggcontext);
extern Datum abm_money_result(const AbmMoneySum *sum);
extern void abm_money_write(StringInfo buf, const AbmMoneySum *sum);
extern void abm_money_read(AbmReader *r, AbmMoneySum *sum, int64 count);
extern void abm_money_read_any(AbmReader *r, AbmMoneySum *sum);
extern void abm_write_numeric(StringInfo buf, Datum num);
extern Numeric abm_read_numeric(AbmReader *r);
extern Datum abm_int128_numeric(int128 value, int point, int dscale);

#endif							/* ABM_MONEY_H */
