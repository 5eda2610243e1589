#!/bin/bash
# Run a command against a throwaway PostgreSQL cluster of the server that
# PG_CONFIG names (Debian's 15, or 18 built by test/pgbuild.sh), the way
# pg_virtualenv does for Debian's own servers:
#
#   PG_CONFIG=... bash test/pgenv.sh [-o name=value]... COMMAND [ARG]...
#
# The cluster lives in a temporary directory, listens only on a Unix socket
# there, and is removed afterwards.  COMMAND runs with PGHOST, PGPORT, PGUSER
# and PGDATABASE set, and ABM_SERVER_LOG naming the server log; its exit
# status is returned.  initdb refuses to run as root, so as root the server
# runs as the postgres user.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

settings=()
while [ "${1:-}" = "-o" ]; do
	settings+=("$2")
	shift 2
done
[ $# -gt 0 ] || { echo "usage: $0 [-o name=value]... COMMAND [ARG]..." >&2; exit 2; }

dir=$(mktemp -d /tmp/abm-pgenv.XXXXXX)
as=()
user=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
	chown postgres "$dir"
	as=(runuser -u postgres --)
	user=postgres
fi
chmod 755 "$dir"
port=$((54000 + RANDOM % 1000))
cleanup()
{
	"${as[@]}" "$PG_BINDIR/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
	rm -rf "$dir"
}
trap cleanup EXIT

if ! "${as[@]}" "$PG_BINDIR/initdb" -D "$dir/data" -U "$user" -A trust --no-sync \
	-E UTF8 --locale=C.UTF-8 > "$dir/initdb.log" 2>&1; then
	cat "$dir/initdb.log" >&2
	exit 1
fi
{
	echo "listen_addresses = ''"
	echo "unix_socket_directories = '$dir'"
	echo "port = $port"
	echo "fsync = off"
	echo "max_prepared_transactions = 10"
	for s in "${settings[@]}"; do echo "$s"; done
} >> "$dir/data/postgresql.conf"
if ! "${as[@]}" "$PG_BINDIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null; then
	cat "$dir/server.log" >&2
	exit 1
fi

PGHOST=$dir PGPORT=$port PGUSER=$user PGDATABASE=postgres ABM_SERVER_LOG=$dir/server.log "$@"
status=$?
exit $status
