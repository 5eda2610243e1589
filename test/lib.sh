# Shared by the test scripts (sourced, not run).
#
# PG_CONFIG: the PostgreSQL to build and test against.  Default: the newest
# Debian server on this machine, 15 on Debian 12 (postgresql-common's
# /usr/lib/postgresql/NN layout), whether or not its headers are installed.
# Only a version whose server package (postgresql-NN) dpkg has installed
# counts: the PostgreSQL 18 that test/packaging/deb.sh copies into
# /usr/lib/postgresql/18 while it runs is never the default.
debian_pg_config()
{
	local f v
	for f in $(ls -rv /usr/lib/postgresql/*/bin/pg_config 2>/dev/null); do
		v=${f#/usr/lib/postgresql/}
		v=${v%%/*}
		if [ "$(dpkg-query -W -f='${db:Status-Status}' "postgresql-$v" 2>/dev/null)" = installed ]; then
			echo "$f"
			return 0
		fi
	done
	echo pg_config
}
if [ -z "${PG_CONFIG:-}" ]; then
	PG_CONFIG=$(debian_pg_config)
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

# A Debian-packaged server (postgresql-NN) or one built by test/pgbuild.sh
# (in its cache, or copied to /usr/lib/postgresql/NN by test/packaging/deb.sh).
pg_is_debian()
{
	case $PG_CONFIG in /usr/lib/postgresql/*) ;; *) return 1 ;; esac
	[ "$(dpkg-query -W -f='${db:Status-Status}' "postgresql-$PG_MAJOR" 2>/dev/null)" = installed ]
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

# pg_regress_counts FILE: "OK FAILED", how many tests pg_regress's output in
# FILE reports passed and failed, in the summary format of PostgreSQL 15
# ("test x ... ok", "x ... FAILED") and of 16 and later ("ok 1 - x",
# "not ok 2 - x").
pg_regress_counts()
{
	local ok bad
	ok=$(grep -cE '^((test| ) *[a-z_0-9]+ +\.\.\. ok|ok +[0-9]+ +[-+] +[a-z_0-9]+ )' "$1")
	bad=$(grep -cE '(\.\.\. FAILED|^not ok +[0-9]+ )' "$1")
	echo "$ok $bad"
}
