/*-------------------------------------------------------------------------
 *
 * markov.h
 *	  The abm_markov state shared by the files of Markov attribution:
 *	  markov.c (the state, its binary form and the aggregates), markov_io.c
 *	  (text and binary input and output of the type) and markov_credits.c
 *	  (the absorbing chain and abm_markov_credits).
 *
 * The chain.  A journey c1, c2, ..., cn (one row per account or
 * opportunity) is the walk start -> s1 -> ... -> sn -> conversion (or
 * null, when it did not convert), where state si is the tuple of the last
 * min(i, k) channels for a chain of order k (1 to 3): in first order the
 * states are the channels.  The aggregate counts the transitions (state,
 * next channel or end); a transition's probability is its count over the
 * count of all transitions leaving the same state.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ABM_MARKOV_H
#define ABM_MARKOV_H

#include "abm.h"
#include "channel.h"
#include "events.h"

/* Caps (documented in docs/reference.md); beyond them, error 54000. */
#define MK_MAX_CHANNELS		1000
#define MK_MAX_TRANSITIONS	1000000
#define MK_MAX_SWEEPS		1000000
#define MK_MAX_ORDER		3

#define MK_NONE		(-1)		/* empty slot of a state tuple */
#define MK_CONV		(-2)		/* next: conversion */
#define MK_NULL		(-3)		/* next: no conversion */

#define MK_TYPE		"abm_markov"

/*
 * One transition: from a state (the last channels, oldest first, MK_NONE
 * padding the front; all MK_NONE is start) to the next channel or the end.
 */
typedef struct MkTrans
{
	int32		from[MK_MAX_ORDER];
	int32		next;
	int64		count;			/* 0 marks an empty slot of the hash table */
} MkTrans;

typedef struct Markov
{
	MemoryContext ctx;
	int32		order;
	AbmChannels ch;
	int32		ccap;			/* entries of converted and stamp */
	int64	   *converted;		/* converting journeys through each channel */
	int64	   *stamp;			/* the last journey that counted a channel */
	int64		journey;		/* journeys seen by this backend's transitions */
	int32		ntrans;
	uint32		tmask;			/* hash table slots - 1 */
	MkTrans    *trans;
	int64		paths;
	int64		conversions;
} Markov;

/*
 * The states of a canonical transition list: nstates distinct "from"
 * tuples, state s owning transitions first[s] .. first[s + 1] - 1; target[i]
 * is the state transition i leads to (-1 for conversion and null, and for
 * a state that is never left, which only a corrupt value has).
 */
typedef struct MkStates
{
	int32		n;
	int32	   *first;
	int32	   *target;
} MkStates;

extern Markov *mk_new(MemoryContext ctx, int32 order);
extern int32 mk_channel(Markov *m, const char *name, int32 len);
extern int64 mk_count(Markov *m, const int32 *from, int32 next, int64 count);
extern MkTrans *mk_canonical(const Markov *m, int32 **order_out);
extern void mk_states(const MkTrans *list, int32 ntrans, int32 order, MkStates *st);
extern const char *mk_check(Markov *m, const MkTrans *list, int32 ntrans);
extern bytea *mk_write(const Markov *m);
extern Markov *mk_read(const char *data, Size len);
extern Markov *mk_from_datum(Datum d);

#endif							/* ABM_MARKOV_H */
