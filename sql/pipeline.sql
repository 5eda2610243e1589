-- abm_pipeline, abm_pipeline_velocity

-- hand-computed case:
--   won  100.00, 2026-01-01 -> 2026-01-11        (10 days)
--   won  300.50, 2026-01-01 -> 2026-01-31 12:00  (30.5 days)
--   lost  50,    2026-01-05 -> 2026-01-06
--   open 1000 and open 25.25 (closed_at NULL)
--   a NULL amount and a NULL created_at: skipped
-- opportunities 5, open 2, won 2, lost 1, win_rate 2/3,
-- open_amount 1025.25, won_amount 400.50, avg_won_amount 200.25,
-- avg_cycle_days (10 + 30.5) / 2 = 20.25,
-- velocity 5 * 200.25 * (2/3) / 20.25 = 2002.5 / 60.75 = 32.962962962962...
CREATE TABLE hand_opps (amount numeric, created_at timestamptz, closed_at timestamptz, is_won bool);
INSERT INTO hand_opps VALUES
  (100.00, '2026-01-01', '2026-01-11', true),
  (300.50, '2026-01-01', '2026-01-31 12:00', true),
  (50, '2026-01-05', '2026-01-06', false),
  (1000, '2026-02-01', NULL, NULL),
  (25.25, '2026-02-02', NULL, NULL),
  (NULL, '2026-02-02', '2026-02-03', true),
  (70, NULL, '2026-02-03', false);
SELECT (p).opportunities = 5 AS opportunities_ok, (p).open = 2 AS open_ok,
       (p).won = 2 AS won_ok, (p).lost = 1 AS lost_ok,
       (p).win_rate = 2.0::float8 / 3 AS win_rate_ok,
       (p).open_amount = 1025.25 AS open_amount_ok,
       (p).won_amount::text = '400.50' AS won_amount_same_scale_as_sum,
       (p).avg_won_amount = 200.25 AS avg_won_ok,
       (p).avg_cycle_days = 20.25 AS avg_cycle_ok,
       round((p).velocity_per_day, 12) = round(2002.5 / 60.75, 12) AS velocity_ok,
       abm_pipeline_velocity = (p).velocity_per_day AS velocity_agg_ok
FROM (SELECT abm_pipeline(amount, created_at, closed_at, is_won) AS p,
             abm_pipeline_velocity(amount, created_at, closed_at, is_won)
      FROM hand_opps) s;

-- empty input: counts 0, every other column NULL
SELECT (abm_pipeline(amount, created_at, closed_at, is_won)).*
FROM hand_opps WHERE false;
SELECT abm_pipeline_velocity(amount, created_at, closed_at, is_won) IS NULL AS empty_velocity_null
FROM hand_opps WHERE false;
-- only open opportunities: no win rate, no won figures, no velocity
SELECT (abm_pipeline(amount, created_at, closed_at, is_won)).*
FROM hand_opps WHERE is_won IS NULL;
-- won deals that closed the instant they opened: cycle 0, velocity NULL
SELECT (abm_pipeline(a, now(), now(), true)).avg_cycle_days,
       abm_pipeline_velocity(a, now(), now(), true) IS NULL AS velocity_null
FROM (VALUES (10), (20)) v(a);

-- generated opportunities, some with many decimals or beyond 10^20 (the
-- exact side sum), against the plain-SQL formulation of every column
CREATE TABLE opps AS
SELECT i AS id, i % 13 AS g,
       CASE WHEN i % 101 = 0 THEN NULL
            WHEN i % 89 = 0 THEN 1e21 + i / 7.0
            WHEN i % 53 = 0 THEN round(i / 3.0, 10)
            ELSE ((i * 7919) % 100000) / 100.0 END AS amount,
       CASE WHEN i % 211 = 0 THEN NULL
            ELSE timestamptz '2025-01-01' + (i % 365) * interval '1 day' + (i % 1440) * interval '1 minute' END AS created_at,
       CASE WHEN i % 4 = 0 THEN NULL
            ELSE timestamptz '2025-01-01' + (i % 365) * interval '1 day' + (i % 1440) * interval '1 minute'
                 + ((i * 31) % 200) * interval '1 day' + (i % 977) * interval '1 second' END AS closed_at,
       CASE WHEN i % 4 = 0 THEN NULL ELSE (i * 7) % 10 < 3 END AS is_won
FROM generate_series(1, 30000) i;
-- statistics now, so the plans below do not depend on when autovacuum runs
ANALYZE opps;

-- the demo data set at scale 0.01, grouped by target flag and tier
SET client_min_messages = warning;
SELECT count(*) AS demo_tables FROM abm_demo_load(0.01, 1, 'pipeline_demo');
RESET client_min_messages;
CREATE TABLE pipeline_input AS
SELECT 'generated' AS src, g, amount, created_at, closed_at, is_won FROM opps
UNION ALL
SELECT 'demo', coalesce(a.tier, 0) * 2 + a.is_target::int, o.amount, o.created_at, o.closed_at, o.is_won
FROM pipeline_demo.opportunities o JOIN pipeline_demo.accounts a USING (account_id);

CREATE TABLE pipeline_expected AS
SELECT src, g,
       count(*) AS opportunities,
       count(*) FILTER (WHERE is_won IS NULL) AS open,
       count(*) FILTER (WHERE is_won) AS won,
       count(*) FILTER (WHERE NOT is_won) AS lost,
       (count(*) FILTER (WHERE is_won))::float8 / nullif(count(is_won), 0) AS win_rate,
       sum(amount) FILTER (WHERE is_won IS NULL) AS open_amount,
       sum(amount) FILTER (WHERE is_won) AS won_amount,
       avg(amount) FILTER (WHERE is_won) AS avg_won_amount,
       avg(extract(epoch FROM closed_at - created_at)) FILTER (WHERE is_won) / 86400 AS avg_cycle_days,
       count(*) * sum(amount) FILTER (WHERE is_won) * count(*) FILTER (WHERE is_won) * 86400000000
         / nullif(count(is_won) * sum((extract(epoch FROM closed_at - created_at) * 1000000)::bigint) FILTER (WHERE is_won), 0)
         AS velocity_per_day
FROM pipeline_input WHERE amount IS NOT NULL AND created_at IS NOT NULL
GROUP BY src, g;

-- abm_pipeline next to the plain-SQL columns, per group
CREATE VIEW pipeline_compare AS
SELECT e.*, (p).opportunities AS p_opportunities, (p).open AS p_open, (p).won AS p_won,
       (p).lost AS p_lost, (p).win_rate AS p_win_rate, (p).open_amount AS p_open_amount,
       (p).won_amount AS p_won_amount, (p).avg_won_amount AS p_avg_won_amount,
       (p).avg_cycle_days AS p_avg_cycle_days, (p).velocity_per_day AS p_velocity, v
FROM pipeline_expected e
JOIN (SELECT src, g, abm_pipeline(amount, created_at, closed_at, is_won) AS p,
             abm_pipeline_velocity(amount, created_at, closed_at, is_won) AS v
      FROM pipeline_input GROUP BY src, g) a USING (src, g);
SELECT src, count(*) AS groups, sum(opportunities) AS opportunities,
       count(*) FILTER (WHERE p_opportunities <> opportunities) AS opportunities_differ,
       count(*) FILTER (WHERE p_open <> open) AS open_differ,
       count(*) FILTER (WHERE p_won <> won) AS won_differ,
       count(*) FILTER (WHERE p_lost <> lost) AS lost_differ,
       count(*) FILTER (WHERE p_win_rate IS DISTINCT FROM win_rate) AS win_rate_differ,
       count(*) FILTER (WHERE p_open_amount::text IS DISTINCT FROM open_amount::text) AS open_amount_differ,
       count(*) FILTER (WHERE p_won_amount::text IS DISTINCT FROM won_amount::text) AS won_amount_differ,
       count(*) FILTER (WHERE p_avg_won_amount::text IS DISTINCT FROM avg_won_amount::text) AS avg_won_differ,
       count(*) FILTER (WHERE abs(p_avg_cycle_days - avg_cycle_days::float8) > 1e-12 * avg_cycle_days) AS avg_cycle_differ,
       count(*) FILTER (WHERE p_velocity IS DISTINCT FROM velocity_per_day) AS velocity_differ,
       count(*) FILTER (WHERE v IS DISTINCT FROM velocity_per_day) AS velocity_agg_differ,
       -- the textbook formula in float8, as a sanity check of the algebra
       count(*) FILTER (WHERE abs(p_velocity::float8 - opportunities * avg_won_amount::float8 * win_rate
                                  / avg_cycle_days::float8) > 1e-9 * p_velocity::float8) AS velocity_formula_differ
FROM pipeline_compare
GROUP BY src ORDER BY src;

-- as a window function (growing frame): amounts equal running sums
SELECT count(*) AS rows_differing
FROM (SELECT (abm_pipeline(amount, created_at, closed_at, is_won) OVER w).open_amount AS got,
             sum(amount) FILTER (WHERE is_won IS NULL AND created_at IS NOT NULL) OVER w AS expected
      FROM opps WHERE id <= 2000
      WINDOW w AS (ORDER BY id)) s
WHERE got IS DISTINCT FROM expected;

-- as a sliding window (inverse transition) against the same frame in plain
-- SQL; amounts of display scale 0 to 3 and some with many decimals make
-- frames lose their largest scale, which must recompute, as sum() does
CREATE TABLE sliding AS
SELECT i AS id,
       CASE WHEN i % 97 = 0 THEN i / 3.0 WHEN i % 41 = 0 THEN NULL
            ELSE round(((i * 7919) % 100000) / 100.0, i % 4) END AS amount,
       timestamptz '2025-01-01' + i * interval '1 hour' AS created_at,
       CASE WHEN i % 3 = 0 THEN NULL
            ELSE timestamptz '2025-01-01' + i * interval '1 hour' + ((i * 31) % 90) * interval '1 day' END AS closed_at,
       CASE WHEN i % 3 = 0 THEN NULL ELSE i % 5 < 2 END AS is_won
FROM generate_series(1, 3000) i;
SELECT count(*) AS rows, count(*) FILTER (WHERE got IS DISTINCT FROM expected) AS rows_differing
FROM (SELECT row((p).opportunities, (p).open, (p).won, (p).lost, (p).open_amount::text,
                 (p).won_amount::text, (p).avg_won_amount::text, v) AS got,
             row(opportunities, open, won, lost, open_amount::text, won_amount::text,
                 avg_won_amount::text, velocity) AS expected
      FROM (SELECT abm_pipeline(amount, created_at, closed_at, is_won) OVER w AS p,
                   abm_pipeline_velocity(amount, created_at, closed_at, is_won) OVER w AS v,
                   count(amount) OVER w AS opportunities,
                   count(amount) FILTER (WHERE is_won IS NULL) OVER w AS open,
                   count(amount) FILTER (WHERE is_won) OVER w AS won,
                   count(amount) FILTER (WHERE NOT is_won) OVER w AS lost,
                   sum(amount) FILTER (WHERE is_won IS NULL) OVER w AS open_amount,
                   sum(amount) FILTER (WHERE is_won) OVER w AS won_amount,
                   avg(amount) FILTER (WHERE is_won) OVER w AS avg_won_amount,
                   count(amount) OVER w * sum(amount) FILTER (WHERE is_won) OVER w
                     * count(amount) FILTER (WHERE is_won) OVER w * 86400000000
                     / nullif(count(amount) FILTER (WHERE is_won IS NOT NULL) OVER w
                              * sum((extract(epoch FROM closed_at - created_at) * 1000000)::bigint)
                                  FILTER (WHERE is_won AND amount IS NOT NULL) OVER w, 0) AS velocity
            FROM sliding
            WINDOW w AS (ORDER BY id ROWS BETWEEN 19 PRECEDING AND CURRENT ROW)) f) s;

-- bad rows: 22023 with the row's values in the detail; the session goes on
\set VERBOSITY default
SELECT abm_pipeline(-1, '2026-01-01', '2026-01-02', true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_pipeline(10, '2026-01-05', '2026-01-02', false);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_pipeline(10, '2026-01-05', '2026-01-02', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_pipeline(10, '2026-01-05', NULL, true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_pipeline_velocity(10, '2026-01-05', NULL, false);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_pipeline('NaN', '2026-01-05', NULL, NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_pipeline(10, '2026-01-05', 'infinity', true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_pipeline(10, '4714-11-24 00:00:00+00 BC', '294276-12-31 23:59:59+00', true);
\echo :LAST_ERROR_SQLSTATE
SELECT (abm_pipeline(amount, created_at, closed_at, is_won)).won AS session_goes_on FROM hand_opps;
