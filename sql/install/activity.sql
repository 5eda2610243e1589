-- Default activity weights (src/activity.c).

CREATE FUNCTION abm_activity_weight(activity text) RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION abm_activity_weight(text) IS 'default engagement weight of a standard activity (case-insensitive); 0 for unknown activities';
