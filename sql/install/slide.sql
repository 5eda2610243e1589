-- abm_rollup(abm_journey) and abm_rollup(abm_funnel), with their sliding
-- window forms (src/slide.c): in a frame such as ROWS 6 PRECEDING the
-- window adds each row once and takes it back once, instead of merging the
-- whole frame again for every row.  Journeys keep the frame as a queue of
-- merges (an earliest entry cannot be subtracted); funnels subtract what a
-- leaving row added (its counts, and its durations, the oldest of the
-- frame).  Either way every result equals abm_rollup over the frame's rows.

CREATE FUNCTION abm_journey_mtrans(internal, abm_journey) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_journey_minv(internal, abm_journey) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_journey_mfinal(internal) RETURNS abm_journey
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE abm_rollup(abm_journey) (
    SFUNC = abm_journey_merge, STYPE = abm_journey,
    COMBINEFUNC = abm_journey_merge,
    MSFUNC = abm_journey_mtrans, MINVFUNC = abm_journey_minv, MSTYPE = internal,
    MSSPACE = 2048, MFINALFUNC = abm_journey_mfinal, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE FUNCTION abm_funnel_mtrans(internal, abm_funnel) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_funnel_minv(internal, abm_funnel) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_funnel_mfinal(internal) RETURNS abm_funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE abm_rollup(abm_funnel) (
    SFUNC = abm_funnel_merge, STYPE = abm_funnel,
    COMBINEFUNC = abm_funnel_merge,
    MSFUNC = abm_funnel_mtrans, MINVFUNC = abm_funnel_minv, MSTYPE = internal,
    MFINALFUNC = abm_funnel_mfinal, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

COMMENT ON FUNCTION abm_journey_mtrans(internal, abm_journey) IS 'support: sliding-window transition of abm_rollup(abm_journey)';
COMMENT ON FUNCTION abm_journey_minv(internal, abm_journey) IS 'support: sliding-window inverse transition of abm_rollup(abm_journey) (a queue of merges: linear time)';
COMMENT ON FUNCTION abm_journey_mfinal(internal) IS 'support: sliding-window final function of abm_rollup(abm_journey)';
COMMENT ON FUNCTION abm_funnel_mtrans(internal, abm_funnel) IS 'support: sliding-window transition of abm_rollup(abm_funnel)';
COMMENT ON FUNCTION abm_funnel_minv(internal, abm_funnel) IS 'support: sliding-window inverse transition of abm_rollup(abm_funnel) (subtracts the leaving funnel exactly, or restarts the frame)';
COMMENT ON FUNCTION abm_funnel_mfinal(internal) IS 'support: sliding-window final function of abm_rollup(abm_funnel)';
COMMENT ON AGGREGATE abm_rollup(abm_journey) IS 'merges journeys: the earliest entry of each stage';
COMMENT ON AGGREGATE abm_rollup(abm_funnel) IS 'merges funnels of disjoint sets of accounts';
