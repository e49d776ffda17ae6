"""Scheduled actions over several backends: one truthful report, a stop before the cron
worker's time limit, a wait for a spent call budget, no backend starving the others; and
what the pass clock (models/ir_cron.py) relies on in Odoo's cron runner (TestPassClock)."""

import inspect
import select
import threading
import time
from contextlib import closing, contextmanager
from datetime import timedelta

import psycopg2

from odoo import fields, sql_db
from odoo.addons.base.models import ir_cron as odoo_ir_cron
from odoo.service import server as odoo_server
from odoo.tests import TransactionCase, tagged
from odoo.tools import config

from ..models import ir_cron
from ..sandbox.backends import backend_values
from .common import SandboxCase


class CronPass:
    """Stands for the cursor of a cron worker's pass over its ready jobs."""


@contextmanager
def cron_limit(seconds):
    limit = config.get("limit_time_real_cron")
    config["limit_time_real_cron"] = seconds
    try:
        yield
    finally:
        config["limit_time_real_cron"] = limit


@tagged("post_install", "-at_install")
class TestScheduledActions(SandboxCase):
    """A scheduled action over several backends reports once and truthfully, stops before the
    cron worker's time limit, waits for a spent call budget by scheduling itself, and does not
    let one slow backend starve the others."""

    sandbox_transactions = 130

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["trackonline.backend"].search([]).active = False
        cls.cron = cls.env.ref("tracking_connector.cron_trackonline_transactions")

    def make_backend(self, name, **values):
        return self.env["trackonline.backend"].create(backend_values(
            "trackonline", self.sandbox.url, **dict({
                "name": name, "licence_tier": "enterprise", "start_date": "2026-01-01",
                "window_days": 60, "timeout": 10}, **values)))

    def run_cron(self):
        progress = self.env["ir.cron.progress"].create({"cron_id": self.cron.id})
        self.env["trackonline.backend"].with_context(
            ir_cron_progress_id=progress.id, cron_id=self.cron.id)._cron_sync("transactions")
        return progress

    @contextmanager
    def cron_workers_listening(self):
        """What the cron workers hear on the channel they listen on (``cron_trigger``, in
        the "postgres" database) once the job's transaction commits."""
        heard = []
        self.env.cr.postcommit.run()  # what earlier jobs asked for is not heard
        dsn = sql_db.connection_info_for("postgres")[1]
        with closing(psycopg2.connect(**dsn)) as connection:
            connection.autocommit = True
            connection.cursor().execute("LISTEN cron_trigger")
            yield heard
            self.env.cr.postcommit.run()  # what the commit of the job's transaction runs
            if select.select([connection], [], [], 5)[0]:
                connection.poll()
            heard.extend(n.payload for n in connection.notifies
                         if n.payload == self.env.cr.dbname)

    def due_now(self):
        return self.cron.id in [job["id"] for job in
                                self.env["ir.cron"]._get_all_ready_jobs(self.env.cr)]

    def logs(self, backend):
        return self.env["tracking.sync.log"].search(
            [("backend_id", "=", backend.tracking_backend_id.id)])

    def test_progress_is_reported_once_for_all_backends(self):
        behind = self.make_backend("Behind", max_pages=1, window_days=400)
        self.make_backend("Up to date", start_date=fields.Date.today() + timedelta(days=1))
        progress = self.run_cron()
        # The backend served last has nothing left, and does not hide the other's backlog.
        self.assertEqual(progress.remaining, 1)
        self.assertEqual(progress.done, 1, "one page saved in all")
        self.assertEqual(self.logs(behind).created_count, 50)

    def test_spent_budget_schedules_the_next_run_instead_of_reporting_remaining(self):
        backend = self.make_backend("Budget", licence_tier="start_pro")
        day = int(time.time() // 86400)
        self.env["tracking.rate.counter"].create({
            "backend_id": backend.tracking_backend_id.id, "period": "day",
            "period_start": day, "calls": 1000})
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])
        progress = self.run_cron()
        log = self.logs(backend)
        self.assertEqual(log.state, "stopped")
        self.assertEqual(self.sandbox.calls("GET", "/trackonline/api/v1/transaction"), 0,
                         "no call spent on a 429 the connector could foresee")
        self.assertEqual(progress.remaining, 0, "Odoo must not run the job again at once")
        trigger = self.env["ir.cron.trigger"].search(
            [("cron_id", "=", self.cron.id), ("id", "not in", triggers.ids)])
        self.assertEqual(len(trigger), 1)
        midnight = fields.Datetime.to_datetime(fields.Date.today() + timedelta(days=1))
        self.assertGreaterEqual(trigger.call_at, midnight - timedelta(seconds=5),
                                "the next run comes when the day's budget returns")

    def test_a_job_stops_before_the_time_limit_and_says_what_is_left(self):
        backend = self.make_backend("Slow", max_pages=1000, window_days=1)
        self.sandbox.add_fault("/trackonline/api/v1/transaction", delay=0.6, times=1000)
        limit = config.get("limit_time_real_cron")
        config["limit_time_real_cron"] = 12  # a budget of 2 s (10 s of margin)
        try:
            started = time.monotonic()
            progress = self.run_cron()
            elapsed = time.monotonic() - started
        finally:
            config["limit_time_real_cron"] = limit
        log = self.logs(backend)
        self.assertLess(elapsed, 6, "stopped on its time budget, not after 100 pages")
        self.assertEqual(log.state, "done", log.error_details)
        self.assertTrue(backend._get_cursor("transactions"), "what it read is saved")
        self.assertEqual(progress.remaining, 1, "work is left and Odoo runs the job again")

    def test_work_left_wakes_the_cron_workers_for_the_next_run(self):
        self.make_backend("Behind", max_pages=1, window_days=400)
        with self.cron_workers_listening() as heard:
            progress = self.run_cron()
            self.assertEqual(progress.remaining, 1, "work is left and Odoo runs the job again")
        self.assertEqual(heard, [self.env.cr.dbname], "no cron worker sleeps a minute before "
                         "the run that goes on, when Odoo leaves the job due after 10 runs")

    def test_nothing_left_wakes_no_cron_worker(self):
        self.make_backend("Up to date", start_date=fields.Date.today() + timedelta(days=1))
        with self.cron_workers_listening() as heard:
            progress = self.run_cron()
        self.assertEqual(progress.remaining, 0)
        self.assertEqual(heard, [])

    def test_a_pass_without_time_left_has_the_next_pass_run_the_job_at_once(self):
        backend = self.make_backend("Slow", max_pages=1000, window_days=1)
        self.sandbox.add_fault("/trackonline/api/v1/transaction", delay=0.6, times=1000)
        with cron_limit(12), ir_cron.in_pass(CronPass()):  # a pass of 2 s
            first = self.run_cron()
            calls = self.sandbox.calls("GET", "/trackonline/api/v1/transaction")
            triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])
            # Odoo runs the job again at once, in the same pass, which has no time left.
            with self.cron_workers_listening() as heard:
                again = self.run_cron()
        self.assertEqual(first.remaining, 1)
        self.assertEqual(self.sandbox.calls("GET", "/trackonline/api/v1/transaction"), calls,
                         "no call made without time to make it")
        self.assertEqual((again.done, again.remaining), (0, 0),
                         "Odoo ends the job now, and does not count it failed")
        self.assertEqual(len(self.logs(backend)), 1, "no run started")
        # Odoo ends the job as done: its next call at its interval, its past triggers gone.
        job = self.cron.read(["nextcall", "interval_type", "interval_number", "name"])[0]
        job.update(cron_name=job.pop("name"),
                   nextcall=fields.Datetime.now() - timedelta(minutes=1))
        self.env["ir.cron"]._reschedule_later(job)
        self.cron.invalidate_recordset(["nextcall"])
        self.assertGreater(self.cron.nextcall, fields.Datetime.now())
        trigger = self.env["ir.cron.trigger"].search(
            [("cron_id", "=", self.cron.id), ("id", "not in", triggers.ids)])
        self.assertEqual(len(trigger), 1)
        self.assertLessEqual(trigger.call_at, self.env.cr.now())
        self.assertTrue(self.due_now(), "the trigger makes the job due at once")
        self.assertTrue(heard, "and the cron workers are woken")

    def test_work_left_but_no_page_saved_makes_the_job_due_now(self):
        backend = self.make_backend("Retrying", window_days=400)
        # Kept transactions due for a retry, each read again slowly: the run's time goes on
        # them, and it stops with work left before its first page.
        self.env["tracking.failed.unit"].create([{
            "backend_id": backend.tracking_backend_id.id,
            "resource": "transactions", "remote_key": "kept-%d" % number, "kind": "row",
            "state": "retry", "attempts": 1, "error": "kept for the test",
            "next_attempt": fields.Datetime.now() - timedelta(minutes=1)}
            for number in range(8)])
        self.sandbox.add_fault("/trackonline/api/v1/transaction", delay=0.6, times=1000)
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])
        with cron_limit(12), ir_cron.in_pass(CronPass()):  # a pass of 2 s
            with self.cron_workers_listening() as heard:
                progress = self.run_cron()
        log = self.logs(backend)
        self.assertFalse(backend._get_cursor("transactions"), "no page saved")
        self.assertLess(self.sandbox.calls("GET", "/trackonline/api/v1/transaction"), 8,
                        "stopped among the retries, on its time budget")
        self.assertEqual((progress.done, progress.remaining), (0, 1), log.error_details)
        # Odoo takes "nothing done" for "nothing to do" and ends the job: a trigger due now
        # has the next pass run it at once, and the cron workers are woken for it.
        trigger = self.env["ir.cron.trigger"].search(
            [("cron_id", "=", self.cron.id), ("id", "not in", triggers.ids)])
        self.assertEqual(len(trigger), 1)
        self.assertLessEqual(trigger.call_at, self.env.cr.now())
        self.assertTrue(self.due_now())
        self.assertEqual(heard, [self.env.cr.dbname])

    def test_a_new_pass_has_a_new_time_budget(self):
        self.make_backend("Slow", max_pages=1000, window_days=1)
        self.sandbox.add_fault("/trackonline/api/v1/transaction", delay=0.6, times=1000)
        with cron_limit(12):
            with ir_cron.in_pass(CronPass()):
                self.run_cron()
            calls = self.sandbox.calls("GET", "/trackonline/api/v1/transaction")
            with ir_cron.in_pass(CronPass()):
                progress = self.run_cron()
        self.assertGreater(self.sandbox.calls("GET", "/trackonline/api/v1/transaction"), calls)
        self.assertGreater(progress.done, 0)
        self.assertEqual(progress.remaining, 1)


@tagged("post_install", "-at_install")
class TestPassClock(TransactionCase):
    """What models/ir_cron.py relies on in Odoo's cron runner, which has no public way to
    tell when a worker's pass began: these fail if Odoo changes under it."""

    def test_odoo_hands_each_job_the_cursor_of_its_pass(self):
        base = odoo_ir_cron.ir_cron
        self.assertEqual(list(inspect.signature(base._process_job).parameters),
                         ["db", "cron_cr", "job"])
        # ``_process_jobs`` opens one cursor per pass and gives it to every job of the pass,
        # through the registry's model (so that this addon's override runs).
        source = inspect.getsource(base._process_jobs)
        self.assertIn("with db.cursor() as cron_cr:", source)
        self.assertIn("registry[cls._name]._process_job(db, cron_cr, job)", source)
        overrides = [vars(klass)["_process_job"] for klass in type(self.env["ir.cron"]).mro()
                     if "_process_job" in vars(klass)]
        self.assertIn(vars(ir_cron.IrCron)["_process_job"], overrides, "the override is in use")

    def test_the_threaded_server_stamps_its_cron_thread_as_a_pass_starts(self):
        source = inspect.getsource(odoo_server.ThreadedServer.cron_thread)
        self.assertIn("thread.start_time = time.time()", source)
        self.assertLess(source.index("thread.start_time = time.time()"),
                        source.index("ir_cron._process_jobs(db_name)"))

    def test_a_new_pass_cursor_starts_a_new_clock_and_a_job_of_the_same_pass_keeps_it(self):
        first, second = CronPass(), CronPass()
        with ir_cron.in_pass(first):
            started = ir_cron.pass_started()
        time.sleep(0.05)
        with ir_cron.in_pass(first):
            self.assertEqual(ir_cron.pass_started(), started, "the same pass, the same clock")
        with ir_cron.in_pass(second):
            self.assertGreater(ir_cron.pass_started(), started, "a new pass, a new clock")
        thread = threading.current_thread()
        cron = (getattr(thread, "type", None), getattr(thread, "start_time", None))
        try:
            thread.type, thread.start_time = "cron", time.time() - 30
            with ir_cron.in_pass(CronPass()):
                self.assertAlmostEqual(time.monotonic() - ir_cron.pass_started(), 30, delta=1,
                                       msg="the threaded server's stamp is the pass's start")
        finally:
            thread.type, thread.start_time = cron
