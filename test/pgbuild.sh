#!/bin/bash
# Build a PostgreSQL release from the upstream tarball of Debian's source
# package, into a cache directory outside the checkout, and print the path of
# its pg_config: 18, which Debian 12 has no binary package for, and 15 again
# with AddressSanitizer (test/asan/run.sh).
#
#   bash test/pgbuild.sh 18            -> /var/cache/abm/pg/18.6-debian/usr/lib/postgresql/18/bin/pg_config
#   bash test/pgbuild.sh 18 --cached   -> the cached one, or exit 1 (no network)
#   bash test/pgbuild.sh 15 --layout prefix --suite bookworm --debian-version 15.18-0+deb12u1
#
# The source comes from Debian's archive (suite sid unless --suite says
# otherwise; the newest version there unless --debian-version pins one)
# through a private apt directory, so the machine's own package lists are
# never touched.  The build needs nothing beyond a C toolchain: no ICU,
# readline or zlib.  A finished build is marked with .abm-complete and reused
# by every later run.  ABM_PG_CACHE overrides the cache directory;
# ABM_PG_CFLAGS adds compiler (and linker) flags and ABM_PG_CONFIGURE
# configure options, with ABM_PG_KEY_SUFFIX naming the cache entry of such a
# build apart (the AddressSanitizer build: "-asan").
#
# Layouts (--layout):
#   debian (the default): Debian's directories for major version NN, as the
#     postgresql-NN packages have them (bindir /usr/lib/postgresql/NN/bin,
#     pkglibdir /usr/lib/postgresql/NN/lib with pgxs under it, sharedir
#     /usr/share/postgresql/NN, server headers in
#     /usr/include/postgresql/NN/server), installed with DESTDIR into the
#     cache entry VERSION-debian, so the entry holds usr/... and runs in place
#     (PostgreSQL finds its share and library directories relative to its
#     binaries).  Unlike Debian's packages, libpq goes to the private
#     /usr/lib/postgresql/NN/lib, never over the system's
#     /usr/lib/<triplet>/libpq.so.5, and every binary finds it through the
#     run path $ORIGIN/../lib, wherever the tree is (pg_config --ldflags
#     shows it as '/../lib': the string it records loses $ORIGIN, which
#     nothing here reads).  The packaging suite
#     (test/packaging/deb.sh) copies the files listed in the entry's
#     .abm-files to / to build and test postgresql-NN-abm, and removes them.
#   prefix: everything under the cache entry VERSION (bin/, lib/, share/,
#     include/), for the AddressSanitizer build.
set -euo pipefail
usage="usage: pgbuild.sh MAJOR [--cached] [--layout debian|prefix] [--suite SUITE] [--debian-version VERSION]"
major=${1:?$usage}
shift
mode=
layout=debian
suite=sid
debian_version=
while [ $# -gt 0 ]; do
	case $1 in
	--cached) mode=--cached; shift ;;
	--layout) layout=${2:?$usage}; shift 2 ;;
	--suite) suite=${2:?$usage}; shift 2 ;;
	--debian-version) debian_version=${2:?$usage}; shift 2 ;;
	*) echo "$usage" >&2; exit 2 ;;
	esac
done
cache=${ABM_PG_CACHE:-/var/cache/abm/pg}
case $layout in
debian)
	key_suffix=-debian${ABM_PG_KEY_SUFFIX:-}
	# where pg_config is, inside a cache entry
	pg_config_in=usr/lib/postgresql/$major/bin/pg_config ;;
prefix)
	key_suffix=${ABM_PG_KEY_SUFFIX:-}
	pg_config_in=bin/pg_config ;;
*) echo "$usage" >&2; exit 2 ;;
esac

# A cached build of this major version, newest first.
cached()
{
	local d
	# the entry's name: VERSION (a pinned Debian version names its upstream
	# version exactly) plus this layout's and build's suffix
	local want="$major\.[0-9]+"
	if [ -n "$debian_version" ]; then
		want=${debian_version%%-*}
		want=${want//./\\.}
	fi
	for d in $(ls -d "$cache/$major".* 2>/dev/null | sort -rV); do
		[[ $(basename "$d") =~ ^$want$key_suffix$ ]] || continue
		if [ -f "$d/.abm-complete" ] && [ -x "$d/$pg_config_in" ]; then
			echo "$d/$pg_config_in"
			return 0
		fi
	done
	return 1
}

if cached; then
	exit 0
fi
if [ "$mode" = "--cached" ]; then
	exit 1
fi

apt_dir=$(mktemp -d /tmp/abm-apt.XXXXXX)
trap 'rm -rf "$apt_dir"' EXIT
mkdir -p "$apt_dir/parts" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/src"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" \
	> "$apt_dir/parts/$suite.list"
apt_opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt_dir/parts"
	-o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
	-o APT::Sandbox::User=root)
package="postgresql-$major${debian_version:+=$debian_version}"
echo "pgbuild: fetching the source of $package from Debian's archive ($suite)" >&2
apt-get "${apt_opts[@]}" -qq update >&2
(cd "$apt_dir/src" && apt-get "${apt_opts[@]}" -qq source --download-only "$package") >&2
tarball=$(ls "$apt_dir/src"/postgresql-"$major"_*.orig.tar.bz2 2>/dev/null | head -n 1)
if [ -z "$tarball" ]; then
	echo "pgbuild: Debian's archive served no postgresql-$major source" >&2
	exit 1
fi
version=$(basename "$tarball" | sed -E 's/^postgresql-[0-9]+_([0-9.]+)\.orig\.tar\.bz2$/\1/')
entry="$cache/$version$key_suffix"
case $layout in
debian)
	# Debian's directories (pg_config of Debian's postgresql-15 reports the
	# same ones for 15), installed below DESTDIR=$entry; libdir is the
	# private pkglibdir, so libpq never lands beside the system's.
	dirs=(--prefix=/usr --bindir="/usr/lib/postgresql/$major/bin"
		--libdir="/usr/lib/postgresql/$major/lib" --datadir="/usr/share/postgresql/$major"
		--includedir="/usr/include/postgresql/$major" --sysconfdir=/etc/postgresql-common
		--mandir="/usr/share/postgresql/$major/man" --docdir="/usr/share/doc/postgresql-doc-$major")
	destdir=$entry
	# Binaries and libraries find libpq (and each other) relative to
	# themselves: $ORIGIN is bin/ or lib/, both beside lib/.  Makefile.global
	# quotes the run path in single quotes for the shell.
	rpath=("rpathdir=\$\$ORIGIN/../lib") ;;
prefix)
	dirs=(--prefix="$entry")
	destdir=
	rpath=() ;;
esac

echo "pgbuild: building PostgreSQL $version into $entry (a few minutes)" >&2
build=$(mktemp -d /tmp/abm-pgbuild.XXXXXX)
tar -xjf "$tarball" -C "$build"
srcdir="$build/postgresql-$version"
rm -rf "$entry"
mkdir -p "$entry"
(
	cd "$srcdir"
	./configure "${dirs[@]}" --without-icu --without-readline --without-zlib \
		--enable-debug ${ABM_PG_CONFIGURE:-} ${ABM_PG_CFLAGS:+CFLAGS="-O1 -g $ABM_PG_CFLAGS"} \
		${ABM_PG_CFLAGS:+LDFLAGS="$ABM_PG_CFLAGS"} > "$build/configure.log" 2>&1 ||
		{ tail -n 30 "$build/configure.log"; exit 1; }
	make -s -j"$(nproc)" world-bin "${rpath[@]}" > "$build/make.log" 2>&1 ||
		{ tail -n 40 "$build/make.log"; exit 1; }
	make -s install-world-bin "${rpath[@]}" ${destdir:+DESTDIR="$destdir"} > "$build/install.log" 2>&1 ||
		{ tail -n 40 "$build/install.log"; exit 1; }
	# Extensions built with PGXS against it get no run path, as against
	# Debian's servers (configured --disable-rpath): only the server's own
	# binaries and libraries need one.
	if [ "$layout" = debian ]; then
		sed -i 's/^enable_rpath\t= yes$/enable_rpath\t= no/' \
			"$(dirname "$("$entry/$pg_config_in" --pgxs)")/../Makefile.global"
		grep -q '^enable_rpath.= no$' "$(dirname "$("$entry/$pg_config_in" --pgxs)")/../Makefile.global"
	fi
	# The TAP test modules, where the server-dev packages put them (their
	# install target wants IPC::Run at configure time; a copy does not).
	pgxs=$(dirname "$("$entry/$pg_config_in" --pgxs)")/../..
	mkdir -p "$pgxs/src/test/perl"
	cp -r src/test/perl/PostgreSQL "$pgxs/src/test/perl/"
) >&2
# What the build installed, relative to the entry: what test/packaging/deb.sh
# copies to / (later make installs into the entry, of abm by test/run.sh, are
# not part of it).
(cd "$entry" && find . -mindepth 1 ! -name '.abm-*' \( -type f -o -type l \) -printf '%P\n' | sort > .abm-files)
touch "$entry/.abm-complete"
rm -rf "$build"
echo "$entry/$pg_config_in"
