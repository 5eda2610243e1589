#!/usr/bin/perl
# Suite "cookbook": the cookbook and abm_report agree, value for value.
#
# docs/cookbook.md computes every KPI of the report a second time, in plain
# SQL from its definition (docs/kpis.md), written independently of the
# report's own SQL.  A recipe that gives report rows is preceded by a comment
# naming them, one per line, as "report row = column" or "report row = column
# where column = value" (the output row to read, for recipes with a row per
# tier or per class):
#
#   <!-- abm_report rows:
#   target accounts engaged in the period = engaged where tier = all
#   -->
#
# and its period is the one line
#   WITH period AS (SELECT timestamptz 'A' AS period_start, timestamptz 'B' AS period_end)
# The report the recipes are checked against is the cookbook's own one-call
# example (the ```sql block after "<!-- abm_report call -->"), so its
# arguments (revenue goal, ICP profile) are those the recipes use.
#
# For the demo data (abm_demo_load(0.01)) and several periods, this runs the
# report and every marked recipe with the period put in, compares each named
# value with the report row of that name, and prints one line per comparison.
# It fails on any difference, on a report row that no recipe computes, on a
# named row the report does not have, and on a recipe whose output lacks the
# named column or row.  TimeZone is UTC.
#
# Needs a cluster with abm installed (PGHOST/PGPORT, e.g. under
# test/pgenv.sh).  Creates and drops the database abm_cookbook_check;
# --reuse runs against that database as it is (with the demo data loaded)
# and keeps it, for repeated runs while editing the cookbook.  Last line:
# "SUITE cookbook: N passed, M failed".
use strict;
use warnings;
use utf8;
use File::Basename qw(dirname);
use IPC::Open2 qw(open2);

chdir dirname(__FILE__) . '/..' or die "cannot chdir: $!";
binmode STDOUT, ':encoding(UTF-8)';
$ENV{PGTZ} = 'UTC';

my @periods = (
	[ 'year 2025', '2025-01-01', '2026-01-01' ],
	[ 'Q3 2024',   '2024-07-01', '2024-10-01' ],
	[ 'H1 2023',   '2023-01-01', '2023-07-01' ],
);
my $period_re = qr/timestamptz '[^']*' AS period_start, timestamptz '[^']*' AS period_end/;

my ($pass, $fail) = (0, 0);
sub check
{
	my ($ok, $name) = @_;
	if ($ok) { $pass++; print "ok - $name\n"; }
	else { $fail++; print "not ok - $name\n"; }
	return $ok;
}

# The recipes: [line, sql, [[report row, column, where column, where value]]].
open(my $fh, '<:encoding(UTF-8)', 'docs/cookbook.md') or die "docs/cookbook.md: $!";
my @lines = <$fh>;
close $fh;
my (@recipes, $report_sql);
for (my $i = 0; $i < @lines; $i++)
{
	my $kind;
	if ($lines[$i] =~ /^<!-- abm_report rows:\s*$/) { $kind = 'rows'; }
	elsif ($lines[$i] =~ /^<!-- abm_report call -->\s*$/) { $kind = 'call'; }
	else { next; }
	my $at = $i + 1;
	my @map;
	if ($kind eq 'rows')
	{
		for ($i++; $i < @lines && $lines[$i] !~ /^-->\s*$/; $i++)
		{
			my $l = $lines[$i] =~ s/\s+$//r;
			next if $l eq '';
			if ($l =~ /^(.+?) = (\w+)(?: where (\w+) = (.+))?$/)
			{
				push @map, [ $1, $2, $3, $4 ];
			}
			else
			{
				check(0, "docs/cookbook.md line " . ($i + 1) . ": cannot read \"$l\"");
			}
		}
	}
	$i++;
	$i++ while $i < @lines && $lines[$i] =~ /^\s*$/;
	unless ($i < @lines && $lines[$i] =~ /^```sql\s*$/)
	{
		check(0, "docs/cookbook.md line $at: the comment is not followed by a ```sql block");
		next;
	}
	my $sql = '';
	for ($i++; $i < @lines && $lines[$i] !~ /^```\s*$/; $i++) { $sql .= $lines[$i]; }
	my $periods = () = $sql =~ /$period_re/g;
	if ($kind eq 'call')
	{
		check(0, "docs/cookbook.md line $at: the report call has no single period line") unless $periods == 1;
		$report_sql = $sql;
		next;
	}
	check(0, "docs/cookbook.md line $at: more than one period line") if $periods > 1;
	push @recipes, [ $at, $sql, \@map ];
}
check(defined $report_sql, 'docs/cookbook.md has the report call (<!-- abm_report call -->)');
check(@recipes >= 20, scalar(@recipes) . ' recipes marked with the report rows they compute');
my %mapped;
for my $r (@recipes) { $mapped{ $_->[0] }++ for @{ $r->[2] }; }
for my $k (sort keys %mapped)
{
	check(0, "report row named by $mapped{$k} recipes: $k") if $mapped{$k} > 1;
}
unless (defined $report_sql)
{
	print "SUITE cookbook: $pass passed, $fail failed\n";
	exit 1;
}

my $db = 'abm_cookbook_check';
my @psql = (qw(psql -X -q -v ON_ERROR_STOP=1 --csv -d), $db);
unless (@ARGV && $ARGV[0] eq '--reuse')
{
	system("dropdb --if-exists $db >/dev/null 2>&1; createdb $db") == 0 or die "createdb failed\n";
	system(qq{psql -X -q -v ON_ERROR_STOP=1 -d $db -c 'CREATE EXTENSION abm' -c 'SELECT abm_demo_load(0.01)' >/dev/null}) == 0
	  or die "loading the demo data failed\n";
}

for my $p (@periods)
{
	my ($pname, $ps, $pe) = @$p;
	my $put = sub { return $_[0] =~ s/$period_re/timestamptz '$ps' AS period_start, timestamptz '$pe' AS period_end/r; };

	my ($ok, $head, @rows) = run($put->($report_sql));
	next unless $ok or check(0, "[$pname] the report fails");
	my ($ik, $iv) = (index_of($head, 'kpi'), index_of($head, 'value'));
	my %report = map { $_->[$ik] => $_->[$iv] } @rows;
	my %seen;

	for my $r (@recipes)
	{
		my ($at, $sql, $map) = @$r;
		my ($rok, $rhead, @rrows) = run($put->($sql));
		next unless $rok or check(0, "[$pname] the recipe of docs/cookbook.md line $at fails");
		for my $m (@$map)
		{
			my ($kpi, $col, $wcol, $wval) = @$m;
			$seen{$kpi} = 1;
			my $name = "[$pname] $kpi";
			my $ic = index_of($rhead, $col);
			next unless defined $ic or check(0, "$name: the recipe of line $at has no column $col");
			my @hit = @rrows;
			if (defined $wcol)
			{
				my $iw = index_of($rhead, $wcol);
				next unless defined $iw or check(0, "$name: the recipe of line $at has no column $wcol");
				@hit = grep { $_->[$iw] eq $wval } @rrows;
			}
			next unless @hit == 1 or check(0, "$name: the recipe of line $at has " . scalar(@hit) . ' rows'
				  . (defined $wcol ? " where $wcol = $wval" : '') . ', not one');
			next unless exists $report{$kpi} or check(0, "$name: the report has no such row");
			my ($mine, $theirs) = ($hit[0][$ic], $report{$kpi});
			check(same($mine, $theirs), "$name = " . show($theirs)
				  . (same($mine, $theirs) ? '' : " in the report, " . show($mine) . " in the cookbook (line $at)"));
		}
	}
	for my $k (sort keys %report)
	{
		check(0, "[$pname] report row without a cookbook recipe: $k") unless $seen{$k};
	}
}
system("dropdb $db") unless @ARGV && $ARGV[0] eq '--reuse';
print "SUITE cookbook: $pass passed, $fail failed\n";
exit($fail > 0);

# Runs SQL through psql's standard input; returns (success, header, rows)
# of its one result set (CSV).  psql's errors go to our standard error.
sub run
{
	my ($sql) = @_;
	my $pid = open2(my $from, my $to, @psql);
	binmode $to, ':encoding(UTF-8)';
	binmode $from, ':encoding(UTF-8)';
	print $to $sql;
	close $to;
	my $got = do { local $/; <$from> } // '';
	close $from;
	waitpid($pid, 0);
	return (0) if $? != 0;
	my @records = csv($got);
	my $head = shift @records;
	return (1, $head // [], @records);
}

# Parses CSV as psql --csv writes it.
sub csv
{
	my ($text) = @_;
	my (@records, @fields);
	my $field = '';
	my $quoted = 0;
	my $i = 0;
	my $n = length $text;
	while ($i < $n)
	{
		my $c = substr($text, $i, 1);
		if ($quoted)
		{
			if ($c eq '"')
			{
				if (substr($text, $i + 1, 1) eq '"') { $field .= '"'; $i++; }
				else { $quoted = 0; }
			}
			else { $field .= $c; }
		}
		elsif ($c eq '"') { $quoted = 1; }
		elsif ($c eq ',') { push @fields, $field; $field = ''; }
		elsif ($c eq "\n") { push @fields, $field; push @records, [@fields]; @fields = (); $field = ''; }
		else { $field .= $c; }
		$i++;
	}
	if ($field ne '' || @fields) { push @fields, $field; push @records, [@fields]; }
	return @records;
}

sub index_of
{
	my ($head, $name) = @_;
	for my $i (0 .. $#$head) { return $i if $head->[$i] eq $name; }
	return undef;
}

# Equal values: both NULL (empty), or equal numbers.
sub same
{
	my ($a, $b) = @_;
	return $a eq $b if $a eq '' || $b eq '';
	return $a eq $b unless $a =~ /^-?[0-9.]+$/ && $b =~ /^-?[0-9.]+$/;
	return $a == $b;
}

sub show { return $_[0] eq '' ? 'NULL' : $_[0]; }
