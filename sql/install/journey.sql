-- Account journeys (src/journey.c).

CREATE TYPE abm_journey;
CREATE FUNCTION abm_journey_in(cstring) RETURNS abm_journey
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_journey_out(abm_journey) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_journey_recv(internal) RETURNS abm_journey
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_journey_send(abm_journey) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE abm_journey (
    INPUT = abm_journey_in, OUTPUT = abm_journey_out,
    RECEIVE = abm_journey_recv, SEND = abm_journey_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = main);

CREATE FUNCTION abm_journey_trans(internal, text, timestamptz) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_journey_stages_trans(internal, text, timestamptz, text[]) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_journey_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_journey_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_journey_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_journey_final(internal) RETURNS abm_journey
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_journey_merge(abm_journey, abm_journey) RETURNS abm_journey
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE abm_journey(stage text, entered_at timestamptz) (
    SFUNC = abm_journey_trans, STYPE = internal, SSPACE = 144,
    FINALFUNC = abm_journey_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_journey_combine,
    SERIALFUNC = abm_journey_serial, DESERIALFUNC = abm_journey_deserial,
    PARALLEL = SAFE);
CREATE AGGREGATE abm_journey(stage text, entered_at timestamptz, stages text[]) (
    SFUNC = abm_journey_stages_trans, STYPE = internal, SSPACE = 144,
    FINALFUNC = abm_journey_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_journey_combine,
    SERIALFUNC = abm_journey_serial, DESERIALFUNC = abm_journey_deserial,
    PARALLEL = SAFE);
CREATE FUNCTION abm_stage(journey abm_journey) RETURNS text
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_entered(journey abm_journey, stage text) RETURNS timestamptz
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON TYPE abm_journey IS 'an account journey: the first time it entered each stage of an ordered list of at most 16 (default: target, engaged, opportunity, won, retained, expanded)';
COMMENT ON FUNCTION abm_journey_in(cstring) IS 'support: text input of abm_journey, e.g. ''{target: 2024-01-05 10:00:00+00}''';
COMMENT ON FUNCTION abm_journey_out(abm_journey) IS 'support: text output of abm_journey (UTC, ISO, exact)';
COMMENT ON FUNCTION abm_journey_recv(internal) IS 'support: binary input of abm_journey, validated';
COMMENT ON FUNCTION abm_journey_send(abm_journey) IS 'support: binary output of abm_journey';
COMMENT ON FUNCTION abm_journey_trans(internal, text, timestamptz) IS 'support: transition of abm_journey(stage, entered_at)';
COMMENT ON FUNCTION abm_journey_stages_trans(internal, text, timestamptz, text[]) IS 'support: transition of abm_journey(stage, entered_at, stages)';
COMMENT ON FUNCTION abm_journey_combine(internal, internal) IS 'support: combines journey states';
COMMENT ON FUNCTION abm_journey_serial(internal) IS 'support: serializes a journey state (version byte first)';
COMMENT ON FUNCTION abm_journey_deserial(bytea, internal) IS 'support: reads a serialized journey state, checking its version and bounds';
COMMENT ON FUNCTION abm_journey_final(internal) IS 'support: final function of abm_journey';
COMMENT ON FUNCTION abm_journey_merge(abm_journey, abm_journey) IS 'support: merges two journeys (earliest entry per stage); transition and combine of abm_rollup(abm_journey)';
COMMENT ON AGGREGATE abm_journey(text, timestamptz) IS 'the journey of an account from its stage entries, over the default six-stage list';
COMMENT ON AGGREGATE abm_journey(text, timestamptz, text[]) IS 'the journey of an account from its stage entries, over your own ordered stage list (at most 16)';
COMMENT ON FUNCTION abm_stage(abm_journey) IS 'the furthest stage the journey entered; NULL when none';
COMMENT ON FUNCTION abm_entered(abm_journey, text) IS 'when the journey first entered the stage; NULL when it did not';
