-- abm_window_funnel, abm_window_funnel_times
-- The expected levels come from ClickHouse's own test
-- (tests/queries/0_stateless/00632_aggregation_window_funnel) and its
-- documentation; ClickHouse timestamps in seconds are to_timestamp(t) here
-- and its windows intervals in seconds.
SET TimeZone = 'UTC';

CREATE TABLE wf_test (t int, event int);
INSERT INTO wf_test VALUES (0,1000),(1,1001),(2,1002),(3,1003),(4,1004),(5,1005),(6,1006),(7,1007),(8,1008);
SELECT abm_window_funnel('10000 s', to_timestamp(t), event = 1000) AS got, 1 AS expected FROM wf_test
UNION ALL SELECT abm_window_funnel('10000 s', to_timestamp(t), event = 1000, event = 1001), 2 FROM wf_test
UNION ALL SELECT abm_window_funnel('10000 s', to_timestamp(t), event = 1000, event = 1001, event = 1002), 3 FROM wf_test
UNION ALL SELECT abm_window_funnel('10000 s', to_timestamp(t), event = 1000, event = 1001, event = 1002, event = 1008), 4 FROM wf_test
UNION ALL SELECT abm_window_funnel('1 s', to_timestamp(t), event = 1000), 1 FROM wf_test
UNION ALL SELECT abm_window_funnel('2 s', to_timestamp(t), event = 1003, event = 1004, event = 1005, event = 1006, event = 1007), 3 FROM wf_test
UNION ALL SELECT abm_window_funnel('3 s', to_timestamp(t), event = 1003, event = 1004, event = 1005, event = 1006, event = 1007), 4 FROM wf_test
UNION ALL SELECT abm_window_funnel('4 s', to_timestamp(t), event = 1003, event = 1004, event = 1005, event = 1006, event = 1007), 5 FROM wf_test
-- one row satisfying several steps (ClickHouse: 4)
UNION ALL SELECT abm_window_funnel('4 s', to_timestamp(t), event <= 1007, event >= 1002, event <= 1006, event >= 1004), 4 FROM wf_test
UNION ALL SELECT abm_window_funnel('10000 s', to_timestamp(t), event = 1008, event = 1001), 1 FROM wf_test;

-- strict_deduplication: the repeated 1005 stops the chain at 6
CREATE TABLE wf_strict (t int, event int);
INSERT INTO wf_strict VALUES (0,1000),(10,1001),(20,1002),(30,1003),(40,1004),(50,1005),(51,1005),(60,1006),(70,1007),(80,1008);
SELECT abm_window_funnel('10000 s', 'strict_deduplication', to_timestamp(t), event = 1000, event = 1001, event = 1002, event = 1003, event = 1004, event = 1005, event = 1006) AS got, 6 AS expected FROM wf_strict
UNION ALL SELECT abm_window_funnel('10000 s', to_timestamp(t), event = 1000, event = 1001, event = 1002, event = 1003, event = 1004, event = 1005, event = 1006), 7 FROM wf_strict;
-- ClickHouse issue 27469: a b c b d with strict_deduplication is 3
SELECT abm_window_funnel('1 day', 'strict_deduplication', to_timestamp(t), e = 'a', e = 'b', e = 'c', e = 'd') AS got, 3 AS expected
FROM (VALUES (1,'a'),(2,'b'),(3,'c'),(4,'b'),(5,'d')) v(t, e);
-- ClickHouse issue 37177: the duplicate install stops the chain at the
-- level reached, 3 (ClickHouse releases before 2026 returned 1)
SELECT abm_window_funnel('60 s', 'strict_deduplication', to_timestamp(t), e = 'install', e = 'start', e = 'login', e = 'end') AS got, 3 AS expected
FROM (VALUES (0,'install'),(5,'start'),(10,'login'),(15,'install'),(20,'start'),(25,'install'),(30,'start'),(35,'login'),(40,'end')) v(t, e);

-- strict_order (ClickHouse test funnel_test_strict_order)
CREATE TABLE wf_order (t int, usr int, e text);
INSERT INTO wf_order VALUES (1,1,'a'),(2,1,'b'),(3,1,'c'),
  (1,2,'a'),(2,2,'d'),(3,2,'b'),(4,2,'c'),
  (1,3,'a'),(2,3,'a'),(3,3,'b'),(4,3,'b'),(5,3,'c'),(6,3,'c'),
  (1,4,'a'),(2,4,'a'),(3,4,'a'),(4,4,'a'),(5,4,'b'),(6,4,'b'),(7,4,'c'),(8,4,'c'),
  (1,5,'a'),(2,5,'a'),(3,5,'b'),(4,5,'b'),(5,5,'d'),(6,5,'c'),(7,5,'c'),
  (1,6,'c'),(2,6,'c'),(3,6,'b'),(4,6,'b'),(5,6,'a'),(6,6,'a'),
  (1,7,'a'),(2,7,'c'),(3,7,'b');
-- expected (ClickHouse): plain 3,3,3,3,3,1; strict_order 3,1,3,3,2,1;
-- both 3,1,2,2,2,1
SELECT usr, plain, strict_order, dedup_order, e.expected,
       ARRAY[plain, strict_order, dedup_order] = e.expected AS ok
FROM (SELECT usr,
             abm_window_funnel('1 day', to_timestamp(t), e = 'a', e = 'b', e = 'c') AS plain,
             abm_window_funnel('1 day', 'strict_order', to_timestamp(t), e = 'a', e = 'b', e = 'c') AS strict_order,
             abm_window_funnel('1 day', 'strict_deduplication, strict_order', to_timestamp(t), e = 'a', e = 'b', e = 'c') AS dedup_order
      FROM wf_order WHERE usr <= 6 GROUP BY usr) s
FULL JOIN (VALUES (1, '{3,3,3}'::int[]), (2, '{3,1,1}'), (3, '{3,3,2}'), (4, '{3,3,2}'), (5, '{3,2,2}'), (6, '{1,1,1}')) e(usr, expected)
  USING (usr)
ORDER BY usr;
SELECT abm_window_funnel('10 s', 'strict_order', to_timestamp(t), e = 'a', e = 'b', e = 'c') AS got, 1 AS expected
FROM wf_order WHERE usr = 7;

-- NULL conditions count as false (ClickHouse test funnel_test_non_null)
CREATE TABLE wf_nulls (t int, u int, a text, b text);
INSERT INTO wf_nulls VALUES (1,1,'a1','b1'),(2,1,'a2','b2'),(1,2,'a1',NULL),(2,2,'a2',NULL),
  (1,3,NULL,NULL),(1,4,NULL,'b1'),(2,4,'a2',NULL),(3,4,NULL,'b3');
-- expected (ClickHouse): q1 2,2,0,0; q2 2,1,0,0; q3 0,0,1,0; q4 0,0,1,2;
-- q5 0,0,1,1
SELECT u, q1, q2, q3, q4, q5, e.expected, ARRAY[q1, q2, q3, q4, q5] = e.expected AS ok
FROM (SELECT u,
             abm_window_funnel('1 day', to_timestamp(t), a = 'a1', a = 'a2') AS q1,
             abm_window_funnel('1 day', to_timestamp(t), a = 'a1', b = 'b2') AS q2,
             abm_window_funnel('1 day', to_timestamp(t), a IS NULL AND b IS NULL) AS q3,
             abm_window_funnel('1 day', to_timestamp(t), a IS NULL, b = 'b3') AS q4,
             abm_window_funnel('1 day', 'strict_order', to_timestamp(t), a IS NULL, b = 'b3') AS q5
      FROM wf_nulls GROUP BY u) s
FULL JOIN (VALUES (1, '{2,2,0,0,0}'::int[]), (2, '{2,1,0,0,0}'), (3, '{0,0,1,1,1}'), (4, '{0,0,0,2,1}')) e(u, expected)
  USING (u)
ORDER BY u;

-- strict_increase and strict_once (equal timestamps)
CREATE TABLE wf_inc (t int, event int);
INSERT INTO wf_inc VALUES (0,1000),(1,1001),(1,1002),(1,1003),(2,1004);
SELECT abm_window_funnel('10000 s', to_timestamp(t), event = 1000, event = 1001, event = 1002, event = 1003, event = 1004) AS got, 5 AS expected FROM wf_inc
UNION ALL SELECT abm_window_funnel('10000 s', 'strict_increase', to_timestamp(t), event = 1000, event = 1001, event = 1002, event = 1003, event = 1004), 2 FROM wf_inc
UNION ALL SELECT abm_window_funnel('10000 s', to_timestamp(t), event = 1004, event = 1004, event = 1004), 3 FROM wf_inc
UNION ALL SELECT abm_window_funnel('10000 s', 'strict_once', to_timestamp(t), event = 1004, event = 1004, event = 1004), 1 FROM wf_inc
UNION ALL SELECT abm_window_funnel('10000 s', 'strict_increase', to_timestamp(t), event = 1004, event = 1004, event = 1004), 1 FROM wf_inc;

CREATE TABLE wf_once (t int, result text, uid int);
INSERT INTO wf_once VALUES (100,'failure',234),(200,'success',345),(210,'failure',345),(230,'success',345),
  (250,'failure',234),(180,'failure',123),(220,'failure',123),(250,'success',123);
-- expected (ClickHouse): 123 -> 3, 234 -> 2, 345 -> 1 for the three
-- strict_once forms.  plain by hand: 123: f180 -> 1, f180 also step 2 -> 2,
-- s250 -> 3; 234: f100 -> 2, f250 -> 2 (restart); 345: f210 -> 2, s230 -> 3.
SELECT uid, once_increase, once, once_dedup, plain, e.expected,
       ARRAY[once_increase, once, once_dedup, plain] = e.expected AS ok
FROM (SELECT uid,
             abm_window_funnel('200 s', 'strict_once, strict_increase', to_timestamp(t), result = 'failure', result = 'failure', result = 'success') AS once_increase,
             abm_window_funnel('200 s', 'strict_once', to_timestamp(t), result = 'failure', result = 'failure', result = 'success') AS once,
             abm_window_funnel('200 s', 'strict_once,strict_deduplication', to_timestamp(t), result = 'failure', result = 'failure', result = 'success') AS once_dedup,
             abm_window_funnel('200 s', to_timestamp(t), result = 'failure', result = 'failure', result = 'success') AS plain
      FROM wf_once GROUP BY uid) s
FULL JOIN (VALUES (123, '{3,3,3,3}'::int[]), (234, '{2,2,2,2}'), (345, '{1,1,1,3}')) e(uid, expected) USING (uid)
ORDER BY uid;

-- allow_reentry (ClickHouse master: a step that arrives before its
-- predecessor is skipped instead of ending the search under strict_order)
CREATE TABLE wf_reentry (t int, usr int, e text);
INSERT INTO wf_reentry VALUES (1,1,'a'),(2,1,'b'),(3,1,'a'),(4,1,'c'),
  (1,2,'a'),(2,2,'b'),(3,2,'a'),(4,2,'b'),(5,2,'c'),
  (1,3,'a'),(2,3,'b'),(3,3,'c'),(4,3,'b'),(5,3,'d'),
  (1,4,'a'),(2,4,'c'),(3,4,'b'),
  (1,5,'a'),(2,5,'b'),(3,5,'c'),(4,5,'a'),(5,5,'b'),(6,5,'c'),(7,5,'d');
-- expected by hand, ClickHouse master's walk (a step-1 event restarts
-- level 1 and keeps the higher levels):
-- 1 a b a c: 3 in every form (c extends the b reached from the first a)
-- 2 a b a b c: 3; 3 a b c b d: 3, 3, 4, 4
-- 4 a c b: strict_order stops at c -> 1; allow_reentry skips c, b -> 2
-- 5: 3, 3, 4, 4
-- combined (strict_deduplication too): 1 -> 3; 2 a b a b c: the second b
-- repeats level 2 -> 2; 3 -> 3; 4 a c b: c skipped, b -> 2; 5 -> 3
SELECT usr, order3, reentry3, order4, reentry4, combined, e.expected,
       ARRAY[order3, reentry3, order4, reentry4, combined] = e.expected AS ok
FROM (SELECT usr,
             abm_window_funnel('1 day', 'strict_order', to_timestamp(t), e = 'a', e = 'b', e = 'c') AS order3,
             abm_window_funnel('1 day', 'strict_order, allow_reentry', to_timestamp(t), e = 'a', e = 'b', e = 'c') AS reentry3,
             abm_window_funnel('1 day', 'strict_order', to_timestamp(t), e = 'a', e = 'b', e = 'c', e = 'd') AS order4,
             abm_window_funnel('1 day', 'strict_order, allow_reentry', to_timestamp(t), e = 'a', e = 'b', e = 'c', e = 'd') AS reentry4,
             abm_window_funnel('1 day', 'strict_order, allow_reentry, strict_deduplication', to_timestamp(t), e = 'a', e = 'b', e = 'c') AS combined
      FROM wf_reentry GROUP BY usr) s
FULL JOIN (VALUES (1, '{3,3,3,3,3}'::int[]), (2, '{3,3,3,3,2}'), (3, '{3,3,4,4,3}'), (4, '{1,2,1,2,2}'), (5, '{3,3,4,4,3}')) e(usr, expected)
  USING (usr)
ORDER BY usr;

-- the documentation's allow_reentry example: checkout, product detail,
-- checkout again, payment; with allow_reentry the user reaches level 4
-- by hand: the first checkout is steps 1 and 3; step 3 comes before step 2
-- is reached, so strict_order stops at level 1; allow_reentry skips it and
-- goes on to 4.
SELECT reentry, 4 AS reentry_expected, strict_order, 1 AS strict_order_expected,
       (reentry, strict_order) = (4, 1) AS ok
FROM (SELECT abm_window_funnel('1 hour', 'strict_order, allow_reentry', to_timestamp(t),
               action = 'begin_checkout', action = 'view_product_detail',
               action = 'begin_checkout', action = 'complete_payment') AS reentry,
             abm_window_funnel('1 hour', 'strict_order', to_timestamp(t),
               action = 'begin_checkout', action = 'view_product_detail',
               action = 'begin_checkout', action = 'complete_payment') AS strict_order
      FROM (VALUES (100,'begin_checkout'),(200,'view_product_detail'),(300,'begin_checkout'),(400,'complete_payment')) v(t, action)) s;

-- the documentation's phone example: level 4 for user 1 (its window of
-- 6048000000000000 seconds exceeds PostgreSQL's interval range; any window
-- longer than the data is the same)
CREATE TABLE trend (event_date date, user_id int, ts timestamptz, event_id int, product text);
INSERT INTO trend VALUES ('2019-01-28', 1, '2019-01-29 10:00:00+00', 1003, 'phone'),
  ('2019-01-31', 1, '2019-01-31 09:00:00+00', 1007, 'phone'),
  ('2019-01-30', 1, '2019-01-30 08:00:00+00', 1009, 'phone'),
  ('2019-02-01', 1, '2019-02-01 08:00:00+00', 1010, 'phone');
SELECT level, count(*) AS c, (level, count(*)) = (4, 1) AS ok_level_4_one_user
FROM (SELECT user_id,
             abm_window_funnel('1000 years', ts, event_id = 1003, event_id = 1009, event_id = 1007, event_id = 1010) AS level
      FROM trend WHERE event_date BETWEEN '2019-01-01' AND '2019-02-02' GROUP BY user_id) s
GROUP BY level ORDER BY level;

-- the window's edge is inclusive: exactly 7 days later counts, 1 us more does not
SELECT abm_window_funnel('7 days', ts, s = 1, s = 2) AS at_edge, 2 AS expected
FROM (VALUES ('2024-01-01 00:00:00+00'::timestamptz, 1), ('2024-01-08 00:00:00+00', 2)) v(ts, s);
SELECT abm_window_funnel('7 days', ts, s = 1, s = 2) AS past_edge, 1 AS expected
FROM (VALUES ('2024-01-01 00:00:00+00'::timestamptz, 1), ('2024-01-08 00:00:00.000001+00', 2)) v(ts, s);
-- a zero window still links steps at the same instant
SELECT abm_window_funnel('0 s', ts, s = 1, s = 2) AS zero_window, 2 AS expected
FROM (VALUES ('2024-01-01'::timestamptz, 1), ('2024-01-01'::timestamptz, 2)) v(ts, s);

-- 32 steps: one row per step, one second apart, in shuffled order: all 32
-- within 31 s, the first 31 within 30 s
SELECT abm_window_funnel('31 s', to_timestamp(i),
  i=1,i=2,i=3,i=4,i=5,i=6,i=7,i=8,i=9,i=10,i=11,i=12,i=13,i=14,i=15,i=16,
  i=17,i=18,i=19,i=20,i=21,i=22,i=23,i=24,i=25,i=26,i=27,i=28,i=29,i=30,i=31,i=32) AS got_32,
       abm_window_funnel('30 s', to_timestamp(i),
  i=1,i=2,i=3,i=4,i=5,i=6,i=7,i=8,i=9,i=10,i=11,i=12,i=13,i=14,i=15,i=16,
  i=17,i=18,i=19,i=20,i=21,i=22,i=23,i=24,i=25,i=26,i=27,i=28,i=29,i=30,i=31,i=32) AS got_31,
       ARRAY[32, 31] AS expected
FROM (SELECT i FROM generate_series(1, 32) i ORDER BY (i * 17) % 32) s;

-- abm_window_funnel_times: the chain's step timestamps
-- by hand: a@1, b@3, c@5 (the a@4 restarts level 1 but c extends b@3)
SELECT times, expected, times = expected AS ok
FROM (SELECT abm_window_funnel_times('1 day', to_timestamp(t), e = 'a', e = 'b', e = 'c') AS times,
             ARRAY[to_timestamp(1), to_timestamp(3), to_timestamp(5)] AS expected
      FROM (VALUES (5,'c'),(1,'a'),(3,'b'),(2,'x'),(4,'a')) v(t, e)) s;
-- by hand: 1 -> 1,2,3; 2 -> 1 (d stops); 5 -> a@2, b@4 (the latest chain at level 2)
SELECT usr, s.times, e.expected, s.times = e.expected AS ok
FROM (SELECT usr, abm_window_funnel_times('1 day', 'strict_order', to_timestamp(t), e = 'a', e = 'b', e = 'c') AS times
      FROM wf_order WHERE usr IN (1, 2, 5) GROUP BY usr) s
FULL JOIN (VALUES (1, ARRAY[to_timestamp(1), to_timestamp(2), to_timestamp(3)]), (2, ARRAY[to_timestamp(1)]),
                  (5, ARRAY[to_timestamp(2), to_timestamp(4)])) e(usr, expected) USING (usr)
ORDER BY usr;
-- strict_once keeps one row from serving two steps of a chain: uid 123
-- (failure@180, failure@220, success@250) with steps failure, failure,
-- success; by hand: default 220, 220, 250 (the failure at 220 restarts
-- level 1 and serves step 2 as well); strict_once 180, 220, 250
SELECT plain, once,
       plain = ARRAY[to_timestamp(220), to_timestamp(220), to_timestamp(250)] AS plain_ok,
       once = ARRAY[to_timestamp(180), to_timestamp(220), to_timestamp(250)] AS once_ok
FROM (SELECT abm_window_funnel_times('200 s', to_timestamp(t), result = 'failure', result = 'failure', result = 'success') AS plain,
             abm_window_funnel_times('200 s', 'strict_once', to_timestamp(t), result = 'failure', result = 'failure', result = 'success') AS once
      FROM wf_once WHERE uid = 123) s;
SELECT abm_window_funnel_times('1 day', to_timestamp(t), e = 'a') AS empty_chain
FROM (VALUES (1, 'b')) v(t, e);
-- its length always equals the level
SELECT count(*) AS groups_differing
FROM (SELECT usr, abm_window_funnel('2 s', to_timestamp(t), e = 'a', e = 'b', e = 'c') AS lvl,
             abm_window_funnel_times('2 s', to_timestamp(t), e = 'a', e = 'b', e = 'c') AS times
      FROM wf_order GROUP BY usr) s
WHERE coalesce(array_length(times, 1), 0) <> lvl;

-- empty input and NULLs
SELECT abm_window_funnel('1 day', ts, true) AS empty_level,
       abm_window_funnel_times('1 day', ts, true) AS empty_times
FROM (VALUES (now())) v(ts) WHERE false;
SELECT abm_window_funnel('1 day', ts, s = 1, s = 2) AS null_ts_skipped
FROM (VALUES (NULL::timestamptz, 1), ('2024-01-01', 1), ('2024-01-02', 2)) v(ts, s);
SELECT abm_window_funnel(NULL::interval, ts, s = 1) AS null_window_skipped
FROM (VALUES ('2024-01-01'::timestamptz, 1)) v(ts, s);

-- unsorted input in many groups: the aggregate against a plain-SQL
-- formulation of the default mode (2 steps: some a, then a b within the
-- window after it)
CREATE TABLE wf_rand AS
SELECT i % 200 AS g,
       '2024-01-01'::timestamptz + (abs(hashint4(i)) % 100000) * interval '1 minute' AS ts,
       (ARRAY['a','b','c','x'])[1 + abs(hashint4(3 * i + 1)) % 4] AS e
FROM generate_series(1, 20000) i;
SELECT count(*) FILTER (WHERE f.lvl <> p.lvl) AS groups_differing,
       count(*) FILTER (WHERE p.lvl = 2) AS groups_at_2
FROM (SELECT g, abm_window_funnel('1 hour', ts, e = 'a', e = 'b') AS lvl FROM wf_rand GROUP BY g) f
JOIN (SELECT g, CASE WHEN bool_or(EXISTS (SELECT 1 FROM wf_rand y WHERE y.g = x.g AND y.e = 'b'
                                               AND y.ts >= x.ts AND y.ts <= x.ts + interval '1 hour'))
                     THEN 2 ELSE 1 END AS lvl
      FROM wf_rand x WHERE e = 'a' GROUP BY g) p USING (g);

-- four steps in the default mode against an independent plain-SQL
-- formulation (from every step-1 row, the earliest next step within the
-- window, one join per step; the deepest join reached is the level)
WITH e AS (SELECT g, ts AS t, e FROM wf_rand),
s1 AS (SELECT g, t AS t1 FROM e WHERE e = 'a'),
s2 AS (SELECT s1.g, s1.t1, min(e.t) AS t2 FROM s1 JOIN e ON e.g = s1.g AND e.e = 'b'
         AND e.t >= s1.t1 AND e.t <= s1.t1 + interval '12 hours' GROUP BY 1, 2),
s3 AS (SELECT s2.g, s2.t1, min(e.t) AS t3 FROM s2 JOIN e ON e.g = s2.g AND e.e = 'c'
         AND e.t >= s2.t2 AND e.t <= s2.t1 + interval '12 hours' GROUP BY 1, 2),
s4 AS (SELECT DISTINCT s3.g FROM s3 JOIN e ON e.g = s3.g AND e.e = 'x'
         AND e.t >= s3.t3 AND e.t <= s3.t1 + interval '12 hours'),
plain AS (SELECT g, max(level) AS level
          FROM (SELECT g, 0 AS level FROM wf_rand UNION ALL SELECT g, 1 FROM s1
                UNION ALL SELECT g, 2 FROM s2 UNION ALL SELECT g, 3 FROM s3
                UNION ALL SELECT g, 4 FROM s4) l GROUP BY g)
SELECT count(*) FILTER (WHERE f.level <> p.level) AS groups_differing,
       string_agg(DISTINCT p.level::text, ',') AS levels_seen
FROM (SELECT g, abm_window_funnel('12 hours', ts, e = 'a', e = 'b', e = 'c', e = 'x') AS level
      FROM wf_rand GROUP BY g) f
JOIN plain p USING (g);

-- as a window function (READ_ONLY final function)
SELECT t, abm_window_funnel('1 day', to_timestamp(t), e = 'a', e = 'b', e = 'c') OVER (ORDER BY t) AS running
FROM wf_order WHERE usr = 1;

-- bad input: clear errors, and the session goes on
SELECT abm_window_funnel('1 day', 'strict', now(), true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_window_funnel('1 day', 'strict_order, sideways', now(), true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_window_funnel('1 day', 'allow_reentry', now(), true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_window_funnel('-1 day', now(), true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_window_funnel('1 day', now(), VARIADIC array_fill(true, ARRAY[33]));
\echo :LAST_ERROR_SQLSTATE
SELECT abm_window_funnel('1 day', now(), VARIADIC '{}'::bool[]);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_window_funnel('1 day', ts, VARIADIC st)
FROM (VALUES (now(), ARRAY[true]), (now(), ARRAY[true, false])) v(ts, st);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_window_funnel('1 day', 'infinity'::timestamptz, true);
\echo :LAST_ERROR_SQLSTATE
SELECT 'session still alive' AS status;

-- Named steps: abm_window_funnel(window, [mode,] ts, event, VARIADIC names)
-- is the condition form with event = name_k as step k.
-- by hand (the reference's example): user 1 view 10:00, help 10:10,
-- cart 10:20, purchase 10:50 -> 3, strict_order 1 (help breaks the chain);
-- user 2 view 09:00, cart 11:00 (2 h > 1 h) -> 1 in both
SELECT user_id,
       abm_window_funnel('1 hour', ts, event, 'view', 'cart', 'purchase') AS level,
       CASE user_id WHEN 1 THEN 3 ELSE 1 END AS expected_level,
       abm_window_funnel('1 hour', 'strict_order', ts, event, 'view', 'cart', 'purchase') AS strict_level,
       1 AS expected_strict,
       abm_window_funnel_times('1 hour', ts, event, 'view', 'cart', 'purchase') AS times
FROM (VALUES (1, '2025-01-01 10:00+00'::timestamptz, 'view'), (1, '2025-01-01 10:10+00', 'help'),
             (1, '2025-01-01 10:20+00', 'cart'), (1, '2025-01-01 10:50+00', 'purchase'),
             (2, '2025-01-01 09:00+00', 'view'), (2, '2025-01-01 11:00+00', 'cart')) e(user_id, ts, event)
GROUP BY user_id ORDER BY user_id;
-- a repeated name is two steps (a a b: the second a is step 2); a NULL
-- name matches no row; a NULL event matches no step but still breaks a
-- strict_order chain; names compare bytes ('A' is not 'a')
-- by hand: a@1 a@2 b@3 -> steps a, a, b: 3; steps a, NULL, b: 1;
-- a@1 NULL@2 b@3 under strict_order with steps a, b: 1 (default: 2);
-- 'A'@1 b@2 with steps a, b: 0
SELECT abm_window_funnel('1 day', to_timestamp(t), e, 'a', 'a', 'b') AS repeated, 3 AS expected_repeated,
       abm_window_funnel('1 day', to_timestamp(t), e, 'a', NULL, 'b') AS null_name, 1 AS expected_null_name
FROM (VALUES (1, 'a'), (2, 'a'), (3, 'b')) v(t, e);
SELECT abm_window_funnel('1 day', to_timestamp(t), e, 'a', 'b') AS plain, 2 AS expected_plain,
       abm_window_funnel('1 day', 'strict_order', to_timestamp(t), e, 'a', 'b') AS strict, 1 AS expected_strict
FROM (VALUES (1, 'a'), (2, NULL), (3, 'b')) v(t, e);
SELECT abm_window_funnel('1 day', to_timestamp(t), e, 'a', 'b') AS case_sensitive, 0 AS expected
FROM (VALUES (1, 'A'), (2, 'b')) v(t, e);

-- against the condition form on generated data (NULL events, repeated
-- names, a NULL name), every mode, level and times, group by group; the
-- names come once as constants and once from a column (checked per row)
CREATE TABLE wf_names AS
SELECT i % 300 AS g,
       '2024-01-01'::timestamptz + (abs(hashint4(i)) % 20000) * interval '1 minute' AS ts,
       CASE WHEN i % 41 = 0 THEN NULL ELSE (ARRAY['a','b','c','x','A'])[1 + abs(hashint4(7 * i + 3)) % 5] END AS e
FROM generate_series(1, 30000) i;
CREATE TABLE wf_modes (mode text);
INSERT INTO wf_modes VALUES (''), ('strict_deduplication'), ('strict_order'), ('strict_increase'),
  ('strict_once'), ('strict_order, allow_reentry'), ('strict_deduplication, strict_increase, strict_once'),
  ('strict_order, strict_deduplication, strict_once, allow_reentry, strict_increase');
SELECT m.mode,
       count(*) FILTER (WHERE n.lvl IS DISTINCT FROM c.lvl OR n.lvl_col IS DISTINCT FROM c.lvl) AS level_differs,
       count(*) FILTER (WHERE n.times IS DISTINCT FROM c.times OR n.times3 IS DISTINCT FROM c.times3) AS times_differ,
       count(DISTINCT c.lvl) AS levels_seen
FROM wf_modes m
CROSS JOIN LATERAL (
    SELECT g, abm_window_funnel('6 hours', m.mode, ts, e, 'a', 'b', 'a', 'c', 'x') AS lvl,
           abm_window_funnel('6 hours', m.mode, ts, e, VARIADIC s.names) AS lvl_col,
           abm_window_funnel_times('6 hours', m.mode, ts, e, 'a', 'b', 'a', 'c', 'x') AS times,
           abm_window_funnel_times('6 hours', m.mode, ts, e, 'b', NULL, 'c') AS times3
    FROM wf_names, (SELECT ARRAY['a', 'b', 'a', 'c', 'x'] AS names) s GROUP BY g) n
JOIN LATERAL (
    SELECT g, abm_window_funnel('6 hours', m.mode, ts, e = 'a', e = 'b', e = 'a', e = 'c', e = 'x') AS lvl,
           abm_window_funnel_times('6 hours', m.mode, ts, e = 'a', e = 'b', e = 'a', e = 'c', e = 'x') AS times,
           abm_window_funnel_times('6 hours', m.mode, ts, e = 'b', e = NULL, e = 'c') AS times3
    FROM wf_names GROUP BY g) c USING (g)
GROUP BY m.mode ORDER BY m.mode;
-- the forms without a mode
SELECT count(*) FILTER (WHERE n.lvl <> c.lvl OR n.times IS DISTINCT FROM c.times) AS groups_differing
FROM (SELECT g, abm_window_funnel('6 hours', ts, e, 'a', 'b', 'c') AS lvl,
             abm_window_funnel_times('6 hours', ts, e, 'a', 'b', 'c') AS times FROM wf_names GROUP BY g) n
JOIN (SELECT g, abm_window_funnel('6 hours', ts, e = 'a', e = 'b', e = 'c') AS lvl,
             abm_window_funnel_times('6 hours', ts, e = 'a', e = 'b', e = 'c') AS times FROM wf_names GROUP BY g) c
USING (g);
-- as a window function, row by row equal to the condition form
SELECT count(*) FILTER (WHERE n IS DISTINCT FROM c) AS rows_differing, count(*) AS rows
FROM (SELECT abm_window_funnel('6 hours', ts, e, 'a', 'b', 'c') OVER w AS n,
             abm_window_funnel('6 hours', ts, e = 'a', e = 'b', e = 'c') OVER w AS c
      FROM wf_names WHERE g < 5 WINDOW w AS (PARTITION BY g ORDER BY ts, e)) s;
-- empty input and NULLs: no rows gives 0 and {}; rows with a NULL window,
-- timestamp or name list are skipped
SELECT abm_window_funnel('1 day', ts, e, 'a') AS empty_level,
       abm_window_funnel_times('1 day', ts, e, 'a') AS empty_times
FROM (VALUES (now(), 'a')) v(ts, e) WHERE false;
SELECT abm_window_funnel('1 day', ts, e, VARIADIC st) AS null_list_skipped, 1 AS expected
FROM (VALUES ('2024-01-01'::timestamptz, 'a', NULL::text[]), ('2024-01-02', 'a', ARRAY['a', 'b'])) v(ts, e, st);
SELECT abm_window_funnel(w, ts, e, 'a') AS null_window_skipped, abm_window_funnel('1 day', ts, e, 'a') AS null_ts_skipped
FROM (VALUES (NULL::interval, NULL::timestamptz, 'a')) v(w, ts, e);

-- bad input: clear errors, and the session goes on
SELECT abm_window_funnel('1 day', now(), 'a', VARIADIC '{}'::text[]);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_window_funnel('1 day', now(), 'a', VARIADIC array_fill('a'::text, ARRAY[33]));
\echo :LAST_ERROR_SQLSTATE
SELECT abm_window_funnel('1 day', ts, e, VARIADIC st)
FROM (VALUES (1, now(), 'a', ARRAY['a', 'b']), (2, now(), 'b', ARRAY['a', 'c'])) v(i, ts, e, st);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_window_funnel('1 day', 'strict_order', ts, e, 'a')
FROM (VALUES ('infinity'::timestamptz, 'a')) v(ts, e);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_window_funnel('-1 day', now(), 'a', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_window_funnel('1 day', 'sideways', now(), 'a', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT 'session still alive' AS status;
