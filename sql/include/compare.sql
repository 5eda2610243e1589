\set ECHO none
-- Included by the regression tests of the report's support aggregates
-- (\i sql/include/compare.sql):
--   pg_temp.rows_differing(a, b): the rows of two relations that the other
--     lacks, compared as text (numeric scales and float digits included);
--   pg_temp.error_of(query): 'SQLSTATE: message' of the error the query
--     raises, or 'no error'.
CREATE FUNCTION pg_temp.rows_differing(a regclass, b regclass) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM ((SELECT x::text FROM %1$s x EXCEPT SELECT y::text FROM %2$s y)
                                          UNION ALL
                                          (SELECT y::text FROM %2$s y EXCEPT SELECT x::text FROM %1$s x)) d', a, b)
        INTO n;
    RETURN n;
END $$;
CREATE FUNCTION pg_temp.error_of(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
\set ECHO all
