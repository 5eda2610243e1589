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
. test/lib.sh
pkg=postgresql-$PG_MAJOR-abm
libdir=$("$PG_CONFIG" --pkglibdir)
extdir=$("$PG_CONFIG" --sharedir)/extension

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

# Build dependencies (debian/control Build-Depends, nocheck profile).
bash test/setup.sh --tests >/dev/null || { echo "deb: test/setup.sh --tests failed"; fail=1; finish; }

# A clean copy of the tree, so nothing built in the working tree (abm.so,
# the generated install script, results/) leaks into the package.
work=$(mktemp -d /tmp/abm-deb.XXXXXX)
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
src="$work/abm-${version%-*}"
copy_tree "$src"

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
for f in $libdir/abm.so \
	$extdir/abm.control \
	"$extdir/abm--${version%-*}.sql" \
	/usr/share/doc/$pkg/copyright; do
	check "the package contains $f" grep -q " \.$f\$" "$work/contents"
done
check "the package depends on postgresql-$PG_MAJOR" grep -q "postgresql-$PG_MAJOR" "$work/depends"

# Install, test what is installed, remove.
$SUDO dpkg -i "$deb" > "$work/install.log" 2>&1
check "dpkg -i installs the package" [ "$?" -eq 0 ]
check "dpkg reports $pkg installed" bash -c "dpkg-query -W -f='\${Status}' $pkg | grep -q 'install ok installed'"
check "dpkg owns the installed abm.so" bash -c "dpkg -S $libdir/abm.so | grep -q '^$pkg:'"

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
check "no abm.so is left behind by dpkg -r" [ ! -e $libdir/abm.so ]

# Put back what make install had installed, for the suites that follow.
make -s PG_CONFIG="$PG_CONFIG" >/dev/null && $SUDO make -s install PG_CONFIG="$PG_CONFIG" >/dev/null
check "make install restores the tree's extension" [ -e $libdir/abm.so ]

rm -rf "$work"
finish
