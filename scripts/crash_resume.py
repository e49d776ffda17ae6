"""One large operation of one system for the backend named --backend (created on first use),
in a process of its own so that scripts/crash.sh can kill it with SIGKILL mid-way:

- trackonline: the transaction sync;
- ahead: the same, for a TrackOnline backend named "ahead <backend>" (crash.sh runs it with
  100 ms a call, to kill it while a page fetched ahead waits to be saved);
- trackline: the import of the processes --processes (their documents downloaded);
- opuscapita: the event sync;
- sage50: the download of every scope file Sage 50 published (Customers into contacts);
- kept: the retry of --kept kept transactions (``tracking.failed.unit``) of a TrackOnline
  backend named "kept <backend>"; with --prepare, that backend syncs every transaction, then
  loses --kept of them, kept as units whose next attempt has come."""

import argparse
import json

from odoo_driver import odoo_env, print_json

SYSTEMS = ("trackonline", "ahead", "trackline", "opuscapita", "sage50", "kept")
# What each system's backend needs beyond the sandbox's address and credentials.
SETTINGS = {
    "trackonline": {"licence_tier": "enterprise", "start_date": "2025-01-01",
                    "window_days": 800, "max_pages": 100000},
    "trackline": {},
    "opuscapita": {"start_date": "2026-03-01", "window_days": 7, "max_pages": 100000},
}


def backend_values(system, name, sandbox, sage50):
    from odoo.addons.tracking_connector.sandbox.backends import backend_values as values

    if system in ("kept", "ahead"):
        return values("trackonline", sandbox, name=name, **SETTINGS["trackonline"])
    if system == "sage50":
        return values(system, sandbox, name=name, secret=sage50["secret"],
                      developer_id=sage50["developer_id"],
                      application_id=sage50["application_id"], onboarding_state="approved")
    return values(system, sandbox, name=name, **SETTINGS[system])


MODELS = {"trackonline": "trackonline.backend", "trackline": "trackline.backend",
          "opuscapita": "opuscapita.backend", "sage50": "sage50.backend",
          "kept": "trackonline.backend", "ahead": "trackonline.backend"}


def prepare_items_to_retry(env, backend, count):
    """Every transaction synced, then ``count`` of them gone and kept to retry, due now (as
    if a past run had kept them and their wait were over)."""
    backend._sync("transactions")
    lost = env["trackonline.transaction"].search([("backend_id", "=", backend.id)],
                                                 order="remote_id", limit=count)
    env["tracking.failed.unit"].create([{
        "backend_id": backend.tracking_backend_id.id,
        "backend_name": backend.display_name, "company_id": backend.company_id.id,
        "resource": "transactions", "remote_key": tx.remote_id,
        "payload": json.dumps({"id": tx.remote_id}), "error": "kept by the crash test",
        "attempts": 1, "state": "retry", "next_attempt": "2000-01-01 00:00:00"}
        for tx in lost])
    lost.unlink()
    env.cr.commit()


def run_operation(env, system, backend, args):
    if system in ("trackonline", "ahead", "kept"):
        return backend._sync("transactions")
    if system == "opuscapita":
        return backend._sync_events()
    if system == "trackline":
        with backend._sync_run("import processes") as run:
            client = backend._make_client(run.stats)
            for process_id in args.processes.split(","):
                backend._import_process(run, client, process_id=process_id)
        return run
    downloads = env["sage50.download"]
    if not downloads.search_count([("backend_id", "=", backend.id)]):
        for scope in args.scopes.split(","):
            downloads._notify(backend, scope, None)
        env.cr.commit()
    return downloads.search([("backend_id", "=", backend.id),
                             ("state", "=", "pending")])._fetch(backend)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--sandbox", required=True)
    parser.add_argument("--backend", required=True)
    parser.add_argument("--system", choices=SYSTEMS, default="trackonline")
    parser.add_argument("--processes", default="", help="trackline: comma-separated ids")
    parser.add_argument("--scopes", default="", help="sage50: comma-separated scopes")
    parser.add_argument("--sage50", default="{}",
                        help="sage50: JSON of developer_id, application_id, key, secret")
    parser.add_argument("--kept", type=int, default=100, help="kept: units to retry")
    parser.add_argument("--prepare", action="store_true", help="kept: make the units")
    args = parser.parse_args()

    sage50 = json.loads(args.sage50)
    with odoo_env(args.db, args.config) as env:
        backends = env[MODELS[args.system]]
        name = ("%s %s" % (args.system, args.backend) if args.system in ("kept", "ahead")
                else args.backend)
        backend = backends.search([("name", "=", name)])
        if not backend:
            backend = backends.create(backend_values(args.system, name, args.sandbox,
                                                     sage50))
            # the key is stored on a cursor of its own: the backend must be committed first
            env.cr.commit()
            if args.system == "sage50":
                backend._store_key(sage50["key"])
        if args.prepare:
            prepare_items_to_retry(env, backend, args.kept)
            return
        run = run_operation(env, args.system, backend, args)
        print_json(backend=args.backend, state=run.log.state, created=run.created,
                   message=run.log.message)


if __name__ == "__main__":
    main()
