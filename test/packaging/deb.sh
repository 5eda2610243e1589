#!/bin/bash
# Suite "deb": builds a postgresql-NN-abm package for every PostgreSQL server
# in Debian's layout here, from a clean copy of the tree with dpkg-buildpackage
# (debian/rules: dh --with pgxs_loop), installs them with dpkg, runs the
# regression suite against the installed packages the way autopkgtest does
# (debian/tests/installcheck: pg_buildext installcheck, one pg_virtualenv
# cluster per version), then removes them and reinstalls the tree with make
# install, so the files under /usr/lib/postgresql/15 and
# /usr/share/postgresql/15 are left as the other suites expect and no later
# make install fights dpkg.
#
# The servers: Debian's 15 (the default PG_CONFIG of test/lib.sh), and 18
# when test/pgbuild.sh has it in its cache (bash test/pgbuild.sh 18 --cached;
# this suite never builds it).  Debian 12 has no postgresql-18 package, so
# the cached build, made in Debian's directory layout, is copied to /usr for
# the length of the suite: only files that do not exist yet, listed in a
# manifest (/var/tmp/abm-deb-pg.list) before the first is copied, and
# removed with the directories the copy created when the suite ends, however
# it ends (a run killed outright is cleaned up by the next one).  The package
# build is told the supported versions (PG_SUPPORTED_VERSIONS="15 18",
# debian/control regenerated with pg_buildext updatecontrol in the copy; the
# committed debian/control lists Debian 12's supported versions, 15).
# postgresql-18-abm depends on postgresql-18, which no package provides
# here: it is installed with dpkg --force-depends after checking that this is
# its only unmet dependency.  Without a cached 18 the suite packages 15 only,
# and says so.
#
# It replaces the installed extension: run it under the install lock like
# every other suite (flock /tmp/abm-install.lock bash test/packaging/deb.sh).
# Needs root (or sudo) for apt-get and dpkg.  Last line:
# "SUITE deb: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
. test/lib.sh

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

# --- PostgreSQL servers copied from test/pgbuild.sh's cache to /usr ---------

# Manifest of one copy: "F path" for each file copied, "D path" for each
# directory it created, written before anything is copied.
manifest=/var/tmp/abm-deb-pg.list

# system_pg_remove: remove what the manifest lists; the directories the copy
# created go with whatever was left in them (nothing dpkg owns: a package's
# files there are removed first).  Prints what was left over; returns 1 if
# anything was.
system_pg_remove()
{
	[ -f "$manifest" ] || return 0
	local kind path leftover=0 p
	for p in $(sed -n 's/^P //p' "$manifest"); do
		if dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -q installed; then
			echo "deb: removing $p, still installed"
			$SUDO dpkg -r --force-depends "$p" >/dev/null 2>&1
		fi
	done
	while read -r kind path; do
		[ "$kind" = F ] && $SUDO rm -f -- "$path"
	done < "$manifest"
	# deepest first
	while read -r path; do
		[ -d "$path" ] || continue
		if ! $SUDO rmdir -- "$path" 2>/dev/null; then
			if [ -z "$(find "$path" -mindepth 1 -maxdepth 1 -print -quit)" ]; then
				continue
			fi
			# a directory the copy created that is not empty: left by an
			# aborted package install or cluster; never anything dpkg owns
			if find "$path" -type f | {
				while read -r p; do
					dpkg-query -S "$p" >/dev/null 2>&1 && exit 0
				done
				exit 1
			}; then
				echo "deb: $path holds files dpkg owns: left in place"
				leftover=1
				continue
			fi
			echo "deb: left over in $path:"
			find "$path" -mindepth 1 | head -n 20
			$SUDO rm -rf -- "$path"
			leftover=1
		fi
	done < <(sed -n 's/^D //p' "$manifest" | sort -r)
	$SUDO rm -f "$manifest"
	return $leftover
}

# system_pg_install ENTRY MAJOR: copy the files the cache entry's .abm-files
# lists to /; refuses (copying nothing) if any of them exists.
system_pg_install()
{
	local entry=$1 major=$2 f d conflict=0
	: > "$work/manifest"
	echo "P postgresql-$major-abm" >> "$work/manifest"
	declare -A created=()
	while read -r f; do
		if [ -e "/$f" ] || [ -L "/$f" ]; then
			echo "deb: /$f exists: PostgreSQL $major not copied"
			conflict=1
		fi
		d=$(dirname "/$f")
		while [ "$d" != / ] && [ ! -d "$d" ] && [ -z "${created[$d]:-}" ]; do
			created[$d]=1
			d=$(dirname "$d")
		done
		echo "F /$f" >> "$work/manifest"
	done < "$entry/.abm-files"
	[ "$conflict" -eq 0 ] || return 1
	for d in "${!created[@]}"; do echo "D $d"; done >> "$work/manifest"
	$SUDO cp "$work/manifest" "$manifest"
	tar -C "$entry" -cf - -T "$entry/.abm-files" | $SUDO tar -C / -xf - --keep-old-files
}

# A copy left by a run that was killed outright.
if [ -f "$manifest" ]; then
	echo "deb: $manifest exists (a run killed before cleaning up): removing what it lists"
	system_pg_remove
fi

work=$(mktemp -d /tmp/abm-deb.XXXXXX)
cleanup()
{
	system_pg_remove >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# Build dependencies (debian/control Build-Depends, nocheck profile).
bash test/setup.sh --tests >/dev/null || { echo "deb: test/setup.sh --tests failed"; fail=1; finish; }

versions=$PG_MAJOR
extra=18
if [ "$(dpkg-query -W -f='${db:Status-Status}' "postgresql-$extra" 2>/dev/null)" = installed ]; then
	echo "deb: PostgreSQL $extra is installed from Debian packages"
	versions="$versions $extra"
elif pg_config_extra=$(bash test/pgbuild.sh "$extra" --cached); then
	entry=${pg_config_extra%/usr/lib/postgresql/$extra/bin/pg_config}
	echo "deb: copying PostgreSQL $extra from $entry to /usr for this suite"
	system_pg_install "$entry" "$extra"
	copied=$?
	check "PostgreSQL $extra copied from the cache to /usr/lib/postgresql/$extra" \
		[ "$copied" -eq 0 -a -x "/usr/lib/postgresql/$extra/bin/postgres" ]
	if [ "$copied" -eq 0 ]; then
		versions="$versions $extra"
		# The copy runs its own libpq, not the system's (15's).
		libpq=$(ldd "/usr/lib/postgresql/$extra/bin/psql" | sed -n 's/^[[:space:]]*libpq\.so\.5 => \([^ ]*\) .*/\1/p')
		check "the copied psql uses the copied libpq ($libpq)" \
			[ "$(realpath "${libpq:-/nonexistent}" 2>/dev/null)" = "$(realpath "/usr/lib/postgresql/$extra/lib/libpq.so.5")" ]
		check "test/lib.sh's default PG_CONFIG stays PostgreSQL $PG_MAJOR's" \
			bash -c "unset PG_CONFIG; . test/lib.sh; [ \"\$PG_CONFIG\" = '$PG_CONFIG' ]"
	fi
else
	echo "deb: no PostgreSQL $extra in test/pgbuild.sh's cache (bash test/pgbuild.sh $extra builds it): packaging for $PG_MAJOR only"
fi

# A clean copy of the tree, so nothing built in the working tree (abm.so,
# the generated install script, results/) leaks into the package.
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
src="$work/abm-${version%-*}"
copy_tree "$src"

# The committed debian/control is the one for Debian 12's supported versions.
(cd "$src" && env -u PG_SUPPORTED_VERSIONS pg_buildext checkcontrol) > "$work/checkcontrol.log" 2>&1
check "debian/control is pg_buildext's for this machine's supported versions" [ "$?" -eq 0 ]
export PG_SUPPORTED_VERSIONS="$versions"
if [ "$versions" != "$PG_MAJOR" ]; then
	(cd "$src" && pg_buildext updatecontrol)
	for v in $versions; do
		check "debian/control for versions $versions lists postgresql-$v-abm" \
			grep -qx "Package: postgresql-$v-abm" "$src/debian/control"
	done
fi

echo "deb: building the packages of abm $version for PostgreSQL $versions in $src"
(cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -us -uc -b -Pnocheck) \
	> "$work/build.log" 2>&1
status=$?
tail -n 20 "$work/build.log"
check "dpkg-buildpackage builds the binary packages" [ "$status" -eq 0 ]
check "the build is warning-free" bash -c "! grep -E 'warning:' '$work/build.log'"

debs=()
for v in $versions; do
	pkg=postgresql-$v-abm
	pgc=/usr/lib/postgresql/$v/bin/pg_config
	libdir=$("$pgc" --pkglibdir)
	extdir=$("$pgc" --sharedir)/extension
	deb=$(ls "$work"/${pkg}_"$version"_*.deb 2>/dev/null | head -n 1)
	check "$pkg ${version} .deb exists" [ -n "$deb" ]
	[ -n "$deb" ] || continue
	debs+=("$deb")
	dpkg-deb -c "$deb" > "$work/contents"
	dpkg-deb -f "$deb" Depends > "$work/depends"
	for f in $libdir/abm.so \
		$extdir/abm.control \
		"$extdir/abm--${version%-*}.sql" \
		/usr/share/doc/$pkg/copyright; do
		check "$pkg contains $f" grep -q " \.$f\$" "$work/contents"
	done
	check "$pkg depends on postgresql-$v" grep -qE "(^|, )postgresql-$v( |,|\$)" "$work/depends"
	# built like against Debian's servers: no library search path of its own
	dpkg-deb -x "$deb" "$work/x$v"
	check "$pkg's abm.so has no RPATH or RUNPATH" \
		bash -c "readelf -d '$work/x$v$libdir/abm.so' > '$work/dynamic' && ! grep -qE 'R(UN)?PATH' '$work/dynamic'"
done
if [ ${#debs[@]} -eq 0 ]; then
	finish
fi

# Install, test what is installed, remove.
for deb in "${debs[@]}"; do
	pkg=$(dpkg-deb -f "$deb" Package)
	v=${pkg#postgresql-}
	v=${v%-abm}
	# Every dependency but the server must be met; the server only when
	# dpkg has it (18 copied from the cache is not a package).
	unmet=$(perl -MDpkg::Deps -e '
		my $facts = Dpkg::Deps::KnownFacts->new();
		open(my $q, "-|", "dpkg-query", "-W", "-f",
			"\${db:Status-Status}\t\${Package}\t\${Version}\t\${Architecture}\t\${Multi-Arch}\t\${Provides}\n") or die;
		while (<$q>) {
			chomp;
			my ($status, $p, $v, $a, $ma, $provides) = split /\t/;
			next unless $status eq "installed";
			$facts->add_installed_package($p, $v, $a, $ma || "no");
			next unless $provides;
			foreach my $dep (deps_parse($provides, union => 1)->get_deps()) {
				$facts->add_provided_package($dep->{package}, $dep->{relation}, $dep->{version}, $p);
			}
		}
		my $deps = deps_parse($ARGV[0]) or die;
		print join(", ", grep { !$_->get_evaluation($facts) } $deps->get_deps()), "\n";
	' "$(dpkg-deb -f "$deb" Depends)")
	force=()
	if [ -n "$unmet" ]; then
		echo "deb: $pkg's unmet dependencies: $unmet"
		check "$pkg's only unmet dependency is postgresql-$v, copied from the cache" \
			bash -c "[[ '$unmet' =~ ^postgresql-$v( \\(.*\\))?\$ ]] && [ -f '$manifest' ]"
		force=(--force-depends)
	fi
	$SUDO dpkg -i "${force[@]}" "$deb" > "$work/install.log" 2>&1
	check "dpkg -i${force[*]:+ ${force[*]}} installs $pkg" [ "$?" -eq 0 ]
	check "dpkg reports $pkg installed" bash -c "dpkg-query -W -f='\${Status}' $pkg | grep -q 'install ok installed'"
	libdir=$("/usr/lib/postgresql/$v/bin/pg_config" --pkglibdir)
	check "dpkg owns the installed abm.so of $v" bash -c "dpkg -S $libdir/abm.so | grep -q '^$pkg:'"
done

# pg_buildext installcheck: for each installed postgresql-NN-abm, a
# pg_virtualenv cluster of NN and make installcheck against the installed
# files.
(cd "$src" && $SUDO debian/tests/installcheck) > "$work/installcheck.log" 2>&1
status=$?
grep -vE '^(Creating|Dropping|Cluster|Removing|Setting|[a-z]+ cluster)' "$work/installcheck.log" | tail -n 80
check "debian/tests/installcheck passes" [ "$status" -eq 0 ]
for v in $versions; do
	# this version's part of the log
	sed -n "/^### PostgreSQL $v installcheck ###\$/,/^### End $v installcheck/p" "$work/installcheck.log" > "$work/installcheck-$v.log"
	read -r ok bad < <(pg_regress_counts "$work/installcheck-$v.log")
	pass=$((pass + ok))
	fail=$((fail + bad))
	echo "deb: installcheck of postgresql-$v-abm: $ok tests ok, $bad failed"
	check "the regression suite ran against the installed postgresql-$v-abm on a PostgreSQL $v cluster" \
		bash -c "[ '$ok' -gt 0 ] && grep -qx '### End $v installcheck ###' '$work/installcheck-$v.log' &&
			grep -qF -- \"--bindir='/usr/lib/postgresql/$v/bin'\" '$work/installcheck-$v.log'"
done

for v in $versions; do
	pkg=postgresql-$v-abm
	libdir=$("/usr/lib/postgresql/$v/bin/pg_config" --pkglibdir)
	$SUDO dpkg -r "$pkg" > "$work/remove.log" 2>&1
	check "dpkg -r removes $pkg" [ "$?" -eq 0 ]
	check "no abm.so is left behind in $libdir by dpkg -r" [ ! -e "$libdir/abm.so" ]
done

if [ -f "$manifest" ]; then
	system_pg_remove
	check "the copy of PostgreSQL $extra is removed from /usr, nothing else left" [ "$?" -eq 0 ]
	check "nothing of PostgreSQL $extra is left in /usr, nor a cluster in /etc or /var" \
		bash -c "! ls -d /usr/{lib,share,include}/postgresql/$extra /usr/share/doc/postgresql-doc-$extra \
			/etc/postgresql/$extra /var/lib/postgresql/$extra 2>/dev/null | grep -q ."
fi

# Put back what make install had installed, for the suites that follow.
make -s PG_CONFIG="$PG_CONFIG" >/dev/null && $SUDO make -s install PG_CONFIG="$PG_CONFIG" >/dev/null
libdir=$("$PG_CONFIG" --pkglibdir)
check "make install restores the tree's extension" [ -e $libdir/abm.so ]

finish
