-- The six-stage ABM report: one row per KPI of the target accounts for a
-- period, every KPI a fact about the period as it was known at its end
-- (docs/kpis.md defines each row), and its trend form, one report per step.
-- PL/pgSQL so that optional relations and columns can be left out; it runs
-- with the caller's rights (no SECURITY DEFINER), every relation reaches the
-- SQL through its regclass text, which is quoted and schema-qualified as
-- needed.  abm_report and abm_report_series both run abm_report_steps: one
-- SQL statement for every step at once, which reads each relation by one
-- scan; the touches are read by one pass of the aggregate
-- abm_report_touches per account, for all the steps (docs/performance.md).
-- PARALLEL RESTRICTED: they read relations the caller names, which may be
-- temporary tables.

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

-- A p-value as the report shows it: 4 significant digits (a p-value of
-- 8.1e-9 is not rounded to 0).
CREATE FUNCTION abm_report_p_value(p float8) RETURNS numeric
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN p > 0 THEN round(p::numeric, 3 - floor(log(p::numeric))::int) ELSE p::numeric END
$$;

-- The report of each step [bounds[i], bounds[i + 1]), every step as known at
-- its own end, in one statement: one row per step and KPI.  abm_report and
-- abm_report_series check the period and call it; it checks the rest.
-- jit = off: the statement is large (compiling it took longer than running
-- it at a million touches) and its work is done in abm's C aggregates.
-- parallel_leader_participation = off: only the pass over the touches runs
-- in parallel workers, and everything after it runs in the leader, which
-- also combines the workers' states; kept out of the scan, the leader
-- starts on that work as soon as the workers are done, and the workers
-- have the cores to themselves (docs/performance.md has the measurements).
CREATE FUNCTION abm_report_steps(
    accounts regclass,
    touches regclass,
    opportunities regclass,
    contacts regclass,
    stages regclass,
    contracts regclass,
    nps_responses regclass,
    bounds timestamptz[],
    half_life interval,
    engaged_min_score float8,
    lookback interval,
    revenue_goal numeric,
    icp_profile jsonb,
    mqa_min_score float8,
    mqa_min_contacts int,
    mqa_min_fit float8,
    grace interval,
    engaged_activities text[],
    committee_size float8,
    view_through_window interval,
    surge_recent interval,
    surge_baseline interval)
RETURNS TABLE(step int, stage int, kpi text, value numeric, unit text)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
SET jit = off
SET parallel_leader_participation = off
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
    q2 text;
    vt_since timestamptz[];
    surge_since timestamptz[];
    t_ids bigint[];
    t_ids_text text[];
    t_tiers int[];
    t_fits float8[];
    tam bigint;
    o_accounts bigint[];
    o_accounts_text text[];
    rel regclass;
    col name;
    col_type regtype;
    id_type regtype;
    id_int bool;
    ints constant regtype[] := '{smallint,integer,bigint}';
    o_created timestamptz[];
    o_closed timestamptz[];
    o_amounts numeric[];
    o_won bool[];
    -- the other (non-target) accounts, for the lift rows
    c_ids bigint[];
    c_ids_text text[];
    c_accounts bigint;
    c_opp_accounts bigint[];
    c_won bigint[];
    c_lost bigint[];
    c_won_n bigint[];
    c_won_mean float8[];
    c_won_sd float8[];
    bound_dates date[];  -- $45
BEGIN
    IF bounds IS NULL OR cardinality(bounds) < 2 OR cardinality(bounds) > 1001
       OR array_position(bounds, NULL) IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'abm_report_steps needs 2 to 1001 bounds, none NULL',
            DETAIL = format('bounds = %s.', coalesce(bounds::text, 'NULL')),
            HINT = 'Pass the start of every step and the end of the last.';
    END IF;
    FOR i IN 1 .. cardinality(bounds) - 1 LOOP
        IF NOT bounds[i] < bounds[i + 1] OR NOT isfinite(bounds[i]) OR NOT isfinite(bounds[i + 1]) THEN
            RAISE EXCEPTION USING ERRCODE = '22023',
                MESSAGE = 'the bounds of abm_report_steps must be finite and increasing',
                DETAIL = format('bounds[%s] = %s, bounds[%s] = %s.', i, bounds[i], i + 1, bounds[i + 1]),
                HINT = 'Pass the start of every step and the end of the last, in order.';
        END IF;
    END LOOP;
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
    -- The bounds' dates in the session's time zone: a row's step is found by
    -- a binary search of them, so they must not go backwards, which they do
    -- only across a historical change of a zone's date (Alaska's in 1867);
    -- checked before any relation is read.
    bound_dates := ARRAY(SELECT b::date FROM unnest(bounds) WITH ORDINALITY u(b, i) ORDER BY i);
    FOR i IN 1 .. cardinality(bounds) - 1 LOOP
        IF bound_dates[i + 1] < bound_dates[i] THEN
            RAISE EXCEPTION USING ERRCODE = '22023',
                MESSAGE = 'the dates of the bounds of abm_report_steps must not go backwards',
                DETAIL = format('In time zone %s, bounds[%s] = %s is on %s and bounds[%s] = %s on %s.',
                                current_setting('TimeZone'), i, bounds[i], bound_dates[i],
                                i + 1, bounds[i + 1], bound_dates[i + 1]),
                HINT = 'Run the report in a time zone without that change, such as UTC (SET TimeZone).';
        END IF;
    END LOOP;

    -- The relations and their optional columns (a NOTICE names what is left
    -- out), checked once per step: the trend form has always given each
    -- NOTICE once per step.
    FOR rep IN 1 .. cardinality(bounds) - 1 LOOP
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
            -- the types abm_report_touches takes (no-ops on the conventional columns)
            tou_src := format('(SELECT x.account_id, x.occurred_at::timestamptz AS occurred_at, x.activity::text AS activity,'
                              ' %s AS contact_id, %s AS cost FROM %s x)',
                              CASE WHEN has_contact THEN 'x.contact_id::bigint' ELSE 'NULL::bigint' END,
                              CASE WHEN has_cost THEN 'x.cost::numeric' ELSE 'NULL::numeric' END, tou);
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
    END LOOP;

    -- Ids.  Every relation joins accounts by account_id, so their types
    -- must compare: all integer types (the ids travel as bigint), or all of
    -- the accounts' own type, such as text or uuid (they travel as text and
    -- are cast back).  abm_report_touches and abm_coverage keep contact ids
    -- as bigint: they must be of an integer type (docs/reference.md).
    FOR rel, col IN
        SELECT v.r, v.c FROM (VALUES (acc, 'account_id'), (tou, 'account_id'), (opp, 'account_id'),
                                     (con, 'account_id'), (stg, 'account_id'), (ctr, 'account_id'),
                                     (nps, 'account_id'), (CASE WHEN has_contact THEN tou END, 'contact_id'),
                                     (con, 'contact_id')) v(r, c)
        WHERE v.r IS NOT NULL
    LOOP
        SELECT a.atttypid INTO col_type FROM pg_attribute a
        WHERE a.attrelid = rel AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped;
        -- a domain compares as its base type
        WHILE (SELECT ty.typtype FROM pg_type ty WHERE ty.oid = col_type) = 'd' LOOP
            SELECT ty.typbasetype INTO col_type FROM pg_type ty WHERE ty.oid = col_type;
        END LOOP;
        IF col = 'contact_id' THEN
            IF NOT col_type = ANY (ints) THEN
                RAISE EXCEPTION USING ERRCODE = '42804',
                    MESSAGE = 'abm_report needs contact ids of an integer type',
                    DETAIL = format('%s.contact_id is %s.', rel, col_type),
                    HINT = 'Map the contact ids to bigint in a view, for example with a stable hash (docs/cookbook.md).';
            END IF;
        ELSIF rel = acc AND id_type IS NULL THEN
            id_type := col_type;
            id_int := col_type = ANY (ints);
        ELSIF (id_int AND NOT col_type = ANY (ints))
              OR (NOT id_int AND col_type <> id_type
                  AND NOT (SELECT bool_and(ty.typcategory = 'S') FROM pg_type ty WHERE ty.oid IN (col_type, id_type))) THEN
            RAISE EXCEPTION USING ERRCODE = '42804',
                MESSAGE = 'the account_id columns of abm_report''s relations must have one type',
                DETAIL = format('%s.account_id is %s, %s.account_id is %s.', acc, id_type, rel, col_type),
                HINT = 'Give every relation the same account ids, cast to one type in the views that feed the report.';
        END IF;
    END LOOP;
    -- the empty relations that stand for those not given, with the ids' type
    tou_src := replace(tou_src, 'NULL::bigint AS account_id', format('NULL::%s AS account_id', id_type));
    opp_src := replace(opp_src, 'NULL::bigint AS account_id', format('NULL::%s AS account_id', id_type));
    con_src := replace(con_src, 'NULL::bigint AS account_id', format('NULL::%s AS account_id', id_type));
    stg_src := replace(stg_src, 'NULL::bigint AS account_id', format('NULL::%s AS account_id', id_type));
    ctr_src := replace(ctr_src, 'NULL::bigint AS account_id', format('NULL::%s AS account_id', id_type));
    nps_src := replace(nps_src, 'NULL::bigint AS account_id', format('NULL::%s AS account_id', id_type));

    -- $1 the start of the first step, $2 the end of the last, $3 half_life,
    -- $4 engaged_min_score, $5 lookback, $6 revenue_goal, $7 mqa_min_score,
    -- $8 mqa_min_contacts, $9 mqa_min_fit, $10 grace, $11 engaged_activities,
    -- $12 committee_size, $13 view_through_window, $14 surge_recent,
    -- $15 surge_baseline, $16 bounds, $17 the start of each step's
    -- view-through buffer, $18 the start of the surge windows at each step's
    -- end, $19 to $22 the target accounts (ids, tiers, fits) and the total
    -- addressable market, $23 to $27 their opportunities, $28 and $29 the
    -- ids of both as text when they are not of an integer type (%11$s and
    -- %12$s name the arrays of ids, %13$s casts one back), $30 to $36 the
    -- other accounts' counts for the lift rows, $37 to $44 the first wins
    -- and the new opportunities of target accounts, read by the pass ($38
    -- and $41, their ids as text, are not read here), $45 the bounds as
    -- dates (converted once, in the session's time zone), $46 to $48 the
    -- pass's keys of the target accounts, of those with a win and of the
    -- opportunities when the ids are not integers.  Contract dates are
    -- compared with the steps' dates st.sd and st.ed.
    q := format($q$
-- lead: a row of nothing that only the leader reads.  Every plan of a
-- parallel query that its workers could run is sent to them as text, and
-- the target ids and the opportunities are plan constants of megabytes:
-- written out by the leader, parsed by each worker before its first row
-- (docs/performance.md has what that cost).  A CTE that reads lead is not
-- sent; those below that hold the arrays read it.
WITH lead AS MATERIALIZED (
    SELECT
),
st AS NOT MATERIALIZED (
    SELECT i AS step, $16[i] AS s, $16[i + 1] AS e, $45[i] AS sd, $45[i + 1] AS ed
    FROM pg_catalog.generate_series(1, pg_catalog.cardinality($16) - 1) i
),
-- The target accounts, one row per row of accounts (read by the first
-- statement: $19 ids, $20 tiers, $21 ICP fits), and the opportunities of
-- target accounts created before the end of the last step ($23 to $27).
t AS NOT MATERIALIZED (
    SELECT t.account_id%13$s AS account_id, t.tier, t.fit
    FROM lead CROSS JOIN unnest(%11$s, $20::int[], $21::float8[]) AS t(account_id, tier, fit)
), o_all AS MATERIALIZED (
    SELECT o.account_id%13$s AS account_id, o.created_at, o.closed_at, o.amount, o.is_won
    FROM lead CROSS JOIN unnest(%12$s, $24::timestamptz[], $25::timestamptz[], $26::numeric[], $27::bool[])
        AS o(account_id, created_at, closed_at, amount, is_won)
),
-- Per step, the opportunities created before its end as known at its end
-- (one closed at or after it is open), those a KPI of the step can use:
-- created in the step or open at some time in it.  Those steps are
-- consecutive: from the step of its creation (the first for one created
-- before it) to the last step for one still open, or else to the step of
-- its close (or of its creation, if later); width_bucket finds both by a
-- binary search of the bounds, and each opportunity gives a row for each
-- of its steps only.
o AS MATERIALIZED (
    SELECT y.step, $16[y.step] AS s, y.account_id, y.created_at, y.amount,
           CASE WHEN y.closed_at < $16[y.step + 1] AND y.is_won IS NOT NULL THEN y.closed_at END AS closed_at,
           CASE WHEN y.closed_at < $16[y.step + 1] THEN y.is_won END AS is_won
    FROM (SELECT pg_catalog.generate_series(
                     greatest(pg_catalog.width_bucket(x.created_at, $16), 1),
                     CASE WHEN x.closed_at IS NULL OR x.is_won IS NULL THEN pg_catalog.cardinality($16) - 1
                          ELSE least(greatest(pg_catalog.width_bucket(x.created_at, $16),
                                              pg_catalog.width_bucket(x.closed_at, $16)),
                                     pg_catalog.cardinality($16) - 1) END) AS step,
                 x.account_id, x.created_at, x.closed_at, x.amount, x.is_won
          FROM o_all x) y
),
-- The first win of each target account in each step, as known at its end
-- (the win's step by width_bucket: a binary search of the bounds, so that
-- the opportunities are read once, not once per step).
won_first AS NOT MATERIALIZED (
    SELECT y.step, y.account_id, min(y.closed_at) AS won_at
    FROM (SELECT pg_catalog.width_bucket(x.closed_at, $16) AS step, x.account_id, x.created_at, x.closed_at
          FROM o_all x
          WHERE x.is_won AND x.closed_at >= $16[1] AND x.closed_at < $16[pg_catalog.cardinality($16)]) y
    WHERE y.created_at < $16[y.step + 1]
    GROUP BY y.step, y.account_id
), first_opp AS (
    SELECT account_id, min(created_at) AS created_at FROM o_all GROUP BY account_id
),
-- The touches of target accounts before the end of the last step, one pass
-- per account for every step: activity counts, first touch, scores,
-- engagement, contacts, spend, view-through, surge, touches up to the win,
-- influenced opportunities (abm_report_touches).  What the pass needs of
-- each account (how many rows it has in accounts: the touches of an account
-- listed twice count twice; its first win in each step; its opportunities
-- created in the steps) it looks up by account in arrays that are the
-- same on every row, which the first statement built, so that the touches
-- are not joined to the accounts: integer ids are filtered by a hashed
-- "= ANY" over the target ids, and the ids are their own keys; ids of
-- other types are joined to their keys, the position of their first row
-- in the target ids.  The pass's arrays are the values of subqueries over
-- args: the leader computes them once and passes them to the workers as
-- values, not as plan text.
args AS MATERIALIZED (
    SELECT %17$s AS accounts, %18$s AS won, $39::timestamptz[] AS won_at,
           %19$s AS opps, $42 AS opp_created, $43 AS opp_since, $44 AS opp_amounts
    FROM lead
), pass AS MATERIALIZED (
    SELECT x.account_id,
           @extschema@.abm_report_touches(%16$s, x.occurred_at, x.activity, x.contact_id, x.cost,
                                          (SELECT a.accounts FROM args a), (SELECT a.won FROM args a),
                                          (SELECT a.won_at FROM args a), (SELECT a.opps FROM args a),
                                          (SELECT a.opp_created FROM args a), (SELECT a.opp_since FROM args a),
                                          (SELECT a.opp_amounts FROM args a),
                                          $16, $17, $18, $3, $11, $13, $14, $15) AS r
    FROM %4$s x%15$s x.occurred_at < $2
    GROUP BY x.account_id
),
-- The target accounts by id: how many rows each has in accounts (every row
-- counts in the account KPIs), how many of those have an ICP fit at or
-- above the MQA minimum, and a number (key) for abm_report_contracts.
tg AS MATERIALIZED (
    SELECT t.account_id, count(*)::int AS copies, count(*) FILTER (WHERE t.fit >= $9)::int AS fit_ok,
           row_number() OVER () AS key
    FROM t GROUP BY t.account_id
),
-- Buying committees of target accounts (the known contacts), and per step
-- the engaged ones: engaged = touched in the step.  A contact counts once
-- however often its account is listed (a lookup in the target ids, not a
-- join with t).  Each account's committee is read once into arrays (its
-- contacts and their roles); per account and step, the committee and its
-- engaged part come from those arrays and the step's engaged contacts of
-- the account, with no join of contacts, inside abm_report_sums (k_pass)
-- with the account's pass row (the code of abm_committee_coverage).
kc AS MATERIALIZED (
    SELECT k.account_id, array_agg(k.contact_id) AS ids, array_agg(k.role) AS roles
    FROM lead CROSS JOIN %6$s k
    WHERE k.%14$s AND k.contact_id IS NOT NULL
    GROUP BY k.account_id
),
-- Contracts of target accounts that started before the end of the last
-- step, each as often as its account has rows in accounts; a contract of
-- no days covers no day and is left out.  A step sees those that started
-- before its end.  One without an amount (a free pilot) makes a customer
-- and adds no money.
c AS MATERIALIZED (
    SELECT g.key, x.account_id, x.starts_on, x.ends_on, x.amount
    FROM %8$s x JOIN tg g USING (account_id) CROSS JOIN pg_catalog.generate_series(1, g.copies)
    WHERE x.starts_on < $2::date AND x.ends_on > x.starts_on
), first_contract AS (
    SELECT account_id, min(starts_on) AS first_start FROM c GROUP BY account_id
),
-- The customers at each step's start and end and their ARR, the customers
-- up for renewal and renewed, and the revenue won by class (new-logo,
-- renewal, expansion), per step: abm_report_contracts works through each
-- account's contracts once for every step (docs/kpis.md has the
-- definitions, docs/reference.md the rules it applies), with the steps'
-- dates ($45) and grace ($10): one row per step, none without contracts,
-- whose counts and sums are then 0.
k_ctr AS MATERIALIZED (
    SELECT st.step,
           coalesce(k.customers_at_start, 0) AS at_start, coalesce(k.customers_at_end, 0) AS at_end,
           coalesce(k.customers_retained, 0) AS retained, coalesce(k.arr_start, 0) AS arr_start,
           coalesce(k.arr_expansion, 0) AS arr_expansion, coalesce(k.arr_contraction, 0) AS arr_contraction,
           coalesce(k.arr_churn, 0) AS arr_churn, coalesce(k.arr_end, 0) AS arr_end,
           coalesce(k.arr_kept, 0) AS arr_kept,
           coalesce(k.up_for_renewal, 0) AS up, coalesce(k.renewed, 0) AS renewed,
           coalesce(k.new_logo, 0) AS new_logo, coalesce(k.renewal, 0) AS renewal,
           coalesce(k.expansion, 0) AS expansion, coalesce(k.total, 0) AS total,
           coalesce(k.expanded_accounts, 0) AS expanded_accounts
    FROM st LEFT JOIN (SELECT s.*
                       FROM (SELECT @extschema@.abm_report_contracts(c.key, c.starts_on, c.ends_on, c.amount,
                                                                     $45, $10) AS a
                             FROM c) x,
                            unnest(x.a) s) k USING (step)
),
-- The size of each committee (its distinct known contacts).
committee AS (
    SELECT k.account_id, (@extschema@.abm_committee_coverage(k.ids, NULL, NULL)).contacts
    FROM kc k
),
-- Journeys of target accounts (the first entry of each stage: an account
-- listed twice has the same journey), up to the end of the last step.  An
-- account counts at a stage of a step's funnel when its furthest stage at
-- the step's end is that one or a later one (skipped stages count as
-- passed): when its first entry of that stage or of a later one came before
-- the step's end.  Per account and stage that time, and the first step at
-- whose end it counts (width_bucket, a binary search of the bounds; the
-- first step for a time before it); then per stage and step the accounts
-- counted by then, with no journey cut at each step's end.
journey_all AS MATERIALIZED (
    SELECT s.account_id, @extschema@.abm_journey(s.stage, s.entered_at) AS j
    FROM lead CROSS JOIN %7$s s
    WHERE s.%14$s AND s.entered_at < $2
    GROUP BY s.account_id
), journey_reach AS MATERIALIZED (
    SELECT u.fstep, greatest(pg_catalog.width_bucket(u.reached, $16), 1) AS step, count(*) AS n
    FROM (SELECT @extschema@.abm_entered(ja.j, 'target') AS e1, @extschema@.abm_entered(ja.j, 'engaged') AS e2,
                 @extschema@.abm_entered(ja.j, 'opportunity') AS e3, @extschema@.abm_entered(ja.j, 'won') AS e4,
                 @extschema@.abm_entered(ja.j, 'retained') AS e5, @extschema@.abm_entered(ja.j, 'expanded') AS e6
          FROM journey_all ja OFFSET 0) x
         CROSS JOIN unnest(ARRAY[least(x.e1, x.e2, x.e3, x.e4, x.e5, x.e6), least(x.e2, x.e3, x.e4, x.e5, x.e6),
                                 least(x.e3, x.e4, x.e5, x.e6), least(x.e4, x.e5, x.e6), least(x.e5, x.e6), x.e6])
              WITH ORDINALITY AS u(reached, fstep)
    WHERE u.reached IS NOT NULL
    GROUP BY 1, 2
),
-- The KPIs, one row per step (each over "st LEFT JOIN", so that a step
-- without rows still has its counts of 0 and its NULL averages).  Those
-- the final SELECT joins are MATERIALIZED: each is planned on its own, and
-- the final join is of their 12 rows (planned as one join of every
-- relation below them, the statement took 0.07 s longer to plan).  A
-- row's step is found by width_bucket, a binary search of the bounds ($16)
-- or of their dates ($45), not by a join with st that reads the rows once
-- per step.
k1 AS (
    SELECT count(*) AS targets,
           count(*) FILTER (WHERE tier = 1) AS tier1,
           count(*) FILTER (WHERE tier = 2) AS tier2,
           count(*) FILTER (WHERE tier = 3) AS tier3,
           avg(fit) AS fit
    FROM t
), k_tam AS (
    SELECT $22::bigint AS tam
),
-- The target accounts without touches: in every step they have a score of
-- 0, no engaged contact, no surge.
k_quiet AS (
    SELECT coalesce(sum(g.copies), 0) AS copies, coalesce(sum(g.fit_ok), 0) AS fit_ok
    FROM tg g WHERE NOT EXISTS (SELECT FROM pass pa WHERE pa.account_id = g.account_id)
),
-- The touch sums and the account KPIs that come from the touches, per
-- step: abm_report_sums adds up each account's pass row (its steps), the
-- account weighted by its rows in accounts (copies, and fit_ok for the
-- MQAs), and the committee columns (k_committee), from the account's
-- committee and each step's engaged contacts.  One call per
-- account, not one SQL row per account and step (docs/performance.md).
k_pass AS (
    SELECT s.*
    FROM (SELECT @extschema@.abm_report_sums(p.r, g.copies, g.fit_ok, k.ids, k.roles, $4, $7, $8,
                     ARRAY['champion', 'economic_buyer', 'technical_buyer', 'influencer'], $12) AS a
          FROM pass p JOIN tg g USING (account_id) LEFT JOIN kc k USING (account_id)) x,
         unnest(x.a) s
),
-- Per step, the target accounts (their rows in accounts) with an
-- opportunity created in the step, with one open in it, with a win, and
-- those whose first contract started in it.
k_opp_accounts AS (
    SELECT x.step, sum(g.copies) FILTER (WHERE x.created) AS opp_accounts,
           sum(g.copies) FILTER (WHERE x.active) AS active_accounts
    FROM (SELECT step, account_id, bool_or(created_at >= s) AS created,
                 bool_or(closed_at IS NULL OR closed_at >= s) AS active
          FROM o GROUP BY step, account_id) x
         JOIN tg g USING (account_id)
    GROUP BY x.step
), k_won_accounts AS (
    SELECT w.step, sum(g.copies) AS won_accounts
    FROM won_first w JOIN tg g USING (account_id)
    GROUP BY w.step
), k_new_customers AS (
    SELECT pg_catalog.width_bucket(fc.first_start, $45) AS step, sum(g.copies) AS new_customers
    FROM first_contract fc JOIN tg g USING (account_id)
    WHERE fc.first_start >= $45[1] AND fc.first_start < $45[pg_catalog.cardinality($45)]
    GROUP BY 1
),
-- The account KPIs: sums over the steps' rows above, the accounts without
-- touches added as the zeros they are; the averages are over every row of
-- a target account in accounts (NULL without one).
k_acct AS MATERIALIZED (
    SELECT st.step,
           coalesce(p.engaged, 0)::bigint AS engaged,
           (coalesce(p.above_threshold, 0) + CASE WHEN 0 >= $4 THEN q.copies ELSE 0 END)::bigint AS above_threshold,
           coalesce(p.score_end, 0) / nullif(k1.targets, 0)::float8 AS avg_score,
           coalesce(p.rel_start, 0) / nullif(k1.targets, 0)::float8 AS rel_start,
           coalesce(p.rel_end, 0) / nullif(k1.targets, 0)::float8 AS rel_end,
           coalesce(p.surging, 0)::bigint AS surging,
           (coalesce(p.mqas, 0) + CASE WHEN 0 >= $7 AND 0 >= $8 THEN q.fit_ok ELSE 0 END)::bigint AS mqas,
           coalesce(oa.opp_accounts, 0)::bigint AS opp_accounts,
           coalesce(oa.active_accounts, 0)::bigint AS active_accounts,
           coalesce(w.won_accounts, 0)::bigint AS won_accounts,
           coalesce(nc.new_customers, 0)::bigint AS new_customers
    FROM st CROSS JOIN k1 CROSS JOIN k_quiet q
         LEFT JOIN k_pass p ON p.step = st.step
         LEFT JOIN k_opp_accounts oa ON oa.step = st.step
         LEFT JOIN k_won_accounts w ON w.step = st.step
         LEFT JOIN k_new_customers nc ON nc.step = st.step
), k_touch AS MATERIALIZED (
    SELECT st.step,
           coalesce(p.impressions, 0) AS impressions, coalesce(p.ad_clicks, 0) AS ad_clicks,
           coalesce(p.email_opens, 0) AS email_opens, coalesce(p.email_clicks, 0) AS email_clicks,
           coalesce(p.web_visits, 0) AS web_visits, coalesce(p.hvp_visits, 0) AS hvp_visits,
           coalesce(p.downloads, 0) AS downloads, coalesce(p.webinars, 0) AS webinars,
           coalesce(p.chats, 0) AS chats, coalesce(p.form_fills, 0) AS form_fills,
           coalesce(p.meetings, 0) AS meetings, coalesce(p.events, 0) AS events,
           coalesce(p.identified_visits, 0) AS identified_visits,
           coalesce(p.openers, 0) AS openers, coalesce(p.clickers, 0) AS clickers,
           coalesce(p.spend, 0) AS spend,
           coalesce(p.vt_conversions, 0) AS vt_conversions,
           coalesce(p.vt_visits, 0) AS vt_visits,
           coalesce(p.touches_to_win, 0) AS touches_to_win,
           coalesce(p.influenced, 0) AS influenced,
           p.influenced_amount
    FROM st LEFT JOIN k_pass p ON p.step = st.step
),
-- Committee KPIs: averages over the accounts with a committee, those
-- without an engaged contact in a step counting 0 (a sum over the engaged
-- ones divided by the number of committees, as avg computes it), so that
-- the steps need no row per account.
committees AS (
    SELECT count(*) AS n, avg(cm.contacts) AS size FROM committee cm
), k_committee AS MATERIALIZED (
    SELECT st.step, cs.size,
           CASE WHEN cs.n > 0 THEN coalesce(ce.engaged_contacts, 0)::numeric / cs.n::numeric END AS engaged_contacts,
           CASE WHEN cs.n > 0 THEN coalesce(ce.coverage, 0) / cs.n::float8 END AS coverage,
           CASE WHEN cs.n > 0 THEN coalesce(ce.penetration, 0) / cs.n::float8 END AS penetration
    FROM st CROSS JOIN committees cs
         LEFT JOIN k_pass ce USING (step)
), k_opp AS MATERIALIZED (
    SELECT st.step,
           count(*) FILTER (WHERE o.created_at >= st.s) AS created,
           sum(o.amount) FILTER (WHERE o.created_at >= st.s) AS created_amount,
           count(*) FILTER (WHERE o.step IS NOT NULL AND o.closed_at IS NULL) AS open_at_end,
           coalesce(sum(o.amount) FILTER (WHERE o.step IS NOT NULL AND o.closed_at IS NULL), 0) AS open_amount,
           count(*) FILTER (WHERE o.is_won AND o.closed_at >= st.s) AS won,
           count(*) FILTER (WHERE NOT o.is_won AND o.closed_at >= st.s) AS lost,
           sum(o.amount) FILTER (WHERE o.is_won AND o.closed_at >= st.s) AS won_amount,
           avg(o.amount) FILTER (WHERE o.is_won AND o.closed_at >= st.s) AS avg_won,
           count(o.amount) FILTER (WHERE o.is_won AND o.closed_at >= st.s) AS won_n,
           stddev_samp(o.amount) FILTER (WHERE o.is_won AND o.closed_at >= st.s) AS won_sd,
           @extschema@.abm_deal_cycle(o.created_at, o.closed_at) FILTER (WHERE o.is_won AND o.closed_at >= st.s) AS sales_cycle
    FROM st LEFT JOIN o ON o.step = st.step
    GROUP BY st.step
),
-- The first touch of each account that has one before the end of the last
-- step (in the pass row of its last step): a step's first_touch is it when
-- it came before the step's end, which a win or an opportunity created in
-- the step implies.
first_touch AS (
    SELECT p.account_id, (p.r[pg_catalog.cardinality($16) - 1]).first_touch FROM pass p
), k_cycle_won AS MATERIALIZED (
    SELECT o.step, @extschema@.abm_deal_cycle(p.first_touch, o.closed_at) AS to_won
    FROM o JOIN first_touch p ON p.account_id = o.account_id
    WHERE o.is_won AND o.closed_at >= o.s AND p.first_touch <= o.closed_at
    GROUP BY o.step
), k_cycle_opp AS MATERIALIZED (
    SELECT pg_catalog.width_bucket(f.created_at, $16) AS step,
           @extschema@.abm_deal_cycle(p.first_touch, f.created_at) AS to_opp
    FROM first_opp f JOIN first_touch p ON p.account_id = f.account_id
    WHERE f.created_at >= $16[1] AND f.created_at < $16[pg_catalog.cardinality($16)] AND p.first_touch <= f.created_at
    GROUP BY 1
), k_acv AS MATERIALIZED (
    SELECT st.step, @extschema@.abm_acv(c.amount, c.starts_on, c.ends_on) AS acv
    FROM st LEFT JOIN (SELECT pg_catalog.width_bucket(c.starts_on, $45) AS step, c.amount, c.starts_on, c.ends_on
                       FROM c WHERE c.starts_on >= $45[1] AND c.starts_on < $45[pg_catalog.cardinality($45)]) c
         ON c.step = st.step
    GROUP BY st.step
), k_nps AS MATERIALIZED (
    SELECT st.step, @extschema@.abm_nps(r.score) FILTER (WHERE r.responded_at IS NOT NULL) AS nps
    FROM st LEFT JOIN (SELECT pg_catalog.width_bucket(r.responded_at, $16) AS step, r.responded_at, r.score
                       FROM %9$s r JOIN t USING (account_id)
                       WHERE r.responded_at >= $16[1] AND r.responded_at < $16[pg_catalog.cardinality($16)]) r
         ON r.step = st.step
    GROUP BY st.step
),
-- The stage funnel of each step (journey_reach above): the accounts whose
-- furthest stage is a stage are its count less the next stage's.
k_funnel AS (
    SELECT x.step, x.fstep, x.stage, x.accounts,
           x.accounts - coalesce(lead(x.accounts) OVER (PARTITION BY x.step ORDER BY x.fstep), 0) AS furthest
    FROM (SELECT st.step, d.fstep::int AS fstep, d.stage,
                 coalesce((SELECT sum(jr.n) FROM journey_reach jr WHERE jr.fstep = d.fstep AND jr.step <= st.step),
                          0)::bigint AS accounts
          FROM st CROSS JOIN unnest(ARRAY['target', 'engaged', 'opportunity', 'won', 'retained', 'expanded'])
               WITH ORDINALITY AS d(stage, fstep)) x
)
SELECT r.step, r.stage, r.kpi, r.value, r.unit
FROM (
    SELECT st.step, v.stage, v.ord, v.kpi, v.value, v.unit, v.needs
    FROM st JOIN k_acct USING (step) JOIN k_touch USING (step) JOIN k_committee USING (step)
         JOIN k_opp USING (step) LEFT JOIN k_cycle_won USING (step) LEFT JOIN k_cycle_opp USING (step)
         JOIN k_ctr USING (step)
         JOIN k_acv USING (step) JOIN k_nps USING (step) CROSS JOIN k1 CROSS JOIN k_tam,
         -- target over the other accounts ($30 to $36), 95 %% intervals
         LATERAL (SELECT @extschema@.abm_lift_counts(k1.targets, k_acct.opp_accounts, $30, $31[st.step]) AS opp,
                         @extschema@.abm_lift_counts(k_opp.won + k_opp.lost, k_opp.won,
                                                     $32[st.step] + $33[st.step], $32[st.step]) AS win,
                         @extschema@.abm_lift_means(k_opp.won_n, k_opp.avg_won::float8, k_opp.won_sd::float8,
                                                    $34[st.step], $35[st.step], $36[st.step]) AS deal) kl,
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
    (3, 30, 'time from first touch to first opportunity, median', round((k_cycle_opp.to_opp).median_days::numeric, 1), 'days', '{opp,tou}'),
    (3, 40, 'cost per target account with an opportunity created in the period',
     round(k_touch.spend / nullif(k_acct.opp_accounts, 0), 2), 'money', '{opp,tou,cost}'),
    (3, 50, 'non-target accounts', $30::numeric, 'accounts', '{opp}'),
    (3, 51, 'opportunity rate of non-target accounts (with an opportunity created in the period / non-target accounts)',
     round((kl.opp).control_rate::numeric, 4), 'share', '{opp}'),
    (3, 52, 'opportunity-rate lift of target over non-target accounts (target rate / non-target rate - 1)',
     round((kl.opp).lift::numeric, 4), 'lift', '{opp}'),
    (3, 53, 'opportunity-rate lift, lower bound of its 95 %% confidence interval', round((kl.opp).lift_low::numeric, 4), 'lift', '{opp}'),
    (3, 54, 'opportunity-rate lift, upper bound of its 95 %% confidence interval', round((kl.opp).lift_high::numeric, 4), 'lift', '{opp}'),
    (3, 55, 'opportunity-rate lift, p-value (two-sided two-proportion z-test)', @extschema@.abm_report_p_value((kl.opp).p_value), 'p-value', '{opp}'),
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
    (4, 20, 'deal cycle (first touch to won), mean', round((k_cycle_won.to_won).mean_days::numeric, 1), 'days', '{opp,tou}'),
    (4, 21, 'deal cycle (first touch to won), median', round((k_cycle_won.to_won).median_days::numeric, 1), 'days', '{opp,tou}'),
    (4, 22, 'deal cycle (first touch to won), p90', round((k_cycle_won.to_won).p90_days::numeric, 1), 'days', '{opp,tou}'),
    (4, 30, 'target accounts won in the period', k_acct.won_accounts, 'accounts', '{opp}'),
    (4, 31, 'touches per won account (touches in the period up to the win)',
     round(k_touch.touches_to_win::numeric / nullif(k_acct.won_accounts, 0), 2), 'touches', '{opp,tou}'),
    (4, 32, 'cost per won account', round(k_touch.spend / nullif(k_acct.won_accounts, 0), 2), 'money', '{opp,tou,cost}'),
    (4, 40, 'new customers', k_acct.new_customers, 'accounts', '{ctr}'),
    (4, 41, 'win rate with target accounts (new customers / target accounts)',
     round((k_acct.new_customers::float8 / nullif(k1.targets, 0))::numeric, 4), 'share', '{ctr}'),
    (4, 42, 'new-logo revenue won', k_ctr.new_logo, 'money', '{ctr}'),
    (4, 43, 'customer acquisition cost (spend / new customers)',
     round(k_touch.spend / nullif(k_acct.new_customers, 0), 2), 'money', '{ctr,tou,cost}'),
    (4, 60, 'win rate of non-target accounts (won / closed in the period)', round((kl.win).control_rate::numeric, 4), 'share', '{opp}'),
    (4, 61, 'win-rate lift of target over non-target accounts (target win rate / non-target win rate - 1)',
     round((kl.win).lift::numeric, 4), 'lift', '{opp}'),
    (4, 62, 'win-rate lift, lower bound of its 95 %% confidence interval', round((kl.win).lift_low::numeric, 4), 'lift', '{opp}'),
    (4, 63, 'win-rate lift, upper bound of its 95 %% confidence interval', round((kl.win).lift_high::numeric, 4), 'lift', '{opp}'),
    (4, 64, 'win-rate lift, p-value (two-sided two-proportion z-test)', @extschema@.abm_report_p_value((kl.win).p_value), 'p-value', '{opp}'),
    (4, 65, 'average won deal of non-target accounts', round((kl.deal).control_rate::numeric, 2), 'money', '{opp}'),
    (4, 66, 'average-won-deal lift of target over non-target accounts (target average / non-target average - 1)',
     round((kl.deal).lift::numeric, 4), 'lift', '{opp}'),
    (4, 67, 'average-won-deal lift, lower bound of its 95 %% confidence interval', round((kl.deal).lift_low::numeric, 4), 'lift', '{opp}'),
    (4, 68, 'average-won-deal lift, upper bound of its 95 %% confidence interval', round((kl.deal).lift_high::numeric, 4), 'lift', '{opp}'),
    (4, 69, 'average-won-deal lift, p-value (normal approximation of the log ratio of the means)',
     @extschema@.abm_report_p_value((kl.deal).p_value), 'p-value', '{opp}'),
    (4, 50, 'marketing influence, share of opportunities created in the period',
     round((k_touch.influenced::float8 / nullif(k_opp.created, 0)::float8)::numeric, 4), 'share', '{opp,tou}'),
    (4, 51, 'marketing influence, share of pipeline amount created in the period',
     round(k_touch.influenced_amount / nullif(k_opp.created_amount, 0), 4), 'share', '{opp,tou}'),
    (5, 10, 'customers at period start', k_ctr.at_start, 'accounts', '{ctr}'),
    (5, 11, 'customers at period end', k_ctr.at_end, 'accounts', '{ctr}'),
    (5, 12, 'customers at period start still customers at period end', k_ctr.retained, 'accounts', '{ctr}'),
    (5, 13, 'customer retention rate (still customers / customers at period start)',
     round((k_ctr.retained::float8 / nullif(k_ctr.at_start, 0))::numeric, 4), 'share', '{ctr}'),
    (5, 20, 'customers up for renewal in the period', k_ctr.up, 'accounts', '{ctr}'),
    (5, 21, 'customers renewed', k_ctr.renewed, 'accounts', '{ctr}'),
    (5, 22, 'renewal rate (customers renewed / customers up for renewal)',
     round((k_ctr.renewed::float8 / nullif(k_ctr.up, 0))::numeric, 4), 'share', '{ctr}'),
    (5, 23, 'renewal revenue', k_ctr.renewal, 'money', '{ctr}'),
    (5, 30, 'ARR at period start (customers at period start)', k_ctr.arr_start, 'money', '{ctr}'),
    (5, 31, 'ARR expansion (customers at period start)', k_ctr.arr_expansion, 'money', '{ctr}'),
    (5, 32, 'ARR contraction (customers at period start)', k_ctr.arr_contraction, 'money', '{ctr}'),
    (5, 33, 'ARR churned (customers at period start)', k_ctr.arr_churn, 'money', '{ctr}'),
    (5, 34, 'ARR at period end (customers at period start)', k_ctr.arr_end, 'money', '{ctr}'),
    (5, 35, 'net revenue retention (ARR at period end / ARR at period start)',
     round(k_ctr.arr_end / nullif(k_ctr.arr_start, 0), 4), 'ratio', '{ctr}'),
    (5, 36, 'gross revenue retention (ARR kept, each customer capped at its start ARR / ARR at period start)',
     round(k_ctr.arr_kept / nullif(k_ctr.arr_start, 0), 4), 'share', '{ctr}'),
    (6, 10, 'average contract value (contracts starting in the period)', round(k_acv.acv, 2), 'money', '{ctr}'),
    (6, 11, 'target accounts that expanded (expansion revenue in the period)', k_ctr.expanded_accounts, 'accounts', '{ctr}'),
    (6, 12, 'expansion revenue', k_ctr.expansion, 'money', '{ctr}'),
    (6, 13, 'total revenue won (new-logo + renewal + expansion)', k_ctr.total, 'money', '{ctr}'),
    (6, 20, 'NPS', round(k_nps.nps::numeric, 1), 'NPS', '{nps}'))
         AS v(stage, ord, kpi, value, unit, needs)
    UNION ALL
    SELECT f.step, CASE f.stage WHEN 'target' THEN 1 WHEN 'engaged' THEN 2 WHEN 'opportunity' THEN 3
                        WHEN 'won' THEN 4 WHEN 'retained' THEN 5 ELSE 6 END, 100 + f.fstep * 2 + 0,
           'target accounts that reached ' || f.stage || ' or a later stage by period end',
           f.accounts::numeric, 'accounts', '{stg}'
    FROM k_funnel f WHERE f.fstep > 1
    UNION ALL
    SELECT f.step, CASE f.stage WHEN 'target' THEN 1 WHEN 'engaged' THEN 2 WHEN 'opportunity' THEN 3
                        WHEN 'won' THEN 4 WHEN 'retained' THEN 5 ELSE 6 END, 100 + f.fstep * 2 + 1,
           'target accounts whose furthest stage at period end is ' || f.stage,
           f.furthest::numeric, 'accounts', '{stg}'
    FROM k_funnel f
) r
WHERE r.needs <@ %10$L::text[]
ORDER BY r.step, r.stage, r.ord
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
            CASE WHEN nps IS NOT NULL THEN 'nps' END], NULL),
        CASE WHEN id_int THEN '$19::bigint[]' ELSE '$28::text[]' END,
        CASE WHEN id_int THEN '$23::bigint[]' ELSE '$29::text[]' END,
        CASE WHEN id_int THEN '' ELSE '::' || id_type::text END,
        -- a row of a target account: integer ids are looked up in a hash of
        -- the target ids (one scan, no join), others in t
        CASE WHEN id_int THEN 'account_id::bigint = ANY ($19::bigint[])' ELSE 'account_id IN (SELECT t.account_id FROM t)' END,
        -- the pass: the filter or join of the touches, the account's key, and
        -- the keys of the target accounts, of those with a win and of the
        -- opportunities ($46 to $48 for ids that are not integers)
        CASE WHEN id_int THEN ' WHERE x.account_id::bigint = ANY ($19::bigint[]) AND'
             ELSE format(' JOIN (SELECT k.id::%s AS account_id, min(k.i) AS k'
                         ' FROM unnest($28::text[]) WITH ORDINALITY AS k(id, i) GROUP BY 1) m USING (account_id) WHERE',
                         id_type) END,
        CASE WHEN id_int THEN 'x.account_id::bigint' ELSE 'm.k' END,
        CASE WHEN id_int THEN '$19::bigint[]' ELSE '$46::bigint[]' END,
        CASE WHEN id_int THEN '$37::bigint[]' ELSE '$47::bigint[]' END,
        CASE WHEN id_int THEN '$40::bigint[]' ELSE '$48::bigint[]' END);

    -- The accounts and the opportunities, each read once, here: the main
    -- statement takes the target accounts and their opportunities as
    -- parameters, so that its pass over the touches can run in parallel
    -- workers (a worker cannot read a CTE of the leader).  Ids travel as
    -- bigint, or as text when they are of another type.
    q2 := format($p$
        SELECT coalesce(array_agg(a.account_id%4$s) FILTER (WHERE a.is_target), '{}'),
               coalesce(array_agg(a.tier) FILTER (WHERE a.is_target), '{}'),
               coalesce(array_agg(a.fit) FILTER (WHERE a.is_target), '{}'),
               count(*) FILTER (WHERE a.fit >= $1),
               coalesce(array_agg(a.account_id%4$s) FILTER (WHERE NOT a.is_target), '{}')
        FROM (SELECT a.account_id, coalesce(a.is_target, false) AS is_target,
                     (%1$s)::int AS tier, (%2$s)::float8 AS fit
              FROM %3$s a WHERE a.account_id IS NOT NULL) a$p$,
        CASE WHEN has_tier THEN 'a.tier' ELSE 'NULL::int' END, fit_expr, acc,
        CASE WHEN id_int THEN '::bigint' ELSE '::text' END);
    IF id_int THEN
        EXECUTE q2 INTO t_ids, t_tiers, t_fits, tam, c_ids USING mqa_min_fit;
        c_accounts := cardinality(c_ids);
    ELSE
        EXECUTE q2 INTO t_ids_text, t_tiers, t_fits, tam, c_ids_text USING mqa_min_fit;
        c_accounts := cardinality(c_ids_text);
    END IF;
    -- (a block of its own: what the opportunities' statement gives the
    -- main statement)
    DECLARE
        -- the first win of target accounts in each step, and their
        -- opportunities created in the steps, for the pass
        w_ids bigint[];
        w_ids_text text[];
        w_at timestamptz[];
        n_ids bigint[];
        n_ids_text text[];
        n_created timestamptz[];
        n_since timestamptz[];
        n_amounts numeric[];
        -- ids that are not integers: the pass's keys of the target accounts,
        -- of those with a win and of the opportunities
        k_accounts bigint[];
        k_won bigint[];
        k_opps bigint[];
    BEGIN
        -- The opportunities created before the end of the last step, read once:
        -- those of target accounts as arrays for the main statement, and per
        -- step the counts of the other accounts' the lift rows compare them
        -- with (as known at the step's end, as for target accounts).  Also what
        -- the pass needs of the target accounts' opportunities, computed once
        -- here rather than in each parallel worker: per account with a win, its
        -- first win in each step (one element per step, NULL for none;
        -- the accounts in order, their steps in order), and the opportunities
        -- created in the steps with the start of each one's look-back window
        -- (created_at - lookback, in the session's time zone).
        q2 := format($p$
            WITH an AS (
                -- the accounts and their rows in accounts as target accounts
                -- (t_n) and as others (c_n), NULL for none
                SELECT u.account_id, nullif(count(*) FILTER (WHERE u.target), 0)::int AS t_n,
                       nullif(count(*) FILTER (WHERE NOT u.target), 0)::int AS c_n
                FROM (SELECT v%3$s AS account_id, true AS target FROM unnest($1) v
                      UNION ALL
                      SELECT v%3$s, false FROM unnest($3) v) u
                GROUP BY 1
            ), x AS MATERIALIZED (
                -- the opportunities of accounts in accounts, each once, with its
                -- account's rows as a target account (t_n) or as another (c_n)
                SELECT o.account_id, o.created_at, o.closed_at, o.amount, o.is_won, an.t_n, an.c_n
                -- (OFFSET 0: every opportunity's columns are converted before
                -- the lookup, so that a value that cannot be converted is an
                -- error whether or not its account is in accounts)
                FROM (SELECT o.account_id%3$s AS account_id, o.created_at::timestamptz AS created_at,
                             o.closed_at::timestamptz AS closed_at, o.amount::numeric AS amount, o.is_won::bool AS is_won
                      FROM %1$s o WHERE o.created_at::timestamptz < $2 OFFSET 0) o
                     JOIN an USING (account_id)
            ),
            -- the opportunities of target accounts and of the others, each as
            -- often as its account has rows in accounts (an account listed
            -- twice counts twice): once, and again for the accounts listed
            -- more than once
            tx AS (
                SELECT x.account_id, x.created_at, x.closed_at, x.amount, x.is_won FROM x WHERE x.t_n IS NOT NULL
                UNION ALL
                SELECT x.account_id, x.created_at, x.closed_at, x.amount, x.is_won
                FROM x CROSS JOIN generate_series(2, x.t_n) WHERE x.t_n > 1
            ), cx AS (
                SELECT x.account_id, x.created_at, x.closed_at, x.amount, x.is_won FROM x WHERE x.c_n IS NOT NULL
                UNION ALL
                SELECT x.account_id, x.created_at, x.closed_at, x.amount, x.is_won
                FROM x CROSS JOIN generate_series(2, x.c_n) WHERE x.c_n > 1
            ), steps AS (
                SELECT i, $4[i] AS s, $4[i + 1] AS e FROM generate_series(1, cardinality($4) - 1) i
            ), c_opp AS MATERIALIZED (
                -- per step, the other accounts (each by its rows in accounts)
                -- with an opportunity created in it, in one pass for all steps
                -- (the steps are consecutive: width_bucket finds an
                -- opportunity's step by a binary search of the bounds)
                SELECT d.i, sum(d.c_n)::bigint AS opp_accounts
                FROM (SELECT DISTINCT width_bucket(x.created_at, $4) AS i, x.account_id, x.c_n
                      FROM x WHERE x.c_n IS NOT NULL AND x.created_at >= $4[1] AND x.created_at < $4[cardinality($4)]) d
                GROUP BY d.i
            ), ck AS (
                SELECT st.i,
                       coalesce((SELECT co.opp_accounts FROM c_opp co WHERE co.i = st.i), 0) AS opp_accounts,
                       count(*) FILTER (WHERE cx.is_won) AS won,
                       count(*) FILTER (WHERE NOT cx.is_won) AS lost,
                       count(cx.amount) FILTER (WHERE cx.is_won) AS won_n,
                       avg(cx.amount) FILTER (WHERE cx.is_won)::float8 AS won_mean,
                       stddev_samp(cx.amount) FILTER (WHERE cx.is_won)::float8 AS won_sd
                FROM steps st
                     LEFT JOIN (SELECT width_bucket(o.closed_at, $4) AS i, o.created_at, o.amount, o.is_won
                                FROM cx o
                                WHERE o.closed_at >= $4[1] AND o.closed_at < $4[cardinality($4)]
                                  AND o.is_won IS NOT NULL) cx ON cx.i = st.i AND cx.created_at < st.e
                GROUP BY st.i, st.s, st.e
            ), w AS (
                -- the first win of each target account in each step, as known
                -- at its end (created before it)
                SELECT y.account_id, y.i, min(y.closed_at) AS won_at
                FROM (SELECT x.account_id, x.closed_at, x.created_at, width_bucket(x.closed_at, $4) AS i
                      FROM x WHERE x.t_n IS NOT NULL AND x.is_won
                                   AND x.closed_at >= $4[1] AND x.closed_at < $4[cardinality($4)]) y
                WHERE y.created_at < $4[y.i + 1]
                GROUP BY y.account_id, y.i
            ), wa AS (
                SELECT DISTINCT account_id FROM w
            ),
            -- the target accounts' opportunities as arrays in one scan (each
            -- array in the same order), those created in the steps filtered
            ta AS (
                SELECT coalesce(array_agg(tx.account_id%2$s), '{}') AS ids,
                       coalesce(array_agg(tx.created_at), '{}') AS created,
                       coalesce(array_agg(tx.closed_at), '{}') AS closed,
                       coalesce(array_agg(tx.amount), '{}') AS amounts,
                       coalesce(array_agg(tx.is_won), '{}') AS won,
                       coalesce(array_agg(tx.account_id%2$s) FILTER (WHERE tx.created_at >= $4[1]), '{}') AS n_ids,
                       coalesce(array_agg(tx.created_at) FILTER (WHERE tx.created_at >= $4[1]), '{}') AS n_created,
                       coalesce(array_agg(tx.created_at - $5) FILTER (WHERE tx.created_at >= $4[1]), '{}') AS n_since,
                       coalesce(array_agg(tx.amount) FILTER (WHERE tx.created_at >= $4[1]), '{}') AS n_amounts
                FROM tx
            )
            SELECT (SELECT ta.ids FROM ta), (SELECT ta.created FROM ta), (SELECT ta.closed FROM ta),
                   (SELECT ta.amounts FROM ta), (SELECT ta.won FROM ta),
                   array_agg(ck.opp_accounts ORDER BY ck.i), array_agg(ck.won ORDER BY ck.i),
                   array_agg(ck.lost ORDER BY ck.i), array_agg(ck.won_n ORDER BY ck.i),
                   array_agg(ck.won_mean ORDER BY ck.i), array_agg(ck.won_sd ORDER BY ck.i),
                   (SELECT coalesce(array_agg(wa.account_id%2$s ORDER BY wa.account_id), '{}') FROM wa),
                   -- (every account with a win and step, its win or NULL: a
                   -- grouping, not a join of wa and steps with w, whose plan
                   -- went quadratic when w was estimated small)
                   (SELECT coalesce(array_agg(z.won_at ORDER BY z.account_id, z.i), '{}')
                    FROM (SELECT u.account_id, u.i, max(u.won_at) AS won_at
                          FROM (SELECT w.account_id, w.i, w.won_at FROM w
                                UNION ALL
                                SELECT a.account_id, st.i, NULL FROM wa a CROSS JOIN steps st) u
                          GROUP BY u.account_id, u.i) z),
                   (SELECT ta.n_ids FROM ta), (SELECT ta.n_created FROM ta), (SELECT ta.n_since FROM ta),
                   (SELECT ta.n_amounts FROM ta)
            FROM ck$p$, opp_src,
            CASE WHEN id_int THEN '::bigint' ELSE '::text' END,
            CASE WHEN id_int THEN '' ELSE '::' || id_type::text END);
        IF id_int THEN
            EXECUTE q2 INTO o_accounts, o_created, o_closed, o_amounts, o_won,
                            c_opp_accounts, c_won, c_lost, c_won_n, c_won_mean, c_won_sd,
                            w_ids, w_at, n_ids, n_created, n_since, n_amounts
                USING t_ids, bounds[cardinality(bounds)], c_ids, bounds, lookback;
        ELSE
            EXECUTE q2 INTO o_accounts_text, o_created, o_closed, o_amounts, o_won,
                            c_opp_accounts, c_won, c_lost, c_won_n, c_won_mean, c_won_sd,
                            w_ids_text, w_at, n_ids_text, n_created, n_since, n_amounts
                USING t_ids_text, bounds[cardinality(bounds)], c_ids_text, bounds, lookback;
        END IF;
        -- Ids that are not integers: the pass looks accounts up by a key, the
        -- position of the account's first row in the target ids (each array
        -- of ids keeps its order and length: they are all target accounts).
        IF NOT id_int THEN
            EXECUTE format($k$
                WITH m AS (SELECT k.id::%1$s AS id, min(k.i) AS k
                           FROM unnest($1::text[]) WITH ORDINALITY AS k(id, i) GROUP BY 1)
                SELECT ARRAY(SELECT m.k FROM unnest($1::text[]) WITH ORDINALITY AS u(id, i)
                             JOIN m ON m.id = u.id::%1$s ORDER BY u.i),
                       ARRAY(SELECT m.k FROM unnest($2::text[]) WITH ORDINALITY AS u(id, i)
                             JOIN m ON m.id = u.id::%1$s ORDER BY u.i),
                       ARRAY(SELECT m.k FROM unnest($3::text[]) WITH ORDINALITY AS u(id, i)
                             JOIN m ON m.id = u.id::%1$s ORDER BY u.i)$k$, id_type)
                INTO k_accounts, k_won, k_opps USING t_ids_text, w_ids_text, n_ids_text;
        END IF;
        -- the window starts, in the session's time zone as timestamptz - interval
        -- computes them (the aggregate takes them ready, so it is immutable)
        vt_since := ARRAY(SELECT b - view_through_window
                          FROM unnest(bounds[1:cardinality(bounds) - 1]) WITH ORDINALITY u(b, i) ORDER BY i);
        surge_since := ARRAY(SELECT b - surge_recent - surge_baseline
                             FROM unnest(bounds[2:cardinality(bounds)]) WITH ORDINALITY u(b, i) ORDER BY i);
        RETURN QUERY EXECUTE q
            USING bounds[1], bounds[cardinality(bounds)], half_life, engaged_min_score, lookback, revenue_goal,
                  mqa_min_score, mqa_min_contacts, mqa_min_fit, grace, engaged_activities, committee_size,
                  view_through_window, surge_recent, surge_baseline, bounds, vt_since, surge_since,
                  t_ids, t_tiers, t_fits, tam, o_accounts, o_created, o_closed, o_amounts, o_won,
                  t_ids_text, o_accounts_text,
                  c_accounts, c_opp_accounts, c_won, c_lost, c_won_n, c_won_mean, c_won_sd,
                  w_ids, w_ids_text, w_at, n_ids, n_ids_text, n_created, n_since, n_amounts,
                  bound_dates,
                  k_accounts, k_won, k_opps;
    END;
END
$report$;

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
    -- How the report is computed.  abm_report checks the period;
    -- abm_report_steps, which the trend form abm_report_series shares,
    -- checks the other arguments (once, for both forms), resolves the
    -- optional relations and columns (a NOTICE names what is left out) and
    -- runs one SQL statement for the single step [period_start, period_end):
    --   * accounts, opportunities, contacts, stages, contracts and NPS
    --     responses are each read by one scan;
    --   * touches are read by one scan too, grouped by account, through the
    --     aggregate abm_report_touches, which computes in one pass what the
    --     engagement, intent, view-through, spend, deal-cycle and influence
    --     KPIs need of each account (src/report_touches.c);
    --   * each KPI of docs/kpis.md is then a sum, count or average over the
    --     per-account rows, or over the rows of the smaller relations.
    -- It is one statement, so it sees one snapshot of every relation.
    -- For a trend, abm_report_series gives the same statement every step
    -- of its period at once: each relation is still read once, and the
    -- touches aggregate keeps one set of accumulators per step, so twelve
    -- monthly steps cost far less than twelve reports
    -- (docs/performance.md).  Each step of the trend equals abm_report of
    -- that step, since both run this statement.
BEGIN
    IF period_start IS NULL OR period_end IS NULL OR period_start >= period_end
       OR NOT isfinite(period_start) OR NOT isfinite(period_end) THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'abm_report needs a finite period with period_start < period_end',
            DETAIL = format('period_start = %s, period_end = %s.',
                            coalesce(period_start::text, 'NULL'), coalesce(period_end::text, 'NULL')),
            HINT = 'Pass period_start => ''2025-01-01'', period_end => ''2026-01-01''.';
    END IF;
    RETURN QUERY
    SELECT r.stage, r.kpi, r.value, r.unit
    FROM @extschema@.abm_report_steps(accounts, touches, opportunities, contacts, stages, contracts, nps_responses,
        ARRAY[period_start, period_end], half_life, engaged_min_score, lookback, revenue_goal, icp_profile,
        mqa_min_score, mqa_min_contacts, mqa_min_fit, grace, engaged_activities,
        committee_size, view_through_window, surge_recent, surge_baseline) r;
END
$report$;

-- The trend form: the report of each step [t, t + step) from period_start
-- up to period_end (the last step ends at period_end), one row per step and
-- KPI, each step as it was known at its own end, all steps in one
-- statement (abm_report_steps).
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
    b timestamptz[];
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
    b := ARRAY[period_start];
    WHILE s < period_end LOOP
        IF cardinality(b) > 1000 THEN
            RAISE EXCEPTION USING ERRCODE = '54000',
                MESSAGE = 'abm_report_series computes at most 1000 steps',
                DETAIL = format('period_start = %s, period_end = %s, step = %s.', period_start, period_end, step),
                HINT = 'Use a longer step or a shorter period.';
        END IF;
        e := least(s + step, period_end);
        IF e <= s THEN
            RAISE EXCEPTION USING ERRCODE = '22023',
                MESSAGE = 'step must move each step''s end past its start',
                DETAIL = format('step = %s gives a step from %s to %s.', step, s, e),
                HINT = 'Pass an interval such as ''1 month''.';
        END IF;
        b := b || e;
        s := e;
    END LOOP;
    RETURN QUERY
    SELECT b[r.step], b[r.step + 1], r.stage, r.kpi, r.value, r.unit
    FROM @extschema@.abm_report_steps(accounts, touches, opportunities, contacts, stages, contracts, nps_responses,
        b, half_life, engaged_min_score, lookback, revenue_goal, icp_profile,
        mqa_min_score, mqa_min_contacts, mqa_min_fit, grace, engaged_activities,
        committee_size, view_through_window, surge_recent, surge_baseline) r;
END
$series$;

COMMENT ON FUNCTION abm_report_has_column(regclass, name, text) IS 'support: whether a relation given to abm_report has a column (NOTICE when not)';
COMMENT ON FUNCTION abm_report_p_value(float8) IS 'support: a p-value of the report rounded to 4 significant digits';
COMMENT ON FUNCTION abm_report_relation(regclass, name[], text) IS 'support: the relation given to abm_report, or NULL (NOTICE) when it lacks a required column';
COMMENT ON FUNCTION abm_report_steps(regclass, regclass, regclass, regclass, regclass, regclass, regclass, timestamptz[], interval, float8, interval, numeric, jsonb, float8, int, float8, interval, text[], float8, interval, interval, interval)
    IS 'support: the report of every step between consecutive bounds, in one statement (abm_report and abm_report_series call it)';
COMMENT ON FUNCTION abm_report(regclass, regclass, regclass, regclass, regclass, regclass, regclass, timestamptz, timestamptz, interval, float8, interval, numeric, jsonb, float8, int, float8, interval, text[], float8, interval, interval, interval)
    IS 'the six-stage ABM report: one row per KPI of the target accounts for a period, as known at its end (stage, kpi, value, unit; docs/kpis.md)';
COMMENT ON FUNCTION abm_report_series(regclass, regclass, regclass, regclass, regclass, regclass, regclass, timestamptz, timestamptz, interval, interval, float8, interval, numeric, jsonb, float8, int, float8, interval, text[], float8, interval, interval, interval)
    IS 'the trend form of abm_report: one row per step (default one month) and KPI, each step as known at its end';
