"""Odoo's own click-everywhere bot (``web``'s clickbot) on the Tracking app's menu, in
headless Chromium: every menu of the app opened, every view switched to, every filter of
every search panel clicked, by a Tracking manager and by a Tracking user, in English and in
Spanish, on a database with the addon's demo data whose backends have synced from a sandbox
(so the lists, graphs and pivots have rows to show). A JS error, an error dialog or a failed
call ends the bot with an error, which fails the test."""

import logging

from odoo.tests import HttpCase, new_test_user, tagged

from ..sandbox.backends import backend_values
from ..sandbox.server import Sandbox
from .common import load_spanish

_logger = logging.getLogger(__name__)

APP_MENU = "tracking_connector.menu_tracking_root"
# The demo's backends (demo/*.xml), by system; a database installed without demo data gets
# backends of the same names in the set-up.
DEMO_BACKENDS = {
    "trackline": ("tracking_connector.demo_trackline_backend", "Trackline (sandbox)"),
    "trackonline": ("tracking_connector.demo_trackonline_backend", "TrackOnline (sandbox)"),
    "opuscapita": ("tracking_connector.demo_opuscapita_backend", "Business Network (sandbox)"),
    "sage50": ("tracking_connector.demo_sage50_backend", "Sage 50 (sandbox)"),
}
ROLES = {
    "user": "base.group_user,tracking_connector.group_tracking_user",
    "manager": "base.group_user,tracking_connector.group_tracking_manager",
}


@tagged("post_install", "-at_install")
class TestClickEverywhere(HttpCase):
    """The clickbot on the Tracking app, once per role and language."""

    # The bot may end on a form view (Odoo's own clickbot tests allow it too).
    allow_end_on_form = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = Sandbox(seed=7, size=4, transactions=30)
        cls.sandbox.start()
        cls.addClassCleanup(cls.sandbox.stop)
        cls.backends = {system: cls.demo_backend(system) for system in DEMO_BACKENDS}
        # What README's demo steps 2 to 4 fill: transactions and locations, events (some
        # in error with an activity), an imported process with its documents.
        trackonline = cls.backends["trackonline"]
        trackonline.write({"start_date": "2026-01-01", "window_days": 400, "timeout": 10})
        runs = [trackonline._sync(name).log
                for name in ("locations", "item_definitions", "transactions")]
        runs.append(cls.backends["opuscapita"]._sync_events().log)
        if runs[-1].state == "failed" or any(log.state != "done" for log in runs[:-1]):
            raise AssertionError("the demo's syncs did not run well: %s"
                                 % [(log.operation, log.state) for log in runs])
        wizard = cls.env["trackline.import.wizard"].create({
            "backend_id": cls.backends["trackline"].id, "lookup": "id",
            "process_ref": "10000"})
        wizard.action_import()
        load_spanish(cls.env)

    @classmethod
    def demo_backend(cls, system):
        """The demo's backend of ``system`` pointed at this class's sandbox; made with the
        demo's name when the database has no demo data."""
        xmlid, name = DEMO_BACKENDS[system]
        backend = cls.env.ref(xmlid, raise_if_not_found=False)
        values = backend_values(system, cls.sandbox.url)
        if backend:
            backend.write({"base_url": values["base_url"]})
        else:
            _logger.info("no demo data: %s made for the clickbot", name)
            backend = cls.env["%s.backend" % system].create(dict(values, name=name))
        return backend

    def click_everywhere(self, role, lang):
        login = "click_%s_%s" % (role, lang.lower())
        user = new_test_user(self.env, login, groups=ROLES[role], lang=lang)
        if "tour_enabled" in user._fields:
            user.tour_enabled = False  # no onboarding tour in the bot's way
        # The bot opens the Tracking app from the apps menu: it must be there for this user.
        menus = self.env["ir.ui.menu"].with_user(user).load_menus(False)
        self.assertIn(self.env.ref(APP_MENU).id, menus["root"]["children"])
        self.browser_js(
            "/odoo",
            "odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader')"
            ".startClickEverywhere('%s');" % APP_MENU,
            "odoo.isReady === true", login=login, timeout=600,
            success_signal="clickbot test succeeded")

    def test_as_manager_in_english(self):
        self.click_everywhere("manager", "en_US")

    def test_as_user_in_english(self):
        self.click_everywhere("user", "en_US")

    def test_as_manager_in_spanish(self):
        self.click_everywhere("manager", "es_ES")

    def test_as_user_in_spanish(self):
        self.click_everywhere("user", "es_ES")
