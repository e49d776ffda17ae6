#!/usr/bin/env bash
# The load test (figures in docs/load.rst): LOAD_SIZE TrackOnline transactions (default
# 20,000: about 5 minutes in CI; 50,000 by hand) synced by the transactions cron in a real
# Odoo server (the threaded server: 2 HTTP threads' worth of users and 1 cron thread, Odoo's
# default time limits), as often as Odoo's scheduler runs the job, under a licence tier's
# call budget (LOAD_TIER, default enterprise) that the sandbox enforces with 429s over a
# rolling minute (any 60 s, the strictest way a server may count it), while
# a user reads lists over HTTP. Checks: all synced once, API calls = pages, every run done,
# the next run at once, no minute over budget, no 429, the server's memory flat, users
# answered quickly. Last line: "load: N passed, N failed".
#   LOAD_SANDBOX_PORT (8981), LOAD_HTTP_PORT (8186), LOAD_DB (tc_load); LOAD_TIMEOUT
#   (seconds to wait for every transaction; default 60 + LOAD_SIZE / 25, i.e. at 25 tx/s)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_DIR"
N=${LOAD_SIZE:-20000}
TIER=${LOAD_TIER:-enterprise}
DB=${LOAD_DB:-tc_load}
SANDBOX_PORT=${LOAD_SANDBOX_PORT:-8981}
HTTP_PORT=${LOAD_HTTP_PORT:-8186}
TIMEOUT=${LOAD_TIMEOUT:-$((60 + N / 25))}
ensure_setup
ensure_ports_free "LOAD_SANDBOX_PORT / LOAD_HTTP_PORT" "$SANDBOX_PORT" "$HTTP_PORT"
RUN_DIR="$CACHE_DIR/load-$DB"  # one per database: runs side by side keep apart
mkdir -p "$RUN_DIR"
started_all=$(date +%s)

fresh_database "$DB"

per_minute=$("$PY" -c "
from clients.trackonline import LICENCE_LIMITS
print(LICENCE_LIMITS['$TIER'][0])")
# One transaction every 4 minutes from 2026-01-05: 50,000 are all created before now.
log "sandbox with $N transactions, $per_minute calls in any 60 s before 429"
started=$(date +%s.%N)
"$PY" -m sandbox --port "$SANDBOX_PORT" --transactions "$N" --size 2 --per-minute "$per_minute" \
    --rolling-minute --spacing 4 \
    >"$RUN_DIR/sandbox.log" 2>&1 &
sandbox_pid=$!
trap 'kill $sandbox_pid 2>/dev/null || true' EXIT
wait_for_sandbox "$SANDBOX_PORT" "$sandbox_pid" "$RUN_DIR/sandbox.log"
log "sandbox ready in $(echo "$(date +%s.%N) - $started" | bc) s, RSS $(($(ps -o rss= -p "$sandbox_pid") / 1024)) MB"

# Odoo's threaded server (the default mode): user requests in HTTP threads, the cron in its
# own thread of the same process, with Odoo's default limits (120 s), so that one process
# holds all the memory sampled. Prefork servers, two of them, are scripts/topology.sh's.
: >"$RUN_DIR/odoo.log"
odoo_bin -d "$DB" --db-filter="^$DB\$" --http-port="$HTTP_PORT" --workers=0 \
    --max-cron-threads=1 --log-level=warn --logfile="$RUN_DIR/odoo.log" &
wrapper=$!  # the subshell that runs the odoo_bin function; Odoo is its child
trap 'kill $sandbox_pid $odoo_pid $wrapper 2>/dev/null || true' EXIT
until odoo_pid=$(pgrep -P "$wrapper"); do sleep 0.1; done
until curl -sf "http://127.0.0.1:$HTTP_PORT/web/health" >/dev/null; do
    kill -0 "$odoo_pid" || { cat "$RUN_DIR/odoo.log" >&2; exit 1; }
    sleep 0.5
done
status=0
PYTHONPATH="$REPO_DIR" "$PY" scripts/load.py \
    --odoo "http://127.0.0.1:$HTTP_PORT" --odoo-pid "$odoo_pid" --db "$DB" \
    --dsn "host=$PGHOST port=$PGPORT dbname=$DB user=$TC_DB_USER password=$TC_DB_PASSWORD" \
    --sandbox "http://127.0.0.1:$SANDBOX_PORT" --n "$N" --tier "$TIER" --timeout "$TIMEOUT" \
    || status=$?
if grep -E " (ERROR|CRITICAL) " "$RUN_DIR/odoo.log" >&2; then
    log "errors in the Odoo log above ($RUN_DIR/odoo.log)"
fi
log "took $(( $(date +%s) - started_all )) s; logs in $RUN_DIR"
exit "$status"
