#!/usr/bin/env bash
# The production topology (figures in docs/deployment.rst): two Odoo nodes, each a prefork
# server (--workers=2 --max-cron-threads=2, its gevent process for the bus) on its own
# ports, one database, one shared data directory, and the sandboxes for the remote systems.
# Three backends of each system with backlogs, a TrackOnline backend on START/PRO (60 calls
# a minute, 1,000 a day, most of the day spent, a backlog larger than what is left), a
# TrackOnline backend whose remote hangs, the addon's scheduled actions due now and every
# minute with Odoo's default cron time limit, a user reading lists on both nodes and
# pressing "Sync transactions" while listening on the other node's websocket. Checks: every
# record once, no worker killed, no scheduled action failed, the call budgets held, the
# hanging backend starves no other, users answered, the bus reached the user, no
# traceback. Last line: "topology: N passed, N failed". About 7 minutes.
#
#   TOPO_MINUTES (5): deadline for the backlogs once the nodes run
#   TOPO_CRON_LIMIT (120): limit_time_real_cron of both nodes, seconds (Odoo's default,
#     limit_time_real; under about 70 s an idle cron worker is killed in its own sleep)
#   TOPO_PORT (8371): node A HTTP, +1 its gevent port, +2/+3 node B; TOPO_SANDBOX_PORT
#     (8390): sandboxes on it and the next 5 ports; TOPO_DB (tc_topo): the database
#   TOPO_TRANSACTIONS (2000) per TrackOnline backend, TOPO_EVENTS (1000) OpusCapita,
#   TOPO_PROCESSES (40) Trackline, TOPO_RECORDS (500) per Sage 50 scope file
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_DIR"
DB=${TOPO_DB:-tc_topo}
PORT=${TOPO_PORT:-8371}
SANDBOX_PORT=${TOPO_SANDBOX_PORT:-8390}
MINUTES=${TOPO_MINUTES:-5}
CRON_LIMIT=${TOPO_CRON_LIMIT:-120}
PROCESSES=${TOPO_PROCESSES:-40}
ensure_setup
RUN_DIR="$CACHE_DIR/topology-$DB"  # one per database: runs side by side keep apart
DATA_DIR="$RUN_DIR/data"      # the nodes' one shared data directory (filestore, sessions)
HTTP_A=$PORT GEVENT_A=$((PORT + 1)) HTTP_B=$((PORT + 2)) GEVENT_B=$((PORT + 3))
ensure_ports_free "TOPO_PORT / TOPO_SANDBOX_PORT" "$HTTP_A" "$GEVENT_A" "$HTTP_B" "$GEVENT_B" \
    $(seq "$SANDBOX_PORT" $((SANDBOX_PORT + 5)))
rm -rf "$RUN_DIR"
mkdir -p "$DATA_DIR"
CONFIG="$RUN_DIR/odoo.conf"
write_odoo_config "$CONFIG"
sed -i "s|^data_dir = .*|data_dir = $DATA_DIR|" "$CONFIG"
export PYTHONPATH="$ODOO_SRC:$REPO_DIR"
started=$(date +%s)

pids=()
cleanup() {  # every process this script started, by its id, and the nodes' workers: TERM,
             # then KILL (a cron worker in a job may not notice its master is gone)
    local pid children=()
    for pid in "${pids[@]}"; do
        children+=($(pgrep -P "$pid" || true))
        kill "$pid" 2>/dev/null || true
    done
    for _ in $(seq 1 40); do
        local alive=0
        for pid in "${pids[@]}" "${children[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && return 0
        sleep 0.5
    done
    for pid in "${pids[@]}" "${children[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

fresh_database "$DB" --data-dir="$DATA_DIR"

log "sandboxes on ports $SANDBOX_PORT-$((SANDBOX_PORT + 5))"
"$PY" scripts/topology.py sandboxes --port "$SANDBOX_PORT" --out "$RUN_DIR/sandboxes.json" \
    --transactions "${TOPO_TRANSACTIONS:-2000}" --events "${TOPO_EVENTS:-1000}" \
    --processes "$PROCESSES" --sage50-records "${TOPO_RECORDS:-500}" \
    >"$RUN_DIR/sandboxes.log" 2>&1 &
pids+=($!)
wait_for_sandbox "$SANDBOX_PORT" "${pids[-1]}" "$RUN_DIR/sandboxes.log"
until [ -s "$RUN_DIR/sandboxes.json" ]; do sleep 0.2; done

log "backends, backlogs, user and scheduled actions"
"$PY" scripts/topology.py setup --db "$DB" --config "$CONFIG" --cron-limit "$CRON_LIMIT" \
    --sandboxes "$RUN_DIR/sandboxes.json" --processes "$PROCESSES" | tee "$RUN_DIR/setup.json"
PASS_BUDGET=$("$PY" -c 'import json, sys; print(json.load(sys.stdin)["pass_budget"])' \
    <"$RUN_DIR/setup.json")

node() {  # node NAME HTTP_PORT GEVENT_PORT: one prefork Odoo server (its master's pid is $!)
    (
        export XDG_RUNTIME_DIR="$CACHE_DIR/runtime"
        mkdir -p -m 700 "$XDG_RUNTIME_DIR"
        exec "$PY" "$ODOO_SRC/odoo-bin" -c "$CONFIG" -d "$DB" --db-filter="^$DB\$" \
            --http-port="$2" --gevent-port="$3" --workers=2 --max-cron-threads=2 \
            --limit-time-real-cron="$CRON_LIMIT" --proxy-mode \
            --log-level=info --log-handler=werkzeug:WARNING \
            --logfile="$RUN_DIR/node-$1.log" 2>"$RUN_DIR/node-$1.err"
    ) &
}
log "node A on $HTTP_A (gevent $GEVENT_A), node B on $HTTP_B (gevent $GEVENT_B)," \
    "--workers=2 --max-cron-threads=2, limit_time_real_cron $CRON_LIMIT s"
node a "$HTTP_A" "$GEVENT_A"
pids+=($!)
node b "$HTTP_B" "$GEVENT_B"
pids+=($!)

status=0
"$PY" scripts/topology.py run --db "$DB" \
    --dsn "host=$PGHOST port=$PGPORT dbname=$DB user=$TC_DB_USER password=$TC_DB_PASSWORD" \
    --sandboxes "$RUN_DIR/sandboxes.json" --processes "$PROCESSES" --minutes "$MINUTES" \
    --pass-budget "$PASS_BUDGET" \
    --nodes "http://127.0.0.1:$HTTP_A,http://127.0.0.1:$HTTP_B" \
    --gevent "$GEVENT_A,$GEVENT_B" \
    --logs "$RUN_DIR/node-a.log,$RUN_DIR/node-b.log" \
    --errs "$RUN_DIR/node-a.err,$RUN_DIR/node-b.err" || status=$?
log "took $(( $(date +%s) - started )) s; logs in $RUN_DIR"
exit "$status"
