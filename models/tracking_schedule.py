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
not reset per job but kept for the whole pass: models/ir_cron.py knows when the pass
began."""

from odoo.tools import config

from . import ir_cron

SAFETY_MARGIN = 0.25  # of the limit
MIN_MARGIN = 10.0  # seconds
# A prefork cron worker pings its watchdog before it sleeps (up to 70 s: 60 s + pid % 10)
# and only then runs the ready jobs: the sleep counts against the limit.
PREFORK_SLEEP = 70.0
MIN_BUDGET = 10.0
DEFAULT_LIMIT = 120.0


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


def job_deadline():
    """The ``time.monotonic()`` deadline of the running job: that of the cron worker's pass
    it belongs to (``ir_cron.pass_started``). A job run outside a pass (tests, "Run
    manually") is a pass of its own."""
    return ir_cron.pass_started() + budget(time_limit(), prefork=bool(config.get("workers")))
