#!/usr/bin/env bash
# The benchmark (figures in README.rst): TrackOnline transactions with 3 lines each, synced
# from the sandbox into a fresh database by the connector and by a naive importer (one
# search and one create per transaction), for N = 2,000 and N = 10,000 (BENCH_SIZES).
# Each measurement runs in a process of its own; its peak memory is its own.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_DIR"
SIZES=${BENCH_SIZES:-"2000 10000"}
DB=tc_bench
PORT=${BENCH_SANDBOX_PORT:-8950}
have_odoo || { echo "No Odoo 18.0 source tree at $ODOO_SRC: set ODOO_SRC." >&2; exit 1; }
ensure_venv
ensure_postgres
ensure_addons_link
CONFIG="$CACHE_DIR/bench.conf"
write_odoo_config "$CONFIG"

runuser -u postgres -- dropdb -h /var/run/postgresql --if-exists "$DB"
log "installing the addon in the fresh database $DB"
odoo_bin -d "$DB" -i tracking_connector --without-demo=all --stop-after-init --log-level=warn

RESULTS="$CACHE_DIR/bench.jsonl"
: >"$RESULTS"
for n in $SIZES; do
    "$PY" -m sandbox --port "$PORT" --transactions "$n" --size 2 >/dev/null 2>&1 &
    sandbox_pid=$!
    trap 'kill $sandbox_pid 2>/dev/null' EXIT
    wait_for_sandbox "$PORT" "$sandbox_pid"
    for importer in connector naive; do
        log "N=$n, $importer importer"
        PYTHONPATH="$ODOO_SRC" "$PY" scripts/bench.py --db "$DB" --config "$CONFIG" \
            --sandbox "http://127.0.0.1:$PORT" --importer "$importer" --n "$n" | tee -a "$RESULTS"
    done
    kill "$sandbox_pid"
    wait "$sandbox_pid" 2>/dev/null || true
done
"$PY" - "$RESULTS" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
print("\n%-10s %7s %9s %9s %9s %7s %13s" % ("importer", "N", "seconds", "tx/s", "API calls",
                                          "pages", "sync RSS (MB)"))
for r in rows:
    print("%-10s %7d %9.1f %9.1f %9d %7d %13.1f" % (r["importer"], r["n"], r["seconds"],
          r["tx_per_s"], r["api_calls"], r["pages"], r["sync_rss_mb"]))
by = {(r["importer"], r["n"]): r for r in rows}
for n in sorted({r["n"] for r in rows}):
    c, v = by[("connector", n)], by[("naive", n)]
    print("N=%d: connector %.1fx the naive importer; %d API calls for %d pages of data"
          % (n, c["tx_per_s"] / v["tx_per_s"], c["api_calls"], c["pages"]))
PY
