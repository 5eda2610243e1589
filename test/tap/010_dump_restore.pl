# pg_dump + pg_restore of tables holding every abm type gives identical
# values (docs/reliability.md): text form and send bytes of every value,
# NULLs and arrays included.  Also a binary COPY out and in, which goes
# through the receive functions.  The types come from the catalog, their
# values from test/fuzz/seeds.sql.
use strict;
use warnings;
use File::Spec;
use File::Basename qw(dirname);
use lib dirname(__FILE__);
use AbmSeeds;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('dump');
$node->init;
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE src');
$node->safe_psql('src', 'CREATE EXTENSION abm');
AbmSeeds::load($node, 'src');
my @types = AbmSeeds::types($node, 'src');
note('abm types: ' . (join(', ', map { $_->[0] } @types) || 'none yet'));
AbmSeeds::store($node, 'src', \@types);
my $before = AbmSeeds::snapshot($node, 'src', \@types);

my $dump = $node->basedir . '/src.dump';
$node->command_ok([ 'pg_dump', '-Fc', '-f', $dump, '-d', $node->connstr('src') ],
	'pg_dump -Fc of a database with abm values');
$node->safe_psql('postgres', 'CREATE DATABASE dst');
$node->command_ok([ 'pg_restore', '--exit-on-error', '-d', $node->connstr('dst'), $dump ],
	'pg_restore into a new database');
my $after = AbmSeeds::snapshot($node, 'dst', \@types);

for my $t (@types)
{
	my $type = $t->[0];
	my $n = () = $before->{$type} =~ /\n/g;
	is($after->{$type}, $before->{$type},
		"$type: " . ($n + 1) . " stored values identical after dump and restore (text and send)");
}

# Binary COPY: send on the way out, receive on the way in.
for my $t (@types)
{
	my ($type, $send) = @$t;
	my $table = AbmSeeds::table_of($type);
	# absolute: the server resolves it, and basedir is relative on 18
	my $file = File::Spec->rel2abs($node->basedir . "/$table.bin");
	$node->safe_psql('src', "COPY $table TO '$file' (FORMAT binary)");
	$node->safe_psql('dst', "CREATE TABLE bin_$table (LIKE $table); COPY bin_$table FROM '$file' (FORMAT binary)");
	is($node->safe_psql('dst', "SELECT k, s::text, $send(v) FROM bin_$table s ORDER BY k"),
		$before->{$type}, "$type: binary COPY out and in gives identical values");
}

# The dump holds the extension as CREATE EXTENSION, not its objects.
my $list = `pg_restore -l $dump`;
like($list, qr/EXTENSION - abm/, 'the dump creates the extension by name');
unlike($list, qr/FUNCTION public abm_/, 'the dump does not copy abm functions one by one');

$node->stop;
done_testing();
