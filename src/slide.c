/*-------------------------------------------------------------------------
 *
 * slide.c
 *	  Sliding window frames of mergeable states (slide.h): a queue of
 *	  merges with two stacks, or a running merge for states that can take
 *	  a row back exactly.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "slide.h"

SlideQueue *
slide_arg(FunctionCallInfo fcinfo, const SlideOps *ops, const char *fname)
{
	MemoryContext ctx = abm_agg_context(fcinfo, fname);
	SlideQueue *q;

	if (!PG_ARGISNULL(0))
		return (SlideQueue *) PG_GETARG_POINTER(0);
	q = (SlideQueue *) MemoryContextAllocZero(ctx, sizeof(SlideQueue));
	q->ops = ops;
	q->ctx = ctx;
	if (ops->remove == NULL)
	{
		q->capacity = 32;
		q->front = (void **) MemoryContextAlloc(ctx, q->capacity * sizeof(void *));
		q->back = (void **) MemoryContextAlloc(ctx, q->capacity * sizeof(void *));
	}
	return q;
}

static void
slide_release(SlideQueue *q, void *state)
{
	if (q->ops->release != NULL)
		q->ops->release(state);
	else
		pfree(state);
}

void
slide_push(SlideQueue *q, const void *row)
{
	const SlideOps *ops = q->ops;

	if (ops->remove == NULL && q->nrows >= ops->max_rows)
		abm_cap_exceeded("rows", ops->frame, ops->max_rows, ops->hint);
	if (q->merged == NULL)
		q->merged = ops->copy(row, q->ctx);
	else
		ops->merge(q->merged, row, q->ctx);
	if (ops->remove != NULL)
	{
		q->nrows++;
		return;
	}
	if (q->nback == q->capacity)
	{
		q->capacity = Min(q->capacity * 2, ops->max_rows);
		q->front = (void **) repalloc(q->front, q->capacity * sizeof(void *));
		q->back = (void **) repalloc(q->back, q->capacity * sizeof(void *));
	}
	q->back[q->nback++] = ops->copy(row, q->ctx);
	q->nrows++;
}

bool
slide_pop(SlideQueue *q, const void *row)
{
	const SlideOps *ops = q->ops;

	if (q->nrows == 0)
		return false;
	if (ops->remove != NULL)
	{
		if (!ops->remove(q->merged, row))
			return false;
		/* an empty frame starts afresh (the next row may have other stages) */
		if (--q->nrows == 0)
		{
			slide_release(q, q->merged);
			q->merged = NULL;
		}
		return true;
	}
	if (q->front_pos == q->nfront)
	{
		/* Flip: front[k] = back[k] merged with every later row of back. */
		for (int32 k = q->nback - 2; k >= 0; k--)
		{
			CHECK_FOR_INTERRUPTS();
			ops->merge(q->back[k], q->back[k + 1], q->ctx);
		}
		memcpy(q->front, q->back, q->nback * sizeof(void *));
		q->front_pos = 0;
		q->nfront = q->nback;
		q->nback = 0;
		if (q->merged != NULL)
			slide_release(q, q->merged);
		q->merged = NULL;
	}
	slide_release(q, q->front[q->front_pos++]);
	q->nrows--;
	return true;
}

const void *
slide_result(SlideQueue *q)
{
	void	   *both;

	if (q->nrows == 0)
		return NULL;
	if (q->ops->remove != NULL || q->front_pos == q->nfront)
		return q->merged;
	if (q->nback == 0)
		return q->front[q->front_pos];
	/* merge into a copy: the front and back merges stay as they are */
	both = q->ops->copy(q->front[q->front_pos], CurrentMemoryContext);
	q->ops->merge(both, q->merged, CurrentMemoryContext);
	return both;
}

Datum
slide_inverse(FunctionCallInfo fcinfo, const char *fname,
			  const void *(*read_row) (Datum value))
{
	abm_agg_context(fcinfo, fname);
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (!PG_ARGISNULL(1) &&
		!slide_pop((SlideQueue *) PG_GETARG_POINTER(0),
				   read_row ? read_row(PG_GETARG_DATUM(1)) : NULL))
		PG_RETURN_NULL();
	PG_RETURN_POINTER(PG_GETARG_POINTER(0));
}

const void *
slide_final(FunctionCallInfo fcinfo)
{
	if (PG_ARGISNULL(0))
		return NULL;
	return slide_result((SlideQueue *) PG_GETARG_POINTER(0));
}
