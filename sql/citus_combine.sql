-- The Citus combine path, emulated in SQL for every aggregate Citus
-- combines across workers, which is every aggregate with a COMBINEFUNC whose
-- state is not a pseudo-type (docs/scale-out.md): each "worker" runs the
-- aggregate's transition function over its rows of a group and sends the
-- state as text (NULL when the state is NULL; no row when the worker has
-- none of the group); the "coordinator" reads each with the state type's
-- input function, folds them into the aggregate's initial state with its
-- COMBINEFUNC (a strict one skips NULL states and starts from the first
-- non-NULL one), and applies the final function.  The answer must equal
-- the single-node aggregate, with the partials in either order.
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

-- influence rows: each opportunity with the touches of its account (none:
-- one row with a NULL touch, which the aggregate skips)
CREATE TABLE cc.influence AS
SELECT o.opportunity_id, t.contact_id, t.occurred_at AS touch_at, o.created_at
FROM cc.opportunities o LEFT JOIN cc.touches t USING (account_id);

-- Hand-made groups for the edge cases of the combine: a group on one
-- worker only (the other sends nothing), a NULL state from a worker
-- (every row it has is skipped), NULL states from both.
CREATE TABLE cc.influence_edges (g int, worker int, touch_at timestamptz);
INSERT INTO cc.influence_edges VALUES
  (1, 0, '2026-02-15'), (1, 1, '2025-12-01'),   -- in the window, before it: t
  (2, 0, '2025-12-01'),                         -- one worker, before: f
  (3, 1, '2026-02-20'),                         -- the other worker, in: t
  (4, 0, NULL), (4, 1, '2026-03-01'),           -- NULL state and in (the boundary): t
  (5, 0, NULL), (5, 1, NULL),                   -- NULL states only: NULL
  (6, 0, NULL),                                 -- one worker, NULL state: NULL
  (7, 0, '2026-03-02'), (7, 1, NULL);           -- after created_at, NULL state: f
CREATE TABLE cc.influence_expected (g int, expected bool);
INSERT INTO cc.influence_expected VALUES (1, true), (2, false), (3, true), (4, true), (5, NULL), (6, NULL), (7, false);
-- retention: conditions c1..c3 per row; skip makes the row's array NULL
CREATE TABLE cc.retention_edges (g int, worker int, c1 bool, c2 bool, c3 bool, skip bool);
INSERT INTO cc.retention_edges VALUES
  (1, 0, true, false, false, false), (1, 1, false, true, false, false),  -- {1, 2}: [1,1,0]
  (2, 0, false, false, true, false),                                     -- {3}, no 1: [0,0,0]
  (3, 1, true, false, true, false),                                      -- {1, 3}: [1,0,1]
  (4, 0, true, true, true, true), (4, 1, true, true, true, false),       -- NULL state, {1,2,3}: [1,1,1]
  (5, 0, true, true, true, true), (5, 1, true, true, true, true),        -- NULL states: NULL
  (6, 0, false, false, true, false), (6, 1, true, false, false, false),  -- 1 on one worker, 3 on the other: [1,0,1]
  (7, 0, false, true, false, false), (7, 1, true, true, true, true);     -- {2}, NULL state: [0,0,0]
CREATE TABLE cc.retention_expected (g int, expected int[]);
INSERT INTO cc.retention_expected VALUES
  (1, '{1,1,0}'), (2, '{0,0,0}'), (3, '{1,0,1}'), (4, '{1,1,1}'), (5, NULL), (6, '{1,0,1}'), (7, '{0,0,0}');

-- One case per aggregate and data set: the relation, which worker holds a
-- row, the group, the arguments, and how two results compare.
CREATE TABLE cc_cases (name text PRIMARY KEY, agg text, rel text, worker text, grp text, arg text, compare text);
INSERT INTO cc_cases VALUES
  ('engagement', 'abm_rollup(abm_engagement)', 'engagement_daily', 'account_id % 2', 'account_id % 5', 'e',
   -- scores are float sums whose order differs: 1e-12 relative
   $$abs(abm_score(a, '2026-02-01') - abm_score(b, '2026-02-01')) <= 1e-12 * abs(abm_score(b, '2026-02-01'))
     AND abm_touches(a) = abm_touches(b) AND abm_first_touch(a) = abm_first_touch(b)
     AND abm_last_touch(a) = abm_last_touch(b) AND abm_engaged_contacts(a) = abm_engaged_contacts(b)$$),
  ('journey', 'abm_rollup(abm_journey)', 'journeys', 'account_id % 2', 'account_id % 5', 'j', 'a::text = b::text'),
  ('markov', 'abm_rollup(abm_markov)', 'attribution_states', 'account_id % 2', 'account_id % 5', 'm', 'a::text = b::text'),
  ('shapley', 'abm_rollup(abm_shapley)', 'attribution_states', 'account_id % 2', 'account_id % 5', 's', 'a::text = b::text'),
  -- a funnel keeps its durations in arrival order: compare what it reports
  ('funnel', 'abm_rollup(abm_funnel)', 'funnels', 'segment % 2', 'segment % 5', 'f',
   $$(SELECT array_agg(x ORDER BY step)::text FROM abm_funnel_steps(a) x)
     = (SELECT array_agg(x ORDER BY step)::text FROM abm_funnel_steps(b) x)$$),
  -- per opportunity, its account's touches split between workers by contact
  ('influenced', 'abm_influenced(timestamp with time zone,timestamp with time zone,interval)', 'influence',
   'coalesce(contact_id, 0) % 2', 'opportunity_id', $$touch_at, created_at, interval '30 days'$$, 'a = b'),
  ('influenced edges', 'abm_influenced(timestamp with time zone,timestamp with time zone,interval)', 'influence_edges',
   'worker', 'g', $$touch_at, '2026-03-01', interval '30 days'$$, 'a = b'),
  -- per account, its touches split by contact; ad impressions skipped (NULL array)
  ('retention', 'abm_retention(boolean[])', 'touches', 'coalesce(contact_id, 0) % 2', 'account_id',
   $$VARIADIC CASE WHEN activity = 'ad_impression' THEN NULL
                   ELSE ARRAY[activity = 'web_visit', activity = 'form_fill', activity = 'meeting_booked'] END$$, 'a = b'),
  ('retention edges', 'abm_retention(boolean[])', 'retention_edges', 'worker', 'g',
   'VARIADIC CASE WHEN skip THEN NULL ELSE ARRAY[c1, c2, c3] END', 'a = b');

-- Every aggregate Citus combines across workers has a case.
SELECT a.aggfnoid::regprocedure AS aggregate_without_case
FROM pg_aggregate a JOIN pg_type t ON t.oid = a.aggtranstype
     JOIN pg_depend d ON d.objid = a.aggfnoid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
     JOIN pg_extension x ON x.oid = d.refobjid AND x.extname = 'abm'
WHERE t.typtype <> 'p' AND a.aggcombinefn <> 0
  AND a.aggfnoid::regprocedure::text NOT IN (SELECT agg FROM cc_cases)
ORDER BY 1;
-- and the others keep an internal state, which Citus does not combine
SELECT count(*) AS internal_state_aggregates,
       count(*) FILTER (WHERE a.aggtranstype <> 'internal'::regtype) AS other
FROM pg_aggregate a
     JOIN pg_depend d ON d.objid = a.aggfnoid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
     JOIN pg_extension x ON x.oid = d.refobjid AND x.extname = 'abm'
WHERE a.aggfnoid::regprocedure::text NOT IN (SELECT agg FROM cc_cases);

-- The catalog's own transition, combine and final functions for each case.
CREATE TABLE cc_plan AS
SELECT DISTINCT c.agg, a.aggtransfn::regproc AS transfn, a.aggcombinefn::regproc AS combinefn,
       a.aggfinalfn, format_type(a.aggtranstype, NULL) AS stype, a.agginitval AS initval
FROM cc_cases c JOIN pg_aggregate a ON a.aggfnoid = c.agg::regprocedure;
SELECT agg, transfn, combinefn, aggfinalfn, stype, initval FROM cc_plan ORDER BY agg;

-- The worker's side: the transition function alone (the aggregate without
-- its final function), its state sent as text.
SELECT format('CREATE AGGREGATE pg_temp.cc_partial_%s(%s) (SFUNC = %s, STYPE = %s%s)',
              row_number() OVER (ORDER BY agg), pg_get_function_identity_arguments(agg::regprocedure),
              transfn, stype, coalesce(', INITCOND = ' || quote_literal(initval), ''))
FROM cc_plan ORDER BY agg
\gexec
CREATE TABLE cc_partial_name AS
SELECT agg, 'pg_temp.cc_partial_' || row_number() OVER (ORDER BY agg) AS partial FROM cc_plan;

-- The coordinator's side: the worker states in the order given, each read
-- by the state type's input function and folded with the combine function
-- (a strict one skips NULL states and starts from the first non-NULL one),
-- then the final function; the result as text.
CREATE FUNCTION pg_temp.cc_coordinate(agg regprocedure, partials text[]) RETURNS text
LANGUAGE plpgsql AS $fn$
DECLARE
    a pg_aggregate;
    stype text;
    strict_combine bool;
    expr text;
    started bool;
    p text;
    result text;
BEGIN
    SELECT * INTO a FROM pg_aggregate WHERE aggfnoid = agg;
    stype := format_type(a.aggtranstype, NULL);
    SELECT proisstrict INTO strict_combine FROM pg_proc WHERE oid = a.aggcombinefn;
    expr := format('%L::%s', a.agginitval, stype);
    started := a.agginitval IS NOT NULL;
    FOREACH p IN ARRAY coalesce(partials, '{}') LOOP
        IF strict_combine AND p IS NULL THEN
            CONTINUE;
        ELSIF strict_combine AND NOT started THEN
            expr := format('%L::%s', p, stype);
        ELSE
            expr := format('%s(%s, %L::%s)', a.aggcombinefn::regproc, expr, p, stype);
        END IF;
        started := true;
    END LOOP;
    IF a.aggfinalfn <> 0 THEN
        expr := format('%s(%s)', a.aggfinalfn::regproc, expr);
    END IF;
    EXECUTE 'SELECT (' || expr || ')::text' INTO result;
    RETURN result;
END $fn$;

-- For each case: the groups, those a worker sent a NULL state for, those
-- only one worker had rows of, and the groups where the combined answer
-- (partials in worker order, or in reverse) differs from the single node.
CREATE TABLE cc_result (name text, groups bigint, with_null_state bigint, on_one_worker bigint, differing bigint);
SELECT format($q$
  INSERT INTO cc_result
  WITH partials AS (
      SELECT %3$s AS worker, %4$s AS g, %6$s(%5$s)::text AS partial
      FROM cc.%2$s GROUP BY 1, 2
  ), coordinator AS (
      SELECT g, count(*) AS workers, count(*) FILTER (WHERE partial IS NULL) AS null_states,
             pg_temp.cc_coordinate(%7$L, array_agg(partial ORDER BY worker))::%9$s AS v,
             pg_temp.cc_coordinate(%7$L, array_agg(partial ORDER BY worker DESC))::%9$s AS v_reversed
      FROM partials GROUP BY g
  ), single AS (
      SELECT %4$s AS g, %10$s(%5$s) AS v FROM cc.%2$s GROUP BY 1
  )
  SELECT %1$L, count(*), count(*) FILTER (WHERE c.null_states > 0), count(*) FILTER (WHERE c.workers = 1),
         count(*) FILTER (WHERE NOT ((c.v IS NULL AND s.v IS NULL) OR coalesce((SELECT %8$s FROM (SELECT c.v AS a, s.v AS b) x), false))
                             OR NOT ((c.v_reversed IS NULL AND s.v IS NULL) OR coalesce((SELECT %8$s FROM (SELECT c.v_reversed AS a, s.v AS b) x), false)))
  FROM single s FULL JOIN coordinator c USING (g) $q$,
  c.name, c.rel, c.worker, c.grp, c.arg, n.partial, c.agg, c.compare,
  format_type((SELECT prorettype FROM pg_proc WHERE oid = c.agg::regprocedure), NULL), split_part(c.agg, '(', 1))
FROM cc_cases c JOIN cc_partial_name n USING (agg) ORDER BY c.name
\gexec
SELECT name, groups, with_null_state, on_one_worker, differing FROM cc_result ORDER BY name;

-- The hand-made groups through the worker and coordinator steps, against
-- the answers worked out by hand above.
SELECT max(partial) FILTER (WHERE agg LIKE 'abm_influenced%') AS influenced_partial,
       max(partial) FILTER (WHERE agg LIKE 'abm_retention%') AS retention_partial
FROM cc_partial_name \gset
SELECT g, x.partials, pg_temp.cc_coordinate('abm_influenced(timestamptz, timestamptz, interval)', x.partials)::bool AS combined,
       e.expected,
       pg_temp.cc_coordinate('abm_influenced(timestamptz, timestamptz, interval)', x.partials)::bool
         IS NOT DISTINCT FROM e.expected AS ok
FROM (SELECT g, array_agg(partial ORDER BY worker) AS partials
      FROM (SELECT g, worker, :influenced_partial(touch_at, '2026-03-01', '30 days')::text AS partial
            FROM cc.influence_edges GROUP BY 1, 2) w
      GROUP BY g) x
FULL JOIN cc.influence_expected e USING (g) ORDER BY g;
SELECT g, x.partials, pg_temp.cc_coordinate('abm_retention(bool[])', x.partials)::int[] AS combined,
       e.expected,
       pg_temp.cc_coordinate('abm_retention(bool[])', x.partials)::int[] IS NOT DISTINCT FROM e.expected AS ok
FROM (SELECT g, array_agg(partial ORDER BY worker) AS partials
      FROM (SELECT g, worker, :retention_partial(VARIADIC CASE WHEN skip THEN NULL ELSE ARRAY[c1, c2, c3] END)::text AS partial
            FROM cc.retention_edges GROUP BY 1, 2) w
      GROUP BY g) x
FULL JOIN cc.retention_expected e USING (g) ORDER BY g;
