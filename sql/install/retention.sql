-- ClickHouse-compatible retention (src/retention.c).

CREATE FUNCTION abm_retention_trans(bigint, bool[]) RETURNS bigint
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_retention_combine(bigint, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_retention_final(bigint) RETURNS int[]
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE abm_retention(VARIADIC conds bool[]) (
    SFUNC = abm_retention_trans, STYPE = bigint,
    FINALFUNC = abm_retention_final,
    COMBINEFUNC = abm_retention_combine,
    PARALLEL = SAFE);

COMMENT ON FUNCTION abm_retention_trans(bigint, bool[]) IS 'support: transition of abm_retention (which conditions held, and how many there are)';
COMMENT ON FUNCTION abm_retention_combine(bigint, bigint) IS 'support: combines abm_retention states';
COMMENT ON FUNCTION abm_retention_final(bigint) IS 'support: final function of abm_retention';
COMMENT ON AGGREGATE abm_retention(VARIADIC bool[]) IS 'ClickHouse retention: r[1] = condition 1 held on some row; r[k] = conditions 1 and k each held on some row (1 or 0)';
