-- Sequences and paths against the plain-SQL way (string_agg + regular
-- expressions, self-joins, window functions), all grouped by account.
-- Each plain formulation gives the abm function's results account by
-- account on the bench data (checked when the figures were recorded, see
-- docs/performance.md).  Both sides read only the rows that meet a
-- condition where the function ignores the others.

-- workload: plain SQL pattern visit .* download .* meeting, string_agg + regex
-- One letter per touch in the matcher's order (time, then condition
-- number), searched with the regular expression a.*b.*c.
SELECT account_id,
       string_agg(CASE activity WHEN 'web_visit' THEN 'a' WHEN 'content_download' THEN 'b' ELSE 'c' END, ''
                  ORDER BY occurred_at, CASE activity WHEN 'web_visit' THEN 1 WHEN 'content_download' THEN 2 ELSE 3 END)
         ~ 'a.*b.*c'
FROM bench.touches WHERE activity IN ('web_visit', 'content_download', 'meeting_booked')
GROUP BY account_id;

-- workload: abm_sequence_match visit .* download .* meeting
-- against: plain SQL pattern visit .* download .* meeting, string_agg + regex
-- bar: >= 5
SELECT account_id,
       abm_sequence_match('(?1).*(?2).*(?3)', occurred_at, activity = 'web_visit', activity = 'content_download',
                          activity = 'meeting_booked')
FROM bench.touches WHERE activity IN ('web_visit', 'content_download', 'meeting_booked')
GROUP BY account_id;

-- workload: abm_sequence_match visit .* download .* meeting, every touch read
-- against: floor
SELECT account_id,
       abm_sequence_match('(?1).*(?2).*(?3)', occurred_at, activity = 'web_visit', activity = 'content_download',
                          activity = 'meeting_booked')
FROM bench.touches GROUP BY account_id;

-- workload: plain SQL download then meeting within 7 days, self-join
-- Some download followed by a meeting at most 7 days later (a meeting at
-- the download's instant counts: it sorts after the download).
SELECT a.account_id,
       EXISTS (SELECT FROM bench.touches d JOIN bench.touches m
                 ON m.account_id = d.account_id AND m.activity = 'meeting_booked'
                AND m.occurred_at >= d.occurred_at AND m.occurred_at <= d.occurred_at + interval '7 days'
               WHERE d.account_id = a.account_id AND d.activity = 'content_download')
FROM (SELECT DISTINCT account_id FROM bench.touches
      WHERE activity IN ('content_download', 'meeting_booked')) a;

-- workload: abm_sequence_match download then meeting within 7 days
-- against: plain SQL download then meeting within 7 days, self-join
-- bar: >= 5
SELECT account_id,
       abm_sequence_match('(?1)(?t<=604800)(?2)', occurred_at, activity = 'content_download', activity = 'meeting_booked')
FROM bench.touches WHERE activity IN ('content_download', 'meeting_booked')
GROUP BY account_id;

-- workload: plain SQL count of click .* visit, string_agg + regexp_count
-- Non-overlapping leftmost-shortest matches of a.*?b.
SELECT account_id,
       regexp_count(string_agg(CASE activity WHEN 'email_click' THEN 'a' ELSE 'b' END, ''
                               ORDER BY occurred_at, CASE activity WHEN 'email_click' THEN 1 ELSE 2 END), 'a.*?b')
FROM bench.touches WHERE activity IN ('email_click', 'web_visit')
GROUP BY account_id;

-- workload: abm_sequence_count click .* visit
-- against: plain SQL count of click .* visit, string_agg + regexp_count
-- bar: >= 5
SELECT account_id, abm_sequence_count('(?1).*(?2)', occurred_at, activity = 'email_click', activity = 'web_visit')
FROM bench.touches WHERE activity IN ('email_click', 'web_visit')
GROUP BY account_id;

-- workload: plain SQL chain timestamps visit, download, meeting, joins
-- The first visit, the first download at or after it, the first meeting at
-- or after that.
WITH v AS (SELECT account_id, min(occurred_at) AS t1 FROM bench.touches WHERE activity = 'web_visit' GROUP BY 1),
d AS (SELECT v.account_id, v.t1, min(t.occurred_at) AS t2
      FROM v LEFT JOIN bench.touches t ON t.account_id = v.account_id AND t.activity = 'content_download' AND t.occurred_at >= v.t1
      GROUP BY 1, 2),
m AS (SELECT d.account_id, d.t1, d.t2, min(t.occurred_at) AS t3
      FROM d LEFT JOIN bench.touches t ON t.account_id = d.account_id AND t.activity = 'meeting_booked' AND t.occurred_at >= d.t2
      GROUP BY 1, 2, 3)
SELECT a.account_id, array_remove(ARRAY[m.t1, m.t2, m.t3], NULL)
FROM (SELECT DISTINCT account_id FROM bench.touches WHERE activity IN ('web_visit', 'content_download', 'meeting_booked')) a
LEFT JOIN m USING (account_id);

-- workload: abm_sequence_match_events visit .* download .* meeting
-- against: plain SQL chain timestamps visit, download, meeting, joins
-- bar: >= 5
SELECT account_id,
       abm_sequence_match_events('(?1).*(?2).*(?3)', occurred_at, activity = 'web_visit', activity = 'content_download',
                                 activity = 'meeting_booked')
FROM bench.touches WHERE activity IN ('web_visit', 'content_download', 'meeting_booked')
GROUP BY account_id;

-- workload: plain SQL activity after the first download, window functions
WITH o AS (SELECT account_id, activity,
                  lead(activity) OVER (PARTITION BY account_id ORDER BY occurred_at, activity COLLATE "C") AS next_activity,
                  row_number() OVER (PARTITION BY account_id, activity = 'content_download'
                                     ORDER BY occurred_at, activity COLLATE "C") AS k
           FROM bench.touches)
SELECT a.account_id, o.next_activity
FROM (SELECT DISTINCT account_id FROM bench.touches) a
LEFT JOIN o ON o.account_id = a.account_id AND o.activity = 'content_download' AND o.k = 1;

-- workload: abm_sequence_next_node activity after the first download
-- against: plain SQL activity after the first download, window functions
-- bar: >= 5
SELECT account_id, abm_sequence_next_node('forward', 'first_match', occurred_at, activity, true, activity = 'content_download')
FROM bench.touches GROUP BY account_id;

-- workload: plain SQL last 3 steps before the first meeting, window functions
WITH c AS (SELECT account_id, min(occurred_at) FILTER (WHERE activity = 'meeting_booked') AS conv_at
           FROM bench.touches GROUP BY 1),
r AS (SELECT t.account_id, t.occurred_at, t.activity,
             lag(t.activity) OVER (PARTITION BY t.account_id ORDER BY t.occurred_at, t.activity COLLATE "C") AS prev
      FROM bench.touches t JOIN c USING (account_id)
      WHERE t.activity <> 'meeting_booked' AND (c.conv_at IS NULL OR t.occurred_at < c.conv_at)),
runs AS (SELECT account_id, occurred_at, activity, activity IS DISTINCT FROM prev AS starts_run,
                count(*) FILTER (WHERE activity IS DISTINCT FROM prev)
                  OVER (PARTITION BY account_id ORDER BY occurred_at, activity COLLATE "C" ROWS UNBOUNDED PRECEDING) AS run
         FROM r),
kept AS (SELECT * FROM (SELECT runs.*, max(run) OVER (PARTITION BY account_id) AS nruns FROM runs) x
         WHERE run > nruns - 3)
SELECT c.account_id, coalesce(p.path, '{}'), c.conv_at IS NOT NULL,
       extract(epoch FROM c.conv_at - p.first_at) / 86400
FROM c LEFT JOIN (SELECT account_id, array_agg(activity ORDER BY occurred_at, activity COLLATE "C") FILTER (WHERE starts_run) AS path,
                         min(occurred_at) AS first_at
                  FROM kept GROUP BY 1) p USING (account_id);

-- workload: abm_path last 3 steps before the first meeting
-- against: plain SQL last 3 steps before the first meeting, window functions
-- bar: >= 5
SELECT account_id, abm_path(3, occurred_at, activity, activity = 'meeting_booked')
FROM bench.touches GROUP BY account_id;
