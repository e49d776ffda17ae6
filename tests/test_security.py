import logging

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SandboxCase

SECRET = "s3cret-Trackline!"


@tagged("post_install", "-at_install")
class TestSecurity(SandboxCase):
    """Credentials stay with managers; secrets reach no log, message or copy."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(cls.env, "tracking_user",
                                 groups="tracking_connector.group_tracking_user,base.group_allow_export")
        cls.manager = new_test_user(cls.env, "tracking_manager",
                                    groups="tracking_connector.group_tracking_manager")

    def test_user_cannot_read_credentials(self):
        backend = self.backend.with_user(self.user)
        self.assertEqual(backend.name, "Trackline test", "users read the backend itself")
        for field in ("login", "password"):
            with self.assertRaises(AccessError):
                backend.read([field])
            with self.assertRaises(AccessError):
                backend.search_read([("id", "=", backend.id)], [field])
        self.assertNotIn("password", backend.fields_get())
        exported = backend.export_data(["name", "base_url"])["datas"]
        self.assertEqual(exported[0][0], "Trackline test")
        with self.assertRaises(AccessError):
            backend.export_data(["password"])

    def test_user_cannot_read_tokens(self):
        self.backend.action_test_connection()
        self.assertTrue(self.env["tracking.token"].search([]), "the token is kept")
        with self.assertRaises(AccessError):
            self.env["tracking.token"].with_user(self.user).search([])

    def test_manager_reads_credentials(self):
        backend = self.backend.with_user(self.manager)
        self.assertEqual(backend.read(["password"])[0]["password"], SECRET)

    def test_user_can_run_a_sync(self):
        self.backend.with_user(self.user).action_test_connection()
        self.assertEqual(self.backend.connection_state, "ok")

    def test_secrets_never_reach_logs_or_run_logs(self):
        self.backend.password = SECRET + "-wrong"
        self.sandbox.add_fault("/trackline/api/login", status=500,
                               body="<html><body>password=%s token=abc</body></html>" % SECRET,
                               times=10)
        with self.assertLogs("odoo.addons.tracking_connector", level=logging.DEBUG) as captured:
            self.backend.action_test_connection()
            self.backend.password = SECRET
            self.sandbox.clear_faults()
            self.backend.action_test_connection()
        text = "\n".join(captured.output)
        log = self.env["tracking.sync.log"].search([("backend_id", "=", self.backend.id)])
        stored = " ".join((entry.message or "") + (entry.error_details or "") for entry in log)
        stored += self.backend.connection_message or ""
        token, _expiry = self.env["tracking.token"]._get(self.backend, "jwt")
        self.assertTrue(token)
        for secret in (SECRET, token):
            self.assertNotIn(secret, text)
            self.assertNotIn(secret, stored)
        self.assertIn("***", text)

    def test_copy_drops_credentials(self):
        copy = self.backend.copy()
        self.assertFalse(copy.login)
        self.assertFalse(copy.password)

    def test_companies_are_kept_apart(self):
        other_company = self.env["res.company"].create({"name": "Other company"})
        other_backend = self.backend.copy({"name": "Other", "company_id": other_company.id})
        backends = self.env["trackline.backend"].with_user(self.user).search([])
        self.assertIn(self.backend, backends)
        self.assertNotIn(other_backend, backends)
