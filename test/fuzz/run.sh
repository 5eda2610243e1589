#!/bin/bash
# Fuzz every input, receive and deserialize function of abm (docs/reliability.md).
#
#   test/fuzz/run.sh [--short | --full | --cases N] [--seed S]
#
# --short (default) runs 2 000 cases per target (the test suite), --full
# 100 000 (minutes; docs/reliability.md records the last full run).  Needs a
# running cluster with abm installed, reachable through PGHOST/PGPORT, e.g.
#   bash test/pgenv.sh bash test/fuzz/run.sh --full
# Targets come from the catalog (abm_fuzz.targets() in abm_fuzz.sql); seed
# values from test/fuzz/seeds.sql.  A target without seeds, an unclean error
# (SQLSTATE outside classes 22 and 54), a broken round trip or a crashed
# backend is a failure.  Ends with "SUITE fuzz: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."

cases=2000
rng=20261122
batch=2000
while [ $# -gt 0 ]; do
	case $1 in
		--short) cases=2000 ;;
		--full) cases=100000 ;;
		--cases) cases=$2; shift ;;
		--seed) rng=$2; shift ;;
		*) echo "usage: $0 [--short | --full | --cases N] [--seed S]" >&2; exit 2 ;;
	esac
	shift
done

pass=0
fail=0
report() { echo "SUITE fuzz: $pass passed, $fail failed"; }

. test/lib.sh
if ! make -s -C test/fuzz PG_CONFIG="$PG_CONFIG"; then
	echo "fuzz: cannot build test/fuzz/abm_fuzz.so"
	fail=1; report; exit 1
fi
# The server may run as another user: give it a readable copy.
lib=$(mktemp -d /tmp/abm-fuzz.XXXXXX)
cp test/fuzz/abm_fuzz.so "$lib/"
chmod 755 "$lib"
chmod 644 "$lib/abm_fuzz.so"
trap 'rm -rf "$lib"' EXIT

db=abm_fuzz
export PGDATABASE=$db
psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

# The server log, to look for backends killed by a signal: ABM_SERVER_LOG or
# the log of the Debian cluster on PGPORT.
logfile=${ABM_SERVER_LOG:-$(pg_lsclusters -h 2>/dev/null | awk -v p="${PGPORT:-5432}" '$3 == p { print $7 }')}
logstart=0
[ -n "$logfile" ] && [ -r "$logfile" ] && logstart=$(stat -c %s "$logfile")

if ! psql_q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" ||
	! psql_q -c 'CREATE EXTENSION abm'; then
	echo "fuzz: cannot create database $db with abm"
	fail=1; report; exit 1
fi
schema=$(psql_q -c "SELECT extnamespace::regnamespace FROM pg_extension WHERE extname = 'abm'")
if ! sed "s/@extschema@/$schema/g" test/fuzz/seeds.sql | psql_q >/dev/null ||
	! sed -e "s|MODULE_PATHNAME|$lib/abm_fuzz|g" test/fuzz/abm_fuzz.sql | psql_q >/dev/null ||
	! psql_q -f test/fuzz/known_cases.sql >/dev/null; then
	echo "fuzz: cannot load the harness"
	fail=1; report; exit 1
fi

# Targets without seeds fail; the others run.
problems=$(psql_q -c 'SELECT * FROM abm_fuzz.prepare()' 2>&1) || problems="harness: $problems"
while IFS= read -r problem; do
	[ -z "$problem" ] && continue
	echo "FAIL $problem"
	fail=$((fail + 1))
done <<<"$problems"

alive() { psql_q -c 'SELECT 1' >/dev/null 2>&1; }
wait_alive()
{
	for _ in $(seq 1 60); do
		alive && return 0
		sleep 1
	done
	return 1
}

# run_cases KIND TARGET FIRST N: one batch; prints the result row, exit
# status 2 when the connection was lost (a crashed backend).
run_cases()
{
	psql_q -F '|' -c "SELECT * FROM abm_fuzz.run('$1', \$t\$$2\$t\$, $3, $4, $rng)"
}

# Narrow a batch that crashed the server down to one case.
find_crash()
{
	local kind=$1 target=$2 first=$3 n=$4
	while [ "$n" -gt 1 ]; do
		wait_alive || return
		local half=$((n / 2))
		if run_cases "$kind" "$target" "$first" "$half" >/dev/null 2>&1; then
			first=$((first + half))
			n=$((n - half))
		else
			n=$half
		fi
	done
	wait_alive
	echo "  crashing case: $first, input:"
	psql_q -c "SELECT coalesce(quote_literal(c.val), '') || ' \\x' || encode(c.bin, 'hex')
		FROM abm_fuzz.case_input(
			(SELECT array_agg(val ORDER BY ctid) FROM abm_fuzz.seed WHERE kind = '$kind' AND target = \$t\$$target\$t\$),
			(SELECT array_agg(bin ORDER BY ctid) FROM abm_fuzz.seed WHERE kind = '$kind' AND target = \$t\$$target\$t\$),
			$first, $rng) c" | cut -c1-2000
}

printf '%-11s %-30s %7s %8s %8s %7s %6s %6s  %s\n' kind function cases accepted rejected unclean broken secs 'target [SQLSTATE=count of the errors]'
while IFS='|' read -r kind target function; do
	[ -z "$kind" ] && continue
	grep -qF "$kind $target:" <<<"$problems" && continue
	total=0 acc=0 rej=0 unc=0 brk=0 states="" example="" crashed=0
	start=$(date +%s.%N)
	first=0
	while [ "$first" -lt "$cases" ]; do
		n=$((cases - first < batch ? cases - first : batch))
		if ! row=$(run_cases "$kind" "$target" "$first" "$n" 2>&1); then
			echo "CRASH or error in $kind $target cases $first..$((first + n - 1)): $row"
			crashed=1
			find_crash "$kind" "$target" "$first" "$n"
			break
		fi
		IFS='|' read -r c a r u b s e <<<"$row"
		total=$((total + c)) acc=$((acc + a)) rej=$((rej + r)) unc=$((unc + u)) brk=$((brk + b))
		states="$states $s"
		[ -z "$example" ] && example=$e
		first=$((first + n))
	done
	secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
	# Sum the per-batch SQLSTATE counts.
	states=$(tr ' ' '\n' <<<"$states" | awk -F= 'NF == 2 { c[$1] += $2 } END { for (s in c) printf "%s=%d ", s, c[s] }' | tr ' ' '\n' | sort | tr '\n' ' ')
	printf '%-11s %-30s %7d %8d %8d %7d %6d %6.1f  %s [%s]\n' "$kind" "$function" "$total" "$acc" "$rej" "$unc" "$brk" "$secs" "$target" "${states% }"
	if [ "$crashed" -eq 1 ] || [ "$unc" -gt 0 ] || [ "$brk" -gt 0 ] || [ "$total" -lt "$cases" ]; then
		[ -n "$example" ] && echo "  first failure: $example"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
done < <(psql_q -F '|' -c 'SELECT kind, target, function FROM abm_fuzz.targets()')

# Inputs that once failed, with the outcome each must have now.
while IFS= read -r line; do
	echo "$line"
	case $line in
		ok\ *) pass=$((pass + 1)) ;;
		skip\ *) ;;
		*) fail=$((fail + 1)) ;;
	esac
done < <(psql_q -c 'SELECT * FROM abm_fuzz.check_known_cases()' 2>&1)

# The server is alive and no backend died of a signal during the run.
if ! wait_alive; then
	echo "FAIL server not answering after the run"
	fail=$((fail + 1))
elif [ -n "$logfile" ] && [ -r "$logfile" ]; then
	if tail -c +"$((logstart + 1))" "$logfile" | grep -E 'terminated by signal|server process .* was terminated'; then
		echo "FAIL a backend died during the run (see $logfile)"
		fail=$((fail + 1))
	else
		echo "server log $logfile: no backend terminated by a signal"
		pass=$((pass + 1))
	fi
else
	echo "server alive after the run (server log not readable here)"
	pass=$((pass + 1))
fi
psql_q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
report
[ "$fail" -eq 0 ]
