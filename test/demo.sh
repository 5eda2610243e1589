#!/bin/bash
# The main job: build and install abm, start a throwaway cluster, load the
# built-in sample data and print the ABM dashboard.
set -euo pipefail
cd "$(dirname "$0")/.."
bash test/setup.sh
SCALE="${ABM_DEMO_SCALE:-0.01}"
pg_virtualenv -v 15 bash -c "
	set -e
	psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION abm' -c \"SELECT * FROM abm_demo_load($SCALE)\" >/dev/null
	psql -X -q -v ON_ERROR_STOP=1 -f test/dashboard.sql
"
