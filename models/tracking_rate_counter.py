"""API call counters per backend, kept in the database, and the call budget a client uses
(``DatabaseRateLimiter``), shared by every worker and node.

A backend has a budget of calls a minute and one of calls a day. The day's calls are counted
per calendar day (UTC), a counter a day. The minute's are counted per second, a counter a
second, and a call may be made when the calls of the last ``MINUTE_WINDOW`` seconds leave
room: no 60 seconds ever hold more than the budget, whether the server counts calendar
minutes or a rolling minute (a budget per calendar minute may spend itself at second 59 and
again at second 0: twice the budget in one rolling minute, answered with a 429 and a long
wait)."""

import threading
import time

from odoo import fields, models
from odoo.tools import SQL

from ..clients.base import RateLimited
from .tracking_sync_log import read_committed

DAY = 86400
# A call counts against the minute's budget for 61 s: any 60 s (a calendar minute, a server's
# rolling minute, a second of clocks or network apart) and the second it was made in (its
# counter holds a whole second's calls).
MINUTE_WINDOW = 61
# A second's counter is deleted an hour later (a budget taken ahead and not used is given back
# to its second, minutes later at most).
SECONDS_KEPT = 3600


class TrackingRateCounter(models.Model):
    """API calls made per backend, per second and per day, kept in the database so that
    every Odoo worker and every restart shares one budget."""

    _name = "tracking.rate.counter"
    _description = "Tracking API Call Counter"
    _log_access = False

    backend_id = fields.Many2one("tracking.backend", required=True, readonly=True,
                                 ondelete="cascade")
    period = fields.Selection([("second", "Second"), ("day", "Day")], required=True,
                              readonly=True)
    period_start = fields.Integer(required=True, readonly=True,
                                  help="Unix time divided by the period's length.")
    calls = fields.Integer(default=0, readonly=True)

    _sql_constraints = [
        ("period_unique", "unique(backend_id, period, period_start)",
         "One counter per backend and period."),
    ]

    def _take(self, backend, limits, now):
        """Count one call if both budgets (``limits``: calls a minute and a day) have room:
        return None, or ``(budget, wait)``: the budget that is spent ("day" first, then
        "minute") and the seconds until it has room again. Runs on its own cursor (committed
        at once), under a row lock, so that concurrent workers never overspend."""
        with self.env.registry.cursor() as cr:
            read_committed(cr)
            quick_commit(cr)
            return self._take_in(cr, backend, limits, now)

    def _charge(self, backend, now, calls):
        """Count ``calls`` already made (retries), or given back (negative), at ``now``,
        without any check."""
        second = int(now)
        with self.env.registry.cursor() as cr:
            read_committed(cr)
            quick_commit(cr)
            rows, _made = self._locked_rows(cr, backend,
                                            {("second", second), ("day", second // DAY)})
            cr.execute("UPDATE tracking_rate_counter SET calls = calls + %s WHERE id IN %s",
                       (calls, tuple(row[0] for row in rows)))

    def _take_in(self, cr, backend, limits, now):
        second = int(now)
        this_second, today = ("second", second), ("day", second // DAY)
        # Locked: the counters this call goes into, and the day's where the minute's window
        # starts (yesterday's, in a day's first minute). Two takings whose windows overlap
        # thus always lock one same day counter: the later waits for the earlier's commit,
        # and its sum below counts the earlier's call.
        window_day = ("day", (second - MINUTE_WINDOW) // DAY)
        rows, made = self._locked_rows(cr, backend, {this_second, today, window_day})
        counters = {(period, start): (row_id, calls) for row_id, period, start, calls in rows}
        if counters[today][1] >= limits["day"]:
            return "day", DAY - now % DAY
        # The sum is read by this statement, after the lock: every earlier call is in it.
        cr.execute("""
            UPDATE tracking_rate_counter SET calls = calls + 1
             WHERE id IN %s
               AND (SELECT COALESCE(SUM(calls), 0) FROM tracking_rate_counter
                     WHERE backend_id = %s AND period = 'second' AND period_start > %s) < %s
        """, ((counters[this_second][0], counters[today][0]), backend.id,
              second - MINUTE_WINDOW, limits["minute"]))
        if not cr.rowcount:
            return "minute", self._minute_wait(cr, backend, limits["minute"], now)
        if this_second in made:  # a new second: the counters of past hours go
            cr.execute("DELETE FROM tracking_rate_counter WHERE backend_id = %s "
                       "AND period = 'second' AND period_start < %s",
                       (backend.id, second - SECONDS_KEPT))
        return None

    @staticmethod
    def _minute_wait(cr, backend, per_minute, now):
        """The seconds until the minute's budget has room for one call: until enough of the
        oldest calls of the window have left it (a second's calls leave it ``MINUTE_WINDOW``
        seconds after that second began)."""
        cr.execute("SELECT period_start, calls FROM tracking_rate_counter WHERE backend_id = %s "
                   "AND period = 'second' AND period_start > %s ORDER BY period_start",
                   (backend.id, int(now) - MINUTE_WINDOW))
        seconds = cr.fetchall()
        left = sum(calls for _start, calls in seconds)
        for start, calls in seconds:
            left -= calls
            if left < per_minute:
                return start + MINUTE_WINDOW - now
        return MINUTE_WINDOW

    @staticmethod
    def _locked_rows(cr, backend, keys):
        """The counters of ``keys`` (``(period, period_start)`` pairs), made when missing and
        locked for the rest of ``cr``'s transaction. Every taking and every charge makes
        them in one order (of their keys) and locks them in one order (of their ids), so two
        workers never deadlock. Returns the ``(id, period, period_start, calls)`` rows and
        the keys whose counter was made now. (One statement makes the missing ones, one
        locks them: two round trips a call.)"""
        cr.execute(SQL(
            "INSERT INTO tracking_rate_counter (backend_id, period, period_start, calls) "
            "VALUES %s ON CONFLICT DO NOTHING RETURNING period, period_start",
            SQL(", ").join(SQL("(%s, %s, %s, 0)", backend.id, period, start)
                           for period, start in sorted(keys))))
        made = set(cr.fetchall())
        cr.execute(
            "SELECT id, period, period_start, calls FROM tracking_rate_counter "
            "WHERE backend_id = %s AND (period, period_start) IN %s ORDER BY id FOR UPDATE",
            (backend.id, tuple(keys)))
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

    - ``acquire()``, before each call: returns when the call may be made; waits for room
      in the minute's budget when that is at most ``max_wait`` seconds away, otherwise
      raises ``RateLimited`` with ``retry_after`` (the day's budget spent, or a longer wait);
    - ``charge(calls)``, after a call: counts the ``calls`` urllib3 retried on its own,
      without waiting;
    - ``reserve()`` and ``settle()``, for calls made in a worker thread
      (``clients/concurrent.py``), which must not touch the database: ``reserve()``, in the
      thread that made this limiter, takes one call's budget for a call the worker will
      make (False, without waiting, when there is no room now); the worker's ``acquire()``
      uses it. A call the worker makes beyond it (a retry after a 429 or a 401) and its
      ``charge()`` are counted by ``settle()``, back in this thread, which also gives back
      the budget taken and not used."""

    def __init__(self, backend, per_minute, per_day, max_wait=MINUTE_WINDOW, sleep=time.sleep,
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
            budget, wait = spent
            if budget == "day" or wait > self.max_wait:
                raise RateLimited(
                    "The %s's budget of %d TrackOnline calls is spent: the sync stops here "
                    "and goes on in %d s." % (budget, self.limits[budget], wait),
                    retry_after=int(wait) + 1, status=None,
                    budget=(budget, self.limits[budget]))
            self._sleep(wait)

    def charge(self, calls):
        if threading.get_ident() != self._home:
            with self._lock:
                self._owed += calls
            return
        self.backend.env["tracking.rate.counter"]._charge(self.backend, self._clock(), calls)

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
        for taken_at in unused:  # given back to the second and day it was taken from
            counter._charge(self.backend, taken_at, -1)
        if owed:
            counter._charge(self.backend, self._clock(), owed)
