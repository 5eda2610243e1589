/*-------------------------------------------------------------------------
 *
 * abm_sort.h
 *	  An in-place sort that answers a query cancel or statement_timeout:
 *	  the final functions that sort a state (up to 10 million elements)
 *	  must not hold the backend for seconds without looking at interrupts.
 *
 * A quicksort that calls CHECK_FOR_INTERRUPTS() before each partitioning
 * step over more than ABM_SORT_RUN elements, and hands smaller runs to
 * PostgreSQL's own lib/sort_template.h (a few milliseconds each).  The
 * pivot is the median of the first, middle and last elements; after
 * 2 log2(n) levels of bad pivots the rest is heapsorted, with a look at
 * interrupts every ABM_SORT_RUN sift steps, so the worst case is
 * O(n log n) work whatever the input and no single step runs long.  No
 * extra memory.
 *
 * Define before including (each is undefined at the end):
 *	ABM_SORT_NAME		the function: static void NAME(TYPE *a, size_t n)
 *	ABM_SORT_TYPE		the element type
 *	ABM_SORT_CMP(a, b)	compares two TYPE pointers: < 0, 0 or > 0
 * and, for a comparison that needs more than the two elements:
 *	ABM_SORT_ARG_TYPE	the function is NAME(TYPE *a, size_t n, ARG_TYPE *arg),
 *						and ABM_SORT_CMP(a, b, arg) takes it
 *
 *-------------------------------------------------------------------------
 */
#include "miscadmin.h"
#include "port/pg_bitutils.h"

/* Runs this short are sorted without a look at interrupts (~1 ms). */
#ifndef ABM_SORT_RUN
#define ABM_SORT_RUN	16384
#endif

/* two levels, so that ABM_SORT_NAME is expanded before it is pasted */
#define ABM_SORT_PASTE(a, b)	a##b
#define ABM_SORT_CONCAT(a, b)	ABM_SORT_PASTE(a, b)
#define ABM_SORT_RUNS_NAME	ABM_SORT_CONCAT(ABM_SORT_NAME, _runs)
#define ABM_SORT_HEAP_NAME	ABM_SORT_CONCAT(ABM_SORT_NAME, _heap)
#define ABM_SORT_SIFT_NAME	ABM_SORT_CONCAT(ABM_SORT_NAME, _sift)

#define ST_SORT ABM_SORT_RUNS_NAME
#define ST_ELEMENT_TYPE ABM_SORT_TYPE
#ifdef ABM_SORT_ARG_TYPE
#define ST_COMPARE(a, b, arg) ABM_SORT_CMP(a, b, arg)
#define ST_COMPARE_ARG_TYPE ABM_SORT_ARG_TYPE
#define ABM_SORT_PARAM	, ABM_SORT_ARG_TYPE *arg
#define ABM_SORT_PASS	, arg
#define ABM_SORT_LESS(x, y)	(ABM_SORT_CMP(x, y, arg) < 0)
#define ABM_SORT_MORE(x, y)	(ABM_SORT_CMP(x, y, arg) > 0)
#else
#define ST_COMPARE(a, b) ABM_SORT_CMP(a, b)
#define ABM_SORT_PARAM
#define ABM_SORT_PASS
#define ABM_SORT_LESS(x, y)	(ABM_SORT_CMP(x, y) < 0)
#define ABM_SORT_MORE(x, y)	(ABM_SORT_CMP(x, y) > 0)
#endif
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/* Move a[i] down the max-heap a[0 .. n - 1]; returns the levels it fell. */
static inline size_t
ABM_SORT_SIFT_NAME(ABM_SORT_TYPE *a, size_t i, size_t n ABM_SORT_PARAM)
{
	ABM_SORT_TYPE x = a[i];
	size_t		levels = 0;

	for (;;)
	{
		size_t		c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && ABM_SORT_LESS(&a[c], &a[c + 1]))
			c++;
		if (!ABM_SORT_LESS(&x, &a[c]))
			break;
		a[i] = a[c];
		i = c;
		levels++;
	}
	a[i] = x;
	return levels;
}

/* Heapsort a[0 .. n - 1], looking at interrupts every ABM_SORT_RUN levels. */
static void
ABM_SORT_HEAP_NAME(ABM_SORT_TYPE *a, size_t n ABM_SORT_PARAM)
{
	size_t		work = 0;

	for (size_t i = n / 2; i-- > 0;)
	{
		work += 1 + ABM_SORT_SIFT_NAME(a, i, n ABM_SORT_PASS);
		if (work >= ABM_SORT_RUN)
		{
			CHECK_FOR_INTERRUPTS();
			work = 0;
		}
	}
	for (size_t end = n; end > 1; end--)
	{
		ABM_SORT_TYPE tmp = a[0];

		a[0] = a[end - 1];
		a[end - 1] = tmp;
		work += 1 + ABM_SORT_SIFT_NAME(a, 0, end - 1 ABM_SORT_PASS);
		if (work >= ABM_SORT_RUN)
		{
			CHECK_FOR_INTERRUPTS();
			work = 0;
		}
	}
}

static void
ABM_SORT_NAME(ABM_SORT_TYPE *a, size_t n ABM_SORT_PARAM)
{
	int			depth = 0;
	int			max_depth = n > 1 ? 2 * (pg_leftmost_one_pos64((uint64) n) + 1) : 0;

	while (n > ABM_SORT_RUN)
	{
		size_t		mid = n / 2;
		ABM_SORT_TYPE pivot;
		ABM_SORT_TYPE tmp;
		int64		i = -1;
		int64		j = (int64) n;

		CHECK_FOR_INTERRUPTS();
		if (depth++ >= max_depth)
		{
			/* pivots keep going wrong: heapsort is O(n log n) on any input */
			ABM_SORT_HEAP_NAME(a, n ABM_SORT_PASS);
			return;
		}

		/* a[0] <= a[mid] <= a[n - 1]: both scans below stop in bounds */
		if (ABM_SORT_LESS(&a[mid], &a[0]))
		{
			tmp = a[mid];
			a[mid] = a[0];
			a[0] = tmp;
		}
		if (ABM_SORT_LESS(&a[n - 1], &a[mid]))
		{
			tmp = a[n - 1];
			a[n - 1] = a[mid];
			a[mid] = tmp;
			if (ABM_SORT_LESS(&a[mid], &a[0]))
			{
				tmp = a[mid];
				a[mid] = a[0];
				a[0] = tmp;
			}
		}
		pivot = a[mid];

		/* Hoare's partition: a[0 .. j] <= pivot <= a[j + 1 .. n - 1] */
		for (;;)
		{
			do
				i++;
			while (ABM_SORT_LESS(&a[i], &pivot));
			do
				j--;
			while (ABM_SORT_MORE(&a[j], &pivot));
			if (i >= j)
				break;
			tmp = a[i];
			a[i] = a[j];
			a[j] = tmp;
		}

		/* recurse into the smaller part, loop on the larger one */
		if ((size_t) (j + 1) < n - (size_t) (j + 1))
		{
			ABM_SORT_NAME(a, (size_t) (j + 1) ABM_SORT_PASS);
			a += j + 1;
			n -= (size_t) (j + 1);
		}
		else
		{
			ABM_SORT_NAME(a + j + 1, n - (size_t) (j + 1) ABM_SORT_PASS);
			n = (size_t) (j + 1);
		}
	}
	CHECK_FOR_INTERRUPTS();
	ABM_SORT_RUNS_NAME(a, n ABM_SORT_PASS);
}

#undef ABM_SORT_PASTE
#undef ABM_SORT_CONCAT
#undef ABM_SORT_RUNS_NAME
#undef ABM_SORT_HEAP_NAME
#undef ABM_SORT_SIFT_NAME
#undef ABM_SORT_PARAM
#undef ABM_SORT_PASS
#undef ABM_SORT_LESS
#undef ABM_SORT_MORE
#undef ABM_SORT_NAME
#undef ABM_SORT_TYPE
#undef ABM_SORT_CMP
#undef ABM_SORT_ARG_TYPE
