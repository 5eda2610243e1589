-- Every aggregate of the extension: serial = forced parallel (partial
-- states serialized in workers, combined in the leader) = partitionwise
-- (partial states per partition, combined by the finalize step).
SET client_min_messages = warning;
SELECT count(*) > 0 AS loaded FROM abm_demo_load(0.01, 5, 'pq');
RESET client_min_messages;
SET TimeZone = 'UTC';

-- Hash-partitioned copies: grouping by g (not the partition key) makes
-- partitionwise aggregation compute partial states per partition.
CREATE TABLE pq_part_touches (LIKE pq.touches) PARTITION BY HASH (account_id);
CREATE TABLE pq_part_opportunities (LIKE pq.opportunities) PARTITION BY HASH (account_id);
CREATE TABLE pq_part_contracts (LIKE pq.contracts) PARTITION BY HASH (account_id);
CREATE TABLE pq_part_nps_responses (LIKE pq.nps_responses) PARTITION BY HASH (account_id);
CREATE TABLE pq_part_stages (LIKE pq.stages) PARTITION BY HASH (account_id);
CREATE TABLE pq_part_contacts (LIKE pq.contacts) PARTITION BY HASH (account_id);
SELECT format('CREATE TABLE %I PARTITION OF %I FOR VALUES WITH (MODULUS 3, REMAINDER %s)',
              t || '_' || r, t, r)
FROM unnest(ARRAY['pq_part_touches', 'pq_part_opportunities', 'pq_part_contracts',
                  'pq_part_nps_responses', 'pq_part_stages', 'pq_part_contacts']) t,
     generate_series(0, 2) r
\gexec
INSERT INTO pq_part_touches SELECT * FROM pq.touches;
INSERT INTO pq_part_opportunities SELECT * FROM pq.opportunities;
INSERT INTO pq_part_contracts SELECT * FROM pq.contracts;
INSERT INTO pq_part_nps_responses SELECT * FROM pq.nps_responses;
INSERT INTO pq_part_stages SELECT * FROM pq.stages;
INSERT INTO pq_part_contacts SELECT * FROM pq.contacts;
ANALYZE;

-- One case per aggregate signature: the relation, the call, and how two
-- results compare (exact text, unless a float sum whose order may differ).
CREATE TABLE pq_cases (id int PRIMARY KEY, agg text, rel text, call text, same text);
INSERT INTO pq_cases VALUES
  (1, 'abm_rate(boolean)', 'touches', 'abm_rate(contact_id IS NULL)', 'a = b'),
  (2, 'abm_win_rate(boolean)', 'opportunities', 'abm_win_rate(is_won)', 'a = b'),
  (3, 'abm_nps(integer)', 'nps_responses', 'abm_nps(score)', 'a = b'),
  (50, 'abm_view_through(timestamp with time zone,boolean,boolean,boolean,interval)', 'touches',
   'abm_view_through(occurred_at, activity = ''ad_impression'', activity = ''ad_click'', activity = ''form_fill'', ''7 days'')', 'a = b');

-- Every aggregate of the extension has a case.
SELECT p.oid::regprocedure AS aggregate_without_case
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass
     JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'abm'
WHERE p.prokind = 'a' AND d.deptype = 'e'
  AND p.oid::regprocedure::text NOT IN (SELECT agg FROM pq_cases)
ORDER BY 1;

-- serial
SET max_parallel_workers_per_gather = 0;
SELECT format('CREATE TABLE pq_serial_%s AS SELECT account_id %% 7 AS g, (%s)::text AS v FROM pq.%s GROUP BY 1',
              id, call, rel) FROM pq_cases ORDER BY id
\gexec

-- forced parallel, partial aggregation in the workers only
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT format('CREATE TABLE pq_parallel_%s AS SELECT account_id %% 7 AS g, (%s)::text AS v FROM pq.%s GROUP BY 1',
              id, call, rel) FROM pq_cases ORDER BY id
\gexec
EXPLAIN (COSTS OFF) SELECT account_id % 7, abm_nps(score) FROM pq.nps_responses GROUP BY 1;

-- partitionwise: partial states per partition, combined
RESET ALL;
SET TimeZone = 'UTC';
SET max_parallel_workers_per_gather = 0;
SET enable_partitionwise_aggregate = on;
SELECT format('CREATE TABLE pq_combined_%s AS SELECT account_id %% 7 AS g, (%s)::text AS v FROM pq_part_%s GROUP BY 1',
              id, call, rel) FROM pq_cases ORDER BY id
\gexec
EXPLAIN (COSTS OFF) SELECT account_id % 7, abm_nps(score) FROM pq_part_nps_responses GROUP BY 1;
RESET ALL;

-- For each case: groups where serial and parallel, or serial and combined, differ.
CREATE TABLE pq_differences (id int, agg text, way text, groups bigint, differing bigint);
SELECT format($q$
  INSERT INTO pq_differences
  SELECT %1$s, %2$L, w.way, count(*),
         count(*) FILTER (WHERE NOT coalesce((SELECT %5$s FROM (SELECT s.v::%4$s AS a, o.v::%4$s AS b) x), false)
                                AND (s.v IS DISTINCT FROM o.v))
  FROM pq_serial_%1$s s
       JOIN (SELECT 'parallel' AS way, * FROM pq_parallel_%1$s
             UNION ALL SELECT 'combined', * FROM pq_combined_%1$s) o USING (g)
       CROSS JOIN LATERAL (SELECT o.way) w
  GROUP BY w.way $q$,
  c.id, c.agg, c.rel, t.typname, c.same)
FROM pq_cases c,
     LATERAL (SELECT format_type(p.prorettype, NULL) AS typname
              FROM pg_proc p WHERE p.oid = c.agg::regprocedure) t
ORDER BY c.id
\gexec
SELECT agg, way, groups, differing FROM pq_differences ORDER BY id, way;
