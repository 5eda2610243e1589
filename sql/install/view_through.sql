-- View-through conversions (src/view_through.c).

CREATE FUNCTION abm_view_through_trans(internal, timestamptz, bool, bool, bool, interval)
    RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_view_through_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_view_through_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_view_through_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_view_through_final(internal) RETURNS bigint
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- The state holds 16 bytes per impression, click and conversion: SSPACE is
-- a typical account's share, not a bound.
CREATE AGGREGATE abm_view_through(occurred_at timestamptz, is_impression bool, is_click bool,
                                  is_conversion bool, within interval) (
    SFUNC = abm_view_through_trans, STYPE = internal, SSPACE = 1024,
    FINALFUNC = abm_view_through_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_view_through_combine,
    SERIALFUNC = abm_view_through_serial, DESERIALFUNC = abm_view_through_deserial,
    PARALLEL = SAFE);

COMMENT ON FUNCTION abm_view_through_trans(internal, timestamptz, bool, bool, bool, interval) IS 'support: transition of abm_view_through';
COMMENT ON FUNCTION abm_view_through_combine(internal, internal) IS 'support: combine function of abm_view_through';
COMMENT ON FUNCTION abm_view_through_serial(internal) IS 'support: serializes an abm_view_through state';
COMMENT ON FUNCTION abm_view_through_deserial(bytea, internal) IS 'support: deserializes an abm_view_through state';
COMMENT ON FUNCTION abm_view_through_final(internal) IS 'support: final function of abm_view_through';
COMMENT ON AGGREGATE abm_view_through(timestamptz, bool, bool, bool, interval) IS
    'view-through conversions: conversions with an impression at most within before them and no click from that impression to the conversion';
