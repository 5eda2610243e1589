-- abm_report_touches, the report's single pass over touches, against the
-- plain aggregates it replaces: per account and step, every field of
-- abm_report_account computed by the SQL that abm_report ran before (one
-- FILTER aggregate per quantity, count(DISTINCT), array_agg(DISTINCT),
-- abm_engagement_score, abm_view_through, abm_surge, and a join of the
-- opportunities with the touches of their look-back window).  The data: the
-- demo generator plus touches that exercise every branch (upper-case and
-- unknown activity names, NULL activity, contact and cost, the two-way
-- activities outside the standard list, costs of every scale and sign,
-- touches after the last step), in a time zone with daylight-saving changes.
SET client_min_messages = warning;
SET TimeZone = 'America/New_York';
SELECT count(*) > 0 AS loaded FROM abm_demo_load(0.004, 3, 'rt');
RESET client_min_messages;

INSERT INTO rt.touches (account_id, contact_id, occurred_at, activity, cost)
SELECT a.account_id,
       CASE WHEN i % 4 = 0 THEN NULL ELSE a.account_id * 100 + i % 7 END,
       timestamptz '2024-11-20 00:00:00+00' + (i * 7919 % 500) * interval '1 day' + (i % 24) * interval '1 hour',
       (ARRAY['Email_Open', 'WEB_VISIT', 'call', 'email_reply', 'third_party_intent', 'demo_request',
              NULL, 'ad_impression', 'AD_CLICK', 'form_fill', 'chat', 'meeting_booked', 'Meeting_Booked',
              'high_value_page_visit', 'email_click', 'content_download'])[1 + i % 16],
       CASE i % 5 WHEN 0 THEN NULL WHEN 1 THEN 1.5 WHEN 2 THEN -0.25 WHEN 3 THEN 12 ELSE 0.123456789 END
FROM rt.accounts a, generate_series(1, 40) i
WHERE a.account_id % 2 = 0;
INSERT INTO rt.touches (account_id, occurred_at, activity) VALUES
  (1, NULL, 'web_visit'), (1, '2027-01-01', 'web_visit'), (2, '-infinity', 'chat');
INSERT INTO rt.touches (account_id, contact_id, occurred_at, activity, cost)  -- refunds
SELECT 2, NULL, timestamptz '2025-03-02' + k * interval '1 hour', 'ad_impression', -1000
FROM generate_series(1, 3) k;
ANALYZE rt.touches;

-- The steps: a year, and the twelve months of it.
CREATE TABLE rt_steps (steps int, step int, s timestamptz, e timestamptz);
INSERT INTO rt_steps
SELECT 1, 1, '2025-01-01', '2026-01-01'
UNION ALL
SELECT 12, m, timestamptz '2025-01-01' + (m - 1) * interval '1 month', timestamptz '2025-01-01' + m * interval '1 month'
FROM generate_series(1, 12) m;

-- Per account and step the first win in the step as known at its end, and
-- the opportunities created in the steps, as abm_report passes them.
CREATE TABLE rt_won AS
SELECT st.steps, a.account_id, array_agg(w.won_at ORDER BY st.step) AS won_at
FROM (SELECT DISTINCT account_id FROM rt.opportunities) a CROSS JOIN rt_steps st
     LEFT JOIN LATERAL (SELECT min(x.closed_at) AS won_at FROM rt.opportunities x
                        WHERE x.account_id = a.account_id AND x.is_won AND x.created_at < st.e
                          AND x.closed_at >= st.s AND x.closed_at < st.e) w ON true
GROUP BY st.steps, a.account_id;
CREATE TABLE rt_opps AS
SELECT steps, account_id, array_agg(created_at ORDER BY opportunity_id) AS created,
       array_agg(created_at - interval '90 days' ORDER BY opportunity_id) AS since,
       array_agg(amount ORDER BY opportunity_id) AS amounts
FROM rt.opportunities o,
     (SELECT steps, min(s) AS s, max(e) AS e FROM rt_steps GROUP BY steps) b
WHERE o.created_at >= b.s AND o.created_at < b.e
GROUP BY steps, account_id;

-- The per-account arrays as abm_report passes them: the accounts with a win
-- and their wins (one element per step, account by account), and the
-- opportunities, element by element.
CREATE TABLE rt_lookup AS
SELECT n.steps,
       (SELECT array_agg(w.account_id ORDER BY w.account_id) FROM rt_won w WHERE w.steps = n.steps) AS won_accounts,
       (SELECT array_agg(u.at ORDER BY w.account_id, u.k)
        FROM rt_won w, unnest(w.won_at) WITH ORDINALITY AS u(at, k) WHERE w.steps = n.steps) AS won_at,
       (SELECT array_agg(o.account_id ORDER BY o.account_id, u.k)
        FROM rt_opps o, unnest(o.created) WITH ORDINALITY AS u(c, k) WHERE o.steps = n.steps) AS opp_accounts,
       (SELECT array_agg(u.c ORDER BY o.account_id, u.k)
        FROM rt_opps o, unnest(o.created) WITH ORDINALITY AS u(c, k) WHERE o.steps = n.steps) AS created,
       (SELECT array_agg(u.c ORDER BY o.account_id, u.k)
        FROM rt_opps o, unnest(o.since) WITH ORDINALITY AS u(c, k) WHERE o.steps = n.steps) AS since,
       (SELECT array_agg(u.c ORDER BY o.account_id, u.k)
        FROM rt_opps o, unnest(o.amounts) WITH ORDINALITY AS u(c, k) WHERE o.steps = n.steps) AS amounts
FROM (VALUES (1), (12)) n(steps);

-- The pass, for a set of steps and an engaged_activities list: every
-- account with touches listed copies times in accounts.
CREATE FUNCTION pg_temp.pass(n int, engaged text[], copies int DEFAULT 1)
RETURNS TABLE(account_id bigint, r abm_report_account) LANGUAGE sql AS $$
    SELECT x.account_id, r
    FROM (SELECT x.account_id,
                 abm_report_touches(x.account_id, x.occurred_at, x.activity, x.contact_id, x.cost,
                                    (SELECT array_agg(y.account_id) FROM (SELECT DISTINCT account_id FROM rt.touches) y,
                                                                         generate_series(1, copies)),
                                    l.won_accounts, l.won_at, l.opp_accounts, l.created, l.since, l.amounts,
                                    (SELECT array_agg(s ORDER BY step) || max(e) FROM rt_steps WHERE steps = n),
                                    (SELECT array_agg(s - interval '7 days' ORDER BY step) FROM rt_steps WHERE steps = n),
                                    (SELECT array_agg(e - interval '7 days' - interval '28 days' ORDER BY step)
                                     FROM rt_steps WHERE steps = n),
                                    '30 days', engaged, '7 days', '7 days', '28 days') AS a
          FROM rt.touches x JOIN rt_lookup l ON l.steps = n
          WHERE x.occurred_at < (SELECT max(e) FROM rt_steps WHERE steps = n)
          GROUP BY x.account_id) x,
         unnest(x.a) r
$$;

-- The plain formulation: what abm_report's per-touch pass and influence
-- window computed, per step.
CREATE FUNCTION pg_temp.plain(n int, engaged text[], copies int DEFAULT 1)
RETURNS TABLE(account_id bigint, r abm_report_account) LANGUAGE sql AS $$
    WITH x AS (
        SELECT st.step, st.s, st.e, x.account_id, x.occurred_at, lower(x.activity) AS activity, x.contact_id, x.cost,
               x.occurred_at >= st.s AS in_period,
               coalesce(CASE WHEN engaged IS NULL THEN lower(x.activity) <> 'ad_impression'
                             ELSE lower(x.activity) = ANY (engaged) END, false) AS counts,
               w.won_at[st.step] AS won_at
        FROM rt.touches x CROSS JOIN generate_series(1, copies) JOIN rt_steps st ON st.steps = n AND x.occurred_at < st.e
             LEFT JOIN rt_won w ON w.account_id = x.account_id AND w.steps = n
    ), per_touch AS (
        SELECT x.step, x.account_id,
               min(x.occurred_at) AS first_touch,
               abm_engagement_score(abm_activity_weight(x.activity), x.occurred_at, x.e, '30 days') AS score_end,
               abm_engagement_score(abm_activity_weight(x.activity), x.occurred_at, x.s, '30 days')
                   FILTER (WHERE NOT x.in_period AND x.activity IN ('meeting_booked', 'chat', 'call', 'email_reply')) AS rel_start,
               abm_engagement_score(abm_activity_weight(x.activity), x.occurred_at, x.e, '30 days')
                   FILTER (WHERE x.activity IN ('meeting_booked', 'chat', 'call', 'email_reply')) AS rel_end,
               coalesce(bool_or(x.in_period AND x.counts), false) AS engaged,
               count(*) FILTER (WHERE x.in_period AND x.activity = 'ad_impression') AS impressions,
               count(*) FILTER (WHERE x.in_period AND x.activity = 'ad_click') AS ad_clicks,
               count(*) FILTER (WHERE x.in_period AND x.activity = 'email_open') AS email_opens,
               count(*) FILTER (WHERE x.in_period AND x.activity = 'email_click') AS email_clicks,
               count(*) FILTER (WHERE x.in_period AND x.activity = 'web_visit') AS web_visits,
               count(*) FILTER (WHERE x.in_period AND x.activity = 'high_value_page_visit') AS hvp_visits,
               count(*) FILTER (WHERE x.in_period AND x.activity = 'content_download') AS downloads,
               count(*) FILTER (WHERE x.in_period AND x.activity = 'webinar_attended') AS webinars,
               count(*) FILTER (WHERE x.in_period AND x.activity = 'chat') AS chats,
               count(*) FILTER (WHERE x.in_period AND x.activity = 'form_fill') AS form_fills,
               count(*) FILTER (WHERE x.in_period AND x.activity = 'meeting_booked') AS meetings,
               count(*) FILTER (WHERE x.in_period AND x.activity = 'event_attended') AS events,
               count(*) FILTER (WHERE x.in_period AND x.activity IN ('web_visit', 'high_value_page_visit')
                                                  AND x.contact_id IS NOT NULL) AS identified_visits,
               count(DISTINCT x.contact_id) FILTER (WHERE x.in_period AND x.activity = 'email_open') AS openers,
               count(DISTINCT x.contact_id) FILTER (WHERE x.in_period AND x.activity = 'email_click') AS clickers,
               array_agg(DISTINCT x.contact_id) FILTER (WHERE x.in_period AND x.counts AND x.contact_id IS NOT NULL)
                   AS engaged_ids,
               coalesce(sum(x.cost) FILTER (WHERE x.in_period), 0) AS cost,
               abm_view_through(x.occurred_at, x.activity = 'ad_impression', x.activity = 'ad_click',
                                x.activity = 'form_fill' AND x.in_period, '7 days')
                   FILTER (WHERE x.occurred_at >= x.s - interval '7 days') AS vt_conversions,
               abm_view_through(x.occurred_at, x.activity = 'ad_impression', x.activity = 'ad_click',
                                x.activity IN ('web_visit', 'high_value_page_visit') AND x.in_period, '7 days')
                   FILTER (WHERE x.occurred_at >= x.s - interval '7 days') AS vt_visits,
               abm_surge(x.occurred_at, x.e, '7 days', '28 days')
                   FILTER (WHERE x.occurred_at >= x.e - interval '7 days' - interval '28 days'
                             AND x.activity IN ('web_visit', 'high_value_page_visit', 'content_download',
                                                'third_party_intent')) AS surge,
               count(*) FILTER (WHERE x.in_period AND x.occurred_at <= x.won_at) AS touches_to_win
        FROM x GROUP BY x.step, x.account_id
    ), o AS (
        SELECT st.step, o.opportunity_id, o.account_id, o.amount, count(y.account_id) > 0 AS influenced
        FROM rt.opportunities o JOIN rt_steps st ON st.steps = n AND o.created_at >= st.s AND o.created_at < st.e
             LEFT JOIN rt.touches y ON y.account_id = o.account_id
                  AND y.occurred_at >= o.created_at - interval '90 days' AND y.occurred_at < o.created_at
        GROUP BY st.step, o.opportunity_id, o.account_id, o.amount
    ), influence AS (
        SELECT step, account_id, count(*) FILTER (WHERE influenced) AS n,
               sum(amount) FILTER (WHERE influenced) AS amount
        FROM o GROUP BY step, account_id
    )
    SELECT a.account_id,
           ROW(st.step, p.first_touch, p.score_end, p.rel_start, p.rel_end, coalesce(p.engaged, false),
               coalesce(p.impressions, 0), coalesce(p.ad_clicks, 0), coalesce(p.email_opens, 0),
               coalesce(p.email_clicks, 0), coalesce(p.web_visits, 0), coalesce(p.hvp_visits, 0),
               coalesce(p.downloads, 0), coalesce(p.webinars, 0), coalesce(p.chats, 0), coalesce(p.form_fills, 0),
               coalesce(p.meetings, 0), coalesce(p.events, 0), coalesce(p.identified_visits, 0),
               coalesce(p.openers, 0), coalesce(p.clickers, 0), p.engaged_ids, coalesce(p.cost, 0),
               coalesce(p.vt_conversions, 0), coalesce(p.vt_visits, 0), p.surge, coalesce(p.touches_to_win, 0),
               coalesce(i.n, 0), i.amount)::abm_report_account
    FROM (SELECT DISTINCT account_id FROM rt.touches WHERE occurred_at < (SELECT max(e) FROM rt_steps WHERE steps = n)) a
         JOIN rt_steps st ON st.steps = n
         LEFT JOIN per_touch p ON p.account_id = a.account_id AND p.step = st.step
         LEFT JOIN influence i ON i.account_id = a.account_id AND i.step = st.step
$$;

-- Rows of the pass and the plain formulation that differ (scores and the
-- surge to 1e-9: float sums in another row order), by steps and list.
CREATE FUNCTION pg_temp.differing(n int, engaged text[], copies int DEFAULT 1)
RETURNS TABLE(accounts bigint, rows bigint, differing bigint)
LANGUAGE sql AS $$
    SELECT count(DISTINCT coalesce(a.account_id, b.account_id)), count(*),
           count(*) FILTER (WHERE a.r IS NULL OR b.r IS NULL
               OR (a.r).step <> (b.r).step
               OR (a.r).first_touch IS DISTINCT FROM (b.r).first_touch
               OR NOT coalesce(abs((a.r).score_end - (b.r).score_end) <= 1e-9 * abs((b.r).score_end),
                               (a.r).score_end IS NULL AND (b.r).score_end IS NULL)
               OR NOT coalesce(abs((a.r).relationship_start - (b.r).relationship_start) <= 1e-9 * abs((b.r).relationship_start),
                               (a.r).relationship_start IS NULL AND (b.r).relationship_start IS NULL)
               OR NOT coalesce(abs((a.r).relationship_end - (b.r).relationship_end) <= 1e-9 * abs((b.r).relationship_end),
                               (a.r).relationship_end IS NULL AND (b.r).relationship_end IS NULL)
               OR NOT coalesce(abs((a.r).surge - (b.r).surge) <= 1e-9 * abs((b.r).surge),
                               (a.r).surge IS NULL AND (b.r).surge IS NULL)
               OR ((a.r).engaged, (a.r).ad_impressions, (a.r).ad_clicks, (a.r).email_opens, (a.r).email_clicks,
                   (a.r).web_visits, (a.r).high_value_page_visits, (a.r).content_downloads, (a.r).webinars_attended,
                   (a.r).chats, (a.r).form_fills, (a.r).meetings_booked, (a.r).events_attended,
                   (a.r).identified_visits, (a.r).email_openers, (a.r).email_clickers, (a.r).engaged_contact_ids,
                   (a.r).cost::text, (a.r).view_through_conversions, (a.r).view_through_visits,
                   (a.r).touches_to_win, (a.r).influenced_opportunities, (a.r).influenced_amount::text)
                  IS DISTINCT FROM
                  ((b.r).engaged, (b.r).ad_impressions, (b.r).ad_clicks, (b.r).email_opens, (b.r).email_clicks,
                   (b.r).web_visits, (b.r).high_value_page_visits, (b.r).content_downloads, (b.r).webinars_attended,
                   (b.r).chats, (b.r).form_fills, (b.r).meetings_booked, (b.r).events_attended,
                   (b.r).identified_visits, (b.r).email_openers, (b.r).email_clickers, (b.r).engaged_contact_ids,
                   (b.r).cost::text, (b.r).view_through_conversions, (b.r).view_through_visits,
                   (b.r).touches_to_win, (b.r).influenced_opportunities, (b.r).influenced_amount::text))
    FROM pg_temp.pass(n, engaged, copies) a FULL JOIN pg_temp.plain(n, engaged, copies) b
         ON a.account_id = b.account_id AND (a.r).step = (b.r).step
$$;

SELECT 1 AS steps, * FROM pg_temp.differing(1, NULL);
SELECT 12 AS steps, * FROM pg_temp.differing(12, NULL);
SELECT 12 AS steps, 'custom list' AS engaged, * FROM pg_temp.differing(12, '{web_visit,demo_request,NULL,call,Chat}');
-- an account listed twice in accounts: the plain SQL joined each touch twice
SELECT 1 AS steps, 2 AS copies, * FROM pg_temp.differing(1, NULL, 2);
-- the data exercises what it should: every field has a non-trivial value
SELECT count(*) FILTER (WHERE (r).relationship_start > 0) > 0 AS relationship_start,
       count(*) FILTER (WHERE (r).surge >= 2) > 0 AS surge,
       count(*) FILTER (WHERE (r).view_through_conversions > 0) > 0 AS view_through_conversions,
       count(*) FILTER (WHERE (r).view_through_visits > 0) > 0 AS view_through_visits,
       count(*) FILTER (WHERE (r).touches_to_win > 0) > 0 AS touches_to_win,
       count(*) FILTER (WHERE (r).influenced_opportunities > 0) > 0 AS influenced,
       count(*) FILTER (WHERE (r).cost < 0) > 0 AS negative_cost,
       count(*) FILTER (WHERE (r).email_openers > 1) > 0 AS openers,
       count(*) FILTER (WHERE cardinality((r).engaged_contact_ids) > 1) > 0 AS engaged_contacts
FROM pg_temp.pass(12, NULL);

-- Parallel: partial states in the workers, serialized and combined in the
-- leader, equal the serial pass.
\i sql/include/plan.sql
\i sql/include/report_account_near.sql
-- (the arrays as constants of the plan, as abm_report passes them)
SELECT won_accounts AS l_won_accounts, won_at AS l_won_at, opp_accounts AS l_opp_accounts, created AS l_created,
       since AS l_since, amounts AS l_amounts
FROM rt_lookup WHERE steps = 12 \gset
\set passq 'SELECT x.account_id, abm_report_touches(x.account_id, x.occurred_at, x.activity, x.contact_id, x.cost, NULL, ' :'l_won_accounts' '::bigint[], ' :'l_won_at' '::timestamptz[], ' :'l_opp_accounts' '::bigint[], ' :'l_created' '::timestamptz[], ' :'l_since' '::timestamptz[], ' :'l_amounts' '::numeric[], (SELECT array_agg(s ORDER BY step) || max(e) FROM rt_steps WHERE steps = 12), (SELECT array_agg(s - interval ''7 days'' ORDER BY step) FROM rt_steps WHERE steps = 12), (SELECT array_agg(e - interval ''35 days'' ORDER BY step) FROM rt_steps WHERE steps = 12), ''30 days'', NULL, ''7 days'', ''7 days'', ''28 days'') AS a FROM rt.touches x WHERE x.occurred_at < ''2026-01-01'' GROUP BY x.account_id'
CREATE TABLE rt_serial AS :passq;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT pg_temp.plan_shape(:'passq') ~ 'Gather > Partial [A-Za-z]*Aggregate' AS partial_states_in_workers;
CREATE TABLE rt_parallel AS :passq;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
SELECT count(*) AS accounts, count(*) FILTER (WHERE NOT coalesce(pg_temp.accounts_near(s.a, p.a), false)) AS differing
FROM rt_serial s FULL JOIN rt_parallel p USING (account_id);

-- accounts NULL counts every account once, as listing each once does
SELECT count(*) AS accounts,
       count(*) FILTER (WHERE NOT coalesce(pg_temp.accounts_near(s.a, p.a), false)) AS differing
FROM rt_serial s
     FULL JOIN (SELECT account_id, array_agg(r ORDER BY (r).step) AS a FROM pg_temp.pass(12, NULL) GROUP BY 1) p
     USING (account_id);

-- Empty input: NULL.  Rows without a time count for nothing; a step without
-- touches has counts of 0, spend 0 and NULL scores.
SELECT abm_report_touches(account_id, occurred_at, activity, contact_id, cost, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                          '{2025-01-01,2026-01-01}', '{2024-12-25}', '{2025-11-26}', '30 days', NULL, '7 days',
                          '7 days', '28 days') IS NULL AS empty_is_null
FROM rt.touches WHERE false;
SELECT abm_report_touches(1, t, a, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                          '{2025-01-01,2025-07-01,2026-01-01}', '{2024-12-25,2025-06-24}', '{2025-05-27,2025-11-26}',
                          '30 days', NULL, '7 days', '7 days', '28 days')
FROM (VALUES (NULL::timestamptz, 'web_visit'), (NULL, NULL)) v(t, a);

-- The account is looked up in the arrays: listed twice, its touches count
-- twice; not listed, they count for nothing (nor do its win and its
-- opportunities); a NULL account is listed nowhere.  Account 7 here: one web
-- visit on 2025-03-01, won on 2025-04-01 (the visit is before the win), one
-- opportunity created 2025-03-15 whose 90-day look-back holds the visit.
CREATE FUNCTION pg_temp.one(account bigint, accounts bigint[]) RETURNS abm_report_account LANGUAGE sql AS $$
    SELECT (abm_report_touches(account, timestamptz '2025-03-01', 'web_visit', 70, 2.5, accounts,
                               '{6,7}', '{2025-05-01,2025-04-01}', '{7,6}', '{2025-03-15,2025-03-20}',
                               '{2024-12-15,2024-12-20}', '{1000,7}', '{2025-01-01,2026-01-01}', '{2024-12-25}',
                               '{2025-11-26}', '30 days', NULL, '7 days', '7 days', '28 days'))[1]
$$;
SELECT x.label, (r).web_visits, (r).identified_visits, (r).cost, (r).touches_to_win,
       (r).influenced_opportunities, (r).influenced_amount, (r).first_touch IS NOT NULL AS has_first_touch
FROM (VALUES ('listed once', pg_temp.one(7, '{5,7,9}')),
             ('listed twice', pg_temp.one(7, '{7,5,7}')),
             ('not listed', pg_temp.one(7, '{5,9}')),
             ('accounts NULL: once', pg_temp.one(7, NULL)),
             ('NULL account', pg_temp.one(NULL, '{5,7}')),
             ('NULL account, accounts NULL', pg_temp.one(NULL, NULL))) x(label, r);

-- The arrays as values the executor computes: a subquery's (computed once,
-- as the report passes them), and an outer row's columns, the aggregate
-- rescanned for each row with other arrays.  Each row counts by its own
-- arrays, as with constants: the lookup kept from one row is not reused
-- for the next.
SELECT x.label,
       (SELECT ((abm_report_touches(v.account, timestamptz '2025-03-01', 'web_visit', 70, 2.5, x.accounts,
                                   '{6,7}', '{2025-05-01,2025-04-01}', '{7,6}', '{2025-03-15,2025-03-20}',
                                   '{2024-12-15,2024-12-20}', '{1000,7}', '{2025-01-01,2026-01-01}', '{2024-12-25}',
                                   '{2025-11-26}', '30 days', NULL, '7 days', '7 days', '28 days'))[1]).web_visits
        FROM (VALUES (7::bigint)) v(account)) AS web_visits
FROM (VALUES (1, 'listed once', '{5,7,9}'::bigint[]), (2, 'listed twice', '{7,5,7}'), (3, 'not listed', '{5,9}'),
             (4, 'listed twice', '{7,7}'), (5, 'listed once', '{7}'), (6, 'accounts NULL: once', NULL)) x(i, label, accounts)
ORDER BY x.i;
SELECT (abm_report_touches(7, timestamptz '2025-03-01', 'web_visit', 70, 2.5, (SELECT '{7,5,7}'::bigint[]),
                           (SELECT '{6,7}'::bigint[]), '{2025-05-01,2025-04-01}', '{7,6}', '{2025-03-15,2025-03-20}',
                           '{2024-12-15,2024-12-20}', '{1000,7}', '{2025-01-01,2026-01-01}', '{2024-12-25}',
                           '{2025-11-26}', '30 days', NULL, '7 days', '7 days', '28 days'))[1].web_visits
       AS listed_twice_by_subquery;

-- Bad input: SQLSTATE, and the session goes on.
-- the window starts default to the bounds shifted as abm_report shifts them;
-- account 1, listed copies times, with its win and opportunities
CREATE FUNCTION pg_temp.try(bounds text, half_life interval DEFAULT '30 days', vt interval DEFAULT '7 days',
                            copies int DEFAULT 1, won text DEFAULT NULL, created text DEFAULT NULL,
                            amounts text DEFAULT NULL, engaged text[] DEFAULT NULL, vt_since text DEFAULT NULL)
RETURNS abm_report_account[] LANGUAGE sql AS $$
    SELECT abm_report_touches(1, t, 'web_visit', NULL, NULL, array_fill(1::bigint, ARRAY[copies]),
                              CASE WHEN won IS NOT NULL THEN '{1}'::bigint[] END, won::timestamptz[],
                              array_fill(1::bigint, ARRAY[coalesce(cardinality(created::timestamptz[]), 0)]),
                              created::timestamptz[], created::timestamptz[], amounts::numeric[], b,
                              coalesce(vt_since::timestamptz[], b[1:cardinality(b) - 1]), b[2:], half_life,
                              engaged, vt, '7 days', '28 days')
    FROM (VALUES (timestamptz '2025-03-01')) v(t), (SELECT bounds::timestamptz[] AS b) x
$$;
SELECT pg_temp.try('{2025-07-01,2025-01-01}');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.try('{2025-01-01}');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.try('{2025-01-01,NULL}');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.try('{2025-01-01,infinity}');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.try('{2025-01-01,2026-01-01}', half_life => '0');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.try('{2025-01-01,2026-01-01}', vt => '-1 day');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.try('{2025-01-01,2025-07-01,2026-01-01}', won => '{2025-02-01}');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.try('{2025-01-01,2026-01-01}', created => '{2025-02-01,2025-03-01}', amounts => '{1}');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.try('{2025-01-01,2025-07-01,2026-01-01}', vt_since => '{2024-12-25}');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.try('{2025-01-01,2026-01-01}', engaged => '{{a,b},{c,d}}');
\echo :LAST_ERROR_SQLSTATE
-- more than 1000 steps: a cap (the trend form's)
SELECT pg_temp.try((SELECT array_agg(timestamptz '2025-01-01' + i * interval '1 hour')::text
                    FROM generate_series(0, 1001) i));
\echo :LAST_ERROR_SQLSTATE
-- an account listed twice in won_accounts
SELECT abm_report_touches(1, '2025-03-01', 'web_visit', NULL, NULL, NULL, '{1,1}', '{2025-05-01,2025-06-01}',
                          NULL, NULL, NULL, NULL, '{2025-01-01,2026-01-01}', '{2024-12-25}', '{2025-11-26}',
                          '30 days', NULL, '7 days', '7 days', '28 days');
\echo :LAST_ERROR_SQLSTATE
-- a multi-dimensional array of accounts
SELECT abm_report_touches(1, '2025-03-01', 'web_visit', NULL, NULL, '{{1,2},{3,4}}', NULL, NULL,
                          NULL, NULL, NULL, NULL, '{2025-01-01,2026-01-01}', '{2024-12-25}', '{2025-11-26}',
                          '30 days', NULL, '7 days', '7 days', '28 days');
\echo :LAST_ERROR_SQLSTATE
-- the constant arguments, the account and its arrays must not change
-- within a group
SELECT abm_report_touches(1, t, 'web_visit', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, ARRAY[b, '2026-01-01'],
                          ARRAY[b], '{2025-11-26}', '30 days', NULL, '7 days', '7 days', '28 days')
FROM (VALUES (timestamptz '2025-03-01', timestamptz '2025-01-01'), ('2025-04-01', '2025-02-01')) v(t, b);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_report_touches(a, t, 'web_visit', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                          '{2025-01-01,2026-01-01}', '{2024-12-25}', '{2025-11-26}', '30 days', NULL, '7 days',
                          '7 days', '28 days')
FROM (VALUES (1, timestamptz '2025-03-01'), (2, '2025-04-01')) v(a, t);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_report_touches(1, t, 'web_visit', NULL, NULL, NULL, '{1}', ARRAY[w], NULL, NULL, NULL, NULL,
                          '{2025-01-01,2026-01-01}', '{2024-12-25}', '{2025-11-26}', '30 days', NULL, '7 days',
                          '7 days', '28 days')
FROM (VALUES (timestamptz '2025-03-01', timestamptz '2025-05-01'), ('2025-04-01', '2025-06-01')) v(t, w);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS session_goes_on FROM rt_serial;
