#!/bin/bash
# Build a PostgreSQL release from the upstream tarball of Debian's source
# package, into a cache directory outside the checkout, and print the path of
# its pg_config: 18, which Debian 12 has no binary package for, and 15 again
# with AddressSanitizer (test/asan/run.sh).
#
#   bash test/pgbuild.sh 18            -> /var/cache/abm/pg/18.6/bin/pg_config
#   bash test/pgbuild.sh 18 --cached   -> the cached one, or exit 1 (no network)
#   bash test/pgbuild.sh 15 --suite bookworm --debian-version 15.18-0+deb12u1
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
set -euo pipefail
usage="usage: pgbuild.sh MAJOR [--cached] [--suite SUITE] [--debian-version VERSION]"
major=${1:?$usage}
shift
mode=
suite=sid
debian_version=
while [ $# -gt 0 ]; do
	case $1 in
	--cached) mode=--cached; shift ;;
	--suite) suite=${2:?$usage}; shift 2 ;;
	--debian-version) debian_version=${2:?$usage}; shift 2 ;;
	*) echo "$usage" >&2; exit 2 ;;
	esac
done
cache=${ABM_PG_CACHE:-/var/cache/abm/pg}
key_suffix=${ABM_PG_KEY_SUFFIX:-}

# A cached build of this major version, newest first.
cached()
{
	local d
	local want="$cache/$major".*"$key_suffix"
	# a pinned Debian version names its upstream version exactly
	[ -n "$debian_version" ] && want="$cache/${debian_version%%-*}$key_suffix"
	for d in $(ls -d $want 2>/dev/null | sort -rV); do
		if [ -f "$d/.abm-complete" ] && [ -x "$d/bin/pg_config" ]; then
			echo "$d/bin/pg_config"
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
prefix="$cache/$version$key_suffix"

echo "pgbuild: building PostgreSQL $version into $prefix (a few minutes)" >&2
build=$(mktemp -d /tmp/abm-pgbuild.XXXXXX)
tar -xjf "$tarball" -C "$build"
srcdir="$build/postgresql-$version"
rm -rf "$prefix"
mkdir -p "$prefix"
(
	cd "$srcdir"
	./configure --prefix="$prefix" --without-icu --without-readline --without-zlib \
		--enable-debug ${ABM_PG_CONFIGURE:-} ${ABM_PG_CFLAGS:+CFLAGS="-O1 -g $ABM_PG_CFLAGS"} \
		${ABM_PG_CFLAGS:+LDFLAGS="$ABM_PG_CFLAGS"} > "$build/configure.log" 2>&1 ||
		{ tail -n 30 "$build/configure.log"; exit 1; }
	make -s -j"$(nproc)" world-bin > "$build/make.log" 2>&1 || { tail -n 40 "$build/make.log"; exit 1; }
	make -s install-world-bin > "$build/install.log" 2>&1 || { tail -n 40 "$build/install.log"; exit 1; }
	# The TAP test modules, where the server-dev packages put them (their
	# install target wants IPC::Run at configure time; a copy does not).
	pgxs=$(dirname "$("$prefix/bin/pg_config" --pgxs)")/../..
	mkdir -p "$pgxs/src/test/perl"
	cp -r src/test/perl/PostgreSQL "$pgxs/src/test/perl/"
) >&2
touch "$prefix/.abm-complete"
rm -rf "$build"
echo "$prefix/bin/pg_config"
