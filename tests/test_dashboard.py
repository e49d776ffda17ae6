from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..models.tracking_sync_log import SyncRun
from ..sandbox.backends import backend_values
from .common import SandboxCase


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
        return self.env["tracking.dashboard"].search([("backend_model", "=", backend._name),
                                                      ("backend_id", "=", backend.id)])

    def test_one_card_per_backend_of_every_system(self):
        cards = self.env["tracking.dashboard"].search([])
        for model in ("trackline.backend", "trackonline.backend", "opuscapita.backend",
                      "sage50.backend"):
            backends = self.env[model].search([])
            self.assertEqual(sorted(cards.filtered(lambda c, m=model: c.backend_model == m)
                                    .mapped("backend_id")), sorted(backends.ids), model)
        self.assertEqual(self.card(self.backend).name, "Trackline test")
        self.to.active = False
        self.assertFalse(self.card(self.to), "archived backends leave the dashboard")

    def test_card_buttons_run_the_sync_and_figures_follow(self):
        card = self.card(self.to)
        self.assertEqual((card.record_count, card.calls_today, card.last_sync_state),
                         (0, 0, False))
        self.assertEqual(card.calls_budget, 5000, "the licence tier's daily budget")
        self.assertEqual(card.connection_state, "unknown")
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
        self.assertEqual(self.card(self.to).connection_state, "ok",
                         "a run that got its answers says the connection works")
        self.assertEqual(card.last_sync_at, log.started_at)
        self.assertEqual(card.calls_today, log.api_calls)
        self.assertEqual(card.error_count, 0)
        self.assertEqual(card.action_test_connection()["params"]["type"], "success")
        self.assertEqual(card.action_open_backend()["res_id"], self.to.id)
        self.assertEqual(card.action_view_sync_logs()["domain"],
                         [("backend_model", "=", "trackonline.backend"),
                          ("backend_id", "=", self.to.id)])

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
        self.assertEqual(logs.mapped("backend_id"), [self.to.id])
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
        cards = self.env["tracking.dashboard"].with_user(user).search([])
        self.assertIn(self.to.id, cards.filtered(
            lambda c: c.backend_model == "trackonline.backend").mapped("backend_id"))
        self.assertNotIn(theirs.id, cards.filtered(
            lambda c: c.backend_model == "opuscapita.backend").mapped("backend_id"))
        card = self.card(theirs)
        with self.assertRaises(AccessError):
            card.with_user(user).action_sync_events()
        self.assertFalse(self.env["tracking.sync.log"].search_count(
            [("backend_model", "=", "opuscapita.backend"), ("backend_id", "=", theirs.id)]))

    def test_figures_take_a_fixed_number_of_queries(self):
        for number in range(6):
            self.env["trackline.backend"].create({
                "name": "Extra %s" % number, "base_url": self.sandbox.url,
                "login": "x", "password": "y"})
        self.to.action_sync_locations()
        cards = self.env["tracking.dashboard"].search([])
        self.assertGreater(len(cards), 8)
        self.env.invalidate_all()
        few = self.env["tracking.dashboard"]
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
