"""One TrackOnline transaction sync of the backend named --backend (created on first use),
in a process of its own so that scripts/crash.sh can kill it with SIGKILL mid-way."""

import argparse
import json
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--sandbox", required=True)
    parser.add_argument("--backend", required=True)
    args = parser.parse_args()

    import odoo

    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.db)
    from odoo.addons.tracking_connector.sandbox.trackonline import TRACKONLINE_API_KEY

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        backends = env["trackonline.backend"]
        backend = backends.search([("name", "=", args.backend)]) or backends.create({
            "name": args.backend, "base_url": "%s/trackonline/api/v1" % args.sandbox,
            "api_key": TRACKONLINE_API_KEY, "licence_tier": "enterprise",
            "start_date": "2025-01-01", "window_days": 800, "max_pages": 100000})
        cr.commit()
        run = backend._sync("transactions")
        json.dump({"backend": args.backend, "state": run.log.state,
                   "created": run.created}, sys.stdout)
        print()


if __name__ == "__main__":
    main()
