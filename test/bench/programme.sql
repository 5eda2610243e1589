-- The open speed bars on data that looks like a real programme: ad
-- impressions and email opens in the tens per account and day on the days
-- an account is engaged.  The bench touches have about 2.4 touches per
-- account-day; the setup below takes the touches of one account in eight
-- and adds 16 to 47 impressions and opens (one in three an open) on every
-- day the account had another touch, which gives about as many touches as
-- the bench itself (10 M at scale 1), and its daily abm_engagement states.

-- setup: the programme's touches and daily states (one account in eight, densified)
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench.programme, bench.programme_daily;
CREATE TABLE bench.programme AS
SELECT account_id, contact_id, occurred_at, activity FROM bench.touches WHERE account_id % 8 = 0
UNION ALL
SELECT d.account_id, CASE WHEN k % 3 = 0 THEN d.account_id * 1000 + k % 7 END,
       d.day + interval '7 hours' + (k * 977 % 36000) * interval '1 second',
       CASE WHEN k % 3 = 0 THEN 'email_open' ELSE 'ad_impression' END
FROM (SELECT DISTINCT account_id, date_trunc('day', occurred_at, 'UTC') AS day
      FROM bench.touches
      WHERE account_id % 8 = 0 AND activity NOT IN ('ad_impression', 'email_open')) d,
     generate_series(1, 16 + (abs(hashint8(d.account_id * 1000 + extract(doy FROM d.day)::bigint)) % 32)::int) k;
CREATE TABLE bench.programme_daily (account_id bigint, day timestamptz, e abm_engagement, PRIMARY KEY (account_id, day));
INSERT INTO bench.programme_daily
SELECT account_id, date_trunc('day', occurred_at, 'UTC'), abm_engagement_agg(activity, occurred_at, contact_id, '30 days')
FROM bench.programme GROUP BY 1, 2;
VACUUM ANALYZE bench.programme;
VACUUM ANALYZE bench.programme_daily;

-- workload: programme floor: count(*) grouped by account
-- against: floor
SELECT account_id, count(*) FROM bench.programme GROUP BY account_id;

-- workload: programme: abm_window_funnel 4 steps, 7-day window, grouped by account
-- against: programme floor: count(*) grouped by account
-- bar: <= 2
SELECT account_id,
       abm_window_funnel('7 days', occurred_at, activity = 'web_visit', activity = 'content_download',
                         activity = 'webinar_attended', activity = 'meeting_booked')
FROM bench.programme GROUP BY account_id;

-- workload: programme: plain SQL window funnel 4 steps, 7-day window, grouped by account
-- against: programme floor: count(*) grouped by account
-- The best plain formulation (window_funnel.sql says why it is).
WITH e AS (
    SELECT account_id, occurred_at AS t, activity FROM bench.programme
    WHERE activity IN ('web_visit', 'content_download', 'webinar_attended', 'meeting_booked')),
s1 AS (SELECT account_id, t AS t1 FROM e WHERE activity = 'web_visit'),
s2 AS (SELECT s1.account_id, s1.t1, min(e.t) AS t2
       FROM s1 JOIN e ON e.account_id = s1.account_id AND e.activity = 'content_download'
                     AND e.t >= s1.t1 AND e.t <= s1.t1 + interval '7 days'
       GROUP BY 1, 2),
s3 AS (SELECT s2.account_id, s2.t1, min(e.t) AS t3
       FROM s2 JOIN e ON e.account_id = s2.account_id AND e.activity = 'webinar_attended'
                     AND e.t >= s2.t2 AND e.t <= s2.t1 + interval '7 days'
       GROUP BY 1, 2),
s4 AS (SELECT DISTINCT s3.account_id
       FROM s3 JOIN e ON e.account_id = s3.account_id AND e.activity = 'meeting_booked'
                     AND e.t >= s3.t3 AND e.t <= s3.t1 + interval '7 days')
SELECT account_id, max(level)
FROM (SELECT account_id, 0 AS level FROM bench.programme
      UNION ALL SELECT account_id, 1 FROM s1
      UNION ALL SELECT account_id, 2 FROM s2
      UNION ALL SELECT account_id, 3 FROM s3
      UNION ALL SELECT account_id, 4 FROM s4) levels
GROUP BY account_id;

-- workload: programme: abm_window_funnel vs plain SQL
-- against: programme: plain SQL window funnel 4 steps, 7-day window, grouped by account
-- bar: >= 5
SELECT account_id,
       abm_window_funnel('7 days', occurred_at, activity = 'web_visit', activity = 'content_download',
                         activity = 'webinar_attended', activity = 'meeting_booked')
FROM bench.programme GROUP BY account_id;

-- The same funnels with the steps as event names: one lookup per row, no
-- array of conditions built per row.
-- workload: programme: abm_window_funnel named steps, 4 steps, 7 days
-- against: programme floor: count(*) grouped by account
-- bar: <= 2
SELECT account_id,
       abm_window_funnel('7 days', occurred_at, activity, 'web_visit', 'content_download',
                         'webinar_attended', 'meeting_booked')
FROM bench.programme GROUP BY account_id;

-- workload: programme: abm_window_funnel named steps vs plain SQL
-- against: programme: plain SQL window funnel 4 steps, 7-day window, grouped by account
-- bar: >= 5
SELECT account_id,
       abm_window_funnel('7 days', occurred_at, activity, 'web_visit', 'content_download',
                         'webinar_attended', 'meeting_booked')
FROM bench.programme GROUP BY account_id;

-- The 90-day dashboard of engagement.sql (score, touches, six activity
-- counts, distinct contacts, last touch per account) on the programme.
-- workload: programme: 90-day dashboard from raw touches, plain SQL
-- against: programme floor: count(*) grouped by account
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
FROM bench.programme
WHERE occurred_at >= '2026-01-01 00:00:00+00'::timestamptz - interval '90 days' AND occurred_at < '2026-01-01 00:00:00+00'::timestamptz
GROUP BY account_id;

-- workload: programme: 90-day dashboard from daily abm_engagement rollups
-- against: programme: 90-day dashboard from raw touches, plain SQL
-- bar: >= 20
SELECT account_id, abm_score(e, '2026-01-01 00:00:00+00'::timestamptz) AS score, abm_touches(e) AS touches,
       abm_touches(e, 'ad_impression') AS impressions, abm_touches(e, 'ad_click') AS ad_clicks,
       abm_touches(e, 'email_open') AS email_opens, abm_touches(e, 'email_click') AS email_clicks,
       abm_touches(e, 'web_visit') + abm_touches(e, 'high_value_page_visit') AS web_visits,
       abm_touches(e, 'meeting_booked') AS meetings,
       abm_engaged_contacts(e) AS engaged_contacts, abm_last_touch(e) AS last_touch
FROM (SELECT account_id, abm_rollup(e) AS e
      FROM bench.programme_daily
      WHERE day >= '2026-01-01 00:00:00+00'::timestamptz - interval '90 days' AND day < '2026-01-01 00:00:00+00'::timestamptz
      GROUP BY account_id) s;

-- The 90-day trend (for every account-day of the last 90 with a touch, the
-- state of the 30 days up to it), over one programme account in four: the
-- plain self-join reads every touch of 30 days for every day.
-- workload: programme: 90-day trend of 30-day engagement from raw touches, plain SQL
-- against: programme floor: count(*) grouped by account
SELECT d.account_id, d.day,
       sum(CASE activity WHEN 'ad_impression' THEN 0.1 WHEN 'ad_click' THEN 2 WHEN 'email_open' THEN 1 WHEN 'email_click' THEN 3 WHEN 'web_visit' THEN 1 WHEN 'high_value_page_visit' THEN 5 WHEN 'content_download' THEN 5 WHEN 'webinar_attended' THEN 8 WHEN 'chat' THEN 6 WHEN 'form_fill' THEN 10 WHEN 'meeting_booked' THEN 20 WHEN 'event_attended' THEN 15 ELSE 0 END
           * power(2::float8, -extract(epoch FROM d.day + interval '1 day' - t.occurred_at)::float8
                              / 2592000)) AS score,
       count(*) AS touches, count(DISTINCT t.contact_id) AS engaged_contacts
FROM (SELECT DISTINCT account_id, date_trunc('day', occurred_at, 'UTC') AS day
      FROM bench.programme
      WHERE account_id % 32 = 0
        AND occurred_at >= '2026-01-01 00:00:00+00'::timestamptz - interval '90 days' AND occurred_at < '2026-01-01 00:00:00+00'::timestamptz) d
JOIN bench.programme t
  ON t.account_id = d.account_id AND t.occurred_at >= d.day - interval '29 days'
 AND t.occurred_at < d.day + interval '1 day'
GROUP BY d.account_id, d.day;

-- workload: programme: 90-day trend of 30-day engagement from daily rollups (sliding window)
-- against: programme: 90-day trend of 30-day engagement from raw touches, plain SQL
-- bar: >= 20
SELECT account_id, day, abm_score(e, day + interval '1 day') AS score,
       abm_touches(e) AS touches, abm_engaged_contacts(e) AS engaged_contacts
FROM (SELECT account_id, day,
             abm_rollup(e) OVER (PARTITION BY account_id ORDER BY day
                                 RANGE BETWEEN '29 days' PRECEDING AND CURRENT ROW) AS e
      FROM bench.programme_daily
      WHERE account_id % 32 = 0
        AND day >= '2026-01-01 00:00:00+00'::timestamptz - interval '119 days' AND day < '2026-01-01 00:00:00+00'::timestamptz) s
WHERE day >= '2026-01-01 00:00:00+00'::timestamptz - interval '90 days';
