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
# gen-odoo-readme's template writes its section titles, its table of contents' title and its
# closing line in Spanish, with no option to change them, and its table of contents as
# ":local:" under the title (empty: the sections are the title's siblings). Put both in
# English and list every section, then let the tool make index.html again from that README.
"$venv/bin/python" - "$REPO_DIR/README.rst" <<'PY'
import sys

from tools.gen_readme import gen_one_addon_index

ENGLISH = [("**Tabla de contenidos**\n\n.. contents::\n   :local:\n",
            ".. contents::\n   :depth: 1\n"),
           ("Instalación", "Installation"), ("Configuración", "Configuration"), ("Uso", "Usage"),
           ("Problemas conocidos / Hoja de ruta", "Known issues / Roadmap"),
           ("Log de cambios", "Changelog"), ("Desarrolladores", "Contributors"),
           ("Otros créditos", "Other credits"), ("Desarrollo", "Development"),
           ("Este módulo es mantenido por", "This module is maintained by")]
path = sys.argv[1]
with open(path, encoding="utf8") as readme:
    lines = readme.read().split("\n")
# Section titles are whole lines (their over- and underlines are rewritten to their length).
titles = {spanish: english for spanish, english in ENGLISH if "\n" not in spanish}
out = []
for index, line in enumerate(lines):
    if line in titles:
        english = titles[line]
        if out and set(out[-1]) == {"="}:
            out[-1] = "=" * len(english)
        out.append(english)
        continue
    if index and lines[index - 1] in titles and line and set(line) == {"="}:
        out.append("=" * len(titles[lines[index - 1]]))
        continue
    out.append(line)
text = "\n".join(out)
for spanish, english in ENGLISH:
    if "\n" in spanish or spanish.startswith("Este"):
        text = text.replace(spanish, english)
with open(path, "w", encoding="utf8") as readme:
    readme.write(text)
gen_one_addon_index(path)
# Odoo's Apps show index.html with an image's path made /<addon>/static/description/<path>
# unless it holds "static/" (ir.module.module._get_desc): the README's paths, right on
# GitHub, are given to Apps relative to static/description/, links to the addon's files.
index = path.replace("README.rst", "static/description/index.html")
with open(index, encoding="utf8") as html:
    page = html.read()
page = page.replace('src="static/description/', 'src="').replace(
    'href="static/description/', 'href="/tracking_connector/static/description/')
with open(index, "w", encoding="utf8") as html:
    html.write(page)
PY
