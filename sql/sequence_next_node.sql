-- abm_sequence_next_node
-- The expected values of the first part come from ClickHouse: its test
-- tests/queries/0_stateless/01656_sequence_next_node_long (reference file)
-- and the examples of its documentation.  ClickHouse timestamps in seconds
-- are to_timestamp(t) here.  The second part checks the function group by
-- group against a plain-SQL formulation on generated data.
SET TimeZone = 'UTC';

-- ClickHouse 01656: one case per row; the results of ids 1..6 in order
CREATE TABLE nn_test (dt timestamptz, id int, action text);
INSERT INTO nn_test VALUES
  ('2000-01-02 09:00:01',1,'A'),('2000-01-02 09:00:02',1,'B'),('2000-01-02 09:00:03',1,'C'),('2000-01-02 09:00:04',1,'D'),
  ('2000-01-02 09:00:01',2,'B'),('2000-01-02 09:00:02',2,'B'),('2000-01-02 09:00:03',2,'D'),('2000-01-02 09:00:04',2,'C'),
  ('2000-01-02 09:00:01',3,'A'),('2000-01-02 09:00:02',3,'B'),
  ('2000-01-02 09:00:01',4,'A'),('2000-01-02 09:00:02',4,'A'),('2000-01-02 09:00:03',4,'A'),('2000-01-02 09:00:04',4,'B'),('2000-01-02 09:00:05',4,'C'),
  ('2000-01-02 09:00:01',5,'A'),('2000-01-02 09:00:02',5,'B'),('2000-01-02 09:00:03',5,'A'),('2000-01-02 09:00:04',5,'C'),
  ('2000-01-02 09:00:01',6,'A'),('2000-01-02 09:00:02',6,'B'),('2000-01-02 09:00:03',6,'A'),('2000-01-02 09:00:04',6,'B'),('2000-01-02 09:00:05',6,'C');
-- each case: direction, base, the actions of the event conditions in order
CREATE TABLE nn_cases (n serial, direction text, base text, events text[], expected text[]);
INSERT INTO nn_cases (direction, base, events, expected) VALUES
  ('forward', 'head', '{A}', '{B,NULL,B,A,B,B}'),
  ('forward', 'head', '{B}', '{NULL,B,NULL,NULL,NULL,NULL}'),
  ('forward', 'head', '{C}', '{NULL,NULL,NULL,NULL,NULL,NULL}'),
  ('forward', 'head', '{D}', '{NULL,NULL,NULL,NULL,NULL,NULL}'),
  ('forward', 'head', '{E}', '{NULL,NULL,NULL,NULL,NULL,NULL}'),
  ('backward', 'tail', '{A}', '{NULL,NULL,NULL,NULL,NULL,NULL}'),
  ('backward', 'tail', '{B}', '{NULL,NULL,A,NULL,NULL,NULL}'),
  ('backward', 'tail', '{C}', '{NULL,D,NULL,B,A,B}'),
  ('backward', 'tail', '{D}', '{C,NULL,NULL,NULL,NULL,NULL}'),
  ('backward', 'tail', '{E}', '{NULL,NULL,NULL,NULL,NULL,NULL}'),
  ('forward', 'head', '{A,B}', '{C,NULL,NULL,NULL,A,A}'),
  ('forward', 'head', '{A,C}', '{NULL,NULL,NULL,NULL,NULL,NULL}'),
  ('forward', 'head', '{B,A}', '{NULL,NULL,NULL,NULL,NULL,NULL}'),
  ('backward', 'tail', '{A,B}', '{NULL,NULL,NULL,NULL,NULL,NULL}'),
  ('backward', 'tail', '{A,C}', '{NULL,NULL,NULL,NULL,NULL,NULL}'),
  ('backward', 'tail', '{B,A}', '{NULL,NULL,NULL,NULL,NULL,NULL}'),
  ('forward', 'head', '{A,A,B}', '{NULL,NULL,NULL,NULL,NULL,NULL}'),
  ('forward', 'head', '{B,A,A}', '{NULL,NULL,NULL,NULL,NULL,NULL}'),
  ('backward', 'tail', '{A,A,B}', '{NULL,NULL,NULL,NULL,NULL,NULL}'),
  ('backward', 'tail', '{B,A,A}', '{NULL,NULL,NULL,NULL,NULL,NULL}'),
  ('forward', 'head', '{}', '{A,B,A,A,A,A}'),
  ('backward', 'tail', '{}', '{D,C,B,C,C,C}'),
  ('forward', 'first_match', '{A}', '{B,NULL,B,A,B,B}'),
  ('forward', 'first_match', '{A,B}', '{C,NULL,NULL,NULL,A,A}'),
  ('forward', 'first_match', '{A,B,C}', '{D,NULL,NULL,NULL,NULL,NULL}'),
  ('forward', 'first_match', '{B}', '{C,B,NULL,C,A,A}'),
  ('forward', 'first_match', '{B,B}', '{NULL,D,NULL,NULL,NULL,NULL}'),
  ('forward', 'first_match', '{B,A}', '{NULL,NULL,NULL,NULL,C,B}'),
  ('backward', 'first_match', '{A}', '{NULL,NULL,NULL,NULL,NULL,NULL}'),
  ('backward', 'first_match', '{B}', '{A,NULL,A,A,A,A}'),
  ('backward', 'first_match', '{B,A}', '{NULL,NULL,NULL,A,NULL,NULL}'),
  ('backward', 'first_match', '{B,B}', '{NULL,NULL,NULL,NULL,NULL,NULL}');
SELECT c.n, c.direction, c.base, c.events, r.got, c.expected, r.got IS NOT DISTINCT FROM c.expected AS same
FROM nn_cases c
CROSS JOIN LATERAL (
  SELECT array_agg(v ORDER BY id) AS got
  FROM (SELECT id, abm_sequence_next_node(c.direction, c.base, dt, action, true,
                 VARIADIC ARRAY(SELECT action = e FROM unnest(c.events) WITH ORDINALITY u(e, k) ORDER BY k)) AS v
        FROM nn_test GROUP BY id) x) r
ORDER BY c.n;

-- id 10: a row with a NULL value is skipped; id 11: four rows at one
-- instant, ordered by value; id 12: two equal rows
INSERT INTO nn_test VALUES ('2000-01-02 09:00:01',10,'A'),('2000-01-02 09:00:02',10,'B'),('2000-01-02 09:00:02',10,NULL),
  ('2000-01-02 09:00:03',10,'C'),('2000-01-02 09:00:04',10,'D'),
  ('2000-01-02 09:00:01',11,'A'),('2000-01-02 09:00:01',11,'B'),('2000-01-02 09:00:01',11,'C'),('2000-01-02 09:00:01',11,'D');
-- expected (ClickHouse): B, C, NULL, NULL, B, A
SELECT s.*, s::text = '(B,C,,,B,A)' AS ok
FROM (SELECT abm_sequence_next_node('forward', 'head', dt, action, true, action = 'A') AS a,
             abm_sequence_next_node('forward', 'head', dt, action, true, action = 'A', action = 'B') AS ab,
             abm_sequence_next_node('forward', 'head', dt, action, true, action = 'B', action = 'C') AS bc,
             abm_sequence_next_node('backward', 'tail', dt, action, true, action = 'C') AS tail_c,
             abm_sequence_next_node('backward', 'tail', dt, action, true, action = 'D', action = 'C') AS tail_dc,
             abm_sequence_next_node('backward', 'tail', dt, action, true, action = 'D', action = 'C', action = 'B') AS tail_dcb
      FROM nn_test WHERE id = 10) s;
-- expected (ClickHouse): B, NULL, NULL, D, NULL, NULL, NULL, NULL
SELECT s.*, s::text = '(B,,,D,,,,)' AS ok
FROM (SELECT abm_sequence_next_node('forward', 'head', dt, action, true, action = 'A') AS head_a,
             abm_sequence_next_node('forward', 'head', dt, action, true, action = 'C') AS head_c,
             abm_sequence_next_node('forward', 'head', dt, action, true, action = 'B', action = 'C') AS head_bc,
             abm_sequence_next_node('forward', 'head', dt, action, true, action = 'A', action = 'B', action = 'C') AS head_abc,
             abm_sequence_next_node('backward', 'tail', dt, action, true, action = 'A') AS tail_a,
             abm_sequence_next_node('backward', 'tail', dt, action, true, action = 'C') AS tail_c,
             abm_sequence_next_node('backward', 'tail', dt, action, true, action = 'C', action = 'B') AS tail_cb,
             abm_sequence_next_node('backward', 'tail', dt, action, true, action = 'C', action = 'B', action = 'A') AS tail_cba
      FROM nn_test WHERE id = 11) s;
-- expected (ClickHouse): 10: B, C, D, C, A; 11: B, C, D, C, A
SELECT s.*, s::text = e.expected AS ok
FROM (SELECT id,
             abm_sequence_next_node('forward', 'first_match', dt, action, true, action = 'A') AS a,
             abm_sequence_next_node('forward', 'first_match', dt, action, true, action = 'A', action = 'B') AS ab,
             abm_sequence_next_node('forward', 'first_match', dt, action, true, action = 'A', action = 'B', action = 'C') AS abc,
             abm_sequence_next_node('forward', 'first_match', dt, action, true, action = 'B') AS b,
             abm_sequence_next_node('backward', 'first_match', dt, action, true, action = 'B') AS back_b
      FROM nn_test WHERE id >= 10 GROUP BY id) s
FULL JOIN (VALUES (10, '(10,B,C,D,C,A)'), (11, '(11,B,C,D,C,A)')) e(id, expected) USING (id)
ORDER BY id;
-- ClickHouse: 64 event conditions are allowed; none holds here, so NULL for every id
SELECT id, abm_sequence_next_node('forward', 'head', dt, action, true,
         action = '0', action = '1', action = '2', action = '3', action = '4', action = '5', action = '6', action = '7',
         action = '8', action = '9', action = '10', action = '11', action = '12', action = '13', action = '14', action = '15',
         action = '16', action = '17', action = '18', action = '19', action = '20', action = '21', action = '22', action = '23',
         action = '24', action = '25', action = '26', action = '27', action = '28', action = '29', action = '30', action = '31',
         action = '32', action = '33', action = '34', action = '35', action = '36', action = '37', action = '38', action = '39',
         action = '40', action = '41', action = '42', action = '43', action = '44', action = '45', action = '46', action = '47',
         action = '48', action = '49', action = '50', action = '51', action = '52', action = '53', action = '54', action = '55',
         action = '56', action = '57', action = '58', action = '59', action = '60', action = '61', action = '62', action = '63') IS NULL AS max_args_null
FROM nn_test GROUP BY id ORDER BY id;
SELECT abm_sequence_next_node('forward', 'head', dt, action, true, action = 'A') AS got, 'A' AS expected
FROM (VALUES ('2000-01-02 09:00:01'::timestamptz, 'A'), ('2000-01-02 09:00:01', 'A')) v(dt, action);

-- the base condition (ClickHouse 01656, test_base_condition)
CREATE TABLE nn_base (dt timestamptz, id int, action text, referrer text);
INSERT INTO nn_base VALUES
  ('2000-01-02 09:00:01',1,'A','1'),('2000-01-02 09:00:02',1,'B','2'),('2000-01-02 09:00:03',1,'C','3'),('2000-01-02 09:00:04',1,'D','4'),
  ('2000-01-02 09:00:01',2,'D','4'),('2000-01-02 09:00:02',2,'C','3'),('2000-01-02 09:00:03',2,'B','2'),('2000-01-02 09:00:04',2,'A','1'),
  ('2000-01-02 09:00:01',3,'B','10'),('2000-01-02 09:00:02',3,'B','2'),('2000-01-02 09:00:03',3,'D','3'),('2000-01-02 09:00:04',3,'C','4');
-- expected (ClickHouse), per id 1, 2, 3: h A,N,N; h_a B,N,N; h_ab C,N,N;
-- t N,A,N; t_a N,B,N; t_ab N,C,N; f_b C,A,D; f_bc D,N,N; bf_b A,C,B;
-- bf_ba N,N,N
SELECT s.*, s::text = e.expected AS ok
FROM (SELECT id,
             abm_sequence_next_node('forward', 'head', dt, action, referrer = '1', VARIADIC '{}'::bool[]) AS h,
             abm_sequence_next_node('forward', 'head', dt, action, referrer = '1', action = 'A') AS h_a,
             abm_sequence_next_node('forward', 'head', dt, action, referrer = '1', action = 'A', action = 'B') AS h_ab,
             abm_sequence_next_node('backward', 'tail', dt, action, referrer = '1', VARIADIC '{}'::bool[]) AS t,
             abm_sequence_next_node('backward', 'tail', dt, action, referrer = '1', action = 'A') AS t_a,
             abm_sequence_next_node('backward', 'tail', dt, action, referrer = '1', action = 'A', action = 'B') AS t_ab,
             abm_sequence_next_node('forward', 'first_match', dt, action, referrer = '2', action = 'B') AS f_b,
             abm_sequence_next_node('forward', 'first_match', dt, action, referrer = '2', action = 'B', action = 'C') AS f_bc,
             abm_sequence_next_node('backward', 'first_match', dt, action, referrer = '2', action = 'B') AS bf_b,
             abm_sequence_next_node('backward', 'first_match', dt, action, referrer = '2', action = 'B', action = 'A') AS bf_ba
      FROM nn_base GROUP BY id) s
FULL JOIN (VALUES (1, '(1,A,B,C,,,,C,D,A,)'), (2, '(2,,,,A,B,C,A,,C,)'), (3, '(3,,,,,,,D,,B,)')) e(id, expected) USING (id)
ORDER BY id;

-- ClickHouse documentation (test_flow, test_flow_basecond)
SELECT abm_sequence_next_node('forward', 'head', to_timestamp(t), page, page = 'A', page = 'A', page = 'B') AS got, 'C' AS expected
FROM (VALUES (1,'A'),(2,'B'),(3,'C'),(4,'D'),(5,'E')) v(t, page);
CREATE TABLE nn_flow (t int, id int, page text);
INSERT INTO nn_flow VALUES (1,1,'Home'),(2,1,'Gift'),(3,1,'Exit'),
  (1,2,'Home'),(2,2,'Home'),(3,2,'Gift'),(4,2,'Basket'),
  (1,3,'Gift'),(2,3,'Home'),(3,3,'Gift'),(4,3,'Basket');
-- expected (documentation), per id 1, 2, 3: fwd_head Exit,NULL,NULL;
-- back_tail NULL,Home,Home; fwd_first Exit,Basket,Home; fwd_first_home
-- NULL,NULL,Gift; back_last Home,Home,Home; back_last_home NULL,Home,Gift
SELECT s.*, s::text = e.expected AS ok
FROM (SELECT id,
             abm_sequence_next_node('forward', 'head', to_timestamp(t), page, page = 'Home', page = 'Home', page = 'Gift') AS fwd_head,
             abm_sequence_next_node('backward', 'tail', to_timestamp(t), page, page = 'Basket', page = 'Basket', page = 'Gift') AS back_tail,
             abm_sequence_next_node('forward', 'first_match', to_timestamp(t), page, page = 'Gift', page = 'Gift') AS fwd_first,
             abm_sequence_next_node('forward', 'first_match', to_timestamp(t), page, page = 'Gift', page = 'Gift', page = 'Home') AS fwd_first_home,
             abm_sequence_next_node('backward', 'last_match', to_timestamp(t), page, page = 'Gift', page = 'Gift') AS back_last,
             abm_sequence_next_node('backward', 'last_match', to_timestamp(t), page, page = 'Gift', page = 'Gift', page = 'Home') AS back_last_home
      FROM nn_flow GROUP BY id) s
FULL JOIN (VALUES (1, '(1,Exit,,Exit,,Home,)'), (2, '(2,,Home,Basket,,Home,Home)'), (3, '(3,,Home,Home,Gift,Home,Gift)')) e(id, expected) USING (id)
ORDER BY id;
-- expected (documentation): NULL, NULL, B, A
SELECT s.*, s::text = '(,,B,A)' AS ok
FROM (SELECT abm_sequence_next_node('forward', 'head', to_timestamp(t), page, ref = 'ref1', page = 'A') AS head_ref1,
             abm_sequence_next_node('backward', 'tail', to_timestamp(t), page, ref = 'ref4', page = 'B') AS tail_ref4,
             abm_sequence_next_node('forward', 'first_match', to_timestamp(t), page, ref = 'ref3', page = 'A') AS first_ref3,
             abm_sequence_next_node('backward', 'last_match', to_timestamp(t), page, ref = 'ref2', page = 'B') AS last_ref2
      FROM (VALUES (1,'A','ref4'),(2,'A','ref3'),(3,'B','ref2'),(4,'B','ref1')) v(t, page, ref)) s;

-- Ties beyond ClickHouse's order: equal timestamp and value, different
-- conditions, in either arrival order: the node meeting fewer conditions
-- (lower mask) comes first.
-- by hand: order x(false), x(true), y: the head meets no condition: NULL both times
SELECT abm_sequence_next_node('forward', 'head', ts, v, true, c) IS NULL AS got_null
FROM (VALUES ('2026-01-01'::timestamptz, 'x', true, 1), ('2026-01-01', 'x', false, 2), ('2026-01-02', 'y', false, 3)) r(ts, v, c, k);
SELECT abm_sequence_next_node('forward', 'head', ts, v, true, c) IS NULL AS got_null
FROM (VALUES ('2026-01-01'::timestamptz, 'x', false, 2), ('2026-01-01', 'x', true, 1), ('2026-01-02', 'y', false, 3)) r(ts, v, c, k);

-- head and tail keep a few nodes and only their values, however many
-- distinct values pass (rows arrive in the least favourable order)
SELECT abm_sequence_next_node('forward', 'head', to_timestamp(i), 'v' || i, true, true) AS head_next,
       abm_sequence_next_node('backward', 'tail', to_timestamp(1001 - i), 'v' || (1001 - i), true, true) AS tail_previous,
       'v2' AS head_expected, 'v999' AS tail_expected
FROM generate_series(1000, 1, -1) i;
-- by hand: head v1, next v2; tail v1000, previous v999

-- Empty input and NULLs
SELECT abm_sequence_next_node('forward', 'head', ts, v, true, true) AS no_rows
FROM (SELECT now() AS ts, 'x'::text AS v WHERE false) r;
SELECT abm_sequence_next_node('forward', 'head', ts, v, b, c) AS got, 'b' AS expected
FROM (VALUES ('2026-01-01'::timestamptz, 'a', true, true), (NULL, 'z', true, true), ('2026-01-02', NULL, true, true),
             ('2026-01-03', 'b', NULL, NULL)) r(ts, v, b, c);
-- by hand: the NULL timestamp and the NULL value rows are skipped; a, b: the head a meets the event, b follows: b
SELECT abm_sequence_next_node('forward', 'head', ts, v, NULL, true) IS NULL AS null_base_is_null
FROM (VALUES ('2026-01-01'::timestamptz, 'a'), ('2026-01-02', 'b')) r(ts, v);
-- a NULL base condition is false: NULL
SELECT abm_sequence_next_node(d, 'head', ts, v, true, true) AS null_direction
FROM (VALUES (NULL::text, '2026-01-01'::timestamptz, 'a'), ('forward', '2026-01-02', 'b'), ('forward', '2026-01-03', 'c')) r(d, ts, v);
-- the row with a NULL direction is skipped: head b, next c

-- Bad input
SELECT abm_sequence_next_node('sideways', 'head', now(), 'a', true, true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_sequence_next_node('forward', 'middle', now(), 'a', true, true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_sequence_next_node('backward', 'head', now(), 'a', true, true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_sequence_next_node('forward', 'tail', now(), 'a', true, true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_sequence_next_node('forward', 'first_match', now(), 'a', true, VARIADIC '{}'::bool[]);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_sequence_next_node('forward', 'head', now(), 'a', true, VARIADIC array_fill(true, ARRAY[65]));
\echo :LAST_ERROR_SQLSTATE
SELECT abm_sequence_next_node(d, 'first_match', now(), 'a', true, true) FROM (VALUES ('forward'), ('backward')) v(d);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_sequence_next_node('forward', 'head', '-infinity', 'a', true, true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_sequence_next_node('forward', 'head', now(), 'a', true, VARIADIC '{}'::bool[]) AS still_working;

-- Generated data: 300 accounts, up to 40 nodes each, values from a small
-- alphabet, times on a coarse grid so that ties are common; the plain-SQL
-- formulation numbers the nodes in abm's order (time, value by bytes,
-- conditions, base flag) and walks from the base point.
CREATE TABLE nn_gen AS
SELECT a AS account, i,
       to_timestamp(1767225600 + 3600 * floor(abm_demo_uniform(9, 1, a * 100 + i) * 48)::int) AS ts,
       (ARRAY['visit', 'download', 'webinar', 'meeting', 'Visit', 'download2'])[1 + floor(abm_demo_uniform(9, 2, a * 100 + i) * 6)::int] AS v,
       abm_demo_uniform(9, 3, a * 100 + i) < 0.8 AS b
FROM generate_series(1, 300) a, generate_series(1, 40) i
WHERE i <= 1 + (a * 13) % 40;
CREATE TABLE nn_conds (label text, k int, c text[]);
INSERT INTO nn_conds VALUES ('none', 0, '{}'), ('visit', 1, '{visit}'), ('visit,download', 2, '{visit,download}'),
  ('download,webinar,meeting', 3, '{download,webinar,meeting}');
CREATE TABLE nn_modes (direction text, base text);
INSERT INTO nn_modes VALUES ('forward', 'head'), ('backward', 'tail'), ('forward', 'first_match'),
  ('backward', 'first_match'), ('forward', 'last_match'), ('backward', 'last_match');
CREATE TABLE nn_numbered AS
SELECT *, row_number() OVER (PARTITION BY label, account ORDER BY ts, v COLLATE "C", mask, b) AS pos,
       count(*) OVER (PARTITION BY label, account) AS n
FROM (SELECT g.account, g.ts, g.v, g.b, c.label,
             (SELECT coalesce(sum(1::bigint << (k - 1)::int), 0)::bigint
              FROM unnest(c.c) WITH ORDINALITY u(e, k) WHERE g.v = u.e) AS mask
      FROM nn_gen g, nn_conds c) x;
CREATE INDEX ON nn_numbered (label, account, pos);
ANALYZE nn_gen, nn_conds, nn_modes, nn_numbered;
CREATE TABLE nn_plain AS
WITH agg AS (
  SELECT label, account, max(n) AS n, bool_or(pos = 1 AND b) AS head_is_base, bool_or(pos = n AND b) AS tail_is_base,
         min(pos) FILTER (WHERE b AND mask & 1 = 1) AS first_pos, max(pos) FILTER (WHERE b AND mask & 1 = 1) AS last_pos
  FROM nn_numbered GROUP BY label, account),
bases AS (
  SELECT m.direction, m.base, c.label, c.k, a.account,
         CASE m.base WHEN 'head' THEN CASE WHEN a.head_is_base THEN 1 END
                     WHEN 'tail' THEN CASE WHEN a.tail_is_base THEN a.n END
                     WHEN 'first_match' THEN a.first_pos ELSE a.last_pos END AS base_pos,
         CASE m.direction WHEN 'forward' THEN 1 ELSE -1 END AS step
  FROM nn_modes m JOIN nn_conds c ON c.k > 0 OR m.base IN ('head', 'tail') JOIN agg a ON a.label = c.label),
chain AS (
  -- the nodes base, base + step, ... that meet event 1, 2, ... in turn
  SELECT b.direction, b.base, b.label, b.account, count(x.pos) AS matched
  FROM bases b LEFT JOIN nn_numbered x
    ON x.label = b.label AND x.account = b.account
   AND (x.pos - b.base_pos) * b.step BETWEEN 0 AND b.k - 1
   AND (x.mask >> ((x.pos - b.base_pos) * b.step)::int) & 1 = 1
  GROUP BY 1, 2, 3, 4)
SELECT b.direction, b.base, b.label, b.account, CASE WHEN ch.matched = b.k THEN r.v END AS v
FROM bases b JOIN chain ch USING (direction, base, label, account)
LEFT JOIN nn_numbered r ON r.label = b.label AND r.account = b.account AND r.pos = b.base_pos + b.k * b.step;
CREATE TABLE nn_abm AS
SELECT m.direction, m.base, c.label, abm.account, abm.v
FROM nn_modes m JOIN nn_conds c ON c.k > 0 OR m.base IN ('head', 'tail')
CROSS JOIN LATERAL (
  SELECT account, abm_sequence_next_node(m.direction, m.base, ts, v, b,
                    VARIADIC ARRAY(SELECT v = e FROM unnest(c.c) WITH ORDINALITY u(e, k) ORDER BY k)) AS v
  FROM nn_gen GROUP BY account) abm;
SELECT direction, base, label, count(*) AS accounts, count(a.v) AS with_next_node,
       count(*) FILTER (WHERE a.v IS DISTINCT FROM p.v) AS differing
FROM nn_abm a FULL JOIN nn_plain p USING (direction, base, label, account)
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
