"""Run the sandbox in the foreground: ``python -m sandbox --port 8900``."""

import argparse
import json
import logging
import signal
import threading

from . import data
from .data import sage50_scope
from .opuscapita import OPUSCAPITA_CLIENT_ID, OPUSCAPITA_USERNAME
from .server import Network, Sandbox
from .trackline import TRACKLINE_EMAIL, TRACKLINE_PASSWORD
from .trackonline import TRACKONLINE_API_KEY

SAGE50_SCOPES = ("Customers", "Invoices", "Items", "Suppliers")


def main():
    parser = argparse.ArgumentParser(description="Local emulator of the remote APIs")
    parser.add_argument("--port", type=int, default=8900)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size", type=int, default=50, help="Trackline processes")
    parser.add_argument("--token-ttl", type=int, default=300, help="seconds")
    parser.add_argument("--transactions", type=int, default=200, help="TrackOnline")
    parser.add_argument("--per-minute", type=int, default=None,
                        help="TrackOnline calls a minute before 429 (default: no limit)")
    parser.add_argument("--rolling-minute", action="store_true",
                        help="TrackOnline: count --per-minute over the last 60 s at each call "
                             "(a rolling minute) instead of per calendar minute")
    parser.add_argument("--events", type=int, default=60, help="OpusCapita")
    parser.add_argument("--sage50-records", type=int, default=0,
                        help="Sage 50: onboard an application (secret --sage50-secret) and "
                             "publish the scopes %s with this many records each"
                             % ", ".join(SAGE50_SCOPES))
    parser.add_argument("--sage50-secret", default="sandbox-secret")
    parser.add_argument("--spacing", type=int, default=10,
                        help="minutes between two TrackOnline transactions' creation")
    parser.add_argument("--spread-days", type=int, default=0,
                        help="date the TrackOnline transactions and OpusCapita events evenly "
                             "over the last N days, up to about now (the demo: 365); "
                             "overrides --spacing")
    parser.add_argument("--latency-ms", type=float, default=0,
                        help="wait this long before each API answer, like a distant server")
    parser.add_argument("--jitter-ms", type=float, default=0,
                        help="vary each wait by up to this much, either way")
    parser.add_argument("--bandwidth-kbps", type=float, default=0,
                        help="send answers at this many kilobytes a second (0: no cap)")
    parser.add_argument("--replace-on-save", action="store_true",
                        help="TrackOnline: a POSTed record replaces the one it names as a "
                             "whole (a key the body leaves out is emptied), as an ASP.NET "
                             "API binding the body to its model does")
    parser.add_argument("--static-lists", action="store_true",
                        help="TrackOnline: the data does not change while the sandbox runs; "
                             "filter a list query once and serve its pages from that "
                             "(benchmarks: the remote's work then takes little of this machine)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    if args.spread_days:
        args.spacing = data.spread_over(args.spread_days, args.transactions, args.events)
    sandbox = Sandbox(seed=args.seed, size=args.size, token_ttl=args.token_ttl, port=args.port,
                      transactions=args.transactions, per_minute=args.per_minute,
                      events=args.events, spacing=args.spacing,
                      network=Network(args.latency_ms / 1000, args.jitter_ms / 1000,
                                      int(args.bandwidth_kbps * 1000)))
    sandbox.trackonline.static_lists = args.static_lists
    sandbox.trackonline.replace_on_save = args.replace_on_save
    sandbox.trackonline.rolling_minute = args.rolling_minute
    sandbox.start()
    print("Sandbox on %s\n  Trackline:   %s/trackline/api  login %s / %s\n"
          "  TrackOnline: %s/trackonline/api/v1  X-ApiKey %s\n"
          "  OpusCapita:  %s/opuscapita  client %s, user %s"
          % (sandbox.url, sandbox.url, TRACKLINE_EMAIL, TRACKLINE_PASSWORD, sandbox.url,
             TRACKONLINE_API_KEY, sandbox.url, OPUSCAPITA_CLIENT_ID, OPUSCAPITA_USERNAME),
          flush=True)
    if args.sage50_records:
        developer, application, key = sandbox.sage50.ready_application(args.sage50_secret)
        for scope in SAGE50_SCOPES:
            sandbox.sage50.publish_scope(scope, json.dumps(
                sage50_scope(args.seed, scope, args.sage50_records)).encode())
        print("  Sage 50:     %s/sage50 %s" % (sandbox.url, json.dumps(
            {"developer_id": developer, "application_id": application, "key": key})),
              flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    sandbox.stop()


if __name__ == "__main__":
    main()
