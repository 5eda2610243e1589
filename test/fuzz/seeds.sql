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
      AND e.extname = 'abm' AND d.deptype = 'e';

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
