#!/bin/bash
# A private, relocatable copy of the PostgreSQL installation that PG_CONFIG
# names (binaries, libraries, share files and server headers), so that one
# working tree can `make install` and test abm without touching the
# installation that other trees, the Debian package suite or CI use:
#
#   bash test/pgprivate.sh DIR     -> prints DIR/.../bin/pg_config
#   PG_CONFIG=$(bash test/pgprivate.sh /tmp/mypg) bash test/pgenv.sh bash test/regress.sh
#
# PostgreSQL finds its share and library directories relative to its own
# binaries, so the copy works wherever it is put.  The server headers must be
# installed (bash test/setup.sh does that).
set -euo pipefail
dest=${1:?usage: pgprivate.sh DIR}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
for d in bindir pkglibdir sharedir pkgincludedir; do
	src=$("$PG_CONFIG" --$d)
	mkdir -p "$dest$(dirname "$src")"
	cp -a "$src" "$dest$(dirname "$src")/"
done
# pgxs lives under pkglibdir, copied above; the extension directory must be
# writable by the caller.
echo "$dest$PG_BINDIR/pg_config"
