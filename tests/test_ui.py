from urllib.parse import quote

from odoo.tests import HttpCase, tagged

from ..sandbox.server import Sandbox
from ..sandbox.trackonline import TRACKONLINE_API_KEY


@tagged("post_install", "-at_install")
class TestUi(HttpCase):
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
        sandbox = Sandbox(seed=7, size=4, transactions=30)
        sandbox.start()
        self.addCleanup(sandbox.stop)
        self.start_tour(
            "/odoo/action-tracking_connector.action_trackonline_backend",
            "tracking_connector_backend_setup", login="admin", timeout=120,
            cookies={"tc_sandbox_url": quote("%s/trackonline/api/v1" % sandbox.url, safe=""),
                     "tc_sandbox_key": quote(TRACKONLINE_API_KEY, safe="")})
        backend = self.env["trackonline.backend"].search([("name", "=", "Sandbox TrackOnline")])
        self.assertEqual(backend.connection_state, "ok")
        self.assertEqual(self.env["trackonline.transaction"].search_count(
            [("backend_id", "=", backend.id)]), 30)
        logs = self.env["tracking.sync.log"].search([("backend_model", "=", backend._name),
                                                     ("backend_id", "=", backend.id)])
        self.assertEqual(sorted(logs.mapped("operation")),
                         ["sync transactions", "sync transactions", "test connection"])

    def test_the_screen_shows_what_a_button_did(self):
        """Tour ``tracking_connector_dashboard_refresh``: a card's figures follow its sync
        without a manual reload, a figure opens its list, the backend form's other syncs are
        in its Actions menu, and a run's notification opens the run log in the same tab."""
        sandbox = Sandbox(seed=7, size=4, transactions=30)
        sandbox.start()
        self.addCleanup(sandbox.stop)
        backend = self.env["trackonline.backend"].create({
            "name": "Tour TrackOnline", "api_key": TRACKONLINE_API_KEY,
            "base_url": "%s/trackonline/api/v1" % sandbox.url,
            "start_date": "2026-01-01", "window_days": 400, "timeout": 10})
        self.start_tour("/odoo/action-tracking_connector.action_tracking_dashboard",
                        "tracking_connector_dashboard_refresh", login="admin", timeout=120)
        logs = self.env["tracking.sync.log"].search([("backend_model", "=", backend._name),
                                                     ("backend_id", "=", backend.id)])
        self.assertEqual(sorted(logs.mapped("operation")),
                         ["sync locations", "sync transactions"])
