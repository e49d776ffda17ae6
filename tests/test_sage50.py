"""Sage 50 against the sandbox over real HTTP: onboarding, key rotation, uploads, scope
files, and the approval and notification URLs called by Sage."""

import json
import threading
import time

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import TEST_CURSOR_COOKIE_NAME

from ..clients.base import ApiError, AuthError
from ..sandbox.backends import backend_values
from ..sandbox.server import Sandbox
from .common import CommitCase, SandboxCase, load_spanish

SECRET = "app-secret-for-tests"


class Sage50Mixin:
    """A Sage 50 backend registered with the sandbox, with an application and its secret."""

    @classmethod
    def make_backend(cls, env, sandbox):
        client_backend = env["sage50.backend"].create(backend_values(
            "sage50", sandbox.url, name="Sage 50 test", secret=SECRET, timeout=10))
        client = client_backend._make_client()
        url = client.register_developer({"name": "Odoo", "email": "dev@example.com"})
        developer_id, application_id = sandbox.sage50.complete_registration(
            url.rsplit("/", 1)[1])
        client.passcode(developer_id, application_id, SECRET)  # gives the app its secret
        client_backend.write({"developer_id": developer_id, "application_id": application_id})
        return client_backend, application_id

    def set_up_approved_backend(self):
        """``self.sage``, approved, with a key stored on a cursor of its own (a test cursor
        over the test's transaction: ``CommitCase``), and ``self.app_id``, on a fresh
        sandbox; returns the key."""
        self.sandbox.sage50.reset()
        self.sage, self.app_id = self.make_backend(self.env, self.sandbox)
        key = self.sandbox.sage50.issue_key(self.app_id)
        self.sage._store_key(key)
        self.sage.onboarding_state = "approved"
        return key


@tagged("post_install", "-at_install")
class TestSage50(Sage50Mixin, SandboxCase):
    """Keys live on cursors of their own (committed at once): these tests read them back
    with fresh cursors (test cursors over the test's transaction)."""

    def setUp(self):
        super().setUp()
        self.first_key = self.set_up_approved_backend()

    def committed_key(self):
        return self.sage._current_key()[0]

    def test_scheduled_rotation(self):
        self.sage.rotate_before_days = 40  # the 30-day key is due now
        self.env["sage50.backend"]._cron_rotate_keys()
        self.assertEqual(self.sandbox.sage50.rotations, 1)
        self.assertNotEqual(self.committed_key(), self.first_key)
        self.sage.rotate_before_days = 5
        self.env["sage50.backend"]._cron_rotate_keys()
        self.assertEqual(self.sandbox.sage50.rotations, 1, "not due: no rotation")

    def test_a_sage_that_rotates_with_the_consent_key_only(self):
        """The document names the rotation's key "initialApikey": a Sage that wants the key
        of the consent refuses the key in use; the consent's key is tried then (before: the
        second rotation failed and the key expired)."""
        sage50 = self.sandbox.sage50
        sage50.rotation_takes = "consent"
        self.addCleanup(setattr, sage50, "rotation_takes", "current")
        self.sandbox.reset_calls()
        second = self.sage._rotate_key(self.first_key)
        third = self.sage._rotate_key(second)
        self.assertEqual((sage50.rotations, self.committed_key()), (2, third))
        self.assertEqual(sage50.applications[self.app_id]["key"], third)
        self.assertEqual(self.sandbox.calls("PATCH"), 3, "the key in use, then the consent's")

    def test_a_passcode_valid_for_a_duration(self):
        """Sage's "expires" says how long the passcode stays valid: a time, or a duration
        (before: a duration left "Valid until" empty)."""
        self.sage.onboarding_state = "registered"
        for expires_as in ("date", "seconds", "timespan"):
            self.sandbox.sage50.expires_as = expires_as
            self.addCleanup(setattr, self.sandbox.sage50, "expires_as", "date")
            asked = fields.Datetime.now()
            self.assertEqual(self.sage._generate_passcode().log.state, "done")
            valid = self.sage.passcode_expires_at
            self.assertTrue(valid, expires_as)
            self.assertAlmostEqual((valid - asked).total_seconds(), 600, delta=5,
                                   msg=expires_as)

    def test_401_rotates_once_then_retries(self):
        self.sandbox.sage50.expire_keys()
        partner = self.env["res.partner"].create({"name": "Ana López", "email": "a@example.com"})
        action = self.env["sage50.backend"]._send_partners(partner)
        upload = self.env["sage50.upload"].browse(action["res_id"])
        self.assertEqual(upload.state, "sent")
        self.assertEqual(self.sandbox.sage50.rotations, 1)
        self.assertNotEqual(self.committed_key(), self.first_key)

    def test_rotation_path_is_a_setting_checked_on_save(self):
        with self.assertRaisesRegex(ValidationError, r"\{developer_id\} and \{application_id\}"):
            self.sage.rotation_path = "api/{developer}/apikey"
        self.sage.rotation_path = "api/v2/{application_id}/apikey"
        self.sandbox.reset_calls()
        with self.assertRaises(ApiError):  # the sandbox knows only the documented path
            self.sage._rotate_key(self.first_key)
        self.assertEqual(self.sandbox.calls("PATCH", "/sage50/api/v2/%s/apikey" % self.app_id),
                         1)
        self.assertEqual(self.committed_key(), self.first_key, "the old key is kept")

    def test_upload_followed_to_each_final_state(self):
        partners = self.env["res.partner"].create([{"name": "Greta Berg"},
                                                   {"name": "Jan de Vries"}])
        accepted = self.env["sage50.upload"].browse(
            self.env["sage50.backend"]._send_partners(partners)["res_id"])
        upload_model = self.env["sage50.upload"]
        bad = upload_model._send(self.sage, "Customers", partners,
                                 {"records": [{"name": "no id"}]}, "bad")
        failed = upload_model._send(self.sage, "Customers", partners,
                                    {"records": [], "simulate": "failed"}, "failed")
        uploads = accepted | bad | failed
        states = []
        for _ in range(4):
            uploads._poll(self.sage)
            states.append(accepted.state)
        self.assertEqual(states, ["running", "running", "running", "accepted"])
        self.assertEqual(accepted.progress, 100)
        self.assertEqual(bad.state, "badRequest")
        self.assertIn("without id", bad.message)
        self.assertEqual(json.loads(bad.result_attachment_id.raw)["status"], "badRequest")
        self.assertEqual(failed.state, "failed")
        sent = self.sandbox.sage50.uploads
        payload = next(u["payload"] for u in sent.values() if u["final"] == "accepted")
        self.assertEqual({r["firstName"] for r in payload["records"]}, {"Greta", "Jan"})
        # Times in ISO 8601 (.NET's JSON refuses "2026-11-30 10:00:00").
        self.assertRegex(payload["records"][0]["timestamp"],
                         r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

    def test_upload_ends_without_the_result_file_sage_did_not_leave(self):
        """The document: at a final state Sage 50 "could" upload a result file. One that is
        not there (404) no longer holds the upload at "running", polled for ever: it ends,
        its item to retry closed, the run's log saying the file was not downloaded."""
        partners = self.env["res.partner"].create([{"name": "Greta Berg"}])
        upload = self.env["sage50.upload"].browse(
            self.env["sage50.backend"]._send_partners(partners)["res_id"])
        result_path = upload.tracking_url.split(self.sandbox.url)[1].replace("/tracking",
                                                                             "/result")
        self.sandbox.add_fault(result_path, method="GET", status=404, times=10,
                               content_type="application/json", body='{"message": "none"}')
        for _ in range(4):
            log = upload._poll(self.sage).log
        self.assertEqual((upload.state, upload.progress), ("accepted", 100))
        self.assertFalse(upload.result_attachment_id)
        self.assertFalse(upload._items_to_retry(), "its item to retry, if any, closed")
        self.assertEqual(self.sandbox.calls("GET", result_path), 1, "asked once")
        self.assertIn("result file was not downloaded", log.errors)
        self.assertIn("404", log.errors)
        self.assertEqual(log.state, "done", "nothing for a user to do")

    def test_trackline_process_goes_to_sage_with_its_documents(self):
        process = self.import_process("10000")
        action = process.action_send_to_sage()
        upload = self.env["sage50.upload"].browse(action["res_id"])
        payload = next(iter(self.sandbox.sage50.uploads.values()))["payload"]
        record = payload["records"][0]
        self.assertEqual(record["id"], "10000")
        downloaded = process.document_ids.filtered(lambda d: d.state == "downloaded")
        self.assertEqual(len(record["documents"]), len(downloaded))
        self.assertEqual(upload.scope, "TracklineProcesses")

    def test_customers_scope_creates_then_updates_partners(self):
        content = {"records": [
            {"id": "C-1", "firstName": "Lucía", "lastName": "Martín", "email": "lucia@example.es",
             "idNumber": "ESX1234567", "addresses": [{"address1": "Calle Mayor 1",
                                                      "city": "Almería", "postCode": "04001"}]},
            {"id": "C-2", "firstName": "Pieter", "lastName": "Bakker", "addresses": []},
        ]}
        self.sandbox.sage50.publish_scope("Customers", json.dumps(content).encode())
        downloads = self.env["sage50.download"]
        downloads._notify(self.sage, "Customers", None)
        self.env["sage50.backend"]._cron_downloads()
        bindings = self.env["sage50.partner"].search([("backend_id", "=", self.sage.id)])
        self.assertEqual(sorted(bindings.mapped("remote_id")), ["C-1", "C-2"])
        lucia = bindings.filtered(lambda b: b.remote_id == "C-1").partner_id
        self.assertEqual((lucia.name, lucia.city, lucia.zip), ("Lucía Martín", "Almería", "04001"))
        content["records"][0]["email"] = "lucia.martin@example.es"
        self.sandbox.sage50.publish_scope("Customers", json.dumps(content).encode())
        downloads._notify(self.sage, "Customers", None)
        run = downloads.search([("backend_id", "=", self.sage.id)])._fetch(self.sage)
        self.assertEqual((run.log.created_count, run.log.updated_count), (0, 1))
        self.assertEqual(lucia.email, "lucia.martin@example.es")
        self.assertEqual(self.env["sage50.partner"].search_count(
            [("backend_id", "=", self.sage.id)]), 2, "no duplicates")
        self.assertEqual(downloads.search([("backend_id", "=", self.sage.id)]).record_count, 2)

    def test_customers_absent_from_a_full_file_are_marked_not_deleted(self):
        """A scope file holds the full scope: a customer the next file no longer holds is
        marked "Not in Sage 50" (its contact stays), and unmarked when it comes back; with
        the setting off, nothing is marked."""
        downloads = self.env["sage50.download"]
        customers = self.env["sage50.partner"]

        def publish(*ids):
            records = [{"id": key, "firstName": "Customer", "lastName": key} for key in ids]
            self.sandbox.sage50.publish_scope("Customers", json.dumps(
                {"records": records}).encode())
            downloads._notify(self.sage, "Customers", None)
            return downloads.search([("backend_id", "=", self.sage.id),
                                     ("state", "=", "pending")])._fetch(self.sage).log

        publish("A-1", "A-2", "A-3")
        log = publish("A-1", "A-3")
        bindings = customers.search([("backend_id", "=", self.sage.id)])
        gone = bindings.filtered(lambda b: b.remote_id == "A-2")
        self.assertEqual(len(bindings), 3, "nothing deleted")
        self.assertTrue(gone.absent_since)
        self.assertTrue(gone.partner_id.active, "the contact stays")
        self.assertFalse((bindings - gone).filtered("absent_since"))
        self.assertIn("Customers no longer in Sage 50's Customers file: 1.", log.errors)
        self.assertEqual(customers.search([("backend_id", "=", self.sage.id),
                                           ("absent_since", "!=", False)]), gone)
        publish("A-1", "A-2", "A-3")
        self.assertFalse(gone.absent_since, "back in Sage 50: the mark goes")
        self.sage.mark_absent_customers = False
        publish("A-1")
        self.assertFalse(bindings.filtered("absent_since"), "the setting off: no mark")

    def test_a_customer_sage_holds_is_uploaded_keeping_what_odoo_does_not_read(self):
        """Sage 50 offers no read of one customer: the latest Customers file is the version
        an upload starts from. What Odoo reads from Sage comes from the contact; the rest
        (type, currency, tax, the address's id, country, state, region, other addresses,
        keys Odoo does not know) is sent back as Sage holds it."""
        held = {"id": "C-9", "firstName": "Lucía", "lastName": "Martín",
                "email": "old@example.es", "idNumber": "ESX1", "type": "company",
                "currency": "USD", "tax": "EXEMPT", "loyaltyTier": "gold",
                "addresses": [{"id": "SAGE-ADDR-1", "contactName": "Accounts",
                               "address1": "Calle Mayor 1", "city": "Almería",
                               "postCode": "04001", "country": "ES", "state": "Andalucía",
                               "region": "Sur", "telephone2": "+34 600 000 000"},
                              {"id": "SAGE-ADDR-2", "address1": "Almacén 3", "city": "Níjar"}]}
        self.sandbox.sage50.publish_scope("Customers", json.dumps({"records": [held]}).encode())
        self.env["sage50.download"]._notify(self.sage, "Customers", None)
        self.env["sage50.backend"]._cron_downloads()
        partner = self.env["sage50.partner"].search([("backend_id", "=", self.sage.id),
                                                     ("remote_id", "=", "C-9")]).partner_id
        partner.write({"email": "new@example.es", "city": "Granada"})
        other = self.env["res.partner"].create({"name": "Not in Sage", "ref": "ODOO-NEW-9"})
        self.env["sage50.backend"]._send_partners(partner | other)
        records = list(self.sandbox.sage50.uploads.values())[-1]["payload"]["records"]
        sent = next(record for record in records if record["id"] == "C-9")
        self.assertEqual((sent["email"], sent["addresses"][0]["city"]),
                         ("new@example.es", "Granada"), "Odoo's changes go")
        self.assertEqual((sent["type"], sent["currency"], sent["tax"], sent["loyaltyTier"]),
                         ("company", "USD", "EXEMPT", "gold"))
        first = sent["addresses"][0]
        self.assertEqual((first["id"], first["country"], first["state"], first["region"],
                          first["contactName"], first["telephone2"]),
                         ("SAGE-ADDR-1", "ES", "Andalucía", "Sur", "Accounts",
                          "+34 600 000 000"))
        self.assertEqual(sent["addresses"][1], held["addresses"][1])
        new = next(record for record in records if record["id"] == "ODOO-NEW-9")
        self.assertEqual(new["addresses"][0]["id"], "ADDR-%d" % other.id,
                         "a customer Sage does not hold goes as Odoo builds it")

    def test_customers_under_their_scope_name_in_any_casing(self):
        """The file's contract is Sage's (Solutions section, not public): a list under the
        scope's name and a scope written "customers" are read too (before: the whole file
        refused, or every customer skipped)."""
        content = {"Customers": [{"id": "C-7", "firstName": "Ana", "lastName": "Ruiz"}]}
        self.sandbox.sage50.publish_scope("customers", json.dumps(content).encode())
        download = self.env["sage50.download"]._notify(self.sage, "customers", None)
        run = download._fetch(self.sage)
        self.assertEqual((download.state, download.record_count), ("done", 1),
                         download.message)
        self.assertEqual(run.log.created_count, 1)
        binding = self.env["sage50.partner"].search([("backend_id", "=", self.sage.id)])
        self.assertEqual((binding.remote_id, binding.partner_id.name), ("C-7", "Ana Ruiz"))

    def test_malformed_scope_file_is_kept_and_touches_nothing(self):
        self.sandbox.sage50.publish_scope("Customers", b'{"records": [{"id": "C-9",')
        download = self.env["sage50.download"]._notify(self.sage, "Customers", None)
        partners = self.env["res.partner"].search_count([])
        run = download._fetch(self.sage)
        self.assertEqual(download.state, "failed")
        self.assertIn("not valid JSON", download.message)
        self.assertEqual(download.attachment_id.raw, b'{"records": [{"id": "C-9",')
        self.assertEqual(self.env["res.partner"].search_count([]), partners)
        self.assertEqual(run.log.state, "warning")


@tagged("post_install", "-at_install")
class TestSage50KeyOnItsOwnCursor(Sage50Mixin, SandboxCase):
    """The key lives on cursors of its own, committed at once: a rollback of the run, or a
    second worker, never loses or doubles a rotation. Real transactions: the backend and its
    key are committed on cursors of their own (the test's transaction cannot see them) and
    deleted after the test, its token with it."""

    real_own_cursors = True  # registry.cursor() is a real connection, committed for real

    def committed_sage(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})["sage50.backend"].browse(self.backend_id)

    def committed_key(self):
        with self.registry.cursor() as cr:
            return self.committed_sage(cr)._current_key()[0]

    def delete_committed(self):
        with self.registry.cursor() as cr:
            self.committed_sage(cr).unlink()

    def committed_approved_backend(self):
        """An approved backend and its key, committed (``self.backend_id``, ``self.app_id``);
        returns the key."""
        self.sandbox.sage50.reset()
        with self.registry.cursor() as cr:
            sage, self.app_id = self.make_backend(api.Environment(cr, SUPERUSER_ID, {}),
                                                  self.sandbox)
            self.backend_id = sage.id
        self.addCleanup(self.delete_committed)
        key = self.sandbox.sage50.issue_key(self.app_id)
        with self.registry.cursor() as cr:
            sage = self.committed_sage(cr)
            sage._store_key(key)
            sage.onboarding_state = "approved"
        return key

    def test_crash_right_after_rotation_keeps_the_new_key(self):
        class Crash(Exception):
            pass

        first_key = self.committed_approved_backend()
        with self.assertRaises(Crash), self.registry.cursor() as cr:  # the run rolls back
            new_key = self.committed_sage(cr)._rotate_key(first_key)
            raise Crash()
        self.assertEqual(self.committed_key(), new_key, "the key Sage now holds is stored")
        self.assertEqual(self.sandbox.sage50.applications[self.app_id]["key"], new_key)

    def test_refused_rotation_keeps_the_old_key(self):
        first_key = self.committed_approved_backend()
        with self.registry.cursor() as cr:
            self.committed_sage(cr).secret = "not-the-secret"
        with self.assertRaises(AuthError), self.registry.cursor() as cr:
            self.committed_sage(cr)._rotate_key(first_key)
        self.assertEqual(self.committed_key(), first_key)
        with self.registry.cursor() as cr:
            message = self.committed_sage(cr).key_message
        self.assertIn("secret does not match", message)
        self.assertIn("old key is kept", message)
        self.assertIn("Check the", message, "says what to fix")
        self.assertNotIn("http", message, "no raw HTTP line")

    def test_two_workers_rotating_at_once_rotate_once(self):
        """Another worker holds the key's row lock and rotates; this one waits on the lock,
        then finds the key already new and does not rotate again."""
        registry = self.registry
        first_key = self.committed_approved_backend()
        with registry.cursor() as cr:
            sage = self.committed_sage(cr)
            client = sage._make_client()
            developer_id, application_id = sage.developer_id, sage.application_id
            shared_id = sage.tracking_backend_id.id
        locked, keys, errors = threading.Event(), [], []

        def other_worker():
            try:
                with registry.cursor() as cr:
                    cr.execute("SELECT id FROM tracking_token WHERE backend_id = %s "
                               "AND name = 'apikey' FOR UPDATE", (shared_id,))
                    locked.set()
                    time.sleep(0.5)  # meanwhile this worker reaches the lock and waits
                    keys.append(client.rotate_key(developer_id, application_id, first_key,
                                                  SECRET))
                    cr.execute("UPDATE tracking_token SET value = %s WHERE backend_id = %s "
                               "AND name = 'apikey'", (keys[0], shared_id))
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)

        thread = threading.Thread(target=other_worker)
        thread.start()
        self.assertTrue(locked.wait(5))
        with registry.cursor() as cr:
            key = self.committed_sage(cr)._rotate_key(first_key)
        thread.join(10)
        self.assertFalse(errors, errors)
        self.assertEqual(self.sandbox.sage50.rotations, 1, "one rotation, not two")
        self.assertEqual(key, keys[0], "this worker ends with the other's new key")
        self.assertEqual(self.committed_key(), key)


class Sage50EndpointCase(Sage50Mixin, CommitCase, HttpCase):
    """A backend whose approval and notification URLs the sandbox's Sage 50 calls over real
    HTTP (no tests of its own)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = Sandbox(seed=7, size=2)
        cls.sandbox.start()
        cls.addClassCleanup(cls.sandbox.stop)

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", self.base_url())
        self.sage, self.app_id = self.make_backend(self.env, self.sandbox)
        app = self.sandbox.sage50.applications[self.app_id]
        app["approvalUrl"], app["notificationUrl"] = (self.sage.approval_url,
                                                      self.sage.notification_url)

    def wait_for_consent(self):
        """The backend waits for Sage's approval, as after a passcode is generated; saved
        for the requests that follow."""
        self.sage.onboarding_state = "passcode"
        self.env.flush_all()


@tagged("post_install", "-at_install")
class TestSage50Endpoints(Sage50EndpointCase):
    """The approval and notification URLs over real HTTP, with Sage (the sandbox) calling."""

    def test_onboarding_to_an_approved_key(self):
        wizard = self.env["sage50.onboarding.wizard"].create({
            "backend_id": self.sage.id, "mode": "existing"})
        wizard.action_passcode()
        self.assertTrue(wizard.passcode)
        self.assertEqual(self.sage.onboarding_state, "passcode")
        self.env.flush_all()  # what the wizard's request commits before Sage calls back
        self.assertEqual(self.sandbox.sage50.consent(wizard.passcode), 200)
        self.sage.invalidate_recordset()
        self.assertEqual(self.sage.onboarding_state, "approved")
        key = self.sandbox.sage50.applications[self.app_id]["key"]
        self.assertEqual(self.sage._current_key()[0], key)
        bodies = " ".join(str(message.body) for message in self.sage.message_ids)
        self.assertIn("API key received", bodies)
        self.assertNotIn(key, bodies, "the key itself is never in the chatter")
        self.sage.action_test_connection()
        self.assertEqual(self.sage.connection_state, "ok", self.sage.connection_message)

    def follow_the_consent(self, lang):
        """Tour ``tracking_connector_sage_consent``, as a Tracking manager working in
        ``lang``: Onboarding, Generate passcode; while the dialog shows the passcode, the
        Sage 50 user gives consent (the sandbox calls the approval URL): the dialog closes
        by itself and the form shows "API key received", with no reload by the person."""
        new_test_user(self.env, "consent_manager", lang=lang,
                      groups="tracking_connector.group_tracking_manager")
        passcodes = self.sandbox.sage50.passcodes
        before = set(passcodes)
        consented = []

        def sage50_user():  # types the passcode in Sage 50 once the dialog shows it
            deadline = time.monotonic() + 90
            while not set(passcodes) - before and time.monotonic() < deadline:
                time.sleep(0.2)
            new = set(passcodes) - before
            time.sleep(1)  # the person reads the passcode
            if new:
                # Odoo's test server takes a request during a browser test with the
                # browser's cookie only.
                cookies = {TEST_CURSOR_COOKIE_NAME: self.http_request_key}
                consented.append(self.sandbox.sage50.consent(new.pop(), cookies=cookies))

        user = threading.Thread(target=sage50_user, daemon=True)
        user.start()
        self.start_tour("/odoo/sage50.backend/%d" % self.sage.id,
                        "tracking_connector_sage_consent", login="consent_manager",
                        timeout=120)
        user.join(timeout=5)
        self.assertEqual(consented, [200])
        self.sage.invalidate_recordset()
        self.assertEqual(self.sage.onboarding_state, "approved")

    def test_the_onboarding_dialog_follows_the_consent(self):
        self.follow_the_consent("en_US")

    def test_the_onboarding_dialog_follows_the_consent_in_spanish(self):
        load_spanish(self.env)
        self.follow_the_consent("es_ES")

    def test_register_a_new_developer(self):
        wizard = self.env["sage50.onboarding.wizard"].create({
            "backend_id": self.sage.id, "mode": "register", "developer_name": "Ana",
            "company_name": "Acme", "developer_email": False})
        with self.assertRaisesRegex(UserError, "An email address is needed"):
            wizard.action_register()
        wizard.developer_email = "ana@example.com"
        action = wizard.action_register()
        self.assertEqual((action["res_id"], wizard.mode), (wizard.id, "existing"))
        self.assertEqual(self.sage.onboarding_state, "registering")
        self.assertIn("/sage50/register/", self.sage.registration_url)
        wizard.write({"developer_id": False, "application_id": False})
        self.sage.sudo().write({"developer_id": False, "application_id": False})
        with self.assertRaisesRegex(UserError, "Enter the developer ID"):
            wizard.action_passcode()

    def test_wrong_or_missing_token_is_refused_and_stores_nothing(self):
        base = "/tracking_connector/sage50/%d/" % self.sage.id
        for token in ("wrong-token", self.sage.endpoint_token[:-1] + "x"):
            response = self.url_open(base + token + "/approval",
                                     data=json.dumps({"apikey": "stolen"}),
                                     headers={"Content-Type": "application/json"})
            self.assertEqual(response.status_code, 403)
        response = self.url_open("/tracking_connector/sage50/%d/approval" % self.sage.id,
                                 data="{}", headers={"Content-Type": "application/json"})
        self.assertEqual(response.status_code, 404, "no token, no route")
        self.assertFalse(self.sage._current_key()[0])
        self.assertEqual(self.sage.onboarding_state, "new")

    def test_oversized_body_is_refused(self):
        response = self.url_open(self.sage.approval_url, data="x" * (65 * 1024),
                                 headers={"Content-Type": "application/json"})
        self.assertEqual(response.status_code, 413)

    def test_approval_and_notification_in_the_shapes_the_document_leaves_open(self):
        """The document does not give the bodies Sage sends: a form, or JSON keys in
        another casing ("ApiKey", "Scope"), are read too (before: 400, key lost)."""
        self.wait_for_consent()
        response = self.url_open(self.sage.approval_url, data={"ApiKey": "key-from-a-form"})
        self.assertEqual(response.status_code, 200, response.text)
        self.sage.invalidate_recordset()
        self.assertEqual(self.sage._current_key()[0], "key-from-a-form")
        self.assertEqual(self.sage.onboarding_state, "approved")
        response = self.url_open(self.sage.notification_url,
                                 data=json.dumps({"Scope": "Customers"}),
                                 headers={"Content-Type": "application/json"})
        self.assertEqual(response.status_code, 200, response.text)
        download = self.env["sage50.download"].search([("backend_id", "=", self.sage.id)])
        self.assertEqual(download.scope, "Customers")
        response = self.url_open(self.sage.approval_url, data="[1]",
                                 headers={"Content-Type": "application/json"})
        self.assertEqual(response.status_code, 400, "neither a JSON object nor a form")

    def approve(self, key):
        return self.url_open(self.sage.approval_url, data=json.dumps({"apikey": key}),
                             headers={"Content-Type": "application/json"})

    def consent(self):
        """A manager generates a passcode, the Sage 50 user types it in: Sage calls the
        approval URL. Returns the status Sage got and the key it gave."""
        wizard = self.env["sage50.onboarding.wizard"].create({
            "backend_id": self.sage.id, "mode": "existing"})
        wizard.action_passcode()
        self.env.flush_all()
        status = self.sandbox.sage50.consent(wizard.passcode)
        self.sage.invalidate_recordset()
        return status, self.sandbox.sage50.applications[self.app_id]["key"]

    def test_approval_only_while_a_consent_is_pending_and_once(self):
        """Before: whoever held the URL's token set the key of their choosing in any state,
        an approved backend's included, replacing the key and the consent key."""
        self.assertEqual(self.approve("key-before-any-passcode").status_code, 409)
        self.sage.invalidate_recordset()
        self.assertEqual(self.sage.onboarding_state, "new")
        self.assertFalse(self.sage._current_key()[0])
        status, first_key = self.consent()
        self.assertEqual((status, self.sage.onboarding_state), (200, "approved"))
        self.assertEqual(self.sage._current_key()[0], first_key)
        # The same URL, the same token, once more: the consent is spent.
        response = self.approve("key-of-an-intruder")
        self.assertEqual(response.status_code, 409, response.text)
        self.assertIn("no consent is waiting", response.text)
        self.sage.invalidate_recordset()
        self.assertEqual(self.sage.onboarding_state, "approved")
        self.assertEqual(self.sage._current_key()[0], first_key)
        with self.env.registry.cursor() as cr:
            cr.execute("SELECT name, value FROM tracking_token WHERE backend_id = %s",
                       (self.sage.tracking_backend_id.id,))
            self.assertEqual(dict(cr.fetchall()), {"apikey": first_key,
                                                   "initial apikey": first_key})
        # The notification URL shares the token: Sage's notifications still arrive.
        self.assertEqual(self.sandbox.sage50.publish_scope("Products", b"{}", self.app_id),
                         [200])
        # A key lost and a new consent: the URL Sage was given takes the new key, once.
        self.sage.sudo().onboarding_state = "registered"
        self.env.flush_all()
        self.assertEqual(self.approve("key-while-registered").status_code, 409)
        status, second_key = self.consent()
        self.assertEqual((status, self.sage.onboarding_state), (200, "approved"))
        self.assertNotEqual(second_key, first_key)
        self.assertEqual(self.sage._current_key()[0], second_key)
        self.assertEqual(self.approve("key-of-an-intruder").status_code, 409)
        self.assertEqual(self.sage._current_key()[0], second_key)

    def test_deeply_nested_json_is_refused_and_stores_nothing(self):
        """Before: a RecursionError, answered with a 500 and a traceback."""
        self.wait_for_consent()
        for body in ('{"apikey": %s}' % ("[" * 20000 + "]" * 20000),
                     '{"apikey": "k", "x": %s}' % ('{"a":' * 10000 + "1" + "}" * 10000)):
            response = self.url_open(self.sage.approval_url, data=body,
                                     headers={"Content-Type": "application/json"})
            self.assertEqual(response.status_code, 400, response.text[:300])
            self.assertNotIn("Traceback", response.text)
        self.sage.invalidate_recordset()
        self.assertEqual(self.sage.onboarding_state, "passcode")
        self.assertFalse(self.sage._current_key()[0])

    def test_scope_names_that_are_not_plain_are_refused(self):
        """Before: "../" in a scope moved the download, with the API key, to another path
        of Sage's host; now such a name is refused (400), and a plain one is URL-encoded."""
        for scope in ("../developers/dev-0001", "..", "Customers/../../x", "Cus?tomers",
                      "Cus#tomers", "%2e%2e", " Customers", "x" * 101):
            response = self.url_open(self.sage.notification_url,
                                     data=json.dumps({"scope": scope}),
                                     headers={"Content-Type": "application/json"})
            self.assertEqual(response.status_code, 400, scope)
        self.assertFalse(self.env["sage50.download"].search([("backend_id", "=", self.sage.id)]))
        response = self.url_open(self.sage.notification_url,
                                 data=json.dumps({"scope": "Sales Orders", "url": {"a": 1}}),
                                 headers={"Content-Type": "application/json"})
        self.assertEqual(response.status_code, 400, "a url that is not a text")
        response = self.url_open(self.sage.notification_url,
                                 data=json.dumps({"scope": "Sales Orders"}),
                                 headers={"Content-Type": "application/json"})
        self.assertEqual(response.status_code, 200, response.text)
        download = self.env["sage50.download"].search([("backend_id", "=", self.sage.id)])
        self.assertEqual((download.scope, download.url),
                         ("Sales Orders", "api/downloads/Sales%20Orders"))

    def test_notification_records_the_scope(self):
        codes = self.sandbox.sage50.publish_scope("Products", b'{"records": []}', self.app_id)
        self.assertEqual(codes, [200])
        download = self.env["sage50.download"].search([("backend_id", "=", self.sage.id)])
        self.assertEqual((download.scope, download.state), ("Products", "pending"))
