#!/usr/bin/env bash
# Crash and resume, for each system: start its large operation, kill the Odoo process with
# SIGKILL once part of the data is committed and more is to come, run it again, and compare
# with an uninterrupted run of the same data by a second backend ("reference"):
# - TrackOnline: the sync of N transactions;
# - TrackOnline at 100 ms a call: the same, killed while a page fetched ahead (in a worker
#   thread, while the page before it is saved) is not saved yet;
# - Trackline: the import of many processes with their documents;
# - OpusCapita: the sync of thousands of events over many pages and windows;
# - Sage 50: the download of four scope files, Customers imported into contacts;
# - items to retry: the retry of KEPT transactions among the items to retry.
# CRASH_DB names the database (dropped first), CRASH_SANDBOX_PORT the sandbox's port.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_DIR"
N=${CRASH_SIZE:-4000}                  # TrackOnline transactions
PROCESSES=${CRASH_PROCESSES:-150}      # Trackline processes
EVENTS=${CRASH_EVENTS:-3000}           # OpusCapita events
RECORDS=${CRASH_RECORDS:-3000}         # Sage 50 records per scope file
SCOPES=Customers,Invoices,Items,Suppliers
KEPT=${CRASH_KEPT:-150}                # items to retry, retried
DB=${CRASH_DB:-tc_crash}
PORT=${CRASH_SANDBOX_PORT:-8951}
ensure_setup
ensure_ports_free CRASH_SANDBOX_PORT "$PORT"
CONFIG="$CACHE_DIR/crash-$PORT.conf"
write_odoo_config "$CONFIG"
sql() { PGPASSWORD="$TC_DB_PASSWORD" psql -U "$TC_DB_USER" -d "$DB" -tAc "$1"; }

fresh_database "$DB"
SANDBOX_OUT="$CACHE_DIR/crash-sandbox-$PORT.out"
"$PY" -m sandbox --port "$PORT" --transactions "$N" --size "$PROCESSES" --events "$EVENTS" \
    --sage50-records "$RECORDS" --sage50-secret crash-secret >"$SANDBOX_OUT" 2>/dev/null &
sandbox_pid=$!
trap 'kill $sandbox_pid 2>/dev/null' EXIT
wait_for_sandbox "$PORT" "$sandbox_pid" "$SANDBOX_OUT"
SAGE50=$(sandbox_sage50_application "$SANDBOX_OUT" crash-secret)
PROCESS_IDS=$(seq -s, 10000 $((10000 + PROCESSES - 1)))

sync() {  # sync SYSTEM BACKEND [--prepare]
    PYTHONPATH="$ODOO_SRC" exec "$PY" scripts/crash_resume.py --db "$DB" --config "$CONFIG" \
        --sandbox "http://127.0.0.1:$PORT" --system "$1" --backend "$2" \
        --processes "$PROCESS_IDS" --scopes "$SCOPES" --sage50 "$SAGE50" --kept "$KEPT" "${@:3}"
}
crash() {  # crash SYSTEM THRESHOLD COUNT_FUNCTION [STATE_FUNCTION]: kill the crashed run once
           # that many are saved (STATE_FUNCTION describes what was half done then)
    sync "$1" crashed >/dev/null &
    local victim=$! done_so_far  # the Odoo process itself (exec)
    for _ in $(seq 1 1200); do
        done_so_far=$($3 crashed 2>/dev/null || echo 0)
        [ "${done_so_far:-0}" -ge "$2" ] && break
        sleep 0.05
    done
    kill -9 "$victim" 2>/dev/null || true
    wait "$victim" 2>/dev/null || true
    killed_at=$($3 crashed)
    killed_state=${4:+$($4)}
    log "$1: killed with SIGKILL after $killed_at saved${4:+, $killed_state}"
    (sync "$1" crashed) >/dev/null
    (sync "$1" reference) >/dev/null
}

passed=0
failed=0
check() {  # check NAME EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then passed=$((passed + 1)); log "ok: $1"
    else failed=$((failed + 1)); log "FAILED: $1 (expected $2, got $3)"; fi
}
mid_way() { [ "$killed_at" -gt 0 ] && [ "$killed_at" -lt "$1" ] && echo yes; }
same_rows() {  # same_rows QUERY_WITH_%s_FOR_THE_BACKEND_NAME: rows in one run and not the other
    sql "($(printf "$1" reference) EXCEPT $(printf "$1" crashed))
         UNION ALL ($(printf "$1" crashed) EXCEPT $(printf "$1" reference))" | wc -l
}
interrupted() {  # interrupted MODEL: the killed run's log is marked interrupted
    sql "SELECT count(*) FROM tracking_sync_log l JOIN tracking_backend b ON b.id = l.backend_id
         WHERE b.backend_model = '$1' AND l.backend_name = 'crashed'
         AND l.message LIKE 'Interrupted%'"
}
cursor() {  # cursor MODEL NAME, its time of writing left out
    sql "SELECT c.value FROM tracking_cursor c JOIN tracking_backend b ON b.id = c.backend_id
         WHERE b.backend_model = '$1' AND b.name = '$2'" | sed 's/\"from\": \"[^\"]*\"//'
}

# -- TrackOnline ----------------------------------------------------------------------------
to_tx="SELECT remote_id FROM trackonline_transaction t JOIN trackonline_backend sb ON sb.id = t.backend_id
       JOIN tracking_backend b ON b.id = sb.tracking_backend_id WHERE b.name = '%s'"
to_count() { sql "SELECT count(*) FROM ($(printf "$to_tx" "$1")) x"; }
crash trackonline $((N / 3)) to_count
check "TrackOnline: the kill happened mid-way" yes "$(mid_way "$N")"
check "TrackOnline: all transactions after resuming" "$N" "$(to_count crashed)"
check "TrackOnline: same transactions as the uninterrupted run" 0 "$(same_rows "$to_tx")"
check "TrackOnline: no duplicate" "$N" "$(sql "SELECT count(DISTINCT remote_id) FROM ($(printf "$to_tx" crashed)) x")"
line_sum() { sql "SELECT count(*) || '/' || sum(quantity) FROM trackonline_transaction_line l
                  JOIN trackonline_backend sb ON sb.id = l.backend_id JOIN tracking_backend b ON b.id = sb.tracking_backend_id WHERE b.name = '$1'"; }
check "TrackOnline: same item lines and quantities" "$(line_sum reference)" "$(line_sum crashed)"
check "TrackOnline: the killed run's log is marked interrupted" 1 "$(interrupted trackonline.backend)"
check "TrackOnline: same cursor" "$(cursor trackonline.backend reference)" "$(cursor trackonline.backend crashed)"

# -- TrackOnline at 100 ms a call: a kill between a page's fetch (ahead) and its save ----------
network() { curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d "$1" \
                "http://127.0.0.1:$PORT/_sandbox/network"; }
tx_calls() { curl -s "http://127.0.0.1:$PORT/_sandbox/calls" | "$PY" -c 'import json, sys
print(json.load(sys.stdin)["by_path"].get("GET /trackonline/api/v1/transaction", 0))'; }
ah_tx="SELECT remote_id FROM trackonline_transaction t JOIN trackonline_backend sb ON sb.id = t.backend_id
       JOIN tracking_backend b ON b.id = sb.tracking_backend_id WHERE b.name = 'ahead %s'"
ah_count() { sql "SELECT count(*) FROM ($(printf "$ah_tx" "$1")) x"; }
ah_unsaved() { echo "$(( ($(tx_calls) - calls_before) * 50 - $(ah_count crashed) )) fetched, not saved"; }
network '{"latency": 0.1}'
calls_before=$(tx_calls)
crash ahead $((N / 3)) ah_count ah_unsaved
network '{"latency": 0}'
check "TrackOnline ahead: the kill happened mid-way" yes "$(mid_way "$N")"
check "TrackOnline ahead: a page was fetched ahead and not saved at the kill" yes \
    "$([ "${killed_state%% *}" -gt 0 ] && echo yes)"
check "TrackOnline ahead: all transactions after resuming, none twice" "$N/$N" "$(sql "
    SELECT count(*) || '/' || count(DISTINCT remote_id) FROM ($(printf "$ah_tx" crashed)) x")"
check "TrackOnline ahead: same transactions as the uninterrupted run" 0 "$(same_rows "$ah_tx")"
check "TrackOnline ahead: same cursor" "$(cursor trackonline.backend 'ahead reference')" \
    "$(cursor trackonline.backend 'ahead crashed')"
check "TrackOnline ahead: the killed run's log is marked interrupted" 1 "$(sql "SELECT count(*)
    FROM tracking_sync_log WHERE backend_name = 'ahead crashed' AND message LIKE 'Interrupted%'")"

# -- Trackline ------------------------------------------------------------------------------
tl_docs="SELECT d.remote_id, d.state, d.size, d.checksum, a.checksum FROM trackline_document d
         JOIN trackline_backend sb ON sb.id = d.backend_id JOIN tracking_backend b ON b.id = sb.tracking_backend_id
         LEFT JOIN ir_attachment a ON a.id = d.attachment_id WHERE b.name = '%s'"
tl_count() { sql "SELECT count(*) FROM trackline_process p JOIN trackline_backend sb ON sb.id = p.backend_id
                  JOIN tracking_backend b ON b.id = sb.tracking_backend_id WHERE b.name = '$1'"; }
tl_attachments() { sql "SELECT count(*) || '/' || count(DISTINCT a.checksum) FROM ir_attachment a
    JOIN trackline_process p ON a.res_model = 'trackline.process' AND a.res_id = p.id
    JOIN trackline_backend sb ON sb.id = p.backend_id JOIN tracking_backend b ON b.id = sb.tracking_backend_id WHERE b.name = '$1'"; }
tl_pending() { echo "$(sql "SELECT count(*) FROM ($(printf "$tl_docs" crashed)) x WHERE state = 'pending'") documents to download"; }
crash trackline $((PROCESSES / 3)) tl_count tl_pending
check "Trackline: the kill happened mid-way" yes "$(mid_way "$PROCESSES")"
check "Trackline: all processes after resuming, none twice" "$PROCESSES/$PROCESSES" "$(sql "
    SELECT count(*) || '/' || count(DISTINCT remote_id) FROM trackline_process p
    JOIN trackline_backend sb ON sb.id = p.backend_id JOIN tracking_backend b ON b.id = sb.tracking_backend_id WHERE b.name = 'crashed'")"
check "Trackline: no document left half-imported (to download)" 0 "$(sql "SELECT count(*)
    FROM ($(printf "$tl_docs" crashed)) x WHERE state = 'pending'")"
check "Trackline: same documents, states and checksums as the uninterrupted run" 0 "$(same_rows "$tl_docs")"
check "Trackline: the killed run's log is marked interrupted" 1 "$(interrupted trackline.backend)"
check "Trackline: one attachment per downloaded document, no duplicate" "$(tl_attachments reference)" "$(tl_attachments crashed)"
# The sandbox's files (SHA-1, as ir.attachment keeps it) against the attachments of the
# crashed backend.
sandbox_files=$("$PY" -c "
import hashlib, sys
from sandbox.data import trackline_processes
files = trackline_processes(1, $PROCESSES)[1]
print('\n'.join(sorted('%s:%s' % (doc, hashlib.sha1(raw).hexdigest()) for doc, raw in files.items() if raw)))" | sha1sum)
check "Trackline: attachments byte-identical to the sandbox's files" "$sandbox_files" "$(sql "
    SELECT d.remote_id || ':' || a.checksum FROM trackline_document d
    JOIN ir_attachment a ON a.id = d.attachment_id JOIN trackline_backend sb ON sb.id = d.backend_id JOIN tracking_backend b ON b.id = sb.tracking_backend_id
    WHERE b.name = 'crashed' ORDER BY 1" | LC_ALL=C sort | sha1sum)"

# -- OpusCapita -----------------------------------------------------------------------------
oc_events="SELECT e.remote_id, e.status, e.error_notified FROM opuscapita_event e
           JOIN opuscapita_backend sb ON sb.id = e.backend_id JOIN tracking_backend b ON b.id = sb.tracking_backend_id WHERE b.name = '%s'"
oc_count() { sql "SELECT count(*) FROM ($(printf "$oc_events" "$1")) x"; }
oc_activities() { sql "SELECT count(*) || '/' || count(DISTINCT e.transaction_id) FROM mail_activity a
    JOIN opuscapita_event e ON a.res_model = 'opuscapita.event' AND a.res_id = e.id
    JOIN opuscapita_backend sb ON sb.id = e.backend_id JOIN tracking_backend b ON b.id = sb.tracking_backend_id WHERE b.name = '$1'"; }
crash opuscapita $((EVENTS / 3)) oc_count
check "OpusCapita: the kill happened mid-way" yes "$(mid_way "$EVENTS")"
check "OpusCapita: all events after resuming, none twice" "$EVENTS/$EVENTS" "$(sql "
    SELECT count(*) || '/' || count(DISTINCT remote_id) FROM ($(printf "$oc_events" crashed)) x")"
check "OpusCapita: same events as the uninterrupted run" 0 "$(same_rows "$oc_events")"
check "OpusCapita: one activity per transaction in error, as uninterrupted" "$(oc_activities reference)" "$(oc_activities crashed)"
check "OpusCapita: the killed run's log is marked interrupted" 1 "$(interrupted opuscapita.backend)"
check "OpusCapita: same cursor" "$(cursor opuscapita.backend reference)" "$(cursor opuscapita.backend crashed)"

# -- Sage 50 --------------------------------------------------------------------------------
sg_partners="SELECT s.remote_id, p.name, p.email, p.vat, p.city FROM sage50_partner s
             JOIN res_partner p ON p.id = s.partner_id
             JOIN sage50_backend sb ON sb.id = s.backend_id JOIN tracking_backend b ON b.id = sb.tracking_backend_id WHERE b.name = '%s'"
sg_files="SELECT d.scope, d.state, d.record_count, a.checksum FROM sage50_download d
          JOIN sage50_backend sb ON sb.id = d.backend_id JOIN tracking_backend b ON b.id = sb.tracking_backend_id
          LEFT JOIN ir_attachment a ON a.id = d.attachment_id WHERE b.name = '%s'"
# Killed once the first file (Customers) is kept: during its import or after it.
sg_kept() { sql "SELECT count(*) FROM ($(printf "$sg_files" "$1")) x WHERE checksum IS NOT NULL"; }
sg_contacts() { echo "$(sql "SELECT count(*) FROM ($(printf "$sg_partners" crashed)) x") contacts"; }
# The files download four at a time and are stored in order: the three small ones after
# Customers would all be kept within the 50 ms the watcher takes to see the first one, so
# the last one's download is held back 20 s to leave the kill a gap (Customers' import
# takes a few seconds, more on a loaded machine).
curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
    -d '{"path_prefix": "/sage50/api/downloads/Suppliers", "delay": 20, "times": 1}' \
    "http://127.0.0.1:$PORT/_sandbox/faults"
crash sage50 1 sg_kept sg_contacts
curl -s -o /dev/null -X DELETE "http://127.0.0.1:$PORT/_sandbox/faults"
check "Sage 50: the kill happened mid-way" yes "$(mid_way 4)"
check "Sage 50: one contact per customer after resuming" "$RECORDS/$RECORDS/$RECORDS" "$(sql "
    SELECT count(*) || '/' || count(DISTINCT s.remote_id) || '/' || count(DISTINCT s.partner_id)
    FROM sage50_partner s JOIN sage50_backend sb ON sb.id = s.backend_id JOIN tracking_backend b ON b.id = sb.tracking_backend_id WHERE b.name = 'crashed'")"
# Both backends are of one company: the second links the contacts the first made (matched by
# the customer's id number), so one contact per customer in all.
check "Sage 50: no stray contact (one per customer)" "$RECORDS" "$(sql "
    SELECT count(*) FROM res_partner WHERE email LIKE 'customers%@example.com'")"
check "Sage 50: same contacts as the uninterrupted run" 0 "$(same_rows "$sg_partners")"
check "Sage 50: every file imported and kept, one attachment each, as uninterrupted" 0 "$(same_rows "$sg_files")"
check "Sage 50: every file imported" 4 "$(sql "SELECT count(*) FROM ($(printf "$sg_files" crashed)) x WHERE state = 'done' AND checksum IS NOT NULL")"
check "Sage 50: the killed run's log is marked interrupted" 1 "$(interrupted sage50.backend)"
check "Sage 50: the key is kept and Sage still takes it" "200" "$(curl -s -o /dev/null -w '%{http_code}' \
    -H "X-Api-Key: $(sql "SELECT t.value FROM tracking_token t JOIN tracking_backend b ON b.id = t.backend_id
                         WHERE b.backend_model = 'sage50.backend' AND b.name = 'crashed' AND t.name = 'apikey'")" \
    "http://127.0.0.1:$PORT/sage50/api/downloads/Customers")"

# -- Items to retry: a kill during their retry ---------------------------------------------------
for name in crashed reference; do (sync kept "$name" --prepare) >/dev/null; done
kp_units="SELECT u.remote_key, u.state FROM tracking_failed_unit u JOIN tracking_backend b
          ON b.id = u.backend_id
          WHERE b.name = 'kept %s'"
kp_done() { sql "SELECT count(*) FROM ($(printf "$kp_units" "$1")) x WHERE state = 'done'"; }
kp_tx="SELECT remote_id FROM trackonline_transaction t JOIN trackonline_backend sb ON sb.id = t.backend_id
       JOIN tracking_backend b ON b.id = sb.tracking_backend_id WHERE b.name = 'kept %s'"
crash kept $((KEPT / 3)) kp_done
check "Items to retry: the kill happened mid-way through the retries" yes "$(mid_way "$KEPT")"
check "Items to retry: every item done after resuming" "$KEPT/$KEPT" "$(kp_done crashed)/$(sql "
    SELECT count(*) FROM ($(printf "$kp_units" crashed)) x")"
check "Items to retry: all transactions back, none twice" "$N/$N" "$(sql "
    SELECT count(*) || '/' || count(DISTINCT remote_id) FROM ($(printf "$kp_tx" crashed)) x")"
check "Items to retry: same transactions and items as the uninterrupted retry" "0 0" \
    "$(same_rows "$kp_tx") $(same_rows "$kp_units")"
check "Items to retry: the killed run's log is marked interrupted" 1 "$(sql "SELECT count(*)
    FROM tracking_sync_log WHERE backend_name = 'kept crashed' AND message LIKE 'Interrupted%'")"

echo "crash-resume: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
