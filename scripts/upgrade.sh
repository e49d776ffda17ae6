#!/usr/bin/env bash
# Update in place: a database made by an earlier version of the addon, with data in it, updated
# to this checkout's code by `odoo-bin -u tracking_connector`, keeps all of it and syncs on from
# its cursors. For each earlier version (a git commit, default: the versions of 30 Nov, of
# 1 Dec and of 7 Dec 2026 (18.0.1.1.0, before the one backend record), and 18.0.2.0.0 (7 Dec,
# before the records counted and the location types); UPGRADE_FROM="commit ..." to choose):
#   1. its code is taken from git (git archive) into a folder of its own;
#   2. a fresh database gets that version installed, and, against the sandbox, data of every
#      kind: TrackOnline locations and part of the transactions (the cursor mid-way),
#      Trackline processes with their documents, OpusCapita events, Sage 50 scope files into
#      contacts, credentials and tokens, an item to retry (scripts/upgrade_check.py prepare);
#   3. the database is updated with this checkout's code (migrations/ run then);
#   4. everything is compared with what was there, and the next TrackOnline sync must go on
#      from its cursor (scripts/upgrade_check.py verify).
# Ends with the line "upgrade: N passed, N failed"; exit status 1 on any failure.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_DIR"
FROM=${UPGRADE_FROM:-"a57aaad c102183 12380ee 5a86d7c"}
PORT=${UPGRADE_SANDBOX_PORT:-8961}
N=${UPGRADE_TRANSACTIONS:-400}
ensure_setup
ensure_ports_free UPGRADE_SANDBOX_PORT "$PORT"

SANDBOX_OUT="$CACHE_DIR/upgrade-sandbox-$PORT.out"
"$PY" -m sandbox --port "$PORT" --transactions "$N" --size 20 --events 120 \
    --sage50-records 30 --sage50-secret upgrade-secret >"$SANDBOX_OUT" 2>/dev/null &
sandbox_pid=$!
trap 'kill $sandbox_pid 2>/dev/null' EXIT
wait_for_sandbox "$PORT" "$sandbox_pid" "$SANDBOX_OUT"
SAGE50=$(sandbox_sage50_application "$SANDBOX_OUT" upgrade-secret)
# The credentials and paths of the sandbox, from this checkout (older versions had no
# sandbox/backends.py): the driver keeps the values the old models know.
BACKENDS=$("$PY" -c '
import json, sys
from sandbox.backends import MODELS, backend_values
print(json.dumps({system: backend_values(system, sys.argv[1]) for system in MODELS}))
' "http://127.0.0.1:$PORT")

passed=0
failed=0
for commit in $FROM; do
    short=$(git rev-parse --short "$commit")
    old="$CACHE_DIR/upgrade-$short"
    rm -rf "$old" && mkdir -p "$old/tracking_connector"
    git archive "$commit" | tar -x -C "$old/tracking_connector"
    DB="tc_upgrade_$short"
    runuser -u postgres -- dropdb -h /var/run/postgresql --if-exists "$DB"
    old_config="$CACHE_DIR/upgrade-$short.conf"
    new_config="$CACHE_DIR/upgrade-new-$PORT.conf"
    write_odoo_config "$new_config"
    sed "s#^addons_path = .*#addons_path = $ODOO_SRC/odoo/addons,$old#" "$new_config" >"$old_config"
    snapshot="$CACHE_DIR/upgrade-$short.json"
    log "upgrade from $short: installing that version in $DB with data"
    "$PY" "$ODOO_SRC/odoo-bin" -c "$old_config" -d "$DB" -i tracking_connector \
        --without-demo=all --stop-after-init --log-level=warn --no-http
    PYTHONPATH="$ODOO_SRC:$REPO_DIR/scripts" "$PY" scripts/upgrade_check.py prepare --db "$DB" \
        --config "$old_config" --backends "$BACKENDS" --sage50 "$SAGE50" \
        --snapshot "$snapshot"
    log "upgrade from $short: odoo-bin -u tracking_connector with this checkout's code"
    "$PY" "$ODOO_SRC/odoo-bin" -c "$new_config" -d "$DB" -u tracking_connector \
        --stop-after-init --log-level=warn --no-http
    set +e
    PYTHONPATH="$ODOO_SRC:$REPO_DIR/scripts" "$PY" scripts/upgrade_check.py verify --db "$DB" \
        --config "$new_config" --snapshot "$snapshot" --transactions "$N" \
        | tee "$CACHE_DIR/upgrade-$short.out"
    set -e
    passed=$((passed + $(grep -c '^ok: ' "$CACHE_DIR/upgrade-$short.out" || true)))
    failed=$((failed + $(grep -c '^FAILED: ' "$CACHE_DIR/upgrade-$short.out" || true)))
    grep -q '^verified$' "$CACHE_DIR/upgrade-$short.out" || failed=$((failed + 1))
    runuser -u postgres -- dropdb -h /var/run/postgresql --if-exists "$DB"
    rm -rf "$CACHE_DIR/filestore/filestore/$DB" "$old"
done
echo "upgrade: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
