"""Housekeeping (models/tracking_housekeeping.py): Odoo's daily auto-vacuum clears old run
logs, finished items to retry and old call counters, keeps recent and failed runs and the last
run of each operation, and leaves the dashboard's figures as they were."""
import calendar
import inspect
from datetime import timedelta

from odoo import fields
from odoo.addons.base.models.ir_autovacuum import is_autovacuum
from odoo.tests import tagged

from ..models import tracking_housekeeping
from ..models.tracking_housekeeping import KEEP_RUN_LOGS_PARAM
from .common import SandboxCase


@tagged("post_install", "-at_install")
class TestHousekeeping(SandboxCase):

    def setUp(self):
        super().setUp()
        self.now = fields.Datetime.now()
        self.logs = self.env["tracking.sync.log"].sudo()
        self.items = self.env["tracking.failed.unit"].sudo()

    def run_log(self, days_ago, operation="sync processes", state="done", **values):
        started = self.now - timedelta(days=days_ago)
        return self.logs.create({
            "backend_id": self.backend.tracking_backend_id.id,
            "backend_name": self.backend.name, "company_id": self.backend.company_id.id,
            "operation": operation, "started_at": started, "ended_at": started,
            "state": state, **values})

    def item(self, key, state, days_ago):
        item = self.items.create({
            "backend_id": self.backend.tracking_backend_id.id,
            "resource": "processes", "remote_key": key, "state": state})
        item.flush_recordset()
        self.env.cr.execute("UPDATE tracking_failed_unit SET write_date = %s WHERE id = %s",
                            (self.now - timedelta(days=days_ago), item.id))
        item.invalidate_recordset()
        return item

    def card_figures(self):
        card = self.backend.tracking_backend_id
        card.invalidate_recordset()
        return {name: card[name] for name in (
            "last_sync_state", "last_sync_operation", "last_sync_at", "error_count",
            "error_summary", "calls_today", "record_count", "connection", "activity")}

    def clear(self):
        return self.env["tracking.housekeeping"]._gc_connector_history()

    def test_is_run_by_odoos_daily_auto_vacuum(self):
        model = type(self.env["tracking.housekeeping"])
        self.assertEqual([name for name, func in inspect.getmembers(model, is_autovacuum)
                          if name.startswith("_gc_connector")], ["_gc_connector_history"])

    def test_old_runs_go_recent_failed_and_last_of_each_operation_stay(self):
        old = self.run_log(120)
        old_with_page = self.run_log(100)
        page = self.env["ir.attachment"].sudo().create({
            "name": "processes page as received.json", "res_model": "tracking.sync.log",
            "res_id": old_with_page.id, "raw": b"[]"})
        old_failed = self.run_log(120, state="failed")
        old_with_errors = self.run_log(110, state="warning", error_details="one row refused")
        very_old_failed = self.run_log(400, state="failed")
        recent = self.run_log(10)
        last_of_its_operation = self.run_log(200, operation="test connection")
        before = self.card_figures()

        deleted = self.clear()

        self.assertFalse((old | old_with_page | very_old_failed).exists())
        self.assertFalse(page.exists(), "a page a run kept goes with its run")
        kept = old_failed | old_with_errors | recent | last_of_its_operation
        self.assertEqual(kept.exists(), kept)
        self.assertEqual(deleted["run logs"], 3)
        self.assertEqual(self.card_figures(), before, "the dashboard shows what it showed")
        self.assertEqual(self.clear()["run logs"], 0, "a second pass finds nothing more")

    def test_the_setting_says_how_long_run_logs_stay(self):
        kept = self.run_log(40)
        self.run_log(5)
        self.env["ir.config_parameter"].sudo().set_param(KEEP_RUN_LOGS_PARAM, "30")
        self.clear()
        self.assertFalse(kept.exists())
        self.env["ir.config_parameter"].sudo().set_param(KEEP_RUN_LOGS_PARAM, "thirty")
        still = self.run_log(40)
        self.run_log(5)
        self.clear()
        self.assertTrue(still.exists(), "a setting that is no number keeps 90 days")

    def test_finished_items_to_retry_go_open_ones_stay(self):
        done = self.item("p-1", "done", 100)
        ignored = self.item("p-2", "ignored", 100)
        recent_done = self.item("p-3", "done", 5)
        old_open = self.item("p-4", "failed", 300) | self.item("p-5", "retry", 300)
        self.clear()
        self.assertFalse((done | ignored).exists())
        self.assertEqual((recent_done | old_open).exists(), recent_done | old_open)

    def test_old_call_counters_go(self):
        seconds = calendar.timegm(self.now.timetuple())
        counters = self.env["tracking.rate.counter"].sudo()
        rows = {}
        for name, period, start in (
                ("this second", "second", seconds),
                ("old second", "second", seconds - 3 * 86400),
                ("today", "day", seconds // 86400),
                ("yesterday", "day", seconds // 86400 - 1),
                ("old day", "day", seconds // 86400 - 5)):
            rows[name] = counters.create({
                "backend_id": self.backend.tracking_backend_id.id,
                "period": period, "period_start": start, "calls": 3})
        self.assertEqual(self.clear()["call counters"], 2)
        self.assertEqual(sorted(name for name, row in rows.items() if row.exists()),
                         ["this second", "today", "yesterday"])

    def test_a_day_clears_at_most_its_share(self):
        for _ in range(5):
            self.run_log(200)
        self.run_log(1)
        self.patch(tracking_housekeeping, "MAX_ROWS_A_DAY", 3)
        self.patch(tracking_housekeeping, "BATCH", 2)
        self.assertEqual(self.clear()["run logs"], 3)
        self.assertEqual(self.clear()["run logs"], 2, "the rest the next day")
