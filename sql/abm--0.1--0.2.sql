-- abm 0.1 -> 0.2 (ALTER EXTENSION abm UPDATE TO '0.2').
-- Every change of the SQL surface since 0.1, in the order it was made; a
-- fresh install of 0.2 (generated from sql/install/*.sql) must define the
-- same objects (test/tap/012_upgrade.pl compares the two catalogs).
\echo Use "ALTER EXTENSION abm UPDATE TO '0.2'" to load this file. \quit

-- ---------------------------------------------------------------------
-- Data-driven attribution and lift: the abm_markov and abm_shapley types
-- and their aggregates, abm_lift.  The same definitions as
-- sql/install/markov.sql, shapley.sql and lift.sql.
-- ---------------------------------------------------------------------

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

-- Conversion lift with a confidence interval and a p-value (src/lift.c).

CREATE TYPE abm_lift_result AS (
    treated_rate float8,
    control_rate float8,
    lift float8,
    lift_low float8,
    lift_high float8,
    p_value float8);

CREATE FUNCTION abm_lift_trans(internal, bool, bool) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_lift_trans(internal, bool, bool, float8) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_lift_inv(internal, bool, bool) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_lift_inv(internal, bool, bool, float8) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_lift_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_lift_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_lift_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_lift_final(internal) RETURNS abm_lift_result
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE abm_lift(treated bool, converted bool) (
    SFUNC = abm_lift_trans, STYPE = internal, SSPACE = 40,
    FINALFUNC = abm_lift_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_lift_combine,
    SERIALFUNC = abm_lift_serial, DESERIALFUNC = abm_lift_deserial,
    MSFUNC = abm_lift_trans, MINVFUNC = abm_lift_inv, MSTYPE = internal, MSSPACE = 40,
    MFINALFUNC = abm_lift_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);
CREATE AGGREGATE abm_lift(treated bool, converted bool, confidence float8) (
    SFUNC = abm_lift_trans, STYPE = internal, SSPACE = 40,
    FINALFUNC = abm_lift_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_lift_combine,
    SERIALFUNC = abm_lift_serial, DESERIALFUNC = abm_lift_deserial,
    MSFUNC = abm_lift_trans, MINVFUNC = abm_lift_inv, MSTYPE = internal, MSSPACE = 40,
    MFINALFUNC = abm_lift_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

COMMENT ON TYPE abm_lift_result IS 'conversion rates of the treated and control groups, the lift treated_rate / control_rate - 1 with its confidence interval (log method), and the two-sided p-value of the pooled two-proportion z-test';
COMMENT ON FUNCTION abm_lift_trans(internal, bool, bool) IS 'support: transition of abm_lift(treated, converted)';
COMMENT ON FUNCTION abm_lift_trans(internal, bool, bool, float8) IS 'support: transition of abm_lift(treated, converted, confidence)';
COMMENT ON FUNCTION abm_lift_inv(internal, bool, bool) IS 'support: inverse transition of abm_lift(treated, converted) (sliding windows)';
COMMENT ON FUNCTION abm_lift_inv(internal, bool, bool, float8) IS 'support: inverse transition of abm_lift(treated, converted, confidence) (sliding windows)';
COMMENT ON FUNCTION abm_lift_combine(internal, internal) IS 'support: combines lift states';
COMMENT ON FUNCTION abm_lift_serial(internal) IS 'support: serializes a lift state (version byte first)';
COMMENT ON FUNCTION abm_lift_deserial(bytea, internal) IS 'support: reads a serialized lift state, checking its version and bounds';
COMMENT ON FUNCTION abm_lift_final(internal) IS 'support: final function of abm_lift';
COMMENT ON AGGREGATE abm_lift(bool, bool) IS 'conversion lift of the treated rows over the others, with a 95 % confidence interval and a two-sided p-value; NULL where undefined, never NaN';
COMMENT ON AGGREGATE abm_lift(bool, bool, float8) IS 'conversion lift of the treated rows over the others, with a confidence interval at the given level (0 to 1) and a two-sided p-value';
