"""What the scripts' drivers share (scripts/crash_resume.py, concurrency.py, bench.py,
load.py, topology.py):

- ``odoo_env(db, config)``: open the registry of a database in this process and give an
  environment as superuser on one cursor (committed or rolled back by the caller's code);
- ``start_at(moment)``: sleep until a Unix time, so that two processes start together;
- ``print_json(**values)``: the one JSON line a driver prints for its shell script;
- ``Rpc``: a user's session over Odoo's JSON-RPC (``/web/session/authenticate``, then
  ``call_kw``), for drivers that talk to a running server as a browser would;
- ``wait_for_url(url)``: wait until a server (the sandbox, Odoo) answers.

Odoo is imported inside ``odoo_env`` only: the HTTP helpers need nothing but ``requests``."""

import json
import sys
import time
from contextlib import contextmanager

import requests


@contextmanager
def odoo_env(db, config, log_level="warn"):
    """``with odoo_env(db, config) as env:`` the registry of ``db`` loaded with the Odoo
    configuration file ``config`` (scripts/common.sh ``write_odoo_config``), and a
    superuser environment on a new cursor (closed on exit; uncommitted work is rolled
    back)."""
    import odoo

    odoo.tools.config.parse_config(["-c", config, "--log-level=%s" % log_level])
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})


def start_at(moment):
    """Sleep until the Unix time ``moment`` (nothing when it is past or 0)."""
    if moment:
        time.sleep(max(0.0, moment - time.time()))


def print_json(**values):
    json.dump(values, sys.stdout)
    print(flush=True)


def wait_for_url(url, timeout=60.0, alive=None):
    """Wait until ``url`` answers with a status below 500; ``alive()`` (optional) is asked
    between tries and a false answer stops the wait. Raises ``TimeoutError``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=5.0).status_code < 500:
                return
        except requests.RequestException:
            pass
        if alive is not None and not alive():
            raise RuntimeError("the server behind %s ended before answering" % url)
        time.sleep(0.2)
    raise TimeoutError("%s did not answer within %.0f s" % (url, timeout))


class Rpc:
    """One user's session on a running Odoo server (as the web client makes its calls)."""

    def __init__(self, url, db, login, password, timeout=60.0):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.uid = self.call("/web/session/authenticate",
                             {"db": db, "login": login, "password": password})["uid"]

    @property
    def session_id(self):
        return self.session.cookies.get("session_id")

    def call(self, path, params):
        answer = self.session.post(self.url + path, timeout=self.timeout,
                                   json={"jsonrpc": "2.0", "method": "call", "params": params})
        answer.raise_for_status()
        body = answer.json()
        if "error" in body:
            raise RuntimeError("%s: %s" % (path, body["error"]["data"]["message"]))
        return body["result"]

    def kw(self, model, method, *args, **kwargs):
        return self.call("/web/dataset/call_kw/%s/%s" % (model, method),
                         {"model": model, "method": method, "args": list(args),
                          "kwargs": kwargs})
