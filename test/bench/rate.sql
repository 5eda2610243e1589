-- Parallel query: the speed-up two workers give abm_rate, against the
-- speed-up they give a bare count(*) of the same rows on the same machine
-- (the hardware's limit: on 2 cores about 1.35x).

-- workload: count(*) ungrouped, parallel off
-- against: floor
-- settings: SET max_parallel_workers_per_gather = 0;
SELECT count(*) FROM bench.touches;

-- workload: count(*) ungrouped, 2 workers
-- against: count(*) ungrouped, parallel off
-- settings: SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET min_parallel_table_scan_size = 0;
SELECT count(*) FROM bench.touches;

-- workload: abm_rate ungrouped, parallel off
-- against: floor
-- settings: SET max_parallel_workers_per_gather = 0;
SELECT abm_rate(contact_id IS NULL) FROM bench.touches;

-- workload: abm_rate ungrouped, 2 workers
-- speedup: abm_rate ungrouped, parallel off | count(*) ungrouped, 2 workers | count(*) ungrouped, parallel off
-- bar: >= 0.9
-- settings: SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET min_parallel_table_scan_size = 0;
SELECT abm_rate(contact_id IS NULL) FROM bench.touches;

-- workload: plain SQL share of anonymous touches grouped by account
-- against: floor
SELECT account_id, avg((contact_id IS NULL)::int) FROM bench.touches GROUP BY account_id;

-- workload: abm_rate grouped by account
-- against: plain SQL share of anonymous touches grouped by account
SELECT account_id, abm_rate(contact_id IS NULL) FROM bench.touches GROUP BY account_id;
