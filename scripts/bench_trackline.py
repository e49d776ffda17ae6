"""The Trackline part of the benchmark, in a process of its own: PROCESSES processes of
DOCUMENTS files of SIZE bytes each (put in the running sandbox by its ``bench`` control
route), imported with their documents into a new Trackline backend whose
``download_concurrency`` is --bound (1: one call after the other); the sandbox answers each
call after --latency-ms. Prints the figures as JSON.

    python scripts/bench_trackline.py --db DB --config CONF --sandbox URL --bound 4
(run by scripts/bench.sh)"""

import argparse
import resource
import time

import requests
from odoo_driver import odoo_env, print_json


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--sandbox", required=True)
    parser.add_argument("--bound", type=int, required=True)
    parser.add_argument("--processes", type=int, default=100)
    parser.add_argument("--documents", type=int, default=3)
    parser.add_argument("--size", type=int, default=1024 * 1024)
    parser.add_argument("--latency-ms", type=float, default=100)
    args = parser.parse_args()

    control = args.sandbox.rstrip("/") + "/_sandbox/"
    requests.post(control + "trackline/bench", timeout=60, json={
        "processes": args.processes, "documents": args.documents, "size": args.size},
    ).raise_for_status()
    requests.post(control + "network", timeout=10,
                  json={"latency": args.latency_ms / 1000}).raise_for_status()
    remote_ids = [str(20000 + index) for index in range(args.processes)]
    with odoo_env(args.db, args.config) as env:
        from odoo.addons.tracking_connector.sandbox.backends import backend_values

        backend = env["trackline.backend"].create(backend_values(
            "trackline", args.sandbox, name="bench trackline %d %d" % (args.bound, time.time()),
            download_concurrency=args.bound, max_file_size=max(1, args.size // 2**20 + 1)))
        env.cr.commit()
        started = time.perf_counter()
        with backend._sync_run("import processes") as run:
            backend._import_processes(run, backend._make_client(run.stats), remote_ids)
        elapsed = time.perf_counter() - started
        documents = env["trackline.document"].search([("backend_id", "=", backend.id)])
        downloaded = len(documents.filtered(lambda doc: doc.state == "downloaded"))
        state = run.log.state
    requests.post(control + "network", timeout=10, json={}).raise_for_status()
    print_json(
        importer="trackline", bound=args.bound, processes=args.processes,
        documents=args.processes * args.documents, downloaded=downloaded,
        size_mb=round(args.size / 2**20, 2), latency_ms=args.latency_ms, state=state,
        seconds=round(elapsed, 2), api_calls=run.stats.calls,
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1))


if __name__ == "__main__":
    main()
