-- abm_mva, abm_tier
-- MVA: goal 1 000 000, deal 50 000, win 25 %, opportunity 50 % -> 1e6 / 6 250 = 160 exactly
SELECT abm_mva(1000000, 50000, 0.25, 0.5) AS mva, 160 AS expected;
-- an exact multiple never rounds up, even with rates that are not binary fractions:
-- 300 000 / (10 000 * 0.1 * 0.3) = 1 000
SELECT abm_mva(300000, 10000, 0.1, 0.3) AS mva, 1000 AS expected;
-- otherwise the ceiling: 1 000 001 / 6 250 = 160.00016 -> 161
SELECT abm_mva(1000001, 50000, 0.25, 0.5) AS mva, 161 AS expected;
-- default opportunity_rate 1: 500 000 / (20 000 * 0.3) = 83.33 -> 84
SELECT abm_mva(500000, 20000, 0.3) AS mva, ceil(500000 / (20000 * 0.3)) AS expected;
SELECT abm_mva(0, 20000, 0.3) AS zero_goal, 0 AS expected;
SELECT abm_mva(NULL, 20000, 0.3) IS NULL AS null_is_null;

-- tier by score thresholds: 1 from 80 on, 2 from 50 on, else 3
SELECT s, abm_tier(s, 80, 50) AS tier, expected, abm_tier(s, 80, 50) = expected AS ok
FROM (VALUES (95.0, 1), (80.0, 1), (79.9, 2), (50.0, 2), (10.0, 3), ('-Infinity'::float8, 3)) v(s, expected);
SELECT abm_tier(NULL::float8, 80, 50) IS NULL AS null_is_null;

-- tier by Ready / Willing / Able / Success potential: 4 met -> 1, 3 -> 2, else 3
SELECT r, w, a, s, abm_tier(r, w, a, s) AS tier, expected, abm_tier(r, w, a, s) = expected AS ok
FROM (VALUES (true, true, true, true, 1), (true, true, false, true, 2),
             (false, true, true, true, 2), (true, false, false, true, 3),
             (false, false, false, false, 3)) v(r, w, a, s, expected);
SELECT abm_tier(true, NULL, true, true) IS NULL AS null_is_null;

-- bad input: 22023, with the value in the detail; 22003 when the count does not fit
SELECT abm_mva(-5, 50000, 0.25);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_mva(100, 0, 0.25);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_mva(100, 'NaN', 0.25);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_mva(100, 10, 1.5);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_mva(100, 10, 0.5, 0);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_mva(100, 10, 'NaN');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_mva(1e30, 0.01, 0.01);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_tier(10, 50, 80);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_tier('NaN', 80, 50);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_tier(90, 80, 50) AS still_alive;
