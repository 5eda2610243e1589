-- Data-driven attribution: Shapley values over channel sets (src/shapley.c).

CREATE TYPE abm_shapley;
CREATE FUNCTION abm_shapley_in(cstring) RETURNS abm_shapley
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_shapley_out(abm_shapley) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_shapley_recv(internal) RETURNS abm_shapley
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_shapley_send(abm_shapley) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE abm_shapley (
    INPUT = abm_shapley_in, OUTPUT = abm_shapley_out,
    RECEIVE = abm_shapley_recv, SEND = abm_shapley_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended);

CREATE FUNCTION abm_shapley_trans(internal, text[], bool) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_shapley_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_shapley_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_shapley_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_shapley_final(internal) RETURNS abm_shapley
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_shapley_merge(abm_shapley, abm_shapley) RETURNS abm_shapley
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE abm_shapley_attribution(channels text[], converted bool) (
    SFUNC = abm_shapley_trans, STYPE = internal, SSPACE = 1024,
    FINALFUNC = abm_shapley_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_shapley_combine,
    SERIALFUNC = abm_shapley_serial, DESERIALFUNC = abm_shapley_deserial,
    PARALLEL = SAFE);
CREATE AGGREGATE abm_rollup(abm_shapley) (
    SFUNC = abm_shapley_merge, STYPE = abm_shapley,
    COMBINEFUNC = abm_shapley_merge,
    PARALLEL = SAFE);

CREATE FUNCTION abm_shapley_credits(state abm_shapley)
    RETURNS TABLE(channel text, credit float8, conversions float8)
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;

COMMENT ON TYPE abm_shapley IS 'journeys and conversions per exact set of channels touched (at most 16 channels), for Shapley-value attribution';
COMMENT ON FUNCTION abm_shapley_in(cstring) IS 'support: text input of abm_shapley, e.g. ''{"email": 1/3, ("email", "web"): 4/10}'' (conversions/journeys per channel set)';
COMMENT ON FUNCTION abm_shapley_out(abm_shapley) IS 'support: text output of abm_shapley (exact, canonical order)';
COMMENT ON FUNCTION abm_shapley_recv(internal) IS 'support: binary input of abm_shapley, validated';
COMMENT ON FUNCTION abm_shapley_send(abm_shapley) IS 'support: binary output of abm_shapley';
COMMENT ON FUNCTION abm_shapley_trans(internal, text[], bool) IS 'support: transition of abm_shapley_attribution';
COMMENT ON FUNCTION abm_shapley_combine(internal, internal) IS 'support: combines Shapley states';
COMMENT ON FUNCTION abm_shapley_serial(internal) IS 'support: serializes a Shapley state (version byte first)';
COMMENT ON FUNCTION abm_shapley_deserial(bytea, internal) IS 'support: reads a serialized Shapley state, checking its version and bounds';
COMMENT ON FUNCTION abm_shapley_final(internal) IS 'support: final function of abm_shapley_attribution';
COMMENT ON FUNCTION abm_shapley_merge(abm_shapley, abm_shapley) IS 'support: merges two Shapley states; transition and combine of abm_rollup(abm_shapley)';
COMMENT ON AGGREGATE abm_shapley_attribution(text[], bool) IS 'journeys and conversions per set of channels touched (one row per journey: its channels in any order, converted or not), for abm_shapley_credits';
COMMENT ON AGGREGATE abm_rollup(abm_shapley) IS 'merges Shapley states of disjoint sets of journeys';
COMMENT ON FUNCTION abm_shapley_credits(abm_shapley) IS 'exact Shapley value of each channel (at most 16) in the game whose worth of a channel set is the conversions of journeys within it: conversions credited (summing to all conversions) and credit (their share)';
