#!/usr/bin/perl
# Times the floor (a bare grouped count) and every workload of test/bench/*.sql in
# one run and prints: workload, ms, ratio, bar, pass/fail.
use strict;
use warnings;
use Getopt::Long;

my $scale = 0.001;
my $smoke = 0;
my $only = '';
my $runs = $ENV{ABM_BENCH_RUNS} // 3;
GetOptions('scale=f' => \$scale, 'smoke' => \$smoke, 'only=s' => \$only)
  or die "usage: run.pl [--scale S] [--smoke] [--only FILE[,FILE...]]\n";
$runs = 1 if $smoke;

my $db = 'abm_bench';
my $psql = 'psql -X -q -A -t -v ON_ERROR_STOP=1';

sub sql
{
	my ($query) = @_;
	my $tmp = "/tmp/abm-bench-$$.sql";
	open(my $fh, '>', $tmp) or die "$tmp: $!\n";
	print $fh $query;
	close $fh;
	my $out = `$psql -d $db -f $tmp 2>&1`;
	die "query failed:\n$query\n$out" if $?;
	unlink $tmp;
	return $out;
}

# Execution time of a query, without sending its rows to the client.
sub time_ms
{
	my ($query, $settings) = @_;
	my @t;
	sql("$settings\nEXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) $query") unless $smoke;
	push @t, time_ms_once($query, $settings) for 1 .. $runs;
	return median(@t);
}

sub median
{
	my @t = sort { $a <=> $b } @_;
	return $t[int(@t / 2)];
}

# A query judged against the floor, timed in turns with the floor (floor,
# query, floor, query, ...): the median of each.  On a shared machine the
# speed drifts by tens of per cent within a run, and a ratio of timings
# taken minutes apart measures the drift as much as the query.
sub time_ms_with_floor
{
	my ($query, $settings, $floor) = @_;
	my (@q, @f);
	sql("$settings\nEXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) $query") unless $smoke;
	for (1 .. $runs)
	{
		push @f, time_ms_once($floor, '');
		push @q, time_ms_once($query, $settings);
	}
	return (median(@q), median(@f));
}

sub time_ms_once
{
	my ($query, $settings) = @_;
	my $out = sql("$settings\nEXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) $query");
	$out =~ /Execution Time: ([0-9.]+) ms/ or die "no execution time:\n$out";
	return $1;
}

# Flushes the load's and setups' writes before any timing, not during it.
# CHECKPOINT needs a superuser or pg_checkpoint; without them the run goes
# on, its timings as before.
sub checkpoint
{
	sql("DO \$\$ BEGIN EXECUTE 'CHECKPOINT'; EXCEPTION WHEN insufficient_privilege THEN NULL; END \$\$");
}

system("dropdb --if-exists $db >/dev/null 2>&1; createdb $db") == 0 or die "createdb failed\n";
sql("CREATE EXTENSION abm");
print "loading bench data at scale $scale ...\n";
my $t0 = time;
print sql("SELECT relation || ' ' || row_count FROM abm_demo_load($scale, 1, 'bench')");
printf "loaded in %d s\n", time - $t0;
sql("VACUUM ANALYZE");
checkpoint();

my $floor_sql = 'SELECT account_id, count(*) FROM bench.touches GROUP BY account_id';
my %ms = (floor => time_ms($floor_sql, ''));
my @rows = ([ 'floor: count(*) grouped by account', $ms{floor}, '', '', '' ]);

my ($pass, $fail) = (0, 0);
my %only = map { ($_ => 1) } split /,/, $only;
for my $file (sort glob('test/bench/*.sql'))
{
	next if %only && !$only{ ($file =~ m{([^/]+)\.sql$})[0] };
	open(my $fh, '<', $file) or die "$file: $!\n";
	local $/;
	my $text = <$fh>;
	close $fh;
	for my $block (split /(?=^-- (?:workload|setup):)/m, $text)
	{
		if ($block =~ /^-- setup: (.+)$/m)
		{
			# data a file's workloads share: built once, not timed
			my $what = $1;
			(my $setup = $block) =~ s/^--.*\n//mg;
			my $t1 = time;
			sql($setup);
			checkpoint();
			printf "setup: %s (%d s)\n", $what, time - $t1;
			next;
		}
		next unless $block =~ /^-- workload: (.+)$/m;
		my $name = $1;
		my ($against) = $block =~ /^-- against: (.+)$/m;
		my ($op, $bar) = $block =~ /^-- bar: (<=|>=) ([0-9.]+)$/m;
		my ($settings) = $block =~ /^-- settings: (.+)$/m;
		my ($speedup) = $block =~ /^-- speedup: (.+)$/m;
		(my $query = $block) =~ s/^--.*\n//mg;
		$query =~ s/;\s*\z//;
		my ($ratio, $verdict, $bartext) = ('', '', '');
		my $floor_ms;
		if (defined $against && $against eq 'floor' && !defined $speedup)
		{
			($ms{$name}, $floor_ms) = time_ms_with_floor($query, $settings // '', $floor_sql);
		}
		else
		{
			$ms{$name} = time_ms($query, $settings // '');
		}
		if (defined $speedup)
		{
			# speed-up over this workload's serial form, as a share of the
			# speed-up the same workers give a reference query
			my ($serial, $ref_parallel, $ref_serial) = split /\s*\|\s*/, $speedup;
			my @missing = grep { !defined $ms{$_} } ($serial, $ref_parallel, $ref_serial);
			# a reference in a file that --only left out: timed, not judged
			if (@missing && %only)
			{
				push @rows, [ $name, $ms{$name}, '', "not judged: needs '$missing[0]' (a file --only left out)", '' ];
				$pass++;
				next;
			}
			die "$file: '$name' needs '$missing[0]', which is not timed before it\n" if @missing;
			my $own = $ms{$serial} / ($ms{$name} || 0.001);
			my $ref = $ms{$ref_serial} / ($ms{$ref_parallel} || 0.001);
			$ratio = $own / ($ref || 0.001);
			if (defined $op)
			{
				my $ok = $op eq '<=' ? $ratio <= $bar : $ratio >= $bar;
				$bartext = "speed-up $op $bar x the speed-up of $ref_parallel";
				$verdict = $smoke ? 'smoke' : $ok ? 'pass' : 'FAIL';
			}
			$ratio = sprintf('%.2f (%.2f / %.2f)', $ratio, $own, $ref);
		}
		elsif (defined $against)
		{
			die "$file: '$name' is against '$against', which is not timed before it\n"
			  unless defined $ms{$against};
			$ratio = $ms{$name} / (($floor_ms // $ms{$against}) || 0.001);
			if (defined $op)
			{
				my $ok = $op eq '<=' ? $ratio <= $bar : 1 / $ratio >= $bar;
				$bartext = $op eq '<=' ? "<= $bar x $against" : ">= $bar x faster than $against";
				$verdict = $smoke ? 'smoke' : $ok ? 'pass' : 'FAIL';
			}
			$bartext .= sprintf('%s(floor timed in turns with it: %.1f ms)', $bartext eq '' ? '' : ' ', $floor_ms)
			  if defined $floor_ms;
			$ratio = sprintf('%.2f', $ratio);
		}
		push @rows, [ $name, $ms{$name}, $ratio, $bartext, $verdict ];
		$pass++;
	}
}

my $table = "| workload | ms | ratio | bar | result |\n|---|---:|---:|---|---|\n";
$table .= sprintf("| %s | %.1f | %s | %s | %s |\n", @$_) for @rows;
print "\n$table";
unless ($smoke)
{
	mkdir 'test/bench/results';
	open(my $out, '>', 'test/bench/results/latest.md') or die $!;
	print $out "scale $scale, $runs runs each (median)\n\n$table";
	close $out;
}
# In smoke mode a workload passes when it ran; bars are judged only at scale.
print "SUITE bench: $pass passed, 0 failed\n" if $smoke;
