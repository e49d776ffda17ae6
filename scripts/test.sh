#!/usr/bin/env bash
# The test command (see README.rst and docs/tests.rst): the tests that need no Odoo with pytest
# (among them the wheel's build and content, and the clone of a missing Odoo), then, when an
# Odoo 18.0 source tree is found or cloned, the addon's Odoo tests run the way OCA's CI runs
# them (a database with the addon's dependencies, then `odoo-bin -i tracking_connector
# --test-enable --stop-after-init` under `coverage run`), and an uninstall; then the line
# coverage of the addon per folder. Exit status non-zero on any failure.
#   ODOO_SRC=/path/to/odoo-18.0 scripts/test.sh          # all
#   TEST_TAGS=/tracking_connector:TestTracklineImport scripts/test.sh   # some Odoo tests
#   TC_COVERAGE=0 scripts/test.sh                         # without coverage
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_DIR"
# Odoo runs with the environment a systemd service or OCA's CI gives it: no XDG_RUNTIME_DIR
# (wkhtmltopdf's Qt then only notes it uses /tmp/runtime-<user>; tests/test_reports.py tells
# that notice from a real warning).
unset XDG_RUNTIME_DIR

ensure_venv
RESULTS="$CACHE_DIR/results-$(printf %s "$REPO_DIR" | sha1sum | cut -c1-8)"
mkdir -p "$RESULTS"
rm -f "$RESULTS"/.coverage*
COVERAGE=${TC_COVERAGE:-1}
coverage_run() {  # coverage_run DATA_FILE: the command prefix that runs Python under coverage
    if [ "$COVERAGE" = 1 ]; then
        printf '%s\n' "$PY" -m coverage run --rcfile="$REPO_DIR/pyproject.toml" \
            --source="$REPO_DIR" --data-file="$1"
    else
        printf '%s\n' "$PY"
    fi
}
rc=0

log "tests that need no Odoo (pytest tests/nodoo; the wheel is left in $RESULTS/dist)"
mapfile -t python < <(coverage_run "$RESULTS/.coverage.nodoo")
set +e
(cd tests/nodoo && TC_WHEEL_DIR="$RESULTS/dist" "${python[@]}" -m pytest -q .) 2>&1 \
    | tee "$RESULTS/pytest.log"
pytest_rc=${PIPESTATUS[0]}
set -e
[ "$pytest_rc" -eq 0 ] || rc=1
count() {  # count WORDS: the sum of "<n> WORD" on pytest's last line
    tail -1 "$RESULTS/pytest.log" | { grep -oE "[0-9]+ ($1)" || true; } | awk '{n += $1} END {print n + 0}'
}
pure_passed=$(count passed)
pure_failed=$(count 'failed|errors?')

# --- clients on urllib3 2.x: the client tests once more in a small virtualenv of their own
# (scripts/requirements-urllib3-2.txt, built once), since Odoo 18.0 runs on urllib3 1.26 or
# 2.x depending on its Python. Their counts are added to the pure tests'.
pytest_clients_on_urllib3_2() {
    local req="$REPO_DIR/scripts/requirements-urllib3-2.txt" venv out="$RESULTS/pytest-urllib3-2.log"
    venv="$CACHE_DIR/venv-urllib3-2-$(sha1sum "$req" | cut -c1-12)"
    if [ ! -x "$venv/bin/python" ] || [ ! -f "$venv/.complete" ]; then
        log "building the virtualenv $venv (urllib3 2.x, once)"
        rm -rf "$venv" && python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req" \
            >"$CACHE_DIR/pip-urllib3-2.log" 2>&1 || { cat "$CACHE_DIR/pip-urllib3-2.log" >&2; return 1; }
        touch "$venv/.complete"
    fi
    log "client tests again on urllib3 $("$venv/bin/python" -c 'import urllib3; print(urllib3.__version__)')"
    (cd tests/nodoo && "$venv/bin/python" -m pytest -q test_client_*.py) 2>&1 | tee "$out"
    local status=${PIPESTATUS[0]} last
    last=$(tail -1 "$out")
    pure_passed=$((pure_passed + $(grep -oE '[0-9]+ passed' <<<"$last" | awk '{n += $1} END {print n + 0}')))
    pure_failed=$((pure_failed + $(grep -oE '[0-9]+ (failed|errors?)' <<<"$last" | awk '{n += $1} END {print n + 0}')))
    return "$status"
}
set +e
pytest_clients_on_urllib3_2 || { rc=1; [ "$pure_failed" -gt 0 ] || pure_failed=1; }
set -e
# --- end of clients on urllib3 2.x

odoo_passed=0
odoo_failed=0
odoo_ran=0
if ! ensure_odoo; then
    echo "Odoo suite skipped: no Odoo 18.0 source tree at $ODOO_SRC (set ODOO_SRC to the folder holding odoo-bin to run it)."
else
    odoo_ran=1
    ensure_postgres
    ensure_browser_and_pdf
    ensure_addons_link
    DB="tc_test_$$"
    ODOO_LOG="$RESULTS/odoo-test.log"
    depends=$("$PY" -c 'import ast, sys; print(",".join(ast.literal_eval(open(sys.argv[1]).read())["depends"]))' \
        __manifest__.py)
    log "Odoo suite: the database $DB with the addon's dependencies ($depends)"
    set +e
    odoo_bin -d "$DB" -i "$depends" --stop-after-init --no-http >"$RESULTS/odoo-init.log" 2>&1
    init_rc=$?
    set -e
    if [ "$init_rc" -ne 0 ]; then
        log "Odoo suite: the database could not be made:"
        tail -30 "$RESULTS/odoo-init.log"
    fi
    # OCA's CI: odoo -d DB -i ADDONS --test-enable --stop-after-init (under coverage run); the
    # HTTP port lets this machine's other Odoo servers be, TEST_TAGS narrows a run.
    log "Odoo suite: installing tracking_connector in $DB and running its tests"
    set +e
    ODOO_COVERAGE_FILE=$([ "$COVERAGE" = 1 ] && echo "$RESULTS/.coverage.odoo") \
        odoo_bin -d "$DB" -i tracking_connector --test-enable --stop-after-init \
        ${TEST_TAGS:+--test-tags "$TEST_TAGS"} --http-port="${TC_TEST_HTTP_PORT:-8169}" \
        >"$ODOO_LOG" 2>&1
    odoo_rc=$?
    set -e
    grep -E ' (ERROR|CRITICAL) |^(FAIL|ERROR):|Traceback' "$ODOO_LOG" | head -60 || true
    stats=$(grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$ODOO_LOG" | tail -1)
    if [ -n "$stats" ]; then
        read -r failed _ errors _ _ total _ <<<"$stats"
        odoo_failed=$((failed + errors))
        odoo_passed=$((total - odoo_failed))
        log "Odoo suite: $stats"
    else
        log "Odoo suite: no test statistics in the log (install failed?)"
        odoo_failed=1
    fi
    install_noise=$(sed -n '1,/Starting post tests/p' "$ODOO_LOG" | grep -E ' (WARNING|ERROR) ' \
        | grep -E 'tracking_connector' || true)
    if [ -n "$install_noise" ]; then
        log "install logged warnings or errors of its own:"
        echo "$install_noise"
        odoo_failed=$((odoo_failed + 1))
    fi
    if [ "$odoo_rc" -ne 0 ] || [ "$odoo_failed" -ne 0 ]; then
        rc=1
    fi
    log "uninstalling tracking_connector from $DB"
    set +e
    echo "env['ir.module.module'].search([('name', '=', 'tracking_connector')]).button_immediate_uninstall(); env.cr.commit()" \
        | ODOO_COVERAGE_FILE=$([ "$COVERAGE" = 1 ] && echo "$RESULTS/.coverage.uninstall") \
            odoo_bin shell -d "$DB" --log-level=warn --no-http >"$RESULTS/uninstall.log" 2>&1
    uninstall_rc=$?
    set -e
    leftovers=$(PGPASSWORD="$TC_DB_PASSWORD" psql -U "$TC_DB_USER" -d "$DB" -tAc \
        "SELECT (SELECT state FROM ir_module_module WHERE name = 'tracking_connector')
                || ' ' || (SELECT count(*) FROM ir_act_window WHERE res_model LIKE 'trackline.%')
                || ' ' || (SELECT count(*) FROM pg_tables WHERE tablename LIKE 'track%')")
    if [ "$uninstall_rc" -ne 0 ] || [ "$leftovers" != "uninstalled 0 0" ] \
            || grep -qE ' (ERROR|CRITICAL) |Traceback' "$RESULTS/uninstall.log"; then
        log "uninstall left: state, actions, tables = $leftovers"
        log "uninstall failed:"
        cat "$RESULTS/uninstall.log"
        odoo_failed=$((odoo_failed + 1))
        rc=1
    else
        odoo_passed=$((odoo_passed + 1))
    fi
    runuser -u postgres -- dropdb -h /var/run/postgresql --if-exists "$DB" >/dev/null 2>&1 || true
    rm -rf "$CACHE_DIR/filestore/filestore/$DB"
fi

if [ "$COVERAGE" = 1 ]; then
    "$PY" -m coverage combine --quiet --rcfile=pyproject.toml --data-file="$RESULTS/.coverage" \
        "$RESULTS"/.coverage.* >/dev/null 2>&1 || true
    if [ -f "$RESULTS/.coverage" ]; then
        "$PY" -m coverage report --rcfile=pyproject.toml --data-file="$RESULTS/.coverage" \
            >"$RESULTS/coverage.txt" 2>&1 || true
        what="the tests that need no Odoo"
        [ "$odoo_ran" = 0 ] || what="$what and the Odoo suite${TEST_TAGS:+ ($TEST_TAGS only)}"
        log "line coverage of the addon's Python by $what (per file: $RESULTS/coverage.txt):"
        "$PY" scripts/coverage_folders.py "$RESULTS/.coverage" pyproject.toml
    fi
fi

echo "tracking_connector: $((pure_passed + odoo_passed)) passed, $((pure_failed + odoo_failed)) failed"
exit $rc
