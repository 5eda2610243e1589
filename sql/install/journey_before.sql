-- A journey as it stood before a time (src/journey.c): the point-in-time
-- form of a stored journey, new in 0.2.
CREATE FUNCTION abm_journey_before(journey abm_journey, at timestamptz) RETURNS abm_journey
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION abm_journey_before(abm_journey, timestamptz) IS 'the journey as it stood before a time: its entries before at; NULL when none';
