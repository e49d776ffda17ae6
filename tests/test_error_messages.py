"""The typed errors of the remote calls (clients/base.py) as a user reads them, over real
HTTP against the sandbox: what happened and what to fix, naming the backend, in the run's
summary, the notification, the backend form and the item to retry (models/tracking_messages.py
``api_error_message``); the request's technical line stays in the run log's errors."""

from odoo.tests import tagged

from ..models.tracking_failed_unit import record_key
from .test_items_to_retry import ItemsToRetryCase

LOCATION_PATH = "/trackonline/api/v1/location"


@tagged("post_install", "-at_install")
class TestPlainErrorMessages(ItemsToRetryCase):
    sandbox_transactions = 6

    def assertPlain(self, text):
        """Words for a person: no request line, no URL, no model name, no record id."""
        for technical in ("http", "answered", "trackonline.", "GET ", "POST "):
            self.assertNotIn(technical, text)

    def test_a_refused_key_names_the_setting_to_fix_everywhere(self):
        self.to.sudo().api_key = "not-the-key"
        action = self.to.action_test_connection()
        log = self.last_log(self.to)
        expected = ("TrackOnline refused the API key (error 401). Check the API key on the "
                    "backend TrackOnline kept, then press Test connection.")
        self.assertTrue(self.to.connection_text.startswith(expected), self.to.connection_text)
        self.assertTrue(log.summary.startswith(expected), log.summary)
        self.assertIn(expected, action["params"]["message"])
        for text in (self.to.connection_text, log.summary, action["params"]["message"]):
            self.assertPlain(text)
        self.assertIn("Technical detail: GET http", log.errors,
                      "the request's line stays in the run log for the integrator")
        self.assertNotIn("not-the-key", log.errors)
        # A record sent with the refused key: its item to retry says the same.
        partner = self.env["res.partner"].create({"name": "Depot Key", "ref": "KEY-1"})
        location = self.env["trackonline.location"]._from_partners(self.to, partner)
        self.to._send(location, "location")
        item = self.items(self.to).filtered(lambda u: u.remote_key == record_key(location))
        self.assertEqual(item.reason, "%s: %s" % (location.display_name, self.to.connection_text))
        self.assertPlain(item.reason)

    def test_each_typed_error_says_what_to_do(self):
        """Connection refused, server error, not found, refused data, calls refused."""
        self.to.base_url = "http://127.0.0.1:9"
        self.to.action_test_connection()
        self.assertTrue(self.to.connection_text.startswith(
            "TrackOnline could not be reached. Check the API base URL on the backend "
            "TrackOnline kept and the network, then press Test connection."),
            self.to.connection_text)
        self.to.base_url = self.sandbox.url + "/trackonline/api/v1"
        cases = [
            ({"status": 503, "times": 10},
             "TrackOnline failed on its side (error 503). Nothing to fix in Odoo: the next "
             "run tries again. If it lasts, tell TrackOnline's support."),
            ({"status": 404, "times": 10},
             "TrackOnline does not know what was asked for. Check the API base URL on the "
             "backend TrackOnline kept, and that the record still exists in TrackOnline."),
            ({"status": 429, "retry_after": 600},
             "TrackOnline asked for fewer calls (429 Too Many Requests): the run stopped here "
             "and the next one goes on in 10 min. Nothing to fix."),
        ]
        for fault, expected in cases:
            self.sandbox.clear_faults()
            self.sandbox.add_fault(LOCATION_PATH, **fault)
            log = self.to._sync("locations").log
            self.assertTrue(log.summary.startswith(expected), (fault, log.summary))
            self.assertPlain(log.summary)
            self.assertIn("Technical detail:", log.errors)
        # Data refused on a send: what to fix is the record.
        self.sandbox.clear_faults()
        self.sandbox.add_fault(LOCATION_PATH, method="POST", status=400)
        partner = self.env["res.partner"].create({"name": "Depot Refused", "ref": "REF-1"})
        location = self.env["trackonline.location"]._from_partners(self.to, partner)
        log = self.to._send(location, "location").log
        self.assertTrue(log.summary.startswith(
            "TrackOnline refused the data sent (error 400). Correct the record as TrackOnline "
            "says, then press Retry now."), log.summary)

    def test_the_call_budget_spent_says_when_it_comes_back(self):
        self.to.licence_tier = "start_pro"
        now = self.env.cr.now().timestamp()
        self.env["tracking.rate.counter"].create({
            "backend_id": self.to.tracking_backend_id.id,
            "period": "day", "period_start": int(now // 86400), "calls": 1000})
        log = self.to._sync("locations").log
        self.assertEqual(log.state, "stopped")
        self.assertTrue(log.summary.startswith(
            "The day's budget of 1000 TrackOnline calls is spent: the run stopped here and "
            "the next one goes on in "), log.summary)
        self.assertIn("a higher licence tier on the backend TrackOnline kept gives more "
                      "calls.", log.summary)

    def test_missing_credentials_say_who_fills_them_in(self):
        """No call is made without credentials: the backend says which are missing."""
        self.to.sudo().api_key = False
        calls = self.sandbox.calls()
        self.to.action_test_connection()
        self.assertEqual(
            self.to.connection_text,
            "The backend TrackOnline kept has no API key yet: a Tracking manager fills this "
            "in on the backend's form, then presses Test connection.")
        self.assertEqual(self.sandbox.calls(), calls, "no call without a key")
        trackline = self.env["trackline.backend"].create({
            "name": "Trackline unset", "base_url": self.sandbox.url + "/trackline/api"})
        trackline.action_test_connection()
        self.assertTrue(trackline.connection_text.startswith(
            "The backend Trackline unset has no login and password yet: a Tracking manager "
            "fills this in on the backend's form"),
            trackline.connection_text)
        self.assertPlain(trackline.connection_text)
