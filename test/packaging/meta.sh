#!/bin/bash
# Suite "meta": META.json against the PGXN Meta Spec and the tree.  Builds
# first, because the file META.json provides (sql/abm--V.sql) is generated.
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh
if ! make -s PG_CONFIG="$PG_CONFIG" >/dev/null; then
	echo "SUITE meta: 0 passed, 1 failed"
	exit 1
fi
perl test/packaging/meta.pl
