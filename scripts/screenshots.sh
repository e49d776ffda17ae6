#!/usr/bin/env bash
# README.rst's screenshots taken again: a fresh demo database (scripts/demo.sh on the database
# "tracking_screenshots", dropped first), README.rst's demo steps 1 to 6 clicked and checked
# on it, then the screenshots into static/description/ (scripts/screenshots.py, headless
# chromium for both). Ends with status 1 when a step does not give what README.rst says.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_DIR"
export DEMO_DB=${DEMO_DB:-tracking_screenshots}
export HTTP_PORT=${HTTP_PORT:-8069}
export SANDBOX_PORT=${SANDBOX_PORT:-8900}
ensure_venv
ensure_postgres

PGPASSWORD="$TC_DB_PASSWORD" dropdb --if-exists -h "$PGHOST" -p "$PGPORT" -U "$TC_DB_USER" \
    "$DEMO_DB"
# The demo in a process group of its own (Odoo and the sandbox), stopped as one at the end.
setsid bash scripts/demo.sh >"$CACHE_DIR/screenshots-demo.log" 2>&1 &
DEMO_PID=$!
trap 'kill -- -$DEMO_PID 2>/dev/null; wait 2>/dev/null' EXIT INT TERM
log "demo starting on http://localhost:$HTTP_PORT (log: $CACHE_DIR/screenshots-demo.log)"
"$PY" -c "import sys; sys.path.insert(0, 'scripts'); from odoo_driver import wait_for_url; \
wait_for_url('http://localhost:$HTTP_PORT/web/login', timeout=600)"
"$PY" scripts/screenshots.py --url "http://localhost:$HTTP_PORT" --db "$DEMO_DB" \
    --sandbox "http://127.0.0.1:$SANDBOX_PORT" --out static/description
