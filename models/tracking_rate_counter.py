"""API call counters per backend, per minute and per day, kept in the database, and the
call budget a client uses (``DatabaseRateLimiter``), shared by every worker and node."""

import threading
import time

from odoo import fields, models
from odoo.tools import SQL

from ..clients.base import RateLimited
from .tracking_sync_log import read_committed

PERIODS = {"minute": 60, "day": 86400}


class TrackingRateCounter(models.Model):
    """API calls made per backend, per minute and per day, kept in the database so that
    every Odoo worker and every restart shares one budget."""

    _name = "tracking.rate.counter"
    _description = "Tracking API Call Counter"
    _log_access = False

    backend_id = fields.Many2one("tracking.backend", required=True, readonly=True,
                                 ondelete="cascade")
    period = fields.Selection([("minute", "Minute"), ("day", "Day")], required=True,
                              readonly=True)
    period_start = fields.Integer(required=True, readonly=True,
                                  help="Unix time divided by the period's length.")
    calls = fields.Integer(default=0, readonly=True)

    _sql_constraints = [
        ("period_unique", "unique(backend_id, period, period_start)",
         "One counter per backend and period."),
    ]

    def _take(self, backend, limits, now):
        """Count one call if every period has room: return None, or the name of the first
        period whose budget is spent. Runs on its own cursor (committed at once), under a
        row lock, so that concurrent workers never overspend."""
        with self.env.registry.cursor() as cr:
            read_committed(cr)
            quick_commit(cr)
            return self._take_in(cr, backend, limits, now)

    def _charge(self, backend, limits, now, calls):
        """Count ``calls`` already made (retries) in every period, without any check."""
        starts = {period: int(now // PERIODS[period]) for period in limits}

        def charge_in(cr):
            rows, _made = self._locked_rows(cr, backend, starts)
            cr.execute("UPDATE tracking_rate_counter SET calls = calls + %s WHERE id IN %s",
                       (calls, tuple(row[0] for row in rows)))

        with self.env.registry.cursor() as cr:
            read_committed(cr)
            quick_commit(cr)
            charge_in(cr)

    def _take_in(self, cr, backend, limits, now):
        starts = {period: int(now // PERIODS[period]) for period in limits}
        rows, made = self._locked_rows(cr, backend, starts)
        for _id, period, calls in sorted(rows, key=lambda row: -PERIODS[row[1]]):
            if calls >= limits[period]:
                return period
        cr.execute("UPDATE tracking_rate_counter SET calls = calls + 1 WHERE id IN %s",
                   (tuple(row[0] for row in rows),))
        if "minute" in made:  # a new minute: the counters of past hours go, once a minute
            cr.execute("DELETE FROM tracking_rate_counter WHERE backend_id = %s "
                       "AND period = 'minute' AND period_start < %s",
                       (backend.id, starts["minute"] - 60))
        return None

    @staticmethod
    def _locked_rows(cr, backend, starts):
        """The counters of ``starts`` (period -> start), made when missing and locked for the
        rest of ``cr``'s transaction, always in the order of their ids: every taking and
        every charge locks them in that one order, so two workers never deadlock.
        Returns the ``(id, period, calls)`` rows and the periods whose counter was made now.
        (One statement makes the missing ones, one locks them: two round trips a call.)"""
        cr.execute(SQL(
            "INSERT INTO tracking_rate_counter (backend_id, period, period_start, calls) "
            "VALUES %s ON CONFLICT DO NOTHING RETURNING period",
            SQL(", ").join(SQL("(%s, %s, %s, 0)", backend.id, period, start)
                           for period, start in starts.items())))
        made = {row[0] for row in cr.fetchall()}
        cr.execute(
            "SELECT id, period, calls FROM tracking_rate_counter WHERE backend_id = %s "
            "AND (period, period_start) IN %s ORDER BY id FOR UPDATE",
            (backend.id, tuple(starts.items())))
        return cr.fetchall(), made


def quick_commit(cr):
    """The counter's transaction commits without waiting for its WAL to reach the disk: every
    worker still sees and locks the committed count at once (the cross-worker guarantee);
    only a crash of PostgreSQL itself may forget the last counts (a few calls of the last
    fraction of a second). The wait was most of a call's counting cost (docs/benchmark.rst)."""
    cr.execute("SET LOCAL synchronous_commit TO OFF")


class DatabaseRateLimiter:
    """The call budget of a client (``BaseClient(limiter=...)``), kept in
    ``tracking.rate.counter`` so that every worker and node shares it. The interface a client
    uses, and the only one it needs:

    - ``acquire()``, before each call: returns when the call may be made; waits for the
      next minute when that is at most ``max_wait`` seconds away, otherwise raises
      ``RateLimited`` with ``retry_after`` (the day's budget spent, or a longer wait);
    - ``charge(calls)``, after a call: counts the ``calls`` urllib3 retried on its own,
      without waiting;
    - ``reserve()`` and ``settle()``, for calls made in a worker thread
      (``clients/concurrent.py``), which must not touch the database: ``reserve()``, in the
      thread that made this limiter, takes one call's budget for a call the worker will
      make (False, without waiting, when there is no room now); the worker's ``acquire()``
      uses it. A call the worker makes beyond it (a retry after a 429 or a 401) and its
      ``charge()`` are counted by ``settle()``, back in this thread, which also gives back
      the budget taken and not used."""

    def __init__(self, backend, per_minute, per_day, max_wait=60, sleep=time.sleep,
                 clock=time.time):
        # Its counters are the ``tracking.backend`` record's (read here, in the main thread:
        # ``reserve`` and ``settle`` may run in a fetching thread).
        self.backend = backend.tracking_backend_id
        self.limits = {"minute": per_minute, "day": per_day}
        self.max_wait = max_wait
        self._sleep = sleep
        self._clock = clock
        self._home = threading.get_ident()
        self._lock = threading.Lock()
        self._reserved = []  # when each call's budget taken for a worker was taken
        self._owed = 0  # calls a worker made beyond its reserved budget, not counted yet

    def acquire(self):
        if threading.get_ident() != self._home:
            with self._lock:
                if self._reserved:
                    self._reserved.pop()
                else:
                    self._owed += 1
            return
        counter = self.backend.env["tracking.rate.counter"]
        while True:
            now = self._clock()
            spent = counter._take(self.backend, self.limits, now)
            if not spent:
                return
            wait = PERIODS[spent] - now % PERIODS[spent]
            if spent == "day" or wait > self.max_wait:
                raise RateLimited(
                    "The %s's budget of %d TrackOnline calls is spent: the sync stops here "
                    "and goes on in %d s." % (spent, self.limits[spent], wait),
                    retry_after=int(wait) + 1, status=None,
                    budget=(spent, self.limits[spent]))
            self._sleep(wait)

    def charge(self, calls):
        if threading.get_ident() != self._home:
            with self._lock:
                self._owed += calls
            return
        self.backend.env["tracking.rate.counter"]._charge(self.backend, self.limits,
                                                          self._clock(), calls)

    def reserve(self):
        now = self._clock()
        if self.backend.env["tracking.rate.counter"]._take(self.backend, self.limits, now):
            return False
        with self._lock:
            self._reserved.append(now)
        return True

    def settle(self):
        with self._lock:
            unused, owed = self._reserved, self._owed
            self._reserved, self._owed = [], 0
        counter = self.backend.env["tracking.rate.counter"]
        for taken_at in unused:  # given back in the periods it was taken from
            counter._charge(self.backend, self.limits, taken_at, -1)
        if owed:
            counter._charge(self.backend, self.limits, self._clock(), owed)
