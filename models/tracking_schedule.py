"""How long a scheduled job may run: the cron worker is killed after
``limit_time_real_cron`` (else ``limit_time_real``) seconds, counted from the moment it
started on the ready jobs of a database. A job of this module stops its runs before that,
with ``SAFETY_MARGIN`` of the limit to spare, commits what it did and has its next run
scheduled. In prefork mode the worker's sleep before a pass counts against the limit too
(``PREFORK_SLEEP``): set ``limit_time_real_cron`` well above it (docs/deployment.rst).

A cron worker runs the ready jobs one after another under one watchdog, and Odoo runs a job
again at once (up to ten times) while it reports work remaining: so the clock is not reset
per job but kept across the jobs of this module that follow each other with no pause
(``CHAIN_GAP``), which is what one pass of a worker over its ready jobs looks like (a worker
sleeps a minute between passes unless woken by a trigger due now)."""

import threading
import time

from odoo.tools import config

from .tracking_sync_log import testing

SAFETY_MARGIN = 0.25  # of the limit
MIN_MARGIN = 10.0  # seconds
# A prefork cron worker pings its watchdog before it sleeps (up to 70 s: 60 s + pid % 10)
# and only then runs the ready jobs: the sleep counts against the limit.
PREFORK_SLEEP = 70.0
MIN_BUDGET = 10.0
CHAIN_GAP = 2.0  # seconds between two of our jobs that still belong to one worker pass
DEFAULT_LIMIT = 120.0

_clock = threading.local()


def time_limit():
    """The cron worker's hard limit in seconds, as Odoo's configuration gives it."""
    for key in ("limit_time_real_cron", "limit_time_real"):
        value = config.get(key)
        if value and value > 0:
            return float(value)
    return DEFAULT_LIMIT


def job_started():
    """Note that a job starts; return the deadline (``time.monotonic()``) of the pass it is
    part of."""
    now = time.monotonic()
    limit = time_limit()
    chain = getattr(_clock, "chain", None)
    # Tests call scheduled actions one after another: each is a pass of its own there.
    if chain is None or now - chain["last_end"] > CHAIN_GAP or testing():
        chain = _clock.chain = {"started": now, "last_end": now}
    return chain["started"] + budget(limit, prefork=bool(config.get("workers")))


def budget(limit, prefork=False):
    """Seconds a pass of jobs may take under a cron worker's ``limit``."""
    if prefork:
        limit -= PREFORK_SLEEP
    return max(limit - max(MIN_MARGIN, limit * SAFETY_MARGIN), MIN_BUDGET if prefork else 1.0)


def job_ended():
    chain = getattr(_clock, "chain", None)
    if chain is not None:
        chain["last_end"] = time.monotonic()
