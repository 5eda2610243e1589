-- Ideal-customer-profile fit and marketing-qualified accounts (src/icp_fit.c).

CREATE FUNCTION abm_icp_fit(account jsonb, profile jsonb) RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_is_mqa(score float8, engaged_contacts int, fit float8,
                           min_score float8, min_contacts int, min_fit float8) RETURNS bool
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION abm_icp_fit(jsonb, jsonb) IS 'ICP fit: weighted share of the profile''s criteria (eq, in, between, contains, gte, lte) the account''s attributes meet, in [0, 1]; a missing attribute is not met';
COMMENT ON FUNCTION abm_is_mqa(float8, int, float8, float8, int, float8) IS 'marketing-qualified account: engagement score, engaged contacts and fit all reach their thresholds';
