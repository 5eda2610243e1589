-- Engagement workloads.  as_of is the day after the last
-- demo touch; the half-life is 30 days throughout.

-- workload: plain SQL engagement score grouped by account
-- against: floor
SELECT account_id,
       sum(CASE activity WHEN 'ad_impression' THEN 0.1 WHEN 'ad_click' THEN 2 WHEN 'email_open' THEN 1 WHEN 'email_click' THEN 3 WHEN 'web_visit' THEN 1 WHEN 'high_value_page_visit' THEN 5 WHEN 'content_download' THEN 5 WHEN 'webinar_attended' THEN 8 WHEN 'chat' THEN 6 WHEN 'form_fill' THEN 10 WHEN 'meeting_booked' THEN 20 WHEN 'event_attended' THEN 15 ELSE 0 END
           * power(2::float8, -extract(epoch FROM '2026-01-01 00:00:00+00'::timestamptz - occurred_at)::float8 / 2592000))
         FILTER (WHERE occurred_at <= '2026-01-01 00:00:00+00'::timestamptz)
FROM bench.touches GROUP BY account_id;

-- workload: abm_engagement_score grouped by account
-- against: floor
-- bar: <= 1.3
SELECT account_id, abm_engagement_score(activity, occurred_at, '2026-01-01 00:00:00+00'::timestamptz, '30 days')
FROM bench.touches GROUP BY account_id;

-- workload: abm_engagement_score against plain SQL
-- against: plain SQL engagement score grouped by account
-- bar: >= 1.0
SELECT account_id, abm_engagement_score(activity, occurred_at, '2026-01-01 00:00:00+00'::timestamptz, '30 days')
FROM bench.touches GROUP BY account_id;

-- workload: abm_engagement_agg grouped by account
-- against: floor
SELECT account_id, abm_engagement_agg(activity, occurred_at, contact_id, '30 days')
FROM bench.touches GROUP BY account_id;

-- The daily states: one row per account and day with touches, keyed as a
-- nightly job would upsert them.
-- workload: build the daily abm_engagement states (backfill of every day)
-- against: floor
-- settings: SET client_min_messages = warning; DROP TABLE IF EXISTS bench.engagement_daily; CREATE TABLE bench.engagement_daily (account_id bigint, day timestamptz, e abm_engagement, PRIMARY KEY (account_id, day));
INSERT INTO bench.engagement_daily
SELECT account_id, date_trunc('day', occurred_at, 'UTC'),
       abm_engagement_agg(activity, occurred_at, contact_id, '30 days')
FROM bench.touches GROUP BY 1, 2;

-- workload: 90-day dashboard from raw touches, plain SQL
-- against: floor
SELECT account_id,
       sum(CASE activity WHEN 'ad_impression' THEN 0.1 WHEN 'ad_click' THEN 2 WHEN 'email_open' THEN 1 WHEN 'email_click' THEN 3 WHEN 'web_visit' THEN 1 WHEN 'high_value_page_visit' THEN 5 WHEN 'content_download' THEN 5 WHEN 'webinar_attended' THEN 8 WHEN 'chat' THEN 6 WHEN 'form_fill' THEN 10 WHEN 'meeting_booked' THEN 20 WHEN 'event_attended' THEN 15 ELSE 0 END
           * power(2::float8, -extract(epoch FROM '2026-01-01 00:00:00+00'::timestamptz - occurred_at)::float8 / 2592000)) AS score,
       count(*) AS touches,
       count(*) FILTER (WHERE activity = 'ad_impression') AS impressions,
       count(*) FILTER (WHERE activity = 'ad_click') AS ad_clicks,
       count(*) FILTER (WHERE activity = 'email_open') AS email_opens,
       count(*) FILTER (WHERE activity = 'email_click') AS email_clicks,
       count(*) FILTER (WHERE activity IN ('web_visit', 'high_value_page_visit')) AS web_visits,
       count(*) FILTER (WHERE activity = 'meeting_booked') AS meetings,
       count(DISTINCT contact_id) AS engaged_contacts,
       max(occurred_at) AS last_touch
FROM bench.touches
WHERE occurred_at >= '2026-01-01 00:00:00+00'::timestamptz - interval '90 days' AND occurred_at < '2026-01-01 00:00:00+00'::timestamptz
GROUP BY account_id;

-- workload: 90-day dashboard from raw touches, abm_engagement_agg
-- against: 90-day dashboard from raw touches, plain SQL
SELECT account_id, abm_score(e, '2026-01-01 00:00:00+00'::timestamptz) AS score, abm_touches(e) AS touches,
       abm_touches(e, 'ad_impression') AS impressions, abm_touches(e, 'ad_click') AS ad_clicks,
       abm_touches(e, 'email_open') AS email_opens, abm_touches(e, 'email_click') AS email_clicks,
       abm_touches(e, 'web_visit') + abm_touches(e, 'high_value_page_visit') AS web_visits,
       abm_touches(e, 'meeting_booked') AS meetings,
       abm_engaged_contacts(e) AS engaged_contacts, abm_last_touch(e) AS last_touch
FROM (SELECT account_id, abm_engagement_agg(activity, occurred_at, contact_id, '30 days') AS e
      FROM bench.touches
      WHERE occurred_at >= '2026-01-01 00:00:00+00'::timestamptz - interval '90 days' AND occurred_at < '2026-01-01 00:00:00+00'::timestamptz
      GROUP BY account_id) s;

-- workload: 90-day dashboard from daily abm_engagement rollups
-- against: 90-day dashboard from raw touches, plain SQL
-- settings: VACUUM ANALYZE bench.engagement_daily;
SELECT account_id, abm_score(e, '2026-01-01 00:00:00+00'::timestamptz) AS score, abm_touches(e) AS touches,
       abm_touches(e, 'ad_impression') AS impressions, abm_touches(e, 'ad_click') AS ad_clicks,
       abm_touches(e, 'email_open') AS email_opens, abm_touches(e, 'email_click') AS email_clicks,
       abm_touches(e, 'web_visit') + abm_touches(e, 'high_value_page_visit') AS web_visits,
       abm_touches(e, 'meeting_booked') AS meetings,
       abm_engaged_contacts(e) AS engaged_contacts, abm_last_touch(e) AS last_touch
FROM (SELECT account_id, abm_rollup(e) AS e
      FROM bench.engagement_daily
      WHERE day >= '2026-01-01 00:00:00+00'::timestamptz - interval '90 days' AND day < '2026-01-01 00:00:00+00'::timestamptz
      GROUP BY account_id) s;

-- The 90-day trend: for every account and every day of the last 90 on
-- which it had a touch, the state of the 30 days up to that day.

-- workload: 90-day trend of 30-day engagement from raw touches, plain SQL
-- against: floor
SELECT d.account_id, d.day,
       sum(CASE activity WHEN 'ad_impression' THEN 0.1 WHEN 'ad_click' THEN 2 WHEN 'email_open' THEN 1 WHEN 'email_click' THEN 3 WHEN 'web_visit' THEN 1 WHEN 'high_value_page_visit' THEN 5 WHEN 'content_download' THEN 5 WHEN 'webinar_attended' THEN 8 WHEN 'chat' THEN 6 WHEN 'form_fill' THEN 10 WHEN 'meeting_booked' THEN 20 WHEN 'event_attended' THEN 15 ELSE 0 END
           * power(2::float8, -extract(epoch FROM d.day + interval '1 day' - t.occurred_at)::float8
                              / 2592000)) AS score,
       count(*) AS touches, count(DISTINCT t.contact_id) AS engaged_contacts
FROM (SELECT DISTINCT account_id, date_trunc('day', occurred_at, 'UTC') AS day
      FROM bench.touches
      WHERE occurred_at >= '2026-01-01 00:00:00+00'::timestamptz - interval '90 days' AND occurred_at < '2026-01-01 00:00:00+00'::timestamptz) d
JOIN bench.touches t
  ON t.account_id = d.account_id AND t.occurred_at >= d.day - interval '29 days'
 AND t.occurred_at < d.day + interval '1 day'
GROUP BY d.account_id, d.day;

-- workload: 90-day trend of 30-day engagement from daily rollups (sliding window)
-- against: 90-day trend of 30-day engagement from raw touches, plain SQL
-- bar: >= 20
SELECT account_id, day, abm_score(e, day + interval '1 day') AS score,
       abm_touches(e) AS touches, abm_engaged_contacts(e) AS engaged_contacts
FROM (SELECT account_id, day,
             abm_rollup(e) OVER (PARTITION BY account_id ORDER BY day
                                 RANGE BETWEEN '29 days' PRECEDING AND CURRENT ROW) AS e
      FROM bench.engagement_daily
      WHERE day >= '2026-01-01 00:00:00+00'::timestamptz - interval '119 days' AND day < '2026-01-01 00:00:00+00'::timestamptz) s
WHERE day >= '2026-01-01 00:00:00+00'::timestamptz - interval '90 days';

-- workload: abm_surge (7 days against 28) grouped by account
-- against: floor
SELECT account_id, abm_surge(occurred_at, '2026-01-01 00:00:00+00'::timestamptz, '7 days', '28 days')
FROM bench.touches GROUP BY account_id;
