#!/bin/bash
# pg_regress over sql/*.sql against the running cluster (PGHOST/PGPORT, as
# set by pg_virtualenv).
set -uo pipefail
cd "$(dirname "$0")/.."
make -s installcheck PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config > /tmp/abm-regress.out 2>&1
status=$?
cat /tmp/abm-regress.out
[ -f regression.diffs ] && head -n 200 regression.diffs
ok=$(grep -cE '^(test| ) *[a-z_0-9]+ +\.\.\. ok' /tmp/abm-regress.out)
bad=$(grep -cE '\.\.\. FAILED' /tmp/abm-regress.out)
if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then
	bad=1
fi
echo "SUITE regress: $ok passed, $bad failed"
