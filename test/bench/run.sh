#!/bin/bash
# Benchmark runner (see test/bench/README.md).  Needs a running cluster
# (PGHOST/PGPORT): run it under test/pgenv.sh, or use test/bench/bench.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec perl test/bench/run.pl "$@"
