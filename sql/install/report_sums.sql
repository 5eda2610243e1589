-- The per-step sums abm_report takes of its pass rows (src/report_sums.c):
-- one abm_report_step_sums per step, from the abm_report_accounts of every
-- account with its weights and committee.

CREATE TYPE abm_report_step_sums AS (
    step int,
    impressions numeric,
    ad_clicks numeric,
    email_opens numeric,
    email_clicks numeric,
    web_visits numeric,
    hvp_visits numeric,
    downloads numeric,
    webinars numeric,
    chats numeric,
    form_fills numeric,
    meetings numeric,
    events numeric,
    identified_visits numeric,
    openers numeric,
    clickers numeric,
    spend numeric,
    vt_conversions numeric,
    vt_visits numeric,
    touches_to_win numeric,
    influenced numeric,
    influenced_amount numeric,
    engaged bigint,
    above_threshold bigint,
    score_end float8,
    rel_start float8,
    rel_end float8,
    surging bigint,
    mqas bigint,
    engaged_contacts bigint,
    coverage float8,
    penetration float8);

CREATE FUNCTION abm_report_sums_trans(internal, abm_report_accounts, int, int, bigint[], text[],
                                      float8, float8, int, text[], float8)
    RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_report_sums_final(internal) RETURNS abm_report_step_sums[]
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- No combine function: abm_report runs it in the leader, over the pass rows
-- that the parallel workers' states were combined into.
CREATE AGGREGATE abm_report_sums(accounts abm_report_accounts, copies int, fit_ok int,
                                 contact_ids bigint[], roles text[], engaged_min_score float8,
                                 mqa_min_score float8, mqa_min_contacts int,
                                 required_roles text[], committee_size float8) (
    SFUNC = abm_report_sums_trans, STYPE = internal, SSPACE = 2048,
    FINALFUNC = abm_report_sums_final, FINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

COMMENT ON TYPE abm_report_step_sums IS 'the sums of one step over the pass rows of abm_report (result of abm_report_sums)';
COMMENT ON FUNCTION abm_report_sums_trans(internal, abm_report_accounts, int, int, bigint[], text[], float8, float8, int, text[], float8) IS 'support: transition of abm_report_sums';
COMMENT ON FUNCTION abm_report_sums_final(internal) IS 'support: final function of abm_report_sums';
COMMENT ON AGGREGATE abm_report_sums(abm_report_accounts, int, int, bigint[], text[], float8, float8, int, text[], float8) IS
    'support: the per-step sums of abm_report over one abm_report_touches result per account, with its weights and committee';
