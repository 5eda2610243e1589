#!/usr/bin/perl
# Suite "reference": every public abm_ name in the catalog has an entry in
# docs/reference.md.  Run against a server where the extension is installed
# (bash test/pgenv.sh perl test/packaging/check_reference.pl); it creates
# and drops a scratch database.
#
# Public names are the names of the objects test/packaging/public.sql
# lists (its header says which functions count as internal support).
# A name is documented when it occurs as a whole word (not as the prefix of a
# longer name) on a line of docs/reference.md that is not a heading: the
# headings only list what a section is about, the entry is the text under it.
# Last line: "SUITE reference: N passed, M failed".
use strict;
use warnings;
use File::Basename qw(dirname);

chdir dirname(__FILE__) . '/../..' or die "cannot chdir: $!";
my ($pass, $fail) = (0, 0);

sub check
{
	my ($ok, $name) = @_;
	if ($ok) { $pass++; print "ok - $name\n"; }
	else { $fail++; print "not ok - $name\n"; }
}

sub documented
{
	my ($name, $text) = @_;
	for my $line (split /\n/, $text)
	{
		next if $line =~ /^\s*#/;
		return 1 if $line =~ /(?<![A-Za-z0-9_])\Q$name\E(?![A-Za-z0-9_])/;
	}
	return 0;
}

# The matcher itself.
check(documented('abm_rate', "`abm_rate(bool)` counts"), 'matcher: a body mention counts');
check(!documented('abm_rate', "uses abm_rate_trans\n"), 'matcher: a longer name does not count');
check(!documented('abm_rate', "## Rates: abm_rate\n\n(foundation)\n"), 'matcher: a heading alone does not count');

my $public_names = do {
	open my $q, "<", "test/packaging/public.sql" or die "public.sql: $!";
	local $/;
	<$q>;
};

my $db = 'abm_reference_check';
system('dropdb', '--if-exists', $db) == 0 or die "dropdb failed\n";
system('createdb', $db) == 0 or die "createdb failed\n";
my $psql = sub {
	my ($sql) = @_;
	open my $fh, '-|', 'psql', '-XAtq', '-v', 'ON_ERROR_STOP=1', '-d', $db, '-c', $sql
		or die "psql: $!";
	my @rows = <$fh>;
	close $fh or die "psql failed on: $sql\n";
	chomp @rows;
	return @rows;
};
$psql->('CREATE EXTENSION abm');
my %seen;
my @names = grep { !$seen{$_}++ } map { (split /\|/)[2] } $psql->($public_names);
system('dropdb', $db);

check(scalar(@names) > 0, 'the catalog lists public abm_ names (' . scalar(@names) . ')');

open my $fh, '<', 'docs/reference.md' or die "docs/reference.md: $!";
my $reference = do { local $/; <$fh> };
for my $name (@names)
{
	check(documented($name, $reference), "$name has an entry in docs/reference.md");
}

print "SUITE reference: $pass passed, $fail failed\n";
exit($fail ? 1 : 0);
