-- abm_engagement_score, abm_engagement, abm_engagement_agg, abm_rollup and
-- the accessors
SET TimeZone = 'UTC';

-- typical data, by hand with half_life 30 days and as_of 2026-01-31:
-- 10 * 2^(-30/30) + 5 * 2^0 = 5 + 5 = 10; the touch after as_of is ignored
SELECT abm_engagement_score(w, t, '2026-01-31', '30 days') AS score, 10 AS expected
FROM (VALUES (10.0::float8, '2026-01-01'::timestamptz), (5, '2026-01-31'),
             (1000, '2026-02-05')) v(w, t);
-- default weights: form_fill 10 * 2^(-1) + email_open 1 * 2^0 + unknown 0 = 6
SELECT abm_engagement_score(a, t, '2026-01-31', '30 days') AS score, 6 AS expected
FROM (VALUES ('form_fill', '2026-01-01'::timestamptz), ('Email_Open', '2026-01-31'),
             ('webinar_registered', '2026-01-30')) v(a, t);
-- negative weights count too: 4 * 2^(-60/30) - 1 * 2^(-30/30) = 1 - 0.5 = 0.5
SELECT abm_engagement_score(w, t, '2026-01-31', '30 days') AS score, 0.5 AS expected
FROM (VALUES (4::float8, '2025-12-02'::timestamptz), (-1, '2026-01-01')) v(w, t);

-- empty input, all-NULL rows and rows all after as_of give NULL
SELECT abm_engagement_score(1.0, t, '2026-01-31', '30 days') IS NULL AS empty_is_null
FROM (VALUES ('2026-01-01'::timestamptz)) v(t) WHERE false;
SELECT abm_engagement_score(w, t, '2026-01-31', '30 days') IS NULL AS nulls_are_null
FROM (VALUES (NULL::float8, '2026-01-01'::timestamptz), (1, NULL)) v(w, t);
SELECT abm_engagement_score(1.0, '2026-03-01'::timestamptz, '2026-01-31', '30 days') IS NULL
       AS future_only_is_null;
-- a NULL row among others is skipped: 3 * 2^0 = 3
SELECT abm_engagement_score(w, t, '2026-01-31', '30 days') AS score, 3 AS expected
FROM (VALUES (NULL::float8, '2026-01-01'::timestamptz), (3, '2026-01-31'),
             (7, NULL)) v(w, t);
-- a touch far older than 1074 half-lives underflows to 0, never overflows
SELECT abm_engagement_score(w, t, '2026-01-31', '1 hour') AS score, 2 AS expected
FROM (VALUES (1e300::float8, '1900-01-01'::timestamptz), (2, '2026-01-31')) v(w, t);

-- generated data: several thousand touches over 60 accounts and 120 days
CREATE TABLE eng_touches AS
SELECT i,
       i % 60 AS account_id,
       CASE WHEN i % 97 = 0 THEN NULL
            ELSE (ARRAY['ad_impression', 'ad_click', 'email_open', 'email_click',
                        'web_visit', 'high_value_page_visit', 'content_download',
                        'webinar_attended', 'chat', 'form_fill', 'meeting_booked',
                        'event_attended', 'webinar_registered'])[(i * 31) % 13 + 1]
       END AS activity,
       '2026-01-01'::timestamptz + ((i * 7919) % (120 * 24 * 60)) * interval '1 minute'
         + (i % 1000) * interval '1 microsecond' AS occurred_at,
       CASE WHEN i % 9 = 0 THEN NULL
            ELSE (i % 60) * 1000 + (i * 13) % (3 + (i % 60) % 40) END AS contact_id,
       ((i * 17) % 100) / 10.0::float8 AS weight
FROM generate_series(1, 6000) i;
SELECT count(*) AS touches, count(DISTINCT account_id) AS accounts FROM eng_touches;

-- the score equals the plain-SQL formula, to 1e-9 relative, for both
-- overloads and for an as_of in the middle of the data (later touches ignored)
CREATE FUNCTION eng_plain_score(w float8, t timestamptz, as_of timestamptz, hl interval)
RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN t <= as_of
              THEN w * power(2::float8, -extract(epoch FROM as_of - t)::float8
                                        / extract(epoch FROM hl)::float8) END $$;
SELECT count(*) AS groups, count(*) FILTER (WHERE abs(s - p) > 1e-9 * abs(p)
                                            OR (s IS NULL) <> (p IS NULL)) AS differing
FROM (SELECT account_id, as_of,
             abm_engagement_score(weight, occurred_at, as_of, '14 days') AS s,
             sum(eng_plain_score(weight, occurred_at, as_of, '14 days')) AS p
      FROM eng_touches,
           (VALUES ('2026-05-01'::timestamptz), ('2026-03-01 12:34:56.789')) a(as_of)
      GROUP BY account_id, as_of) r;
SELECT count(*) AS groups, count(*) FILTER (WHERE abs(s - p) > 1e-9 * abs(p)
                                            OR (s IS NULL) <> (p IS NULL)) AS differing
FROM (SELECT account_id,
             abm_engagement_score(activity, occurred_at, '2026-05-01', '7 days') AS s,
             sum(eng_plain_score(abm_activity_weight(activity), occurred_at,
                                 '2026-05-01', '7 days')) AS p
      FROM eng_touches GROUP BY account_id) r;

-- abm_engagement_agg: every accessor against its plain-SQL counterpart
CREATE TABLE eng_states AS
SELECT account_id, abm_engagement_agg(activity, occurred_at, contact_id, '14 days') AS e
FROM eng_touches GROUP BY account_id;
SELECT count(*) AS accounts,
       count(*) FILTER (WHERE abm_touches(s.e) <> p.touches) AS touches_differing,
       count(*) FILTER (WHERE abm_first_touch(s.e) <> p.first_touch
                           OR abm_last_touch(s.e) <> p.last_touch) AS times_differing,
       count(*) FILTER (WHERE abs(abm_score(s.e, '2026-05-01') - p.score)
                              > 1e-9 * p.score) AS scores_differing,
       count(*) FILTER (WHERE p.contacts <= 16
                          AND abm_engaged_contacts(s.e) <> p.contacts) AS exact_contacts_differing,
       count(*) FILTER (WHERE p.contacts > 16) AS accounts_over_16_contacts,
       max(abs(abm_engaged_contacts(s.e) - p.contacts)::float8 / p.contacts)
         FILTER (WHERE p.contacts > 16) < 0.05 AS estimates_within_5_percent,
       count(*) FILTER (WHERE abm_half_life(s.e) <> '14 days') AS half_lives_differing
FROM eng_states s
JOIN (SELECT account_id, count(*) AS touches, min(occurred_at) AS first_touch,
             max(occurred_at) AS last_touch, count(DISTINCT contact_id) AS contacts,
             sum(eng_plain_score(abm_activity_weight(activity), occurred_at,
                                 '2026-05-01', '14 days')) AS score
      FROM eng_touches WHERE activity IS NOT NULL GROUP BY account_id) p USING (account_id);
-- counts per activity; unknown activities count under 'other'
SELECT count(*) AS account_activities,
       count(*) FILTER (WHERE abm_touches(s.e, a.name) <> coalesce(p.n, 0)) AS differing
FROM eng_states s
CROSS JOIN (SELECT unnest(ARRAY['ad_impression', 'ad_click', 'email_open', 'email_click',
                                'web_visit', 'high_value_page_visit', 'content_download',
                                'webinar_attended', 'chat', 'form_fill', 'meeting_booked',
                                'event_attended', 'other']) AS name) a
LEFT JOIN (SELECT account_id,
                  CASE WHEN abm_activity_weight(activity) = 0 THEN 'other' ELSE activity END AS name,
                  count(*) AS n
           FROM eng_touches WHERE activity IS NOT NULL GROUP BY 1, 2) p
  ON p.account_id = s.account_id AND p.name = a.name;
-- activity names match case-insensitively
SELECT abm_touches(e, 'EMAIL_OPEN') = abm_touches(e, 'email_open') AS case_insensitive
FROM eng_states WHERE account_id = 1;
-- explicit weights: the score equals abm_engagement_score with the same weights
SELECT count(*) FILTER (WHERE abs(abm_score(e, '2026-05-01') - s) > 1e-9 * abs(s)) AS differing
FROM (SELECT account_id,
             abm_engagement_agg(activity, weight, occurred_at, contact_id, '3 days') AS e,
             abm_engagement_score(weight, occurred_at, '2026-05-01', '3 days')
               FILTER (WHERE activity IS NOT NULL) AS s
      FROM eng_touches GROUP BY account_id) r;
-- empty input and NULL rows
SELECT abm_engagement_agg(a, t, c, '1 day') IS NULL AS empty_is_null
FROM (VALUES ('chat', '2026-01-01'::timestamptz, 1::bigint)) v(a, t, c) WHERE false;
-- a NULL activity or time skips the row, a NULL contact counts the touch
-- but no contact: 2 touches, 1 contact
SELECT abm_touches(e) AS touches, abm_engaged_contacts(e) AS contacts,
       (abm_touches(e), abm_engaged_contacts(e)) = (2, 1) AS ok
FROM (SELECT abm_engagement_agg(a, t, c, '1 day') AS e
      FROM (VALUES ('chat', '2026-01-01'::timestamptz, NULL::bigint), (NULL, '2026-01-02', 5),
                   ('chat', NULL, 6), ('chat', '2026-01-03', 7)) v(a, t, c)) s;

-- a small state, as text (UTC timestamps, shortest exact float) and jsonb;
-- score at last touch: 10 * 2^(-30/30) + 1 = 6; at 2026-03-02: 6 * 2^(-1) = 3
CREATE TABLE eng_small AS
SELECT abm_engagement_agg(a, t, c, '30 days') AS e
FROM (VALUES ('form_fill', '2026-01-01 10:00:00+00'::timestamptz, 7::bigint),
             ('email_open', '2026-01-31 10:00:00+00', 3),
             ('webinar_registered', '2026-01-15 10:00:00.000001+00', NULL)) v(a, t, c);
SELECT e FROM eng_small;
SELECT jsonb_pretty(e::jsonb) FROM eng_small;
SELECT abm_score(e, '2026-03-02 10:00:00+00') AS score, 3 AS score_expected, abm_touches(e) AS touches,
       abm_touches(e, 'other') AS other, abm_engaged_contacts(e) AS contacts,
       abm_first_touch(e), abm_last_touch(e), abm_half_life(e)
FROM eng_small;
-- accessors are strict: a NULL state or argument gives NULL
SELECT abm_score(NULL, now()) IS NULL AS score, abm_score(e, NULL) IS NULL AS score_as_of,
       abm_touches(NULL) IS NULL AS touches, abm_touches(e, NULL) IS NULL AS touches_activity,
       abm_first_touch(NULL) IS NULL AS first, abm_last_touch(NULL) IS NULL AS last,
       abm_engaged_contacts(NULL) IS NULL AS contacts, abm_half_life(NULL) IS NULL AS half_life,
       (NULL::abm_engagement)::jsonb IS NULL AS jsonb,
       abm_engagement_merge(e, NULL) IS NULL AS merge
FROM eng_small;
-- as_of at the last touch is allowed: the score at last touch, 6
SELECT abm_score(e, '2026-01-31 10:00:00+00') AS score FROM eng_small;

-- text round trip: exact for every state (sketches included), and
-- independent of DateStyle, TimeZone, IntervalStyle and extra_float_digits
SELECT count(*) AS states,
       count(*) FILTER (WHERE e::text::abm_engagement::text <> e::text) AS text_differing,
       count(*) FILTER (WHERE abm_engagement_send(e::text::abm_engagement)
                              <> abm_engagement_send(e)) AS bytes_differing,
       count(*) FILTER (WHERE e::jsonb ? 'contacts_sketch') AS sketches
FROM eng_states;
CREATE TABLE eng_text AS SELECT account_id, e::text AS t FROM eng_states;
SET DateStyle = 'SQL, DMY';
SET TimeZone = 'America/Los_Angeles';
SET IntervalStyle = 'iso_8601';
SET extra_float_digits = -3;
SELECT count(*) FILTER (WHERE s.e::text <> x.t) AS text_differing_under_other_settings,
       count(*) FILTER (WHERE x.t::abm_engagement::text <> x.t) AS reread_differing
FROM eng_states s JOIN eng_text x USING (account_id);
RESET DateStyle;
RESET IntervalStyle;
RESET extra_float_digits;
SET TimeZone = 'UTC';
-- a weight of -0 gives a score of 0, so text and binary forms agree
SELECT e::text LIKE '%"score_at_last_touch": 0,%' AS zero_score,
       abm_engagement_send(e::text::abm_engagement) = abm_engagement_send(e) AS same_bytes
FROM (SELECT abm_engagement_agg('chat', '-0'::float8, '2026-01-01', NULL, '1 day') AS e) s;
-- a hand-written literal with another time zone and interval spelling
SELECT '{"version": 1, "half_life": "1 week", "first_touch": "2026-01-01T12:00:00+02",
         "last_touch": "2026-01-02 00:00:00+00", "score_at_last_touch": 2.5,
         "touches": {"chat": 2}, "contacts": []}'::abm_engagement AS e;

-- binary round trip through COPY (FORMAT binary): recv gives the same values
-- (psql's \copy, so the file is the client's, in pg_regress's results/)
\copy eng_states TO 'results/engagement.bin' WITH (FORMAT binary)
CREATE TABLE eng_states_copy (LIKE eng_states);
\copy eng_states_copy FROM 'results/engagement.bin' WITH (FORMAT binary)
SELECT count(*) AS states,
       count(*) FILTER (WHERE abm_engagement_send(c.e) <> abm_engagement_send(s.e)
                           OR c.e::text <> s.e::text) AS differing
FROM eng_states s JOIN eng_states_copy c USING (account_id);
-- the version byte comes first, then the kind (10)
SELECT substr(abm_engagement_send(e), 1, 2) AS version_and_kind FROM eng_small;

-- corrupt binary values are rejected with 22P03: a bytea column holding
-- mutated bytes is copied out and read back as abm_engagement (twice: the
-- message, then the SQLSTATE alone, as \copy leaves LAST_ERROR_SQLSTATE
-- unset)
CREATE TABLE eng_bad_bytes (b bytea);
INSERT INTO eng_bad_bytes SELECT '\x02'::bytea || substr(abm_engagement_send(e), 2) FROM eng_small;
\copy eng_bad_bytes TO 'results/engagement_bad.bin' WITH (FORMAT binary)
CREATE TABLE eng_bad (e abm_engagement);
\copy eng_bad FROM 'results/engagement_bad.bin' WITH (FORMAT binary)
\set VERBOSITY sqlstate
\copy eng_bad FROM 'results/engagement_bad.bin' WITH (FORMAT binary)
\set VERBOSITY default
TRUNCATE eng_bad_bytes;
INSERT INTO eng_bad_bytes
SELECT substr(abm_engagement_send(e), 1, length(abm_engagement_send(e)) - 3) FROM eng_small;
\copy eng_bad_bytes TO 'results/engagement_bad.bin' WITH (FORMAT binary)
\copy eng_bad FROM 'results/engagement_bad.bin' WITH (FORMAT binary)
\set VERBOSITY sqlstate
\copy eng_bad FROM 'results/engagement_bad.bin' WITH (FORMAT binary)
\set VERBOSITY default
TRUNCATE eng_bad_bytes;
-- the half-life (bytes 3..10) set to zero
INSERT INTO eng_bad_bytes
SELECT overlay(abm_engagement_send(e) PLACING '\x0000000000000000'::bytea FROM 3) FROM eng_small;
\copy eng_bad_bytes TO 'results/engagement_bad.bin' WITH (FORMAT binary)
\copy eng_bad FROM 'results/engagement_bad.bin' WITH (FORMAT binary)
\set VERBOSITY sqlstate
\copy eng_bad FROM 'results/engagement_bad.bin' WITH (FORMAT binary)
\set VERBOSITY default
SELECT count(*) AS rows_loaded FROM eng_bad;

-- daily states stored in a table and rolled up over 90 days equal the
-- state and the score computed from the raw touches of those 90 days
CREATE TABLE eng_daily AS
SELECT account_id, date_trunc('day', occurred_at) AS day,
       abm_engagement_agg(activity, occurred_at, contact_id, '14 days') AS e
FROM eng_touches GROUP BY 1, 2;
SELECT count(*) AS accounts,
       count(*) FILTER (WHERE abs(abm_score(r.e, '2026-05-01') - raw.s) > 1e-9 * raw.s)
         AS scores_differing,
       count(*) FILTER (WHERE r.e::jsonb - 'score_at_last_touch'
                              <> raw.e::jsonb - 'score_at_last_touch') AS states_differing
FROM (SELECT account_id, abm_rollup(e) AS e FROM eng_daily
      WHERE day >= '2026-05-01'::timestamptz - interval '90 days' GROUP BY account_id) r
JOIN (SELECT account_id,
             abm_engagement_agg(activity, occurred_at, contact_id, '14 days') AS e,
             abm_engagement_score(activity, occurred_at, '2026-05-01', '14 days')
               FILTER (WHERE activity IS NOT NULL) AS s
      FROM eng_touches WHERE occurred_at >= '2026-05-01'::timestamptz - interval '90 days'
      GROUP BY account_id) raw USING (account_id);
-- sizes: a daily state is small; the largest possible value (13 activity
-- counts and 16 exact contacts) is 4 + 2 + 32 + 2 + 13 * 8 + 1 + 4 + 16 * 8 = 277 bytes
SELECT max(pg_column_size(e)) <= 277 AS daily_within_bound,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY pg_column_size(e)) AS median_daily_bytes
FROM eng_daily;
SELECT max(pg_column_size(e)) <= 277 AS rollups_within_bound FROM eng_states;
-- rolling up everything gives the state of all touches
SELECT count(*) FILTER (WHERE r.e::jsonb - 'score_at_last_touch'
                              <> s.e::jsonb - 'score_at_last_touch'
                           OR abs(abm_score(r.e, '2026-05-01') - abm_score(s.e, '2026-05-01'))
                              > 1e-9 * abm_score(s.e, '2026-05-01')) AS differing
FROM (SELECT account_id, abm_rollup(e) AS e FROM eng_daily GROUP BY account_id) r
JOIN eng_states s USING (account_id);
-- empty rollup and NULL states
SELECT abm_rollup(e) IS NULL AS empty_is_null FROM eng_daily WHERE false;
-- eng_small holds 3 touches
SELECT abm_touches(abm_rollup(e)) = 3 AS nulls_skipped
FROM (SELECT e FROM eng_small UNION ALL SELECT NULL) s;

-- rolling windows: 7 daily rows sliding (moving-aggregate mode) and a
-- growing frame, against the raw touches of the days in each frame
CREATE TABLE eng_window AS
SELECT account_id, day,
       abm_rollup(e) OVER w7 AS e7, min(day) OVER w7 AS from_day,
       abm_rollup(e) OVER (PARTITION BY account_id ORDER BY day) AS e_all
FROM eng_daily
WHERE account_id < 12
WINDOW w7 AS (PARTITION BY account_id ORDER BY day ROWS 6 PRECEDING);
SELECT count(*) AS rows,
       count(*) FILTER (WHERE w.e7::jsonb - 'score_at_last_touch'
                              <> raw.e7::jsonb - 'score_at_last_touch'
                           OR abs(abm_score(w.e7, '2026-05-01') - abm_score(raw.e7, '2026-05-01'))
                              > 1e-9 * abm_score(raw.e7, '2026-05-01')) AS sliding_differing,
       count(*) FILTER (WHERE w.e_all::jsonb - 'score_at_last_touch'
                              <> raw.e_all::jsonb - 'score_at_last_touch'
                           OR abs(abm_score(w.e_all, '2026-05-01') - abm_score(raw.e_all, '2026-05-01'))
                              > 1e-9 * abm_score(raw.e_all, '2026-05-01')) AS growing_differing
FROM eng_window w
CROSS JOIN LATERAL (
  SELECT abm_engagement_agg(activity, occurred_at, contact_id, '14 days')
           FILTER (WHERE occurred_at >= w.from_day) AS e7,
         abm_engagement_agg(activity, occurred_at, contact_id, '14 days') AS e_all
  FROM eng_touches t
  WHERE t.account_id = w.account_id AND t.occurred_at < w.day + interval '1 day') raw;
-- a calendar frame (RANGE '6 days' PRECEDING) slides in moving-aggregate
-- mode too: against the raw touches of those days
SELECT count(*) AS rows,
       count(*) FILTER (WHERE w.e::jsonb - 'score_at_last_touch'
                              <> raw.e::jsonb - 'score_at_last_touch'
                           OR abs(abm_score(w.e, '2026-05-01') - abm_score(raw.e, '2026-05-01'))
                              > 1e-9 * abm_score(raw.e, '2026-05-01')) AS differing
FROM (SELECT account_id, day,
             abm_rollup(e) OVER (PARTITION BY account_id ORDER BY day
                                 RANGE BETWEEN '6 days' PRECEDING AND CURRENT ROW) AS e
      FROM eng_daily WHERE account_id < 12) w
CROSS JOIN LATERAL (
  SELECT abm_engagement_agg(activity, occurred_at, contact_id, '14 days') AS e
  FROM eng_touches t
  WHERE t.account_id = w.account_id AND t.occurred_at >= w.day - interval '6 days'
    AND t.occurred_at < w.day + interval '1 day') raw;
-- abm_engagement_agg slides over raw touches too (NULL rows in the frames),
-- for both overloads, against the touches of each frame
CREATE TABLE eng_numbered AS
SELECT *, row_number() OVER (PARTITION BY account_id ORDER BY occurred_at, i) AS rn
FROM eng_touches WHERE account_id < 6;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE w.e::jsonb - 'score_at_last_touch'
                              <> raw.e::jsonb - 'score_at_last_touch'
                           OR abs(abm_score(w.e, '2026-05-01') - abm_score(raw.e, '2026-05-01'))
                              > 1e-9 * abm_score(raw.e, '2026-05-01')) AS rows_differing,
       count(*) FILTER (WHERE w.ew::jsonb - 'score_at_last_touch'
                              <> raw.ew::jsonb - 'score_at_last_touch'
                           OR abs(abm_score(w.ew, '2026-05-01') - abm_score(raw.ew, '2026-05-01'))
                              > 1e-9 * abm_score(raw.ew, '2026-05-01')) AS range_differing
FROM (SELECT account_id, rn, occurred_at,
             abm_engagement_agg(activity, occurred_at, contact_id, '14 days')
               OVER (PARTITION BY account_id ORDER BY occurred_at, i ROWS 9 PRECEDING) AS e,
             abm_engagement_agg(activity, weight, occurred_at, contact_id, '14 days')
               OVER (PARTITION BY account_id ORDER BY occurred_at
                     RANGE BETWEEN '3 days' PRECEDING AND CURRENT ROW) AS ew
      FROM eng_numbered) w
CROSS JOIN LATERAL (
  SELECT abm_engagement_agg(activity, occurred_at, contact_id, '14 days')
           FILTER (WHERE t.rn BETWEEN w.rn - 9 AND w.rn) AS e,
         abm_engagement_agg(activity, weight, occurred_at, contact_id, '14 days')
           FILTER (WHERE t.occurred_at BETWEEN w.occurred_at - interval '3 days'
                                           AND w.occurred_at) AS ew
  FROM eng_numbered t WHERE t.account_id = w.account_id) raw;
-- NULL states inside a sliding frame are skipped
SELECT d, abm_touches(abm_rollup(e) OVER (ORDER BY d ROWS 1 PRECEDING)) AS touches
FROM (VALUES (1, (SELECT e FROM eng_small)), (2, NULL), (3, (SELECT e FROM eng_small)),
             (4, (SELECT e FROM eng_small))) v(d, e);

-- equal half-lives spelled differently are the same: 1 mon = 30 days
SELECT abm_engagement_score(1.0, '2026-01-02', '2026-01-02', h) AS score
FROM (VALUES ('1 mon'::interval), ('30 days')) v(h);

-- bad input: clean errors, and the session goes on.  Each case runs in a
-- subtransaction of pg_temp.error_of, which returns what it raised; the
-- tables show the SQLSTATE beside the expected one, then the message,
-- detail and hint.
CREATE FUNCTION pg_temp.error_of(query text, OUT got text, OUT message text, OUT detail text, OUT hint text)
LANGUAGE plpgsql AS $fn$
BEGIN
    EXECUTE query;
    got := '00000';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS got = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                            detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
END $fn$;
\x on
-- the aggregates and accessors: half_life <= 0, as_of or half_life changing
-- within a group, NaN weight, infinite as_of or occurred_at (22023); a
-- score beyond float8 range, for the score and for the state (22003);
-- merging different half-lives, as_of before the last touch of a state, an
-- activity that is not counted separately (22023)
SELECT c.n, c.query, e.got, c.expected, e.got = c.expected AS ok, e.message, e.detail, e.hint
FROM (VALUES
  (1, $q$SELECT abm_engagement_score(1.0, now(), now(), '0 days')$q$, '22023'),
  (2, $q$SELECT abm_engagement_score('chat', now(), now(), '-1 day')$q$, '22023'),
  (3, $q$SELECT abm_engagement_agg('chat', now(), 1, '0 seconds')$q$, '22023'),
  (4, $q$SELECT abm_engagement_score(1.0, t, t, '1 day') FROM (VALUES ('2026-01-01'::timestamptz), ('2026-01-02')) v(t)$q$, '22023'),
  (5, $q$SELECT abm_engagement_score(1.0, '2026-01-01', '2026-01-02', h) FROM (VALUES ('1 day'::interval), ('2 days')) v(h)$q$, '22023'),
  (6, $q$SELECT abm_engagement_agg('chat', '2026-01-01', 1, h) FROM (VALUES ('1 day'::interval), ('2 days')) v(h)$q$, '22023'),
  (7, $q$SELECT abm_engagement_score('NaN'::float8, now(), now(), '1 day')$q$, '22023'),
  (8, $q$SELECT abm_engagement_score(1.0, now(), 'infinity', '1 day')$q$, '22023'),
  (9, $q$SELECT abm_engagement_agg('chat', '-infinity', 1, '1 day')$q$, '22023'),
  (10, $q$SELECT abm_engagement_score(1e308, t, '2026-01-02', '1 day') FROM (VALUES ('2026-01-02'::timestamptz), ('2026-01-02')) v(t)$q$, '22003'),
  (11, $q$SELECT abm_engagement_agg('chat', 1e308, t, NULL, '1 day') FROM (VALUES ('2026-01-02'::timestamptz), ('2026-01-02')) v(t)$q$, '22003'),
  (12, $q$SELECT abm_rollup(e) FROM (SELECT e FROM eng_states WHERE account_id = 1 UNION ALL SELECT e FROM eng_small) s$q$, '22023'),
  (13, $q$SELECT abm_engagement_merge(s.e, x.e) FROM eng_states s, eng_small x WHERE s.account_id = 1$q$, '22023'),
  (14, $q$SELECT abm_rollup(e) OVER (ROWS 1 PRECEDING) FROM (SELECT e FROM eng_states WHERE account_id = 1 UNION ALL SELECT e FROM eng_small) s$q$, '22023'),
  (15, $q$SELECT abm_score(e, '2026-01-31 09:59:59+00') FROM eng_small$q$, '22023'),
  (16, $q$SELECT abm_touches(e, 'webinar_registered') FROM eng_small$q$, '22023')
  ) c(n, query, expected),
  LATERAL pg_temp.error_of(c.query) e
ORDER BY c.n;
-- literals (22P02): three malformed ones, then a valid value with one
-- change each (a key removed and/or a key set); the message quotes the
-- literal, shown here as <literal>
CREATE TABLE eng_bad_literals (n int, change text, literal text);
INSERT INTO eng_bad_literals
SELECT n, change,
       coalesce(literal,
                ('{"version": 1, "half_life": "1 day", "first_touch": "2026-01-01 00:00:00+00",
                   "last_touch": "2026-01-01 00:00:00+00", "score_at_last_touch": 1,
                   "touches": {"chat": 1}, "contacts": []}'::jsonb - coalesce(remove, '') || coalesce(set, '{}'))::text)
FROM (VALUES
  (1, 'not JSON', 'not json', NULL, NULL::jsonb),
  (2, 'not an object', '[1, 2]', NULL, NULL),
  (3, 'one key', '{"version": 1}', NULL, NULL),
  (4, 'unknown key in place of a known one', NULL, 'contacts', '{"contactz": []}'),
  (5, 'a version from the future', NULL, NULL, '{"version": 99}'),
  (6, 'half_life not positive', NULL, NULL, '{"half_life": "-1 day"}'),
  (7, 'first touch after last touch', NULL, NULL, '{"first_touch": "2026-01-02 00:00:00+00"}'),
  (8, 'infinite timestamp', NULL, NULL, '{"first_touch": "-infinity"}'),
  (9, 'score as a string', NULL, NULL, '{"score_at_last_touch": "NaN"}'),
  (10, 'score beyond float8 range', NULL, NULL, '{"score_at_last_touch": 1e400}'),
  (11, 'unknown activity', NULL, NULL, '{"touches": {"Chat": 1}}'),
  (12, 'zero count', NULL, NULL, '{"touches": {"chat": 0}}'),
  (13, 'fractional count', NULL, NULL, '{"touches": {"chat": 1.5}}'),
  (14, 'no touches at all', NULL, NULL, '{"touches": {}}'),
  (15, 'contacts not ascending', NULL, NULL, '{"contacts": [5, 3]}'),
  (16, 'too many contacts for the exact list', NULL, NULL, '{"contacts": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]}'),
  (17, 'bad sketch', NULL, 'contacts', '{"contacts_sketch": "00ff"}')
  ) v(n, change, literal, remove, set);
SELECT b.n, b.change, e.got, '22P02' AS expected, e.got = '22P02' AS ok,
       replace(e.message, b.literal, '<literal>') AS message, e.detail, e.hint
FROM eng_bad_literals b, LATERAL pg_temp.error_of(format('SELECT %L::abm_engagement', b.literal)) e
ORDER BY b.n;
\x off
SELECT 'session still alive' AS status;
