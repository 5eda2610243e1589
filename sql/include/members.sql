\set ECHO none
-- Included by the class tests (\i sql/include/members.sql): the functions
-- and aggregates that belong to the extension (pg_depend rows of deptype
-- 'e'), so a class test covers what a later capability adds.
CREATE TEMP VIEW abm_procs AS
SELECT p.oid, p.oid::regprocedure AS fn, p.proname, p.prokind, p.prolang,
       p.proparallel, p.provolatile, p.prosrc
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'abm';
\set ECHO all
