-- abm_icp_fit and abm_is_mqa

-- One profile with every operator; total weight 2 + 1 + 1 + 1 + 0.5 + 1.5 = 7.
CREATE TABLE icp_profile AS SELECT '{"criteria": [
    {"attribute": "industry", "in": ["software", "fintech"], "weight": 2},
    {"attribute": "employees", "between": [200, 5000]},
    {"attribute": "technologies", "contains": ["salesforce", "hubspot"]},
    {"attribute": "region", "eq": "emea"},
    {"attribute": "annual_revenue", "gte": 1000000, "weight": 0.5},
    {"attribute": "churn_risk", "lte": 0.3, "weight": 1.5}]}'::jsonb AS p;

-- hand-computed fits:
--  a: every criterion met                                   7 / 7 = 1
--  b: employees 200 (bounds included) 1, a scalar "hubspot" 1,
--     'EMEA' is not 'emea', revenue just below, no churn_risk  2 / 7
--  c: no attributes at all                                  0 / 7 = 0
--  d: industry 2, employees is a string (not met), empty technologies,
--     region null (not met), revenue 1e6 0.5, churn 0.3 1.5   4 / 7
--  e: industry is an array (in wants a scalar), employees 5000.0 1,
--     'Salesforce' is not 'salesforce', revenue 1000000.00 0.5  1.5 / 7
SELECT name, abm_icp_fit(account, p) AS fit, expected,
       abm_icp_fit(account, p) = expected AS exact
FROM icp_profile,
     (VALUES ('a', '{"industry": "software", "employees": 800, "technologies": ["salesforce", "slack"],
                     "region": "emea", "annual_revenue": 5000000, "churn_risk": 0.1}'::jsonb, 7 / 7.0::float8),
             ('b', '{"industry": "retail", "employees": 200, "technologies": "hubspot",
                     "region": "EMEA", "annual_revenue": 999999.99}', 2 / 7.0::float8),
             ('c', '{}', 0 / 7.0::float8),
             ('d', '{"industry": "fintech", "employees": "800", "technologies": [], "region": null,
                     "annual_revenue": 1e6, "churn_risk": 0.3}', 4 / 7.0::float8),
             ('e', '{"industry": ["software"], "employees": 5000.0, "technologies": ["Salesforce"],
                     "annual_revenue": 1000000.00}', 1.5 / 7.0::float8))
     v(name, account, expected)
ORDER BY name;

-- numbers compare by value, booleans and nested paths work:
-- 1 (800 = 800.0) + 1 (true) + 1 (path) + 0 (path through a string) = 3 of 4
SELECT abm_icp_fit('{"employees": 800.0, "uses_crm": true, "firmo": {"industry": "software"}, "hq": "paris"}',
                   '{"criteria": [{"attribute": "employees", "eq": 800},
                                  {"attribute": "uses_crm", "eq": true},
                                  {"attribute": ["firmo", "industry"], "eq": "software"},
                                  {"attribute": ["hq", "city"], "eq": "paris"}]}') AS fit_three_quarters,
       0.75 AS expected;
-- contains is an overlap: one shared element is enough, numbers too
SELECT abm_icp_fit('{"tags": [3, "b", {"x": 1}]}',
                   '{"criteria": [{"attribute": "tags", "contains": [1, 2, 3]}]}') AS overlap_fit,
       1 AS expected;

-- weights of 0: a zero-weight criterion does not count; all zero gives NULL,
-- as does an empty list of criteria
SELECT abm_icp_fit('{"region": "emea"}',
                   '{"criteria": [{"attribute": "region", "eq": "emea"},
                                  {"attribute": "industry", "eq": "software", "weight": 0}]}') AS fit_one,
       1 AS expected;
SELECT abm_icp_fit('{"region": "emea"}',
                   '{"criteria": [{"attribute": "region", "eq": "emea", "weight": 0}]}') IS NULL AS zero_weight_is_null;
SELECT abm_icp_fit('{"region": "emea"}', '{"criteria": []}') IS NULL AS no_criteria_is_null;
SELECT abm_icp_fit(NULL, p) IS NULL AS null_account_is_null FROM icp_profile;

-- generated accounts against a plain-SQL formulation of the same profile
CREATE TABLE icp_accounts AS
SELECT i AS account_id,
       jsonb_strip_nulls(jsonb_build_object(
           'industry', (ARRAY['software', 'fintech', 'retail', 'health', NULL])[1 + i % 5],
           'employees', CASE WHEN i % 13 = 0 THEN to_jsonb('many'::text)
                             WHEN i % 11 = 0 THEN NULL ELSE to_jsonb((i * 37) % 9000) END,
           'technologies', CASE i % 4 WHEN 0 THEN '["salesforce", "slack"]'::jsonb
                                      WHEN 1 THEN '["hubspot"]' WHEN 2 THEN '[]'
                                      ELSE '"hubspot"' END,
           'region', (ARRAY['emea', 'amer', 'apac', 'EMEA'])[1 + (i / 3) % 4],
           'annual_revenue', (i * 7919) % 3000000,
           'churn_risk', ((i * 17) % 100) / 100.0)) AS attributes
FROM generate_series(1, 2000) i;
SELECT count(*) AS accounts, count(DISTINCT abm_icp_fit(attributes, p)) AS distinct_fits,
       count(*) FILTER (WHERE abm_icp_fit(attributes, p) = 1) AS perfect_fits
FROM icp_accounts, icp_profile;
SELECT count(*) AS accounts_differing
FROM (SELECT abm_icp_fit(a, p) AS fit,
             (2 * coalesce(jsonb_typeof(a->'industry') = 'string' AND a->>'industry' IN ('software', 'fintech'), false)::int
              + CASE WHEN jsonb_typeof(a->'employees') = 'number'
                     THEN ((a->>'employees')::numeric BETWEEN 200 AND 5000)::int ELSE 0 END
              + coalesce(a->'technologies' ?| ARRAY['salesforce', 'hubspot'], false)::int
              + coalesce(a->'region' = '"emea"', false)::int
              + 0.5 * CASE WHEN jsonb_typeof(a->'annual_revenue') = 'number'
                           THEN ((a->>'annual_revenue')::numeric >= 1000000)::int ELSE 0 END
              + 1.5 * CASE WHEN jsonb_typeof(a->'churn_risk') = 'number'
                           THEN ((a->>'churn_risk')::numeric <= 0.3)::int ELSE 0 END)::float8 / 7 AS expected
      FROM (SELECT attributes AS a FROM icp_accounts) s, icp_profile) f
WHERE fit IS DISTINCT FROM expected;

-- abm_is_mqa: all three thresholds reached (reaching means >=)
SELECT abm_is_mqa(50, 3, 0.8, 40, 3, 0.7) AS all_reached,
       abm_is_mqa(40, 3, 0.7, 40, 3, 0.7) AS exactly_reached,
       abm_is_mqa(39.9, 3, 0.8, 40, 3, 0.7) AS low_score,
       abm_is_mqa(50, 2, 0.8, 40, 3, 0.7) AS few_contacts,
       abm_is_mqa(50, 3, 0.69, 40, 3, 0.7) AS low_fit;
SELECT abm_is_mqa(50, 3, NULL, 40, 3, 0.7) IS NULL AS null_fit_is_null,
       abm_is_mqa(NULL, 3, 0.8, 40, 3, 0.7) IS NULL AS null_score_is_null;

-- bad profiles: 22023, the message names the criterion (index and attribute)
SELECT abm_icp_fit('{}', '{"criteria": [{"attribute": "region", "eq": "emea"}, {"attribute": "industry", "like": "soft%"}]}');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_icp_fit('{}', '{"criteria": [{"attribute": "employees", "gte": 200, "lte": 5000}]}');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_icp_fit('{}', '{"criteria": [{"attribute": "employees", "weight": 2}]}');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_icp_fit('{}', '{"criteria": [{"eq": "emea"}]}');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_icp_fit('{}', '{"criteria": [{"attribute": 7, "eq": "emea"}]}');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_icp_fit('{}', '{"criteria": [{"attribute": [], "eq": "emea"}]}');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_icp_fit('{}', '{"criteria": [{"attribute": ["a", 1], "eq": "emea"}]}');
\echo :LAST_ERROR_SQLSTATE
-- between: not an array, three numbers, strings, bounds reversed
SELECT abm_icp_fit('{"employees": 800}', '{"criteria": [{"attribute": "employees", "between": 200}]}');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_icp_fit('{"employees": 800}', '{"criteria": [{"attribute": "employees", "between": [200, 300, 5000]}]}');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_icp_fit('{"employees": 800}', '{"criteria": [{"attribute": "employees", "between": ["200", "5000"]}]}');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_icp_fit('{"employees": 800}', '{"criteria": [{"attribute": "employees", "between": [5000, 200]}]}');
\echo :LAST_ERROR_SQLSTATE
-- in / contains: not an array, empty, holding an object; eq: an array; gte: a string
SELECT abm_icp_fit('{}', '{"criteria": [{"attribute": "industry", "in": "software"}]}');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_icp_fit('{}', '{"criteria": [{"attribute": "industry", "in": []}]}');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_icp_fit('{"technologies": ["x"]}', '{"criteria": [{"attribute": "technologies", "contains": [{"name": "x"}]}]}');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_icp_fit('{}', '{"criteria": [{"attribute": "technologies", "contains": "salesforce"}]}');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_icp_fit('{}', '{"criteria": [{"attribute": "region", "eq": ["emea"]}]}');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_icp_fit('{}', '{"criteria": [{"attribute": "region", "eq": null}]}');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_icp_fit('{}', '{"criteria": [{"attribute": "annual_revenue", "gte": "1000000"}]}');
\echo :LAST_ERROR_SQLSTATE
-- weights: a string, negative, and a total beyond float8 (22003)
SELECT abm_icp_fit('{}', '{"criteria": [{"attribute": "region", "eq": "emea", "weight": "2"}]}');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_icp_fit('{}', '{"criteria": [{"attribute": "region", "eq": "emea", "weight": -1}]}');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_icp_fit('{}', '{"criteria": [{"attribute": "region", "eq": "emea", "weight": 1e400}]}');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_icp_fit('{}', '{"criteria": [{"attribute": "a", "eq": 1, "weight": 1e308}, {"attribute": "b", "eq": 1, "weight": 1e308}]}');
\echo :LAST_ERROR_SQLSTATE
-- the profile and the account themselves
SELECT abm_icp_fit('{}', '[{"attribute": "region", "eq": "emea"}]');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_icp_fit('{}', '{"criterias": []}');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_icp_fit('{}', '{"criteria": {"attribute": "region", "eq": "emea"}}');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_icp_fit('{}', '{"criteria": ["region"]}');
\echo :LAST_ERROR_SQLSTATE
SELECT abm_icp_fit('["emea"]', '{"criteria": [{"attribute": "region", "eq": "emea"}]}');
\echo :LAST_ERROR_SQLSTATE
-- abm_is_mqa: NaN and negative counts
SELECT abm_is_mqa('NaN', 3, 0.8, 40, 3, 0.7);
\echo :LAST_ERROR_SQLSTATE
SELECT abm_is_mqa(50, -1, 0.8, 40, 3, 0.7);
\echo :LAST_ERROR_SQLSTATE
SELECT 'session still alive' AS status;
