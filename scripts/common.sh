# Shared set-up for scripts/test.sh, scripts/demo.sh, scripts/lint.sh and scripts/bench.sh.
# Sourced, not run. Every step is idempotent: a second run reuses what the first built.
set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Odoo 18.0 source tree (the folder holding odoo-bin); see README.rst "Installation".
ODOO_SRC=${ODOO_SRC:-/opt/odoo18}
CACHE_DIR=${TC_CACHE_DIR:-$HOME/.cache/tracking_connector}
# PostgreSQL role used by Odoo (Odoo refuses the "postgres" superuser).
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
TC_DB_USER=${TC_DB_USER:-tracking}
TC_DB_PASSWORD=${TC_DB_PASSWORD:-tracking}
export PGHOST PGPORT

log() { printf '[tracking_connector] %s\n' "$*" >&2; }

have_odoo() { [ -f "$ODOO_SRC/odoo-bin" ] && [ -d "$ODOO_SRC/odoo/addons/base" ]; }

# A virtualenv with the pinned requirements, rebuilt only when scripts/requirements.txt changes.
ensure_venv() {
    local req="$REPO_DIR/scripts/requirements.txt" sum
    sum=$(sha1sum "$req" | cut -c1-12)
    VENV="$CACHE_DIR/venv-$sum"
    if [ ! -x "$VENV/bin/python" ] || [ ! -f "$VENV/.complete" ]; then
        log "building the virtualenv $VENV (pinned requirements, once)"
        rm -rf "$VENV"
        mkdir -p "$CACHE_DIR"
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$req" \
            >"$CACHE_DIR/pip.log" 2>&1 || { cat "$CACHE_DIR/pip.log" >&2; return 1; }
        touch "$VENV/.complete"
    fi
    PY="$VENV/bin/python"
}

# Debian's PostgreSQL 15 cluster, started if down, with our own role.
ensure_postgres() {
    if ! command -v pg_lsclusters >/dev/null 2>&1; then
        log "installing PostgreSQL 15 from Debian's packages"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
    fi
    if ! pg_lsclusters -h | grep -q '^15 *main'; then
        pg_createcluster 15 main >/dev/null
    fi
    if ! pg_lsclusters -h | grep -q '^15 *main .* online'; then
        log "starting PostgreSQL 15"
        pg_ctlcluster 15 main start
    fi
    local i
    for i in $(seq 1 30); do
        pg_isready -q -h "$PGHOST" -p "$PGPORT" && break
        sleep 1
    done
    runuser -u postgres -- psql -q -h /var/run/postgresql -p "$PGPORT" -tAc \
        "SELECT 1 FROM pg_roles WHERE rolname='$TC_DB_USER'" | grep -q 1 ||
        runuser -u postgres -- psql -q -h /var/run/postgresql -p "$PGPORT" -c \
            "CREATE ROLE \"$TC_DB_USER\" LOGIN CREATEDB PASSWORD '$TC_DB_PASSWORD'"
}

# An addons folder whose entry tracking_connector points at this checkout, whatever its name.
ensure_addons_link() {
    # One folder per checkout, so that two checkouts (git worktrees) can run side by side.
    ADDONS_DIR="$CACHE_DIR/addons-$(printf %s "$REPO_DIR" | sha1sum | cut -c1-8)"
    mkdir -p "$ADDONS_DIR"
    ln -sfn "$REPO_DIR" "$ADDONS_DIR/tracking_connector"
}

# An Odoo configuration file with the addons path and the database settings (for scripts that
# start Odoo from Python): write_odoo_config FILE
write_odoo_config() {
    printf '[options]\naddons_path = %s\ndb_host = %s\ndb_port = %s\ndb_user = %s\ndb_password = %s\ndata_dir = %s\n' \
        "$ODOO_SRC/odoo/addons,$ADDONS_DIR" "$PGHOST" "$PGPORT" "$TC_DB_USER" "$TC_DB_PASSWORD" \
        "$CACHE_DIR/filestore" >"$1"
}

# odoo-bin with the database settings: odoo_bin [shell] OPTIONS...
odoo_bin() {
    local command=()
    # wkhtmltopdf (Qt) complains on stderr, and Odoo logs it as a warning, when this is unset.
    if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
        export XDG_RUNTIME_DIR="$CACHE_DIR/runtime"
        mkdir -p -m 700 "$XDG_RUNTIME_DIR"
    fi
    if [ "${1:-}" = shell ]; then command=(shell); shift; fi
    "$PY" "$ODOO_SRC/odoo-bin" "${command[@]}" \
        --addons-path="$ODOO_SRC/odoo/addons,$ADDONS_DIR" \
        --db_host="$PGHOST" --db_port="$PGPORT" \
        --db_user="$TC_DB_USER" --db_password="$TC_DB_PASSWORD" \
        --data-dir="$CACHE_DIR/filestore" "$@"
}

# Debian's chromium (browser tests, tours) and wkhtmltopdf (PDF reports), installed if missing.
ensure_browser_and_pdf() {
    local missing=()
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    command -v wkhtmltopdf >/dev/null 2>&1 || missing+=(wkhtmltopdf)
    [ "${#missing[@]}" -eq 0 ] && return 0
    log "installing ${missing[*]} from Debian's packages"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Wait until a sandbox started in the background answers on its control routes:
# wait_for_sandbox PORT PID [LOG]. Fails (showing LOG) if the process ends first or after
# 60 s.
wait_for_sandbox() {
    local port=$1 pid=$2 output=${3:-} i
    for i in $(seq 1 300); do
        curl -sf "http://127.0.0.1:$port/_sandbox/calls" >/dev/null && return 0
        if ! kill -0 "$pid" 2>/dev/null; then
            log "the sandbox on port $port ended before answering"
            [ -n "$output" ] && cat "$output" >&2
            return 1
        fi
        sleep 0.2
    done
    log "the sandbox on port $port did not answer within 60 s"
    return 1
}
