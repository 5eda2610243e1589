#!/bin/bash
# Full benchmark at the 10 M-touch scale in a throwaway cluster, tuned for 2 workers.
# Prints the table and writes it to test/bench/results/latest.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash test/setup.sh
bash test/pgenv.sh -o shared_buffers=2GB -o work_mem=256MB -o max_parallel_workers_per_gather=2 \
	-o max_wal_size=8GB -o checkpoint_timeout=30min \
	perl test/bench/run.pl --scale "${ABM_BENCH_SCALE:-1}" "$@"
