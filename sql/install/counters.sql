-- Shared support of the counting aggregates (src/counters.c).

CREATE FUNCTION abm_counters_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_counters_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_counters_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION abm_counters_combine(internal, internal) IS 'support: combines the counter states of abm_rate, abm_win_rate and abm_nps';
COMMENT ON FUNCTION abm_counters_serial(internal) IS 'support: serializes a counter state (version byte first)';
COMMENT ON FUNCTION abm_counters_deserial(bytea, internal) IS 'support: reads a serialized counter state, checking its version and bounds';
