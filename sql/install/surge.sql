-- Intent surge (src/surge.c).

CREATE FUNCTION abm_surge_trans(internal, timestamptz, timestamptz, interval, interval)
    RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_surge_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_surge_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_surge_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_surge_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE abm_surge(occurred_at timestamptz, as_of timestamptz,
                           recent interval, baseline interval) (
    SFUNC = abm_surge_trans, STYPE = internal, SSPACE = 40,
    FINALFUNC = abm_surge_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_surge_combine,
    SERIALFUNC = abm_surge_serial, DESERIALFUNC = abm_surge_deserial,
    PARALLEL = SAFE);

COMMENT ON FUNCTION abm_surge_trans(internal, timestamptz, timestamptz, interval, interval) IS 'support: transition of abm_surge';
COMMENT ON FUNCTION abm_surge_combine(internal, internal) IS 'support: combines abm_surge states';
COMMENT ON FUNCTION abm_surge_serial(internal) IS 'support: serializes an abm_surge state (version byte first)';
COMMENT ON FUNCTION abm_surge_deserial(bytea, internal) IS 'support: reads a serialized abm_surge state, checking its version and bounds';
COMMENT ON FUNCTION abm_surge_final(internal) IS 'support: final function of abm_surge';
COMMENT ON AGGREGATE abm_surge(timestamptz, timestamptz, interval, interval) IS 'intent surge z-score: events in [as_of - recent, as_of) against the rate of the baseline window before it; a surge is z >= 2';
