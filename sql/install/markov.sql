-- Data-driven attribution: the Markov-chain removal effect (src/markov.c).

CREATE TYPE abm_markov;
CREATE FUNCTION abm_markov_in(cstring) RETURNS abm_markov
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_markov_out(abm_markov) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_markov_recv(internal) RETURNS abm_markov
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_markov_send(abm_markov) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE abm_markov (
    INPUT = abm_markov_in, OUTPUT = abm_markov_out,
    RECEIVE = abm_markov_recv, SEND = abm_markov_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended);

CREATE FUNCTION abm_markov_trans(internal, text[], bool) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_markov_order_trans(internal, text[], bool, int) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_markov_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_markov_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_markov_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_markov_final(internal) RETURNS abm_markov
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_markov_merge(abm_markov, abm_markov) RETURNS abm_markov
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE abm_markov_attribution(path text[], converted bool) (
    SFUNC = abm_markov_trans, STYPE = internal, SSPACE = 8192,
    FINALFUNC = abm_markov_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_markov_combine,
    SERIALFUNC = abm_markov_serial, DESERIALFUNC = abm_markov_deserial,
    PARALLEL = SAFE);
CREATE AGGREGATE abm_markov_attribution(path text[], converted bool, "order" int) (
    SFUNC = abm_markov_order_trans, STYPE = internal, SSPACE = 8192,
    FINALFUNC = abm_markov_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_markov_combine,
    SERIALFUNC = abm_markov_serial, DESERIALFUNC = abm_markov_deserial,
    PARALLEL = SAFE);
CREATE AGGREGATE abm_rollup(abm_markov) (
    SFUNC = abm_markov_merge, STYPE = abm_markov,
    COMBINEFUNC = abm_markov_merge,
    PARALLEL = SAFE);

CREATE FUNCTION abm_markov_credits(state abm_markov)
    RETURNS TABLE(channel text, removal_effect float8, credit float8, conversions float8)
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;

COMMENT ON TYPE abm_markov IS 'a Markov chain of journeys for data-driven attribution: order, converting journeys per channel, transition counts';
COMMENT ON FUNCTION abm_markov_in(cstring) IS 'support: text input of abm_markov, e.g. ''{order: 1, channels: {"a": 1}, transitions: {start > "a": 2, "a" > conversion: 1, "a" > null: 1}}''';
COMMENT ON FUNCTION abm_markov_out(abm_markov) IS 'support: text output of abm_markov (exact, canonical order)';
COMMENT ON FUNCTION abm_markov_recv(internal) IS 'support: binary input of abm_markov, validated';
COMMENT ON FUNCTION abm_markov_send(abm_markov) IS 'support: binary output of abm_markov';
COMMENT ON FUNCTION abm_markov_trans(internal, text[], bool) IS 'support: transition of abm_markov_attribution(path, converted)';
COMMENT ON FUNCTION abm_markov_order_trans(internal, text[], bool, int) IS 'support: transition of abm_markov_attribution(path, converted, order)';
COMMENT ON FUNCTION abm_markov_combine(internal, internal) IS 'support: combines Markov states';
COMMENT ON FUNCTION abm_markov_serial(internal) IS 'support: serializes a Markov state (version byte first)';
COMMENT ON FUNCTION abm_markov_deserial(bytea, internal) IS 'support: reads a serialized Markov state, checking its version, bounds and flow';
COMMENT ON FUNCTION abm_markov_final(internal) IS 'support: final function of abm_markov_attribution';
COMMENT ON FUNCTION abm_markov_merge(abm_markov, abm_markov) IS 'support: merges two Markov states of the same order; transition and combine of abm_rollup(abm_markov)';
COMMENT ON AGGREGATE abm_markov_attribution(text[], bool) IS 'the first-order Markov chain of journeys (one row per account or opportunity: its channels in order, converted or not)';
COMMENT ON AGGREGATE abm_markov_attribution(text[], bool, int) IS 'the Markov chain of journeys of order 1, 2 or 3 (states are the last 1 to 3 channels)';
COMMENT ON AGGREGATE abm_rollup(abm_markov) IS 'merges Markov states of disjoint sets of journeys';
COMMENT ON FUNCTION abm_markov_credits(abm_markov) IS 'per channel: removal effect (1 - P(conversion without it) / P(conversion)), credit (removal effects normalised to 1 over channels of converting journeys) and conversions credited';
