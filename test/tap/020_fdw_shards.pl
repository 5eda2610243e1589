# abm aggregates on postgres_fdw shards: a coordinator whose partitioned
# touches, opportunities and nps_responses tables have their partitions on
# two shard clusters.  Grouped by the partition key (account_id), each abm
# aggregate is pushed down whole to the shards (EXPLAIN VERBOSE shows it in
# the Remote SQL), and the results equal a single-node computation.
use strict;
use warnings;
use File::Basename qw(dirname);
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
	contacts => 'contact_id bigint, account_id bigint, role text',
	stages => 'account_id bigint, stage text, entered_at timestamptz',
	contracts => 'account_id bigint, starts_on date, ends_on date, amount numeric, kind text, renewed bool',
	journeys => 'account_id bigint, path text[], converted bool',
);

# Each case: relation, aggregate expression over its columns, and how two
# results a and b compare (equal, unless a float sum whose row order may
# differ, or a type compared through its text).  A fourth element 'local'
# marks an aggregate postgres_fdw keeps on the coordinator: its only text
# input is a constant (a sequence pattern), whose collation postgres_fdw
# cannot trace to a column of the foreign table, so it does not ship it
# (docs/scale-out.md); its result must still equal single-node.
my $close = 'abs(a - b) <= 1e-12 * abs(b)';
my @cases = (
	[ 'opportunities', 'abm_win_rate(is_won)', 'a = b' ],
	[ 'touches', 'abm_rate(contact_id IS NULL)', 'a = b' ],
	[ 'nps_responses', 'abm_nps(score)', 'a = b' ],
	[ 'contacts', 'abm_coverage(contact_id, role, contact_id % 3 = 0)', 'a = b' ],
	[ 'touches', q{abm_engagement_score(activity, occurred_at, '2026-01-01', '30 days')}, $close ],
	[ 'touches', q{abm_engagement_agg(activity, occurred_at, contact_id, '30 days')},
	  q{abm_touches(a) = abm_touches(b) AND abm_last_touch(a) = abm_last_touch(b)
	    AND abs(abm_score(a, '2026-01-01') - abm_score(b, '2026-01-01')) <= 1e-12 * abm_score(b, '2026-01-01')} ],
	[ 'touches', q{abm_surge(occurred_at, '2026-01-01', '7 days', '28 days')}, 'a = b' ],
	[ 'touches', q{abm_window_funnel('7 days', occurred_at, activity = 'web_visit', activity = 'form_fill', activity = 'meeting_booked')}, 'a = b' ],
	[ 'touches', q{abm_view_through(occurred_at, activity = 'ad_impression', activity = 'ad_click', activity = 'form_fill', '7 days')}, 'a = b' ],
	[ 'touches', q{abm_sequence_match('(?1)(?t<=86400)(?2)', occurred_at, activity = 'content_download', activity = 'meeting_booked')}, 'a = b', 'local' ],
	[ 'touches', q{abm_sequence_count('(?1)(?t<=86400)(?2)', occurred_at, activity = 'email_open', activity = 'email_click')}, 'a = b', 'local' ],
	[ 'touches', q{abm_sequence_match_events('(?1)(?2)', occurred_at, activity = 'web_visit', activity = 'content_download')}, 'a = b', 'local' ],
	[ 'touches', q{abm_sequence_next_node('forward', 'first_match', occurred_at, activity, true, activity = 'content_download')}, 'a = b' ],
	[ 'touches', q{abm_path(3, occurred_at, activity, activity = 'meeting_booked')}, 'a::text = b::text' ],
	[ 'touches', q{abm_path(3, occurred_at, activity, activity = 'meeting_booked', activity = 'webinar_attended')}, 'a::text = b::text' ],
	[ 'opportunities', 'abm_pipeline(amount, created_at, closed_at, is_won)', 'a = b' ],
	[ 'opportunities', 'abm_deal_cycle(created_at, closed_at)', 'a = b' ],
	[ 'stages', 'abm_journey(stage, entered_at)', 'a::text = b::text' ],
	[ 'contracts', 'abm_acv(amount, starts_on, ends_on)', 'a = b' ],
	[ 'journeys', 'abm_markov_attribution(path, converted)', 'a::text = b::text' ],
	[ 'journeys', 'abm_markov_attribution(path, converted, 3)', 'a::text = b::text' ],
	[ 'journeys', 'abm_shapley_attribution(path, converted)', 'a::text = b::text' ],
	[ 'opportunities', 'abm_lift(amount > 50000, is_won, 0.9)', 'a = b' ],
	[ 'touches', q{abm_report_touches(account_id, occurred_at, activity, contact_id, cost, NULL, NULL, NULL, '{1,2,3}',
	    '{2025-03-01,2025-03-01,2025-03-01}', '{2024-12-01,2024-12-01,2024-12-01}', '{100,100,100}', '{2025-01-01,2025-07-01,2026-01-01}', '{2024-12-25,2025-06-24}', '{2025-05-27,2025-11-26}',
	    '30 days', NULL, '7 days', '7 days', '28 days')},
	  'accounts_near(a, b)' ],
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
# Journeys for the attribution aggregates: each account's channels in time
# order, split in halves of the year so an account has several rows.
$coord->safe_psql('postgres', q{
	CREATE TABLE single.journeys AS
	SELECT account_id, array_agg(channel ORDER BY occurred_at, activity, contact_id) AS path,
	       bool_or(activity = 'form_fill') AS converted
	FROM single.touches GROUP BY account_id, occurred_at < '2025-07-01'});
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

# The comparison of abm_report_account arrays the regression tests use
# (float sums to 1e-9: a shard may group its rows in another order), as
# functions of the coordinator's database.
my $near = slurp_file(dirname(__FILE__) . '/../../sql/include/report_account_near.sql');
$near =~ s/^\\set .*$//mg;
$near =~ s/pg_temp\./public./g;
$coord->safe_psql('postgres', $near);

my $settings = 'SET enable_partitionwise_aggregate = on;';
for my $case (@cases)
{
	my ($t, $agg, $cmp, $where) = @$case;
	my $query = "SELECT account_id, $agg AS v FROM $t GROUP BY account_id";

	my $plan = $coord->safe_psql('postgres', "$settings EXPLAIN (VERBOSE, COSTS OFF) $query");
	my ($aggname) = $agg =~ /^(\w+)\(/;
	if (($where // '') eq 'local')
	{
		unlike($plan, qr/Remote SQL: SELECT account_id, (public\.)?$aggname\(/,
			"$agg on $t stays on the coordinator (a constant text input)");
	}
	else
	{
		like($plan, qr/Remote SQL: SELECT account_id, (public\.)?$aggname\(/,
			"$agg on $t is pushed down to the shards");
		unlike($plan, qr/^\s*(Finalize |Partial )?(Hash|Group)?Aggregate\b/m,
			"$agg on $t: no aggregation left on the coordinator");
	}

	my $differing = $coord->safe_psql('postgres', qq{
		$settings
		SELECT count(*) FROM ($query) s
			FULL JOIN (SELECT account_id, $agg AS v FROM single.$t GROUP BY account_id) l
			USING (account_id)
		WHERE NOT coalesce((SELECT $cmp FROM (SELECT s.v AS a, l.v AS b) x), false)
		  AND (s.v IS NOT NULL OR l.v IS NOT NULL)
	});
	is($differing, '0', "$agg on $t: sharded result equals single-node");
}

$_->stop for ($coord, @shards);
done_testing();
