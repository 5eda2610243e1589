-- The as-of rule of abm_report, tested mechanically on the demo data (four
-- years, 2022-2025): the report of a period is a fact about the period as
-- it was known at its end, so
--   1. the report on the as-of snapshot of the data at period_end (facts
--      dated at or after it dropped, opportunities closed after it
--      reopened, contracts starting after it dropped) equals the report on
--      the full data, row for row, for a past quarter, a past half, a past
--      year and the last year;
--   2. appending future data to that snapshot (touches, closes of the
--      opportunities open at period_end, contracts, stage entries and NPS
--      responses, all dated at or after period_end) moves no row.
SET TimeZone = 'UTC';
SET client_min_messages = warning;
SELECT count(*) > 0 AS loaded FROM abm_demo_load(0.01, 1, 'asof_full');

-- The as-of snapshot of asof_full at period end e, in schema s.
CREATE FUNCTION pg_temp.snapshot(s name, e timestamptz) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('DROP SCHEMA IF EXISTS %1$I CASCADE; CREATE SCHEMA %1$I', s);
    EXECUTE format('CREATE TABLE %I.accounts AS SELECT * FROM asof_full.accounts', s);
    EXECUTE format('CREATE TABLE %I.contacts AS SELECT * FROM asof_full.contacts', s);
    EXECUTE format('CREATE TABLE %I.touches AS SELECT * FROM asof_full.touches WHERE occurred_at < %L', s, e);
    EXECUTE format('CREATE TABLE %I.stages AS SELECT * FROM asof_full.stages WHERE entered_at < %L', s, e);
    EXECUTE format('CREATE TABLE %I.nps_responses AS SELECT * FROM asof_full.nps_responses WHERE responded_at < %L', s, e);
    EXECUTE format($q$CREATE TABLE %I.opportunities AS
                     SELECT opportunity_id, account_id, created_at,
                            CASE WHEN closed_at < %2$L THEN closed_at END AS closed_at, amount,
                            CASE WHEN closed_at < %2$L THEN is_won END AS is_won
                     FROM asof_full.opportunities WHERE created_at < %2$L$q$, s, e);
    EXECUTE format('CREATE TABLE %I.contracts AS SELECT * FROM asof_full.contracts WHERE starts_on < %L::date', s, e);
END $$;

-- The report of [b, e) over the relations of schema s.
CREATE FUNCTION pg_temp.report(s name, b timestamptz, e timestamptz)
RETURNS TABLE(stage int, kpi text, value numeric, unit text) LANGUAGE sql AS $$
    SELECT * FROM abm_report(format('%I.accounts', s)::regclass, format('%I.touches', s)::regclass,
                             format('%I.opportunities', s)::regclass, format('%I.contacts', s)::regclass,
                             format('%I.stages', s)::regclass, format('%I.contracts', s)::regclass,
                             format('%I.nps_responses', s)::regclass, b, e, revenue_goal => 5000000,
                             icp_profile => '{"criteria": [{"attribute": "industry", "in": ["software", "fintech"]},
                                                           {"attribute": "employees", "gte": 200}]}')
$$;

-- Rows present in one report and not in the other (value or unit differs,
-- or the row is missing), for a period.
CREATE FUNCTION pg_temp.differences(a name, b name, ps timestamptz, pe timestamptz)
RETURNS TABLE(side text, stage int, kpi text, value numeric) LANGUAGE sql AS $$
    (SELECT a::text, r.stage, r.kpi, r.value FROM pg_temp.report(a, ps, pe) r
     EXCEPT SELECT a::text, r.stage, r.kpi, r.value FROM pg_temp.report(b, ps, pe) r)
    UNION ALL
    (SELECT b::text, r.stage, r.kpi, r.value FROM pg_temp.report(b, ps, pe) r
     EXCEPT SELECT b::text, r.stage, r.kpi, r.value FROM pg_temp.report(a, ps, pe) r)
$$;

CREATE TABLE periods (name text, ps timestamptz, pe timestamptz);
INSERT INTO periods VALUES
  ('Q2 2025', '2025-04-01', '2025-07-01'),
  ('H2 2024', '2024-07-01', '2025-01-01'),
  ('year 2024', '2024-01-01', '2025-01-01'),
  ('year 2025', '2025-01-01', '2026-01-01');

-- 1. Snapshot = full data, row for row.  For each period: how many rows the
-- report has, how many facts the snapshot drops or reopens (so the test is
-- not vacuous), and the differing rows (must be 0).
CREATE TABLE asof_check (name text, report_rows bigint, touches_dropped bigint, reopened bigint,
                         contracts_dropped bigint, differing_rows bigint);
DO $$
DECLARE
    p record;
BEGIN
    FOR p IN SELECT * FROM periods ORDER BY ps LOOP
        PERFORM pg_temp.snapshot('asof_snap', p.pe);
        INSERT INTO asof_check
        SELECT p.name,
               (SELECT count(*) FROM pg_temp.report('asof_full', p.ps, p.pe)),
               (SELECT count(*) FROM asof_full.touches WHERE occurred_at >= p.pe),
               (SELECT count(*) FROM asof_full.opportunities WHERE created_at < p.pe AND closed_at >= p.pe),
               (SELECT count(*) FROM asof_full.contracts WHERE starts_on >= p.pe::date),
               (SELECT count(*) FROM pg_temp.differences('asof_full', 'asof_snap', p.ps, p.pe));
    END LOOP;
END $$;
SELECT name, report_rows, touches_dropped > 0 OR name = 'year 2025' AS drops_touches,
       reopened > 0 AS reopens_opportunities, contracts_dropped > 0 OR name = 'year 2025' AS drops_contracts,
       differing_rows
FROM asof_check ORDER BY name;

-- 2. Append future data to the snapshot at 2025-07-01 and report H1 2025
-- again: close every opportunity open at period end (won and lost), add a
-- contract, touches of every kind, stage entries and NPS responses for
-- every target account, all dated at or after 2025-07-01.
SELECT pg_temp.snapshot('asof_h1', '2025-07-01');
CREATE TABLE h1_before AS SELECT * FROM pg_temp.report('asof_h1', '2025-01-01', '2025-07-01');
UPDATE asof_h1.opportunities
SET closed_at = '2025-07-01'::timestamptz + (opportunity_id % 90) * interval '1 day',
    is_won = opportunity_id % 3 = 0
WHERE closed_at IS NULL;
INSERT INTO asof_h1.opportunities
SELECT 100000 + account_id, account_id, '2025-07-01', '2025-07-02', 12345, true
FROM asof_h1.accounts WHERE is_target;
INSERT INTO asof_h1.touches (account_id, contact_id, occurred_at, activity, channel, campaign, cost)
SELECT a.account_id, c.contact_id, '2025-07-01'::timestamptz + k * interval '7 hours', x.activity, 'test', 'future', 9.99
FROM asof_h1.accounts a
JOIN LATERAL (SELECT min(contact_id) AS contact_id FROM asof_h1.contacts WHERE account_id = a.account_id) c ON true
CROSS JOIN generate_series(0, 11) k
JOIN (VALUES (0, 'ad_impression'), (1, 'ad_click'), (2, 'email_open'), (3, 'email_click'), (4, 'web_visit'),
             (5, 'high_value_page_visit'), (6, 'content_download'), (7, 'webinar_attended'), (8, 'chat'),
             (9, 'form_fill'), (10, 'meeting_booked'), (11, 'event_attended')) x(k, activity) ON x.k = k.k
WHERE a.is_target;
INSERT INTO asof_h1.contracts
SELECT account_id, '2025-07-01', '2026-07-01', 50000, 'new', NULL FROM asof_h1.accounts WHERE is_target;
INSERT INTO asof_h1.stages
SELECT account_id, s, '2025-07-01' FROM asof_h1.accounts, unnest(ARRAY['engaged', 'opportunity', 'won', 'retained', 'expanded']) s
WHERE is_target;
INSERT INTO asof_h1.nps_responses
SELECT account_id, NULL, '2025-07-01', 0 FROM asof_h1.accounts WHERE is_target;
CREATE TABLE h1_after AS SELECT * FROM pg_temp.report('asof_h1', '2025-01-01', '2025-07-01');
SELECT (SELECT count(*) FROM h1_before) AS report_rows,
       (SELECT count(*) FROM (SELECT * FROM h1_before EXCEPT SELECT * FROM h1_after) d) AS rows_moved,
       (SELECT count(*) FROM (SELECT * FROM h1_after EXCEPT SELECT * FROM h1_before) d) AS rows_new;
-- the appended data does count for the next half
SELECT count(*) > 0 AS next_half_sees_it
FROM (SELECT * FROM pg_temp.report('asof_h1', '2025-07-01', '2026-01-01')
      EXCEPT SELECT * FROM pg_temp.report('asof_full', '2025-07-01', '2026-01-01')) d;

-- Reconciliation on the demo data, every period: new-logo + renewal +
-- expansion = total revenue won, and the ARR bridge of the customers at
-- period start closes; NRR and GRR agree with the bridge rows.
SELECT p.name,
       sum(r.value) FILTER (WHERE r.kpi IN ('new-logo revenue won', 'renewal revenue', 'expansion revenue'))
         = sum(r.value) FILTER (WHERE r.kpi = 'total revenue won (new-logo + renewal + expansion)') AS revenue_adds_up,
       sum(r.value) FILTER (WHERE r.kpi = 'ARR at period start (customers at period start)')
         + sum(r.value) FILTER (WHERE r.kpi = 'ARR expansion (customers at period start)')
         - sum(r.value) FILTER (WHERE r.kpi = 'ARR contraction (customers at period start)')
         - sum(r.value) FILTER (WHERE r.kpi = 'ARR churned (customers at period start)')
         = sum(r.value) FILTER (WHERE r.kpi = 'ARR at period end (customers at period start)') AS bridge_closes,
       round(sum(r.value) FILTER (WHERE r.kpi = 'ARR at period end (customers at period start)')
             / sum(r.value) FILTER (WHERE r.kpi = 'ARR at period start (customers at period start)'), 4)
         = sum(r.value) FILTER (WHERE r.kpi LIKE 'net revenue retention%') AS nrr_from_bridge,
       sum(r.value) FILTER (WHERE r.kpi LIKE 'gross revenue retention%')
         <= least(1, sum(r.value) FILTER (WHERE r.kpi LIKE 'net revenue retention%')) AS grr_at_most_nrr,
       sum(r.value) FILTER (WHERE r.kpi = 'expansion revenue') > 0 AS has_expansion,
       sum(r.value) FILTER (WHERE r.kpi = 'renewal revenue') > 0 AS has_renewals
FROM periods p, LATERAL pg_temp.report('asof_full', p.ps, p.pe) r
GROUP BY p.name ORDER BY p.name;

-- Shares are in [0, 1]; a ratio may exceed 1.
SELECT p.name, r.kpi, r.value
FROM periods p, LATERAL pg_temp.report('asof_full', p.ps, p.pe) r
WHERE r.unit = 'share' AND NOT r.value BETWEEN 0 AND 1;

DROP SCHEMA asof_snap, asof_h1 CASCADE;
