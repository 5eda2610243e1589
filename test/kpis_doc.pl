#!/usr/bin/perl
# Suite "kpis": docs/kpis.md has one entry per row of abm_report, and every
# entry is a row: the demo dashboard (test/dashboard.sql, on
# abm_demo_load(0.01)) is run, and each row's name, unit and value must
# equal an entry's heading, "Unit:" and "Demo:" (NULL is "none"), both ways.
# Needs a cluster with abm installed (PGHOST/PGPORT, e.g. under
# test/pgenv.sh).  Last line: "SUITE kpis: N passed, M failed".
use strict;
use warnings;
use utf8;
use File::Basename qw(dirname);

chdir dirname(__FILE__) . '/..' or die "cannot chdir: $!";
my ($pass, $fail) = (0, 0);
sub check
{
	my ($ok, $name) = @_;
	if ($ok) { $pass++; print "ok - $name\n"; }
	else { $fail++; print "not ok - $name\n"; }
}

my $db = 'abm_kpis_doc';
system("dropdb --if-exists $db >/dev/null 2>&1; createdb $db") == 0 or die "createdb failed\n";
system(qq{psql -X -q -v ON_ERROR_STOP=1 -d $db -c 'CREATE EXTENSION abm' -c 'SELECT abm_demo_load(0.01)' >/dev/null}) == 0
  or die "loading the demo data failed\n";
my @out = `psql -X -q -v ON_ERROR_STOP=1 -d $db -f test/dashboard.sql 2>&1`;
check($? == 0, 'the demo dashboard runs');
system("dropdb $db");

# Report rows: " stage | kpi | value | unit" with a stage digit.
my %report;
for my $line (@out)
{
	my @f = map { s/^\s+|\s+$//gr } split /\|/, $line;
	next unless @f == 4 && $f[0] =~ /^[1-6]$/;
	$report{ $f[1] } = { unit => $f[3], value => ($f[2] eq '' ? 'none' : $f[2]) };
}
check(keys(%report) > 50, scalar(keys %report) . ' report rows read from the dashboard');

# Entries: "### name" then "Unit: u · Demo: v".
open(my $fh, '<:encoding(UTF-8)', 'docs/kpis.md') or die "docs/kpis.md: $!";
my (%doc, $name);
while (my $line = <$fh>)
{
	chomp $line;
	if ($line =~ /^### (.+)$/) { $name = $1; $doc{$name} = {}; next; }
	if (defined $name && $line =~ /^Unit: (.+?) · Demo: (.+)$/)
	{
		$doc{$name} = { unit => $1, value => $2 };
		undef $name;
	}
}
close $fh;
binmode STDOUT, ':encoding(UTF-8)';

for my $k (sort keys %report)
{
	my $d = $doc{$k};
	check(defined $d, "report row has an entry in docs/kpis.md: $k");
	next unless defined $d;
	check(defined $d->{unit} && $d->{unit} eq $report{$k}{unit}
		  && $d->{value} eq $report{$k}{value},
		"entry matches the demo: $k = $report{$k}{value} $report{$k}{unit}"
		  . (defined $d->{unit} ? " (docs: $d->{value} $d->{unit})" : ' (docs: no Unit line)'));
}
for my $k (sort keys %doc)
{
	check(exists $report{$k}, "entry is a report row: $k") unless exists $report{$k};
}
print "SUITE kpis: $pass passed, $fail failed\n";
exit($fail > 0);
