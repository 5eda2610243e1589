#!/bin/bash
# pg_regress over sql/*.sql against the running cluster (PGHOST/PGPORT, as
# set by test/pgenv.sh).  Counts the summary of PostgreSQL 15 ("test x ... ok")
# and of 16 and later ("ok 1 - x").
set -uo pipefail
cd "$(dirname "$0")/.."
. test/lib.sh
out=$(mktemp /tmp/abm-regress.XXXXXX)
make -s installcheck PG_CONFIG="$PG_CONFIG" > "$out" 2>&1
status=$?
cat "$out"
[ -f regression.diffs ] && head -n 200 regression.diffs
read -r ok bad < <(pg_regress_counts "$out")
if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then
	bad=1
fi
rm -f "$out"
echo "SUITE regress: $ok passed, $bad failed"
