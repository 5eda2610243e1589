\set ECHO none
-- Included by sql/funnel.sql (\i sql/include/funnel_reference.sql):
-- pg_temp.funnel_reference(rel) computes, in plain SQL, the funnel of the
-- stage history in rel (account_id, stage, entered_at; the default stages
-- target .. expanded, an account's first entry per stage), and compares it
-- with abm_funnel_steps(rel, ...): the number of steps and of steps that
-- differ in accounts, shares, drop-outs, median or p90 days.
CREATE FUNCTION pg_temp.funnel_reference(rel regclass, OUT steps bigint, OUT steps_differing bigint)
LANGUAGE plpgsql AS $fn$
BEGIN
    EXECUTE format($q$
WITH h AS (SELECT account_id, array_position(ARRAY['target','engaged','opportunity','won','retained','expanded'], stage) - 1 AS k,
                  min(entered_at) AS entered_at
           FROM %1$s GROUP BY 1, 2),
     furthest AS (SELECT account_id, max(k) AS f FROM h GROUP BY account_id),
     counts AS (SELECT k, count(*) FILTER (WHERE f >= k) AS accounts
                FROM generate_series(0, 5) k CROSS JOIN furthest GROUP BY k),
     durs AS (SELECT b.k, extract(epoch FROM b.entered_at - a.entered_at) / 86400 AS d
              FROM h a JOIN h b ON b.account_id = a.account_id AND b.k = a.k + 1
              WHERE b.entered_at >= a.entered_at),
     pct AS (SELECT k, percentile_cont(0.5) WITHIN GROUP (ORDER BY d) AS med,
                    percentile_cont(0.9) WITHIN GROUP (ORDER BY d) AS p90
             FROM durs GROUP BY k),
     expected AS (SELECT c.k + 1 AS step, c.accounts,
                         c.accounts::float8 / first_value(c.accounts) OVER (ORDER BY c.k) AS pct_of_first,
                         c.accounts::float8 / nullif(lag(c.accounts) OVER (ORDER BY c.k), 0) AS pct_of_previous,
                         coalesce(lag(c.accounts) OVER (ORDER BY c.k) - c.accounts, 0) AS dropped,
                         p.med, p.p90
                  FROM counts c LEFT JOIN pct p USING (k))
SELECT count(*),
       count(*) FILTER (WHERE s.accounts IS DISTINCT FROM e.accounts
                           OR abs(s.pct_of_first - e.pct_of_first) > 1e-12
                           OR (s.pct_of_previous IS NULL) <> (e.pct_of_previous IS NULL)
                           OR abs(s.pct_of_previous - e.pct_of_previous) > 1e-12
                           OR s.dropped IS DISTINCT FROM e.dropped
                           OR (s.median_days_from_previous IS NULL) <> (e.med IS NULL)
                           OR abs(s.median_days_from_previous - e.med) > 1e-9
                           OR abs(s.p90_days_from_previous - e.p90) > 1e-9)
FROM abm_funnel_steps(%1$L, 'account_id', 'stage', 'entered_at') s
FULL JOIN expected e USING (step) $q$, rel)
    INTO steps, steps_differing;
END $fn$;
\set ECHO all
