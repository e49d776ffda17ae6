#!/usr/bin/env bash
# The README generator: README.rst and static/description/index.html (what Odoo's Apps show)
# written from the fragments in readme/*.rst and the manifest by gen-odoo-readme (a fork of
# OCA's oca-gen-addon-readme), pinned in scripts/requirements-readme.txt and run from a small
# virtualenv of its own (built once). The lint runs it as a pre-commit hook, which fails when
# it changed either file: edit readme/*.rst, never README.rst.
#   scripts/readme.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_DIR"
req="$REPO_DIR/scripts/requirements-readme.txt"
venv="$CACHE_DIR/venv-readme-$(sha1sum "$req" | cut -c1-12)"
if [ ! -x "$venv/bin/gen-readme" ] || [ ! -f "$venv/.complete" ]; then
    log "building the virtualenv $venv (the README generator, once)"
    rm -rf "$venv" && mkdir -p "$CACHE_DIR" && python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req" \
        >"$CACHE_DIR/pip-readme.log" 2>&1 || { cat "$CACHE_DIR/pip-readme.log" >&2; exit 1; }
    touch "$venv/.complete"
fi
# The tool takes an addon as a folder of an addons folder: this checkout, from its parent.
# Its checks: the manifest's author, a DESCRIPTION of 40 words at least, the icon; and a
# contributor with an e-mail address, which this project's list does not give (that one
# message is left out, any other fails).
set +e
out=$("$venv/bin/gen-readme" --addons="$(dirname "$REPO_DIR")" \
    --author="tracking_connector developers" --org-name="tracking_connector" \
    --website="static/description" "$(basename "$REPO_DIR")/__manifest__.py" 2>&1)
set -e
problems=$(printf '%s\n' "$out" | grep -v -e 'readme/CONTRIBUTORS.rst has no' \
    -e '^identification please add one' -e "^i.e. '\* Your Name <your@email.com>'" \
    | grep -v '^$' || true)
if [ -n "$problems" ]; then
    printf '%s\n' "$problems" >&2
    exit 1
fi
