-- Net Promoter Score (src/nps.c).

CREATE FUNCTION abm_nps_trans(internal, int) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_nps_inv(internal, int) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_nps_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE abm_nps(score int) (
    SFUNC = abm_nps_trans, STYPE = internal, SSPACE = 24,
    FINALFUNC = abm_nps_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_counters_combine,
    SERIALFUNC = abm_counters_serial, DESERIALFUNC = abm_counters_deserial,
    MSFUNC = abm_nps_trans, MINVFUNC = abm_nps_inv, MSTYPE = internal, MSSPACE = 24,
    MFINALFUNC = abm_nps_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

COMMENT ON FUNCTION abm_nps_trans(internal, int) IS 'support: transition of abm_nps';
COMMENT ON FUNCTION abm_nps_inv(internal, int) IS 'support: inverse transition of abm_nps (sliding windows)';
COMMENT ON FUNCTION abm_nps_final(internal) IS 'support: final function of abm_nps';
COMMENT ON AGGREGATE abm_nps(int) IS 'Net Promoter Score: % promoters (9-10) - % detractors (0-6), from -100 to 100';
