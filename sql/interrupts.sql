-- Every loop over rows, events, chains, contacts or touches checks for
-- interrupts: each aggregate with a growing state, and each function that
-- loops over user data, gets its worst-case input (work quadratic in the
-- rows where one exists, else a large input; a set-returning function gets
-- arguments that change per row, so it is not scanned once and reused)
-- under statement_timeout = 500ms,
-- and the cancel must come within 2.5 s of the timeout (3 s after the
-- statement began; on a loaded machine the timeout itself may come late,
-- so the bound is generous, not tight).  Aggregates whose state has a
-- fixed size are listed as such; an aggregate missing from the list shows
-- up below.
SET max_parallel_workers_per_gather = 0;
SET TimeZone = 'UTC';

CREATE FUNCTION pg_temp.cancel_verdict(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz := clock_timestamp();
BEGIN
    BEGIN
        EXECUTE q;
    EXCEPTION WHEN query_canceled THEN
        IF clock_timestamp() - t0 < interval '3 s' THEN
            RETURN 'cancelled in time';
        END IF;
        RETURN 'cancelled late: ' || (clock_timestamp() - t0);
    END;
    RETURN 'finished within the timeout: not a worst case';
END $$;

CREATE TEMP TABLE worst_case (fn text, query text);
CREATE TEMP TABLE rs_worst AS
SELECT (SELECT array_agg(jsonb_populate_record(NULL::abm_report_account,
                                               jsonb_build_object('step', k, 'engaged_contact_ids', jsonb_build_array(2000000))))
        FROM generate_series(1, 1000) k)::abm_report_accounts AS a,
       (SELECT array_agg(i::bigint) FROM generate_series(1, 2000000) i) AS ids;
INSERT INTO worst_case VALUES
    -- Markov: 900 channels (the cap is 1000), hundreds of thousands of
    -- distinct transitions (the cap is 1 000 000), and a final function that
    -- solves the chain once per channel removed; Shapley: every set of 16
    -- channels.  Each must outlast the timeout with room to spare: at
    -- 2 000 000 rows (400 000 for the rollup) the Shapley queries finished
    -- in 2.4 s and 1.5 s on a loaded machine under PostgreSQL 18, close
    -- enough to 1 s for a quiet one to finish first
    ('abm_markov_attribution(text[],boolean,integer)',
     $$SELECT abm_markov_attribution(ARRAY['c' || (i % 900), 'c' || (i * 7 % 900), 'c' || (i * 13 % 900)], i % 3 = 0, 3)
       FROM generate_series(1, 3000000) i$$),
    ('abm_markov_attribution(text[],boolean)',
     $$SELECT abm_markov_attribution(ARRAY['c' || (i % 900), 'c' || (i * 7 % 900), 'c' || (i * 13 % 900)], i % 3 = 0)
       FROM generate_series(1, 3000000) i$$),
    ('abm_shapley_attribution(text[],boolean)',
     $$SELECT abm_shapley_attribution(ARRAY['c' || (i % 16), 'c' || (i / 16 % 16), 'c' || (i / 256 % 16)], i % 3 = 0)
       FROM generate_series(1, 20000000) i$$),
    ('abm_rollup(abm_markov)',
     $$SELECT abm_rollup(m) FROM (SELECT abm_markov_attribution(ARRAY['c' || (i % 900), 'c' || (i * 7 % 900)], i % 2 = 0) m
                                   FROM generate_series(1, 300000) i GROUP BY i % 3000) s$$),
    ('abm_rollup(abm_shapley)',
     $$SELECT abm_rollup(m) FROM (SELECT abm_shapley_attribution(ARRAY['c' || (i % 16), 'c' || (i / 16 % 16)], i % 2 = 0) m
                                   FROM generate_series(1, 4000000) i GROUP BY i % 400000) s$$),
    -- strict_once: every step-2 row walks every step-1 chain and, with
    -- strict_increase at one instant, continues none (no cap to hit)
    ('abm_window_funnel(interval,text,timestamp with time zone,boolean[])',
     $$SELECT abm_window_funnel('1 year', 'strict_once, strict_increase', timestamptz '2025-01-01', i <= 200000, i > 200000, false)
       FROM (SELECT generate_series(1, 400000) i) s$$),
    ('abm_window_funnel_times(interval,text,timestamp with time zone,boolean[])',
     $$SELECT abm_window_funnel_times('1 year', 'strict_once, strict_increase', timestamptz '2025-01-01', i <= 200000, i > 200000)
       FROM (SELECT generate_series(1, 400000) i) s$$),
    -- growing frames: every row's final function sorts and walks the rows so far
    ('abm_window_funnel(interval,timestamp with time zone,boolean[])',
     $$SELECT count(x) FROM (SELECT abm_window_funnel('1 day', timestamptz '2025-01-01' + (i::bigint * 7919 % 100000) * interval '1 s', i % 3 = 0, i % 3 = 1) OVER (ORDER BY i) x
       FROM (SELECT generate_series(1, 200000) i) s) w$$),
    ('abm_window_funnel_times(interval,timestamp with time zone,boolean[])',
     $$SELECT count(x) FROM (SELECT abm_window_funnel_times('1 day', timestamptz '2025-01-01' + (i::bigint * 7919 % 100000) * interval '1 s', i % 3 = 0, i % 3 = 1) OVER (ORDER BY i) x
       FROM (SELECT generate_series(1, 200000) i) s) w$$),
    -- the same over named steps
    ('abm_window_funnel(interval,text,timestamp with time zone,text,text[])',
     $$SELECT abm_window_funnel('1 year', 'strict_once, strict_increase', timestamptz '2025-01-01', CASE WHEN i <= 200000 THEN 'a' ELSE 'b' END, 'a', 'b', 'c')
       FROM (SELECT generate_series(1, 400000) i) s$$),
    ('abm_window_funnel_times(interval,text,timestamp with time zone,text,text[])',
     $$SELECT abm_window_funnel_times('1 year', 'strict_once, strict_increase', timestamptz '2025-01-01', CASE WHEN i <= 200000 THEN 'a' ELSE 'b' END, 'a', 'b')
       FROM (SELECT generate_series(1, 400000) i) s$$),
    ('abm_window_funnel(interval,timestamp with time zone,text,text[])',
     $$SELECT count(x) FROM (SELECT abm_window_funnel('1 day', timestamptz '2025-01-01' + (i::bigint * 7919 % 100000) * interval '1 s', CASE i % 3 WHEN 0 THEN 'a' WHEN 1 THEN 'b' END, 'a', 'b') OVER (ORDER BY i) x
       FROM (SELECT generate_series(1, 200000) i) s) w$$),
    ('abm_window_funnel_times(interval,timestamp with time zone,text,text[])',
     $$SELECT count(x) FROM (SELECT abm_window_funnel_times('1 day', timestamptz '2025-01-01' + (i::bigint * 7919 % 100000) * interval '1 s', CASE i % 3 WHEN 0 THEN 'a' WHEN 1 THEN 'b' END, 'a', 'b') OVER (ORDER BY i) x
       FROM (SELECT generate_series(1, 200000) i) s) w$$),
    ('abm_coverage(bigint,text,boolean)',
     $$SELECT count(x) FROM (SELECT abm_coverage(-i, 'champion', true) OVER (ORDER BY i) x
       FROM (SELECT generate_series(1, 200000) i) s) w$$),
    ('abm_coverage(bigint,text,boolean,text[])',
     $$SELECT count(x) FROM (SELECT abm_coverage(-i, 'champion', true, '{champion}') OVER (ORDER BY i) x
       FROM (SELECT generate_series(1, 200000) i) s) w$$),
    ('abm_coverage(bigint,text,boolean,text[],double precision)',
     $$SELECT count(x) FROM (SELECT abm_coverage(-i, 'champion', true, '{champion}', 5) OVER (ORDER BY i) x
       FROM (SELECT generate_series(1, 200000) i) s) w$$),
    ('abm_deal_cycle(timestamp with time zone,timestamp with time zone)',
     $$SELECT count(x) FROM (SELECT abm_deal_cycle(t, t + (i::bigint * 7919 % 100000) * interval '1 s') OVER (ORDER BY i) x
       FROM (SELECT timestamptz '2025-01-01' t, generate_series(1, 200000) i) s) w$$),
    ('abm_deal_cycle_length(timestamp with time zone,timestamp with time zone)',
     $$SELECT count(x) FROM (SELECT abm_deal_cycle_length(t, t + (i::bigint * 7919 % 100000) * interval '1 s') OVER (ORDER BY i) x
       FROM (SELECT timestamptz '2025-01-01' t, generate_series(1, 200000) i) s) w$$),
    ('abm_view_through(timestamp with time zone,boolean,boolean,boolean,interval)',
     $$SELECT count(x) FROM (SELECT abm_view_through(timestamptz '2025-01-01' + (i::bigint * 7919 % 100000) * interval '1 s', i % 2 = 0, false, i % 2 = 1, '1 day') OVER (ORDER BY i) x
       FROM (SELECT generate_series(1, 200000) i) s) w$$),
    ('abm_funnel(abm_journey)',
     $$SELECT count(x) FROM (SELECT abm_funnel('{target: 2025-01-01 00:00:00+00, engaged: 2025-01-02 00:00:00+00}'::abm_journey) OVER (ORDER BY i) x
       FROM (SELECT generate_series(1, 200000) i) s) w$$),
    -- the value is the state: every row reads and writes all durations so far
    ('abm_rollup(abm_funnel)',
     $$SELECT abm_rollup('{target: 1, engaged: 1 (1.5)}'::abm_funnel) FROM (SELECT generate_series(1, 200000) i) s$$),
    -- moving frames of a million rows
    ('abm_engagement_agg(text,timestamp with time zone,bigint,interval)',
     $$SELECT count(x) FROM (SELECT abm_engagement_agg('chat', timestamptz '2025-01-01' + i * interval '1 s', i, '7 days')
       OVER (ORDER BY i ROWS BETWEEN 999999 PRECEDING AND CURRENT ROW) x FROM (SELECT generate_series(1, 10000000) i) s) w$$),
    ('abm_engagement_agg(text,double precision,timestamp with time zone,bigint,interval)',
     $$SELECT count(x) FROM (SELECT abm_engagement_agg('chat', 2, timestamptz '2025-01-01' + i * interval '1 s', i, '7 days')
       OVER (ORDER BY i ROWS BETWEEN 999999 PRECEDING AND CURRENT ROW) x FROM (SELECT generate_series(1, 10000000) i) s) w$$),
    ('abm_rollup(abm_journey)',
     $$SELECT count(x) FROM (SELECT abm_rollup(j) OVER (ORDER BY i ROWS BETWEEN 999999 PRECEDING AND CURRENT ROW) x
       FROM (SELECT i, ('{target: 2025-01-01 00:00:00+00, engaged: ' || (timestamptz '2025-01-02' + i * interval '1 s') || '}')::abm_journey j
             FROM generate_series(1, 5000000) i) s) w$$),
    -- sliding funnels: every row's final function writes the frame's
    -- durations (10 000 of them)
    ('abm_rollup(abm_funnel)',
     $$SELECT count(x) FROM (SELECT abm_rollup(f) OVER (ORDER BY i ROWS BETWEEN 999 PRECEDING AND CURRENT ROW) x
       FROM (SELECT i, ('{target: 10, engaged: 10 (' || repeat((i % 7) || ' ', 10) || ')}')::abm_funnel f
             FROM generate_series(1, 1000000) i) s) w$$),
    ('abm_rollup(abm_engagement)',
     $$SELECT count(x) FROM (SELECT abm_rollup(e) OVER (ORDER BY i ROWS BETWEEN 999999 PRECEDING AND CURRENT ROW) x
       FROM (SELECT i, abm_engagement_agg('chat', timestamptz '2025-01-01' + i * interval '1 s', i, '7 days') e
             FROM generate_series(1, 3000000) i GROUP BY i) s) w$$),
    -- sequences and paths: growing frames, every row's final function sorts
    -- and walks the rows so far
    ('abm_sequence_match(text,timestamp with time zone,boolean[])',
     $$SELECT count(x) FROM (SELECT abm_sequence_match('(?1)(?2)', timestamptz '2025-01-01' + (i::bigint * 7919 % 100000) * interval '1 s', i % 3 = 0, i % 3 = 1) OVER (ORDER BY i) x
       FROM (SELECT generate_series(1, 200000) i) s) w$$),
    ('abm_sequence_count(text,timestamp with time zone,boolean[])',
     $$SELECT count(x) FROM (SELECT abm_sequence_count('(?1)(?2)', timestamptz '2025-01-01' + (i::bigint * 7919 % 100000) * interval '1 s', i % 3 = 0, i % 3 = 1) OVER (ORDER BY i) x
       FROM (SELECT generate_series(1, 200000) i) s) w$$),
    ('abm_sequence_match_events(text,timestamp with time zone,boolean[])',
     $$SELECT count(x) FROM (SELECT abm_sequence_match_events('(?1)(?2)', timestamptz '2025-01-01' + (i::bigint * 7919 % 100000) * interval '1 s', i % 3 = 0, i % 3 = 1) OVER (ORDER BY i) x
       FROM (SELECT generate_series(1, 200000) i) s) w$$),
    -- one group at the cap (10 000 000 events) in pseudo-random time order:
    -- the largest sort a final function does (2 to 3 s on its own), then
    -- 10 000 000 searches of one step each
    ('abm_sequence_count(text,timestamp with time zone,boolean[])',
     $$SELECT abm_sequence_count('(?1)', timestamptz '2025-01-01' + (hashint8(i) & 1073741823) * interval '1 us', true)
       FROM (SELECT generate_series(1, 10000000) i) s$$),
    ('abm_sequence_next_node(text,text,timestamp with time zone,text,boolean,boolean[])',
     $$SELECT count(x) FROM (SELECT abm_sequence_next_node('forward', 'first_match', timestamptz '2025-01-01' + (i::bigint * 7919 % 100000) * interval '1 s', (i % 1000)::text, true, i % 3 = 0) OVER (ORDER BY i) x
       FROM (SELECT generate_series(1, 200000) i) s) w$$),
    ('abm_path(integer,timestamp with time zone,text,boolean)',
     $$SELECT count(x) FROM (SELECT abm_path(3, timestamptz '2025-01-01' + (i::bigint * 7919 % 100000) * interval '1 s', (i % 1000)::text, i % 7 = 0) OVER (ORDER BY i) x
       FROM (SELECT generate_series(1, 200000) i) s) w$$),
    ('abm_path(integer,timestamp with time zone,text,boolean,boolean)',
     $$SELECT count(x) FROM (SELECT abm_path(3, timestamptz '2025-01-01' + (i::bigint * 7919 % 100000) * interval '1 s', (i % 1000)::text, i % 7 = 0, i % 5 = 0) OVER (ORDER BY i) x
       FROM (SELECT generate_series(1, 200000) i) s) w$$),
    -- functions that loop over user data
    ('abm_attribution_credit(text,timestamp with time zone,timestamp with time zone,interval)',
     $$SELECT count(x) FROM (SELECT abm_attribution_credit('time_decay', timestamptz '2025-01-01' - (i::bigint * 7919 % 100000) * interval '1 s', timestamptz '2025-01-02', '7 days') OVER () x
       FROM (SELECT generate_series(1, 9000000) i) s) w$$),
    ('abm_attribute(text,bigint[],timestamp with time zone[],timestamp with time zone,interval,timestamp with time zone,timestamp with time zone)',
     $$SELECT count(*) FROM (SELECT generate_series(1, 100) k) r,
       LATERAL abm_attribute('time_decay', array_fill(1::bigint, ARRAY[5000000]), array_fill(timestamptz '2025-01-01', ARRAY[5000000]),
                             timestamptz '2025-02-01' + k * interval '1 s', '7 days')$$),
    ('abm_icp_fit(jsonb,jsonb)',
     $$SELECT abm_icp_fit(jsonb_build_object('tech', (SELECT jsonb_agg(i) FROM generate_series(1, 100000) i)),
                          jsonb_build_object('criteria', jsonb_build_array(jsonb_build_object('attribute', 'tech', 'contains',
                              (SELECT jsonb_agg(-i) FROM generate_series(1, 100000) i)))))$$),
    ('abm_funnel_report(integer[],text[])',
     $$SELECT count(*) FROM (SELECT generate_series(1, 100) k) r,
       LATERAL abm_funnel_report(array_fill(1, ARRAY[50000000 + k]))$$),
    ('abm_funnel_steps(abm_funnel)',
     $$SELECT count(*) FROM (SELECT generate_series(1, 100) k) r,
       LATERAL abm_funnel_steps(('{target: 10000000, engaged: 10000000 (' || repeat('2 1 ', 5000000) || '), opportunity: ' || k || '}')::abm_funnel)$$),
    -- the report's pass: a two-way touch before 1 000 steps, in an account
    -- listed 1 000 times, adds to a million decayed scores
    ('abm_report_touches(bigint,timestamp with time zone,text,bigint,numeric,bigint[],bigint[],timestamp with time zone[],bigint[],timestamp with time zone[],timestamp with time zone[],numeric[],timestamp with time zone[],timestamp with time zone[],timestamp with time zone[],interval,text[],interval,interval,interval)',
     $$SELECT abm_report_touches(1, timestamptz '2024-01-01' + i * interval '1 s', 'chat', NULL, NULL,
                                 array_fill(1::bigint, ARRAY[1000]), NULL, NULL, NULL, NULL, NULL, NULL, b, b[1:1000], b[2:1001], '30 days', NULL, '7 days', '7 days', '28 days')
       FROM (SELECT array_agg(timestamptz '2025-01-01' + k * interval '1 hour' ORDER BY k) b FROM generate_series(0, 1000) k) s,
            generate_series(1, 100000) i$$),
    -- the report's per-step sums: in one row, a committee of 2 000 000
    -- contacts met by an engaged contact at its end in each of 1 000 steps
    -- (rs_worst, built before the timeout is set)
    ('abm_report_sums(abm_report_accounts,integer,integer,bigint[],text[],double precision,double precision,integer,text[],double precision)',
     $$SELECT abm_report_sums(a, 1, 1, ids, NULL, 0, 0, 0, '{champion}', 4) FROM rs_worst$$),
    -- the report's contract KPIs: one account with 300 000 contracts, one
    -- starting and one ending on each of 1 000 daily bounds, so the
    -- contracts in force change at every bound (4.5 s uninterrupted)
    ('abm_report_contracts(bigint,date,date,numeric,date[],interval)',
     $$SELECT abm_report_contracts(1, date '2021-01-01' + i % 1000, date '2030-01-01' - i % 1000, 100,
                                   (SELECT array_agg(date '2021-01-01' + k ORDER BY k) FROM generate_series(0, 1000) k), '30 days')
       FROM generate_series(1, 300000) i$$),
    -- aggregates whose state has a fixed size (counters, bounds, a bitmask,
    -- a journey of at most 16 stages, exact money sums): no loop over rows
    -- (abm_rollup(abm_journey) is listed above for its sliding form)
    -- fixed-size state
    ('abm_lift(boolean,boolean)', NULL),
    ('abm_lift(boolean,boolean,double precision)', NULL),
    ('abm_rate(boolean)', NULL),
    ('abm_win_rate(boolean)', NULL),
    ('abm_nps(integer)', NULL),
    ('abm_retention(boolean[])', NULL),
    ('abm_surge(timestamp with time zone,timestamp with time zone,interval,interval)', NULL),
    ('abm_influenced(timestamp with time zone,timestamp with time zone,interval)', NULL),
    ('abm_engagement_score(double precision,timestamp with time zone,timestamp with time zone,interval)', NULL),
    ('abm_engagement_score(text,timestamp with time zone,timestamp with time zone,interval)', NULL),
    ('abm_journey(text,timestamp with time zone)', NULL),
    ('abm_journey(text,timestamp with time zone,text[])', NULL),
    ('abm_pipeline(numeric,timestamp with time zone,timestamp with time zone,boolean)', NULL),
    ('abm_pipeline_velocity(numeric,timestamp with time zone,timestamp with time zone,boolean)', NULL),
    ('abm_acv(numeric,date,date)', NULL);

-- every aggregate of abm is listed, and every row names a function of this
-- build (a signature that changed shows up here, instead of breaking the
-- check)
\i sql/include/members.sql
SELECT p.fn::text AS unlisted_aggregate
FROM abm_procs p
WHERE p.prokind = 'a'
  AND NOT EXISTS (SELECT FROM worst_case w WHERE to_regprocedure(w.fn) = p.oid)
ORDER BY 1;
SELECT fn AS listed_but_not_in_this_build FROM worst_case
WHERE to_regprocedure(fn) IS NULL OR to_regprocedure(fn) NOT IN (SELECT oid FROM abm_procs)
ORDER BY 1;

SET statement_timeout = '500ms';
SELECT format('SELECT %L AS function, pg_temp.cancel_verdict(%L) AS verdict', fn, query)
FROM worst_case WHERE query IS NOT NULL ORDER BY fn, query
\gexec
RESET statement_timeout;
