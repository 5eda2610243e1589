#!/bin/bash
# TAP tests under test/tap with PostgreSQL's own test modules, for the server
# PG_CONFIG names (test/lib.sh).  initdb refuses to run as root, so as root
# the tests run as the postgres user from a copy of the tree it can write to.
set -uo pipefail
cd "$(dirname "$0")/.."
. test/lib.sh
pgxs=$(dirname "$("$PG_CONFIG" --pgxs)")/../..
perllib=$pgxs/src/test/perl
work=$(mktemp -d /tmp/abm-tap.XXXXXX)
cp -r test sql expected docs "$work"/
mkdir -p "$work/tmp_check"
run=()
if [ "$(id -u)" -eq 0 ]; then
	chown -R postgres "$work"
	run=(runuser -u postgres --)
fi
(cd "$work" && "${run[@]}" env PATH="$PG_BINDIR:$PATH" TESTDIR="$work" PG_CONFIG="$PG_CONFIG" \
	PG_REGRESS="$pgxs/src/test/regress/pg_regress" \
	prove -I "$perllib" -v test/tap/*.pl) > "$work/prove.out" 2>&1
cat "$work/prove.out"
ok=$(grep -cE '^ *ok [0-9]+' "$work/prove.out")
bad=$(grep -cE '^ *not ok [0-9]+' "$work/prove.out")
if ! grep -q '^Result: PASS' "$work/prove.out" && [ "$bad" -eq 0 ]; then
	bad=1
fi
[ "$bad" -gt 0 ] && find "$work/tmp_check" "$work/log" -name '*.log' -o -name 'regress_log_*' 2>/dev/null |
	xargs -r tail -n 30 2>/dev/null | tail -n 160
rm -rf "$work"
echo "SUITE tap: $ok passed, $bad failed"
