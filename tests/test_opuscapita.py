"""OpusCapita Track API events against the sandbox over real HTTP."""

import json
from datetime import datetime, timedelta

from lxml import html

from odoo.tests import tagged

from ..sandbox.backends import backend_values
from .common import SandboxCase


@tagged("post_install", "-at_install")
class TestOpusCapita(SandboxCase):
    """OpusCapita Track API events against the sandbox over real HTTP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.oc = cls.env["opuscapita.backend"].create(backend_values(
            "opuscapita", cls.sandbox.url, name="Business Network test",
            start_date="2026-03-01", window_days=30, timeout=10))

    def setUp(self):
        super().setUp()
        self.sandbox.opuscapita.reset()

    def events(self):
        return self.env["opuscapita.event"].search([("backend_id", "=", self.oc.id)])

    def add_event(self, **values):
        event = dict(self.sandbox.opuscapita.events[-1], **values)
        self.sandbox.opuscapita.events.append(event)
        return event

    def test_first_and_incremental_sync(self):
        run = self.oc._sync_events()
        self.assertEqual(run.log.state, "done", run.log.error_details)
        events = self.events()
        remote = self.sandbox.opuscapita.events
        self.assertEqual(len(events), len(remote))
        first = events.filtered(lambda e: e.remote_id == remote[0]["id"])
        self.assertEqual(first.transaction_id, remote[0]["transactionId"])
        self.assertEqual(first.sender_ref, remote[0]["sender"]["id"])
        self.assertEqual(json.loads(first.raw), remote[0], "the whole event is kept")
        now = datetime.utcnow() - timedelta(seconds=5)
        self.add_event(id="evt-new-1", eventTime=now.strftime("%Y-%m-%dT%H:%M:%S.000Z"))
        self.sandbox.reset_calls()
        self.oc._sync_events()
        self.assertEqual(len(self.events()), len(remote))
        self.assertEqual(self.sandbox.calls("POST", "/opuscapita/track/api/transactions"), 1,
                         "the incremental run reads only the last window")
        self.oc._sync_events()
        self.assertEqual(len(self.events()), len(remote), "a re-sync creates nothing")
        self.assertEqual(self.last_log(self.oc).created_count, 0)

    def test_filter_settings_reach_the_request_body(self):
        self.oc.write({"document_types": "Invoice, Order", "statuses": "Error",
                       "sender_ids": "FI01234567", "receiver_ids": ""})
        self.oc._sync_events()
        body = self.sandbox.opuscapita.bodies[0]
        self.assertEqual(body["filter"]["documentTypes"], ["Invoice", "Order"])
        self.assertEqual(body["filter"]["statuses"], ["Error"])
        self.assertEqual(body["filter"]["senderIds"], ["FI01234567"])
        self.assertNotIn("receiverIds", body["filter"])
        self.assertTrue(body["filter"]["eventTimeFrom"].startswith("2026-03-01T00:00:00"))
        self.assertTrue(all(e.status == "Error" and e.document_type in ("Invoice", "Order")
                            for e in self.events()))

    def test_token_expiring_mid_run_is_renewed(self):
        self.sandbox.opuscapita.token_ttl = 2
        self.addCleanup(setattr, self.sandbox.opuscapita, "token_ttl", 300)
        self.oc.window_days = 1  # one call per window: several calls over the run
        self.sandbox.add_fault("/opuscapita/track/api/transactions", delay=0.6, times=6)
        run = self.oc._sync_events()
        self.assertEqual(run.log.state, "done", run.log.error_details)
        self.assertGreaterEqual(self.sandbox.calls("POST", "/opuscapita/auth/token"), 2)
        self.assertEqual(len(self.events()), len(self.sandbox.opuscapita.events))

    def test_rejected_event_raises_exactly_one_activity(self):
        for _ in range(3):
            self.oc._sync_events()
            self.env["tracking.cursor"].search([]).unlink()  # read everything again
        errors = self.events().filtered("is_error")
        self.assertTrue(errors, "the sandbox has events in error")
        activities = self.env["mail.activity"].search([("res_model", "=", "opuscapita.event"),
                                                       ("res_id", "in", errors.ids)])
        self.assertEqual(len(activities), len(set(errors.mapped("transaction_id"))))
        # Created by OdooBot (the test's user), the backend has no responsible: the
        # activities go to a real person, never to OdooBot.
        self.assertFalse(self.oc.responsible_id)
        self.assertEqual(activities.user_id, self.env.ref("base.user_admin"))
        # A second event in error for a transaction already notified raises nothing new.
        notified = errors[0]
        self.add_event(id="evt-again", transactionId=notified.transaction_id, status="Rejected",
                       eventTime=datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%S.000Z"))
        self.oc._sync_events()
        self.assertEqual(self.env["mail.activity"].search_count(
            [("res_model", "=", "opuscapita.event")]), len(activities))

    def test_remote_message_is_text_in_the_activity_note(self):
        """Before: the remote's message became the note's HTML; after sanitising, a link to
        the remote's site and a tracking pixel were left."""
        message = ('Rejected: see <a href="https://evil.example/login">your account</a>'
                   '<img src="https://evil.example/pixel.gif"> & retry')
        self.add_event(id="evt-html", transactionId="TX-HTML", status="Rejected",
                       message=message,
                       eventTime=datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%S.000Z"))
        self.oc._sync_events()
        event = self.events().filtered(lambda e: e.remote_id == "evt-html")
        self.assertEqual(event.status_message, message, "the message itself is kept as is")
        note = event.activity_ids.note
        self.assertTrue(note)
        tree = html.fromstring("<div>%s</div>" % note)
        self.assertFalse(tree.xpath("//a | //img | //*[@href] | //*[@src]"), note)
        self.assertEqual(tree.text_content(), message, "shown as the remote wrote it")

    def test_activities_go_to_the_responsible_or_the_backends_creator(self):
        admin = self.env.ref("base.user_admin")
        backend = self.oc.copy({"name": "Configured by admin"})
        self.assertFalse(backend.responsible_id, "OdooBot is nobody's default responsible")
        backend = self.env["opuscapita.backend"].with_user(admin).create(
            {"name": "Admin's", "base_url": self.oc.base_url})
        self.assertEqual(backend.responsible_id, admin, "the user configuring it")
        backend.responsible_id = False
        event = self.env["opuscapita.event"].create({
            "backend_id": backend.id, "remote_id": "evt-x", "transaction_id": "TX-X",
            "status": "Rejected"})
        event._raise_activities(backend)
        self.assertEqual(event.activity_ids.user_id, admin, "the backend's creator")

    def test_wrong_secret_names_the_token_step_never_the_secret(self):
        self.oc.sudo().client_secret = "not-the-secret-123"
        self.oc.action_test_connection()
        self.assertEqual(self.oc.connection_state, "error")
        self.assertIn("Token request failed", self.oc.connection_message)
        self.assertIn("Bad client credentials", self.oc.connection_message)
        run = self.oc._sync_events()
        for text in (self.oc.connection_message, run.log.message, run.log.error_details or ""):
            self.assertNotIn("not-the-secret-123", text)

    def test_data_call_failure_is_named(self):
        self.sandbox.add_fault("/opuscapita/track/api/transactions", status=500,
                               body='{"message": "Track service down"}',
                               content_type="application/json", times=10)
        self.oc.action_test_connection()
        self.assertIn("Data call failed", self.oc.connection_message)
        self.assertIn("Track service down", self.oc.connection_message)

    def test_event_without_id_skipped_unknown_status_kept(self):
        events = self.sandbox.opuscapita.events
        events[3] = dict(events[3], id=None)
        events[4] = dict(events[4], status="QuantumEntangled")
        run = self.oc._sync_events()
        self.assertEqual(run.log.skipped_count, 1)
        self.assertIn("without id skipped", run.log.error_details)
        odd = self.events().filtered(lambda e: e.remote_id == events[4]["id"])
        self.assertEqual(odd.status, "QuantumEntangled")
        self.assertEqual(len(self.events()), len(events) - 1)

    def test_partners_linked_by_vat(self):
        # The demo data has this party as a contact too: leave only the test's.
        self.env["res.partner"].search([("vat", "=", "NL123456789B01")]).active = False
        partner = self.env["res.partner"].create({"name": "Westland", "vat": "NL123456789B01"})
        self.oc._sync_events()
        linked = self.events().filtered(lambda e: e.sender_ref == "NL123456789B01")
        self.assertTrue(linked)
        self.assertEqual(linked.sender_partner_id, partner)

    def test_fetch_wizard_leaves_the_cursor_alone(self):
        wizard = self.env["opuscapita.fetch.wizard"].create({
            "backend_id": self.oc.id, "date_from": "2026-03-02 06:00:00",
            "date_to": "2026-03-02 09:00:00", "document_types": "Invoice"})
        wizard.action_fetch()
        self.assertFalse(self.oc._get_cursor("events"))
        fetched = self.events()
        self.assertTrue(fetched)
        self.assertTrue(all(e.document_type == "Invoice" for e in fetched))
        self.assertTrue(all(e.event_time < datetime(2026, 3, 2, 9) for e in fetched))
