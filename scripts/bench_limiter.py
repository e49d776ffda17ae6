"""The cost of counting one API call in the shared budget (``DatabaseRateLimiter.acquire``:
its own cursor, a row lock and a commit per call), in a process of its own: --calls
acquires in a row, no HTTP. Prints the figures as JSON.

    python scripts/bench_limiter.py --db DB --config CONF
(run by scripts/bench.sh)"""

import argparse
import time

from odoo_driver import odoo_env, print_json


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--calls", type=int, default=500)
    args = parser.parse_args()
    with odoo_env(args.db, args.config) as env:
        from odoo.addons.tracking_connector.models.tracking_rate_counter import (
            DatabaseRateLimiter,
        )
        from odoo.addons.tracking_connector.sandbox.backends import backend_values

        backend = env["trackonline.backend"].create(backend_values(
            "trackonline", "http://127.0.0.1:9", name="bench limiter %d" % time.time(),
            licence_tier="enterprise"))
        env.cr.commit()
        limiter = DatabaseRateLimiter(backend, per_minute=10**9, per_day=10**9)
        started = time.perf_counter()
        for _call in range(args.calls):
            limiter.acquire()
        acquire = time.perf_counter() - started
        started = time.perf_counter()
        for _call in range(args.calls):
            limiter.reserve()
            limiter.settle()  # a reservation given back: the worst case of a fetch ahead
        reserve = time.perf_counter() - started
        env.cr.rollback()  # a new snapshot: the counts the limiter's own cursors committed
        counted = sum(env["tracking.rate.counter"].search([
            ("backend_id", "=", backend.tracking_backend_id.id),
            ("period", "=", "day")]).mapped("calls"))
    print_json(importer="limiter", calls=args.calls, counted=counted,
               acquire_ms=round(acquire * 1000 / args.calls, 3),
               reserve_and_give_back_ms=round(reserve * 1000 / args.calls, 3))


if __name__ == "__main__":
    main()
