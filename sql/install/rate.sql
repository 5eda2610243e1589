-- Share-of-true rates (src/rate.c).

CREATE FUNCTION abm_rate_trans(internal, bool) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_rate_inv(internal, bool) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_rate_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE abm_rate(bool) (
    SFUNC = abm_rate_trans, STYPE = internal, SSPACE = 24,
    FINALFUNC = abm_rate_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_counters_combine,
    SERIALFUNC = abm_counters_serial, DESERIALFUNC = abm_counters_deserial,
    MSFUNC = abm_rate_trans, MINVFUNC = abm_rate_inv, MSTYPE = internal, MSSPACE = 24,
    MFINALFUNC = abm_rate_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE abm_win_rate(is_won bool) (
    SFUNC = abm_rate_trans, STYPE = internal, SSPACE = 24,
    FINALFUNC = abm_rate_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_counters_combine,
    SERIALFUNC = abm_counters_serial, DESERIALFUNC = abm_counters_deserial,
    MSFUNC = abm_rate_trans, MINVFUNC = abm_rate_inv, MSTYPE = internal, MSSPACE = 24,
    MFINALFUNC = abm_rate_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE FUNCTION abm_retention_rate(customers_start bigint, customers_end bigint, new_customers bigint)
    RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION abm_rate_trans(internal, bool) IS 'support: transition of abm_rate and abm_win_rate';
COMMENT ON FUNCTION abm_rate_inv(internal, bool) IS 'support: inverse transition of abm_rate and abm_win_rate (sliding windows)';
COMMENT ON FUNCTION abm_rate_final(internal) IS 'support: final function of abm_rate and abm_win_rate';
COMMENT ON AGGREGATE abm_rate(bool) IS 'share of true among non-NULL values, in [0, 1]; NULL when there are none';
COMMENT ON AGGREGATE abm_win_rate(bool) IS 'win rate: won / (won + lost) closed opportunities; open ones (NULL) are ignored';
COMMENT ON FUNCTION abm_retention_rate(bigint, bigint, bigint) IS 'customer retention rate: (customers at end - new customers) / customers at start';
