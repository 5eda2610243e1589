-- Deal cycle lengths (src/deal_cycle.c).

CREATE TYPE abm_cycle_result AS (
    deals bigint,
    mean_days float8,
    median_days float8,
    p90_days float8,
    min_days float8,
    max_days float8
);

CREATE FUNCTION abm_deal_cycle_trans(internal, timestamptz, timestamptz) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_deal_cycle_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_deal_cycle_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_deal_cycle_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_deal_cycle_final(internal) RETURNS abm_cycle_result
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_deal_cycle_length_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- SSPACE: the 32-byte header and 8 bytes per deal for a typical group of 60 deals.
CREATE AGGREGATE abm_deal_cycle(started_at timestamptz, ended_at timestamptz) (
    SFUNC = abm_deal_cycle_trans, STYPE = internal, SSPACE = 512,
    FINALFUNC = abm_deal_cycle_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_deal_cycle_combine,
    SERIALFUNC = abm_deal_cycle_serial, DESERIALFUNC = abm_deal_cycle_deserial,
    PARALLEL = SAFE);

CREATE AGGREGATE abm_deal_cycle_length(started_at timestamptz, ended_at timestamptz) (
    SFUNC = abm_deal_cycle_trans, STYPE = internal, SSPACE = 512,
    FINALFUNC = abm_deal_cycle_length_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_deal_cycle_combine,
    SERIALFUNC = abm_deal_cycle_serial, DESERIALFUNC = abm_deal_cycle_deserial,
    PARALLEL = SAFE);

COMMENT ON TYPE abm_cycle_result IS 'result of abm_deal_cycle: deals and the mean, median, 90th percentile, minimum and maximum of their durations in days';
COMMENT ON FUNCTION abm_deal_cycle_trans(internal, timestamptz, timestamptz) IS 'support: transition of abm_deal_cycle and abm_deal_cycle_length';
COMMENT ON FUNCTION abm_deal_cycle_combine(internal, internal) IS 'support: combines two deal cycle states';
COMMENT ON FUNCTION abm_deal_cycle_serial(internal) IS 'support: serializes a deal cycle state (version byte first)';
COMMENT ON FUNCTION abm_deal_cycle_deserial(bytea, internal) IS 'support: reads a serialized deal cycle state, checking its version and bounds';
COMMENT ON FUNCTION abm_deal_cycle_final(internal) IS 'support: final function of abm_deal_cycle';
COMMENT ON FUNCTION abm_deal_cycle_length_final(internal) IS 'support: final function of abm_deal_cycle_length';
COMMENT ON AGGREGATE abm_deal_cycle(timestamptz, timestamptz) IS 'deal cycle statistics in days: count, mean, exact median and 90th percentile (as percentile_cont), min, max';
COMMENT ON AGGREGATE abm_deal_cycle_length(timestamptz, timestamptz) IS 'median deal cycle in days (exact, as percentile_cont(0.5))';
