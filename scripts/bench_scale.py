"""The scale benchmark's driver (scripts/bench_scale.sh): years of data, and the screens people
open every day timed on them.

- ``load``: the database bulk-loaded in SQL (``generate_series``, a few minutes for
  1,000,000 transactions): one TrackOnline backend with --locations locations (of seven
  types), 20 item definitions, --transactions transactions of 3 items each over three years,
  --logs run logs, --units items to retry done, and an OpusCapita backend with --events
  events.
- ``screens``: each screen opened as the web client opens it (the filters its action turns
  on, then the calls of its first view: a list's first page and count, a kanban's, a pivot's
  four groupings, a graph's one), on a
  fresh cache each time, 5 times after one warm-up; the median of each printed as JSON. The
  balance statement of the busiest location is rendered (HTML: the PDF's own work is
  wkhtmltopdf's) the same way.
- ``sync``: a TrackOnline transaction sync of --pages pages from the sandbox by a backend of
  its own; its seconds and SQL statements per page printed as JSON.

    python scripts/bench_scale.py load --db DB --config CONF --transactions N
    python scripts/bench_scale.py screens --db DB --config CONF
    python scripts/bench_scale.py sync --db DB --config CONF --sandbox URL
"""

import argparse
import statistics
import time
from datetime import date

from dateutil.relativedelta import relativedelta
from lxml import etree
from odoo_driver import odoo_env, print_json

# What a user opens daily: the action, by its XML id.
SCREENS = {
    "dashboard": "action_tracking_dashboard",
    "run log list": "action_tracking_sync_log",
    "transactions list": "action_trackonline_transaction",
    "locations list": "action_trackonline_location",
    "events list": "action_opuscapita_event",
    "transaction items by month (pivot)": "action_trackonline_transaction_month",
    "transaction items by location (pivot)": "action_trackonline_location_year",
    "transaction items one by one (list)": "action_trackonline_transaction_line",
    "events analysis (pivot)": "action_opuscapita_event_analysis",
    "sync health (graph)": "action_tracking_sync_log_analysis",
}
REPEAT = 5


def load(env, args):
    cr = env.cr
    company = env.company.id
    trackonline = env["trackonline.backend"].create({
        "name": "scale", "base_url": "http://127.0.0.1:1/trackonline/api/v1",
        "api_key": "scale", "licence_tier": "enterprise", "start_date": "2024-01-01"})
    opuscapita = env["opuscapita.backend"].create({
        "name": "scale", "environment": "custom", "base_url": "http://127.0.0.1:1/opuscapita",
        "start_date": "2024-01-01"})
    env.flush_all()
    started = time.perf_counter()
    cr.execute("""
        INSERT INTO trackonline_location (backend_id, company_id, remote_id, number, name, type)
        SELECT %(b)s, %(c)s, 'L' || n, 'LOC-' || n, 'Location ' || n,
               (ARRAY['1', '2', '4', '5', '7', '11', '12'])[1 + n %% 7]
          FROM generate_series(1, %(n)s) n""", {"b": trackonline.id, "c": company,
                                                 "n": args.locations})
    cr.execute("""
        INSERT INTO trackonline_item_definition (backend_id, company_id, remote_id, number,
                                                 name, base_price)
        SELECT %(b)s, %(c)s, 'I' || n, 'ITEM-' || n, 'Crate ' || n, n
          FROM generate_series(1, 20) n""", {"b": trackonline.id, "c": company})
    cr.execute("SELECT min(id), max(id) FROM trackonline_location WHERE backend_id = %s",
               (trackonline.id,))
    first_location, last_location = cr.fetchone()
    cr.execute("SELECT min(id) FROM trackonline_item_definition WHERE backend_id = %s",
               (trackonline.id,))
    first_item = cr.fetchone()[0]
    # Three years of transactions: from and to locations spread (location 1 the busiest: a
    # depot in one transaction of a hundred), types and statuses of the document's lists.
    cr.execute("""
        INSERT INTO trackonline_transaction (
            backend_id, company_id, remote_id, transaction_number, type_code, status_code,
            from_location_id, to_location_id, date_transaction, created_on, quantity_total,
            is_processed, is_deleted)
        SELECT %(b)s, %(c)s, 'T' || n, 'TX-' || n,
               (ARRAY['60', '65', '70', '55'])[1 + n %% 4],
               (ARRAY['35', '35', '35', '30'])[1 + n %% 4],
               CASE WHEN n %% 100 = 0 THEN %(l0)s ELSE %(l0)s + 1 + n %% (%(l1)s - %(l0)s) END,
               %(l0)s + 1 + (n * 7) %% (%(l1)s - %(l0)s),
               now() - (n %% 1095) * interval '1 day', now() - (n %% 1095) * interval '1 day',
               30, n %% 4 != 3, false
          FROM generate_series(1, %(n)s) n""",
               {"b": trackonline.id, "c": company, "n": args.transactions,
                "l0": first_location, "l1": last_location})
    cr.execute("""
        INSERT INTO trackonline_transaction_line (
            transaction_id, backend_id, company_id, sequence, item_definition_id, quantity,
            from_location_id, to_location_id, date_transaction, type_code, status_code)
        SELECT t.id, t.backend_id, t.company_id, s, %(i)s + (t.id + s) %% 20, 10,
               t.from_location_id, t.to_location_id, t.date_transaction, t.type_code,
               t.status_code
          FROM trackonline_transaction t, generate_series(1, 3) s
         WHERE t.backend_id = %(b)s""", {"b": trackonline.id, "i": first_item})
    cr.execute("""
        INSERT INTO opuscapita_event (backend_id, company_id, remote_id, document_type,
                                      document_number, status, event_time, is_error)
        SELECT %(b)s, %(c)s, 'E' || n, 'DESADV', 'D-' || n,
               CASE WHEN n %% 20 = 0 THEN 'ERROR' ELSE 'DELIVERED' END,
               now() - (n %% 1095) * interval '1 day', n %% 20 = 0
          FROM generate_series(1, %(n)s) n""", {"b": opuscapita.id, "c": company,
                                                 "n": args.events})
    cr.execute("""
        INSERT INTO tracking_sync_log (backend_id, backend_name, company_id, operation, state,
                                       started_at, ended_at, duration, created_count,
                                       api_calls, failed_run_count)
        SELECT %(shared)s, 'scale', %(c)s,
               (ARRAY['sync transactions', 'sync locations', 'fetch save results'])[1 + n %% 3],
               CASE WHEN n %% 50 = 0 THEN 'failed' ELSE 'done' END,
               now() - (n * interval '15 minutes'), now() - (n * interval '15 minutes'),
               2.5, 50, 10, CASE WHEN n %% 50 = 0 THEN 1 ELSE 0 END
          FROM generate_series(1, %(n)s) n""", {"shared": trackonline.tracking_backend_id.id,
                                                 "c": company, "n": args.logs})
    cr.execute("""
        INSERT INTO tracking_failed_unit (backend_id, backend_name, company_id, kind, resource,
                                          remote_key, state, state_order, attempts,
                                          write_date, create_date)
        SELECT %(shared)s, 'scale', %(c)s, 'row', 'transactions',
               'T' || n, 'done', 3, 1, now() - (n %% 1095) * interval '1 day',
               now() - (n %% 1095) * interval '1 day'
          FROM generate_series(1, %(n)s) n""", {"shared": trackonline.tracking_backend_id.id,
                                                 "c": company, "n": args.units})
    cr.execute("ANALYZE")
    env.cr.commit()
    cr.execute("SELECT pg_database_size(current_database())")
    size = cr.fetchone()[0]
    print_json(stage="load", transactions=args.transactions, seconds=round(
        time.perf_counter() - started, 1), database_mb=round(size / 2**20))


def calls_of(env, xmlid):
    """The calls the web client makes to show the first view of the action ``xmlid``."""
    from odoo.tools.safe_eval import safe_eval

    action = env.ref("tracking_connector.%s" % xmlid)
    model = env[action.res_model]
    names = {"context_today": date.today, "relativedelta": relativedelta}
    domain = safe_eval(action.domain or "[]", names)
    view_type = action.view_mode.split(",")[0]
    views = model.get_views([(False, view_type), (False, "search")])
    # As the web client: the action's shared default favourite (its domain and groupings),
    # else the filters the action turns on (``search_default_<name>``).
    favourite = env["ir.filters"].search([("action_id", "=", action.id),
                                          ("is_default", "=", True), ("user_id", "=", False)],
                                         limit=1)
    grouping = {}
    if favourite:
        domain = domain + safe_eval(favourite.domain or "[]", names)
        grouping = safe_eval(favourite.context or "{}", names)
    else:
        context = safe_eval(action.context or "{}", names)
        search = etree.fromstring(views["views"]["search"]["arch"])
        for node in search.iter("filter"):
            if context.get("search_default_%s" % node.get("name")) and node.get("domain"):
                domain = domain + safe_eval(node.get("domain"), names)
    arch = etree.fromstring(views["views"][view_type]["arch"])
    fields = model._fields
    if view_type in ("list", "kanban"):
        names = list(dict.fromkeys(node.get("name") for node in arch.iter("field")))
        spec = {name: ({"fields": {"display_name": {}}} if fields[name].type == "many2one"
                       else {}) for name in names if name in fields}
        limit = 80 if view_type == "list" else 40
        if grouping.get("group_by"):
            return [lambda: model.web_read_group(domain, list(spec), grouping["group_by"][:1],
                                                 limit=80, lazy=True)]
        return [lambda: model.web_search_read(domain, spec, limit=limit, count_limit=10001,
                                              order=arch.get("default_order") or "")]
    measures = ["%s:sum" % node.get("name") for node in arch.iter("field")
                if node.get("type") == "measure"] or ["__count"]
    groups = {"row": [], "col": []}
    for node in arch.iter("field"):
        if node.get("type") in ("row", "col") or (view_type == "graph"
                                                    and node.get("type") != "measure"):
            name = node.get("name") + (":%s" % node.get("interval") if node.get("interval")
                                       else "")
            groups["col" if node.get("type") == "col" else "row"].append(name)
    if grouping:
        measures = ["%s:sum" % name if name != "__count" else name
                    for name in grouping.get("pivot_measures", [])] or measures
        groups = {"row": grouping.get("pivot_row_groupby") or grouping.get(
                      "graph_groupbys") or grouping.get("group_by") or groups["row"],
                  "col": grouping.get("pivot_column_groupby", [])}
    if view_type == "graph":
        sets = [groups["row"] + groups["col"]]
    else:
        sets = [groups["row"] + groups["col"], groups["row"], groups["col"], []]
    return [lambda groupby=groupby: model.read_group(domain, measures, groupby, lazy=False)
            for groupby in sets]


def median_ms(env, calls):
    """Median milliseconds (of ``REPEAT`` after one warm-up) of ``calls`` made in a row,
    the cache emptied first, and of the slowest call alone."""
    totals, slowest = [], []
    for attempt in range(REPEAT + 1):
        env.invalidate_all()
        each = []
        for call in calls:
            started = time.perf_counter()
            call()
            each.append(time.perf_counter() - started)
        if attempt:
            totals.append(sum(each))
            slowest.append(max(each))
    return (round(statistics.median(totals) * 1000, 1),
            round(statistics.median(slowest) * 1000, 1))


def screens(env, args):
    env = env(user=env.ref("base.user_admin").id)
    env.cr.execute("SELECT count(*) FROM trackonline_transaction")
    transactions = env.cr.fetchone()[0]
    for screen, xmlid in SCREENS.items():
        calls = calls_of(env, xmlid)
        view, call = median_ms(env, calls)
        print_json(stage="screens", transactions=transactions, screen=screen,
                   calls=len(calls), view_ms=view, call_ms=call)
    env.cr.execute("""SELECT from_location_id FROM trackonline_transaction
                    GROUP BY 1 ORDER BY count(*) DESC LIMIT 1""")
    busiest = env.cr.fetchone()
    if busiest:
        location = env["trackonline.location"].browse(busiest[0])
        report = env.ref("tracking_connector.action_report_balance_statement")
        view, call = median_ms(env, [lambda: env["ir.actions.report"]._render_qweb_html(
            report, location.ids)])
        print_json(stage="screens", transactions=transactions, screen="balance statement",
                   calls=1, view_ms=view, call_ms=call)


def sync(env, args):
    from odoo.addons.tracking_connector.sandbox.backends import backend_values

    backend = env["trackonline.backend"].create(backend_values(
        "trackonline", args.sandbox, name="scale sync %d" % time.time(),
        licence_tier="enterprise", start_date="2025-01-01", window_days=800,
        max_pages=args.pages))
    env.cr.commit()
    statements = {"n": 0}
    execute = type(env.cr).execute

    def counted(cr, *a, **k):
        statements["n"] += 1
        return execute(cr, *a, **k)

    type(env.cr).execute = counted
    try:
        started = time.perf_counter()
        run = backend._sync("transactions")
        seconds = time.perf_counter() - started
    finally:
        type(env.cr).execute = execute
    pages = max(1, run.stats.calls)
    print_json(stage="sync", state=run.log.state, created=run.created, pages=pages,
               ms_per_page=round(seconds * 1000 / pages, 1),
               statements_per_page=round(statements["n"] / pages, 1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("stage", choices=("load", "screens", "sync"))
    parser.add_argument("--db", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--locations", type=int, default=5000)
    parser.add_argument("--logs", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--sandbox", default="")
    parser.add_argument("--pages", type=int, default=20)
    args = parser.parse_args()
    with odoo_env(args.db, args.config) as env:
        {"load": load, "screens": screens, "sync": sync}[args.stage](env, args)


if __name__ == "__main__":
    main()
