-- Conversion lift with a confidence interval and a p-value (src/lift.c).

CREATE TYPE abm_lift_result AS (
    treated_rate float8,
    control_rate float8,
    lift float8,
    lift_low float8,
    lift_high float8,
    p_value float8);

CREATE FUNCTION abm_lift_trans(internal, bool, bool) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_lift_trans(internal, bool, bool, float8) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_lift_inv(internal, bool, bool) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_lift_inv(internal, bool, bool, float8) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_lift_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_lift_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_lift_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_lift_final(internal) RETURNS abm_lift_result
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE abm_lift(treated bool, converted bool) (
    SFUNC = abm_lift_trans, STYPE = internal, SSPACE = 40,
    FINALFUNC = abm_lift_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_lift_combine,
    SERIALFUNC = abm_lift_serial, DESERIALFUNC = abm_lift_deserial,
    MSFUNC = abm_lift_trans, MINVFUNC = abm_lift_inv, MSTYPE = internal, MSSPACE = 40,
    MFINALFUNC = abm_lift_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);
CREATE AGGREGATE abm_lift(treated bool, converted bool, confidence float8) (
    SFUNC = abm_lift_trans, STYPE = internal, SSPACE = 40,
    FINALFUNC = abm_lift_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_lift_combine,
    SERIALFUNC = abm_lift_serial, DESERIALFUNC = abm_lift_deserial,
    MSFUNC = abm_lift_trans, MINVFUNC = abm_lift_inv, MSTYPE = internal, MSSPACE = 40,
    MFINALFUNC = abm_lift_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

COMMENT ON TYPE abm_lift_result IS 'conversion rates of the treated and control groups, the lift treated_rate / control_rate - 1 with its confidence interval (log method), and the two-sided p-value of the pooled two-proportion z-test';
COMMENT ON FUNCTION abm_lift_trans(internal, bool, bool) IS 'support: transition of abm_lift(treated, converted)';
COMMENT ON FUNCTION abm_lift_trans(internal, bool, bool, float8) IS 'support: transition of abm_lift(treated, converted, confidence)';
COMMENT ON FUNCTION abm_lift_inv(internal, bool, bool) IS 'support: inverse transition of abm_lift(treated, converted) (sliding windows)';
COMMENT ON FUNCTION abm_lift_inv(internal, bool, bool, float8) IS 'support: inverse transition of abm_lift(treated, converted, confidence) (sliding windows)';
COMMENT ON FUNCTION abm_lift_combine(internal, internal) IS 'support: combines lift states';
COMMENT ON FUNCTION abm_lift_serial(internal) IS 'support: serializes a lift state (version byte first)';
COMMENT ON FUNCTION abm_lift_deserial(bytea, internal) IS 'support: reads a serialized lift state, checking its version and bounds';
COMMENT ON FUNCTION abm_lift_final(internal) IS 'support: final function of abm_lift';
COMMENT ON AGGREGATE abm_lift(bool, bool) IS 'conversion lift of the treated rows over the others, with a 95 % confidence interval and a two-sided p-value; NULL where undefined, never NaN';
COMMENT ON AGGREGATE abm_lift(bool, bool, float8) IS 'conversion lift of the treated rows over the others, with a confidence interval at the given level (0 to 1) and a two-sided p-value';

-- The same statistics from counts, and the lift of one mean over another.
CREATE FUNCTION abm_lift_counts(treated bigint, treated_converted bigint, control bigint, control_converted bigint,
                                confidence float8 DEFAULT 0.95)
    RETURNS abm_lift_result
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_lift_means(treated_n bigint, treated_mean float8, treated_sd float8,
                               control_n bigint, control_mean float8, control_sd float8,
                               confidence float8 DEFAULT 0.95)
    RETURNS abm_lift_result
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION abm_lift_counts(bigint, bigint, bigint, bigint, float8) IS 'abm_lift from counts: treated and control accounts and how many of each converted';
COMMENT ON FUNCTION abm_lift_means(bigint, float8, float8, bigint, float8, float8, float8) IS 'lift of the treated mean over the control mean (e.g. average won deal), interval and p-value by the normal approximation of the log ratio (delta method); the means come back as treated_rate and control_rate';
