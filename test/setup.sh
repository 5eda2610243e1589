#!/bin/bash
# Prepare a Debian 12 machine that has only the PostgreSQL server and client
# packages to build and test abm, then build and install the extension.
#
#   bash test/setup.sh            what the build and the demo need
#   bash test/setup.sh --tests    also what the test suites need
#   bash test/setup.sh --list     print every package this script may install
#                                 (.ci/run removes them to prove a fresh machine)
#
# Each need is checked by the thing it provides (a header, a Perl module, a
# command), never by a file some other package also ships; what is missing is
# installed with one apt-get run, and a need still unmet afterwards stops the
# script with a message naming it.  PG_CONFIG selects the PostgreSQL
# (default: the newest Debian server installed, see test/lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. test/lib.sh

# The table: group, the check (a shell condition), the Debian package, what it
# is for.  The one list of what the project installs.  Group "base" is what a
# Debian 12 build machine already has (make, gcc, dpkg-dev, bzip2): installed
# when missing, but not listed by --list, since removing the toolchain would
# take much of the machine with it.  --list prints column 3 of the others.
needs()
{
	local inc
	inc=$("$PG_CONFIG" --includedir-server 2>/dev/null || echo /nonexistent)
	cat <<EOF
base	command -v make	make	make
base	command -v gcc	gcc	the C compiler
build	test -f '$inc/postgres.h'	postgresql-server-dev-$PG_MAJOR	the PostgreSQL $PG_MAJOR server headers ($inc/postgres.h)
tests	perl -MIPC::Run -e 1	libipc-run-perl	Perl's IPC::Run (PostgreSQL's TAP test modules)
base	command -v dpkg-buildpackage	dpkg-dev	dpkg-buildpackage (the Debian package suite)
tests	command -v dh	debhelper	debhelper (the Debian package suite)
tests	test -f /usr/share/perl5/Debian/Debhelper/Sequence/pgxs_loop.pm	postgresql-server-dev-all	pg_buildext and dh --with pgxs_loop (the Debian package suite)
tests	/usr/bin/python3 -c 'import psycopg2'	python3-psycopg2	Debian's psycopg2 (the BI client suite)
base	command -v bzip2	bzip2	bzip2 (unpacking PostgreSQL 18's source)
tests	command -v bison	bison	bison (PostgreSQL 18's source ships no generated parsers)
tests	command -v flex	flex	flex (PostgreSQL 18's source ships no generated scanners)
EOF
}

mode=${1:-}
case $mode in
	"" | --tests | --list) ;;
	*) echo "usage: $0 [--tests | --list]" >&2; exit 2 ;;
esac

if [ "$mode" = "--list" ]; then
	needs | awk -F'\t' '$1 != "base" { print $3 }' | sort -u
	exit 0
fi

# The server headers are only packaged for Debian's own servers; a server
# built from source (test/pgbuild.sh) brings its headers with it.
wanted()
{
	local group=$1 pkg=$2
	[ "$group" != tests ] || [ "$mode" = --tests ] || return 1
	if ! pg_is_debian; then
		case $pkg in postgresql-server-dev-[0-9]*) return 1 ;; esac
	fi
	return 0
}

missing=()
while IFS=$'\t' read -r group check pkg what; do
	wanted "$group" "$pkg" || continue
	bash -c "$check" >/dev/null 2>&1 || missing+=("$pkg")
done < <(needs)

if [ ${#missing[@]} -gt 0 ]; then
	if ! apt_install "${missing[@]}"; then
		echo "setup: could not install ${missing[*]} (apt-get failed; as root, with Debian's archive reachable, it can)" >&2
		exit 1
	fi
fi
unmet=0
while IFS=$'\t' read -r group check pkg what; do
	wanted "$group" "$pkg" || continue
	if ! bash -c "$check" >/dev/null 2>&1; then
		echo "setup: still missing: $what (package $pkg; check: $check)" >&2
		unmet=1
	fi
done < <(needs)
[ "$unmet" -eq 0 ] || exit 1

make -s -j2 PG_CONFIG="$PG_CONFIG"
$SUDO make -s install PG_CONFIG="$PG_CONFIG"
