#!/usr/bin/perl
# Runs every example of docs/*.md against a database with abm and the demo
# data, and compares psql's output with the output printed under it.
#
# An example is a ```sql block followed by a plain ``` block holding the
# expected output, exactly as psql prints it.  A ```sql block with no output
# block after it is run and must succeed.
use strict;
use warnings;

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
		my $j = $i + 1;
		$j++ while $j < @lines && $lines[$j] =~ /^\s*$/;
		if ($j < @lines && $lines[$j] =~ /^```\s*$/)
		{
			$expected = '';
			for ($j++; $j < @lines && $lines[$j] !~ /^```\s*$/; $j++)
			{
				$expected .= $lines[$j];
			}
			$i = $j;
		}
		my $tmp = "/tmp/abm-docs-example.sql";
		open(my $out, '>', $tmp) or die "$tmp: $!\n";
		print $out $sql;
		close $out;
		my $got = `$psql -d $db -f $tmp 2>&1`;
		my $ok = $? == 0;
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
}
print "SUITE docs: $pass passed, $fail failed\n";

sub normalize
{
	my ($text) = @_;
	$text =~ s/[ \t]+$//mg;
	$text =~ s/\n+\z//;
	return $text;
}
