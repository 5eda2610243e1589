-- abm_retention (ClickHouse retention)
SET TimeZone = 'UTC';

-- the ClickHouse documentation's example: uids 0-4 visit on all three
-- days, 5-9 on the 2nd and 3rd, 10-14 on the 3rd only
CREATE TABLE retention_test AS
SELECT '2020-01-01'::date AS date, i AS uid FROM generate_series(0, 4) i
UNION ALL SELECT '2020-01-02', i FROM generate_series(0, 9) i
UNION ALL SELECT '2020-01-03', i FROM generate_series(0, 14) i;
-- expected (ClickHouse): [1,1,1] for 0-4, [0,0,0] for 5-14
SELECT uid, r, CASE WHEN uid <= 4 THEN '{1,1,1}'::int[] ELSE '{0,0,0}' END AS expected,
       r = CASE WHEN uid <= 4 THEN '{1,1,1}'::int[] ELSE '{0,0,0}' END AS ok
FROM (SELECT uid, abm_retention(date = '2020-01-01', date = '2020-01-02', date = '2020-01-03') AS r
      FROM retention_test GROUP BY uid) s
ORDER BY uid;
-- expected (ClickHouse): 5, 5, 5
SELECT sum(r[1]) AS r1, sum(r[2]) AS r2, sum(r[3]) AS r3, (sum(r[1]), sum(r[2]), sum(r[3])) = (5, 5, 5) AS ok
FROM (SELECT uid, abm_retention(date = '2020-01-01', date = '2020-01-02', date = '2020-01-03') AS r
      FROM retention_test GROUP BY uid) s;

-- r[k] needs condition 1 and condition k, in any row, in any order
-- by hand: [1, 0, 1]
SELECT abm_retention(c1, c2, c3) AS r, '{1,0,1}'::int[] AS expected
FROM (VALUES (false, false, true), (true, false, false)) v(c1, c2, c3);
-- by hand: [0, 0] (condition 1 never held)
SELECT abm_retention(c1, c2) AS r, '{0,0}'::int[] AS expected FROM (VALUES (false, true)) v(c1, c2);

-- NULL conditions count as false; a NULL array skips the row
-- by hand: [1, 0]
SELECT abm_retention(c1, c2) AS r, '{1,0}'::int[] AS expected
FROM (VALUES (true, NULL::bool), (NULL, NULL)) v(c1, c2);
SELECT abm_retention(VARIADIC NULL::bool[]) IS NULL AS null_array_is_null;

-- empty input gives NULL (the number of conditions is unknown)
SELECT abm_retention(true, false) IS NULL AS empty_is_null FROM generate_series(1, 3) WHERE false;

-- 32 conditions
-- by hand: condition 1 holds, so r[k] = 1 for odd k, 0 for even k
SELECT abm_retention(VARIADIC array(SELECT i % 2 = 1 FROM generate_series(1, 32) i))
       = array(SELECT i % 2 FROM generate_series(1, 32) i) AS r32_ok;

-- grouped against a plain-SQL formulation
CREATE TABLE ret_data AS
SELECT i % 97 AS g, (i * 7919) % 11 AS day FROM generate_series(1, 5000) i;
SELECT count(*) AS groups_differing
FROM (SELECT g, abm_retention(day = 0, day = 3, day = 7) AS r,
             ARRAY[bool_or(day = 0)::int,
                   (bool_or(day = 0) AND bool_or(day = 3))::int,
                   (bool_or(day = 0) AND bool_or(day = 7))::int] AS expected
      FROM ret_data GROUP BY g) s
WHERE r IS DISTINCT FROM expected;

-- bad input: clear errors, and the session goes on
SELECT abm_retention(VARIADIC array_fill(true, ARRAY[33]));
\echo :LAST_ERROR_SQLSTATE
SELECT abm_retention(VARIADIC '{}'::bool[]);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_retention(VARIADIC c) FROM (VALUES (ARRAY[true]), (ARRAY[true, false])) v(c);
\echo :LAST_ERROR_SQLSTATE
SELECT 'session still alive' AS status;
