-- ClickHouse-compatible window funnels (src/window_funnel.c).

CREATE FUNCTION abm_window_funnel_trans(internal, interval, timestamptz, bool[]) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_window_funnel_mode_trans(internal, interval, text, timestamptz, bool[]) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_window_funnel_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_window_funnel_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_window_funnel_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_window_funnel_final(internal) RETURNS int
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_window_funnel_times_final(internal) RETURNS timestamptz[]
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE abm_window_funnel(window_size interval, ts timestamptz, VARIADIC steps bool[]) (
    SFUNC = abm_window_funnel_trans, STYPE = internal, SSPACE = 512,
    FINALFUNC = abm_window_funnel_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_window_funnel_combine,
    SERIALFUNC = abm_window_funnel_serial, DESERIALFUNC = abm_window_funnel_deserial,
    PARALLEL = SAFE);

CREATE AGGREGATE abm_window_funnel(window_size interval, mode text, ts timestamptz, VARIADIC steps bool[]) (
    SFUNC = abm_window_funnel_mode_trans, STYPE = internal, SSPACE = 512,
    FINALFUNC = abm_window_funnel_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_window_funnel_combine,
    SERIALFUNC = abm_window_funnel_serial, DESERIALFUNC = abm_window_funnel_deserial,
    PARALLEL = SAFE);

CREATE AGGREGATE abm_window_funnel_times(window_size interval, ts timestamptz, VARIADIC steps bool[]) (
    SFUNC = abm_window_funnel_trans, STYPE = internal, SSPACE = 512,
    FINALFUNC = abm_window_funnel_times_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_window_funnel_combine,
    SERIALFUNC = abm_window_funnel_serial, DESERIALFUNC = abm_window_funnel_deserial,
    PARALLEL = SAFE);

CREATE AGGREGATE abm_window_funnel_times(window_size interval, mode text, ts timestamptz, VARIADIC steps bool[]) (
    SFUNC = abm_window_funnel_mode_trans, STYPE = internal, SSPACE = 512,
    FINALFUNC = abm_window_funnel_times_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_window_funnel_combine,
    SERIALFUNC = abm_window_funnel_serial, DESERIALFUNC = abm_window_funnel_deserial,
    PARALLEL = SAFE);

COMMENT ON FUNCTION abm_window_funnel_trans(internal, interval, timestamptz, bool[]) IS 'support: transition of abm_window_funnel and abm_window_funnel_times (keeps rows matching a step)';
COMMENT ON FUNCTION abm_window_funnel_mode_trans(internal, interval, text, timestamptz, bool[]) IS 'support: transition of abm_window_funnel and abm_window_funnel_times with a mode';
COMMENT ON FUNCTION abm_window_funnel_combine(internal, internal) IS 'support: combines window funnel states (parallel query)';
COMMENT ON FUNCTION abm_window_funnel_serial(internal) IS 'support: serializes a window funnel state (version byte first)';
COMMENT ON FUNCTION abm_window_funnel_deserial(bytea, internal) IS 'support: reads a serialized window funnel state, checking its version and bounds';
COMMENT ON FUNCTION abm_window_funnel_final(internal) IS 'support: final function of abm_window_funnel (the level reached)';
COMMENT ON FUNCTION abm_window_funnel_times_final(internal) IS 'support: final function of abm_window_funnel_times (the chain''s step timestamps)';
COMMENT ON AGGREGATE abm_window_funnel(interval, timestamptz, VARIADIC bool[]) IS 'ClickHouse windowFunnel: how many steps of an ordered chain happened within the window after step 1 (0 to 32)';
COMMENT ON AGGREGATE abm_window_funnel(interval, text, timestamptz, VARIADIC bool[]) IS 'ClickHouse windowFunnel with modes: strict_deduplication, strict_order, strict_increase, strict_once, allow_reentry (comma-separated)';
COMMENT ON AGGREGATE abm_window_funnel_times(interval, timestamptz, VARIADIC bool[]) IS 'the step timestamps of the chain abm_window_funnel finds; its length is the level';
COMMENT ON AGGREGATE abm_window_funnel_times(interval, text, timestamptz, VARIADIC bool[]) IS 'the step timestamps of the chain abm_window_funnel finds with these modes; its length is the level';
