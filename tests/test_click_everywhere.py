"""Odoo's own click-everywhere bot (``web``'s clickbot) on the Tracking app's menu, in
headless Chromium: every menu of the app opened, every view switched to, every filter of
every search panel clicked, by a Tracking manager and by a Tracking user, in English and in
Spanish, on a database with the addon's demo data whose backends have synced from a sandbox
(so the lists, graphs and pivots have rows to show). A JS error, an error dialog or a failed
call ends the bot with an error, which fails the test."""

from odoo.tests import HttpCase, new_test_user, tagged

from .common import CommitCase, demo_backends, load_spanish, small_sandbox

APP_MENU = "tracking_connector.menu_tracking_root"
ROLES = {
    "user": "base.group_user,tracking_connector.group_tracking_user",
    "manager": "base.group_user,tracking_connector.group_tracking_manager",
}


@tagged("post_install", "-at_install")
class TestClickEverywhere(CommitCase, HttpCase):
    """The clickbot on the Tracking app, once per role and language."""

    # The bot may end on a form view (Odoo's own clickbot tests allow it too).
    allow_end_on_form = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = small_sandbox(cls)
        cls.backends = demo_backends(cls.env, cls.sandbox.url)
        # What README's demo steps 2 to 4 fill: transactions and locations, events (some
        # in error with an activity), an imported process with its documents.
        trackonline = cls.backends["trackonline"]
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
