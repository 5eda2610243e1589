-- abm 0.1 -> 0.2 (ALTER EXTENSION abm UPDATE TO '0.2').
-- Every change of the SQL surface since 0.1, in the order it was made; a
-- fresh install of 0.2 (generated from sql/install/*.sql) must define the
-- same objects (test/tap/012_upgrade.pl compares the two catalogs).
\echo Use "ALTER EXTENSION abm UPDATE TO '0.2'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Hardening II (issue 17): honest volatility and parallel labels.
--
-- Functions that read relations named by the caller run SPI (PL/pgSQL) and
-- must stay in the leader: a temporary table as input failed in a parallel
-- plan ("cannot access temporary tables during a parallel operation").
ALTER FUNCTION abm_report_has_column(regclass, name, text) PARALLEL RESTRICTED;
ALTER FUNCTION abm_report_relation(regclass, name[], text) PARALLEL RESTRICTED;
ALTER FUNCTION abm_report(regclass, regclass, regclass, regclass, regclass, regclass, regclass,
                          timestamptz, timestamptz, interval, float8, interval, numeric, jsonb,
                          float8, int, float8) PARALLEL RESTRICTED;
ALTER FUNCTION abm_funnel_steps(regclass, name, name, name, text[]) PARALLEL RESTRICTED;
-- abm_engagement_in parses timestamptz and interval text, which depends on
-- TimeZone, DateStyle and IntervalStyle.
ALTER FUNCTION abm_engagement_in(cstring) STABLE;
