/*-------------------------------------------------------------------------
 *
 * events.h
 *	  A growing list of events -- a timestamp and the bitmask of the
 *	  conditions a row meets -- the state shape of the aggregates that look
 *	  for patterns in an account's history (sequence.c), and the caps every
 *	  event-keeping state obeys.
 *
 * Events are appended unsorted and sorted once, by the final function, in
 * (timestamp, mask) order: rows with equal timestamps are taken in the
 * order of their condition bitmask, lowest first, so the result does not
 * depend on the order rows arrive in (serial = parallel).
 *
 *-------------------------------------------------------------------------
 */
#ifndef ABM_EVENTS_H
#define ABM_EVENTS_H

#include "abm.h"
#include "miscadmin.h"

/*
 * Events (or nodes, or rows) one group may keep.  Beyond it the query fails
 * with SQLSTATE 54000 rather than exhaust memory; readers of serialized
 * states obey the same cap.
 */
#define ABM_MAX_EVENTS	10000000

typedef struct AbmEvent
{
	int64		ts;
	uint32		mask;			/* bit k: the row meets condition k + 1 */
} AbmEvent;

typedef struct AbmEventList
{
	int32		n;
	int32		cap;
	bool		sorted;			/* items are in (ts, mask) order */
	uint32		seen;			/* OR of every mask: conditions met at all */
	AbmEvent   *items;
} AbmEventList;

extern void abm_events_init(AbmEventList *list);
extern void abm_events_add(AbmEventList *list, MemoryContext ctx, int64 ts,
						   uint32 mask, const char *fname);
extern void abm_events_add_all(AbmEventList *list, MemoryContext ctx,
							   const AbmEventList *other, const char *fname);
extern void abm_events_sort(AbmEventList *list);
extern void abm_events_write(StringInfo buf, const AbmEventList *list);
extern void abm_events_read(AbmReader *r, AbmEventList *list, uint32 valid_mask);

/* The 54000 error of a group that outgrew ABM_MAX_EVENTS (or another cap). */
extern void abm_events_too_many(const char *fname, const char *what, int64 cap);

/*
 * Distinct strings (activity names, node values) stored once per state and
 * numbered in the order they first came; a hash table finds a string's
 * number.  The caps (names, bytes) are the caller's, reported with SQLSTATE
 * 54000 naming fname and what.
 */
typedef struct AbmNames
{
	int32		n;
	int32		cap;
	int64	   *off;			/* name i is bytes[off[i] .. off[i] + len[i]) */
	int32	   *len;
	uint32	   *hash;
	char	   *bytes;
	int64		nbytes;
	int64		bytescap;
	int32	   *slots;			/* open addressing: name number + 1, 0 empty */
	int32		nslots;
	int32		last;			/* the name interned last, or -1 */
	int32		max_names;
	int64		max_bytes;
	const char *fname;
	const char *what;
} AbmNames;

#define ABM_NAME(d, i)	((d)->bytes + (d)->off[i])

extern void abm_names_init(AbmNames *d, MemoryContext ctx, int32 max_names,
						   int64 max_bytes, const char *fname, const char *what);
extern int32 abm_names_intern(AbmNames *d, MemoryContext ctx, const char *v, int32 len);
extern void abm_names_free(AbmNames *d);
extern int	abm_names_cmp(const AbmNames *a, int32 i, const AbmNames *b, int32 j);
extern int32 *abm_names_ranks(const AbmNames *d);
extern int32 *abm_names_map(AbmNames *d, MemoryContext ctx, const AbmNames *other);
extern int32 *abm_names_write(StringInfo buf, const AbmNames *d, const bool *used);
extern int32 *abm_names_read(AbmReader *r, AbmNames *d, MemoryContext ctx, int32 *count);

/* In a loop over up to ABM_MAX_EVENTS items: check for interrupts now and then. */
#define ABM_INTERRUPTS_EVERY(i) \
	do { if (((i) & 0x3FFF) == 0) CHECK_FOR_INTERRUPTS(); } while (0)

#endif							/* ABM_EVENTS_H */
