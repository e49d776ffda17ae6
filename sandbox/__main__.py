"""Run the sandbox in the foreground: ``python -m sandbox --port 8900``."""

import argparse
import logging
import signal
import threading

from .server import Sandbox
from .trackline import TRACKLINE_EMAIL, TRACKLINE_PASSWORD


def main():
    parser = argparse.ArgumentParser(description="Local emulator of the remote APIs")
    parser.add_argument("--port", type=int, default=8900)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size", type=int, default=50, help="Trackline processes")
    parser.add_argument("--token-ttl", type=int, default=300, help="seconds")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    sandbox = Sandbox(seed=args.seed, size=args.size, token_ttl=args.token_ttl, port=args.port)
    sandbox.start()
    print("Sandbox on %s  (Trackline: %s/trackline/api, login %s / %s)"
          % (sandbox.url, sandbox.url, TRACKLINE_EMAIL, TRACKLINE_PASSWORD), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    sandbox.stop()


if __name__ == "__main__":
    main()
