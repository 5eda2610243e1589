-- abm_coverage: buying-committee coverage and penetration

-- typical data, by hand.  Contacts: 1 champion (engaged on one of its two
-- rows), 2 economic_buyer (never engaged), 3 user (engaged, but not a
-- required role), 4 technical_buyer (engaged, seen three times), and an
-- anonymous row.  contacts = 4, engaged = {1, 3, 4} = 3,
-- covered = {champion, technical_buyer}, coverage = 2 / 4 = 0.5,
-- penetration = 3 / 6.8 = 0.441176...
SELECT (c).contacts, (c).engaged_contacts, (c).roles_covered, (c).roles_missing,
       (c).coverage, (c).penetration = 3 / 6.8 AS penetration_is_3_over_6_8,
       ((c).contacts, (c).engaged_contacts, (c).roles_covered, (c).coverage)
         = (4, 3, '{champion,technical_buyer}'::text[], 0.5::float8) AS others_ok
FROM (SELECT abm_coverage(contact_id, role, engaged) AS c
      FROM (VALUES (1, 'champion', false), (2, 'economic_buyer', false),
                   (1, 'champion', true), (3, 'user', true),
                   (4, 'technical_buyer', true), (4, 'technical_buyer', false),
                   (NULL, 'influencer', true), (4, 'technical_buyer', true))
           v(contact_id, role, engaged)) s;

-- the same rows with other required roles and committee size:
-- covered = {user}, missing = {economic_buyer}, coverage = 1 / 2,
-- penetration = 3 / 4
SELECT abm_coverage(contact_id, role, engaged, ARRAY['user', 'economic_buyer'], 4),
       abm_coverage(contact_id, role, engaged, ARRAY['user', 'economic_buyer'], 4)
         = ROW(4, 3, '{user}', '{economic_buyer}', 0.5, 0.75)::abm_coverage_result AS ok
FROM (VALUES (1, 'champion', false), (2, 'economic_buyer', false),
             (1, 'champion', true), (3, 'user', true),
             (4, 'technical_buyer', true), (4, 'technical_buyer', false),
             (NULL, 'influencer', true), (4, 'technical_buyer', true))
     v(contact_id, role, engaged);

-- a contact holding several roles covers each role it was engaged in:
-- contact 7 is engaged as influencer only, so influencer is covered and
-- champion is not
SELECT (c).contacts, (c).engaged_contacts, (c).roles_covered,
       ((c).contacts, (c).engaged_contacts, (c).roles_covered) = (1, 1, '{influencer}'::text[]) AS ok
FROM (SELECT abm_coverage(contact_id, role, engaged) AS c
      FROM (VALUES (7, 'champion', false), (7, 'influencer', true)) v(contact_id, role, engaged)) s;

-- roles outside the required list never count, matching is exact
-- ('Champion' is not 'champion'): coverage 0, every role missing
SELECT abm_coverage(contact_id, role, true), (abm_coverage(contact_id, role, true)).coverage = 0 AS coverage_ok
FROM (VALUES (1, 'user'), (2, 'other'), (3, 'Champion'), (4, NULL)) v(contact_id, role);

-- an empty required list: coverage is NULL (no denominator), penetration 2 / 6.8
SELECT (c).roles_covered, (c).roles_missing, (c).coverage IS NULL AS coverage_is_null,
       (c).penetration = 2 / 6.8 AS penetration_ok
FROM (SELECT abm_coverage(contact_id, 'champion', true, '{}'::text[]) AS c
      FROM generate_series(1, 2) contact_id) s;

-- empty input is NULL; a group of anonymous rows only has no contacts
SELECT abm_coverage(1, 'champion', true) IS NULL AS empty_is_null FROM generate_series(1, 3) WHERE false;
SELECT abm_coverage(NULL, 'champion', true) FROM generate_series(1, 3);
-- NULL engaged counts as not engaged, NULL role covers nothing
SELECT abm_coverage(contact_id, role, engaged)
FROM (VALUES (1, 'champion', NULL::bool), (2, NULL, true)) v(contact_id, role, engaged);

-- a contact seen many times counts once: 100 000 rows over 1 000 contacts,
-- interleaved, and 200 000 rows over 50 000 scattered ids (merges of the
-- contact set); engaged contacts are those with an engaged row
SELECT (c).contacts, (c).engaged_contacts, (c).roles_covered
FROM (SELECT abm_coverage(i % 1000, 'champion', i % 3000 = 7) AS c
      FROM generate_series(1, 100000) i) s;
SELECT (c).contacts = expected_contacts AS contacts_ok,
       (c).engaged_contacts = expected_engaged AS engaged_ok
FROM (SELECT abm_coverage(id, 'user', id % 10 = 0) AS c,
             count(DISTINCT id) AS expected_contacts,
             count(DISTINCT id) FILTER (WHERE id % 10 = 0) AS expected_engaged
      FROM (SELECT (i * 7919) % 50021 * 1000003::bigint - 25000000000 AS id
            FROM generate_series(1, 200000) i) ids) s;

-- generated committees against plain SQL: count(DISTINCT ...) and a
-- bool_or per required role.  Roles mostly follow the contact, some rows
-- carry another role, a NULL role or the wrong case; some rows are
-- anonymous; engaged is sometimes NULL.  Account 0 is large.
CREATE TABLE cov_touch AS
SELECT a AS account_id,
       CASE WHEN k % 17 = 0 THEN NULL ELSE a * 10000 + (k * 7919) % (3 + a % 11 + CASE WHEN a = 0 THEN 3000 ELSE 0 END) END AS contact_id,
       k,
       (k * 31 + a) % 5 = 0 AS e0
FROM generate_series(0, 299) a,
     generate_series(1, CASE WHEN a = 0 THEN 20000 ELSE a % 40 + 1 END) k;
ALTER TABLE cov_touch
    ADD COLUMN role text, ADD COLUMN engaged bool;
UPDATE cov_touch SET
    role = CASE WHEN k % 29 = 0 THEN 'influencer'
                WHEN k % 31 = 0 THEN NULL
                ELSE (ARRAY['champion', 'economic_buyer', 'technical_buyer', 'influencer',
                            'user', 'other', 'Champion'])[1 + contact_id % 7] END,
    engaged = CASE WHEN k % 23 = 0 THEN NULL ELSE e0 END;
ANALYZE cov_touch;

CREATE TABLE cov_expected AS
SELECT account_id,
       count(DISTINCT contact_id)::int AS contacts,
       (count(DISTINCT contact_id) FILTER (WHERE engaged))::int AS engaged_contacts,
       coalesce(bool_or(engaged AND role = 'champion') FILTER (WHERE contact_id IS NOT NULL), false) AS champion,
       coalesce(bool_or(engaged AND role = 'economic_buyer') FILTER (WHERE contact_id IS NOT NULL), false) AS economic_buyer,
       coalesce(bool_or(engaged AND role = 'technical_buyer') FILTER (WHERE contact_id IS NOT NULL), false) AS technical_buyer,
       coalesce(bool_or(engaged AND role = 'influencer') FILTER (WHERE contact_id IS NOT NULL), false) AS influencer,
       coalesce(bool_or(engaged AND role = 'Champion') FILTER (WHERE contact_id IS NOT NULL), false) AS champion_upper,
       coalesce(bool_or(engaged AND role = 'user') FILTER (WHERE contact_id IS NOT NULL), false) AS "user"
FROM cov_touch GROUP BY account_id;

-- the expected table is not trivial: sizes, coverage levels
SELECT count(*) AS accounts, sum(contacts) AS contacts, max(contacts) AS largest,
       count(*) FILTER (WHERE champion AND economic_buyer AND technical_buyer AND influencer) AS fully_covered,
       count(*) FILTER (WHERE NOT (champion OR economic_buyer OR technical_buyer OR influencer)) AS uncovered
FROM cov_expected;

CREATE TABLE cov_serial AS
SELECT account_id,
       abm_coverage(contact_id, role, engaged) AS d,
       abm_coverage(contact_id, role, engaged, ARRAY['Champion', 'user'], 5) AS u
FROM cov_touch GROUP BY account_id;

SELECT count(*) AS accounts_differing
FROM cov_serial s JOIN cov_expected x USING (account_id)
WHERE (s.d).contacts IS DISTINCT FROM x.contacts
   OR (s.d).engaged_contacts IS DISTINCT FROM x.engaged_contacts
   OR (s.d).roles_covered IS DISTINCT FROM
      array_remove(ARRAY[CASE WHEN x.champion THEN 'champion' END,
                         CASE WHEN x.economic_buyer THEN 'economic_buyer' END,
                         CASE WHEN x.technical_buyer THEN 'technical_buyer' END,
                         CASE WHEN x.influencer THEN 'influencer' END], NULL)
   OR (s.d).roles_missing IS DISTINCT FROM
      array_remove(ARRAY[CASE WHEN NOT x.champion THEN 'champion' END,
                         CASE WHEN NOT x.economic_buyer THEN 'economic_buyer' END,
                         CASE WHEN NOT x.technical_buyer THEN 'technical_buyer' END,
                         CASE WHEN NOT x.influencer THEN 'influencer' END], NULL)
   OR (s.d).coverage IS DISTINCT FROM
      (x.champion::int + x.economic_buyer::int + x.technical_buyer::int + x.influencer::int)::float8 / 4
   OR (s.d).penetration IS DISTINCT FROM x.engaged_contacts / 6.8::float8
   OR (s.u).contacts IS DISTINCT FROM x.contacts
   OR (s.u).roles_covered IS DISTINCT FROM
      array_remove(ARRAY[CASE WHEN x.champion_upper THEN 'Champion' END,
                         CASE WHEN x."user" THEN 'user' END], NULL)
   OR (s.u).coverage IS DISTINCT FROM (x.champion_upper::int + x."user"::int)::float8 / 2
   OR (s.u).penetration IS DISTINCT FROM x.engaged_contacts / 5::float8;

-- required roles may differ between groups (one list per account)
SELECT count(*) AS accounts_differing
FROM (SELECT account_id,
             abm_coverage(contact_id, role, engaged,
                          CASE WHEN account_id % 2 = 0 THEN ARRAY['champion'] ELSE ARRAY['user'] END) AS c
      FROM cov_touch GROUP BY account_id) s
JOIN cov_expected x USING (account_id)
WHERE (s.c).coverage IS DISTINCT FROM
      CASE WHEN account_id % 2 = 0 THEN x.champion ELSE x."user" END::int::float8;

-- hash aggregation spilling to disk (tiny work_mem) gives the same groups,
-- also when each group has its own required roles
SET work_mem = '64kB';
SET enable_sort = off;
SET max_parallel_workers_per_gather = 0;
CREATE FUNCTION pg_temp.hash_batches(query text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON) ' || query INTO plan;
    RETURN (plan->0->'Plan'->>'HashAgg Batches')::int;
END $$;
SELECT pg_temp.hash_batches('SELECT account_id, abm_coverage(contact_id, role, engaged)
                             FROM cov_touch GROUP BY account_id') > 1 AS spilled;
SELECT count(*) AS accounts_differing
FROM (SELECT account_id,
             abm_coverage(contact_id, role, engaged) AS d,
             abm_coverage(contact_id, role, engaged,
                          CASE WHEN account_id % 2 = 0 THEN ARRAY['Champion', 'user'] ELSE ARRAY['user', 'Champion'] END, 5) AS u
      FROM cov_touch GROUP BY account_id) h
JOIN cov_serial s USING (account_id)
WHERE h.d IS DISTINCT FROM s.d
   OR (h.u).contacts IS DISTINCT FROM (s.u).contacts
   OR (h.u).coverage IS DISTINCT FROM (s.u).coverage
   OR (h.u).penetration IS DISTINCT FROM (s.u).penetration
   OR (SELECT array_agg(r ORDER BY r) FROM unnest((h.u).roles_covered) r)
      IS DISTINCT FROM (SELECT array_agg(r ORDER BY r) FROM unnest((s.u).roles_covered) r);
RESET ALL;

-- as a window function over a growing frame (the final function leaves the
-- state usable): against count(DISTINCT) over the same prefix
SELECT count(*) AS rows_differing
FROM (SELECT k, (abm_coverage(contact_id, role, engaged) OVER (ORDER BY k)).contacts AS c
      FROM cov_touch WHERE account_id = 7) w
WHERE c IS DISTINCT FROM (SELECT count(DISTINCT contact_id) FROM cov_touch
                          WHERE account_id = 7 AND k <= w.k);

-- bad input: clear errors with SQLSTATE 22023, and the session goes on
SELECT abm_coverage(1, 'champion', true, ARRAY['champion', NULL]);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_coverage(1, 'champion', true, ARRAY['champion', 'user', 'champion']);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_coverage(1, 'champion', true, ARRAY(SELECT 'role' || i FROM generate_series(1, 65) i));
\echo :LAST_ERROR_SQLSTATE
SELECT abm_coverage(1, 'champion', true, ARRAY[['champion'], ['user']]);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_coverage(1, 'champion', true, NULL::text[]);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_coverage(1, 'champion', true, ARRAY['champion'], 0);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_coverage(1, 'champion', true, ARRAY['champion'], -6.8);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_coverage(1, 'champion', true, ARRAY['champion'], 'NaN');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_coverage(1, 'champion', true, ARRAY['champion'], 'Infinity');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_coverage(1, 'champion', true, ARRAY['champion'], NULL);
\echo :LAST_ERROR_SQLSTATE
-- parameters that change within a group
SELECT abm_coverage(c, 'champion', true, CASE WHEN c = 1 THEN ARRAY['champion'] ELSE ARRAY['user'] END)
FROM generate_series(1, 2) c;
\echo :LAST_ERROR_SQLSTATE
SELECT abm_coverage(c, 'champion', true, ARRAY['champion'], 5 + c)
FROM generate_series(1, 2) c;
\echo :LAST_ERROR_SQLSTATE
-- 64 roles are fine: the 64th is covered
SELECT (c).coverage = 1 / 64.0::float8 AS coverage_ok, (c).roles_covered
FROM (SELECT abm_coverage(1, 'role64', true, ARRAY(SELECT 'role' || i FROM generate_series(1, 64) i)) AS c) s;
SELECT 'session still alive' AS status;

-- abm_committee_coverage: one committee given as arrays.  By hand: contacts
-- 3 champion, 1 economic_buyer and influencer (two elements), 2 user, 4
-- with a NULL role, and a NULL contact (left out); engaged ids 4, 1, 1 and
-- 9 (out of order, a duplicate, one not in the committee).  contacts = 4,
-- engaged = {1, 4} = 2, covered = contact 1's roles {economic_buyer,
-- influencer}, coverage = 2 / 4, penetration = 2 / 6.8.
SELECT c, c = ROW(4, 2, '{economic_buyer,influencer}', '{champion,technical_buyer}', 0.5, 2 / 6.8::float8)::abm_coverage_result AS ok
FROM (SELECT abm_committee_coverage('{3,1,2,1,NULL,4}', '{champion,economic_buyer,user,influencer,technical_buyer,NULL}',
                                    '{4,1,1,9}') AS c) s;
-- other required roles and committee size: covered {influencer}, missing
-- {user} (contact 2 is not engaged), coverage 1 / 2, penetration 2 / 4
SELECT abm_committee_coverage('{3,1,2,1,NULL,4}', '{champion,economic_buyer,user,influencer,technical_buyer,NULL}',
                              '{4,1,1,9}', ARRAY['user', 'influencer'], 4)
       = ROW(4, 2, '{influencer}', '{user}', 0.5, 0.5)::abm_coverage_result AS ok;
-- empty and NULL: no contacts is a committee of 0 (not NULL); NULL
-- contact_ids is NULL; NULL roles cover nothing; NULL engaged_ids engage
-- nobody; NULL elements are left out
SELECT abm_committee_coverage('{}', '{}', '{1}') AS empty_committee,
       abm_committee_coverage(NULL, '{champion}', '{1}') IS NULL AS null_is_null,
       abm_committee_coverage('{1,2}', NULL, '{1,2}') AS null_roles,
       abm_committee_coverage('{1,2}', '{champion,user}', NULL) AS null_engaged,
       abm_committee_coverage('{NULL,NULL}', '{champion,user}', '{NULL}') AS null_elements;
-- against the aggregate over the same rows, each row engaged when its
-- contact is among the engaged ids (given in decreasing order), on the
-- generated committees above: default and other roles, and roles that
-- change from account to account
SELECT count(*) AS accounts, count(*) FILTER (WHERE (a.d).engaged_contacts > 0) AS with_engaged,
       count(*) FILTER (WHERE a.d IS DISTINCT FROM abm_committee_coverage(x.ids, x.roles, x.eng)
                          OR a.u IS DISTINCT FROM abm_committee_coverage(x.ids, x.roles, x.eng, x.req, 5)) AS differing
FROM (SELECT account_id, array_agg(contact_id) AS ids, array_agg(role) AS roles,
             (SELECT array_agg(DISTINCT e.contact_id ORDER BY e.contact_id DESC) FROM cov_touch e
              WHERE e.account_id = t.account_id AND e.engaged) AS eng,
             CASE WHEN account_id % 2 = 0 THEN ARRAY['Champion', 'user'] ELSE ARRAY['user', 'influencer', 'other'] END AS req
      FROM cov_touch t GROUP BY account_id) x
JOIN LATERAL (SELECT abm_coverage(t.contact_id, t.role, t.contact_id = ANY (x.eng)) AS d,
                     abm_coverage(t.contact_id, t.role, t.contact_id = ANY (x.eng), x.req, 5) AS u
              FROM cov_touch t WHERE t.account_id = x.account_id) a ON true;
-- in a parallel worker: the same sums as serially
CREATE TABLE cov_arrays AS
SELECT account_id, array_agg(contact_id) AS ids, array_agg(role) AS roles,
       array_agg(contact_id) FILTER (WHERE engaged) AS eng
FROM cov_touch GROUP BY account_id;
CREATE TEMP TABLE cov_par AS
SELECT sum((c).engaged_contacts) AS engaged, sum((c).coverage) AS coverage, sum((c).contacts) AS contacts
FROM (SELECT abm_committee_coverage(ids, roles, eng) AS c FROM cov_arrays) s;
SELECT set_config(CASE WHEN current_setting('server_version_num')::int >= 160000
                       THEN 'debug_parallel_query' ELSE 'force_parallel_mode' END, 'on', false) AS forced;
CREATE FUNCTION pg_temp.plan_text(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (COSTS OFF, FORMAT JSON) ' || query INTO plan;
    RETURN plan::text;
END $$;
SELECT pg_temp.plan_text('SELECT abm_committee_coverage(ids, roles, eng) FROM cov_arrays') LIKE '%Gather%' AS parallel_plan;
SELECT sum((c).engaged_contacts) = p.engaged AS engaged_same, sum((c).coverage) = p.coverage AS coverage_same,
       sum((c).contacts) = p.contacts AS contacts_same, sum((c).engaged_contacts) > 0 AS some_engaged
FROM (SELECT abm_committee_coverage(ids, roles, eng) AS c FROM cov_arrays) s, cov_par p
GROUP BY p.engaged, p.coverage, p.contacts;
RESET ALL;
-- bad input: 22023 (arrays of different lengths, NULL or bad parameters),
-- 54000 past the cap of contacts is shared with abm_coverage
SELECT abm_committee_coverage('{1,2}', '{champion}', '{1}');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_committee_coverage('{1}', '{champion}', '{1}', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_committee_coverage('{1}', '{champion}', '{1}', ARRAY['champion'], NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_committee_coverage('{1}', '{champion}', '{1}', ARRAY['champion', 'champion']);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_committee_coverage('{1}', '{champion}', '{1}', ARRAY['champion'], 0.5);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_committee_coverage('{1}', '{champion}', '{1}', ARRAY['champion', NULL]);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_committee_coverage(array_fill(1::bigint, ARRAY[10000001]), NULL, NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT 'session still alive' AS status;
