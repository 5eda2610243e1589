-- abm_mva, abm_tier
-- MVA: goal 1 000 000, deal 50 000, win 25 %, opportunity 50 % -> 1e6 / 6 250 = 160 exactly
SELECT abm_mva(1000000, 50000, 0.25, 0.5) AS mva;
-- an exact multiple never rounds up, even with rates that are not binary fractions:
-- 300 000 / (10 000 * 0.1 * 0.3) = 1 000
SELECT abm_mva(300000, 10000, 0.1, 0.3) AS mva;
-- otherwise the ceiling: 1 000 001 / 6 250 = 160.00016 -> 161
SELECT abm_mva(1000001, 50000, 0.25, 0.5) AS mva;
-- default opportunity_rate 1: 500 000 / (20 000 * 0.3) = 83.33 -> 84
SELECT abm_mva(500000, 20000, 0.3) AS mva, ceil(500000 / (20000 * 0.3)) AS expected;
SELECT abm_mva(0, 20000, 0.3) AS zero_goal;
SELECT abm_mva(NULL, 20000, 0.3) IS NULL AS null_is_null;

-- tier by score thresholds
SELECT s, abm_tier(s, 80, 50) AS tier
FROM (VALUES (95.0), (80.0), (79.9), (50.0), (10.0), ('-Infinity'::float8)) v(s);
SELECT abm_tier(NULL::float8, 80, 50) IS NULL AS null_is_null;

-- tier by Ready / Willing / Able / Success potential: 4 met -> 1, 3 -> 2, else 3
SELECT r, w, a, s, abm_tier(r, w, a, s) AS tier
FROM (VALUES (true, true, true, true), (true, true, false, true),
             (false, true, true, true), (true, false, false, true),
             (false, false, false, false)) v(r, w, a, s);
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
