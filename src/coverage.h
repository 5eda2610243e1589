/*-------------------------------------------------------------------------
 *
 * coverage.h
 *	  Buying-committee coverage of one committee given as arrays, for
 *	  callers in C (coverage.c: abm_committee_coverage).
 *
 *-------------------------------------------------------------------------
 */
#ifndef ABM_COVERAGE_H
#define ABM_COVERAGE_H

#include "abm.h"
#include "utils/array.h"

/* What abm_committee_coverage returns of a committee, without role names. */
typedef struct AbmCommitteeMeasure
{
	int32		engaged;		/* engaged contacts */
	float8		coverage;		/* share of the required roles covered */
	bool		coverage_null;	/* no required roles */
	float8		penetration;	/* engaged contacts / committee size */
} AbmCommitteeMeasure;

/* A committee read once (coverage.c), measured against each step's contacts. */
typedef struct AbmCommittee AbmCommittee;

extern AbmCommittee *abm_committee_prepare(const void **slot, MemoryContext cxt,
										   ArrayType *contact_ids, ArrayType *roles,
										   ArrayType *required, bool committee_size_null,
										   float8 committee_size);
extern void abm_committee_measure(const AbmCommittee *committee, ArrayType *engaged_ids,
								  AbmCommitteeMeasure *out);

#endif							/* ABM_COVERAGE_H */
