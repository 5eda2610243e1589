-- The ABM dashboard the demo prints, from the sample data in schema abm_demo.
\pset footer off
\echo
\echo '== ABM dashboard (sample data, 2025) =='
\echo
\echo 'Stage 1 - target accounts per tier'
SELECT coalesce(tier::text, 'all') AS tier, count(*) AS target_accounts
FROM abm_demo.accounts WHERE is_target
GROUP BY ROLLUP (tier) ORDER BY tier NULLS LAST;

\echo 'Accounts per furthest journey stage and tier'
SELECT s.stage, count(*) FILTER (WHERE a.tier = 1) AS tier_1,
       count(*) FILTER (WHERE a.tier = 2) AS tier_2,
       count(*) FILTER (WHERE a.tier = 3) AS tier_3,
       count(*) FILTER (WHERE NOT a.is_target) AS not_target
FROM abm_demo.stages s JOIN abm_demo.accounts a USING (account_id)
GROUP BY s.stage
ORDER BY array_position(ARRAY['target','engaged','opportunity','won','retained','expanded'], s.stage);

\echo 'Minimum viable accounts for a 10 000 000 goal, from this year''s win rate and deal size'
SELECT abm_mva(10000000, avg(amount) FILTER (WHERE is_won), abm_win_rate(is_won)) AS mva,
       round(avg(amount) FILTER (WHERE is_won), 2) AS avg_won_deal,
       round(abm_win_rate(is_won)::numeric, 4) AS win_rate
FROM abm_demo.opportunities;

\echo 'Stage 3-4 - opportunities and win rate per tier'
SELECT coalesce(a.tier::text, '-') AS tier, count(*) AS opportunities,
       count(*) FILTER (WHERE o.is_won IS NULL) AS open,
       round(abm_win_rate(o.is_won)::numeric, 4) AS win_rate,
       round(abm_rate(o.account_id IS NOT NULL)::numeric, 4) AS with_account
FROM abm_demo.opportunities o JOIN abm_demo.accounts a USING (account_id)
GROUP BY a.tier ORDER BY a.tier NULLS LAST;

\echo 'Stage 5 - renewal rate and NPS'
SELECT round(abm_rate(renewed)::numeric, 4) AS renewal_rate,
       (SELECT round(abm_nps(score)::numeric, 1) FROM abm_demo.nps_responses) AS nps
FROM abm_demo.contracts WHERE kind <> 'renewal';
