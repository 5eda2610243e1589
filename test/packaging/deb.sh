#!/bin/bash
# Suite "deb": builds the postgresql-15-abm package from a clean copy of the
# tree with dpkg-buildpackage (debian/rules: dh --with pgxs_loop), installs it
# with dpkg, runs the regression suite against the installed package the way
# autopkgtest does (debian/tests/installcheck: pg_buildext installcheck),
# then removes the package and reinstalls the tree with make install, so the
# files under /usr/lib/postgresql/15 and /usr/share/postgresql/15 are left as
# the other suites expect and no later make install fights dpkg.
#
# It replaces the installed extension: run it under the install lock like
# every other suite (flock /tmp/abm-install.lock bash test/packaging/deb.sh).
# Needs root (or sudo) for apt-get and dpkg.  Last line:
# "SUITE deb: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
pkg=postgresql-15-abm
export PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

pass=0
fail=0
check()
{
	local name=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
		echo "ok - $name"
	else
		fail=$((fail + 1))
		echo "not ok - $name"
	fi
}
finish()
{
	echo "SUITE deb: $pass passed, $fail failed"
	exit $((fail > 0))
}

# Build dependencies (debian/control Build-Depends, nocheck profile), only
# the missing ones.
need=()
command -v dpkg-buildpackage >/dev/null || need+=(dpkg-dev)
command -v dh >/dev/null || need+=(debhelper)
[ -f /usr/share/perl5/Debian/Debhelper/Sequence/pgxs_loop.pm ] || need+=(postgresql-server-dev-all)
[ -f /usr/lib/postgresql/15/lib/pgxs/src/makefiles/pgxs.mk ] || need+=(postgresql-server-dev-15)
command -v gcc >/dev/null || need+=(gcc)
command -v make >/dev/null || need+=(make)
if [ ${#need[@]} -gt 0 ]; then
	echo "deb: installing ${need[*]}"
	$SUDO apt-get update -qq
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# A clean copy: the files git tracks plus new ones it does not ignore, so
# nothing built in the working tree (abm.so, sql/abm--*.sql, results/) leaks
# into the package.
work=$(mktemp -d /tmp/abm-deb.XXXXXX)
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
src="$work/abm-${version%-*}"
mkdir -p "$src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z -co --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		tar --null -T - -cf - | tar -xf - -C "$src"
else
	tar --exclude='./debian/.debhelper' -cf - . | tar -xf - -C "$src"
	make -s -C "$src" clean >/dev/null 2>&1
fi

echo "deb: building $pkg $version in $src"
(cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -us -uc -b -Pnocheck) \
	> "$work/build.log" 2>&1
status=$?
tail -n 20 "$work/build.log"
check "dpkg-buildpackage builds the binary package" [ "$status" -eq 0 ]
deb=$(ls "$work"/${pkg}_"$version"_*.deb 2>/dev/null | head -n 1)
check "$pkg ${version} .deb exists" [ -n "$deb" ]
if [ -z "$deb" ]; then
	rm -rf "$work"
	finish
fi
check "the build is warning-free" bash -c "! grep -E 'warning:' '$work/build.log'"

dpkg-deb -c "$deb" > "$work/contents"
dpkg-deb -f "$deb" Depends > "$work/depends"
for f in /usr/lib/postgresql/15/lib/abm.so \
	/usr/share/postgresql/15/extension/abm.control \
	"/usr/share/postgresql/15/extension/abm--${version%-*}.sql" \
	/usr/share/doc/$pkg/copyright; do
	check "the package contains $f" grep -q " \.$f\$" "$work/contents"
done
check "the package depends on postgresql-15" grep -q 'postgresql-15' "$work/depends"

# Install, test what is installed, remove.
$SUDO dpkg -i "$deb" > "$work/install.log" 2>&1
check "dpkg -i installs the package" [ "$?" -eq 0 ]
check "dpkg reports $pkg installed" bash -c "dpkg-query -W -f='\${Status}' $pkg | grep -q 'install ok installed'"
check "dpkg owns the installed abm.so" bash -c "dpkg -S /usr/lib/postgresql/15/lib/abm.so | grep -q '^$pkg:'"

(cd "$src" && $SUDO debian/tests/installcheck) > "$work/installcheck.log" 2>&1
status=$?
cat "$work/installcheck.log" | grep -vE '^(Creating|Dropping|Cluster|Removing|Setting|[a-z]+ cluster)' | tail -n 60
ok=$(grep -cE '^(test| ) *[a-z_0-9]+ +\.\.\. ok' "$work/installcheck.log")
bad=$(grep -cE '\.\.\. FAILED' "$work/installcheck.log")
pass=$((pass + ok))
fail=$((fail + bad))
echo "deb: installcheck of the installed package: $ok tests ok, $bad failed"
check "the regression suite ran against the installed package" [ "$status" -eq 0 -a "$ok" -gt 0 ]

$SUDO dpkg -r "$pkg" > "$work/remove.log" 2>&1
check "dpkg -r removes the package" [ "$?" -eq 0 ]
check "no abm.so is left behind by dpkg -r" [ ! -e /usr/lib/postgresql/15/lib/abm.so ]

# Put back what make install had installed, for the suites that follow.
make -s PG_CONFIG="$PG_CONFIG" >/dev/null && $SUDO make -s install PG_CONFIG="$PG_CONFIG" >/dev/null
check "make install restores the tree's extension" [ -e /usr/lib/postgresql/15/lib/abm.so ]

rm -rf "$work"
finish
