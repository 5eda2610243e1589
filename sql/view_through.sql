-- abm_view_through

-- A conversion at c counts when an impression i has c - within <= i <= c
-- and no click k has i <= k <= c.
-- Hand example, within 7 days:
--   day 1 impression, day 3 conversion          -> counts (2 days, no click)
--   day 4 click, day 5 conversion               -> no: the click follows the day-1 impression
--   day 6 impression, day 6 conversion          -> counts (same instant, closed window)
--   day 20 conversion                           -> no: day-6 impression is 14 days old
--   day 21 impression + click at the same time,
--   day 22 conversion                           -> no: a click at the impression's instant
--   day 30 impression, day 37 conversion        -> counts (exactly 7 days)
--   day 40 impression, day 45 click+conversion  -> no: a click at the conversion's instant
-- expected: 3
SELECT abm_view_through(at, imp, clk, cnv, '7 days') AS view_through, 3 AS expected
FROM (VALUES ('2026-01-01'::timestamptz, true, false, false),
             ('2026-01-03', false, false, true),
             ('2026-01-04', false, true, false),
             ('2026-01-05', false, false, true),
             ('2026-01-06', true, false, false),
             ('2026-01-06', false, false, true),
             ('2026-01-20', false, false, true),
             ('2026-01-21', true, true, false),
             ('2026-01-22', false, false, true),
             ('2026-01-30', true, false, false),
             ('2026-02-06', false, false, true),
             ('2026-02-09', true, false, false),
             ('2026-02-14', false, true, true)) v(at, imp, clk, cnv);
-- rows fed in another order: day-3 and day-6 conversions count (2)
SELECT abm_view_through(at, imp, clk, cnv, '7 days' ORDER BY at DESC) AS view_through, 2 AS expected
FROM (VALUES ('2026-01-01'::timestamptz, true, false, false),
             ('2026-01-03', false, false, true),
             ('2026-01-06', false, false, true),
             ('2026-01-06', true, false, false)) v(at, imp, clk, cnv);
-- within 0: only an impression at the conversion's instant counts (1)
SELECT abm_view_through(at, imp, false, cnv, '0') AS view_through, 1 AS expected
FROM (VALUES ('2026-01-01'::timestamptz, true, false), ('2026-01-01 00:00:01', false, true),
             ('2026-01-02', true, true)) v(at, imp, cnv);

-- infinite times do not overflow: an impression and a conversion at
-- -infinity, and a row that is both at infinity: 2
SELECT abm_view_through(at, imp, false, cnv, '7 days') AS infinite_times, 2 AS expected
FROM (VALUES ('-infinity'::timestamptz, true, false), ('-infinity', false, true),
             ('infinity', true, true)) v(at, imp, cnv);

-- empty input counts 0; NULL times and NULL windows skip the row; NULL flags are false
SELECT abm_view_through(now(), true, false, true, '1 day') AS empty, 0 AS expected FROM generate_series(1, 0);
-- the click (NULL window) and the NULL-time row are skipped, so both
-- conversions follow the impression with no click between: 2
SELECT abm_view_through(at, imp, clk, cnv, w) AS nulls_skipped, 2 AS expected
FROM (VALUES ('2026-01-01'::timestamptz, true, NULL::bool, NULL::bool, '1 day'::interval),
             ('2026-01-01 12:00', NULL, NULL, true, '1 day'),
             (NULL, NULL, true, NULL, '1 day'),
             ('2026-01-01 13:00', false, true, false, NULL),
             ('2026-01-01 14:00', false, false, true, '1 day')) v(at, imp, clk, cnv, w);

-- generated data against the plain-SQL formulation (EXISTS / NOT EXISTS),
-- hourly grid so that many events share an instant; some rows are several kinds
SELECT setseed(0.3);
CREATE TABLE vt_events AS
SELECT (random() * 40)::int AS account_id,
       '2026-01-01'::timestamptz + floor(random() * 24 * 60) * interval '1 hour' AS at,
       random() < 0.4 AS is_impression, random() < 0.1 AS is_click, random() < 0.08 AS is_conversion
FROM generate_series(1, 6000);
CREATE TABLE vt_plain AS
SELECT a.account_id, w.within,
       (SELECT count(*) FROM vt_events c
        WHERE c.account_id = a.account_id AND c.is_conversion
          AND EXISTS (SELECT 1 FROM vt_events i
                      WHERE i.account_id = c.account_id AND i.is_impression
                        AND i.at <= c.at AND i.at >= c.at - w.within
                        AND NOT EXISTS (SELECT 1 FROM vt_events k
                                        WHERE k.account_id = c.account_id AND k.is_click
                                          AND k.at >= i.at AND k.at <= c.at))) AS expected
FROM (SELECT DISTINCT account_id FROM vt_events) a,
     (VALUES ('0'::interval), ('1 hour'), ('1 day'), ('7 days')) w(within);
SELECT count(*) AS groups, sum(expected) AS view_through_conversions,
       count(*) FILTER (WHERE f.vt IS DISTINCT FROM p.expected) AS groups_differing
FROM vt_plain p
JOIN (SELECT account_id, w.within, abm_view_through(at, is_impression, is_click, is_conversion, w.within) AS vt
      FROM vt_events, (VALUES ('0'::interval), ('1 hour'), ('1 day'), ('7 days')) w(within)
      GROUP BY account_id, w.within) f USING (account_id, within);

-- as a window function (growing frame): running count equals the plain count
-- up to each conversion of account 1
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE running IS DISTINCT FROM expected) AS rows_differing
FROM (SELECT e.at, abm_view_through(at, is_impression, is_click, is_conversion, '1 day')
                     OVER (ORDER BY at RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running,
             (SELECT count(*) FROM vt_events c
              WHERE c.account_id = 1 AND c.is_conversion AND c.at <= e.at
                AND EXISTS (SELECT 1 FROM vt_events i
                            WHERE i.account_id = 1 AND i.is_impression
                              AND i.at <= c.at AND i.at >= c.at - interval '1 day'
                              AND NOT EXISTS (SELECT 1 FROM vt_events k
                                              WHERE k.account_id = 1 AND k.is_click
                                                AND k.at >= i.at AND k.at <= c.at))) AS expected
      FROM vt_events e WHERE account_id = 1) s;

-- bad input: SQLSTATE 22023; the session goes on
SELECT abm_view_through(at, true, false, true, '-1 day')
FROM (VALUES ('2026-01-01'::timestamptz)) v(at);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_view_through(at, true, false, true, w)
FROM (VALUES ('2026-01-01'::timestamptz, '1 day'::interval), ('2026-01-02', '2 days')) v(at, w);
\echo :LAST_ERROR_SQLSTATE
SELECT 'session still alive' AS status;
