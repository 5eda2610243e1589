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
