-- Valid sample values of every abm type and sample inputs of every abm
-- aggregate, shared by the fuzz harness (test/fuzz/run.sh), the TAP tests
-- (dump/restore, upgrade, hostile search_path) and the sqlsmith script.
--
-- Loaded after CREATE EXTENSION abm with @extschema@ replaced by abm's
-- schema.  Every name in an expression or query is schema-qualified
-- (@extschema@.abm_..., pg_catalog....), because the hostile search_path
-- test runs them with a schema of look-alike objects first in the path.
--
-- The harnesses read the extension's objects from the catalog; a type or
-- aggregate without a row here is reported as a failure, so add rows here
-- when a capability adds one.

CREATE SCHEMA abm_seeds;

-- Every object of the extension.
CREATE VIEW abm_seeds.members AS
    SELECT d.classid, d.objid
    FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
    WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
      AND e.extname = 'abm' AND d.deptype = 'e'
      -- not the implicit array types, members of their own on PostgreSQL 18
      AND NOT EXISTS (SELECT FROM pg_catalog.pg_type t
                      WHERE d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass
                        AND t.oid = d.objid AND t.typcategory = 'A');

-- A function's name and argument types, without schema: the key of
-- agg_input and call.
CREATE FUNCTION abm_seeds.signature(fn oid) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, @extschema@ AS $$
    SELECT p.proname || '(' || coalesce((SELECT string_agg(format_type(t, NULL), ', ' ORDER BY k)
                                         FROM unnest(p.proargtypes) WITH ORDINALITY a(t, k)), '') || ')'
    FROM pg_proc p WHERE p.oid = fn
$$;

CREATE FUNCTION abm_seeds.aggregate_oid(sig text) RETURNS oid
LANGUAGE sql STABLE AS $$
    SELECT m.objid FROM abm_seeds.members m
    WHERE m.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
      AND abm_seeds.signature(m.objid) = sig
$$;

-- type_value: an expression of the type; several rows per type give the
-- fuzzer several shapes to start from (empty, one element, many, extremes).
CREATE TABLE abm_seeds.type_value (type_name text NOT NULL, expr text NOT NULL);

-- agg_input: a query whose columns are the aggregate's arguments, in order.
-- The fuzzer captures the serialized state after every prefix of its rows.
CREATE TABLE abm_seeds.agg_input (aggregate text NOT NULL, query text NOT NULL);

-- call: a query calling a function that is neither an aggregate nor a type
-- support function (the hostile search_path test runs each one).
CREATE TABLE abm_seeds.call (func text NOT NULL, query text NOT NULL);

-- Counting aggregates (rate.sql, nps.sql).
INSERT INTO abm_seeds.agg_input VALUES
    ('abm_rate(boolean)',
     'SELECT b FROM (VALUES (true), (false), (NULL::bool), (true), (true)) v(b)'),
    ('abm_win_rate(boolean)',
     'SELECT b FROM (VALUES (false), (true), (NULL::bool), (false)) v(b)'),
    ('abm_nps(integer)',
     'SELECT s FROM (VALUES (10), (0), (7), (NULL::int), (9), (6), (8), (3)) v(s)'),
    ('abm_nps(integer)',
     'SELECT s % 11 FROM pg_catalog.generate_series(1, 300) s');

INSERT INTO abm_seeds.call VALUES
    ('abm_activity_weight(text)',
     $q$SELECT a, @extschema@.abm_activity_weight(a) FROM (VALUES ('form_fill'), ('ad_impression'), ('unknown'), (NULL)) v(a)$q$),
    ('abm_retention_rate(bigint, bigint, bigint)',
     'SELECT @extschema@.abm_retention_rate(100, 95, 10), @extschema@.abm_retention_rate(0, 0, 0)'),
    ('abm_lift_counts(bigint, bigint, bigint, bigint, double precision)',
     'SELECT @extschema@.abm_lift_counts(100, 40, 100, 20), @extschema@.abm_lift_counts(5, 0, 0, 0, 0.9)'),
    ('abm_lift_means(bigint, double precision, double precision, bigint, double precision, double precision, double precision)',
     'SELECT @extschema@.abm_lift_means(30, 88889, 50000, 40, 61474, 40000), @extschema@.abm_lift_means(1, 5, NULL, 0, NULL, NULL, 0.9)'),
    ('abm_mva(numeric, numeric, double precision, double precision)',
     'SELECT @extschema@.abm_mva(1000000, 50000, 0.25), @extschema@.abm_mva(1000000, 50000, 0.25, 0.4)'),
    ('abm_tier(double precision, double precision, double precision)',
     'SELECT s, @extschema@.abm_tier(s, 0.7, 0.4) FROM (VALUES (0.9::float8), (0.5), (0.1), (NULL)) v(s)'),
    ('abm_tier(boolean, boolean, boolean, boolean)',
     'SELECT @extschema@.abm_tier(true, true, true, true), @extschema@.abm_tier(true, false, true, false), @extschema@.abm_tier(false, false, false, false)');

-- Engagement (engagement.sql, surge.sql).
INSERT INTO abm_seeds.type_value VALUES
    ('abm_engagement', $q$(SELECT @extschema@.abm_engagement_agg(a, t, c, '7 days')
        FROM (VALUES ('form_fill', '2026-01-01 10:00+00'::timestamptz, 1::bigint),
                     ('web_visit', '2026-01-03 09:30+00', 2), ('ad_impression', '2026-01-05 00:00+00', NULL),
                     ('meeting_booked', '2026-01-05 00:00+00', 1)) v(a, t, c))$q$),
    ('abm_engagement', $q$(SELECT @extschema@.abm_engagement_agg('chat', '2025-12-31 23:59:59.999999+00', NULL::bigint, '1 hour'))$q$),
    ('abm_engagement', $q$(SELECT @extschema@.abm_engagement_agg(a, w, t, c, '30 days')
        FROM (SELECT 'custom_' || (i % 5), (i % 7) * 1.5, '2026-01-01 00:00+00'::timestamptz + i * interval '3 hours', i::bigint
              FROM pg_catalog.generate_series(1, 400) i) v(a, w, t, c))$q$);

INSERT INTO abm_seeds.agg_input VALUES
    ('abm_engagement_agg(text, timestamp with time zone, bigint, interval)',
     $q$SELECT a, t, c, interval '7 days' FROM (VALUES ('form_fill', '2026-01-01 10:00+00'::timestamptz, 1::bigint),
        ('web_visit', '2026-01-03 09:30+00', 2), ('ad_impression', '2026-01-05 00:00+00', NULL), (NULL, '2026-01-06 00:00+00', 3),
        ('email_click', '2026-01-02 00:00+00', 3)) v(a, t, c)$q$),
    ('abm_engagement_agg(text, timestamp with time zone, bigint, interval)',
     $q$SELECT 'web_visit', '2026-01-01 00:00+00'::timestamptz + i * interval '1 hour', (i % 97)::bigint, interval '14 days'
        FROM pg_catalog.generate_series(1, 200) i$q$),
    ('abm_engagement_agg(text, double precision, timestamp with time zone, bigint, interval)',
     $q$SELECT a, w, t, c, interval '7 days' FROM (VALUES ('x', 2.5::float8, '2026-01-01 10:00+00'::timestamptz, 1::bigint),
        ('y', 0, '2026-01-03 09:30+00', 2), ('x', 100, '2026-01-05 00:00+00', NULL)) v(a, w, t, c)$q$),
    ('abm_engagement_score(double precision, timestamp with time zone, timestamp with time zone, interval)',
     $q$SELECT w, t, timestamptz '2026-01-10 00:00+00', interval '7 days' FROM (VALUES (1::float8, '2026-01-01 10:00+00'::timestamptz),
        (20, '2026-01-09 00:00+00'), (5, '2026-01-11 00:00+00'), (NULL, '2026-01-02 00:00+00')) v(w, t)$q$),
    ('abm_engagement_score(text, timestamp with time zone, timestamp with time zone, interval)',
     $q$SELECT a, t, timestamptz '2026-01-10 00:00+00', interval '30 days' FROM (VALUES ('form_fill', '2026-01-01 10:00+00'::timestamptz),
        ('meeting_booked', '2026-01-09 00:00+00'), ('unknown', '2026-01-05 00:00+00')) v(a, t)$q$),
    ('abm_rollup(abm_engagement)',
     $q$SELECT @extschema@.abm_engagement_agg(a, t, c, '7 days') FROM (VALUES ('form_fill', '2026-01-01 10:00+00'::timestamptz, 1::bigint, 1),
        ('web_visit', '2026-01-03 09:30+00', 2, 1), ('chat', '2026-01-02 00:00+00', NULL, 2), ('email_open', '2026-01-09 00:00+00', 3, 3)) v(a, t, c, g)
        GROUP BY g$q$),
    ('abm_surge(timestamp with time zone, timestamp with time zone, interval, interval)',
     $q$SELECT timestamptz '2026-01-01 00:00+00' + i * interval '7 hours', timestamptz '2026-03-01 00:00+00', interval '7 days', interval '28 days'
        FROM pg_catalog.generate_series(1, 200) i$q$);

INSERT INTO abm_seeds.call
SELECT f, 'WITH e(v) AS (SELECT ' || (SELECT expr FROM abm_seeds.type_value WHERE type_name = 'abm_engagement' LIMIT 1) || ') ' || q
FROM (VALUES
    ('abm_score(abm_engagement, timestamp with time zone)', $q$SELECT @extschema@.abm_score(v, '2026-01-10 00:00+00') FROM e$q$),
    ('abm_touches(abm_engagement)', 'SELECT @extschema@.abm_touches(v) FROM e'),
    ('abm_touches(abm_engagement, text)', $q$SELECT @extschema@.abm_touches(v, 'form_fill'), @extschema@.abm_touches(v, 'other') FROM e$q$),
    ('abm_first_touch(abm_engagement)', 'SELECT @extschema@.abm_first_touch(v) FROM e'),
    ('abm_last_touch(abm_engagement)', 'SELECT @extschema@.abm_last_touch(v) FROM e'),
    ('abm_engaged_contacts(abm_engagement)', 'SELECT @extschema@.abm_engaged_contacts(v) FROM e'),
    ('abm_half_life(abm_engagement)', 'SELECT @extschema@.abm_half_life(v) FROM e'),
    ('abm_engagement_jsonb(abm_engagement)', 'SELECT @extschema@.abm_engagement_jsonb(v), v::pg_catalog.jsonb FROM e'),
    ('abm_engagement_merge(abm_engagement, abm_engagement)', 'SELECT @extschema@.abm_engagement_merge(v, v) FROM e')
) c(f, q);

-- Coverage and ICP fit (coverage.sql, icp_fit.sql).
INSERT INTO abm_seeds.agg_input
SELECT a, q FROM (VALUES
    ('abm_coverage(bigint, text, boolean)', ''),
    ('abm_coverage(bigint, text, boolean, text[])', $q$, ARRAY['champion', 'user', 'influencer']$q$),
    ('abm_coverage(bigint, text, boolean, text[], double precision)', $q$, ARRAY['champion', 'economic_buyer'], 4.5::float8$q$)) a(a, x),
LATERAL (VALUES
    ($q$SELECT c, r, e$q$ || x || $q$ FROM (VALUES (1::bigint, 'champion', true), (2, 'economic_buyer', false), (2, 'economic_buyer', true),
        (3, 'user', true), (NULL, 'other', true), (4, 'technical_buyer', NULL), (5, NULL, true), (1, 'champion', true)) v(c, r, e)$q$),
    ($q$SELECT i::bigint, (ARRAY['champion', 'economic_buyer', 'technical_buyer', 'influencer', 'user', 'other'])[1 + i % 6], i % 3 = 0$q$
        || x || $q$ FROM pg_catalog.generate_series(1, 300) i$q$)) b(q);

INSERT INTO abm_seeds.type_value VALUES
    ('abm_coverage_result', $q$(SELECT @extschema@.abm_coverage(c, r, e) FROM (VALUES (1::bigint, 'champion', true),
        (2, 'economic_buyer', false), (3, 'user', true)) v(c, r, e))$q$),
    ('abm_coverage_result', $q$(SELECT @extschema@.abm_coverage(c, r, e) FROM (VALUES (NULL::bigint, NULL::text, NULL::bool)) v(c, r, e))$q$);

INSERT INTO abm_seeds.call VALUES
    ('abm_committee_coverage(bigint[], text[], bigint[], text[], double precision)',
     $q$SELECT @extschema@.abm_committee_coverage('{3,1,2,1,NULL}', '{champion,economic_buyer,user,influencer,technical_buyer}', '{4,1,1}'),
               @extschema@.abm_committee_coverage('{}', NULL, NULL, ARRAY['user'], 2),
               @extschema@.abm_committee_coverage(ARRAY(SELECT i FROM pg_catalog.generate_series(300, 1, -1) i), NULL,
                                                  ARRAY(SELECT i FROM pg_catalog.generate_series(1, 300, 3) i))$q$),
    ('abm_icp_fit(jsonb, jsonb)',
     $q$SELECT @extschema@.abm_icp_fit('{"employees": 800, "uses_crm": true, "firmo": {"industry": "software"}, "tags": ["a", 3]}',
        '{"criteria": [{"attribute": "employees", "eq": 800}, {"attribute": "uses_crm", "eq": true},
                       {"attribute": ["firmo", "industry"], "eq": "software"}, {"attribute": "tags", "contains": [3]},
                       {"attribute": ["hq", "city"], "eq": "paris"}]}')$q$),
    ('abm_is_mqa(double precision, integer, double precision, double precision, integer, double precision)',
     'SELECT @extschema@.abm_is_mqa(120, 3, 0.8, 100, 2, 0.5), @extschema@.abm_is_mqa(120, 1, 0.8, 100, 2, 0.5)');

-- Revenue (pipeline.sql, deal_cycle.sql, acv.sql, influenced.sql).
INSERT INTO abm_seeds.agg_input
SELECT a, q FROM (VALUES ('abm_pipeline(numeric, timestamp with time zone, timestamp with time zone, boolean)'),
                         ('abm_pipeline_velocity(numeric, timestamp with time zone, timestamp with time zone, boolean)')) a(a),
LATERAL (VALUES
    ($q$SELECT m, c, d, w FROM (VALUES (1000.00::numeric, '2026-01-01 00:00+00'::timestamptz, '2026-02-15 12:00+00'::timestamptz, true),
        (500.50, '2026-01-05 00:00+00', '2026-03-01 00:00+00', false), (250.25, '2026-02-01 00:00+00', NULL, NULL),
        (NULL, '2026-02-01 00:00+00', '2026-02-02 00:00+00', true), (0, '2026-01-01 00:00+00', '2026-01-01 00:00+00', true)) v(m, c, d, w)$q$),
    ($q$SELECT (i * 37 % 1000)::numeric + 0.01, '2026-01-01 00:00+00'::timestamptz + i * interval '1 day',
        '2026-01-01 00:00+00'::timestamptz + i * interval '1 day' + (i % 90) * interval '1 day', i % 3 = 0
        FROM pg_catalog.generate_series(1, 200) i$q$)) b(q);

INSERT INTO abm_seeds.agg_input
SELECT a, q FROM (VALUES ('abm_deal_cycle(timestamp with time zone, timestamp with time zone)'),
                         ('abm_deal_cycle_length(timestamp with time zone, timestamp with time zone)')) a(a),
LATERAL (VALUES
    ($q$SELECT s, e FROM (VALUES ('2026-01-01 00:00+00'::timestamptz, '2026-02-01 00:00+00'::timestamptz),
        ('2026-01-10 00:00+00', '2026-01-10 06:00+00'), ('2026-01-01 00:00+00', NULL), ('2025-06-01 00:00+00', '2026-06-01 00:00+00')) v(s, e)$q$),
    ($q$SELECT '2026-01-01 00:00+00'::timestamptz, '2026-01-01 00:00+00'::timestamptz + (i * 7 % 180) * interval '1 day'
        FROM pg_catalog.generate_series(1, 300) i$q$)) b(q);

INSERT INTO abm_seeds.agg_input VALUES
    ('abm_acv(numeric, date, date)',
     $q$SELECT m, s, e FROM (VALUES (12000.00::numeric, '2026-01-01'::date, '2026-12-31'::date),
        (30000, '2026-01-01', '2028-12-31'), (500, '2026-03-01', '2026-03-31'), (NULL, '2026-01-01', '2026-12-31')) v(m, s, e)$q$),
    ('abm_influenced(timestamp with time zone, timestamp with time zone, interval)',
     $q$SELECT t, c, interval '90 days' FROM (VALUES ('2026-01-01 00:00+00'::timestamptz, '2026-02-01 00:00+00'::timestamptz),
        ('2025-06-01 00:00+00', '2026-02-01 00:00+00'), ('2026-03-01 00:00+00', '2026-02-01 00:00+00'), (NULL, '2026-02-01 00:00+00')) v(t, c)$q$);

INSERT INTO abm_seeds.type_value VALUES
    ('abm_pipeline_result', $q$(SELECT @extschema@.abm_pipeline(m, c, d, w) FROM (VALUES (1000.00::numeric, '2026-01-01 00:00+00'::timestamptz,
        '2026-02-15 12:00+00'::timestamptz, true), (500.50, '2026-01-05 00:00+00', '2026-03-01 00:00+00', false),
        (250.25, '2026-02-01 00:00+00', NULL, NULL)) v(m, c, d, w))$q$),
    ('abm_cycle_result', $q$(SELECT @extschema@.abm_deal_cycle(s, e) FROM (VALUES ('2026-01-01 00:00+00'::timestamptz,
        '2026-02-01 00:00+00'::timestamptz), ('2026-01-10 00:00+00', '2026-01-10 06:00+00'), ('2025-06-01 00:00+00', '2026-06-01 00:00+00')) v(s, e))$q$);

-- Journeys and funnels (journey.sql, window_funnel.sql, retention.sql).
INSERT INTO abm_seeds.type_value VALUES
    ('abm_journey', $q$(SELECT @extschema@.abm_journey(s, t) FROM (VALUES ('target', '2026-01-01 00:00+00'::timestamptz),
        ('engaged', '2026-01-10 08:00+00'), ('won', '2026-03-01 00:00+00'), ('engaged', '2026-01-05 00:00+00')) v(s, t))$q$),
    ('abm_journey', $q$(SELECT @extschema@.abm_journey(s, t, ARRAY['lead', 'mql', 'sql', 'customer']) FROM (VALUES
        ('mql', '2026-01-01 00:00+00'::timestamptz), ('customer', '2026-04-01 00:00+00')) v(s, t))$q$),
    ('abm_journey', $q$(SELECT @extschema@.abm_journey(s, t) FROM (VALUES ('expanded', '2026-06-01 00:00+00'::timestamptz)) v(s, t))$q$);

INSERT INTO abm_seeds.agg_input VALUES
    ('abm_journey(text, timestamp with time zone)',
     $q$SELECT s, t FROM (VALUES ('target', '2026-01-01 00:00+00'::timestamptz), ('engaged', '2026-01-10 08:00+00'),
        (NULL, '2026-01-11 00:00+00'), ('opportunity', NULL), ('won', '2026-03-01 00:00+00'), ('retained', '2027-03-01 00:00+00'),
        ('expanded', '2027-06-01 00:00+00'), ('target', '2025-12-01 00:00+00')) v(s, t)$q$),
    ('abm_journey(text, timestamp with time zone, text[])',
     $q$SELECT s, t, ARRAY['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 's12', 's13', 's14', 's15', 's16']
        FROM (VALUES ('s1', '2026-01-01 00:00+00'::timestamptz), ('s16', '2026-05-01 00:00+00'), ('s8', '2026-02-01 00:00+00')) v(s, t)$q$),
    ('abm_rollup(abm_journey)',
     $q$SELECT @extschema@.abm_journey(s, t) FROM (VALUES ('target', '2026-01-01 00:00+00'::timestamptz, 1),
        ('engaged', '2026-01-10 08:00+00', 2), ('won', '2026-03-01 00:00+00', 2), ('target', '2025-12-01 00:00+00', 3)) v(s, t, g) GROUP BY g$q$),
    ('abm_retention(boolean[])',
     $q$SELECT c FROM (VALUES (ARRAY[true, false, true]), (ARRAY[false, true, true]), (ARRAY[true, true, NULL]), (NULL)) v(c)$q$),
    ('abm_retention(boolean[])',
     $q$SELECT ARRAY[i % 2 = 0, i % 3 = 0, i % 5 = 0, true, false, i % 7 = 0] FROM pg_catalog.generate_series(1, 100) i$q$);

INSERT INTO abm_seeds.agg_input
SELECT a, replace(q, '@mode@', m) FROM (VALUES
    ('abm_window_funnel(interval, timestamp with time zone, boolean[])', ''),
    ('abm_window_funnel(interval, text, timestamp with time zone, boolean[])', $q$'strict_order', $q$),
    ('abm_window_funnel_times(interval, timestamp with time zone, boolean[])', ''),
    ('abm_window_funnel_times(interval, text, timestamp with time zone, boolean[])', $q$'strict_deduplication,strict_increase', $q$)) a(a, m),
LATERAL (VALUES
    ($q$SELECT interval '7 days', @mode@ t, ARRAY[e = 1, e = 2, e = 3, e = 4] FROM (VALUES ('2026-01-01 00:00+00'::timestamptz, 1),
        ('2026-01-02 00:00+00', 2), ('2026-01-02 00:00+00', 2), ('2026-01-05 00:00+00', 3), ('2026-01-20 00:00+00', 4), (NULL, 1)) v(t, e)$q$),
    ($q$SELECT interval '2 days', @mode@ '2026-01-01 00:00+00'::timestamptz + i * interval '5 hours',
        ARRAY[i % 4 = 0, i % 4 = 1, i % 4 = 2, i % 4 = 3, i % 9 = 0] FROM pg_catalog.generate_series(1, 120) i$q$)) b(q);

INSERT INTO abm_seeds.agg_input
SELECT a, replace(q, '@mode@', m) FROM (VALUES
    ('abm_window_funnel(interval, timestamp with time zone, text, text[])', ''),
    ('abm_window_funnel(interval, text, timestamp with time zone, text, text[])', $q$'strict_order', $q$),
    ('abm_window_funnel_times(interval, timestamp with time zone, text, text[])', ''),
    ('abm_window_funnel_times(interval, text, timestamp with time zone, text, text[])', $q$'strict_deduplication,strict_increase', $q$)) a(a, m),
LATERAL (VALUES
    ($q$SELECT interval '7 days', @mode@ t, e, ARRAY['visit', 'form', 'meeting', 'visit'] FROM (VALUES ('2026-01-01 00:00+00'::timestamptz, 'visit'),
        ('2026-01-02 00:00+00', 'form'), ('2026-01-02 00:00+00', 'form'), ('2026-01-05 00:00+00', NULL), ('2026-01-20 00:00+00', 'meeting'), (NULL, 'visit')) v(t, e)$q$),
    ($q$SELECT interval '2 days', @mode@ '2026-01-01 00:00+00'::timestamptz + i * interval '5 hours',
        (ARRAY['a', 'b', 'c', 'd', 'e'])[1 + i % 5], ARRAY['a', 'b', NULL, 'c', 'd'] FROM pg_catalog.generate_series(1, 120) i$q$)) b(q);

INSERT INTO abm_seeds.call
SELECT f, 'WITH j(v) AS (SELECT ' || (SELECT expr FROM abm_seeds.type_value WHERE type_name = 'abm_journey' LIMIT 1) || ') ' || q
FROM (VALUES
    ('abm_stage(abm_journey)', 'SELECT @extschema@.abm_stage(v) FROM j'),
    ('abm_entered(abm_journey, text)', $q$SELECT @extschema@.abm_entered(v, 'engaged'), @extschema@.abm_entered(v, 'opportunity') FROM j$q$),
    ('abm_journey_before(abm_journey, timestamp with time zone)',
     $q$SELECT @extschema@.abm_journey_before(v, '2026-02-01'), @extschema@.abm_journey_before(v, 'infinity'),
               @extschema@.abm_journey_before(v, '-infinity') FROM j$q$),
    ('abm_journey_merge(abm_journey, abm_journey)', 'SELECT @extschema@.abm_journey_merge(v, v) FROM j')
) c(f, q);

-- Sequences and paths (sequence.sql, paths.sql).
INSERT INTO abm_seeds.agg_input
SELECT a, replace(q, '@pattern@', p) FROM (VALUES
    ('abm_sequence_match(text, timestamp with time zone, boolean[])', $q$'(?1).*(?2)(?t<=86400)(?3)'$q$),
    ('abm_sequence_count(text, timestamp with time zone, boolean[])', $q$'(?1)(?t>3600)(?2)'$q$),
    ('abm_sequence_match_events(text, timestamp with time zone, boolean[])', $q$'.*(?1).(?2).*(?3)(?t==0)(?4)'$q$)) a(a, p),
LATERAL (VALUES
    ($q$SELECT @pattern@, t, ARRAY[e = 1, e = 2, e = 3, e = 4] FROM (VALUES ('2026-01-01 00:00+00'::timestamptz, 1),
        ('2026-01-02 00:00+00', 2), ('2026-01-02 00:00+00', 2), ('2026-01-02 01:00+00', 3), ('2026-01-02 01:00+00', 4),
        ('2026-01-20 00:00+00', 0), (NULL, 1)) v(t, e)$q$),
    ($q$SELECT @pattern@, '2026-01-01 00:00+00'::timestamptz + i * interval '5 hours',
        ARRAY[i % 4 = 0, i % 4 = 1, i % 3 = 2, i % 5 = 3] FROM pg_catalog.generate_series(1, 120) i$q$)) b(q);

INSERT INTO abm_seeds.agg_input VALUES
    ('abm_sequence_next_node(text, text, timestamp with time zone, text, boolean, boolean[])',
     $q$SELECT 'forward', 'head', t, v, b, ARRAY[v = 'a', v = 'b'] FROM (VALUES ('2026-01-01 00:00+00'::timestamptz, 'a', true),
        ('2026-01-02 00:00+00', 'b', false), ('2026-01-02 00:00+00', 'a', NULL), ('2026-01-03 00:00+00', '', true),
        ('2026-01-04 00:00+00', NULL, true)) x(t, v, b)$q$),
    ('abm_sequence_next_node(text, text, timestamp with time zone, text, boolean, boolean[])',
     $q$SELECT 'backward', 'last_match', '2026-01-01 00:00+00'::timestamptz + i * interval '3 hours',
        (ARRAY['visit', 'download', 'meeting', 'chat'])[1 + i % 4], i % 3 <> 0, ARRAY[i % 4 = 1, i % 4 = 0, i % 7 = 0]
        FROM pg_catalog.generate_series(1, 90) i$q$),
    ('abm_path(integer, timestamp with time zone, text, boolean)',
     $q$SELECT 3, t, a, c FROM (VALUES ('2026-01-01 00:00+00'::timestamptz, 'web_visit', false),
        ('2026-01-02 00:00+00', 'web_visit', false), ('2026-01-02 00:00+00', 'chat', NULL), ('2026-01-05 00:00+00', 'meeting_booked', true),
        (NULL, 'ad_click', false), ('2026-01-06 00:00+00', NULL, false)) v(t, a, c)$q$),
    ('abm_path(integer, timestamp with time zone, text, boolean)',
     $q$SELECT 5, '2026-01-01 00:00+00'::timestamptz + i * interval '7 hours',
        (ARRAY['web_visit', 'email_open', 'content_download', 'chat', 'meeting_booked'])[1 + i % 5], i % 17 = 0
        FROM pg_catalog.generate_series(1, 100) i$q$),
    ('abm_path(integer, timestamp with time zone, text, boolean, boolean)',
     $q$SELECT 2, t, a, a = 'meeting_booked', a = 'content_download' FROM (VALUES ('2026-01-01 00:00+00'::timestamptz, 'web_visit'),
        ('2026-01-02 00:00+00', 'content_download'), ('2026-01-03 00:00+00', 'chat'), ('2026-01-04 00:00+00', 'meeting_booked')) v(t, a)$q$),
    ('abm_path(integer, timestamp with time zone, text, boolean, boolean)',
     $q$SELECT 4, '2026-01-01 00:00+00'::timestamptz + i * interval '11 hours',
        (ARRAY['web_visit', 'webinar_attended', 'email_click', 'meeting_booked'])[1 + i % 4], i % 13 = 0, i % 9 = 0
        FROM pg_catalog.generate_series(1, 80) i$q$);

INSERT INTO abm_seeds.type_value VALUES
    ('abm_path_result', $q$(SELECT @extschema@.abm_path(3, t, a, a = 'meeting_booked') FROM (VALUES ('2026-01-01 00:00+00'::timestamptz,
        'web_visit'), ('2026-01-03 00:00+00', 'chat'), ('2026-01-04 12:00+00', 'meeting_booked')) v(t, a))$q$);

INSERT INTO abm_seeds.call VALUES
    ('abm_paths(abm_path_result[])',
     $q$SELECT * FROM @extschema@.abm_paths(ARRAY[('{web_visit,chat}', true, 2.5), ('{web_visit,chat}', false, NULL),
        ('{}', true, NULL), NULL]::@extschema@.abm_path_result[])$q$);

-- Funnels (funnel.sql).
CREATE VIEW abm_seeds.stage_history AS
    SELECT * FROM (VALUES (1::bigint, 'target'::text, '2026-01-01 00:00+00'::timestamptz), (1, 'engaged', '2026-01-03 00:00+00'),
        (1, 'won', '2026-02-01 00:00+00'), (2, 'target', '2026-01-02 00:00+00'), (2, 'opportunity', '2026-01-20 00:00+00'),
        (3, 'engaged', '2026-01-01 00:00+00'), (3, 'target', '2026-01-05 00:00+00')) v(account_id, stage, entered_at);

INSERT INTO abm_seeds.type_value VALUES
    ('abm_funnel', $q$(SELECT @extschema@.abm_funnel(j) FROM (SELECT @extschema@.abm_journey(stage, entered_at) AS j
        FROM abm_seeds.stage_history GROUP BY account_id) x)$q$),
    ('abm_funnel', $q$'[lead, "closed won"] {lead: 3, "closed won": 2 (12.5 0.25)}'::@extschema@.abm_funnel$q$),
    ('abm_funnel', $q$(SELECT @extschema@.abm_funnel(j) FROM (SELECT @extschema@.abm_journey('target', '2026-01-01 00:00+00'::timestamptz) AS j) x)$q$);

INSERT INTO abm_seeds.agg_input VALUES
    ('abm_funnel(abm_journey)',
     $q$SELECT @extschema@.abm_journey(stage, entered_at) FROM abm_seeds.stage_history GROUP BY account_id
        UNION ALL SELECT NULL::@extschema@.abm_journey$q$),
    ('abm_funnel(abm_journey)',
     $q$SELECT @extschema@.abm_journey((ARRAY['target', 'engaged', 'opportunity', 'won', 'retained', 'expanded'])[1 + i % 6],
        '2026-01-01 00:00+00'::timestamptz + i * interval '1 day') FROM pg_catalog.generate_series(1, 150) i GROUP BY i % 37$q$),
    ('abm_rollup(abm_funnel)',
     $q$SELECT @extschema@.abm_funnel(j) FROM (SELECT account_id, @extschema@.abm_journey(stage, entered_at) AS j
        FROM abm_seeds.stage_history GROUP BY account_id) x GROUP BY account_id % 2$q$);

INSERT INTO abm_seeds.call
SELECT f, 'WITH fu(v) AS (SELECT ' || (SELECT expr FROM abm_seeds.type_value WHERE type_name = 'abm_funnel' LIMIT 1) || ') ' || q
FROM (VALUES
    ('abm_funnel_steps(abm_funnel)', 'SELECT s.* FROM fu, @extschema@.abm_funnel_steps(fu.v) s'),
    ('abm_funnel_merge(abm_funnel, abm_funnel)', 'SELECT @extschema@.abm_funnel_merge(v, v) FROM fu')
) c(f, q);

INSERT INTO abm_seeds.call VALUES
    ('abm_funnel_steps(regclass, name, name, name, text[])',
     $q$SELECT * FROM @extschema@.abm_funnel_steps('abm_seeds.stage_history', 'account_id', 'stage', 'entered_at')$q$),
    ('abm_funnel_report(integer[], text[])',
     $q$SELECT * FROM @extschema@.abm_funnel_report(ARRAY[0, 1, 2, 2, 3, NULL], ARRAY['visit', 'demo', 'trial'])$q$);

-- Attribution (attribution.sql, view_through.sql).
INSERT INTO abm_seeds.agg_input VALUES
    ('abm_view_through(timestamp with time zone, boolean, boolean, boolean, interval)',
     $q$SELECT t, i, c, v, interval '7 days' FROM (VALUES ('2026-01-01 00:00+00'::timestamptz, true, false, false),
        ('2026-01-02 00:00+00', false, true, false), ('2026-01-04 00:00+00', false, false, true), ('2026-01-05 00:00+00', true, false, false),
        ('2026-01-20 00:00+00', false, false, true), (NULL, true, false, false), ('2026-01-06 00:00+00', NULL, NULL, NULL)) x(t, i, c, v)$q$),
    ('abm_view_through(timestamp with time zone, boolean, boolean, boolean, interval)',
     $q$SELECT '2026-01-01 00:00+00'::timestamptz + i * interval '9 hours', i % 3 = 0, i % 7 = 0, i % 11 = 0, interval '3 days'
        FROM pg_catalog.generate_series(1, 150) i$q$);

INSERT INTO abm_seeds.call VALUES
    ('abm_attribution_credit(text, integer, integer)',
     $q$SELECT m, p, @extschema@.abm_attribution_credit(m, p, 4)
        FROM (VALUES ('first_touch'), ('last_touch'), ('linear'), ('u_shaped')) a(m), (VALUES (1), (2), (4)) b(p)$q$),
    ('abm_attribution_credit(text, integer, integer, integer, integer)',
     $q$SELECT p, @extschema@.abm_attribution_credit('w_shaped', p, 5, 2, 4) FROM (VALUES (1), (2), (3), (4), (5)) b(p)$q$),
    ('abm_attribution_credit(text, integer, integer, integer, integer, integer)',
     $q$SELECT p, @extschema@.abm_attribution_credit('full_path', p, 7, 2, 4, 6) FROM (VALUES (1), (2), (3), (6), (7)) b(p)$q$),
    ('abm_attribute(text, bigint[], timestamp with time zone[], timestamp with time zone, interval, timestamp with time zone, timestamp with time zone)',
     $q$SELECT * FROM @extschema@.abm_attribute('time_decay', '{1,2,3}', '{2026-01-01 00:00+00, 2026-01-05 00:00+00, 2026-01-09 00:00+00}',
        '2026-01-10 00:00+00', '7 days')$q$),
    ('abm_attribute(text, bigint[], timestamp with time zone[], timestamp with time zone, interval, timestamp with time zone, timestamp with time zone)',
     $q$SELECT * FROM @extschema@.abm_attribute('w_shaped', '{11,12,13,14}', '{2026-01-01 00:00+00, 2026-01-03 00:00+00, 2026-01-05 00:00+00, 2026-01-07 00:00+00}',
        '2026-01-10 00:00+00', '7 days', '2026-01-03 00:00+00', '2026-01-05 00:00+00')$q$);

-- The window forms of abm_attribution_credit, over one conversion's touches.
INSERT INTO abm_seeds.call
SELECT f, $q$SELECT k, $q$ || c || $q$ OVER (PARTITION BY g ORDER BY t, k)
        FROM (VALUES (1, 1, '2026-01-01 00:00+00'::timestamptz), (1, 2, '2026-01-04 00:00+00'), (1, 3, '2026-01-04 00:00+00'),
                     (1, 4, '2026-01-12 00:00+00'), (2, 5, NULL)) v(g, k, t)$q$
FROM (VALUES
    ('abm_attribution_credit(text, timestamp with time zone, timestamp with time zone)',
     $q$@extschema@.abm_attribution_credit('u_shaped', t, '2026-01-10 00:00+00')$q$),
    ('abm_attribution_credit(text, timestamp with time zone, timestamp with time zone, interval)',
     $q$@extschema@.abm_attribution_credit('time_decay', t, '2026-01-10 00:00+00', '2 days')$q$),
    ('abm_attribution_credit(text, timestamp with time zone, timestamp with time zone, timestamp with time zone, timestamp with time zone)',
     $q$@extschema@.abm_attribution_credit('w_shaped', t, '2026-01-10 00:00+00', '2026-01-02 00:00+00', '2026-01-05 00:00+00')$q$),
    ('abm_attribution_credit(text, timestamp with time zone, timestamp with time zone, interval, timestamp with time zone, timestamp with time zone)',
     $q$@extschema@.abm_attribution_credit('full_path', t, '2026-01-10 00:00+00', '7 days', '2026-01-02 00:00+00', '2026-01-05 00:00+00')$q$)
) w(f, c);

-- Data-driven attribution and lift (markov.sql, shapley.sql, lift.sql).
CREATE VIEW abm_seeds.journeys AS
    SELECT * FROM (VALUES (1::bigint, ARRAY['google ads']::text[], true), (2, ARRAY['google ads'], true), (3, ARRAY['mailing'], true),
        (4, ARRAY['google ads', 'mailing'], true), (5, ARRAY['google ads'], false), (6, ARRAY['web', NULL, 'web', 'email', 'web'], false),
        (7, ARRAY['email', 'web', 'events'], true), (8, ARRAY[]::text[], true), (9, NULL, true), (10, ARRAY['say "hi"\'], NULL)) v(account_id, path, converted);

INSERT INTO abm_seeds.type_value VALUES
    ('abm_markov', $q$(SELECT @extschema@.abm_markov_attribution(path, converted) FROM abm_seeds.journeys)$q$),
    ('abm_markov', $q$(SELECT @extschema@.abm_markov_attribution(path, converted, 3) FROM abm_seeds.journeys)$q$),
    ('abm_markov', $q$'{order: 2, channels: {"a": 1, "b\"\\c": 0}, transitions: {start > "a": 2, "a" > "b\"\\c": 1, "a" > conversion: 1, ("a", "b\"\\c") > null: 1}}'::@extschema@.abm_markov$q$),
    ('abm_markov', $q$'{order: 1, channels: {}, transitions: {}}'::@extschema@.abm_markov$q$),
    ('abm_shapley', $q$(SELECT @extschema@.abm_shapley_attribution(path, converted) FROM abm_seeds.journeys)$q$),
    ('abm_shapley', $q$'{"a": 1/3, ("a", "b\"c"): 4/10, ("x", "y", "z"): 0/1}'::@extschema@.abm_shapley$q$),
    ('abm_shapley', $q$(SELECT @extschema@.abm_shapley_attribution(ARRAY['c' || (i % 16), 'c' || (i % 5)], i % 3 = 0)
        FROM pg_catalog.generate_series(1, 200) i)$q$),
    ('abm_lift_result', $q$(SELECT @extschema@.abm_lift(t, c) FROM (VALUES (true, true), (true, false), (false, false), (false, true), (false, false)) v(t, c))$q$),
    ('abm_lift_result', $q$(SELECT @extschema@.abm_lift(t, c) FROM (VALUES (true, false), (false, false)) v(t, c))$q$);

INSERT INTO abm_seeds.agg_input
SELECT a, q FROM (VALUES ('abm_markov_attribution(text[], boolean)', ''),
                         ('abm_markov_attribution(text[], boolean, integer)', ', 2'),
                         ('abm_shapley_attribution(text[], boolean)', '')) a(a, x),
LATERAL (VALUES
    ('SELECT path, converted' || x || ' FROM abm_seeds.journeys'),
    ($q$SELECT ARRAY(SELECT 'ch' || ((i * k) % 12) FROM pg_catalog.generate_series(1, 1 + i % 9) k), i % 4 = 0$q$ || x
        || $q$ FROM pg_catalog.generate_series(1, 160) i$q$)) b(q);
INSERT INTO abm_seeds.agg_input VALUES
    ('abm_rollup(abm_markov)',
     $q$SELECT @extschema@.abm_markov_attribution(path, converted) FROM abm_seeds.journeys GROUP BY account_id % 3$q$),
    ('abm_rollup(abm_shapley)',
     $q$SELECT @extschema@.abm_shapley_attribution(path, converted) FROM abm_seeds.journeys GROUP BY account_id % 3$q$),
    ('abm_lift(boolean, boolean)',
     $q$SELECT t, c FROM (VALUES (true, true), (true, false), (NULL, true), (false, NULL), (false, false), (false, true), (true, true)) v(t, c)$q$),
    ('abm_lift(boolean, boolean)',
     $q$SELECT i % 3 = 0, i % 7 < 2 FROM pg_catalog.generate_series(1, 200) i$q$),
    ('abm_lift(boolean, boolean, double precision)',
     $q$SELECT t, c, 0.9::float8 FROM (VALUES (true, true), (true, false), (false, false), (false, true)) v(t, c)$q$),
    ('abm_lift(boolean, boolean, double precision)',
     $q$SELECT i % 2 = 0, i % 5 = 0, 0.99::float8 FROM pg_catalog.generate_series(1, 120) i$q$);

INSERT INTO abm_seeds.call VALUES
    ('abm_markov_credits(abm_markov)',
     $q$SELECT c.* FROM (SELECT @extschema@.abm_markov_attribution(path, converted, k) AS m FROM abm_seeds.journeys,
        (VALUES (1), (2), (3)) o(k) GROUP BY k) x, @extschema@.abm_markov_credits(x.m) c$q$),
    ('abm_markov_merge(abm_markov, abm_markov)',
     $q$SELECT @extschema@.abm_markov_merge(m, m) FROM (SELECT @extschema@.abm_markov_attribution(path, converted) AS m FROM abm_seeds.journeys) x$q$),
    ('abm_shapley_credits(abm_shapley)',
     $q$SELECT c.* FROM (SELECT @extschema@.abm_shapley_attribution(path, converted) AS s FROM abm_seeds.journeys) x,
        @extschema@.abm_shapley_credits(x.s) c$q$),
    ('abm_shapley_merge(abm_shapley, abm_shapley)',
     $q$SELECT @extschema@.abm_shapley_merge(s, s) FROM (SELECT @extschema@.abm_shapley_attribution(path, converted) AS s FROM abm_seeds.journeys) x$q$);

-- The report's pass over touches (report_touches.sql): steps, contacts of
-- every kind of set, costs, a win, opportunities a touch influences.
INSERT INTO abm_seeds.agg_input VALUES
    ('abm_report_touches(bigint, timestamp with time zone, text, bigint, numeric, bigint[], bigint[], timestamp with time zone[], bigint[], timestamp with time zone[], timestamp with time zone[], numeric[], timestamp with time zone[], timestamp with time zone[], timestamp with time zone[], interval, text[], interval, interval, interval)',
     $q$SELECT 7::bigint, t::timestamptz, a, c::bigint, k::numeric, '{7}'::bigint[], '{7}'::bigint[],
               '{NULL,2025-05-01}'::timestamptz[], '{7,7,7}'::bigint[],
               '{2025-02-01,2025-06-15,2025-06-20}'::timestamptz[], '{2024-11-03,2025-03-17,NULL}'::timestamptz[],
               '{1000.50,NULL,20}'::numeric[], '{2025-01-01,2025-04-01,2025-07-01}'::timestamptz[],
               '{2024-12-25,2025-03-25}'::timestamptz[], '{2025-02-25,2025-05-27}'::timestamptz[],
               '30 days'::interval, NULL::text[], '7 days'::interval, '7 days'::interval, '28 days'::interval
        FROM (VALUES ('2024-12-20', 'ad_impression', NULL, 0.02), ('2025-01-03', 'ad_impression', NULL, 0.02),
                     ('2025-01-04', 'form_fill', 11, NULL), ('2025-01-10', 'Email_Open', 11, NULL),
                     ('2025-01-11', 'email_click', 12, NULL), ('2025-02-02', 'meeting_booked', 13, 120),
                     ('2025-03-30', 'web_visit', NULL, NULL), ('2025-04-02', 'ad_click', NULL, 1.5),
                     ('2025-04-03', 'web_visit', 11, NULL), (NULL, 'chat', 14, NULL),
                     ('2025-06-29', 'third_party_intent', NULL, NULL), ('2025-06-30', 'high_value_page_visit', 15, NULL),
                     ('2025-05-01', 'call', 16, -3), ('2025-06-01', NULL, NULL, NULL)) v(t, a, c, k)$q$),
    ('abm_report_touches(bigint, timestamp with time zone, text, bigint, numeric, bigint[], bigint[], timestamp with time zone[], bigint[], timestamp with time zone[], timestamp with time zone[], numeric[], timestamp with time zone[], timestamp with time zone[], timestamp with time zone[], interval, text[], interval, interval, interval)',
     $q$SELECT 3::bigint, timestamptz '2025-01-01' + i * interval '7 hours',
               (ARRAY['ad_impression', 'ad_click', 'email_open', 'email_click', 'web_visit', 'form_fill', 'chat'])[1 + i % 7],
               (i % 11)::bigint, (i % 5)::numeric / 4, '{3,4,3}'::bigint[], NULL::bigint[], NULL::timestamptz[],
               '{3,3}'::bigint[], ARRAY[timestamptz '2025-02-01', timestamptz '2025-03-01'],
               ARRAY[timestamptz '2025-01-02', timestamptz '2025-01-30'], ARRAY[5000, 7000.25]::numeric[],
               '{2025-01-01,2025-02-01,2025-03-01,2025-04-01}'::timestamptz[],
               '{2024-12-30,2025-01-30,2025-02-27}'::timestamptz[], '{2025-01-19,2025-02-16,2025-03-19}'::timestamptz[],
               '14 days'::interval, '{email_open,web_visit}'::text[], '2 days'::interval, '3 days'::interval,
               '10 days'::interval
        FROM pg_catalog.generate_series(1, 300) i$q$);

INSERT INTO abm_seeds.type_value VALUES
    ('abm_report_account', $q$(SELECT (@extschema@.abm_report_touches(1, t, a, c, NULL, NULL, NULL, NULL, '{1}', '{2025-03-01}',
            '{2024-12-01}', '{10.5}', '{2025-01-01,2025-07-01}', '{2024-12-25}', '{2025-05-27}', '30 days', NULL, '7 days', '7 days',
            '28 days'))[1]
        FROM (VALUES ('2025-02-01'::timestamptz, 'ad_impression', NULL::bigint), ('2025-02-02', 'form_fill', 7),
                     ('2025-06-28', 'web_visit', 8)) v(t, a, c))$q$),
    ('abm_report_account', $q$(SELECT (@extschema@.abm_report_touches(1, t, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
            '{2025-01-01,2025-07-01}', '{2024-12-25}', '{2025-05-27}', '30 days', NULL, '7 days', '7 days',
            '28 days'))[1]
        FROM (VALUES ('2025-02-01'::timestamptz)) v(t))$q$);

-- The report's per-step sums of its pass rows (report_sums.sql): two
-- accounts of two steps, with weights and committees.
INSERT INTO abm_seeds.agg_input VALUES
    ('abm_report_sums(abm_report_accounts, integer, integer, bigint[], text[], double precision, double precision, integer, text[], double precision)',
     $q$SELECT p.r, w.copies, w.fit_ok, w.ids, w.roles, 1::float8, 0.5::float8, 1,
               '{champion,economic_buyer,technical_buyer,influencer}'::text[], 4::float8
        FROM (SELECT v.k, @extschema@.abm_report_touches(v.k, v.t, v.a, v.c, v.m, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                         '{2025-01-01,2025-04-01,2025-07-01}', '{2024-12-25,2025-03-25}', '{2025-02-25,2025-05-27}',
                         '30 days', NULL, '7 days', '7 days', '28 days') AS r
              FROM (VALUES (1::bigint, '2025-02-01'::timestamptz, 'web_visit', 11::bigint, 0.5::numeric),
                           (1, '2025-05-02', 'meeting_booked', 12, NULL), (2, '2025-03-03', 'ad_impression', NULL, 0.02),
                           (2, '2025-06-03', 'form_fill', 21, NULL)) v(k, t, a, c, m)
              GROUP BY v.k) p
             JOIN (VALUES (1::bigint, 2, 1, '{11,12,13}'::bigint[], '{champion,economic_buyer,user}'::text[]),
                          (2, 1, 0, '{21}', NULL)) w(k, copies, fit_ok, ids, roles) USING (k)$q$);

INSERT INTO abm_seeds.type_value VALUES
    ('abm_report_step_sums', $q$(SELECT (@extschema@.abm_report_sums(r, 1, 1, '{7,8}', '{champion,user}', 1, 0.5, 1,
            '{champion,economic_buyer,technical_buyer,influencer}', 4))[1]
        FROM (SELECT @extschema@.abm_report_touches(1, t, 'web_visit', 7, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                  '{2025-01-01,2025-07-01}', '{2024-12-25}', '{2025-05-27}', '30 days', NULL, '7 days', '7 days', '28 days') AS r
              FROM (VALUES ('2025-02-01'::timestamptz)) v(t)) x)$q$);

-- The report's contract KPIs (report_contracts.sql): two accounts, one
-- renewed for more, one a free pilot turned paid, over two steps.
INSERT INTO abm_seeds.agg_input VALUES
    ('abm_report_contracts(bigint, date, date, numeric, date[], interval)',
     $q$SELECT v.k, v.s, v.e, v.a, '{2025-01-01,2025-04-01,2025-07-01}'::date[], '30 days'::interval
        FROM (VALUES (1::bigint, '2024-01-01'::date, '2025-01-01'::date, 36600::numeric),
                     (1, '2025-01-01', '2026-01-01', 40000), (2, '2025-02-01', '2025-05-01', NULL),
                     (2, '2025-05-15', '2026-05-15', 12000)) v(k, s, e, a)$q$);

INSERT INTO abm_seeds.type_value VALUES
    ('abm_report_step_contracts', $q$(SELECT (@extschema@.abm_report_contracts(k, s, e, a, '{2025-01-01,2025-07-01}', '30 days'))[1]
        FROM (VALUES (1::bigint, '2024-01-01'::date, '2025-01-01'::date, 36600::numeric),
                     (1, '2025-01-01', '2026-01-01', 40000)) v(k, s, e, a))$q$);

-- Demo data (demo.sql).
INSERT INTO abm_seeds.call VALUES
    ('abm_demo_uniform(bigint, integer, bigint)',
     'SELECT @extschema@.abm_demo_uniform(1, 40, 12345), @extschema@.abm_demo_uniform(7, 1, 1)'),
    ('abm_demo_load(double precision, bigint, name, boolean)',
     $q$SELECT * FROM @extschema@.abm_demo_load(0.001, 3, 'seeds_demo', false)$q$);

-- The report (report.sql), over its own small demo data set.
INSERT INTO abm_seeds.call VALUES
    ('abm_report(regclass, regclass, regclass, regclass, regclass, regclass, regclass, timestamp with time zone, timestamp with time zone, interval, double precision, interval, numeric, jsonb, double precision, integer, double precision, interval, text[], double precision, interval, interval, interval)',
     $q$SELECT * FROM @extschema@.abm_demo_load(0.002, 4, 'seeds_report');
        SELECT * FROM @extschema@.abm_report('seeds_report.accounts', 'seeds_report.touches',
            'seeds_report.opportunities', 'seeds_report.contacts', 'seeds_report.stages',
            'seeds_report.contracts', 'seeds_report.nps_responses', '2025-01-01', '2026-01-01',
            revenue_goal => 1000000)$q$),
    ('abm_report_series(regclass, regclass, regclass, regclass, regclass, regclass, regclass, timestamp with time zone, timestamp with time zone, interval, interval, double precision, interval, numeric, jsonb, double precision, integer, double precision, interval, text[], double precision, interval, interval, interval)',
     $q$SELECT * FROM @extschema@.abm_demo_load(0.002, 4, 'seeds_series');
        SELECT * FROM @extschema@.abm_report_series('seeds_series.accounts', 'seeds_series.touches',
            'seeds_series.opportunities', 'seeds_series.contacts', 'seeds_series.stages',
            'seeds_series.contracts', 'seeds_series.nps_responses', '2025-01-01', '2025-07-01', '3 months')$q$),
    ('abm_report_has_column(regclass, name, text)',
     $q$SELECT @extschema@.abm_report_has_column('pg_catalog.pg_class', 'relname', 'a KPI'),
               @extschema@.abm_report_has_column('pg_catalog.pg_class', 'no_such_column', 'a KPI')$q$),
    ('abm_report_p_value(double precision)',
     'SELECT @extschema@.abm_report_p_value(0.0048849123), @extschema@.abm_report_p_value(8.1093e-9), @extschema@.abm_report_p_value(0)'),
    ('abm_report_relation(regclass, name[], text)',
     $q$SELECT @extschema@.abm_report_relation('pg_catalog.pg_class', '{relname,relkind}', 'a KPI'),
               @extschema@.abm_report_relation('pg_catalog.pg_class', '{relname,nope}', 'a KPI')$q$),
    ('abm_report_steps(regclass, regclass, regclass, regclass, regclass, regclass, regclass, timestamp with time zone[], interval, double precision, interval, numeric, jsonb, double precision, integer, double precision, interval, text[], double precision, interval, interval, interval)',
     $q$SELECT * FROM @extschema@.abm_demo_load(0.002, 4, 'seeds_steps');
        SELECT * FROM @extschema@.abm_report_steps('seeds_steps.accounts', 'seeds_steps.touches',
            'seeds_steps.opportunities', 'seeds_steps.contacts', 'seeds_steps.stages',
            'seeds_steps.contracts', 'seeds_steps.nps_responses', '{2025-01-01,2025-04-01,2025-07-01}',
            '30 days', 10, '90 days', NULL, NULL, 30, 3, 0.5, '30 days', NULL, 6.8, '7 days', '7 days', '28 days')$q$);
