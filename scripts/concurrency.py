"""One Odoo process of scripts/concurrency.sh: set up a TrackOnline backend, or run one sync
of it the way a worker would (the transactions cron, the "Sync now" button as a Tracking
user, a plain sync of a resource), starting at a given moment so that two processes run
at the same time. Prints one JSON line: when it started and ended (the runs' outcomes
are in the database, read by the shell script)."""

import argparse
import json
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--sandbox", required=True)
    parser.add_argument("--backend", required=True)
    parser.add_argument("--action", required=True,
                        choices=("setup", "cron", "button", "transactions", "locations"))
    parser.add_argument("--at", type=float, default=0.0, help="start at this Unix time")
    args = parser.parse_args()

    import odoo

    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.db)
    from odoo.addons.tracking_connector.sandbox.trackonline import TRACKONLINE_API_KEY

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        backends = env["trackonline.backend"].with_context(active_test=False)
        if args.action == "setup":
            # The cron syncs every active backend: only the one under test stays active.
            backends.search([("name", "!=", args.backend)]).active = False
            backend = backends.search([("name", "=", args.backend)]) or backends.create({
                "name": args.backend, "base_url": "%s/trackonline/api/v1" % args.sandbox,
                "api_key": TRACKONLINE_API_KEY, "licence_tier": "enterprise",
                "start_date": "2025-01-01", "window_days": 800, "max_pages": 100000,
                "create_partners": True})
            backend.active = True
            users = env["res.users"].with_context(active_test=False)
            if not users.search([("login", "=", "conc_user")]):
                users.create({"name": "Concurrency user", "login": "conc_user", "groups_id": [
                    (6, 0, [env.ref("tracking_connector.group_tracking_user").id])]})
            cr.commit()
            print(json.dumps({"backend": backend.id}))
            return
        backend = backends.search([("name", "=", args.backend)])
        cr.commit()
        if args.at:
            time.sleep(max(0.0, args.at - time.time()))
        started = time.time()
        if args.action == "cron":
            env.ref("tracking_connector.cron_trackonline_transactions").method_direct_trigger()
        elif args.action == "button":
            user = env["res.users"].search([("login", "=", "conc_user")])
            backend.with_user(user).action_sync_transactions()
        else:
            backend._sync(args.action)
        cr.commit()
        json.dump({"action": args.action, "started": started, "ended": time.time()},
                  sys.stdout)
        print()


if __name__ == "__main__":
    main()
