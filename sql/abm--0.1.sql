-- abm 0.1, as released: frozen.  Changes go into an update script (abm--0.1--0.2.sql and later).
\echo Use "CREATE EXTENSION abm" to load this file. \quit

-- sql/install/activity.sql
-- Default activity weights (src/activity.c).

CREATE FUNCTION abm_activity_weight(activity text) RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION abm_activity_weight(text) IS 'default engagement weight of a standard activity (case-insensitive); 0 for unknown activities';

-- sql/install/counters.sql
-- Shared support of the counting aggregates (src/counters.c).

CREATE FUNCTION abm_counters_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_counters_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_counters_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION abm_counters_combine(internal, internal) IS 'support: combines the counter states of abm_rate, abm_win_rate and abm_nps';
COMMENT ON FUNCTION abm_counters_serial(internal) IS 'support: serializes a counter state (version byte first)';
COMMENT ON FUNCTION abm_counters_deserial(bytea, internal) IS 'support: reads a serialized counter state, checking its version and bounds';

-- sql/install/rate.sql
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

-- sql/install/nps.sql
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

-- sql/install/selection.sql
-- Account selection: minimum viable accounts and tiers (src/selection.c).

CREATE FUNCTION abm_mva(goal numeric, avg_deal numeric, win_rate float8, opportunity_rate float8 DEFAULT 1)
    RETURNS bigint
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_tier(score float8, tier1_min float8, tier2_min float8) RETURNS int
    AS 'MODULE_PATHNAME', 'abm_tier_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_tier(ready bool, willing bool, able bool, success bool) RETURNS int
    AS 'MODULE_PATHNAME', 'abm_tier_rwas' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION abm_mva(numeric, numeric, float8, float8) IS 'minimum viable accounts: ceil(goal / (avg_deal * win_rate * opportunity_rate))';
COMMENT ON FUNCTION abm_tier(float8, float8, float8) IS 'tier 1, 2 or 3 from a fit or priority score and the minimum scores of tiers 1 and 2';
COMMENT ON FUNCTION abm_tier(bool, bool, bool, bool) IS 'tier from the Ready / Willing / Able / Success-potential test: 4 met -> 1, 3 -> 2, else 3';

-- sql/install/engagement.sql
-- Account engagement (src/engagement.c): the decayed score, the storable
-- per-account state abm_engagement, its aggregates and accessors.

-- abm_engagement_score: sum of weight * 2^(-(as_of - occurred_at) / half_life)

CREATE FUNCTION abm_engagement_score_trans(internal, float8, timestamptz, timestamptz, interval)
    RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_engagement_score_activity_trans(internal, text, timestamptz, timestamptz, interval)
    RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_engagement_score_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_engagement_score_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_engagement_score_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_engagement_score_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE abm_engagement_score(weight float8, occurred_at timestamptz,
                                      as_of timestamptz, half_life interval) (
    SFUNC = abm_engagement_score_trans, STYPE = internal, SSPACE = 56,
    FINALFUNC = abm_engagement_score_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_engagement_score_combine,
    SERIALFUNC = abm_engagement_score_serial, DESERIALFUNC = abm_engagement_score_deserial,
    PARALLEL = SAFE);

CREATE AGGREGATE abm_engagement_score(activity text, occurred_at timestamptz,
                                      as_of timestamptz, half_life interval) (
    SFUNC = abm_engagement_score_activity_trans, STYPE = internal, SSPACE = 56,
    FINALFUNC = abm_engagement_score_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_engagement_score_combine,
    SERIALFUNC = abm_engagement_score_serial, DESERIALFUNC = abm_engagement_score_deserial,
    PARALLEL = SAFE);

-- The storable state.  Its text form is a JSON object; its binary form (on
-- disk and on the wire) starts with the format version byte.

CREATE TYPE abm_engagement;

CREATE FUNCTION abm_engagement_in(cstring) RETURNS abm_engagement
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_engagement_out(abm_engagement) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_engagement_recv(internal) RETURNS abm_engagement
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_engagement_send(abm_engagement) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE abm_engagement (
    INPUT = abm_engagement_in, OUTPUT = abm_engagement_out,
    RECEIVE = abm_engagement_recv, SEND = abm_engagement_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended);

-- Timestamps are written in UTC, so the jsonb form does not depend on the
-- session's TimeZone.
CREATE FUNCTION abm_engagement_jsonb(abm_engagement) RETURNS jsonb
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (abm_engagement AS jsonb) WITH FUNCTION abm_engagement_jsonb(abm_engagement);
COMMENT ON CAST (abm_engagement AS jsonb) IS 'the engagement state as jsonb: its text form plus total_touches, engaged_contacts and contacts_exact';

-- abm_engagement_agg: touches to a state

CREATE FUNCTION abm_engagement_agg_trans(internal, text, timestamptz, bigint, interval)
    RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_engagement_agg_weight_trans(internal, text, float8, timestamptz, bigint, interval)
    RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_engagement_agg_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_engagement_agg_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_engagement_agg_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_engagement_agg_final(internal) RETURNS abm_engagement
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- Moving-aggregate mode (sliding window frames), shared with abm_rollup:
-- the frame is a queue of states (src/engagement.c).
CREATE FUNCTION abm_engagement_agg_mtrans(internal, text, timestamptz, bigint, interval)
    RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_engagement_agg_minv(internal, text, timestamptz, bigint, interval)
    RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_engagement_agg_weight_mtrans(internal, text, float8, timestamptz, bigint, interval)
    RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_engagement_agg_weight_minv(internal, text, float8, timestamptz, bigint, interval)
    RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_engagement_mfinal(internal) RETURNS abm_engagement
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE abm_engagement_agg(activity text, occurred_at timestamptz,
                                    contact_id bigint, half_life interval) (
    SFUNC = abm_engagement_agg_trans, STYPE = internal, SSPACE = 288,
    FINALFUNC = abm_engagement_agg_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_engagement_agg_combine,
    SERIALFUNC = abm_engagement_agg_serial, DESERIALFUNC = abm_engagement_agg_deserial,
    MSFUNC = abm_engagement_agg_mtrans, MINVFUNC = abm_engagement_agg_minv,
    MSTYPE = internal, MSSPACE = 2048,
    MFINALFUNC = abm_engagement_mfinal, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE abm_engagement_agg(activity text, weight float8, occurred_at timestamptz,
                                    contact_id bigint, half_life interval) (
    SFUNC = abm_engagement_agg_weight_trans, STYPE = internal, SSPACE = 288,
    FINALFUNC = abm_engagement_agg_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_engagement_agg_combine,
    SERIALFUNC = abm_engagement_agg_serial, DESERIALFUNC = abm_engagement_agg_deserial,
    MSFUNC = abm_engagement_agg_weight_mtrans, MINVFUNC = abm_engagement_agg_weight_minv,
    MSTYPE = internal, MSSPACE = 2048,
    MFINALFUNC = abm_engagement_mfinal, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

-- abm_rollup: states to a state.  The state type is abm_engagement itself,
-- so Citus can combine partial rollups across nodes (docs/scale-out.md).

CREATE FUNCTION abm_engagement_merge(abm_engagement, abm_engagement) RETURNS abm_engagement
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_rollup_mtrans(internal, abm_engagement) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_rollup_minv(internal, abm_engagement) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE abm_rollup(abm_engagement) (
    SFUNC = abm_engagement_merge, STYPE = abm_engagement, SSPACE = 288,
    COMBINEFUNC = abm_engagement_merge,
    MSFUNC = abm_rollup_mtrans, MINVFUNC = abm_rollup_minv, MSTYPE = internal,
    MSSPACE = 2048, MFINALFUNC = abm_engagement_mfinal, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

-- Accessors

CREATE FUNCTION abm_score(abm_engagement, as_of timestamptz) RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_touches(abm_engagement) RETURNS bigint
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_touches(abm_engagement, activity text) RETURNS bigint
    AS 'MODULE_PATHNAME', 'abm_touches_activity' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_first_touch(abm_engagement) RETURNS timestamptz
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_last_touch(abm_engagement) RETURNS timestamptz
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_engaged_contacts(abm_engagement) RETURNS bigint
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_half_life(abm_engagement) RETURNS interval
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION abm_engagement_score_trans(internal, float8, timestamptz, timestamptz, interval) IS 'support: transition of abm_engagement_score (weight)';
COMMENT ON FUNCTION abm_engagement_score_activity_trans(internal, text, timestamptz, timestamptz, interval) IS 'support: transition of abm_engagement_score (activity)';
COMMENT ON FUNCTION abm_engagement_score_combine(internal, internal) IS 'support: combines abm_engagement_score states';
COMMENT ON FUNCTION abm_engagement_score_serial(internal) IS 'support: serializes an abm_engagement_score state (version byte first)';
COMMENT ON FUNCTION abm_engagement_score_deserial(bytea, internal) IS 'support: reads a serialized abm_engagement_score state, checking its version and bounds';
COMMENT ON FUNCTION abm_engagement_score_final(internal) IS 'support: final function of abm_engagement_score';
COMMENT ON AGGREGATE abm_engagement_score(float8, timestamptz, timestamptz, interval) IS 'engagement score: sum of weight * 2^(-(as_of - occurred_at) / half_life) over touches at or before as_of';
COMMENT ON AGGREGATE abm_engagement_score(text, timestamptz, timestamptz, interval) IS 'engagement score with the default weight of each activity (abm_activity_weight)';
COMMENT ON TYPE abm_engagement IS 'storable engagement state of an account: half-life, first and last touch, decayed score, touches per activity, engaged contacts';
COMMENT ON FUNCTION abm_engagement_in(cstring) IS 'support: text input of abm_engagement (a JSON object)';
COMMENT ON FUNCTION abm_engagement_out(abm_engagement) IS 'support: text output of abm_engagement (a JSON object that reads back exactly)';
COMMENT ON FUNCTION abm_engagement_recv(internal) IS 'support: binary input of abm_engagement, checking its version and bounds';
COMMENT ON FUNCTION abm_engagement_send(abm_engagement) IS 'support: binary output of abm_engagement (version byte first)';
COMMENT ON FUNCTION abm_engagement_jsonb(abm_engagement) IS 'the engagement state as jsonb, with total_touches, engaged_contacts and contacts_exact added';
COMMENT ON FUNCTION abm_engagement_agg_trans(internal, text, timestamptz, bigint, interval) IS 'support: transition of abm_engagement_agg (default weights)';
COMMENT ON FUNCTION abm_engagement_agg_weight_trans(internal, text, float8, timestamptz, bigint, interval) IS 'support: transition of abm_engagement_agg (explicit weights)';
COMMENT ON FUNCTION abm_engagement_agg_combine(internal, internal) IS 'support: combines abm_engagement_agg states';
COMMENT ON FUNCTION abm_engagement_agg_serial(internal) IS 'support: serializes an abm_engagement_agg state (the abm_engagement binary form)';
COMMENT ON FUNCTION abm_engagement_agg_deserial(bytea, internal) IS 'support: reads a serialized abm_engagement_agg state, checking its version and bounds';
COMMENT ON FUNCTION abm_engagement_agg_final(internal) IS 'support: final function of abm_engagement_agg';
COMMENT ON AGGREGATE abm_engagement_agg(text, timestamptz, bigint, interval) IS 'engagement state of the touches: score with default activity weights, counts per activity, first and last touch, engaged contacts';
COMMENT ON AGGREGATE abm_engagement_agg(text, float8, timestamptz, bigint, interval) IS 'engagement state of the touches, each weighted by the given weight';
COMMENT ON FUNCTION abm_engagement_merge(abm_engagement, abm_engagement) IS 'merges two engagement states of the same half-life (transition and combine of abm_rollup)';
COMMENT ON FUNCTION abm_rollup_mtrans(internal, abm_engagement) IS 'support: moving-window transition of abm_rollup';
COMMENT ON FUNCTION abm_rollup_minv(internal, abm_engagement) IS 'support: moving-window inverse transition of abm_rollup (sliding windows in linear time)';
COMMENT ON FUNCTION abm_engagement_mfinal(internal) IS 'support: moving-window final function of abm_rollup and abm_engagement_agg';
COMMENT ON FUNCTION abm_engagement_agg_mtrans(internal, text, timestamptz, bigint, interval) IS 'support: moving-window transition of abm_engagement_agg (default weights)';
COMMENT ON FUNCTION abm_engagement_agg_minv(internal, text, timestamptz, bigint, interval) IS 'support: moving-window inverse transition of abm_engagement_agg (sliding windows in linear time)';
COMMENT ON FUNCTION abm_engagement_agg_weight_mtrans(internal, text, float8, timestamptz, bigint, interval) IS 'support: moving-window transition of abm_engagement_agg (explicit weights)';
COMMENT ON FUNCTION abm_engagement_agg_weight_minv(internal, text, float8, timestamptz, bigint, interval) IS 'support: moving-window inverse transition of abm_engagement_agg (explicit weights)';
COMMENT ON AGGREGATE abm_rollup(abm_engagement) IS 'merges engagement states (e.g. daily states into a 90-day state); equal to abm_engagement_agg over all their touches';
COMMENT ON FUNCTION abm_score(abm_engagement, timestamptz) IS 'decayed engagement score of the state at as_of (not before its last touch)';
COMMENT ON FUNCTION abm_touches(abm_engagement) IS 'number of touches in the state';
COMMENT ON FUNCTION abm_touches(abm_engagement, text) IS 'number of touches of one standard activity, or of every other activity (''other'')';
COMMENT ON FUNCTION abm_first_touch(abm_engagement) IS 'time of the first touch in the state';
COMMENT ON FUNCTION abm_last_touch(abm_engagement) IS 'time of the last touch in the state';
COMMENT ON FUNCTION abm_engaged_contacts(abm_engagement) IS 'distinct contacts with a touch: exact up to 16, then a linear-counting estimate';
COMMENT ON FUNCTION abm_half_life(abm_engagement) IS 'half-life the state was built with';

-- sql/install/surge.sql
-- Intent surge (src/surge.c).

CREATE FUNCTION abm_surge_trans(internal, timestamptz, timestamptz, interval, interval)
    RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_surge_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_surge_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_surge_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_surge_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE abm_surge(occurred_at timestamptz, as_of timestamptz,
                           recent interval, baseline interval) (
    SFUNC = abm_surge_trans, STYPE = internal, SSPACE = 40,
    FINALFUNC = abm_surge_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_surge_combine,
    SERIALFUNC = abm_surge_serial, DESERIALFUNC = abm_surge_deserial,
    PARALLEL = SAFE);

COMMENT ON FUNCTION abm_surge_trans(internal, timestamptz, timestamptz, interval, interval) IS 'support: transition of abm_surge';
COMMENT ON FUNCTION abm_surge_combine(internal, internal) IS 'support: combines abm_surge states';
COMMENT ON FUNCTION abm_surge_serial(internal) IS 'support: serializes an abm_surge state (version byte first)';
COMMENT ON FUNCTION abm_surge_deserial(bytea, internal) IS 'support: reads a serialized abm_surge state, checking its version and bounds';
COMMENT ON FUNCTION abm_surge_final(internal) IS 'support: final function of abm_surge';
COMMENT ON AGGREGATE abm_surge(timestamptz, timestamptz, interval, interval) IS 'intent surge z-score: events in [as_of - recent, as_of) against the rate of the baseline window before it; a surge is z >= 2';

-- sql/install/pipeline.sql
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

-- sql/install/deal_cycle.sql
-- Deal cycle lengths (src/deal_cycle.c).

CREATE TYPE abm_cycle_result AS (
    deals bigint,
    mean_days float8,
    median_days float8,
    p90_days float8,
    min_days float8,
    max_days float8
);

CREATE FUNCTION abm_deal_cycle_trans(internal, timestamptz, timestamptz) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_deal_cycle_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_deal_cycle_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_deal_cycle_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_deal_cycle_final(internal) RETURNS abm_cycle_result
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_deal_cycle_length_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- SSPACE: the 32-byte header and 8 bytes per deal for a typical group of 60 deals.
CREATE AGGREGATE abm_deal_cycle(started_at timestamptz, ended_at timestamptz) (
    SFUNC = abm_deal_cycle_trans, STYPE = internal, SSPACE = 512,
    FINALFUNC = abm_deal_cycle_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_deal_cycle_combine,
    SERIALFUNC = abm_deal_cycle_serial, DESERIALFUNC = abm_deal_cycle_deserial,
    PARALLEL = SAFE);

CREATE AGGREGATE abm_deal_cycle_length(started_at timestamptz, ended_at timestamptz) (
    SFUNC = abm_deal_cycle_trans, STYPE = internal, SSPACE = 512,
    FINALFUNC = abm_deal_cycle_length_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_deal_cycle_combine,
    SERIALFUNC = abm_deal_cycle_serial, DESERIALFUNC = abm_deal_cycle_deserial,
    PARALLEL = SAFE);

COMMENT ON TYPE abm_cycle_result IS 'result of abm_deal_cycle: deals and the mean, median, 90th percentile, minimum and maximum of their durations in days';
COMMENT ON FUNCTION abm_deal_cycle_trans(internal, timestamptz, timestamptz) IS 'support: transition of abm_deal_cycle and abm_deal_cycle_length';
COMMENT ON FUNCTION abm_deal_cycle_combine(internal, internal) IS 'support: combines two deal cycle states';
COMMENT ON FUNCTION abm_deal_cycle_serial(internal) IS 'support: serializes a deal cycle state (version byte first)';
COMMENT ON FUNCTION abm_deal_cycle_deserial(bytea, internal) IS 'support: reads a serialized deal cycle state, checking its version and bounds';
COMMENT ON FUNCTION abm_deal_cycle_final(internal) IS 'support: final function of abm_deal_cycle';
COMMENT ON FUNCTION abm_deal_cycle_length_final(internal) IS 'support: final function of abm_deal_cycle_length';
COMMENT ON AGGREGATE abm_deal_cycle(timestamptz, timestamptz) IS 'deal cycle statistics in days: count, mean, exact median and 90th percentile (as percentile_cont), min, max';
COMMENT ON AGGREGATE abm_deal_cycle_length(timestamptz, timestamptz) IS 'median deal cycle in days (exact, as percentile_cont(0.5))';

-- sql/install/acv.sql
-- Average contract value (src/acv.c).

CREATE FUNCTION abm_acv_trans(internal, numeric, date, date) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_acv_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_acv_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_acv_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_acv_final(internal) RETURNS numeric
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- SSPACE: 48 bytes fixed, plus the numeric side sum of the annualised amounts (~40 bytes).
CREATE AGGREGATE abm_acv(amount numeric, starts_on date, ends_on date) (
    SFUNC = abm_acv_trans, STYPE = internal, SSPACE = 96,
    FINALFUNC = abm_acv_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_acv_combine,
    SERIALFUNC = abm_acv_serial, DESERIALFUNC = abm_acv_deserial,
    PARALLEL = SAFE);

COMMENT ON FUNCTION abm_acv_trans(internal, numeric, date, date) IS 'support: transition of abm_acv';
COMMENT ON FUNCTION abm_acv_combine(internal, internal) IS 'support: combines two acv states';
COMMENT ON FUNCTION abm_acv_serial(internal) IS 'support: serializes an acv state (version byte first)';
COMMENT ON FUNCTION abm_acv_deserial(bytea, internal) IS 'support: reads a serialized acv state, checking its version and bounds';
COMMENT ON FUNCTION abm_acv_final(internal) IS 'support: final function of abm_acv';
COMMENT ON AGGREGATE abm_acv(numeric, date, date) IS 'average contract value: mean of amount x 365.25 / (ends_on - starts_on), exact numeric';

-- sql/install/influenced.sql
-- Marketing influence (src/influenced.c).

CREATE FUNCTION abm_influenced_trans(bool, timestamptz, timestamptz, interval) RETURNS bool
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_influenced_combine(bool, bool) RETURNS bool
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE abm_influenced(touch_at timestamptz, created_at timestamptz, lookback interval) (
    SFUNC = abm_influenced_trans, STYPE = bool,
    COMBINEFUNC = abm_influenced_combine,
    PARALLEL = SAFE);

COMMENT ON FUNCTION abm_influenced_trans(bool, timestamptz, timestamptz, interval) IS 'support: transition of abm_influenced';
COMMENT ON FUNCTION abm_influenced_combine(bool, bool) IS 'support: combines two abm_influenced states (logical or)';
COMMENT ON AGGREGATE abm_influenced(timestamptz, timestamptz, interval) IS 'true when some touch falls in [created_at - lookback, created_at]; NULL with no usable row';

-- sql/install/coverage.sql
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

-- sql/install/icp_fit.sql
-- Ideal-customer-profile fit and marketing-qualified accounts (src/icp_fit.c).

CREATE FUNCTION abm_icp_fit(account jsonb, profile jsonb) RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_is_mqa(score float8, engaged_contacts int, fit float8,
                           min_score float8, min_contacts int, min_fit float8) RETURNS bool
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION abm_icp_fit(jsonb, jsonb) IS 'ICP fit: weighted share of the profile''s criteria (eq, in, between, contains, gte, lte) the account''s attributes meet, in [0, 1]; a missing attribute is not met';
COMMENT ON FUNCTION abm_is_mqa(float8, int, float8, float8, int, float8) IS 'marketing-qualified account: engagement score, engaged contacts and fit all reach their thresholds';

-- sql/install/journey.sql
-- Account journeys (src/journey.c).

CREATE TYPE abm_journey;
CREATE FUNCTION abm_journey_in(cstring) RETURNS abm_journey
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_journey_out(abm_journey) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_journey_recv(internal) RETURNS abm_journey
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_journey_send(abm_journey) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE abm_journey (
    INPUT = abm_journey_in, OUTPUT = abm_journey_out,
    RECEIVE = abm_journey_recv, SEND = abm_journey_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = main);

CREATE FUNCTION abm_journey_trans(internal, text, timestamptz) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_journey_stages_trans(internal, text, timestamptz, text[]) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_journey_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_journey_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_journey_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_journey_final(internal) RETURNS abm_journey
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_journey_merge(abm_journey, abm_journey) RETURNS abm_journey
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE abm_journey(stage text, entered_at timestamptz) (
    SFUNC = abm_journey_trans, STYPE = internal, SSPACE = 144,
    FINALFUNC = abm_journey_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_journey_combine,
    SERIALFUNC = abm_journey_serial, DESERIALFUNC = abm_journey_deserial,
    PARALLEL = SAFE);
CREATE AGGREGATE abm_journey(stage text, entered_at timestamptz, stages text[]) (
    SFUNC = abm_journey_stages_trans, STYPE = internal, SSPACE = 144,
    FINALFUNC = abm_journey_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_journey_combine,
    SERIALFUNC = abm_journey_serial, DESERIALFUNC = abm_journey_deserial,
    PARALLEL = SAFE);
CREATE AGGREGATE abm_rollup(abm_journey) (
    SFUNC = abm_journey_merge, STYPE = abm_journey,
    COMBINEFUNC = abm_journey_merge,
    PARALLEL = SAFE);

CREATE FUNCTION abm_stage(journey abm_journey) RETURNS text
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_entered(journey abm_journey, stage text) RETURNS timestamptz
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON TYPE abm_journey IS 'an account journey: the first time it entered each stage of an ordered list of at most 16 (default: target, engaged, opportunity, won, retained, expanded)';
COMMENT ON FUNCTION abm_journey_in(cstring) IS 'support: text input of abm_journey, e.g. ''{target: 2024-01-05 10:00:00+00}''';
COMMENT ON FUNCTION abm_journey_out(abm_journey) IS 'support: text output of abm_journey (UTC, ISO, exact)';
COMMENT ON FUNCTION abm_journey_recv(internal) IS 'support: binary input of abm_journey, validated';
COMMENT ON FUNCTION abm_journey_send(abm_journey) IS 'support: binary output of abm_journey';
COMMENT ON FUNCTION abm_journey_trans(internal, text, timestamptz) IS 'support: transition of abm_journey(stage, entered_at)';
COMMENT ON FUNCTION abm_journey_stages_trans(internal, text, timestamptz, text[]) IS 'support: transition of abm_journey(stage, entered_at, stages)';
COMMENT ON FUNCTION abm_journey_combine(internal, internal) IS 'support: combines journey states';
COMMENT ON FUNCTION abm_journey_serial(internal) IS 'support: serializes a journey state (version byte first)';
COMMENT ON FUNCTION abm_journey_deserial(bytea, internal) IS 'support: reads a serialized journey state, checking its version and bounds';
COMMENT ON FUNCTION abm_journey_final(internal) IS 'support: final function of abm_journey';
COMMENT ON FUNCTION abm_journey_merge(abm_journey, abm_journey) IS 'support: merges two journeys (earliest entry per stage); transition and combine of abm_rollup(abm_journey)';
COMMENT ON AGGREGATE abm_journey(text, timestamptz) IS 'the journey of an account from its stage entries, over the default six-stage list';
COMMENT ON AGGREGATE abm_journey(text, timestamptz, text[]) IS 'the journey of an account from its stage entries, over your own ordered stage list (at most 16)';
COMMENT ON AGGREGATE abm_rollup(abm_journey) IS 'merges journeys: the earliest entry of each stage';
COMMENT ON FUNCTION abm_stage(abm_journey) IS 'the furthest stage the journey entered; NULL when none';
COMMENT ON FUNCTION abm_entered(abm_journey, text) IS 'when the journey first entered the stage; NULL when it did not';

-- sql/install/funnel.sql
-- Stage funnels (src/funnel.c).

CREATE TYPE abm_funnel;
CREATE FUNCTION abm_funnel_in(cstring) RETURNS abm_funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_funnel_out(abm_funnel) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_funnel_recv(internal) RETURNS abm_funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_funnel_send(abm_funnel) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE abm_funnel (
    INPUT = abm_funnel_in, OUTPUT = abm_funnel_out,
    RECEIVE = abm_funnel_recv, SEND = abm_funnel_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended);

CREATE FUNCTION abm_funnel_trans(internal, abm_journey) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_funnel_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_funnel_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_funnel_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_funnel_final(internal) RETURNS abm_funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_funnel_merge(abm_funnel, abm_funnel) RETURNS abm_funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE abm_funnel(journey abm_journey) (
    SFUNC = abm_funnel_trans, STYPE = internal, SSPACE = 2048,
    FINALFUNC = abm_funnel_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_funnel_combine,
    SERIALFUNC = abm_funnel_serial, DESERIALFUNC = abm_funnel_deserial,
    PARALLEL = SAFE);
CREATE AGGREGATE abm_rollup(abm_funnel) (
    SFUNC = abm_funnel_merge, STYPE = abm_funnel,
    COMBINEFUNC = abm_funnel_merge,
    PARALLEL = SAFE);

CREATE FUNCTION abm_funnel_steps(funnel abm_funnel)
    RETURNS TABLE(step int, stage text, accounts bigint, pct_of_first float8,
                  pct_of_previous float8, dropped bigint,
                  median_days_from_previous float8, p90_days_from_previous float8,
                  bar text)
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 6;

-- The one-call form for BI tools: journeys built from a relation, with the
-- caller's privileges and quoted identifiers.
CREATE FUNCTION abm_funnel_steps(relation regclass, account_col name, stage_col name,
                                 at_col name, stages text[] DEFAULT NULL)
    RETURNS TABLE(step int, stage text, accounts bigint, pct_of_first float8,
                  pct_of_previous float8, dropped bigint,
                  median_days_from_previous float8, p90_days_from_previous float8,
                  bar text)
    LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 6
    AS $$
BEGIN
    IF relation IS NULL OR account_col IS NULL OR stage_col IS NULL OR at_col IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE pg_catalog.format(
        'SELECT * FROM @extschema@.abm_funnel_steps('
        '(SELECT @extschema@.abm_funnel(j) FROM '
        '(SELECT @extschema@.abm_journey(%I::pg_catalog.text, %I::pg_catalog.timestamptz%s) AS j '
        'FROM %s GROUP BY %I) AS journeys))',
        stage_col, at_col, CASE WHEN stages IS NULL THEN '' ELSE ', $1' END,
        relation, account_col)
        USING stages;
END
$$;

CREATE FUNCTION abm_funnel_report(levels int[], stages text[] DEFAULT NULL)
    RETURNS TABLE(step int, stage text, accounts bigint, pct_of_first float8,
                  pct_of_previous float8, dropped bigint,
                  median_days_from_previous float8, p90_days_from_previous float8,
                  bar text)
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 6;

COMMENT ON TYPE abm_funnel IS 'a stage funnel: accounts reaching each stage and the days each took from the previous stage';
COMMENT ON FUNCTION abm_funnel_in(cstring) IS 'support: text input of abm_funnel, e.g. ''{target: 3, engaged: 2 (1.5 4)}''';
COMMENT ON FUNCTION abm_funnel_out(abm_funnel) IS 'support: text output of abm_funnel (exact)';
COMMENT ON FUNCTION abm_funnel_recv(internal) IS 'support: binary input of abm_funnel, validated';
COMMENT ON FUNCTION abm_funnel_send(abm_funnel) IS 'support: binary output of abm_funnel';
COMMENT ON FUNCTION abm_funnel_trans(internal, abm_journey) IS 'support: transition of abm_funnel';
COMMENT ON FUNCTION abm_funnel_combine(internal, internal) IS 'support: combines funnel states';
COMMENT ON FUNCTION abm_funnel_serial(internal) IS 'support: serializes a funnel state (version byte first)';
COMMENT ON FUNCTION abm_funnel_deserial(bytea, internal) IS 'support: reads a serialized funnel state, checking its version and bounds';
COMMENT ON FUNCTION abm_funnel_final(internal) IS 'support: final function of abm_funnel';
COMMENT ON FUNCTION abm_funnel_merge(abm_funnel, abm_funnel) IS 'support: merges two funnels; transition and combine of abm_rollup(abm_funnel)';
COMMENT ON AGGREGATE abm_funnel(abm_journey) IS 'the funnel of a set of account journeys: an account counts at every stage up to its furthest';
COMMENT ON AGGREGATE abm_rollup(abm_funnel) IS 'merges funnels of disjoint sets of accounts';
COMMENT ON FUNCTION abm_funnel_steps(abm_funnel) IS 'one row per stage: accounts, share of the first and previous stage, accounts dropped since the previous one, median and p90 days from the previous stage, a bar';
COMMENT ON FUNCTION abm_funnel_steps(regclass, name, name, name, text[]) IS 'the funnel of a stage history relation (account, stage, entered_at columns) in one call, with the caller''s privileges';
COMMENT ON FUNCTION abm_funnel_report(int[], text[]) IS 'stage rows from per-account levels such as abm_window_funnel''s: accounts at level k or more per step';

-- sql/install/window_funnel.sql
-- ClickHouse-compatible window funnels (src/window_funnel.c).

CREATE FUNCTION abm_window_funnel_trans(internal, interval, timestamptz, bool[]) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_window_funnel_mode_trans(internal, interval, text, timestamptz, bool[]) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_window_funnel_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_window_funnel_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_window_funnel_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_window_funnel_final(internal) RETURNS int
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_window_funnel_times_final(internal) RETURNS timestamptz[]
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE abm_window_funnel(window_size interval, ts timestamptz, VARIADIC steps bool[]) (
    SFUNC = abm_window_funnel_trans, STYPE = internal, SSPACE = 512,
    FINALFUNC = abm_window_funnel_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_window_funnel_combine,
    SERIALFUNC = abm_window_funnel_serial, DESERIALFUNC = abm_window_funnel_deserial,
    PARALLEL = SAFE);

CREATE AGGREGATE abm_window_funnel(window_size interval, mode text, ts timestamptz, VARIADIC steps bool[]) (
    SFUNC = abm_window_funnel_mode_trans, STYPE = internal, SSPACE = 512,
    FINALFUNC = abm_window_funnel_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_window_funnel_combine,
    SERIALFUNC = abm_window_funnel_serial, DESERIALFUNC = abm_window_funnel_deserial,
    PARALLEL = SAFE);

CREATE AGGREGATE abm_window_funnel_times(window_size interval, ts timestamptz, VARIADIC steps bool[]) (
    SFUNC = abm_window_funnel_trans, STYPE = internal, SSPACE = 512,
    FINALFUNC = abm_window_funnel_times_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_window_funnel_combine,
    SERIALFUNC = abm_window_funnel_serial, DESERIALFUNC = abm_window_funnel_deserial,
    PARALLEL = SAFE);

CREATE AGGREGATE abm_window_funnel_times(window_size interval, mode text, ts timestamptz, VARIADIC steps bool[]) (
    SFUNC = abm_window_funnel_mode_trans, STYPE = internal, SSPACE = 512,
    FINALFUNC = abm_window_funnel_times_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_window_funnel_combine,
    SERIALFUNC = abm_window_funnel_serial, DESERIALFUNC = abm_window_funnel_deserial,
    PARALLEL = SAFE);

COMMENT ON FUNCTION abm_window_funnel_trans(internal, interval, timestamptz, bool[]) IS 'support: transition of abm_window_funnel and abm_window_funnel_times (keeps rows matching a step)';
COMMENT ON FUNCTION abm_window_funnel_mode_trans(internal, interval, text, timestamptz, bool[]) IS 'support: transition of abm_window_funnel and abm_window_funnel_times with a mode';
COMMENT ON FUNCTION abm_window_funnel_combine(internal, internal) IS 'support: combines window funnel states (parallel query)';
COMMENT ON FUNCTION abm_window_funnel_serial(internal) IS 'support: serializes a window funnel state (version byte first)';
COMMENT ON FUNCTION abm_window_funnel_deserial(bytea, internal) IS 'support: reads a serialized window funnel state, checking its version and bounds';
COMMENT ON FUNCTION abm_window_funnel_final(internal) IS 'support: final function of abm_window_funnel (the level reached)';
COMMENT ON FUNCTION abm_window_funnel_times_final(internal) IS 'support: final function of abm_window_funnel_times (the chain''s step timestamps)';
COMMENT ON AGGREGATE abm_window_funnel(interval, timestamptz, VARIADIC bool[]) IS 'ClickHouse windowFunnel: how many steps of an ordered chain happened within the window after step 1 (0 to 32)';
COMMENT ON AGGREGATE abm_window_funnel(interval, text, timestamptz, VARIADIC bool[]) IS 'ClickHouse windowFunnel with modes: strict_deduplication, strict_order, strict_increase, strict_once, allow_reentry (comma-separated)';
COMMENT ON AGGREGATE abm_window_funnel_times(interval, timestamptz, VARIADIC bool[]) IS 'the step timestamps of the chain abm_window_funnel finds; its length is the level';
COMMENT ON AGGREGATE abm_window_funnel_times(interval, text, timestamptz, VARIADIC bool[]) IS 'the step timestamps of the chain abm_window_funnel finds with these modes; its length is the level';

-- sql/install/retention.sql
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

-- sql/install/attribution.sql
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

-- sql/install/view_through.sql
-- View-through conversions (src/view_through.c).

CREATE FUNCTION abm_view_through_trans(internal, timestamptz, bool, bool, bool, interval)
    RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_view_through_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_view_through_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_view_through_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_view_through_final(internal) RETURNS bigint
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- The state holds 16 bytes per impression, click and conversion: SSPACE is
-- a typical account's share, not a bound.
CREATE AGGREGATE abm_view_through(occurred_at timestamptz, is_impression bool, is_click bool,
                                  is_conversion bool, within interval) (
    SFUNC = abm_view_through_trans, STYPE = internal, SSPACE = 1024,
    FINALFUNC = abm_view_through_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_view_through_combine,
    SERIALFUNC = abm_view_through_serial, DESERIALFUNC = abm_view_through_deserial,
    PARALLEL = SAFE);

COMMENT ON FUNCTION abm_view_through_trans(internal, timestamptz, bool, bool, bool, interval) IS 'support: transition of abm_view_through';
COMMENT ON FUNCTION abm_view_through_combine(internal, internal) IS 'support: combine function of abm_view_through';
COMMENT ON FUNCTION abm_view_through_serial(internal) IS 'support: serializes an abm_view_through state';
COMMENT ON FUNCTION abm_view_through_deserial(bytea, internal) IS 'support: deserializes an abm_view_through state';
COMMENT ON FUNCTION abm_view_through_final(internal) IS 'support: final function of abm_view_through';
COMMENT ON AGGREGATE abm_view_through(timestamptz, bool, bool, bool, interval) IS
    'view-through conversions: conversions with an impression at most within before them and no click from that impression to the conversion';

-- sql/install/demo.sql
-- Sample data: a deterministic generator of realistic B2B data in the input
-- relations of docs/conventions.md.  The same generator feeds the demo, the tests and the
-- benchmarks (scale 1 = 100 000 accounts, 10 000 000 touches).
--
-- Every random value is abm_demo_uniform(seed, stream, index): a pure function
-- of the seed, a stream number (one per modelled quantity) and the index of
-- the row it belongs to (an account, contact, opportunity or touch id).  Ids
-- are dense and contiguous per account (running sums over account_id), and
-- everything else is derived from generated rows by joins and aggregates, so
-- the data never depends on plan or row order: the same scale and seed give
-- identical tables on any run.  Times are computed in epoch seconds (UTC) and
-- dates in UTC, so the session time zone changes nothing either.
--
-- Streams: accounts 1-12, contacts 20-21, opportunities 30-36, touches 40-46,
-- contracts 50-57, stages 60, NPS 70-74.

CREATE FUNCTION abm_demo_uniform(seed bigint, stream int, i bigint) RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    -- Operators and the type are schema-qualified: the body is inlined into the
    -- caller's query and parsed with the caller's search_path.
    AS $$
    SELECT (pg_catalog.hashint8extended(i, seed OPERATOR(pg_catalog.*) 1000 OPERATOR(pg_catalog.+) stream)
            OPERATOR(pg_catalog.&) 4503599627370495)::pg_catalog.float8
           OPERATOR(pg_catalog./) 4503599627370496::pg_catalog.float8
    $$;

COMMENT ON FUNCTION abm_demo_uniform(bigint, int, bigint) IS 'support: deterministic pseudo-random number in [0, 1) for row i of stream stream under seed seed (52 bits of hashint8extended); the only source of randomness of abm_demo_load';

CREATE FUNCTION abm_demo_load(scale float8 DEFAULT 0.01, seed bigint DEFAULT 1, target_schema name DEFAULT 'abm_demo')
    RETURNS TABLE(relation text, row_count bigint)
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    -- the stages step sorts the non-impression touches (6.5 M rows at scale 1)
    SET work_mem = '128MB'
    -- no NOTICE per table dropped or not found
    SET client_min_messages = warning
AS $fn$
DECLARE
    n_accounts bigint;
    n bigint;
    counts jsonb := '{}';
BEGIN
    IF scale IS NULL OR NOT (scale > 0 AND scale <= 10) THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'scale must be between 0 and 10',
            DETAIL = format('scale = %s.', coalesce(scale::text, 'NULL')),
            HINT = 'Use 0.01 for the demo and 1 for the benchmark data set.';
    END IF;
    -- seed * 1000 + stream must fit in a bigint (abm_demo_uniform)
    IF seed IS NULL OR abs(seed) > 9000000000000000 THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'seed must be between -9000000000000000 and 9000000000000000',
            DETAIL = format('seed = %s.', coalesce(seed::text, 'NULL')),
            HINT = 'Use any small integer, for example 1.';
    END IF;
    IF target_schema IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'target_schema must not be null',
            DETAIL = 'target_schema = NULL.',
            HINT = 'Pass a schema name, for example ''abm_demo''.';
    END IF;

    n_accounts := greatest(10, round(100000 * scale));

    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I', target_schema);
    -- no CASCADE: a user's view over the demo tables makes this fail rather than vanish
    EXECUTE format('DROP TABLE IF EXISTS %1$I.nps_responses, %1$I.stages, %1$I.contracts, %1$I.touches,'
                   ' %1$I.opportunities, %1$I.contacts, %1$I.accounts', target_schema);
    EXECUTE format($sql$
        CREATE TABLE %1$I.accounts (
            account_id bigint, name text, is_target bool, tier int, industry text,
            employees int, annual_revenue numeric(14,2), attributes jsonb);
        CREATE TABLE %1$I.contacts (contact_id bigint, account_id bigint, role text);
        CREATE TABLE %1$I.touches (
            account_id bigint, contact_id bigint, occurred_at timestamptz,
            activity text, channel text, campaign text, cost numeric(10,4));
        CREATE TABLE %1$I.stages (account_id bigint, stage text, entered_at timestamptz);
        CREATE TABLE %1$I.opportunities (
            opportunity_id bigint, account_id bigint, created_at timestamptz,
            closed_at timestamptz, amount numeric(12,2), is_won bool);
        CREATE TABLE %1$I.contracts (
            account_id bigint, starts_on date, ends_on date, amount numeric(12,2),
            kind text, renewed bool);
        CREATE TABLE %1$I.nps_responses (
            account_id bigint, contact_id bigint, responded_at timestamptz, score int)
        $sql$, target_schema);

    -- Accounts.  30 % targets, tiered 1/2/3 = 10/30/60 %.  Targets lean to the
    -- ICP: bigger companies (tier 1 the biggest) and the first industries of
    -- the list (software, fintech).  Employees are log-uniform-ish 10..50 000,
    -- revenue about 150 000 per employee with noise.
    EXECUTE format($sql$
        INSERT INTO %1$I.accounts
        WITH base AS (
            SELECT a.account_id,
                   @extschema@.abm_demo_uniform($1, 1, a.account_id) < 0.30 AS is_target,
                   @extschema@.abm_demo_uniform($1, 2, a.account_id) AS u_tier,
                   @extschema@.abm_demo_uniform($1, 3, a.account_id) AS u_industry,
                   @extschema@.abm_demo_uniform($1, 4, a.account_id) AS u_employees,
                   @extschema@.abm_demo_uniform($1, 5, a.account_id) AS u_revenue,
                   @extschema@.abm_demo_uniform($1, 6, a.account_id) AS u_region,
                   1 + floor(4 * @extschema@.abm_demo_uniform($1, 7, a.account_id))::int AS n_tech
            FROM pg_catalog.generate_series(1, $2) AS a(account_id)
        ), shaped AS (
            SELECT b.*, t.tier,
                   floor(8 * b.u_industry ^ CASE WHEN b.is_target THEN 1.4 ELSE 1 END)::int AS industry_no,
                   round(10 * 5000 ^ (b.u_employees ^ CASE t.tier WHEN 1 THEN 0.55 WHEN 2 THEN 0.7
                                                                   WHEN 3 THEN 0.85 ELSE 1.1 END))::int AS employees,
                   CASE WHEN b.u_region < 0.40 THEN 'na' WHEN b.u_region < 0.75 THEN 'emea'
                        WHEN b.u_region < 0.90 THEN 'apac' ELSE 'latam' END AS region,
                   (SELECT jsonb_agg(x.tech ORDER BY x.k)
                    FROM (SELECT tech, k
                          FROM unnest(ARRAY['salesforce', 'hubspot', 'marketo', 'snowflake',
                                            'aws', 'azure', 'gcp', 'segment']) WITH ORDINALITY AS y(tech, k)
                          ORDER BY @extschema@.abm_demo_uniform($1, 8, b.account_id * 8 + k), k
                          LIMIT b.n_tech) x) AS technologies
            FROM base b
            CROSS JOIN LATERAL (SELECT CASE WHEN b.is_target THEN
                                           CASE WHEN b.u_tier < 0.1 THEN 1 WHEN b.u_tier < 0.4 THEN 2 ELSE 3 END
                                       END AS tier) t
        ), named AS (
            SELECT s.*,
                   (ARRAY['software', 'fintech', 'healthcare', 'manufacturing',
                          'retail', 'logistics', 'media', 'energy'])[s.industry_no + 1] AS industry,
                   -- "Northfield Health GmbH": a compound, a word of the industry, a legal form of the region
                   (ARRAY['Blue', 'Red', 'North', 'South', 'East', 'West', 'Silver', 'Gold',
                          'Iron', 'Stone', 'Bright', 'Clear', 'High', 'Deep', 'Green', 'Black',
                          'White', 'Oak', 'Pine', 'Cedar', 'Maple', 'Star', 'Sun', 'Moon',
                          'River', 'Lake', 'Sky', 'Storm', 'Frost', 'Fair', 'Swift', 'True'])
                       [1 + floor(32 * @extschema@.abm_demo_uniform($1, 9, s.account_id))::int]
                   || (ARRAY['peak', 'field', 'crown', 'bridge', 'water', 'wood', 'gate', 'point',
                             'ridge', 'brook', 'haven', 'crest', 'light', 'view', 'way', 'well',
                             'port', 'ford', 'mark', 'line', 'works', 'forge', 'path', 'wave',
                             'rock', 'dale', 'mont', 'wind', 'spring', 'hill', 'shore', 'vale'])
                       [1 + floor(32 * @extschema@.abm_demo_uniform($1, 10, s.account_id))::int]
                   || ' ' ||
                   (ARRAY['Software', 'Systems', 'Labs', 'Cloud', 'Payments', 'Capital', 'Pay', 'Financial',
                          'Health', 'Medical', 'Care', 'Bio', 'Industries', 'Manufacturing', 'Robotics', 'Machines',
                          'Retail', 'Brands', 'Stores', 'Commerce', 'Logistics', 'Freight', 'Transport', 'Shipping',
                          'Media', 'Studios', 'Publishing', 'Digital', 'Energy', 'Power', 'Renewables', 'Utilities'])
                       [4 * s.industry_no + 1 + floor(4 * @extschema@.abm_demo_uniform($1, 11, s.account_id))::int]
                   || ' ' ||
                   CASE s.region
                       WHEN 'na' THEN (ARRAY['Inc.', 'LLC', 'Corp.'])
                           [1 + floor(3 * @extschema@.abm_demo_uniform($1, 12, s.account_id))::int]
                       WHEN 'emea' THEN (ARRAY['GmbH', 'Ltd', 'AG', 'S.A.', 'B.V.', 'plc'])
                           [1 + floor(6 * @extschema@.abm_demo_uniform($1, 12, s.account_id))::int]
                       WHEN 'apac' THEN (ARRAY['Pty Ltd', 'Pte Ltd', 'K.K.'])
                           [1 + floor(3 * @extschema@.abm_demo_uniform($1, 12, s.account_id))::int]
                       ELSE (ARRAY['S.A.', 'Ltda.', 'S.A. de C.V.'])
                           [1 + floor(3 * @extschema@.abm_demo_uniform($1, 12, s.account_id))::int]
                   END AS name
            FROM shaped s
        )
        SELECT account_id, name, is_target, tier, industry, employees,
               round((employees::float8 * 150000 * exp(1.2 * (u_revenue - 0.5)))::numeric, -3),
               jsonb_build_object(
                   'industry', industry, 'employees', employees, 'region', region,
                   'technologies', technologies,
                   'crm', CASE WHEN technologies ? 'salesforce' THEN 'salesforce'
                               WHEN technologies ? 'hubspot' THEN 'hubspot' ELSE 'other' END)
        FROM named
        $sql$, target_schema) USING seed, n_accounts;
    GET DIAGNOSTICS n = ROW_COUNT;
    counts := counts || jsonb_build_object('accounts', n);

    -- Contacts: a buying committee of 2..20 per account (mean about 10,
    -- skewed small), ids contiguous per account.
    EXECUTE format($sql$
        INSERT INTO %1$I.contacts
        WITH committee AS (
            SELECT account_id,
                   2 + floor(19 * @extschema@.abm_demo_uniform($1, 20, account_id) ^ 1.25)::bigint AS size
            FROM %1$I.accounts
        ), numbered AS (
            SELECT account_id, size, (sum(size) OVER (ORDER BY account_id) - size)::bigint AS before
            FROM committee
        )
        SELECT c.contact_id, n.account_id,
               CASE WHEN r.u < 0.08 THEN 'champion' WHEN r.u < 0.15 THEN 'economic_buyer'
                    WHEN r.u < 0.27 THEN 'technical_buyer' WHEN r.u < 0.47 THEN 'influencer'
                    WHEN r.u < 0.82 THEN 'user' ELSE 'other' END
        FROM numbered n
        CROSS JOIN LATERAL (SELECT n.before + k AS contact_id
                            FROM generate_series(1, n.size) AS k) c
        CROSS JOIN LATERAL (SELECT @extschema@.abm_demo_uniform($1, 21, c.contact_id) AS u OFFSET 0) r
        $sql$, target_schema) USING seed;
    GET DIAGNOSTICS n = ROW_COUNT;
    counts := counts || jsonb_build_object('contacts', n);

    -- Opportunities: about 2 per account.  Targets are likelier to have any
    -- (40 % of non-targets, 60/70/85 % of tiers 3/2/1) and have more.  An
    -- account's first opportunity falls anywhere in 2025-01-15 .. 2025-12-15
    -- (1736899200 .. 1765756800), its later ones between that and the end.
    -- Cycles 30..180 days, skewed short; an opportunity is closed only if its
    -- cycle ends by 2026-01-01 (1767225600), else open.  Win probability and
    -- deal size rise with the tier.
    EXECUTE format($sql$
        INSERT INTO %1$I.opportunities
        WITH plan AS (
            SELECT a.account_id, a.tier,
                   CASE WHEN @extschema@.abm_demo_uniform($1, 30, a.account_id)
                             < CASE a.tier WHEN 1 THEN 0.85 WHEN 2 THEN 0.70 WHEN 3 THEN 0.60 ELSE 0.40 END
                        THEN 1 + floor(@extschema@.abm_demo_uniform($1, 31, a.account_id)
                                       * CASE a.tier WHEN 1 THEN 12 WHEN 2 THEN 10 WHEN 3 THEN 9 ELSE 6 END)::bigint
                        ELSE 0 END AS n,
                   1736899200 + floor(28857600 * @extschema@.abm_demo_uniform($1, 32, a.account_id))::bigint AS first_at
            FROM %1$I.accounts a
        ), numbered AS (
            SELECT p.*, (sum(p.n) OVER (ORDER BY p.account_id) - p.n)::bigint AS before
            FROM plan p
            WHERE p.n > 0
        ), timed AS (
            SELECT o.opportunity_id, p.account_id, p.tier, d.*,
                   CASE WHEN o.k = 1 THEN p.first_at
                        ELSE p.first_at + floor((1765756800 - p.first_at) * d.u_created)::bigint END AS created,
                   floor(86400 * (30 + 150 * d.u_cycle ^ 2))::bigint AS cycle
            FROM numbered p
            CROSS JOIN LATERAL (SELECT k, p.before + k AS opportunity_id
                                FROM generate_series(1, p.n) AS k) o
            CROSS JOIN LATERAL (SELECT @extschema@.abm_demo_uniform($1, 33, o.opportunity_id) AS u_created,
                                       @extschema@.abm_demo_uniform($1, 34, o.opportunity_id) AS u_cycle,
                                       @extschema@.abm_demo_uniform($1, 35, o.opportunity_id) AS u_won,
                                       @extschema@.abm_demo_uniform($1, 36, o.opportunity_id) AS u_amount
                                OFFSET 0) d
        )
        SELECT opportunity_id, account_id, to_timestamp(created),
               CASE WHEN created + cycle <= 1767225600 THEN to_timestamp(created + cycle) END,
               round((5000 + 245000 * u_amount ^ CASE tier WHEN 1 THEN 1.3 WHEN 2 THEN 2.0
                                                            WHEN 3 THEN 2.5 ELSE 3.0 END)::numeric),
               CASE WHEN created + cycle <= 1767225600
                    THEN u_won < CASE tier WHEN 1 THEN 0.35 WHEN 2 THEN 0.30 WHEN 3 THEN 0.25 ELSE 0.20 END
               END
        FROM timed
        $sql$, target_schema) USING seed;
    GET DIAGNOSTICS n = ROW_COUNT;
    counts := counts || jsonb_build_object('opportunities', n);

    -- Touches: exactly 100 per account on average, over 2025 (1735689600 ..
    -- 1767225600).  An account's share grows with its tier, by half if it has
    -- an opportunity, and with a heavy-tailed engagement level (4 u^3: many
    -- barely touched accounts, a few very active ones).  For an account with
    -- an opportunity half of its touches fall in the 90 days before the first
    -- one, denser closer to it and richer in high-intent activities: the
    -- surge an ABM team watches for.  Account k gets the touch ids
    -- (T * cum(k-1) / S, T * cum(k) / S], cum being the running sum of the
    -- shares and S their total, so the total is exactly T and the ids are
    -- contiguous per account.
    EXECUTE format($sql$
        INSERT INTO %1$I.touches
        WITH contact_range AS (
            SELECT account_id, min(contact_id) AS first_contact, count(*) AS contacts
            FROM %1$I.contacts
            GROUP BY account_id
        ), first_opportunity AS (
            SELECT account_id, extract(epoch FROM min(created_at))::bigint AS at
            FROM %1$I.opportunities
            GROUP BY account_id
        ), share AS (
            SELECT a.account_id, c.first_contact, c.contacts, f.at AS opportunity_at,
                   1 + round(1000 * CASE a.tier WHEN 1 THEN 3.5 WHEN 2 THEN 2.2 WHEN 3 THEN 1.6 ELSE 0.7 END
                                  * CASE WHEN f.at IS NULL THEN 1 ELSE 1.5 END
                                  * 4 * @extschema@.abm_demo_uniform($1, 40, a.account_id) ^ 3)::bigint AS x
            FROM %1$I.accounts a
            JOIN contact_range c USING (account_id)
            LEFT JOIN first_opportunity f USING (account_id)
        ), plan AS (
            SELECT s.*,
                   div($2 * (sum(s.x) OVER w - s.x), sum(s.x) OVER ())::bigint AS before,
                   div($2 * sum(s.x) OVER w, sum(s.x) OVER ())::bigint AS last
            FROM share s
            WINDOW w AS (ORDER BY s.account_id)
        )
        SELECT p.account_id,
               CASE WHEN NOT k.anonymous THEN p.first_contact + floor(p.contacts * d.u_contact ^ 1.5)::bigint END,
               to_timestamp(k.at), k.activity, k.channel,
               '2025-Q' || CASE WHEN k.at < 1743465600 THEN '1 '      -- before 2025-04-01
                                WHEN k.at < 1751328000 THEN '2 '      -- before 2025-07-01
                                WHEN k.at < 1759276800 THEN '3 '      -- before 2025-10-01
                                ELSE '4 ' END
               || CASE k.channel WHEN 'paid_social' THEN 'LinkedIn ABM' WHEN 'display' THEN 'Display retargeting'
                                 WHEN 'email' THEN 'Nurture' WHEN 'organic' THEN 'SEO'
                                 WHEN 'paid_search' THEN 'Search' WHEN 'events' THEN 'Events'
                                 WHEN 'chat' THEN 'Chat' WHEN 'website' THEN 'Website'
                                 WHEN 'sales' THEN 'SDR outreach' ELSE 'Content syndication' END,
               -- paid channels only: cost per impression, click, paid visit, attendee
               CASE WHEN k.activity = 'ad_impression' THEN 0.02
                    WHEN k.activity = 'ad_click' THEN 3.50
                    WHEN k.channel = 'paid_search' AND k.activity = 'web_visit' THEN 2.75
                    WHEN k.channel = 'paid_search' THEN 4.20
                    WHEN k.activity = 'webinar_attended' THEN 25.00
                    WHEN k.activity = 'event_attended' THEN 150.00 END
        FROM plan p
        CROSS JOIN LATERAL generate_series(p.before + 1, p.last) AS t(i)
        CROSS JOIN LATERAL (
            SELECT p.opportunity_at IS NOT NULL
                       AND @extschema@.abm_demo_uniform($1, 41, t.i) < 0.5 AS in_window,
                   @extschema@.abm_demo_uniform($1, 42, t.i) AS u_time,
                   @extschema@.abm_demo_uniform($1, 43, t.i) AS u_activity,
                   @extschema@.abm_demo_uniform($1, 44, t.i) AS u_channel,
                   @extschema@.abm_demo_uniform($1, 45, t.i) AS u_anonymous,
                   @extschema@.abm_demo_uniform($1, 46, t.i) AS u_contact
            OFFSET 0) d
        CROSS JOIN LATERAL (
            SELECT CASE WHEN d.in_window
                        -- 90 days (or back to 2025-01-01) before the first opportunity, u^2 puts most near it
                        THEN p.opportunity_at - 1
                             - floor((least(7776000, p.opportunity_at - 1735689600) - 1) * d.u_time ^ 2)::bigint
                        ELSE 1735689600 + floor(31536000 * d.u_time)::bigint END AS at,
                   -- activities ordered by intent; before an opportunity the draw is pushed upwards
                   CASE WHEN d.in_window THEN 1 - (1 - d.u_activity) ^ 1.3 ELSE d.u_activity END AS u
            OFFSET 0) w
        CROSS JOIN LATERAL (
            SELECT w.at, a.activity,
                   CASE WHEN a.activity LIKE 'ad\_%%' THEN
                            CASE WHEN d.u_channel < 0.6 THEN 'paid_social' ELSE 'display' END
                        WHEN a.activity LIKE 'email\_%%' THEN 'email'
                        WHEN a.activity IN ('web_visit', 'high_value_page_visit') THEN
                            CASE WHEN d.u_channel < 0.65 THEN 'organic' ELSE 'paid_search' END
                        WHEN a.activity IN ('webinar_attended', 'event_attended') THEN 'events'
                        WHEN a.activity = 'chat' THEN 'chat'
                        WHEN a.activity = 'form_fill' THEN 'website'
                        WHEN a.activity = 'meeting_booked' THEN 'sales'
                        ELSE 'content' END AS channel,
                   -- ads and web visits are often resolved to the account only (reverse IP),
                   -- chats sometimes; e-mails, forms, events and meetings always have a person
                   CASE WHEN a.activity IN ('ad_impression', 'ad_click', 'web_visit', 'high_value_page_visit')
                        THEN d.u_anonymous < 0.5
                        WHEN a.activity = 'chat' THEN d.u_anonymous < 0.3
                        ELSE false END AS anonymous
            FROM (SELECT CASE WHEN w.u < 0.350 THEN 'ad_impression'
                              WHEN w.u < 0.550 THEN 'email_open'
                              WHEN w.u < 0.700 THEN 'web_visit'
                              WHEN w.u < 0.725 THEN 'ad_click'
                              WHEN w.u < 0.755 THEN 'email_click'
                              WHEN w.u < 0.815 THEN 'high_value_page_visit'
                              WHEN w.u < 0.865 THEN 'content_download'
                              WHEN w.u < 0.895 THEN 'webinar_attended'
                              WHEN w.u < 0.925 THEN 'chat'
                              WHEN w.u < 0.970 THEN 'form_fill'
                              WHEN w.u < 0.985 THEN 'event_attended'
                              ELSE 'meeting_booked' END AS activity
                  OFFSET 0) a
            OFFSET 0) k
        $sql$, target_schema) USING seed, 100 * n_accounts;
    GET DIAGNOSTICS n = ROW_COUNT;
    counts := counts || jsonb_build_object('touches', n);

    -- Contracts.  A 'new' contract of 365 days per won opportunity.  Those
    -- all end after 2026-01-01, so to have renewals in the data year there is
    -- also an installed base: customers won in 2024 (8 % of non-targets,
    -- 15/20/25 % of tiers 3/2/1) whose 'new' contract started 2024-01-03 ..
    -- 2024-12-30 and comes up for renewal in 2025.  A contract ending by
    -- 2026-01-01 is renewed (85 %) or not, later ones are undecided (NULL);
    -- a renewed one is followed by a 'renewal' contract for the next 365
    -- days at 0.9..1.3 times the amount.  A quarter of the new contracts get
    -- an 'expansion' co-terminous with them, starting 120..240 days in, at
    -- 20..50 % of the amount, renewed together with them.  Random draws are
    -- keyed by opportunity_id for 2025 wins and by -account_id for the
    -- installed base, so the two never share a draw.
    EXECUTE format($sql$
        INSERT INTO %1$I.contracts
        WITH new_contract AS (
            SELECT opportunity_id AS key, account_id, (closed_at AT TIME ZONE 'UTC')::date AS starts_on, amount
            FROM %1$I.opportunities
            WHERE is_won
            UNION ALL
            SELECT -account_id, account_id,
                   date '2024-01-03' + floor(363 * @extschema@.abm_demo_uniform($1, 51, account_id))::int,
                   round((5000 + 245000 * @extschema@.abm_demo_uniform($1, 52, account_id)
                                          ^ CASE tier WHEN 1 THEN 1.3 WHEN 2 THEN 2.0 WHEN 3 THEN 2.5 ELSE 3.0 END)::numeric)
            FROM %1$I.accounts
            WHERE @extschema@.abm_demo_uniform($1, 50, account_id)
                  < CASE tier WHEN 1 THEN 0.25 WHEN 2 THEN 0.20 WHEN 3 THEN 0.15 ELSE 0.08 END
        ), decided AS (
            SELECT c.*, c.starts_on + 365 AS ends_on,
                   CASE WHEN c.starts_on + 365 <= date '2026-01-01'
                        THEN @extschema@.abm_demo_uniform($1, 53, c.key) < 0.85 END AS renewed,
                   @extschema@.abm_demo_uniform($1, 55, c.key) < 0.25 AS expands
            FROM new_contract c
        )
        SELECT account_id, starts_on, ends_on, amount, 'new', renewed
        FROM decided
        UNION ALL
        SELECT account_id, ends_on, ends_on + 365,
               round(amount * (0.9 + 0.4 * @extschema@.abm_demo_uniform($1, 54, key))::numeric, 2),
               'renewal', NULL
        FROM decided
        WHERE renewed
        UNION ALL
        SELECT account_id, starts_on + 120 + floor(121 * @extschema@.abm_demo_uniform($1, 56, key))::int, ends_on,
               round(amount * (0.2 + 0.3 * @extschema@.abm_demo_uniform($1, 57, key))::numeric, 2),
               'expansion', renewed
        FROM decided
        WHERE expands
        $sql$, target_schema) USING seed;
    GET DIAGNOSTICS n = ROW_COUNT;
    counts := counts || jsonb_build_object('contracts', n);

    -- Stages: the account journey up to 2026-01-01, derived from the rows
    -- above.  'won' is when the account became a customer: its first won
    -- opportunity, or the start of its installed-base contract.  An expansion
    -- signed in 2025 may start in 2026: it is in contracts, not yet a stage.
    EXECUTE format($sql$
        INSERT INTO %1$I.stages
        SELECT account_id, 'target',
               to_timestamp(1735689600 + floor(2678400 * @extschema@.abm_demo_uniform($1, 60, account_id)))
        FROM %1$I.accounts
        WHERE is_target
        UNION ALL
        SELECT account_id, 'engaged', occurred_at
        FROM (SELECT account_id, occurred_at,
                     row_number() OVER (PARTITION BY account_id ORDER BY occurred_at) AS n
              FROM %1$I.touches
              WHERE activity <> 'ad_impression') t
        WHERE n = 3
        UNION ALL
        SELECT account_id, 'opportunity', min(created_at)
        FROM %1$I.opportunities
        GROUP BY account_id
        UNION ALL
        SELECT account_id, 'won', min(won_at)
        FROM (SELECT account_id, closed_at AS won_at
              FROM %1$I.opportunities
              WHERE is_won
              UNION ALL
              SELECT account_id, starts_on::timestamp AT TIME ZONE 'UTC'
              FROM %1$I.contracts
              WHERE kind = 'new' AND starts_on < date '2025-01-01') w
        GROUP BY account_id
        UNION ALL
        SELECT account_id, CASE kind WHEN 'renewal' THEN 'retained' ELSE 'expanded' END,
               min(starts_on)::timestamp AT TIME ZONE 'UTC'
        FROM %1$I.contracts
        WHERE kind IN ('renewal', 'expansion')
        GROUP BY account_id, kind
        HAVING min(starts_on) < date '2026-01-01'
        $sql$, target_schema) USING seed;
    GET DIAGNOSTICS n = ROW_COUNT;
    counts := counts || jsonb_build_object('stages', n);

    -- NPS: 0..3 responses per customer account, by its contacts, while under
    -- contract within 2025; 45 % promoters (9-10), 30 % passives (7-8), 25 %
    -- detractors (0-6, mostly 5-6).
    EXECUTE format($sql$
        INSERT INTO %1$I.nps_responses
        WITH customer AS (
            SELECT account_id,
                   extract(epoch FROM greatest(min(starts_on), date '2025-01-01')::timestamp)::bigint AS from_at,
                   extract(epoch FROM least(max(ends_on), date '2026-01-01')::timestamp)::bigint AS to_at
            FROM %1$I.contracts
            GROUP BY account_id
        ), contact_range AS (
            SELECT account_id, min(contact_id) AS first_contact, count(*) AS contacts
            FROM %1$I.contacts
            GROUP BY account_id
        )
        SELECT c.account_id,
               r.first_contact + floor(r.contacts * @extschema@.abm_demo_uniform($1, 72, x.key))::bigint,
               to_timestamp(c.from_at + floor((c.to_at - c.from_at) * @extschema@.abm_demo_uniform($1, 71, x.key))),
               CASE WHEN s.u < 0.45 THEN 9 + floor(2 * s.v)::int
                    WHEN s.u < 0.75 THEN 7 + floor(2 * s.v)::int
                    ELSE 6 - floor(7 * s.v ^ 2)::int END
        FROM customer c
        JOIN contact_range r USING (account_id)
        CROSS JOIN LATERAL (SELECT 4 * c.account_id + k AS key
                            FROM generate_series(1, floor(4 * @extschema@.abm_demo_uniform($1, 70, c.account_id))::int) AS k) x
        CROSS JOIN LATERAL (SELECT @extschema@.abm_demo_uniform($1, 73, x.key) AS u,
                                   @extschema@.abm_demo_uniform($1, 74, x.key) AS v
                            OFFSET 0) s
        WHERE c.to_at > c.from_at
        $sql$, target_schema) USING seed;
    GET DIAGNOSTICS n = ROW_COUNT;
    counts := counts || jsonb_build_object('nps_responses', n);

    EXECUTE format('ANALYZE %1$I.accounts, %1$I.contacts, %1$I.touches, %1$I.stages,'
                   ' %1$I.opportunities, %1$I.contracts, %1$I.nps_responses', target_schema);

    RETURN QUERY
        SELECT format('%I.%I', target_schema, r.name), (counts ->> r.name)::bigint
        FROM unnest(ARRAY['accounts', 'contacts', 'touches', 'stages', 'opportunities',
                          'contracts', 'nps_responses']) WITH ORDINALITY AS r(name, k)
        ORDER BY r.k;
END
$fn$;

COMMENT ON FUNCTION abm_demo_load(float8, bigint, name) IS 'creates (drops and re-creates) the sample data set in schema target_schema: accounts, contacts, touches, stages, opportunities, contracts and nps_responses of 2025, deterministic for a given scale and seed (scale 1 = 100 000 accounts, 10 000 000 touches); returns each table with its row count';

-- sql/install/report.sql
-- The six-stage ABM report: every KPI of docs/kpis.md the given relations
-- allow, one row per KPI.  PL/pgSQL so that optional relations and columns
-- can be left out; it runs with the caller's rights (no SECURITY DEFINER),
-- and every relation reaches the SQL through its regclass text, which is
-- quoted and schema-qualified as needed.

-- True when rel has column col; otherwise a NOTICE saying which KPIs are
-- left out for want of it.
CREATE FUNCTION abm_report_has_column(rel regclass, col name, kpis text) RETURNS bool
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF rel IS NULL THEN
        RETURN false;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_attribute
               WHERE attrelid = rel AND attname = col AND attnum > 0 AND NOT attisdropped) THEN
        RETURN true;
    END IF;
    RAISE NOTICE 'abm_report: % has no column %, leaving out %', rel, quote_ident(col), kpis;
    RETURN false;
END
$$;

-- The relation, or NULL (with a NOTICE) when one of its required columns
-- is missing, so that only the KPIs needing it are left out.
CREATE FUNCTION abm_report_relation(rel regclass, cols name[], kpis text) RETURNS regclass
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    col name;
BEGIN
    IF rel IS NULL THEN
        RETURN NULL;
    END IF;
    FOREACH col IN ARRAY cols LOOP
        IF NOT @extschema@.abm_report_has_column(rel, col, kpis) THEN
            RETURN NULL;
        END IF;
    END LOOP;
    RETURN rel;
END
$$;

CREATE FUNCTION abm_report(
    accounts regclass,
    touches regclass DEFAULT NULL,
    opportunities regclass DEFAULT NULL,
    contacts regclass DEFAULT NULL,
    stages regclass DEFAULT NULL,
    contracts regclass DEFAULT NULL,
    nps_responses regclass DEFAULT NULL,
    period_start timestamptz DEFAULT NULL,
    period_end timestamptz DEFAULT NULL,
    half_life interval DEFAULT '30 days',
    engaged_min_score float8 DEFAULT 10,
    lookback interval DEFAULT '90 days',
    revenue_goal numeric DEFAULT NULL,
    icp_profile jsonb DEFAULT NULL,
    mqa_min_score float8 DEFAULT 30,
    mqa_min_contacts int DEFAULT 3,
    mqa_min_fit float8 DEFAULT 0.5)
RETURNS TABLE(stage int, kpi text, value numeric, unit text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $report$
DECLARE
    acc regclass;
    tou regclass;
    opp regclass;
    con regclass;
    stg regclass;
    ctr regclass;
    nps regclass;
    has_tier bool;
    has_cost bool;
    has_contact bool;
    fit_expr text := '1.0::float8';
    contact_expr text := 'NULL::bigint';
    cost_expr text := 'NULL::numeric';
    -- KPI rows as they are computed, stage by stage: (stage, ord, kpi, value, unit)
    kpis jsonb := '[]';
    part jsonb;
    wrap constant text := 'SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(q)), ''[]'') FROM (%s) q';
BEGIN
    IF period_start IS NULL OR period_end IS NULL OR period_start >= period_end
       OR NOT isfinite(period_start) OR NOT isfinite(period_end) THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'abm_report needs a finite period with period_start < period_end',
            DETAIL = format('period_start = %s, period_end = %s.',
                            coalesce(period_start::text, 'NULL'), coalesce(period_end::text, 'NULL')),
            HINT = 'Pass period_start => ''2025-01-01'', period_end => ''2026-01-01''.';
    END IF;
    IF half_life IS NULL OR half_life <= interval '0' THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'half_life must be positive',
            DETAIL = format('half_life = %s.', coalesce(half_life::text, 'NULL')),
            HINT = 'Pass an interval greater than zero, such as ''30 days''.';
    END IF;

    acc := @extschema@.abm_report_relation(accounts, '{account_id,is_target}', 'every KPI');
    IF acc IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'abm_report needs an accounts relation with columns account_id and is_target',
            DETAIL = format('accounts = %s.', accounts),
            HINT = 'Map your CRM accounts onto the columns of docs/conventions.md with a view.';
    END IF;
    has_tier := @extschema@.abm_report_has_column(acc, 'tier', 'target accounts per tier');
    tou := @extschema@.abm_report_relation(touches, '{account_id,occurred_at,activity}',
                                          'the engagement, intent, influence and cost KPIs');
    IF tou IS NOT NULL THEN
        has_contact := @extschema@.abm_report_has_column(tou, 'contact_id',
                           'engaged contacts, MQAs, de-anonymisation and committee coverage');
        has_cost := @extschema@.abm_report_has_column(tou, 'cost',
                           'cost per engaged account, per opportunity account, per won account and CAC');
        IF has_contact THEN
            contact_expr := 'x.contact_id';
        END IF;
        IF has_cost THEN
            cost_expr := 'x.cost';
        END IF;
    END IF;
    opp := @extschema@.abm_report_relation(opportunities,
               '{account_id,created_at,closed_at,amount,is_won}', 'the opportunity and revenue KPIs');
    con := @extschema@.abm_report_relation(contacts, '{contact_id,account_id,role}',
               'buying-committee size, coverage and penetration');
    stg := @extschema@.abm_report_relation(stages, '{account_id,stage,entered_at}',
               'accounts reaching each journey stage');
    ctr := @extschema@.abm_report_relation(contracts,
               '{account_id,starts_on,ends_on,amount,kind,renewed}', 'the retention and expansion KPIs');
    nps := @extschema@.abm_report_relation(nps_responses, '{account_id,responded_at,score}', 'NPS');
    IF icp_profile IS NOT NULL
       AND @extschema@.abm_report_has_column(acc, 'attributes', 'ICP fit') THEN
        fit_expr := format('@extschema@.abm_icp_fit(a.attributes, %L::jsonb)', icp_profile);
    END IF;

    -- Stage 1: target accounts, per tier, ICP fit
    EXECUTE format(wrap, format($q$
        SELECT 1 AS stage, n AS ord, k AS kpi, v AS value, u AS unit
        FROM (SELECT count(*) AS targets,
                     count(*) FILTER (WHERE %2$s = 1) AS tier1,
                     count(*) FILTER (WHERE %2$s = 2) AS tier2,
                     count(*) FILTER (WHERE %2$s = 3) AS tier3,
                     avg(%3$s) AS fit
              FROM %1$s a WHERE a.is_target) s,
             LATERAL (VALUES (1, 'target accounts', targets::numeric, 'accounts'),
                             (2, 'target accounts, tier 1', tier1, 'accounts'),
                             (3, 'target accounts, tier 2', tier2, 'accounts'),
                             (4, 'target accounts, tier 3', tier3, 'accounts'),
                             (5, 'ICP fit, average of target accounts', round(fit::numeric, 4), 'share'))
                     v(n, k, v, u)
        WHERE (n BETWEEN 2 AND 4 AND %4$L) OR n = 1 OR (n = 5 AND %5$L)
        $q$,
        acc, CASE WHEN has_tier THEN 'a.tier' ELSE 'NULL::int' END, fit_expr,
        has_tier, fit_expr <> '1.0::float8')) INTO part;
        kpis := kpis || part;

    IF opp IS NOT NULL AND revenue_goal IS NOT NULL THEN
        EXECUTE format(wrap, format($q$
            SELECT 1 AS stage, 6 AS ord, 'minimum viable accounts' AS kpi,
                   @extschema@.abm_mva($1, w.avg_won, w.win_rate, w.opp_rate)::numeric AS value, 'accounts' AS unit
            FROM (SELECT avg(o.amount) FILTER (WHERE o.is_won) AS avg_won,
                         @extschema@.abm_win_rate(o.is_won) AS win_rate,
                         (SELECT @extschema@.abm_rate(EXISTS (SELECT 1 FROM %2$s o2 WHERE o2.account_id = a.account_id
                                                              AND o2.created_at >= $2 AND o2.created_at < $3))
                          FROM %1$s a WHERE a.is_target) AS opp_rate
                  FROM %2$s o JOIN %1$s a USING (account_id)
                  WHERE a.is_target AND o.closed_at >= $2 AND o.closed_at < $3) w
            WHERE w.avg_won > 0 AND w.win_rate > 0 AND w.opp_rate > 0 $q$, acc, opp)) INTO part
        USING revenue_goal, period_start, period_end;
        kpis := kpis || part;
    END IF;

    -- Stages 1-2: engagement, intent, relationship, activity counts, MQAs, cost
    IF tou IS NOT NULL THEN
        EXECUTE format(wrap, format($q$
            WITH t AS (
                SELECT a.account_id, %3$s AS fit FROM %1$s a WHERE a.is_target
            ), e AS (
                SELECT x.account_id,
                       @extschema@.abm_engagement_agg(x.activity, x.occurred_at, %4$s, $3) AS st,
                       @extschema@.abm_engagement_score(@extschema@.abm_activity_weight(x.activity), x.occurred_at, $2, $3)
                           FILTER (WHERE lower(x.activity) IN ('meeting_booked', 'chat', 'event_attended')) AS relationship,
                       sum(%5$s) AS cost,
                       count(*) FILTER (WHERE lower(x.activity) IN ('web_visit', 'high_value_page_visit')
                                          AND %4$s IS NOT NULL) AS identified,
                       count(*) FILTER (WHERE lower(x.activity) IN ('web_visit', 'high_value_page_visit')) AS visits,
                       @extschema@.abm_view_through(x.occurred_at, lower(x.activity) = 'ad_impression',
                                                    lower(x.activity) = 'ad_click',
                                                    lower(x.activity) = 'form_fill', '7 days') AS view_through
                FROM %2$s x JOIN t USING (account_id)
                WHERE x.occurred_at >= $1 AND x.occurred_at < $2
                GROUP BY x.account_id
            ), s AS (
                SELECT x.account_id,
                       @extschema@.abm_surge(x.occurred_at, $2, '7 days', '28 days') AS z
                FROM %2$s x JOIN t USING (account_id)
                WHERE x.occurred_at >= $2 - interval '35 days' AND x.occurred_at < $2
                GROUP BY x.account_id
            ), per AS (
                SELECT t.account_id, t.fit, e.st, e.cost, e.identified, e.visits, e.view_through,
                       coalesce(@extschema@.abm_score(e.st, $2), 0) AS score,
                       coalesce(e.relationship, 0) AS relationship,
                       coalesce(@extschema@.abm_engaged_contacts(e.st), 0) AS contacts,
                       coalesce(s.z >= 2, false) AS surging
                FROM t LEFT JOIN e USING (account_id) LEFT JOIN s USING (account_id)
            ), agg AS (
                SELECT count(*) FILTER (WHERE score >= $4) AS engaged,
                       @extschema@.abm_rate(score >= $4) AS engaged_share,
                       avg(score) AS avg_score,
                       avg(relationship) AS avg_relationship,
                       count(*) FILTER (WHERE surging) AS surging,
                       sum(@extschema@.abm_touches(st, 'ad_impression')) AS impressions,
                       sum(@extschema@.abm_touches(st, 'ad_click')) AS clicks,
                       sum(@extschema@.abm_touches(st, 'email_open')) AS opens,
                       sum(@extschema@.abm_touches(st, 'email_click')) AS email_clicks,
                       sum(@extschema@.abm_touches(st, 'web_visit')) AS web_visits,
                       sum(@extschema@.abm_touches(st, 'high_value_page_visit')) AS hvp_visits,
                       sum(@extschema@.abm_touches(st, 'chat')) AS chats,
                       sum(@extschema@.abm_touches(st, 'form_fill')) AS form_fills,
                       sum(@extschema@.abm_touches(st, 'meeting_booked')) AS meetings,
                       sum(view_through) AS view_through,
                       sum(identified)::float8 / nullif(sum(visits), 0) AS deanonymised,
                       sum(cost) AS cost,
                       count(*) FILTER (WHERE @extschema@.abm_is_mqa(score, contacts::int, fit, $5, $6, $7)) AS mqas
                FROM per
            )
            SELECT 2 AS stage, n AS ord, k AS kpi, v AS value, u AS unit
            FROM agg, LATERAL (VALUES
                (1, 'engaged target accounts', engaged::numeric, 'accounts'),
                (2, '%% target accounts engaged', round(engaged_share::numeric, 4), 'share'),
                (3, '%% target accounts not engaged', round((1 - engaged_share)::numeric, 4), 'share'),
                (4, 'engagement score, average of target accounts', round(avg_score::numeric, 2), 'score'),
                (5, 'relationship score, average of target accounts', round(avg_relationship::numeric, 2), 'score'),
                (6, 'target accounts with an intent surge', surging::numeric, 'accounts'),
                (7, 'ad impressions', impressions::numeric, 'touches'),
                (8, 'ad clicks', clicks::numeric, 'touches'),
                (9, 'click-through rate', round((clicks::float8 / nullif(impressions, 0))::numeric, 4), 'share'),
                (10, 'email opens', opens::numeric, 'touches'),
                (11, 'email clicks', email_clicks::numeric, 'touches'),
                (12, 'click-to-open rate', round((email_clicks::float8 / nullif(opens, 0))::numeric, 4), 'share'),
                (13, 'web visits', web_visits::numeric, 'touches'),
                (14, 'high-value page visits', hvp_visits::numeric, 'touches'),
                (15, 'chats', chats::numeric, 'touches'),
                (16, 'form fills', form_fills::numeric, 'touches'),
                (17, 'meetings booked', meetings::numeric, 'touches'),
                (18, 'view-through conversions', view_through::numeric, 'conversions'),
                (19, 'de-anonymisation rate', round(deanonymised::numeric, 4), 'share'),
                (20, 'marketing-qualified accounts', mqas::numeric, 'accounts'),
                (21, 'cost per engaged account', round(cost / nullif(engaged, 0), 2), 'money'))
                v(n, k, v, u)
            WHERE (n NOT IN (19, 20) OR %6$L) AND (n <> 21 OR %7$L)
            $q$,
            acc, tou, fit_expr, contact_expr, cost_expr, has_contact, has_cost)) INTO part
        USING period_start, period_end, half_life, engaged_min_score,
              mqa_min_score, mqa_min_contacts, mqa_min_fit;
        kpis := kpis || part;
    END IF;

    -- Stage 3: buying committees (contacts engaged = touched in the period)
    IF con IS NOT NULL THEN
        EXECUTE format(wrap, format($q$
            WITH engaged AS (
                SELECT DISTINCT x.contact_id FROM %3$s x
                WHERE %4$L AND x.occurred_at >= $1 AND x.occurred_at < $2
            ), cov AS (
                SELECT c.account_id,
                       @extschema@.abm_coverage(c.contact_id, c.role, e.contact_id IS NOT NULL) AS r
                FROM %2$s c JOIN %1$s a USING (account_id)
                     LEFT JOIN engaged e ON e.contact_id = c.contact_id
                WHERE a.is_target
                GROUP BY c.account_id
            )
            SELECT 3 AS stage, 10 + n AS ord, k AS kpi, v AS value, u AS unit
            FROM (SELECT avg((r).contacts) AS size, avg((r).coverage) AS coverage,
                         avg((r).penetration) AS penetration FROM cov) s,
                 LATERAL (VALUES
                    (1, 'buying-committee size, average of target accounts', round(size, 2), 'contacts'),
                    (2, 'in-account coverage, average of target accounts', round(coverage::numeric, 4), 'share'),
                    (3, 'account penetration, average of target accounts', round(penetration::numeric, 4), 'share'))
                 v(n, k, v, u)
            WHERE n = 1 OR %4$L
            $q$,
            acc, con, coalesce(tou::text, acc::text), tou IS NOT NULL AND has_contact)) INTO part
        USING period_start, period_end;
        kpis := kpis || part;
    END IF;

    -- Stages 3-4: opportunities, pipeline, wins, cycles, influence, cost
    IF opp IS NOT NULL THEN
        EXECUTE format(wrap, format($q$
            WITH o AS (
                SELECT o.* FROM %2$s o JOIN %1$s a USING (account_id) WHERE a.is_target
            ), created AS (
                SELECT @extschema@.abm_pipeline(o.amount, o.created_at, o.closed_at, o.is_won) AS p
                FROM o WHERE o.created_at >= $1 AND o.created_at < $2
            ), closed AS (
                SELECT @extschema@.abm_pipeline(o.amount, o.created_at, o.closed_at, o.is_won) AS p,
                       @extschema@.abm_deal_cycle(o.created_at, o.closed_at) FILTER (WHERE o.is_won) AS sales_cycle,
                       count(DISTINCT o.account_id) FILTER (WHERE o.is_won) AS won_accounts
                FROM o WHERE o.closed_at >= $1 AND o.closed_at < $2
            ), opp_rate AS (
                SELECT @extschema@.abm_rate(EXISTS (SELECT 1 FROM o WHERE o.account_id = a.account_id
                                                    AND o.created_at >= $1 AND o.created_at < $2)) AS r,
                       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM o WHERE o.account_id = a.account_id
                                                      AND o.created_at >= $1 AND o.created_at < $2)) AS accounts
                FROM %1$s a WHERE a.is_target
            )
            SELECT s AS stage, n AS ord, k AS kpi, v AS value, u AS unit
            FROM created, closed, opp_rate, LATERAL (VALUES
                (3, 1, 'opportunity rate', round(opp_rate.r::numeric, 4), 'share'),
                (3, 2, 'target accounts with an opportunity', opp_rate.accounts::numeric, 'accounts'),
                (3, 3, 'opportunities created', (created.p).opportunities::numeric, 'opportunities'),
                (3, 4, 'target-account pipeline (open amount)', (created.p).open_amount, 'money'),
                (4, 1, 'win rate', round((closed.p).win_rate::numeric, 4), 'share'),
                (4, 2, 'deals won', (closed.p).won::numeric, 'opportunities'),
                (4, 3, 'new revenue won', (closed.p).won_amount, 'money'),
                (4, 4, 'average won deal', round((closed.p).avg_won_amount, 2), 'money'),
                (4, 5, 'sales cycle (created to won), median', round((closed.sales_cycle).median_days::numeric, 1), 'days'),
                (4, 6, 'pipeline velocity', round((created.p).velocity_per_day, 2), 'money per day'))
                v(s, n, k, v, u)
            $q$, acc, opp)) INTO part
        USING period_start, period_end;
        kpis := kpis || part;
    END IF;

    IF opp IS NOT NULL AND tou IS NOT NULL THEN
        EXECUTE format(wrap, format($q$
            WITH o AS (
                SELECT o.* FROM %2$s o JOIN %1$s a USING (account_id) WHERE a.is_target
            ), first_touch AS (
                SELECT x.account_id, min(x.occurred_at) AS at
                FROM %3$s x JOIN %1$s a USING (account_id) WHERE a.is_target
                GROUP BY x.account_id
            ), first_opp AS (
                SELECT o.account_id, min(o.created_at) AS at FROM o GROUP BY o.account_id
            ), influence AS (
                SELECT o.opportunity_id, o.amount,
                       coalesce(@extschema@.abm_influenced(x.occurred_at, o.created_at, $3), false) AS influenced
                FROM o LEFT JOIN %3$s x ON x.account_id = o.account_id
                WHERE o.created_at >= $1 AND o.created_at < $2 AND o.amount >= 0
                GROUP BY o.opportunity_id, o.amount
            ), period_touches AS (
                SELECT x.account_id, count(*) AS touches, sum(%4$s) AS cost
                FROM %3$s x JOIN %1$s a USING (account_id)
                WHERE a.is_target AND x.occurred_at >= $1 AND x.occurred_at < $2
                GROUP BY x.account_id
            ), won AS (
                SELECT DISTINCT o.account_id FROM o
                WHERE o.is_won AND o.closed_at >= $1 AND o.closed_at < $2
            ), new_customers AS (
                SELECT o.account_id FROM o WHERE o.is_won GROUP BY o.account_id
                HAVING min(o.closed_at) >= $1 AND min(o.closed_at) < $2
            ), opp_accounts AS (
                SELECT DISTINCT o.account_id FROM o WHERE o.created_at >= $1 AND o.created_at < $2
            ), agg AS (
                SELECT
                    (SELECT @extschema@.abm_deal_cycle(f.at, fo.at) FROM first_opp fo JOIN first_touch f USING (account_id)
                     WHERE fo.at >= $1 AND fo.at < $2 AND f.at <= fo.at) AS to_opp,
                    (SELECT @extschema@.abm_deal_cycle(f.at, o.closed_at) FROM o JOIN first_touch f USING (account_id)
                     WHERE o.is_won AND o.closed_at >= $1 AND o.closed_at < $2 AND f.at <= o.closed_at) AS cycle,
                    (SELECT @extschema@.abm_rate(influenced) FROM influence) AS influenced_share,
                    (SELECT sum(amount) FILTER (WHERE influenced) / nullif(sum(amount), 0) FROM influence) AS influenced_amount,
                    (SELECT sum(coalesce(p.touches, 0))::numeric / nullif(count(*), 0)
                     FROM won w LEFT JOIN period_touches p USING (account_id)) AS touches_per_won,
                    (SELECT sum(cost) FROM period_touches) AS cost,
                    (SELECT count(*) FROM opp_accounts) AS opp_accounts,
                    (SELECT count(*) FROM won) AS won_accounts,
                    (SELECT count(*) FROM new_customers) AS new_customers
            )
            SELECT s AS stage, n AS ord, k AS kpi, v AS value, u AS unit
            FROM agg, LATERAL (VALUES
                (3, 5, 'time from first touch to opportunity, median', round((to_opp).median_days::numeric, 1), 'days'),
                (3, 6, 'cost per opportunity account', round(cost / nullif(opp_accounts, 0), 2), 'money'),
                (4, 7, 'deal cycle length (first touch to won), mean', round((cycle).mean_days::numeric, 1), 'days'),
                (4, 8, 'deal cycle length (first touch to won), median', round((cycle).median_days::numeric, 1), 'days'),
                (4, 9, 'deal cycle length (first touch to won), p90', round((cycle).p90_days::numeric, 1), 'days'),
                (4, 10, 'touches per won account', round(touches_per_won, 2), 'touches'),
                (4, 11, 'cost per won account', round(cost / nullif(won_accounts, 0), 2), 'money'),
                (4, 12, 'customer acquisition cost', round(cost / nullif(new_customers, 0), 2), 'money'),
                (4, 13, 'marketing influence, share of opportunities', round(influenced_share::numeric, 4), 'share'),
                (4, 14, 'marketing influence, share of pipeline amount', round(influenced_amount, 4), 'share'))
                v(s, n, k, v, u)
            WHERE n NOT IN (6, 11, 12) OR %5$L
            $q$, acc, opp, tou, cost_expr, has_cost)) INTO part
        USING period_start, period_end, lookback;
        kpis := kpis || part;
    END IF;

    -- Stages 5-6: contracts (dates of the period as the contracts' dates)
    IF ctr IS NOT NULL THEN
        EXECUTE format(wrap, format($q$
            WITH c AS (
                SELECT c.*, c.amount * 365.25 / nullif(c.ends_on - c.starts_on, 0) AS arr
                FROM %2$s c JOIN %1$s a USING (account_id) WHERE a.is_target
            ), arr_start AS (
                SELECT c.account_id, sum(c.arr) AS arr FROM c
                WHERE c.starts_on <= $1::date AND c.ends_on > $1::date GROUP BY c.account_id
            ), arr_end AS (
                SELECT c.account_id, sum(c.arr) AS arr FROM c
                WHERE c.starts_on <= $2::date AND c.ends_on > $2::date GROUP BY c.account_id
            ), agg AS (
                SELECT
                    (SELECT @extschema@.abm_rate(c.renewed) FROM c
                     WHERE c.ends_on >= $1::date AND c.ends_on < $2::date) AS renewal_rate,
                    (SELECT count(*) FROM arr_start) AS customers_start,
                    (SELECT count(*) FROM arr_end) AS customers_end,
                    (SELECT count(*) FROM arr_end e WHERE NOT EXISTS (SELECT 1 FROM arr_start s WHERE s.account_id = e.account_id)) AS new_customers,
                    (SELECT sum(coalesce(e.arr, 0)) / nullif(sum(s.arr), 0)
                     FROM arr_start s LEFT JOIN arr_end e USING (account_id)) AS nrr,
                    (SELECT sum(least(coalesce(e.arr, 0), s.arr)) / nullif(sum(s.arr), 0)
                     FROM arr_start s LEFT JOIN arr_end e USING (account_id)) AS grr,
                    (SELECT @extschema@.abm_acv(c.amount, c.starts_on, c.ends_on) FROM c
                     WHERE c.starts_on >= $1::date AND c.starts_on < $2::date) AS acv,
                    (SELECT sum(c.amount) FROM c WHERE c.starts_on >= $1::date AND c.starts_on < $2::date) AS revenue,
                    (SELECT sum(c.amount) FROM c WHERE c.kind = 'expansion'
                     AND c.starts_on >= $1::date AND c.starts_on < $2::date) AS expansion
            )
            SELECT s AS stage, n AS ord, k AS kpi, v AS value, u AS unit
            FROM agg, LATERAL (VALUES
                (5, 1, 'renewal rate', round(renewal_rate::numeric, 4), 'share'),
                (5, 2, 'customer retention rate',
                 round(@extschema@.abm_retention_rate(customers_start, customers_end, new_customers)::numeric, 4), 'share'),
                (5, 3, 'net revenue retention', round(nrr, 4), 'share'),
                (5, 4, 'gross revenue retention', round(grr, 4), 'share'),
                (6, 1, 'average contract value', round(acv, 2), 'money'),
                (6, 2, 'total revenue won (new, renewal, expansion)', coalesce(revenue, 0), 'money'),
                (6, 3, 'expansion revenue', coalesce(expansion, 0), 'money'))
                v(s, n, k, v, u)
            $q$, acc, ctr)) INTO part
        USING period_start, period_end;
        kpis := kpis || part;
    END IF;

    IF nps IS NOT NULL THEN
        EXECUTE format(wrap, format($q$
            SELECT 5 AS stage, 5 AS ord, 'NPS' AS kpi, round(@extschema@.abm_nps(r.score)::numeric, 1) AS value, 'NPS' AS unit
            FROM %2$s r JOIN %1$s a USING (account_id)
            WHERE a.is_target AND r.responded_at >= $1 AND r.responded_at < $2 $q$, acc, nps)) INTO part
        USING period_start, period_end;
        kpis := kpis || part;
    END IF;

    -- The funnel: target accounts reaching each journey stage by period end
    IF stg IS NOT NULL THEN
        EXECUTE format(wrap, format($q$
            WITH j AS (
                SELECT @extschema@.abm_journey(s.stage, s.entered_at) AS j
                FROM %2$s s JOIN %1$s a USING (account_id)
                WHERE a.is_target AND s.entered_at < $1
                GROUP BY s.account_id
            )
            SELECT f.step AS stage, 0 AS ord, 'accounts reaching ' || f.stage AS kpi, f.accounts::numeric AS value,
                   'accounts' AS unit
            FROM (SELECT @extschema@.abm_funnel(j.j) AS fn FROM j) x,
                 LATERAL @extschema@.abm_funnel_steps(x.fn) f
            $q$, acc, stg)) INTO part
        USING period_end;
        kpis := kpis || part;
    END IF;

    RETURN QUERY
        SELECT r.stage, r.kpi, r.value, r.unit
        FROM pg_catalog.jsonb_to_recordset(kpis) AS r(stage int, ord int, kpi text, value numeric, unit text)
        ORDER BY r.stage, r.ord;
END
$report$;

COMMENT ON FUNCTION abm_report_has_column(regclass, name, text) IS 'support: whether a relation given to abm_report has a column (NOTICE when not)';
COMMENT ON FUNCTION abm_report_relation(regclass, name[], text) IS 'support: the relation given to abm_report, or NULL (NOTICE) when it lacks a required column';
COMMENT ON FUNCTION abm_report(regclass, regclass, regclass, regclass, regclass, regclass, regclass, timestamptz, timestamptz, interval, float8, interval, numeric, jsonb, float8, int, float8)
    IS 'the six-stage ABM report: one row per KPI of the target accounts for a period (stage, kpi, value, unit)';
