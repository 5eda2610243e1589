#!/usr/bin/perl
# Runs every example of docs/*.md against a database with abm and the demo
# data, and compares psql's output with the output printed under it.
#
# An example is a ```sql block followed by a plain ``` block holding the
# expected output, exactly as psql prints it.  A ```sql block with no output
# block after it is run and must succeed.
#
# --update rewrites the output blocks of the examples that run with what psql
# prints now (after a change of the demo data: read the diff before
# committing it; an example that fails is left as it is and reported).
use strict;
use warnings;

my $update = @ARGV && $ARGV[0] eq '--update';
my $db = 'abm_docs';
my $psql = 'psql -X -q -v ON_ERROR_STOP=1 -P pager=off';

system("dropdb --if-exists $db >/dev/null 2>&1; createdb $db") == 0
  or die "createdb failed\n";
system(qq{$psql -d $db -c 'CREATE EXTENSION abm' -c 'SELECT abm_demo_load(0.01)' >/dev/null}) == 0
  or die "loading the demo data failed\n";

my ($pass, $fail) = (0, 0);
for my $file (sort glob('docs/*.md'))
{
	open(my $fh, '<', $file) or die "$file: $!\n";
	my @lines = <$fh>;
	close $fh;
	my @replace;    # [first line, last line, new lines] of output blocks
	for (my $i = 0; $i < @lines; $i++)
	{
		next unless $lines[$i] =~ /^```sql\s*$/;
		my $start = $i + 1;
		my $sql = '';
		for ($i++; $i < @lines && $lines[$i] !~ /^```\s*$/; $i++)
		{
			$sql .= $lines[$i];
		}
		my $expected;
		my ($from, $to);
		my $j = $i + 1;
		$j++ while $j < @lines && $lines[$j] =~ /^\s*$/;
		if ($j < @lines && $lines[$j] =~ /^```\s*$/)
		{
			$expected = '';
			$from = $j + 1;
			for ($j++; $j < @lines && $lines[$j] !~ /^```\s*$/; $j++)
			{
				$expected .= $lines[$j];
			}
			$to = $j - 1;
			$i = $j;
		}
		# a file of our own: other working trees may run this suite at once
		my $tmp = "/tmp/abm-docs-example.$$.sql";
		open(my $out, '>', $tmp) or die "$tmp: $!\n";
		print $out $sql;
		close $out;
		my $got = `$psql -d $db -f $tmp 2>&1`;
		my $ok = $? == 0;
		if ($update && $ok && defined $expected && normalize($got) ne normalize($expected))
		{
			my $new = normalize($got) . "\n";
			$new =~ s/[ \t]+$//mg;
			push @replace, [ $from, $to, [ split /^/, $new ] ];
			$expected = $got;
		}
		if ($ok && defined $expected)
		{
			$ok = normalize($got) eq normalize($expected);
		}
		if ($ok)
		{
			$pass++;
		}
		else
		{
			$fail++;
			print "FAILED: $file line $start\n--- sql\n$sql--- expected\n",
			  ($expected // "(success)\n"), "--- got\n$got\n";
		}
	}
	if (@replace)
	{
		for my $r (reverse @replace)
		{
			splice(@lines, $r->[0], $r->[1] - $r->[0] + 1, @{ $r->[2] });
		}
		open(my $w, '>', $file) or die "$file: $!\n";
		print $w @lines;
		close $w;
		print "updated " . scalar(@replace) . " output blocks of $file\n";
	}
}
unlink "/tmp/abm-docs-example.$$.sql";
print "SUITE docs: $pass passed, $fail failed\n";

sub normalize
{
	my ($text) = @_;
	$text =~ s/[ \t]+$//mg;
	$text =~ s/\n+\z//;
	return $text;
}
