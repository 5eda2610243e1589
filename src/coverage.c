/*-------------------------------------------------------------------------
 *
 * coverage.c
 *	  Buying-committee coverage: the aggregate abm_coverage(contact_id,
 *	  role, engaged [, required_roles [, committee_size]]).
 *
 * The state is the set of distinct contacts of the group, each with an
 * "engaged" flag (a contact is engaged when any of its rows is), plus a
 * bitmask of the required roles held by an engaged row.  The contacts are
 * kept in an array whose leading part is sorted and free of duplicates;
 * new rows are appended, and the unsorted tail is sorted and merged once it
 * is as long as the sorted part.  That keeps memory within about twice the
 * distinct contacts and the work at O(n log n), with no per-group hash
 * table.
 *
 * The required roles and the committee size are parameters of the group:
 * they must be the same on every row of a group.  Their parsed form is
 * shared by all groups that use the same list (cached per call site), so a
 * group's state costs a few dozen bytes plus 16 bytes per distinct contact.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "abm.h"
#include "coverage.h"
#include "access/htup_details.h"
#include "funcapi.h"
#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "port/pg_bitutils.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

/* Required roles are a bitmask over the list, so at most 64 of them. */
#define COVERAGE_MAX_ROLES		64
/* Longest role name, in bytes; the serial reader enforces the same cap. */
#define COVERAGE_MAX_ROLE_LEN	1000
#define COVERAGE_DEFAULT_COMMITTEE	6.8
/* Smallest contact array allocated for a group. */
#define COVERAGE_MIN_CAPACITY	8

typedef struct CoverageContact
{
	int64		id;
	bool		engaged;
} CoverageContact;

/*
 * Distinct contacts one group can hold (160 MB of contacts, up to twice
 * that while new rows wait to be merged); the serial reader obeys it too.
 */
#define COVERAGE_MAX_CONTACTS	10000000

/*
 * The smallest committee size: penetration is engaged contacts divided by
 * it, so a committee of less than one person would give penetrations
 * beyond the number of engaged contacts (and 1e-320 gave Infinity).
 */
#define COVERAGE_MIN_COMMITTEE	1.0

/*
 * The parameters of a group.  key holds the role names, each followed by a
 * NUL (role names are text, which never contains NUL), so two parameter
 * sets are equal when their committee sizes and keys are.  src holds the
 * bytes of the text[] the roles were parsed from, to recognise the same
 * array on the next row without parsing it again.
 */
typedef struct CoverageParams
{
	float8		committee_size;
	int			nroles;
	const char **names;			/* nroles names, their lengths in lens */
	int		   *lens;
	const char *key;
	Size		keylen;
	const char *src;			/* NULL when not parsed from an array */
	Size		srclen;
} CoverageParams;

#define DEFAULT_ROLES_KEY "champion\0economic_buyer\0technical_buyer\0influencer"
static const char *default_names[] = {
	"champion", "economic_buyer", "technical_buyer", "influencer"
};
static int	default_lens[] = {8, 14, 15, 10};

static const CoverageParams default_params = {
	.committee_size = COVERAGE_DEFAULT_COMMITTEE,
	.nroles = 4,
	.names = default_names,
	.lens = default_lens,
	.key = DEFAULT_ROLES_KEY,
	.keylen = sizeof(DEFAULT_ROLES_KEY),
	.src = NULL,
	.srclen = 0
};

typedef struct CoverageState
{
	const CoverageParams *params;
	uint64		covered;		/* bit i: role i held by an engaged row */
	int32		ncontacts;		/* entries used in contacts */
	int32		nsorted;		/* leading entries sorted, no duplicates */
	int32		capacity;
	CoverageContact *contacts;
} CoverageState;

PG_FUNCTION_INFO_V1(abm_coverage_trans);
PG_FUNCTION_INFO_V1(abm_coverage_combine);
PG_FUNCTION_INFO_V1(abm_coverage_final);
PG_FUNCTION_INFO_V1(abm_coverage_serial);
PG_FUNCTION_INFO_V1(abm_coverage_deserial);
PG_FUNCTION_INFO_V1(abm_committee_coverage);

static bool
coverage_params_equal(const CoverageParams *a, const CoverageParams *b)
{
	return a == b ||
		(a->committee_size == b->committee_size &&
		 a->keylen == b->keylen &&
		 memcmp(a->key, b->key, a->keylen) == 0);
}

/*
 * Build a parameter set in cxt, in one allocation, from role names that
 * have already been validated.
 */
static CoverageParams *
coverage_params_build(MemoryContext cxt, int nroles, const char *const *names,
			 const int *lens, float8 committee_size, const char *src,
			 Size srclen)
{
	Size		keylen = 0;
	CoverageParams *p;
	char	   *key;
	char	   *srccopy;

	for (int i = 0; i < nroles; i++)
		keylen += lens[i] + 1;
	p = MemoryContextAlloc(cxt, MAXALIGN(sizeof(CoverageParams)) +
						   nroles * (sizeof(char *) + sizeof(int)) +
						   keylen + srclen);
	p->names = (const char **) ((char *) p + MAXALIGN(sizeof(CoverageParams)));
	p->lens = (int *) (p->names + nroles);
	key = (char *) (p->lens + nroles);
	srccopy = key + keylen;

	p->committee_size = committee_size;
	p->nroles = nroles;
	p->key = key;
	p->keylen = keylen;
	for (int i = 0; i < nroles; i++)
	{
		memcpy(key, names[i], lens[i]);
		key[lens[i]] = '\0';
		p->names[i] = key;
		p->lens[i] = lens[i];
		key += lens[i] + 1;
	}
	if (src != NULL)
	{
		memcpy(srccopy, src, srclen);
		p->src = srccopy;
		p->srclen = srclen;
	}
	else
	{
		p->src = NULL;
		p->srclen = 0;
	}
	return p;
}

/*
 * A copy of p whose lifetime covers states allocated in aggcontext: the
 * parameters cached for this call site when they are equal (the usual case:
 * one constant list for the whole query), else the cache is filled with p if
 * it is empty, else a private copy in aggcontext.
 */
static const CoverageParams *
coverage_params_intern(FunctionCallInfo fcinfo, const CoverageParams *p,
			  MemoryContext aggcontext)
{
	const CoverageParams *cached = fcinfo->flinfo->fn_extra;

	if (cached != NULL && coverage_params_equal(cached, p))
		return cached;
	if (cached == NULL)
	{
		cached = coverage_params_build(fcinfo->flinfo->fn_mcxt, p->nroles, p->names,
							  p->lens, p->committee_size, p->src, p->srclen);
		fcinfo->flinfo->fn_extra = (void *) cached;
		return cached;
	}
	return coverage_params_build(aggcontext, p->nroles, p->names, p->lens,
						p->committee_size, p->src, p->srclen);
}

/*
 * Parse and check the required_roles and committee_size arguments of a
 * row, into the current memory context.
 */
static CoverageParams *
coverage_params_from_args(ArrayType *roles, float8 committee_size)
{
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	const char *names[COVERAGE_MAX_ROLES];
	int			lens[COVERAGE_MAX_ROLES];

	if (isnan(committee_size) || isinf(committee_size) ||
		committee_size < COVERAGE_MIN_COMMITTEE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("committee_size must be a finite number of at least 1"),
				 errdetail("The input has committee_size = %g.", committee_size),
				 errhint("Pass the expected number of buying-committee members, such as 6.8.")));
	if (ARR_NDIM(roles) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("required_roles must be a one-dimensional array"),
				 errdetail("The array required_roles has %d dimensions.", ARR_NDIM(roles)),
				 errhint("Pass a list such as ARRAY['champion', 'economic_buyer'].")));
	deconstruct_array(roles, TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, &nelems);
	if (nelems > COVERAGE_MAX_ROLES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("required_roles has more than %d roles", COVERAGE_MAX_ROLES),
				 errdetail("The array required_roles has %d elements.", nelems),
				 errhint("List only the roles a buying committee must hold.")));
	for (int i = 0; i < nelems; i++)
	{
		text	   *t;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("required_roles must not contain NULL"),
					 errdetail("Element %d of required_roles is NULL.", i + 1),
					 errhint("Remove the NULL from the list, for example with array_remove(required_roles, NULL).")));
		t = DatumGetTextPP(elems[i]);
		names[i] = VARDATA_ANY(t);
		lens[i] = VARSIZE_ANY_EXHDR(t);
		if (lens[i] > COVERAGE_MAX_ROLE_LEN)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("required role name is longer than %d bytes",
							COVERAGE_MAX_ROLE_LEN),
					 errdetail("Element %d of required_roles has %d bytes.",
							   i + 1, lens[i])));
		for (int j = 0; j < i; j++)
			if (lens[j] == lens[i] && memcmp(names[j], names[i], lens[i]) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("required_roles lists a role twice"),
						 errdetail("The input has role = %s.", text_to_cstring(t)),
						 errhint("List each required role once.")));
	}
	return coverage_params_build(CurrentMemoryContext, nelems, names, lens,
						committee_size, VARDATA(roles), VARSIZE(roles) - VARHDRSZ);
}

/* "{champion,user}, committee_size = 6.8", for error details */
static char *
coverage_params_text(const CoverageParams *p)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (int i = 0; i < p->nroles; i++)
	{
		if (i > 0)
			appendStringInfoChar(&buf, ',');
		appendBinaryStringInfo(&buf, p->names[i], p->lens[i]);
	}
	appendStringInfo(&buf, "}, committee_size = %g", p->committee_size);
	return buf.data;
}

static void
coverage_params_mismatch(const CoverageParams *group, const CoverageParams *row)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("required_roles and committee_size must be the same on every row of a group"),
			 errdetail("The group has required_roles = %s; another row has required_roles = %s.",
					   coverage_params_text(group), coverage_params_text(row)),
			 errhint("Pass constants, or values that depend only on the GROUP BY columns.")));
}

/* Whether known (may be NULL) was parsed from these very arguments. */
static bool
coverage_params_same_src(const CoverageParams *known, ArrayType *roles,
						 float8 committee_size)
{
	return known != NULL && known->src != NULL &&
		known->committee_size == committee_size &&
		known->srclen == VARSIZE(roles) - VARHDRSZ &&
		memcmp(known->src, VARDATA(roles), known->srclen) == 0;
}

/*
 * The parameters of the current row, checked against those the group
 * already has (state may be NULL for a group's first row).  The lists are
 * compared as bytes first, which is all a constant argument ever needs.
 */
static const CoverageParams *
coverage_params_of_row(FunctionCallInfo fcinfo, const CoverageState *state,
			  MemoryContext aggcontext)
{
	ArrayType  *roles;
	float8		committee_size;
	const CoverageParams *known;
	CoverageParams *parsed;

	/* fcinfo args: state, contact_id, role, engaged [, roles [, size]] */
	if (PG_NARGS() == 4)
		return &default_params;
	if (PG_ARGISNULL(4) || (PG_NARGS() > 5 && PG_ARGISNULL(5)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("required_roles and committee_size must not be NULL"),
				 errhint("Use the three-argument abm_coverage for the default roles and committee size.")));
	roles = PG_GETARG_ARRAYTYPE_P(4);
	committee_size = PG_NARGS() > 5 ? PG_GETARG_FLOAT8(5) : COVERAGE_DEFAULT_COMMITTEE;

	known = state != NULL ? state->params : fcinfo->flinfo->fn_extra;
	if (coverage_params_same_src(known, roles, committee_size))
		return known;

	parsed = coverage_params_from_args(roles, committee_size);
	if (state == NULL)
		return coverage_params_intern(fcinfo, parsed, aggcontext);
	if (!coverage_params_equal(state->params, parsed))
		coverage_params_mismatch(state->params, parsed);
	return state->params;
}

static CoverageState *
coverage_new(MemoryContext cxt, const CoverageParams *params, int32 capacity)
{
	CoverageState *s = MemoryContextAlloc(cxt, sizeof(CoverageState));

	s->params = params;
	s->covered = 0;
	s->ncontacts = 0;
	s->nsorted = 0;
	s->capacity = Max(capacity, COVERAGE_MIN_CAPACITY);
	s->contacts = MemoryContextAlloc(cxt, s->capacity * sizeof(CoverageContact));
	return s;
}

#define ABM_SORT_NAME sort_contacts
#define ABM_SORT_TYPE CoverageContact
#define ABM_SORT_CMP(a, b) (((a)->id > (b)->id) - ((a)->id < (b)->id))
#include "abm_sort.h"

/* Sort a run of contacts and fold duplicates into one; returns its length. */
static int32
coverage_sort_unique(CoverageContact *c, int32 n)
{
	int32		out = 0;

	if (n == 0)
		return 0;
	sort_contacts(c, n);
	for (int32 i = 1; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (c[i].id == c[out].id)
			c[out].engaged |= c[i].engaged;
		else
			c[++out] = c[i];
	}
	return out + 1;
}

/*
 * Sort the unsorted tail and merge it into the sorted part, making room for
 * extra more entries.  When the array must grow it grows to twice the
 * distinct contacts (plus extra), so the next merge comes only once the tail
 * is as long as the sorted part: O(n log n) work overall.
 */
static void
coverage_compact(CoverageState *s, MemoryContext cxt, int32 extra)
{
	int32		ntail = coverage_sort_unique(s->contacts + s->nsorted,
									s->ncontacts - s->nsorted);
	int32		ndistinct = s->nsorted + ntail;
	int32		capacity = s->capacity;
	CoverageContact *merged;
	CoverageContact *a = s->contacts;
	CoverageContact *b = s->contacts + s->nsorted;
	int32		i = 0,
				j = 0,
				out = 0;

	if ((int64) ndistinct + extra > COVERAGE_MAX_CONTACTS)
		abm_cap_exceeded("distinct contacts", "abm_coverage group",
						 COVERAGE_MAX_CONTACTS, "Group by account, or by a finer key.");
	if (ndistinct + extra > capacity)
		capacity = (int32) Min((int64) 2 * ndistinct + extra, COVERAGE_MAX_CONTACTS);

	if (s->nsorted == 0 || ntail == 0)
	{
		if (capacity > s->capacity)
			s->contacts = repalloc(s->contacts, capacity * sizeof(CoverageContact));
		s->capacity = capacity;
		s->ncontacts = s->nsorted = ndistinct;
		return;
	}

	merged = MemoryContextAlloc(cxt, capacity * sizeof(CoverageContact));
	while (i < s->nsorted && j < ntail)
	{
		CHECK_FOR_INTERRUPTS();
		if (a[i].id < b[j].id)
			merged[out++] = a[i++];
		else if (a[i].id > b[j].id)
			merged[out++] = b[j++];
		else
		{
			merged[out] = a[i++];
			merged[out++].engaged |= b[j++].engaged;
		}
	}
	/* one of the two runs is used up: the rest of the other in one copy */
	memcpy(merged + out, a + i, (s->nsorted - i) * sizeof(CoverageContact));
	out += s->nsorted - i;
	memcpy(merged + out, b + j, (ntail - j) * sizeof(CoverageContact));
	out += ntail - j;

	pfree(s->contacts);
	s->contacts = merged;
	s->capacity = capacity;
	s->ncontacts = s->nsorted = out;
}

/* Append room for extra entries, merging first when the tail is long. */
static void
coverage_reserve(CoverageState *s, MemoryContext cxt, int32 extra)
{
	if ((int64) s->ncontacts + extra > s->capacity ||
		s->ncontacts - s->nsorted > Max(s->nsorted, COVERAGE_MIN_CAPACITY))
		coverage_compact(s, cxt, extra);
}

static int
coverage_role_index(const CoverageParams *p, const char *role, int len)
{
	for (int i = 0; i < p->nroles; i++)
		if (p->lens[i] == len && memcmp(p->names[i], role, len) == 0)
			return i;
	return -1;
}

/*
 * Transition: one row (contact_id, role, engaged [, required_roles
 * [, committee_size]]).  A row without a contact (an anonymous touch) still
 * establishes the group, so an account with no known contact reports 0
 * contacts and every role missing rather than NULL.  A NULL engaged counts
 * as not engaged; a NULL role covers nothing.
 */
Datum
abm_coverage_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = abm_agg_context(fcinfo, "abm_coverage_trans");
	CoverageState *state = PG_ARGISNULL(0) ? NULL : (CoverageState *) PG_GETARG_POINTER(0);
	const CoverageParams *params = coverage_params_of_row(fcinfo, state, aggcontext);
	int64		id;
	bool		engaged;

	if (state == NULL)
		state = coverage_new(aggcontext, params, COVERAGE_MIN_CAPACITY);
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(state);
	id = PG_GETARG_INT64(1);
	engaged = !PG_ARGISNULL(3) && PG_GETARG_BOOL(3);

	if (engaged && !PG_ARGISNULL(2))
	{
		text	   *role = PG_GETARG_TEXT_PP(2);
		int			i = coverage_role_index(params, VARDATA_ANY(role), VARSIZE_ANY_EXHDR(role));

		if (i >= 0)
			state->covered |= UINT64CONST(1) << i;
	}

	/* Touches of one contact often arrive together: fold them at once. */
	if (state->ncontacts > 0 && state->contacts[state->ncontacts - 1].id == id)
	{
		state->contacts[state->ncontacts - 1].engaged |= engaged;
		PG_RETURN_POINTER(state);
	}
	coverage_reserve(state, aggcontext, 1);
	state->contacts[state->ncontacts].id = id;
	state->contacts[state->ncontacts].engaged = engaged;
	state->ncontacts++;
	PG_RETURN_POINTER(state);
}

Datum
abm_coverage_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = abm_agg_context(fcinfo, "abm_coverage_combine");
	CoverageState *state = PG_ARGISNULL(0) ? NULL : (CoverageState *) PG_GETARG_POINTER(0);
	CoverageState *other = (CoverageState *) PG_GETARG_POINTER(1);

	ABM_COMBINE_NULLS();
	if (state == NULL)
		state = coverage_new(aggcontext,
							 coverage_params_intern(fcinfo, other->params, aggcontext),
							 other->ncontacts);
	else if (!coverage_params_equal(state->params, other->params))
		coverage_params_mismatch(state->params, other->params);

	state->covered |= other->covered;
	coverage_reserve(state, aggcontext, other->ncontacts);
	if (state->ncontacts == 0)
		state->nsorted = other->nsorted;
	memcpy(state->contacts + state->ncontacts, other->contacts,
		   other->ncontacts * sizeof(CoverageContact));
	state->ncontacts += other->ncontacts;
	PG_RETURN_POINTER(state);
}

static ArrayType *
coverage_roles_array(const CoverageParams *p, uint64 mask, bool want_set)
{
	Datum		elems[COVERAGE_MAX_ROLES];
	int			n = 0;

	for (int i = 0; i < p->nroles; i++)
		if (((mask >> i) & 1) == want_set)
			elems[n++] = PointerGetDatum(cstring_to_text_with_len(p->names[i], p->lens[i]));
	return construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT);
}

/* The blessed descriptor of abm_coverage_result, in the function's context. */
static TupleDesc
coverage_result_tupdesc(FunctionCallInfo fcinfo)
{
	MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	TupleDesc	tupdesc;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "function returning abm_coverage_result called in a context that cannot accept it");
	tupdesc = BlessTupleDesc(tupdesc);
	MemoryContextSwitchTo(old);
	return tupdesc;
}

/* An abm_coverage_result: contacts, engaged ones, roles covered by them. */
static Datum
coverage_result(TupleDesc tupdesc, const CoverageParams *p, int32 ncontacts,
				int32 engaged, uint64 covered)
{
	Datum		values[6];
	bool		nulls[6] = {false, false, false, false, false, false};

	values[0] = Int32GetDatum(ncontacts);
	values[1] = Int32GetDatum(engaged);
	values[2] = PointerGetDatum(coverage_roles_array(p, covered, true));
	values[3] = PointerGetDatum(coverage_roles_array(p, covered, false));
	if (p->nroles == 0)
		nulls[4] = true;
	else
		values[4] = Float8GetDatum((float8) pg_popcount64(covered) / p->nroles);
	values[5] = Float8GetDatum(engaged / p->committee_size);
	return HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls));
}

/*
 * The final function merges the unsorted tail into the sorted part.  That
 * changes the layout of the state, not the set it represents, and leaves
 * it in the form a transition expects (a sorted, distinct part and an
 * empty tail), so further transitions (growing window frames) stay
 * correct: the aggregate is declared FINALFUNC_MODIFY = READ_ONLY, and
 * sql/hardening.sql checks every frame against a fresh aggregate.
 */
Datum
abm_coverage_final(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = abm_agg_context(fcinfo, "abm_coverage_final");
	CoverageState *state;
	TupleDesc	tupdesc = fcinfo->flinfo->fn_extra;
	int32		engaged = 0;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (CoverageState *) PG_GETARG_POINTER(0);
	coverage_compact(state, aggcontext, 0);
	for (int32 i = 0; i < state->ncontacts; i++)
	{
		CHECK_FOR_INTERRUPTS();
		engaged += state->contacts[i].engaged;
	}
	if (tupdesc == NULL)
	{
		tupdesc = coverage_result_tupdesc(fcinfo);
		fcinfo->flinfo->fn_extra = tupdesc;
	}
	PG_RETURN_DATUM(coverage_result(tupdesc, state->params, state->ncontacts,
									engaged, state->covered));
}

/*
 * Serialized form: committee size, role count, each role as length and
 * bytes, the covered mask, the contact count, the contact ids in increasing
 * order, and the engaged flags as a bitmap.
 */
Datum
abm_coverage_serial(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = abm_agg_context(fcinfo, "abm_coverage_serial");
	CoverageState *state = (CoverageState *) PG_GETARG_POINTER(0);
	const CoverageParams *p = state->params;
	StringInfoData buf;
	uint8		bits = 0;

	coverage_compact(state, aggcontext, 0);
	abm_write_begin(&buf, ABM_KIND_COVERAGE);
	pq_sendfloat8(&buf, p->committee_size);
	pq_sendint32(&buf, p->nroles);
	for (int i = 0; i < p->nroles; i++)
	{
		pq_sendint32(&buf, p->lens[i]);
		pq_sendbytes(&buf, p->names[i], p->lens[i]);
	}
	pq_sendint64(&buf, (int64) state->covered);
	pq_sendint32(&buf, state->ncontacts);
	for (int32 i = 0; i < state->ncontacts; i++)
	{
		CHECK_FOR_INTERRUPTS();
		pq_sendint64(&buf, state->contacts[i].id);
	}
	for (int32 i = 0; i < state->ncontacts; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (state->contacts[i].engaged)
			bits |= 1 << (i % 8);
		if (i % 8 == 7 || i == state->ncontacts - 1)
		{
			pq_sendbyte(&buf, bits);
			bits = 0;
		}
	}
	PG_RETURN_BYTEA_P(abm_write_end(&buf));
}

Datum
abm_coverage_deserial(PG_FUNCTION_ARGS)
{
	AbmReader	r;
	float8		committee_size;
	int32		nroles;
	const char *names[COVERAGE_MAX_ROLES];
	int			lens[COVERAGE_MAX_ROLES];
	CoverageParams *params;
	uint64		covered;
	int32		n;
	CoverageState *state;
	const char *bits;

	abm_read_begin_bytea(&r, PG_GETARG_BYTEA_PP(0), ABM_KIND_COVERAGE,
						 "abm_coverage state");
	committee_size = abm_read_float8(&r);
	if (isnan(committee_size) || isinf(committee_size) ||
		committee_size < COVERAGE_MIN_COMMITTEE)
		abm_read_corrupt(&r, "The committee size is not a finite number of at least 1.");
	nroles = abm_read_count(&r, COVERAGE_MAX_ROLES);
	for (int i = 0; i < nroles; i++)
	{
		lens[i] = abm_read_count(&r, COVERAGE_MAX_ROLE_LEN);
		names[i] = abm_read_bytes(&r, lens[i]);
		if (memchr(names[i], '\0', lens[i]) != NULL)
			abm_read_corrupt(&r, "A role name contains a NUL byte.");
		for (int j = 0; j < i; j++)
			if (lens[j] == lens[i] && memcmp(names[j], names[i], lens[i]) == 0)
				abm_read_corrupt(&r, "A role is listed twice.");
	}
	params = coverage_params_build(CurrentMemoryContext, nroles, names, lens,
						  committee_size, NULL, 0);

	covered = (uint64) abm_read_int64(&r);
	if (nroles < 64 && (covered >> nroles) != 0)
		abm_read_corrupt(&r, "The covered-role mask names roles beyond the list.");

	n = abm_read_count(&r, COVERAGE_MAX_CONTACTS);
	state = coverage_new(CurrentMemoryContext, params, n);
	state->covered = covered;
	for (int32 i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		state->contacts[i].id = abm_read_int64(&r);
		if (i > 0 && state->contacts[i].id <= state->contacts[i - 1].id)
			abm_read_corrupt(&r, "The contact ids are not strictly increasing.");
	}
	bits = abm_read_bytes(&r, (n + 7) / 8);
	for (int32 i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		state->contacts[i].engaged = (bits[i / 8] >> (i % 8)) & 1;
	}
	if (n % 8 != 0 && ((uint8) bits[n / 8] >> (n % 8)) != 0)
		abm_read_corrupt(&r, "The engaged bitmap has bits set beyond the last contact.");
	abm_read_end(&r);
	state->ncontacts = state->nsorted = n;
	PG_RETURN_POINTER(state);
}

/*
 * abm_committee_coverage(contact_ids, roles, engaged_ids, required_roles,
 * committee_size): the coverage of one committee given as arrays, the
 * contacts with their roles (element by element; a contact may be listed
 * once per role) and the ids of the engaged contacts.  It equals
 * abm_coverage over unnest(contact_ids, roles), a row engaged when its
 * contact is among engaged_ids, except that a committee of no rows gives 0
 * contacts rather than NULL.  NULL contact ids are left out, a NULL role or
 * roles covers nothing, NULL engaged_ids is no engaged contact.  The work
 * is a sort of the contacts (and of engaged_ids when not already in
 * increasing order, as abm_report_touches gives them) and one merge, with
 * no per-row state: abm_report calls it once per account and step.
 */
typedef struct CommitteeRow
{
	int64		id;
	int32		elem;			/* its element in contact_ids and roles */
} CommitteeRow;

#define ABM_SORT_NAME sort_committee
#define ABM_SORT_TYPE CommitteeRow
#define ABM_SORT_CMP(a, b) (((a)->id > (b)->id) - ((a)->id < (b)->id))
#include "abm_sort.h"

#define ABM_SORT_NAME sort_ids
#define ABM_SORT_TYPE int64
#define ABM_SORT_CMP(a, b) ((*(a) > *(b)) - (*(a) < *(b)))
#include "abm_sort.h"

typedef struct CommitteeCache
{
	const CoverageParams *params;
	TupleDesc	tupdesc;
} CommitteeCache;

/* The non-NULL elements of an int8 array, in increasing order, distinct. */
static int64 *
committee_sorted_ids(ArrayType *a, int32 *n)
{
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	int64	   *ids;
	int32		m = 0;
	bool		sorted = true;

	deconstruct_array(a, INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &nulls, &nelems);
	ids = palloc(Max(nelems, 1) * sizeof(int64));
	for (int i = 0; i < nelems; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (nulls[i])
			continue;
		ids[m] = DatumGetInt64(elems[i]);
		if (m > 0 && ids[m] <= ids[m - 1])
			sorted = false;
		m++;
	}
	if (!sorted)
	{
		int32		out = 0;

		sort_ids(ids, m);
		for (int32 i = 1; i < m; i++)
		{
			CHECK_FOR_INTERRUPTS();
			if (ids[i] != ids[out])
				ids[++out] = ids[i];
		}
		m = m > 0 ? out + 1 : 0;
	}
	*n = m;
	return ids;
}

/*
 * The parameters of required_roles and committee_size (neither NULL), parsed
 * once and kept in *slot (allocated in cxt) while they stay the same.
 */
static const CoverageParams *
committee_params(const CoverageParams **slot, MemoryContext cxt, ArrayType *required,
				 float8 committee_size)
{
	if (!coverage_params_same_src(*slot, required, committee_size))
	{
		CoverageParams *parsed = coverage_params_from_args(required, committee_size);
		const CoverageParams *old = *slot;

		/* one allocation each: a list that changes from row to row holds one */
		*slot = coverage_params_build(cxt, parsed->nroles, parsed->names, parsed->lens,
									  parsed->committee_size, parsed->src, parsed->srclen);
		if (old != NULL)
			pfree((void *) old);
	}
	return *slot;
}

pg_noreturn static void
committee_params_null(const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("required_roles and committee_size must not be NULL"),
			 errhint("%s", hint)));
}

/*
 * A committee ready to be measured against sets of engaged contacts: its
 * distinct contacts in increasing order, each with the required roles its
 * rows hold (a bit per role).
 */
struct AbmCommittee
{
	const CoverageParams *params;
	int32		ncontacts;
	int64	   *ids;
	uint64	   *roles;
};

/* The committee of contact_ids and roles (which may be NULL). */
static AbmCommittee *
committee_prepare(const CoverageParams *params, ArrayType *contact_ids, ArrayType *role_array)
{
	AbmCommittee *c = palloc(sizeof(AbmCommittee));
	Datum	   *ids;
	bool	   *id_nulls;
	int			nids;
	Datum	   *roles = NULL;
	bool	   *role_nulls = NULL;
	int			nroles = 0;
	CommitteeRow *rows;
	int32		nrows = 0;

	deconstruct_array(contact_ids, INT8OID, sizeof(int64), FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &ids, &id_nulls, &nids);
	if (nids > COVERAGE_MAX_CONTACTS)
		abm_cap_exceeded("contacts", "abm_committee_coverage committee",
						 COVERAGE_MAX_CONTACTS, "Pass the contacts of one account.");
	if (role_array != NULL)
	{
		deconstruct_array(role_array, TEXTOID, -1, false, TYPALIGN_INT,
						  &roles, &role_nulls, &nroles);
		if (nroles != nids)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("contact_ids and roles must have the same number of elements"),
					 errdetail("contact_ids has %d elements, roles has %d.", nids, nroles),
					 errhint("Build both arrays in one aggregate, or pass NULL roles.")));
	}

	rows = palloc(Max(nids, 1) * sizeof(CommitteeRow));
	for (int i = 0; i < nids; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (id_nulls[i])
			continue;
		rows[nrows].id = DatumGetInt64(ids[i]);
		rows[nrows].elem = i;
		nrows++;
	}
	sort_committee(rows, nrows);

	/* one entry per distinct contact, with the roles of all its rows */
	c->params = params;
	c->ncontacts = 0;
	c->ids = palloc(Max(nrows, 1) * sizeof(int64));
	c->roles = palloc0(Max(nrows, 1) * sizeof(uint64));
	for (int32 i = 0; i < nrows;)
	{
		int64		id = rows[i].id;
		int32		end = i;

		CHECK_FOR_INTERRUPTS();
		for (; end < nrows && rows[end].id == id; end++)
		{
			text	   *role;
			int			r;

			if (roles == NULL || role_nulls[rows[end].elem])
				continue;
			role = DatumGetTextPP(roles[rows[end].elem]);
			r = coverage_role_index(params, VARDATA_ANY(role), VARSIZE_ANY_EXHDR(role));
			if (r >= 0)
				c->roles[c->ncontacts] |= UINT64CONST(1) << r;
		}
		c->ids[c->ncontacts++] = id;
		i = end;
	}
	pfree(rows);
	pfree(ids);
	pfree(id_nulls);
	if (roles != NULL)
	{
		pfree(roles);
		pfree(role_nulls);
	}
	return c;
}

/*
 * The committee's engaged contacts (those in engaged_array, which may be
 * NULL) and the roles they cover: one merge of the two sorted lists.
 */
static void
committee_count(const AbmCommittee *c, ArrayType *engaged_array, int32 *engaged_out,
				uint64 *covered_out)
{
	int64	   *engaged_ids = NULL;
	int32		nengaged = 0;
	int32		engaged = 0;
	uint64		covered = 0;
	int32		j = 0;

	if (engaged_array != NULL)
		engaged_ids = committee_sorted_ids(engaged_array, &nengaged);
	for (int32 i = 0; i < c->ncontacts && j < nengaged; i++)
	{
		CHECK_FOR_INTERRUPTS();
		while (j < nengaged && engaged_ids[j] < c->ids[i])
			j++;
		if (j < nengaged && engaged_ids[j] == c->ids[i])
		{
			engaged++;
			covered |= c->roles[i];
		}
	}
	if (engaged_ids != NULL)
		pfree(engaged_ids);
	*engaged_out = engaged;
	*covered_out = covered;
}

Datum
abm_committee_coverage(PG_FUNCTION_ARGS)
{
	CommitteeCache *cache = fcinfo->flinfo->fn_extra;
	const CoverageParams *params;
	AbmCommittee *committee;
	int32		engaged;
	uint64		covered;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (PG_ARGISNULL(3) || PG_ARGISNULL(4))
		committee_params_null("Leave them out for the default roles and committee size.");
	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(CommitteeCache));
		cache->tupdesc = coverage_result_tupdesc(fcinfo);
		fcinfo->flinfo->fn_extra = cache;
	}
	params = committee_params(&cache->params, fcinfo->flinfo->fn_mcxt,
							  PG_GETARG_ARRAYTYPE_P(3), PG_GETARG_FLOAT8(4));
	committee = committee_prepare(params, PG_GETARG_ARRAYTYPE_P(0),
								  PG_ARGISNULL(1) ? NULL : PG_GETARG_ARRAYTYPE_P(1));
	committee_count(committee, PG_ARGISNULL(2) ? NULL : PG_GETARG_ARRAYTYPE_P(2),
					&engaged, &covered);
	PG_RETURN_DATUM(coverage_result(cache->tupdesc, params, committee->ncontacts, engaged,
									covered));
}

/*
 * The same for callers in C (abm_report_sums), in two parts: the committee
 * of contact_ids and roles, read and sorted once (allocated in the current
 * memory context; *slot keeps the parsed parameters between calls,
 * allocated in cxt), then what abm_committee_coverage returns of it for a
 * set of engaged contacts, without the role arrays: the engaged contacts,
 * coverage (NULL, coverage_null, without required roles) and penetration.
 */
AbmCommittee *
abm_committee_prepare(const void **slot, MemoryContext cxt, ArrayType *contact_ids,
					  ArrayType *roles, ArrayType *required, bool committee_size_null,
					  float8 committee_size)
{
	const CoverageParams *params;

	if (required == NULL || committee_size_null)
		committee_params_null("Pass the required roles and the committee size.");
	params = committee_params((const CoverageParams **) slot, cxt, required, committee_size);
	return committee_prepare(params, contact_ids, roles);
}

void
abm_committee_measure(const AbmCommittee *committee, ArrayType *engaged_ids,
					  AbmCommitteeMeasure *out)
{
	const CoverageParams *params = committee->params;
	uint64		covered;

	committee_count(committee, engaged_ids, &out->engaged, &covered);
	out->coverage_null = params->nroles == 0;
	out->coverage = params->nroles == 0 ? 0.0 :
		(float8) pg_popcount64(covered) / params->nroles;
	out->penetration = out->engaged / params->committee_size;
}
