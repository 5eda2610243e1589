# Helpers shared by the TAP tests that need sample values of every abm type
# (010_dump_restore, 011_hostile_search_path, 012_upgrade).  The values come
# from test/fuzz/seeds.sql; the list of types from the catalog, so a type
# without a seed value fails the tests that use it.
package AbmSeeds;

use strict;
use warnings;
use File::Basename qw(dirname);
use PostgreSQL::Test::Utils;
use Test::More;

# Load test/fuzz/seeds.sql into $db (as $user when given).
sub load
{
	my ($node, $db, @psql_opts) = @_;
	my $file = dirname(__FILE__) . '/../fuzz/seeds.sql';
	my $sql = slurp_file($file);
	my $schema = $node->safe_psql($db,
		q{SELECT extnamespace::regnamespace FROM pg_extension WHERE extname = 'abm'},
		@psql_opts);
	$sql =~ s/\@extschema\@/$schema/g;
	$node->safe_psql($db, $sql, @psql_opts);
	return $schema;
}

# The extension's types with a seed value each: a list of
# [ type name, send function, [ expressions ] ]; a type without seed is
# reported as a failed test.
sub types
{
	my ($node, $db, @psql_opts) = @_;
	my @types;
	my $rows = $node->safe_psql($db, q{
		SELECT t.oid::regtype, t.typsend::regproc,
		       (SELECT count(*) FROM abm_seeds.type_value v WHERE v.type_name = t.oid::regtype::text)
		FROM pg_type t JOIN abm_seeds.members m
		  ON m.classid = 'pg_type'::regclass AND m.objid = t.oid
		WHERE t.typtype IN ('b', 'c', 'd', 'e', 'r', 'm')
		ORDER BY 1},
		@psql_opts);
	for my $row (split /\n/, $rows)
	{
		my ($type, $send, $n) = split /\|/, $row;
		if ($n == 0)
		{
			fail("type $type has a seed value in test/fuzz/seeds.sql");
			next;
		}
		my @exprs = split /\n\x1e\n/, $node->safe_psql($db,
			"SELECT string_agg(expr, E'\\n\\x1e\\n' ORDER BY ctid) FROM abm_seeds.type_value WHERE type_name = '$type'",
			@psql_opts);
		push @types, [ $type, $send, \@exprs ];
	}
	return @types;
}

# A table name for a type.
sub table_of
{
	my ($type) = @_;
	(my $t = "store_$type") =~ s/\W/_/g;
	return $t;
}

# Store every seed value of every type (and a NULL, and for types with an
# array type, an array of the values) in one table per type.
sub store
{
	my ($node, $db, $types, @psql_opts) = @_;
	for my $t (@$types)
	{
		my ($type, $send, $exprs) = @$t;
		my $table = table_of($type);
		my $has_array = $node->safe_psql($db,
			"SELECT typarray <> 0 FROM pg_type WHERE oid = '$type'::regtype", @psql_opts) eq 't';
		my $sql = "CREATE TABLE $table (k int PRIMARY KEY, v $type"
		  . ($has_array ? ", a $type\[\]" : '') . ");\n";
		my $k = 0;
		for my $e (@$exprs)
		{
			$k++;
			$sql .= "INSERT INTO $table (k, v) SELECT $k, ($e)::$type;\n";
		}
		$sql .= "INSERT INTO $table (k, v) VALUES (0, NULL);\n";
		$sql .= "UPDATE $table SET a = ARRAY[v, NULL, v];\n" if $has_array;
		$node->safe_psql($db, $sql, @psql_opts);
	}
}

# Every stored value as text and as the bytes of its send function.
sub snapshot
{
	my ($node, $db, $types, @psql_opts) = @_;
	my %snap;
	for my $t (@$types)
	{
		my ($type, $send) = @$t;
		my $table = table_of($type);
		$snap{$type} = $node->safe_psql($db,
			"SELECT k, s::text, $send(v) FROM $table s ORDER BY k", @psql_opts);
	}
	return \%snap;
}

1;
