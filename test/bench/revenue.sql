-- Revenue KPIs: deal cycle against percentile_cont + avg, pipeline
-- against its plain-SQL formulation.  The plain deal-cycle queries use
-- date_part (float8), the fastest plain way to get days.

-- workload: plain SQL deal cycle grouped (1 000 groups)
-- against: floor
SELECT account_id % 1000, count(*),
       avg(date_part('epoch', closed_at - created_at) / 86400),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY date_part('epoch', closed_at - created_at) / 86400),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY date_part('epoch', closed_at - created_at) / 86400),
       min(date_part('epoch', closed_at - created_at) / 86400),
       max(date_part('epoch', closed_at - created_at) / 86400)
FROM bench.opportunities WHERE closed_at IS NOT NULL GROUP BY 1;

-- workload: abm_deal_cycle grouped (1 000 groups)
-- against: plain SQL deal cycle grouped (1 000 groups)
-- bar: >= 1.5
SELECT account_id % 1000, abm_deal_cycle(created_at, closed_at)
FROM bench.opportunities WHERE closed_at IS NOT NULL GROUP BY 1;

-- workload: plain SQL touch age percentiles grouped (1 000 groups)
-- against: floor
SELECT account_id % 1000, count(*),
       avg(date_part('epoch', timestamptz '2026-01-01' - occurred_at) / 86400),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY date_part('epoch', timestamptz '2026-01-01' - occurred_at) / 86400),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY date_part('epoch', timestamptz '2026-01-01' - occurred_at) / 86400),
       min(date_part('epoch', timestamptz '2026-01-01' - occurred_at) / 86400),
       max(date_part('epoch', timestamptz '2026-01-01' - occurred_at) / 86400)
FROM bench.touches GROUP BY 1;

-- workload: abm_deal_cycle over touches grouped (1 000 groups)
-- against: plain SQL touch age percentiles grouped (1 000 groups)
-- bar: >= 1.5
SELECT account_id % 1000, abm_deal_cycle(occurred_at, timestamptz '2026-01-01')
FROM bench.touches GROUP BY 1;

-- workload: plain SQL pipeline grouped by account
-- against: floor
SELECT account_id, count(*), count(*) FILTER (WHERE is_won IS NULL),
       count(*) FILTER (WHERE is_won), count(*) FILTER (WHERE NOT is_won),
       (count(*) FILTER (WHERE is_won))::float8 / nullif(count(is_won), 0),
       sum(amount) FILTER (WHERE is_won IS NULL), sum(amount) FILTER (WHERE is_won),
       avg(amount) FILTER (WHERE is_won),
       avg(date_part('epoch', closed_at - created_at) / 86400) FILTER (WHERE is_won),
       count(*) * sum(amount) FILTER (WHERE is_won) * count(*) FILTER (WHERE is_won) * 86400
         / nullif(count(is_won) * sum(date_part('epoch', closed_at - created_at)::numeric) FILTER (WHERE is_won), 0)
FROM bench.opportunities GROUP BY account_id;

-- workload: abm_pipeline grouped by account
-- against: plain SQL pipeline grouped by account
-- bar: >= 1.0
SELECT account_id, abm_pipeline(amount, created_at, closed_at, is_won)
FROM bench.opportunities GROUP BY account_id;
