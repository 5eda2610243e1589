/*-------------------------------------------------------------------------
 *
 * engagement.h
 *	  The engagement state shared by the files of the engagement capability:
 *	  engagement.c (checks, building and merging, accessors),
 *	  engagement_score.c (abm_engagement_score), engagement_io.c (the binary
 *	  and text forms of abm_engagement) and engagement_rollup.c
 *	  (abm_engagement_agg and abm_rollup, with their sliding forms).
 *
 * A touch of weight w at time t is worth w * 2^(-(as_of - t) / half_life) at
 * as_of.  abm_engagement_score sums that relative to the query's as_of, so
 * every term is <= |w| and the sum can underflow (harmless) but never
 * overflow.  The storable state cannot know its as_of, so it keeps the score
 * as of its own last touch; moving that reference forward multiplies by a
 * factor <= 1, again never overflowing.
 *
 * Engaged contacts are kept exactly (sorted ids) up to ENG_EXACT_CONTACTS;
 * beyond that the ids are hashed into a linear-counting bitmap of
 * ENG_SKETCH_BITS bits (docs/reference.md documents its error).
 *
 *-------------------------------------------------------------------------
 */
#ifndef ABM_ENGAGEMENT_H
#define ABM_ENGAGEMENT_H

#include <math.h>

#include "abm.h"

/* Counts per standard activity, then one bucket for every other name. */
#define ENG_OTHER			ABM_ACTIVITIES
#define ENG_BUCKETS			(ABM_ACTIVITIES + 1)
#define ENG_EXACT_CONTACTS	16
#define ENG_SKETCH_BITS		1024
#define ENG_SKETCH_BYTES	(ENG_SKETCH_BITS / 8)

typedef struct Engagement
{
	int64		half_life;		/* microseconds, > 0 */
	TimestampTz first_touch;
	TimestampTz last_touch;
	float8		score;			/* decayed score as of last_touch */
	int64		counts[ENG_BUCKETS];
	bool		sketch;			/* contacts are in bits[], not ids[] */
	int			ncontacts;		/* ids held when !sketch */
	union
	{
		int64		ids[ENG_EXACT_CONTACTS];	/* strictly ascending */
		uint8		bits[ENG_SKETCH_BYTES];
	}			c;
} Engagement;

/* 2^(-(later - earlier) / half_life), in (0, 1] when later >= earlier. */
static inline float8
eng_decay(TimestampTz earlier, TimestampTz later, float8 half_life)
{
	return exp2(((float8) earlier - (float8) later) / half_life);
}

/* Checks shared by the aggregates and the type (engagement.c). */
extern char *eng_time_text(TimestampTz t);
extern void eng_check_weight(float8 w);
extern void eng_check_score_range(float8 score);
extern char *eng_half_life_text(int64 usecs);
extern void eng_check_same_half_life(int64 a, int64 b, bool within_group);

/* Building and merging states (engagement.c). */
extern void eng_init_touch(Engagement *e, int64 half_life, int bucket, float8 w,
						   TimestampTz t, bool has_contact, int64 contact);
extern void eng_add_touch(Engagement *e, int bucket, float8 w, TimestampTz t,
						  bool has_contact, int64 contact);
extern void eng_merge_into(Engagement *e, const Engagement *other);
extern int64 eng_total_touches(const Engagement *e);
extern int64 eng_engaged_contacts(const Engagement *e);

/*
 * The binary form (engagement_io.c).  How much of a value to read: an
 * accessor reads the parts it returns and stops there (the rest is neither
 * read nor checked); everything else reads the whole value.
 */
typedef enum EngPart
{
	ENG_HEADER,					/* half-life, times, score */
	ENG_COUNTS,					/* and the touch counts */
	ENG_ALL						/* and the contacts, up to the last byte */
} EngPart;

extern bytea *eng_encode(const Engagement *e);
extern void eng_decode_bytes(Engagement *e, const char *data, Size len, EngPart part);
extern void eng_decode(Engagement *e, bytea *value, EngPart part);

#define PG_GETARG_ENGAGEMENT(n, e) eng_decode((e), PG_GETARG_BYTEA_PP(n), ENG_ALL)
#define PG_GETARG_ENGAGEMENT_PART(n, e, part) \
	eng_decode((e), PG_GETARG_BYTEA_PP(n), (part))

#endif							/* ABM_ENGAGEMENT_H */
