-- Multi-touch attribution (src/attribution.c).

CREATE FUNCTION abm_attribution_credit(model text, "position" int, touches int)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'abm_attribution_credit_position'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_attribution_credit(model text, "position" int, touches int,
                                       lead_position int, opportunity_position int)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'abm_attribution_credit_position'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_attribution_credit(model text, "position" int, touches int,
                                       lead_position int, opportunity_position int,
                                       won_position int)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'abm_attribution_credit_position'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION abm_attribution_credit(model text, occurred_at timestamptz, converted_at timestamptz)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'abm_attribution_credit_window'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_attribution_credit(model text, occurred_at timestamptz, converted_at timestamptz,
                                       half_life interval)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'abm_attribution_credit_window'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_attribution_credit(model text, occurred_at timestamptz, converted_at timestamptz,
                                       lead_created_at timestamptz, opportunity_created_at timestamptz)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'abm_attribution_credit_window'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_attribution_credit(model text, occurred_at timestamptz, converted_at timestamptz,
                                       half_life interval,
                                       lead_created_at timestamptz, opportunity_created_at timestamptz)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'abm_attribution_credit_window'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION abm_attribute(model text, touch_ids bigint[], occurred_at timestamptz[],
                              converted_at timestamptz,
                              half_life interval DEFAULT '7 days',
                              lead_created_at timestamptz DEFAULT NULL,
                              opportunity_created_at timestamptz DEFAULT NULL)
    RETURNS TABLE(touch_id bigint, credit float8)
    AS 'MODULE_PATHNAME', 'abm_attribute'
    LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 20;

COMMENT ON FUNCTION abm_attribution_credit(text, int, int) IS
    'credit of the touch at position (1 = earliest) of touches under first_touch, last_touch, linear or u_shaped; use with row_number() and count(*) over one conversion';
COMMENT ON FUNCTION abm_attribution_credit(text, int, int, int, int) IS
    'credit of the touch at position of touches under any position-based model; w_shaped and full_path use the positions of the lead-creation and opportunity-creation touches, the closed-won touch is the last';
COMMENT ON FUNCTION abm_attribution_credit(text, int, int, int, int, int) IS
    'credit of the touch at position of touches under any position-based model, with the lead-creation, opportunity-creation and closed-won touch positions';
COMMENT ON FUNCTION abm_attribution_credit(text, timestamptz, timestamptz) IS
    'window function: credit of each touch of the partition (one conversion) under a model; touches after converted_at get 0; time_decay with a 7-day half-life';
COMMENT ON FUNCTION abm_attribution_credit(text, timestamptz, timestamptz, interval) IS
    'window function: credit of each touch of the partition (one conversion) under a model, time_decay with the given half-life';
COMMENT ON FUNCTION abm_attribution_credit(text, timestamptz, timestamptz, timestamptz, timestamptz) IS
    'window function: credit of each touch of the partition (one conversion); the milestone touches of w_shaped and full_path are the last touches at or before lead_created_at and opportunity_created_at';
COMMENT ON FUNCTION abm_attribution_credit(text, timestamptz, timestamptz, interval, timestamptz, timestamptz) IS
    'window function: credit of each touch of the partition (one conversion), with the time_decay half-life and the w_shaped/full_path milestones';
COMMENT ON FUNCTION abm_attribute(text, bigint[], timestamptz[], timestamptz, interval, timestamptz, timestamptz) IS
    'credit of each touch of one conversion under a model, one row per array element; touches after converted_at or without a time get 0';
