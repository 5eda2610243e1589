#!/bin/bash
# The main job: build and install abm, start a throwaway cluster, load the
# built-in sample data and print the ABM dashboard; then the three statements
# that give the same dashboard in one's own database.
set -euo pipefail
cd "$(dirname "$0")/.."
bash test/setup.sh
. test/lib.sh
SCALE="${ABM_DEMO_SCALE:-0.01}"
bash test/pgenv.sh bash -c "
	set -e
	psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION abm' -c \"SELECT * FROM abm_demo_load($SCALE)\" >/dev/null
	psql -X -q -v ON_ERROR_STOP=1 -f test/dashboard.sql
"
cat <<'EOF2'

== The same dashboard in your own database ==
abm is now installed on this machine's PostgreSQL.  In your database:

  CREATE EXTENSION abm;
  SELECT * FROM abm_demo_load(0.01);   -- sample data in schema abm_demo; or create views
                                       -- named like its tables over your CRM (docs/cookbook.md)
  SELECT stage, kpi, value, unit
  FROM abm_report(accounts => 'abm_demo.accounts', touches => 'abm_demo.touches',
                  opportunities => 'abm_demo.opportunities', contacts => 'abm_demo.contacts',
                  stages => 'abm_demo.stages', contracts => 'abm_demo.contracts',
                  nps_responses => 'abm_demo.nps_responses',
                  period_start => '2025-01-01', period_end => '2026-01-01');
EOF2
