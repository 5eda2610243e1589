-- abm_nps
-- typical data: 3 promoters, 2 passives, 3 detractors of 8 -> 0
SELECT abm_nps(s), 0 AS expected FROM (VALUES (10), (9), (9), (8), (7), (6), (0), (3)) v(s);
-- 2 promoters, 1 detractor of 4 -> 25
SELECT abm_nps(s), 25 AS expected FROM (VALUES (10), (9), (7), (6)) v(s);
-- bounds: all promoters 100, all detractors -100
SELECT abm_nps(10) AS all_promoters, abm_nps(0) AS all_detractors,
       (abm_nps(10), abm_nps(0)) = (100, -100) AS ok;

-- empty input and NULLs
SELECT abm_nps(s) IS NULL AS empty_is_null FROM (VALUES (1)) v(s) WHERE false;
-- NULLs skipped: 2 promoters, 1 detractor of 3 -> 100 / 3
SELECT abm_nps(s), 100 / 3.0::float8 AS expected FROM (VALUES (10), (NULL), (NULL), (0), (9)) v(s);

-- grouped, against the plain-SQL formulation
CREATE TABLE nps_data AS
SELECT i % 13 AS g, CASE WHEN i % 17 = 0 THEN NULL ELSE (i * 7919) % 11 END AS score
FROM generate_series(1, 30000) i;
SELECT count(*) AS groups_differing
FROM (SELECT g, abm_nps(score) AS nps,
             100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6))
               / count(score) AS expected
      FROM nps_data GROUP BY g) s
WHERE abs(nps - expected) > 1e-9;

-- sliding window (inverse transition) against a recomputation per frame
SELECT count(*) AS rows_differing
FROM (SELECT abm_nps(score) OVER w AS nps,
             100.0 * (count(*) FILTER (WHERE score >= 9) OVER w - count(*) FILTER (WHERE score <= 6) OVER w)
               / nullif(count(score) OVER w, 0) AS expected
      FROM nps_data
      WINDOW w AS (ORDER BY g, score ROWS BETWEEN 29 PRECEDING AND CURRENT ROW)) s
WHERE abs(nps - expected) > 1e-9 OR (nps IS NULL) <> (expected IS NULL);

-- bad input: a score outside 0..10 is an error (22023), the session goes on
SELECT abm_nps(11);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_nps(s) FROM (VALUES (10), (-1)) v(s);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_nps(7) AS still_alive;
