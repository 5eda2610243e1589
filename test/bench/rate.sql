-- workload: abm_rate ungrouped, parallel off
-- against: floor
-- settings: SET max_parallel_workers_per_gather = 0;
SELECT abm_rate(contact_id IS NULL) FROM bench.touches;

-- workload: abm_rate ungrouped, 2 workers
-- against: abm_rate ungrouped, parallel off
-- bar: >= 1.6
-- settings: SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET min_parallel_table_scan_size = 0;
SELECT abm_rate(contact_id IS NULL) FROM bench.touches;

-- workload: plain SQL share of anonymous touches grouped by account
-- against: floor
SELECT account_id, avg((contact_id IS NULL)::int) FROM bench.touches GROUP BY account_id;

-- workload: abm_rate grouped by account
-- against: plain SQL share of anonymous touches grouped by account
SELECT account_id, abm_rate(contact_id IS NULL) FROM bench.touches GROUP BY account_id;
