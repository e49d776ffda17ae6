#!/usr/bin/env bash
# The lint command: ruff, then pylint-odoo's checks (.pylintrc) on the addon.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_DIR"
ensure_venv
"$VENV/bin/ruff" check .
"$VENV/bin/pylint" --rcfile=.pylintrc --jobs=1 "$REPO_DIR"
echo "lint: ruff and pylint-odoo found nothing"
