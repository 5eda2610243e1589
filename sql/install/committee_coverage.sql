-- The coverage of one buying committee given as arrays (src/coverage.c),
-- new in 0.2: abm_report's committees, one call per account and step.
CREATE FUNCTION abm_committee_coverage(contact_ids bigint[], roles text[], engaged_ids bigint[],
                                       required_roles text[] DEFAULT ARRAY['champion', 'economic_buyer', 'technical_buyer', 'influencer'],
                                       committee_size float8 DEFAULT 6.8)
    RETURNS abm_coverage_result
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION abm_committee_coverage(bigint[], text[], bigint[], text[], float8) IS 'buying-committee coverage of one committee given as arrays (its contacts, their roles, the engaged contacts): abm_coverage without the aggregate; NULL when contact_ids is NULL';
