-- abm_path, abm_paths
-- Expected values are computed by hand (in the comments) or by a plain-SQL
-- formulation with window functions, group by group, on generated data.
SET TimeZone = 'UTC';

-- Before a conversion: one account, touches by day
CREATE TABLE path_touches (account int, day int, activity text);
INSERT INTO path_touches VALUES
  (1, 1, 'ad_click'), (1, 2, 'web_visit'), (1, 3, 'web_visit'), (1, 4, 'content_download'),
  (1, 5, 'web_visit'), (1, 9, 'meeting_booked'), (1, 10, 'form_fill'), (1, 12, 'meeting_booked'),
  (2, 1, 'web_visit'), (2, 2, 'email_click'), (2, 3, 'email_click'),
  (3, 1, 'meeting_booked'), (3, 2, 'web_visit');
-- by hand:
-- 1: first meeting day 9; before it ad_click web web download web; collapsed
--    ad_click, web_visit, content_download, web_visit; the last 3 start at the
--    run of day 2..3: {web_visit,content_download,web_visit}, 9 - 2 = 7 days
-- 2: no meeting: the last 3 of web, email, email = {web_visit,email_click}, not converted
-- 3: the first touch is the meeting: an empty path, converted, no days
SELECT account, (r).*, r IS NOT DISTINCT FROM e.expected AS ok
FROM (SELECT account, abm_path(3, '2026-01-01'::timestamptz + day * interval '1 day', activity, activity = 'meeting_booked') AS r
      FROM path_touches GROUP BY account) s
FULL JOIN (VALUES (1, ROW('{web_visit,content_download,web_visit}', true, 7)::abm_path_result),
                  (2, ROW('{web_visit,email_click}', false, NULL)::abm_path_result), (3, ROW('{}', true, NULL)::abm_path_result)) e(account, expected) USING (account)
ORDER BY account;
-- by hand: 1 {web_visit} from day 5, 4 days; 2 {email_click}; 3 {}
SELECT account, (r).*, r IS NOT DISTINCT FROM e.expected AS ok
FROM (SELECT account, abm_path(1, '2026-01-01'::timestamptz + day * interval '1 day', activity, activity = 'meeting_booked') AS r
      FROM path_touches GROUP BY account) s
FULL JOIN (VALUES (1, ROW('{web_visit}', true, 4)::abm_path_result),
                  (2, ROW('{email_click}', false, NULL)::abm_path_result), (3, ROW('{}', true, NULL)::abm_path_result)) e(account, expected) USING (account)
ORDER BY account;

-- From a start: the first content download, then up to 3 steps
-- by hand: 1: download day 4, web day 5, meeting day 9: {content_download,web_visit}, 9 - 4 = 5 days;
-- 2 and 3: no download: NULL
SELECT account, (r).*, r IS NOT DISTINCT FROM e.expected AS ok
FROM (SELECT account, abm_path(3, '2026-01-01'::timestamptz + day * interval '1 day', activity,
                               activity = 'meeting_booked', activity = 'content_download') AS r
      FROM path_touches GROUP BY account) s
FULL JOIN (VALUES (1, ROW('{content_download,web_visit}', true, 5)::abm_path_result),
                  (2, NULL), (3, NULL)) e(account, expected) USING (account)
ORDER BY account;
-- by hand: 1: web day 2, web day 3, download day 4 (2 runs): {web_visit,content_download}, 9 - 2 = 7;
-- 2: {web_visit,email_click}, not converted; 3: web day 2 after the meeting: {web_visit}, not converted
SELECT account, (r).*, r IS NOT DISTINCT FROM e.expected AS ok
FROM (SELECT account, abm_path(2, '2026-01-01'::timestamptz + day * interval '1 day', activity,
                               activity = 'meeting_booked', activity = 'web_visit') AS r
      FROM path_touches GROUP BY account) s
FULL JOIN (VALUES (1, ROW('{web_visit,content_download}', true, 7)::abm_path_result),
                  (2, ROW('{web_visit,email_click}', false, NULL)::abm_path_result), (3, ROW('{web_visit}', false, NULL)::abm_path_result)) e(account, expected) USING (account)
ORDER BY account;

-- Ties: rows at one instant are ordered by activity name (bytes), whatever
-- the order they arrive in; a repeat at the same instant is one step.
-- by hand: Email < email < web < web (bytes: upper case first), then ad: {Email,email,web,ad}
SELECT (abm_path(5, ts, a, false)).path AS got, '{Email,email,web,ad}'::text[] AS expected
FROM (VALUES ('2026-01-01'::timestamptz, 'web'), ('2026-01-01', 'Email'), ('2026-01-01', 'email'), ('2026-01-01', 'web'),
             ('2026-01-02', 'ad')) v(ts, a);
-- a row at the conversion's instant is not before it: {web}, 1 day
SELECT (r).*, r IS NOT DISTINCT FROM ROW('{web}', true, 1)::abm_path_result AS ok
FROM (SELECT abm_path(5, ts, a, c) AS r
      FROM (VALUES ('2026-01-01'::timestamptz, 'web', false), ('2026-01-02', 'demo', true), ('2026-01-02', 'chat', false)) v(ts, a, c)) s;

-- The summary: accounts, conversions, rate and median days per path
-- by hand: {email} 4 accounts, 1 conversion, 0.25, median 10;
-- {web,demo} 3, 2, 2/3, median of 2 and 4 = 3; {} 1, 1, 1, no days; the NULL is skipped
SELECT p.*, (p.accounts, p.conversions, p.conversion_rate, p.median_days)
              IS NOT DISTINCT FROM (e.accounts, e.conversions, e.rate, e.median) AS ok
FROM abm_paths(ARRAY[
  ('{web,demo}', true, 2), ('{web,demo}', true, 4), ('{web,demo}', false, NULL),
  ('{email}', true, 10), ('{email}', false, NULL), ('{email}', false, NULL), ('{email}', false, NULL),
  ('{}', true, NULL), NULL]::abm_path_result[]) p
FULL JOIN (VALUES ('{email}'::text[], 4::bigint, 1::bigint, 0.25::float8, 10::float8),
                  ('{web,demo}', 3, 2, 2 / 3.0::float8, 3), ('{}', 1, 1, 1, NULL)) e(path, accounts, conversions, rate, median)
  USING (path);
SELECT * FROM abm_paths('{}');
SELECT * FROM abm_paths(NULL);

-- Empty input and NULLs
SELECT abm_path(3, ts, a, c) AS no_rows FROM (SELECT now() AS ts, 'x'::text AS a, false AS c WHERE false) v;
-- by hand: the NULL timestamp and the NULL activity rows are skipped, a NULL
-- conversion flag is false: {web,chat}, not converted
SELECT (r).*, r IS NOT DISTINCT FROM ROW('{web,chat}', false, NULL)::abm_path_result AS ok
FROM (SELECT abm_path(3, ts, a, c) AS r
      FROM (VALUES ('2026-01-01'::timestamptz, 'web', NULL::bool), (NULL, 'ad', false), ('2026-01-02', NULL, true),
                   ('2026-01-03', 'chat', false)) v(ts, a, c)) s;
-- a NULL steps skips the row: {chat}
SELECT (abm_path(s, ts, a, false)).path, '{chat}'::text[] AS expected
FROM (VALUES (NULL::int, '2026-01-01'::timestamptz, 'web'), (2, '2026-01-02', 'chat')) v(s, ts, a);

-- Bad input
SELECT abm_path(0, now(), 'web', false);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_path(33, now(), 'web', false);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_path(s, now(), 'web', false) FROM (VALUES (2), (3)) v(s);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_path(2, 'infinity', 'web', false);
\echo :LAST_ERROR_SQLSTATE
SELECT (abm_path(2, now(), 'web', false)).path AS still_working;

-- Generated data: 500 accounts, up to 50 touches over 60 days, on a grid
-- of hours for every third account (ties), seven activities, conversions
-- and start events among them.
CREATE TABLE path_gen AS
SELECT a AS account, i,
       to_timestamp(1767225600 + CASE WHEN a % 3 = 0 THEN 3600 * floor(u1 * 1440)::int ELSE floor(u1 * 86400 * 60)::int END) AS ts,
       CASE WHEN u3 < 0.04 THEN 'meeting_booked'
            ELSE (ARRAY['web_visit', 'email_open', 'email_click', 'content_download', 'webinar_attended', 'chat'])[1 + floor(u2 * 6)::int]
       END AS activity
FROM (SELECT a, i, abm_demo_uniform(11, 1, a * 100 + i) AS u1, abm_demo_uniform(11, 2, a * 100 + i) AS u2,
             abm_demo_uniform(11, 3, a * 100 + i) AS u3
      FROM generate_series(1, 500) a, generate_series(1, 50) i
      WHERE i <= 1 + (a * 17) % 50) x;
ANALYZE path_gen;

-- The plain-SQL formulation: the rows of the path in order (time, activity
-- by bytes), runs numbered with lag(), the last (or first) k runs kept.
CREATE FUNCTION path_plain(k int, after bool)
RETURNS TABLE(account int, path text[], converted bool, days_to_conversion float8) LANGUAGE sql AS $$
  WITH bounds AS (
    SELECT g.account, min(g.ts) FILTER (WHERE g.activity = 'content_download') AS start_at
    FROM path_gen g GROUP BY g.account),
  conv AS (
    SELECT b.account, b.start_at,
           min(g.ts) FILTER (WHERE g.activity = 'meeting_booked' AND (NOT after OR g.ts >= b.start_at)) AS conv_at
    FROM bounds b JOIN path_gen g USING (account)
    WHERE NOT after OR b.start_at IS NOT NULL
    GROUP BY b.account, b.start_at),
  rows AS (
    SELECT g.account, g.ts, g.activity,
           row_number() OVER (PARTITION BY g.account ORDER BY g.ts, g.activity COLLATE "C") AS pos
    FROM path_gen g JOIN conv c ON c.account = g.account
    WHERE g.activity <> 'meeting_booked' AND (c.conv_at IS NULL OR g.ts < c.conv_at)
      AND (NOT after OR g.ts >= c.start_at)),
  runs AS (
    SELECT r.*, sum(CASE WHEN r.activity IS DISTINCT FROM r.prev THEN 1 ELSE 0 END)
                  OVER (PARTITION BY r.account ORDER BY r.pos) AS run
    FROM (SELECT rows.*, lag(activity) OVER (PARTITION BY account ORDER BY pos) AS prev FROM rows) r),
  kept AS (
    SELECT * FROM (SELECT runs.*, max(run) OVER (PARTITION BY runs.account) AS nruns FROM runs) x
    WHERE CASE WHEN after THEN run <= k ELSE run > nruns - k END),
  paths AS (
    SELECT kept.account, array_agg(kept.activity ORDER BY kept.pos) FILTER (WHERE kept.activity IS DISTINCT FROM kept.prev) AS path,
           min(kept.ts) AS first_at
    FROM kept GROUP BY kept.account)
  SELECT c.account, coalesce(p.path, '{}'), c.conv_at IS NOT NULL,
         -- days as microseconds / 86 400 000 000 in float8, one rounding
         (extract(epoch FROM c.conv_at - CASE WHEN after THEN c.start_at ELSE p.first_at END)
            * 1000000)::bigint::float8 / 86400000000::float8
  FROM conv c LEFT JOIN paths p USING (account)
$$;
-- (kept rows keep their prev from the full sequence, so the first kept
-- row of a run counts once: prev is the activity of the run before it)
CREATE TABLE path_abm AS
SELECT s.k, after, abm.account, abm.r
FROM (VALUES (1), (3), (5)) s(k), (VALUES (false), (true)) a(after)
CROSS JOIN LATERAL (
  SELECT account, CASE WHEN after
                       THEN abm_path(s.k, ts, activity, activity = 'meeting_booked', activity = 'content_download')
                       ELSE abm_path(s.k, ts, activity, activity = 'meeting_booked') END AS r
  FROM path_gen GROUP BY account) abm;
CREATE TABLE path_plain_results AS
SELECT s.k, after, pp.account, ROW(pp.path, pp.converted, pp.days_to_conversion)::abm_path_result AS p
FROM (VALUES (1), (3), (5)) s(k), (VALUES (false), (true)) a(after)
CROSS JOIN LATERAL path_plain(s.k, after) pp;
-- an account without a start has a NULL path; the plain formulation has no row for it
SELECT k, after, count(*) AS accounts, count(*) FILTER (WHERE (r).converted) AS converted,
       count(*) FILTER (WHERE r IS DISTINCT FROM p) AS differing
FROM (SELECT * FROM path_abm WHERE (r).path IS NOT NULL) a FULL JOIN path_plain_results p USING (k, after, account)
GROUP BY k, after ORDER BY after, k;

-- the summary of the generated paths against GROUP BY over the plain ones
SELECT count(*) AS paths,
       count(*) FILTER (WHERE (s.accounts, s.conversions, s.conversion_rate, s.median_days)
                        IS DISTINCT FROM (p.accounts, p.conversions, p.conversion_rate, p.median_days)) AS differing
FROM abm_paths(ARRAY(SELECT abm_path(2, ts, activity, activity = 'meeting_booked') FROM path_gen GROUP BY account)) s
FULL JOIN (SELECT path, count(*) AS accounts, count(*) FILTER (WHERE converted) AS conversions,
                  avg(converted::int)::float8 AS conversion_rate,
                  percentile_cont(0.5) WITHIN GROUP (ORDER BY days_to_conversion) FILTER (WHERE converted) AS median_days
           FROM path_plain(2, false) GROUP BY path) p USING (path);
SELECT path, accounts, conversions, round(conversion_rate::numeric, 3) AS rate, round(median_days::numeric, 2) AS median_days
FROM abm_paths(ARRAY(SELECT abm_path(2, ts, activity, activity = 'meeting_booked') FROM path_gen GROUP BY account))
LIMIT 3;
