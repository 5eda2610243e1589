# A hostile search_path changes no result (docs/conventions.md), for a
# non-superuser database owner who installed abm (trusted) and uses every
# function and aggregate of it.
#
# The owner creates a schema "evil" holding look-alikes that raise an
# error: every pg_catalog function and aggregate whose name appears in an
# abm SQL or PL/pgSQL body or in a list of names C code might look up, every
# pg_catalog operator, and every abm function.  Each abm function and
# aggregate is then called (inputs from test/fuzz/seeds.sql, materialized
# first) with the default search_path and with "evil, pg_catalog, <abm's
# schema>", and the two outputs must be equal.  Catalog-driven: a function
# or aggregate without a sample call fails.
use strict;
use warnings;
use File::Basename qw(dirname);
use lib dirname(__FILE__);
use AbmSeeds;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('hostile');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
	CREATE ROLE owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
	CREATE DATABASE marketing OWNER owner;
});
my @as = (extra_params => [ '-U', 'owner' ]);
$node->safe_psql('marketing', 'CREATE EXTENSION abm', @as);
my $schema = AbmSeeds::load($node, 'marketing', @as);
my $hostile = "SET search_path = evil, pg_catalog, $schema;";

# Names of core functions C code of abm might resolve by name at run time
# (SPI queries, format strings), in addition to those found in SQL bodies.
my @core_names = qw(
  abs array_agg array_append array_cat array_length array_position array_remove
  array_to_string avg bool_and bool_or btrim cardinality ceil coalesce concat count
  date_part date_trunc exp extract floor format generate_series greatest jsonb_agg
  jsonb_build_object least length ln lower max min nullif now percentile_cont power
  quote_ident quote_literal round sqrt string_agg string_to_array sum to_char
  to_timestamp trunc unnest upper);
my $names = join(', ', map { "'$_'" } @core_names);

$node->safe_psql('marketing', qq{
CREATE SCHEMA evil;
DO \$do\$
DECLARE
	p record;
	o record;
	i int := 0;
	made int := 0;
	names text[];
	stype text;
BEGIN
	SELECT array_agg(DISTINCT w) INTO names FROM (
		SELECT lower(r[1]) AS w
		FROM pg_proc f JOIN abm_seeds.members m ON m.classid = 'pg_proc'::regclass AND m.objid = f.oid,
		     regexp_matches(f.prosrc, '([A-Za-z_][A-Za-z_0-9]*)\\s*\\(', 'g') r
		WHERE f.prolang IN (SELECT oid FROM pg_language WHERE lanname IN ('sql', 'plpgsql'))
		UNION SELECT unnest(ARRAY[$names])) x;

	-- Core functions and aggregates of those names, and abm's functions.
	FOR p IN SELECT f.oid, f.proname, f.prokind FROM pg_proc f
	         WHERE (f.pronamespace = 'pg_catalog'::regnamespace AND f.proname = ANY (names))
	            OR f.oid IN (SELECT objid FROM abm_seeds.members WHERE classid = 'pg_proc'::regclass)
	LOOP
		i := i + 1;
		BEGIN
			IF p.prokind = 'f' THEN
				EXECUTE format('CREATE FUNCTION evil.%I(%s) RETURNS %s LANGUAGE plpgsql AS %L',
					p.proname, pg_get_function_arguments(p.oid), pg_get_function_result(p.oid),
					format('BEGIN RAISE EXCEPTION ''evil.%s called''; END', p.proname));
			ELSIF p.prokind = 'a' THEN
				stype := pg_get_function_result(p.oid);
				EXECUTE format('CREATE FUNCTION evil.sfunc_%s(%s) RETURNS %s LANGUAGE plpgsql AS %L',
					i, concat_ws(', ', stype, nullif(oidvectortypes(
						(SELECT proargtypes FROM pg_proc WHERE oid = p.oid)), '')), stype,
					format('BEGIN RAISE EXCEPTION ''evil.%s called''; END', p.proname));
				EXECUTE format('CREATE AGGREGATE evil.%I(%s) (SFUNC = evil.sfunc_%s, STYPE = %s)',
					p.proname, coalesce(nullif(pg_get_function_identity_arguments(p.oid), ''), '*'),
					i, stype);
			END IF;
			made := made + 1;
		EXCEPTION WHEN others THEN
			NULL;	-- signatures plpgsql cannot take ("any", internal, ...)
		END;
	END LOOP;

	-- Every core operator.
	FOR o IN SELECT * FROM pg_operator WHERE oprnamespace = 'pg_catalog'::regnamespace LOOP
		i := i + 1;
		BEGIN
			EXECUTE format('CREATE FUNCTION evil.op_%s(%s) RETURNS %s LANGUAGE plpgsql AS %L',
				i, concat_ws(', ', nullif(o.oprleft, 0)::regtype, o.oprright::regtype),
				o.oprresult::regtype,
				format('BEGIN RAISE EXCEPTION ''evil operator %s called''; END', o.oprname));
			EXECUTE format('CREATE OPERATOR evil.%s (%s FUNCTION = evil.op_%s)', o.oprname,
				CASE WHEN o.oprleft <> 0 THEN format('LEFTARG = %s, ', o.oprleft::regtype) ELSE '' END
				|| format('RIGHTARG = %s,', o.oprright::regtype), i);
			made := made + 1;
		EXCEPTION WHEN others THEN
			NULL;
		END;
	END LOOP;
	RAISE NOTICE 'evil look-alikes: % of % created', made, i;
END
\$do\$;
}, @as);

my $count = $node->safe_psql('marketing',
	q{SELECT count(*) FROM pg_proc WHERE pronamespace = 'evil'::regnamespace}, @as)
  + $node->safe_psql('marketing',
	q{SELECT count(*) FROM pg_operator WHERE oprnamespace = 'evil'::regnamespace}, @as);
cmp_ok($count, '>', 500, "schema evil holds $count look-alike functions and operators");

# The look-alikes bite: core names used unqualified now fail.
for my $probe ('SELECT count(*) FROM (VALUES (1)) v(x)',
	"SELECT 'a'::text = 'a'::text", 'SELECT 1 + 1', 'SELECT round(1.5)')
{
	my ($ret, $out, $err) = $node->psql('marketing', "$hostile $probe", @as);
	like($err, qr/evil/, "the hostile path captures: $probe");
}

# The calls: every function that is not a type or aggregate support
# function, from abm_seeds.call; every aggregate over its materialized
# abm_seeds.agg_input rows.
my @calls;
my $missing = $node->safe_psql('marketing', q{
	SELECT string_agg(abm_seeds.signature(p.oid), '; ')
	FROM pg_proc p JOIN abm_seeds.members m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid
	WHERE p.prokind = 'f'
	  AND NOT ('internal'::regtype = ANY (p.proargtypes) OR p.prorettype = 'internal'::regtype
	           OR 'cstring'::regtype = ANY (p.proargtypes) OR p.prorettype = 'cstring'::regtype)
	  AND p.oid NOT IN (SELECT typsend FROM pg_type)
	  AND p.oid NOT IN (SELECT unnest(ARRAY[aggtransfn, aggfinalfn, aggcombinefn, aggserialfn,
	                                        aggdeserialfn, aggmtransfn, aggminvtransfn, aggmfinalfn])::oid
	                    FROM pg_aggregate)
	  AND NOT EXISTS (SELECT FROM abm_seeds.call c WHERE c.func = abm_seeds.signature(p.oid))},
	@as);
is($missing, '', 'every abm function has a sample call in test/fuzz/seeds.sql');
push @calls, map { [ split /\x1f/ ] } split /\x1e/, $node->safe_psql('marketing', q{
	SELECT string_agg(func || E'\x1f' || query, E'\x1e' ORDER BY func, ctid) FROM abm_seeds.call
	WHERE func IN (SELECT abm_seeds.signature(objid) FROM abm_seeds.members)}, @as);

$missing = $node->safe_psql('marketing', q{
	SELECT string_agg(abm_seeds.signature(p.oid), '; ')
	FROM pg_proc p JOIN abm_seeds.members m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid
	WHERE p.prokind = 'a'
	  AND NOT EXISTS (SELECT FROM abm_seeds.agg_input a WHERE a.aggregate = abm_seeds.signature(p.oid))},
	@as);
is($missing, '', 'every abm aggregate has sample input in test/fuzz/seeds.sql');
my $inputs = $node->safe_psql('marketing', q{
	SELECT string_agg(a.aggregate || E'\x1f' || a.query || E'\x1f' || p.proname || E'\x1f' || p.pronargs
	                  || E'\x1f' || (p.provariadic <> 0),
	                  E'\x1e' ORDER BY a.aggregate, a.ctid)
	FROM abm_seeds.agg_input a
	JOIN abm_seeds.members m ON abm_seeds.signature(m.objid) = a.aggregate
	JOIN pg_proc p ON p.oid = m.objid AND m.classid = 'pg_proc'::regclass}, @as);
my $n = 0;
for my $row (split /\x1e/, $inputs)
{
	my ($agg, $query, $name, $nargs, $variadic) = split /\x1f/, $row;
	$n++;
	my @cols = map { "c$_" } 1 .. $nargs;
	my $cols = join(', ', @cols);
	$cols[-1] = "VARIADIC $cols[-1]" if $variadic eq 'true';
	$node->safe_psql('marketing', "CREATE TABLE input_$n AS SELECT * FROM ($query) q($cols)", @as);
	push @calls, [ $agg, "SELECT $schema.$name(" . join(', ', @cols) . ") FROM input_$n" ];
}

for my $call (@calls)
{
	my ($what, $query) = @$call;
	$query =~ s/\@extschema\@/$schema/g;
	my ($ret1, $plain, $err1) = $node->psql('marketing', $query, @as);
	my ($ret2, $evil, $err2) = $node->psql('marketing', "$hostile $query", @as);
	is($ret1, 0, "$what: sample call runs") or diag($err1);
	# Notices may differ (a second run finds what the first created).
	is($ret2 == 0 ? $evil : "$evil$err2", $plain, "$what: same result with the hostile search_path");
}

$node->stop;
done_testing();
