-- Data-driven attribution workloads (no speed bar: the bars below
-- compare with the plain-SQL way of computing the same numbers).  A
-- journey is an account's touch channels in time order (array_agg per
-- account) and whether the account won a deal; every workload builds the
-- journeys from the 10 000 000 touches itself, so the first one is the
-- cost that all of them share.

-- workload: journeys: array_agg(channel ORDER BY occurred_at) per account
-- against: floor
SELECT count(*), sum(cardinality(path))
FROM (SELECT account_id, array_agg(channel ORDER BY occurred_at) AS path
      FROM bench.touches GROUP BY account_id) p;

-- workload: plain SQL first-order transition counts over the journeys
-- against: journeys: array_agg(channel ORDER BY occurred_at) per account
SELECT from_state, next, count(*)
FROM (SELECT account_id, array_agg(channel ORDER BY occurred_at) AS path
      FROM bench.touches GROUP BY account_id) p
     LEFT JOIN (SELECT DISTINCT account_id FROM bench.opportunities WHERE is_won) w USING (account_id),
     LATERAL (SELECT coalesce(path[i - 1], '(start)') AS from_state, path[i] AS next
              FROM generate_subscripts(p.path, 1) i
              UNION ALL
              SELECT path[cardinality(path)],
                     CASE WHEN w.account_id IS NOT NULL THEN '(conversion)' ELSE '(null)' END) t
GROUP BY 1, 2;

-- workload: plain SQL first-order transition counts from the touches with lag()
-- against: journeys: array_agg(channel ORDER BY occurred_at) per account
SELECT from_state, next, count(*)
FROM (SELECT coalesce(lag(channel) OVER (PARTITION BY account_id ORDER BY occurred_at), '(start)') AS from_state,
             channel AS next
      FROM bench.touches
      UNION ALL
      SELECT l.channel, CASE WHEN w.account_id IS NOT NULL THEN '(conversion)' ELSE '(null)' END
      FROM (SELECT DISTINCT ON (account_id) account_id, channel FROM bench.touches
            ORDER BY account_id, occurred_at DESC) l
           LEFT JOIN (SELECT DISTINCT account_id FROM bench.opportunities WHERE is_won) w USING (account_id)) t
GROUP BY 1, 2;

-- workload: abm_markov_attribution (first order) over the journeys
-- against: plain SQL first-order transition counts over the journeys
-- bar: <= 1.0
SELECT abm_markov_attribution(path, w.account_id IS NOT NULL)
FROM (SELECT account_id, array_agg(channel ORDER BY occurred_at) AS path
      FROM bench.touches GROUP BY account_id) p
     LEFT JOIN (SELECT DISTINCT account_id FROM bench.opportunities WHERE is_won) w USING (account_id);

-- workload: abm_markov_attribution vs the lag() formulation
-- against: plain SQL first-order transition counts from the touches with lag()
-- bar: <= 1.0
SELECT abm_markov_attribution(path, w.account_id IS NOT NULL)
FROM (SELECT account_id, array_agg(channel ORDER BY occurred_at) AS path
      FROM bench.touches GROUP BY account_id) p
     LEFT JOIN (SELECT DISTINCT account_id FROM bench.opportunities WHERE is_won) w USING (account_id);

-- workload: abm_markov_credits (first order): aggregate and solve
-- against: journeys: array_agg(channel ORDER BY occurred_at) per account
SELECT * FROM abm_markov_credits((
    SELECT abm_markov_attribution(path, w.account_id IS NOT NULL)
    FROM (SELECT account_id, array_agg(channel ORDER BY occurred_at) AS path
          FROM bench.touches GROUP BY account_id) p
         LEFT JOIN (SELECT DISTINCT account_id FROM bench.opportunities WHERE is_won) w USING (account_id)));

-- workload: abm_markov_credits (third order): aggregate and solve
-- against: journeys: array_agg(channel ORDER BY occurred_at) per account
SELECT * FROM abm_markov_credits((
    SELECT abm_markov_attribution(path, w.account_id IS NOT NULL, 3)
    FROM (SELECT account_id, array_agg(channel ORDER BY occurred_at) AS path
          FROM bench.touches GROUP BY account_id) p
         LEFT JOIN (SELECT DISTINCT account_id FROM bench.opportunities WHERE is_won) w USING (account_id)));

-- workload: abm_shapley_credits over the journeys' channel sets
-- against: journeys: array_agg(channel ORDER BY occurred_at) per account
SELECT * FROM abm_shapley_credits((
    SELECT abm_shapley_attribution(path, w.account_id IS NOT NULL)
    FROM (SELECT account_id, array_agg(channel ORDER BY occurred_at) AS path
          FROM bench.touches GROUP BY account_id) p
         LEFT JOIN (SELECT DISTINCT account_id FROM bench.opportunities WHERE is_won) w USING (account_id)));

-- workload: abm_lift of target accounts (opportunity rate)
-- against: floor
SELECT abm_lift(a.is_target, o.account_id IS NOT NULL)
FROM bench.accounts a LEFT JOIN (SELECT DISTINCT account_id FROM bench.opportunities) o USING (account_id);
