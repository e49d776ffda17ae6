"""One Odoo process of scripts/concurrency.sh: set up a TrackOnline backend, or run one sync
of it the way a worker would (the transactions cron, the "Sync now" button as a Tracking
user, a plain sync of a resource), or set up a Sage 50 backend through the whole onboarding
and rotate its key; starting at a given moment, so that two processes run at the same time.
Prints one JSON line (the runs' outcomes are in the database, read by the shell script)."""

import argparse
import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import requests
from odoo_driver import odoo_env, print_json, start_at

SAGE_SECRET = "conc-app-s3cret"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--sandbox", required=True)
    parser.add_argument("--backend", required=True)
    parser.add_argument("--action", required=True,
                        choices=("setup", "cron", "button", "transactions", "locations",
                                 "sage-setup", "sage-rotate"))
    parser.add_argument("--at", type=float, default=0.0, help="start at this Unix time")
    args = parser.parse_args()

    with odoo_env(args.db, args.config) as env:
        from odoo.addons.tracking_connector.sandbox.backends import backend_values

        cr = env.cr
        if args.action.startswith("sage-"):
            sage(env, args)
            return
        backends = env["trackonline.backend"].with_context(active_test=False)
        if args.action == "setup":
            # The cron syncs every active backend: only the one under test stays active.
            backends.search([("name", "!=", args.backend)]).active = False
            backend = backends.search([("name", "=", args.backend)]) or backends.create(
                backend_values("trackonline", args.sandbox, name=args.backend,
                               licence_tier="enterprise", start_date="2025-01-01",
                               window_days=800, max_pages=100000, create_partners=True))
            backend.active = True
            users = env["res.users"].with_context(active_test=False)
            if not users.search([("login", "=", "conc_user")]):
                users.create({"name": "Concurrency user", "login": "conc_user", "groups_id": [
                    (6, 0, [env.ref("tracking_connector.group_tracking_user").id])]})
            cr.commit()
            print_json(backend=backend.id)
            return
        backend = backends.search([("name", "=", args.backend)])
        cr.commit()
        start_at(args.at)
        started = time.time()
        if args.action == "cron":
            env.ref("tracking_connector.cron_trackonline_transactions").method_direct_trigger()
        elif args.action == "button":
            user = env["res.users"].search([("login", "=", "conc_user")])
            backend.with_user(user).action_sync_transactions()
        else:
            backend._sync(args.action)
        cr.commit()
        print_json(action=args.action, started=started, ended=time.time())


def sage(env, args):
    """Onboard a Sage 50 backend with the sandbox (registration, application with our
    approval URL, passcode, consent: the key arrives at the approval URL), or rotate its key
    and print the key's hash."""
    from odoo.addons.tracking_connector.clients.sage50 import Sage50Client
    from odoo.addons.tracking_connector.sandbox.backends import backend_values

    backends = env["sage50.backend"]
    if args.action == "sage-setup":
        received = []

        class Approval(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server interface
                length = int(self.headers.get("Content-Length") or 0)
                received.append(json.loads(self.rfile.read(length))["apikey"])
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args):
                pass

        server = HTTPServer(("127.0.0.1", 0), Approval)
        threading.Thread(target=server.handle_request, daemon=True).start()
        client = Sage50Client("%s/sage50" % args.sandbox, timeout=10)
        url = client.register_developer({"name": "Odoo", "email": "dev@example.com"})
        developer_id = requests.get(url, timeout=10).json()["developerId"]
        application_id = client.register_application(developer_id, {
            "name": args.backend, "approvalUrl": "http://127.0.0.1:%d/" % server.server_port})
        passcode, _expires = client.passcode(developer_id, application_id, SAGE_SECRET)
        requests.post("%s/_sandbox/sage50/consent" % args.sandbox, json={"passcode": passcode},
                      timeout=10).raise_for_status()
        server.server_close()
        backend = backends.create(backend_values(
            "sage50", args.sandbox, name=args.backend, timeout=10, secret=SAGE_SECRET,
            developer_id=developer_id, application_id=application_id,
            onboarding_state="approved"))
        env.cr.commit()
        backend._store_key(received[0])
        print_json(backend=backend.id)
        return
    backend = backends.search([("name", "=", args.backend)])
    known_key = backend._current_key()[0]
    env.cr.commit()
    # A worker that read the key after the moment may have read the other's new key: then
    # the two did not rotate "at once" and the check below would count two rotations.
    late = bool(args.at) and time.time() > args.at
    start_at(args.at)
    key = backend._rotate_key(known_key)
    print_json(action=args.action, key=hashlib.sha256(key.encode()).hexdigest()[:12],
               late=late)


if __name__ == "__main__":
    main()
