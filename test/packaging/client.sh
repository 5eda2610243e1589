#!/bin/bash
# Suite "client": test/packaging/client.py, the extension as a BI tool sees
# it through Debian's python3-psycopg2 (installed here when missing), in a
# throwaway cluster with the extension and the sample data of
# abm_demo_load(0.01).  Uses the installed extension: run it after make
# install, under the install lock.  Last line: "SUITE client: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh

# Debian's interpreter, with Debian's psycopg2 (not whatever python3 is first
# on PATH); test/setup.sh --tests installs it.
python=/usr/bin/python3
bash test/setup.sh --tests || { echo "SUITE client: 0 passed, 1 failed"; exit 1; }

bash test/pgenv.sh bash -c '
	set -e
	createdb abm_client
	export PGDATABASE=abm_client
	psql -XqAt -v ON_ERROR_STOP=1 -c "CREATE EXTENSION abm"
	if [ "$(psql -XAt -c "SELECT count(*) FROM pg_proc WHERE proname = '\''abm_demo_load'\''")" -gt 0 ]; then
		psql -XqAt -v ON_ERROR_STOP=1 -c "SELECT * FROM abm_demo_load(0.01)" >/dev/null
	else
		echo "# abm_demo_load is not installed: samples that read abm_demo fail"
	fi
	'"$python"' test/packaging/client.py
' 2>&1 | grep -vE '^(Creating|Dropping|Ver Cluster|[0-9]+ +[a-z]+ +[0-9]+ |.* LOG: )'
