-- abm_deal_cycle, abm_deal_cycle_length

-- hand-computed case: durations 1, 2, 3, 4 and 10 days
--   mean 20 / 5 = 4, median 3, min 1, max 10,
--   p90: position 0.9 * 4 = 3.6, so 4 + (10 - 4) * 0.6 = 7.6
SELECT (c).deals, (c).mean_days, (c).median_days,
       abs((c).p90_days - 7.6) < 1e-12 AS p90_is_7_6,
       (c).min_days, (c).max_days, len AS median_alone,
       ((c).deals, (c).mean_days, (c).median_days, (c).min_days, (c).max_days, len)
         = (5::bigint, 4::float8, 3::float8, 1::float8, 10::float8, 3::float8) AS others_ok
FROM (SELECT abm_deal_cycle(s, s + d * interval '1 day') AS c,
             abm_deal_cycle_length(s, s + d * interval '1 day') AS len
      FROM (VALUES (1), (2), (3), (4), (10)) v(d),
           (VALUES (timestamptz '2026-01-01')) t(s)) q;
-- 36 hours is 1.5 days; an even count interpolates: median of 1.5 and 2.5 is 2
SELECT (abm_deal_cycle(s, e)).*, (abm_deal_cycle(s, e)).median_days = 2 AS median_ok
FROM (VALUES (timestamptz '2026-03-01 00:00', timestamptz '2026-03-02 12:00'),
             ('2026-03-01 00:00', '2026-03-03 12:00')) v(s, e);
-- one deal: every statistic is its duration; a zero-length deal is fine
SELECT (c).*, ((c).mean_days, (c).median_days, (c).p90_days, (c).min_days, (c).max_days)
                = (7.25::float8, 7.25::float8, 7.25::float8, 7.25::float8, 7.25::float8) AS ok
FROM (SELECT abm_deal_cycle(s, s + interval '7 days 6 hours') AS c FROM (VALUES (timestamptz '2026-01-01')) v(s)) q;
SELECT (c).*, ((c).deals, (c).mean_days, (c).max_days) = (1::bigint, 0::float8, 0::float8) AS ok
FROM (SELECT abm_deal_cycle(s, s) AS c FROM (VALUES (timestamptz '2026-01-01')) v(s)) q;

-- empty input and all-NULL input: deals 0, the rest NULL
SELECT (abm_deal_cycle(s, e)).*
FROM (VALUES (timestamptz '2026-01-01', timestamptz '2026-01-02')) v(s, e) WHERE false;
SELECT (abm_deal_cycle(s, e)).*, abm_deal_cycle_length(s, e) IS NULL AS median_null
FROM (VALUES (timestamptz '2026-01-01', NULL::timestamptz), (NULL, '2026-01-02')) v(s, e);

-- generated deals against percentile_cont, min, max and avg over the same
-- durations in days: (extract(epoch from ended - started) * 1e6)::float8 / 86400e6
CREATE TABLE deals AS
SELECT i AS id, i % 17 AS g,
       CASE WHEN i % 97 = 0 THEN NULL
            ELSE timestamptz '2025-01-01' + (i % 400) * interval '1 day' + ((i * 13) % 86400) * interval '1 second' END AS started_at,
       timestamptz '2025-01-01' + (i % 400) * interval '1 day' + ((i * 13) % 86400) * interval '1 second'
         + ((i * 7919) % 240) * interval '1 day' + ((i * 31) % 3600000) * interval '1 millisecond'
         + (i % 999) * interval '1 microsecond' AS ended_at
FROM generate_series(1, 40000) i;
-- statistics now, so the plans below do not depend on when autovacuum runs
ANALYZE deals;
-- the demo data set at scale 0.01: creation to close of won opportunities,
-- and the age of every touch at 2026-01-01
SET client_min_messages = warning;
SELECT count(*) AS demo_tables FROM abm_demo_load(0.01, 1, 'cycle_demo');
RESET client_min_messages;
CREATE TABLE cycle_input AS
SELECT 'generated' AS src, g, started_at, ended_at FROM deals
UNION ALL
SELECT 'demo won', (account_id % 10)::int, created_at, closed_at FROM cycle_demo.opportunities WHERE is_won
UNION ALL
SELECT 'demo touch age', (account_id % 10)::int, occurred_at, timestamptz '2026-01-01' FROM cycle_demo.touches;
CREATE VIEW cycle_days AS
SELECT src, g, (extract(epoch FROM ended_at - started_at) * 1000000)::float8 / 86400000000 AS days
FROM cycle_input WHERE started_at IS NOT NULL;
SELECT src, count(*) AS groups, sum(e.deals) AS deals,
       count(*) FILTER (WHERE (c).deals <> e.deals) AS deals_differ,
       count(*) FILTER (WHERE abs((c).mean_days - e.mean) > 1e-12 * e.mean) AS mean_differ,
       count(*) FILTER (WHERE (c).median_days <> e.median) AS median_differ,
       count(*) FILTER (WHERE (c).p90_days <> e.p90) AS p90_differ,
       count(*) FILTER (WHERE (c).min_days <> e.min) AS min_differ,
       count(*) FILTER (WHERE (c).max_days <> e.max) AS max_differ,
       count(*) FILTER (WHERE len <> e.median) AS length_differ
FROM (SELECT src, g, abm_deal_cycle(started_at, ended_at) AS c,
             abm_deal_cycle_length(started_at, ended_at) AS len
      FROM cycle_input GROUP BY src, g) a
JOIN (SELECT src, g, count(*) AS deals, avg(days) AS mean,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY days) AS p90,
             min(days) AS min, max(days) AS max
      FROM cycle_days GROUP BY src, g) e USING (src, g)
GROUP BY src ORDER BY src;

-- as a window function (the final function runs on a growing state)
CREATE TABLE first_deals AS SELECT * FROM deals WHERE id <= 300;
SELECT count(*) AS rows_differing
FROM (SELECT d.id, abm_deal_cycle_length(started_at, ended_at) OVER (ORDER BY id) AS got,
             (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY (extract(epoch FROM ended_at - started_at) * 1000000)::float8 / 86400000000)
              FROM first_deals d2 WHERE d2.id <= d.id AND d2.started_at IS NOT NULL) AS expected
      FROM first_deals d) s
WHERE got IS DISTINCT FROM expected;

-- bad rows: 22023 with both values in the detail; the session goes on
SELECT abm_deal_cycle('2026-01-05', '2026-01-04');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_deal_cycle_length('2026-01-05', '2026-01-04 23:59:59');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_deal_cycle('-infinity', '2026-01-04');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_deal_cycle('2026-01-04', 'infinity');
\echo :LAST_ERROR_SQLSTATE
-- a cycle longer than the int64 microsecond range: 22008
SELECT abm_deal_cycle('4714-11-24 00:00:00+00 BC', '294276-12-31 23:59:59+00');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_deal_cycle_length(s, s + interval '2 days') AS session_goes_on
FROM (VALUES (timestamptz '2026-01-01')) v(s);
