\set ECHO none
-- Included by the regression tests that force a parallel plan
-- (\i sql/include/plan.sql): pg_temp.plan_shape(query) gives the plan's
-- nodes as one line, "Finalize Aggregate > Gather > Partial Aggregate >
-- Parallel Seq Scan", so a test shows that the plan is parallel without
-- depending on how a PostgreSQL version prints the rest of EXPLAIN.
-- Initplans (subqueries the leader computes once, their values passed to
-- the workers) are left out.
CREATE FUNCTION pg_temp.plan_node(n jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    label text := concat_ws(' ', n->>'Partial Mode',
                             CASE WHEN (n->>'Parallel Aware')::bool THEN 'Parallel' END,
                             n->>'Node Type');
    kids text[];
BEGIN
    SELECT array_agg(pg_temp.plan_node(k) ORDER BY o) INTO kids
    FROM jsonb_array_elements(n->'Plans') WITH ORDINALITY AS p(k, o)
    WHERE k->>'Parent Relationship' IS DISTINCT FROM 'InitPlan';
    IF kids IS NULL THEN
        RETURN label;
    ELSIF cardinality(kids) = 1 THEN
        RETURN label || ' > ' || kids[1];
    END IF;
    RETURN label || ' > (' || array_to_string(kids, '; ') || ')';
END $$;
CREATE FUNCTION pg_temp.plan_shape(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    plan jsonb;
BEGIN
    EXECUTE 'EXPLAIN (COSTS OFF, FORMAT JSON) ' || query INTO plan;
    RETURN pg_temp.plan_node(plan->0->'Plan');
END $$;
\set ECHO all
