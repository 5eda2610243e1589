#!/bin/bash
# TAP tests under test/tap with PostgreSQL's own test modules.  initdb
# refuses to run as root, so as root the tests run as the postgres user from
# a copy of the tree it can write to.
set -uo pipefail
cd "$(dirname "$0")/.."
bindir=/usr/lib/postgresql/15/bin
perllib=/usr/lib/postgresql/15/lib/pgxs/src/test/perl
work=$(mktemp -d /tmp/abm-tap.XXXXXX)
cp -r test sql expected docs "$work"/
mkdir -p "$work/tmp_check"
run=()
if [ "$(id -u)" -eq 0 ]; then
	chown -R postgres "$work"
	run=(runuser -u postgres --)
fi
(cd "$work" && "${run[@]}" env PATH="$bindir:$PATH" TESTDIR="$work" \
	PG_REGRESS=/usr/lib/postgresql/15/lib/pgxs/src/test/regress/pg_regress \
	prove -I "$perllib" -v test/tap/*.pl) > "$work/prove.out" 2>&1
cat "$work/prove.out"
ok=$(grep -cE '^ *ok [0-9]+' "$work/prove.out")
bad=$(grep -cE '^ *not ok [0-9]+' "$work/prove.out")
if ! grep -q '^Result: PASS' "$work/prove.out" && [ "$bad" -eq 0 ]; then
	bad=1
fi
[ "$bad" -gt 0 ] && find "$work/tmp_check" -name '*.log' -exec tail -n 30 {} + 2>/dev/null | tail -n 120
echo "SUITE tap: $ok passed, $bad failed"
