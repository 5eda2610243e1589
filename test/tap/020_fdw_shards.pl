# abm aggregates on postgres_fdw shards: a coordinator whose partitioned
# touches, opportunities and nps_responses tables have their partitions on
# two shard clusters.  Grouped by the partition key (account_id), each abm
# aggregate is pushed down whole to the shards (EXPLAIN VERBOSE shows it in
# the Remote SQL), and the results equal a single-node computation.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

# relation => [ columns with types ]
my %tables = (
	touches => 'account_id bigint, contact_id bigint, occurred_at timestamptz, '
	  . 'activity text, channel text, campaign text, cost numeric',
	opportunities => 'opportunity_id bigint, account_id bigint, created_at timestamptz, '
	  . 'closed_at timestamptz, amount numeric, is_won bool',
	nps_responses => 'account_id bigint, contact_id bigint, responded_at timestamptz, score int',
);

# Each case: relation, aggregate expression over its columns, and how two
# results compare ('=' unless a float sum whose row order may differ).
my @cases = (
	[ 'opportunities', 'abm_win_rate(is_won)', '=' ],
	[ 'touches', 'abm_rate(contact_id IS NULL)', '=' ],
	[ 'nps_responses', 'abm_nps(score)', '=' ],
);

my $coord = PostgreSQL::Test::Cluster->new('coordinator');
my @shards = map { PostgreSQL::Test::Cluster->new("shard$_") } (1, 2);
for my $node ($coord, @shards)
{
	$node->init;
	$node->append_conf('postgresql.conf', 'max_prepared_transactions = 0');
	$node->start;
	$node->safe_psql('postgres', 'CREATE EXTENSION abm');
}

# The single-node reference data set, and the empty tables on the shards.
$coord->safe_psql('postgres', q{SELECT abm_demo_load(0.01, 7, 'single')});
for my $i (0, 1)
{
	for my $t (sort keys %tables)
	{
		$shards[$i]->safe_psql('postgres', "CREATE TABLE ${t}_p$i ($tables{$t})");
	}
}

$coord->safe_psql('postgres', 'CREATE EXTENSION postgres_fdw');
for my $i (0, 1)
{
	my $port = $shards[$i]->port;
	my $host = $shards[$i]->host;
	$coord->safe_psql('postgres', qq{
		CREATE SERVER shard$i FOREIGN DATA WRAPPER postgres_fdw
			OPTIONS (host '$host', port '$port', dbname 'postgres', extensions 'abm');
		CREATE USER MAPPING FOR CURRENT_USER SERVER shard$i;
	});
}
for my $t (sort keys %tables)
{
	$coord->safe_psql('postgres',
		"CREATE TABLE $t ($tables{$t}) PARTITION BY HASH (account_id)");
	for my $i (0, 1)
	{
		$coord->safe_psql('postgres', qq{
			CREATE FOREIGN TABLE ${t}_p$i PARTITION OF $t
				FOR VALUES WITH (MODULUS 2, REMAINDER $i)
				SERVER shard$i OPTIONS (table_name '${t}_p$i');
		});
	}
	$coord->safe_psql('postgres', "INSERT INTO $t SELECT * FROM single.$t");
	is($coord->safe_psql('postgres', "SELECT count(*) FROM $t")
		  , $coord->safe_psql('postgres', "SELECT count(*) FROM single.$t"),
		"$t: every row reached a shard");
}
for my $i (0, 1)
{
	$shards[$i]->safe_psql('postgres', 'ANALYZE');
	cmp_ok($shards[$i]->safe_psql('postgres', 'SELECT count(*) FROM touches_p' . $i),
		'>', 0, "shard$i holds touches");
}

my $settings = 'SET enable_partitionwise_aggregate = on;';
for my $case (@cases)
{
	my ($t, $agg, $cmp) = @$case;
	my $query = "SELECT account_id, $agg AS v FROM $t GROUP BY account_id";

	my $plan = $coord->safe_psql('postgres', "$settings EXPLAIN (VERBOSE, COSTS OFF) $query");
	my ($aggname) = $agg =~ /^(\w+)\(/;
	like($plan, qr/Remote SQL: SELECT account_id, (public\.)?$aggname\(/,
		"$agg on $t is pushed down to the shards");
	unlike($plan, qr/^\s*(Finalize |Partial )?(Hash|Group)?Aggregate\b/m,
		"$agg on $t: no aggregation left on the coordinator");

	my $differing = $coord->safe_psql('postgres', qq{
		$settings
		SELECT count(*) FROM ($query) s
			FULL JOIN (SELECT account_id, $agg AS v FROM single.$t GROUP BY account_id) l
			USING (account_id)
		WHERE NOT (s.v $cmp l.v) OR (s.v IS NULL) <> (l.v IS NULL)
	});
	is($differing, '0', "$agg on $t: sharded result equals single-node");
}

$_->stop for ($coord, @shards);
done_testing();
