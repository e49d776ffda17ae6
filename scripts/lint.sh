#!/usr/bin/env bash
# The lint command: pre-commit with the hooks of .pre-commit-config.yaml (OCA's addon and .po
# checks, pylint-odoo with .pylintrc, ruff, XML/TOML/YAML well-formedness, the usual file checks,
# and README.rst and static/description/index.html against readme/*.rst), all of them local
# hooks running the virtualenvs' pinned tools: no network needed once they are built.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_DIR"
ensure_venv
export PATH="$VENV/bin:$PATH"
# pre-commit keeps its own state here (local hooks need no environment of their own).
export PRE_COMMIT_HOME="$CACHE_DIR/pre-commit"
pre-commit run --all-files --show-diff-on-failure --color=never
echo "lint: pre-commit (OCA's checks, pylint-odoo, ruff, XML and file checks, the README) found nothing"
