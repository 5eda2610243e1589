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
 * 2 log2(n) levels of bad pivots the rest is handed to sort_template.h
 * whole, so the worst case stays near O(n log n) work.  No extra memory.
 *
 * Define before including (each is undefined at the end):
 *	ABM_SORT_NAME		the function: static void NAME(TYPE *a, size_t n)
 *	ABM_SORT_TYPE		the element type
 *	ABM_SORT_CMP(a, b)	compares two TYPE pointers: < 0, 0 or > 0
 *
 *-------------------------------------------------------------------------
 */
#include "miscadmin.h"
#include "port/pg_bitutils.h"

/* Runs this short are sorted without a look at interrupts (~1 ms). */
#ifndef ABM_SORT_RUN
#define ABM_SORT_RUN	16384
#endif

#define ABM_SORT_RUNS_NAME	CppConcat(ABM_SORT_NAME, _runs)

#define ST_SORT ABM_SORT_RUNS_NAME
#define ST_ELEMENT_TYPE ABM_SORT_TYPE
#define ST_COMPARE(a, b) ABM_SORT_CMP(a, b)
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

static void
ABM_SORT_NAME(ABM_SORT_TYPE *a, size_t n)
{
	int			depth = 0;
	int			max_depth = n > 1 ? 2 * (pg_leftmost_one_pos64((uint64) n) + 1) : 0;

	while (n > ABM_SORT_RUN && depth++ < max_depth)
	{
		size_t		mid = n / 2;
		ABM_SORT_TYPE pivot;
		ABM_SORT_TYPE tmp;
		int64		i = -1;
		int64		j = (int64) n;

		CHECK_FOR_INTERRUPTS();

		/* a[0] <= a[mid] <= a[n - 1]: both scans below stop in bounds */
		if (ABM_SORT_CMP(&a[mid], &a[0]) < 0)
		{
			tmp = a[mid];
			a[mid] = a[0];
			a[0] = tmp;
		}
		if (ABM_SORT_CMP(&a[n - 1], &a[mid]) < 0)
		{
			tmp = a[n - 1];
			a[n - 1] = a[mid];
			a[mid] = tmp;
			if (ABM_SORT_CMP(&a[mid], &a[0]) < 0)
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
			while (ABM_SORT_CMP(&a[i], &pivot) < 0);
			do
				j--;
			while (ABM_SORT_CMP(&a[j], &pivot) > 0);
			if (i >= j)
				break;
			tmp = a[i];
			a[i] = a[j];
			a[j] = tmp;
		}

		/* recurse into the smaller part, loop on the larger one */
		if ((size_t) (j + 1) < n - (size_t) (j + 1))
		{
			ABM_SORT_NAME(a, (size_t) (j + 1));
			a += j + 1;
			n -= (size_t) (j + 1);
		}
		else
		{
			ABM_SORT_NAME(a + j + 1, n - (size_t) (j + 1));
			n = (size_t) (j + 1);
		}
	}
	CHECK_FOR_INTERRUPTS();
	ABM_SORT_RUNS_NAME(a, n);
}

#undef ABM_SORT_RUNS_NAME
#undef ABM_SORT_NAME
#undef ABM_SORT_TYPE
#undef ABM_SORT_CMP
