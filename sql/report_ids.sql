-- abm_report over account ids that are not bigint.  The report joins every
-- relation to accounts by account_id: ids of an integer type travel as
-- bigint, ids of any other type (text, uuid) as text, cast back to their
-- type.  The same data with its account ids recoded one to one must give
-- the same rows.  Contact ids must be of an integer type, and the account
-- ids of every relation of one type: otherwise 42804 with a message that
-- names the column.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SELECT count(*) > 0 AS loaded FROM abm_demo_load(0.002, 7, 'rid');
RESET client_min_messages;

-- The relations again, with the account ids recoded: as text, as uuid (an
-- md5 of the id, one to one on these ids), as integer.
CREATE SCHEMA rid_text;
CREATE SCHEMA rid_uuid;
CREATE SCHEMA rid_int;
CREATE FUNCTION pg_temp.views(s name, recode text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r name;
BEGIN
    FOREACH r IN ARRAY ARRAY['accounts', 'contacts', 'touches', 'stages', 'opportunities', 'contracts',
                             'nps_responses']::name[] LOOP
        EXECUTE format('CREATE VIEW %I.%I AS SELECT %s FROM rid.%I x', s, r,
                       (SELECT string_agg(CASE WHEN a.attname = 'account_id'
                                               THEN format(recode, 'x.account_id') || ' AS account_id'
                                               ELSE 'x.' || quote_ident(a.attname) END, ', ' ORDER BY a.attnum)
                        FROM pg_attribute a
                        WHERE a.attrelid = format('rid.%I', r)::regclass AND a.attnum > 0 AND NOT a.attisdropped),
                       r);
    END LOOP;
END $$;
SELECT pg_temp.views('rid_text', $$'acct-' || %s$$),
       pg_temp.views('rid_uuid', $$md5(%s::text)::uuid$$),
       pg_temp.views('rid_int', $$%s::int$$);
SELECT pg_typeof(account_id) FROM rid_uuid.accounts LIMIT 1;

CREATE FUNCTION pg_temp.report(s name) RETURNS TABLE(stage int, kpi text, value numeric, unit text)
LANGUAGE sql AS $$
    SELECT * FROM abm_report(format('%I.accounts', s)::regclass, format('%I.touches', s)::regclass,
                             format('%I.opportunities', s)::regclass, format('%I.contacts', s)::regclass,
                             format('%I.stages', s)::regclass, format('%I.contracts', s)::regclass,
                             format('%I.nps_responses', s)::regclass,
                             period_start => '2025-01-01', period_end => '2025-07-01',
                             icp_profile => '{"criteria": [{"attribute": "industry", "in": ["software", "fintech"]}]}')
$$;
CREATE TABLE rid_base AS SELECT * FROM pg_temp.report('rid');
-- the rows exercise the ids: accounts engaged, opportunities, customers, a committee
SELECT count(*) AS rows,
       bool_and(value > 0) FILTER (WHERE kpi IN ('target accounts engaged in the period',
                                                'opportunities created in the period',
                                                'customers at period end',
                                                'marketing influence, share of opportunities created in the period',
                                                'buying-committee size (known contacts), average of target accounts with contacts'))
           AS the_ids_matter
FROM rid_base;
SELECT s AS ids, count(*) AS rows,
       count(*) FILTER (WHERE (b.kpi, b.value) IS DISTINCT FROM (r.kpi, r.value)) AS differing
FROM unnest(ARRAY['rid_text', 'rid_uuid', 'rid_int']::name[]) s,
     LATERAL (SELECT row_number() OVER (ORDER BY stage, kpi) AS n, * FROM pg_temp.report(s)) r
     FULL JOIN (SELECT row_number() OVER (ORDER BY stage, kpi) AS n, * FROM rid_base) b USING (n)
GROUP BY s ORDER BY s;

-- The trend form over text ids equals it over bigint ids, step by step.
SET client_min_messages = warning;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE (a.value, a.unit) IS DISTINCT FROM (b.value, b.unit)) AS differing
FROM abm_report_series('rid_text.accounts', 'rid_text.touches', 'rid_text.opportunities',
                       period_start => '2025-01-01', period_end => '2025-04-01') a
     FULL JOIN abm_report_series('rid.accounts', 'rid.touches', 'rid.opportunities',
                                 period_start => '2025-01-01', period_end => '2025-04-01') b
     USING (step_start, stage, kpi);

-- The errors: SQLSTATE, message and detail.
CREATE FUNCTION pg_temp.error_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    m text;
    d text;
BEGIN
    EXECUTE q;
    RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL;
    RETURN SQLSTATE || ': ' || m || ' / ' || d;
END $$;
-- contact ids of another type
CREATE VIEW rid_text.touches_text_contacts AS
SELECT account_id, 'c' || contact_id AS contact_id, occurred_at, activity, cost FROM rid_text.touches;
SELECT pg_temp.error_of($$SELECT count(*) FROM abm_report('rid_text.accounts', 'rid_text.touches_text_contacts',
                                period_start => '2025-01-01', period_end => '2025-07-01')$$);
-- account ids of two types
SELECT pg_temp.error_of($$SELECT count(*) FROM abm_report('rid.accounts', 'rid_text.touches',
                                period_start => '2025-01-01', period_end => '2025-07-01')$$);
SELECT pg_temp.error_of($$SELECT count(*) FROM abm_report('rid_uuid.accounts', 'rid_uuid.touches', 'rid_text.opportunities',
                                period_start => '2025-01-01', period_end => '2025-07-01')$$);
-- integer types of any width mix, and so do text and varchar
CREATE VIEW rid_text.accounts_varchar AS SELECT account_id::varchar AS account_id, is_target FROM rid_text.accounts;
SELECT pg_temp.error_of($$SELECT count(*) FROM abm_report('rid_text.accounts_varchar', 'rid_text.touches',
                                period_start => '2025-01-01', period_end => '2025-07-01')$$);
SELECT pg_temp.error_of($$SELECT count(*) FROM abm_report('rid_int.accounts', 'rid.touches',
                                period_start => '2025-01-01', period_end => '2025-07-01')$$);

DROP SCHEMA rid_text, rid_uuid, rid_int, rid CASCADE;
