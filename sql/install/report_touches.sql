-- The one pass of abm_report over touches (src/report_touches.c): per
-- account, everything the report's KPIs need from the touches, for each step
-- of the report or of its trend form.

CREATE TYPE abm_report_account AS (
    step int,
    first_touch timestamptz,
    score_end float8,
    relationship_start float8,
    relationship_end float8,
    engaged bool,
    ad_impressions bigint,
    ad_clicks bigint,
    email_opens bigint,
    email_clicks bigint,
    web_visits bigint,
    high_value_page_visits bigint,
    content_downloads bigint,
    webinars_attended bigint,
    chats bigint,
    form_fills bigint,
    meetings_booked bigint,
    events_attended bigint,
    identified_visits bigint,
    email_openers bigint,
    email_clickers bigint,
    engaged_contact_ids bigint[],
    cost numeric,
    view_through_conversions bigint,
    view_through_visits bigint,
    surge float8,
    touches_to_win bigint,
    influenced_opportunities bigint,
    influenced_amount numeric);

-- The result of abm_report_touches, one element per step.  A domain rather
-- than abm_report_account[]: an extension owns a domain, while the implicit
-- array type is an extension member only from PostgreSQL 18 on, and
-- postgres_fdw sends an aggregate to a shard only when the extensions it
-- names own its result type.
CREATE DOMAIN abm_report_accounts AS abm_report_account[];

CREATE FUNCTION abm_report_touches_trans(internal, bigint, timestamptz, text, bigint, numeric,
                                         bigint[], bigint[], timestamptz[], bigint[], timestamptz[],
                                         timestamptz[], numeric[],
                                         timestamptz[], timestamptz[], timestamptz[], interval, text[],
                                         interval, interval, interval)
    RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_report_touches_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_report_touches_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_report_touches_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_report_touches_final(internal) RETURNS abm_report_accounts
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- Immutable: the caller computes the window starts (timestamptz - interval
-- depends on the time zone), so a shard can run it (postgres_fdw).  SSPACE:
-- a single-step report's typical account (the state grows with its contacts
-- and ad impressions).  The per-account arguments are arrays over all the
-- accounts, looked up by account_id once per group, so that the touches need
-- no join with the accounts.
CREATE AGGREGATE abm_report_touches(account_id bigint, occurred_at timestamptz, activity text, contact_id bigint,
                                    cost numeric, accounts bigint[], won_accounts bigint[], won_at timestamptz[],
                                    opp_accounts bigint[], opp_created timestamptz[],
                                    opp_since timestamptz[], opp_amount numeric[],
                                    bounds timestamptz[], view_through_since timestamptz[],
                                    surge_since timestamptz[], half_life interval, engaged_activities text[],
                                    view_through_window interval, surge_recent interval, surge_baseline interval) (
    SFUNC = abm_report_touches_trans, STYPE = internal, SSPACE = 1024,
    FINALFUNC = abm_report_touches_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_report_touches_combine,
    SERIALFUNC = abm_report_touches_serial, DESERIALFUNC = abm_report_touches_deserial,
    PARALLEL = SAFE);

COMMENT ON TYPE abm_report_account IS 'what abm_report reads from the touches of one account in one step: activity counts, scores, engaged contacts, spend, view-through, surge, touches up to the win, influenced opportunities (result of abm_report_touches)';
COMMENT ON DOMAIN abm_report_accounts IS 'the abm_report_account of each step, in step order (result of abm_report_touches)';
COMMENT ON FUNCTION abm_report_touches_trans(internal, bigint, timestamptz, text, bigint, numeric, bigint[], bigint[], timestamptz[], bigint[], timestamptz[], timestamptz[], numeric[], timestamptz[], timestamptz[], timestamptz[], interval, text[], interval, interval, interval) IS 'support: transition of abm_report_touches';
COMMENT ON FUNCTION abm_report_touches_combine(internal, internal) IS 'support: combines abm_report_touches states';
COMMENT ON FUNCTION abm_report_touches_serial(internal) IS 'support: serializes an abm_report_touches state (version byte first)';
COMMENT ON FUNCTION abm_report_touches_deserial(bytea, internal) IS 'support: reads a serialized abm_report_touches state, checking its version and bounds';
COMMENT ON FUNCTION abm_report_touches_final(internal) IS 'support: final function of abm_report_touches';
COMMENT ON AGGREGATE abm_report_touches(bigint, timestamptz, text, bigint, numeric, bigint[], bigint[], timestamptz[], bigint[], timestamptz[], timestamptz[], numeric[], timestamptz[], timestamptz[], timestamptz[], interval, text[], interval, interval, interval) IS
    'support: the single pass of abm_report and abm_report_series over the touches of an account, one abm_report_account per step of bounds';
