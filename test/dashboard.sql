-- The ABM dashboard the demo prints, from the sample data in schema abm_demo.
\pset footer off
SET TimeZone = 'UTC';
\echo
\echo '== ABM dashboard: target accounts, 2025 as known on 2026-01-01 (sample data) =='
\echo
\echo 'The account journey: target accounts that reached each stage or a later one by 2026-01-01 (a skipped stage counts as passed)'
SELECT f.step, f.stage, f.accounts, round(f.pct_of_first::numeric, 3) AS of_first,
       round(f.median_days_from_previous::numeric, 1) AS median_days, f.bar
FROM (SELECT abm_funnel(j) AS fn
      FROM (SELECT abm_journey(s.stage, s.entered_at) AS j
            FROM abm_demo.stages s JOIN abm_demo.accounts a USING (account_id)
            WHERE a.is_target GROUP BY s.account_id) journeys) x,
     LATERAL abm_funnel_steps(x.fn) f;

\echo 'Every KPI of the six stages (abm_report)'
SELECT stage, kpi, value, unit
FROM abm_report(accounts => 'abm_demo.accounts', touches => 'abm_demo.touches',
                opportunities => 'abm_demo.opportunities', contacts => 'abm_demo.contacts',
                stages => 'abm_demo.stages', contracts => 'abm_demo.contracts',
                nps_responses => 'abm_demo.nps_responses',
                period_start => '2025-01-01', period_end => '2026-01-01',
                revenue_goal => 10000000,
                icp_profile => '{"criteria": [{"attribute": "industry", "in": ["software", "fintech"]},
                                              {"attribute": "employees", "gte": 200}]}');

\echo 'Most engaged target accounts at year end'
SELECT a.name, a.tier, round(abm_score(e, '2026-01-01')::numeric, 1) AS score,
       abm_touches(e) AS touches, abm_engaged_contacts(e) AS contacts,
       abm_touches(e, 'meeting_booked') AS meetings
FROM (SELECT account_id, abm_engagement_agg(activity, occurred_at, contact_id, '30 days') AS e
      FROM abm_demo.touches WHERE occurred_at < '2026-01-01' GROUP BY account_id) s
     JOIN abm_demo.accounts a USING (account_id)
WHERE a.is_target
ORDER BY abm_score(e, '2026-01-01') DESC LIMIT 5;
