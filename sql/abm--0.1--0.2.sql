-- abm 0.1 -> 0.2 (ALTER EXTENSION abm UPDATE TO '0.2').
-- Every change of the SQL surface since 0.1, in the order it was made; a
-- fresh install of 0.2 (generated from sql/install/*.sql) must define the
-- same objects (test/tap/012_upgrade.pl compares the two catalogs).
\echo Use "ALTER EXTENSION abm UPDATE TO '0.2'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Sequences and paths (issue 20): ClickHouse's sequenceMatch, sequenceCount,
-- sequenceMatchEvents and sequenceNextNode, and journey paths.
-- As in sql/install/sequence.sql and sql/install/paths.sql.
-- ---------------------------------------------------------------------------

CREATE FUNCTION abm_sequence_trans(internal, text, timestamptz, bool[]) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_sequence_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_sequence_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_sequence_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_sequence_match_final(internal) RETURNS bool
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_sequence_count_final(internal) RETURNS bigint
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_sequence_match_events_final(internal) RETURNS timestamptz[]
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- SSPACE: the state header, the parsed pattern and 16 bytes per event for a
-- typical account of 25 events meeting a condition.
CREATE AGGREGATE abm_sequence_match(pattern text, ts timestamptz, VARIADIC conds bool[]) (
    SFUNC = abm_sequence_trans, STYPE = internal, SSPACE = 640,
    FINALFUNC = abm_sequence_match_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_sequence_combine,
    SERIALFUNC = abm_sequence_serial, DESERIALFUNC = abm_sequence_deserial,
    PARALLEL = SAFE);

CREATE AGGREGATE abm_sequence_count(pattern text, ts timestamptz, VARIADIC conds bool[]) (
    SFUNC = abm_sequence_trans, STYPE = internal, SSPACE = 640,
    FINALFUNC = abm_sequence_count_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_sequence_combine,
    SERIALFUNC = abm_sequence_serial, DESERIALFUNC = abm_sequence_deserial,
    PARALLEL = SAFE);

CREATE AGGREGATE abm_sequence_match_events(pattern text, ts timestamptz, VARIADIC conds bool[]) (
    SFUNC = abm_sequence_trans, STYPE = internal, SSPACE = 640,
    FINALFUNC = abm_sequence_match_events_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_sequence_combine,
    SERIALFUNC = abm_sequence_serial, DESERIALFUNC = abm_sequence_deserial,
    PARALLEL = SAFE);

CREATE FUNCTION abm_sequence_next_node_trans(internal, text, text, timestamptz, text, bool, bool[]) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_sequence_next_node_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_sequence_next_node_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_sequence_next_node_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_sequence_next_node_final(internal) RETURNS text
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- SSPACE: head and tail keep at most events + 1 nodes of 24 bytes and their
-- values; first_match and last_match keep every node (a typical account has
-- about 100 touches) and each distinct value once.
CREATE AGGREGATE abm_sequence_next_node(direction text, base text, ts timestamptz, value text,
                                        base_cond bool, VARIADIC event_conds bool[]) (
    SFUNC = abm_sequence_next_node_trans, STYPE = internal, SSPACE = 2048,
    FINALFUNC = abm_sequence_next_node_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_sequence_next_node_combine,
    SERIALFUNC = abm_sequence_next_node_serial, DESERIALFUNC = abm_sequence_next_node_deserial,
    PARALLEL = SAFE);

COMMENT ON FUNCTION abm_sequence_trans(internal, text, timestamptz, bool[]) IS 'support: transition of abm_sequence_match, abm_sequence_count and abm_sequence_match_events (parses the pattern once per group, keeps rows meeting a condition)';
COMMENT ON FUNCTION abm_sequence_combine(internal, internal) IS 'support: combines sequence states (parallel query)';
COMMENT ON FUNCTION abm_sequence_serial(internal) IS 'support: serializes a sequence state (version byte first)';
COMMENT ON FUNCTION abm_sequence_deserial(bytea, internal) IS 'support: reads a serialized sequence state, checking its version, pattern and bounds';
COMMENT ON FUNCTION abm_sequence_match_final(internal) IS 'support: final function of abm_sequence_match';
COMMENT ON FUNCTION abm_sequence_count_final(internal) IS 'support: final function of abm_sequence_count';
COMMENT ON FUNCTION abm_sequence_match_events_final(internal) IS 'support: final function of abm_sequence_match_events';
COMMENT ON AGGREGATE abm_sequence_match(text, timestamptz, VARIADIC bool[]) IS 'ClickHouse sequenceMatch: whether the events (rows meeting a condition, by time) match the pattern, e.g. ''(?1).*(?t<=86400)(?2)''; up to 32 conditions';
COMMENT ON AGGREGATE abm_sequence_count(text, timestamptz, VARIADIC bool[]) IS 'ClickHouse sequenceCount: how many non-overlapping times the events match the pattern';
COMMENT ON AGGREGATE abm_sequence_match_events(text, timestamptz, VARIADIC bool[]) IS 'ClickHouse sequenceMatchEvents: the timestamps of the events matching the (?N) elements of the first match, or of the longest partial chain';
COMMENT ON FUNCTION abm_sequence_next_node_trans(internal, text, text, timestamptz, text, bool, bool[]) IS 'support: transition of abm_sequence_next_node';
COMMENT ON FUNCTION abm_sequence_next_node_combine(internal, internal) IS 'support: combines sequence next node states (parallel query)';
COMMENT ON FUNCTION abm_sequence_next_node_serial(internal) IS 'support: serializes a sequence next node state (version byte first)';
COMMENT ON FUNCTION abm_sequence_next_node_deserial(bytea, internal) IS 'support: reads a serialized sequence next node state, checking its version and bounds';
COMMENT ON FUNCTION abm_sequence_next_node_final(internal) IS 'support: final function of abm_sequence_next_node';
COMMENT ON AGGREGATE abm_sequence_next_node(text, text, timestamptz, text, bool, VARIADIC bool[]) IS 'ClickHouse sequenceNextNode: the value after (forward) or before (backward) a chain of events from a base point (head, tail, first_match, last_match); up to 64 event conditions';

CREATE TYPE abm_path_result AS (
    path text[],
    converted bool,
    days_to_conversion float8
);

CREATE FUNCTION abm_path_trans(internal, int, timestamptz, text, bool) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_path_trans(internal, int, timestamptz, text, bool, bool) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_path_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_path_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_path_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_path_final(internal) RETURNS abm_path_result
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- SSPACE: the state header, a dozen activity names and 16 bytes per row for
-- a typical account of 100 touches.
CREATE AGGREGATE abm_path(steps int, ts timestamptz, activity text, is_conversion bool) (
    SFUNC = abm_path_trans, STYPE = internal, SSPACE = 2048,
    FINALFUNC = abm_path_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_path_combine,
    SERIALFUNC = abm_path_serial, DESERIALFUNC = abm_path_deserial,
    PARALLEL = SAFE);

CREATE AGGREGATE abm_path(steps int, ts timestamptz, activity text, is_conversion bool, is_start bool) (
    SFUNC = abm_path_trans, STYPE = internal, SSPACE = 2048,
    FINALFUNC = abm_path_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_path_combine,
    SERIALFUNC = abm_path_serial, DESERIALFUNC = abm_path_deserial,
    PARALLEL = SAFE);

-- The summary is plain SQL over the per-account results; every name is
-- schema-qualified and the search_path pinned, so a caller's search_path
-- changes nothing.
CREATE FUNCTION abm_paths(paths abm_path_result[])
    RETURNS TABLE(path text[], accounts bigint, conversions bigint,
                  conversion_rate float8, median_days float8)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT p.path,
           pg_catalog.count(*),
           pg_catalog.count(*) FILTER (WHERE p.converted),
           pg_catalog.count(*) FILTER (WHERE p.converted)::pg_catalog.float8
               OPERATOR(pg_catalog./) pg_catalog.count(*)::pg_catalog.float8,
           pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY p.days_to_conversion)
               FILTER (WHERE p.converted)
    FROM pg_catalog.unnest(paths) AS p
    WHERE p.path IS NOT NULL
    GROUP BY p.path
    ORDER BY 2 DESC, 3 DESC, 1
$$;

COMMENT ON TYPE abm_path_result IS 'result of abm_path: the path (activities, consecutive repeats collapsed), whether the account converted, and the days from the path''s first step (or the start event) to the conversion';
COMMENT ON FUNCTION abm_path_trans(internal, int, timestamptz, text, bool) IS 'support: transition of abm_path before a conversion';
COMMENT ON FUNCTION abm_path_trans(internal, int, timestamptz, text, bool, bool) IS 'support: transition of abm_path from a start event';
COMMENT ON FUNCTION abm_path_combine(internal, internal) IS 'support: combines path states (parallel query)';
COMMENT ON FUNCTION abm_path_serial(internal) IS 'support: serializes a path state (version byte first)';
COMMENT ON FUNCTION abm_path_deserial(bytea, internal) IS 'support: reads a serialized path state, checking its version and bounds';
COMMENT ON FUNCTION abm_path_final(internal) IS 'support: final function of abm_path';
COMMENT ON AGGREGATE abm_path(int, timestamptz, text, bool) IS 'an account''s path: its last steps activities before its first conversion (all of its activities when it has none), consecutive repeats collapsed';
COMMENT ON AGGREGATE abm_path(int, timestamptz, text, bool, bool) IS 'an account''s path: its first steps activities from its first start event up to its first conversion, consecutive repeats collapsed; NULL without a start event';
COMMENT ON FUNCTION abm_paths(abm_path_result[]) IS 'the paths of many accounts (abm_path results), most frequent first: accounts, conversions, conversion rate and median days to conversion per path';
