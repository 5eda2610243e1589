# abm: Account-Based Marketing KPIs for PostgreSQL (PGXS build)

EXTENSION = abm
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" $(EXTENSION).control)

MODULE_big = abm
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))

# The install script of the current version is generated from one SQL file
# per capability, in dependency order (docs/architecture.md).  Every part is
# named here: a missing or misspelled one fails the build.
SQL_PARTS = $(addprefix sql/install/, \
	activity.sql counters.sql rate.sql nps.sql selection.sql \
	engagement.sql surge.sql \
	pipeline.sql deal_cycle.sql acv.sql influenced.sql \
	coverage.sql committee_coverage.sql icp_fit.sql \
	journey.sql journey_before.sql funnel.sql slide.sql window_funnel.sql window_funnel_names.sql retention.sql sequence.sql paths.sql \
	attribution.sql view_through.sql markov.sql shapley.sql lift.sql \
	demo.sql report_touches.sql report_sums.sql report_contracts.sql report.sql)

# Released install scripts are frozen; the update scripts lead from each of
# them to the current version.  The update script of the version in the
# making is generated from sql/update/A--B.sql (its "-- @include FILE" lines
# replaced by the file), so a capability new in it is written once.
UPDATE_SCRIPTS = sql/$(EXTENSION)--0.1--0.2.sql
DATA_built = sql/$(EXTENSION)--$(EXTVERSION).sql $(UPDATE_SCRIPTS)
DATA = sql/$(EXTENSION)--0.1.sql
# What the build and the test scripts leave in the tree (pgxs itself removes
# the objects, results/, regression.diffs and regression.out).
EXTRA_CLEAN = test/fuzz/abm_fuzz.o test/fuzz/abm_fuzz.so test/fuzz/abm_fuzz.bc test/bench/results

# Every sql/*.sql that is not an install or upgrade script is a regression test.
REGRESS = $(sort $(patsubst sql/%.sql,%,$(filter-out sql/$(EXTENSION)--%,$(wildcard sql/*.sql))))
REGRESS_OPTS = --load-extension=$(EXTENSION)

# += keeps a user's PG_CFLAGS (CI passes PG_CFLAGS=-Werror: a new warning
# fails CI, not a user's build).
PG_CFLAGS += -Wall -Wextra -Werror=implicit-function-declaration

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# The server headers are system headers to us: -Wextra applies to abm's own
# code, not to inline functions in PostgreSQL's headers.
override CPPFLAGS := -isystem $(includedir_server) $(CPPFLAGS)

sql/$(EXTENSION)--%--$(EXTVERSION).sql: sql/update/%--$(EXTVERSION).sql $(SQL_PARTS)
	awk '/^-- @include / { f = $$3; if ((getline l < f) <= 0) { print "missing " f > "/dev/stderr"; exit 1 } \
	       print l; while ((getline l < f) > 0) print l; close(f); next } { print }' $< > $@

sql/$(EXTENSION)--$(EXTVERSION).sql: $(SQL_PARTS) $(EXTENSION).control
	{ echo '-- abm $(EXTVERSION): generated from sql/install/*.sql by make; edit those.'; \
	  printf '%s\n' '\echo Use "CREATE EXTENSION $(EXTENSION)" to load this file. \quit'; \
	  for f in $(SQL_PARTS); do echo; echo "-- $$f"; cat $$f; done; } > $@
