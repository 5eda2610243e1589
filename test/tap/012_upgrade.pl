# ALTER EXTENSION abm UPDATE from the first released version (docs/reliability.md
# 1 and 9): install the oldest version the installation offers, store
# values of every abm type it has, update one step at a time along
# pg_extension_update_paths() to the default version, and check after each
# step that the stored values are unchanged; at the end, the extension's
# objects and their definitions equal a fresh install of the default version.
use strict;
use warnings;
use File::Basename qw(dirname);
use lib dirname(__FILE__);
use AbmSeeds;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('upgrade');
$node->init;
$node->start;

my @versions = split /\n/, $node->safe_psql('postgres', q{
	SELECT version FROM pg_available_extension_versions WHERE name = 'abm'
	ORDER BY string_to_array(version, '.')::int[]});
my $first = $versions[0];
my $default = $node->safe_psql('postgres',
	q{SELECT default_version FROM pg_available_extensions WHERE name = 'abm'});
ok(defined $first, "abm versions available: @versions; first $first, default $default");

my $path = $node->safe_psql('postgres', qq{
	SELECT path FROM pg_extension_update_paths('abm') WHERE source = '$first' AND target = '$default'});
my @steps = $first eq $default ? () : split /--/, $path;
shift @steps if @steps;
ok($first eq $default || @steps, "an update path leads from $first to $default");
note($first eq $default
	? "$first is the only released version: zero update steps; the test checks the install of $first against a fresh install"
	: "update path: $path");

$node->safe_psql('postgres', 'CREATE DATABASE updated');
$node->safe_psql('updated', "CREATE EXTENSION abm VERSION '$first'");
AbmSeeds::load($node, 'updated');
my @types = AbmSeeds::types($node, 'updated');
AbmSeeds::store($node, 'updated', \@types);
my $stored = AbmSeeds::snapshot($node, 'updated', \@types);
note("values stored in $first: " . (join(', ', map { $_->[0] } @types) || 'no abm type exists in this version'));

for my $to (@steps)
{
	$node->safe_psql('updated', "ALTER EXTENSION abm UPDATE TO '$to'");
	is($node->safe_psql('updated', q{SELECT extversion FROM pg_extension WHERE extname = 'abm'}),
		$to, "updated to $to");
	my $now = AbmSeeds::snapshot($node, 'updated', \@types);
	is($now->{ $_->[0] }, $stored->{ $_->[0] }, "$to: stored $_->[0] values unchanged")
	  for @types;
}

# Everything that defines the extension's objects, without OIDs.
my $catalog = q{
	WITH m AS (
		SELECT d.classid, d.objid FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
		WHERE d.refclassid = 'pg_extension'::regclass AND e.extname = 'abm' AND d.deptype = 'e')
	SELECT pg_describe_object(m.classid, m.objid, 0) || E'\n  ' || coalesce(
		CASE m.classid
		WHEN 'pg_proc'::regclass THEN
			(SELECT CASE WHEN p.prokind = 'a' THEN
				format('aggregate kind=%s transfn=%s finalfn=%s combinefn=%s serialfn=%s deserialfn=%s '
					'mtransfn=%s minvtransfn=%s mfinalfn=%s finalextra=%s mfinalextra=%s finalmodify=%s '
					'mfinalmodify=%s sortop=%s transtype=%s transspace=%s mtranstype=%s mtransspace=%s '
					'initval=%s minitval=%s parallel=%s',
					a.aggkind, a.aggtransfn::regproc, a.aggfinalfn::regproc, a.aggcombinefn::regproc,
					a.aggserialfn::regproc, a.aggdeserialfn::regproc, a.aggmtransfn::regproc,
					a.aggminvtransfn::regproc, a.aggmfinalfn::regproc, a.aggfinalextra, a.aggmfinalextra,
					a.aggfinalmodify, a.aggmfinalmodify, a.aggsortop::regoper, a.aggtranstype::regtype,
					a.aggtransspace, a.aggmtranstype::regtype, a.aggmtransspace, a.agginitval,
					a.aggminitval, p.proparallel)
				ELSE pg_get_functiondef(p.oid) END
			 FROM pg_proc p LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid WHERE p.oid = m.objid)
		WHEN 'pg_type'::regclass THEN
			(SELECT format('type len=%s byval=%s type=%s category=%s input=%s output=%s receive=%s '
					'send=%s typmodin=%s typmodout=%s analyze=%s subscript=%s align=%s storage=%s '
					'elem=%s delim=%s notnull=%s basetype=%s attributes=%s',
					t.typlen, t.typbyval, t.typtype, t.typcategory, t.typinput::regproc,
					t.typoutput::regproc, t.typreceive::regproc, t.typsend::regproc,
					t.typmodin::regproc, t.typmodout::regproc, t.typanalyze::regproc,
					t.typsubscript::regproc, t.typalign, t.typstorage, t.typelem::regtype,
					t.typdelim, t.typnotnull, t.typbasetype::regtype,
					(SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
					 FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped))
			 FROM pg_type t WHERE t.oid = m.objid)
		WHEN 'pg_operator'::regclass THEN
			(SELECT format('operator %s(%s, %s) -> %s proc=%s commutator=%s negator=%s restrict=%s join=%s',
					o.oprname, o.oprleft::regtype, o.oprright::regtype, o.oprresult::regtype,
					o.oprcode::regproc, o.oprcom::regoper, o.oprnegate::regoper, o.oprrest::regproc,
					o.oprjoin::regproc)
			 FROM pg_operator o WHERE o.oid = m.objid)
		WHEN 'pg_cast'::regclass THEN
			(SELECT format('cast func=%s context=%s method=%s', c.castfunc::regprocedure,
					c.castcontext, c.castmethod)
			 FROM pg_cast c WHERE c.oid = m.objid)
		END, '') || E'\n  comment: ' || coalesce(obj_description(m.objid, m.classid::regclass::name), '(none)')
	FROM m ORDER BY 1};

$node->safe_psql('postgres', 'CREATE DATABASE fresh');
$node->safe_psql('fresh', 'CREATE EXTENSION abm');
my $fresh = $node->safe_psql('fresh', $catalog);
my $updated = $node->safe_psql('updated', $catalog);
my $objects = () = $fresh =~ /\n  comment: /g;
cmp_ok($objects, '>', 0, "a fresh install of $default has $objects objects");
is($updated, $fresh,
	"after the update to $default, every object and its definition equal a fresh install");
is($node->safe_psql('fresh', q{
	SELECT string_agg(pg_describe_object(d.classid, d.objid, 0), ', ')
	FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
	WHERE d.refclassid = 'pg_extension'::regclass AND e.extname = 'abm' AND d.deptype = 'e'
	  AND d.classid IN ('pg_proc'::regclass, 'pg_type'::regclass)
	  AND NOT EXISTS (SELECT FROM pg_type t WHERE d.classid = 'pg_type'::regclass
	                  AND t.oid = d.objid AND t.typcategory = 'A')
	  AND obj_description(d.objid, d.classid::regclass::name) IS NULL}),
	'', 'every function, aggregate and type of the extension has a comment');

$node->stop;
done_testing();
