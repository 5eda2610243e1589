-- abm_acv

-- hand-computed case:
--   12000 over 2026-01-01 .. 2027-01-01 (365 days): 12000 * 365.25 / 365 = 12008.219178082191...
--    6000 over 2026-01-01 .. 2026-07-02 (182 days):  6000 * 365.25 / 182 = 12041.208791208791...
--   mean (12008.219178082191 + 12041.208791208791) / 2 = 12024.713984645491...
-- a NULL amount or date skips the row
SELECT abm_acv(amount, starts_on, ends_on) AS acv,
       round(abm_acv(amount, starts_on, ends_on), 9) = 12024.713984645 AS hand_ok
FROM (VALUES (12000, date '2026-01-01', date '2027-01-01'),
             (6000, '2026-01-01', '2026-07-02'),
             (NULL, '2026-01-01', '2026-07-02'),
             (5000, NULL, '2026-07-02'),
             (5000, '2026-01-01', NULL)) v(amount, starts_on, ends_on);
-- a contract of exactly 365.25 days' worth: 1461 days for 4000 is 1000 a year
SELECT abm_acv(4000, '2026-01-01', date '2026-01-01' + 1461) AS one_thousand, 1000 AS expected;

-- empty and all-NULL input give NULL
SELECT abm_acv(amount, starts_on, ends_on) IS NULL AS empty_is_null
FROM (VALUES (1.0, date '2026-01-01', date '2027-01-01')) v(amount, starts_on, ends_on) WHERE false;
SELECT abm_acv(NULL, '2026-01-01', '2027-01-01') IS NULL AS all_null_is_null FROM generate_series(1, 3);

-- generated contracts against avg(amount * 365.25 / (ends_on - starts_on)):
-- equal to the last digit and display scale
CREATE TABLE contracts AS
SELECT i AS id, i % 11 AS g,
       CASE WHEN i % 71 = 0 THEN 1e22 + i ELSE ((i * 7919) % 5000000) / 100.0 END AS amount,
       date '2024-01-01' + (i % 700) AS starts_on,
       date '2024-01-01' + (i % 700) + 1 + (i * 37) % 1100 AS ends_on
FROM generate_series(1, 20000) i;
SELECT count(*) AS groups, count(*) FILTER (WHERE got::text IS DISTINCT FROM expected::text) AS groups_differing
FROM (SELECT g, abm_acv(amount, starts_on, ends_on) AS got,
             avg(amount * 365.25 / (ends_on - starts_on)) AS expected
      FROM contracts GROUP BY g) s;

-- the demo contracts (scale 0.01), per kind
SET client_min_messages = warning;
SELECT count(*) AS demo_tables FROM abm_demo_load(0.01, 1, 'acv_demo');
RESET client_min_messages;
SELECT count(*) AS kinds, sum(n) AS contracts,
       count(*) FILTER (WHERE got::text IS DISTINCT FROM expected::text) AS kinds_differing
FROM (SELECT kind, count(*) AS n, abm_acv(amount, starts_on, ends_on) AS got,
             avg(amount * 365.25 / (ends_on - starts_on)) AS expected
      FROM acv_demo.contracts GROUP BY kind) s;

-- bad rows: 22023 with the row's values in the detail; the session goes on
SELECT abm_acv(1000, '2026-06-01', '2026-05-31');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_acv(1000, '2026-06-01', '2026-06-01');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_acv(-0.01, '2026-06-01', '2027-06-01');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_acv('Infinity', '2026-06-01', '2027-06-01');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_acv(1000, '2026-06-01', 'infinity');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_acv(365.25, '2026-06-01', '2026-06-02') AS session_goes_on;
