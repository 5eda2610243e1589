-- abm_surge
SET TimeZone = 'UTC';

-- by hand: one event a day from 2026-01-01 to 2026-01-31, as_of 2026-02-01,
-- recent 7 days, baseline 28 days.  Recent [Jan 25, Feb 1): 7 events;
-- baseline [Dec 28, Jan 25): Jan 1 .. Jan 24 = 24 events; expected =
-- 24 * 7 / 28 = 6; z = (7 - 6) / sqrt(6) = 0.408248290463863
SELECT abm_surge(t, '2026-02-01', '7 days', '28 days') AS z,
       (7 - 6) / sqrt(6::float8) AS expected
FROM generate_series('2026-01-01'::timestamptz, '2026-01-31', '1 day') t;
-- a surge: 20 events in the last week after 8 in the four weeks before:
-- expected = 8 * 7 / 28 = 2, z = (20 - 2) / sqrt(2) = 12.7279220613579
SELECT abm_surge(t, '2026-02-01', '7 days', '28 days') AS z,
       18 / sqrt(2::float8) AS expected
FROM (SELECT '2026-01-26'::timestamptz + i * interval '6 hours' AS t FROM generate_series(0, 19) i
      UNION ALL
      SELECT '2026-01-04'::timestamptz + i * interval '2 days' FROM generate_series(0, 7) i) s;
-- window bounds: recent is [as_of - recent, as_of), baseline is
-- [as_of - recent - baseline, as_of - recent).  Here the event at as_of and
-- the one just before the baseline are outside; the one at as_of - 7 days is
-- recent and the one at as_of - 35 days is baseline: recent 1, baseline 1,
-- expected 0.25, z = (1 - 0.25) / sqrt(1) = 0.75
SELECT abm_surge(t, '2026-02-01', '7 days', '28 days') AS z, 0.75 AS expected
FROM (VALUES ('2026-02-01'::timestamptz), ('2026-01-25'), ('2025-12-28'),
             ('2025-12-27 23:59:59.999999')) v(t);
-- no history: expected 0 floors at 1, so one new event gives z = 1
SELECT abm_surge(t, '2026-02-01', '7 days', '28 days') AS z, 1 AS expected
FROM (VALUES ('2026-01-30'::timestamptz)) v(t);
-- rows outside both windows give z = 0; empty input and all-NULL rows give NULL
SELECT abm_surge(t, '2026-02-01', '7 days', '28 days') AS z, 0 AS expected
FROM (VALUES ('2025-01-01'::timestamptz)) v(t);
SELECT abm_surge(t, '2026-02-01', '7 days', '28 days') IS NULL AS empty_is_null
FROM (VALUES ('2026-01-30'::timestamptz)) v(t) WHERE false;
SELECT abm_surge(NULL, '2026-02-01', '7 days', '28 days') IS NULL AS nulls_are_null
FROM generate_series(1, 3);
-- a NULL row among others is skipped: as the no-history case, z = 1
SELECT abm_surge(t, '2026-02-01', '7 days', '28 days') AS z, 1 AS expected
FROM (VALUES ('2026-01-30'::timestamptz), (NULL)) v(t);

-- grouped, against the plain-SQL formulation
CREATE TABLE surge_events AS
SELECT i % 40 AS account_id,
       '2026-03-01'::timestamptz
         - ((i * 7919) % (60 * 24 * 60)) * interval '1 minute'
           * CASE WHEN i % 40 < 10 THEN 0.3 ELSE 1 END AS occurred_at
FROM generate_series(1, 8000) i;
SELECT count(*) AS accounts,
       count(*) FILTER (WHERE abs(z - p) > 1e-12 * greatest(abs(p), 1)) AS differing,
       count(*) FILTER (WHERE z >= 2) AS surging
FROM (SELECT account_id,
             abm_surge(occurred_at, '2026-03-01', '7 days', '30 days') AS z,
             (count(*) FILTER (WHERE occurred_at >= '2026-02-22' AND occurred_at < '2026-03-01')
              - count(*) FILTER (WHERE occurred_at >= '2026-01-23' AND occurred_at < '2026-02-22')
                * 7 / 30.0::float8)
             / sqrt(greatest(count(*) FILTER (WHERE occurred_at >= '2026-01-23'
                                                AND occurred_at < '2026-02-22')
                             * 7 / 30.0::float8, 1)) AS p
      FROM surge_events GROUP BY account_id) s;

-- bad input: clear errors with SQLSTATE 22023, and the session goes on
SELECT abm_surge(now(), now(), '0 days', '28 days');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_surge(now(), now(), '7 days', '-28 days');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_surge(now(), 'infinity', '7 days', '28 days');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_surge(t, t, '7 days', '28 days')
FROM (VALUES ('2026-01-01'::timestamptz), ('2026-01-02')) v(t);
\echo :LAST_ERROR_SQLSTATE
SELECT 'session still alive' AS status;
