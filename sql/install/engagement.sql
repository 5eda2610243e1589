-- Account engagement (src/engagement.c): the decayed score, the storable
-- per-account state abm_engagement, its aggregates and accessors.

-- abm_engagement_score: sum of weight * 2^(-(as_of - occurred_at) / half_life)

CREATE FUNCTION abm_engagement_score_trans(internal, float8, timestamptz, timestamptz, interval)
    RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_engagement_score_activity_trans(internal, text, timestamptz, timestamptz, interval)
    RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_engagement_score_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_engagement_score_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_engagement_score_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_engagement_score_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE abm_engagement_score(weight float8, occurred_at timestamptz,
                                      as_of timestamptz, half_life interval) (
    SFUNC = abm_engagement_score_trans, STYPE = internal, SSPACE = 56,
    FINALFUNC = abm_engagement_score_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_engagement_score_combine,
    SERIALFUNC = abm_engagement_score_serial, DESERIALFUNC = abm_engagement_score_deserial,
    PARALLEL = SAFE);

CREATE AGGREGATE abm_engagement_score(activity text, occurred_at timestamptz,
                                      as_of timestamptz, half_life interval) (
    SFUNC = abm_engagement_score_activity_trans, STYPE = internal, SSPACE = 56,
    FINALFUNC = abm_engagement_score_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_engagement_score_combine,
    SERIALFUNC = abm_engagement_score_serial, DESERIALFUNC = abm_engagement_score_deserial,
    PARALLEL = SAFE);

-- The storable state.  Its text form is a JSON object; its binary form (on
-- disk and on the wire) starts with the format version byte.

CREATE TYPE abm_engagement;

CREATE FUNCTION abm_engagement_in(cstring) RETURNS abm_engagement
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_engagement_out(abm_engagement) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_engagement_recv(internal) RETURNS abm_engagement
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_engagement_send(abm_engagement) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE abm_engagement (
    INPUT = abm_engagement_in, OUTPUT = abm_engagement_out,
    RECEIVE = abm_engagement_recv, SEND = abm_engagement_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended);

-- Timestamps are written in UTC, so the jsonb form does not depend on the
-- session's TimeZone.
CREATE FUNCTION abm_engagement_jsonb(abm_engagement) RETURNS jsonb
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (abm_engagement AS jsonb) WITH FUNCTION abm_engagement_jsonb(abm_engagement);
COMMENT ON CAST (abm_engagement AS jsonb) IS 'the engagement state as jsonb: its text form plus total_touches, engaged_contacts and contacts_exact';

-- abm_engagement_agg: touches to a state

CREATE FUNCTION abm_engagement_agg_trans(internal, text, timestamptz, bigint, interval)
    RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_engagement_agg_weight_trans(internal, text, float8, timestamptz, bigint, interval)
    RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_engagement_agg_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_engagement_agg_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_engagement_agg_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_engagement_agg_final(internal) RETURNS abm_engagement
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- Moving-aggregate mode (sliding window frames), shared with abm_rollup:
-- the frame is a queue of states (src/engagement.c).
CREATE FUNCTION abm_engagement_agg_mtrans(internal, text, timestamptz, bigint, interval)
    RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_engagement_agg_minv(internal, text, timestamptz, bigint, interval)
    RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_engagement_agg_weight_mtrans(internal, text, float8, timestamptz, bigint, interval)
    RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_engagement_agg_weight_minv(internal, text, float8, timestamptz, bigint, interval)
    RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_engagement_mfinal(internal) RETURNS abm_engagement
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE abm_engagement_agg(activity text, occurred_at timestamptz,
                                    contact_id bigint, half_life interval) (
    SFUNC = abm_engagement_agg_trans, STYPE = internal, SSPACE = 288,
    FINALFUNC = abm_engagement_agg_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_engagement_agg_combine,
    SERIALFUNC = abm_engagement_agg_serial, DESERIALFUNC = abm_engagement_agg_deserial,
    MSFUNC = abm_engagement_agg_mtrans, MINVFUNC = abm_engagement_agg_minv,
    MSTYPE = internal, MSSPACE = 2048,
    MFINALFUNC = abm_engagement_mfinal, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE abm_engagement_agg(activity text, weight float8, occurred_at timestamptz,
                                    contact_id bigint, half_life interval) (
    SFUNC = abm_engagement_agg_weight_trans, STYPE = internal, SSPACE = 288,
    FINALFUNC = abm_engagement_agg_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_engagement_agg_combine,
    SERIALFUNC = abm_engagement_agg_serial, DESERIALFUNC = abm_engagement_agg_deserial,
    MSFUNC = abm_engagement_agg_weight_mtrans, MINVFUNC = abm_engagement_agg_weight_minv,
    MSTYPE = internal, MSSPACE = 2048,
    MFINALFUNC = abm_engagement_mfinal, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

-- abm_rollup: states to a state.  The state type is abm_engagement itself,
-- so Citus can combine partial rollups across nodes (docs/scale-out.md).

CREATE FUNCTION abm_engagement_merge(abm_engagement, abm_engagement) RETURNS abm_engagement
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_engagement_mtrans(internal, abm_engagement) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_engagement_minv(internal, abm_engagement) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE abm_rollup(abm_engagement) (
    SFUNC = abm_engagement_merge, STYPE = abm_engagement, SSPACE = 288,
    COMBINEFUNC = abm_engagement_merge,
    MSFUNC = abm_engagement_mtrans, MINVFUNC = abm_engagement_minv, MSTYPE = internal,
    MSSPACE = 2048, MFINALFUNC = abm_engagement_mfinal, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

-- Accessors

CREATE FUNCTION abm_score(abm_engagement, as_of timestamptz) RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_touches(abm_engagement) RETURNS bigint
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_touches(abm_engagement, activity text) RETURNS bigint
    AS 'MODULE_PATHNAME', 'abm_touches_activity' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_first_touch(abm_engagement) RETURNS timestamptz
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_last_touch(abm_engagement) RETURNS timestamptz
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_engaged_contacts(abm_engagement) RETURNS bigint
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_half_life(abm_engagement) RETURNS interval
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION abm_engagement_score_trans(internal, float8, timestamptz, timestamptz, interval) IS 'support: transition of abm_engagement_score (weight)';
COMMENT ON FUNCTION abm_engagement_score_activity_trans(internal, text, timestamptz, timestamptz, interval) IS 'support: transition of abm_engagement_score (activity)';
COMMENT ON FUNCTION abm_engagement_score_combine(internal, internal) IS 'support: combines abm_engagement_score states';
COMMENT ON FUNCTION abm_engagement_score_serial(internal) IS 'support: serializes an abm_engagement_score state (version byte first)';
COMMENT ON FUNCTION abm_engagement_score_deserial(bytea, internal) IS 'support: reads a serialized abm_engagement_score state, checking its version and bounds';
COMMENT ON FUNCTION abm_engagement_score_final(internal) IS 'support: final function of abm_engagement_score';
COMMENT ON AGGREGATE abm_engagement_score(float8, timestamptz, timestamptz, interval) IS 'engagement score: sum of weight * 2^(-(as_of - occurred_at) / half_life) over touches at or before as_of';
COMMENT ON AGGREGATE abm_engagement_score(text, timestamptz, timestamptz, interval) IS 'engagement score with the default weight of each activity (abm_activity_weight)';
COMMENT ON TYPE abm_engagement IS 'storable engagement state of an account: half-life, first and last touch, decayed score, touches per activity, engaged contacts';
COMMENT ON FUNCTION abm_engagement_in(cstring) IS 'support: text input of abm_engagement (a JSON object)';
COMMENT ON FUNCTION abm_engagement_out(abm_engagement) IS 'support: text output of abm_engagement (a JSON object that reads back exactly)';
COMMENT ON FUNCTION abm_engagement_recv(internal) IS 'support: binary input of abm_engagement, checking its version and bounds';
COMMENT ON FUNCTION abm_engagement_send(abm_engagement) IS 'support: binary output of abm_engagement (version byte first)';
COMMENT ON FUNCTION abm_engagement_jsonb(abm_engagement) IS 'the engagement state as jsonb, with total_touches, engaged_contacts and contacts_exact added';
COMMENT ON FUNCTION abm_engagement_agg_trans(internal, text, timestamptz, bigint, interval) IS 'support: transition of abm_engagement_agg (default weights)';
COMMENT ON FUNCTION abm_engagement_agg_weight_trans(internal, text, float8, timestamptz, bigint, interval) IS 'support: transition of abm_engagement_agg (explicit weights)';
COMMENT ON FUNCTION abm_engagement_agg_combine(internal, internal) IS 'support: combines abm_engagement_agg states';
COMMENT ON FUNCTION abm_engagement_agg_serial(internal) IS 'support: serializes an abm_engagement_agg state (the abm_engagement binary form)';
COMMENT ON FUNCTION abm_engagement_agg_deserial(bytea, internal) IS 'support: reads a serialized abm_engagement_agg state, checking its version and bounds';
COMMENT ON FUNCTION abm_engagement_agg_final(internal) IS 'support: final function of abm_engagement_agg';
COMMENT ON AGGREGATE abm_engagement_agg(text, timestamptz, bigint, interval) IS 'engagement state of the touches: score with default activity weights, counts per activity, first and last touch, engaged contacts';
COMMENT ON AGGREGATE abm_engagement_agg(text, float8, timestamptz, bigint, interval) IS 'engagement state of the touches, each weighted by the given weight';
COMMENT ON FUNCTION abm_engagement_merge(abm_engagement, abm_engagement) IS 'merges two engagement states of the same half-life (transition and combine of abm_rollup)';
COMMENT ON FUNCTION abm_engagement_mtrans(internal, abm_engagement) IS 'support: moving-window transition of abm_rollup(abm_engagement)';
COMMENT ON FUNCTION abm_engagement_minv(internal, abm_engagement) IS 'support: moving-window inverse transition of abm_rollup(abm_engagement) (sliding windows in linear time)';
COMMENT ON FUNCTION abm_engagement_mfinal(internal) IS 'support: moving-window final function of abm_rollup and abm_engagement_agg';
COMMENT ON FUNCTION abm_engagement_agg_mtrans(internal, text, timestamptz, bigint, interval) IS 'support: moving-window transition of abm_engagement_agg (default weights)';
COMMENT ON FUNCTION abm_engagement_agg_minv(internal, text, timestamptz, bigint, interval) IS 'support: moving-window inverse transition of abm_engagement_agg (sliding windows in linear time)';
COMMENT ON FUNCTION abm_engagement_agg_weight_mtrans(internal, text, float8, timestamptz, bigint, interval) IS 'support: moving-window transition of abm_engagement_agg (explicit weights)';
COMMENT ON FUNCTION abm_engagement_agg_weight_minv(internal, text, float8, timestamptz, bigint, interval) IS 'support: moving-window inverse transition of abm_engagement_agg (explicit weights)';
COMMENT ON AGGREGATE abm_rollup(abm_engagement) IS 'merges engagement states (e.g. daily states into a 90-day state); equal to abm_engagement_agg over all their touches';
COMMENT ON FUNCTION abm_score(abm_engagement, timestamptz) IS 'decayed engagement score of the state at as_of (not before its last touch)';
COMMENT ON FUNCTION abm_touches(abm_engagement) IS 'number of touches in the state';
COMMENT ON FUNCTION abm_touches(abm_engagement, text) IS 'number of touches of one standard activity, or of every other activity (''other'')';
COMMENT ON FUNCTION abm_first_touch(abm_engagement) IS 'time of the first touch in the state';
COMMENT ON FUNCTION abm_last_touch(abm_engagement) IS 'time of the last touch in the state';
COMMENT ON FUNCTION abm_engaged_contacts(abm_engagement) IS 'distinct contacts with a touch: exact up to 16, then a linear-counting estimate';
COMMENT ON FUNCTION abm_half_life(abm_engagement) IS 'half-life the state was built with';
