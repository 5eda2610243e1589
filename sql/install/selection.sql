-- Account selection: minimum viable accounts and tiers (src/selection.c).

CREATE FUNCTION abm_mva(goal numeric, avg_deal numeric, win_rate float8, opportunity_rate float8 DEFAULT 1)
    RETURNS bigint
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_tier(score float8, tier1_min float8, tier2_min float8) RETURNS int
    AS 'MODULE_PATHNAME', 'abm_tier_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_tier(ready bool, willing bool, able bool, success bool) RETURNS int
    AS 'MODULE_PATHNAME', 'abm_tier_rwas' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION abm_mva(numeric, numeric, float8, float8) IS 'minimum viable accounts: ceil(goal / (avg_deal * win_rate * opportunity_rate))';
COMMENT ON FUNCTION abm_tier(float8, float8, float8) IS 'tier 1, 2 or 3 from a fit or priority score and the minimum scores of tiers 1 and 2';
COMMENT ON FUNCTION abm_tier(bool, bool, bool, bool) IS 'tier from the Ready / Willing / Able / Success-potential test: 4 met -> 1, 3 -> 2, else 3';
