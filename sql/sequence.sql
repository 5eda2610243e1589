-- abm_sequence_match, abm_sequence_count, abm_sequence_match_events
-- The expected values of the first part come from ClickHouse: its test
-- tests/queries/0_stateless/00222_sequence_aggregate_function_family, its
-- documentation, the example of the pull request that added
-- sequenceMatchEvents (72349), issue 118120 (fixed by pull request 118497)
-- and the tests 02713_sequence_match_serialization_fix and
-- 00823_sequence_match_dfa.  ClickHouse timestamps in seconds are
-- to_timestamp(t) here.  The second part checks the functions group by
-- group against plain-SQL formulations on generated data.
SET TimeZone = 'UTC';

-- ClickHouse 00222: every pattern element, each function
CREATE TABLE seq_test (t int, data int);
INSERT INTO seq_test VALUES (0,0),(1,0),(2,0),(3,0),(4,1),(5,2),(6,0),(7,0),(8,0),(9,0),(10,1),(11,1);
CREATE TABLE seq_expected (pattern text, m bool, c bigint, e int[]);
INSERT INTO seq_expected VALUES
  ('', true, 12, '{}'), ('.', true, 12, '{}'), ('.*', true, 12, '{}'),
  ('(?1)', true, 8, '{0}'), ('(?2)', true, 3, '{4}'), ('(?3)', true, 1, '{5}'), ('(?4)', false, 0, '{}'),
  ('(?1)(?1)', true, 4, '{0,1}'), ('(?1)(?1)(?1)', true, 2, '{0,1,2}'),
  ('(?1)(?1)(?1)(?1)', true, 2, '{0,1,2,3}'), ('(?1)(?1)(?1)(?1)(?1)', false, 0, '{0,1,2,3}'),
  ('(?1)(?1)(?1)(?1)(?2)', true, 2, '{0,1,2,3,4}'),
  ('(?1)(?t>10)(?2)', true, 1, '{0,11}'), ('(?1)(?t>11)(?2)', false, 0, '{0}'),
  ('(?1)(?t<11)(?2)', true, 2, '{0,4}'), ('(?1)(?t<3)(?3)', true, 1, '{3,5}'),
  ('(?1)(?t<=2)(?3)', true, 1, '{3,5}'), ('(?1)(?t<2)(?3)', false, 0, '{0}'),
  ('(?2)(?t>=7)(?2)', true, 1, '{4,11}'), ('(?2)(?t>7)(?2)', false, 0, '{4}'),
  ('(?2)(?3)(?1)', true, 1, '{4,5,6}');
SELECT x.pattern,
       abm_sequence_match(x.pattern, to_timestamp(t), data = 0, data = 1, data = 2, data = 3) AS match,
       x.m AS expected_match,
       abm_sequence_count(x.pattern, to_timestamp(t), data = 0, data = 1, data = 2, data = 3) AS count,
       x.c AS expected_count,
       (SELECT coalesce(array_agg(extract(epoch FROM v)::int), '{}')
        FROM unnest(abm_sequence_match_events(x.pattern, to_timestamp(t), data = 0, data = 1, data = 2, data = 3)) v) AS events,
       x.e AS expected_events
FROM seq_test, seq_expected x
GROUP BY x.pattern, x.m, x.c, x.e ORDER BY x.pattern;
-- the same table with two conditions: (?t==S)
SELECT x.pattern,
       abm_sequence_match(x.pattern, to_timestamp(t), data = 1, data = 2) AS match, x.m AS expected_match,
       abm_sequence_count(x.pattern, to_timestamp(t), data = 1, data = 2) AS count, x.c AS expected_count,
       (SELECT coalesce(array_agg(extract(epoch FROM v)::int), '{}')
        FROM unnest(abm_sequence_match_events(x.pattern, to_timestamp(t), data = 1, data = 2)) v) AS events,
       x.e AS expected_events
FROM seq_test, (VALUES ('(?1)(?t==2)(?2)', false, 0::bigint, '{4}'::int[]), ('(?1)(?t==1)(?2)', true, 1, '{4,5}')) x(pattern, m, c, e)
GROUP BY x.pattern, x.m, x.c, x.e ORDER BY x.pattern;

-- ClickHouse documentation: rows meeting no condition are not events
CREATE TABLE seq_doc (t int, number int);
INSERT INTO seq_doc VALUES (1,1),(2,3),(3,2);
SELECT abm_sequence_match('(?1)(?2)', to_timestamp(t), number = 1, number = 2) AS skips_3,
       abm_sequence_match('(?1)(?2)', to_timestamp(t), number = 1, number = 2, number = 3) AS sees_3,
       abm_sequence_match('(?1)(?2)', to_timestamp(t), number = 1, number = 2, number = 4) AS skips_3_again,
       (abm_sequence_match('(?1)(?2)', to_timestamp(t), number = 1, number = 2),
        abm_sequence_match('(?1)(?2)', to_timestamp(t), number = 1, number = 2, number = 3),
        abm_sequence_match('(?1)(?2)', to_timestamp(t), number = 1, number = 2, number = 4))
         = (true, false, true) AS ok_clickhouse_1_0_1
FROM seq_doc;
INSERT INTO seq_doc VALUES (4,1),(5,3),(6,2);
SELECT abm_sequence_count('(?1).*(?2)', to_timestamp(t), number = 1, number = 2) AS got, 2 AS expected FROM seq_doc;
SELECT abm_sequence_match_events('(?1).*(?2).*(?1)(?3)', to_timestamp(t), number = 1, number = 2, number = 4) AS got,
       ARRAY[to_timestamp(1), to_timestamp(3), to_timestamp(4)] AS expected
FROM seq_doc;

-- pull request 72349: a full match in group 0, the longest partial chain in group 1
-- expected (ClickHouse): [1,10,11,101,102,130,140,141] 1; [201,210,211] 0
SELECT g, s.events, s.match, (s.events, s.match) IS NOT DISTINCT FROM (e.events, e.match) AS ok
FROM (SELECT n / 150 AS g,
             (SELECT array_agg(extract(epoch FROM v)::int) FROM unnest(
               abm_sequence_match_events('.*(?1).*(?2).*(?5).*(?1).*(?5).*(?3).*(?4).*(?5)', to_timestamp(n),
                 n % 100 = 1, n % 100 = 10, n % 100 = 30, n % 100 = 40, n > 0)) v) AS events,
             abm_sequence_match('.*(?1).*(?2).*(?5).*(?1).*(?5).*(?3).*(?4).*(?5)', to_timestamp(n),
                 n % 100 = 1, n % 100 = 10, n % 100 = 30, n % 100 = 40, n > 0) AS match
      FROM generate_series(0, 299) n GROUP BY 1) s
FULL JOIN (VALUES (0, '{1,10,11,101,102,130,140,141}'::int[], true), (1, '{201,210,211}', false)) e(g, events, match)
  USING (g)
ORDER BY g;

-- issue 118120: the chain returned obeys the time condition (after the
-- fix: [0,5]); B at 5 is not followed by C, B at 100 is too late: no match
SELECT match, events, (match, events) IS NOT DISTINCT FROM (false, '{0,5}'::int[]) AS ok
FROM (SELECT abm_sequence_match('(?1)(?t<=10)(?2)(?3)', to_timestamp(t), e = 'A', e = 'B', e = 'C') AS match,
             (SELECT array_agg(extract(epoch FROM v)::int) FROM unnest(
               abm_sequence_match_events('(?1)(?t<=10)(?2)(?3)', to_timestamp(t), e = 'A', e = 'B', e = 'C')) v) AS events
      FROM (VALUES (0,'A'),(5,'B'),(100,'B'),(101,'C')) v(t, e)) s;

-- 02713: (?1)(?2) over alternating odd and even numbers is 1
SELECT abm_sequence_match('(?1)(?2)', to_timestamp(n), n % 2 = 1, n % 2 = 0) AS got, true AS expected
FROM generate_series(0, 99) n;

-- 00823 (at 2 001 events instead of 1 000 001): the DFA walk answers the
-- time-free match where a backtracking search would not; sequenceCount
-- always backtracks, and with one A before 1 999 B it tries (?3) after
-- every B: about n^2 = 4 000 000 steps, beyond the 1 000 000 ClickHouse
-- (and abm) allow.
CREATE TABLE seq_dfa AS
SELECT n, CASE WHEN n = 0 THEN 'A' WHEN n < 2000 THEN 'B' ELSE 'C' END AS e FROM generate_series(0, 2000) n;
SELECT abm_sequence_match('(?1).*(?2).*(?3)', to_timestamp(n), e = 'A', e = 'B', e = 'C') AS abc,
       abm_sequence_match('(?1).*(?2).*(?3)', to_timestamp(n), e = 'A', e = 'B', e = 'A') AS aba,
       abm_sequence_match('(?1).*(?2).*(?3).*(?4)', to_timestamp(n), e = 'A', e = 'B', e = 'B', e = 'C') AS abbc,
       abm_sequence_match('(?1).*(?2).*(?3)', to_timestamp(n), e = 'C', e = 'B', e = 'A') AS cba
FROM seq_dfa;
-- expected (ClickHouse): ABC and ABBC match, ABA and CBA do not
SELECT (abm_sequence_match('(?1).*(?2).*(?3)', to_timestamp(n), e = 'A', e = 'B', e = 'C'),
        abm_sequence_match('(?1).*(?2).*(?3)', to_timestamp(n), e = 'A', e = 'B', e = 'A'),
        abm_sequence_match('(?1).*(?2).*(?3).*(?4)', to_timestamp(n), e = 'A', e = 'B', e = 'B', e = 'C'),
        abm_sequence_match('(?1).*(?2).*(?3)', to_timestamp(n), e = 'C', e = 'B', e = 'A'))
       = (true, false, true, false) AS ok
FROM seq_dfa;
SELECT abm_sequence_count('(?1).*(?2).*(?3)', to_timestamp(n), e = 'A', e = 'B', e = 'A') FROM seq_dfa;
\echo :LAST_ERROR_SQLSTATE
-- by hand: 399 B after the A, about 400^2 = 160 000 steps; no match, 0
SELECT abm_sequence_count('(?1).*(?2).*(?3)', to_timestamp(n), e = 'A', e = 'B', e = 'A') AS under_the_bound,
       0 AS expected
FROM seq_dfa WHERE n <= 400;

-- Rows with equal timestamps are taken in the order of their condition
-- bitmask, lowest first, whatever order they arrive in.
-- by hand: masks 1 (a) and 2 (b) at one instant: a comes first; t, f
SELECT abm_sequence_match('(?1)(?2)', ts, e = 'a', e = 'b') AS a_then_b,
       abm_sequence_match('(?2)(?1)', ts, e = 'a', e = 'b') AS b_then_a,
       (abm_sequence_match('(?1)(?2)', ts, e = 'a', e = 'b'), abm_sequence_match('(?2)(?1)', ts, e = 'a', e = 'b'))
         = (true, false) AS ok
FROM (VALUES ('2026-01-01'::timestamptz, 'b'), ('2026-01-01', 'a')) v(ts, e);

-- One row meeting several conditions is one event: it stands for either,
-- never for two places of the chain.
SELECT abm_sequence_match('(?1)', ts, true, true) AS one,
       abm_sequence_match('(?1)(?2)', ts, true, true) AS two_places,
       abm_sequence_match('(?2)', ts, true, true) AS either,
       abm_sequence_count('(?1)', ts, true, true) AS count_of_one,
       (abm_sequence_match('(?1)', ts, true, true), abm_sequence_match('(?1)(?2)', ts, true, true),
        abm_sequence_match('(?2)', ts, true, true), abm_sequence_count('(?1)', ts, true, true))
         = (true, false, true, 1::bigint) AS ok_t_f_t_1
FROM (VALUES ('2026-01-01'::timestamptz)) v(ts);

-- Counted matches do not overlap: a a b b gives one (a .* b), then the
-- search resumes after the first b and finds no a.
SELECT abm_sequence_count('(?1).*(?2)', to_timestamp(t), e = 'a', e = 'b') AS got, 1 AS expected
FROM (VALUES (1,'a'),(2,'a'),(3,'b'),(4,'b')) v(t, e);
SELECT abm_sequence_count('(?1).*(?2)', to_timestamp(t), e = 'a', e = 'b') AS got, 2 AS expected
FROM (VALUES (1,'a'),(2,'b'),(3,'a'),(4,'b')) v(t, e);

-- Time conditions compare microseconds: <= and >= include the limit.
SELECT abm_sequence_match('(?1)(?t<=3600)(?2)', ts, e = 'a', e = 'b') AS le_at_limit,
       abm_sequence_match('(?1)(?t<3600)(?2)', ts, e = 'a', e = 'b') AS lt_at_limit,
       abm_sequence_match('(?1)(?t==3600)(?2)', ts, e = 'a', e = 'b') AS eq_at_limit,
       abm_sequence_match('(?1)(?t>=3600)(?2)', ts, e = 'a', e = 'b') AS ge_at_limit,
       abm_sequence_match('(?1)(?t>3600)(?2)', ts, e = 'a', e = 'b') AS gt_at_limit,
       (abm_sequence_match('(?1)(?t<=3600)(?2)', ts, e = 'a', e = 'b'),
        abm_sequence_match('(?1)(?t<3600)(?2)', ts, e = 'a', e = 'b'),
        abm_sequence_match('(?1)(?t==3600)(?2)', ts, e = 'a', e = 'b'),
        abm_sequence_match('(?1)(?t>=3600)(?2)', ts, e = 'a', e = 'b'),
        abm_sequence_match('(?1)(?t>3600)(?2)', ts, e = 'a', e = 'b'))
         = (true, false, true, true, false) AS ok_t_f_t_t_f
FROM (VALUES ('2026-01-01 00:00:00+00'::timestamptz, 'a'), ('2026-01-01 01:00:00+00', 'b')) v(ts, e);
SELECT abm_sequence_match('(?1)(?t==3600)(?2)', ts, e = 'a', e = 'b') AS eq_one_us_late,
       abm_sequence_match('(?1)(?t>3600)(?2)', ts, e = 'a', e = 'b') AS gt_one_us_late,
       (abm_sequence_match('(?1)(?t==3600)(?2)', ts, e = 'a', e = 'b'),
        abm_sequence_match('(?1)(?t>3600)(?2)', ts, e = 'a', e = 'b')) = (false, true) AS ok_f_t
FROM (VALUES ('2026-01-01 00:00:00+00'::timestamptz, 'a'), ('2026-01-01 01:00:00.000001+00', 'b')) v(ts, e);

-- "." is one event meeting any condition; a row meeting none is no event.
SELECT abm_sequence_match('(?1).(?2)', to_timestamp(t), e = 'a', e = 'b', e = 'c') AS dot_sees_c,
       abm_sequence_match('(?1).(?2)', to_timestamp(t), e = 'a', e = 'b') AS c_is_no_event,
       (abm_sequence_match('(?1).(?2)', to_timestamp(t), e = 'a', e = 'b', e = 'c'),
        abm_sequence_match('(?1).(?2)', to_timestamp(t), e = 'a', e = 'b')) = (true, false) AS ok_t_f
FROM (VALUES (1,'a'),(2,'c'),(3,'b')) v(t, e);
-- (t: c is the event between; f: a and b are adjacent events)

-- Empty input, NULLs and rows meeting no condition
SELECT abm_sequence_match('(?1)', ts, true) AS match, abm_sequence_count('(?1)', ts, true) AS count,
       abm_sequence_match_events('(?1)', ts, true) AS events,
       (abm_sequence_match('(?1)', ts, true), abm_sequence_count('(?1)', ts, true),
        abm_sequence_match_events('(?1)', ts, true)) IS NOT DISTINCT FROM (NULL::bool, 0::bigint, NULL::timestamptz[]) AS ok
FROM (SELECT now() AS ts WHERE false) v;
-- no rows: NULL, 0, NULL
SELECT abm_sequence_match('(?1)', ts, c) AS match, abm_sequence_count('(?1)', ts, c) AS count,
       abm_sequence_match_events('(?1)', ts, c) AS events,
       (abm_sequence_match('(?1)', ts, c), abm_sequence_count('(?1)', ts, c), abm_sequence_match_events('(?1)', ts, c))
         = (false, 0::bigint, '{}'::timestamptz[]) AS ok
FROM (VALUES (NULL::timestamptz, true), ('2026-01-01', NULL)) v(ts, c);
-- a NULL timestamp skips the row; a NULL condition is false: one usable row, no event: f, 0, {}
-- a NULL pattern skips the row: t, 1
SELECT abm_sequence_match(p, ts, true) AS match, abm_sequence_count(p, ts, true) AS count,
       (abm_sequence_match(p, ts, true), abm_sequence_count(p, ts, true)) = (true, 1::bigint) AS ok
FROM (VALUES (NULL::text, '2026-01-01'::timestamptz), ('(?1)', '2026-01-02')) v(p, ts);
-- by hand: ".*" matches the empty chain (t); sequenceCount finds no event to start from (0)
SELECT abm_sequence_match('.*', ts, false) AS star_without_events, abm_sequence_count('.*', ts, false) AS count,
       (abm_sequence_match('.*', ts, false), abm_sequence_count('.*', ts, false)) = (true, 0::bigint) AS ok
FROM (VALUES ('2026-01-01'::timestamptz)) v(ts);
-- a NULL condition array skips the row: no usable row, NULL
SELECT abm_sequence_match('(?1)', ts, VARIADIC c) IS NULL AS null_array_is_null
FROM (VALUES ('2026-01-01'::timestamptz, NULL::bool[])) v(ts, c);

-- 32 conditions, one event each, and a pattern naming all of them
SELECT abm_sequence_match('(?1)(?2)(?3)(?4)(?5)(?6)(?7)(?8)(?9)(?10)(?11)(?12)(?13)(?14)(?15)(?16)(?17)(?18)(?19)(?20)(?21)(?22)(?23)(?24)(?25)(?26)(?27)(?28)(?29)(?30)(?31)(?32)',
         to_timestamp(i), i=1,i=2,i=3,i=4,i=5,i=6,i=7,i=8,i=9,i=10,i=11,i=12,i=13,i=14,i=15,i=16,
         i=17,i=18,i=19,i=20,i=21,i=22,i=23,i=24,i=25,i=26,i=27,i=28,i=29,i=30,i=31,i=32) AS all_32
FROM generate_series(32, 1, -1) i;

-- Bad input: each error, then the session goes on
SELECT abm_sequence_match('(?1)(?x)', now(), true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_sequence_match('(?1)(?t<5', now(), true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_sequence_match('(?1)(?t<5)(?t>3)(?1)', now(), true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_sequence_match('(?1) .* (?1)', now(), true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_sequence_match('(?1)(?2)', now(), true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_sequence_match('(?0)', now(), true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_sequence_match('(?1)(?t~5)(?1)', now(), true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_sequence_match('(?1)(?t<)(?1)', now(), true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_sequence_match('(?1)(?t<=99999999999999)(?1)', now(), true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_sequence_match('(?1)é', now(), true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_sequence_match(repeat('.', 1025), now(), true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_sequence_match('(?1)', now(), VARIADIC '{}'::bool[]);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_sequence_match('(?1)', now(), VARIADIC array_fill(true, ARRAY[33]));
\echo :LAST_ERROR_SQLSTATE
SELECT abm_sequence_match(p, now(), true) FROM (VALUES ('(?1)'), ('(?1).*')) v(p);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_sequence_count('(?1)', now(), VARIADIC c) FROM (VALUES (ARRAY[true]), (ARRAY[true, false])) v(c);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_sequence_match_events('(?1)', 'infinity', true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_sequence_match('(?1)', now(), true) AS still_working;

-- Generated data: 400 accounts, up to 60 rows each over 30 days, three
-- conditions that overlap (a row may meet several or none), and ties.
CREATE TABLE seq_gen AS
SELECT account, i, to_timestamp(1767225600 + CASE WHEN account % 5 = 0 THEN secs / 3600 * 3600 ELSE secs END) AS ts,
       c1, c2, c3
FROM (SELECT a AS account, i, (abm_demo_uniform(7, 1, a * 1000 + i) * 30 * 86400)::int AS secs,
             abm_demo_uniform(7, 2, a * 1000 + i) < 0.3 AS c1,
             abm_demo_uniform(7, 3, a * 1000 + i) < 0.25 AS c2,
             abm_demo_uniform(7, 4, a * 1000 + i) < 0.2 AS c3
      FROM generate_series(1, 400) a, generate_series(1, 60) i
      WHERE i <= 1 + (a * 7) % 60) x;
-- (every fifth account has its times rounded to the hour, for ties)
-- events in matcher order: by time, then condition mask; a letter per mask
CREATE TABLE seq_ev AS
SELECT account, ts, mask,
       row_number() OVER (PARTITION BY account ORDER BY ts, mask) AS pos
FROM (SELECT account, ts, (c1::int + 2 * c2::int + 4 * c3::int) AS mask FROM seq_gen) x
WHERE mask > 0;
CREATE INDEX ON seq_ev (account, pos);
ANALYZE seq_gen, seq_ev;
SELECT count(DISTINCT account) AS accounts, count(*) AS events,
       count(*) FILTER (WHERE mask IN (3, 5, 6, 7)) AS rows_meeting_several,
       (SELECT count(*) FROM (SELECT account, ts, mask FROM seq_ev GROUP BY 1, 2, 3 HAVING count(*) > 1) d) AS tied_duplicates
FROM seq_ev;

-- Time-free patterns against a regular expression over the events as a
-- string (one letter per condition mask, b..h for masks 1..7; (?N) a class
-- of the letters whose mask has bit N): abm_sequence_match is a search,
-- abm_sequence_count the number of non-overlapping leftmost-shortest
-- matches (regexp_count with lazy quantifiers).
CREATE FUNCTION seq_regex(pattern text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT replace(replace(replace(replace(pattern, '.*', '.*?'), '(?1)', '[bdfh]'), '(?2)', '[cdgh]'), '(?3)', '[efgh]')
$$;
CREATE TABLE seq_strings AS
SELECT a.account, coalesce(string_agg(chr(97 + e.mask), '' ORDER BY e.pos), '') AS s
FROM (SELECT DISTINCT account FROM seq_gen) a LEFT JOIN seq_ev e USING (account) GROUP BY a.account;
CREATE TABLE seq_patterns (pattern text);
INSERT INTO seq_patterns VALUES ('(?1).*(?2)'), ('(?1)(?2)'), ('(?2).(?3)'), ('(?1).*(?2).*(?3)'),
  ('(?3)(?3)'), ('.*(?1)..(?2)'), ('(?1).*(?1).*(?1).*(?1)'), ('(?2)(?1).*(?3)(?2)'), ('(?1).*(?3).');
CREATE TABLE seq_abm AS
SELECT p.pattern, abm.account, abm.m, abm.c
FROM seq_patterns p
CROSS JOIN LATERAL (
  SELECT g.account, abm_sequence_match(p.pattern, g.ts, g.c1, g.c2, g.c3) AS m,
         abm_sequence_count(p.pattern, g.ts, g.c1, g.c2, g.c3) AS c
  FROM seq_gen g GROUP BY g.account) abm;
SELECT a.pattern,
       count(*) AS accounts,
       count(*) FILTER (WHERE a.m) AS matching,
       count(*) FILTER (WHERE a.m IS DISTINCT FROM (s.s ~ seq_regex(a.pattern))) AS match_differs,
       sum(a.c) AS matches_counted,
       count(*) FILTER (WHERE a.c IS DISTINCT FROM regexp_count(s.s, seq_regex(a.pattern))::bigint) AS count_differs
FROM seq_abm a FULL JOIN seq_strings s USING (account)
GROUP BY a.pattern ORDER BY a.pattern;

-- Time conditions against self-joins: (?1)(?t op S)(?2) holds when some
-- event meeting 1 is followed (later in matcher order) by one meeting 2
-- whose distance obeys op; the chain (?1)(?t<=S)(?2)(?t<=S)(?3) when some
-- such pair is followed within S by an event meeting 3.
CREATE TABLE seq_time (pattern text, op text, secs int);
INSERT INTO seq_time VALUES ('(?1)(?t<=86400)(?2)', '<=', 86400), ('(?1)(?t<86400)(?2)', '<', 86400),
  ('(?1)(?t>=432000)(?2)', '>=', 432000), ('(?1)(?t>432000)(?2)', '>', 432000),
  ('(?1)(?t==3600)(?2)', '=', 3600), ('(?1)(?t==0)(?2)', '=', 0);
CREATE TABLE seq_time_plain AS
SELECT x.pattern, a.account,
       EXISTS (SELECT FROM seq_ev p JOIN seq_ev q ON q.account = p.account AND q.pos > p.pos AND q.mask & 2 <> 0
               WHERE p.account = a.account AND p.mask & 1 <> 0
                 AND CASE x.op WHEN '<=' THEN q.ts - p.ts <= x.secs * interval '1 s'
                               WHEN '<' THEN q.ts - p.ts < x.secs * interval '1 s'
                               WHEN '>=' THEN q.ts - p.ts >= x.secs * interval '1 s'
                               WHEN '>' THEN q.ts - p.ts > x.secs * interval '1 s'
                               ELSE q.ts - p.ts = x.secs * interval '1 s' END) AS m
FROM seq_time x, (SELECT DISTINCT account FROM seq_gen) a;
CREATE TABLE seq_time_abm AS
SELECT x.pattern, abm.account, abm.m
FROM seq_time x
CROSS JOIN LATERAL (SELECT account, abm_sequence_match(x.pattern, ts, c1, c2, c3) AS m FROM seq_gen GROUP BY account) abm;
SELECT pattern, count(*) AS accounts, count(*) FILTER (WHERE a.m) AS matching,
       count(*) FILTER (WHERE a.m IS DISTINCT FROM p.m) AS differing
FROM seq_time_abm a FULL JOIN seq_time_plain p USING (pattern, account)
GROUP BY pattern ORDER BY pattern;
SELECT count(*) AS accounts, count(*) FILTER (WHERE abm.m) AS matching,
       count(*) FILTER (WHERE abm.m IS DISTINCT FROM pl.m) AS differing
FROM (SELECT account, abm_sequence_match('(?1)(?t<=172800)(?2)(?t<=172800)(?3)', ts, c1, c2, c3) AS m
      FROM seq_gen GROUP BY account) abm
JOIN (SELECT a.account,
             EXISTS (SELECT FROM seq_ev p JOIN seq_ev q ON q.account = p.account AND q.pos > p.pos
                       AND q.mask & 2 <> 0 AND q.ts - p.ts <= interval '2 days'
                     JOIN seq_ev r ON r.account = q.account AND r.pos > q.pos
                       AND r.mask & 4 <> 0 AND r.ts - q.ts <= interval '2 days'
                     WHERE p.account = a.account AND p.mask & 1 <> 0) AS m
      FROM (SELECT DISTINCT account FROM seq_gen) a) pl USING (account);

-- abm_sequence_match_events for (?1).*(?2).*(?3) against the earliest chain:
-- the first event meeting 1, the first meeting 2 after it, the first
-- meeting 3 after that; as far as the chain goes.
WITH a1 AS (SELECT account, min(pos) AS p1 FROM seq_ev WHERE mask & 1 <> 0 GROUP BY account),
a2 AS (SELECT a1.account, a1.p1, (SELECT min(pos) FROM seq_ev e WHERE e.account = a1.account AND e.pos > a1.p1 AND e.mask & 2 <> 0) AS p2 FROM a1),
a3 AS (SELECT a2.*, (SELECT min(pos) FROM seq_ev e WHERE e.account = a2.account AND e.pos > a2.p2 AND e.mask & 4 <> 0) AS p3 FROM a2),
plain AS (SELECT a.account,
                 coalesce((SELECT array_agg(e.ts ORDER BY e.pos) FROM a3 JOIN seq_ev e ON e.account = a3.account
                           AND e.pos IN (a3.p1, a3.p2, a3.p3) WHERE a3.account = a.account), '{}') AS events
          FROM (SELECT DISTINCT account FROM seq_gen) a)
SELECT count(*) AS accounts,
       count(*) FILTER (WHERE cardinality(abm.events) = 3) AS full_chains,
       count(*) FILTER (WHERE cardinality(abm.events) BETWEEN 1 AND 2) AS partial_chains,
       count(*) FILTER (WHERE abm.events IS DISTINCT FROM plain.events) AS differing
FROM (SELECT account, abm_sequence_match_events('(?1).*(?2).*(?3)', ts, c1, c2, c3) AS events FROM seq_gen GROUP BY account) abm
JOIN plain USING (account);
