-- Shapley-value attribution: abm_shapley_attribution, abm_shapley_credits,
-- abm_rollup(abm_shapley) and the abm_shapley type.  The worth of a set S
-- of channels is the conversions of the journeys whose channels all lie in
-- S; expected values are computed by hand (arithmetic in comments) or by
-- the equivalent closed form (each conversion split evenly over the
-- distinct channels of its journey) in plain SQL.

-- 1. Two channels by hand.  {A}: 10 journeys, 4 conversions; {B}: 10, 2;
-- {A, B}: 10, 6.  v(A) = 4, v(B) = 2, v(AB) = 4 + 2 + 6 = 12.
-- phi(A) = 1/2 (v(A) - 0) + 1/2 (v(AB) - v(B)) = 2 + 5 = 7;
-- phi(B) = 1/2 (v(B) - 0) + 1/2 (v(AB) - v(A)) = 1 + 4 = 5; 7 + 5 = 12.
CREATE TABLE sh_two AS
SELECT ch::text[] AS channels, i <= conv AS converted
FROM (VALUES ('{A}', 4), ('{B}', 2), ('{A,B}', 6)) s(ch, conv), generate_series(1, 10) i;
SELECT abm_shapley_attribution(channels, converted) FROM sh_two;
SELECT channel, round(credit::numeric, 12) AS credit, round(conversions::numeric, 12) AS conversions,
       abs(conversions - CASE channel WHEN 'A' THEN 7 ELSE 5 END) < 1e-12
         AND abs(credit - CASE channel WHEN 'A' THEN 7 ELSE 5 END / 12.0) < 1e-12 AS ok
FROM abm_shapley_credits((SELECT abm_shapley_attribution(channels, converted) FROM sh_two));

-- 2. Three channels by hand.  Conversions per exact set: A 3, B 1, C 0,
-- AB 4, AC 2, BC 2, ABC 6 (journeys: 5 per set).  v: A 3, B 1, C 0,
-- AB 8, AC 5, BC 3, ABC 18.  Weights |S|!(2 - |S|)!/3!: 1/3, 1/6, 1/3.
-- phi(A) = 1/3 (3) + 1/6 (8 - 1) + 1/6 (5 - 0) + 1/3 (18 - 3) = 1 + 7/6 + 5/6 + 5 = 8
-- phi(B) = 1/3 (1) + 1/6 (8 - 3) + 1/6 (3 - 0) + 1/3 (18 - 5) = 1/3 + 5/6 + 1/2 + 13/3 = 6
-- phi(C) = 1/3 (0) + 1/6 (5 - 3) + 1/6 (3 - 1) + 1/3 (18 - 8) = 1/3 + 1/3 + 10/3 = 4
-- 8 + 6 + 4 = 18 conversions; credits 4/9, 1/3, 2/9.
CREATE TABLE sh_three AS
SELECT ch::text[] AS channels, i <= conv AS converted
FROM (VALUES ('{A}', 3), ('{B}', 1), ('{C}', 0), ('{A,B}', 4), ('{C,A}', 2), ('{B,C,C}', 2), ('{C,B,A}', 5)) s(ch, conv),
     generate_series(1, 5) i
UNION ALL SELECT '{A,B,C}', true;
SELECT abm_shapley_attribution(channels, converted) FROM sh_three;
SELECT channel, round(credit::numeric, 12) AS credit, round(conversions::numeric, 12) AS conversions,
       abs(conversions - CASE channel WHEN 'A' THEN 8 WHEN 'B' THEN 6 ELSE 4 END) < 1e-12
         AND abs(credit - CASE channel WHEN 'A' THEN 8 WHEN 'B' THEN 6 ELSE 4 END / 18.0) < 1e-12 AS ok
FROM abm_shapley_credits((SELECT abm_shapley_attribution(channels, converted) FROM sh_three));

-- 3. Sixteen channels, against the closed form in plain SQL.
CREATE TABLE sh_j AS
SELECT j, ARRAY(SELECT 'ch' || lpad((1 + floor(abm_demo_uniform(83, 2, j * 8 + k) * 16)::int)::text, 2, '0')
                FROM generate_series(1, 1 + floor(abm_demo_uniform(83, 1, j) * 5)::int) k) AS channels,
       abm_demo_uniform(83, 3, j) < 0.3 AS converted
FROM generate_series(1, 3000) j;
CREATE TABLE sh_closed AS
SELECT c AS channel, sum(1.0 / n)::float8 AS conversions
FROM (SELECT j, array_agg(DISTINCT c) AS cs, count(DISTINCT c) AS n
      FROM sh_j, unnest(channels) c WHERE converted GROUP BY j) s, unnest(cs) c
GROUP BY c;
SELECT count(*) AS channels, count(*) FILTER (WHERE abs(s.conversions - p.conversions) < 1e-9) AS agreeing,
       abs(sum(s.conversions) - (SELECT count(*) FROM sh_j WHERE converted)) < 1e-9 AS sum_is_conversions,
       abs(sum(s.credit) - 1) < 1e-12 AS credits_sum_to_1
FROM abm_shapley_credits((SELECT abm_shapley_attribution(channels, converted) FROM sh_j)) s
FULL JOIN sh_closed p USING (channel);

-- 4. Storage: text round trip; abm_rollup of parts equals one pass.
CREATE TABLE sh_store AS SELECT j % 5 AS part, abm_shapley_attribution(channels, converted) AS s FROM sh_j GROUP BY 1;
SELECT (SELECT abm_rollup(s) FROM sh_store)::text = (SELECT abm_shapley_attribution(channels, converted) FROM sh_j)::text
         AS rollup_equals_one_pass,
       bool_and(s::text::abm_shapley::text = s::text) AS text_round_trip
FROM sh_store;

-- 5. Edge cases.
-- no row, only NULLs, only journeys without channels: NULL
SELECT abm_shapley_attribution(channels, converted) IS NULL AS no_rows FROM sh_two WHERE false;
SELECT abm_shapley_attribution(channels, converted) IS NULL AS only_nulls_and_empty
FROM (VALUES (NULL::text[], true), ('{A}', NULL), ('{}', true), ('{NULL}', true)) v(channels, converted);
-- NULL channels and repeats within a journey change nothing
SELECT abm_shapley_attribution(channels, converted)::text = (SELECT abm_shapley_attribution(channels, converted)::text FROM sh_two)
         AS same_sets
FROM (SELECT channels || ARRAY[NULL, channels[1]], converted FROM sh_two) v(channels, converted);
-- one channel takes every conversion
SELECT * FROM abm_shapley_credits((SELECT abm_shapley_attribution('{web}', i % 3 = 0) FROM generate_series(1, 9) i));
-- no conversion: nothing to share (credit NULL, 0 conversions)
SELECT * FROM abm_shapley_credits((SELECT abm_shapley_attribution(channels, false) FROM sh_two));
-- any order of the input, one canonical text form
SELECT '{("b", "a"): 1/2, "a": 0/1, ("a", "b\"c", "b"): 3/3}'::abm_shapley;

-- 6. Bad input: clear errors, and the session goes on.
-- 17 channels: in one journey, across journeys, across merged states
SELECT abm_shapley_attribution(ARRAY(SELECT 'c' || i FROM generate_series(1, 17) i), true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_shapley_attribution(ARRAY['c' || i], true) FROM generate_series(1, 17) i;
\echo :LAST_ERROR_SQLSTATE
SELECT abm_rollup(s) FROM (SELECT abm_shapley_attribution(ARRAY['c' || i], true) AS s FROM generate_series(1, 17) i GROUP BY i % 2) x;
\echo :LAST_ERROR_SQLSTATE
SELECT abm_shapley_attribution('{{a},{b}}'::text[], true);
\echo :LAST_ERROR_SQLSTATE
SELECT '{"a": 2/1}'::abm_shapley;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"a": 1/0}'::abm_shapley;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"a": 1/2, "a": 1/2}'::abm_shapley;
\echo :LAST_ERROR_SQLSTATE
SELECT '{("a", "a"): 1/2}'::abm_shapley;
\echo :LAST_ERROR_SQLSTATE
SELECT '{a: 1/2}'::abm_shapley;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"a": 1/2'::abm_shapley;
\echo :LAST_ERROR_SQLSTATE
SELECT 'session still alive' AS status;
