/*-------------------------------------------------------------------------
 *
 * abm.h
 *	  Declarations shared by every capability of the abm extension.
 *
 * Every aggregate state that crosses a process boundary (parallel workers,
 * postgres_fdw shards) and every on-disk value goes through the state
 * writer/reader below, so that all formats start with the same version
 * byte and every read is bounds-checked.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ABM_H
#define ABM_H

#include "postgres.h"

#include "compat.h"
#include "common/int.h"
#include "fmgr.h"
#include "datatype/timestamp.h"
#include "lib/stringinfo.h"
#include "port/pg_bswap.h"
#include "miscadmin.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

/*
 * Version byte written first in every serialized state and storable value.
 * A reader accepts every version up to the one it was built with.
 */
#define ABM_FORMAT_VERSION	1

/*
 * Kind byte written second, so a state of one aggregate can never be
 * deserialized as another's.
 */
typedef enum AbmStateKind
{
	ABM_KIND_COUNTERS = 1,
	ABM_KIND_ENGAGEMENT = 10,
	ABM_KIND_ENGAGEMENT_SCORE = 11,
	ABM_KIND_SURGE = 12,
	ABM_KIND_PIPELINE = 20,
	ABM_KIND_DEAL_CYCLE = 21,
	ABM_KIND_ACV = 22,
	ABM_KIND_INFLUENCED = 23,
	ABM_KIND_COVERAGE = 30,
	ABM_KIND_JOURNEY = 40,
	ABM_KIND_FUNNEL = 41,
	ABM_KIND_WINDOW_FUNNEL = 42,
	ABM_KIND_RETENTION = 43,
	ABM_KIND_SEQUENCE = 44,
	ABM_KIND_SEQUENCE_NEXT_NODE = 45,
	ABM_KIND_PATH = 46,
	ABM_KIND_VIEW_THROUGH = 50,
	ABM_KIND_MARKOV = 51,
	ABM_KIND_SHAPLEY = 52,
	ABM_KIND_LIFT = 53,
	ABM_KIND_REPORT_TOUCHES = 60
} AbmStateKind;

/* Writing: start a buffer with version and kind, append, finish as bytea. */
extern void abm_write_begin(StringInfo buf, AbmStateKind kind);
extern bytea *abm_write_end(StringInfo buf);

/*
 * Reading: a cursor over untrusted bytes.  Every read checks the remaining
 * length and raises a clean error instead of reading past the end.
 */
typedef struct AbmReader
{
	const char *cur;
	const char *end;
	const char *what;			/* the type or state being read, for errors */
	uint8		version;		/* format version found in the data */
} AbmReader;

extern void abm_read_begin(AbmReader *r, const char *data, Size len,
						   AbmStateKind kind, const char *what);
extern void abm_read_begin_bytea(AbmReader *r, bytea *b, AbmStateKind kind,
								 const char *what);
extern int32 abm_read_count(AbmReader *r, int32 max);
extern void abm_read_end(AbmReader *r);

/*
 * A value that passed the reads but breaks a rule of its format: error
 * 22P03 "invalid <what> value" (the reader's what), why (a sentence) as
 * the detail.
 */
pg_noreturn extern void abm_read_corrupt(AbmReader *r, const char *why);
pg_noreturn extern void abm_corrupt(const char *what, const char *why);

/*
 * The fixed-width reads, inline: merging stored states (abm_rollup over
 * daily states) reads a few dozen values per row.  Each checks the bytes
 * left first.
 */
static inline const char *
abm_read_bytes(AbmReader *r, Size len)
{
	const char *p = r->cur;

	if (unlikely(len > (Size) (r->end - r->cur)))
		abm_read_corrupt(r, "The data ends before the value is complete.");
	r->cur += len;
	return p;
}

static inline uint8
abm_read_uint8(AbmReader *r)
{
	return (uint8) *abm_read_bytes(r, 1);
}

static inline uint16
abm_read_uint16(AbmReader *r)
{
	uint16		v;

	memcpy(&v, abm_read_bytes(r, sizeof(v)), sizeof(v));
	return pg_ntoh16(v);
}

static inline int32
abm_read_int32(AbmReader *r)
{
	uint32		v;

	memcpy(&v, abm_read_bytes(r, sizeof(v)), sizeof(v));
	return (int32) pg_ntoh32(v);
}

static inline int64
abm_read_int64(AbmReader *r)
{
	uint64		v;

	memcpy(&v, abm_read_bytes(r, sizeof(v)), sizeof(v));
	return (int64) pg_ntoh64(v);
}

static inline float8
abm_read_float8(AbmReader *r)
{
	union
	{
		int64		i;
		float8		f;
	}			u;

	u.i = abm_read_int64(r);
	return u.f;
}

/*
 * Storable types whose stored bytes are their binary form: send returns
 * the stored bytes; recv hands the message's bytes to the type's reader.
 */
extern bytea *abm_send_stored(Datum value);
extern const char *abm_recv_bytes(StringInfo msg, int *len);

/* Aggregates: the memory context a transition state must live in. */
extern MemoryContext abm_agg_context(FunctionCallInfo fcinfo, const char *fname);

/*
 * Whether the plan passes aggregate arguments first..last (1 is the
 * aggregate's first) as constants: Consts, or external parameters, whose
 * values one execution cannot change.  Then the first row's values are
 * every row's, and a per-row check of them can be skipped.
 */
extern bool abm_agg_args_fixed(FunctionCallInfo fcinfo, int first, int last);

/*
 * The same question for an aggregate that also accepts parameters the
 * executor computes (PARAM_EXEC: an initplan's value, a column of an outer
 * row), which stay the same within one scan of the aggregate and can change
 * only when it is rescanned.  The answer is kept in *f, computed on the
 * first call; a rescan clears it (f->known false), so that the next row
 * asks again.  f must live as long as the query (fn_mcxt).
 */
typedef struct AbmFixedArgs
{
	bool		known;			/* fixed is the answer for this scan */
	bool		fixed;
} AbmFixedArgs;

extern bool abm_agg_args_fixed_in_scan(FunctionCallInfo fcinfo, int first, int last,
									   AbmFixedArgs *f);

/*
 * The opening of every combine function over an internal state: when the
 * second state is NULL, return the first (NULL when both are).  After it
 * PG_GETARG_POINTER(1) is a state; the first may still be NULL, and the
 * function then copies the second into the aggregate context.
 */
#define ABM_COMBINE_NULLS() \
	do { \
		if (PG_ARGISNULL(1)) \
		{ \
			if (PG_ARGISNULL(0)) \
				PG_RETURN_NULL(); \
			PG_RETURN_POINTER(PG_GETARG_POINTER(0)); \
		} \
	} while (0)

/*
 * Counts: every addition of counts in a transition, combine or rollup goes
 * through abm_count_add, which raises 22003 instead of wrapping around (a
 * deserialized or stored value may hold any count up to INT64_MAX).  what
 * names the count in the message ("touch count").
 */
pg_noreturn extern void abm_count_overflow(const char *what);

static inline void
abm_count_add(int64 *count, int64 delta, const char *what)
{
	if (unlikely(pg_add_s64_overflow(*count, delta, count)))
		abm_count_overflow(what);
}

/* The same as an expression: a + b, or 22003. */
static inline int64
abm_count_sum(int64 a, int64 b, const char *what)
{
	int64		sum;

	if (unlikely(pg_add_s64_overflow(a, b, &sum)))
		abm_count_overflow(what);
	return sum;
}

/*
 * Caps: a growing state (events, chains, contacts, durations, frame rows)
 * that would hold more than cap elements raises 54000 with this message
 * ("too many <what> in one <where>"), a detail naming the cap and the hint
 * given.  docs/reliability.md lists every cap.
 */
pg_noreturn extern void abm_cap_exceeded(const char *what, const char *where,
										 int64 cap, const char *hint);

/*
 * The state of the counting aggregates (rates, NPS): a few int64 counters
 * whose meaning each aggregate defines; combine, serial and deserial are
 * shared (counters.c).
 */
#define ABM_COUNTERS 3

typedef struct AbmCounters
{
	int64		count[ABM_COUNTERS];
} AbmCounters;

extern AbmCounters *abm_counters_arg(FunctionCallInfo fcinfo, const char *fname);

/*
 * Activity weights (activity.c), shared with the engagement aggregates.  The
 * standard activities (docs/reference.md) have fixed indexes 0 .. 11 (the
 * engagement state stores counts by index).
 */
#define ABM_ACTIVITIES 12

extern float8 abm_activity_weight_of(const char *name, int len);
extern int	abm_activity_index_of(const char *name, int len);
extern const char *abm_activity_name(int index);
extern float8 abm_activity_weight_at(int index);

/*
 * Step conditions passed as VARIADIC bool[]: the bitmask of the true ones
 * (NULL elements count as false).  *nitems gets the element count; more
 * than 32 elements are the caller's error to report, so only the count is
 * read then.
 */
extern uint32 abm_bool_array_mask(Datum array, int *nitems);
/* The same for up to 64 conditions (more than 64: 0, the count in *nitems). */
extern uint64 abm_bool_array_mask64(Datum array, int *nitems);

/*
 * View-through events (view_through.c), shared with the report's pass: an
 * instant, a caller's tag and kind bits; abm_vt_sweep sorts them by time and
 * calls found(arg, event, last_impression) for each event at an instant
 * whose latest impression at or before it is at most within before it with
 * no click from that impression to the instant (both ends closed).
 */
#define ABM_VT_IMPRESSION	0x01
#define ABM_VT_CLICK		0x02

typedef struct AbmVtEvent
{
	TimestampTz at;
	int32		tag;
	uint8		kinds;			/* ABM_VT_* and the caller's conversion bits */
} AbmVtEvent;

typedef void (*AbmVtFound) (void *arg, const AbmVtEvent *ev, TimestampTz last_impression);

extern void abm_vt_sweep(AbmVtEvent *ev, int32 n, int64 within, AbmVtFound found, void *arg);
/* Sort events by time, unless they already are (one pass checks). */
extern void abm_vt_sort(AbmVtEvent *ev, int32 n);

/* Sort int64 values in increasing order (abm_sort.h: answers a cancel). */
extern void abm_sort_int64(int64 *a, size_t n);

/* Time: durations in days, intervals as microseconds. */

/*
 * An infinite timestamp is error 22023 "<what> must be finite" with the
 * value as the detail; hint NULL gives "Filter out rows with infinite
 * timestamps."
 */
extern void abm_check_finite(TimestampTz ts, const char *what, const char *hint);
extern float8 abm_days_between(TimestampTz from, TimestampTz to);
extern char *abm_usecs_text(int64 usecs);
extern int64 abm_interval_usecs(const Interval *iv, const char *argname,
								bool must_be_positive);

#endif							/* ABM_H */
