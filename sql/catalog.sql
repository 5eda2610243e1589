-- The extension's catalog entries (naming and documentation rules):
-- every object that belongs to the extension has a COMMENT ON, and every
-- named one starts with abm_.  Both lists must be empty; the second half
-- shows that each query does find an offender.

-- Objects of the extension: pg_depend rows of deptype 'e' on its
-- pg_extension row (functions, aggregates, types, casts, operators, operator
-- classes and families, ...).
CREATE TEMP VIEW ext_members AS
SELECT d.classid, d.objid, pg_describe_object(d.classid, d.objid, 0) AS object
FROM pg_depend d
JOIN pg_extension e ON d.refclassid = 'pg_extension'::regclass AND d.refobjid = e.oid
WHERE e.extname = 'abm' AND d.deptype = 'e';

-- The implicit array type of each type (abm_funnel[]) is a member of its
-- own on newer PostgreSQL versions (18) and is documented by its element.
CREATE TEMP VIEW undocumented AS
SELECT m.object
FROM ext_members m
WHERE NOT (m.classid = 'pg_type'::regclass
           AND EXISTS (SELECT FROM pg_type t WHERE t.oid = m.objid AND t.typcategory = 'A'))
  AND NOT EXISTS (SELECT FROM pg_description c
                  WHERE c.classoid = m.classid AND c.objoid = m.objid
                    AND c.objsubid = 0 AND btrim(c.description) <> '');

-- Operators and casts have no name of their own; array types are named
-- _<element>.
CREATE TEMP VIEW misnamed AS
SELECT m.object
FROM ext_members m
LEFT JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
LEFT JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
LEFT JOIN pg_opclass oc ON m.classid = 'pg_opclass'::regclass AND oc.oid = m.objid
LEFT JOIN pg_opfamily ofam ON m.classid = 'pg_opfamily'::regclass AND ofam.oid = m.objid
LEFT JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
WHERE coalesce(p.proname, ltrim(t.typname, '_'), oc.opcname, ofam.opfname, c.relname)
      NOT LIKE 'abm\_%';

SELECT count(*) > 0 AS extension_has_members FROM ext_members;
SELECT object AS undocumented FROM undocumented ORDER BY 1;
SELECT object AS misnamed FROM misnamed ORDER BY 1;

-- The queries find offenders: an undocumented, misnamed function joined to
-- the extension shows up in both lists, and disappears once commented and
-- removed.
CREATE FUNCTION catalog_probe(int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $1';
ALTER EXTENSION abm ADD FUNCTION catalog_probe(int);
SELECT object AS undocumented FROM undocumented ORDER BY 1;
SELECT object AS misnamed FROM misnamed ORDER BY 1;
COMMENT ON FUNCTION catalog_probe(int) IS 'probe of the catalog test';
SELECT object AS undocumented FROM undocumented ORDER BY 1;
-- an empty comment counts as none
COMMENT ON FUNCTION catalog_probe(int) IS '  ';
SELECT object AS undocumented FROM undocumented ORDER BY 1;
ALTER EXTENSION abm DROP FUNCTION catalog_probe(int);
DROP FUNCTION catalog_probe(int);
SELECT object AS undocumented FROM undocumented ORDER BY 1;
SELECT object AS misnamed FROM misnamed ORDER BY 1;
