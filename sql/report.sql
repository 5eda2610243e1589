-- abm_report: every KPI row against an independent plain-SQL computation
-- on the demo data (period 2025, half-life 30 days, engaged at score 10,
-- look-back 90 days, MQA at score 30 with 3 engaged contacts).
SET TimeZone = 'UTC';
SET client_min_messages = warning;
SELECT count(*) > 0 AS loaded FROM abm_demo_load(0.01, 1, 'rd');
RESET client_min_messages;

CREATE TABLE rep AS
SELECT * FROM abm_report('rd.accounts', 'rd.touches', 'rd.opportunities', 'rd.contacts',
                         'rd.stages', 'rd.contracts', 'rd.nps_responses',
                         '2025-01-01', '2026-01-01', revenue_goal => 5000000,
                         icp_profile => '{"criteria": [{"attribute": "industry", "in": ["software", "fintech"]},
                                                       {"attribute": "employees", "gte": 500, "weight": 2}]}');
SELECT stage, count(*) AS kpis FROM rep GROUP BY stage ORDER BY stage;

-- Plain SQL, written from the KPI definitions (docs/reference.md, abm_report).
CREATE TABLE t AS SELECT * FROM rd.accounts WHERE is_target;
CREATE TABLE tt AS
SELECT x.* FROM rd.touches x JOIN t USING (account_id)
WHERE x.occurred_at >= '2025-01-01' AND x.occurred_at < '2026-01-01';
CREATE TABLE o AS SELECT x.* FROM rd.opportunities x JOIN t USING (account_id);
CREATE TABLE weights (activity text PRIMARY KEY, w float8);
INSERT INTO weights VALUES ('ad_impression', 0.1), ('ad_click', 2), ('email_open', 1), ('email_click', 3),
  ('web_visit', 1), ('high_value_page_visit', 5), ('content_download', 5), ('webinar_attended', 8),
  ('chat', 6), ('form_fill', 10), ('meeting_booked', 20), ('event_attended', 15);
CREATE TABLE per AS
SELECT t.account_id,
       coalesce(sum(w.w * power(2::float8, -extract(epoch FROM '2026-01-01'::timestamptz - tt.occurred_at)::float8
                                           / (30 * 86400))), 0) AS score,
       coalesce(sum(w.w * power(2::float8, -extract(epoch FROM '2026-01-01'::timestamptz - tt.occurred_at)::float8
                                           / (30 * 86400)))
                FILTER (WHERE tt.activity IN ('meeting_booked', 'chat', 'event_attended')), 0) AS relationship,
       count(DISTINCT tt.contact_id) AS contacts,
       sum(tt.cost) AS cost,
       coalesce(((t.attributes->>'industry') IN ('software', 'fintech'))::int, 0) * 1.0 / 3
         + coalesce(((t.attributes->>'employees')::numeric >= 500)::int, 0) * 2.0 / 3 AS fit
FROM t LEFT JOIN tt USING (account_id) LEFT JOIN weights w USING (activity)
GROUP BY t.account_id, t.attributes;
CREATE TABLE surge AS
SELECT account_id,
       (count(*) FILTER (WHERE occurred_at >= '2025-12-25')
        - count(*) FILTER (WHERE occurred_at < '2025-12-25') * 7.0 / 28)
       / sqrt(greatest(count(*) FILTER (WHERE occurred_at < '2025-12-25') * 7.0 / 28, 1)) AS z
FROM rd.touches JOIN t USING (account_id)
WHERE occurred_at >= '2025-11-27' AND occurred_at < '2026-01-01'
GROUP BY account_id;
-- view-through: conversions (form fills) with an impression in the 7 days
-- before (inclusive) and no click from that impression to the conversion
CREATE TABLE vt AS
SELECT count(*) AS n FROM tt c
WHERE c.activity = 'form_fill'
  AND EXISTS (SELECT 1 FROM tt i WHERE i.account_id = c.account_id AND i.activity = 'ad_impression'
              AND i.occurred_at BETWEEN c.occurred_at - interval '7 days' AND c.occurred_at
              AND NOT EXISTS (SELECT 1 FROM tt k WHERE k.account_id = c.account_id AND k.activity = 'ad_click'
                              AND k.occurred_at BETWEEN i.occurred_at AND c.occurred_at));
CREATE TABLE engaged_contacts AS
SELECT DISTINCT contact_id FROM rd.touches
WHERE occurred_at >= '2025-01-01' AND occurred_at < '2026-01-01' AND contact_id IS NOT NULL;
CREATE TABLE committee AS
SELECT c.account_id, count(DISTINCT c.contact_id) AS size,
       count(DISTINCT c.contact_id) FILTER (WHERE e.contact_id IS NOT NULL) AS engaged,
       (bool_or(c.role = 'champion' AND e.contact_id IS NOT NULL)::int
        + bool_or(c.role = 'economic_buyer' AND e.contact_id IS NOT NULL)::int
        + bool_or(c.role = 'technical_buyer' AND e.contact_id IS NOT NULL)::int
        + bool_or(c.role = 'influencer' AND e.contact_id IS NOT NULL)::int) / 4.0 AS coverage
FROM rd.contacts c JOIN t USING (account_id) LEFT JOIN engaged_contacts e USING (contact_id)
GROUP BY c.account_id;
CREATE TABLE oc AS SELECT * FROM o WHERE created_at >= '2025-01-01' AND created_at < '2026-01-01';
CREATE TABLE ox AS SELECT * FROM o WHERE closed_at >= '2025-01-01' AND closed_at < '2026-01-01';
CREATE TABLE first_touch AS
SELECT account_id, min(occurred_at) AS at FROM rd.touches JOIN t USING (account_id) GROUP BY 1;
CREATE TABLE won_accounts AS SELECT DISTINCT account_id FROM ox WHERE is_won;
CREATE TABLE period_cost AS SELECT account_id, count(*) AS touches, sum(cost) AS cost FROM tt GROUP BY 1;
CREATE TABLE influence AS
SELECT oc.opportunity_id, oc.amount,
       EXISTS (SELECT 1 FROM rd.touches x WHERE x.account_id = oc.account_id
               AND x.occurred_at BETWEEN oc.created_at - interval '90 days' AND oc.created_at) AS influenced
FROM oc;
CREATE TABLE k AS
SELECT c.*, c.amount * 365.25 / (c.ends_on - c.starts_on) AS arr
FROM rd.contracts c JOIN t USING (account_id);
CREATE TABLE arr_start AS
SELECT account_id, sum(arr) AS arr FROM k WHERE starts_on <= '2025-01-01' AND ends_on > '2025-01-01' GROUP BY 1;
CREATE TABLE arr_end AS
SELECT account_id, sum(arr) AS arr FROM k WHERE starts_on <= '2026-01-01' AND ends_on > '2026-01-01' GROUP BY 1;
CREATE TABLE furthest AS
SELECT s.account_id,
       max(array_position(ARRAY['target', 'engaged', 'opportunity', 'won', 'retained', 'expanded'], s.stage)) AS level
FROM rd.stages s JOIN t USING (account_id) WHERE s.entered_at < '2026-01-01' GROUP BY 1;

CREATE TABLE expected (kpi text PRIMARY KEY, value numeric);
INSERT INTO expected
SELECT 'target accounts', count(*) FROM t UNION ALL
SELECT 'target accounts, tier ' || tier, count(*) FROM t GROUP BY tier UNION ALL
SELECT 'ICP fit, average of target accounts', round(avg(fit)::numeric, 4) FROM per UNION ALL
SELECT 'engaged target accounts', count(*) FILTER (WHERE score >= 10) FROM per UNION ALL
SELECT '% target accounts engaged', round(avg((score >= 10)::int)::numeric, 4) FROM per UNION ALL
SELECT '% target accounts not engaged', round(avg((score < 10)::int)::numeric, 4) FROM per UNION ALL
SELECT 'engagement score, average of target accounts', round(avg(score)::numeric, 2) FROM per UNION ALL
SELECT 'relationship score, average of target accounts', round(avg(relationship)::numeric, 2) FROM per UNION ALL
SELECT 'target accounts with an intent surge', count(*) FILTER (WHERE z >= 2) FROM surge UNION ALL
SELECT 'ad impressions', count(*) FILTER (WHERE activity = 'ad_impression') FROM tt UNION ALL
SELECT 'ad clicks', count(*) FILTER (WHERE activity = 'ad_click') FROM tt UNION ALL
SELECT 'click-through rate', round(count(*) FILTER (WHERE activity = 'ad_click')::numeric
                                   / count(*) FILTER (WHERE activity = 'ad_impression'), 4) FROM tt UNION ALL
SELECT 'email opens', count(*) FILTER (WHERE activity = 'email_open') FROM tt UNION ALL
SELECT 'email clicks', count(*) FILTER (WHERE activity = 'email_click') FROM tt UNION ALL
SELECT 'click-to-open rate', round(count(*) FILTER (WHERE activity = 'email_click')::numeric
                                   / count(*) FILTER (WHERE activity = 'email_open'), 4) FROM tt UNION ALL
SELECT 'web visits', count(*) FILTER (WHERE activity = 'web_visit') FROM tt UNION ALL
SELECT 'high-value page visits', count(*) FILTER (WHERE activity = 'high_value_page_visit') FROM tt UNION ALL
SELECT 'chats', count(*) FILTER (WHERE activity = 'chat') FROM tt UNION ALL
SELECT 'form fills', count(*) FILTER (WHERE activity = 'form_fill') FROM tt UNION ALL
SELECT 'meetings booked', count(*) FILTER (WHERE activity = 'meeting_booked') FROM tt UNION ALL
SELECT 'view-through conversions', n FROM vt UNION ALL
SELECT 'de-anonymisation rate', round(count(contact_id)::numeric / count(*), 4)
FROM tt WHERE activity IN ('web_visit', 'high_value_page_visit') UNION ALL
SELECT 'marketing-qualified accounts', count(*) FILTER (WHERE score >= 30 AND contacts >= 3 AND fit >= 0.5) FROM per UNION ALL
SELECT 'cost per engaged account', round(sum(cost) / count(*) FILTER (WHERE score >= 10), 2) FROM per UNION ALL
SELECT 'buying-committee size, average of target accounts', round(avg(size), 2) FROM committee UNION ALL
SELECT 'in-account coverage, average of target accounts', round(avg(coverage), 4) FROM committee UNION ALL
SELECT 'account penetration, average of target accounts', round(avg(engaged / 6.8), 4) FROM committee UNION ALL
SELECT 'opportunity rate', round(avg((account_id IN (SELECT account_id FROM oc))::int), 4) FROM t UNION ALL
SELECT 'target accounts with an opportunity', count(DISTINCT account_id) FROM oc UNION ALL
SELECT 'opportunities created', count(*) FROM oc UNION ALL
SELECT 'target-account pipeline (open amount)', sum(amount) FILTER (WHERE is_won IS NULL) FROM oc UNION ALL
SELECT 'win rate', round(avg(is_won::int), 4) FROM ox UNION ALL
SELECT 'deals won', count(*) FILTER (WHERE is_won) FROM ox UNION ALL
SELECT 'new revenue won', sum(amount) FILTER (WHERE is_won) FROM ox UNION ALL
SELECT 'average won deal', round(avg(amount) FILTER (WHERE is_won), 2) FROM ox UNION ALL
SELECT 'sales cycle (created to won), median',
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - created_at) / 86400)::numeric, 1)
FROM ox WHERE is_won UNION ALL
SELECT 'pipeline velocity',
       round(count(*) * avg(amount) FILTER (WHERE is_won) * (count(*) FILTER (WHERE is_won))
             / count(*) FILTER (WHERE is_won IS NOT NULL)
             / (avg(extract(epoch FROM closed_at - created_at)) FILTER (WHERE is_won) / 86400), 2)
FROM oc UNION ALL
SELECT 'time from first touch to opportunity, median',
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM fo.at - f.at) / 86400)::numeric, 1)
FROM (SELECT account_id, min(created_at) AS at FROM o GROUP BY 1) fo JOIN first_touch f USING (account_id)
WHERE fo.at >= '2025-01-01' AND fo.at < '2026-01-01' AND f.at <= fo.at UNION ALL
SELECT 'cost per opportunity account', round((SELECT sum(cost) FROM tt) / count(DISTINCT account_id), 2) FROM oc UNION ALL
SELECT 'deal cycle length (first touch to won), ' || m,
       round(CASE m WHEN 'mean' THEN avg(d)
                    WHEN 'median' THEN percentile_cont(0.5) WITHIN GROUP (ORDER BY d)
                    ELSE percentile_cont(0.9) WITHIN GROUP (ORDER BY d) END::numeric, 1)
FROM (SELECT extract(epoch FROM ox.closed_at - f.at)::float8 / 86400 AS d
      FROM ox JOIN first_touch f USING (account_id) WHERE ox.is_won AND f.at <= ox.closed_at) s,
     unnest(ARRAY['mean', 'median', 'p90']) m GROUP BY m UNION ALL
SELECT 'touches per won account', round(sum(coalesce(p.touches, 0))::numeric / count(*), 2)
FROM won_accounts LEFT JOIN period_cost p USING (account_id) UNION ALL
SELECT 'cost per won account', round((SELECT sum(cost) FROM tt) / count(*), 2) FROM won_accounts UNION ALL
SELECT 'customer acquisition cost', round((SELECT sum(cost) FROM tt) / count(*), 2)
FROM (SELECT account_id FROM o WHERE is_won GROUP BY 1
      HAVING min(closed_at) >= '2025-01-01' AND min(closed_at) < '2026-01-01') n UNION ALL
SELECT 'marketing influence, share of opportunities', round(avg(influenced::int), 4) FROM influence UNION ALL
SELECT 'marketing influence, share of pipeline amount',
       round(sum(amount) FILTER (WHERE influenced) / sum(amount), 4) FROM influence UNION ALL
SELECT 'renewal rate', round(avg(renewed::int), 4) FROM k WHERE ends_on >= '2025-01-01' AND ends_on < '2026-01-01' UNION ALL
SELECT 'customer retention rate',
       round((SELECT count(*) FROM arr_end e JOIN arr_start s USING (account_id))::numeric
             / (SELECT count(*) FROM arr_start), 4) UNION ALL
SELECT 'net revenue retention', round(sum(coalesce(e.arr, 0)) / sum(s.arr), 4)
FROM arr_start s LEFT JOIN arr_end e USING (account_id) UNION ALL
SELECT 'gross revenue retention', round(sum(least(coalesce(e.arr, 0), s.arr)) / sum(s.arr), 4)
FROM arr_start s LEFT JOIN arr_end e USING (account_id) UNION ALL
SELECT 'NPS', round(100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(*), 1)
FROM rd.nps_responses JOIN t USING (account_id)
WHERE responded_at >= '2025-01-01' AND responded_at < '2026-01-01' UNION ALL
SELECT 'average contract value', round(avg(arr), 2) FROM k WHERE starts_on >= '2025-01-01' AND starts_on < '2026-01-01' UNION ALL
SELECT 'total revenue won (new, renewal, expansion)', sum(amount) FROM k
WHERE starts_on >= '2025-01-01' AND starts_on < '2026-01-01' UNION ALL
SELECT 'expansion revenue', sum(amount) FROM k
WHERE kind = 'expansion' AND starts_on >= '2025-01-01' AND starts_on < '2026-01-01' UNION ALL
SELECT 'accounts reaching ' || s, count(*) FILTER (WHERE level >= i)
FROM furthest, unnest(ARRAY['target', 'engaged', 'opportunity', 'won', 'retained', 'expanded']) WITH ORDINALITY u(s, i)
GROUP BY s, i UNION ALL
SELECT 'minimum viable accounts',
       ceil(5000000 / ((SELECT avg(amount) FROM ox WHERE is_won)
                       * (SELECT avg(is_won::int)::float8 FROM ox)::numeric
                       * (SELECT avg((account_id IN (SELECT account_id FROM oc))::int)::float8 FROM t)::numeric));

-- every report row has an expected value, and they are equal
SELECT r.stage, r.kpi, r.value AS report, e.value AS expected
FROM rep r FULL JOIN expected e USING (kpi)
WHERE r.value IS DISTINCT FROM e.value
ORDER BY r.stage, r.kpi;
SELECT count(*) AS kpis_checked FROM rep JOIN expected USING (kpi) WHERE rep.value = expected.value;

-- the report as psql shows it
SELECT * FROM rep WHERE stage = 4;

-- optional relations left out: only the KPIs needing them go
SELECT count(*) AS kpis_from_accounts_only
FROM abm_report('rd.accounts', period_start => '2025-01-01', period_end => '2026-01-01');

-- a relation missing an optional column: NOTICE, and only the KPIs needing it go
CREATE VIEW touches_without_cost AS
SELECT account_id, contact_id, occurred_at, activity FROM rd.touches;
CREATE TABLE rep_no_cost AS
SELECT * FROM abm_report('rd.accounts', 'touches_without_cost', 'rd.opportunities',
                         period_start => '2025-01-01', period_end => '2026-01-01',
                         icp_profile => '{"criteria": [{"attribute": "industry", "in": ["software", "fintech"]},
                                                       {"attribute": "employees", "gte": 500, "weight": 2}]}');
SELECT r.kpi FROM rep r
WHERE r.stage <= 4 AND r.kpi NOT LIKE 'accounts reaching%' AND r.kpi NOT LIKE '%committee%'
  AND r.kpi NOT LIKE '%coverage%' AND r.kpi NOT LIKE '%penetration%' AND r.kpi NOT LIKE '%ICP%'
  AND r.kpi <> 'minimum viable accounts'
  AND r.kpi NOT IN (SELECT kpi FROM rep_no_cost)
ORDER BY r.kpi;
SELECT count(*) AS differing FROM rep_no_cost n JOIN rep r USING (kpi) WHERE n.value IS DISTINCT FROM r.value;

-- identifiers are quoted: a schema and tables named with spaces and capitals
CREATE SCHEMA "CRM Export";
CREATE TABLE "CRM Export"."Target Accounts" AS SELECT * FROM rd.accounts;
CREATE TABLE "CRM Export"."Opportunities 2025" AS SELECT * FROM rd.opportunities;
SELECT count(*) AS differing
FROM abm_report('"CRM Export"."Target Accounts"', opportunities => '"CRM Export"."Opportunities 2025"',
                period_start => '2025-01-01', period_end => '2026-01-01') q
     JOIN rep r USING (kpi)
WHERE q.value IS DISTINCT FROM r.value;

\set SHOW_CONTEXT never
-- the report runs with the caller's rights
CREATE ROLE abm_report_reader;
GRANT USAGE ON SCHEMA rd TO abm_report_reader;
GRANT SELECT ON rd.accounts TO abm_report_reader;
SET ROLE abm_report_reader;
SELECT count(*) FROM abm_report('rd.accounts', period_start => '2025-01-01', period_end => '2026-01-01');
SELECT count(*) FROM abm_report('rd.accounts', 'rd.touches', period_start => '2025-01-01', period_end => '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
REVOKE ALL ON SCHEMA rd FROM abm_report_reader;
REVOKE ALL ON rd.accounts FROM abm_report_reader;
DROP ROLE abm_report_reader;

-- bad input
SELECT * FROM abm_report('rd.accounts');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM abm_report('rd.accounts', period_start => '2026-01-01', period_end => '2025-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM abm_report('rd.contacts', period_start => '2025-01-01', period_end => '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM abm_report('rd.accounts', 'rd.touches', period_start => '2025-01-01', period_end => '2026-01-01',
                         half_life => '0 days');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS still_alive FROM rep;
