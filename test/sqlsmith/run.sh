#!/bin/bash
# sqlsmith (random SQL from the catalog) against a database with abm, the
# demo data and a table per abm type (docs/reliability.md): reports the queries
# run and fails if a backend crashed.
#
#   test/sqlsmith/run.sh [--queries N] [--seed S]     (default 10000, 1)
#
# Needs a running cluster reachable through PGHOST/PGPORT with abm
# installed, e.g.  bash test/pgenv.sh bash test/sqlsmith/run.sh
# Installs Debian's sqlsmith when missing.  Not part of test/run.sh (a few
# minutes).  Ends with "SUITE sqlsmith: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."

queries=10000
seed=1
while [ $# -gt 0 ]; do
	case $1 in
		--queries) queries=$2; shift ;;
		--seed) seed=$2; shift ;;
		*) echo "usage: $0 [--queries N] [--seed S]" >&2; exit 2 ;;
	esac
	shift
done

pass=0
fail=0
check() { if [ "$1" -eq 0 ]; then echo "ok - $2"; pass=$((pass + 1)); else echo "not ok - $2"; fail=$((fail + 1)); fi; }
finish() { echo "SUITE sqlsmith: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }

if ! command -v sqlsmith >/dev/null; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlsmith >/dev/null
fi
command -v sqlsmith >/dev/null
check $? "sqlsmith is installed" || finish

db=abm_smith
out=$(mktemp -d /tmp/abm-sqlsmith.XXXXXX)
psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 -d $db "$@"; }
logfile=${ABM_SERVER_LOG:-$(pg_lsclusters -h 2>/dev/null | awk -v p="${PGPORT:-5432}" '$3 == p { print $7 }')}
logstart=0
[ -n "$logfile" ] && [ -r "$logfile" ] && logstart=$(stat -c %s "$logfile")

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
psql_q -c 'CREATE EXTENSION abm'
check $? "database $db with abm" || finish
schema=$(psql_q -c "SELECT extnamespace::regnamespace FROM pg_extension WHERE extname = 'abm'")

# The demo data at scale 0.01.
if [ "$(psql_q -c "SELECT count(*) FROM pg_proc WHERE proname = 'abm_demo_load'")" -gt 0 ]; then
	psql_q -c 'SELECT abm_demo_load(0.01)' >/dev/null
	check $? "abm_demo_load(0.01)"
else
	echo "not ok - abm_demo_load is not in this build: sqlsmith runs without the demo data"
	fail=$((fail + 1))
fi

# A table per abm type holding its seed values, so that generated queries
# have abm-typed columns to feed to abm's functions.
sed "s/@extschema@/$schema/g" test/fuzz/seeds.sql | psql_q >/dev/null
psql_q >/dev/null <<'EOF'
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT DISTINCT v.type_name FROM abm_seeds.type_value v
             WHERE to_regtype(v.type_name) IS NOT NULL LOOP
        EXECUTE format('CREATE TABLE public.%I (k int, v %s)', 'values_' || t.type_name, t.type_name);
        EXECUTE (SELECT string_agg(format('INSERT INTO public.%I SELECT %s, (%s)::%s',
                                          'values_' || t.type_name, k, expr, t.type_name), '; ')
                 FROM (SELECT type_name, expr, row_number() OVER () AS k FROM abm_seeds.type_value) s
                 WHERE s.type_name = t.type_name);
    END LOOP;
END
$$;
DROP SCHEMA abm_seeds CASCADE;
EOF
psql_q -c "ALTER DATABASE $db SET statement_timeout = '2s'" -c 'ANALYZE'

# sqlsmith prints every query it generates (--dump-all-queries) before
# sending it; the last one printed before a crash is the culprit.
start=$(date +%s)
sqlsmith --target="host=${PGHOST:-localhost} port=${PGPORT:-5432} dbname=$db user=${PGUSER:-postgres}" \
	--seed="$seed" --max-queries="$queries" --verbose --dump-all-queries \
	> "$out/queries.sql" 2> "$out/sqlsmith.err"
status=$?
secs=$(($(date +%s) - start))
# sqlsmith's summary (verbose mode repeats it as it goes: keep the last):
# error messages by count, those from abm in full.
awk '/^error rate/ { last = blk "\n" $0; blk = ""; next } { blk = blk "\n" $0 } END { print last }' \
	"$out/sqlsmith.err" > "$out/summary.txt"
grep -E '^error rate' "$out/summary.txt"
echo "most frequent errors:"
grep -E '^[0-9]+[[:space:]]+ERROR' "$out/summary.txt" | sort -rn | head -n 10
echo "errors raised by abm (must be clean, with a SQLSTATE of class 22):"
grep -E '^[0-9]+[[:space:]]+ERROR' "$out/summary.txt" | grep -v "$db" |
	grep -iE 'abm|engagement|counter|nps|journey|funnel|stage|activity|half_life|touch' | sort -rn
generated=$(grep -c ';$' "$out/queries.sql")
echo "sqlsmith: $generated queries generated in ${secs}s (seed $seed), exit status $status; queries in $out/queries.sql"
abm_calls=$(awk 'BEGIN { RS = ";\n" } /abm_[a-z_0-9]+[(]/ { n++ } END { print n + 0 }' "$out/queries.sql")
demo_reads=$(awk 'BEGIN { RS = ";\n" } /abm_demo[.]/ { n++ } END { print n + 0 }' "$out/queries.sql")
echo "sqlsmith: $abm_calls of them call an abm function, $demo_reads read the demo tables"
[ "$generated" -ge "$queries" ]
check $? "sqlsmith ran $queries queries"

psql_q -c 'SELECT 1' >/dev/null 2>&1
check $? "the server is alive after the run"
if [ -n "$logfile" ] && [ -r "$logfile" ]; then
	tail -c +"$((logstart + 1))" "$logfile" > "$out/server.log"
	crashes=$(grep -cE 'terminated by signal|was terminated by exception' "$out/server.log")
	grep -E -A3 'terminated by signal|was terminated by exception' "$out/server.log" | head -n 40
	[ "$crashes" -eq 0 ]
	check $? "no backend terminated by a signal ($crashes in the server log)"
else
	echo "server log not readable here: crashes judged by sqlsmith's exit status"
	[ "$status" -eq 0 ]
	check $? "sqlsmith saw no lost connection"
fi
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
finish
