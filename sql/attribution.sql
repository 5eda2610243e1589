-- abm_attribution_credit (scalar and window forms), abm_attribute

-- Hand-computed credits.  n touches at positions 1..n; milestones are
-- positions (lead-creation L, opportunity-creation O, closed-won W).
--   u_shaped   : 2/5 first, 2/5 last, 1/5 over the middle; 2 touches 1/2 each
--   w_shaped   : 3/10 to each of first, L, O (a touch holding several adds
--                them up), 1/10 over the other touches, over all when none
--   full_path  : 9/40 to each of first, L, O, W, 1/10 as above
CREATE TABLE hand (model text, n int, l int, o int, w int, pos int, expected float8);
INSERT INTO hand VALUES
  -- 1 touch: everything to it
  ('first_touch', 1, 1, 1, 1, 1, 1), ('last_touch', 1, 1, 1, 1, 1, 1),
  ('linear', 1, 1, 1, 1, 1, 1), ('u_shaped', 1, 1, 1, 1, 1, 1),
  ('w_shaped', 1, 1, 1, 1, 1, 1),        -- 9/10 milestones + 1/10 spread over the 1 touch
  ('full_path', 1, 1, 1, 1, 1, 1),
  -- 2 touches
  ('first_touch', 2, 1, 2, 2, 1, 1), ('first_touch', 2, 1, 2, 2, 2, 0),
  ('last_touch', 2, 1, 2, 2, 1, 0), ('last_touch', 2, 1, 2, 2, 2, 1),
  ('linear', 2, 1, 2, 2, 1, 0.5), ('linear', 2, 1, 2, 2, 2, 0.5),
  ('u_shaped', 2, 1, 2, 2, 1, 0.5), ('u_shaped', 2, 1, 2, 2, 2, 0.5),
  ('w_shaped', 2, 1, 2, 2, 1, 0.65),     -- F+L = 0.6, + 0.1/2
  ('w_shaped', 2, 1, 2, 2, 2, 0.35),     -- O = 0.3, + 0.1/2
  ('w_shaped', 2, 2, 2, 2, 1, 0.35),     -- F = 0.3 + 0.05
  ('w_shaped', 2, 2, 2, 2, 2, 0.65),     -- L+O = 0.6 + 0.05
  ('full_path', 2, 1, 2, 2, 1, 0.5),     -- F+L = 0.45 + 0.05
  ('full_path', 2, 1, 2, 2, 2, 0.5),     -- O+W = 0.45 + 0.05
  ('full_path', 2, 1, 1, 2, 1, 0.725),   -- F+L+O = 0.675 + 0.05
  ('full_path', 2, 1, 1, 2, 2, 0.275),   -- W = 0.225 + 0.05
  -- 3 touches
  ('first_touch', 3, 2, 3, 3, 1, 1), ('first_touch', 3, 2, 3, 3, 2, 0), ('first_touch', 3, 2, 3, 3, 3, 0),
  ('last_touch', 3, 2, 3, 3, 1, 0), ('last_touch', 3, 2, 3, 3, 2, 0), ('last_touch', 3, 2, 3, 3, 3, 1),
  ('linear', 3, 2, 3, 3, 1, 1.0/3), ('linear', 3, 2, 3, 3, 2, 1.0/3), ('linear', 3, 2, 3, 3, 3, 1.0/3),
  ('u_shaped', 3, 2, 3, 3, 1, 0.4), ('u_shaped', 3, 2, 3, 3, 2, 0.2), ('u_shaped', 3, 2, 3, 3, 3, 0.4),
  ('w_shaped', 3, 2, 3, 3, 1, 1.0/3),    -- 0.3 + 0.1/3, three distinct milestones
  ('w_shaped', 3, 2, 3, 3, 2, 1.0/3),
  ('w_shaped', 3, 2, 3, 3, 3, 1.0/3),
  ('w_shaped', 3, 1, 2, 3, 1, 0.6),      -- F+L
  ('w_shaped', 3, 1, 2, 3, 2, 0.3),      -- O
  ('w_shaped', 3, 1, 2, 3, 3, 0.1),      -- the one touch without a milestone
  ('w_shaped', 3, 1, 1, 3, 1, 0.9),      -- all three milestones coincide
  ('w_shaped', 3, 1, 1, 3, 2, 0.05),
  ('w_shaped', 3, 1, 1, 3, 3, 0.05),
  ('full_path', 3, 2, 2, 3, 1, 0.225 + 0.1/3),   -- F
  ('full_path', 3, 2, 2, 3, 2, 0.45 + 0.1/3),    -- L+O
  ('full_path', 3, 2, 2, 3, 3, 0.225 + 0.1/3),   -- W
  ('full_path', 3, 2, 3, 3, 1, 0.225 + 0.1/3),   -- F; all 3 touches hold a milestone
  ('full_path', 3, 2, 3, 3, 2, 0.225 + 0.1/3),   -- L
  ('full_path', 3, 2, 3, 3, 3, 0.45 + 0.1/3),    -- O+W
  -- 5 touches
  ('first_touch', 5, 2, 4, 5, 1, 1), ('first_touch', 5, 2, 4, 5, 3, 0),
  ('last_touch', 5, 2, 4, 5, 5, 1), ('last_touch', 5, 2, 4, 5, 4, 0),
  ('linear', 5, 2, 4, 5, 1, 0.2), ('linear', 5, 2, 4, 5, 3, 0.2), ('linear', 5, 2, 4, 5, 5, 0.2),
  ('u_shaped', 5, 2, 4, 5, 1, 0.4), ('u_shaped', 5, 2, 4, 5, 2, 0.2/3),
  ('u_shaped', 5, 2, 4, 5, 3, 0.2/3), ('u_shaped', 5, 2, 4, 5, 4, 0.2/3), ('u_shaped', 5, 2, 4, 5, 5, 0.4),
  ('w_shaped', 5, 2, 4, 5, 1, 0.3), ('w_shaped', 5, 2, 4, 5, 2, 0.3), ('w_shaped', 5, 2, 4, 5, 3, 0.05),
  ('w_shaped', 5, 2, 4, 5, 4, 0.3), ('w_shaped', 5, 2, 4, 5, 5, 0.05),
  ('full_path', 5, 2, 4, 5, 1, 0.225), ('full_path', 5, 2, 4, 5, 2, 0.225), ('full_path', 5, 2, 4, 5, 3, 0.1),
  ('full_path', 5, 2, 4, 5, 4, 0.225), ('full_path', 5, 2, 4, 5, 5, 0.225),
  ('full_path', 5, 1, 1, 5, 1, 0.675),           -- F+L+O
  ('full_path', 5, 1, 1, 5, 2, 0.1/3), ('full_path', 5, 1, 1, 5, 3, 0.1/3), ('full_path', 5, 1, 1, 5, 4, 0.1/3),
  ('full_path', 5, 1, 1, 5, 5, 0.225),           -- W
  ('full_path', 5, 3, 3, 3, 3, 0.675),           -- L+O+W on a middle touch; the last touch gets spread
  ('full_path', 5, 3, 3, 3, 5, 0.1/3),
  ('w_shaped', 5, 5, 5, 5, 5, 0.6),              -- L+O on the last touch
  ('w_shaped', 5, 5, 5, 5, 2, 0.1/3);

-- scalar form: the 5- and 6-argument forms, and the 3-argument form where no milestone is needed
SELECT model, n, l, o, w, pos, round(expected::numeric, 6) AS expected,
       abs(abm_attribution_credit(model, pos, n, l, o, w) - expected) < 1e-15 AS ok6,
       CASE WHEN w = n THEN abs(abm_attribution_credit(model, pos, n, l, o) - expected) < 1e-15 END AS ok5,
       CASE WHEN model NOT IN ('w_shaped', 'full_path')
            THEN abs(abm_attribution_credit(model, pos, n) - expected) < 1e-15 END AS ok3
FROM hand ORDER BY model, n, l, o, w, pos;

-- time_decay, half-life 7 days, touches every 7 days up to the conversion:
-- weights 2^-(age/7 days); 2 touches aged 7 and 0 days: 1/2, 1 -> 1/3, 2/3;
-- 3 touches: 1/4, 1/2, 1 -> 1/7, 2/7, 4/7; 5 touches: 1/16 .. 1 -> 1/31, 2/31, 4/31, 8/31, 16/31
SELECT n, touch_id, round(credit::numeric, 6) AS credit,
       abs(credit - 2 ^ (touch_id - 1) / (2 ^ n - 1)) < 1e-15 AS ok
FROM generate_series(1, 5) n,
     abm_attribute('time_decay',
                   ARRAY(SELECT generate_series(1, n)::bigint),
                   ARRAY(SELECT '2026-01-01'::timestamptz + (i - 1) * interval '7 days'
                         FROM generate_series(1, n) i),
                   '2026-01-01'::timestamptz + (n - 1) * interval '7 days')
WHERE n IN (1, 2, 3, 5)
ORDER BY n, touch_id;
-- other half-lives: ages 2 and 0 days, half-life 1 day: 1/4, 1 -> 1/5, 4/5
SELECT touch_id, abs(credit - CASE touch_id WHEN 1 THEN 0.2 ELSE 0.8 END) < 1e-15 AS ok
FROM abm_attribute('time_decay', '{1,2}', '{2026-01-01, 2026-01-03}', '2026-01-03', '1 day');

-- the window form and the array form agree with the hand credits: conversion
-- at day 10, touch k at day k, milestones at the days of touches l and o
SELECT count(*) AS window_rows, count(*) FILTER (WHERE abs(credit - expected) >= 1e-15) AS window_wrong
FROM (SELECT h.expected, h.pos, t.k,
             abm_attribution_credit(h.model, '2026-01-01'::timestamptz + t.k * interval '1 day',
                                    '2026-01-11', '2026-01-01'::timestamptz + h.l * interval '1 day',
                                    '2026-01-01'::timestamptz + h.o * interval '1 day')
               OVER (PARTITION BY h.model, h.n, h.l, h.o, h.pos ORDER BY t.k) AS credit
      FROM hand h, generate_series(1, h.n) t(k)
      WHERE h.w = h.n) s
WHERE k = pos;
SELECT count(*) AS array_rows, count(*) FILTER (WHERE abs(a.credit - h.expected) >= 1e-15) AS array_wrong
FROM hand h,
     abm_attribute(h.model, ARRAY(SELECT generate_series(1, h.n)::bigint),
                   ARRAY(SELECT '2026-01-01'::timestamptz + k * interval '1 day'
                         FROM generate_series(1, h.n) k),
                   '2026-01-11',
                   lead_created_at => '2026-01-01'::timestamptz + h.l * interval '1 day',
                   opportunity_created_at => '2026-01-01'::timestamptz + h.o * interval '1 day') a
WHERE h.w = h.n AND a.touch_id = h.pos;

-- milestones from timestamps: the last touch at or before the milestone;
-- the first touch when the milestone precedes every touch.  Touches at
-- days 1..4, lead created at day 2.5 (-> touch 2), opportunity created
-- before any touch (-> touch 1): touch 1 = F+O 0.6, touch 2 = L 0.3,
-- touches 3, 4 = 0.05
SELECT touch_id, credit, abs(credit - CASE touch_id WHEN 1 THEN 0.6 WHEN 2 THEN 0.3 ELSE 0.05 END) < 1e-15 AS ok
FROM abm_attribute('w_shaped', '{1,2,3,4}', '{2026-01-01,2026-01-02,2026-01-03,2026-01-04}',
                   '2026-01-05', lead_created_at => '2026-01-02 12:00',
                   opportunity_created_at => '2025-12-01');

-- conservation: every position-based model, every milestone placement for
-- up to 12 touches, credits sum to 1 within 1e-12
SELECT count(*) AS conversions,
       count(*) FILTER (WHERE abs(total - 1) > 1e-12) AS not_conserved
FROM (SELECT m, n, l, o, w, sum(abm_attribution_credit(m, p, n, l, o, w)) AS total
      FROM unnest('{first_touch,last_touch,linear,u_shaped,w_shaped,full_path}'::text[]) m,
           generate_series(1, 12) n, generate_series(1, n) l, generate_series(1, n) o,
           generate_series(1, n) w, generate_series(1, n) p
      GROUP BY m, n, l, o, w) s;
-- up to 200 touches, pseudo-random milestones, exact sum in numeric too
SELECT count(*) AS conversions,
       count(*) FILTER (WHERE abs(total - 1) > 1e-12 OR abs(exact_total - 1) > 1e-12) AS not_conserved
FROM (SELECT m, n, sum(c) AS total, sum(c::numeric) AS exact_total
      FROM (SELECT m, n, abm_attribution_credit(m, p, n, 1 + (n * 7919) % n, 1 + (n * 104729) % n,
                                                1 + (n * 31) % n) AS c
            FROM unnest('{first_touch,last_touch,linear,u_shaped,w_shaped,full_path}'::text[]) m,
                 generate_series(1, 200) n, generate_series(1, n) p) c
      GROUP BY m, n) s;
-- every model through abm_attribute with random timestamps (ties included),
-- 1..200 touches, some after the conversion
SELECT setseed(0.7);
CREATE TABLE conv AS
SELECT c AS conversion, '2026-03-01'::timestamptz AS converted_at,
       '2026-01-15'::timestamptz AS lead_at, '2026-02-01'::timestamptz AS opportunity_at
FROM generate_series(1, 200) c;
CREATE TABLE tch AS
SELECT c.conversion, c.conversion * 1000 + i AS touch_id,
       '2026-01-01'::timestamptz + floor(random() * 70) * interval '1 day' AS occurred_at
FROM conv c, generate_series(1, c.conversion) i;
SELECT count(*) AS conversions,
       count(*) FILTER (WHERE abs(total - 1) > 1e-12) AS not_conserved,
       count(*) FILTER (WHERE late_credit <> 0) AS late_touches_credited
FROM (SELECT m, c.conversion, sum(a.credit) FILTER (WHERE t.occurred_at <= c.converted_at) AS total,
             sum(a.credit) FILTER (WHERE t.occurred_at > c.converted_at) AS late_credit
      FROM unnest('{first_touch,last_touch,linear,time_decay,u_shaped,w_shaped,full_path}'::text[]) m,
           conv c,
           LATERAL (SELECT array_agg(touch_id) AS ids, array_agg(occurred_at) AS ats
                    FROM tch WHERE tch.conversion = c.conversion) arr,
           abm_attribute(m, arr.ids, arr.ats, c.converted_at, '3 days', c.lead_at, c.opportunity_at) a
           JOIN tch t ON t.touch_id = a.touch_id
      GROUP BY m, c.conversion) s;

-- the window form equals the array form on the same data, every model;
-- ties are broken by the window's ORDER BY and by array order alike
SELECT count(*) AS touches_compared, count(*) FILTER (WHERE w.credit <> a.credit) AS differing
FROM (SELECT m, t.touch_id,
             abm_attribution_credit(m, t.occurred_at, c.converted_at, '3 days', c.lead_at, c.opportunity_at)
               OVER (PARTITION BY m, t.conversion ORDER BY t.occurred_at, t.touch_id) AS credit
      FROM unnest('{first_touch,last_touch,linear,time_decay,u_shaped,w_shaped,full_path}'::text[]) m,
           tch t JOIN conv c USING (conversion)) w
JOIN (SELECT m, a.touch_id, a.credit
      FROM unnest('{first_touch,last_touch,linear,time_decay,u_shaped,w_shaped,full_path}'::text[]) m,
           conv c,
           LATERAL (SELECT array_agg(touch_id ORDER BY touch_id) AS ids,
                           array_agg(occurred_at ORDER BY touch_id) AS ats
                    FROM tch WHERE tch.conversion = c.conversion) arr,
           abm_attribute(m, arr.ids, arr.ats, c.converted_at, '3 days', c.lead_at, c.opportunity_at) a) a
  USING (m, touch_id);
-- and the scalar form with row_number()/count() equals the window form
-- for the position-based models (a milestone before every touch is the
-- first touch, hence greatest(1, ...))
SELECT count(*) AS touches_compared, count(*) FILTER (WHERE s.credit <> w.credit) AS differing
FROM (SELECT m, touch_id,
             abm_attribution_credit(m, t.occurred_at, c.converted_at, c.lead_at, c.opportunity_at)
               OVER (PARTITION BY m, t.conversion ORDER BY t.occurred_at, t.touch_id) AS credit
      FROM unnest('{first_touch,last_touch,linear,u_shaped,w_shaped,full_path}'::text[]) m,
           tch t JOIN conv c USING (conversion)
      WHERE t.occurred_at <= c.converted_at) w
JOIN (SELECT m, touch_id,
             abm_attribution_credit(m, (row_number() OVER o)::int, (count(*) OVER p)::int,
                                    greatest(1, count(*) FILTER (WHERE occurred_at <= lead_at) OVER p)::int,
                                    greatest(1, count(*) FILTER (WHERE occurred_at <= opportunity_at) OVER p)::int)
               AS credit
      FROM unnest('{first_touch,last_touch,linear,u_shaped,w_shaped,full_path}'::text[]) m,
           tch t JOIN conv c USING (conversion)
      WHERE t.occurred_at <= c.converted_at
      WINDOW p AS (PARTITION BY m, t.conversion),
             o AS (PARTITION BY m, t.conversion ORDER BY t.occurred_at, t.touch_id)) s
  USING (m, touch_id);

-- equal timestamps: array order (window: ORDER BY) decides first and last;
-- linear and time_decay give equal credit to equal times
SELECT touch_id, credit FROM abm_attribute('first_touch', '{30,10,20}', '{2026-01-01,2026-01-01,2026-01-01}', '2026-01-02');
SELECT touch_id, credit FROM abm_attribute('last_touch', '{30,10,20}', '{2026-01-01,2026-01-01,2026-01-01}', '2026-01-02');
SELECT touch_id, credit FROM abm_attribute('time_decay', '{1,2,3}', '{2026-01-01,2026-01-01,2026-01-01}', '2026-01-02');
SELECT id, abm_attribution_credit('first_touch', at, '2026-01-02') OVER (ORDER BY at, id DESC) AS credit
FROM (VALUES (1, '2026-01-01'::timestamptz), (2, '2026-01-01')) v(id, at) ORDER BY id;

-- touches after the conversion get 0; a touch at the conversion instant counts;
-- unsorted input; rows come back in array order
-- (1, 3, 5, 7 count: 0.4, 0.1, 0.1, 0.4; 9 is late)
SELECT touch_id, credit, abs(credit - CASE touch_id WHEN 1 THEN 0.4 WHEN 7 THEN 0.4 WHEN 9 THEN 0 ELSE 0.1 END) < 1e-15 AS ok
FROM abm_attribute('u_shaped', '{5,1,9,3,7}',
                   '{2026-01-05,2026-01-01,2026-01-09,2026-01-03,2026-01-07}', '2026-01-07');

-- NULLs: a touch without a time gets 0 and takes no part; a NULL id is only
-- a label; NULL model, arrays or conversion give no rows
SELECT touch_id, credit FROM abm_attribute('linear', '{1,NULL,3}', '{2026-01-01,2026-01-02,NULL}', '2026-01-05');
SELECT count(*) AS rows_for_null_model FROM abm_attribute(NULL, '{1}', '{2026-01-01}', '2026-01-05');
SELECT count(*) AS rows_for_null_conversion FROM abm_attribute('linear', '{1}', '{2026-01-01}', NULL);
SELECT count(*) AS rows_for_empty_arrays FROM abm_attribute('linear', '{}', '{}', '2026-01-05');
SELECT abm_attribution_credit(NULL, 1, 2) IS NULL AS scalar_null_model,
       abm_attribution_credit('linear', NULL, 2) IS NULL AS scalar_null_position;
-- window: NULL times get 0, a NULL model gives NULL, no touch before the conversion gives 0
SELECT id, abm_attribution_credit('linear', at, conv) OVER () AS credit
FROM (VALUES (1, '2026-01-01'::timestamptz, '2026-01-05'::timestamptz), (2, NULL, '2026-01-05'),
             (3, '2026-01-02', '2026-01-05'), (4, '2026-01-03', NULL)) v(id, at, conv) ORDER BY id;
SELECT abm_attribution_credit(NULL, '2026-01-01'::timestamptz, '2026-01-05') OVER () AS credit;
SELECT abm_attribution_credit('first_touch', '2026-01-09'::timestamptz, '2026-01-05') OVER () AS credit;
SELECT sum(credit) AS total FROM abm_attribute('linear', '{1,2}', '{2026-01-09,2026-01-10}', '2026-01-05');

-- infinite times do not overflow: a touch at -infinity is infinitely old
-- (time_decay: 0 and 1), linear still splits 1/2, 1/2
SELECT touch_id, credit, credit = touch_id - 1 AS ok
FROM abm_attribute('time_decay', '{1,2}', '{-infinity,2026-01-01}', '2026-01-02');
SELECT touch_id, credit, credit = 0.5 AS ok FROM abm_attribute('linear', '{1,2}', '{-infinity,2026-01-01}', 'infinity');

-- bad input: SQLSTATE 22023, and the session goes on
SELECT abm_attribution_credit('position_based', 1, 3);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM abm_attribute('Linear', '{1}', '{2026-01-01}', '2026-01-05');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_attribution_credit('nope', '2026-01-01'::timestamptz, '2026-01-05') OVER ();
\echo :LAST_ERROR_SQLSTATE
SELECT abm_attribution_credit('linear', 4, 3);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_attribution_credit('linear', 1, 0);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_attribution_credit('time_decay', 1, 3);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_attribution_credit('w_shaped', 1, 3);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_attribution_credit('w_shaped', 1, 3, 4, 2);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM abm_attribute('linear', '{1,2}', '{2026-01-01}', '2026-01-05');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM abm_attribute('linear', '{{1},{2}}', '{{2026-01-01},{2026-01-02}}', '2026-01-05');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM abm_attribute('time_decay', '{1}', '{2026-01-01}', '2026-01-05', '-1 day');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM abm_attribute('time_decay', '{1}', '{2026-01-01}', '2026-01-05', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM abm_attribute('full_path', '{1}', '{2026-01-01}', '2026-01-05');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM abm_attribute('w_shaped', '{}', '{}', '2026-01-05');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_attribution_credit(m, at, '2026-01-05') OVER ()
FROM (VALUES ('linear', '2026-01-01'::timestamptz), ('u_shaped', '2026-01-02')) v(m, at);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_attribution_credit('w_shaped', '2026-01-01'::timestamptz, '2026-01-05') OVER ();
\echo :LAST_ERROR_SQLSTATE
SELECT 'session still alive' AS status;
