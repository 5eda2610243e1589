#!/bin/bash
# Every test suite of abm.  On PostgreSQL 15 (Debian's): build and install,
# then pg_regress, the docs examples, the benchmark smoke run, the fuzz run,
# the TAP tests and the packaging suites (test/packaging: PGXN metadata,
# reference coverage, a psycopg2 client, the Debian package).  On PostgreSQL
# 18 (built once from Debian's source into a cache by test/pgbuild.sh): the
# docs examples, the short fuzz run and the TAP tests, in a copy of the tree
# built against it, and (in the deb suite) the postgresql-18-abm package with
# the regression suite against it (run from the tree copy too when that did
# not pass, or when 18 could not be packaged).  ABM_SKIP_PG18=1 leaves 18 out (the deb suite
# still packages for it if the cache has it).
# Ends with one line "N passed, N failed" and exits non-zero when anything
# failed.
set -uo pipefail
cd "$(dirname "$0")/.."
. test/lib.sh

pass=0
fail=0
failed=()
log=$(mktemp -d /tmp/abm-test.XXXXXX)

# Each suite prints "SUITE <name>: N passed, M failed" as its last line.
run_suite()
{
	local name=$1
	shift
	echo "=== $name"
	"$@" 2>&1 | tee "$log/$name.log"
	local line
	line=$(grep -E '^SUITE [a-z_0-9]+: [0-9]+ passed, [0-9]+ failed$' "$log/$name.log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "SUITE $name: did not report; counted as 1 failure"
		failed+=("$name")
		fail=$((fail + 1))
		return
	fi
	local p f
	p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\1/')
	f=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\2/')
	echo "=== $name: $p passed, $f failed"
	[ "$f" -eq 0 ] || failed+=("$name")
	pass=$((pass + p))
	fail=$((fail + f))
}

if ! bash test/setup.sh --tests; then
	echo "0 passed, 1 failed"
	exit 1
fi

pgenv="bash test/pgenv.sh"
run_suite regress $pgenv bash test/regress.sh
run_suite docs $pgenv perl test/docs_examples.pl
run_suite kpis $pgenv perl test/kpis_doc.pl
run_suite cookbook $pgenv perl test/cookbook_vs_report.pl
run_suite bench $pgenv bash test/bench/run.sh --smoke
run_suite fuzz $pgenv bash test/fuzz/run.sh --short
run_suite tap bash test/tap.sh
run_suite meta bash test/packaging/meta.sh
run_suite reference $pgenv perl test/packaging/check_reference.pl
run_suite client bash test/packaging/client.sh

# PostgreSQL 18 is built (or found in the cache) before the deb suite, which
# packages abm for it too when it is there.
pg18=
if [ "${ABM_SKIP_PG18:-}" != 1 ]; then
	echo "=== PostgreSQL 18"
	pg18=$(bash test/pgbuild.sh 18) || pg18=
fi
run_suite deb bash test/packaging/deb.sh

if [ "${ABM_SKIP_PG18:-}" != 1 ]; then
	if [ -n "$pg18" ]; then
		tree=$(mktemp -d /tmp/abm-pg18.XXXXXX)
		copy_tree "$tree"
		if (cd "$tree" && make -s -j2 PG_CONFIG="$pg18" && make -s install PG_CONFIG="$pg18"); then
			for suite in regress docs fuzz tap; do
				# The deb suite ran the regression suite on 18 already, against
				# the installed postgresql-18-abm (the same tests, the same
				# server build): it is not run again from the tree.  When that
				# did not pass, it runs here as well.
				if [ "$suite" = regress ] &&
					grep -qE '^deb: installcheck of postgresql-18-abm: [1-9][0-9]* tests ok, 0 failed$' "$log/deb.log"; then
					echo "=== regress18: ran in the deb suite, against the installed postgresql-18-abm"
					continue
				fi
				case $suite in
					regress) cmd=(bash test/pgenv.sh bash test/regress.sh) ;;
					docs) cmd=(bash test/pgenv.sh perl test/docs_examples.pl) ;;
					fuzz) cmd=(bash test/pgenv.sh bash test/fuzz/run.sh --short) ;;
					tap) cmd=(bash test/tap.sh) ;;
				esac
				run_suite "${suite}18" env -C "$tree" PG_CONFIG="$pg18" "${cmd[@]}"
			done
		else
			echo "SUITE build18: abm does not build against $pg18"
			fail=$((fail + 1))
		fi
		rm -rf "$tree"
	else
		echo "SUITE pgbuild18: PostgreSQL 18 could not be built"
		fail=$((fail + 1))
	fi
fi

# What failed, again at the end (where a CI log's tail shows it): the
# failing checks and the first lines of any regression diff.
for name in "${failed[@]}"; do
	echo "=== failed in $name:"
	grep -E '^(not ok|# +Failed test|.*\.\.\. FAILED|SUITE .*did not report)|^[-+][^-+]' "$log/$name.log" | head -n 60
done

echo
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
