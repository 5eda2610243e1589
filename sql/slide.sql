-- Sliding window forms of abm_rollup(abm_journey) and abm_rollup(abm_funnel)
-- (src/slide.c): every frame's result equals abm_rollup recomputed over the
-- frame's rows by a LATERAL subquery, byte for byte (the text forms list
-- durations in row order).
SET TimeZone = 'UTC';

-- 200 journeys: row i enters each of the six default stages unless
-- (i * 7 + s * 3) % 5 = 0, at a day and hour that depend on i and the
-- stage; every 17th row is NULL (skipped, as by the plain rollup).
CREATE TEMP TABLE sj AS
SELECT i, CASE WHEN i % 17 <> 0 THEN j END AS j
FROM (SELECT i, abm_journey(stage, timestamptz '2024-01-01' + ((i * 37 + s * 11) % 97) * interval '1 day'
                                                        + s * interval '13 hours') AS j
      FROM generate_series(1, 200) i,
           unnest(ARRAY['target', 'engaged', 'opportunity', 'won', 'retained', 'expanded']) WITH ORDINALITY AS st(stage, s)
      WHERE (i * 7 + s * 3) % 5 <> 0
      GROUP BY i) g;

-- 150 funnels: funnel g is built from the journeys g .. g + g % 4, so
-- neighbouring funnels share accounts and hold 1 to 4 of them.
CREATE TEMP TABLE sf AS
SELECT g AS i, (SELECT abm_funnel(j) FROM sj WHERE sj.i BETWEEN g AND g + g % 4) AS f
FROM generate_series(1, 150) g;

-- The frame from row i - lo to row i - hi (ids are 1..n without gaps, so
-- ROWS frames and id ranges are the same rows).  Returns the frames, the
-- frames whose sliding result differs from the recomputation (must be 0),
-- whether the frames really differ (more than a third of them distinct,
-- and some differing from their own row), and a control: against the
-- recomputation of a frame one row wider, mismatches must be found.
CREATE FUNCTION pg_temp.slide_check(tbl text, col text, lo int, hi int)
RETURNS TABLE(frame text, frames bigint, mismatches bigint, frames_differ boolean, control_finds_mismatches boolean)
LANGUAGE plpgsql AS $$
DECLARE
    bound text[] := ARRAY[
        CASE WHEN lo > 0 THEN lo || ' PRECEDING' WHEN lo = 0 THEN 'CURRENT ROW' ELSE -lo || ' FOLLOWING' END,
        CASE WHEN hi > 0 THEN hi || ' PRECEDING' WHEN hi = 0 THEN 'CURRENT ROW' ELSE -hi || ' FOLLOWING' END];
BEGIN
    frame := format('ROWS BETWEEN %s AND %s', bound[1], bound[2]);
    RETURN QUERY EXECUTE format($q$
        WITH slid AS (
            SELECT t.i, t.%2$I AS v, abm_rollup(t.%2$I) OVER (ORDER BY t.i %3$s) AS s FROM %1$I t),
        cmp AS (
            SELECT slid.*,
                   (SELECT abm_rollup(u.%2$I ORDER BY u.i) FROM %1$I u
                    WHERE u.i BETWEEN slid.i - %4$s AND slid.i - %5$s) AS r,
                   (SELECT abm_rollup(u.%2$I ORDER BY u.i) FROM %1$I u
                    WHERE u.i BETWEEN slid.i - %4$s - 1 AND slid.i - %5$s) AS wider
            FROM slid)
        SELECT %6$L, count(*),
               count(*) FILTER (WHERE s::text IS DISTINCT FROM r::text),
               count(DISTINCT s::text) * 3 > count(*)
                 AND (%4$s = %5$s OR count(*) FILTER (WHERE s::text IS DISTINCT FROM v::text) > 0),
               count(*) FILTER (WHERE s::text IS DISTINCT FROM wider::text) > 0
        FROM cmp$q$, tbl, col, frame, lo, hi, frame);
END $$;

SELECT c.* FROM (VALUES (0, 0), (1, 0), (3, 0), (7, 0), (25, 0), (3, 1), (2, -2)) k(lo, hi),
                LATERAL pg_temp.slide_check('sj', 'j', k.lo, k.hi) c;
SELECT c.* FROM (VALUES (0, 0), (1, 0), (3, 0), (7, 0), (25, 0), (3, 1), (2, -2)) k(lo, hi),
                LATERAL pg_temp.slide_check('sf', 'f', k.lo, k.hi) c;

-- RANGE frames over a key with ties (rows 1..150, three per key): the
-- window adds and removes peers together.  Journeys compare as values (the
-- earliest entry does not depend on the order); funnels as their stage
-- rows (counts, medians and percentiles do not depend on the order of the
-- durations, which among peers is the sort's).
CREATE FUNCTION pg_temp.range_check(k int)
RETURNS TABLE(frame text, frames bigint, journey_mismatches bigint, funnel_mismatches bigint)
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format($q$
        WITH t AS (SELECT sf.i, sf.i / 3 AS g, sj.j, sf.f FROM sf JOIN sj USING (i)),
        r AS (SELECT g, abm_rollup(j) OVER w AS sj, abm_rollup(f) OVER w AS sf
              FROM t WINDOW w AS (ORDER BY g RANGE BETWEEN %1$s PRECEDING AND CURRENT ROW))
        SELECT 'RANGE BETWEEN %1$s PRECEDING AND CURRENT ROW', count(*),
               count(*) FILTER (WHERE r.sj::text IS DISTINCT FROM
                   (SELECT abm_rollup(t.j)::text FROM t WHERE t.g BETWEEN r.g - %1$s AND r.g)),
               count(*) FILTER (WHERE
                   (SELECT array_agg(s::text ORDER BY s.step) FROM abm_funnel_steps(r.sf) s) IS DISTINCT FROM
                   (SELECT array_agg(s::text ORDER BY s.step)
                    FROM abm_funnel_steps((SELECT abm_rollup(t.f) FROM t WHERE t.g BETWEEN r.g - %1$s AND r.g)) s))
        FROM r$q$, k);
END $$;
SELECT c.* FROM (VALUES (0), (2), (5)) k(k), LATERAL pg_temp.range_check(k.k) c;

-- Journeys by hand, ROWS 1 PRECEDING: the earliest entry of each stage in
-- the frame.  Row 3's frame is rows 2 and 3 (engaged: Jan 7 beats Jan 9);
-- row 4's frame has lost row 2, and with it target Jan 3.
SELECT i, abm_rollup(j) OVER (ORDER BY i ROWS 1 PRECEDING)::text AS got, want,
       abm_rollup(j) OVER (ORDER BY i ROWS 1 PRECEDING)::text = want AS same
FROM (VALUES (1, '{target: 2024-01-05 00:00:00+00}'::abm_journey, '{target: 2024-01-05 00:00:00+00}'),
             (2, '{target: 2024-01-03 00:00:00+00, engaged: 2024-01-09 00:00:00+00}',
                 '{target: 2024-01-03 00:00:00+00, engaged: 2024-01-09 00:00:00+00}'),
             (3, '{engaged: 2024-01-07 00:00:00+00}',
                 '{target: 2024-01-03 00:00:00+00, engaged: 2024-01-07 00:00:00+00}'),
             (4, '{won: 2024-01-20 00:00:00+00}',
                 '{engaged: 2024-01-07 00:00:00+00, won: 2024-01-20 00:00:00+00}')) v(i, j, want)
ORDER BY i;

-- Funnels by hand, ROWS 1 PRECEDING: counts add, durations are those of
-- the frame's rows in row order; row 3's frame has lost row 1's (3).
SELECT i, abm_rollup(f) OVER (ORDER BY i ROWS 1 PRECEDING)::text AS got, want,
       abm_rollup(f) OVER (ORDER BY i ROWS 1 PRECEDING)::text = want AS same
FROM (VALUES (1, '[a, b] {a: 2, b: 1 (3)}'::abm_funnel, '[a, b] {a: 2, b: 1 (3)}'),
             (2, '[a, b] {a: 1, b: 1 (5)}', '[a, b] {a: 3, b: 2 (3 5)}'),
             (3, '[a, b] {a: 4, b: 2 (1 2)}', '[a, b] {a: 5, b: 3 (5 1 2)}')) v(i, f, want)
ORDER BY i;

-- Counts: a frame never holds more than 9e18 accounts here, though the
-- rows add up to 1.8e19 (beyond bigint): the leaving row is subtracted
-- before the next is added.
SELECT i, abm_rollup(f) OVER (ORDER BY i ROWS 1 PRECEDING)::text AS got, want,
       abm_rollup(f) OVER (ORDER BY i ROWS 1 PRECEDING)::text = want AS same
FROM (VALUES (1, '[a] {a: 6000000000000000000}'::abm_funnel, '[a] {a: 6000000000000000000}'),
             (2, '[a] {a: 3000000000000000000}', '[a] {a: 9000000000000000000}'),
             (3, '[a] {a: 6000000000000000000}', '[a] {a: 9000000000000000000}'),
             (4, '[a] {a: 3000000000000000000}', '[a] {a: 9000000000000000000}')) v(i, f, want)
ORDER BY i;
-- ... and a frame that does exceed it fails, as the plain rollup does.
SELECT abm_rollup(f) OVER (ORDER BY i ROWS 1 PRECEDING)
FROM (VALUES (1, '[a] {a: 6000000000000000000}'::abm_funnel), (2, '[a] {a: 4000000000000000000}')) v(i, f);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_rollup(f)
FROM (VALUES (1, '[a] {a: 6000000000000000000}'::abm_funnel), (2, '[a] {a: 4000000000000000000}')) v(i, f);
\echo :LAST_ERROR_SQLSTATE

-- Stage lists: frames of one row each may have different lists (each
-- frame starts afresh); a frame that mixes lists fails as the plain
-- rollup does.
SELECT i, abm_rollup(j) OVER (ORDER BY i ROWS CURRENT ROW)::text AS journey,
       abm_rollup(f) OVER (ORDER BY i ROWS CURRENT ROW)::text AS funnel
FROM (VALUES (1, '[a] {a: 2024-01-01 00:00:00+00}'::abm_journey, '[a] {a: 1}'::abm_funnel),
             (2, '[b] {b: 2024-01-02 00:00:00+00}', '[b] {b: 2}')) v(i, j, f)
ORDER BY i;
SELECT abm_rollup(j) OVER (ORDER BY i ROWS 1 PRECEDING)
FROM (VALUES (1, '[a] {a: 2024-01-01 00:00:00+00}'::abm_journey), (2, '[b] {b: 2024-01-02 00:00:00+00}')) v(i, j);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_rollup(f) OVER (ORDER BY i ROWS 1 PRECEDING)
FROM (VALUES (1, '[a] {a: 1}'::abm_funnel), (2, '[b] {b: 1}')) v(i, f);
\echo :LAST_ERROR_SQLSTATE

-- Frames of NULLs only give NULL, as the plain rollup does.
SELECT i, abm_rollup(j) OVER (ORDER BY i ROWS 1 PRECEDING) IS NULL AS journey_null,
       abm_rollup(f) OVER (ORDER BY i ROWS 1 PRECEDING) IS NULL AS funnel_null
FROM (VALUES (1, NULL::abm_journey, NULL::abm_funnel), (2, NULL, NULL),
             (3, '{target: 2024-01-01 00:00:00+00}', '{target: 1}'), (4, NULL, NULL), (5, NULL, NULL)) v(i, j, f)
ORDER BY i;
