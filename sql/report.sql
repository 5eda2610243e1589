-- abm_report on a hand-built fixture: ten accounts whose every KPI row was
-- worked out by hand (docs/kpis.md defines the rows).  The arithmetic is
-- written next to each expected value; the test shows the rows where the
-- report and the hand computation differ, and the rows either side lacks:
-- all three lists must be empty.
--
-- Period: H1 2025, [2025-01-01, 2025-07-01), 181 days.  Half-life 30 days,
-- renewal grace 30 days, look-back 90 days, view-through window 7 days,
-- surge 7 days against 28 days.  Data after the period (a touch, an
-- opportunity close, a contract, a stage, an NPS response) is there on
-- purpose: none of it may count.
SET TimeZone = 'UTC';
CREATE SCHEMA fx;

-- Accounts.  ICP profile: industry in (software, fintech), employees >= 500,
-- equal weights, so fit = share of the two criteria met:
--   1 1.0, 2 0.5, 3 0.5, 4 0.5, 5 0, 6 1.0, 7 0, 8 0, 9 1.0 (not a target), 10 1.0
CREATE TABLE fx.accounts (account_id bigint, is_target bool, tier int, attributes jsonb);
INSERT INTO fx.accounts VALUES
  (1, true, 1, '{"industry": "software", "employees": 900}'),   -- existing customer that buys again
  (2, true, 2, '{"industry": "fintech", "employees": 120}'),    -- new customer in the period
  (3, true, 3, '{"industry": "retail", "employees": 5000}'),    -- renewed within the grace period
  (4, true, 1, '{"industry": "software", "employees": 50}'),    -- not renewed (churn)
  (5, true, 2, '{"industry": "media", "employees": 300}'),      -- opportunity closes after the period
  (6, true, 3, '{"industry": "software", "employees": 2000}'),  -- touches after its win; intent surge
  (7, true, 1, '{"industry": "energy", "employees": 80}'),      -- only ad impressions
  (8, true, 2, '{"industry": "retail", "employees": 10}'),      -- nothing at all
  (9, false, NULL, '{"industry": "software", "employees": 700}'), -- not a target: never counts
  (10, true, 3, '{"industry": "fintech", "employees": 650}');   -- lost opportunity; old customer of 2023

CREATE TABLE fx.contacts (contact_id bigint, account_id bigint, role text);
INSERT INTO fx.contacts VALUES
  (101, 1, 'champion'), (102, 1, 'economic_buyer'), (103, 1, 'user'),
  (201, 2, 'technical_buyer'), (202, 2, 'influencer'),
  (301, 3, 'champion'),
  (601, 6, 'economic_buyer'), (602, 6, 'champion'), (603, 6, 'technical_buyer'), (604, 6, 'influencer'),
  (901, 9, 'champion');

-- Touches (#n is the number used in the arithmetic below).
CREATE TABLE fx.touches (n int, account_id bigint, contact_id bigint, occurred_at timestamptz, activity text,
                         channel text, campaign text, cost numeric);
INSERT INTO fx.touches (n, account_id, contact_id, occurred_at, activity, cost) VALUES
  (1, 1, 101, '2024-11-15', 'web_visit', NULL),
  (2, 1, 101, '2025-06-01', 'email_open', NULL),
  (3, 1, 101, '2025-06-02', 'email_click', NULL),
  (4, 1, 102, '2025-06-16', 'meeting_booked', NULL),
  (5, 1, 103, '2025-07-10', 'web_visit', NULL),              -- after the period
  (6, 2, NULL, '2025-02-01', 'ad_impression', 1.00),
  (7, 2, 201, '2025-02-03', 'form_fill', NULL),              -- view-through conversion (#6, 2 days)
  (8, 2, NULL, '2025-02-10', 'ad_click', 2.00),
  (9, 2, NULL, '2025-02-05', 'web_visit', NULL),             -- view-through visit (#6, 4 days), anonymous
  (10, 2, 202, '2025-02-12', 'email_open', NULL),
  (11, 3, 301, '2025-05-20', 'chat', NULL),
  (12, 4, NULL, '2024-12-20', 'ad_impression', 1.00),        -- before the period
  (13, 5, NULL, '2025-04-10', 'high_value_page_visit', NULL),
  (14, 5, NULL, '2025-04-20', 'content_download', NULL),
  (15, 6, 601, '2025-03-01', 'webinar_attended', 10.00),
  (16, 6, 602, '2025-03-20', 'meeting_booked', NULL),
  (17, 6, 603, '2025-04-15', 'web_visit', NULL),             -- after account 6's win (2025-04-01)
  (18, 6, 603, '2025-06-25', 'web_visit', NULL),
  (19, 6, 603, '2025-06-26', 'web_visit', NULL),
  (20, 6, NULL, '2025-06-27', 'third_party_intent', NULL),
  (21, 7, NULL, '2025-03-05', 'ad_impression', 1.00),
  (22, 7, NULL, '2025-03-06', 'ad_impression', 1.00),
  (23, 7, NULL, '2025-06-25', 'ad_impression', 1.00),
  (24, 7, NULL, '2025-06-26', 'ad_impression', 1.00),
  (25, 7, NULL, '2025-06-27', 'ad_impression', 1.00),
  (26, 9, 901, '2025-03-01', 'form_fill', 50.00),            -- not a target
  (27, 10, NULL, '2025-01-10', 'event_attended', 100.00),
  (28, 3, 301, '2024-12-02', 'chat', NULL),                  -- before the period
  (29, 4, NULL, '2025-04-04', NULL, 5.00);                   -- an untyped touch: spend, not engagement

CREATE TABLE fx.opportunities (opportunity_id bigint, account_id bigint, created_at timestamptz,
                               closed_at timestamptz, amount numeric, is_won bool);
INSERT INTO fx.opportunities VALUES
  (1, 1, '2025-02-01', '2025-03-15', 50000, true),   -- 42 days
  (2, 2, '2025-02-15', '2025-02-28', 30000, true),   -- 13 days
  (3, 5, '2025-05-01', '2025-08-01', 80000, true),   -- won after the period: open at its end
  (4, 6, '2025-01-20', '2025-04-01', 40000, true),   -- 71 days
  (5, 10, '2025-01-15', '2025-03-01', 20000, false),
  (6, 4, '2024-10-01', NULL, 60000, NULL),           -- open since 2024
  (7, 3, '2024-06-01', '2024-09-01', 10000, false),  -- closed before the period
  (8, 9, '2025-03-01', '2025-04-01', 99999, true),   -- not a target
  (9, 7, '2025-07-15', NULL, 5000, NULL);            -- created after the period

-- Contracts; ARR = round(amount * 365.25 / days, 2).
CREATE TABLE fx.contracts (account_id bigint, starts_on date, ends_on date, amount numeric, kind text, renewed bool);
INSERT INTO fx.contracts VALUES
  (1, '2024-03-01', '2025-03-01', 36500, 'new', true),        -- C1 365 days, ARR 36525.00
  (1, '2025-03-01', '2026-03-01', 36500, 'renewal', NULL),    -- C2 renews C1 on time, ARR 36525.00
  (1, '2025-03-16', '2026-03-16', 50000, 'new', NULL),        -- C3 an existing customer buys again, ARR 50034.25
  (2, '2025-03-01', '2026-03-01', 30000, 'new', NULL),        -- C4 new customer, ARR 30020.55
  (3, '2024-02-01', '2025-02-01', 10000, 'new', true),        -- C5 366 days, ARR 9979.51
  (3, '2025-02-20', '2026-02-20', 11000, 'renewal', NULL),    -- C6 renews C5 19 days late, ARR 11007.53
  (4, '2024-03-01', '2025-03-01', 20000, 'new', false),       -- C7 not renewed, ARR 20013.70
  (6, '2025-04-02', '2026-04-02', 40000, 'new', NULL),        -- C8 new customer, ARR 40027.40
  (10, '2023-01-01', '2024-01-01', 5000, 'new', false),       -- C9 a customer of 2023 only
  (5, '2025-08-01', '2026-08-01', 80000, 'new', NULL),        -- C10 starts after the period
  (9, '2025-02-01', '2026-02-01', 7000, 'new', NULL),         -- not a target
  (7, '2024-06-01', '2026-06-01', NULL, 'new', NULL);         -- C11 a free pilot: a customer, no money

CREATE TABLE fx.stages (account_id bigint, stage text, entered_at timestamptz);
INSERT INTO fx.stages VALUES
  (1, 'target', '2024-01-01'), (1, 'won', '2024-03-01'), (1, 'engaged', '2024-11-20'),
  (1, 'opportunity', '2025-02-01'), (1, 'retained', '2025-03-01'), (1, 'expanded', '2025-03-16'),
  (2, 'target', '2025-01-05'), (2, 'engaged', '2025-02-03'), (2, 'opportunity', '2025-02-15'), (2, 'won', '2025-02-28'),
  (3, 'target', '2024-01-01'), (3, 'won', '2024-02-01'), (3, 'retained', '2025-02-20'),
  (4, 'target', '2024-01-01'), (4, 'won', '2024-03-01'),
  (5, 'target', '2025-01-05'), (5, 'engaged', '2025-04-10'), (5, 'opportunity', '2025-05-01'),
  (5, 'won', '2025-08-01'),                                   -- after the period
  (6, 'target', '2025-01-05'), (6, 'opportunity', '2025-01-20'), (6, 'engaged', '2025-03-01'), (6, 'won', '2025-04-01'),
  (7, 'target', '2025-01-05'),
  (8, 'target', '2025-08-01'),                                -- after the period
  (9, 'target', '2025-01-01'), (9, 'won', '2025-04-01'),
  (10, 'target', '2024-06-01'), (10, 'engaged', '2025-01-10'), (10, 'opportunity', '2025-01-15');

CREATE TABLE fx.nps_responses (account_id bigint, contact_id bigint, responded_at timestamptz, score int);
INSERT INTO fx.nps_responses VALUES
  (1, 101, '2025-05-01', 10), (1, 102, '2025-06-01', 6), (3, 301, '2025-03-01', 9),
  (6, 601, '2025-07-05', 0),    -- after the period
  (9, 901, '2025-03-01', 0),    -- not a target
  (2, 201, '2024-12-01', 3);    -- before the period

CREATE TABLE fx_report AS
SELECT * FROM abm_report('fx.accounts', 'fx.touches', 'fx.opportunities', 'fx.contacts', 'fx.stages',
                         'fx.contracts', 'fx.nps_responses', '2025-01-01', '2025-07-01',
                         revenue_goal => 1010000,
                         icp_profile => '{"criteria": [{"attribute": "industry", "in": ["software", "fintech"]},
                                                       {"attribute": "employees", "gte": 500}]}',
                         mqa_min_score => 10, mqa_min_contacts => 2, mqa_min_fit => 0.5);

-- Decayed weight of a touch at as_of: weight * 2^(-days / 30).
CREATE FUNCTION pg_temp.d(w numeric, days numeric) RETURNS numeric LANGUAGE sql AS
  $$ SELECT w * power(2::numeric, -days / 30) $$;

CREATE TABLE fx_expected (stage int, kpi text, value numeric);
INSERT INTO fx_expected VALUES
-- Stage 1.  Targets: 1-8 and 10; tiers 1: {1,4,7}, 2: {2,5,8}, 3: {3,6,10}.
(1, 'target accounts', 9),
(1, 'target accounts, tier 1', 3),
(1, 'target accounts, tier 2', 3),
(1, 'target accounts, tier 3', 3),
-- every account with fit >= 0.5: 1, 2, 3, 4, 6, 9, 10
(1, 'total addressable market (accounts with ICP fit at or above the minimum fit)', 7),
(1, 'ICP fit, average of target accounts', round(4.5 / 9, 4)),
-- opportunities won in the period 120000 from 3 accounts {1, 2, 6}; accounts with an
-- opportunity open at some time in the period {1, 2, 4, 5, 6, 10}: 6 of 9 targets:
-- ceil(1010000 / (40000 * 3/6 * 6/9)) = ceil(75.75)
(1, 'minimum viable accounts for the revenue goal', 76),
-- two-way touches (meetings, chats) before 2025-01-01: #28 (30 days before) -> 6 * 2^-1 = 3
(1, 'relationship score at period start, average of target accounts', round(3.0 / 9, 2)),
-- at 2025-07-01: #4 (15 days), #11 (42), #28 (211), #16 (103)
(1, 'relationship score at period end, average of target accounts',
   round((pg_temp.d(20, 15) + pg_temp.d(6, 42) + pg_temp.d(6, 211) + pg_temp.d(20, 103)) / 9, 2)),
(1, 'relationship score trend (end minus start), average of target accounts',
   round((pg_temp.d(20, 15) + pg_temp.d(6, 42) + pg_temp.d(6, 211) + pg_temp.d(20, 103)) / 9, 2) - round(3.0 / 9, 2)),
-- research touches in [06-24, 07-01): account 6 has #18, #19, #20, none in the 28 days
-- before: z = (3 - 0) / 1 = 3.  Account 7's impressions do not count.
(1, 'target accounts with an intent surge at period end (research activities)', 1),
-- Stage 2.  Engaged (a touch other than an ad impression in the period):
-- 1 (#2-#4), 2 (#7-#10), 3 (#11), 5 (#13, #14), 6 (#15-#20), 10 (#27); not 4, 7, 8.
(2, 'target accounts engaged in the period', 6),
(2, 'share of target accounts engaged in the period', round(6.0 / 9, 4)),
(2, 'share of target accounts not engaged in the period', round(3.0 / 9, 4)),
-- every touch before 2025-07-01 decayed to it, averaged over the 9 targets
(2, 'engagement score at period end, average of target accounts', round((
     pg_temp.d(1, 228) + pg_temp.d(1, 30) + pg_temp.d(3, 29) + pg_temp.d(20, 15)              -- account 1
   + pg_temp.d(0.1, 150) + pg_temp.d(10, 148) + pg_temp.d(2, 141) + pg_temp.d(1, 146)
   + pg_temp.d(1, 139)                                                                      -- account 2
   + pg_temp.d(6, 42) + pg_temp.d(6, 211)                                                   -- account 3
   + pg_temp.d(0.1, 193)                                                                    -- account 4
   + pg_temp.d(5, 82) + pg_temp.d(5, 72)                                                    -- account 5
   + pg_temp.d(8, 122) + pg_temp.d(20, 103) + pg_temp.d(1, 77) + pg_temp.d(1, 6) + pg_temp.d(1, 5) -- account 6
   + pg_temp.d(0.1, 118) + pg_temp.d(0.1, 117) + pg_temp.d(0.1, 6) + pg_temp.d(0.1, 5)
   + pg_temp.d(0.1, 4)                                                                      -- account 7
   + pg_temp.d(15, 172)) / 9, 2)),                                                          -- account 10
-- only account 1 reaches 10: 0.005 + 0.5 + 1.535 + 14.142 = 16.18
(2, 'target accounts at or above the engagement-score threshold at period end', 1),
(2, 'ad impressions', 6),                         -- #6, #21-#25 (#12 is before the period)
(2, 'ad clicks', 1),                              -- #8
(2, 'click-through rate (ad clicks / ad impressions)', round(1.0 / 6, 4)),
(2, 'email opens', 2),                            -- #2, #10
(2, 'email clicks', 1),                           -- #3
(2, 'click-to-open rate (contacts who clicked / contacts who opened)', 0.5),  -- {101} / {101, 202}
(2, 'web visits', 4),                             -- #9, #17, #18, #19 (#1 before, #5 after)
(2, 'high-value page visits', 1),                 -- #13
(2, 'content downloads', 1),                      -- #14
(2, 'webinars attended', 1),                      -- #15
(2, 'chats', 1),                                  -- #11 (#28 before)
(2, 'form fills', 1),                             -- #7 (#26 not a target)
(2, 'meetings booked', 2),                        -- #4, #16
(2, 'events attended', 1),                        -- #27
(2, 'view-through conversions (form fills after an ad impression, no click between)', 1),  -- #7 after #6
(2, 'view-through visits (web visits after an ad impression, no click between)', 1),       -- #9 after #6
-- web and high-value page visits #9, #13, #17, #18, #19; identified #17, #18, #19
(2, 'identified share of web visits (de-anonymisation rate)', 0.6),
-- score >= 10, engaged contacts >= 2, fit >= 0.5: account 1 (16.18, {101, 102}, 1.0)
(2, 'marketing-qualified accounts', 1),
-- #6 1 + #8 2 + #15 10 + #21-#25 5 + #27 100 + #29 5 (#12 before, #26 not a target)
(2, 'marketing spend on target accounts in the period', 123.00),
(2, 'cost per engaged target account', round(123.0 / 6, 2)),
-- Stage 3.  Targets with contacts: 1 (3 contacts, engaged 101, 102: champion,
-- economic buyer), 2 (2, both engaged: technical buyer, influencer), 3 (1,
-- engaged champion), 6 (4, engaged 601-603: economic buyer, champion,
-- technical buyer).  Coverage of the 4 required roles: 2/4, 2/4, 1/4, 3/4.
(3, 'buying-committee size (known contacts), average of target accounts with contacts', round(10.0 / 4, 2)),
(3, 'engaged contacts per target account with contacts, average', round(8.0 / 4, 2)),
(3, 'buying-committee coverage (required roles held by an engaged contact), average', round(2.0 / 4, 4)),
(3, 'account penetration (engaged contacts / expected committee size), average', round(8 / 6.8 / 4, 4)),
(3, 'opportunities created in the period', 5),    -- #1-#5 (#6, #7 before, #9 after)
(3, 'target accounts with an opportunity created in the period', 5),  -- 1, 2, 5, 6, 10
(3, 'opportunity rate (target accounts with an opportunity created in the period / target accounts)', round(5.0 / 9, 4)),
(3, 'opportunities open at period end', 2),       -- #3 (closes after the period), #6
(3, 'pipeline open at period end (amount)', 140000),  -- 80000 + 60000
-- first opportunities created in the period, days from the first touch:
-- 1: 2024-11-15 -> 2025-02-01 = 78; 2: 14; 5: 21; 10: 5; 6: first touch after it.
(3, 'time from first touch to first opportunity, median', 17.5),
(3, 'cost per target account with an opportunity created in the period', round(123.0 / 5, 2)),
-- Lift of target over non-target accounts.  The one non-target account, 9,
-- has an opportunity created in the period (#8): n0 = 1, c0 = 1; targets
-- n1 = 9, c1 = 5.  ratio = (5/9) / 1; se of ln(ratio) = sqrt(1/5 - 1/9 + 1 - 1);
-- pooled rate 6/10, z = (5/9 - 1) / sqrt(0.6 * 0.4 * (1/9 + 1)) = -0.86066,
-- p = 2 (1 - Phi(0.86066)) = 0.3894 (4 significant digits, from a table).
(3, 'non-target accounts', 1),
(3, 'opportunity rate of non-target accounts (with an opportunity created in the period / non-target accounts)', 1),
(3, 'opportunity-rate lift of target over non-target accounts (target rate / non-target rate - 1)', round(5.0 / 9 - 1, 4)),
(3, 'opportunity-rate lift, lower bound of its 95 % confidence interval',
   round((exp(ln(5.0 / 9) - 1.959963984540054 * sqrt(1.0 / 5 - 1.0 / 9)) - 1)::numeric, 4)),
(3, 'opportunity-rate lift, upper bound of its 95 % confidence interval',
   round((exp(ln(5.0 / 9) + 1.959963984540054 * sqrt(1.0 / 5 - 1.0 / 9)) - 1)::numeric, 4)),
(3, 'opportunity-rate lift, p-value (two-sided two-proportion z-test)', 0.3894),
-- Stage 4.  Won in the period: #1 (42 days), #2 (13), #4 (71); lost #5.
(4, 'opportunities won in the period', 3),
(4, 'opportunities lost in the period', 1),
(4, 'win rate (won / closed in the period)', 0.75),
(4, 'average won deal', 40000),
(4, 'sales cycle (created to won), mean', 42.0),
(4, 'sales cycle (created to won), median', 42.0),
(4, 'pipeline velocity (open at period end x average won deal x win rate / mean sales cycle)', round(2 * 40000 * 0.75 / 42, 2)),
-- first touch to won: 1: 120 days, 2: 27, 6: 31; p90 = 31 + 0.8 * (120 - 31)
(4, 'deal cycle (first touch to won), mean', round(178.0 / 3, 1)),
(4, 'deal cycle (first touch to won), median', 31.0),
(4, 'deal cycle (first touch to won), p90', 102.2),
(4, 'target accounts won in the period', 3),
-- Win rate of the non-target account: #8 won, none lost: 1 of 1.  Targets
-- 3 of 4.  se = sqrt(1/3 - 1/4 + 1 - 1); pooled rate 4/5,
-- z = (3/4 - 1) / sqrt(0.8 * 0.2 * (1/4 + 1)) = -0.55902, p = 0.5762.
(4, 'win rate of non-target accounts (won / closed in the period)', 1),
(4, 'win-rate lift of target over non-target accounts (target win rate / non-target win rate - 1)', -0.25),
(4, 'win-rate lift, lower bound of its 95 % confidence interval',
   round((exp(ln(0.75) - 1.959963984540054 * sqrt(1.0 / 3 - 1.0 / 4)) - 1)::numeric, 4)),
(4, 'win-rate lift, upper bound of its 95 % confidence interval',
   round((exp(ln(0.75) + 1.959963984540054 * sqrt(1.0 / 3 - 1.0 / 4)) - 1)::numeric, 4)),
(4, 'win-rate lift, p-value (two-sided two-proportion z-test)', 0.5762),
-- Average won deal of the non-target account: #8, 99999 (one deal: no
-- standard deviation, so no interval and no p-value).  Targets 40000.
(4, 'average won deal of non-target accounts', 99999),
(4, 'average-won-deal lift of target over non-target accounts (target average / non-target average - 1)',
   round(40000.0 / 99999 - 1, 4)),
(4, 'average-won-deal lift, lower bound of its 95 % confidence interval', NULL),
(4, 'average-won-deal lift, upper bound of its 95 % confidence interval', NULL),
(4, 'average-won-deal lift, p-value (normal approximation of the log ratio of the means)', NULL),
-- touches in the period up to the win: 1 (won 03-15): none; 2 (02-28): #6-#10; 6 (04-01): #15, #16
(4, 'touches per won account (touches in the period up to the win)', round(7.0 / 3, 2)),
(4, 'cost per won account', round(123.0 / 3, 2)),
-- first contract ever in the period: 2 (C4), 6 (C8); 1 was a customer before, 10 in 2023
(4, 'new customers', 2),
(4, 'win rate with target accounts (new customers / target accounts)', round(2.0 / 9, 4)),
(4, 'new-logo revenue won', 70000),               -- C4 30000 + C8 40000
(4, 'customer acquisition cost (spend / new customers)', 61.50),
-- a touch in the 90 days before creation: #1 yes (#1), #2 yes, #3 yes (#13, #14), #4 no, #5 yes (#27)
(4, 'marketing influence, share of opportunities created in the period', 0.8),
(4, 'marketing influence, share of pipeline amount created in the period', round(180000.0 / 220000, 4)),
-- Stage 5.  Customers on 2024-12-31: 1 (C1), 3 (C5), 4 (C7), 7 (C11, no
-- money); on 2025-06-30: 1 (C2, C3), 2 (C4), 3 (C6), 6 (C8), 7 (C11).
(5, 'customers at period start', 4),
(5, 'customers at period end', 5),
(5, 'customers at period start still customers at period end', 3),
(5, 'customer retention rate (still customers / customers at period start)', 0.75),
-- up for renewal (end + 30 days in the period): C1 (1), C5 (3), C7 (4); renewed: C2, C6
(5, 'customers up for renewal in the period', 3),
(5, 'customers renewed', 2),
(5, 'renewal rate (customers renewed / customers up for renewal)', round(2.0 / 3, 4)),
-- C2 renews C1 at 36500 over 365/365 days; C6 renews C5: 10000 * 365 / 366 = 9972.68
(5, 'renewal revenue', 36500 + 9972.68),
(5, 'ARR at period start (customers at period start)', 36525.00 + 9979.51 + 20013.70),
-- 1: 36525.00 -> 86559.25; 3: 9979.51 -> 11007.53; 4: 20013.70 -> 0
(5, 'ARR expansion (customers at period start)', (86559.25 - 36525.00) + (11007.53 - 9979.51)),
(5, 'ARR contraction (customers at period start)', 0),
(5, 'ARR churned (customers at period start)', 20013.70),
(5, 'ARR at period end (customers at period start)', 86559.25 + 11007.53),
(5, 'net revenue retention (ARR at period end / ARR at period start)', round(97566.78 / 66518.21, 4)),
(5, 'gross revenue retention (ARR kept, each customer capped at its start ARR / ARR at period start)',
   round((36525.00 + 9979.51) / 66518.21, 4)),
-- Stage 6.  Contracts starting in the period: C2, C3, C4, C6, C8 (C10 after it).
(6, 'average contract value (contracts starting in the period)',
   round((36500 * 365.25 / 365 + 50000 * 365.25 / 365 + 30000 * 365.25 / 365 + 11000 * 365.25 / 365
          + 40000 * 365.25 / 365) / 5, 2)),
(6, 'target accounts that expanded (expansion revenue in the period)', 2),  -- 1 (C3), 3 (C6 above C5)
(6, 'expansion revenue', 50000 + (11000 - 9972.68)),                        -- C3 + C6 beyond renewal
(6, 'total revenue won (new-logo + renewal + expansion)', 36500 + 50000 + 30000 + 11000 + 40000),
-- promoters 10, 9; detractor 6: (2 - 1) / 3
(6, 'NPS', round(100.0 / 3, 1)),
-- Journey at period end (entries before 2025-07-01), furthest stage:
-- 1 expanded, 2 won, 3 retained, 4 won, 5 opportunity, 6 won, 7 target,
-- 10 opportunity; 8 has no entry yet.  Reaching a stage counts skipped ones.
(1, 'target accounts whose furthest stage at period end is target', 1),
(2, 'target accounts that reached engaged or a later stage by period end', 7),
(2, 'target accounts whose furthest stage at period end is engaged', 0),
(3, 'target accounts that reached opportunity or a later stage by period end', 7),
(3, 'target accounts whose furthest stage at period end is opportunity', 2),
(4, 'target accounts that reached won or a later stage by period end', 5),
(4, 'target accounts whose furthest stage at period end is won', 3),
(5, 'target accounts that reached retained or a later stage by period end', 2),
(5, 'target accounts whose furthest stage at period end is retained', 1),
(6, 'target accounts that reached expanded or a later stage by period end', 1),
(6, 'target accounts whose furthest stage at period end is expanded', 1);

-- Rows where the report and the hand computation differ.
SELECT e.stage, e.kpi, e.value AS expected, r.value AS report
FROM fx_expected e JOIN fx_report r USING (stage, kpi)
WHERE r.value IS DISTINCT FROM e.value
ORDER BY 1, 2;
-- Rows of the report without a hand computation, and the reverse.
SELECT stage, kpi AS not_computed_by_hand FROM fx_report
WHERE (stage, kpi) NOT IN (SELECT stage, kpi FROM fx_expected) ORDER BY 1, 2;
SELECT stage, kpi AS missing_from_report FROM fx_expected
WHERE (stage, kpi) NOT IN (SELECT stage, kpi FROM fx_report) ORDER BY 1, 2;
SELECT count(*) AS rows_checked FROM fx_report;

-- Reconciliation on the fixture: new-logo + renewal + expansion = total
-- revenue won; the ARR bridge; NRR and GRR from the bridge rows.
CREATE FUNCTION pg_temp.v(k text) RETURNS numeric LANGUAGE sql AS
  $$ SELECT value FROM fx_report WHERE kpi = k $$;
SELECT pg_temp.v('new-logo revenue won') + pg_temp.v('renewal revenue') + pg_temp.v('expansion revenue')
         = pg_temp.v('total revenue won (new-logo + renewal + expansion)') AS revenue_classes_add_up,
       pg_temp.v('ARR at period start (customers at period start)') + pg_temp.v('ARR expansion (customers at period start)')
         - pg_temp.v('ARR contraction (customers at period start)') - pg_temp.v('ARR churned (customers at period start)')
         = pg_temp.v('ARR at period end (customers at period start)') AS arr_bridge_reconciles;

-- A period before any stage entry: the funnel rows are there, with 0.
SELECT kpi, value FROM abm_report('fx.accounts', stages => 'fx.stages', period_start => '2023-01-01',
                                  period_end => '2023-07-01') WHERE kpi LIKE '%stage%' ORDER BY stage, kpi;

-- The rows without their inputs: no ICP profile (a NOTICE names it), no
-- contracts, no touches.
SELECT count(*) AS rows, count(*) FILTER (WHERE kpi = 'marketing-qualified accounts') AS mqa_rows
FROM abm_report('fx.accounts', 'fx.touches', 'fx.opportunities', period_start => '2025-01-01', period_end => '2025-07-01');
SELECT stage, kpi, value FROM abm_report('fx.accounts', period_start => '2025-01-01', period_end => '2025-07-01');
-- empty relations: counts 0, shares and averages NULL, never an error
CREATE TABLE fx_empty_touches (LIKE fx.touches);
CREATE TABLE fx_empty_accounts (LIKE fx.accounts);
SELECT stage, kpi, value FROM abm_report('fx_empty_accounts', 'fx_empty_touches',
                                         period_start => '2025-01-01', period_end => '2025-07-01')
WHERE stage = 2 AND kpi ~ '^(target accounts engaged|share of target accounts engaged|ad impressions|click-through)';

-- Bad input: SQLSTATE, and the session goes on.
SELECT * FROM abm_report('fx.accounts', period_start => '2025-07-01', period_end => '2025-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM abm_report('fx.accounts', period_start => '2025-01-01', period_end => 'infinity');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM abm_report('fx.accounts', period_start => '2025-01-01', period_end => '2025-07-01', grace => '-1 day');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM abm_report('fx.accounts', period_start => '2025-01-01', period_end => '2025-07-01', committee_size => 0.5);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM abm_report('fx.contacts', period_start => '2025-01-01', period_end => '2025-07-01');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS session_goes_on FROM fx_report;

-- The trend form equals one report per step (three steps of two months).
CREATE TABLE fx_series AS
SELECT * FROM abm_report_series('fx.accounts', 'fx.touches', 'fx.opportunities', 'fx.contacts', 'fx.stages',
                                'fx.contracts', 'fx.nps_responses', '2025-01-01', '2025-07-01', '2 months');
SELECT step_start, step_end, count(*) AS kpis FROM fx_series GROUP BY 1, 2 ORDER BY 1;
SELECT count(*) AS differing_rows
FROM (SELECT s.step_start, r.* FROM (SELECT DISTINCT step_start, step_end FROM fx_series) s,
           LATERAL abm_report('fx.accounts', 'fx.touches', 'fx.opportunities', 'fx.contacts', 'fx.stages',
                              'fx.contracts', 'fx.nps_responses', s.step_start, s.step_end) r
      EXCEPT
      SELECT step_start, stage, kpi, value, unit FROM fx_series) d;
SELECT * FROM abm_report_series('fx.accounts', period_start => '2025-01-01', period_end => '2025-07-01', step => '0 days');
\echo :LAST_ERROR_SQLSTATE

-- An account listed twice in accounts counts twice, in the opportunity KPIs
-- as everywhere: target account 1 and non-target account 9 each get a
-- second row.  By hand: 10 targets; created in the period #1 twice, #2,
-- #3, #4, #5: 6, from 6 target accounts; won #1 twice, #2, #4: 4 (average
-- (2 * 50000 + 30000 + 40000) / 4 = 42500), lost #5: win rate 4 / 5, 4
-- target accounts won.  Non-target: 2 accounts, both with #8 created and
-- won: opportunity rate 2 / 2 and win rate 2 / 2.  p-values (two-proportion
-- z-test, from a table): opportunity rate 6 / 10 against 2 / 2,
-- z = -1.09545, p = 0.2733; win rate 4 / 5 against 2 / 2, z = -0.68313,
-- p = 0.4945 (with the non-target account counted once they would be
-- 0.4279 and 0.6242).
CREATE TABLE fx.accounts_twice AS
SELECT * FROM fx.accounts UNION ALL SELECT * FROM fx.accounts WHERE account_id IN (1, 9);
WITH r AS (
    SELECT * FROM abm_report('fx.accounts_twice', 'fx.touches', 'fx.opportunities', 'fx.contacts', 'fx.stages',
                             'fx.contracts', 'fx.nps_responses', '2025-01-01', '2025-07-01')
), e(kpi, expected) AS (VALUES
    ('target accounts', 10),
    ('opportunities created in the period', 6),
    ('target accounts with an opportunity created in the period', 6),
    ('opportunities won in the period', 4),
    ('opportunities lost in the period', 1),
    ('win rate (won / closed in the period)', 0.8),
    ('average won deal', 42500),
    ('target accounts won in the period', 4),
    ('non-target accounts', 2),
    ('opportunity rate of non-target accounts (with an opportunity created in the period / non-target accounts)', 1),
    ('opportunity-rate lift, p-value (two-sided two-proportion z-test)', 0.2733),
    ('win rate of non-target accounts (won / closed in the period)', 1),
    ('win-rate lift, p-value (two-sided two-proportion z-test)', 0.4945))
SELECT e.kpi, r.value, r.value = e.expected AS ok FROM e LEFT JOIN r USING (kpi) ORDER BY e.kpi;
-- and its trend form equals one report per step
SELECT count(*) AS differing_rows
FROM (SELECT s.step_start, r.* FROM (VALUES ('2025-01-01'::timestamptz, '2025-03-01'::timestamptz),
                                            ('2025-03-01', '2025-05-01'), ('2025-05-01', '2025-07-01')) s(step_start, step_end),
           LATERAL abm_report('fx.accounts_twice', 'fx.touches', 'fx.opportunities', 'fx.contacts', 'fx.stages',
                              'fx.contracts', 'fx.nps_responses', s.step_start, s.step_end) r
      EXCEPT
      SELECT step_start, stage, kpi, value, unit
      FROM abm_report_series('fx.accounts_twice', 'fx.touches', 'fx.opportunities', 'fx.contacts', 'fx.stages',
                             'fx.contracts', 'fx.nps_responses', '2025-01-01', '2025-07-01', '2 months')) d;

-- An integer amount column: a renewal's value is computed in numeric, as
-- for a numeric column (C6 renews C5 for 10000 * 365 / 366 = 9972.68, not
-- the 9972 of integer division), so the report is the same.
CREATE VIEW fx.contracts_int AS
SELECT account_id, starts_on, ends_on, amount::int AS amount FROM fx.contracts;
SET client_min_messages = warning;  -- no NOTICE that icp_profile is not given
SELECT count(*) AS differing_rows
FROM ((SELECT * FROM abm_report('fx.accounts', 'fx.touches', 'fx.opportunities', 'fx.contacts', 'fx.stages',
                                'fx.contracts', 'fx.nps_responses', '2025-01-01', '2025-07-01')
       EXCEPT
       SELECT * FROM abm_report('fx.accounts', 'fx.touches', 'fx.opportunities', 'fx.contacts', 'fx.stages',
                                'fx.contracts_int', 'fx.nps_responses', '2025-01-01', '2025-07-01'))
      UNION ALL
      (SELECT * FROM abm_report('fx.accounts', 'fx.touches', 'fx.opportunities', 'fx.contacts', 'fx.stages',
                                'fx.contracts_int', 'fx.nps_responses', '2025-01-01', '2025-07-01')
       EXCEPT
       SELECT * FROM abm_report('fx.accounts', 'fx.touches', 'fx.opportunities', 'fx.contacts', 'fx.stages',
                                'fx.contracts', 'fx.nps_responses', '2025-01-01', '2025-07-01'))) d;
SELECT kpi, value FROM abm_report('fx.accounts', 'fx.touches', 'fx.opportunities', 'fx.contacts', 'fx.stages',
                                  'fx.contracts_int', 'fx.nps_responses', '2025-01-01', '2025-07-01')
WHERE kpi IN ('renewal revenue', 'expansion revenue');
RESET client_min_messages;

-- Steps shorter than a day: several bounds share a date, and a contract
-- date counts in the one step that holds it, the last of its day (from
-- 18:00 to midnight, the only step whose start is on that date and whose
-- end is after it).  C2 and C4 start on 2025-03-01: revenue 36500 + 30000;
-- C5 ended 2025-02-01, so it is up for renewal on 2025-03-03 (30 days of
-- grace).  The trend equals one report per step.
SET client_min_messages = warning;  -- no NOTICE per step that icp_profile is not given
CREATE TABLE fx_hours AS
SELECT * FROM abm_report_series('fx.accounts', 'fx.touches', 'fx.opportunities', 'fx.contacts', 'fx.stages',
                                'fx.contracts', 'fx.nps_responses', '2025-02-28 12:00', '2025-03-04 00:00', '6 hours');
SELECT step_start, kpi, value FROM fx_hours
WHERE kpi IN ('total revenue won (new-logo + renewal + expansion)', 'customers up for renewal in the period') AND value <> 0
ORDER BY 1, 2;
SELECT count(DISTINCT step_start) AS steps,
       (SELECT count(*)
        FROM (SELECT s.step_start, r.* FROM (SELECT DISTINCT step_start, step_end FROM fx_hours) s,
                   LATERAL abm_report('fx.accounts', 'fx.touches', 'fx.opportunities', 'fx.contacts', 'fx.stages',
                                      'fx.contracts', 'fx.nps_responses', s.step_start, s.step_end) r
              EXCEPT
              SELECT step_start, stage, kpi, value, unit FROM fx_hours) d) AS differing_rows
FROM fx_hours;
-- Where a zone's date went back (Alaska's change of calendar in October
-- 1867), a step would end on a day before its start: an error.  (Its
-- context, the line of the function that raised it, is not shown.)
SET TimeZone = 'America/Sitka';
\set SHOW_CONTEXT never
SELECT * FROM abm_report('fx.accounts', period_start => '1867-10-19 00:00+00', period_end => '1867-10-19 01:00+00');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM abm_report_series('fx.accounts', period_start => '1867-10-18 00:00+00',
                                       period_end => '1867-10-21 00:00+00', step => '1 hour');
\echo :LAST_ERROR_SQLSTATE
-- checked before any relation is read: with a relation that is not an
-- accounts relation, the bounds are still the error
SELECT * FROM abm_report('fx.touches', period_start => '1867-10-19 00:00+00', period_end => '1867-10-19 01:00+00');
\set SHOW_CONTEXT errors
SET TimeZone = 'UTC';
RESET client_min_messages;
SELECT count(*) AS session_goes_on FROM fx_hours;

DROP SCHEMA fx CASCADE;
