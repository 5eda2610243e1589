#!/bin/bash
# Prepare a Debian 12 + PostgreSQL 15 machine to build and test abm, then
# build and install the extension.  Installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

need=()
[ -f /usr/lib/postgresql/15/lib/pgxs/src/makefiles/pgxs.mk ] || need+=(postgresql-server-dev-15)
perl -MIPC::Run -e 1 2>/dev/null || need+=(libipc-run-perl)
command -v make >/dev/null || need+=(make)
command -v gcc >/dev/null || need+=(gcc)
# --tests: also what the packaging and client suites use, so that a test run
# updates the package lists once and installs everything in one go.
if [ "${1:-}" = "--tests" ]; then
	command -v dpkg-buildpackage >/dev/null || need+=(dpkg-dev)
	command -v dh >/dev/null || need+=(debhelper)
	[ -f /usr/share/perl5/Debian/Debhelper/Sequence/pgxs_loop.pm ] || need+=(postgresql-server-dev-all)
	python3 -c 'import psycopg2' 2>/dev/null || need+=(python3-psycopg2)
fi
if [ ${#need[@]} -gt 0 ]; then
	echo "setup: installing ${need[*]}"
	$SUDO apt-get update -qq
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

export PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
make -s -j2 PG_CONFIG="$PG_CONFIG"
$SUDO make -s install PG_CONFIG="$PG_CONFIG"
