-- abm_report_sums: the per-step sums abm_report takes of its pass rows.
SET extra_float_digits = 0;

-- Two accounts over two steps, as abm_report_touches would give them (the
-- fields left out are NULL).  A has 2 rows in accounts (copies) and 1 with
-- an ICP fit above the MQA minimum; B 1 and 0.  Committees: A's contacts
-- 7, 8, 9 (champion, economic buyer, user), B's 21, 22 (technical buyer, no
-- role).
CREATE TEMP TABLE rs_pass AS
SELECT v.account_id, v.copies, v.fit_ok, v.ids, v.roles,
       ARRAY(SELECT jsonb_populate_record(NULL::abm_report_account, e)
             FROM jsonb_array_elements(v.steps) e)::abm_report_accounts AS r
FROM (VALUES
    (1, 2, 1, '{7,8,9}'::bigint[], '{champion,economic_buyer,user}'::text[],
     '[{"step": 1, "score_end": 3.0, "relationship_end": 1.5, "engaged": true, "ad_impressions": 4,
        "email_opens": 1, "cost": 10.50, "engaged_contact_ids": [7, 8], "surge": 2.5,
        "touches_to_win": 3, "influenced_opportunities": 1, "influenced_amount": 1000.00},
       {"step": 2, "score_end": 1.5, "relationship_start": 1.5, "relationship_end": 0.75,
        "engaged": false, "ad_impressions": 0, "cost": 0}]'::jsonb),
    (2, 1, 0, '{21,22}', '{technical_buyer,NULL}',
     '[{"step": 1, "engaged": false, "ad_impressions": 0, "email_opens": 0, "cost": 0.25},
       {"step": 2, "score_end": 6.0, "engaged": true, "web_visits": 2, "engaged_contact_ids": [21],
        "surge": 1.9, "cost": 2.125}]'::jsonb)) v(account_id, copies, fit_ok, ids, roles, steps);

-- The sums, worked out by hand (engaged_min_score 2, mqa_min_score 1,
-- mqa_min_contacts 2, the four default roles, committee size 4):
-- step 1: impressions 4 + 0; opens 1 + 0; spend 10.50 + 0.25; engaged: A
-- (weight 2); above 2: A (3.0); score 3.0 * 2 + 0 * 1 = 6; relationship at
-- the start 0, at the end 1.5 * 2 = 3; surging: A (2.5); MQAs: A (score
-- 3 >= 1, 2 engaged contacts), its fit_ok 1; committee: A's 7 and 8
-- engaged, champion and economic buyer covered: 2 of 4 roles = 0.5,
-- penetration 2 / 4 = 0.5 (B has no engaged contact in step 1).
-- step 2: impressions 0 (B's is NULL); web visits 2; spend 0 + 2.125;
-- engaged: B (1); above 2: B (6.0); score 1.5 * 2 + 6 * 1 = 9; relationship
-- 1.5 * 2 = 3 at the start, 0.75 * 2 = 1.5 at the end; no surge of 2 or more
-- (B's 1.9) and no MQA (A has no engaged contact, B one): NULL; committee:
-- B's 21 engaged, technical buyer covered: 1 / 4 = 0.25 both.
CREATE TEMP TABLE rs_expected AS
SELECT * FROM (VALUES
    (1, 4::numeric, NULL::numeric, 1::numeric, NULL::numeric, 10.75::numeric, 3::numeric, 1::numeric,
     1000.00::numeric, 2::bigint, 2::bigint, 6::float8, 0::float8, 3::float8, 2::bigint, 1::bigint,
     2::bigint, 0.5::float8, 0.5::float8),
    (2, 0, NULL, NULL, 2, 2.125, NULL, NULL, NULL, 1, 1, 9, 3, 1.5, NULL, NULL, 1, 0.25, 0.25))
  v(step, impressions, ad_clicks, email_opens, web_visits, spend, touches_to_win, influenced,
    influenced_amount, engaged, above_threshold, score_end, rel_start, rel_end, surging, mqas,
    engaged_contacts, coverage, penetration);

-- rows_differing(a, b) and error_of(query)
\i sql/include/compare.sql

CREATE TEMP TABLE rs_got AS
SELECT s.step, s.impressions, s.ad_clicks, s.email_opens, s.web_visits, s.spend, s.touches_to_win, s.influenced,
       s.influenced_amount, s.engaged, s.above_threshold, s.score_end, s.rel_start, s.rel_end, s.surging, s.mqas,
       s.engaged_contacts, s.coverage, s.penetration
FROM (SELECT abm_report_sums(p.r, p.copies, p.fit_ok, p.ids, p.roles, 2, 1, 2,
                             '{champion,economic_buyer,technical_buyer,influencer}', 4) AS a
      FROM rs_pass p) x, unnest(x.a) s;
SELECT * FROM rs_got ORDER BY step;
-- equal to the hand-worked sums, both ways
SELECT pg_temp.rows_differing('rs_got', 'rs_expected') AS differing;

-- The plain SQL it replaces in abm_report: one row per account and step,
-- summed per step.  Every column equal, on the fixture and on a larger set
-- of pass rows from the demo data (abm_report_touches over 2 quarters).
CREATE FUNCTION pg_temp.rs_plain(rel regclass, emin float8 = 2, mscore float8 = 1, mcontacts int = 2)
RETURNS SETOF abm_report_step_sums LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format($q$
    SELECT p.step,
           sum(p.ad_impressions), sum(p.ad_clicks), sum(p.email_opens), sum(p.email_clicks),
           sum(p.web_visits), sum(p.high_value_page_visits), sum(p.content_downloads),
           sum(p.webinars_attended), sum(p.chats), sum(p.form_fills), sum(p.meetings_booked),
           sum(p.events_attended), sum(p.identified_visits), sum(p.email_openers), sum(p.email_clickers),
           sum(p.cost), sum(p.view_through_conversions), sum(p.view_through_visits),
           sum(p.touches_to_win), sum(p.influenced_opportunities), sum(p.influenced_amount),
           sum(p.copies) FILTER (WHERE p.engaged),
           sum(p.copies) FILTER (WHERE coalesce(p.score_end, 0) >= $1),
           sum(coalesce(p.score_end, 0) * p.copies),
           sum(coalesce(p.relationship_start, 0) * p.copies),
           sum(coalesce(p.relationship_end, 0) * p.copies),
           sum(p.copies) FILTER (WHERE p.surge >= 2),
           sum(p.fit_ok) FILTER (WHERE coalesce(p.score_end, 0) >= $2
                                   AND coalesce(cardinality(p.engaged_contact_ids), 0) >= $3),
           sum((p.committee).engaged_contacts), sum((p.committee).coverage), sum((p.committee).penetration)
    FROM (SELECT p.copies, p.fit_ok, r.*,
                 CASE WHEN p.ids IS NOT NULL AND r.engaged_contact_ids IS NOT NULL THEN
                     abm_committee_coverage(p.ids, p.roles, r.engaged_contact_ids,
                                            '{champion,economic_buyer,technical_buyer,influencer}', 4) END AS committee
          FROM %s p, unnest(p.r) r) p
    GROUP BY p.step$q$, rel) USING emin, mscore, mcontacts;
END $$;
CREATE FUNCTION pg_temp.rs_c(rel regclass, emin float8 = 2, mscore float8 = 1, mcontacts int = 2)
RETURNS SETOF abm_report_step_sums LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format($q$
    SELECT s.* FROM (SELECT abm_report_sums(p.r, p.copies, p.fit_ok, p.ids, p.roles, $1, $2, $3,
                                            '{champion,economic_buyer,technical_buyer,influencer}', 4) AS a
                     FROM %s p) x, unnest(x.a) s$q$, rel) USING emin, mscore, mcontacts;
END $$;
CREATE TEMP TABLE rs_plain_fixture AS SELECT * FROM pg_temp.rs_plain('rs_pass');
CREATE TEMP TABLE rs_c_fixture AS SELECT * FROM pg_temp.rs_c('rs_pass');
SELECT pg_temp.rows_differing('rs_plain_fixture', 'rs_c_fixture') AS differing_fixture;

-- Odd pass rows the report never makes, equal to the plain SQL too: steps
-- out of order and twice in one account, a NULL element between two, NaN
-- and infinite scores, a NaN cost.
CREATE TEMP TABLE rs_odd AS
SELECT v.account_id, v.copies, v.fit_ok, v.ids, v.roles,
       ARRAY(SELECT CASE WHEN e = 'null' THEN NULL ELSE jsonb_populate_record(NULL::abm_report_account, e) END
             FROM jsonb_array_elements(v.steps) WITH ORDINALITY AS x(e, i) ORDER BY i)::abm_report_accounts AS r
FROM (VALUES
    (1, 1, 1, '{7,8}'::bigint[], '{champion,user}'::text[],
     '[{"step": 2, "score_end": "NaN", "engaged": true, "ad_impressions": 1, "cost": "NaN",
        "engaged_contact_ids": [7]},
       null,
       {"step": 1, "score_end": 2.5, "relationship_end": "Infinity", "surge": "NaN", "ad_impressions": 2,
        "engaged_contact_ids": [7, 8]},
       {"step": 1, "score_end": 1.0, "engaged": true, "cost": 3.5}]'::jsonb),
    (2, 3, 2, NULL, NULL,
     '[{"step": 1, "score_end": 4.0, "relationship_start": "-Infinity", "engaged_contact_ids": [1, 2, 3]},
       {"step": 2, "engaged": false, "cost": 1.25}]'::jsonb)) v(account_id, copies, fit_ok, ids, roles, steps);
-- (the plain SQL also makes a group of NULL step, from the NULL element,
-- which no step of the report joins; abm_report_sums leaves it out)
SELECT count(*) FILTER (WHERE step IS NULL) AS plain_null_step_groups FROM pg_temp.rs_plain('rs_odd');
CREATE TEMP TABLE rs_plain_odd AS SELECT * FROM pg_temp.rs_plain('rs_odd') WHERE step IS NOT NULL;
CREATE TEMP TABLE rs_c_odd AS SELECT * FROM pg_temp.rs_c('rs_odd');
SELECT count(*) AS steps, pg_temp.rows_differing('rs_plain_odd', 'rs_c_odd') AS differing_odd FROM rs_c_odd;
SELECT step, impressions, spend, engaged, above_threshold, score_end, rel_start, rel_end, surging, mqas,
       engaged_contacts, coverage
FROM rs_c_odd ORDER BY step;

SET client_min_messages = warning;
SELECT count(*) > 0 AS loaded FROM abm_demo_load(0.01, 7, 'rs_demo');
RESET client_min_messages;
SET TimeZone = 'UTC';
-- the demo's pass rows (float scores added in the same row order by both)
CREATE TEMP TABLE rs_demo_pass AS
SELECT p.account_id, (p.account_id % 3 + 1)::int AS copies, (p.account_id % 2)::int AS fit_ok,
       k.ids, k.roles, p.r
FROM (SELECT account_id, abm_report_touches(account_id, occurred_at, activity, contact_id, cost, NULL, NULL, NULL,
                                            NULL, NULL, NULL, NULL, '{2025-01-01,2025-04-01,2025-07-01}',
                                            '{2024-12-25,2025-03-25}', '{2025-02-25,2025-05-27}', '30 days', NULL,
                                            '7 days', '7 days', '28 days') AS r
      FROM rs_demo.touches WHERE occurred_at < '2025-07-01' GROUP BY 1) p
     LEFT JOIN (SELECT account_id, array_agg(contact_id) AS ids, array_agg(role) AS roles
                FROM rs_demo.contacts GROUP BY 1) k USING (account_id)
ORDER BY p.account_id;
SELECT count(*) AS accounts, count(ids) AS with_committee FROM rs_demo_pass;
CREATE TEMP TABLE rs_plain_demo AS SELECT * FROM pg_temp.rs_plain('rs_demo_pass');
CREATE TEMP TABLE rs_c_demo AS SELECT * FROM pg_temp.rs_c('rs_demo_pass');
SELECT count(*) AS steps, pg_temp.rows_differing('rs_plain_demo', 'rs_c_demo') AS differing_demo FROM rs_c_demo;
SELECT step, impressions > 0 AS impressions, engaged > 0 AS engaged, engaged_contacts > 0 AS committee
FROM rs_c_demo ORDER BY step;

-- Empty input: NULL (no step).  NULLs: a NULL pass row adds nothing, NULL
-- weights leave out the weighted sums, NULL thresholds the filtered ones,
-- NULL committee ids the committee columns; a NULL step is left out.
SELECT abm_report_sums(r, copies, fit_ok, ids, roles, 2, 1, 2, NULL, 4) IS NULL AS empty
FROM rs_pass WHERE false;
SELECT abm_report_sums(NULL, 1, 1, NULL, NULL, 2, 1, 2, NULL, 4) IS NULL AS null_rows;
SELECT s.step, s.impressions, s.engaged, s.above_threshold, s.score_end, s.mqas, s.engaged_contacts
FROM (SELECT abm_report_sums(p.r, NULL, NULL, NULL, p.roles, NULL, NULL, NULL, NULL, NULL) AS a FROM rs_pass p) x,
     unnest(x.a) s ORDER BY 1;
-- NULL thresholds with the weights given: the filtered sums are NULL, as
-- the plain SQL's, and the others are unchanged
CREATE TEMP TABLE rs_plain_nulls AS SELECT * FROM pg_temp.rs_plain('rs_pass', NULL, NULL, NULL);
CREATE TEMP TABLE rs_c_nulls AS SELECT * FROM pg_temp.rs_c('rs_pass', NULL, NULL, NULL);
SELECT pg_temp.rows_differing('rs_plain_nulls', 'rs_c_nulls') AS differing_null_thresholds;
SELECT step, engaged, above_threshold, score_end, mqas FROM rs_c_nulls ORDER BY step;
SELECT cardinality(abm_report_sums(ARRAY[jsonb_populate_record(NULL::abm_report_account, '{"ad_impressions": 5}')]::abm_report_accounts,
                                   1, 1, NULL, NULL, 2, 1, 2, NULL, 4)) AS null_step;

-- Bad input: the right error (SQLSTATE: message), and the session goes on.
-- a step below 1, more steps than one state holds
SELECT pg_temp.error_of($q$SELECT abm_report_sums(ARRAY[jsonb_populate_record(NULL::abm_report_account, '{"step": 0}')]::abm_report_accounts,
                                                  1, 1, NULL, NULL, 2, 1, 2, NULL, 4)$q$);
SELECT pg_temp.error_of($q$SELECT abm_report_sums(ARRAY[jsonb_populate_record(NULL::abm_report_account, '{"step": 1001}')]::abm_report_accounts,
                                                  1, 1, NULL, NULL, 2, 1, 2, NULL, 4)$q$);
-- a committee without required roles, roles not matching the contacts
SELECT pg_temp.error_of($q$SELECT abm_report_sums(r, copies, fit_ok, ids, roles, 2, 1, 2, NULL, 4) FROM rs_pass$q$);
SELECT pg_temp.error_of($q$SELECT abm_report_sums(r, copies, fit_ok, ids, '{champion}', 2, 1, 2,
                                                  '{champion,economic_buyer,technical_buyer,influencer}', 4) FROM rs_pass$q$);
SELECT 1 AS still_running;

DROP TABLE rs_pass, rs_expected, rs_got, rs_plain_fixture, rs_c_fixture, rs_plain_nulls, rs_c_nulls,
           rs_odd, rs_plain_odd, rs_c_odd, rs_demo_pass, rs_plain_demo, rs_c_demo;
SET client_min_messages = warning;
DROP SCHEMA rs_demo CASCADE;
RESET client_min_messages;
