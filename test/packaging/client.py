#!/usr/bin/python3
"""Suite "client": the extension as a BI tool sees it over plain libpq.

With Debian's python3-psycopg2, against a database where abm is installed
(and, for the samples that read it, the demo data in schema abm_demo):

- discovers every public abm_ function and type from the catalog
  (test/packaging/public.sql says which functions count as internal support);
- calls every public function through its sample query in SAMPLES below; a
  function without a sample fails, so a new function cannot be forgotten;
- reads each result in text format with psycopg2's own type casters and
  checks the column types are the function's result types;
- reads the same rows in binary format (COPY ... TO STDOUT (FORMAT binary),
  which calls every column type's send function), parses the stream
  (signature, flags, field counts, lengths, trailer), decodes records and
  arrays recursively and the common scalar types, and compares the decoded
  values with the text ones;
- feeds the binary stream back (COPY ... FROM STDIN (FORMAT binary), which
  calls every receive function) and checks the rows read back equal the
  originals;
- checks every column of an abm type (or an array of one) round-trips
  through text: value::text::type::text = value::text, and
  value::text::type = value where the type has an = operator;
- checks every public abm type is the result type of some sample or has a
  sample of its own in TYPE_SAMPLES.

Connection from the libpq environment (PGHOST, PGPORT, PGDATABASE, ...).
Last line: "SUITE client: N passed, M failed".
"""

import datetime
import decimal
import io
import json
import math
import os
import struct
import sys

import psycopg2

# Per-account engagement states of the demo touches, for the samples of the
# functions that read an abm_engagement.
ENGAGEMENT = ("(SELECT account_id, abm_engagement_agg(activity, occurred_at, contact_id, interval '30 days') AS e"
              " FROM abm_demo.touches GROUP BY account_id) eng")

# Per-account journeys of the demo stage history, for the samples of the
# functions that read an abm_journey.
JOURNEYS = "(SELECT account_id, abm_journey(stage, entered_at) AS j FROM abm_demo.stages GROUP BY account_id) jour"

# Touches of each opportunity's account up to its creation, for the samples of
# the attribution functions.
OPPORTUNITY_TOUCHES = ("abm_demo.opportunities o JOIN abm_demo.touches t USING (account_id)"
                       " WHERE t.occurred_at <= o.created_at")

# Each account's journey (its touch channels in time order) and whether it
# won a deal, for the samples of the data-driven attribution functions.
JOURNEY_PATHS = ("(SELECT t.account_id, array_agg(t.channel ORDER BY t.occurred_at) AS path,"
                 " EXISTS (SELECT FROM abm_demo.opportunities o WHERE o.account_id = t.account_id AND o.is_won) AS converted"
                 " FROM abm_demo.touches t GROUP BY t.account_id) jrn")

# One sample query per public function, keyed by its identity as regprocedure
# prints it.  Adding a function is one line here.  The query must call that
# function (checked), return at least one row, and may read abm_demo.
SAMPLES = {
    'abm_activity_weight(text)':
        "SELECT activity, abm_activity_weight(activity) FROM abm_demo.touches GROUP BY activity",
    'abm_mva(numeric,numeric,double precision,double precision)':
        "SELECT abm_mva(1000000, 25000, 0.25, 0.5)",
    'abm_nps(integer)':
        "SELECT a.tier, abm_nps(n.score) FROM abm_demo.nps_responses n JOIN abm_demo.accounts a USING (account_id) GROUP BY a.tier",
    'abm_rate(boolean)':
        "SELECT abm_rate(is_target) FROM abm_demo.accounts",
    'abm_retention_rate(bigint,bigint,bigint)':
        "SELECT abm_retention_rate(200, 210, 30)",
    'abm_tier(boolean,boolean,boolean,boolean)':
        "SELECT abm_tier(true, true, false, true)",
    'abm_tier(double precision,double precision,double precision)':
        "SELECT abm_tier(0.7, 0.8, 0.5)",
    'abm_win_rate(boolean)':
        "SELECT abm_win_rate(is_won) FROM abm_demo.opportunities",
    'abm_report(regclass,regclass,regclass,regclass,regclass,regclass,regclass,timestamp with time zone,timestamp with time zone,interval,double precision,interval,numeric,jsonb,double precision,integer,double precision,interval,text[],double precision,interval,interval,interval)':
        "SELECT * FROM abm_report('abm_demo.accounts', 'abm_demo.touches', 'abm_demo.opportunities', 'abm_demo.contacts', 'abm_demo.stages', 'abm_demo.contracts', 'abm_demo.nps_responses', '2025-01-01', '2026-01-01')",
    'abm_demo_load(double precision,bigint,name,boolean)':
        "SELECT * FROM abm_demo_load(0.001, 7, 'abm_client_probe')",
    'abm_report_series(regclass,regclass,regclass,regclass,regclass,regclass,regclass,timestamp with time zone,timestamp with time zone,interval,interval,double precision,interval,numeric,jsonb,double precision,integer,double precision,interval,text[],double precision,interval,interval,interval)':
        "SELECT * FROM abm_report_series('abm_demo.accounts', 'abm_demo.touches', 'abm_demo.opportunities', 'abm_demo.contacts', 'abm_demo.stages', 'abm_demo.contracts', 'abm_demo.nps_responses', '2025-01-01', '2025-04-01', '1 month')",
    # engagement and intent surge (issue 3)
    'abm_engagement_score(double precision,timestamp with time zone,timestamp with time zone,interval)':
        "SELECT account_id, abm_engagement_score(abm_activity_weight(activity), occurred_at, now(), interval '30 days') FROM abm_demo.touches GROUP BY account_id",
    'abm_engagement_score(text,timestamp with time zone,timestamp with time zone,interval)':
        "SELECT account_id, abm_engagement_score(activity, occurred_at, now(), interval '30 days') FROM abm_demo.touches GROUP BY account_id",
    'abm_engagement_agg(text,timestamp with time zone,bigint,interval)':
        "SELECT account_id, abm_engagement_agg(activity, occurred_at, contact_id, interval '30 days') FROM abm_demo.touches GROUP BY account_id",
    'abm_engagement_agg(text,double precision,timestamp with time zone,bigint,interval)':
        "SELECT account_id, abm_engagement_agg(activity, 2 * abm_activity_weight(activity), occurred_at, contact_id, interval '7 days') FROM abm_demo.touches GROUP BY account_id",
    'abm_engagement_jsonb(abm_engagement)': "SELECT abm_engagement_jsonb(e) FROM " + ENGAGEMENT,
    'abm_rollup(abm_engagement)':
        "SELECT a.tier, abm_rollup(eng.e) FROM " + ENGAGEMENT + " JOIN abm_demo.accounts a USING (account_id) GROUP BY a.tier",
    'abm_score(abm_engagement,timestamp with time zone)': "SELECT abm_score(e, now()) FROM " + ENGAGEMENT,
    'abm_touches(abm_engagement)': "SELECT abm_touches(e) FROM " + ENGAGEMENT,
    'abm_touches(abm_engagement,text)': "SELECT abm_touches(e, 'web_visit') FROM " + ENGAGEMENT,
    'abm_first_touch(abm_engagement)': "SELECT abm_first_touch(e) FROM " + ENGAGEMENT,
    'abm_last_touch(abm_engagement)': "SELECT abm_last_touch(e) FROM " + ENGAGEMENT,
    'abm_engaged_contacts(abm_engagement)': "SELECT abm_engaged_contacts(e) FROM " + ENGAGEMENT,
    'abm_half_life(abm_engagement)': "SELECT abm_half_life(e) FROM " + ENGAGEMENT,
    'abm_surge(timestamp with time zone,timestamp with time zone,interval,interval)':
        "SELECT account_id, abm_surge(occurred_at, now(), interval '7 days', interval '90 days') FROM abm_demo.touches GROUP BY account_id",
    # pipeline, deal cycle, contract value, influence (issue 4)
    'abm_pipeline(numeric,timestamp with time zone,timestamp with time zone,boolean)':
        "SELECT a.tier, abm_pipeline(o.amount, o.created_at, o.closed_at, o.is_won) FROM abm_demo.opportunities o JOIN abm_demo.accounts a USING (account_id) GROUP BY a.tier",
    'abm_pipeline_velocity(numeric,timestamp with time zone,timestamp with time zone,boolean)':
        "SELECT abm_pipeline_velocity(amount, created_at, closed_at, is_won) FROM abm_demo.opportunities",
    'abm_deal_cycle(timestamp with time zone,timestamp with time zone)':
        "SELECT is_won, abm_deal_cycle(created_at, closed_at) FROM abm_demo.opportunities WHERE closed_at IS NOT NULL GROUP BY is_won",
    'abm_deal_cycle_length(timestamp with time zone,timestamp with time zone)':
        "SELECT is_won, abm_deal_cycle_length(created_at, closed_at) FROM abm_demo.opportunities WHERE closed_at IS NOT NULL GROUP BY is_won",
    'abm_acv(numeric,date,date)':
        "SELECT kind, abm_acv(amount, starts_on, ends_on) FROM abm_demo.contracts GROUP BY kind",
    'abm_influenced(timestamp with time zone,timestamp with time zone,interval)':
        "SELECT o.opportunity_id, abm_influenced(t.occurred_at, o.created_at, interval '90 days') FROM abm_demo.opportunities o JOIN abm_demo.touches t USING (account_id) GROUP BY o.opportunity_id",
    # coverage, ICP fit and MQA (issue 5)
    'abm_coverage(bigint,text,boolean)':
        "SELECT c.account_id, abm_coverage(c.contact_id, c.role, EXISTS (SELECT FROM abm_demo.touches t WHERE t.contact_id = c.contact_id)) FROM abm_demo.contacts c GROUP BY c.account_id",
    'abm_coverage(bigint,text,boolean,text[])':
        "SELECT account_id, abm_coverage(contact_id, role, true, ARRAY['champion', 'economic_buyer']) FROM abm_demo.contacts GROUP BY account_id",
    'abm_coverage(bigint,text,boolean,text[],double precision)':
        "SELECT account_id, (abm_coverage(contact_id, role, true, ARRAY['champion', 'economic_buyer'], 6)).* FROM abm_demo.contacts GROUP BY account_id",
    'abm_committee_coverage(bigint[],text[],bigint[],text[],double precision)':
        "SELECT k.account_id, abm_committee_coverage(k.ids, k.roles, e.ids) FROM (SELECT account_id, array_agg(contact_id) AS ids, array_agg(role) AS roles FROM abm_demo.contacts GROUP BY account_id) k LEFT JOIN (SELECT account_id, array_agg(DISTINCT contact_id) AS ids FROM abm_demo.touches WHERE contact_id IS NOT NULL GROUP BY account_id) e USING (account_id)",
    'abm_icp_fit(jsonb,jsonb)':
        "SELECT account_id, abm_icp_fit(attributes, '{\"criteria\": [{\"attribute\": \"industry\", \"in\": [\"software\", \"fintech\"], \"weight\": 2}, {\"attribute\": \"employees\", \"between\": [200, 5000]}]}') FROM abm_demo.accounts",
    'abm_is_mqa(double precision,integer,double precision,double precision,integer,double precision)':
        "SELECT abm_is_mqa(42.5, 3, 0.8, 30, 2, 0.6)",
    # journeys and funnels (issue 6)
    'abm_journey(text,timestamp with time zone)':
        "SELECT account_id, abm_journey(stage, entered_at) FROM abm_demo.stages GROUP BY account_id",
    'abm_journey(text,timestamp with time zone,text[])':
        "SELECT account_id, abm_journey(stage, entered_at, ARRAY['target', 'engaged', 'opportunity', 'won', 'retained', 'expanded']) FROM abm_demo.stages GROUP BY account_id",
    'abm_rollup(abm_journey)':
        "SELECT a.tier, abm_rollup(jour.j) FROM " + JOURNEYS + " JOIN abm_demo.accounts a USING (account_id) GROUP BY a.tier",
    'abm_stage(abm_journey)': "SELECT abm_stage(j) FROM " + JOURNEYS,
    'abm_entered(abm_journey,text)': "SELECT abm_entered(j, 'engaged') FROM " + JOURNEYS,
    'abm_journey_before(abm_journey,timestamp with time zone)':
        "SELECT abm_journey_before(j, '2025-01-01') FROM " + JOURNEYS,
    'abm_funnel(abm_journey)': "SELECT abm_funnel(j) FROM " + JOURNEYS,
    'abm_rollup(abm_funnel)':
        "SELECT abm_rollup(f) FROM (SELECT a.tier, abm_funnel(jour.j) AS f FROM " + JOURNEYS + " JOIN abm_demo.accounts a USING (account_id) GROUP BY a.tier) t",
    'abm_funnel_steps(abm_funnel)': "SELECT s.* FROM (SELECT abm_funnel(j) AS f FROM " + JOURNEYS + ") x, abm_funnel_steps(x.f) s",
    'abm_funnel_steps(regclass,name,name,name,text[])':
        "SELECT * FROM abm_funnel_steps('abm_demo.stages', 'account_id', 'stage', 'entered_at', ARRAY['target', 'engaged', 'opportunity', 'won', 'retained', 'expanded'])",
    'abm_funnel_report(integer[],text[])':
        "SELECT * FROM abm_funnel_report(ARRAY(SELECT abm_window_funnel('90 days', occurred_at, activity = 'web_visit', activity = 'form_fill', activity = 'meeting_booked') FROM abm_demo.touches GROUP BY account_id), ARRAY['visit', 'form', 'meeting'])",
    # attribution and view-through (issue 7)
    'abm_attribution_credit(text,integer,integer)':
        "SELECT m, p, abm_attribution_credit(m, p, 5) FROM unnest(ARRAY['first_touch', 'last_touch', 'linear', 'u_shaped']) m, generate_series(1, 5) p",
    'abm_attribution_credit(text,integer,integer,integer,integer)':
        "SELECT p, abm_attribution_credit('w_shaped', p, 6, 2, 4) FROM generate_series(1, 6) p",
    'abm_attribution_credit(text,integer,integer,integer,integer,integer)':
        "SELECT p, abm_attribution_credit('full_path', p, 8, 2, 4, 7) FROM generate_series(1, 8) p",
    'abm_attribution_credit(text,timestamp with time zone,timestamp with time zone)':
        "SELECT o.opportunity_id, abm_attribution_credit('time_decay', t.occurred_at, o.created_at) OVER (PARTITION BY o.opportunity_id ORDER BY t.occurred_at) FROM " + OPPORTUNITY_TOUCHES,
    'abm_attribution_credit(text,timestamp with time zone,timestamp with time zone,interval)':
        "SELECT o.opportunity_id, abm_attribution_credit('time_decay', t.occurred_at, o.created_at, interval '14 days') OVER (PARTITION BY o.opportunity_id ORDER BY t.occurred_at) FROM " + OPPORTUNITY_TOUCHES,
    'abm_attribution_credit(text,timestamp with time zone,timestamp with time zone,timestamp with time zone,timestamp with time zone)':
        "SELECT o.opportunity_id, abm_attribution_credit('w_shaped', t.occurred_at, o.created_at, o.created_at - interval '30 days', o.created_at) OVER (PARTITION BY o.opportunity_id ORDER BY t.occurred_at) FROM " + OPPORTUNITY_TOUCHES,
    'abm_attribution_credit(text,timestamp with time zone,timestamp with time zone,interval,timestamp with time zone,timestamp with time zone)':
        "SELECT o.opportunity_id, abm_attribution_credit('time_decay', t.occurred_at, o.created_at, interval '14 days', o.created_at - interval '30 days', o.created_at) OVER (PARTITION BY o.opportunity_id ORDER BY t.occurred_at) FROM " + OPPORTUNITY_TOUCHES,
    'abm_attribute(text,bigint[],timestamp with time zone[],timestamp with time zone,interval,timestamp with time zone,timestamp with time zone)':
        "SELECT x.opportunity_id, a.* FROM (SELECT o.opportunity_id, o.created_at, array_agg(t.occurred_at ORDER BY t.occurred_at) AS ats FROM " + OPPORTUNITY_TOUCHES + " GROUP BY 1, 2) x, abm_attribute('u_shaped', ARRAY(SELECT generate_series(1, cardinality(x.ats))::bigint), x.ats, x.created_at) a",
    'abm_view_through(timestamp with time zone,boolean,boolean,boolean,interval)':
        "SELECT account_id, abm_view_through(occurred_at, activity = 'ad_impression', activity = 'ad_click', activity = 'form_fill', interval '7 days') FROM abm_demo.touches GROUP BY account_id",
    # data-driven attribution and lift (issue 21)
    'abm_markov_attribution(text[],boolean)': "SELECT abm_markov_attribution(path, converted) FROM " + JOURNEY_PATHS,
    'abm_markov_attribution(text[],boolean,integer)': "SELECT abm_markov_attribution(path, converted, 2) FROM " + JOURNEY_PATHS,
    'abm_rollup(abm_markov)':
        "SELECT abm_rollup(m) FROM (SELECT a.tier, abm_markov_attribution(jrn.path, jrn.converted) AS m FROM " + JOURNEY_PATHS + " JOIN abm_demo.accounts a USING (account_id) GROUP BY a.tier) x",
    'abm_markov_credits(abm_markov)':
        "SELECT c.* FROM (SELECT abm_markov_attribution(path, converted) AS m FROM " + JOURNEY_PATHS + ") x, abm_markov_credits(x.m) c",
    'abm_shapley_attribution(text[],boolean)': "SELECT abm_shapley_attribution(path, converted) FROM " + JOURNEY_PATHS,
    'abm_rollup(abm_shapley)':
        "SELECT abm_rollup(s) FROM (SELECT a.tier, abm_shapley_attribution(jrn.path, jrn.converted) AS s FROM " + JOURNEY_PATHS + " JOIN abm_demo.accounts a USING (account_id) GROUP BY a.tier) x",
    'abm_shapley_credits(abm_shapley)':
        "SELECT c.* FROM (SELECT abm_shapley_attribution(path, converted) AS s FROM " + JOURNEY_PATHS + ") x, abm_shapley_credits(x.s) c",
    'abm_lift(boolean,boolean)':
        "SELECT abm_lift(a.is_target, EXISTS (SELECT FROM abm_demo.opportunities o WHERE o.account_id = a.account_id)) FROM abm_demo.accounts a",
    'abm_lift(boolean,boolean,double precision)':
        "SELECT a.tier, (abm_lift(a.is_target, jrn.converted, 0.9)).* FROM " + JOURNEY_PATHS + " JOIN abm_demo.accounts a USING (account_id) GROUP BY a.tier",
    'abm_lift_counts(bigint,bigint,bigint,bigint,double precision)':
        "SELECT (abm_lift_counts(count(*) FILTER (WHERE is_target), count(*) FILTER (WHERE is_target AND tier = 1), count(*) FILTER (WHERE NOT is_target), 0)).* FROM abm_demo.accounts",
    'abm_lift_means(bigint,double precision,double precision,bigint,double precision,double precision,double precision)':
        "SELECT (abm_lift_means(count(*) FILTER (WHERE amount > 50000), avg(amount) FILTER (WHERE amount > 50000)::float8, stddev_samp(amount) FILTER (WHERE amount > 50000)::float8, count(*) FILTER (WHERE amount <= 50000), avg(amount) FILTER (WHERE amount <= 50000)::float8, stddev_samp(amount) FILTER (WHERE amount <= 50000)::float8, 0.9)).* FROM abm_demo.opportunities",
    # window funnel and retention (issue 6)
    'abm_window_funnel(interval,timestamp with time zone,boolean[])':
        "SELECT account_id, abm_window_funnel('30 days', occurred_at, activity = 'web_visit', activity = 'form_fill', activity = 'chat') FROM abm_demo.touches GROUP BY account_id",
    'abm_window_funnel(interval,text,timestamp with time zone,boolean[])':
        "SELECT account_id, abm_window_funnel('30 days', 'strict_order', occurred_at, activity = 'web_visit', activity = 'form_fill') FROM abm_demo.touches GROUP BY account_id",
    'abm_window_funnel_times(interval,timestamp with time zone,boolean[])':
        "SELECT account_id, abm_window_funnel_times('30 days', occurred_at, activity = 'web_visit', activity = 'form_fill', activity = 'chat') FROM abm_demo.touches GROUP BY account_id",
    'abm_window_funnel_times(interval,text,timestamp with time zone,boolean[])':
        "SELECT account_id, abm_window_funnel_times('30 days', 'strict_deduplication', occurred_at, activity = 'web_visit', activity = 'form_fill') FROM abm_demo.touches GROUP BY account_id",
    'abm_window_funnel(interval,timestamp with time zone,text,text[])':
        "SELECT account_id, abm_window_funnel('30 days', occurred_at, activity, 'web_visit', 'form_fill', 'chat') FROM abm_demo.touches GROUP BY account_id",
    'abm_window_funnel(interval,text,timestamp with time zone,text,text[])':
        "SELECT account_id, abm_window_funnel('30 days', 'strict_order', occurred_at, activity, 'web_visit', 'form_fill') FROM abm_demo.touches GROUP BY account_id",
    'abm_window_funnel_times(interval,timestamp with time zone,text,text[])':
        "SELECT account_id, abm_window_funnel_times('30 days', occurred_at, activity, 'web_visit', 'form_fill', 'chat') FROM abm_demo.touches GROUP BY account_id",
    'abm_window_funnel_times(interval,text,timestamp with time zone,text,text[])':
        "SELECT account_id, abm_window_funnel_times('30 days', 'strict_deduplication', occurred_at, activity, 'web_visit', 'form_fill') FROM abm_demo.touches GROUP BY account_id",
    'abm_retention(boolean[])':
        "SELECT account_id, abm_retention(occurred_at < now() - interval '30 days', occurred_at >= now() - interval '30 days') FROM abm_demo.touches GROUP BY account_id",
    # sequences and paths (issue 20)
    'abm_sequence_match(text,timestamp with time zone,boolean[])':
        "SELECT account_id, abm_sequence_match('(?1)(?t<=86400)(?2)', occurred_at, activity = 'content_download', activity = 'meeting_booked') FROM abm_demo.touches GROUP BY account_id",
    'abm_sequence_count(text,timestamp with time zone,boolean[])':
        "SELECT account_id, abm_sequence_count('(?1).*(?2)', occurred_at, activity = 'email_open', activity = 'email_click') FROM abm_demo.touches GROUP BY account_id",
    'abm_sequence_match_events(text,timestamp with time zone,boolean[])':
        "SELECT account_id, abm_sequence_match_events('(?1)(?2)', occurred_at, activity = 'web_visit', activity = 'content_download') FROM abm_demo.touches GROUP BY account_id",
    'abm_sequence_next_node(text,text,timestamp with time zone,text,boolean,boolean[])':
        "SELECT account_id, abm_sequence_next_node('forward', 'first_match', occurred_at, activity, true, activity = 'content_download') FROM abm_demo.touches GROUP BY account_id",
    'abm_path(integer,timestamp with time zone,text,boolean)':
        "SELECT account_id, abm_path(3, occurred_at, activity, activity = 'meeting_booked') FROM abm_demo.touches GROUP BY account_id",
    'abm_path(integer,timestamp with time zone,text,boolean,boolean)':
        "SELECT account_id, abm_path(3, occurred_at, activity, activity = 'meeting_booked', activity = 'webinar_attended') FROM abm_demo.touches GROUP BY account_id",
    'abm_paths(abm_path_result[])':
        "SELECT * FROM abm_paths(ARRAY(SELECT abm_path(3, occurred_at, activity, activity = 'meeting_booked') FROM abm_demo.touches WHERE activity <> 'ad_impression' GROUP BY account_id))",
}

# A sample value for each public abm type that no function sample returns
# (e.g. a type only ever given as an argument): type name -> query.
TYPE_SAMPLES = {
    # what abm_report reads from the touches of each account and step (the
    # aggregate behind it is a support function; its result, the domain
    # abm_report_accounts over an array of these, counts as an array type)
    'abm_report_account':
        "SELECT account_id, r FROM (SELECT account_id, abm_report_touches(account_id, occurred_at, activity, contact_id, cost,"
        " NULL, NULL, NULL, NULL, NULL, NULL, NULL, '{2025-01-01,2025-07-01,2026-01-01}', '{2024-12-25,2025-06-24}',"
        " '{2025-05-27,2025-11-26}', '30 days', NULL, '7 days', '7 days', '28 days') AS a"
        " FROM abm_demo.touches GROUP BY account_id) s, unnest(s.a) r",
    # the per-step sums abm_report takes of those (abm_report_sums, also a
    # support aggregate)
    'abm_report_step_sums':
        "SELECT t FROM (SELECT abm_report_sums(p.a, 1, 1, NULL, NULL, 2, 1, 2, NULL, NULL) AS a"
        " FROM (SELECT abm_report_touches(account_id, occurred_at, activity, contact_id, cost,"
        " NULL, NULL, NULL, NULL, NULL, NULL, NULL, '{2025-01-01,2025-07-01,2026-01-01}', '{2024-12-25,2025-06-24}',"
        " '{2025-05-27,2025-11-26}', '30 days', NULL, '7 days', '7 days', '28 days') AS a"
        " FROM abm_demo.touches GROUP BY account_id) p) x, unnest(x.a) t",
    # the contract KPIs abm_report takes per step (abm_report_contracts, a
    # support aggregate too)
    'abm_report_step_contracts':
        "SELECT t FROM (SELECT abm_report_contracts(account_id, starts_on, ends_on, amount,"
        " '{2024-01-01,2025-01-01,2026-01-01}', '30 days') AS a FROM abm_demo.contracts) x, unnest(x.a) t",
}

PG_EPOCH_DATE = datetime.date(2000, 1, 1)
PG_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
RECORD_OID = 2249


class Suite:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, name, why=None):
        if ok:
            self.passed += 1
            print('ok - %s' % name)
        else:
            self.failed += 1
            print('not ok - %s' % name)
            if why:
                for line in str(why).rstrip().splitlines():
                    print('    %s' % line)
        return ok


class BinaryError(Exception):
    pass


class Types:
    """pg_type rows needed to decode binary values, loaded on demand."""

    def __init__(self, cur):
        self.cur = cur
        self.rows = {}

    def get(self, oid):
        if oid not in self.rows:
            self.cur.execute(
                """SELECT t.typname, t.typtype, t.typlen, t.typbyval, t.typelem,
                          t.typcategory, t.typbasetype,
                          pg_catalog.format_type(t.oid, NULL),
                          ARRAY(SELECT a.atttypid FROM pg_catalog.pg_attribute a
                                WHERE a.attrelid = t.typrelid AND a.attnum > 0
                                  AND NOT a.attisdropped ORDER BY a.attnum)::oid[]
                   FROM pg_catalog.pg_type t WHERE t.oid = %s""", (oid,))
            row = self.cur.fetchone()
            if row is None:
                raise BinaryError('unknown type oid %d' % oid)
            keys = ('name', 'typtype', 'len', 'byval', 'elem', 'category',
                    'basetype', 'sqlname', 'fields')
            self.rows[oid] = dict(zip(keys, row))
        return self.rows[oid]


class Reader:
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def take(self, n, what):
        if n < 0 or self.pos + n > len(self.data):
            raise BinaryError('%s: %d bytes wanted at offset %d, %d left'
                              % (what, n, self.pos, len(self.data) - self.pos))
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt, what):
        return struct.unpack(fmt, self.take(struct.calcsize(fmt), what))[0]

    def done(self):
        return self.pos == len(self.data)


def decode_numeric(data):
    r = Reader(data)
    ndigits = r.unpack('>h', 'numeric ndigits')
    weight = r.unpack('>h', 'numeric weight')
    sign = r.unpack('>H', 'numeric sign')
    dscale = r.unpack('>h', 'numeric dscale')
    if sign == 0xC000:
        return decimal.Decimal('NaN')
    if sign == 0xD000:
        return decimal.Decimal('Infinity')
    if sign == 0xF000:
        return decimal.Decimal('-Infinity')
    if sign not in (0, 0x4000) or ndigits < 0 or dscale < 0:
        raise BinaryError('numeric: bad header')
    digits = [r.unpack('>h', 'numeric digit') for _ in range(ndigits)]
    if not r.done() or any(d < 0 or d > 9999 for d in digits):
        raise BinaryError('numeric: bad digits or trailing bytes')
    if not digits:
        return decimal.Decimal(0)
    # Base-10000 digits, the first of weight `weight`: exact, whatever the
    # precision of the decimal context.
    decimal_digits = tuple(int(c) for c in ''.join('%04d' % d for d in digits))
    return decimal.Decimal((1 if sign == 0x4000 else 0, decimal_digits, 4 * (weight - ndigits + 1)))


def parse_json(data):
    try:
        return json.loads(data.decode('utf-8'))
    except ValueError as e:
        raise BinaryError('json: %s' % e)


def decode(types, oid, data):
    """Decodes one binary value of type oid; raises BinaryError when the bytes
    are not a consistent value of that type.  Scalars it knows are returned as
    the Python values psycopg2 gives for their text form, records as tuples,
    arrays as flat lists, other types as bytes (their length checked)."""
    t = types.get(oid)
    name = t['name']
    fixed = {'bool': 1, 'int2': 2, 'int4': 4, 'int8': 8, 'oid': 4,
             'float4': 4, 'float8': 8, 'date': 4, 'timestamptz': 8,
             'timestamp': 8, 'interval': 16, 'uuid': 16}
    if name in fixed and len(data) != fixed[name]:
        raise BinaryError('%s: %d bytes, expected %d' % (name, len(data), fixed[name]))
    if name == 'bool':
        if data not in (b'\x00', b'\x01'):
            raise BinaryError('bool: byte %r' % data)
        return data == b'\x01'
    if name in ('int2', 'int4', 'int8', 'oid'):
        return struct.unpack({'int2': '>h', 'int4': '>i', 'int8': '>q', 'oid': '>I'}[name], data)[0]
    if name in ('float4', 'float8'):
        return struct.unpack('>f' if name == 'float4' else '>d', data)[0]
    if name == 'numeric':
        return decode_numeric(data)
    if name in ('text', 'varchar', 'bpchar', 'name', 'unknown') or t['typtype'] == 'e':
        try:
            return data.decode('utf-8')
        except UnicodeDecodeError as e:
            raise BinaryError('%s: %s' % (name, e))
    if name == 'date':
        days = struct.unpack('>i', data)[0]
        if days in (-2**31, 2**31 - 1):
            return '-infinity' if days < 0 else 'infinity'
        return PG_EPOCH_DATE + datetime.timedelta(days=days)
    if name == 'timestamptz':
        usecs = struct.unpack('>q', data)[0]
        if usecs in (-2**63, 2**63 - 1):
            return '-infinity' if usecs < 0 else 'infinity'
        return PG_EPOCH + datetime.timedelta(microseconds=usecs)
    if name == 'jsonb':
        if not data or data[0] != 1:
            raise BinaryError('jsonb: unknown version byte')
        return parse_json(data[1:])
    if name == 'json':
        return parse_json(data)
    if t['typtype'] == 'd':
        return decode(types, t['basetype'], data)
    if oid == RECORD_OID or t['typtype'] == 'c':
        r = Reader(data)
        ncols = r.unpack('>i', 'record column count')
        if t['typtype'] == 'c' and ncols != len(t['fields']):
            raise BinaryError('%s: %d columns, the type has %d' % (name, ncols, len(t['fields'])))
        values = []
        for i in range(ncols):
            col_oid = r.unpack('>I', 'record column type')
            if t['typtype'] == 'c' and col_oid != t['fields'][i]:
                raise BinaryError('%s: column %d has type %d, expected %d'
                                  % (name, i + 1, col_oid, t['fields'][i]))
            length = r.unpack('>i', 'record column length')
            values.append(None if length == -1 else decode(types, col_oid, r.take(length, 'record column')))
        if not r.done():
            raise BinaryError('%s: trailing bytes' % name)
        return tuple(values)
    if t['category'] == 'A' and t['elem'] != 0:
        r = Reader(data)
        ndim = r.unpack('>i', 'array ndim')
        has_null = r.unpack('>i', 'array flags')
        elem = r.unpack('>I', 'array element type')
        if ndim < 0 or ndim > 6 or has_null not in (0, 1) or elem != t['elem']:
            raise BinaryError('%s: bad array header (ndim %d, flags %d, element %d)'
                              % (name, ndim, has_null, elem))
        dims = []
        for _ in range(ndim):
            dims.append(r.unpack('>i', 'array dimension'))
            r.unpack('>i', 'array lower bound')
        if any(d < 0 for d in dims):
            raise BinaryError('%s: negative array dimension' % name)
        count = math.prod(dims) if dims else 0
        values = []
        for _ in range(count):
            length = r.unpack('>i', 'array element length')
            values.append(None if length == -1 else decode(types, elem, r.take(length, 'array element')))
        if not r.done():
            raise BinaryError('%s: trailing bytes' % name)
        if not has_null and None in values:
            raise BinaryError('%s: NULL element in an array flagged without NULLs' % name)
        # Nested as psycopg2 nests the text form: innermost dimension last.
        for d in reversed(dims[1:]):
            values = [values[i:i + d] for i in range(0, len(values), d)]
        return values
    if t['byval'] and t['len'] > 0 and len(data) != t['len']:
        raise BinaryError('%s: %d bytes, the type is %d' % (name, len(data), t['len']))
    return bytes(data)


def parse_copy_binary(types, data, col_oids):
    """Parses a COPY binary stream into rows of decoded values."""
    r = Reader(data)
    if r.take(11, 'signature') != b'PGCOPY\n\xff\r\n\x00':
        raise BinaryError('bad COPY signature')
    flags = r.unpack('>I', 'flags')
    if flags & 0xFFFF0000:
        raise BinaryError('unexpected COPY flags %#x' % flags)
    r.take(r.unpack('>I', 'header extension length'), 'header extension')
    rows = []
    while True:
        nfields = r.unpack('>h', 'field count')
        if nfields == -1:
            break
        if nfields != len(col_oids):
            raise BinaryError('row %d has %d fields, expected %d' % (len(rows) + 1, nfields, len(col_oids)))
        row = []
        for oid in col_oids:
            length = r.unpack('>i', 'field length')
            if length < -1:
                raise BinaryError('negative field length %d' % length)
            row.append(None if length == -1 else decode(types, oid, r.take(length, 'field')))
        rows.append(tuple(row))
    if not r.done():
        raise BinaryError('bytes after the COPY trailer')
    return rows


def same(binary, text):
    """Whether a decoded binary value equals psycopg2's text-format value,
    where both are values we can compare; True otherwise."""
    if binary is None or text is None:
        return binary is None and text is None
    if isinstance(binary, float) and isinstance(text, float):
        return binary == text or (math.isnan(binary) and math.isnan(text))
    if isinstance(binary, decimal.Decimal) and isinstance(text, decimal.Decimal):
        return binary == text or (binary.is_nan() and text.is_nan())
    if isinstance(binary, (bool, int, str, datetime.date)) and type(binary) == type(text):
        return binary == text
    if isinstance(binary, list) and isinstance(text, list) and len(binary) == len(text):
        return all(same(b, t) for b, t in zip(binary, text))
    if isinstance(binary, (dict, list)) and isinstance(text, (dict, list)):
        return binary == text
    return True


def expected_columns(cur, fn_oid):
    """The result column types a call may show: its one result type, or the
    columns of its OUT parameters / composite result."""
    cur.execute(
        """SELECT p.prorettype,
                  CASE WHEN p.proallargtypes IS NOT NULL THEN
                       ARRAY(SELECT t FROM unnest(p.proallargtypes, p.proargmodes) u(t, m)
                             WHERE m IN ('o', 'b', 't'))
                       ELSE ARRAY(SELECT a.atttypid FROM pg_catalog.pg_attribute a
                                  JOIN pg_catalog.pg_type ty ON ty.typrelid = a.attrelid
                                  WHERE ty.oid = p.prorettype AND a.attnum > 0
                                    AND NOT a.attisdropped ORDER BY a.attnum) END::oid[],
                  p.prokind, p.prolang = (SELECT oid FROM pg_catalog.pg_language WHERE lanname = 'sql')
           FROM pg_catalog.pg_proc p WHERE p.oid = %s""", (fn_oid,))
    return cur.fetchone()


def run_function(suite, conn, types, abm_types, fn_oid, identity, sample):
    """Calls one public function through its sample; returns the result
    column types seen."""
    cur = conn.cursor()
    rettype, out_types, prokind, is_sql = expected_columns(cur, fn_oid)
    name = identity.split('(')[0]

    # Text format, straight from the function, as a BI tool reads it; the
    # savepoint undoes what a volatile function did.
    cur.execute('SAVEPOINT sample')
    try:
        cur.execute("SET LOCAL track_functions = 'all'")
    except psycopg2.Error:
        cur.execute('ROLLBACK TO SAVEPOINT sample')  # not a superuser
    try:
        cur.execute(sample)
        text_rows = cur.fetchall() if cur.description else []
        col_oids = [d.type_code for d in cur.description or []]
    except psycopg2.Error as e:
        suite.check(False, '%s: the sample runs' % identity, e.pgerror or e)
        cur.execute('ROLLBACK TO SAVEPOINT sample')
        return set()
    suite.check(len(text_rows) > 0, '%s: the sample returns rows in text format (%d)' % (identity, len(text_rows)))
    cur.execute('SELECT calls FROM pg_catalog.pg_stat_xact_user_functions WHERE funcid = %s', (fn_oid,))
    stat = cur.fetchone()
    # Aggregates, window functions and inlined SQL functions are not counted
    # by track_functions: for them, the sample must at least name the function.
    called = bool(stat and stat[0] > 0) or ((prokind in ('a', 'w') or is_sql) and (name + '(') in sample)
    suite.check(called, '%s: the sample calls this function' % identity)
    shapes_ok = rettype in col_oids or (len(out_types) > 0 and all(t in col_oids for t in out_types))
    suite.check(shapes_ok, "%s: the result columns have the function's result type" % identity,
                'columns %s, function returns %s / %s' % (col_oids, rettype, list(out_types)))
    cur.execute('ROLLBACK TO SAVEPOINT sample')
    if col_oids:
        exercise(suite, conn, types, abm_types, identity, sample, col_oids)
    return set(col_oids)


def exercise(suite, conn, types, abm_types, label, sample, col_oids):
    """Reads the rows of sample (whose column types are col_oids) in binary
    and in text, writes them back in binary and round-trips abm types through
    text."""
    cur = conn.cursor()
    # Materialized once, so the binary and the text reading see the same
    # rows in the same order.  A pseudo-type column (void) cannot be stored:
    # it is kept as text.
    names = ['c%d' % (i + 1) for i in range(len(col_oids))]
    select = ', '.join('%s::text' % c if types.get(oid)['typtype'] == 'p' else c
                       for c, oid in zip(names, col_oids))
    try:
        cur.execute('CREATE TEMP TABLE client_src AS SELECT %s FROM (%s) s(%s)' % (select, sample, ', '.join(names)))
        cur.execute('CREATE TEMP TABLE client_dst (LIKE client_src)')
        cur.execute('SELECT * FROM client_src ORDER BY ctid')
        text_rows = cur.fetchall()
        stored_oids = [d.type_code for d in cur.description]
        out = io.BytesIO()
        cur.copy_expert('COPY (SELECT * FROM client_src ORDER BY ctid) TO STDOUT (FORMAT binary)', out)
        data = out.getvalue()
    except psycopg2.Error as e:
        suite.check(False, '%s: the rows can be read in binary format' % label, e.pgerror or e)
        return
    try:
        binary_rows = parse_copy_binary(types, data, stored_oids)
        suite.check(len(binary_rows) == len(text_rows),
                    '%s: the binary COPY stream is well formed (%d rows, %d bytes)'
                    % (label, len(binary_rows), len(data)))
    except BinaryError as e:
        suite.check(False, '%s: the binary COPY stream is well formed' % label, e)
        binary_rows = []
    differing = [(b, t) for b, t in zip(binary_rows, text_rows)
                 if not all(same(bv, tv) for bv, tv in zip(b, t))]
    suite.check(len(binary_rows) == len(text_rows) and not differing, '%s: binary values equal text values' % label,
                differing[:3] if differing else None)

    # Binary back in: every receive function, then the same rows.
    try:
        cur.copy_expert('COPY client_dst FROM STDIN (FORMAT binary)', io.BytesIO(data))
        cur.execute("""SELECT (SELECT array_agg(s::text ORDER BY ctid) FROM client_src s)
                              IS NOT DISTINCT FROM
                              (SELECT array_agg(d::text ORDER BY ctid) FROM client_dst d)""")
        suite.check(cur.fetchone()[0], '%s: binary values read back (recv) equal the originals' % label)
    except psycopg2.Error as e:
        suite.check(False, '%s: binary values read back (recv) equal the originals' % label, e.pgerror or e)
        return

    # Text round trip of the columns of an abm type or an array of one.
    for i, oid in enumerate(stored_oids):
        t = types.get(oid)
        base = t['elem'] if t['category'] == 'A' and t['elem'] else oid
        if base not in abm_types:
            continue
        col, sqltype = names[i], t['sqlname']
        what = '%s: column %d (%s) round-trips through text' % (label, i + 1, sqltype)
        cur.execute('SAVEPOINT roundtrip')
        try:
            cur.execute('SELECT count(*) FROM client_src WHERE %s::text::%s::text IS DISTINCT FROM %s::text'
                        % (col, sqltype, col))
            bad = cur.fetchone()[0]
            cur.execute("""SELECT EXISTS (SELECT FROM pg_catalog.pg_operator
                           WHERE oprname = '=' AND oprleft = %s AND oprright = %s)""", (oid, oid))
            if cur.fetchone()[0]:
                cur.execute('SELECT count(*) FROM client_src WHERE NOT (%s::text::%s = %s)' % (col, sqltype, col))
                bad += cur.fetchone()[0]
            suite.check(bad == 0, what, '%d values differ' % bad if bad else None)
        except psycopg2.Error as e:
            cur.execute('ROLLBACK TO SAVEPOINT roundtrip')
            suite.check(False, what, e.pgerror or e)


def main():
    suite = Suite()
    conn = psycopg2.connect('')
    cur = conn.cursor()
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'public.sql')) as f:
        cur.execute(f.read())
    public = cur.fetchall()
    functions = [(oid, identity) for kind, oid, _, identity in public if kind == 'function']
    abm_types = {oid: identity for kind, oid, _, identity in public if kind == 'type'}
    conn.rollback()
    suite.check(len(functions) > 0, 'the catalog lists public abm functions (%d)' % len(functions))
    print('# psycopg2 %s, server %s' % (psycopg2.__version__, conn.server_version))

    types = Types(conn.cursor())
    seen_types = set()

    def note_types(col_oids):
        for col in col_oids:
            t = types.get(col)
            seen_types.add(t['elem'] if t['category'] == 'A' and t['elem'] else col)
            seen_types.update(t['fields'])

    for oid, identity in functions:
        sample = SAMPLES.get(identity)
        if not suite.check(sample is not None, '%s: has a sample call in client.py' % identity,
                           'add a line to SAMPLES in test/packaging/client.py'):
            continue
        try:
            note_types(run_function(suite, conn, types, abm_types, oid, identity, sample))
        finally:
            conn.rollback()
    for identity in sorted(set(SAMPLES) - {identity for _, identity in functions}):
        print('# SAMPLES has %s, which is not a public function here' % identity)

    for oid, identity in sorted(abm_types.items(), key=lambda x: x[1]):
        sample = TYPE_SAMPLES.get(identity)
        if sample is not None:
            try:
                cur = conn.cursor()
                cur.execute(sample)
                col_oids = [d.type_code for d in cur.description]
                conn.rollback()
                exercise(suite, conn, types, abm_types, 'type %s' % identity, sample, col_oids)
                note_types(col_oids)
            except psycopg2.Error as e:
                suite.check(False, 'type %s: the sample runs' % identity, e.pgerror or e)
            finally:
                conn.rollback()
        suite.check(oid in seen_types, 'type %s is read in text and binary by a sample' % identity,
                    'add a function sample returning it, or a line to TYPE_SAMPLES')
    conn.close()
    print('SUITE client: %d passed, %d failed' % (suite.passed, suite.failed))
    return 1 if suite.failed else 0


if __name__ == '__main__':
    sys.exit(main())
