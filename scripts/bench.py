"""One benchmark measurement, in a process of its own (so that its peak memory is its own):
N TrackOnline transactions (3 lines each) from a running sandbox, by one of

- ``connector``: the connector's sync (``backend._sync("transactions")``);
- ``orm``: the ORM bound: the same rows, read and mapped before the clock starts, stored with
  the same models by one ``create()`` per page and a commit, no HTTP;
- ``network``: the network bound: the same pages fetched by the connector's client (its call
  budget bookkeeping included), nothing stored;
- ``naive``: one search and one create per transaction (and per location or item it names),
  for comparison;

and print the figures as JSON.

    python scripts/bench.py --db DB --config CONF --sandbox URL --importer NAME --n N
(run by scripts/bench.sh, which starts PostgreSQL, the sandbox and a fresh database)"""

import argparse
import resource
import time

from odoo_driver import odoo_env, print_json

PARAMS = {"CreatedDateFrom": "2025-01-01T00:00:00.000Z",
          "CreatedDateTo": "2027-01-01T00:00:00.000Z"}


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Quiet:
    """The part of a sync run the importer's helpers ask for, saying nothing."""

    def warn(self, message):
        pass


def connector_sync(backend):
    """The connector's sync, run again until the list is read to the end (a run stops when
    the licence's budget of calls is spent for longer than it may wait, and goes on where it
    stopped, as the scheduled action would do). Returns the calls, the transactions
    created, the last run's state, the runs and the seconds spent waiting for the budget."""
    from odoo.addons.tracking_connector.clients.base import CallStats

    stats, created, runs, waited = CallStats(), 0, 0, 0.0
    while True:
        run = backend._sync("transactions")
        runs += 1
        stats.calls += run.stats.calls
        stats.rate_limited += run.stats.rate_limited
        created += run.created
        state = run.log.state
        if run.retry_after:
            started = time.perf_counter()
            time.sleep(run.retry_after)
            waited += time.perf_counter() - started
        elif not run.more or state == "failed":
            return stats, created, state, runs, waited


def naive_import(env, backend, client):
    """One search and one create per transaction (and per location or item it names)."""
    from odoo.addons.tracking_connector.mappings.fields import Ref
    from odoo.addons.tracking_connector.mappings.trackonline import TRANSACTION

    transactions = env["trackonline.transaction"]

    def ref_id(ref):
        model = env[ref.model]
        found = model.search([("backend_id", "=", backend.id), (ref.by, "=", ref.key)])
        return (found or model.create(dict(model._stub_entity.stub(ref.embedded),
                                           backend_id=backend.id))).id

    def resolved(value):
        return ref_id(value) if isinstance(value, Ref) else value

    created = 0
    for _number, rows in client.pages("transaction", PARAMS):
        for row in rows:
            if transactions.search([("backend_id", "=", backend.id),
                                    ("remote_id", "=", str(row["id"]))]):
                continue
            values = {name: resolved(value) for name, value in TRANSACTION.read(row).items()}
            values["line_ids"] = [(0, 0, {name: resolved(value) for name, value
                                          in command[2].items()})
                                  for command in values["line_ids"] if command[0] == 0]
            transactions.create(dict(values, backend_id=backend.id))
            created += 1
        env.cr.commit()
    return created


def orm_bound(env, backend, client):
    """The pages read and mapped (their locations and items stored) before the clock
    starts; timed: one ``create()`` per page and its commit. Returns (seconds, created)."""
    from odoo.addons.tracking_connector.mappings.trackonline import TRANSACTION

    pages = []
    for _number, rows in client.pages("transaction", PARAMS):
        values_list = backend._resolve_refs(Quiet(), [TRANSACTION.read(row) for row in rows])
        pages.append([dict(values, backend_id=backend.id) for values in values_list])
    env.cr.commit()
    transactions = env["trackonline.transaction"].with_context(
        tracking_disable=True)  # the context of the connector's create()
    started = time.perf_counter()
    for values_list in pages:
        transactions.create(values_list)
        env.cr.commit()
    return time.perf_counter() - started, sum(len(page) for page in pages)


def network_bound(client):
    """Every page fetched, nothing stored."""
    return sum(len(rows) for _number, rows in client.pages("transaction", PARAMS))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--sandbox", required=True)
    parser.add_argument("--importer", choices=("connector", "orm", "network", "naive"),
                        required=True)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--latency-ms", type=float, default=0, help="for the record")
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
        stats = CallStats()
        started = time.perf_counter()
        state = "done"
        runs, waited = 1, 0.0
        if args.importer == "connector":
            stats, created, state, runs, waited = connector_sync(backend)
        elif args.importer == "naive":
            created = naive_import(env, backend, backend._make_client(stats))
        elif args.importer == "network":
            created = network_bound(backend._make_client(stats))
        elif args.importer == "orm":
            elapsed, created = orm_bound(env, backend, backend._make_client(stats))
        if args.importer != "orm":
            elapsed = time.perf_counter() - started - waited
        stored = env["trackonline.transaction"].search_count([("backend_id", "=", backend.id)])
    print_json(
        importer=args.importer, n=args.n, latency_ms=args.latency_ms, state=state,
        seconds=round(elapsed, 2), tx_per_s=round(args.n / elapsed, 1),
        # runs of the sync to the end of the list, and the seconds they waited for the
        # licence's call budget (left out of ``seconds``)
        runs=runs, budget_wait_s=round(waited, 1),
        stored=stored, created=created,
        # the ORM bound's calls are made before its clock starts
        api_calls=0 if args.importer == "orm" else stats.calls,
        # Every full page of 50, then the short or empty (204) page that ends the list.
        pages=args.n // 50 + 1,
        peak_rss_mb=round(rss_mb(), 1), sync_rss_mb=round(rss_mb() - baseline, 1),
    )


if __name__ == "__main__":
    main()
