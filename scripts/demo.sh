#!/usr/bin/env bash
# The demo command (see README.rst): PostgreSQL, the sandbox on 127.0.0.1, and Odoo on
# http://localhost:8069 with the addon installed in the database "tracking_demo" whose
# backends point at the sandbox. Ctrl-C stops everything.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_DIR"
DEMO_DB=${DEMO_DB:-tracking_demo}
HTTP_PORT=${HTTP_PORT:-8069}
SANDBOX_PORT=${SANDBOX_PORT:-8900}

if ! ensure_odoo; then
    echo "No Odoo 18.0 source tree at $ODOO_SRC: set ODOO_SRC to the folder holding odoo-bin." >&2
    exit 1
fi
ensure_venv
# A runtime folder for the processes Odoo starts, as a systemd unit's RuntimeDirectory= gives a
# service (wkhtmltopdf's Qt warns in the log without one; see README.rst "Troubleshooting").
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
    export XDG_RUNTIME_DIR="$CACHE_DIR/runtime"
    mkdir -p -m 700 "$XDG_RUNTIME_DIR"
fi
ensure_postgres
ensure_addons_link

"$PY" -m sandbox --port "$SANDBOX_PORT" --spread-days 365 &
SANDBOX_PID=$!
PIDS="$SANDBOX_PID"
trap 'kill $PIDS 2>/dev/null; wait 2>/dev/null' EXIT INT TERM
SANDBOX_URL="http://127.0.0.1:$SANDBOX_PORT"

if ! PGPASSWORD="$TC_DB_PASSWORD" psql -U "$TC_DB_USER" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname='$DEMO_DB'" | grep -q 1; then
    log "creating the demo database $DEMO_DB (a minute, once)"
    odoo_bin -d "$DEMO_DB" -i tracking_connector --stop-after-init --log-level=warn
else
    odoo_bin -d "$DEMO_DB" -u tracking_connector --stop-after-init --log-level=warn
fi
echo "env['trackline.backend'].search([]).write({'base_url': '$SANDBOX_URL/trackline/api'}); env['trackonline.backend'].search([]).write({'base_url': '$SANDBOX_URL/trackonline/api/v1'}); env['opuscapita.backend'].search([]).write({'base_url': '$SANDBOX_URL/opuscapita'}); env['sage50.backend'].search([]).write({'base_url': '$SANDBOX_URL/sage50'}); env.cr.commit()" \
    | odoo_bin shell -d "$DEMO_DB" --log-level=warn --no-http >/dev/null

cat <<MSG

  Tracking Connector demo
  Odoo:     http://localhost:$HTTP_PORT   (database $DEMO_DB, login admin, password admin)
  Sandbox:  $SANDBOX_URL   (Trackline user odoo@example.com)
  Try:      the dashboard's buttons (README.rst, "Demo", lists the steps): Sync transactions,
            Sync events, Import a process (process ID 10000), Sage 50 Settings > Onboarding
  Ctrl-C stops Odoo and the sandbox.

MSG
odoo_bin -d "$DEMO_DB" --db-filter="^$DEMO_DB\$" --http-port="$HTTP_PORT" --log-level=info &
PIDS="$PIDS $!"
wait
