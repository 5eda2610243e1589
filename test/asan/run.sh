#!/bin/bash
# The regression suite and the fuzz harness against a PostgreSQL 15 built
# with AddressSanitizer and assertions (results in docs/reliability.md).
#
#   test/asan/run.sh [--fuzz-cases N]      (default 2000 per target)
#
# PostgreSQL 15.18 is built once from Debian 12's source package
# (postgresql-15=15.18-0+deb12u1, through test/pgbuild.sh and a private apt
# directory) with -fsanitize=address and --enable-cassert into the cache
# (/var/cache/abm/pg/15.18-asan, about 6 minutes of both cores the first
# time).  The stock Debian postgres cannot be used: it deadlocks at start-up
# under a preloaded libasan.  The cached build is copied to a private
# directory (PostgreSQL finds share/ and lib/ relative to its binaries), abm
# is built from a copy of the tree against it, with the same flags, and
# installed there; test/pgenv.sh runs a throwaway cluster of it.
#
# Judged: the regression suite and the fuzz harness pass; no AddressSanitizer
# report (every backend writes its reports to asan.<pid>); no assertion
# failure, no "detected write past chunk end" or other memory-context
# warning of the assert-enabled build in the server log; no backend
# terminated by a signal.  A deliberate one-byte over-read of a malloc'd
# block at the end must be reported, proving the setup sees errors.
# Slow (minutes): not part of test/run.sh.  Ends with
# "SUITE asan: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
src=$PWD
. test/lib.sh

fuzz_cases=2000
[ "${1:-}" = "--fuzz-cases" ] && fuzz_cases=$2

pass=0
fail=0
check() { if [ "$1" -eq 0 ]; then echo "ok - $2"; pass=$((pass + 1)); else echo "not ok - $2"; fail=$((fail + 1)); fi; }
finish() { echo "SUITE asan: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }

asan_flags="-fsanitize=address -fno-omit-frame-pointer"
# PostgreSQL frees much of its memory by resetting contexts at exit, which
# LeakSanitizer would report by the thousand; use-after-return checks make
# PostgreSQL's own stack-depth checks misfire.
base_options="detect_leaks=0:detect_stack_use_after_return=0:abort_on_error=0"
export ASAN_OPTIONS=$base_options

if ! pg_config_asan=$(ABM_PG_CFLAGS="$asan_flags" ABM_PG_CONFIGURE="--enable-cassert" \
	ABM_PG_KEY_SUFFIX=-asan \
	bash test/pgbuild.sh 15 --layout prefix --suite bookworm --debian-version 15.18-0+deb12u1); then
	check 1 "PostgreSQL 15.18 built with AddressSanitizer"
	finish
fi
prefix=$(dirname "$(dirname "$pg_config_asan")")
echo "asan: PostgreSQL with AddressSanitizer in $prefix"

work=$(mktemp -d /tmp/abm-asan.XXXXXX)
chmod 755 "$work"
cp -a "$prefix" "$work/pg"
export PG_CONFIG=$work/pg/bin/pg_config

# Build and install from a copy of the tree so the worktree's objects stay.
copy_tree "$work/src"
if ! make -s -C "$work/src" -j2 PG_CONFIG="$PG_CONFIG" PG_CFLAGS="$asan_flags" ||
	! make -s -C "$work/src" install PG_CONFIG="$PG_CONFIG" ||
	! make -s -C "$work/src/test/fuzz" PG_CONFIG="$PG_CONFIG" PG_CFLAGS="$asan_flags"; then
	check 1 "build of abm and abm_fuzz with AddressSanitizer"
	finish
fi
check 0 "build of abm and abm_fuzz with AddressSanitizer"
mkdir -p "$work/reports"
chmod 777 "$work/reports"
export ASAN_OPTIONS="$base_options:log_path=$work/reports/asan"

# Everything below runs inside one throwaway cluster.
cat > "$work/inside.sh" <<'EOF'
set -uo pipefail
cd "$1"
work=$2
fuzz_cases=$3
make -s installcheck PG_CONFIG="$PG_CONFIG" > "$work/regress.out" 2>&1
echo "regress $?" > "$work/status"
[ -f regression.diffs ] && cp regression.diffs "$work/"
bash test/fuzz/run.sh --cases "$fuzz_cases" > "$work/fuzz.out" 2>&1
echo "fuzz $?" >> "$work/status"
# the canary: one byte past an 8-byte malloc'd block
psql -X -q -c 'CREATE DATABASE abm_canary' >/dev/null
psql -X -q -d abm_canary \
	-c "CREATE FUNCTION overread(int) RETURNS int AS '$PWD/test/fuzz/abm_fuzz', 'abm_fuzz_overread' LANGUAGE C STRICT" \
	-c 'SELECT overread(8)' > "$work/canary.out" 2>&1
sleep 2
cp "$ABM_SERVER_LOG" "$work/server.log"
EOF
chown -R postgres "$work" 2>/dev/null
start=$(date +%s)
bash test/pgenv.sh -o "max_parallel_workers_per_gather = 2" \
	bash "$work/inside.sh" "$work/src" "$work" "$fuzz_cases"
elapsed=$(( $(date +%s) - start ))

cat "$work/regress.out"
[ -f "$work/regression.diffs" ] && head -n 100 "$work/regression.diffs"
grep -q '^regress 0$' "$work/status"
check $? "regression suite under AddressSanitizer"
tail -n 25 "$work/fuzz.out"
grep -q '^fuzz 0$' "$work/status"
check $? "fuzz harness under AddressSanitizer ($fuzz_cases cases per target)"

# Reports: one file per process that found something.  The canary's report
# names abm_fuzz_overread; every other report is a finding.
canary=$(grep -l 'abm_fuzz_overread' "$work"/reports/asan.* 2>/dev/null | head -n 1)
findings=$(ls "$work"/reports/asan.* 2>/dev/null | grep -v -x -F "${canary:-/nonexistent}" | wc -l)
echo "asan reports: $findings besides the canary"
for f in $(ls "$work"/reports/asan.* 2>/dev/null | grep -v -x -F "${canary:-/nonexistent}" | head -n 3); do
	head -n 40 "$f"
done
[ "$findings" -eq 0 ]
check $? "no AddressSanitizer report from the regression suite and the fuzzer"
memory_warnings=$(grep -c -E 'TRAP: |detected write past chunk end|problem in alloc set|Assertion .* failed' "$work/server.log")
grep -E 'TRAP: |detected write past chunk end|problem in alloc set|Assertion .* failed' "$work/server.log" | head -n 10
[ "$memory_warnings" -eq 0 ]
check $? "no assertion failure or memory-context warning in the server log"
# the canary's backend is the only one that may end abnormally (ASan exits
# with code 1 after a report); a parallel worker that raised an ERROR exits
# with code 1 too, which is how workers end on errors, not a crash
abnormal='terminated by signal|server process .* exited with exit code [1-9]'
killed=$(grep -c -E "$abnormal" "$work/server.log")
allowed=0
[ -n "$canary" ] && allowed=1
grep -E "$abnormal" "$work/server.log" | head -n 5
[ "$killed" -le "$allowed" ]
check $? "no other backend ended abnormally"
[ -n "$canary" ] && grep -q 'heap-buffer-overflow' "$canary"
check $? "the canary over-read is reported (the setup can see errors)"
echo "asan: ${elapsed} s for the suites; work directory (logs): $work"
finish
