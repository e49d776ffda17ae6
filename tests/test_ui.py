"""The Tracking app in headless Chromium (Odoo tours): every menu opens, a backend set up
from its form, the screen after a button, items to retry, runs and errors read in Spanish."""

from urllib.parse import quote

from odoo.tests import HttpCase, new_test_user, tagged

from ..sandbox.backends import backend_values
from ..sandbox.trackonline import TRACKONLINE_API_KEY
from .common import CommitCase, load_spanish, small_sandbox


@tagged("post_install", "-at_install")
class TestUi(CommitCase, HttpCase):
    """The Tracking app in headless Chromium (Odoo tours)."""

    def test_every_menu_of_the_app_opens(self):
        """Each menu of the Tracking app that has an action opens its view without an
        error: new menus are covered by themselves."""
        root = self.env.ref("tracking_connector.menu_tracking_root")
        menus = self.env["ir.ui.menu"].search([("id", "child_of", root.id),
                                               ("action", "!=", False)])
        self.assertGreater(len(menus), 20)
        for menu in menus:
            with self.subTest(menu=menu.complete_name):
                self.start_tour("/odoo/action-%d?menu_id=%d" % (menu.action.id, root.id),
                                "tracking_connector_view_opens", login="admin")

    def test_configure_a_backend_against_the_sandbox(self):
        sandbox = small_sandbox(self)
        self.start_tour(
            "/odoo/action-tracking_connector.action_trackonline_backend",
            "tracking_connector_backend_setup", login="admin", timeout=120,
            cookies={"tc_sandbox_url": quote("%s/trackonline/api/v1" % sandbox.url, safe=""),
                     "tc_sandbox_key": quote(TRACKONLINE_API_KEY, safe="")})
        backend = self.env["trackonline.backend"].search([("name", "=", "Sandbox TrackOnline")])
        self.assertEqual(backend.connection_state, "ok")
        self.assertEqual(self.env["trackonline.transaction"].search_count(
            [("backend_id", "=", backend.id)]), 30)
        logs = self.env["tracking.sync.log"].search(
            [("backend_id", "=", backend.tracking_backend_id.id)])
        self.assertEqual(sorted(logs.mapped("operation")),
                         ["sync transactions", "sync transactions", "test connection"])

    def test_the_screen_shows_what_a_button_did(self):
        """Tour ``tracking_connector_dashboard_refresh``: a card's figures follow its sync
        without a manual reload, a figure opens its list, the backend form's other syncs are
        in its Actions menu, and a run's notification opens the run log in the same tab."""
        sandbox = small_sandbox(self)
        backend = self.env["trackonline.backend"].create({
            "name": "Tour TrackOnline", "api_key": TRACKONLINE_API_KEY,
            "base_url": "%s/trackonline/api/v1" % sandbox.url,
            "start_date": "2026-01-01", "window_days": 400, "timeout": 10})
        self.start_tour("/odoo/action-tracking_connector.action_tracking_dashboard",
                        "tracking_connector_dashboard_refresh", login="admin", timeout=120)
        logs = self.env["tracking.sync.log"].search(
            [("backend_id", "=", backend.tracking_backend_id.id)])
        self.assertEqual(sorted(logs.mapped("operation")),
                         ["sync locations", "sync transactions"])

    def test_a_run_reads_in_spanish(self):
        """Tour ``tracking_connector_run_in_spanish``: a run started by a user working in
        English, read on the dashboard and in the run logs by a user working in Spanish."""
        load_spanish(self.env)
        sandbox = small_sandbox(self)
        backend = self.env["trackonline.backend"].create(backend_values(
            "trackonline", sandbox.url, name="Tour TrackOnline", start_date="2026-01-01",
            window_days=400, timeout=10))
        self.assertEqual(self.env.user.lang, "en_US")
        run = backend._sync("transactions")
        self.assertEqual((run.log.operation, run.log.state), ("sync transactions", "done"))
        new_test_user(self.env, "tour_es", lang="es_ES",
                      groups="base.group_user,tracking_connector.group_tracking_user")
        self.start_tour("/odoo/action-tracking_connector.action_tracking_dashboard",
                        "tracking_connector_run_in_spanish", login="tour_es", timeout=120)

    def sync_with_a_bad_second_row(self, change):
        """The run log of a TrackOnline backend's transaction sync from a sandbox of its own
        whose second transaction is changed by ``change(row)``."""
        sandbox = small_sandbox(self)

        def rewrite(data):
            rows = next((v for v in data.values() if isinstance(v, list)), []) \
                if isinstance(data, dict) else data
            change(rows[1])
            return data

        sandbox.add_fault("/trackonline/api/v1/transaction", skip=0, rewrite=rewrite)
        backend = self.env["trackonline.backend"].create(backend_values(
            "trackonline", sandbox.url, name="Tour TrackOnline", start_date="2026-01-01",
            window_days=400, timeout=10))
        return backend._sync("transactions").log

    def test_errors_read_in_spanish(self):
        """Tour ``tracking_connector_errors_in_spanish``: a run's error lines and its kept
        item, logged by a user working in English, read in Spanish; the run logs grouped by
        operation in Spanish."""
        load_spanish(self.env)
        log = self.sync_with_a_bad_second_row(lambda row: row.pop("id"))
        self.assertEqual(log.kept_count, 1)
        self.assertIn("transaction without id skipped", log.error_details, "logged in English")
        new_test_user(self.env, "tour_es", lang="es_ES",
                      groups="base.group_user,tracking_connector.group_tracking_user")
        self.start_tour("/odoo/action-tracking_connector.action_tracking_sync_log",
                        "tracking_connector_errors_in_spanish", login="tour_es", timeout=120)

    def test_items_to_retry_open_their_list(self):
        """Tour ``tracking_connector_items_to_retry``: the card's open errors and the backend
        form's smart button open the items kept to retry."""
        log = self.sync_with_a_bad_second_row(
            lambda row: row.update(transactionItems="not-a-list"))
        self.assertEqual(log.kept_count, 1)
        self.start_tour("/odoo/action-tracking_connector.action_tracking_dashboard",
                        "tracking_connector_items_to_retry", login="admin", timeout=120)
