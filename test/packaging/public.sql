-- The public objects of the installed abm extension, one row each:
-- kind ('function' or 'type'), oid, name, identity (regprocedure or
-- format_type text).  Used by check_reference.pl and client.py.
--
-- Public are the extension's objects named abm_...:
--  - types (array types, named _abm_..., follow their element type);
--  - functions, aggregates and procedures, except support functions, which
--    a user never calls by name:
--      * those with an argument or result of type internal (transition,
--        final, combine, serial and deserial functions over an internal
--        state; planner support);
--      * type I/O functions (input, output, receive, send, typmod in/out,
--        analyze);
--      * any function an aggregate uses as a support function, even over
--        a non-internal state;
--      * operator implementation and estimator functions, and operator
--        class support functions (the operator is what is documented);
--      * any other function whose COMMENT ON starts with 'support:', the
--        project's mark for helpers such as abm_demo_uniform.
WITH members AS (
    SELECT d.classid, d.objid
    FROM pg_catalog.pg_depend d
    JOIN pg_catalog.pg_extension e
      ON d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND d.refobjid = e.oid
    WHERE e.extname = 'abm' AND d.deptype = 'e'
      -- not the implicit array types, members of their own on PostgreSQL 18
      AND NOT EXISTS (SELECT FROM pg_catalog.pg_type t
                      WHERE d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass
                        AND t.oid = d.objid AND t.typcategory = 'A')),
support AS (
    SELECT unnest(ARRAY[typinput, typoutput, typreceive, typsend,
                        typmodin, typmodout, typanalyze])::oid AS fn
    FROM pg_catalog.pg_type
    UNION
    SELECT unnest(ARRAY[aggtransfn, aggfinalfn, aggcombinefn, aggserialfn,
                        aggdeserialfn, aggmtransfn, aggminvtransfn, aggmfinalfn])::oid
    FROM pg_catalog.pg_aggregate
    UNION
    SELECT unnest(ARRAY[oprcode, oprrest, oprjoin])::oid FROM pg_catalog.pg_operator
    UNION
    SELECT amproc::oid FROM pg_catalog.pg_amproc)
SELECT 'function' AS kind, p.oid, p.proname::text AS name,
       p.oid::pg_catalog.regprocedure::text AS identity
FROM pg_catalog.pg_proc p
JOIN members m ON m.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND m.objid = p.oid
WHERE p.proname LIKE 'abm\_%'
  AND p.oid NOT IN (SELECT fn FROM support WHERE fn <> 0)
  AND p.prorettype <> 'pg_catalog.internal'::pg_catalog.regtype
  AND NOT 'pg_catalog.internal'::pg_catalog.regtype = ANY (p.proargtypes::oid[])
  AND coalesce(pg_catalog.obj_description(p.oid, 'pg_proc'), '') NOT LIKE 'support:%'
UNION ALL
SELECT 'type', t.oid, t.typname::text, pg_catalog.format_type(t.oid, NULL)
FROM pg_catalog.pg_type t
JOIN members m ON m.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND m.objid = t.oid
WHERE t.typname LIKE 'abm\_%'
ORDER BY 1, 3, 4
