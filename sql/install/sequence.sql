-- ClickHouse-compatible sequence functions (src/sequence.c, src/next_node.c).

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
