#!/bin/bash
# Every test suite of abm: build and install, then pg_regress, the docs
# examples, the benchmark smoke run, the TAP tests and the packaging suites
# (test/packaging: PGXN metadata, reference coverage, a psycopg2 client, the
# Debian package).  Ends with one line
# "N passed, N failed" and exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

pass=0
fail=0
log=$(mktemp -d /tmp/abm-test.XXXXXX)

# Each suite prints "SUITE <name>: N passed, M failed" as its last line.
run_suite()
{
	local name=$1
	shift
	echo "=== $name"
	"$@" 2>&1 | tee "$log/$name.log"
	local line
	line=$(grep -E '^SUITE [a-z_]+: [0-9]+ passed, [0-9]+ failed$' "$log/$name.log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "SUITE $name: did not report; counted as 1 failure"
		fail=$((fail + 1))
		return
	fi
	local p f
	p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\1/')
	f=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\2/')
	pass=$((pass + p))
	fail=$((fail + f))
}

if ! bash test/setup.sh --tests; then
	echo "0 passed, 1 failed"
	exit 1
fi

run_suite regress pg_virtualenv -v 15 bash test/regress.sh
run_suite docs pg_virtualenv -v 15 perl test/docs_examples.pl
run_suite bench pg_virtualenv -v 15 bash test/bench/run.sh --smoke
run_suite fuzz pg_virtualenv -v 15 bash test/fuzz/run.sh --short
run_suite tap bash test/tap.sh
run_suite meta bash test/packaging/meta.sh
run_suite reference pg_virtualenv -v 15 perl test/packaging/check_reference.pl
run_suite client bash test/packaging/client.sh
run_suite deb bash test/packaging/deb.sh

echo
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
