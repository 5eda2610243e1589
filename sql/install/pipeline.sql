-- Opportunity pipeline and velocity (src/pipeline.c, src/money.c).

CREATE TYPE abm_pipeline_result AS (
    opportunities bigint,
    open bigint,
    won bigint,
    lost bigint,
    win_rate float8,
    open_amount numeric,
    won_amount numeric,
    avg_won_amount numeric,
    avg_cycle_days float8,
    velocity_per_day numeric
);

CREATE FUNCTION abm_pipeline_trans(internal, numeric, timestamptz, timestamptz, bool) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_pipeline_inv(internal, numeric, timestamptz, timestamptz, bool) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_pipeline_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_pipeline_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_pipeline_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_pipeline_final(internal) RETURNS abm_pipeline_result
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_pipeline_velocity_final(internal) RETURNS numeric
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE abm_pipeline(amount numeric, created_at timestamptz, closed_at timestamptz, is_won bool) (
    SFUNC = abm_pipeline_trans, STYPE = internal, SSPACE = 120,
    FINALFUNC = abm_pipeline_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_pipeline_combine,
    SERIALFUNC = abm_pipeline_serial, DESERIALFUNC = abm_pipeline_deserial,
    MSFUNC = abm_pipeline_trans, MINVFUNC = abm_pipeline_inv, MSTYPE = internal, MSSPACE = 120,
    MFINALFUNC = abm_pipeline_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE abm_pipeline_velocity(amount numeric, created_at timestamptz, closed_at timestamptz, is_won bool) (
    SFUNC = abm_pipeline_trans, STYPE = internal, SSPACE = 120,
    FINALFUNC = abm_pipeline_velocity_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_pipeline_combine,
    SERIALFUNC = abm_pipeline_serial, DESERIALFUNC = abm_pipeline_deserial,
    MSFUNC = abm_pipeline_trans, MINVFUNC = abm_pipeline_inv, MSTYPE = internal, MSSPACE = 120,
    MFINALFUNC = abm_pipeline_velocity_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

COMMENT ON TYPE abm_pipeline_result IS 'result of abm_pipeline: counts, win rate, exact open/won amounts, average won deal, average won cycle (days) and velocity (money per day)';
COMMENT ON FUNCTION abm_pipeline_trans(internal, numeric, timestamptz, timestamptz, bool) IS 'support: transition of abm_pipeline and abm_pipeline_velocity';
COMMENT ON FUNCTION abm_pipeline_inv(internal, numeric, timestamptz, timestamptz, bool) IS 'support: inverse transition of abm_pipeline and abm_pipeline_velocity (sliding windows)';
COMMENT ON FUNCTION abm_pipeline_combine(internal, internal) IS 'support: combines two pipeline states';
COMMENT ON FUNCTION abm_pipeline_serial(internal) IS 'support: serializes a pipeline state (version byte first)';
COMMENT ON FUNCTION abm_pipeline_deserial(bytea, internal) IS 'support: reads a serialized pipeline state, checking its version and bounds';
COMMENT ON FUNCTION abm_pipeline_final(internal) IS 'support: final function of abm_pipeline';
COMMENT ON FUNCTION abm_pipeline_velocity_final(internal) IS 'support: final function of abm_pipeline_velocity';
COMMENT ON AGGREGATE abm_pipeline(numeric, timestamptz, timestamptz, bool) IS 'opportunity pipeline: open/won/lost counts and amounts, win rate, average won deal and cycle, velocity; is_won NULL = open';
COMMENT ON AGGREGATE abm_pipeline_velocity(numeric, timestamptz, timestamptz, bool) IS 'pipeline velocity in money per day: opportunities x average won amount x win rate / average won cycle days';
