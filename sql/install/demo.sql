-- Sample data: a deterministic generator of realistic B2B data in the
-- conventional relations that abm_report reads (docs/cookbook.md), four years
-- of it (2022-2025).  The same generator feeds the demo, the tests and the
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
-- Streams: accounts 1-12, contacts 20-21, opportunities 30-36, touches 40-49,
-- contracts 50-58, stages 60, NPS 70-74.

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

CREATE FUNCTION abm_demo_load(scale float8 DEFAULT 0.01, seed bigint DEFAULT 1, target_schema name DEFAULT 'abm_demo',
                              uplift bool DEFAULT true)
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
    IF uplift IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'uplift must not be null',
            DETAIL = 'uplift = NULL.',
            HINT = 'Pass true (target accounts convert better) or false (no difference).';
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

    -- The data spans four years, 2022-01-01 .. 2026-01-01 (epoch 1640995200 ..
    -- 1767225600), so every period of 2025 has history before it: earlier
    -- touches, customers and contracts up for renewal.

    -- Every account arrives (is first reached by marketing) at a time drawn
    -- from 2022-01-01 .. 2025-05-27 (stream 13: 1640995200 + 107295840 u,
    -- the expression marked ABM_DEMO_ARRIVAL below); its touches and
    -- opportunities come after that.
    --
    -- Opportunities: about 2 per account.  Targets are likelier to have any
    -- (40 % of non-targets, 60/70/85 % of tiers 3/2/1) and have more; with
    -- uplift => false a target is drawn like a non-target (same chances,
    -- same win rate), the control case of a programme that changed nothing.
    -- The first comes 60..300 days after the account's arrival (skewed
    -- short), later ones between it and 2025-12-15 (1765756800); none after
    -- that.  Cycles 30..180 days, skewed short; closed only if the cycle
    -- ends by 2026-01-01, else open.  Win probability and deal size rise
    -- with the tier.
    EXECUTE format($sql$
        INSERT INTO %1$I.opportunities
        WITH plan AS (
            SELECT a.account_id, a.tier, CASE WHEN $2 THEN a.tier END AS drawn_tier,
                   -- the account's arrival (ABM_DEMO_ARRIVAL), then its first opportunity 60..300 days later
                   1640995200 + floor(107295840 * @extschema@.abm_demo_uniform($1, 13, a.account_id))::bigint
                   + floor(86400 * (60 + 240 * @extschema@.abm_demo_uniform($1, 32, a.account_id) ^ 2))::bigint
                       AS first_at
            FROM %1$I.accounts a
        ), counted AS (
            SELECT p.*,
                   CASE WHEN @extschema@.abm_demo_uniform($1, 30, p.account_id)
                             < CASE p.drawn_tier WHEN 1 THEN 0.85 WHEN 2 THEN 0.70 WHEN 3 THEN 0.60 ELSE 0.40 END
                        THEN 1 + floor(@extschema@.abm_demo_uniform($1, 31, p.account_id)
                                       * CASE p.drawn_tier WHEN 1 THEN 12 WHEN 2 THEN 10 WHEN 3 THEN 9 ELSE 6 END)::bigint
                        ELSE 0 END AS n
            FROM plan p
        ), numbered AS (
            SELECT c.*, (sum(c.n) OVER (ORDER BY c.account_id) - c.n)::bigint AS before
            FROM counted c
            WHERE c.n > 0
        ), timed AS (
            SELECT o.opportunity_id, p.account_id, p.tier, p.drawn_tier, d.*,
                   CASE WHEN o.k = 1 THEN p.first_at
                        ELSE p.first_at + floor(greatest(1765756800 - p.first_at, 0) * d.u_created)::bigint END AS created,
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
                    THEN u_won < CASE drawn_tier WHEN 1 THEN 0.35 WHEN 2 THEN 0.30 WHEN 3 THEN 0.25 ELSE 0.20 END
               END
        FROM timed
        WHERE created <= 1765756800
        $sql$, target_schema) USING seed, uplift;
    GET DIAGNOSTICS n = ROW_COUNT;
    counts := counts || jsonb_build_object('opportunities', n);

    -- Touches: exactly 100 per account on average, from its arrival on.  An
    -- account's share grows with its tier, by half if it has an opportunity,
    -- and with a heavy-tailed engagement level (4 u^3: many barely touched
    -- accounts, a few very active ones).  Account k gets the touch ids
    -- (T * cum(k-1) / S, T * cum(k) / S], cum being the running sum of the
    -- shares and S their total, so the total is exactly T and the ids are
    -- contiguous per account.  The first 45 % of an account's touches are
    -- single activities; the rest are ad impressions served in bursts of
    -- 8..32 on one day (the density of a live ad programme on an engaged
    -- day).  For an account with opportunities half of the activities and
    -- bursts fall in the 90 days before one of them, denser closer to it and
    -- richer in high-intent activities: the surge an ABM team watches for.
    EXECUTE format($sql$
        INSERT INTO %1$I.touches
        WITH contact_range AS (
            SELECT account_id, min(contact_id) AS first_contact, count(*) AS contacts
            FROM %1$I.contacts
            GROUP BY account_id
        ), opportunity_times AS (
            SELECT account_id,
                   array_agg(extract(epoch FROM created_at)::bigint ORDER BY created_at, opportunity_id) AS at
            FROM %1$I.opportunities
            GROUP BY account_id
        ), share AS (
            SELECT a.account_id, c.first_contact, c.contacts, f.at AS opportunity_at,
                   -- ABM_DEMO_ARRIVAL
                   1640995200 + floor(107295840 * @extschema@.abm_demo_uniform($1, 13, a.account_id))::bigint AS arrival,
                   1 + round(1000 * CASE a.tier WHEN 1 THEN 3.5 WHEN 2 THEN 2.2 WHEN 3 THEN 1.6 ELSE 0.7 END
                                  * CASE WHEN f.at IS NULL THEN 1 ELSE 1.5 END
                                  * 4 * @extschema@.abm_demo_uniform($1, 40, a.account_id) ^ 3)::bigint AS x
            FROM %1$I.accounts a
            JOIN contact_range c USING (account_id)
            LEFT JOIN opportunity_times f USING (account_id)
        ), plan AS (
            SELECT s.*,
                   div($2 * (sum(s.x) OVER w - s.x), sum(s.x) OVER ())::bigint AS before,
                   div($2 * sum(s.x) OVER w, sum(s.x) OVER ())::bigint AS last,
                   8 + floor(25 * @extschema@.abm_demo_uniform($1, 47, s.account_id))::bigint AS burst
            FROM share s
            WINDOW w AS (ORDER BY s.account_id)
        ), sized AS (
            SELECT p.*, ceil(0.45 * (p.last - p.before))::bigint AS singles FROM plan p
        )
        SELECT p.account_id,
               CASE WHEN NOT k.anonymous THEN p.first_contact + floor(p.contacts * d.u_contact ^ 1.5)::bigint END,
               to_timestamp(k.at), k.activity, k.channel,
               to_char(to_timestamp(k.at) AT TIME ZONE 'UTC', 'YYYY-"Q"Q ')
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
        FROM sized p
        CROSS JOIN LATERAL generate_series(p.before + 1, p.last) AS t(i)
        CROSS JOIN LATERAL (
            -- an activity is drawn by its touch id, an impression by its burst
            SELECT t.i - p.before - 1 >= p.singles AS impression,
                   CASE WHEN t.i - p.before - 1 >= p.singles
                        THEN -(p.account_id * 1000000 + (t.i - p.before - 1 - p.singles) / p.burst)
                        ELSE t.i END AS key
            OFFSET 0) b
        CROSS JOIN LATERAL (
            SELECT p.opportunity_at IS NOT NULL
                       AND @extschema@.abm_demo_uniform($1, 41, b.key) < 0.5 AS in_window,
                   @extschema@.abm_demo_uniform($1, 42, b.key) AS u_time,
                   @extschema@.abm_demo_uniform($1, 48, b.key) AS u_pick,
                   @extschema@.abm_demo_uniform($1, 43, t.i) AS u_activity,
                   @extschema@.abm_demo_uniform($1, 44, t.i) AS u_channel,
                   @extschema@.abm_demo_uniform($1, 45, t.i) AS u_anonymous,
                   @extschema@.abm_demo_uniform($1, 46, t.i) AS u_contact,
                   @extschema@.abm_demo_uniform($1, 49, t.i) AS u_second
            OFFSET 0) d
        CROSS JOIN LATERAL (
            SELECT CASE WHEN d.in_window
                        -- 90 days (or back to the arrival) before one of the opportunities, u^2 puts most near it
                        THEN w.opp - 1 - floor((least(7776000, w.opp - p.arrival) - 1) * d.u_time ^ 2)::bigint
                        ELSE p.arrival + floor((1767225600 - p.arrival) * d.u_time)::bigint END AS at_raw,
                   -- activities ordered by intent; before an opportunity the draw is pushed upwards
                   CASE WHEN d.in_window THEN 1 - (1 - d.u_activity) ^ 1.3 ELSE d.u_activity END AS u
            FROM (SELECT p.opportunity_at[1 + floor(d.u_pick * coalesce(cardinality(p.opportunity_at), 1))::int] AS opp) w
            OFFSET 0) w
        CROSS JOIN LATERAL (
            -- an impression: its burst's day, any second of it
            SELECT CASE WHEN b.impression THEN w.at_raw - w.at_raw %% 86400 + floor(86400 * d.u_second)::bigint
                        ELSE w.at_raw END AS at
            OFFSET 0) m
        CROSS JOIN LATERAL (
            SELECT m.at, a.activity,
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
            FROM (SELECT CASE WHEN b.impression THEN 'ad_impression'
                              WHEN w.u < 0.300 THEN 'email_open'
                              WHEN w.u < 0.520 THEN 'web_visit'
                              WHEN w.u < 0.570 THEN 'ad_click'
                              WHEN w.u < 0.620 THEN 'email_click'
                              WHEN w.u < 0.710 THEN 'high_value_page_visit'
                              WHEN w.u < 0.790 THEN 'content_download'
                              WHEN w.u < 0.835 THEN 'webinar_attended'
                              WHEN w.u < 0.880 THEN 'chat'
                              WHEN w.u < 0.950 THEN 'form_fill'
                              WHEN w.u < 0.975 THEN 'event_attended'
                              ELSE 'meeting_booked' END AS activity
                  OFFSET 0) a
            OFFSET 0) k
        $sql$, target_schema) USING seed, 100 * n_accounts;
    GET DIAGNOSTICS n = ROW_COUNT;
    counts := counts || jsonb_build_object('touches', n);

    -- Contracts.  Every won opportunity starts a 'new' contract on its close
    -- date for its amount (also when the account is already a customer: the
    -- report classifies revenue by who paid, not by this label).  Terms vary:
    -- 1 year (55 %), 2 years (25 %), 3 years (10 %) or half a year (10 %).
    -- A contract ending by 2026-01-01 is renewed (85 %; 78 % for
    -- non-targets and without uplift) or not, later ones are undecided
    -- (NULL).  A renewal starts on the end day (80 %), 1..25 days late
    -- (15 %, within a 30-day grace) or 35..60 days late (5 %, a lapse), for
    -- the same term (70 %) or a year, at 0.9..1.3 times the previous annual
    -- value; renewals renew in turn.  A fifth of the contracts of a year or
    -- more get an 'expansion' co-terminous with them, starting 120..240
    -- days in, at 20..50 % of their value over the remaining days.  Only
    -- contracts starting before 2026-01-01 are kept.  Draws are keyed by
    -- opportunity and renewal generation.
    EXECUTE format($sql$
        INSERT INTO %1$I.contracts
        WITH RECURSIVE chain AS (
            SELECT o.opportunity_id * 16 AS key, o.account_id, 0 AS gen,
                   (o.closed_at AT TIME ZONE 'UTC')::date AS starts_on,
                   CASE WHEN u.t < 0.55 THEN 365 WHEN u.t < 0.80 THEN 730 WHEN u.t < 0.90 THEN 1095 ELSE 182 END AS days,
                   o.amount::numeric AS amount, 'new'::text AS kind, a.is_target AND $2 AS favoured
            FROM %1$I.opportunities o
            JOIN %1$I.accounts a USING (account_id)
            CROSS JOIN LATERAL (SELECT @extschema@.abm_demo_uniform($1, 50, o.opportunity_id) AS t OFFSET 0) u
            WHERE o.is_won
            UNION ALL
            SELECT c.key + 1, c.account_id, c.gen + 1,
                   c.starts_on + c.days + CASE WHEN r.delay < 0.80 THEN 0
                                               WHEN r.delay < 0.95 THEN 1 + floor(25 * r.v)::int
                                               ELSE 35 + floor(26 * r.v)::int END,
                   CASE WHEN r.term < 0.7 THEN c.days ELSE 365 END,
                   round(c.amount / c.days * CASE WHEN r.term < 0.7 THEN c.days ELSE 365 END
                         * (0.9 + 0.4 * r.price)::numeric, 2),
                   'renewal', c.favoured
            FROM chain c
            CROSS JOIN LATERAL (SELECT @extschema@.abm_demo_uniform($1, 51, c.key) AS renew,
                                       @extschema@.abm_demo_uniform($1, 52, c.key) AS delay,
                                       @extschema@.abm_demo_uniform($1, 53, c.key) AS v,
                                       @extschema@.abm_demo_uniform($1, 54, c.key) AS term,
                                       @extschema@.abm_demo_uniform($1, 55, c.key) AS price
                                OFFSET 0) r
            WHERE c.gen < 15 AND c.starts_on + c.days <= date '2026-01-01'
              AND r.renew < CASE WHEN c.favoured THEN 0.85 ELSE 0.78 END
        ), decided AS (
            SELECT c.*, c.starts_on + c.days AS ends_on,
                   CASE WHEN c.starts_on + c.days <= date '2026-01-01'
                        THEN EXISTS (SELECT 1 FROM chain n WHERE n.key = c.key + 1) END AS renewed
            FROM chain c
        )
        SELECT account_id, starts_on, ends_on, amount, kind, renewed
        FROM decided
        WHERE starts_on < date '2026-01-01'
        UNION ALL
        SELECT d.account_id, d.starts_on + x.offset_days, d.ends_on,
               round(d.amount * (d.days - x.offset_days) / d.days * (0.2 + 0.3 * x.share)::numeric, 2),
               'expansion', NULL
        FROM decided d
        CROSS JOIN LATERAL (SELECT 120 + floor(121 * @extschema@.abm_demo_uniform($1, 56, d.key))::int AS offset_days,
                                   @extschema@.abm_demo_uniform($1, 57, d.key) AS share,
                                   @extschema@.abm_demo_uniform($1, 58, d.key) AS expands
                            OFFSET 0) x
        WHERE d.days >= 365 AND x.expands < 0.2 AND d.starts_on + x.offset_days < date '2026-01-01'
        $sql$, target_schema) USING seed, uplift;
    GET DIAGNOSTICS n = ROW_COUNT;
    counts := counts || jsonb_build_object('contracts', n);

    -- Stages: the account journey, derived from the rows above.  'target'
    -- when it was named a target (shortly before its arrival), 'engaged' at its third touch
    -- other than an ad impression, 'opportunity' at its first opportunity,
    -- 'won' when its first contract starts, 'retained' at its first
    -- renewal, 'expanded' when a contract other than a renewal starts after
    -- its first one (an expansion or another purchase).
    EXECUTE format($sql$
        INSERT INTO %1$I.stages
        SELECT account_id, 'target',
               -- named a target up to 60 days before its arrival (ABM_DEMO_ARRIVAL)
               to_timestamp(1640995200 + floor(107295840 * @extschema@.abm_demo_uniform($1, 13, account_id))
                            - floor(5184000 * @extschema@.abm_demo_uniform($1, 60, account_id)))
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
        SELECT account_id, 'won', min(starts_on)::timestamp AT TIME ZONE 'UTC'
        FROM %1$I.contracts
        GROUP BY account_id
        UNION ALL
        SELECT account_id, 'retained', min(starts_on)::timestamp AT TIME ZONE 'UTC'
        FROM %1$I.contracts
        WHERE kind = 'renewal'
        GROUP BY account_id
        UNION ALL
        SELECT c.account_id, 'expanded', min(c.starts_on)::timestamp AT TIME ZONE 'UTC'
        FROM %1$I.contracts c
        JOIN (SELECT account_id, min(starts_on) AS first_start FROM %1$I.contracts GROUP BY account_id) f
          USING (account_id)
        WHERE c.kind <> 'renewal' AND c.starts_on > f.first_start
        GROUP BY c.account_id
        $sql$, target_schema) USING seed;
    GET DIAGNOSTICS n = ROW_COUNT;
    counts := counts || jsonb_build_object('stages', n);

    -- NPS: 0..5 responses per customer account, by its contacts, while it
    -- is a customer (up to 2026-01-01); 45 % promoters (9-10), 30 %
    -- passives (7-8), 25 % detractors (0-6, mostly 5-6).
    EXECUTE format($sql$
        INSERT INTO %1$I.nps_responses
        WITH customer AS (
            SELECT account_id,
                   extract(epoch FROM min(starts_on)::timestamp)::bigint AS from_at,
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
        CROSS JOIN LATERAL (SELECT 8 * c.account_id + k AS key
                            FROM generate_series(1, floor(6 * @extschema@.abm_demo_uniform($1, 70, c.account_id))::int) AS k) x
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

COMMENT ON FUNCTION abm_demo_load(float8, bigint, name, bool) IS 'creates (drops and re-creates) the sample data set in schema target_schema: accounts, contacts, touches, stages, opportunities, contracts and nps_responses of 2022-2025, deterministic for a given scale and seed (scale 1 = 100 000 accounts, 10 000 000 touches); uplift => false draws target accounts like the others (no programme effect); returns each table with its row count';
