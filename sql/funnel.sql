-- abm_funnel (type and aggregate), abm_rollup(abm_funnel), abm_funnel_steps, abm_funnel_report
SET TimeZone = 'UTC';

-- four accounts: 1 went target -> engaged (2 days) -> opportunity (3 days)
-- -> won (10 days); 2 skipped engaged (target -> opportunity); 3 stopped
-- at engaged (4 days after target); 4 entered engaged before target (out
-- of order: counted, no duration)
CREATE TABLE fstages (account_id int, stage text, entered_at timestamptz);
INSERT INTO fstages VALUES
  (1, 'target', '2024-01-01'), (1, 'engaged', '2024-01-03'), (1, 'opportunity', '2024-01-06'), (1, 'won', '2024-01-16'),
  (2, 'target', '2024-01-01'), (2, 'opportunity', '2024-01-11'),
  (3, 'target', '2024-01-01'), (3, 'engaged', '2024-01-05'),
  (4, 'engaged', '2024-01-01'), (4, 'target', '2024-01-02');
SELECT abm_funnel(j) AS funnel FROM (SELECT abm_journey(stage, entered_at) AS j FROM fstages GROUP BY account_id) s;
-- by hand: target 4; engaged 4 (account 2 skipped it, account 4's
-- furthest stage is engaged) with durations 2 and 4 (account 4 entered it
-- before target: no duration); opportunity 2 (accounts 1, 2) with 3 days
-- (account 2 has no engaged time); won 1 with 10 days; retained, expanded 0
-- by hand: pct_of_first 1, 1, .5, .25, 0, 0; pct_of_previous NULL, 1,
-- .5, .5, 0, NULL (no account at retained: 0 / 0); dropped 0, 0, 2, 1, 1,
-- 0; engaged median (2 + 4) / 2 = 3, p90 2 + 0.9 * 2 = 3.8
SELECT s.*, (s.stage, s.accounts, s.pct_of_first, s.pct_of_previous, s.dropped,
             s.median_days_from_previous, s.p90_days_from_previous)
            IS NOT DISTINCT FROM (e.stage, e.accounts, e.pct_of_first, e.pct_of_previous, e.dropped, e.med, e.p90) AS ok
FROM (SELECT abm_funnel(j) AS f
      FROM (SELECT abm_journey(stage, entered_at) AS j FROM fstages GROUP BY account_id) x) y
     CROSS JOIN abm_funnel_steps(y.f) s
     FULL JOIN (VALUES (1, 'target', 4::bigint, 1::float8, NULL::float8, 0::bigint, NULL::float8, NULL::float8),
                       (2, 'engaged', 4, 1, 1, 0, 3, 3.8),
                       (3, 'opportunity', 2, 0.5, 0.5, 2, 3, 3),
                       (4, 'won', 1, 0.25, 0.5, 1, 10, 10),
                       (5, 'retained', 0, 0, 0, 1, NULL, NULL),
                       (6, 'expanded', 0, 0, NULL, 0, NULL, NULL))
       e(step, stage, accounts, pct_of_first, pct_of_previous, dropped, med, p90) USING (step)
ORDER BY step;

-- the one-call form equals the two-step form
SELECT * FROM abm_funnel_steps('fstages', 'account_id', 'stage', 'entered_at');
-- with quoted identifiers and your own stages
CREATE TABLE "Stage History" ("Account" int, "Stage Name" text, "When" timestamptz);
INSERT INTO "Stage History" VALUES (1, 'lead', '2024-01-01'), (1, 'deal', '2024-01-31'), (2, 'lead', '2024-01-01');
-- by hand: lead 2, deal 1 (0.5, 30 days)
SELECT step, stage, accounts, pct_of_previous, median_days_from_previous, bar,
       (stage, accounts, pct_of_previous, median_days_from_previous)
         IS NOT DISTINCT FROM (CASE step WHEN 1 THEN ('lead'::text, 2::bigint, NULL::float8, NULL::float8)
                                         ELSE ('deal'::text, 1::bigint, 0.5::float8, 30::float8) END) AS ok
FROM abm_funnel_steps('"Stage History"', 'Account', 'Stage Name', 'When', ARRAY['lead', 'deal']);

-- text and binary I/O round-trip
CREATE TABLE fstore AS
SELECT abm_funnel(j) AS f FROM (SELECT abm_journey(stage, entered_at) AS j FROM fstages GROUP BY account_id) x
UNION ALL SELECT '[lead, deal] {lead: 2, deal: 1 (0.1 )}'::abm_funnel
UNION ALL SELECT '{target: 2, engaged: 2 (5e-324 1.7976931348623157e+308)}'::abm_funnel;
SELECT f, f::text::abm_funnel::text = f::text AS text_round_trip FROM fstore;
\copy fstore TO 'results/funnel.bin' (FORMAT binary)
CREATE TABLE fcopy (LIKE fstore);
\copy fcopy FROM 'results/funnel.bin' (FORMAT binary)
SELECT count(*) AS rows, (SELECT count(*) FROM fstore) AS expected FROM fcopy WHERE f::text IN (SELECT f::text FROM fstore);

-- empty input and NULLs: NULL journeys are skipped, no journeys give NULL
SELECT abm_funnel(j) AS funnel FROM (VALUES (NULL::abm_journey), ('{won: 2024-01-01 00:00:00+00}')) v(j);
SELECT abm_funnel(j) IS NULL AS empty_is_null FROM (VALUES ('{}'::abm_journey)) v(j) WHERE false;
SELECT count(*) AS no_rows FROM abm_funnel_steps(NULL::abm_funnel);

-- funnel steps against a plain-SQL formulation, on generated journeys
CREATE TABLE fmany AS
SELECT a AS account_id, st.stage, st.k,
       '2024-01-01'::timestamptz + (a % 17) * interval '1 day' + st.k * ((a * 37) % 11 + 1) * interval '1 day'
         - CASE WHEN a % 13 = 0 AND st.k = 2 THEN interval '40 days' ELSE interval '0' END AS entered_at
FROM generate_series(1, 2000) a,
     LATERAL (SELECT k, (ARRAY['target','engaged','opportunity','won','retained','expanded'])[k + 1] AS stage
              FROM generate_series(0, (a * 7919) % 6) k
              WHERE NOT (k = 1 AND a % 5 = 0)) st;
\i sql/include/funnel_reference.sql
SELECT * FROM pg_temp.funnel_reference('fmany');

-- the same on the demo data's stage history
SET client_min_messages = warning;
SELECT count(*) > 0 AS loaded FROM abm_demo_load(0.01, 3, 'fdemo');
RESET client_min_messages;
SELECT * FROM pg_temp.funnel_reference('fdemo.stages');
SELECT step, stage, accounts, dropped, round(median_days_from_previous::numeric, 1) AS median_days, bar
FROM abm_funnel_steps('fdemo.stages', 'account_id', 'stage', 'entered_at');

-- funnels of disjoint account sets roll up to the funnel of all
WITH whole AS (SELECT abm_funnel(j) AS f
               FROM (SELECT abm_journey(stage, entered_at) AS j FROM fmany GROUP BY account_id) x),
     parts AS (SELECT abm_rollup(f) AS f
               FROM (SELECT abm_funnel(j) AS f
                     FROM (SELECT account_id, abm_journey(stage, entered_at) AS j FROM fmany GROUP BY account_id) x
                     GROUP BY account_id % 7) y)
SELECT count(*) AS rows_differing
FROM (SELECT s.* FROM whole, abm_funnel_steps(whole.f) s) a
FULL JOIN (SELECT s.* FROM parts, abm_funnel_steps(parts.f) s) b USING (step)
WHERE (a.*) IS DISTINCT FROM (b.*);

-- abm_funnel_report: per-account levels, e.g. from abm_window_funnel
-- by hand: levels >= 1: 7, >= 2: 5, >= 3: 3 (the 0 and NULL not counted);
-- pct_of_first 1, 5/7, 3/7; pct_of_previous NULL, 5/7, 3/5; dropped 0, 2, 2
SELECT step, stage, accounts, pct_of_first, pct_of_previous, dropped, bar,
       (accounts, pct_of_first, pct_of_previous, dropped)
         IS NOT DISTINCT FROM (CASE step WHEN 1 THEN (7::bigint, 1::float8, NULL::float8, 0::bigint)
                                         WHEN 2 THEN (5::bigint, 5 / 7.0::float8, 5 / 7.0::float8, 2::bigint)
                                         ELSE (3::bigint, 3 / 7.0::float8, 3 / 5.0::float8, 2::bigint) END) AS ok
FROM abm_funnel_report(ARRAY[0, 1, 1, 2, 3, 3, 3, NULL, 2], ARRAY['visit', 'demo', 'trial']);
-- without stage names: levels >= 1: 2, >= 2: 1
SELECT step, stage, accounts, accounts = 3 - step AS ok FROM abm_funnel_report(ARRAY[2, 1]);
-- against plain SQL on the window funnel levels of the generated journeys
SELECT step, accounts
FROM abm_funnel_report(ARRAY(
  SELECT abm_window_funnel('3 days', entered_at, stage = 'target', stage = 'engaged', stage = 'opportunity')
  FROM fmany GROUP BY account_id)) r
EXCEPT
SELECT k, count(*) FILTER (WHERE lvl >= k)
FROM (SELECT abm_window_funnel('3 days', entered_at, stage = 'target', stage = 'engaged', stage = 'opportunity') AS lvl
      FROM fmany GROUP BY account_id) w, generate_series(1, 3) k GROUP BY k;

-- bad input: clear errors, and the session goes on
SELECT abm_funnel(j) FROM (VALUES ('{}'::abm_journey), ('[a] {}'::abm_journey)) v(j);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM abm_funnel_report(ARRAY[4], ARRAY['a', 'b']);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM abm_funnel_report(ARRAY[-1]);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM abm_funnel_steps('fstages', 'account_id', 'no_such_column', 'entered_at');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM abm_funnel_steps('fstages', 'account_id', 'stage', 'entered_at', ARRAY['target']);
\echo :LAST_ERROR_SQLSTATE
SELECT '{target: 1, engaged: 2}'::abm_funnel;
\echo :LAST_ERROR_SQLSTATE
SELECT '{target: 1 (2)}'::abm_funnel;
\echo :LAST_ERROR_SQLSTATE
SELECT '{target: 2, engaged: 1 (-1)}'::abm_funnel;
\echo :LAST_ERROR_SQLSTATE
SELECT '{target: 2, engaged: 1 (1 2)}'::abm_funnel;
\echo :LAST_ERROR_SQLSTATE
SELECT 'session still alive' AS status;
