# Shared by the test scripts (sourced, not run).
#
# PG_CONFIG: the PostgreSQL to build and test against.  Default: the newest
# Debian server on this machine, 15 on Debian 12 (postgresql-common's
# /usr/lib/postgresql/NN layout), whether or not its headers are installed.
if [ -z "${PG_CONFIG:-}" ]; then
	PG_CONFIG=$(ls -v /usr/lib/postgresql/*/bin/pg_config 2>/dev/null | tail -n 1)
	PG_CONFIG=${PG_CONFIG:-pg_config}
fi
export PG_CONFIG
PG_BINDIR=$("$PG_CONFIG" --bindir)
PG_MAJOR=$("$PG_CONFIG" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# apt_install PKG...: one update, then one install of all of them.
apt_install()
{
	[ $# -gt 0 ] || return 0
	echo "setup: installing $*"
	$SUDO apt-get update -qq &&
		$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# A Debian-packaged server (postgresql-NN) or one built by test/pgbuild.sh.
pg_is_debian()
{
	case $PG_CONFIG in /usr/lib/postgresql/*) return 0 ;; esac
	return 1
}

# copy_tree DEST: the files git tracks plus new ones it does not ignore (or,
# outside a git checkout, the tree without what a build leaves), so nothing
# built in the working tree leaks into the copy.
copy_tree()
{
	local dest=$1
	mkdir -p "$dest"
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files -z -co --exclude-standard |
			while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
			tar --null -T - -cf - | tar -xf - -C "$dest"
	else
		tar --exclude='./debian/.debhelper' -cf - . | tar -xf - -C "$dest"
		make -s -C "$dest" clean >/dev/null 2>&1
	fi
}
