#!/usr/bin/env bash
# The scale benchmark (figures in docs/benchmark.rst, "Years of data"): the screens people open
# every day, and the sync's cost per page, on a small database (10,000 TrackOnline
# transactions) and on one bulk-loaded to SCALE_TRANSACTIONS (1,000,000 by default, with 3
# items each, 5,000 locations, 100,000 run logs, 20,000 items to retry done and 100,000
# OpusCapita events), printed as a table with each target said met or not
# (scripts/bench_scale.py). About 1.2 GB of disk for 1,000,000; the databases are dropped at
# the end unless SCALE_KEEP=1.
#   bash scripts/bench_scale.sh                       # 1,000,000
#   SCALE_TRANSACTIONS=100000 bash scripts/bench_scale.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_DIR"
BIG=${SCALE_TRANSACTIONS:-1000000}
SMALL=10000
PORT=${SCALE_SANDBOX_PORT:-8962}
ensure_setup
ensure_ports_free SCALE_SANDBOX_PORT "$PORT"
RESULTS="$CACHE_DIR/bench-scale.jsonl"
: >"$RESULTS"
SANDBOX_OUT="$CACHE_DIR/bench-scale-sandbox-$PORT.out"
nice -n 19 "$PY" -m sandbox --port "$PORT" --transactions 2000 --static-lists \
    >"$SANDBOX_OUT" 2>/dev/null &
sandbox_pid=$!
trap 'kill $sandbox_pid 2>/dev/null' EXIT
wait_for_sandbox "$PORT" "$sandbox_pid" "$SANDBOX_OUT"
STARTED=$(date +%s)
for n in $SMALL $BIG; do
    DB="tc_scale_$n"
    CONFIG="$CACHE_DIR/$DB.conf"
    write_odoo_config "$CONFIG"
    fresh_database "$DB"
    driver() { PYTHONPATH="$ODOO_SRC" "$PY" scripts/bench_scale.py "$1" --db "$DB" \
        --config "$CONFIG" "${@:2}" | tee -a "$RESULTS"; }
    log "$DB: bulk-loading $n transactions"
    if [ "$n" = "$SMALL" ]; then
        driver load --transactions "$n" --locations 500 --logs 1000 --units 200 --events 1000
    else
        driver load --transactions "$n"
    fi
    log "$DB: the screens"
    driver screens
    log "$DB: a sync of 20 pages from the sandbox"
    driver sync --sandbox "http://127.0.0.1:$PORT" --pages 20
    if [ "${SCALE_KEEP:-0}" != 1 ]; then
        runuser -u postgres -- dropdb -h /var/run/postgresql --if-exists "$DB"
    fi
done
"$PY" - "$RESULTS" "$SMALL" "$BIG" "$(( $(date +%s) - STARTED ))" <<'PYTHON'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
small, big, seconds = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def at(n, stage, screen=None):
    for row in rows:
        if row["stage"] == stage and row.get("screen") == screen and (
                stage != "screens" or row["transactions"] == n):
            if stage != "sync" or row is [r for r in rows if r["stage"] == "sync"][
                    0 if n == small else -1]:
                return row
loads = [row for row in rows if row["stage"] == "load"]
print("| what | %s | %s | target | met |" % (f"{small:,}", f"{big:,}"))
print("|---|---|---|---|---|")
syncs = [row for row in rows if row["stage"] == "sync"]
ratio = syncs[-1]["ms_per_page"] / syncs[0]["ms_per_page"]
print("| sync page of 50 (ms; statements) | %s; %s | %s; %s | <= 1.2 x small (%.2f) | %s |" % (
    syncs[0]["ms_per_page"], syncs[0]["statements_per_page"], syncs[-1]["ms_per_page"],
    syncs[-1]["statements_per_page"], ratio, "met" if ratio <= 1.2 else "NOT met"))
for row in rows:
    if row["stage"] != "screens" or row["transactions"] != big:
        continue
    before = next(r for r in rows if r["stage"] == "screens" and r.get("screen") == row["screen"]
                  and r["transactions"] != big)
    name = row["screen"]
    if name == "run log list":
        good, target = row["view_ms"] <= 50, "<= 50 ms"
    elif name == "balance statement":
        good, target = row["view_ms"] <= 2000, "<= 2 s"
    else:
        good = row["call_ms"] <= 100 and row["view_ms"] <= 300
        target = "<= 100 ms a call, 300 a view"
    print("| %s (%d calls; view ms, slowest call ms) | %s, %s | %s, %s | %s | %s |" % (
        name, row["calls"], before["view_ms"], before["call_ms"], row["view_ms"],
        row["call_ms"], target, "met" if good else "NOT met"))
print("| database size (MB) | %s | %s | stated | |" % (loads[0]["database_mb"], loads[-1]["database_mb"]))
print("bulk load of %s: %s s; the whole bench: %s s" % (f"{big:,}", loads[-1]["seconds"], seconds))
PYTHON
