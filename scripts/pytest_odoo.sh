#!/usr/bin/env bash
# Run Odoo test files with pytest-odoo while developing, against a database where the addon
# is installed (default: the demo database):  scripts/pytest_odoo.sh tests/test_trackline.py
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
DB=${PYTEST_DB:-tracking_demo}
have_odoo || { echo "No Odoo 18.0 source tree at $ODOO_SRC: set ODOO_SRC." >&2; exit 1; }
ensure_venv
ensure_postgres
ensure_addons_link
CONFIG="$CACHE_DIR/pytest-odoo.conf"
write_odoo_config "$CONFIG"
# pytest-odoo names the module after the folder: give the paths through the symlink, from
# outside it.
paths=()
for path in "${@:-tests}"; do
    paths+=("$ADDONS_DIR/tracking_connector/${path#./}")
done
cd "$CACHE_DIR"
PYTHONPATH="$ODOO_SRC" exec "$PY" -m pytest -q -p no:cacheprovider --odoo-database="$DB" \
    --odoo-config="$CONFIG" "${paths[@]}"
