-- abm_influenced

-- hand-computed case: opportunity created 2026-03-01 00:00, look-back 30 days,
-- so the window is [2026-01-30 00:00, 2026-03-01 00:00], both ends included
SELECT t AS touch_at, abm_influenced(t, timestamptz '2026-03-01', interval '30 days') AS influenced, expected
FROM (VALUES (timestamptz '2026-01-29 23:59:59.999999', false),  -- just before
             ('2026-01-30 00:00', true),                         -- first instant
             ('2026-02-15 12:00', true),                         -- inside
             ('2026-03-01 00:00', true),                         -- creation instant
             ('2026-03-01 00:00:00.000001', false)) v(t, expected) -- after creation
GROUP BY t, expected ORDER BY t;
-- several touches: true as soon as one is inside
SELECT abm_influenced(t, timestamptz '2026-03-01', interval '30 days') AS any_inside, true AS expected
FROM (VALUES (timestamptz '2025-01-01'), ('2026-02-20'), ('2026-04-01')) v(t);
SELECT abm_influenced(t, timestamptz '2026-03-01', interval '30 days') AS none_inside, false AS expected
FROM (VALUES (timestamptz '2025-01-01'), ('2026-04-01')) v(t);

-- empty input and rows with a NULL input give NULL (no usable row)
SELECT abm_influenced(t, timestamptz '2026-03-01', interval '30 days') IS NULL AS empty_is_null
FROM (VALUES (timestamptz '2026-02-01')) v(t) WHERE false;
SELECT abm_influenced(t, c, interval '30 days') IS NULL AS nulls_are_skipped
FROM (VALUES (NULL::timestamptz, timestamptz '2026-03-01'), ('2026-02-20', NULL)) v(t, c);

-- generated touches per opportunity against bool_or over the same window
CREATE TABLE infl AS
SELECT i AS id, i % 500 AS opportunity_id,
       timestamptz '2026-01-01' + (i % 500) * interval '1 hour' * 13 AS created_at,
       CASE WHEN i % 89 = 0 THEN NULL
            ELSE timestamptz '2025-06-01' + ((i * 7919) % 400) * interval '1 day' + (i % 1440) * interval '1 minute' END AS touch_at
FROM generate_series(1, 30000) i;
SELECT count(*) AS opportunities, count(*) FILTER (WHERE got) AS influenced,
       count(*) FILTER (WHERE got IS DISTINCT FROM expected) AS differing
FROM (SELECT opportunity_id,
             abm_influenced(touch_at, created_at, interval '45 days') AS got,
             bool_or(touch_at BETWEEN created_at - interval '45 days' AND created_at) AS expected
      FROM infl GROUP BY opportunity_id) s;

-- the demo data (scale 0.01): every opportunity against EXISTS over its
-- account's touches; opportunities without a touch give NULL
SET client_min_messages = warning;
SELECT count(*) AS demo_tables FROM abm_demo_load(0.01, 1, 'influence_demo');
RESET client_min_messages;
CREATE INDEX ON influence_demo.touches (account_id, occurred_at);
ANALYZE influence_demo.touches;
SELECT count(*) AS opportunities, count(*) FILTER (WHERE got) AS influenced,
       count(*) FILTER (WHERE got IS NULL) AS without_touches,
       count(*) FILTER (WHERE coalesce(got, false) IS DISTINCT FROM expected) AS differing
FROM (SELECT o.opportunity_id,
             abm_influenced(t.occurred_at, o.created_at, interval '90 days') AS got,
             EXISTS (SELECT FROM influence_demo.touches t2
                     WHERE t2.account_id = o.account_id
                       AND t2.occurred_at BETWEEN o.created_at - interval '90 days' AND o.created_at) AS expected
      FROM influence_demo.opportunities o
      LEFT JOIN influence_demo.touches t ON t.account_id = o.account_id
      GROUP BY o.opportunity_id, o.account_id, o.created_at) s;

-- bad look-back: 22023; the session goes on
SELECT abm_influenced(now(), now(), interval '-1 day');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_influenced(now(), now(), interval '0');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_influenced(now(), now(), interval '1 second') AS session_goes_on;
