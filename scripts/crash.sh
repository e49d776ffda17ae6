#!/usr/bin/env bash
# Crash and resume (a long test, not in CI yet): sync N TrackOnline transactions, kill the
# Odoo process with SIGKILL in the middle, sync again, and compare the database with an
# uninterrupted sync of the same data: no missing record, no duplicate, same lines.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_DIR"
N=${CRASH_SIZE:-4000}
DB=tc_crash
PORT=${CRASH_SANDBOX_PORT:-8951}
have_odoo || { echo "No Odoo 18.0 source tree at $ODOO_SRC: set ODOO_SRC." >&2; exit 1; }
ensure_venv
ensure_postgres
ensure_addons_link
CONFIG="$CACHE_DIR/crash.conf"
printf '[options]\naddons_path = %s\ndb_host = %s\ndb_port = %s\ndb_user = %s\ndb_password = %s\ndata_dir = %s\n' \
    "$ODOO_SRC/odoo/addons,$ADDONS_DIR" "$PGHOST" "$PGPORT" "$TC_DB_USER" "$TC_DB_PASSWORD" \
    "$CACHE_DIR/filestore" >"$CONFIG"
sql() { PGPASSWORD="$TC_DB_PASSWORD" psql -U "$TC_DB_USER" -d "$DB" -tAc "$1"; }
sync() { PYTHONPATH="$ODOO_SRC" exec "$PY" scripts/crash_resume.py --db "$DB" \
    --config "$CONFIG" --sandbox "http://127.0.0.1:$PORT" --backend "$1"; }
count() { sql "SELECT count(*) FROM trackonline_transaction t JOIN trackonline_backend b
               ON b.id = t.backend_id WHERE b.name = '$1'"; }

runuser -u postgres -- dropdb -h /var/run/postgresql --if-exists "$DB"
odoo_bin -d "$DB" -i tracking_connector --without-demo=all --stop-after-init --log-level=warn
"$PY" -m sandbox --port "$PORT" --transactions "$N" --size 2 >/dev/null 2>&1 &
sandbox_pid=$!
trap 'kill $sandbox_pid 2>/dev/null' EXIT
sleep 2

sync crashed >/dev/null &
victim=$!  # the Odoo process itself (exec)
for _ in $(seq 1 600); do
    done_so_far=$(count crashed 2>/dev/null || echo 0)
    [ "${done_so_far:-0}" -ge $((N / 3)) ] && break
    sleep 0.05
done
kill -9 "$victim" 2>/dev/null || true
wait "$victim" 2>/dev/null || true
killed_at=$(count crashed)
log "killed with SIGKILL after $killed_at of $N transactions"
(sync crashed)
(sync reference)

passed=0
failed=0
check() {  # check NAME EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then passed=$((passed + 1)); log "ok: $1"
    else failed=$((failed + 1)); log "FAILED: $1 (expected $2, got $3)"; fi
}
check "the kill happened mid-way" "yes" "$([ "$killed_at" -gt 0 ] && [ "$killed_at" -lt "$N" ] && echo yes)"
check "all transactions after resuming" "$N" "$(count crashed)"
check "same transactions as the uninterrupted run" "0" "$(sql "
    (SELECT remote_id FROM trackonline_transaction t JOIN trackonline_backend b ON b.id = t.backend_id WHERE b.name = 'reference'
     EXCEPT SELECT remote_id FROM trackonline_transaction t JOIN trackonline_backend b ON b.id = t.backend_id WHERE b.name = 'crashed')
    UNION ALL
    (SELECT remote_id FROM trackonline_transaction t JOIN trackonline_backend b ON b.id = t.backend_id WHERE b.name = 'crashed'
     EXCEPT SELECT remote_id FROM trackonline_transaction t JOIN trackonline_backend b ON b.id = t.backend_id WHERE b.name = 'reference')" | wc -l)"
check "no duplicate" "$N" "$(sql "SELECT count(DISTINCT remote_id) FROM trackonline_transaction t JOIN trackonline_backend b ON b.id = t.backend_id WHERE b.name = 'crashed'")"
line_sum() { sql "SELECT count(*) || '/' || sum(quantity) FROM trackonline_transaction_line l JOIN trackonline_backend b ON b.id = l.backend_id WHERE b.name = '$1'"; }
check "same item lines and quantities" "$(line_sum reference)" "$(line_sum crashed)"
check "the killed run's log is marked interrupted" "1" "$(sql "SELECT count(*) FROM tracking_sync_log WHERE backend_name = 'crashed' AND message LIKE 'Interrupted%'")"
check "same cursor" "$(sql "SELECT c.value FROM tracking_cursor c JOIN trackonline_backend b ON b.id = c.backend_id AND c.backend_model = 'trackonline.backend' WHERE b.name = 'reference'" | sed 's/\"from\": \"[^\"]*\"//')" \
      "$(sql "SELECT c.value FROM tracking_cursor c JOIN trackonline_backend b ON b.id = c.backend_id AND c.backend_model = 'trackonline.backend' WHERE b.name = 'crashed'" | sed 's/\"from\": \"[^\"]*\"//')"
echo "crash-resume: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
