-- Buying-committee coverage (src/coverage.c).

CREATE TYPE abm_coverage_result AS (
    contacts int,
    engaged_contacts int,
    roles_covered text[],
    roles_missing text[],
    coverage float8,
    penetration float8
);

CREATE FUNCTION abm_coverage_trans(internal, bigint, text, bool) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_coverage_trans(internal, bigint, text, bool, text[]) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_coverage_trans(internal, bigint, text, bool, text[], float8) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_coverage_final(internal) RETURNS abm_coverage_result
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_coverage_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_coverage_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_coverage_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- SSPACE: the state (40 bytes) and, for a typical account of about ten
-- contacts, a contact array of 16 to 32 entries of 16 bytes.
CREATE AGGREGATE abm_coverage(contact_id bigint, role text, engaged bool) (
    SFUNC = abm_coverage_trans, STYPE = internal, SSPACE = 400,
    FINALFUNC = abm_coverage_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_coverage_combine,
    SERIALFUNC = abm_coverage_serial, DESERIALFUNC = abm_coverage_deserial,
    PARALLEL = SAFE);

CREATE AGGREGATE abm_coverage(contact_id bigint, role text, engaged bool, required_roles text[]) (
    SFUNC = abm_coverage_trans, STYPE = internal, SSPACE = 400,
    FINALFUNC = abm_coverage_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_coverage_combine,
    SERIALFUNC = abm_coverage_serial, DESERIALFUNC = abm_coverage_deserial,
    PARALLEL = SAFE);

CREATE AGGREGATE abm_coverage(contact_id bigint, role text, engaged bool, required_roles text[], committee_size float8) (
    SFUNC = abm_coverage_trans, STYPE = internal, SSPACE = 400,
    FINALFUNC = abm_coverage_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_coverage_combine,
    SERIALFUNC = abm_coverage_serial, DESERIALFUNC = abm_coverage_deserial,
    PARALLEL = SAFE);

COMMENT ON TYPE abm_coverage_result IS 'buying-committee coverage of a group: distinct contacts, engaged contacts, required roles covered and missing, coverage (covered / required) and penetration (engaged / committee size)';
COMMENT ON FUNCTION abm_coverage_trans(internal, bigint, text, bool) IS 'support: transition of abm_coverage';
COMMENT ON FUNCTION abm_coverage_trans(internal, bigint, text, bool, text[]) IS 'support: transition of abm_coverage with required roles';
COMMENT ON FUNCTION abm_coverage_trans(internal, bigint, text, bool, text[], float8) IS 'support: transition of abm_coverage with required roles and committee size';
COMMENT ON FUNCTION abm_coverage_final(internal) IS 'support: final function of abm_coverage';
COMMENT ON FUNCTION abm_coverage_combine(internal, internal) IS 'support: combine function of abm_coverage (parallel and partial aggregation)';
COMMENT ON FUNCTION abm_coverage_serial(internal) IS 'support: serializes an abm_coverage state';
COMMENT ON FUNCTION abm_coverage_deserial(bytea, internal) IS 'support: deserializes an abm_coverage state';
COMMENT ON AGGREGATE abm_coverage(bigint, text, bool) IS 'buying-committee coverage over the default roles (champion, economic_buyer, technical_buyer, influencer) and a committee of 6.8';
COMMENT ON AGGREGATE abm_coverage(bigint, text, bool, text[]) IS 'buying-committee coverage over the given required roles and a committee of 6.8';
COMMENT ON AGGREGATE abm_coverage(bigint, text, bool, text[], float8) IS 'buying-committee coverage over the given required roles and committee size';
