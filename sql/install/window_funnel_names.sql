-- Window funnels over named steps (src/window_funnel.c, src/stepnames.c):
-- the steps as a list of event names, one lookup per row instead of one
-- condition per step; new in 0.2.

CREATE FUNCTION abm_window_funnel_names_trans(internal, interval, timestamptz, text, text[]) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_window_funnel_names_mode_trans(internal, interval, text, timestamptz, text, text[]) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE abm_window_funnel(window_size interval, ts timestamptz, event text, VARIADIC steps text[]) (
    SFUNC = abm_window_funnel_names_trans, STYPE = internal, SSPACE = 512,
    FINALFUNC = abm_window_funnel_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_window_funnel_combine,
    SERIALFUNC = abm_window_funnel_serial, DESERIALFUNC = abm_window_funnel_deserial,
    PARALLEL = SAFE);

CREATE AGGREGATE abm_window_funnel(window_size interval, mode text, ts timestamptz, event text, VARIADIC steps text[]) (
    SFUNC = abm_window_funnel_names_mode_trans, STYPE = internal, SSPACE = 512,
    FINALFUNC = abm_window_funnel_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_window_funnel_combine,
    SERIALFUNC = abm_window_funnel_serial, DESERIALFUNC = abm_window_funnel_deserial,
    PARALLEL = SAFE);

CREATE AGGREGATE abm_window_funnel_times(window_size interval, ts timestamptz, event text, VARIADIC steps text[]) (
    SFUNC = abm_window_funnel_names_trans, STYPE = internal, SSPACE = 512,
    FINALFUNC = abm_window_funnel_times_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_window_funnel_combine,
    SERIALFUNC = abm_window_funnel_serial, DESERIALFUNC = abm_window_funnel_deserial,
    PARALLEL = SAFE);

CREATE AGGREGATE abm_window_funnel_times(window_size interval, mode text, ts timestamptz, event text, VARIADIC steps text[]) (
    SFUNC = abm_window_funnel_names_mode_trans, STYPE = internal, SSPACE = 512,
    FINALFUNC = abm_window_funnel_times_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_window_funnel_combine,
    SERIALFUNC = abm_window_funnel_serial, DESERIALFUNC = abm_window_funnel_deserial,
    PARALLEL = SAFE);

COMMENT ON FUNCTION abm_window_funnel_names_trans(internal, interval, timestamptz, text, text[]) IS 'support: transition of abm_window_funnel and abm_window_funnel_times over named steps';
COMMENT ON FUNCTION abm_window_funnel_names_mode_trans(internal, interval, text, timestamptz, text, text[]) IS 'support: transition of abm_window_funnel and abm_window_funnel_times over named steps, with a mode';
COMMENT ON AGGREGATE abm_window_funnel(interval, timestamptz, text, VARIADIC text[]) IS 'ClickHouse windowFunnel over named steps: step k is the rows whose event equals the k-th name (one lookup per row)';
COMMENT ON AGGREGATE abm_window_funnel(interval, text, timestamptz, text, VARIADIC text[]) IS 'ClickHouse windowFunnel over named steps, with modes';
COMMENT ON AGGREGATE abm_window_funnel_times(interval, timestamptz, text, VARIADIC text[]) IS 'the step timestamps of the chain abm_window_funnel finds over named steps; its length is the level';
COMMENT ON AGGREGATE abm_window_funnel_times(interval, text, timestamptz, text, VARIADIC text[]) IS 'the step timestamps of the chain abm_window_funnel finds over named steps with these modes; its length is the level';
