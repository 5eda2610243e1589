-- The Citus combine path, emulated in SQL for every aggregate whose state
-- is an abm type (docs/scale-out.md): each "worker" (account_id % 2) computes
-- partial states per group, sends them as text, the "coordinator" reads
-- them with the type's input function, combines them with the aggregate's
-- own COMBINEFUNC and applies its final function.  The answer must equal
-- the single-node aggregate.
SET client_min_messages = warning;
SELECT count(*) > 0 AS loaded FROM abm_demo_load(0.01, 9, 'cc');
RESET client_min_messages;
SET TimeZone = 'UTC';

CREATE TABLE cc.engagement_daily AS
SELECT account_id, occurred_at::date AS day,
       abm_engagement_agg(activity, occurred_at, contact_id, '30 days') AS e
FROM cc.touches GROUP BY 1, 2;
CREATE TABLE cc.journeys AS
SELECT account_id, abm_journey(stage, entered_at) AS j FROM cc.stages GROUP BY 1;
-- funnels per segment, to be rolled up across segments
CREATE TABLE cc.funnels AS
SELECT account_id % 40 AS segment, abm_funnel(j) AS f FROM cc.journeys GROUP BY 1;
-- attribution states per account (its channels in time order, won or not)
CREATE TABLE cc.attribution_states AS
SELECT account_id, abm_markov_attribution(path, converted) AS m, abm_shapley_attribution(path, converted) AS s
FROM (SELECT account_id, array_agg(channel ORDER BY occurred_at, activity, contact_id) AS path,
             EXISTS (SELECT FROM cc.opportunities o WHERE o.account_id = t.account_id AND o.is_won) AS converted
      FROM cc.touches t GROUP BY 1) j
GROUP BY 1;

-- Every aggregate whose state type is an abm type has a case.
CREATE TABLE cc_cases (agg text PRIMARY KEY, rel text, key text, arg text, compare text);
INSERT INTO cc_cases VALUES
  ('abm_rollup(abm_engagement)', 'engagement_daily', 'account_id', 'e',
   -- scores are float sums whose order differs: 1e-12 relative
   $$abs(abm_score(a, '2026-02-01') - abm_score(b, '2026-02-01')) <= 1e-12 * abs(abm_score(b, '2026-02-01'))
     AND abm_touches(a) = abm_touches(b) AND abm_first_touch(a) = abm_first_touch(b)
     AND abm_last_touch(a) = abm_last_touch(b) AND abm_engaged_contacts(a) = abm_engaged_contacts(b)$$),
  ('abm_rollup(abm_journey)', 'journeys', 'account_id', 'j', 'a::text = b::text'),
  ('abm_rollup(abm_markov)', 'attribution_states', 'account_id', 'm', 'a::text = b::text'),
  ('abm_rollup(abm_shapley)', 'attribution_states', 'account_id', 's', 'a::text = b::text'),
  -- a funnel keeps its durations in arrival order: compare what it reports
  ('abm_rollup(abm_funnel)', 'funnels', 'segment', 'f',
   $$(SELECT array_agg(x ORDER BY step)::text FROM abm_funnel_steps(a) x)
     = (SELECT array_agg(x ORDER BY step)::text FROM abm_funnel_steps(b) x)$$);

SELECT a.aggfnoid::regprocedure AS aggregate_without_case
FROM pg_aggregate a JOIN pg_type t ON t.oid = a.aggtranstype
     JOIN pg_depend d ON d.objid = t.oid AND d.classid = 'pg_type'::regclass AND d.deptype = 'e'
     JOIN pg_extension x ON x.oid = d.refobjid AND x.extname = 'abm'
WHERE a.aggfnoid::regprocedure::text NOT IN (SELECT agg FROM cc_cases)
ORDER BY 1;

-- The catalog's own combine and final functions for each case.
CREATE TABLE cc_plan AS
SELECT c.*, a.aggcombinefn::regproc AS combinefn, a.aggfinalfn, format_type(a.aggtranstype, NULL) AS stype
FROM cc_cases c JOIN pg_aggregate a ON a.aggfnoid = c.agg::regprocedure;
SELECT agg, combinefn, aggfinalfn, stype FROM cc_plan ORDER BY agg;

-- worker partials (as text) -> input -> combine -> final, against single node
CREATE TABLE cc_result (agg text, groups bigint, differing bigint);
SELECT format($q$
  INSERT INTO cc_result
  WITH partials AS (
      SELECT %10$I %% 2 AS worker, %10$I %% 5 AS g, %3$s(%4$s)::text AS partial
      FROM cc.%2$s GROUP BY 1, 2
  ), combined AS (
      SELECT w0.g, %8$s%5$s(w0.partial::%6$s, w1.partial::%6$s)%9$s AS v
      FROM partials w0 JOIN partials w1 ON w1.g = w0.g AND w0.worker = 0 AND w1.worker = 1
  ), single AS (
      SELECT %10$I %% 5 AS g, %3$s(%4$s) AS v FROM cc.%2$s GROUP BY 1
  )
  SELECT %1$L, count(*), count(*) FILTER (WHERE NOT coalesce((SELECT %7$s FROM (SELECT c.v AS a, s.v AS b) x), false))
  FROM single s LEFT JOIN combined c USING (g) $q$,
  agg, rel, split_part(agg, '(', 1), arg, combinefn, stype, compare,
  CASE WHEN aggfinalfn::oid = 0 THEN '' ELSE aggfinalfn::regproc::text || '(' END,
  CASE WHEN aggfinalfn::oid = 0 THEN '' ELSE ')' END, key)
FROM cc_plan ORDER BY agg
\gexec
SELECT agg, groups, differing FROM cc_result ORDER BY agg;
