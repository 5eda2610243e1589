/*-------------------------------------------------------------------------
 *
 * slide.h
 *	  Sliding window frames for aggregates whose states merge: the
 *	  moving-aggregate support behind abm_rollup(abm_engagement),
 *	  abm_engagement_agg, abm_rollup(abm_journey) and abm_rollup(abm_funnel).
 *
 * The window machinery adds rows at the frame's end and removes them from
 * its start, in the order it added them (it restarts the aggregate
 * otherwise), so a frame is a queue of rows, each a state.
 *
 * A state that cannot be taken apart (first and last touch, earliest entry
 * per stage, a set of contacts) is kept in a queue of merges with two
 * stacks: "back" holds the rows added since the last flip and their running
 * merge; "front" holds, for each older row, the merge of it and every later
 * row still in front.  Removing a row pops the front; when the front is
 * empty the back is flipped into suffix merges.  Each row is merged a
 * constant number of times, so a frame of any width costs linear time, and
 * every result is a plain merge of exactly the rows of the frame.  This
 * needs states of bounded size: the front holds one merged state per row.
 *
 * A state that can give back exactly what a row added (counts, and lists
 * whose elements leave in the order they came) sets `remove` instead: the
 * queue then keeps only the running merge, and a row that cannot be
 * removed exactly makes the window machinery restart the frame.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ABM_SLIDE_H
#define ABM_SLIDE_H

#include "abm.h"

typedef struct SlideOps
{
	/*
	 * dst := dst merged with src; dst lives in ctx.  In queue mode rows and
	 * merges are states of one kind; with remove set, src is a row and dst
	 * the frame's state, which may be of another kind.
	 */
	void		(*merge) (void *dst, const void *src, MemoryContext ctx);
	/* a copy of src allocated in ctx (with remove set: a state of one row) */
	void	   *(*copy) (const void *src, MemoryContext ctx);
	/*
	 * Optional: takes back from state what merging row added, and returns
	 * false when that cannot be done exactly.  When set, rows are not kept.
	 */
	bool		(*remove) (void *state, const void *row);
	/* Optional: frees a state of ctx (default: pfree) */
	void		(*release) (void *state);
	/* for the cap on rows a frame holds ("abm_journey window frame") */
	const char *frame;
	int32		max_rows;
	const char *hint;
} SlideOps;

typedef struct SlideQueue
{
	const SlideOps *ops;
	MemoryContext ctx;			/* the aggregate context */
	void	   *arg;			/* for the caller: a cache shared by rows */
	int64		nrows;			/* rows in the frame */
	/* queue mode */
	void	  **front;			/* front[front_pos .. nfront): suffix merges */
	int32		front_pos;
	int32		nfront;
	void	  **back;			/* back[0 .. nback): rows, oldest first */
	int32		nback;
	int32		capacity;		/* of front and back each */
	/* queue mode: merge of back[], or NULL; remove mode: merge of the frame */
	void	   *merged;
} SlideQueue;

/* The queue in argument 0 of a moving transition, created when NULL. */
extern SlideQueue *slide_arg(FunctionCallInfo fcinfo, const SlideOps *ops,
							 const char *fname);
/* Adds a row at the frame's end; the queue keeps a copy when it needs one. */
extern void slide_push(SlideQueue *q, const void *row);
/*
 * Removes the frame's first row (row: that row, which remove mode reads);
 * false when the frame cannot be shortened and must be restarted.
 */
extern bool slide_pop(SlideQueue *q, const void *row);
/* The merge of the frame's rows, or NULL when it has none; read only. */
extern const void *slide_result(SlideQueue *q);

/*
 * The moving inverse of an aggregate whose argument 1 is the row: a NULL
 * row was never added; NULL when the frame must be restarted.  read_row
 * gives the row's state in remove mode (NULL in queue mode).
 */
extern Datum slide_inverse(FunctionCallInfo fcinfo, const char *fname,
						   const void *(*read_row) (Datum value));
/* In a moving final function: slide_result of argument 0, or NULL. */
extern const void *slide_final(FunctionCallInfo fcinfo);

#endif							/* ABM_SLIDE_H */
