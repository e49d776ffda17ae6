"""When the cron worker's pass began: the one thing of Odoo's cron runner this addon needs
and Odoo has no public way to tell.

A cron worker is killed ``limit_time_real_cron`` seconds after it starts a pass over the
ready jobs of a database, and it runs those jobs one after another under that one clock
(and each of them again at once, up to ten times, while it reports work remaining). So a
job that must stop in time (``tracking_schedule.job_deadline``) needs the start of the pass,
not its own. Odoo's public cron API (``_notify_progress``, ``_trigger``) does not give it,
and a job cannot see the pass: only ``ir.cron._process_job(db, cron_cr, job)`` does, called
once per job with the cursor of the pass (one per pass, ``ir.cron._process_jobs``). So this
file overrides it, only to note, in this thread, the pass a job belongs to and when that
pass began (the threaded server stamps its cron thread's ``start_time`` as it starts a pass;
a prefork cron worker does not: its pass begins with its first job).

``tests/test_scheduled_actions.py: TestPassClock`` fails if Odoo changes what this relies
on (the signature of ``_process_job``, its call by ``_process_jobs`` with the pass's cursor,
the threaded server's stamp)."""

import threading
import time
import weakref
from contextlib import contextmanager

from odoo import models

_worker = threading.local()


class IrCron(models.Model):
    _inherit = "ir.cron"

    @classmethod
    def _process_job(cls, db, cron_cr, job):
        with in_pass(cron_cr):
            return super()._process_job(db, cron_cr, job)


@contextmanager
def in_pass(pass_cursor):
    """Around each job a cron worker runs; ``pass_cursor`` is the cursor of the worker's
    pass over the ready jobs (one per pass): a job that comes with a cursor not seen
    before starts a new pass."""
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


def pass_started():
    """``time.monotonic()`` of the start of the cron worker's pass the running job belongs
    to; now for a job run outside a pass (tests, "Run manually"): a pass of its own."""
    if getattr(_worker, "in_job", False):
        return _worker.pass_started
    return time.monotonic()
