-- Marketing influence (src/influenced.c).

CREATE FUNCTION abm_influenced_trans(bool, timestamptz, timestamptz, interval) RETURNS bool
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_influenced_combine(bool, bool) RETURNS bool
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE abm_influenced(touch_at timestamptz, created_at timestamptz, lookback interval) (
    SFUNC = abm_influenced_trans, STYPE = bool,
    COMBINEFUNC = abm_influenced_combine,
    PARALLEL = SAFE);

COMMENT ON FUNCTION abm_influenced_trans(bool, timestamptz, timestamptz, interval) IS 'support: transition of abm_influenced';
COMMENT ON FUNCTION abm_influenced_combine(bool, bool) IS 'support: combines two abm_influenced states (logical or)';
COMMENT ON AGGREGATE abm_influenced(timestamptz, timestamptz, interval) IS 'true when some touch falls in [created_at - lookback, created_at]; NULL with no usable row';
