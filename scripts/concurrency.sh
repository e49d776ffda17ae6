#!/usr/bin/env bash
# Concurrency with real processes: two Odoo processes run syncs of one TrackOnline backend
# against one sandbox and one database at the same moment, and the database is checked.
#   1. the same sync twice at once (two workers);
#   2. the transactions cron against a user pressing "Sync now";
#   3. two different syncs (locations, transactions) writing the same location rows, held
#      back by a table lock so that both insert the same rows at once;
#   4. two workers rotating the Sage 50 API key at once.
# Each is compared with a reference backend synced once, alone.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_DIR"
N=${CONC_SIZE:-3000}
DB=${CONC_DB:-tc_conc}
PORT=${CONC_SANDBOX_PORT:-8971}
ensure_setup
ensure_ports_free CONC_SANDBOX_PORT "$PORT"
CONFIG="$CACHE_DIR/concurrency.conf"
OUT=$(mktemp -d /tmp/tc_conc.XXXXXX)
write_odoo_config "$CONFIG"
sql() { PGPASSWORD="$TC_DB_PASSWORD" psql -U "$TC_DB_USER" -d "$DB" -tAc "$1"; }
driver() {  # driver BACKEND ACTION [AT]: one Odoo process; its output and log go to $OUT
    PYTHONPATH="$ODOO_SRC" "$PY" scripts/concurrency.py --db "$DB" --config "$CONFIG" \
        --sandbox "http://127.0.0.1:$PORT" --backend "$1" --action "$2" --at "${3:-0}" \
        >>"$OUT/$1.out" 2>>"$OUT/$1.err"
}
bid() { sql "SELECT sb.id FROM trackonline_backend sb JOIN tracking_backend b ON b.id = sb.tracking_backend_id
            WHERE b.name = '$1'"; }
shared_bid() { sql "SELECT id FROM tracking_backend WHERE name = '$1'"; }
rows() {  # rows BACKEND TABLE
    sql "SELECT count(*) || '/' || count(DISTINCT remote_id) FROM $2 WHERE backend_id = $(bid "$1")"; }
lines() { sql "SELECT count(*) || '/' || coalesce(sum(quantity), 0) FROM trackonline_transaction_line WHERE backend_id = $(bid "$1")"; }
states() {  # states BACKEND RUN_KEY: the runs' states, sorted
    sql "SELECT string_agg(state, ',' ORDER BY state) FROM tracking_sync_log
         WHERE backend_id = $(shared_bid "$1") AND run_key = '$2'"; }
locations() {  # the mirrored locations as they read, to compare two backends
    sql "SELECT md5(string_agg(l.remote_id || '|' || l.number || '|' || l.name || '|' || coalesce(l.city, '')
                || '|' || l.type || '|' || coalesce(p.name, '-'), ';' ORDER BY l.remote_id))
         FROM trackonline_location l LEFT JOIN res_partner p ON p.id = l.partner_id
         WHERE l.backend_id = $(bid "$1")"; }
soon() { python3 -c "import time; print(time.time() + $1)"; }

passed=0
failed=0
check() {  # check NAME EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then passed=$((passed + 1)); log "ok: $1"
    else failed=$((failed + 1)); log "FAILED: $1 (expected $2, got $3)"; fi
}

started=$(date +%s)
fresh_database "$DB"
"$PY" -m sandbox --port "$PORT" --transactions "$N" --size 2 >"$OUT/sandbox.log" 2>&1 &
sandbox_pid=$!
trap 'kill $sandbox_pid 2>/dev/null; [ -n "${CONC_KEEP:-}" ] || rm -rf "$OUT"' EXIT
wait_for_sandbox "$PORT" "$sandbox_pid" "$OUT/sandbox.log"

log "reference: one backend synced alone (locations, then transactions)"
driver reference setup
driver reference locations
driver reference transactions

log "1. the same sync in two workers at once"
driver twice setup
at=$(soon 6)
driver twice transactions "$at" & a=$!
driver twice transactions "$at" & b=$!
wait $a $b
check "same sync twice: one ran, the other was skipped" "busy,done" "$(states twice transactions)"
check "same sync twice: every transaction once" "$N/$N" "$(rows twice trackonline_transaction)"
check "same sync twice: same lines as one run" "$(lines reference)" "$(lines twice)"

log "2. the cron and a user's \"Sync now\" at once"
driver cronbutton setup
at=$(soon 6)
driver cronbutton cron "$at" & a=$!
driver cronbutton button "$at" & b=$!
wait $a $b
check "cron and Sync now: one ran, the other was skipped" "busy,done" "$(states cronbutton transactions)"
check "cron and Sync now: the skipped run says so" "1" "$(sql "SELECT count(*) FROM tracking_sync_log
    WHERE backend_id = $(bid cronbutton) AND state = 'busy' AND message LIKE 'Another run%'")"
check "cron and Sync now: every transaction once" "$N/$N" "$(rows cronbutton trackonline_transaction)"
check "cron and Sync now: same lines as one run" "$(lines reference)" "$(lines cronbutton)"

log "3. locations and transactions syncs inserting the same locations at once"
driver mixed setup
at=$(soon 6)
# Hold inserts into the location table until both syncs are waiting to insert the same rows.
sql "BEGIN; LOCK TABLE trackonline_location IN EXCLUSIVE MODE;
     SELECT pg_sleep($(python3 -c "import time; print(round($at - time.time() + 3, 1))")); COMMIT;" \
    >/dev/null & holder=$!
driver mixed locations "$at" & a=$!
driver mixed transactions "$at" & b=$!
wait $a $b $holder
check "mixed: the locations run ended done" "done" "$(states mixed locations)"
check "mixed: the transactions run ended done" "done" "$(states mixed transactions)"
check "mixed: each location once" "$(rows reference trackonline_location)" "$(rows mixed trackonline_location)"
check "mixed: locations read as in one run (no lost update)" "$(locations reference)" "$(locations mixed)"
check "mixed: every transaction once" "$N/$N" "$(rows mixed trackonline_transaction)"
check "mixed: the race happened and a page was redone" "yes" \
    "$(grep -q 'written by another worker' "$OUT/mixed.err" && echo yes || echo no)"
log "4. two workers rotating the Sage 50 API key at once"
driver sage sage-setup
patches() { curl -s "http://127.0.0.1:$PORT/_sandbox/calls" | python3 -c \
    "import json, sys; print(sum(n for k, n in json.load(sys.stdin)['by_path'].items() if k.startswith('PATCH ')))"; }
before=$(patches)
at=$(soon 20)  # two Odoo processes loading at once on a busy machine: well after both are up
driver sage sage-rotate "$at" & a=$!
driver sage sage-rotate "$at" & b=$!
wait $a $b
check "Sage 50 key: both workers were ready before the moment" 0 \
    "$(grep -c '"late": true' "$OUT/sage.out")"
check "Sage 50 key: one rotation for two workers" "1" "$(( $(patches) - before ))"
check "Sage 50 key: both workers end with the same new key" "1" \
    "$(grep -o '"key": "[0-9a-f]*"' "$OUT/sage.out" | sort -u | wc -l)"
stored=$(sql "SELECT encode(sha256(value::bytea), 'hex') FROM tracking_token t JOIN tracking_backend b
    ON b.id = t.backend_id WHERE b.backend_model = 'sage50.backend' AND b.name = 'sage'")
check "Sage 50 key: the stored key is the one both got" "$(grep -o '"key": "[0-9a-f]*"' "$OUT/sage.out" | head -1 | cut -d'"' -f4)" "${stored:0:12}"
check "no contact created twice" "0" "$(sql "SELECT count(*) FROM (SELECT ref FROM res_partner
    WHERE ref IS NOT NULL GROUP BY ref, company_id HAVING count(*) > 1) dup")"
check "no run failed" "0" "$(sql "SELECT count(*) FROM tracking_sync_log WHERE state = 'failed'")"
# Odoo logs every failed query ("bad query"), handled or not: each concurrency error must
# have been met by a redone page, and no error may have escaped as a traceback.
clashes=$(cat "$OUT"/*.err | grep -ciE 'deadlock detected|could not serialize|duplicate key' || true)
redone=$(cat "$OUT"/*.err | grep -c 'written by another worker' || true)
check "every deadlock, serialization or duplicate-key error was handled" "$clashes" "$redone"
check "no traceback in the workers' logs" "0" "$(cat "$OUT"/*.err | grep -c Traceback || true)"
[ "$clashes" = "$redone" ] || cat "$OUT"/*.err >&2
log "took $(( $(date +%s) - started )) s"
echo "concurrency: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
