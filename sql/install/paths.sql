-- Journey paths (src/paths.c): an account's path to conversion, and the most
-- frequent paths of many accounts.

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
