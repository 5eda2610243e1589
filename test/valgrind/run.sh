#!/bin/bash
# The regression suite and the fuzz harness with every backend under
# valgrind memcheck (results in docs/reliability.md).
#
#   test/valgrind/run.sh [--fuzz-cases N]      (default 2000 per target)
#
# abm is built as usual and installed with DESTDIR into a private copy of
# the PostgreSQL 15 installation (the shared one is left alone, so no lock
# is needed); that copy's postmaster runs under valgrind --trace-children.
# Stock PostgreSQL is built without USE_VALGRIND, so memcheck sees malloc
# blocks, not palloc chunks: docs/reliability.md says what that hides.
# Errors are counted when a frame of their stack is in abm (abm.so or the
# test-only abm_fuzz.so); PostgreSQL's own known reports (uninitialised
# padding written to WAL and sockets) are listed but not judged.  A
# deliberate over-read at the end proves the setup reports errors.
# Slow (minutes): not part of test/run.sh.  Ends with
# "SUITE valgrind: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
src=$PWD

fuzz_cases=2000
[ "${1:-}" = "--fuzz-cases" ] && fuzz_cases=$2

PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
bindir=$($PG_CONFIG --bindir)
sharedir=$($PG_CONFIG --sharedir)

pass=0
fail=0
check() { if [ "$1" -eq 0 ]; then echo "ok - $2"; pass=$((pass + 1)); else echo "not ok - $2"; fail=$((fail + 1)); fi; }
finish() { echo "SUITE valgrind: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }

if ! command -v valgrind >/dev/null; then
	echo "valgrind: not installed (apt-get install valgrind)"
	fail=1; finish
fi

work=$(mktemp -d /tmp/abm-valgrind.XXXXXX)
chmod 755 "$work"
run=()
[ "$(id -u)" -eq 0 ] && run=(runuser -u postgres --)

# A private PostgreSQL: it finds lib/ and share/ relative to its binary, so
# a copy of the tree under $work/pg behaves as the original.
mkdir -p "$work/pg$(dirname "$bindir")" "$work/pg$(dirname "$sharedir")"
cp -a "$(dirname "$bindir")/." "$work/pg$(dirname "$bindir")/"
cp -a "$sharedir" "$work/pg$(dirname "$sharedir")/"
pgbin=$work/pg$bindir

# Build from a copy of the tree so the worktree's objects stay as they are.
mkdir -p "$work/src"
(cd "$src" && git ls-files -z | xargs -0 cp --parents -t "$work/src")
if ! make -s -C "$work/src" -j2 PG_CONFIG=$PG_CONFIG ||
	! make -s -C "$work/src" install PG_CONFIG=$PG_CONFIG DESTDIR="$work/pg" ||
	! make -s -C "$work/src/test/fuzz" PG_CONFIG=$PG_CONFIG; then
	check 1 "build of abm and abm_fuzz"
	finish
fi
chown -R postgres "$work" 2>/dev/null

port=$((20000 + RANDOM % 20000))
export PGHOST=$work PGPORT=$port PGUSER=postgres PGDATABASE=postgres
"${run[@]}" "$pgbin/initdb" -D "$work/data" -U postgres -A trust >/dev/null
"${run[@]}" bash -c "exec valgrind --quiet --trace-children=yes --num-callers=30 \
	--error-limit=no --log-file=$work/valgrind.%p.log \
	$pgbin/postgres -D $work/data -p $port -k $work -c listen_addresses='' \
	-c max_parallel_workers_per_gather=2 > $work/server.log 2>&1" &
for _ in $(seq 1 120); do
	psql -X -q -c 'SELECT 1' >/dev/null 2>&1 && break
	sleep 1
done
psql -X -q -c 'SELECT 1' >/dev/null 2>&1
check $? "postmaster under valgrind is running"

# The regression suite (pg_regress creates the extension) and the fuzzer.
(cd "$work/src" && "${run[@]}" env PGHOST="$PGHOST" PGPORT="$PGPORT" \
	make -s installcheck PG_CONFIG=$PG_CONFIG) > "$work/regress.out" 2>&1
status=$?
cat "$work/regress.out"
[ -f "$work/src/regression.diffs" ] && head -n 100 "$work/src/regression.diffs"
check $status "regression suite under valgrind"

"${run[@]}" env PGHOST="$PGHOST" PGPORT="$PGPORT" ABM_SERVER_LOG="$work/server.log" \
	bash "$work/src/test/fuzz/run.sh" --cases "$fuzz_cases" > "$work/fuzz.out" 2>&1
status=$?
cat "$work/fuzz.out"
check $status "fuzz harness under valgrind ($fuzz_cases cases per target)"

# One valgrind error per block of lines between blank "==pid== " lines.
errors_in_logs()
{
	cat "$work"/valgrind.*.log 2>/dev/null | awk -v want="$1" '
		/^==[0-9]+== *$/ { if (blk != "" && blk ~ want) n++; blk = ""; next }
		/^==[0-9]+== / { blk = blk "\n" $0 }
		END { if (blk != "" && blk ~ want) n++; print n + 0 }'
}
all=$(errors_in_logs '.')
ours=$(errors_in_logs '/abm(_fuzz)?[.]so[)]|: abm_[a-z_0-9]+ [(]')
echo "valgrind reports: $all in all, $ours with a frame in abm"
[ "$ours" -eq 0 ]
check $? "no valgrind error with a frame in abm in the regression suite and the fuzzer"
[ "$ours" -gt 0 ] && cat "$work"/valgrind.*.log | grep -E -B2 -A25 '/abm(_fuzz)?[.]so[)]|: abm_[a-z_0-9]+ [(]' | head -n 120
[ "$all" -gt 0 ] && { echo "first reports outside abm:"; cat "$work"/valgrind.*.log | grep -A12 -m 3 'Invalid\|uninitialised\|Conditional' | head -n 60; }

# The canary: a read one byte past a malloc'd buffer must be reported.
psql -X -q -c 'CREATE DATABASE abm_canary' >/dev/null
psql -X -q -d abm_canary -c \
	"CREATE FUNCTION overread(int) RETURNS int AS '$work/src/test/fuzz/abm_fuzz', 'abm_fuzz_overread' LANGUAGE C STRICT" \
	-c 'SELECT overread(8)' >/dev/null 2>&1
sleep 2
cat "$work"/valgrind.*.log | grep -A3 'Invalid read of size 1' | grep -q abm_fuzz_overread
check $? "the canary over-read is reported (the setup can see errors)"

"${run[@]}" "$pgbin/pg_ctl" -D "$work/data" -m fast stop >/dev/null 2>&1
wait
echo "work directory (logs): $work"
finish
