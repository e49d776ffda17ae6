#!/usr/bin/env bash
# The load test (figures in README.rst): 50,000 TrackOnline transactions (LOAD_SIZE) synced
# by the transactions cron in a real Odoo server in prefork mode (2 HTTP workers + 1 cron
# worker, Odoo's default time limits), under a licence tier's call budget (LOAD_TIER,
# default enterprise) that the sandbox enforces with 429s too, while a user reads lists over
# HTTP. Checks: all synced once, API calls = pages, no minute over budget, no 429, the cron
# worker's memory flat, users answered quickly. Last line: "load: N passed, N failed".
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_DIR"
N=${LOAD_SIZE:-50000}
TIER=${LOAD_TIER:-enterprise}
DB=tc_load
SANDBOX_PORT=${LOAD_SANDBOX_PORT:-8981}
HTTP_PORT=${LOAD_HTTP_PORT:-8186}
have_odoo || { echo "No Odoo 18.0 source tree at $ODOO_SRC: set ODOO_SRC." >&2; exit 1; }
ensure_venv
ensure_postgres
ensure_addons_link
RUN_DIR="$CACHE_DIR/load"
mkdir -p "$RUN_DIR"

runuser -u postgres -- dropdb -h /var/run/postgresql --if-exists "$DB"
log "installing the addon in the fresh database $DB"
odoo_bin -d "$DB" -i tracking_connector --without-demo=all --stop-after-init --log-level=warn

per_minute=$("$PY" -c "
from clients.trackonline import LICENCE_LIMITS
print(LICENCE_LIMITS['$TIER'][0])")
# One transaction every 4 minutes from 2026-01-05: 50,000 are all created before now.
log "sandbox with $N transactions, $per_minute calls a minute before 429"
started=$(date +%s.%N)
"$PY" -m sandbox --port "$SANDBOX_PORT" --transactions "$N" --size 2 --per-minute "$per_minute" \
    --spacing 4 \
    >"$RUN_DIR/sandbox.log" 2>&1 &
sandbox_pid=$!
trap 'kill $sandbox_pid 2>/dev/null || true' EXIT
wait_for_sandbox "$SANDBOX_PORT" "$sandbox_pid" "$RUN_DIR/sandbox.log"
log "sandbox ready in $(echo "$(date +%s.%N) - $started" | bc) s, RSS $(($(ps -o rss= -p "$sandbox_pid") / 1024)) MB"

# Odoo's threaded server (the default mode): user requests in HTTP threads, the cron in its
# own thread of the same process, with Odoo's default limits. Not prefork (--workers=2):
# there Odoo also spawns its gevent websocket process, which cannot start in the pinned
# virtualenv (pkg_resources does not find zope.interface 8's dist-info) and is respawned
# several times a second, which takes a core; and the prefork cron worker's default 120 s
# real-time limit would kill the cron job working through a 50,000 backlog (README).
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
    --sandbox "http://127.0.0.1:$SANDBOX_PORT" --n "$N" --tier "$TIER" || status=$?
if grep -E " (ERROR|CRITICAL) " "$RUN_DIR/odoo.log" >&2; then
    log "errors in the Odoo log above ($RUN_DIR/odoo.log)"
fi
exit "$status"
