"""One benchmark measurement, in a process of its own (so that its peak memory is its own):
sync N TrackOnline transactions (3 lines each) from a running sandbox into the database,
with the connector's importer or with a naive one, and print the figures as JSON.

    python scripts/bench.py --db DB --sandbox URL --importer connector|naive --n N
(run by scripts/bench.sh, which starts PostgreSQL, the sandbox and a fresh database)"""

import argparse
import resource
import time

from odoo_driver import odoo_env, print_json


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def naive_import(env, backend, client, counts):
    """One search and one create per transaction (and per location or item it names)."""
    transactions = env["trackonline.transaction"]
    locations = env["trackonline.location"]
    items = env["trackonline.item.definition"]

    def ref_id(model, ref):
        if not ref:
            return False
        found = model.search([("backend_id", "=", backend.id), ("number", "=", ref["number"])])
        return (found or model.create(dict(model._stub(ref), backend_id=backend.id))).id

    params = {"CreatedDateFrom": "2025-01-01T00:00:00.000Z",
              "CreatedDateTo": "2027-01-01T00:00:00.000Z"}
    for _number, rows in client.pages("transaction", params):
        for row in rows:
            if transactions.search([("backend_id", "=", backend.id),
                                    ("remote_id", "=", row["id"])]):
                continue
            values = transactions._values(row, {}, lambda message: None)
            for field, key in (("from_location_id", "fromLocation"),
                               ("to_location_id", "toLocation"), ("carrier_id", "carrier")):
                values[field] = ref_id(locations, row.get(key))
            values["backend_id"] = backend.id
            values["line_ids"] = [(0, 0, {
                "item_definition_id": ref_id(items, line["itemDefinition"]),
                "quantity": line["quantity"], "quantity_planned": line["quantityPlanned"],
                "condition": str(line["itemConditionType"]),
            }) for line in row["transactionItems"]]
            transactions.create(values)
            counts["created"] += 1
        env.cr.commit()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--sandbox", required=True)
    parser.add_argument("--importer", choices=("connector", "naive"), required=True)
    parser.add_argument("--n", type=int, required=True)
    args = parser.parse_args()

    with odoo_env(args.db, args.config) as env:
        from odoo.addons.tracking_connector.clients.base import CallStats
        from odoo.addons.tracking_connector.sandbox.backends import backend_values

        # The registry is loaded: what the sync adds from here on is its own.
        baseline = rss_mb()
        backend = env["trackonline.backend"].create(backend_values(
            "trackonline", args.sandbox, name="bench %s %d %d" % (args.importer, args.n,
                                                                  time.time()),
            licence_tier="enterprise", start_date="2025-01-01", window_days=800,
            max_pages=100000))
        env.cr.commit()
        started = time.perf_counter()
        if args.importer == "connector":
            run = backend._sync("transactions")
            calls, created, state = run.stats.calls, run.created, run.log.state
        else:
            stats = CallStats()
            counts = {"created": 0}
            naive_import(env, backend, backend._make_client(stats), counts)
            calls, created, state = stats.calls, counts["created"], "done"
        elapsed = time.perf_counter() - started
        transactions = env["trackonline.transaction"].search_count(
            [("backend_id", "=", backend.id)])
        lines = env["trackonline.transaction.line"].search_count(
            [("backend_id", "=", backend.id)])
    print_json(
        importer=args.importer, n=args.n, state=state, seconds=round(elapsed, 2),
        tx_per_s=round(transactions / elapsed, 1), transactions=transactions, lines=lines,
        api_calls=calls,
        # Every full page of 50, then the short or empty (204) page that ends the list.
        pages=args.n // 50 + 1,
        peak_rss_mb=round(rss_mb(), 1), sync_rss_mb=round(rss_mb() - baseline, 1),
        created=created,
    )


if __name__ == "__main__":
    main()
