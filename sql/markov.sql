-- Markov-chain attribution: abm_markov_attribution, abm_markov_credits,
-- abm_rollup(abm_markov) and the abm_markov type.  Every expected value
-- is computed by hand below (the arithmetic in comments) or by solving the
-- absorbing chain another way (Gaussian elimination in PL/pgSQL over
-- transitions counted in plain SQL).

-- 1. The worked example of Serhii Puzyrov, "Markov Chain Attribution -
-- Simple Explanation Of Removal Effect" (2019): google ads alone converts
-- twice and fails once, mailing alone converts once, google ads then
-- mailing converts once.
CREATE TABLE mk_example (path text[], converted bool);
INSERT INTO mk_example VALUES
  ('{google ads}', true), ('{google ads}', true), ('{mailing}', true),
  ('{google ads, mailing}', true), ('{google ads}', false);
-- Transition counts (the article's table): start > google ads 4,
-- start > mailing 1, google ads > conversion 2, google ads > mailing 1,
-- google ads > null 1, mailing > conversion 2.
SELECT abm_markov_attribution(path, converted) FROM mk_example;
-- P(conversion) = 4/5 (0.5 + 1/4 * 1) + 1/5 * 1 = 0.8.
-- Without google ads: 1/5 * 1 = 0.2, removal effect 1 - 0.2/0.8 = 0.75.
-- Without mailing: 4/5 * 0.5 = 0.4, removal effect 1 - 0.4/0.8 = 0.5.
-- Credits 0.75/1.25 = 0.6 and 0.5/1.25 = 0.4; of 4 conversions 2.4 and 1.6.
SELECT channel, round(removal_effect::numeric, 12) AS removal_effect,
       round(credit::numeric, 12) AS credit, round(conversions::numeric, 12) AS conversions,
       abs(removal_effect - CASE channel WHEN 'google ads' THEN 0.75 ELSE 0.5 END) < 1e-12
         AND abs(credit - CASE channel WHEN 'google ads' THEN 0.6 ELSE 0.4 END) < 1e-12
         AND abs(conversions - CASE channel WHEN 'google ads' THEN 2.4 ELSE 1.6 END) < 1e-12 AS ok
FROM abm_markov_credits((SELECT abm_markov_attribution(path, converted) FROM mk_example));

-- 2. Second order, by hand.  Journeys a b a c (converted), b a (not), c
-- (converted).  States: (a) > b, (b) > a, (c) > conversion, (a,b) > a,
-- (b,a) > c and > null (1 each), (a,c) > conversion.
-- P = 1/3 x(a) + 1/3 x(b) + 1/3 x(c) with x(c) = 1, x(a) = x(a,b) = x(b,a)
--   = 1/2 x(a,c) = 1/2, x(b) = x(b,a) = 1/2: P = 2/3 (two journeys of 3).
-- Without a (states (a), (a,b), (b,a), (a,c) dead): P = 1/3, effect 1/2.
-- Without b ((b), (a,b), (b,a) dead): x(a) = 0, P = 1/3, effect 1/2.
-- Without c ((c), (a,c) dead): P = 0, effect 1.  Credits 1/4, 1/4, 1/2.
CREATE TABLE mk_order2 (path text[], converted bool);
INSERT INTO mk_order2 VALUES ('{a,b,a,c}', true), ('{b,a}', false), ('{c}', true);
SELECT abm_markov_attribution(path, converted, 2) FROM mk_order2;
SELECT channel, round(removal_effect::numeric, 12) AS removal_effect,
       round(credit::numeric, 12) AS credit, round(conversions::numeric, 12) AS conversions,
       abs(removal_effect - CASE channel WHEN 'c' THEN 1 ELSE 0.5 END) < 1e-12
         AND abs(credit - CASE channel WHEN 'c' THEN 0.5 ELSE 0.25 END) < 1e-12
         AND abs(conversions - 2 * credit) < 1e-12 AS ok
FROM abm_markov_credits((SELECT abm_markov_attribution(path, converted, 2) FROM mk_order2));
-- First order on the same journeys: start > a, b, c 1 each; a > b 1,
-- a > c 1, a > null 1; b > a 2; c > conversion 2.
-- x(c) = 1, x(a) = 1/3 x(b) + 1/3, x(b) = x(a): x(a) = x(b) = 1/2,
-- P = 1/3 (1/2 + 1/2 + 1) = 2/3.  Without a: x(b) = 0, P = 1/3, effect
-- 1/2; without b: x(a) = 1/3, P = 1/3 (1/3 + 0 + 1) = 4/9, effect 1/3;
-- without c: P = 0, effect 1.  Sum 11/6: credits 3/11, 2/11, 6/11.
SELECT channel, round(removal_effect::numeric, 12) AS removal_effect,
       round(credit::numeric, 12) AS credit, round((credit * 11)::numeric, 12) AS elevenths,
       abs(removal_effect - CASE channel WHEN 'a' THEN 1 / 2.0 WHEN 'b' THEN 1 / 3.0 ELSE 1 END) < 1e-12
         AND abs(credit * 11 - CASE channel WHEN 'a' THEN 3 WHEN 'b' THEN 2 ELSE 6 END) < 1e-12 AS ok
FROM abm_markov_credits((SELECT abm_markov_attribution(path, converted) FROM mk_order2));

-- 3. A channel no converting journey passed through gets credit 0, even
-- though the memoryless chain routes conversions through it.  Journeys:
-- a c d (not converted), d (converted).  start > a 1/2, > d 1/2; a > c,
-- c > d, d > conversion 1/2, > null 1/2.  P = 1/2; without a or c P =
-- 1/4 (effect 1/2 each), without d P = 0 (effect 1).  Only d is on a
-- converting journey: credit 1.
SELECT channel, round(removal_effect::numeric, 12) AS removal_effect, credit, conversions,
       abs(removal_effect - CASE channel WHEN 'd' THEN 1 ELSE 0.5 END) < 1e-12
         AND (credit, conversions) = (CASE channel WHEN 'd' THEN 1 ELSE 0 END, CASE channel WHEN 'd' THEN 1 ELSE 0 END) AS ok
FROM abm_markov_credits((SELECT abm_markov_attribution(path, converted)
                         FROM (VALUES ('{a,c,d}'::text[], false), ('{d}', true)) v(path, converted)));

-- 4. Against an independent computation: 1 500 generated journeys over
-- four channels, the conversion chance depending on the channels touched.
CREATE TABLE mk_j AS
SELECT j, path,
       abm_demo_uniform(71, 3, j) < CASE WHEN 'events' = ANY (path) THEN 0.45
                                          WHEN 'web' = ANY (path) THEN 0.25 ELSE 0.1 END AS converted
FROM (SELECT j, ARRAY(SELECT (ARRAY['email', 'events', 'paid', 'web'])[1 + floor(abm_demo_uniform(71, 2, j * 16 + k) * 4)::int]
                      FROM generate_series(1, 1 + floor(abm_demo_uniform(71, 1, j) * 6)::int) k ORDER BY k) AS path
      FROM generate_series(1, 1500) j) g;
SELECT count(*) AS journeys, count(*) FILTER (WHERE converted) AS converted FROM mk_j;
-- The transitions of order k counted in plain SQL: the state before
-- position i is path[i-k .. i-1] (empty: start), the state at the end
-- path[n-k+1 .. n].
CREATE TABLE mk_plain AS
SELECT k, from_state, next, count(*) AS n
FROM generate_series(1, 3) k,
     LATERAL (SELECT path[greatest(1, i - k):i - 1] AS from_state, path[i] AS next
              FROM mk_j, generate_subscripts(path, 1) i
              UNION ALL
              SELECT path[greatest(1, cardinality(path) - k + 1):cardinality(path)],
                     CASE WHEN converted THEN '(conversion)' ELSE '(null)' END
              FROM mk_j) t
GROUP BY 1, 2, 3;
-- P(conversion from start) with every state holding `removed` dead,
-- solving (I - Q) x = b by Gaussian elimination with partial pivoting.
CREATE FUNCTION mk_solve(k int, removed text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
    st text[];
    n int;
    a float8[];
    b float8[];
    r record;
    i int;
    j int;
    p int;
    f float8;
    tmp float8;
BEGIN
    SELECT array_agg(DISTINCT array_to_string(t.from_state, '>')) INTO st
    FROM mk_plain t WHERE t.k = mk_solve.k AND (removed IS NULL OR NOT removed = ANY (t.from_state));
    n := cardinality(st);
    a := array_fill(0::float8, ARRAY[n * n]);
    b := array_fill(0::float8, ARRAY[n]);
    FOR i IN 1 .. n LOOP a[(i - 1) * n + i] := 1; END LOOP;
    FOR r IN SELECT array_position(st, array_to_string(t.from_state, '>')) AS s,
                    array_position(st, array_to_string((t.from_state || t.next)[greatest(1, cardinality(t.from_state) + 2 - t.k):], '>')) AS d,
                    t.next, t.n::float8 / sum(t.n) OVER (PARTITION BY t.from_state) AS prob
             FROM mk_plain t WHERE t.k = mk_solve.k LOOP
        CONTINUE WHEN r.s IS NULL;
        IF r.next = '(conversion)' THEN
            b[r.s] := b[r.s] + r.prob;
        ELSIF r.d IS NOT NULL THEN
            a[(r.s - 1) * n + r.d] := a[(r.s - 1) * n + r.d] - r.prob;
        END IF;
    END LOOP;
    FOR i IN 1 .. n LOOP
        p := i;
        FOR j IN i + 1 .. n LOOP
            IF abs(a[(j - 1) * n + i]) > abs(a[(p - 1) * n + i]) THEN p := j; END IF;
        END LOOP;
        IF p <> i THEN
            FOR j IN 1 .. n LOOP
                tmp := a[(i - 1) * n + j]; a[(i - 1) * n + j] := a[(p - 1) * n + j]; a[(p - 1) * n + j] := tmp;
            END LOOP;
            tmp := b[i]; b[i] := b[p]; b[p] := tmp;
        END IF;
        FOR j IN i + 1 .. n LOOP
            f := a[(j - 1) * n + i] / a[(i - 1) * n + i];
            CONTINUE WHEN f = 0;
            FOR p IN i .. n LOOP a[(j - 1) * n + p] := a[(j - 1) * n + p] - f * a[(i - 1) * n + p]; END LOOP;
            b[j] := b[j] - f * b[i];
        END LOOP;
    END LOOP;
    FOR i IN REVERSE n .. 1 LOOP
        tmp := b[i];
        FOR j IN i + 1 .. n LOOP tmp := tmp - a[(i - 1) * n + j] * b[j]; END LOOP;
        b[i] := tmp / a[(i - 1) * n + i];
    END LOOP;
    RETURN b[array_position(st, '')];
END $$;
-- The chain reproduces the observed conversion rate at every order (flow
-- is conserved at every state): a check of the independent solver.
SELECT k, abs(mk_solve(k, NULL) - 530.0 / 1500) < 1e-12 AS solver_gives_rate FROM generate_series(1, 3) k;
-- Every removal effect agrees to 1e-9 (the solvers differ by about 1e-13).
CREATE TABLE mk_credits AS
SELECT k, c.* FROM generate_series(1, 3) k,
       abm_markov_credits((SELECT abm_markov_attribution(path, converted, k) FROM mk_j)) c;
SELECT c.k, c.channel, abs(c.removal_effect - (1 - mk_solve(c.k, c.channel) / mk_solve(c.k, NULL))) < 1e-9 AS agrees
FROM mk_credits c ORDER BY 1, 2;
-- Credits sum to 1 and credited conversions to the 530 conversions.
SELECT k, abs(sum(credit) - 1) < 1e-12 AS credits_sum_to_1, abs(sum(conversions) - 530) < 1e-9 AS conversions_sum
FROM mk_credits GROUP BY k ORDER BY k;

-- 5. Storage: the text form round-trips; abm_rollup of partial states
-- equals one pass over all journeys (the binary form is checked by the
-- fuzz and client suites).
CREATE TABLE mk_store (k int, part int, m abm_markov);
INSERT INTO mk_store SELECT k, j % 4, abm_markov_attribution(path, converted, k) FROM mk_j, generate_series(1, 3) k GROUP BY 1, 2;
SELECT a.k, a.m::text = b.m::text AS rollup_equals_one_pass, a.m::text::abm_markov::text = a.m::text AS text_round_trip
FROM (SELECT k, abm_rollup(m) AS m FROM mk_store GROUP BY k) a
JOIN (SELECT k, abm_markov_attribution(path, converted, k) AS m FROM mk_j, generate_series(1, 3) k GROUP BY k) b USING (k)
ORDER BY 1;

-- 6. Edge cases.
-- no row, only NULLs, only empty journeys: NULL
SELECT abm_markov_attribution(path, converted) IS NULL AS no_rows FROM mk_example WHERE false;
SELECT abm_markov_attribution(path, converted) IS NULL AS only_nulls
FROM (VALUES (NULL::text[], true), ('{a}', NULL)) v(path, converted);
SELECT abm_markov_attribution(path, converted) IS NULL AS only_empty
FROM (VALUES ('{}'::text[], true), ('{NULL}', false)) v(path, converted);
-- NULL channels are skipped: the same state as without them
SELECT abm_markov_attribution(path, converted)::text = (SELECT abm_markov_attribution(path, converted)::text FROM mk_example) AS nulls_skipped
FROM (VALUES ('{google ads, NULL}'::text[], true), ('{NULL, google ads}', true), ('{mailing}', true),
             ('{google ads, NULL, mailing}', true), ('{google ads}', false), ('{NULL}', true), (NULL, false)) v(path, converted);
-- one channel: every conversion is its own (effect 1, credit 1)
SELECT channel, removal_effect, credit, conversions
FROM abm_markov_credits((SELECT abm_markov_attribution(path, converted)
                         FROM (VALUES ('{web}'::text[], true), ('{web, web}', false), ('{web}', false)) v(path, converted)));
-- in first order a channel repeated in a row (a self loop) changes nothing:
-- the credits of the example with every touch doubled are the same
SELECT a.channel, abs(a.removal_effect - b.removal_effect) < 1e-12 AS same_effect
FROM abm_markov_credits((SELECT abm_markov_attribution(ARRAY(SELECT c FROM unnest(path) WITH ORDINALITY u(c, i),
                                                                          generate_series(1, 2) r ORDER BY i, r), converted)
                         FROM mk_example)) a
JOIN abm_markov_credits((SELECT abm_markov_attribution(path, converted) FROM mk_example)) b USING (channel);
-- no conversion: removal effects and credits are undefined (NULL), 0 conversions
SELECT * FROM abm_markov_credits((SELECT abm_markov_attribution(path, false) FROM mk_example));
-- an empty value (text input) has no channel
SELECT count(*) AS rows FROM abm_markov_credits('{order: 2, channels: {}, transitions: {}}');
-- the text form quotes names; any order of the input, one canonical output
SELECT '{order: 1, channels: {"b\"q": 0, "a": 1}, transitions: {"a" > conversion: 1, start > "b\"q": 1, start > "a": 1, "b\"q" > null: 1}}'::abm_markov;

-- 7. Bad input: clear errors, and the session goes on.
SELECT abm_markov_attribution(path, converted, 4) FROM mk_example;
\echo :LAST_ERROR_SQLSTATE
SELECT abm_markov_attribution(path, converted, 0) FROM mk_example;
\echo :LAST_ERROR_SQLSTATE
SELECT abm_markov_attribution(path, converted, o) FROM (VALUES ('{a}'::text[], true, 1), ('{b}', false, 2)) v(path, converted, o);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_markov_attribution('{{a,b},{c,d}}'::text[], true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_rollup(m) FROM (SELECT abm_markov_attribution(path, converted, o) AS m FROM mk_example, (VALUES (1), (2)) o(o) GROUP BY o) s;
\echo :LAST_ERROR_SQLSTATE
-- caps: 1 000 channels, 100 000 channels per journey, 1 024-byte names
SELECT abm_markov_attribution(ARRAY(SELECT 'c' || i FROM generate_series(1, 1001) i), true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_markov_attribution(array_fill('web'::text, ARRAY[100001]), true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_markov_attribution(ARRAY[repeat('x', 1025)], true);
\echo :LAST_ERROR_SQLSTATE
-- malformed literals and values no journeys could produce
SELECT '{order: 1, channels: {"a": 1}}'::abm_markov;
\echo :LAST_ERROR_SQLSTATE
SELECT '{order: 4, channels: {}, transitions: {}}'::abm_markov;
\echo :LAST_ERROR_SQLSTATE
SELECT '{order: 1, channels: {"a": 1}, transitions: {start > "a": 2, "a" > conversion: 1, "a" > null: 2}}'::abm_markov;
\echo :LAST_ERROR_SQLSTATE
SELECT '{order: 1, channels: {"a": 1}, transitions: {start > "b": 1, "b" > conversion: 1}}'::abm_markov;
\echo :LAST_ERROR_SQLSTATE
SELECT '{order: 1, channels: {"a": 1}, transitions: {start > conversion: 1}}'::abm_markov;
\echo :LAST_ERROR_SQLSTATE
SELECT '{order: 1, channels: {"a": 2}, transitions: {start > "a": 1, "a" > conversion: 1}}'::abm_markov;
\echo :LAST_ERROR_SQLSTATE
SELECT '{order: 1, channels: {"a": 1}, transitions: {start > "a": 1, "a" > conversion: 1, "a" > conversion: 1}}'::abm_markov;
\echo :LAST_ERROR_SQLSTATE
SELECT '{order: 1, channels: {"a": 0, "b": 0}, transitions: {start > "a": 1, "a" > null: 1, "b" > "b": 1}}'::abm_markov;
\echo :LAST_ERROR_SQLSTATE
SELECT '{order: 1, channels: {"a": 1}, transitions: {("a", "a") > conversion: 1}}'::abm_markov;
\echo :LAST_ERROR_SQLSTATE
SELECT 'session still alive' AS status;
