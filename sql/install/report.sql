-- The six-stage ABM report: every KPI of SPEC section 4 the given relations
-- allow, one row per KPI.  PL/pgSQL so that optional relations and columns
-- can be left out; it runs with the caller's rights (no SECURITY DEFINER),
-- and every relation reaches the SQL through its regclass text, which is
-- quoted and schema-qualified as needed.

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
    mqa_min_fit float8 DEFAULT 0.5)
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
            HINT = 'Map your CRM accounts onto the SPEC section 2 columns with a view.';
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
