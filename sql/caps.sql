-- Every cap on a growing state (docs/reliability.md lists them): a group
-- at the cap is accepted, one element more fails with 54000 and a hint,
-- and the session goes on.  The rows come from generate_series in the
-- select list (no materialized function scan) and plans are serial, so
-- each query holds one state.
SET max_parallel_workers_per_gather = 0;
SET TimeZone = 'UTC';

-- abm_window_funnel: 10 000 000 rows that match a step per group.  One
-- step, every row matches it: level 1.
SELECT abm_window_funnel('1 s', timestamptz '2025-01-01' + i * interval '1 us', true) AS level
FROM (SELECT generate_series(1, 10000000) i) s;
SELECT abm_window_funnel('1 s', timestamptz '2025-01-01' + i * interval '1 us', true) AS level
FROM (SELECT generate_series(1, 10000001) i) s;
\echo :LAST_ERROR_SQLSTATE

-- strict_once: 1 000 000 open chains over all levels.  1 000 step-1 rows,
-- then step-2 rows, each continuing all 1 000 step-1 chains: 999 of them
-- make 1 000 + 999 x 1 000 = 1 000 000 chains (level 2: step 3 never
-- happens); 1 000 would make 1 001 000.
SELECT abm_window_funnel('1 year', 'strict_once', timestamptz '2025-01-01' + i * interval '1 s', i <= 1000, i > 1000, false) AS level
FROM (SELECT generate_series(1, 1999) i) s;
SELECT abm_window_funnel('1 year', 'strict_once', timestamptz '2025-01-01' + i * interval '1 s', i <= 1000, i > 1000, false) AS level
FROM (SELECT generate_series(1, 2000) i) s;
\echo :LAST_ERROR_SQLSTATE

-- abm_coverage: 10 000 000 distinct contacts per group.
SELECT (abm_coverage(i, NULL, false)).contacts
FROM (SELECT generate_series(1, 10000000) i) s;
SELECT (abm_coverage(i, NULL, false)).contacts
FROM (SELECT generate_series(1, 10000001) i) s;
\echo :LAST_ERROR_SQLSTATE

-- abm_deal_cycle: 10 000 000 deals per group.
SELECT (abm_deal_cycle(t, t + i * interval '1 us')).deals
FROM (SELECT timestamptz '2025-01-01' t, generate_series(1, 10000000) i) s;
SELECT (abm_deal_cycle(t, t + i * interval '1 us')).deals
FROM (SELECT timestamptz '2025-01-01' t, generate_series(1, 10000001) i) s;
\echo :LAST_ERROR_SQLSTATE

-- abm_view_through: 10 000 000 impressions, clicks and conversions per
-- group.  Impressions only: no conversion.
SELECT abm_view_through(timestamptz '2025-01-01' + i * interval '1 us', true, false, false, '1 day')
FROM (SELECT generate_series(1, 10000000) i) s;
SELECT abm_view_through(timestamptz '2025-01-01' + i * interval '1 us', true, false, false, '1 day')
FROM (SELECT generate_series(1, 10000001) i) s;
\echo :LAST_ERROR_SQLSTATE

-- abm_funnel: 10 000 000 durations per stage, through the text input and
-- through abm_rollup (the merge the aggregate's combine shares).
SELECT (SELECT median_days_from_previous FROM abm_funnel_steps(f) WHERE step = 2) AS median
FROM (SELECT ('{target: 10000000, engaged: 10000000 (' || repeat('2 ', 10000000) || ')}')::abm_funnel f) s;
SELECT ('{target: 10000001, engaged: 10000001 (' || repeat('2 ', 10000001) || ')}')::abm_funnel IS NOT NULL;
\echo :LAST_ERROR_SQLSTATE
SELECT abm_rollup(f) IS NOT NULL
FROM (VALUES (('{target: 5000000, engaged: 5000000 (' || repeat('2 ', 5000000) || ')}')::abm_funnel),
             (('{target: 5000001, engaged: 5000001 (' || repeat('2 ', 5000001) || ')}')::abm_funnel)) v(f);
\echo :LAST_ERROR_SQLSTATE

-- abm_attribute: 10 000 000 touches per conversion (the window form of
-- abm_attribution_credit checks its partition against the same cap).
-- linear: every touch gets 1/n, so the credits sum to 1 (to rounding) and
-- the largest is 1e-7.
SELECT count(*), round(sum(credit)::numeric, 6) AS total, max(credit)
FROM abm_attribute('linear', array_fill(1::bigint, ARRAY[10000000]),
                   array_fill(timestamptz '2025-01-01', ARRAY[10000000]), '2025-02-01');
SELECT count(*)
FROM abm_attribute('linear', array_fill(1::bigint, ARRAY[10000001]),
                   array_fill(timestamptz '2025-01-01', ARRAY[10000001]), '2025-02-01');
\echo :LAST_ERROR_SQLSTATE

-- abm_engagement_agg and abm_rollup(abm_engagement) over a moving frame:
-- 1 000 000 rows per frame.  ROWS 999 999 PRECEDING holds at most
-- 1 000 000 rows: every touch counts in the last frame's total;
-- 1 000 000 PRECEDING reaches 1 000 001 rows.
SELECT abm_touches(e) AS touches_in_last_frame
FROM (SELECT i, abm_engagement_agg('chat', timestamptz '2025-01-01' + i * interval '1 s', NULL, '7 days')
                OVER (ORDER BY i ROWS BETWEEN 999999 PRECEDING AND CURRENT ROW) e
      FROM (SELECT generate_series(1, 1000001) i) s) w
ORDER BY i DESC LIMIT 1;
SELECT abm_touches(e) AS touches_in_last_frame
FROM (SELECT i, abm_engagement_agg('chat', timestamptz '2025-01-01' + i * interval '1 s', NULL, '7 days')
                OVER (ORDER BY i ROWS BETWEEN 1000000 PRECEDING AND CURRENT ROW) e
      FROM (SELECT generate_series(1, 1000001) i) s) w
ORDER BY i DESC LIMIT 1;
\echo :LAST_ERROR_SQLSTATE

-- abm_rollup(abm_journey) over a moving frame: 1 000 000 rows per frame.
-- Row i entered target at 2025-01-01 plus i seconds, so the last frame of
-- ROWS 999 999 PRECEDING (rows 2 .. 1 000 001) entered it first at row 2's
-- time; 1 000 000 PRECEDING reaches 1 000 001 rows.
SELECT abm_entered(j, 'target') = timestamptz '2025-01-01 00:00:02+00' AS last_frame_starts_at_row_2
FROM (SELECT i, abm_rollup(j) OVER (ORDER BY i ROWS BETWEEN 999999 PRECEDING AND CURRENT ROW) j
      FROM (SELECT i, ('{target: ' || to_char(timestamp '2025-01-01' + i * interval '1 s', 'YYYY-MM-DD HH24:MI:SS')
                       || '+00}')::abm_journey j
            FROM generate_series(1, 1000001) i) s) w
ORDER BY i DESC LIMIT 1;
SELECT abm_entered(j, 'target') = timestamptz '2025-01-01 00:00:02+00' AS last_frame_starts_at_row_2
FROM (SELECT i, abm_rollup(j) OVER (ORDER BY i ROWS BETWEEN 1000000 PRECEDING AND CURRENT ROW) j
      FROM (SELECT i, ('{target: ' || to_char(timestamp '2025-01-01' + i * interval '1 s', 'YYYY-MM-DD HH24:MI:SS')
                       || '+00}')::abm_journey j
            FROM generate_series(1, 1000001) i) s) w
ORDER BY i DESC LIMIT 1;
\echo :LAST_ERROR_SQLSTATE

-- The sequence aggregates (one event store, src/events.c): 10 000 000
-- events per group.  '(?1)' is matched by every event on its own, so the
-- count of non-overlapping matches is the number of events.
SELECT abm_sequence_count('(?1)', timestamptz '2025-01-01' + i * interval '1 us', true)
FROM (SELECT generate_series(1, 10000000) i) s;
SELECT abm_sequence_count('(?1)', timestamptz '2025-01-01' + i * interval '1 us', true)
FROM (SELECT generate_series(1, 10000001) i) s;
\echo :LAST_ERROR_SQLSTATE

-- abm_sequence_next_node: 10 000 000 nodes per group (first_match keeps
-- every node); every value is 'x', so the node after the first match is 'x'.
SELECT abm_sequence_next_node('forward', 'first_match', timestamptz '2025-01-01' + i * interval '1 us', 'x', true, true)
FROM (SELECT generate_series(1, 10000000) i) s;
SELECT abm_sequence_next_node('forward', 'first_match', timestamptz '2025-01-01' + i * interval '1 us', 'x', true, true)
FROM (SELECT generate_series(1, 10000001) i) s;
\echo :LAST_ERROR_SQLSTATE
-- and 268 435 456 bytes of distinct values: 256 values of 1 MiB fit; the
-- base is row 1, so the next node is row 2's value.
SELECT abm_sequence_next_node('forward', 'first_match', timestamptz '2025-01-01' + i * interval '1 us',
                              lpad(i::text, 1048576, 'x'), i = 1, true) = lpad('2', 1048576, 'x') AS row_2
FROM (SELECT generate_series(1, 256) i) s;
SELECT abm_sequence_next_node('forward', 'first_match', timestamptz '2025-01-01' + i * interval '1 us',
                              lpad(i::text, 1048576, 'x'), i = 1, true) IS NULL
FROM (SELECT generate_series(1, 257) i) s;
\echo :LAST_ERROR_SQLSTATE

-- abm_path: 10 000 000 rows per group (a path of one repeated activity is
-- that activity once), 65 536 distinct activities (the last three steps are
-- the last three activities), 67 108 864 bytes of them (64 of 1 MiB).
SELECT (abm_path(3, timestamptz '2025-01-01' + i * interval '1 us', 'a', false)).path
FROM (SELECT generate_series(1, 10000000) i) s;
SELECT (abm_path(3, timestamptz '2025-01-01' + i * interval '1 us', 'a', false)).path
FROM (SELECT generate_series(1, 10000001) i) s;
\echo :LAST_ERROR_SQLSTATE
SELECT (abm_path(3, timestamptz '2025-01-01' + i * interval '1 us', i::text, false)).path
FROM (SELECT generate_series(1, 65536) i) s;
SELECT (abm_path(3, timestamptz '2025-01-01' + i * interval '1 us', i::text, false)).path
FROM (SELECT generate_series(1, 65537) i) s;
\echo :LAST_ERROR_SQLSTATE
SELECT (abm_path(3, timestamptz '2025-01-01' + i * interval '1 us', lpad(i::text, 1048576, 'x'), false)).path[1]
       = lpad('62', 1048576, 'x') AS step_62_first
FROM (SELECT generate_series(1, 64) i) s;
SELECT (abm_path(3, timestamptz '2025-01-01' + i * interval '1 us', lpad(i::text, 1048576, 'x'), false)).path IS NULL
FROM (SELECT generate_series(1, 65) i) s;
\echo :LAST_ERROR_SQLSTATE

-- abm_report_touches (the report's pass): 10 000 000 impressions, clicks
-- and conversions per account; 1 048 576 distinct contacts per account,
-- step and set (email openers here, who are also engaged contacts).
SELECT ((abm_report_touches(1, timestamptz '2025-01-01' + i * interval '1 us', 'ad_impression', NULL, NULL,
                            NULL, NULL, NULL, NULL, NULL, NULL, NULL, '{2025-01-01,2026-01-01}', '{2024-12-25}', '{2025-11-26}',
                            '30 days', NULL, '7 days', '7 days', '28 days'))[1]).ad_impressions
FROM (SELECT generate_series(1, 10000000) i) s;
SELECT ((abm_report_touches(1, timestamptz '2025-01-01' + i * interval '1 us', 'ad_impression', NULL, NULL,
                            NULL, NULL, NULL, NULL, NULL, NULL, NULL, '{2025-01-01,2026-01-01}', '{2024-12-25}', '{2025-11-26}',
                            '30 days', NULL, '7 days', '7 days', '28 days'))[1]).ad_impressions
FROM (SELECT generate_series(1, 10000001) i) s;
\echo :LAST_ERROR_SQLSTATE
SELECT ((abm_report_touches(1, timestamptz '2025-01-01' + i * interval '1 us', 'email_open', i, NULL,
                            NULL, NULL, NULL, NULL, NULL, NULL, NULL, '{2025-01-01,2026-01-01}', '{2024-12-25}', '{2025-11-26}',
                            '30 days', NULL, '7 days', '7 days', '28 days'))[1]).email_openers
FROM (SELECT generate_series(1, 1048576) i) s;
SELECT ((abm_report_touches(1, timestamptz '2025-01-01' + i * interval '1 us', 'email_open', i, NULL,
                            NULL, NULL, NULL, NULL, NULL, NULL, NULL, '{2025-01-01,2026-01-01}', '{2024-12-25}', '{2025-11-26}',
                            '30 days', NULL, '7 days', '7 days', '28 days'))[1]).email_openers
FROM (SELECT generate_series(1, 1048577) i) s;
\echo :LAST_ERROR_SQLSTATE
-- The account's arguments: listed 1 000 times in accounts, its one touch
-- counts 1 000 times; with 100 000 opportunities, created on 2025-03-02
-- with look-back windows from 2025-01-01, the touch on 2025-03-01
-- influences all 100 000 (amount 1 each).  One more of either: 54000.
CREATE FUNCTION pg_temp.rt_one(copies int, opps int) RETURNS abm_report_account LANGUAGE sql AS $$
    SELECT (abm_report_touches(1, '2025-03-01', 'web_visit', NULL, NULL, array_fill(1::bigint, ARRAY[copies]),
                               NULL, NULL, array_fill(1::bigint, ARRAY[opps]),
                               array_fill(timestamptz '2025-03-02', ARRAY[opps]),
                               array_fill(timestamptz '2025-01-01', ARRAY[opps]), array_fill(1::numeric, ARRAY[opps]),
                               '{2025-01-01,2026-01-01}', '{2024-12-25}', '{2025-11-26}', '30 days', NULL, '7 days',
                               '7 days', '28 days'))[1]
$$;
SELECT (r).web_visits, (r).influenced_opportunities, (r).influenced_amount FROM pg_temp.rt_one(1000, 100000) r;
SELECT (pg_temp.rt_one(1001, 1)).web_visits;
\echo :LAST_ERROR_SQLSTATE
SELECT (pg_temp.rt_one(1, 100001)).influenced_opportunities;
\echo :LAST_ERROR_SQLSTATE

-- abm_report_contracts (the report's contract KPIs): 4 000 000 contracts,
-- here of as many accounts, free pilots from 2024-01-01 + i % 500 days to
-- 2025-06-01 + i % 300 days: customers on 2025-01-01 are those starting
-- before it (i % 500 < 366), on 2025-07-01 those ending on or after it
-- (i % 300 >= 30).  One more: 54000.
SELECT (r).customers_at_start = 8000 * 366 AS at_start_right,
       (r).customers_at_end = (SELECT count(*) FROM generate_series(1, 4000000) i WHERE i % 300 >= 30) AS at_end_right
FROM (SELECT (abm_report_contracts(i, date '2024-01-01' + i % 500, date '2025-06-01' + i % 300, NULL,
                                   '{2025-01-01,2025-07-01}', '30 days'))[1] AS r
      FROM generate_series(1, 4000000) i) s;
SELECT cardinality(abm_report_contracts(i, date '2024-01-01' + i % 500, date '2025-06-01' + i % 300, NULL,
                                        '{2025-01-01,2025-07-01}', '30 days'))
FROM generate_series(1, 4000001) i;
\echo :LAST_ERROR_SQLSTATE

-- sequence patterns: 1 024 bytes.  (?1) 256 times is 1 024 bytes, a chain
-- of 256 events meeting condition 1: 256 events match it, 255 do not.
SELECT abm_sequence_match(repeat('(?1)', 256), timestamptz '2025-01-01' + i * interval '1 s', true) AS all_256
FROM (SELECT generate_series(1, 256) i) s;
SELECT abm_sequence_match(repeat('(?1)', 256), timestamptz '2025-01-01' + i * interval '1 s', true) AS only_255
FROM (SELECT generate_series(1, 255) i) s;
SELECT abm_sequence_match(repeat('(?1)', 256) || '.', timestamptz '2025-01-01' + i * interval '1 s', true)
FROM (SELECT generate_series(1, 256) i) s;
\echo :LAST_ERROR_SQLSTATE

-- The data-driven attribution models (src/channel.c, src/markov.c,
-- src/shapley.c).  Channel names: 1 024 bytes.  One converting journey
-- through one channel: it has all the credit.
SELECT channel = repeat('x', 1024) AS long_name, credit
FROM abm_markov_credits((SELECT abm_markov_attribution(ARRAY[repeat('x', 1024)], true)));
SELECT abm_markov_attribution(ARRAY[repeat('x', 1025)], true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_shapley_attribution(ARRAY[repeat('x', 1025)], true);
\echo :LAST_ERROR_SQLSTATE

-- Journeys of 100 000 channels.  One journey of 'web' 100 000 times: one
-- step in, 99 999 from web to web, one to conversion.
SELECT abm_markov_attribution(array_fill('web'::text, ARRAY[100000]), true)::text AS journey;
SELECT abm_markov_attribution(array_fill('web'::text, ARRAY[100001]), true);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_shapley_attribution(array_fill('web'::text, ARRAY[100001]), true);
\echo :LAST_ERROR_SQLSTATE

-- abm_markov_attribution: 1 000 distinct channels.  One converting journey
-- c1, ..., c1000: removing any channel cuts the only path, so every
-- removal effect is 1 and every credit 1 / 1000.
SELECT count(*) AS channels, min(removal_effect), max(removal_effect), min(credit), max(credit)
FROM abm_markov_credits((SELECT abm_markov_attribution(ARRAY(SELECT 'c' || i FROM generate_series(1, 1000) i), true)));
SELECT abm_markov_attribution(ARRAY(SELECT 'c' || i FROM generate_series(1, 1001) i), true);
\echo :LAST_ERROR_SQLSTATE

-- 1 000 000 distinct transitions (state, next).  Journeys k = 0 .. K - 1 of
-- two channels c(k / 1000), c(k mod 1000), none converting: K distinct
-- middle transitions, start > c0 .. c(K - 1) / 1000, and c0 .. c999 > null.
-- K = 998 001: 998 001 + 999 + 1 000 = 1 000 000 transitions (counted in
-- the text form, one " > " each); K = 998 002 adds c998 > c1.
SELECT (length(t) - length(replace(t, ' > ', ''))) / 3 AS transitions
FROM (SELECT abm_markov_attribution(ARRAY['c' || (k / 1000), 'c' || (k % 1000)], false)::text t
      FROM (SELECT generate_series(0, 998000) k) s) m;
SELECT abm_markov_attribution(ARRAY['c' || (k / 1000), 'c' || (k % 1000)], false) IS NOT NULL
FROM (SELECT generate_series(0, 998001) k) s;
\echo :LAST_ERROR_SQLSTATE

-- 1 000 000 sweeps of the solver.  One journey a, then N times b, a, then
-- conversion: from a the chain goes to b with probability N / (N + 1) and
-- b always comes back, so each sweep closes 1 / (N + 1) of the gap to the
-- answer, 1.  Without b the journey converts with probability 1 / (N + 1):
-- removal effects 1 and N / (N + 1), credits (N + 1) / (2N + 1) and
-- N / (2N + 1).  N = 10 000 converges in about 272 000 sweeps (the gap
-- shrinks by (N / (N + 1))^k); N = 1 000 000 000 would need about
-- 28 000 000 000.
SELECT channel, round(removal_effect::numeric, 12) AS removal_effect, round(credit::numeric, 12) AS credit,
       round(CASE channel WHEN 'a' THEN 10001 / 20001.0 ELSE 10000 / 20001.0 END, 12) AS expected_credit
FROM abm_markov_credits('{order: 1, channels: {"a": 1, "b": 1}, transitions: {start > "a": 1,
                          "a" > "b": 10000, "b" > "a": 10000, "a" > conversion: 1}}')
ORDER BY channel;
SELECT * FROM abm_markov_credits('{order: 1, channels: {"a": 1, "b": 1}, transitions: {start > "a": 1,
                                   "a" > "b": 1000000000, "b" > "a": 1000000000, "a" > conversion: 1}}');
\echo :LAST_ERROR_SQLSTATE

-- abm_shapley_attribution: 16 distinct channels.  One converting journey
-- through all 16: they are symmetric, 1 / 16 each.
SELECT count(*) AS channels, min(credit), max(credit), sum(conversions)
FROM abm_shapley_credits((SELECT abm_shapley_attribution(ARRAY(SELECT 'c' || i FROM generate_series(1, 16) i), true)));
SELECT abm_shapley_attribution(ARRAY(SELECT 'c' || i FROM generate_series(1, 17) i), true);
\echo :LAST_ERROR_SQLSTATE

SELECT 'the session goes on' AS after_the_caps;
