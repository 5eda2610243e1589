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
CREATE TABLE pq.engagement_daily AS
SELECT account_id, date_trunc('day', occurred_at, 'UTC') AS day,
       abm_engagement_agg(activity, occurred_at, contact_id, '30 days') AS e
FROM pq.touches GROUP BY 1, 2;
CREATE TABLE pq_part_engagement_daily (LIKE pq.engagement_daily) PARTITION BY HASH (account_id);
-- journeys (channels in time order, won or not) and their per-account
-- attribution states
CREATE TABLE pq.journeys AS
SELECT account_id, array_agg(channel ORDER BY occurred_at, activity, contact_id) AS path,
       EXISTS (SELECT FROM pq.opportunities o WHERE o.account_id = t.account_id AND o.is_won) AS converted
FROM pq.touches t GROUP BY 1;
CREATE TABLE pq.journey_states AS
SELECT account_id, abm_markov_attribution(path, converted) AS m, abm_shapley_attribution(path, converted) AS s
FROM pq.journeys GROUP BY 1;
CREATE TABLE pq_part_journeys (LIKE pq.journeys) PARTITION BY HASH (account_id);
CREATE TABLE pq_part_journey_states (LIKE pq.journey_states) PARTITION BY HASH (account_id);
SELECT format('CREATE TABLE %I PARTITION OF %I FOR VALUES WITH (MODULUS 3, REMAINDER %s)',
              t || '_' || r, t, r)
FROM unnest(ARRAY['pq_part_touches', 'pq_part_opportunities', 'pq_part_contracts',
                  'pq_part_nps_responses', 'pq_part_stages', 'pq_part_contacts',
                  'pq_part_engagement_daily', 'pq_part_journeys', 'pq_part_journey_states']) t,
     generate_series(0, 2) r
\gexec
INSERT INTO pq_part_touches SELECT * FROM pq.touches;
INSERT INTO pq_part_opportunities SELECT * FROM pq.opportunities;
INSERT INTO pq_part_contracts SELECT * FROM pq.contracts;
INSERT INTO pq_part_nps_responses SELECT * FROM pq.nps_responses;
INSERT INTO pq_part_stages SELECT * FROM pq.stages;
INSERT INTO pq_part_contacts SELECT * FROM pq.contacts;
INSERT INTO pq_part_engagement_daily SELECT * FROM pq.engagement_daily;
INSERT INTO pq_part_journeys SELECT * FROM pq.journeys;
INSERT INTO pq_part_journey_states SELECT * FROM pq.journey_states;
ANALYZE;

\i sql/include/report_account_near.sql

-- One case per aggregate signature: the relation, the call, and how two
-- results compare (exact text, unless a float sum whose order may differ).
CREATE TABLE pq_cases (id int PRIMARY KEY, agg text, rel text, call text, same text);
INSERT INTO pq_cases VALUES
  (1, 'abm_rate(boolean)', 'touches', 'abm_rate(contact_id IS NULL)', 'a = b'),
  (2, 'abm_win_rate(boolean)', 'opportunities', 'abm_win_rate(is_won)', 'a = b'),
  (3, 'abm_nps(integer)', 'nps_responses', 'abm_nps(score)', 'a = b'),
  (4, 'abm_coverage(bigint,text,boolean)', 'contacts',
      'abm_coverage(contact_id, role, contact_id % 3 = 0)', 'a = b'),
  (5, 'abm_coverage(bigint,text,boolean,text[])', 'contacts',
      $$abm_coverage(contact_id, role, contact_id % 3 = 0, '{champion,user}')$$, 'a = b'),
  (6, 'abm_coverage(bigint,text,boolean,text[],double precision)', 'contacts',
      $$abm_coverage(contact_id, role, contact_id % 3 = 0, '{champion,economic_buyer}', 10)$$, 'a = b'),
  (7, 'abm_engagement_score(double precision,timestamp with time zone,timestamp with time zone,interval)',
      'touches', $$abm_engagement_score(contact_id % 5 + 0.5, occurred_at, '2026-01-01', '30 days')$$,
      'abs(a - b) <= 1e-12 * abs(b)'),
  (8, 'abm_engagement_score(text,timestamp with time zone,timestamp with time zone,interval)',
      'touches', $$abm_engagement_score(activity, occurred_at, '2026-01-01', '30 days')$$,
      'abs(a - b) <= 1e-12 * abs(b)'),
  (9, 'abm_engagement_agg(text,timestamp with time zone,bigint,interval)',
      'touches', $$abm_engagement_agg(activity, occurred_at, contact_id, '30 days')$$,
      $$a::jsonb - 'score_at_last_touch' = b::jsonb - 'score_at_last_touch'
        AND abs(abm_score(a, '2026-01-01') - abm_score(b, '2026-01-01')) <= 1e-12 * abm_score(b, '2026-01-01')$$),
  (10, 'abm_engagement_agg(text,double precision,timestamp with time zone,bigint,interval)',
      'touches', $$abm_engagement_agg(activity, contact_id % 5 + 0.5, occurred_at, contact_id, '30 days')$$,
      $$a::jsonb - 'score_at_last_touch' = b::jsonb - 'score_at_last_touch'
        AND abs(abm_score(a, '2026-01-01') - abm_score(b, '2026-01-01')) <= 1e-12 * abm_score(b, '2026-01-01')$$),
  (11, 'abm_rollup(abm_engagement)', 'engagement_daily', 'abm_rollup(e)',
      $$a::jsonb - 'score_at_last_touch' = b::jsonb - 'score_at_last_touch'
        AND abs(abm_score(a, '2026-01-01') - abm_score(b, '2026-01-01')) <= 1e-12 * abm_score(b, '2026-01-01')$$),
  (12, 'abm_surge(timestamp with time zone,timestamp with time zone,interval,interval)',
      'touches', $$abm_surge(occurred_at, '2026-01-01', '7 days', '28 days')$$, 'a = b'),
  (60, 'abm_journey(text,timestamp with time zone)', 'stages', 'abm_journey(stage, entered_at)', 'a::text = b::text'),
  (61, 'abm_journey(text,timestamp with time zone,text[])', 'stages',
   'abm_journey(stage, entered_at, ARRAY[''target'', ''engaged'', ''opportunity'', ''won'', ''retained'', ''expanded'', ''churned''])', 'a::text = b::text'),
  (62, 'abm_rollup(abm_journey)', 'stages', 'abm_rollup(format(''{%s: %s}'', stage, entered_at)::abm_journey)', 'a::text = b::text'),
  (63, 'abm_funnel(abm_journey)', 'stages', 'abm_funnel(format(''{%s: %s}'', stage, entered_at)::abm_journey)', '(SELECT array_agg(x ORDER BY x.step)::text FROM abm_funnel_steps(a) x) = (SELECT array_agg(x ORDER BY x.step)::text FROM abm_funnel_steps(b) x)'),
  (64, 'abm_rollup(abm_funnel)', 'stages', 'abm_rollup(format(''{target: 1, engaged: %s}'', account_id % 2)::abm_funnel)', '(SELECT array_agg(x ORDER BY x.step)::text FROM abm_funnel_steps(a) x) = (SELECT array_agg(x ORDER BY x.step)::text FROM abm_funnel_steps(b) x)'),
  (65, 'abm_window_funnel(interval,timestamp with time zone,boolean[])', 'touches',
   'abm_window_funnel(''7 days'', occurred_at, activity = ''web_visit'', activity = ''content_download'', activity = ''meeting_booked'')', 'a = b'),
  (66, 'abm_window_funnel(interval,text,timestamp with time zone,boolean[])', 'touches',
   'abm_window_funnel(''7 days'', ''strict_order, strict_once'', occurred_at, activity = ''web_visit'', activity = ''email_open'', activity = ''web_visit'')', 'a = b'),
  (67, 'abm_window_funnel_times(interval,timestamp with time zone,boolean[])', 'touches',
   'abm_window_funnel_times(''7 days'', occurred_at, activity = ''web_visit'', activity = ''content_download'', activity = ''meeting_booked'')', 'a = b'),
  (68, 'abm_window_funnel_times(interval,text,timestamp with time zone,boolean[])', 'touches',
   'abm_window_funnel_times(''1 day'', ''strict_increase, strict_once'', occurred_at, activity = ''email_open'', activity = ''email_click'', activity = ''web_visit'')', 'a = b'),
  (69, 'abm_retention(boolean[])', 'touches', 'abm_retention(activity = ''web_visit'', activity = ''form_fill'', activity = ''meeting_booked'')', 'a = b'),
  (70, 'abm_sequence_match(text,timestamp with time zone,boolean[])', 'touches',
   'abm_sequence_match(''(?1)(?t<=86400)(?2)'', occurred_at, activity = ''content_download'', activity = ''meeting_booked'')', 'a = b'),
  (71, 'abm_sequence_count(text,timestamp with time zone,boolean[])', 'touches',
   'abm_sequence_count(''(?1)(?t<=86400)(?2)'', occurred_at, activity = ''email_open'', activity = ''email_click'')', 'a = b'),
  (72, 'abm_sequence_match_events(text,timestamp with time zone,boolean[])', 'touches',
   'abm_sequence_match_events(''(?1)(?2)'', occurred_at, activity = ''web_visit'', activity = ''content_download'')', 'a = b'),
  (73, 'abm_sequence_next_node(text,text,timestamp with time zone,text,boolean,boolean[])', 'touches',
   'abm_sequence_next_node(''forward'', ''first_match'', occurred_at, activity, true, activity = ''content_download'')', 'a = b'),
  (74, 'abm_path(integer,timestamp with time zone,text,boolean)', 'touches',
   'abm_path(3, occurred_at, activity, activity = ''meeting_booked'')', 'a::text = b::text'),
  (75, 'abm_path(integer,timestamp with time zone,text,boolean,boolean)', 'touches',
   'abm_path(3, occurred_at, activity, activity = ''meeting_booked'', activity = ''webinar_attended'')', 'a::text = b::text'),
  (20, 'abm_pipeline(numeric,timestamp with time zone,timestamp with time zone,boolean)', 'opportunities',
   'abm_pipeline(amount, created_at, closed_at, is_won)', 'a = b'),
  (21, 'abm_pipeline_velocity(numeric,timestamp with time zone,timestamp with time zone,boolean)', 'opportunities',
   'abm_pipeline_velocity(amount, created_at, closed_at, is_won)', 'a = b'),
  (22, 'abm_deal_cycle(timestamp with time zone,timestamp with time zone)', 'opportunities',
   'abm_deal_cycle(created_at, closed_at)', 'a = b'),
  (23, 'abm_deal_cycle_length(timestamp with time zone,timestamp with time zone)', 'opportunities',
   'abm_deal_cycle_length(created_at, closed_at)', 'a = b'),
  (24, 'abm_acv(numeric,date,date)', 'contracts', 'abm_acv(amount, starts_on, ends_on)', 'a = b'),
  (25, 'abm_influenced(timestamp with time zone,timestamp with time zone,interval)', 'touches',
   'abm_influenced(occurred_at, timestamptz ''2025-07-01'', interval ''30 days'')', 'a = b'),
  (50, 'abm_view_through(timestamp with time zone,boolean,boolean,boolean,interval)', 'touches',
   'abm_view_through(occurred_at, activity = ''ad_impression'', activity = ''ad_click'', activity = ''form_fill'', ''7 days'')', 'a = b'),
  (51, 'abm_markov_attribution(text[],boolean)', 'journeys', 'abm_markov_attribution(path, converted)', 'a::text = b::text'),
  (52, 'abm_markov_attribution(text[],boolean,integer)', 'journeys', 'abm_markov_attribution(path, converted, 2)', 'a::text = b::text'),
  (53, 'abm_rollup(abm_markov)', 'journey_states', 'abm_rollup(m)', 'a::text = b::text'),
  (54, 'abm_shapley_attribution(text[],boolean)', 'journeys', 'abm_shapley_attribution(path, converted)', 'a::text = b::text'),
  (55, 'abm_rollup(abm_shapley)', 'journey_states', 'abm_rollup(s)', 'a::text = b::text'),
  (56, 'abm_lift(boolean,boolean)', 'opportunities', 'abm_lift(amount > 50000, is_won)', 'a = b'),
  (57, 'abm_lift(boolean,boolean,double precision)', 'opportunities',
   'abm_lift(created_at < ''2025-07-01'', is_won, 0.9)', 'a = b'),
  (76, 'abm_report_touches(bigint,timestamp with time zone,text,bigint,numeric,bigint[],bigint[],timestamp with time zone[],bigint[],timestamp with time zone[],timestamp with time zone[],numeric[],timestamp with time zone[],timestamp with time zone[],timestamp with time zone[],interval,text[],interval,interval,interval)',
   'touches', $$abm_report_touches(account_id % 7, occurred_at, activity, contact_id, cost, '{0,1,1,2,3,4,5,6}', '{1,4}',
                                   '{2025-04-01,NULL,NULL,2025-10-01}', '{1,1,4,6}',
                                   '{2025-03-01,2025-09-01,2025-02-01,2025-05-01}', '{2024-12-01,2025-06-03,2024-11-03,2025-02-01}',
                                   '{100.5,200,NULL,7}', '{2025-01-01,2025-07-01,2026-01-01}',
                                   '{2024-12-25,2025-06-24}', '{2025-05-27,2025-11-26}', '30 days', NULL, '7 days',
                                   '7 days', '28 days')$$,
   'pg_temp.accounts_near(a, b)');

-- More argument forms, from the capability tests (a Markov chain of order
-- 3, sequence patterns with gaps and time conditions, every direction and
-- base of abm_sequence_next_node, the funnel modes, a longer path) and a
-- scalar function evaluated in the workers (ICP fits of weights 1 and 2
-- are multiples of 1/3, so the sums of fit * 3 compare exactly).
CREATE TABLE pq_part_accounts (LIKE pq.accounts) PARTITION BY HASH (account_id);
SELECT format('CREATE TABLE pq_part_accounts_%s PARTITION OF pq_part_accounts FOR VALUES WITH (MODULUS 3, REMAINDER %s)', r, r)
FROM generate_series(0, 2) r
\gexec
INSERT INTO pq_part_accounts SELECT * FROM pq.accounts;
-- Statistics on the grouping expression: without them the planner guesses
-- 200 groups and, for the smaller tables, gathers the raw rows and
-- aggregates them in the leader (no partial state at all); with them it
-- knows there are 7 groups and aggregates in parts.
SELECT format('CREATE STATISTICS %I ON (account_id %% 7) FROM %s', c.relname || '_g', c.oid::regclass),
       format('ANALYZE %s', c.oid::regclass)
FROM pg_class c
WHERE c.relkind IN ('r', 'p')
  AND (c.relnamespace = 'pq'::regnamespace OR c.relname LIKE 'pq\_part\_%')
ORDER BY c.relname
\gexec
INSERT INTO pq_cases VALUES
  (80, 'abm_markov_attribution(text[],boolean,integer)', 'journeys', 'abm_markov_attribution(path, converted, 3)', 'a::text = b::text'),
  (81, 'abm_sequence_match(text,timestamp with time zone,boolean[])', 'touches',
   'abm_sequence_match(''(?1).*(?t<=86400)(?2)'', occurred_at, activity = ''web_visit'', activity = ''meeting_booked'', activity = ''email_open'')', 'a = b'),
  (82, 'abm_sequence_count(text,timestamp with time zone,boolean[])', 'touches',
   'abm_sequence_count(''(?1).*(?2)'', occurred_at, activity = ''web_visit'', activity = ''meeting_booked'', activity = ''email_open'')', 'a = b'),
  (83, 'abm_sequence_match_events(text,timestamp with time zone,boolean[])', 'touches',
   'abm_sequence_match_events(''(?3)(?t>3600)(?1).*(?2)'', occurred_at, activity = ''web_visit'', activity = ''meeting_booked'', activity = ''email_open'')', 'a = b'),
  (84, 'abm_sequence_next_node(text,text,timestamp with time zone,text,boolean,boolean[])', 'touches',
   'abm_sequence_next_node(''forward'', ''head'', occurred_at, activity, activity = ''web_visit'', activity = ''web_visit'', activity = ''content_download'')', 'a = b'),
  (85, 'abm_sequence_next_node(text,text,timestamp with time zone,text,boolean,boolean[])', 'touches',
   'abm_sequence_next_node(''backward'', ''tail'', occurred_at, activity, activity = ''meeting_booked'', activity = ''meeting_booked'', activity = ''content_download'')', 'a = b'),
  (86, 'abm_sequence_next_node(text,text,timestamp with time zone,text,boolean,boolean[])', 'touches',
   'abm_sequence_next_node(''backward'', ''first_match'', occurred_at, activity, true, activity = ''content_download'')', 'a = b'),
  (87, 'abm_sequence_next_node(text,text,timestamp with time zone,text,boolean,boolean[])', 'touches',
   'abm_sequence_next_node(''forward'', ''last_match'', occurred_at, activity, true, activity = ''web_visit'', activity = ''content_download'')', 'a = b'),
  (88, 'abm_sequence_next_node(text,text,timestamp with time zone,text,boolean,boolean[])', 'touches',
   'abm_sequence_next_node(''backward'', ''last_match'', occurred_at, activity, true, activity = ''content_download'')', 'a = b'),
  (89, 'abm_window_funnel(interval,text,timestamp with time zone,boolean[])', 'touches',
   'abm_window_funnel(''7 days'', ''strict_order'', occurred_at, activity = ''web_visit'', activity = ''content_download'', activity = ''meeting_booked'')', 'a = b'),
  (90, 'abm_window_funnel(interval,text,timestamp with time zone,boolean[])', 'touches',
   'abm_window_funnel(''7 days'', ''strict_once, strict_increase'', occurred_at, activity = ''web_visit'', activity = ''content_download'', activity = ''meeting_booked'')', 'a = b'),
  (91, 'abm_path(integer,timestamp with time zone,text,boolean,boolean)', 'touches',
   'abm_path(4, occurred_at, activity, activity = ''meeting_booked'', activity = ''web_visit'')', 'a::text = b::text'),
  (92, 'abm_icp_fit(jsonb,jsonb)', 'accounts',
   'sum(round(abm_icp_fit(attributes, ''{"criteria": [{"attribute": "region", "eq": "emea"}, {"attribute": "employees", "gte": 500, "weight": 2}]}'') * 3))', 'a = b'),
  (93, 'abm_window_funnel(interval,timestamp with time zone,text,text[])', 'touches',
   'abm_window_funnel(''7 days'', occurred_at, activity, ''web_visit'', ''content_download'', ''meeting_booked'')', 'a = b'),
  (94, 'abm_window_funnel(interval,text,timestamp with time zone,text,text[])', 'touches',
   'abm_window_funnel(''7 days'', ''strict_order, strict_once'', occurred_at, activity, ''web_visit'', ''email_open'', ''web_visit'')', 'a = b'),
  (95, 'abm_window_funnel_times(interval,timestamp with time zone,text,text[])', 'touches',
   'abm_window_funnel_times(''7 days'', occurred_at, activity, ''web_visit'', ''content_download'', ''meeting_booked'')', 'a = b'),
  (96, 'abm_window_funnel_times(interval,text,timestamp with time zone,text,text[])', 'touches',
   'abm_window_funnel_times(''1 day'', ''strict_increase, strict_once'', occurred_at, activity, ''email_open'', ''email_click'', ''web_visit'')', 'a = b'),
  -- the arrays of case 76 as the report passes them: values of subqueries,
  -- computed once in the leader and passed to the workers
  (97, 'abm_report_touches(bigint,timestamp with time zone,text,bigint,numeric,bigint[],bigint[],timestamp with time zone[],bigint[],timestamp with time zone[],timestamp with time zone[],numeric[],timestamp with time zone[],timestamp with time zone[],timestamp with time zone[],interval,text[],interval,interval,interval)',
   'touches', $$abm_report_touches(account_id % 7, occurred_at, activity, contact_id, cost, (SELECT '{0,1,1,2,3,4,5,6}'::bigint[]),
                                   (SELECT '{1,4}'::bigint[]), (SELECT '{2025-04-01,NULL,NULL,2025-10-01}'::timestamptz[]),
                                   (SELECT '{1,1,4,6}'::bigint[]), (SELECT '{2025-03-01,2025-09-01,2025-02-01,2025-05-01}'::timestamptz[]),
                                   (SELECT '{2024-12-01,2025-06-03,2024-11-03,2025-02-01}'::timestamptz[]),
                                   (SELECT '{100.5,200,NULL,7}'::numeric[]), '{2025-01-01,2025-07-01,2026-01-01}',
                                   '{2024-12-25,2025-06-24}', '{2025-05-27,2025-11-26}', '30 days', NULL, '7 days',
                                   '7 days', '28 days')$$,
   'pg_temp.accounts_near(a, b)'),
  -- the report's per-step sums (no combine function: the leader adds the
  -- rows the workers read); scores and coverages are multiples of 1/4, so
  -- their float sums do not depend on the order of the rows
  (98, 'abm_report_sums(abm_report_accounts,integer,integer,bigint[],text[],double precision,double precision,integer,text[],double precision)',
   'touches', $$abm_report_sums(ARRAY[jsonb_populate_record(NULL::abm_report_account,
                  jsonb_build_object('step', 1 + extract(month FROM occurred_at)::int % 3, 'score_end', (contact_id % 8) * 0.5,
                                     'engaged', activity = 'web_visit', 'ad_impressions', 1, 'cost', cost, 'surge', contact_id % 5,
                                     'engaged_contact_ids', CASE WHEN contact_id IS NOT NULL THEN ARRAY[contact_id % 4] END))]::abm_report_accounts,
                  1 + (account_id % 2)::int, 1, '{1,2,3}', '{champion,user,champion}', 1.0, 2.0, 1, '{champion,economic_buyer}', 4)$$,
   'a = b'),
  -- the report's contract KPIs (no combine function either: an account's
  -- contracts are compared with each other, in the leader)
  (99, 'abm_report_contracts(bigint,date,date,numeric,date[],interval)',
   'contracts', $$abm_report_contracts(account_id, starts_on, ends_on, amount,
                                       '{2024-01-01,2024-07-01,2025-01-01,2025-04-01,2025-07-01,2026-01-01}', '30 days')$$,
   'a = b');

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
\i sql/include/plan.sql
SELECT pg_temp.plan_shape($q$SELECT account_id % 7, abm_nps(score) FROM pq.nps_responses GROUP BY 1$q$) AS plan;

-- partitionwise: partial states per partition, combined
RESET ALL;
SET TimeZone = 'UTC';
SET max_parallel_workers_per_gather = 0;
SET enable_partitionwise_aggregate = on;
SELECT format('CREATE TABLE pq_combined_%s AS SELECT account_id %% 7 AS g, (%s)::text AS v FROM pq_part_%s GROUP BY 1',
              id, call, rel) FROM pq_cases ORDER BY id
\gexec
SELECT pg_temp.plan_shape($q$SELECT account_id % 7, abm_nps(score) FROM pq_part_nps_responses GROUP BY 1$q$) AS plan;
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

-- Each case really ran in parts: with the forced-parallel settings its plan
-- gathers partial aggregates from parallel workers, and with partitionwise
-- aggregation it computes a partial aggregate per partition (cases listed
-- when their plan is not of that shape).  The exceptions are cases 98 and
-- 99, abm_report_sums and abm_report_contracts: they have no combine
-- function (abm_report runs them in the leader), so their plans are not
-- partial; they still give the serial answer under both settings (above).
CREATE FUNCTION pg_temp.cases_of_other_shape(prefix text, shape text) RETURNS text LANGUAGE sql AS $$
SELECT string_agg(id::text, ', ' ORDER BY id) FROM pq_cases
WHERE pg_temp.plan_shape(format('SELECT account_id %% 7, (%s)::text FROM %s%s GROUP BY 1', call, prefix, rel)) !~ shape $$;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT (SELECT count(*) FROM pq_cases) AS cases,
       pg_temp.cases_of_other_shape('pq.', '^Finalize \w+ > Gather.* > Partial \w+ > Parallel Seq Scan$') AS not_parallel;
RESET ALL;
SET max_parallel_workers_per_gather = 0;
SET enable_partitionwise_aggregate = on;
SELECT (SELECT count(*) FROM pq_cases) AS cases,
       pg_temp.cases_of_other_shape('pq_part_', '^Finalize \w+ > .*Append > \(Partial \w+ > Seq Scan; Partial \w+ > Seq Scan; Partial \w+ > Seq Scan\)$')
         AS not_partitionwise;
RESET ALL;
