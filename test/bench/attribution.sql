-- Attribution and view-through workloads (no speed bar: the bars below
-- compare with the plain-SQL way of computing the same numbers).
-- Won opportunities x the touches of their account up to the close.  Money
-- is summed as float8 on both sides: a float8 -> numeric cast per row costs
-- more than the attribution itself (docs/performance.md).

-- workload: plain SQL u_shaped won revenue per channel
-- against: floor
SELECT channel,
       sum(amount::float8 * CASE WHEN n = 1 THEN 1::float8 WHEN n = 2 THEN 0.5::float8
                                 WHEN p = 1 OR p = n THEN 0.4::float8 ELSE 0.2::float8 / (n - 2) END)
FROM (SELECT o.amount, t.channel,
             row_number() OVER (PARTITION BY o.opportunity_id ORDER BY t.occurred_at) AS p,
             count(*) OVER (PARTITION BY o.opportunity_id) AS n
      FROM bench.opportunities o
      JOIN bench.touches t ON t.account_id = o.account_id AND t.occurred_at <= o.closed_at
      WHERE o.is_won) s
GROUP BY channel;

-- workload: abm_attribution_credit u_shaped, window form
-- against: plain SQL u_shaped won revenue per channel
-- bar: <= 1.2
SELECT channel, sum(amount::float8 * credit)
FROM (SELECT o.amount, t.channel,
             abm_attribution_credit('u_shaped', t.occurred_at, o.closed_at)
               OVER (PARTITION BY o.opportunity_id ORDER BY t.occurred_at) AS credit
      FROM bench.opportunities o
      JOIN bench.touches t ON t.account_id = o.account_id AND t.occurred_at <= o.closed_at
      WHERE o.is_won) s
GROUP BY channel;

-- workload: abm_attribution_credit u_shaped, scalar form
-- against: plain SQL u_shaped won revenue per channel
-- bar: <= 1.2
SELECT channel, sum(amount::float8 * abm_attribution_credit('u_shaped', p::int, n::int))
FROM (SELECT o.amount, t.channel,
             row_number() OVER (PARTITION BY o.opportunity_id ORDER BY t.occurred_at) AS p,
             count(*) OVER (PARTITION BY o.opportunity_id) AS n
      FROM bench.opportunities o
      JOIN bench.touches t ON t.account_id = o.account_id AND t.occurred_at <= o.closed_at
      WHERE o.is_won) s
GROUP BY channel;

-- workload: plain SQL time_decay won revenue per channel
-- against: floor
SELECT channel, sum(amount::float8 * w / sum_w)
FROM (SELECT o.amount, t.channel, w, sum(w) OVER (PARTITION BY o.opportunity_id) AS sum_w
      FROM bench.opportunities o
      JOIN bench.touches t ON t.account_id = o.account_id AND t.occurred_at <= o.closed_at,
           LATERAL (SELECT power(2::float8, -extract(epoch FROM o.closed_at - t.occurred_at)::float8
                                             / (7 * 86400)) AS w) d
      WHERE o.is_won) s
GROUP BY channel;

-- workload: abm_attribution_credit time_decay, window form
-- against: plain SQL time_decay won revenue per channel
-- bar: <= 1.2
SELECT channel, sum(amount::float8 * credit)
FROM (SELECT o.amount, t.channel,
             abm_attribution_credit('time_decay', t.occurred_at, o.closed_at, interval '7 days')
               OVER (PARTITION BY o.opportunity_id) AS credit
      FROM bench.opportunities o
      JOIN bench.touches t ON t.account_id = o.account_id AND t.occurred_at <= o.closed_at
      WHERE o.is_won) s
GROUP BY channel;

-- workload: abm_attribute u_shaped, arrays per won opportunity
-- against: plain SQL u_shaped won revenue per channel
SELECT a.touch_id, sum(o.amount::float8 * a.credit)
FROM (SELECT o.opportunity_id, o.amount, o.closed_at,
             array_agg(t.occurred_at) AS ats,
             array_agg(CASE t.channel WHEN 'email' THEN 1 ELSE 0 END::bigint) AS ids
      FROM bench.opportunities o
      JOIN bench.touches t ON t.account_id = o.account_id AND t.occurred_at <= o.closed_at
      WHERE o.is_won
      GROUP BY o.opportunity_id, o.amount, o.closed_at) o,
     abm_attribute('u_shaped', o.ids, o.ats, o.closed_at) a
GROUP BY a.touch_id;

-- workload: plain SQL view-through conversions grouped by account
-- against: floor
SELECT account_id,
       count(*) FILTER (WHERE activity = 'form_fill' AND last_impression >= occurred_at - interval '7 days'
                          AND (last_click IS NULL OR last_click < last_impression))
FROM (SELECT account_id, occurred_at, activity,
             max(occurred_at) FILTER (WHERE activity = 'ad_impression') OVER w AS last_impression,
             max(occurred_at) FILTER (WHERE activity = 'ad_click') OVER w AS last_click
      FROM bench.touches
      WINDOW w AS (PARTITION BY account_id ORDER BY occurred_at
                   RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) s
GROUP BY account_id;

-- workload: abm_view_through grouped by account
-- against: plain SQL view-through conversions grouped by account
-- bar: <= 0.7
SELECT account_id,
       abm_view_through(occurred_at, activity = 'ad_impression', activity = 'ad_click',
                        activity = 'form_fill', '7 days')
FROM bench.touches GROUP BY account_id;
