"""The driver of scripts/upgrade.sh: data made by an earlier version, and the check that an
update in place kept it.

- ``prepare`` (run with the earlier version's code): backends of the four systems against
  the sandbox, their data synced (TrackOnline transactions only in part, so that the cursor
  stands mid-way), an item to retry; then a snapshot of every stored row of the addon's
  models and of their attachments, written to --snapshot.
- ``verify`` (run with this checkout's code, after ``odoo-bin -u``): the same snapshot taken
  again and compared with the earlier one, row by row and field by field (the fields both
  versions store, or a backend inherits from its ``tracking.backend`` since 18.0.2.0.0; a
  reference to a backend compared by the backend's name, so that a row may point at its
  backend another way; the call counters of calendar minutes, which 18.0.2.1.0 deletes,
  left out); then the next TrackOnline transactions sync, which must
  go on from its cursor: it creates the transactions not read yet and reads none again.
  Prints one line "ok: ..." or "FAILED: ..." per check, then "verified".

Only public buttons and long-lived methods of the models are called on the new code."""

import argparse
import json

from odoo_driver import odoo_env

SIMPLE = {"char", "text", "integer", "float", "boolean", "selection", "date", "datetime",
          "monetary", "json", "html"}
BACKENDS = ("trackline.backend", "trackonline.backend", "opuscapita.backend",
            "sage50.backend")
LEFT_OUT = {"create_date", "write_date", "create_uid", "write_uid", "backend_model"}
TRANSACTION_PAGES = 2  # pages of 50 the earlier version reads before the update


def addon_models(env):
    """The addon's models that own a table."""
    return sorted(name for name, model in env.registry.items()
                  if model._original_module == "tracking_connector" and model._auto
                  and not model._abstract and not model._transient)


def backend_name(env, model, record_id):
    return env[model].browse(record_id).exists().name if model and record_id else None


def value_of(env, record, field):
    """A field's stored value as text; a backend by its name."""
    if field.type == "many2one_reference" or field.name == "backend_id":
        if field.type == "many2one":
            return "backend:%s" % (record[field.name].name or "")
        return "backend:%s" % (backend_name(env, record[field.model_field], record[field.name])
                               or "")
    if field.type == "many2one":
        if field.comodel_name in BACKENDS:
            return "backend:%s" % (record[field.name].name or "")
        return record[field.name].id or None
    value = record[field.name]
    if field.type == "json":
        return json.dumps(value, sort_keys=True, default=str)
    return str(value) if value not in (False, None) else None


def snapshot(env):
    models = {}
    for name in addon_models(env):
        model = env[name].sudo().with_context(active_test=False, lang="en_US")
        fields = [field for field in model._fields.values()
                  if (field.store or field.inherited) and field.name not in LEFT_OUT
                  and field.name != "id"
                  and (field.type in SIMPLE or field.type in ("many2one", "many2one_reference"))]
        rows = {}
        for record in model.search([], order="id"):
            rows[str(record.id)] = {field.name: value_of(env, record, field) for field in fields}
        models[name] = rows
    attachments = env["ir.attachment"].sudo().search(
        [("res_model", "in", list(models)), ("res_field", "=", False)], order="id")
    return {"models": models, "attachments": {
        str(a.id): [a.res_model, a.res_id, a.name, a.checksum] for a in attachments}}


def prepare(env, args):
    values = json.loads(args.backends)
    sage50 = json.loads(args.sage50)

    def backend(system, **more):
        model = env["%s.backend" % system]
        given = {**values[system], "name": "upgrade %s" % system, **more}
        return model.create({key: value for key, value in given.items() if key in model._fields})

    trackonline = backend("trackonline", licence_tier="enterprise", start_date="2025-01-01",
                          window_days=800, max_pages=TRANSACTION_PAGES)
    for resource in ("locations", "item_definitions", "transactions"):
        trackonline._sync(resource)
    env.cr.commit()
    trackline = backend("trackline")
    with trackline._sync_run("import processes") as run:
        client = trackline._make_client(run.stats)
        for process_id in ("10000", "10001", "10002"):
            trackline._import_process(run, client, process_id=process_id)
    env.cr.commit()
    backend("opuscapita", start_date="2026-03-01", window_days=7, max_pages=2)._sync_events()
    env.cr.commit()
    sage = backend("sage50", secret=sage50["secret"], developer_id=sage50["developer_id"],
                   application_id=sage50["application_id"], onboarding_state="approved")
    env.cr.commit()  # the key is saved on a cursor of its own: the backend must be there
    sage._store_key(sage50["key"])
    downloads = env["sage50.download"]
    for scope in ("Customers", "Items"):
        downloads._notify(sage, scope, None)
    env.cr.commit()
    downloads.search([("backend_id", "=", sage.id), ("state", "=", "pending")])._fetch(sage)
    env.cr.commit()
    if "tracking.failed.unit" in env:  # versions of items to retry (not 30 Nov's)
        units = env["tracking.failed.unit"]
        owner = ({"backend_model": trackonline._name, "backend_id": trackonline.id}
                 if "backend_model" in units._fields  # before the one backend record
                 else {"backend_id": trackonline.tracking_backend_id.id})
        units.create({
            **owner,
            "backend_name": trackonline.display_name, "company_id": trackonline.company_id.id,
            "resource": "transactions", "remote_key": "kept-before-the-update",
            "payload": json.dumps({"id": "kept-before-the-update"}),
            "error": "kept by the upgrade test", "attempts": 1, "state": "retry"})
    env.cr.commit()
    with open(args.snapshot, "w") as file:
        json.dump(snapshot(env), file)


def verify(env, args):
    with open(args.snapshot) as file:
        before = json.load(file)
    after = snapshot(env)
    counts = {name: len(rows) for name, rows in before["models"].items() if rows}
    print("rows before the update: %s" % json.dumps(counts, sort_keys=True))
    ok = True

    def check(name, good, detail=""):
        nonlocal ok
        ok = ok and good
        print("%s: %s%s" % ("ok" if good else "FAILED", name, "" if good else " (%s)" % detail))

    for name, rows in sorted(before["models"].items()):
        if name == "tracking.rate.counter":  # 18.0.2.1.0 deletes the calendar minutes' ones
            rows = {key: row for key, row in rows.items() if row["period"] != "minute"}
        now = after["models"].get(name)
        if now is None:
            check("%s still there" % name, not rows, "a model with %d rows is gone" % len(rows))
            continue
        lost = sorted(set(rows) - set(now), key=int)
        changed = []
        for record_id, values in rows.items():
            if record_id in now:
                changed += ["%s %s: %r -> %r" % (record_id, field, value, now[record_id][field])
                            for field, value in values.items()
                            if field in now[record_id] and now[record_id][field] != value]
        check("%s: %d rows kept with their values" % (name, len(rows)),
              not lost and not changed,
              "lost ids %s; changed %s" % (lost[:5], changed[:5]))
    lost = {key: value for key, value in before["attachments"].items()
            if after["attachments"].get(key) != value}
    check("%d attachments kept, content included" % len(before["attachments"]), not lost,
          json.dumps(list(lost.values())[:3]))

    if "trackonline.transaction.month" in env:  # the items by month, filled at the update
        env.cr.execute("""
            (SELECT backend_id, month, type_code, status_code, item_definition_id, quantity,
                    line_count FROM trackonline_transaction_month
             EXCEPT SELECT backend_id, date_trunc('month', date_transaction)::date, type_code,
                    status_code, item_definition_id, SUM(COALESCE(quantity, 0)), COUNT(*)
               FROM trackonline_transaction_line GROUP BY 1, 2, 3, 4, 5)
            UNION ALL
            (SELECT backend_id, date_trunc('month', date_transaction)::date, type_code,
                    status_code, item_definition_id, SUM(COALESCE(quantity, 0)), COUNT(*)
               FROM trackonline_transaction_line GROUP BY 1, 2, 3, 4, 5
             EXCEPT SELECT backend_id, month, type_code, status_code, item_definition_id,
                    quantity, line_count FROM trackonline_transaction_month)""")
        differ = env.cr.fetchall()
        check("the items by month filled at the update", not differ, differ[:3])
    if "tracking.record.count" in env:  # the dashboard's records counted, filled at the update
        from odoo.addons.tracking_connector.models.tracking_backend import MAIN_RECORDS

        counted = " UNION ALL ".join(
            "SELECT b.tracking_backend_id, r.company_id FROM %s r JOIN %s b ON b.id = r.backend_id"
            % (env[model]._table, env[backend_model]._table)
            for backend_model, (model, _action) in MAIN_RECORDS.items())
        env.cr.execute("""
            SELECT backend_id, company_id, COUNT(*) FROM (%s) AS u (backend_id, company_id)
             GROUP BY 1, 2 ORDER BY 1, 2""" % counted)
        records = env.cr.fetchall()
        env.cr.execute("""SELECT backend_id, company_id, record_count FROM tracking_record_count
                           ORDER BY 1, 2""")
        kept = env.cr.fetchall()
        check("the records counted by backend filled at the update (%d backends, %d records)"
              % (len(kept), sum(row[2] for row in kept)), records and kept == records,
              "kept %s, counted %s" % (kept[:4], records[:4]))
        env.cr.execute("""SELECT COUNT(*) FROM trackonline_location_year y
                            JOIN trackonline_location l ON l.id = y.location_id
                           WHERE y.location_type IS DISTINCT FROM l.type""")
        wrong = env.cr.fetchone()[0]
        env.cr.execute("SELECT COUNT(*) FROM trackonline_location_year")
        check("the items by location carry their location's type", not wrong,
              "%d rows of %d" % (wrong, env.cr.fetchone()[0]))
        saved = env.ref("tracking_connector.filter_trackonline_line_location_item")
        check("Items by Location's Favorite opens on this year by location type",
              "'pivot_row_groupby': ['location_type']" in saved.context
              and "'year'" in saved.domain, "%s %s" % (saved.domain, saved.context))
    # The shared Favorites (noupdate) of the analysis views chart what their names say.
    charts = {"filter_opuscapita_event_day": "'graph_measure': 'error_rate'",
              "filter_sync_log_day_backend": "'graph_groupbys': ['started_at:day', 'state']"}
    for xmlid, key in charts.items():
        context = env.ref("tracking_connector." + xmlid).context
        check("the Favorite %s charts %s" % (xmlid, key), key in context, context)
    trackonline = env["trackonline.backend"].search([("name", "=", "upgrade trackonline")])
    transactions = env["trackonline.transaction"].with_context(active_test=False)
    had = transactions.search_count([("backend_id", "=", trackonline.id)])
    trackonline.max_pages = 100000
    trackonline.action_sync_transactions()
    env.cr.commit()
    log = env["tracking.sync.log"].search([("operation", "=", "sync transactions")],
                                          order="id desc", limit=1)
    has = transactions.search_count([("backend_id", "=", trackonline.id)])
    check("the next sync goes on from the cursor: %d read before, %d after" % (had, has),
          0 < had < args.transactions and has == args.transactions
          and (log.state, log.created_count, log.updated_count, log.skipped_count)
          == ("done", args.transactions - had, 0, 0),
          "run %s: %s created, %s updated, %s skipped" % (
              log.state, log.created_count, log.updated_count, log.skipped_count))
    if ok:
        print("verified")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("stage", choices=("prepare", "verify"))
    parser.add_argument("--db", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--snapshot", required=True)
    parser.add_argument("--backends", default="{}", help="prepare: JSON of backend values")
    parser.add_argument("--sage50", default="{}", help="prepare: JSON of the Sage 50 app")
    parser.add_argument("--transactions", type=int, default=0,
                        help="verify: the sandbox's TrackOnline transactions")
    args = parser.parse_args()
    with odoo_env(args.db, args.config) as env:
        (prepare if args.stage == "prepare" else verify)(env, args)


if __name__ == "__main__":
    main()
