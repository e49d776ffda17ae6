"""The dashboard's cards over the four systems' backends, their figures and buttons, and what
a backend's form says of its runs, against the sandbox over real HTTP."""

from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..models.tracking_sync_log import SyncRun
from ..sandbox.backends import backend_values
from .common import SandboxCase, web_context


@tagged("post_install", "-at_install")
class TestDashboard(SandboxCase):
    """The dashboard's cards over the four systems' backends, their figures and buttons,
    against the sandbox over real HTTP."""

    sandbox_transactions = 120

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.to = cls.env["trackonline.backend"].create(backend_values(
            "trackonline", cls.sandbox.url, name="TrackOnline dashboard",
            licence_tier="pro_plus", start_date="2026-01-01", window_days=60, timeout=10))

    def card(self, backend):
        return self.env["tracking.backend"].search([("id", "=", backend.tracking_backend_id.id)])

    def test_one_card_per_backend_of_every_system(self):
        cards = self.env["tracking.backend"].search([])
        for model in ("trackline.backend", "trackonline.backend", "opuscapita.backend",
                      "sage50.backend"):
            backends = self.env[model].search([])
            self.assertEqual(sorted(cards.filtered(lambda c, m=model: c.backend_model == m).ids),
                             sorted(backends.tracking_backend_id.ids), model)
        self.assertEqual(self.card(self.backend).name, "Trackline test")
        self.to.active = False
        self.assertFalse(self.card(self.to), "archived backends leave the dashboard")

    def test_card_buttons_run_the_sync_and_figures_follow(self):
        card = self.card(self.to)
        self.assertEqual((card.record_count, card.calls_today, card.last_sync_state),
                         (0, 0, False))
        self.assertEqual(card.calls_budget, 5000, "the licence tier's daily budget")
        self.assertEqual(card.connection, "unknown")
        action = card.action_sync_transactions()
        self.assertEqual(action["tag"], "tracking_connector.notify")
        self.assertEqual(action["params"]["next"]["tag"], "soft_reload",
                         "the view on screen reloads after the notification")
        created = self.env["trackonline.transaction"].search_count(
            [("backend_id", "=", self.to.id)])
        self.assertEqual(created, 120)
        self.assertIn("120 created", action["params"]["message"])
        self.assertIn("/odoo/tracking.sync.log/", action["params"]["links"][0]["url"])
        card.invalidate_recordset()
        log = self.last_log(self.to)
        self.assertEqual((card.record_count, card.record_label), (120, "Transactions"))
        self.assertEqual(card.last_sync_state, "done")
        self.assertEqual(card.last_sync_operation, "sync transactions")
        self.assertEqual(self.card(self.to).connection, "ok",
                         "a run that got its answers says the connection works")
        self.assertEqual(card.last_sync_at, log.started_at)
        self.assertEqual(card.calls_today, log.api_calls)
        self.assertEqual(card.error_count, 0)
        self.assertEqual(card.action_test_connection()["params"]["type"], "success")
        self.assertEqual(card.action_open_backend()["res_id"], self.to.id)
        self.assertEqual(card.action_view_sync_logs()["domain"],
                         [("backend_id", "=", self.to.tracking_backend_id.id)])

    def test_every_figure_opens_the_list_behind_it(self):
        card = self.card(self.to)
        card.action_sync_transactions()
        self.card(self.backend).action_test_connection()
        card.invalidate_recordset()
        records = card.action_open_records()
        self.assertEqual(records["res_model"], "trackonline.transaction")
        self.assertEqual(self.env[records["res_model"]].search_count(records["domain"]),
                         card.record_count)
        calls = card.action_open_calls_today()
        logs = self.env["tracking.sync.log"].search(calls["domain"])
        self.assertEqual(sum(logs.mapped("api_calls")), card.calls_today)
        self.assertEqual(logs.backend_id, self.to.tracking_backend_id)
        # Every system's calls count, not only those of the APIs with a budget.
        trackline = self.card(self.backend)
        self.assertGreater(trackline.calls_today, 0)
        self.assertEqual(trackline.calls_budget, 0)
        self.assertEqual(trackline.action_open_records()["res_model"], "trackline.process")
        self.assertEqual(trackline.record_label, "Processes")
        # Open errors: failed runs, then the records in error.
        self.sandbox.add_fault("/trackonline/api/v1/transaction", status=500, times=10)
        card.action_sync_transactions()
        card.invalidate_recordset()
        errors = card.action_open_errors()
        self.assertEqual(errors["res_model"], "tracking.sync.log")
        self.assertEqual(self.env["tracking.sync.log"].search_count(errors["domain"]), 1)
        self.assertEqual(card.error_summary, "Failed runs: 1")
        self.env["trackonline.location"].create({
            "backend_id": self.to.id, "number": "R-1", "name": "Refused", "send_state": "error"})
        card.invalidate_recordset()
        errors = card.action_open_errors()
        self.assertEqual(errors["res_model"], "trackonline.location")
        self.assertEqual(self.env["trackonline.location"].search(errors["domain"]).mapped("name"),
                         ["Refused"])

    def test_failures_count_as_open_errors(self):
        self.sandbox.add_fault("/trackonline/api/v1/transaction", status=500, times=10)
        action = self.card(self.to).action_sync_transactions()
        self.assertEqual(action["params"]["type"], "danger")
        card = self.card(self.to)
        self.assertEqual(card.last_sync_state, "failed")
        self.assertEqual(card.error_count, 1)
        # A record refused by TrackOnline is an open error too.
        location = self.env["trackonline.location"].create({
            "backend_id": self.to.id, "number": "R-1", "name": "Refused",
            "send_state": "error"})
        card.invalidate_recordset()
        self.assertEqual(card.error_count, 2)
        location.send_state = "saved"
        card.invalidate_recordset()
        self.assertEqual(card.error_count, 1)

    def test_a_failure_fixed_by_a_later_good_run_stops_counting(self):
        """A failed sync followed by a good run of the same sync is no open error; a failed
        run of another sync still is."""
        self.sandbox.add_fault("/trackonline/api/v1/transaction", status=500, times=10)
        self.to._sync("transactions")
        self.sandbox.clear_faults()
        self.sandbox.add_fault("/trackonline/api/v1/location", status=500, times=10)
        self.to._sync("locations")
        card = self.card(self.to)
        self.assertEqual(card.error_summary, "Failed runs: 2")
        self.sandbox.clear_faults()
        self.to._sync("transactions")
        card.invalidate_recordset()
        self.assertEqual(card.error_summary, "Failed runs: 1", "the locations' failure only")
        runs = self.env["tracking.sync.log"].search(
            card.action_open_error_source("runs")["domain"])
        self.assertEqual(runs.mapped("operation"), ["sync locations"])
        self.to._sync("locations")
        card.invalidate_recordset()
        self.assertEqual(card.error_count, 0)
        self.assertFalse(card.error_sources)

    def test_a_failed_connection_test_is_no_failed_sync(self):
        """A failed "Test connection" shows in the card's connection, not as a failed run,
        and it moves neither the card's last run nor the backend's "Last sync"."""
        self.to._sync("locations")
        synced = self.last_log(self.to)
        self.to.sudo().api_key = "wrong"
        self.card(self.to).action_test_connection()
        self.assertEqual(self.last_log(self.to).state, "failed")
        self.env["tracking.backend"].invalidate_model()  # as a new request reads it
        card = self.card(self.to)
        self.assertEqual(card.connection, "error")
        self.assertEqual(card.error_count, 0)
        self.assertEqual((card.last_sync_operation, card.last_sync_state, card.last_sync_at),
                         ("sync locations", "done", synced.started_at))
        self.env.invalidate_all()  # as a new request reads it
        self.assertEqual(self.to.last_sync_at, synced.started_at)

    def test_recent_activity_counts_records_and_failed_runs_by_day(self):
        """The card's bars: each of the last 28 days, the records the runs saved and the
        runs that failed; connection tests and older runs aside."""
        self.to._sync("locations")
        synced = self.last_log(self.to)
        self.to.sudo().api_key = "wrong"
        self.to._sync("locations")
        self.card(self.to).action_test_connection()  # a failed test: no failed run
        now = fields.Datetime.now()
        for days_ago, created, state in ((3, 5, "failed"), (3, 2, "done"), (40, 9, "done")):
            started = now - timedelta(days=days_ago)
            self.env["tracking.sync.log"].create({
                "backend_id": self.to.tracking_backend_id.id, "backend_name": self.to.name,
                "operation": "sync transactions", "started_at": started, "ended_at": started,
                "state": state, "created_count": created, "updated_count": 1})
        card = self.card(self.to).with_context(tz="UTC")
        days = card.activity
        self.assertEqual(len(days), 28)
        self.assertEqual(days[-1], {
            "day": now.date().isoformat(), "failed": 1,
            "records": synced.created_count + synced.updated_count})
        self.assertEqual(days[-4], {"day": (now - timedelta(days=3)).date().isoformat(),
                                    "records": 9, "failed": 1})
        self.assertEqual(sum(day["records"] for day in days),
                         synced.created_count + synced.updated_count + 9,
                         "the run of 40 days ago is not among the bars")

    def test_a_scheduled_job_failing_before_its_run_leaves_a_failed_run(self):
        """As the packaging labels' job that met a database conflict at its start: no run
        of its own, yet a failed run log the dashboard counts, and the next backend goes
        on."""
        other = self.env["trackonline.backend"].create(backend_values(
            "trackonline", self.sandbox.url, name="TrackOnline next", timeout=10))
        self.env["trackonline.backend"].search([("id", "not in", (self.to | other).ids)]
                                               ).active = False
        # Saved before the scheduled action runs (it rolls back its own work).
        self.env.cr.commit()  # pylint: disable=invalid-commit
        served = []

        def job(backend, deadline):
            served.append(backend)
            if backend == self.to:
                self.env["trackonline.location"].create({
                    "backend_id": backend.id, "number": "L-lost", "name": "Rolled back"})
                raise RuntimeError("could not serialize access at start")
            return backend._sync("locations", deadline=deadline)

        self.env["trackonline.backend"]._cron_each_backend("packaging_labels", job)
        self.assertEqual(sorted(b.id for b in served), sorted((self.to | other).ids))
        log = self.last_log(self.to)
        self.assertEqual(log.state, "failed")
        self.assertEqual(log.operation, "scheduled action packaging_labels")
        self.assertIn("RuntimeError: could not serialize access at start", log.message)
        self.assertIn("Traceback", log.error_details)
        self.assertFalse(self.env["trackonline.location"].search([("number", "=", "L-lost")]),
                         "the failed job's work is rolled back")
        card = self.card(self.to)
        self.assertEqual((card.last_sync_state, card.error_count), ("failed", 1))
        self.assertEqual(self.last_log(other).operation, "sync locations")

    def test_import_a_process_from_the_trackline_card(self):
        """The Trackline card's "Import a process", as a Tracking user clicks it: the web
        client gives the wizard the card as ``active_model``/``active_id``; the process is
        imported, linked to no record (the card is none)."""
        user = new_test_user(self.env, "dash_importer",
                             groups="tracking_connector.group_tracking_user")
        card = self.card(self.backend).with_user(user)
        active = {"active_model": card._name, "active_id": card.id, "active_ids": card.ids}
        action = card.with_context(**active).action_open_import_wizard()
        self.assertEqual(action["target"], "new")
        wizard = self.env[action["res_model"]].with_user(user).with_context(
            **web_context(active, action["context"])).create(
            {"lookup": "id", "process_ref": "10000"})
        self.assertEqual(wizard.backend_id, self.backend, "the card's backend")
        result = wizard.action_import()
        process = self.env["trackline.process"].browse(result["res_id"])
        self.assertEqual(process.remote_id, "10000")
        self.assertFalse(process.res_model, "linked to no record")

    def test_a_card_refuses_a_button_its_system_has_not(self):
        with self.assertRaisesRegex(Exception, "has no button"):
            self.card(self.backend).action_sync_transactions()

    def test_cards_follow_the_backends_company_rules(self):
        other = self.env["res.company"].create({"name": "Other company"})
        theirs = self.env["opuscapita.backend"].create({
            "name": "Theirs", "base_url": self.sandbox.url, "company_id": other.id,
            "client_id": "x"})
        user = new_test_user(self.env, "dash_user", groups="tracking_connector.group_tracking_user",
                             company_id=self.env.company.id,
                             company_ids=[(6, 0, [self.env.company.id])])
        cards = self.env["tracking.backend"].with_user(user).search([])
        self.assertIn(self.to.tracking_backend_id, cards.filtered(
            lambda c: c.backend_model == "trackonline.backend"))
        self.assertNotIn(theirs.tracking_backend_id, cards.filtered(
            lambda c: c.backend_model == "opuscapita.backend"))
        card = self.card(theirs)
        with self.assertRaises(AccessError):
            card.with_user(user).action_sync_events()
        self.assertFalse(self.env["tracking.sync.log"].search_count(
            [("backend_id", "=", theirs.tracking_backend_id.id)]))

    def test_figures_take_a_fixed_number_of_queries(self):
        for number in range(6):
            self.env["trackline.backend"].create({
                "name": "Extra %s" % number, "base_url": self.sandbox.url,
                "login": "x", "password": "y"})
        self.to.action_sync_locations()
        cards = self.env["tracking.backend"].search([])
        self.assertGreater(len(cards), 8)
        self.env.invalidate_all()
        few = self.env["tracking.backend"]
        for model in set(cards.mapped("backend_model")):
            few |= cards.filtered(lambda c, m=model: c.backend_model == m)[:1]
        self.assertEqual(len(few), 4)

        def queries(cards):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            cards.mapped("error_count")
            return self.cr.sql_log_count - before

        self.assertLessEqual(queries(cards), queries(few),
                             "more cards of the same systems cost no more queries")

    def test_button_runs_tell_their_user_the_progress(self):
        bus = self.env["bus.bus"]
        before = bus.search([]).ids
        with patch.object(SyncRun, "PROGRESS_INTERVAL", 0.0):
            self.to.window_days = 5
            self.to._sync("transactions", max_pages=50)
        self.env.cr.precommit.run()
        messages = bus.search([("id", "not in", before)]).mapped("message")
        progress = [m for m in messages if "records so far" in m]
        self.assertTrue(progress, messages)
        self.assertIn("sync transactions", progress[-1])
        self.assertIn("TrackOnline dashboard", progress[-1])
        # A cron's run tells nobody.
        bus.search([]).unlink()
        with patch.object(SyncRun, "PROGRESS_INTERVAL", 0.0):
            self.to.with_context(ir_cron_progress_id=1)._sync("transactions")
        self.env.cr.precommit.run()
        self.assertFalse([m for m in bus.search([]).mapped("message") if "so far" in m])


@tagged("post_install", "-at_install")
class TestBackendScreens(SandboxCase):
    """What a backend's form says of its runs: the connection a successful run proves, the
    items kept to retry; and the dashboard's open errors, one link per source."""

    sandbox_transactions = 30

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.to = cls.env["trackonline.backend"].create(backend_values(
            "trackonline", cls.sandbox.url, name="TrackOnline screens",
            start_date="2026-01-01", window_days=400, timeout=10))
        cls.oc = cls.env["opuscapita.backend"].create(backend_values(
            "opuscapita", cls.sandbox.url, name="OpusCapita screens", timeout=10))

    def card(self, backend):
        return self.env["tracking.backend"].search([("id", "=", backend.tracking_backend_id.id)])

    def test_a_successful_run_says_the_connection_works_on_the_form(self):
        runs = {self.backend: lambda: self.import_process("10001"),
                self.to: lambda: self.to._sync("transactions"),
                self.oc: lambda: self.oc._sync_events()}
        for backend, run in runs.items():
            with self.subTest(backend=backend._name):
                self.assertEqual((backend.connection_state, backend.connection),
                                 ("unknown", "unknown"), "no run yet: not tested")
                run()
                log = self.last_log(backend)
                self.assertIn(log.state, ("done", "warning"))
                self.assertGreater(log.api_calls, 0)
                self.env.invalidate_all()  # as a new request reads it
                self.assertEqual(backend.connection, "ok", "a run that got its answers")
                self.assertEqual(backend.connection_state, "unknown",
                                 "the last connection test is still the last one")
                self.assertEqual(self.card(backend).connection, backend.connection,
                                 "the form and the dashboard say the same")

    def test_a_failed_run_leaves_the_last_test_to_speak(self):
        self.to.action_test_connection()
        self.sandbox.add_fault("/trackonline/api/v1/transaction", status=500, times=10)
        self.to._sync("transactions")
        self.assertEqual(self.last_log(self.to).state, "failed")
        self.env.invalidate_all()  # as a new request reads it
        self.assertEqual((self.to.connection_state, self.to.connection), ("ok", "ok"))
        self.to.sudo().connection_state = "error"
        self.env.invalidate_all()  # as a new request reads it
        self.assertEqual(self.to.connection, "error",
                         "a failed run proves nothing: the last test's error shows")
        self.assertEqual(self.card(self.to).connection, "error")

    def test_sage_onboarding_calls_do_not_say_connected(self):
        """Registering and asking a passcode need no API key: until Sage gives it, a
        Sage 50 backend is not connected, whatever those calls answered."""
        sage = self.env["sage50.backend"].create(backend_values(
            "sage50", self.sandbox.url, name="Sage 50 screens", timeout=10))
        run = sage._register_developer("Odoo", "dev@example.com", "Company")
        self.assertEqual(run.log.state, "done")
        self.assertGreater(run.log.api_calls, 0)
        self.assertEqual(sage.onboarding_state, "registering")
        self.env.invalidate_all()  # as a new request reads it
        self.assertEqual((sage.connection, self.card(sage).connection),
                         ("unknown", "unknown"), "not tested: no key yet")
        sage.action_test_connection()
        self.env.invalidate_all()  # as a new request reads it
        self.assertEqual((sage.connection, self.card(sage).connection),
                         ("error", "error"), "tested without a key: not connected")
        sage.sudo().onboarding_state = "approved"
        self.env.invalidate_all()  # as a new request reads it
        self.assertEqual(sage.connection, "error", "the failed test is the last word")

    def add_a_row_to_retry(self):
        """A sync of the TrackOnline backend that keeps its second transaction to retry."""
        def rewrite(data):
            rows = next((v for v in data.values() if isinstance(v, list)), []) \
                if isinstance(data, dict) else data
            if len(rows) > 1:
                rows[1]["transactionItems"] = "not-a-list"
            return data
        self.sandbox.add_fault("/trackonline/api/v1/transaction", skip=0, rewrite=rewrite)
        return self.to._sync("transactions")

    def test_items_to_retry_smart_button(self):
        self.assertEqual(self.to.failed_unit_count, 0)
        run = self.add_a_row_to_retry()
        self.assertEqual(run.log.kept_count, 1)
        self.env.invalidate_all()  # as a new request reads it
        self.assertEqual(self.to.failed_unit_count, 1)
        action = self.to.action_view_failed_units()
        items = self.env["tracking.failed.unit"].search(action["domain"])
        self.assertEqual(len(items), 1)
        self.assertEqual(items.backend_id, self.to.tracking_backend_id)
        self.assertEqual(self.backend.failed_unit_count, 0, "another backend's are not counted")
        items.ignore_reason = "Tested"
        items.action_ignore()
        self.env.invalidate_all()  # as a new request reads it
        self.assertEqual(self.to.failed_unit_count, 0, "an ignored item is not open")

    def test_open_errors_link_every_source(self):
        self.add_a_row_to_retry()
        self.env["trackonline.location"].create({
            "backend_id": self.to.id, "number": "R-1", "name": "Refused", "send_state": "error"})
        self.sandbox.clear_faults()
        self.sandbox.add_fault("/trackonline/api/v1/location", status=500, times=10)
        self.to._sync("locations")
        card = self.card(self.to)
        self.assertEqual([(s["source"], s["count"]) for s in card.error_sources],
                         [("kept", 1), ("trackonline.location", 1), ("runs", 1)])
        self.assertEqual(card.error_count, 3)
        self.assertEqual(card.error_summary,
                         "Items to retry: 1, Locations: 1, Failed runs: 1")
        opened = {}
        for source in card.error_sources:
            action = card.action_open_error_source(source["source"])
            opened[source["source"]] = self.env[action["res_model"]].search(action["domain"])
            self.assertEqual(len(opened[source["source"]]), source["count"], source)
        self.assertEqual(opened["kept"]._name, "tracking.failed.unit")
        self.assertEqual(opened["trackonline.location"].name, "Refused")
        self.assertEqual(opened["runs"].state, "failed")
        self.assertEqual(card.action_open_errors()["res_model"], "tracking.failed.unit",
                         "the figure opens the first source")
        with self.assertRaisesRegex(UserError, "has no open errors"):
            card.action_open_error_source("res.partner")
