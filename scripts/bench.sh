#!/usr/bin/env bash
# The benchmark (figures in docs/benchmark.rst): TrackOnline transactions with
# 3 lines each, from the sandbox into a fresh database, for N in BENCH_SIZES (2,000 and 10,000)
# at each latency of BENCH_LATENCIES (0 and 100 ms a call): the connector, the network bound
# (the same pages fetched, nothing stored) and, once per N, the ORM bound (the same rows stored
# by one create() per page, no HTTP) and a naive importer. Then the connector alone at
# BENCH_MEMORY_N (50,000) for its memory. Then Trackline: BENCH_TL_PROCESSES (100) processes
# of 3 documents of 1 MB at BENCH_TL_LATENCY (100) ms a call, imported one call after the
# other (download_concurrency 1) and BENCH_TL_BOUND (4) at a time (scripts/bench_trackline.py;
# BENCH_TL_PROCESSES=0 leaves it out). The 0 ms connector and ORM bound are measured
# BENCH_REPEAT (5) times, alternately; the table keeps the fastest of each. The sandbox serves
# TrackOnline's lists with --static-lists (a query filtered once, as a real API's index
# would) and at the lowest priority (nice 19): the remote's work, elsewhere in real life,
# takes little of this 2-core machine from Odoo and PostgreSQL. First, the cost of
# counting one call in the shared budget (scripts/bench_limiter.py). Each measurement runs
# in a process of its own; its peak memory is its own. The connector's sync runs to the end
# of the list (again after a run stopped by the licence's call budget). The table, the
# ratios, each target met or not and the whole bench's duration come last.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_DIR"
SIZES=${BENCH_SIZES:-"2000 10000"}
LATENCIES=${BENCH_LATENCIES:-"0 100"}
MEMORY_N=${BENCH_MEMORY_N-50000}  # empty: no memory run
DB=${BENCH_DB:-tc_bench}
PORT=${BENCH_SANDBOX_PORT:-8950}
REPEAT=${BENCH_REPEAT:-5}  # times the 0 ms connector and ORM bound are measured, alternately
STARTED=$(date +%s)
have_odoo || { echo "No Odoo 18.0 source tree at $ODOO_SRC: set ODOO_SRC." >&2; exit 1; }
ensure_venv
ensure_postgres
ensure_addons_link
CONFIG="$CACHE_DIR/$DB.conf"  # one per database: two benches never share it
write_odoo_config "$CONFIG"

runuser -u postgres -- dropdb -h /var/run/postgresql --if-exists "$DB"
log "installing the addon in the fresh database $DB"
odoo_bin -d "$DB" -i tracking_connector --without-demo=all --stop-after-init --log-level=warn

RESULTS="$CACHE_DIR/$DB.jsonl"
: >"$RESULTS"
log "the cost of counting one call in the shared budget (scripts/bench_limiter.py)"
PYTHONPATH="$ODOO_SRC" "$PY" scripts/bench_limiter.py --db "$DB" --config "$CONFIG" \
    | tee -a "$RESULTS"
measure() {  # measure IMPORTER N LATENCY_MS
    log "N=$2, ${3} ms a call: $1"
    PYTHONPATH="$ODOO_SRC" "$PY" scripts/bench.py --db "$DB" --config "$CONFIG" \
        --sandbox "http://127.0.0.1:$PORT" --importer "$1" --n "$2" --latency-ms "$3" \
        | tee -a "$RESULTS"
}
for n in $SIZES ${MEMORY_N:+$MEMORY_N}; do
    # One transaction a minute: all N are created before now (at one every 10 minutes from
    # the sandbox's epoch, 50,000 ran into the future, which a sync rightly leaves for later).
    nice -n 19 "$PY" -m sandbox --port "$PORT" --transactions "$n" --spacing 1 --size 2 \
        --static-lists >/dev/null 2>&1 &
    sandbox_pid=$!
    trap 'kill $sandbox_pid 2>/dev/null || true' EXIT
    wait_for_sandbox "$PORT" "$sandbox_pid"
    if [ "$n" = "$MEMORY_N" ]; then
        measure connector "$n" 0
    else
        for latency in $LATENCIES; do
            curl -sf -X POST "http://127.0.0.1:$PORT/_sandbox/network" \
                -d "{\"latency\": $(awk "BEGIN {print $latency / 1000}")}" >/dev/null
            measure network "$n" "$latency"
            measure connector "$n" "$latency"
        done
        curl -sf -X POST "http://127.0.0.1:$PORT/_sandbox/network" -d '{}' >/dev/null
        measure orm "$n" 0
        for _ in $(seq 2 "$REPEAT"); do  # the 0 ms pair again: the table keeps the fastest
            measure connector "$n" 0
            measure orm "$n" 0
        done
        measure naive "$n" 0
    fi
    kill "$sandbox_pid"
    wait "$sandbox_pid" 2>/dev/null || true
done
TL_PROCESSES=${BENCH_TL_PROCESSES:-100}
if [ "$TL_PROCESSES" -gt 0 ]; then
    "$PY" -m sandbox --port "$PORT" --size 2 >/dev/null 2>&1 &
    sandbox_pid=$!
    trap 'kill $sandbox_pid 2>/dev/null || true' EXIT
    wait_for_sandbox "$PORT" "$sandbox_pid"
    for bound in 1 "${BENCH_TL_BOUND:-4}"; do
        log "Trackline: $TL_PROCESSES processes of 3 documents of 1 MB, $bound at a time"
        PYTHONPATH="$ODOO_SRC" "$PY" scripts/bench_trackline.py --db "$DB" --config "$CONFIG" \
            --sandbox "http://127.0.0.1:$PORT" --bound "$bound" --processes "$TL_PROCESSES" \
            --latency-ms "${BENCH_TL_LATENCY:-100}" | tee -a "$RESULTS"
    done
    kill "$sandbox_pid"
    wait "$sandbox_pid" 2>/dev/null || true
fi
printf '{"importer": "bench", "seconds": %d}\n' "$(($(date +%s) - STARTED))" >>"$RESULTS"
"$PY" scripts/bench_table.py "$RESULTS"
