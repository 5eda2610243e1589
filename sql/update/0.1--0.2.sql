-- abm 0.1 -> 0.2 (ALTER EXTENSION abm UPDATE TO '0.2'): every change of the
-- SQL surface since 0.1.  make turns this file into sql/abm--0.1--0.2.sql,
-- replacing each "-- @include FILE" line by that file, so a capability that
-- is new or rewritten in 0.2 is defined once, in sql/install/.  A fresh
-- install of 0.2 must define the same objects (test/tap/012_upgrade.pl
-- compares the two catalogs).  When 0.2 is released the generated script is
-- frozen like sql/abm--0.1.sql.
\echo Use "ALTER EXTENSION abm UPDATE TO '0.2'" to load this file. \quit

-- Honest labels: the one-call funnel reads a relation the caller names (SPI)
-- and must stay in the leader (a temporary table as input failed in a
-- parallel plan); abm_engagement_in parses timestamptz and interval text,
-- which depends on TimeZone, DateStyle and IntervalStyle.
ALTER FUNCTION abm_funnel_steps(regclass, name, name, name, text[]) PARALLEL RESTRICTED;
ALTER FUNCTION abm_engagement_in(cstring) STABLE;

-- The moving-window support of abm_rollup(abm_engagement) is named after
-- its type, as abm_journey_mtrans and abm_funnel_mtrans are.
ALTER FUNCTION abm_rollup_mtrans(internal, abm_engagement) RENAME TO abm_engagement_mtrans;
ALTER FUNCTION abm_rollup_minv(internal, abm_engagement) RENAME TO abm_engagement_minv;
CREATE OR REPLACE FUNCTION abm_engagement_mtrans(internal, abm_engagement) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION abm_engagement_minv(internal, abm_engagement) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION abm_engagement_mtrans(internal, abm_engagement) IS 'support: moving-window transition of abm_rollup(abm_engagement)';
COMMENT ON FUNCTION abm_engagement_minv(internal, abm_engagement) IS 'support: moving-window inverse transition of abm_rollup(abm_engagement) (sliding windows in linear time)';

-- abm_rollup(abm_journey) and abm_rollup(abm_funnel) slide: their window
-- forms are new (an aggregate's support functions cannot be altered).
DROP AGGREGATE abm_rollup(abm_journey);
DROP AGGREGATE abm_rollup(abm_funnel);
-- @include sql/install/slide.sql

-- A journey as it stood before a time (the report's trend cuts each
-- account's journey at every step's end): new.
-- @include sql/install/journey_before.sql

-- The coverage of one committee given as arrays (the report's committees,
-- once per account and step): new.
-- @include sql/install/committee_coverage.sql

-- Window funnels over named steps: new.
-- @include sql/install/window_funnel_names.sql

-- Sequences (ClickHouse's sequenceMatch, sequenceCount, sequenceMatchEvents,
-- sequenceNextNode) and journey paths: new.
-- @include sql/install/sequence.sql
-- @include sql/install/paths.sql

-- Data-driven attribution (the abm_markov and abm_shapley types and their
-- aggregates) and conversion lift: new.
-- @include sql/install/markov.sql
-- @include sql/install/shapley.sql
-- @include sql/install/lift.sql

-- The report: every KPI as known at period end, new arguments, the trend
-- form; PARALLEL RESTRICTED (it reads relations the caller names).
DROP FUNCTION abm_report(regclass, regclass, regclass, regclass, regclass, regclass, regclass,
                         timestamptz, timestamptz, interval, float8, interval, numeric, jsonb, float8, int, float8);
DROP FUNCTION abm_report_relation(regclass, name[], text);
DROP FUNCTION abm_report_has_column(regclass, name, text);
-- @include sql/install/report_touches.sql
-- @include sql/install/report_sums.sql
-- @include sql/install/report_contracts.sql
-- @include sql/install/report.sql

-- Sample data: four years of history, the uplift switch.
DROP FUNCTION abm_demo_load(float8, bigint, name);
DROP FUNCTION abm_demo_uniform(bigint, int, bigint);
-- @include sql/install/demo.sql
