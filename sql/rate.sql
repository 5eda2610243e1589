-- abm_rate, abm_win_rate, abm_retention_rate

-- typical data: 2 won, 1 lost, 2 open -> 2 / 3
SELECT abm_win_rate(w) AS win_rate,
       abm_win_rate(w) = 2.0 / 3 AS equals_two_thirds
FROM (VALUES (true), (false), (NULL), (true), (NULL)) v(w);
SELECT abm_rate(b), 0.75 AS expected FROM (VALUES (true), (true), (true), (false)) v(b);

-- empty input and all-NULL input give NULL, never NaN
SELECT abm_rate(b) IS NULL AS empty_is_null FROM (VALUES (true)) v(b) WHERE false;
SELECT abm_win_rate(NULL::bool) IS NULL AS all_null_is_null FROM generate_series(1, 3);

-- grouped, against the plain-SQL formulation
CREATE TABLE rate_data AS
SELECT i % 7 AS g,
       CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 7919) % 5 < 2 END AS won
FROM generate_series(1, 20000) i;
SELECT count(*) AS groups_differing
FROM (SELECT g, abm_win_rate(won) AS r,
             (count(*) FILTER (WHERE won))::float8 / count(won) AS expected
      FROM rate_data GROUP BY g) s
WHERE r IS DISTINCT FROM expected;

-- as a window function, sliding (uses the inverse transition) and growing
SELECT count(*) AS rows_differing
FROM (SELECT abm_rate(won) OVER w AS r,
             (count(*) FILTER (WHERE won) OVER w)::float8
               / nullif(count(won) OVER w, 0) AS expected
      FROM rate_data
      WINDOW w AS (ORDER BY g, won ROWS BETWEEN 9 PRECEDING AND CURRENT ROW)) s
WHERE r IS DISTINCT FROM expected;

-- customer retention rate: (end - new) / start
SELECT abm_retention_rate(200, 210, 30) AS retention, 180.0 / 200 AS expected;
SELECT abm_retention_rate(0, 5, 5) IS NULL AS no_customers_is_null;
SELECT abm_retention_rate(NULL, 5, 5) IS NULL AS null_input_is_null;

-- bad input: clear errors with SQLSTATE 22023, and the session goes on
SELECT abm_retention_rate(-1, 5, 0);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_retention_rate(100, 10, 20);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_retention_rate(100, 150, 20);
\echo :LAST_ERROR_SQLSTATE
SELECT 'session still alive' AS status;
