"""The "Check the API" of a first connection (``models/tracking_api_check.py``), over real
HTTP against the sandbox in its usual shapes and in others (``sandbox/shapes.py``): renamed
keys, another envelope, pages numbered from 0. It reports what came against what the
mappings read, keeps the answers (secrets masked) and writes nothing else."""

import json

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..models.tracking_access import MANAGER_GROUP
from ..sandbox.backends import backend_values
from .common import TrackOnlineCase
from .test_sage50 import Sage50Mixin

SECRET = "hunter2-do-not-log"


def _attachments(log):
    return {attachment.name: attachment for attachment in log.env["ir.attachment"].search(
        [("res_model", "=", "tracking.sync.log"), ("res_id", "=", log.id)])}


@tagged("post_install", "-at_install")
class TestApiCheck(Sage50Mixin, TrackOnlineCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.oc = cls.env["opuscapita.backend"].create(backend_values(
            "opuscapita", cls.sandbox.url, name="Business Network check",
            start_date="2026-03-01", window_days=30, timeout=10))

    def setUp(self):
        super().setUp()
        self.addCleanup(self.sandbox.set_shape)

    def check(self, backend=None):
        """The check of ``backend`` (TrackOnline's by default) as a manager presses it:
        (its dialog's record, its run log, the report's text)."""
        backend = backend or self.to
        action = backend.action_check_api()
        self.assertEqual(action["res_model"], "tracking.api.check", action)
        dialog = self.env["tracking.api.check"].browse(action["res_id"])
        return dialog, dialog.log_id, str(dialog.report)

    def data_counts(self):
        return {model: self.env[model].search_count([]) for model in (
            "trackonline.location", "trackonline.item.definition", "trackonline.transaction",
            "trackonline.unique.item", "trackonline.balance", "tracking.cursor",
            "tracking.failed.unit", "opuscapita.event", "trackline.process",
            "trackline.document", "sage50.partner", "sage50.download", "res.partner")}

    def test_usual_shapes_report_all_mapped_fields_found_and_change_nothing(self):
        before = self.data_counts()
        dialog, log, report = self.check()
        self.assertEqual(log.state, "done", log.error_details)
        self.assertIn("All mapped fields found", report)
        self.assertIn("came as a bare list", report)
        self.assertIn("numbered from 1, as the document says", report)
        self.assertIn("Fields found and read", report)
        self.assertNotIn("without records", report, "every resource answered records")
        self.assertEqual(self.sandbox.calls("GET", "/trackonline/api/v1/iot/item/measurement"),
                         1, "one device's measurements read")
        self.assertIn("globalLocationNumber", report)
        self.assertIn("transactionTripId or transactionTrip.id", report.split(
            "only when the answer carries them")[1], "an optional key absent: no difference")
        self.assertEqual(self.data_counts(), before, "no record, cursor or kept item written")
        self.assertGreater(log.api_calls, 5, "one call a resource (and page 0)")
        self.assertLessEqual(log.api_calls, 15)
        files = _attachments(log)
        self.assertEqual(set(files), {"API check report.html",
                                      "API check answers as received.json"})
        samples = json.loads(dialog.samples_id.raw)
        self.assertTrue(any(sample["answer"] for sample in samples))
        self.assertEqual(dialog.samples_id, files["API check answers as received.json"])

    def test_renamed_keys_are_named(self):
        self.sandbox.set_shape(rename={"globalLocationNumber": "gln", "city": "town",
                                       "apiKey": "apiKey"})
        before = self.data_counts()
        _dialog, log, report = self.check()
        self.assertEqual(self.data_counts(), before, "nothing written in another shape")
        self.assertEqual(log.state, "warning")
        self.assertIn("differ from what the connector reads", report)
        lacking = report.split("the answer lacks:")[1].split("</ul>")[0]
        self.assertIn("globalLocationNumber", lacking)
        self.assertIn("city", lacking)
        unread = report.split("does not read:")[1].split("</ul>")[0]
        self.assertIn("gln", unread)
        self.assertIn("town", unread)
        self.assertIn("locations: the answer differs", log.error_details)

    def test_another_envelope_is_named_with_its_paging(self):
        self.sandbox.set_shape(envelope="data")
        before = self.data_counts()
        _dialog, log, report = self.check()
        self.assertEqual(self.data_counts(), before, "nothing written in another envelope")
        self.assertEqual(log.state, "warning")
        self.assertIn("under \"data\"", report)
        self.assertIn("The connector expects a bare list", report)
        self.assertIn("page = 1", report)
        self.assertIn("pageSize = 50", report)

    def test_pages_from_zero_are_named(self):
        self.sandbox.set_shape(first_page=0)
        before = self.data_counts()
        _dialog, log, report = self.check()
        self.assertEqual(self.data_counts(), before, "nothing written with pages from 0")
        self.assertEqual(log.state, "warning")
        self.assertIn("numbers its pages from 0", report)
        self.assertNotIn("numbered from 1", report)

    def test_values_of_another_type_and_secrets_masked(self):
        def odd(data):
            for row in data if isinstance(data, list) else []:
                row["gps"] = "52.1,4.3"
                row["password"] = SECRET
            return data

        self.sandbox.add_fault("/trackonline/api/v1/location", rewrite=odd, times=5)
        dialog, log, report = self.check()
        self.assertEqual(log.state, "warning")
        self.assertIn("Values of another type", report)
        self.assertIn("gps.latitude", report.split("Values of another type")[1])
        text = dialog.samples_id.raw.decode()
        self.assertNotIn(SECRET, text, "secrets masked in the answers kept")
        self.assertIn('"password": "***"', text)

    def test_opuscapita_events_usual_and_renamed(self):
        _dialog, log, report = self.check(self.oc)
        self.assertEqual(log.state, "done", log.error_details)
        self.assertIn("All mapped fields found", report)
        self.assertIn("under \"transactions\"", report)
        self.sandbox.set_shape(rename={"documentNumber": "docNo"})
        _dialog, log, report = self.check(self.oc)
        self.assertEqual(log.state, "warning")
        self.assertIn("documentNumber or documentId or docNumber",
                      report.split("the answer lacks:")[1])

    def test_opuscapita_events_in_another_envelope(self):
        self.sandbox.add_fault("/opuscapita/track/api/transactions", rewrite=lambda body: (
            {"data": body["transactions"], "page": body.get("page"), "pageSize": 100}
            if isinstance(body, dict) and "transactions" in body else body), times=5)
        before = self.data_counts()
        _dialog, log, report = self.check(self.oc)
        self.assertEqual(self.data_counts(), before)
        self.assertEqual(log.state, "warning")
        self.assertIn("under \"data\"", report)
        self.assertIn("The connector expects an object with the records under "
                      "\"transactions\"", report)
        self.assertIn("pageSize = 100", report)

    def test_opuscapita_pages_from_zero_are_named(self):
        self.sandbox.set_shape(first_page=0)
        before = self.data_counts()
        _dialog, log, report = self.check(self.oc)
        self.assertEqual(self.data_counts(), before)
        self.assertIn("it numbers its pages from 0", report)
        self.assertIn("first = true", report, "page 0's paging fields")
        self.assertIn("page = 0", report)
        self.assertEqual(self.sandbox.calls("POST", "/opuscapita/track/api/transactions"), 2,
                         "page 1, then page 0")
        self.assertNotIn("No answer held records", report, "page 0's events compared")
        self.assertNotIn("without records", report, "page 0's events compared")
        self.assertIn("Fields found and read", report)

    def test_trackline_process_and_its_documents(self):
        remote_id = next(iter(self.sandbox.trackline.processes))
        self.import_process(remote_id)
        before = self.data_counts()
        _dialog, log, report = self.check(self.backend)
        self.assertEqual(log.state, "done", log.error_details)
        self.assertIn("All mapped fields found", report)
        self.assertIn("The answer is one record.", report)
        self.assertNotIn("documents (in", report.split("<h3>Documents</h3>")[0],
                         "the process's documents are read, as their own part")
        self.assertIn("doc_type", report.split("Fields found and read")[-1])
        self.sandbox.set_shape(rename={"doc_type": "type"})
        _dialog, log, report = self.check(self.backend)
        self.assertEqual(log.state, "warning")
        documents = report.split("<h3>Documents</h3>")[1]
        self.assertIn("doc_type", documents.split("the answer lacks:")[1].split("</ul>")[0])
        self.assertIn("<li>type (in", documents.split("does not read:")[1].split("</ul>")[0])
        self.assertEqual(self.data_counts(), before, "no process or document written")

    def test_trackline_without_a_process_says_what_to_do(self):
        empty = self.env["trackline.backend"].create(backend_values(
            "trackline", self.sandbox.url, name="Trackline without processes", timeout=10))
        _dialog, log, report = self.check(empty)
        self.assertEqual(log.state, "done", log.error_details)
        self.assertIn("import one first, then check again", report)
        self.assertIn("No answer held records: nothing could be compared", report)
        self.assertNotIn("All mapped fields found", report, "nothing was compared")

    def test_sage50_customers_file_usual_renamed_and_in_another_envelope(self):
        self.sandbox.sage50.reset()
        sage, app_id = self.make_backend(self.env, self.sandbox)
        sage._store_key(self.sandbox.sage50.issue_key(app_id))
        sage.onboarding_state = "approved"
        customers = [
            {"id": "C-1", "firstName": "Lucía", "lastName": "Martín",
             "email": "lucia@example.es", "idNumber": "ESX1234567",
             "addresses": [{"address1": "Calle Mayor 1", "address2": "2º", "city": "Almería",
                            "postCode": "04001", "telephone1": "+34 950 000 000"}]},
            {"id": "C-2", "firstName": "Pieter", "lastName": "Bakker",
             "email": "p@example.nl", "idNumber": "NL1", "addresses": []},
        ]
        self.sandbox.sage50.publish_scope("Customers", json.dumps(
            {"records": customers}).encode())
        before = self.data_counts()
        _dialog, log, report = self.check(sage)
        self.assertEqual(log.state, "done", log.error_details)
        self.assertIn("All mapped fields found", report)
        self.assertIn("under \"records\"", report)
        self.sandbox.set_shape(rename={"idNumber": "taxId"})
        _dialog, log, report = self.check(sage)
        self.assertEqual(log.state, "warning")
        self.assertIn("idNumber", report.split("the answer lacks:")[1].split("</ul>")[0])
        self.assertIn("taxId", report.split("does not read:")[1].split("</ul>")[0])
        self.sandbox.set_shape(envelope="data")
        self.sandbox.sage50.publish_scope("Customers", json.dumps(customers).encode())
        _dialog, log, report = self.check(sage)
        self.assertEqual(log.state, "warning")
        self.assertIn("under \"data\"", report)
        self.assertIn("The connector expects an object with the records under \"records\"",
                      report)
        self.assertIn("finds no records in this file", report)
        self.assertNotIn("without records", report, "not taken for an empty answer")
        self.assertEqual(self.data_counts(), before, "no contact, binding or download written")

    def test_a_tracking_user_may_not_check(self):
        user = new_test_user(self.env, "api_check_user",
                             groups="tracking_connector.group_tracking_user")
        logs = self.env["tracking.sync.log"].search_count([])
        calls = self.sandbox.calls()
        for backend in (self.to, self.oc, self.backend):
            with self.subTest(backend=backend._name):
                with self.assertRaises(AccessError) as caught:
                    backend.with_user(user).action_check_api()
                self.assertEqual(str(caught.exception), "Only a Tracking manager may do this. "
                                 "Ask one to do it, or to give you the Tracking manager "
                                 "access.")
        self.assertEqual(self.env["tracking.sync.log"].search_count([]), logs)
        self.assertEqual(self.sandbox.calls(), calls, "nothing asked of the remote")
        self.assertFalse(user.has_group(MANAGER_GROUP))
