-- The six-stage report over the bench data: a year, its twelve months (the
-- trend form), parallel workers against none, and the engagement rows from
-- the daily abm_engagement states that engagement.sql builds.  The floor is
-- the bare count(*) of the touches grouped by account; the report reads
-- every relation (touches once, in one pass per account).

-- setup: the daily abm_engagement states (built by engagement.sql, if it ran)
SET client_min_messages = warning;
CREATE TABLE IF NOT EXISTS bench.engagement_daily AS
SELECT account_id, date_trunc('day', occurred_at, 'UTC') AS day,
       abm_engagement_agg(activity, occurred_at, contact_id, '30 days') AS e
FROM bench.touches GROUP BY 1, 2;
VACUUM ANALYZE bench.engagement_daily;

-- workload: abm_report, a year (2025)
-- against: floor
-- bar: <= 4
SELECT * FROM abm_report('bench.accounts', 'bench.touches', 'bench.opportunities', 'bench.contacts', 'bench.stages',
                         'bench.contracts', 'bench.nps_responses', '2025-01-01 00:00+00', '2026-01-01 00:00+00',
                         revenue_goal => 5000000,
                         icp_profile => '{"criteria": [{"attribute": "industry", "in": ["software", "fintech"]},
                                                       {"attribute": "employees", "gte": 200}]}');

-- workload: abm_report_series, the 12 months of 2025
-- against: floor
-- bar: <= 6
SELECT * FROM abm_report_series('bench.accounts', 'bench.touches', 'bench.opportunities', 'bench.contacts',
                                'bench.stages', 'bench.contracts', 'bench.nps_responses', '2025-01-01 00:00+00',
                                '2026-01-01 00:00+00', '1 month', revenue_goal => 5000000,
                                icp_profile => '{"criteria": [{"attribute": "industry", "in": ["software", "fintech"]},
                                                              {"attribute": "employees", "gte": 200}]}');

-- workload: abm_report, a year (2025), parallel off
-- against: abm_report, a year (2025)
-- settings: SET max_parallel_workers_per_gather = 0;
SELECT * FROM abm_report('bench.accounts', 'bench.touches', 'bench.opportunities', 'bench.contacts', 'bench.stages',
                         'bench.contracts', 'bench.nps_responses', '2025-01-01 00:00+00', '2026-01-01 00:00+00',
                         revenue_goal => 5000000,
                         icp_profile => '{"criteria": [{"attribute": "industry", "in": ["software", "fintech"]},
                                                       {"attribute": "employees", "gte": 200}]}');

-- workload: abm_report, a year (2025), 2 workers
-- speedup: abm_report, a year (2025), parallel off | count(*) ungrouped, 2 workers | count(*) ungrouped, parallel off
-- bar: >= 0.9
-- settings: SET max_parallel_workers_per_gather = 2;
SELECT * FROM abm_report('bench.accounts', 'bench.touches', 'bench.opportunities', 'bench.contacts', 'bench.stages',
                         'bench.contracts', 'bench.nps_responses', '2025-01-01 00:00+00', '2026-01-01 00:00+00',
                         revenue_goal => 5000000,
                         icp_profile => '{"criteria": [{"attribute": "industry", "in": ["software", "fintech"]},
                                                       {"attribute": "employees", "gte": 200}]}');

-- The engagement rows of the report (engaged accounts, their shares, the
-- score at period end and the accounts above its threshold, the twelve
-- activity counts, the click-through rate) from the daily states, as
-- docs/reference.md shows them.
-- workload: engagement rows of the report from daily abm_engagement states
-- against: abm_report, a year (2025)
WITH period AS (
    SELECT timestamptz '2025-01-01 00:00+00' AS s, timestamptz '2026-01-01 00:00+00' AS e
), per_account AS (
    SELECT a.account_id,
           abm_rollup(d.e) FILTER (WHERE d.day >= p.s) AS period,
           abm_score(abm_rollup(d.e), p.e) AS score_end
    FROM bench.accounts a CROSS JOIN period p
         LEFT JOIN bench.engagement_daily d ON d.account_id = a.account_id AND d.day < p.e
    WHERE a.is_target
    GROUP BY a.account_id, p.e
)
SELECT count(*) AS targets,
       count(*) FILTER (WHERE abm_touches(period) > abm_touches(period, 'ad_impression')) AS engaged,
       avg(coalesce(score_end, 0)) AS avg_score,
       count(*) FILTER (WHERE score_end >= 10) AS above,
       coalesce(sum(abm_touches(period, 'ad_impression')), 0) AS impressions,
       coalesce(sum(abm_touches(period, 'ad_click')), 0) AS ad_clicks,
       coalesce(sum(abm_touches(period, 'email_open')), 0) AS email_opens,
       coalesce(sum(abm_touches(period, 'email_click')), 0) AS email_clicks,
       coalesce(sum(abm_touches(period, 'web_visit')), 0) AS web_visits,
       coalesce(sum(abm_touches(period, 'high_value_page_visit')), 0) AS hvp_visits,
       coalesce(sum(abm_touches(period, 'content_download')), 0) AS downloads,
       coalesce(sum(abm_touches(period, 'webinar_attended')), 0) AS webinars,
       coalesce(sum(abm_touches(period, 'chat')), 0) AS chats,
       coalesce(sum(abm_touches(period, 'form_fill')), 0) AS form_fills,
       coalesce(sum(abm_touches(period, 'meeting_booked')), 0) AS meetings,
       coalesce(sum(abm_touches(period, 'event_attended')), 0) AS events
FROM per_account;
