-- workload: abm_window_funnel 4 steps, 7-day window, grouped by account
-- against: floor
-- bar: <= 3
SELECT account_id,
       abm_window_funnel('7 days', occurred_at, activity = 'web_visit', activity = 'content_download',
                         activity = 'webinar_attended', activity = 'meeting_booked')
FROM bench.touches GROUP BY account_id;

-- workload: plain SQL window funnel 4 steps, 7-day window, grouped by account
-- against: floor
-- The best plain formulation found: from every step-1 touch, the earliest
-- next step within the window (the earliest keeps the most room for the
-- steps after it), one self-join per step; the level is the deepest join
-- that matched.  It gives abm_window_funnel's levels in the default mode.
WITH e AS (
    SELECT account_id, occurred_at AS t, activity FROM bench.touches
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
FROM (SELECT account_id, 0 AS level FROM bench.touches
      UNION ALL SELECT account_id, 1 FROM s1
      UNION ALL SELECT account_id, 2 FROM s2
      UNION ALL SELECT account_id, 3 FROM s3
      UNION ALL SELECT account_id, 4 FROM s4) levels
GROUP BY account_id;

-- workload: abm_window_funnel vs plain SQL
-- against: plain SQL window funnel 4 steps, 7-day window, grouped by account
-- bar: >= 10
SELECT account_id,
       abm_window_funnel('7 days', occurred_at, activity = 'web_visit', activity = 'content_download',
                         activity = 'webinar_attended', activity = 'meeting_booked')
FROM bench.touches GROUP BY account_id;

-- workload: abm_window_funnel named steps, 4 steps, 7-day window, grouped by account
-- against: floor
SELECT account_id,
       abm_window_funnel('7 days', occurred_at, activity, 'web_visit', 'content_download',
                         'webinar_attended', 'meeting_booked')
FROM bench.touches GROUP BY account_id;
