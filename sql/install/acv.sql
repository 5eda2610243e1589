-- Average contract value (src/acv.c).

CREATE FUNCTION abm_acv_trans(internal, numeric, date, date) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_acv_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_acv_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_acv_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_acv_final(internal) RETURNS numeric
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- SSPACE: 48 bytes fixed, plus the numeric side sum of the annualised amounts (~40 bytes).
CREATE AGGREGATE abm_acv(amount numeric, starts_on date, ends_on date) (
    SFUNC = abm_acv_trans, STYPE = internal, SSPACE = 96,
    FINALFUNC = abm_acv_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_acv_combine,
    SERIALFUNC = abm_acv_serial, DESERIALFUNC = abm_acv_deserial,
    PARALLEL = SAFE);

COMMENT ON FUNCTION abm_acv_trans(internal, numeric, date, date) IS 'support: transition of abm_acv';
COMMENT ON FUNCTION abm_acv_combine(internal, internal) IS 'support: combines two acv states';
COMMENT ON FUNCTION abm_acv_serial(internal) IS 'support: serializes an acv state (version byte first)';
COMMENT ON FUNCTION abm_acv_deserial(bytea, internal) IS 'support: reads a serialized acv state, checking its version and bounds';
COMMENT ON FUNCTION abm_acv_final(internal) IS 'support: final function of abm_acv';
COMMENT ON AGGREGATE abm_acv(numeric, date, date) IS 'average contract value: mean of amount x 365.25 / (ends_on - starts_on), exact numeric';
