-- Conversion lift: abm_lift(treated, converted [, confidence]).  Expected
-- values are worked by hand below (arithmetic in comments) and recomputed
-- in plain SQL from the counts; the normal quantiles are the standard
-- table values z(0.975) = 1.959963984540054, z(0.995) = 2.5758293035489004,
-- z(0.95) = 1.6448536269514722.

-- Accounts: n treated of which c converted, n control of which c converted.
CREATE FUNCTION lf_rows(n1 int, c1 int, n0 int, c0 int) RETURNS TABLE(treated bool, converted bool)
LANGUAGE sql AS $$
    SELECT true, i <= c1 FROM generate_series(1, n1) i
    UNION ALL SELECT false, i <= c0 FROM generate_series(1, n0) i $$;

-- 1. 40 of 100 target accounts converted, 20 of 100 others.
-- treated_rate 0.4, control_rate 0.2, lift 0.4 / 0.2 - 1 = 1.
-- Interval on the ratio (log method): se = sqrt(1/40 - 1/100 + 1/20 - 1/100)
--   = sqrt(0.055) = 0.2345207879911715; ln 2 = 0.6931471805599453;
--   z se = 1.959963984540054 * 0.2345207879911715 = 0.4596522...
--   lift_low = exp(0.6931471805599453 - 0.4596522) - 1 = 0.2630063644,
--   lift_high = exp(0.6931471805599453 + 0.4596522) - 1 = 2.1670465904.
-- Test: pooled p = 60/200 = 0.3, se = sqrt(0.3 * 0.7 * (1/100 + 1/100))
--   = sqrt(0.0042) = 0.0648074069840786, z = 0.2 / 0.0648074069840786
--   = 3.0860669992418384, p-value = 2 (1 - Phi(3.0861)) = erfc(z / sqrt 2)
--   = 0.0020282311484521.
SELECT treated_rate, control_rate, lift, round(lift_low::numeric, 10) AS lift_low,
       round(lift_high::numeric, 10) AS lift_high, round(p_value::numeric, 16) AS p_value,
       (treated_rate, control_rate, lift, round(lift_low::numeric, 10), round(lift_high::numeric, 10),
        round(p_value::numeric, 16)) = (0.4, 0.2, 1, 0.2630063644, 2.1670465904, 0.0020282311484521) AS ok
FROM (SELECT (abm_lift(treated, converted)).* FROM lf_rows(100, 40, 100, 20)) r;

-- The same numbers in plain SQL, for three confidence levels.
SELECT conf,
       abs(r.lift_low - (exp(ln(2) - z * sqrt(0.055)) - 1)) < 1e-12 AS low_agrees,
       abs(r.lift_high - (exp(ln(2) + z * sqrt(0.055)) - 1)) < 1e-12 AS high_agrees,
       r.lift_low < 0 AS interval_includes_0
FROM (VALUES (0.95, 1.959963984540054), (0.99, 2.5758293035489004), (0.90, 1.6448536269514722)) c(conf, z),
     LATERAL (SELECT (abm_lift(treated, converted, conf)).* FROM lf_rows(100, 40, 100, 20)) r
ORDER BY conf;

-- 2. No uplift: 30 of 150 and 60 of 300 (both 0.2).  lift 0, z = 0,
-- p-value 1; se = sqrt(1/30 - 1/150 + 1/60 - 1/300) = sqrt(0.04) = 0.2,
-- interval exp(+-1.959963984540054 * 0.2) - 1 = [-0.3242910189, 0.4799270513]:
-- it includes 0.
SELECT treated_rate, control_rate, lift, round(lift_low::numeric, 10) AS lift_low,
       round(lift_high::numeric, 10) AS lift_high, p_value
FROM (SELECT (abm_lift(treated, converted)).* FROM lf_rows(150, 30, 300, 60)) r;

-- 3. A negative lift: 12 of 80 against 30 of 120.  lift 0.15 / 0.25 - 1
-- = -0.4; se = sqrt(1/12 - 1/80 + 1/30 - 1/120) = sqrt(0.0958333...)
-- = 0.3095695936834452; interval exp(ln 0.6 +- 1.96 * 0.30957) - 1 =
-- [-0.6729266686, 0.1006706002]; pooled p = 42/200 = 0.21, se =
-- sqrt(0.21 * 0.79 * (1/80 + 1/120)) = 0.0587898...; z = -0.1 / 0.0587898
-- = -1.7009750..., p-value = 0.0889480531.
SELECT treated_rate, control_rate, round(lift::numeric, 12) AS lift, round(lift_low::numeric, 10) AS lift_low,
       round(lift_high::numeric, 10) AS lift_high, round(p_value::numeric, 10) AS p_value
FROM (SELECT (abm_lift(treated, converted)).* FROM lf_rows(80, 12, 120, 30)) r;

-- 4. Undefined statistics are NULL, never NaN.
-- no treated account converted: lift 0 / 0.1 - 1 = -1, but the log
-- interval needs c1 > 0: NULL; the test is defined (pooled p = 5/100,
-- se = sqrt(0.05 * 0.95 * 0.04) = 0.0435889894, z = -2.2941573387,
-- p-value 0.0217814628)
SELECT treated_rate, control_rate, lift, lift_low, lift_high, round(p_value::numeric, 10) AS p_value
FROM (SELECT (abm_lift(treated, converted)).* FROM lf_rows(50, 0, 50, 5)) r;
-- no control conversion: no ratio, no interval; the test is defined
SELECT treated_rate, control_rate, lift, lift_low, lift_high, round(p_value::numeric, 10) AS p_value
FROM (SELECT (abm_lift(treated, converted)).* FROM lf_rows(50, 5, 50, 0)) r;
-- no conversion at all: rates 0, nothing else (the pooled test has no variance)
SELECT * FROM (SELECT (abm_lift(treated, converted)).* FROM lf_rows(20, 0, 30, 0)) r;
-- every account converted: lift 0 with a zero-width interval, no test
SELECT * FROM (SELECT (abm_lift(treated, converted)).* FROM lf_rows(20, 20, 30, 30)) r;
-- one group empty: its rate and everything comparing is NULL
SELECT * FROM (SELECT (abm_lift(treated, converted)).* FROM lf_rows(20, 5, 0, 0)) r;
SELECT * FROM (SELECT (abm_lift(treated, converted)).* FROM lf_rows(0, 0, 20, 5)) r;
-- no row, NULL inputs skipped
SELECT abm_lift(treated, converted) IS NULL AS no_rows FROM lf_rows(0, 0, 0, 0);
SELECT (abm_lift(treated, converted)).* FROM (VALUES (true, NULL::bool), (NULL, true), (true, true), (false, false)) v(treated, converted);
SELECT abm_lift(treated, converted, NULL) IS NULL AS null_confidence_skips FROM lf_rows(5, 1, 5, 1);

-- 5. Window use: a sliding frame (inverse transition) equals recomputing.
CREATE TABLE lf_seq AS SELECT i, i % 3 = 0 AS treated, i % 5 = 0 OR i % 7 = 0 AS converted FROM generate_series(1, 300) i;
SELECT count(*) AS frames,
       count(*) FILTER (WHERE w::text IS DISTINCT FROM (SELECT abm_lift(treated, converted)::text FROM lf_seq s
                                                        WHERE s.i BETWEEN o.i - 49 AND o.i)) AS differing
FROM (SELECT i, abm_lift(treated, converted) OVER (ORDER BY i ROWS 49 PRECEDING) AS w FROM lf_seq) o;

-- 6. Bad input: clear errors, and the session goes on.
SELECT abm_lift(treated, converted, 1) FROM lf_rows(5, 1, 5, 1);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_lift(treated, converted, 0) FROM lf_rows(5, 1, 5, 1);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_lift(treated, converted, 'NaN') FROM lf_rows(5, 1, 5, 1);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_lift(treated, converted, CASE WHEN treated THEN 0.9 ELSE 0.95 END) FROM lf_rows(5, 1, 5, 1);
\echo :LAST_ERROR_SQLSTATE
SELECT 'session still alive' AS status;
