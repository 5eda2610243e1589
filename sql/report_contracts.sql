-- abm_report_contracts: the customers, renewals and revenue classes of
-- abm_report per step, from the contracts of the target accounts.

-- Four accounts (by key) over two steps, 2025-01-01 .. 2025-04-01 ..
-- 2025-07-01, grace 30 days; account 3's contract is listed twice (its
-- account has two rows in accounts).  The last four rows are left out: no
-- days, a start on the last bound, no account, no start.
CREATE TEMP TABLE rc_fixture (key bigint, starts_on date, ends_on date, amount numeric);
INSERT INTO rc_fixture VALUES
    (1, '2024-01-01', '2025-01-01', 36600),   -- a: 366 days, arr 36525.00
    (1, '2025-01-01', '2026-01-01', 40000),   -- b: renews a, arr 40027.40
    (2, '2025-02-01', '2025-05-01', NULL),    -- c: a free pilot
    (2, '2025-05-15', '2026-05-15', 12000),   -- d: after the pilot, arr 12008.22
    (3, '2024-07-01', '2025-03-01', 24300),   -- e: 243 days, arr 36525.00, churns
    (3, '2024-07-01', '2025-03-01', 24300),
    (4, '2024-04-01', '2025-04-01', 10000),   -- f: arr 10006.85
    (4, '2025-03-15', '2026-03-15', 7300),    -- g: renews f for less, arr 7305.00
    (5, '2025-02-01', '2025-02-01', 100),
    (5, '2025-07-01', '2025-08-01', 100),
    (NULL, '2025-02-01', '2025-03-01', 100),
    (6, NULL, '2025-03-01', 100);

-- Worked out by hand.
-- Customers, step 1 (2025-01-01 .. 2025-04-01): at the start 1 (a), 3 (e
-- twice), 4 (f); at the end 1 (b), 2 (c), 4 (f, in force on its end date,
-- and g); retained 1 and 4.  ARR at the start 36525.00 + 73050.00 +
-- 10006.85 = 119581.85; at the end, of those at the start, 40027.40 + 0 +
-- 17311.85 = 57339.25; expansion 3502.40 (1) + 7305.00 (4) = 10807.40; no
-- contraction; churn 73050.00 (3); kept 36525.00 + 0 + 10006.85 = 46531.85.
-- Step 2 (2025-04-01 .. 2025-07-01): at the start 1 (b), 2 (c), 4 (f, g),
-- at the end 1, 2 (d), 4 (g), all retained; ARR 40027.40 + 0 + 17311.85 =
-- 57339.25 at the start, 40027.40 + 12008.22 + 7305.00 = 59340.62 at the
-- end; expansion 12008.22 (2), contraction 17311.85 - 7305.00 = 10006.85
-- (4); kept 40027.40 + 0 + 7305.00 = 47332.40.
-- Renewal: up in step 1 are a (grace_end 2025-01-31, renewed by b) and e
-- (2025-03-31, once for its account, not renewed); in step 2 c (2025-05-31,
-- renewed by d) and f (2025-05-01, renewed by g).
-- Revenue, step 1: b is an existing customer's (a ended within grace of
-- its start), renewing a for 36600 * 365 / 366 = 36500.00, expansion
-- 3500.00; c is new-logo without an amount; g is an existing customer's,
-- renewing f for 10000 * 365 / 365 = 10000, more than its 7300: all renewal.
-- Total 40000 + 7300 = 47300; one account expanded (1).  Step 2: d is an
-- existing customer's (the pilot c ended within grace), renewing c, which
-- has no amount, for 0.00: expansion 12000.00; one account expanded (2).
CREATE TEMP TABLE rc_expected AS
SELECT * FROM (VALUES
    (1, 3::bigint, 3::bigint, 2::bigint, 119581.85, 10807.40, 0::numeric, 73050.00, 57339.25, 46531.85,
     2::bigint, 1::bigint, 0::numeric, 43800.00, 3500.00, 47300::numeric, 1::bigint),
    (2, 3, 3, 3, 57339.25, 12008.22, 10006.85, 0, 59340.62, 47332.40, 2, 2, 0, 0.00, 12000.00, 12000, 1))
  v(step, customers_at_start, customers_at_end, customers_retained, arr_start, arr_expansion, arr_contraction,
    arr_churn, arr_end, arr_kept, up_for_renewal, renewed, new_logo, renewal, expansion, total, expanded_accounts);

-- rows_differing(a, b) and error_of(query)
\i sql/include/compare.sql

CREATE FUNCTION pg_temp.rc_c(rel regclass, bd date[], grace interval)
RETURNS SETOF abm_report_step_contracts LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format($q$
    SELECT s.* FROM (SELECT abm_report_contracts(r.key, r.starts_on, r.ends_on, r.amount, $1, $2) AS a
                     FROM %s r) x, unnest(x.a) s$q$, rel) USING bd, grace;
END $$;

CREATE TEMP TABLE rc_got AS
SELECT * FROM pg_temp.rc_c('rc_fixture', '{2025-01-01,2025-04-01,2025-07-01}', '30 days');
SELECT * FROM rc_got ORDER BY step;
-- equal to the hand-worked figures, both ways
SELECT pg_temp.rows_differing('rc_got', 'rc_expected') AS differing;

-- The plain SQL it replaces in abm_report (the report's definitions, one
-- CTE per KPI): every column equal on the fixture, on odd rows and on the
-- demo's contracts.
CREATE FUNCTION pg_temp.rc_plain(rel regclass, bd date[], grace interval)
RETURNS SETOF abm_report_step_contracts LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format($q$
    WITH st AS (
        SELECT i AS step, $1[i] AS sd, $1[i + 1] AS ed FROM generate_series(1, cardinality($1) - 1) i
    ), c AS MATERIALIZED (
        SELECT row_number() OVER () AS k, x.key AS account_id, x.starts_on, x.ends_on, x.amount,
               round(x.amount * 365.25 / (x.ends_on - x.starts_on), 2) AS arr,
               (x.ends_on + $2)::date AS grace_end, (x.ends_on - $2)::date AS grace_start
        FROM %s x
        WHERE x.key IS NOT NULL AND x.starts_on < $1[cardinality($1)] AND x.ends_on > x.starts_on
    ), cust AS (
        SELECT st.step, cu.*
        FROM st CROSS JOIN LATERAL (
            SELECT c.account_id,
                   coalesce(sum(c.arr) FILTER (WHERE c.starts_on < st.sd AND c.ends_on >= st.sd), 0) AS arr_start,
                   coalesce(sum(c.arr) FILTER (WHERE c.starts_on < st.ed AND c.ends_on >= st.ed), 0) AS arr_end,
                   bool_or(c.starts_on < st.sd AND c.ends_on >= st.sd) AS at_start,
                   bool_or(c.starts_on < st.ed AND c.ends_on >= st.ed) AS at_end
            FROM c WHERE c.starts_on < st.ed AND c.ends_on >= st.sd
            GROUP BY c.account_id) cu
    ), up AS (
        SELECT DISTINCT ON (1, c.account_id) width_bucket(c.grace_end, $1) AS step, c.account_id,
               c.k IN (SELECT p.k FROM c p JOIN c n ON n.account_id = p.account_id
                       WHERE n.starts_on <= p.grace_end AND n.ends_on > p.ends_on) AS renewed
        FROM c WHERE c.grace_end >= $1[1] AND c.grace_end < $1[cardinality($1)]
        ORDER BY 1, c.account_id, c.ends_on DESC
    ), won_c AS (
        SELECT width_bucket(c.starts_on, $1) AS step, c.*,
               c.k IN (SELECT n.k FROM c n JOIN c p ON p.account_id = n.account_id
                       WHERE p.starts_on < n.starts_on AND p.grace_end >= n.starts_on) AS existing
        FROM c WHERE c.starts_on >= $1[1] AND c.starts_on < $1[cardinality($1)]
    ), claim AS (
        SELECT DISTINCT ON (n.step, p.k) n.step, p.k AS renewed_k, n.k AS by_k,
               p.amount * (n.ends_on - n.starts_on) / (p.ends_on - p.starts_on) AS value
        FROM c p JOIN won_c n ON n.account_id = p.account_id AND n.k <> p.k AND n.starts_on > p.starts_on
             AND n.starts_on >= p.grace_start AND n.starts_on <= p.grace_end
        ORDER BY n.step, p.k, n.starts_on, n.amount DESC, n.ends_on DESC, n.k
    ), revenue AS (
        SELECT w.step, w.account_id, w.amount, w.existing,
               CASE WHEN w.amount IS NULL THEN NULL
                    WHEN w.existing THEN least(w.amount, round(coalesce(r.value, 0), 2)) ELSE 0 END AS renewal
        FROM won_c w LEFT JOIN (SELECT by_k, sum(value) AS value FROM claim GROUP BY by_k) r ON r.by_k = w.k
    ), k_cust AS (
        SELECT st.step,
               count(*) FILTER (WHERE cu.at_start) AS at_start,
               count(*) FILTER (WHERE cu.at_end) AS at_end,
               count(*) FILTER (WHERE cu.at_start AND cu.at_end) AS retained,
               coalesce(sum(cu.arr_start) FILTER (WHERE cu.at_start), 0) AS arr_start,
               coalesce(sum(cu.arr_end - cu.arr_start) FILTER (WHERE cu.at_start AND cu.at_end AND cu.arr_end > cu.arr_start), 0) AS arr_expansion,
               coalesce(sum(cu.arr_start - cu.arr_end) FILTER (WHERE cu.at_start AND cu.at_end AND cu.arr_end < cu.arr_start), 0) AS arr_contraction,
               coalesce(sum(cu.arr_start) FILTER (WHERE cu.at_start AND NOT cu.at_end), 0) AS arr_churn,
               coalesce(sum(cu.arr_end) FILTER (WHERE cu.at_start), 0) AS arr_end,
               coalesce(sum(least(cu.arr_end, cu.arr_start)) FILTER (WHERE cu.at_start), 0) AS arr_kept
        FROM st LEFT JOIN cust cu ON cu.step = st.step
        GROUP BY st.step
    ), k_renewal AS (
        SELECT st.step, count(u.account_id) AS up, count(*) FILTER (WHERE u.renewed) AS renewed
        FROM st LEFT JOIN up u ON u.step = st.step
        GROUP BY st.step
    ), k_revenue AS (
        SELECT st.step,
               coalesce(sum(r.amount) FILTER (WHERE NOT r.existing), 0) AS new_logo,
               coalesce(sum(r.renewal), 0) AS renewal,
               coalesce(sum(r.amount - r.renewal) FILTER (WHERE r.existing), 0) AS expansion,
               coalesce(sum(r.amount), 0) AS total,
               count(DISTINCT r.account_id) FILTER (WHERE r.existing AND r.amount > r.renewal) AS expanded_accounts
        FROM st LEFT JOIN revenue r ON r.step = st.step
        GROUP BY st.step
    )
    SELECT st.step, k1.at_start, k1.at_end, k1.retained, k1.arr_start, k1.arr_expansion, k1.arr_contraction,
           k1.arr_churn, k1.arr_end, k1.arr_kept, k2.up, k2.renewed, k3.new_logo, k3.renewal, k3.expansion,
           k3.total, k3.expanded_accounts
    FROM st JOIN k_cust k1 USING (step) JOIN k_renewal k2 USING (step) JOIN k_revenue k3 USING (step)$q$, rel)
    USING bd, grace;
END $$;
CREATE TEMP TABLE rc_plain_fixture AS
SELECT * FROM pg_temp.rc_plain('rc_fixture', '{2025-01-01,2025-04-01,2025-07-01}', '30 days');
SELECT pg_temp.rows_differing('rc_plain_fixture', 'rc_got') AS differing_fixture;

-- Odd rows: renewers that tie (the same start, amount and end, twice), one
-- without an amount on the same day (first in the renewers' order), one
-- ending earlier; a contract over every step; one renewed twice in one
-- step and by a contract starting before its grace window; negative
-- amounts.  Apart (rc_special), NaN and infinite amounts.
CREATE TEMP TABLE rc_odd (key bigint, starts_on date, ends_on date, amount numeric);
CREATE TEMP TABLE rc_special (LIKE rc_odd);
INSERT INTO rc_special VALUES
    (12, '2024-01-01', '2025-06-01', 'NaN'), (12, '2025-02-01', '2026-01-01', 100),
    (13, '2024-01-01', '2025-06-01', 'Infinity'), (13, '2025-05-01', '2026-01-01', 'Infinity'),
    (13, '2025-06-15', '2026-01-01', '-Infinity');
INSERT INTO rc_odd VALUES
    (10, '2024-06-01', '2025-03-01', 900), (10, '2025-03-10', '2026-03-10', 500),
    (10, '2025-03-10', '2026-03-10', 500), (10, '2025-03-10', '2025-09-10', 500),
    (11, '2024-06-01', '2025-03-01', 900), (11, '2025-03-10', '2026-03-10', 500),
    (11, '2025-03-10', '2026-03-10', NULL),
    (14, '2023-01-01', '2030-01-01', 123.456),
    (15, '2024-03-01', '2025-02-01', 1200), (15, '2025-01-15', '2025-12-15', 300),
    (15, '2025-01-20', '2025-06-20', 400), (15, '2024-12-01', '2025-12-01', 50),
    (16, '2024-05-01', '2025-05-01', -100), (16, '2025-05-01', '2026-05-01', -50.5);
CREATE TEMP TABLE rc_odd_runs AS
SELECT r.run, r.rel::regclass AS rel, r.bd, r.grace
FROM (VALUES (1, 'rc_odd', '{2025-01-01,2025-04-01,2025-07-01}'::date[], '30 days'::interval),
             -- steps of no days (several bounds on one date), grace a month
             (2, 'rc_odd', '{2025-01-01,2025-01-01,2025-02-15,2025-02-15,2025-03-12,2025-07-01}', '1 mon'),
             (3, 'rc_odd', '{2024-12-01,2025-03-10,2025-03-11,2026-01-01}', '0 days'),
             (4, 'rc_special', '{2025-01-01,2025-04-01,2025-07-01}', '30 days')) r(run, rel, bd, grace);
CREATE TEMP TABLE rc_plain_odd AS
SELECT r.run, p.* FROM rc_odd_runs r, pg_temp.rc_plain(r.rel, r.bd, r.grace) p;
CREATE TEMP TABLE rc_c_odd AS
SELECT r.run, p.* FROM rc_odd_runs r, pg_temp.rc_c(r.rel, r.bd, r.grace) p;
SELECT count(*) AS steps, pg_temp.rows_differing('rc_plain_odd', 'rc_c_odd') AS differing_odd FROM rc_c_odd;
SELECT run, step, customers_at_start, customers_at_end, arr_start, arr_expansion, arr_contraction, arr_end,
       up_for_renewal, renewed, new_logo, renewal, expansion, total, expanded_accounts
FROM rc_c_odd ORDER BY run, step;

SET client_min_messages = warning;
SELECT count(*) > 0 AS loaded FROM abm_demo_load(0.01, 7, 'rc_demo');
RESET client_min_messages;
-- the demo's contracts, every tenth account listed twice, by month over two
-- years and by quarter, grace 30 and 45 days
CREATE TEMP TABLE rc_demo_rows AS
SELECT c.account_id AS key, c.starts_on, c.ends_on, c.amount
FROM rc_demo.contracts c CROSS JOIN generate_series(1, CASE WHEN c.account_id % 10 = 0 THEN 2 ELSE 1 END);
SELECT count(*) AS contracts, count(DISTINCT key) AS accounts, count(*) FILTER (WHERE amount IS NULL) AS pilots
FROM rc_demo_rows;
CREATE TEMP TABLE rc_demo_runs AS
SELECT r.run, r.bd, r.grace
FROM (VALUES (1, ARRAY(SELECT d::date FROM generate_series('2024-01-01'::date, '2026-01-01', '1 month') d), '30 days'::interval),
             (2, ARRAY(SELECT d::date FROM generate_series('2024-01-01'::date, '2026-01-01', '3 months') d), '45 days')) r(run, bd, grace);
CREATE TEMP TABLE rc_plain_demo AS
SELECT r.run, p.* FROM rc_demo_runs r, pg_temp.rc_plain('rc_demo_rows', r.bd, r.grace) p;
CREATE TEMP TABLE rc_c_demo AS
SELECT r.run, p.* FROM rc_demo_runs r, pg_temp.rc_c('rc_demo_rows', r.bd, r.grace) p;
SELECT count(*) AS steps, pg_temp.rows_differing('rc_plain_demo', 'rc_c_demo') AS differing_demo,
       count(*) FILTER (WHERE customers_retained > 0) AS with_retained,
       count(*) FILTER (WHERE renewed > 0) AS with_renewals,
       count(*) FILTER (WHERE renewal > 0) AS with_renewal_revenue,
       count(*) FILTER (WHERE expanded_accounts > 0) AS with_expansion,
       count(*) FILTER (WHERE arr_contraction > 0) AS with_contraction
FROM rc_c_demo;

-- Empty input: NULL (no step).  NULLs: a row without an account or a date
-- is left out; an amount of NULL makes a customer without ARR or revenue.
SELECT abm_report_contracts(key, starts_on, ends_on, amount, '{2025-01-01,2025-07-01}', '30 days') IS NULL AS empty
FROM rc_fixture WHERE false;
SELECT s.step, s.customers_at_start, s.customers_at_end, s.arr_start, s.total
FROM (SELECT abm_report_contracts(k, s, e, a, '{2025-01-01,2025-07-01}', '30 days') AS x
      FROM (VALUES (NULL::bigint, '2024-01-01'::date, '2026-01-01'::date, 1::numeric),
                   (1, NULL, '2026-01-01', 1), (1, '2024-01-01', NULL, 1),
                   (2, '2024-01-01', '2026-01-01', NULL)) v(k, s, e, a)) y,
     unnest(y.x) s;

-- Bad input: the right error (SQLSTATE: message), and the session goes on.
-- NULL, too few, NULL, infinite and decreasing bound dates; NULL and
-- negative grace; other bound dates on a later row
SELECT pg_temp.error_of(format($q$SELECT abm_report_contracts(1, '2025-01-01', '2025-02-01', 1, %s, %s)$q$, b, g))
FROM (VALUES ('NULL', '''30 days'''), ('''{2025-01-01}''', '''30 days'''), ('''{2025-01-01,NULL}''', '''30 days'''),
             ('''{2025-01-01,infinity}''', '''30 days'''), ('''{2025-02-01,2025-01-01}''', '''30 days'''),
             ('''{2025-01-01,2025-07-01}''', 'NULL'), ('''{2025-01-01,2025-07-01}''', '''-1 day''')) v(b, g);
SELECT pg_temp.error_of($q$SELECT abm_report_contracts(1, '2025-01-01', '2025-02-01', 1, b::date[], '30 days')
                          FROM (VALUES ('{2025-01-01,2025-07-01}'), ('{2025-01-01,2025-08-01}')) v(b)$q$);
-- infinite contract dates have no length, as in the plain SQL
SELECT pg_temp.error_of($q$SELECT abm_report_contracts(1, '-infinity', '2025-02-01', 1, '{2025-01-01,2025-07-01}', '30 days')$q$);
SELECT 1 AS still_running;

DROP TABLE rc_fixture, rc_expected, rc_got, rc_plain_fixture, rc_odd, rc_special, rc_odd_runs, rc_plain_odd, rc_c_odd,
           rc_demo_rows, rc_demo_runs, rc_plain_demo, rc_c_demo;
SET client_min_messages = warning;
DROP SCHEMA rc_demo CASCADE;
RESET client_min_messages;
