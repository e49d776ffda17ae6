# Shared set-up for the scripts (test, demo, lint and the long commands: bench, load, ...).
# Sourced, not run. Every step is idempotent: a second run reuses what the first built.
set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Odoo 18.0 source tree (the folder holding odoo-bin); see readme/INSTALL.rst. When it is
# missing, ensure_odoo makes a shallow clone of the 18.0 branch of ODOO_GIT_URL there.
ODOO_SRC=${ODOO_SRC:-/opt/odoo18}
ODOO_GIT_URL=${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}
CACHE_DIR=${TC_CACHE_DIR:-$HOME/.cache/tracking_connector}
# PostgreSQL role used by Odoo (Odoo refuses the "postgres" superuser).
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
TC_DB_USER=${TC_DB_USER:-tracking}
TC_DB_PASSWORD=${TC_DB_PASSWORD:-tracking}
export PGHOST PGPORT

log() { printf '[tracking_connector] %s\n' "$*" >&2; }

have_odoo() { [ -f "$ODOO_SRC/odoo-bin" ] && [ -d "$ODOO_SRC/odoo/addons/base" ]; }

# An Odoo 18.0 source tree at $ODOO_SRC: the one there, or a shallow clone of the 18.0 branch of
# $ODOO_GIT_URL made into a folder beside it and moved into place once complete (an interrupted
# clone leaves no half tree). When that fails, one line says why and the status is 1.
# TC_NO_ODOO_CLONE=1: no clone, the status is 1 at once.
ensure_odoo() {
    have_odoo && return 0
    [ -z "${TC_NO_ODOO_CLONE:-}" ] || return 1
    local partial="$ODOO_SRC.partial-$$" error status=0
    if [ -e "$ODOO_SRC" ] && [ -n "$(ls -A "$ODOO_SRC" 2>/dev/null)" ]; then
        echo "No Odoo 18.0 source tree at $ODOO_SRC, and the folder is not empty: not cloning into it." >&2
        return 1
    fi
    log "no Odoo 18.0 source tree at $ODOO_SRC: cloning the 18.0 branch of $ODOO_GIT_URL (shallow)"
    rm -rf "$partial"
    mkdir -p "$(dirname "$ODOO_SRC")" 2>/dev/null || true
    error=$(GIT_TERMINAL_PROMPT=0 timeout "${ODOO_CLONE_TIMEOUT:-1800}" git \
        -c advice.detachedHead=false clone --quiet --depth 1 --branch 18.0 \
        "$ODOO_GIT_URL" "$partial" 2>&1) || status=$?
    if [ "$status" -eq 124 ]; then
        error="no answer within ${ODOO_CLONE_TIMEOUT:-1800} s"
    elif [ "$status" -ne 0 ]; then
        error=$(printf '%s\n' "$error" | grep -v '^[[:space:]]*$' | tail -1)
    elif [ ! -f "$partial/odoo-bin" ] || [ ! -d "$partial/odoo/addons/base" ]; then
        error="its 18.0 branch has no odoo-bin and odoo/addons/base"
    elif ! { [ ! -e "$ODOO_SRC" ] || rmdir "$ODOO_SRC"; } 2>/dev/null \
            || ! error=$(mv "$partial" "$ODOO_SRC" 2>&1); then
        error="could not move the clone into place${error:+: $error}"
    else
        return 0
    fi
    rm -rf "$partial"
    echo "Could not clone Odoo 18.0 from $ODOO_GIT_URL into $ODOO_SRC: ${error:-git failed}" >&2
    return 1
}

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
# With ODOO_COVERAGE_FILE set, odoo-bin runs under `coverage run` measuring the addon's lines
# into that data file. The process environment is the caller's: nothing is added to it.
odoo_bin() {
    local command=() python=("$PY")
    if [ -n "${ODOO_COVERAGE_FILE:-}" ]; then
        python=("$PY" -m coverage run --rcfile="$REPO_DIR/pyproject.toml"
                --source="$REPO_DIR" --data-file="$ODOO_COVERAGE_FILE")
    fi
    if [ "${1:-}" = shell ]; then command=(shell); shift; fi
    "${python[@]}" "$ODOO_SRC/odoo-bin" "${command[@]}" \
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

# The Sage 50 application a sandbox started with --sage50-records onboarded, as JSON with its
# secret added (developer_id, application_id, key, secret): sandbox_sage50_application OUTPUT
# SECRET, OUTPUT being the file the sandbox printed to (it prints the line "  Sage 50: ..."
# once the application is onboarded and its scope files published).
sandbox_sage50_application() {
    local output=$1 secret=$2
    for _ in $(seq 1 100); do grep -q 'Sage 50:' "$output" 2>/dev/null && break; sleep 0.1; done
    sed -n 's/^  Sage 50: *[^ ]* //p' "$output" | "$PY" -c \
        'import json, sys; print(json.dumps(dict(json.load(sys.stdin), secret=sys.argv[1])))' \
        "$secret"
}

# What every command that runs Odoo from this checkout needs first: an Odoo 18.0 source tree
# (else a message and exit 1), the virtualenv, PostgreSQL and the addons link.
ensure_setup() {
    have_odoo || { echo "No Odoo 18.0 source tree at $ODOO_SRC: set ODOO_SRC." >&2; exit 1; }
    ensure_venv
    ensure_postgres
    ensure_addons_link
}

# Exit with a message naming the variables that set them when a port is in use:
# ensure_ports_free "SETTING_NAMES" PORT...
ensure_ports_free() {
    local names=$1 port
    shift
    for port in "$@"; do
        if ss -ltn "sport = :$port" | grep -q LISTEN; then
            echo "Port $port is in use: set $names." >&2
            exit 1
        fi
    done
}

# A new database DB with the addon installed (any database of that name is dropped first):
# fresh_database DB [ODOO OPTIONS...]
fresh_database() {
    local db=$1
    shift
    runuser -u postgres -- dropdb -h /var/run/postgresql --if-exists "$db"
    log "installing the addon in the fresh database $db"
    odoo_bin -d "$db" -i tracking_connector --without-demo=all --stop-after-init \
        --log-level=warn "$@"
}
