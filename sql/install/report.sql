-- The six-stage ABM report: one row per KPI of the target accounts for a
-- period, every KPI a fact about the period as it was known at its end
-- (docs/kpis.md defines each row).  PL/pgSQL so that optional relations and
-- columns can be left out; it runs with the caller's rights (no SECURITY
-- DEFINER), every relation reaches the SQL through its regclass text, which
-- is quoted and schema-qualified as needed, and the whole report is one SQL
-- statement: each relation is read by one scan (touches by two: the
-- per-account pass and the marketing-influence window).  PARALLEL RESTRICTED:
-- it reads relations the caller names, which may be temporary tables.

-- True when rel has column col; otherwise a NOTICE saying which KPIs are
-- left out for want of it.
CREATE FUNCTION abm_report_has_column(rel regclass, col name, kpis text) RETURNS bool
    LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
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
    LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
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
    mqa_min_fit float8 DEFAULT 0.5,
    grace interval DEFAULT '30 days',
    engaged_activities text[] DEFAULT NULL,
    committee_size float8 DEFAULT 6.8,
    view_through_window interval DEFAULT '7 days',
    surge_recent interval DEFAULT '7 days',
    surge_baseline interval DEFAULT '28 days')
RETURNS TABLE(stage int, kpi text, value numeric, unit text)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
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
    has_tier bool := false;
    has_cost bool := false;
    has_contact bool := false;
    has_fit bool := false;
    fit_expr text := 'NULL::float8';
    -- an empty relation of the same shape where a relation is not given
    tou_src text := '(SELECT NULL::bigint AS account_id, NULL::timestamptz AS occurred_at, NULL::text AS activity,'
                    ' NULL::bigint AS contact_id, NULL::numeric AS cost WHERE false)';
    opp_src text := '(SELECT NULL::bigint AS account_id, NULL::timestamptz AS created_at, NULL::timestamptz AS closed_at,'
                    ' NULL::numeric AS amount, NULL::bool AS is_won WHERE false)';
    con_src text := '(SELECT NULL::bigint AS account_id, NULL::bigint AS contact_id, NULL::text AS role WHERE false)';
    stg_src text := '(SELECT NULL::bigint AS account_id, NULL::text AS stage, NULL::timestamptz AS entered_at WHERE false)';
    ctr_src text := '(SELECT NULL::bigint AS account_id, NULL::date AS starts_on, NULL::date AS ends_on,'
                    ' NULL::numeric AS amount WHERE false)';
    nps_src text := '(SELECT NULL::bigint AS account_id, NULL::timestamptz AS responded_at, NULL::int AS score WHERE false)';
    q text;
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
    IF grace IS NULL OR grace < interval '0' THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'grace must not be negative',
            DETAIL = format('grace = %s.', coalesce(grace::text, 'NULL')),
            HINT = 'Pass the renewal grace period as an interval, such as ''30 days''.';
    END IF;
    IF committee_size IS NULL OR NOT committee_size >= 1 OR committee_size = 'Infinity' THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'committee_size must be a finite number of at least 1',
            DETAIL = format('committee_size = %s.', coalesce(committee_size::text, 'NULL')),
            HINT = 'Pass the expected buying-committee size, such as 6.8.';
    END IF;
    IF lookback IS NULL OR lookback < interval '0' OR view_through_window IS NULL OR view_through_window < interval '0'
       OR surge_recent IS NULL OR surge_recent <= interval '0' OR surge_baseline IS NULL OR surge_baseline <= interval '0' THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'the windows of abm_report must be positive intervals',
            DETAIL = format('lookback = %s, view_through_window = %s, surge_recent = %s, surge_baseline = %s.',
                            coalesce(lookback::text, 'NULL'), coalesce(view_through_window::text, 'NULL'),
                            coalesce(surge_recent::text, 'NULL'), coalesce(surge_baseline::text, 'NULL')),
            HINT = 'Pass intervals such as ''90 days''.';
    END IF;

    acc := @extschema@.abm_report_relation(accounts, '{account_id,is_target}', 'every KPI');
    IF acc IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'abm_report needs an accounts relation with columns account_id and is_target',
            DETAIL = format('accounts = %s.', coalesce(accounts::text, 'NULL')),
            HINT = 'Map your CRM accounts onto these columns with a view (docs/cookbook.md).';
    END IF;
    has_tier := @extschema@.abm_report_has_column(acc, 'tier', 'target accounts per tier');
    IF icp_profile IS NULL THEN
        RAISE NOTICE 'abm_report: no icp_profile given, leaving out total addressable market, ICP fit and marketing-qualified accounts';
    ELSIF @extschema@.abm_report_has_column(acc, 'attributes', 'total addressable market, ICP fit and marketing-qualified accounts') THEN
        has_fit := true;
        fit_expr := format('@extschema@.abm_icp_fit(a.attributes, %L::jsonb)', icp_profile);
    END IF;
    tou := @extschema@.abm_report_relation(touches, '{account_id,occurred_at,activity}',
                                          'the engagement, intent, influence and cost KPIs');
    IF tou IS NOT NULL THEN
        has_contact := @extschema@.abm_report_has_column(tou, 'contact_id',
                           'engaged contacts, click-to-open rate, de-anonymisation, MQAs and committee coverage');
        has_cost := @extschema@.abm_report_has_column(tou, 'cost', 'spend and every cost KPI');
        tou_src := format('(SELECT x.account_id, x.occurred_at, x.activity, %s AS contact_id, %s AS cost FROM %s x)',
                          CASE WHEN has_contact THEN 'x.contact_id' ELSE 'NULL::bigint' END,
                          CASE WHEN has_cost THEN 'x.cost' ELSE 'NULL::numeric' END, tou);
    END IF;
    opp := @extschema@.abm_report_relation(opportunities,
               '{account_id,created_at,closed_at,amount,is_won}', 'the opportunity KPIs');
    IF opp IS NOT NULL THEN
        opp_src := format('(SELECT o.account_id, o.created_at, o.closed_at, o.amount, o.is_won FROM %s o)', opp);
    END IF;
    con := @extschema@.abm_report_relation(contacts, '{contact_id,account_id,role}',
               'buying-committee size, coverage and penetration');
    IF con IS NOT NULL THEN
        con_src := format('(SELECT c.account_id, c.contact_id, c.role FROM %s c)', con);
    END IF;
    stg := @extschema@.abm_report_relation(stages, '{account_id,stage,entered_at}', 'the journey-stage counts');
    IF stg IS NOT NULL THEN
        stg_src := format('(SELECT s.account_id, s.stage, s.entered_at FROM %s s)', stg);
    END IF;
    ctr := @extschema@.abm_report_relation(contracts, '{account_id,starts_on,ends_on,amount}',
               'the customer, retention and revenue KPIs');
    IF ctr IS NOT NULL THEN
        ctr_src := format('(SELECT c.account_id, c.starts_on, c.ends_on, c.amount FROM %s c)', ctr);
    END IF;
    nps := @extschema@.abm_report_relation(nps_responses, '{account_id,responded_at,score}', 'NPS');
    IF nps IS NOT NULL THEN
        nps_src := format('(SELECT r.account_id, r.responded_at, r.score FROM %s r)', nps);
    END IF;

    -- $1 period_start, $2 period_end, $3 half_life, $4 engaged_min_score,
    -- $5 lookback, $6 revenue_goal, $7 mqa_min_score, $8 mqa_min_contacts,
    -- $9 mqa_min_fit, $10 grace, $11 engaged_activities, $12 committee_size,
    -- $13 view_through_window, $14 surge_recent, $15 surge_baseline.
    -- Contract dates are compared with the period's dates ($1::date, $2::date).
    q := format($q$
WITH acct AS MATERIALIZED (
    SELECT a.account_id, coalesce(a.is_target, false) AS is_target, %1$s AS tier, %2$s AS fit
    FROM %3$s a WHERE a.account_id IS NOT NULL
), t AS MATERIALIZED (
    SELECT account_id, tier, fit FROM acct WHERE is_target
),
-- Opportunities of target accounts created before period_end, as known at
-- period_end: one closed at or after it is open.
o AS MATERIALIZED (
    SELECT row_number() OVER () AS k, x.account_id, x.created_at, x.amount,
           CASE WHEN x.closed_at < $2 AND x.is_won IS NOT NULL THEN x.closed_at END AS closed_at,
           CASE WHEN x.closed_at < $2 THEN x.is_won END AS is_won
    FROM %5$s x JOIN t USING (account_id)
    WHERE x.created_at < $2
), won_first AS (
    SELECT account_id, min(closed_at) AS won_at FROM o
    WHERE is_won AND closed_at >= $1 GROUP BY account_id
),
-- Touches of target accounts before period_end, one pass per account.
x AS (
    SELECT x.account_id, x.occurred_at, lower(x.activity) AS activity, x.contact_id, x.cost,
           x.occurred_at >= $1 AS in_period,
           -- a touch of no known activity counts for spend, not as engagement
           coalesce(CASE WHEN $11::text[] IS NULL THEN lower(x.activity) <> 'ad_impression'
                         ELSE lower(x.activity) = ANY ($11::text[]) END, false) AS counts
    FROM %4$s x JOIN t USING (account_id)
    WHERE x.occurred_at < $2
), per_touch AS MATERIALIZED (
    SELECT x.account_id,
           min(x.occurred_at) AS first_touch,
           @extschema@.abm_engagement_score(@extschema@.abm_activity_weight(x.activity), x.occurred_at, $2, $3) AS score_end,
           @extschema@.abm_engagement_score(@extschema@.abm_activity_weight(x.activity), x.occurred_at, $1, $3)
               FILTER (WHERE NOT x.in_period AND x.activity IN ('meeting_booked', 'chat', 'call', 'email_reply')) AS rel_start,
           @extschema@.abm_engagement_score(@extschema@.abm_activity_weight(x.activity), x.occurred_at, $2, $3)
               FILTER (WHERE x.activity IN ('meeting_booked', 'chat', 'call', 'email_reply')) AS rel_end,
           coalesce(bool_or(x.in_period AND x.counts), false) AS engaged,
           count(*) FILTER (WHERE x.in_period AND x.activity = 'ad_impression') AS impressions,
           count(*) FILTER (WHERE x.in_period AND x.activity = 'ad_click') AS ad_clicks,
           count(*) FILTER (WHERE x.in_period AND x.activity = 'email_open') AS email_opens,
           count(*) FILTER (WHERE x.in_period AND x.activity = 'email_click') AS email_clicks,
           count(*) FILTER (WHERE x.in_period AND x.activity = 'web_visit') AS web_visits,
           count(*) FILTER (WHERE x.in_period AND x.activity = 'high_value_page_visit') AS hvp_visits,
           count(*) FILTER (WHERE x.in_period AND x.activity = 'content_download') AS downloads,
           count(*) FILTER (WHERE x.in_period AND x.activity = 'webinar_attended') AS webinars,
           count(*) FILTER (WHERE x.in_period AND x.activity = 'chat') AS chats,
           count(*) FILTER (WHERE x.in_period AND x.activity = 'form_fill') AS form_fills,
           count(*) FILTER (WHERE x.in_period AND x.activity = 'meeting_booked') AS meetings,
           count(*) FILTER (WHERE x.in_period AND x.activity = 'event_attended') AS events,
           count(*) FILTER (WHERE x.in_period AND x.activity IN ('web_visit', 'high_value_page_visit')
                                              AND x.contact_id IS NOT NULL) AS identified_visits,
           count(DISTINCT x.contact_id) FILTER (WHERE x.in_period AND x.activity = 'email_open') AS openers,
           count(DISTINCT x.contact_id) FILTER (WHERE x.in_period AND x.activity = 'email_click') AS clickers,
           array_agg(DISTINCT x.contact_id) FILTER (WHERE x.in_period AND x.counts AND x.contact_id IS NOT NULL)
               AS engaged_ids,
           coalesce(sum(x.cost) FILTER (WHERE x.in_period), 0) AS cost,
           @extschema@.abm_view_through(x.occurred_at, x.activity = 'ad_impression', x.activity = 'ad_click',
                                        x.activity = 'form_fill' AND x.in_period, $13)
               FILTER (WHERE x.occurred_at >= $1 - $13) AS vt_conversions,
           @extschema@.abm_view_through(x.occurred_at, x.activity = 'ad_impression', x.activity = 'ad_click',
                                        x.activity IN ('web_visit', 'high_value_page_visit') AND x.in_period, $13)
               FILTER (WHERE x.occurred_at >= $1 - $13) AS vt_visits,
           @extschema@.abm_surge(x.occurred_at, $2, $14, $15)
               FILTER (WHERE x.occurred_at >= $2 - $14 - $15
                         AND x.activity IN ('web_visit', 'high_value_page_visit', 'content_download',
                                            'third_party_intent')) AS surge,
           count(*) FILTER (WHERE x.in_period AND x.occurred_at <= w.won_at) AS touches_to_win
    FROM x LEFT JOIN won_first w USING (account_id)
    GROUP BY x.account_id
),
-- Contracts of target accounts that started before period_end; a
-- contract of no days covers no day and is left out.  One without an
-- amount (a free pilot) makes a customer and adds no money.
c AS MATERIALIZED (
    SELECT row_number() OVER () AS k, x.account_id, x.starts_on, x.ends_on, x.amount,
           round(x.amount * 365.25 / (x.ends_on - x.starts_on), 2) AS arr
    FROM %8$s x JOIN t USING (account_id)
    WHERE x.starts_on < $2::date AND x.ends_on > x.starts_on
), cust AS (
    SELECT account_id,
           min(starts_on) AS first_start,
           coalesce(sum(arr) FILTER (WHERE starts_on < $1::date AND ends_on >= $1::date), 0) AS arr_start,
           coalesce(sum(arr) FILTER (WHERE starts_on < $2::date AND ends_on >= $2::date), 0) AS arr_end,
           bool_or(starts_on < $1::date AND ends_on >= $1::date) AS at_start,
           bool_or(starts_on < $2::date AND ends_on >= $2::date) AS at_end
    FROM c GROUP BY account_id
),
-- Renewal: a contract is up in the period when ends_on + grace falls in
-- it; it is renewed when another contract of the account starts by
-- ends_on + grace and runs past ends_on.  A customer counts once, by its
-- contract that ends last among those up in the period.
up AS (
    SELECT DISTINCT ON (c.account_id) c.account_id,
           c.k IN (SELECT p.k FROM c p JOIN c n ON n.account_id = p.account_id
                   WHERE n.starts_on <= (p.ends_on + $10)::date AND n.ends_on > p.ends_on) AS renewed
    FROM c
    WHERE (c.ends_on + $10)::date >= $1::date AND (c.ends_on + $10)::date < $2::date
    ORDER BY c.account_id, c.ends_on DESC
),
-- Revenue won in the period: contracts starting in it.  From an account
-- that had a contract in force on the day before, or ended at most grace
-- before, it is an existing customer's; otherwise new-logo.  An existing
-- customer's contract renews the contracts that end within grace of its
-- start (each renewed by the first contract starting in that window), up to
-- their value over its own term; the rest is expansion.
won_c AS (
    SELECT c.*,
           c.k IN (SELECT n.k FROM c n JOIN c p ON p.account_id = n.account_id
                   WHERE p.starts_on < n.starts_on AND (p.ends_on + $10)::date >= n.starts_on) AS existing
    FROM c WHERE c.starts_on >= $1::date
), claim AS (
    SELECT DISTINCT ON (p.k) p.k AS renewed_k, n.k AS by_k, p.amount * (n.ends_on - n.starts_on) / (p.ends_on - p.starts_on) AS value
    FROM c p JOIN won_c n ON n.account_id = p.account_id AND n.k <> p.k AND n.starts_on > p.starts_on
         AND n.starts_on >= (p.ends_on - $10)::date AND n.starts_on <= (p.ends_on + $10)::date
    ORDER BY p.k, n.starts_on, n.amount DESC, n.ends_on DESC, n.k
), revenue AS (
    SELECT w.account_id, w.amount, w.existing,
           CASE WHEN w.amount IS NULL THEN NULL
                WHEN w.existing THEN least(w.amount, round(coalesce(r.value, 0), 2)) ELSE 0 END AS renewal
    FROM won_c w LEFT JOIN (SELECT by_k, sum(value) AS value FROM claim GROUP BY by_k) r ON r.by_k = w.k
),
-- Buying committees of target accounts: engaged = touched in the period.
committee AS (
    SELECT k.account_id,
           @extschema@.abm_coverage(k.contact_id, k.role, k.contact_id = ANY (coalesce(p.engaged_ids, '{}')),
                                    ARRAY['champion', 'economic_buyer', 'technical_buyer', 'influencer'], $12) AS r
    FROM %6$s k JOIN t USING (account_id) LEFT JOIN per_touch p USING (account_id)
    WHERE k.contact_id IS NOT NULL
    GROUP BY k.account_id
),
-- Journeys of target accounts from the stage entries before period_end.
journey AS (
    SELECT s.account_id, @extschema@.abm_journey(s.stage, s.entered_at) AS j
    FROM %7$s s JOIN t USING (account_id)
    WHERE s.entered_at < $2
    GROUP BY s.account_id
),
-- Marketing influence: opportunities created in the period with a touch in
-- the look-back window before their creation.
influence AS (
    SELECT o.k, o.amount, count(y.account_id) > 0 AS influenced
    FROM o LEFT JOIN %4$s y ON y.account_id = o.account_id
         AND y.occurred_at >= o.created_at - $5 AND y.occurred_at < o.created_at
    WHERE o.created_at >= $1
    GROUP BY o.k, o.amount
),
-- Per target account, everything the KPIs below need.
acct_kpi AS (
    SELECT t.account_id, t.fit,
           coalesce(p.score_end, 0) AS score_end,
           coalesce(p.rel_start, 0) AS rel_start,
           coalesce(p.rel_end, 0) AS rel_end,
           coalesce(p.engaged, false) AS engaged,
           coalesce(cardinality(p.engaged_ids), 0) AS engaged_contacts,
           coalesce(p.surge >= 2, false) AS surging,
           coalesce(oa.created, false) AS opp_created,
           coalesce(oa.active, false) AS opp_active,
           w.won_at IS NOT NULL AS won,
           coalesce(cu.first_start >= $1::date, false) AS new_customer
    FROM t LEFT JOIN per_touch p USING (account_id) LEFT JOIN won_first w USING (account_id)
         LEFT JOIN cust cu USING (account_id)
         LEFT JOIN (SELECT account_id, bool_or(created_at >= $1) AS created,
                           bool_or(closed_at IS NULL OR closed_at >= $1) AS active
                    FROM o GROUP BY account_id) oa USING (account_id)
), k1 AS (
    SELECT count(*) AS targets,
           count(*) FILTER (WHERE tier = 1) AS tier1,
           count(*) FILTER (WHERE tier = 2) AS tier2,
           count(*) FILTER (WHERE tier = 3) AS tier3,
           avg(fit) AS fit
    FROM t
), k_tam AS (
    SELECT count(*) FILTER (WHERE fit >= $9) AS tam FROM acct
), k_acct AS (
    SELECT count(*) FILTER (WHERE engaged) AS engaged,
           count(*) FILTER (WHERE score_end >= $4) AS above_threshold,
           avg(score_end) AS avg_score,
           avg(rel_start) AS rel_start, avg(rel_end) AS rel_end,
           count(*) FILTER (WHERE surging) AS surging,
           count(*) FILTER (WHERE score_end >= $7 AND engaged_contacts >= $8 AND fit >= $9) AS mqas,
           count(*) FILTER (WHERE opp_created) AS opp_accounts,
           count(*) FILTER (WHERE opp_active) AS active_accounts,
           count(*) FILTER (WHERE won) AS won_accounts,
           count(*) FILTER (WHERE new_customer) AS new_customers
    FROM acct_kpi
), k_touch AS (
    SELECT coalesce(sum(impressions), 0) AS impressions, coalesce(sum(ad_clicks), 0) AS ad_clicks,
           coalesce(sum(email_opens), 0) AS email_opens, coalesce(sum(email_clicks), 0) AS email_clicks,
           coalesce(sum(web_visits), 0) AS web_visits, coalesce(sum(hvp_visits), 0) AS hvp_visits, coalesce(sum(downloads), 0) AS downloads,
           coalesce(sum(webinars), 0) AS webinars, coalesce(sum(chats), 0) AS chats, coalesce(sum(form_fills), 0) AS form_fills,
           coalesce(sum(meetings), 0) AS meetings, coalesce(sum(events), 0) AS events, coalesce(sum(identified_visits), 0) AS identified_visits,
           coalesce(sum(openers), 0) AS openers, coalesce(sum(clickers), 0) AS clickers,
           coalesce(sum(cost), 0) AS spend, coalesce(sum(vt_conversions), 0) AS vt_conversions, coalesce(sum(vt_visits), 0) AS vt_visits,
           coalesce(sum(touches_to_win), 0) AS touches_to_win
    FROM per_touch
), k_committee AS (
    SELECT avg((r).contacts) AS size, avg((r).engaged_contacts) AS engaged_contacts,
           avg((r).coverage) AS coverage, avg((r).penetration) AS penetration
    FROM committee
), k_opp AS (
    SELECT count(*) FILTER (WHERE created_at >= $1) AS created,
           count(*) FILTER (WHERE closed_at IS NULL) AS open_at_end,
           coalesce(sum(amount) FILTER (WHERE closed_at IS NULL), 0) AS open_amount,
           count(*) FILTER (WHERE is_won AND closed_at >= $1) AS won,
           count(*) FILTER (WHERE NOT is_won AND closed_at >= $1) AS lost,
           sum(amount) FILTER (WHERE is_won AND closed_at >= $1) AS won_amount,
           avg(amount) FILTER (WHERE is_won AND closed_at >= $1) AS avg_won,
           @extschema@.abm_deal_cycle(created_at, closed_at) FILTER (WHERE is_won AND closed_at >= $1) AS sales_cycle
    FROM o
), k_cycle AS (
    SELECT (SELECT @extschema@.abm_deal_cycle(p.first_touch, o.closed_at)
            FROM o JOIN per_touch p USING (account_id)
            WHERE o.is_won AND o.closed_at >= $1 AND p.first_touch <= o.closed_at) AS to_won,
           (SELECT @extschema@.abm_deal_cycle(p.first_touch, f.created_at)
            FROM (SELECT account_id, min(created_at) AS created_at FROM o GROUP BY account_id) f
                 JOIN per_touch p USING (account_id)
            WHERE f.created_at >= $1 AND p.first_touch <= f.created_at) AS to_opp
), k_influence AS (
    SELECT @extschema@.abm_rate(influenced) AS share,
           sum(amount) FILTER (WHERE influenced) / nullif(sum(amount), 0) AS amount_share
    FROM influence
), k_cust AS (
    SELECT count(*) FILTER (WHERE at_start) AS at_start,
           count(*) FILTER (WHERE at_end) AS at_end,
           count(*) FILTER (WHERE at_start AND at_end) AS retained,
           coalesce(sum(arr_start) FILTER (WHERE at_start), 0) AS arr_start,
           coalesce(sum(arr_end - arr_start) FILTER (WHERE at_start AND at_end AND arr_end > arr_start), 0) AS arr_expansion,
           coalesce(sum(arr_start - arr_end) FILTER (WHERE at_start AND at_end AND arr_end < arr_start), 0) AS arr_contraction,
           coalesce(sum(arr_start) FILTER (WHERE at_start AND NOT at_end), 0) AS arr_churn,
           coalesce(sum(arr_end) FILTER (WHERE at_start), 0) AS arr_end,
           coalesce(sum(least(arr_end, arr_start)) FILTER (WHERE at_start), 0) AS arr_kept
    FROM cust
), k_renewal AS (
    SELECT count(*) AS up, count(*) FILTER (WHERE renewed) AS renewed FROM up
), k_revenue AS (
    SELECT coalesce(sum(amount) FILTER (WHERE NOT existing), 0) AS new_logo,
           coalesce(sum(renewal), 0) AS renewal,
           coalesce(sum(amount - renewal) FILTER (WHERE existing), 0) AS expansion,
           coalesce(sum(amount), 0) AS total,
           count(DISTINCT account_id) FILTER (WHERE existing AND amount > renewal) AS expanded_accounts
    FROM revenue
), k_acv AS (
    SELECT @extschema@.abm_acv(amount, starts_on, ends_on) AS acv FROM c WHERE starts_on >= $1::date
), k_nps AS (
    SELECT @extschema@.abm_nps(r.score) AS nps
    FROM %9$s r JOIN t USING (account_id)
    WHERE r.responded_at >= $1 AND r.responded_at < $2
), k_funnel AS (
    SELECT f.step, f.stage, f.accounts,
           (SELECT count(*) FROM journey WHERE @extschema@.abm_stage(journey.j) = f.stage) AS furthest
    FROM (SELECT @extschema@.abm_funnel(j) AS fn FROM journey) x,
         LATERAL @extschema@.abm_funnel_steps(x.fn) f
    -- no journey yet: every stage counts 0
    UNION ALL
    SELECT d.step::int, d.stage, 0, 0
    FROM unnest(ARRAY['target', 'engaged', 'opportunity', 'won', 'retained', 'expanded'])
         WITH ORDINALITY AS d(stage, step)
    WHERE NOT EXISTS (SELECT 1 FROM journey)
)
SELECT r.stage, r.kpi, r.value, r.unit
FROM (
    SELECT v.stage, v.ord, v.kpi, v.value, v.unit, v.needs
    FROM k1, k_tam, k_acct, k_touch, k_committee, k_opp, k_cycle, k_influence, k_cust, k_renewal,
         k_revenue, k_acv, k_nps,
         LATERAL (VALUES
    (1, 10, 'target accounts', k1.targets::numeric, 'accounts', '{}'::text[]),
    (1, 11, 'target accounts, tier 1', k1.tier1, 'accounts', '{tier}'),
    (1, 12, 'target accounts, tier 2', k1.tier2, 'accounts', '{tier}'),
    (1, 13, 'target accounts, tier 3', k1.tier3, 'accounts', '{tier}'),
    (1, 20, 'total addressable market (accounts with ICP fit at or above the minimum fit)', k_tam.tam, 'accounts', '{fit}'),
    (1, 21, 'ICP fit, average of target accounts', round(k1.fit::numeric, 4), 'share', '{fit}'),
    (1, 30, 'minimum viable accounts for the revenue goal',
     @extschema@.abm_mva($6, k_opp.won_amount / nullif(k_acct.won_accounts, 0),
                         k_acct.won_accounts::float8 / nullif(k_acct.active_accounts, 0),
                         k_acct.active_accounts::float8 / nullif(k1.targets, 0))::numeric, 'accounts', '{opp,goal}'),
    (1, 40, 'relationship score at period start, average of target accounts', round(k_acct.rel_start::numeric, 2), 'score', '{tou}'),
    (1, 41, 'relationship score at period end, average of target accounts', round(k_acct.rel_end::numeric, 2), 'score', '{tou}'),
    (1, 42, 'relationship score trend (end minus start), average of target accounts',
     round(k_acct.rel_end::numeric, 2) - round(k_acct.rel_start::numeric, 2), 'score', '{tou}'),
    (1, 50, 'target accounts with an intent surge at period end (research activities)', k_acct.surging, 'accounts', '{tou}'),
    (2, 10, 'target accounts engaged in the period', k_acct.engaged, 'accounts', '{tou}'),
    (2, 11, 'share of target accounts engaged in the period',
     round((k_acct.engaged::float8 / nullif(k1.targets, 0))::numeric, 4), 'share', '{tou}'),
    (2, 12, 'share of target accounts not engaged in the period',
     round(((k1.targets - k_acct.engaged)::float8 / nullif(k1.targets, 0))::numeric, 4), 'share', '{tou}'),
    (2, 20, 'engagement score at period end, average of target accounts', round(k_acct.avg_score::numeric, 2), 'score', '{tou}'),
    (2, 21, 'target accounts at or above the engagement-score threshold at period end', k_acct.above_threshold, 'accounts', '{tou}'),
    (2, 30, 'ad impressions', k_touch.impressions, 'touches', '{tou}'),
    (2, 31, 'ad clicks', k_touch.ad_clicks, 'touches', '{tou}'),
    (2, 32, 'click-through rate (ad clicks / ad impressions)',
     round((k_touch.ad_clicks::float8 / nullif(k_touch.impressions, 0))::numeric, 4), 'ratio', '{tou}'),
    (2, 33, 'email opens', k_touch.email_opens, 'touches', '{tou}'),
    (2, 34, 'email clicks', k_touch.email_clicks, 'touches', '{tou}'),
    (2, 35, 'click-to-open rate (contacts who clicked / contacts who opened)',
     round((k_touch.clickers::float8 / nullif(k_touch.openers, 0))::numeric, 4), 'ratio', '{tou,contact}'),
    (2, 36, 'web visits', k_touch.web_visits, 'touches', '{tou}'),
    (2, 37, 'high-value page visits', k_touch.hvp_visits, 'touches', '{tou}'),
    (2, 38, 'content downloads', k_touch.downloads, 'touches', '{tou}'),
    (2, 39, 'webinars attended', k_touch.webinars, 'touches', '{tou}'),
    (2, 40, 'chats', k_touch.chats, 'touches', '{tou}'),
    (2, 41, 'form fills', k_touch.form_fills, 'touches', '{tou}'),
    (2, 42, 'meetings booked', k_touch.meetings, 'touches', '{tou}'),
    (2, 43, 'events attended', k_touch.events, 'touches', '{tou}'),
    (2, 50, 'view-through conversions (form fills after an ad impression, no click between)',
     k_touch.vt_conversions, 'conversions', '{tou}'),
    (2, 51, 'view-through visits (web visits after an ad impression, no click between)', k_touch.vt_visits, 'visits', '{tou}'),
    (2, 52, 'identified share of web visits (de-anonymisation rate)',
     round((k_touch.identified_visits::float8 / nullif(k_touch.web_visits + k_touch.hvp_visits, 0))::numeric, 4),
     'share', '{tou,contact}'),
    (2, 60, 'marketing-qualified accounts', k_acct.mqas, 'accounts', '{tou,contact,fit}'),
    (2, 70, 'marketing spend on target accounts in the period', round(k_touch.spend, 2), 'money', '{tou,cost}'),
    (2, 71, 'cost per engaged target account', round(k_touch.spend / nullif(k_acct.engaged, 0), 2), 'money', '{tou,cost}'),
    (3, 10, 'buying-committee size (known contacts), average of target accounts with contacts',
     round(k_committee.size, 2), 'contacts', '{con}'),
    (3, 11, 'engaged contacts per target account with contacts, average',
     round(k_committee.engaged_contacts, 2), 'contacts per account', '{con,tou,contact}'),
    (3, 12, 'buying-committee coverage (required roles held by an engaged contact), average',
     round(k_committee.coverage::numeric, 4), 'share', '{con,tou,contact}'),
    (3, 13, 'account penetration (engaged contacts / expected committee size), average',
     round(k_committee.penetration::numeric, 4), 'ratio', '{con,tou,contact}'),
    (3, 20, 'opportunities created in the period', k_opp.created, 'opportunities', '{opp}'),
    (3, 21, 'target accounts with an opportunity created in the period', k_acct.opp_accounts, 'accounts', '{opp}'),
    (3, 22, 'opportunity rate (target accounts with an opportunity created in the period / target accounts)',
     round((k_acct.opp_accounts::float8 / nullif(k1.targets, 0))::numeric, 4), 'share', '{opp}'),
    (3, 23, 'opportunities open at period end', k_opp.open_at_end, 'opportunities', '{opp}'),
    (3, 24, 'pipeline open at period end (amount)', k_opp.open_amount, 'money', '{opp}'),
    (3, 30, 'time from first touch to first opportunity, median', round((k_cycle.to_opp).median_days::numeric, 1), 'days', '{opp,tou}'),
    (3, 40, 'cost per target account with an opportunity created in the period',
     round(k_touch.spend / nullif(k_acct.opp_accounts, 0), 2), 'money', '{opp,tou,cost}'),
    (4, 10, 'opportunities won in the period', k_opp.won, 'opportunities', '{opp}'),
    (4, 11, 'opportunities lost in the period', k_opp.lost, 'opportunities', '{opp}'),
    (4, 12, 'win rate (won / closed in the period)',
     round((k_opp.won::float8 / nullif(k_opp.won + k_opp.lost, 0))::numeric, 4), 'share', '{opp}'),
    (4, 13, 'average won deal', round(k_opp.avg_won, 2), 'money', '{opp}'),
    (4, 14, 'sales cycle (created to won), mean', round((k_opp.sales_cycle).mean_days::numeric, 1), 'days', '{opp}'),
    (4, 15, 'sales cycle (created to won), median', round((k_opp.sales_cycle).median_days::numeric, 1), 'days', '{opp}'),
    (4, 16, 'pipeline velocity (open at period end x average won deal x win rate / mean sales cycle)',
     round(k_opp.open_at_end * k_opp.avg_won * (k_opp.won::numeric / nullif(k_opp.won + k_opp.lost, 0))
           / nullif((k_opp.sales_cycle).mean_days, 0)::numeric, 2), 'money per day', '{opp}'),
    (4, 20, 'deal cycle (first touch to won), mean', round((k_cycle.to_won).mean_days::numeric, 1), 'days', '{opp,tou}'),
    (4, 21, 'deal cycle (first touch to won), median', round((k_cycle.to_won).median_days::numeric, 1), 'days', '{opp,tou}'),
    (4, 22, 'deal cycle (first touch to won), p90', round((k_cycle.to_won).p90_days::numeric, 1), 'days', '{opp,tou}'),
    (4, 30, 'target accounts won in the period', k_acct.won_accounts, 'accounts', '{opp}'),
    (4, 31, 'touches per won account (touches in the period up to the win)',
     round(k_touch.touches_to_win::numeric / nullif(k_acct.won_accounts, 0), 2), 'touches', '{opp,tou}'),
    (4, 32, 'cost per won account', round(k_touch.spend / nullif(k_acct.won_accounts, 0), 2), 'money', '{opp,tou,cost}'),
    (4, 40, 'new customers', k_acct.new_customers, 'accounts', '{ctr}'),
    (4, 41, 'win rate with target accounts (new customers / target accounts)',
     round((k_acct.new_customers::float8 / nullif(k1.targets, 0))::numeric, 4), 'share', '{ctr}'),
    (4, 42, 'new-logo revenue won', k_revenue.new_logo, 'money', '{ctr}'),
    (4, 43, 'customer acquisition cost (spend / new customers)',
     round(k_touch.spend / nullif(k_acct.new_customers, 0), 2), 'money', '{ctr,tou,cost}'),
    (4, 50, 'marketing influence, share of opportunities created in the period',
     round(k_influence.share::numeric, 4), 'share', '{opp,tou}'),
    (4, 51, 'marketing influence, share of pipeline amount created in the period',
     round(k_influence.amount_share, 4), 'share', '{opp,tou}'),
    (5, 10, 'customers at period start', k_cust.at_start, 'accounts', '{ctr}'),
    (5, 11, 'customers at period end', k_cust.at_end, 'accounts', '{ctr}'),
    (5, 12, 'customers at period start still customers at period end', k_cust.retained, 'accounts', '{ctr}'),
    (5, 13, 'customer retention rate (still customers / customers at period start)',
     round((k_cust.retained::float8 / nullif(k_cust.at_start, 0))::numeric, 4), 'share', '{ctr}'),
    (5, 20, 'customers up for renewal in the period', k_renewal.up, 'accounts', '{ctr}'),
    (5, 21, 'customers renewed', k_renewal.renewed, 'accounts', '{ctr}'),
    (5, 22, 'renewal rate (customers renewed / customers up for renewal)',
     round((k_renewal.renewed::float8 / nullif(k_renewal.up, 0))::numeric, 4), 'share', '{ctr}'),
    (5, 23, 'renewal revenue', k_revenue.renewal, 'money', '{ctr}'),
    (5, 30, 'ARR at period start (customers at period start)', k_cust.arr_start, 'money', '{ctr}'),
    (5, 31, 'ARR expansion (customers at period start)', k_cust.arr_expansion, 'money', '{ctr}'),
    (5, 32, 'ARR contraction (customers at period start)', k_cust.arr_contraction, 'money', '{ctr}'),
    (5, 33, 'ARR churned (customers at period start)', k_cust.arr_churn, 'money', '{ctr}'),
    (5, 34, 'ARR at period end (customers at period start)', k_cust.arr_end, 'money', '{ctr}'),
    (5, 35, 'net revenue retention (ARR at period end / ARR at period start)',
     round(k_cust.arr_end / nullif(k_cust.arr_start, 0), 4), 'ratio', '{ctr}'),
    (5, 36, 'gross revenue retention (ARR kept, each customer capped at its start ARR / ARR at period start)',
     round(k_cust.arr_kept / nullif(k_cust.arr_start, 0), 4), 'share', '{ctr}'),
    (6, 10, 'average contract value (contracts starting in the period)', round(k_acv.acv, 2), 'money', '{ctr}'),
    (6, 11, 'target accounts that expanded (expansion revenue in the period)', k_revenue.expanded_accounts, 'accounts', '{ctr}'),
    (6, 12, 'expansion revenue', k_revenue.expansion, 'money', '{ctr}'),
    (6, 13, 'total revenue won (new-logo + renewal + expansion)', k_revenue.total, 'money', '{ctr}'),
    (6, 20, 'NPS', round(k_nps.nps::numeric, 1), 'NPS', '{nps}'))
         AS v(stage, ord, kpi, value, unit, needs)
    UNION ALL
    SELECT CASE f.stage WHEN 'target' THEN 1 WHEN 'engaged' THEN 2 WHEN 'opportunity' THEN 3
                        WHEN 'won' THEN 4 WHEN 'retained' THEN 5 ELSE 6 END, 100 + f.step * 2 + 0,
           'target accounts that reached ' || f.stage || ' or a later stage by period end',
           f.accounts::numeric, 'accounts', '{stg}'
    FROM k_funnel f WHERE f.step > 1
    UNION ALL
    SELECT CASE f.stage WHEN 'target' THEN 1 WHEN 'engaged' THEN 2 WHEN 'opportunity' THEN 3
                        WHEN 'won' THEN 4 WHEN 'retained' THEN 5 ELSE 6 END, 100 + f.step * 2 + 1,
           'target accounts whose furthest stage at period end is ' || f.stage,
           f.furthest::numeric, 'accounts', '{stg}'
    FROM k_funnel f
) r
WHERE r.needs <@ %10$L::text[]
ORDER BY r.stage, r.ord
$q$,
        CASE WHEN has_tier THEN 'a.tier' ELSE 'NULL::int' END,
        fit_expr, acc, tou_src, opp_src, con_src, stg_src, ctr_src, nps_src,
        array_remove(ARRAY[
            CASE WHEN has_tier THEN 'tier' END,
            CASE WHEN has_fit THEN 'fit' END,
            CASE WHEN tou IS NOT NULL THEN 'tou' END,
            CASE WHEN has_contact THEN 'contact' END,
            CASE WHEN has_cost THEN 'cost' END,
            CASE WHEN opp IS NOT NULL THEN 'opp' END,
            CASE WHEN revenue_goal IS NOT NULL THEN 'goal' END,
            CASE WHEN con IS NOT NULL THEN 'con' END,
            CASE WHEN stg IS NOT NULL THEN 'stg' END,
            CASE WHEN ctr IS NOT NULL THEN 'ctr' END,
            CASE WHEN nps IS NOT NULL THEN 'nps' END], NULL));

    RETURN QUERY EXECUTE q
        USING period_start, period_end, half_life, engaged_min_score, lookback, revenue_goal,
              mqa_min_score, mqa_min_contacts, mqa_min_fit, grace, engaged_activities, committee_size,
              view_through_window, surge_recent, surge_baseline;
END
$report$;

-- The trend form: the report of each step [t, t + step) from period_start
-- up to period_end (the last step ends at period_end), one row per step and
-- KPI, each step as it was known at its own end.
CREATE FUNCTION abm_report_series(
    accounts regclass,
    touches regclass DEFAULT NULL,
    opportunities regclass DEFAULT NULL,
    contacts regclass DEFAULT NULL,
    stages regclass DEFAULT NULL,
    contracts regclass DEFAULT NULL,
    nps_responses regclass DEFAULT NULL,
    period_start timestamptz DEFAULT NULL,
    period_end timestamptz DEFAULT NULL,
    step interval DEFAULT '1 month',
    half_life interval DEFAULT '30 days',
    engaged_min_score float8 DEFAULT 10,
    lookback interval DEFAULT '90 days',
    revenue_goal numeric DEFAULT NULL,
    icp_profile jsonb DEFAULT NULL,
    mqa_min_score float8 DEFAULT 30,
    mqa_min_contacts int DEFAULT 3,
    mqa_min_fit float8 DEFAULT 0.5,
    grace interval DEFAULT '30 days',
    engaged_activities text[] DEFAULT NULL,
    committee_size float8 DEFAULT 6.8,
    view_through_window interval DEFAULT '7 days',
    surge_recent interval DEFAULT '7 days',
    surge_baseline interval DEFAULT '28 days')
RETURNS TABLE(step_start timestamptz, step_end timestamptz, stage int, kpi text, value numeric, unit text)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $series$
DECLARE
    s timestamptz;
    e timestamptz;
    n int := 0;
BEGIN
    IF step IS NULL OR step <= interval '0' THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'step must be a positive interval',
            DETAIL = format('step = %s.', coalesce(step::text, 'NULL')),
            HINT = 'Pass an interval such as ''1 month''.';
    END IF;
    IF period_start IS NULL OR period_end IS NULL OR period_start >= period_end
       OR NOT isfinite(period_start) OR NOT isfinite(period_end) THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'abm_report_series needs a finite period with period_start < period_end',
            DETAIL = format('period_start = %s, period_end = %s.',
                            coalesce(period_start::text, 'NULL'), coalesce(period_end::text, 'NULL')),
            HINT = 'Pass period_start => ''2025-01-01'', period_end => ''2026-01-01''.';
    END IF;
    s := period_start;
    WHILE s < period_end LOOP
        n := n + 1;
        IF n > 1000 THEN
            RAISE EXCEPTION USING ERRCODE = '54000',
                MESSAGE = 'abm_report_series computes at most 1000 steps',
                DETAIL = format('period_start = %s, period_end = %s, step = %s.', period_start, period_end, step),
                HINT = 'Use a longer step or a shorter period.';
        END IF;
        e := least(s + step, period_end);
        RETURN QUERY
            SELECT s, e, r.stage, r.kpi, r.value, r.unit
            FROM @extschema@.abm_report(accounts, touches, opportunities, contacts, stages, contracts, nps_responses,
                                        s, e, half_life, engaged_min_score, lookback, revenue_goal, icp_profile,
                                        mqa_min_score, mqa_min_contacts, mqa_min_fit, grace, engaged_activities,
                                        committee_size, view_through_window, surge_recent, surge_baseline) r;
        s := e;
    END LOOP;
END
$series$;

COMMENT ON FUNCTION abm_report_has_column(regclass, name, text) IS 'support: whether a relation given to abm_report has a column (NOTICE when not)';
COMMENT ON FUNCTION abm_report_relation(regclass, name[], text) IS 'support: the relation given to abm_report, or NULL (NOTICE) when it lacks a required column';
COMMENT ON FUNCTION abm_report(regclass, regclass, regclass, regclass, regclass, regclass, regclass, timestamptz, timestamptz, interval, float8, interval, numeric, jsonb, float8, int, float8, interval, text[], float8, interval, interval, interval)
    IS 'the six-stage ABM report: one row per KPI of the target accounts for a period, as known at its end (stage, kpi, value, unit; docs/kpis.md)';
COMMENT ON FUNCTION abm_report_series(regclass, regclass, regclass, regclass, regclass, regclass, regclass, timestamptz, timestamptz, interval, interval, float8, interval, numeric, jsonb, float8, int, float8, interval, text[], float8, interval, interval, interval)
    IS 'the trend form of abm_report: one row per step (default one month) and KPI, each step as known at its end';
