-- abm_journey (type and aggregate), abm_rollup(abm_journey), abm_stage, abm_entered,
-- abm_journey_before
SET TimeZone = 'UTC';

CREATE TABLE jstages (account_id int, stage text, entered_at timestamptz);
INSERT INTO jstages VALUES
  (1, 'target', '2024-01-05 10:00'), (1, 'engaged', '2024-02-01'), (1, 'target', '2024-01-01'),
  (1, 'won', '2024-04-01 12:30:00.25'),
  (2, 'target', '2024-03-01'),
  (3, 'engaged', '2024-02-10'), (3, NULL, '2024-02-11'), (3, 'opportunity', NULL);

-- typical data: the first entry of each stage (account 1's target is the
-- earlier of its two rows, 2024-01-01); account 1 skipped opportunity
SELECT account_id, abm_journey(stage, entered_at) AS journey
FROM jstages GROUP BY account_id ORDER BY account_id;
-- by hand: 1 -> won, 2024-01-01, NULL; 2 -> target, 2024-03-01, NULL;
-- 3 -> engaged (NULL rows skipped), NULL, NULL
SELECT account_id, abm_stage(j) AS furthest, abm_entered(j, 'target') AS target_at,
       abm_entered(j, 'opportunity') AS opportunity_at,
       (abm_stage(j), abm_entered(j, 'target'), abm_entered(j, 'opportunity'))
         IS NOT DISTINCT FROM (e.furthest, e.target_at, e.opportunity_at) AS ok
FROM (SELECT account_id, abm_journey(stage, entered_at) AS j FROM jstages GROUP BY account_id) s
FULL JOIN (VALUES (1, 'won', '2024-01-01'::timestamptz, NULL::timestamptz), (2, 'target', '2024-03-01', NULL),
                  (3, 'engaged', NULL, NULL)) e(account_id, furthest, target_at, opportunity_at) USING (account_id)
ORDER BY account_id;

-- text I/O round-trips exactly, whatever the time zone and DateStyle
CREATE TABLE jstore AS
SELECT account_id, abm_journey(stage, entered_at) AS j FROM jstages GROUP BY account_id;
SET TimeZone = 'America/Los_Angeles';
SET DateStyle = 'SQL, DMY';
SELECT count(*) AS differing FROM jstore WHERE j::text::abm_journey::text <> j::text;
SELECT j FROM jstore WHERE account_id = 1;
RESET DateStyle;
SET TimeZone = 'UTC';
-- binary send/recv round-trip through COPY (FORMAT binary)
CREATE TABLE jbin AS
SELECT * FROM jstore
UNION ALL SELECT 4, '[lead, "closed won"] {"closed won": 2024-01-01 00:00:00.5+00}'::abm_journey;
\copy jbin TO 'results/journey.bin' (FORMAT binary)
CREATE TABLE jcopy (LIKE jbin);
\copy jcopy FROM 'results/journey.bin' (FORMAT binary)
SELECT count(*) AS rows, count(*) FILTER (WHERE s.j::text IS DISTINCT FROM c.j::text) AS differing
FROM jbin s FULL JOIN jcopy c USING (account_id);

-- literals: any order, spaces, quoted names, an empty journey
SELECT '{ won : 2024-04-01 00:00:00+00 ,target:2024-01-01 00:00:00+02}'::abm_journey AS j;
SELECT '{}'::abm_journey AS empty, abm_stage('{}') IS NULL AS no_stage;
SELECT '[lead, mql, "closed won", "say \"hi\""] {"closed won": 2024-05-01 00:00:00+00, lead: 2024-01-01 00:00:00+00}'::abm_journey AS custom;
SELECT abm_stage('[lead, mql, "closed won"] {"closed won": 2024-05-01 00:00:00+00, lead: 2024-01-01 00:00:00+00}') AS furthest_custom;
-- a custom list that spells the default list is the default list
SELECT '[target, engaged, opportunity, won, retained, expanded] {won: 2024-01-01 00:00:00+00}'::abm_journey AS canonical;

-- the aggregate with your own stages
SELECT abm_journey(stage, at, ARRAY['lead', 'mql', 'sql', 'closed won']) AS j
FROM (VALUES ('mql', '2024-02-01'::timestamptz), ('lead', '2024-01-01'), ('closed won', '2024-06-01')) v(stage, at);

-- empty input gives NULL
SELECT abm_journey(stage, entered_at) IS NULL AS empty_is_null FROM jstages WHERE false;

-- rolled-up journeys equal raw: journeys per (account, month) rolled up
-- per account equal the journeys built from all rows at once
CREATE TABLE jmany AS
SELECT i % 300 AS account_id,
       (ARRAY['target','engaged','opportunity','won','retained','expanded'])[1 + (i * 7) % 6] AS stage,
       '2024-01-01'::timestamptz + ((i * 7919) % 50000) * interval '10 minutes' AS entered_at
FROM generate_series(1, 30000) i;
SELECT count(*) AS accounts_differing
FROM (SELECT account_id, abm_journey(stage, entered_at) AS j FROM jmany GROUP BY account_id) raw
JOIN (SELECT account_id, abm_rollup(j) AS j
      FROM (SELECT account_id, date_trunc('month', entered_at) AS m, abm_journey(stage, entered_at) AS j
            FROM jmany GROUP BY 1, 2) monthly
      GROUP BY account_id) rolled USING (account_id)
WHERE raw.j::text <> rolled.j::text;
-- and against plain SQL: min(entered_at) per stage
SELECT count(*) AS stages_differing
FROM (SELECT account_id, abm_journey(stage, entered_at) AS j FROM jmany GROUP BY account_id) a
JOIN (SELECT account_id, stage, min(entered_at) AS first_at FROM jmany GROUP BY 1, 2) p USING (account_id)
WHERE abm_entered(a.j, p.stage) IS DISTINCT FROM p.first_at;

-- abm_journey_before: the journey as it stood before a time.  By hand, for
-- account 1 ({target: 2024-01-01, engaged: 2024-02-01, won: 2024-04-01
-- 12:30:00.25}): before 2024-02-01 only target (an entry at the time
-- itself is not before it); before 2024-04-01 12:30:00.25 target and
-- engaged; before 2024-04-01 12:30:00.26 all three; before 2024-01-01
-- nothing (NULL).
SELECT x.at, abm_journey_before(j, x.at) AS journey, abm_stage(abm_journey_before(j, x.at)) AS furthest
FROM (SELECT abm_journey(stage, entered_at) AS j FROM jstages WHERE account_id = 1) a,
     (VALUES (timestamptz '2024-02-01'), ('2024-04-01 12:30:00.25'), ('2024-04-01 12:30:00.26'),
             ('2024-01-01'), ('infinity'), ('-infinity')) x(at)
ORDER BY x.at;
-- a custom list is kept; NULL journey or time: NULL
SELECT abm_journey_before('[a, b, c] {a: 2024-01-01, c: 2024-03-01}', '2024-02-01') AS custom,
       abm_journey_before(NULL, '2024-02-01') AS null_journey,
       abm_journey_before('{target: 2024-01-01}', NULL) AS null_time,
       abm_journey_before('{}', 'infinity') AS empty_journey;
-- against the aggregate over the rows before each time: the same journey
-- (NULL where no row is before it), for 300 accounts and 12 cut times
SELECT count(*) AS cuts, count(*) FILTER (WHERE c.j IS DISTINCT FROM r.j) AS differing
FROM (SELECT a.account_id, x.at, abm_journey_before(a.j, x.at)::text AS j
      FROM (SELECT account_id, abm_journey(stage, entered_at) AS j FROM jmany GROUP BY account_id) a,
           (SELECT timestamptz '2024-01-01' + i * interval '30 days' AS at FROM generate_series(0, 11) i) x) c
LEFT JOIN (SELECT m.account_id, x.at, abm_journey(m.stage, m.entered_at)::text AS j
           FROM jmany m JOIN (SELECT timestamptz '2024-01-01' + i * interval '30 days' AS at
                              FROM generate_series(0, 11) i) x ON m.entered_at < x.at
           GROUP BY 1, 2) r USING (account_id, at);

-- bad input: clear errors, and the session goes on
SELECT abm_journey(stage, at) FROM (VALUES ('lost', now())) v(stage, at);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_entered('{}', 'churned');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_journey(stage, at, ARRAY['a', 'a']) FROM (VALUES ('a', now())) v(stage, at);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_journey(stage, at, array_fill('x'::text, ARRAY[17])) FROM (VALUES ('x', now())) v(stage, at);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_journey(stage, at) FROM (VALUES ('won', 'infinity'::timestamptz)) v(stage, at);
\echo :LAST_ERROR_SQLSTATE
SELECT '{won: infinity}'::abm_journey;
\echo :LAST_ERROR_SQLSTATE
SELECT abm_rollup(j) FROM (VALUES ('{}'::abm_journey), ('[a, b] {}'::abm_journey)) v(j);
\echo :LAST_ERROR_SQLSTATE
SELECT '{won: 2024-01-01, won: 2024-01-02}'::abm_journey;
\echo :LAST_ERROR_SQLSTATE
SELECT '{churned: 2024-01-01}'::abm_journey;
\echo :LAST_ERROR_SQLSTATE
SELECT '{won: 2024-01-01'::abm_journey;
\echo :LAST_ERROR_SQLSTATE
SELECT '[a, "b] {}'::abm_journey;
\echo :LAST_ERROR_SQLSTATE
SELECT '{won: 2024-01-01} x'::abm_journey;
\echo :LAST_ERROR_SQLSTATE
SELECT abm_journey_before('{won: 2024-01-01', '2024-02-01');
\echo :LAST_ERROR_SQLSTATE
SELECT 'session still alive' AS status;
