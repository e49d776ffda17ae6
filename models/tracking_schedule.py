"""How long a scheduled job may run: the cron worker is killed after
``limit_time_real_cron`` (else ``limit_time_real``) seconds, counted from the moment it
started its pass over the ready jobs of a database (the threaded server stamps its cron
thread then; a prefork cron worker pings its watchdog before the sleep that precedes the
pass). A job of this module stops its runs before that, with ``SAFETY_MARGIN`` of the limit
to spare, commits what it did and has its next run scheduled. In prefork mode the worker's
sleep before a pass counts against the limit too (``PREFORK_SLEEP``): set
``limit_time_real_cron`` well above it (docs/deployment.rst).

A cron worker runs the ready jobs of a pass one after another under one watchdog, and Odoo
runs a job again at once (up to ten times) while it reports work remaining: so the clock is
not reset per job but kept for the whole pass. Odoo opens one cursor per pass and hands it
to each job of the pass (``ir.cron._process_job``, models/ir_cron.py): a job that comes with
a cursor not seen before starts a new pass."""

import threading
import time
import weakref
from contextlib import contextmanager

from odoo.tools import config

SAFETY_MARGIN = 0.25  # of the limit
MIN_MARGIN = 10.0  # seconds
# A prefork cron worker pings its watchdog before it sleeps (up to 70 s: 60 s + pid % 10)
# and only then runs the ready jobs: the sleep counts against the limit.
PREFORK_SLEEP = 70.0
MIN_BUDGET = 10.0
DEFAULT_LIMIT = 120.0

_worker = threading.local()


def time_limit():
    """The cron worker's hard limit in seconds, as Odoo's configuration gives it."""
    for key in ("limit_time_real_cron", "limit_time_real"):
        value = config.get(key)
        if value and value > 0:
            return float(value)
    return DEFAULT_LIMIT


def budget(limit, prefork=False):
    """Seconds a pass of jobs may take under a cron worker's ``limit``."""
    if prefork:
        limit -= PREFORK_SLEEP
    return max(limit - max(MIN_MARGIN, limit * SAFETY_MARGIN), MIN_BUDGET if prefork else 1.0)


@contextmanager
def in_pass(pass_cursor):
    """Around each job a cron worker runs; ``pass_cursor`` is the cursor of the worker's
    pass over the ready jobs (one per pass)."""
    known = getattr(_worker, "pass_cursor", None)
    if known is None or known() is not pass_cursor:
        _worker.pass_cursor = weakref.ref(pass_cursor)
        _worker.pass_started = _pass_start()
    _worker.in_job = True
    try:
        yield
    finally:
        _worker.in_job = False


def _pass_start():
    """``time.monotonic()`` of the start of the pass that has just begun: the threaded
    server's stamp on its cron thread (its limit counts from it), else now."""
    thread = threading.current_thread()
    stamped = getattr(thread, "start_time", None)
    if getattr(thread, "type", None) == "cron" and stamped:
        return time.monotonic() - max(0.0, time.time() - stamped)
    return time.monotonic()


def job_deadline():
    """The ``time.monotonic()`` deadline of the running job: that of the cron worker's pass
    it belongs to. A job run outside a pass (tests, "Run manually") is a pass of its own."""
    if getattr(_worker, "in_job", False):
        started = _worker.pass_started
    else:
        started = time.monotonic()
    return started + budget(time_limit(), prefork=bool(config.get("workers")))
