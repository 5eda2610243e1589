# A non-superuser who owns a database installs and uses abm (trusted = true),
# and a bad argument fails with SQLSTATE 22023 without ending the session.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('trusted');
$node->init;
$node->start;

$node->safe_psql('postgres', q{
	CREATE ROLE analyst LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
	CREATE DATABASE marketing OWNER analyst;
});

my ($ret, $out, $err) = $node->psql('marketing', 'CREATE EXTENSION abm',
	extra_params => [ '-U', 'analyst' ]);
is($ret, 0, 'database owner without superuser creates the extension');
is($err, '', 'no error while creating it');

is($node->safe_psql('marketing',
		'SELECT abm_nps(s) FROM (VALUES (10), (9), (7), (6)) v(s)',
		extra_params => [ '-U', 'analyst' ]),
	'25', 'the owner uses an aggregate: 2 promoters, 1 detractor of 4 -> 25');

is($node->safe_psql('marketing',
		q{SELECT extowner::regrole FROM pg_extension WHERE extname = 'abm'}),
	'analyst', 'the extension belongs to its installer');

# The failing call and the next query run in one session.
($ret, $out, $err) = $node->psql('marketing',
	"\\set VERBOSITY verbose\nSELECT abm_nps(11);\nSELECT 'alive';",
	on_error_stop => 0,
	extra_params => [ '-U', 'analyst' ]);
like($err, qr/ERROR:  22023: NPS score must be between 0 and 10/,
	'abm_nps(11) raises 22023 with a clear message');
like($err, qr/DETAIL:  The input has score = 11\./, 'the detail names the value');
is($out, 'alive', 'the session goes on after the error');

$node->stop;
done_testing();
