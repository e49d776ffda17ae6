#!/usr/bin/env bash
# Refresh the translation template i18n/tracking_connector.pot from the installed addon (Odoo's
# own exporter, in a scratch database) and merge it into every i18n/<lang>.po (msgmerge), so
# that translators see the new and changed strings. Run after changing user-visible strings.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_DIR"
have_odoo || { echo "No Odoo 18.0 source tree at $ODOO_SRC" >&2; exit 1; }
ensure_venv
ensure_postgres
ensure_addons_link
DB="tc_i18n_$$"
mkdir -p i18n
# As OCA's CI makes its databases: the addon's dependencies first (with the modules Odoo installs
# with them, such as sms, whose fields the addon's mail.thread models then carry as its own
# terms), then the addon.
depends=$("$PY" -c 'import ast, sys; print(",".join(ast.literal_eval(open(sys.argv[1]).read())["depends"]))' \
    __manifest__.py)
odoo_bin -d "$DB" -i "$depends" --without-demo=all --stop-after-init --log-level=warn --no-http
odoo_bin -d "$DB" -i tracking_connector --without-demo=all --stop-after-init --log-level=warn --no-http
odoo_bin -d "$DB" --modules=tracking_connector --i18n-export=i18n/tracking_connector.pot \
    --stop-after-init --log-level=warn --no-http
runuser -u postgres -- dropdb -h /var/run/postgresql --if-exists "$DB"
rm -rf "$CACHE_DIR/filestore/filestore/$DB"
for po in i18n/*.po; do
    [ -e "$po" ] || continue
    msgmerge --quiet --update --backup=none --no-fuzzy-matching "$po" i18n/tracking_connector.pot
    log "$po: $(msgfmt --statistics -o /dev/null "$po" 2>&1)"
done
