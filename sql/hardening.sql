-- Hardening II: each repro found by trying abm as an attacker would, kept as
-- a regression test, and the class tests that make those classes of bug
-- impossible (caps: caps.sql; cancel within the timeout: interrupts.sql).
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, MDY';
SET IntervalStyle = 'postgres';
SET max_parallel_workers_per_gather = 0;

-- ---------------------------------------------------------------------------
-- 1. One query killed the server: strict_once copied every open step-1
-- chain on every step-2 row (15 000 x 15 000 chains, OOM killer).  Now the
-- open chains are capped at 1 000 000 and the query ends at once with
-- 54000, well within its 3 s timeout.
SET statement_timeout = '3s';
SELECT abm_window_funnel('1 year', 'strict_once', ts, s = 1, s = 2, s = 3)
FROM (SELECT timestamptz '2025-01-01' + i * interval '1 s' ts, CASE WHEN i <= 15000 THEN 1 ELSE 2 END s
      FROM generate_series(1, 30000) i) x;
\echo :LAST_ERROR_SQLSTATE
-- the same input at 6 000 and 12 000 rows, and the _times aggregate
SELECT abm_window_funnel('1 year', 'strict_once', ts, s = 1, s = 2, s = 3)
FROM (SELECT timestamptz '2025-01-01' + i * interval '1 s' ts, CASE WHEN i <= 3000 THEN 1 ELSE 2 END s
      FROM generate_series(1, 6000) i) x;
\echo :LAST_ERROR_SQLSTATE
SELECT abm_window_funnel_times('1 year', 'strict_once', ts, s = 1, s = 2, s = 3)
FROM (SELECT timestamptz '2025-01-01' + i * interval '1 s' ts, CASE WHEN i <= 6000 THEN 1 ELSE 2 END s
      FROM generate_series(1, 12000) i) x;
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
-- the session goes on, and strict_once still answers below the cap: 300
-- step-1 rows, then 300 step-2 rows (300 + 300 x 300 = 90 300 chains):
-- step 1 then step 2 within the year, step 3 never, so level 2; the chain
-- reported is the last one made (as in ClickHouse): the last step-1 row
-- (i = 300, 00:05:00) continued by the last step-2 row (i = 600, 00:10:00)
SELECT abm_window_funnel('1 year', 'strict_once', ts, s = 1, s = 2, s = 3) AS level,
       abm_window_funnel_times('1 year', 'strict_once', ts, s = 1, s = 2, s = 3) AS times,
       (abm_window_funnel('1 year', 'strict_once', ts, s = 1, s = 2, s = 3),
        abm_window_funnel_times('1 year', 'strict_once', ts, s = 1, s = 2, s = 3))
         = (2, ARRAY[timestamptz '2025-01-01 00:05:00+00', '2025-01-01 00:10:00+00']) AS ok
FROM (SELECT timestamptz '2025-01-01' + i * interval '1 s' ts, CASE WHEN i <= 300 THEN 1 ELSE 2 END s
      FROM generate_series(1, 600) i) x;

-- ---------------------------------------------------------------------------
-- 2. A value that could not be read back: abm_rollup(abm_funnel) added
-- counts without an overflow check and stored a negative count, after which
-- SELECT, abm_funnel_steps and pg_dump of the table failed.
CREATE TABLE fx (f abm_funnel);
INSERT INTO fx SELECT abm_rollup(f)
FROM (VALUES ('{target: 9223372036854775807}'::abm_funnel), ('{target: 1}')) v(f);
\echo :LAST_ERROR_SQLSTATE
-- nothing was stored, and what is stored reads back
INSERT INTO fx SELECT abm_rollup(f)
FROM (VALUES ('{target: 9223372036854775806}'::abm_funnel), ('{target: 1}')) v(f);
SELECT f, (SELECT accounts FROM abm_funnel_steps(f) WHERE step = 1) FROM fx;
-- a later stage overflows the same way (9223372036854775807 + 1)
SELECT abm_rollup(f) FROM (VALUES ('{target: 9223372036854775807, engaged: 9223372036854775807}'::abm_funnel),
                                  ('{target: 1, engaged: 1}')) v(f);
\echo :LAST_ERROR_SQLSTATE
-- and the aggregate's combine path (two partial states merged by abm_rollup
-- of their results is the same merge)
SELECT abm_rollup(f) FROM (SELECT abm_funnel(j) f FROM (VALUES ('{target: 2025-01-01 00:00:00+00}'::abm_journey)) v(j)
                           UNION ALL SELECT '{target: 9223372036854775807}') s;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS session_goes_on FROM fx;

-- ---------------------------------------------------------------------------
-- 3. Labelled safer than it was: abm_report and abm_funnel_steps(regclass,
-- ...) read relations named by the caller (SPI) but were PARALLEL SAFE, so
-- with a temporary table as input a parallel plan joining their result
-- failed with "cannot access temporary tables during a parallel operation".
CREATE TEMP TABLE tmp_stages (account_id int, stage text, entered_at timestamptz);
INSERT INTO tmp_stages VALUES (1, 'target', '2025-01-01'), (1, 'engaged', '2025-01-03'),
                              (2, 'target', '2025-01-02'), (3, 'target', '2025-01-05'),
                              (3, 'engaged', '2025-01-06'), (3, 'opportunity', '2025-01-10');
CREATE TEMP TABLE tmp_accounts (account_id int, is_target bool);
INSERT INTO tmp_accounts VALUES (1, true), (2, true), (3, false);
CREATE TABLE par_big AS SELECT i AS k FROM generate_series(1, 50000) i;
ANALYZE par_big;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
-- steps 1..6 of the funnel join k = 1..6 of par_big: 6 rows; accounts per
-- step by hand: target 3, engaged 2 (accounts 1 and 3), opportunity 1
-- (account 3), then 0: 6 in all
SELECT count(*) AS joined, sum(s.accounts) AS accounts, (count(*), sum(s.accounts)) = (6, 6) AS ok
FROM par_big b JOIN abm_funnel_steps('tmp_stages', 'account_id', 'stage', 'entered_at') s ON s.step = b.k;
-- abm_report over the temporary accounts: its rows joined in parallel (its
-- notices and the context of errors inside it are not what is tested here)
SET client_min_messages = warning;
\set VERBOSITY terse
SELECT count(*) > 0 AS report_rows
FROM par_big b JOIN abm_report('tmp_accounts', period_start => '2025-01-01', period_end => '2026-01-01') r
     ON r.stage = b.k;
-- Whether the planner puts the function scan in a worker depends on costs;
-- forcing parallel mode (a Gather over every parallel-safe plan) makes it
-- certain, so the probe below fails for sure when the label lies.
SELECT set_config(CASE WHEN current_setting('server_version_num')::int >= 160000
                       THEN 'debug_parallel_query' ELSE 'force_parallel_mode' END, 'on', false) AS forced;
SELECT count(*) AS steps, sum(accounts) AS accounts
FROM abm_funnel_steps('tmp_stages', 'account_id', 'stage', 'entered_at');
SELECT count(*) > 0 AS report_rows
FROM abm_report('tmp_accounts', period_start => '2025-01-01', period_end => '2026-01-01');
-- the probe: labelled PARALLEL SAFE again, each fails
BEGIN;
ALTER FUNCTION abm_funnel_steps(regclass, name, name, name, text[]) PARALLEL SAFE;
SELECT count(*) AS steps FROM abm_funnel_steps('tmp_stages', 'account_id', 'stage', 'entered_at');
ROLLBACK;
BEGIN;
ALTER FUNCTION abm_report(regclass, regclass, regclass, regclass, regclass, regclass, regclass,
                          timestamptz, timestamptz, interval, float8, interval, numeric, jsonb,
                          float8, int, float8, interval, text[], float8, interval, interval, interval)
    PARALLEL SAFE;
SELECT count(*) > 0 AS report_rows
FROM abm_report('tmp_accounts', period_start => '2025-01-01', period_end => '2026-01-01');
ROLLBACK;
SELECT set_config(CASE WHEN current_setting('server_version_num')::int >= 160000
                       THEN 'debug_parallel_query' ELSE 'force_parallel_mode' END, 'off', false) AS forced;
\set VERBOSITY default
RESET client_min_messages;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
SET max_parallel_workers_per_gather = 0;

-- abm_engagement_in parses timestamptz text, so it is STABLE: the same
-- literal without an offset is another instant under another TimeZone.
SELECT provolatile FROM pg_proc WHERE oid = 'abm_engagement_in'::regproc;
SET TimeZone = 'America/New_York';
CREATE TEMP TABLE eng_tz AS
SELECT abm_first_touch('{"version": 1, "half_life": "7 days", "first_touch": "2026-01-05 09:00", "last_touch": "2026-01-05 09:00", "score_at_last_touch": 1, "touches": {"chat": 1}, "contacts": []}'::abm_engagement) AS t;
SET TimeZone = 'UTC';
-- 09:00 in New York (UTC-5 in January) is 14:00 UTC
SELECT t FROM eng_tz;

-- ---------------------------------------------------------------------------
-- 4. Row order decided the answer: the window and mode of
-- abm_window_funnel and the stage list of abm_journey were read from the
-- first row only.  Now every row is checked, in either order (the
-- aggregate's ORDER BY fixes the order rows arrive in).
SELECT abm_window_funnel(w, ts, s = 1, s = 2 ORDER BY k)
FROM (VALUES (1, interval '1 day', timestamptz '2025-01-01', 1), (2, interval '1 hour', '2025-01-01 10:00', 2)) v(k, w, ts, s);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_window_funnel(w, ts, s = 1, s = 2 ORDER BY k DESC)
FROM (VALUES (1, interval '1 day', timestamptz '2025-01-01', 1), (2, interval '1 hour', '2025-01-01 10:00', 2)) v(k, w, ts, s);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_window_funnel('1 day', m, ts, s = 1, s = 2 ORDER BY k)
FROM (VALUES (1, 'strict_order', timestamptz '2025-01-01', 1), (2, '', '2025-01-01 10:00', 2)) v(k, m, ts, s);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_window_funnel_times('1 day', m, ts, s = 1, s = 2 ORDER BY k DESC)
FROM (VALUES (1, 'strict_order', timestamptz '2025-01-01', 1), (2, 'strict_once', '2025-01-01 10:00', 2)) v(k, m, ts, s);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_journey(st, at, l ORDER BY k)
FROM (VALUES (1, 'a', timestamptz '2025-01-01', ARRAY['a', 'b']), (2, 'b', '2025-01-02', ARRAY['b', 'a'])) v(k, st, at, l);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_journey(st, at, l ORDER BY k DESC)
FROM (VALUES (1, 'a', timestamptz '2025-01-01', ARRAY['a', 'b']), (2, 'a', '2025-01-02', ARRAY['a', 'b', 'c'])) v(k, st, at, l);
\echo :LAST_ERROR_SQLSTATE
-- the same parameters written differently are the same: '1 day' is
-- '24 hours'; the modes are a set; an array built another way is the same
-- list.  Step 1 at 00:00, step 2 at 10:00 within a day: level 2 both ways.
SELECT abm_window_funnel(w, m, ts, s = 1, s = 2 ORDER BY k) AS asc_level,
       abm_window_funnel(w, m, ts, s = 1, s = 2 ORDER BY k DESC) AS desc_level
FROM (VALUES (1, interval '1 day', 'strict_order, strict_once', timestamptz '2025-01-01', 1),
             (2, interval '24 hours', 'strict_once,strict_order', '2025-01-01 10:00', 2)) v(k, w, m, ts, s);
SELECT abm_journey(st, at, l ORDER BY k)
FROM (VALUES (1, 'a', timestamptz '2025-01-01', ARRAY['a', 'b']),
             (2, 'b', '2025-01-02', string_to_array('a,b', ','))) v(k, st, at, l);

-- ---------------------------------------------------------------------------
-- 5. Smaller ones.
-- A committee of 1e-320 people gave penetration = Infinity; a committee is
-- at least one person.
SELECT abm_coverage(1, 'champion', true, ARRAY['champion'], 1e-320);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_coverage(1, 'champion', true, ARRAY['champion'], 0.5);
\echo :LAST_ERROR_SQLSTATE
-- one engaged contact of a committee of one: penetration 1
SELECT (abm_coverage(1, 'champion', true, ARRAY['champion'], 1)).penetration;
-- abm_surge named as_of when recent differed: the detail names what differs
SELECT abm_surge(t, timestamptz '2026-03-01', r, interval '28 days')
FROM (VALUES (timestamptz '2026-02-27', interval '7 days'), ('2026-02-26', '14 days')) v(t, r);
SELECT abm_surge(t, timestamptz '2026-03-01', interval '7 days', b)
FROM (VALUES (timestamptz '2026-02-27', interval '28 days'), ('2026-02-26', '21 days')) v(t, b);
SELECT abm_surge(t, a, interval '7 days', interval '28 days')
FROM (VALUES (timestamptz '2026-02-27', timestamptz '2026-03-01'), ('2026-02-26', '2026-03-02')) v(t, a);
-- abm_funnel accepted -0 durations and printed (-0): -0 is read as 0
SELECT '{target: 2, engaged: 2 (-0 1.5)}'::abm_funnel;
SELECT '{target: 2, engaged: 2 (-0 1.5)}'::abm_funnel::text::abm_funnel::text = '{target: 2, engaged: 2 (0 1.5), opportunity: 0, won: 0, retained: 0, expanded: 0}' AS round_trips;
SELECT abm_funnel_send('{target: 1, engaged: 1 (-0)}') = abm_funnel_send('{target: 1, engaged: 1 (0)}') AS same_bytes;

-- ---------------------------------------------------------------------------
-- 6. Final functions that sort their state in place are READ_ONLY: a
-- growing window frame calls the final function after every transition,
-- each time on the state the earlier final functions sorted.  Every frame's
-- result must equal the same aggregate run afresh over the frame's rows
-- (a correlated subquery); the rows arrive in an order unlike the one the
-- final function sorts into, so every final function call sorts again.
CREATE TABLE frames AS
SELECT i AS k, timestamptz '2025-01-01' + ((i * 7919) % 400) * interval '1 hour' AS ts,
       (i * 31) % 5 AS s, (i * 7907) % 97 AS contact,
       CASE (i * 13) % 4 WHEN 0 THEN 'champion' WHEN 1 THEN 'economic_buyer' WHEN 2 THEN 'user' END AS role
FROM generate_series(1, 400) i;
SELECT count(*) FILTER (WHERE w IS DISTINCT FROM fresh) AS window_funnel_mismatches, count(*) AS frames
FROM (SELECT k, abm_window_funnel('2 days', ts, s = 1, s = 2, s = 3, s = 4) OVER (ORDER BY k) AS w,
             (SELECT abm_window_funnel('2 days', f.ts, f.s = 1, f.s = 2, f.s = 3, f.s = 4)
              FROM frames f WHERE f.k <= o.k) AS fresh
      FROM frames o) x;
SELECT count(*) FILTER (WHERE w IS DISTINCT FROM fresh) AS window_funnel_once_mismatches, count(*) AS frames
FROM (SELECT k, abm_window_funnel_times('2 days', 'strict_once, strict_increase', ts, s = 1, s = 2, s = 3) OVER (ORDER BY k) AS w,
             (SELECT abm_window_funnel_times('2 days', 'strict_once, strict_increase', f.ts, f.s = 1, f.s = 2, f.s = 3)
              FROM frames f WHERE f.k <= o.k) AS fresh
      FROM frames o) x;
SELECT count(*) FILTER (WHERE c::text IS DISTINCT FROM fresh::text) AS coverage_mismatches, count(*) AS frames
FROM (SELECT k, abm_coverage(contact, role, s > 1) OVER (ORDER BY k) AS c,
             (SELECT abm_coverage(f.contact, f.role, f.s > 1) FROM frames f WHERE f.k <= o.k) AS fresh
      FROM frames o) x;
-- and against plain SQL for the coverage counts: distinct contacts so far
SELECT count(*) FILTER (WHERE c IS DISTINCT FROM plain) AS coverage_vs_plain_sql
FROM (SELECT k, (abm_coverage(contact, role, s > 1) OVER (ORDER BY k)).contacts AS c,
             (SELECT count(DISTINCT f.contact) FROM frames f WHERE f.k <= o.k)::int AS plain
      FROM frames o) x;
SELECT count(*) FILTER (WHERE v IS DISTINCT FROM fresh) AS view_through_mismatches
FROM (SELECT k, abm_view_through(ts, s = 1, s = 2, s = 3, '1 day') OVER (ORDER BY k) AS v,
             (SELECT abm_view_through(f.ts, f.s = 1, f.s = 2, f.s = 3, '1 day') FROM frames f WHERE f.k <= o.k) AS fresh
      FROM frames o) x;
SELECT count(*) FILTER (WHERE d::text IS DISTINCT FROM fresh::text) AS deal_cycle_mismatches
FROM (SELECT k, abm_deal_cycle(ts - s * interval '1 day', ts) OVER (ORDER BY k) AS d,
             (SELECT abm_deal_cycle(f.ts - f.s * interval '1 day', f.ts) FROM frames f WHERE f.k <= o.k) AS fresh
      FROM frames o) x;

-- The final functions sort with src/abm_sort.h, a quicksort that checks for
-- interrupts between partitioning steps over more than 16 384 elements: on
-- 200 000 durations in six orders (random with repeats, ascending,
-- descending, all equal, two values, organ pipe), abm_deal_cycle's median,
-- p90, min and max equal percentile_cont, min and max in plain SQL, and
-- abm_coverage's distinct contacts equal count(DISTINCT).
CREATE TABLE sort_input AS
SELECT p.pattern, i,
       CASE p.pattern WHEN 'random' THEN (i * 7919) % 50021
                      WHEN 'ascending' THEN i WHEN 'descending' THEN -i
                      WHEN 'equal' THEN 7 WHEN 'two values' THEN i % 2
                      ELSE least(i, 200001 - i) END AS v
FROM unnest(ARRAY['random', 'ascending', 'descending', 'equal', 'two values', 'organ pipe']) p(pattern),
     generate_series(1, 200000) i;
SELECT pattern,
       (d).median_days = plain.median AND (d).p90_days = plain.p90 AND
       (d).min_days = plain.lo AND (d).max_days = plain.hi AS deal_cycle_equals_sql,
       c = plain.distinct_v AS coverage_equals_sql
FROM (SELECT pattern,
             abm_deal_cycle(timestamptz '2025-01-01', timestamptz '2025-01-01' + (v + 200000) * interval '1 s') AS d,
             (abm_coverage(v, NULL, false)).contacts AS c
      FROM sort_input GROUP BY pattern) a
JOIN (SELECT pattern,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY (v + 200000) / 86400.0::float8) AS median,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY (v + 200000) / 86400.0::float8) AS p90,
             min((v + 200000) / 86400.0::float8) AS lo, max((v + 200000) / 86400.0::float8) AS hi,
             count(DISTINCT v)::int AS distinct_v
      FROM sort_input GROUP BY pattern) plain USING (pattern)
ORDER BY pattern;
DROP TABLE sort_input;

-- ---------------------------------------------------------------------------
-- 7. Class: no function that runs SPI is PARALLEL SAFE.  PL/pgSQL runs every
-- statement through SPI; an SQL-language function that reads a relation
-- (FROM in its body, other than FROM unnest(...) of its arguments) does the
-- same kind of work; C functions of abm never
-- call SPI (checked in the library below).  Must list nothing:
\i sql/include/members.sql
SELECT p.fn AS spi_function_marked_parallel_safe
FROM abm_procs p
JOIN pg_language l ON l.oid = p.prolang
WHERE p.proparallel = 's'
  AND (l.lanname = 'plpgsql' OR (l.lanname = 'sql' AND p.prosrc ~* '\mfrom\M(?!\s+(pg_catalog\.)?unnest\()'))
ORDER BY 1;
-- the functions above do exist, and are restricted or unsafe:
SELECT p.fn AS spi_function, p.proparallel
FROM abm_procs p
JOIN pg_language l ON l.oid = p.prolang
WHERE l.lanname = 'plpgsql' OR (l.lanname = 'sql' AND p.prosrc ~* '\mfrom\M(?!\s+(pg_catalog\.)?unnest\()')
ORDER BY 1::text;
-- abm.so as installed calls no SPI_ function (its undefined symbols; the
-- second count, of palloc, shows the listing works):
SELECT setting AS pkglibdir FROM pg_config WHERE name = 'PKGLIBDIR' \gset
\setenv ABM_PKGLIBDIR :pkglibdir
\! nm -D --undefined-only "$ABM_PKGLIBDIR/abm.so" | grep -c ' SPI_'
\! nm -D --undefined-only "$ABM_PKGLIBDIR/abm.so" | grep -c ' palloc$'

-- Class: no IMMUTABLE function parses or prints settings-dependent text.
-- For every base type of abm (catalog-driven: a type without a sample value
-- here fails), its output function prints the same text under every
-- TimeZone, DateStyle and IntervalStyle, and an IMMUTABLE input function
-- reads the same value from a literal without UTC offsets under each.
CREATE TEMP TABLE type_sample (typname text PRIMARY KEY, literal text);
INSERT INTO type_sample VALUES
    ('abm_journey', '{target: 2025-01-05 10:00:00+00, won: 2025-03-01 00:00:00+00}'),
    ('abm_funnel', '{target: 3, engaged: 2 (1.5 4), opportunity: 1 (30)}'),
    ('abm_markov', '{order: 2, channels: {"a": 1, "b": 0}, transitions: {start > "a": 2, "a" > "b": 1, "a" > conversion: 1, ("a", "b") > null: 1}}'),
    ('abm_shapley', '{"a": 1/3, ("a", "b"): 4/10}'),
    ('abm_engagement', '{"version": 1, "half_life": "7 days 12:00:00", "first_touch": "2026-01-05 09:00:00+00", "last_touch": "2026-01-06 09:00:00+00", "score_at_last_touch": 12.5, "touches": {"chat": 1, "other": 2}, "contacts": [7, 11]}');
CREATE FUNCTION pg_temp.text_under(typ text, literal text, tz text, ds text, ist text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    out text;
BEGIN
    PERFORM set_config('TimeZone', tz, true), set_config('DateStyle', ds, true),
            set_config('IntervalStyle', ist, true);
    -- parse under these settings, print under UTC/ISO
    EXECUTE format('SELECT %L::%s', literal, typ) INTO out;
    RETURN out;
END $$;
SELECT t.typname,
       i.provolatile AS input_volatility,
       o.provolatile AS output_volatility,
       s.literal IS NOT NULL AS has_sample,
       -- output: the same text whatever the settings
       (SELECT count(DISTINCT pg_temp.text_under(t.typname, s.literal, tz, ds, ist))
        FROM (VALUES ('UTC', 'ISO, MDY', 'postgres'), ('Asia/Kolkata', 'SQL, DMY', 'sql_standard'),
                     ('America/New_York', 'German', 'iso_8601')) x(tz, ds, ist)) = 1 AS output_independent,
       -- input: an offset-free literal read under two time zones
       i.provolatile <> 'i' OR
       (SELECT count(DISTINCT v) FROM (
            SELECT pg_temp.text_under(t.typname, regexp_replace(s.literal, '\+00', '', 'g'), tz, 'ISO, MDY', 'postgres') v
            FROM (VALUES ('UTC'), ('Asia/Kolkata')) x(tz)) y) = 1 AS input_honest
FROM pg_type t
JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'abm'
JOIN pg_proc i ON i.oid = t.typinput
JOIN pg_proc o ON o.oid = t.typoutput
LEFT JOIN type_sample s ON s.typname = t.typname::text
WHERE t.typtype = 'b' AND t.typcategory <> 'A'
ORDER BY 1;
-- the probe sees a dishonest input function: abm_engagement_in marked
-- IMMUTABLE again is caught (rolled back)
BEGIN;
ALTER FUNCTION abm_engagement_in(cstring) IMMUTABLE;
SELECT (SELECT count(DISTINCT v) FROM (
            SELECT pg_temp.text_under('abm_engagement', regexp_replace(literal, '\+00', '', 'g'), tz, 'ISO, MDY', 'postgres') v
            FROM (VALUES ('UTC'), ('Asia/Kolkata')) x(tz)) y) = 1 AS input_honest
FROM type_sample WHERE typname = 'abm_engagement';
ROLLBACK;

-- Class: parameters that must not change between rows are checked on every
-- row.  Every aggregate of abm is listed (catalog-driven: an unlisted one
-- shows up below), with each such parameter and a call feeding two rows
-- that differ only in it, in both orders; both must fail with 22023.
CREATE TEMP TABLE agg_param (agg text, param text, call text);
INSERT INTO agg_param VALUES
    ('abm_window_funnel(interval,timestamp with time zone,boolean[])', 'window_size',
     $$SELECT abm_window_funnel(p::interval, '2025-01-01'::timestamptz, true ORDER BY k %s) FROM (VALUES (1, '1 day'), (2, '2 days')) v(k, p)$$),
    ('abm_window_funnel(interval,text,timestamp with time zone,boolean[])', 'mode',
     $$SELECT abm_window_funnel('1 day', p, '2025-01-01'::timestamptz, true ORDER BY k %s) FROM (VALUES (1, ''), (2, 'strict_once')) v(k, p)$$),
    ('abm_window_funnel_times(interval,timestamp with time zone,boolean[])', 'window_size',
     $$SELECT abm_window_funnel_times(p::interval, '2025-01-01'::timestamptz, true ORDER BY k %s) FROM (VALUES (1, '1 day'), (2, '2 days')) v(k, p)$$),
    ('abm_window_funnel(interval,timestamp with time zone,text,text[])', 'window_size',
     $$SELECT abm_window_funnel(p::interval, '2025-01-01'::timestamptz, 'a', 'a' ORDER BY k %s) FROM (VALUES (1, '1 day'), (2, '2 days')) v(k, p)$$),
    ('abm_window_funnel(interval,timestamp with time zone,text,text[])', 'steps (names)',
     $$SELECT abm_window_funnel('1 day', '2025-01-01'::timestamptz, 'a', VARIADIC p::text[] ORDER BY k %s) FROM (VALUES (1, '{a,b}'), (2, '{a,c}')) v(k, p)$$),
    ('abm_window_funnel(interval,text,timestamp with time zone,text,text[])', 'mode',
     $$SELECT abm_window_funnel('1 day', p, '2025-01-01'::timestamptz, 'a', 'a' ORDER BY k %s) FROM (VALUES (1, ''), (2, 'strict_once')) v(k, p)$$),
    ('abm_window_funnel(interval,text,timestamp with time zone,text,text[])', 'steps (names)',
     $$SELECT abm_window_funnel('1 day', 'strict_order', '2025-01-01'::timestamptz, 'a', VARIADIC p::text[] ORDER BY k %s) FROM (VALUES (1, '{a}'), (2, '{a,b}')) v(k, p)$$),
    ('abm_window_funnel_times(interval,timestamp with time zone,text,text[])', 'steps (names)',
     $$SELECT abm_window_funnel_times('1 day', '2025-01-01'::timestamptz, 'a', VARIADIC p::text[] ORDER BY k %s) FROM (VALUES (1, '{a,b}'), (2, '{a,NULL}')) v(k, p)$$),
    ('abm_window_funnel_times(interval,text,timestamp with time zone,text,text[])', 'steps (names)',
     $$SELECT abm_window_funnel_times('1 day', 'strict_increase', '2025-01-01'::timestamptz, 'a', VARIADIC p::text[] ORDER BY k %s) FROM (VALUES (1, '{a,b}'), (2, '{b,a}')) v(k, p)$$),
    ('abm_window_funnel_times(interval,text,timestamp with time zone,boolean[])', 'mode',
     $$SELECT abm_window_funnel_times('1 day', p, '2025-01-01'::timestamptz, true ORDER BY k %s) FROM (VALUES (1, 'strict_order'), (2, 'strict_order, strict_increase')) v(k, p)$$),
    ('abm_journey(text,timestamp with time zone,text[])', 'stages',
     $$SELECT abm_journey('a', '2025-01-01'::timestamptz, p::text[] ORDER BY k %s) FROM (VALUES (1, '{a,b}'), (2, '{a,c}')) v(k, p)$$),
    ('abm_coverage(bigint,text,boolean,text[])', 'required_roles',
     $$SELECT abm_coverage(1, 'a', true, p::text[] ORDER BY k %s) FROM (VALUES (1, '{a}'), (2, '{a,b}')) v(k, p)$$),
    ('abm_coverage(bigint,text,boolean,text[],double precision)', 'committee_size',
     $$SELECT abm_coverage(1, 'a', true, '{a}', p::float8 ORDER BY k %s) FROM (VALUES (1, '5'), (2, '6')) v(k, p)$$),
    ('abm_engagement_score(double precision,timestamp with time zone,timestamp with time zone,interval)', 'as_of',
     $$SELECT abm_engagement_score(1, '2025-01-01'::timestamptz, p::timestamptz, '7 days' ORDER BY k %s) FROM (VALUES (1, '2025-02-01'), (2, '2025-02-02')) v(k, p)$$),
    ('abm_engagement_score(double precision,timestamp with time zone,timestamp with time zone,interval)', 'half_life',
     $$SELECT abm_engagement_score(1, '2025-01-01'::timestamptz, '2025-02-01', p::interval ORDER BY k %s) FROM (VALUES (1, '7 days'), (2, '8 days')) v(k, p)$$),
    ('abm_engagement_score(text,timestamp with time zone,timestamp with time zone,interval)', 'as_of',
     $$SELECT abm_engagement_score('chat', '2025-01-01'::timestamptz, p::timestamptz, '7 days' ORDER BY k %s) FROM (VALUES (1, '2025-02-01'), (2, '2025-02-02')) v(k, p)$$),
    ('abm_engagement_score(text,timestamp with time zone,timestamp with time zone,interval)', 'half_life',
     $$SELECT abm_engagement_score('chat', '2025-01-01'::timestamptz, '2025-02-01', p::interval ORDER BY k %s) FROM (VALUES (1, '7 days'), (2, '8 days')) v(k, p)$$),
    ('abm_engagement_agg(text,timestamp with time zone,bigint,interval)', 'half_life',
     $$SELECT abm_engagement_agg('chat', '2025-01-01'::timestamptz, 1, p::interval ORDER BY k %s) FROM (VALUES (1, '7 days'), (2, '8 days')) v(k, p)$$),
    ('abm_engagement_agg(text,double precision,timestamp with time zone,bigint,interval)', 'half_life',
     $$SELECT abm_engagement_agg('chat', 1, '2025-01-01'::timestamptz, 1, p::interval ORDER BY k %s) FROM (VALUES (1, '7 days'), (2, '8 days')) v(k, p)$$),
    ('abm_rollup(abm_engagement)', 'half_life (of the values)',
     $$SELECT abm_rollup(e ORDER BY k %s) FROM (SELECT k, abm_engagement_agg('chat', '2025-01-01'::timestamptz, 1, p::interval) e FROM (VALUES (1, '7 days'), (2, '8 days')) v(k, p) GROUP BY k) s$$),
    ('abm_sequence_match(text,timestamp with time zone,boolean[])', 'pattern',
     $$SELECT abm_sequence_match(p, '2025-01-01'::timestamptz, true ORDER BY k %s) FROM (VALUES (1, '(?1)'), (2, '(?1)(?1)')) v(k, p)$$),
    ('abm_sequence_count(text,timestamp with time zone,boolean[])', 'pattern',
     $$SELECT abm_sequence_count(p, '2025-01-01'::timestamptz, true ORDER BY k %s) FROM (VALUES (1, '(?1)'), (2, '(?1)(?1)')) v(k, p)$$),
    ('abm_sequence_match_events(text,timestamp with time zone,boolean[])', 'pattern',
     $$SELECT abm_sequence_match_events(p, '2025-01-01'::timestamptz, true ORDER BY k %s) FROM (VALUES (1, '(?1)'), (2, '(?1)(?1)')) v(k, p)$$),
    ('abm_sequence_next_node(text,text,timestamp with time zone,text,boolean,boolean[])', 'direction',
     $$SELECT abm_sequence_next_node(p, 'head', '2025-01-01'::timestamptz, 'x', true, true ORDER BY k %s) FROM (VALUES (1, 'forward'), (2, 'backward')) v(k, p)$$),
    ('abm_sequence_next_node(text,text,timestamp with time zone,text,boolean,boolean[])', 'base',
     $$SELECT abm_sequence_next_node('forward', p, '2025-01-01'::timestamptz, 'x', true, true ORDER BY k %s) FROM (VALUES (1, 'head'), (2, 'tail')) v(k, p)$$),
    ('abm_path(integer,timestamp with time zone,text,boolean)', 'steps',
     $$SELECT abm_path(p, '2025-01-01'::timestamptz, 'x', true ORDER BY k %s) FROM (VALUES (1, 3), (2, 4)) v(k, p)$$),
    ('abm_path(integer,timestamp with time zone,text,boolean,boolean)', 'steps',
     $$SELECT abm_path(p, '2025-01-01'::timestamptz, 'x', true, false ORDER BY k %s) FROM (VALUES (1, 3), (2, 4)) v(k, p)$$),
    ('abm_surge(timestamp with time zone,timestamp with time zone,interval,interval)', 'as_of',
     $$SELECT abm_surge('2025-01-01'::timestamptz, p::timestamptz, '7 days', '28 days' ORDER BY k %s) FROM (VALUES (1, '2025-02-01'), (2, '2025-02-02')) v(k, p)$$),
    ('abm_surge(timestamp with time zone,timestamp with time zone,interval,interval)', 'recent',
     $$SELECT abm_surge('2025-01-01'::timestamptz, '2025-02-01', p::interval, '28 days' ORDER BY k %s) FROM (VALUES (1, '7 days'), (2, '8 days')) v(k, p)$$),
    ('abm_surge(timestamp with time zone,timestamp with time zone,interval,interval)', 'baseline',
     $$SELECT abm_surge('2025-01-01'::timestamptz, '2025-02-01', '7 days', p::interval ORDER BY k %s) FROM (VALUES (1, '28 days'), (2, '29 days')) v(k, p)$$),
    ('abm_view_through(timestamp with time zone,boolean,boolean,boolean,interval)', 'within',
     $$SELECT abm_view_through('2025-01-01'::timestamptz, true, false, true, p::interval ORDER BY k %s) FROM (VALUES (1, '7 days'), (2, '8 days')) v(k, p)$$),
    ('abm_rollup(abm_journey)', 'stages (of the values)',
     $$SELECT abm_rollup(p::abm_journey ORDER BY k %s) FROM (VALUES (1, '[a, b] {a: 2025-01-01 00:00:00+00}'), (2, '[a, c] {a: 2025-01-01 00:00:00+00}')) v(k, p)$$),
    ('abm_markov_attribution(text[],boolean,integer)', 'order',
     $$SELECT abm_markov_attribution('{a,b}', true, p ORDER BY k %s) FROM (VALUES (1, 1), (2, 2)) v(k, p)$$),
    ('abm_markov_attribution(text[],boolean)', 'none', NULL),
    ('abm_rollup(abm_markov)', 'order (of the values)',
     $$SELECT abm_rollup(p::abm_markov ORDER BY k %s) FROM (VALUES (1, '{order: 1, channels: {}, transitions: {}}'), (2, '{order: 2, channels: {}, transitions: {}}')) v(k, p)$$),
    ('abm_shapley_attribution(text[],boolean)', 'none', NULL),
    ('abm_rollup(abm_shapley)', 'none', NULL),
    ('abm_lift(boolean,boolean,double precision)', 'confidence',
     $$SELECT abm_lift(true, true, p ORDER BY k %s) FROM (VALUES (1, 0.9), (2, 0.95)) v(k, p)$$),
    ('abm_lift(boolean,boolean)', 'none', NULL),
    ('abm_rollup(abm_funnel)', 'stages (of the values)',
     $$SELECT abm_rollup(p::abm_funnel ORDER BY k %s) FROM (VALUES (1, '[a, b] {a: 1, b: 0}'), (2, '[a, c] {a: 1, c: 0}')) v(k, p)$$),
    ('abm_funnel(abm_journey)', 'stages (of the journeys)',
     $$SELECT abm_funnel(p::abm_journey ORDER BY k %s) FROM (VALUES (1, '[a, b] {a: 2025-01-01 00:00:00+00}'), (2, '[a, c] {a: 2025-01-01 00:00:00+00}')) v(k, p)$$),
    ('abm_retention(boolean[])', 'number of conditions',
     $$SELECT abm_retention(VARIADIC p::bool[] ORDER BY k %s) FROM (VALUES (1, '{t,t}'), (2, '{t,t,t}')) v(k, p)$$),
    ('abm_report_touches(bigint,timestamp with time zone,text,bigint,numeric,bigint[],bigint[],timestamp with time zone[],bigint[],timestamp with time zone[],timestamp with time zone[],numeric[],timestamp with time zone[],timestamp with time zone[],timestamp with time zone[],interval,text[],interval,interval,interval)', 'bounds',
     $$SELECT abm_report_touches(1, '2025-03-01'::timestamptz, 'web_visit', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, ARRAY['2025-01-01', p]::timestamptz[], '{2024-12-25}', '{2025-05-27}', '30 days', NULL, '7 days', '7 days', '28 days' ORDER BY k %s) FROM (VALUES (1, '2026-01-01'), (2, '2026-02-01')) v(k, p)$$),
    ('abm_report_touches(bigint,timestamp with time zone,text,bigint,numeric,bigint[],bigint[],timestamp with time zone[],bigint[],timestamp with time zone[],timestamp with time zone[],numeric[],timestamp with time zone[],timestamp with time zone[],timestamp with time zone[],interval,text[],interval,interval,interval)', 'accounts (the account''s copies)',
     $$SELECT abm_report_touches(1, '2025-03-01'::timestamptz, 'web_visit', NULL, NULL, p::bigint[], NULL, NULL, NULL, NULL, NULL, NULL, '{2025-01-01,2026-01-01}', '{2024-12-25}', '{2025-05-27}', '30 days', NULL, '7 days', '7 days', '28 days' ORDER BY k %s) FROM (VALUES (1, '{1}'), (2, '{1,1}')) v(k, p)$$),
    ('abm_report_touches(bigint,timestamp with time zone,text,bigint,numeric,bigint[],bigint[],timestamp with time zone[],bigint[],timestamp with time zone[],timestamp with time zone[],numeric[],timestamp with time zone[],timestamp with time zone[],timestamp with time zone[],interval,text[],interval,interval,interval)', 'account',
     $$SELECT abm_report_touches(p, '2025-03-01'::timestamptz, 'web_visit', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '{2025-01-01,2026-01-01}', '{2024-12-25}', '{2025-05-27}', '30 days', NULL, '7 days', '7 days', '28 days' ORDER BY k %s) FROM (VALUES (1, 1), (2, 2)) v(k, p)$$),
    -- aggregates whose every argument is data of its row, or whose
    -- parameter is applied to its own row only (a NULL call: nothing to check)
    ('abm_rate(boolean)', 'none', NULL),
    ('abm_win_rate(boolean)', 'none', NULL),
    ('abm_nps(integer)', 'none', NULL),
    ('abm_pipeline(numeric,timestamp with time zone,timestamp with time zone,boolean)', 'none', NULL),
    ('abm_pipeline_velocity(numeric,timestamp with time zone,timestamp with time zone,boolean)', 'none', NULL),
    ('abm_deal_cycle(timestamp with time zone,timestamp with time zone)', 'none', NULL),
    ('abm_deal_cycle_length(timestamp with time zone,timestamp with time zone)', 'none', NULL),
    ('abm_acv(numeric,date,date)', 'none', NULL),
    ('abm_coverage(bigint,text,boolean)', 'none', NULL),
    ('abm_journey(text,timestamp with time zone)', 'none', NULL),
    -- lookback: each touch is judged against its own row's created_at and
    -- lookback, so the result is the same in any row order
    ('abm_influenced(timestamp with time zone,timestamp with time zone,interval)', 'per row', NULL),
    -- the thresholds and the committee's roles and size: each row's own, as
    -- the FILTER conditions of the SQL sums they replace
    ('abm_report_sums(abm_report_accounts,integer,integer,bigint[],text[],double precision,double precision,integer,text[],double precision)', 'per row', NULL),
    ('abm_report_contracts(bigint,date,date,numeric,date[],interval)', 'bound_dates',
     $$SELECT abm_report_contracts(1, '2025-01-01', '2025-03-01', 1, p::date[], '30 days' ORDER BY k %s) FROM (VALUES (1, '{2025-01-01,2025-07-01}'), (2, '{2025-01-01,2025-08-01}')) v(k, p)$$),
    ('abm_report_contracts(bigint,date,date,numeric,date[],interval)', 'grace',
     $$SELECT abm_report_contracts(1, '2025-01-01', '2025-03-01', 1, '{2025-01-01,2025-07-01}', p::interval ORDER BY k %s) FROM (VALUES (1, '30 days'), (2, '31 days')) v(k, p)$$);
-- every aggregate of abm is classified
SELECT p.fn::text AS unclassified_aggregate
FROM abm_procs p
WHERE p.prokind = 'a'
  AND NOT EXISTS (SELECT FROM agg_param a WHERE to_regprocedure(a.agg) = p.oid)
ORDER BY 1;
-- and every row names an aggregate of this build
SELECT agg AS listed_but_not_in_this_build FROM agg_param
WHERE to_regprocedure(agg) IS NULL OR to_regprocedure(agg) NOT IN (SELECT oid FROM abm_procs)
ORDER BY 1;
CREATE FUNCTION pg_temp.sqlstate_of(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END $$;
SELECT agg, param, pg_temp.sqlstate_of(format(call, '')) AS first_row_first,
       pg_temp.sqlstate_of(format(call, 'DESC')) AS second_row_first
FROM agg_param WHERE call IS NOT NULL ORDER BY 1, 2;

DROP TABLE fx, par_big, frames;
