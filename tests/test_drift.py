"""Answers that drift from our reading (``models/tracking_drift.py``), over real HTTP against
the sandbox: a page whose rows stop carrying what the mapping reads ends the run "done with
warnings" naming the keys, with one page as received (secrets masked) on the run log."""

import json

from odoo.tests import tagged

from ..sandbox.backends import backend_values
from .common import SandboxCase, answer_rows
from .test_items_to_retry import ItemsToRetryCase
from .test_sage50 import Sage50Mixin

EVENTS_PATH = "/opuscapita/track/api/transactions"
SECRET = "hunter2-do-not-log"


def _drifted_events(data):
    """Events of another schema: the document number and the status under other names, and
    a password next to them."""
    for row in answer_rows(data):
        row["docNo"] = row.pop("documentNumber", None)
        row["eventState"] = row.pop("status", None)
        row["password"] = SECRET
    return data


def attached_pages(log):
    return log.env["ir.attachment"].search([("res_model", "=", "tracking.sync.log"),
                                            ("res_id", "=", log.id)])


@tagged("post_install", "-at_install")
class TestDriftOpusCapita(SandboxCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.oc = cls.env["opuscapita.backend"].create(backend_values(
            "opuscapita", cls.sandbox.url, name="Business Network drift",
            start_date="2026-03-01", window_days=30, timeout=10))

    def setUp(self):
        super().setUp()
        self.sandbox.opuscapita.event_count = 250  # three pages of 100
        self.sandbox.opuscapita.reset()
        self.addCleanup(setattr, self.sandbox.opuscapita, "event_count", 60)

    def test_events_of_another_schema_warn_and_keep_one_page(self):
        self.sandbox.add_fault(EVENTS_PATH, rewrite=_drifted_events, times=100)
        log = self.oc._sync_events().log
        self.assertEqual(log.state, "warning", log.error_details)
        self.assertIn("documentNumber or documentId or docNumber", log.error_details)
        self.assertIn("status or state or eventStatus", log.error_details)
        self.assertNotIn("transactionId", log.error_details, "names only what is missing")
        events = self.env["opuscapita.event"].search([("backend_id", "=", self.oc.id)])
        self.assertEqual(len(events), 250, "the rows are saved all the same")
        self.assertFalse(any(events.mapped("document_number")))
        pages = attached_pages(log)
        self.assertEqual(len(pages), 1, "one page kept per run, of three pages that drift")
        self.assertEqual(pages.mimetype, "application/json")
        text = pages.raw.decode()
        self.assertNotIn(SECRET, text, "secrets masked")
        kept = json.loads(text)
        self.assertEqual(len(kept), 100)
        self.assertEqual(kept[0]["password"], "***")
        self.assertIn("docNo", kept[0])
        # The answers right again: no warning, no page kept.
        self.sandbox.clear_faults()
        self.env["tracking.cursor"].search(
            [("backend_id", "=", self.oc.tracking_backend_id.id)]).unlink()
        clean = self.oc._sync_events().log
        self.assertEqual(clean.state, "done", clean.error_details)
        self.assertFalse(attached_pages(clean))
        self.assertTrue(all(events.mapped("document_number")), "the columns filled again")

    def test_events_in_another_envelope_warn_and_keep_one_page(self):
        def under_items(data):
            return {"items": data["transactions"], "page": data["page"],
                    "totalPages": data["totalPages"]}

        self.sandbox.add_fault(EVENTS_PATH, rewrite=under_items, times=100)
        log = self.oc._sync_events().log
        self.assertEqual(log.state, "warning", log.error_details)
        self.assertIn("the events came under 'items', not under 'transactions'",
                      log.error_details)
        self.assertEqual(log.error_details.count("under 'items'"), 1, "said once a run")
        self.assertEqual(len(self.env["opuscapita.event"].search(
            [("backend_id", "=", self.oc.id)])), 250, "read all the same")
        self.assertEqual(len(attached_pages(log)), 1)

    def test_a_few_rows_lacking_a_field_are_no_drift(self):
        def two_without_status(data):
            for row in answer_rows(data)[:2]:
                row.pop("status", None)
            return data

        self.sandbox.add_fault(EVENTS_PATH, rewrite=two_without_status, times=100)
        log = self.oc._sync_events().log
        self.assertEqual(log.state, "done", log.error_details)
        self.assertFalse(attached_pages(log))


@tagged("post_install", "-at_install")
class TestDriftSage50(Sage50Mixin, ItemsToRetryCase):

    def setUp(self):
        super().setUp()
        self.key = self.set_up_approved_backend()

    def test_customers_file_without_a_mapped_field_warns_and_keeps_the_page(self):
        records = [{"id": "C-%d" % n, "firstName": "Name %d" % n, "eMail": "c%d@example.com" % n,
                    "idNumber": "", "note": "key %s" % self.key} for n in range(6)]
        self.sandbox.sage50.publish_scope("Customers", json.dumps({"records": records}).encode())
        download = self.env["sage50.download"]._notify(self.sage, "Customers", None)
        self.env["sage50.backend"]._cron_downloads()
        log = self.last_log(self.sage)
        self.assertEqual(log.state, "warning", log.error_details)
        self.assertIn("most rows lack email, addresses", log.error_details)
        self.assertEqual(download.record_count, 6, "the customers are imported all the same")
        self.assertEqual(len(self.env["sage50.partner"].search(
            [("backend_id", "=", self.sage.id)])), 6)
        page = attached_pages(log)
        self.assertEqual(page.name, "Customers page as received.json")
        text = page.raw.decode()
        self.assertIn("eMail", text)
        self.assertNotIn(self.key, text, "the API key is masked")
        self.assertIn("key ***", text)

    def test_customers_with_wrong_types_name_the_field(self):
        records = [{"id": "C-%d" % n, "firstName": "Name %d" % n, "email": "", "idNumber": "",
                    "addresses": {"city": "Gent"}} for n in range(5)]
        self.sandbox.sage50.publish_scope("Customers", json.dumps({"records": records}).encode())
        self.env["sage50.download"]._notify(self.sage, "Customers", None)
        self.env["sage50.backend"]._cron_downloads()
        log = self.last_log(self.sage)
        self.assertIn("most rows hold a value of another type in addresses",
                      log.error_details)
        self.assertEqual(len(attached_pages(log)), 1)
        self.assertEqual(log.kept_count, 5, "each row kept to retry as well")


@tagged("post_install", "-at_install")
class TestDriftTrackOnline(ItemsToRetryCase):
    """TrackOnline: an envelope of another shape, and runs of small pages."""

    sandbox_transactions = 4  # fewer rows in the whole run than a page needs to be judged

    def test_list_in_another_envelope_warns_and_keeps_one_page(self):
        def under_items(data):
            if data is None:  # no rows (204; the disabled locations), left empty
                return b""
            return {"items": data, "total": len(data)} if isinstance(data, list) else data

        self.sandbox.add_fault("/trackonline/api/v1/location", rewrite=under_items, times=100)
        log = self.to._sync("locations").log
        self.assertEqual(log.state, "warning", log.error_details)
        self.assertIn("its list in an object under 'items'", log.error_details)
        self.assertIn("other keys: total", log.error_details)
        self.assertEqual(log.error_details.count("under 'items'"), 1, "said once a run")
        self.assertEqual(sorted(self.env["trackonline.location"].search(
            [("backend_id", "=", self.to.id)]).mapped("number")), sorted(
            row["number"] for row in self.sandbox.trackonline.resources["location"]),
            "read all the same")
        self.assertEqual(len(attached_pages(log)), 1)

    def test_small_pages_lacking_a_field_are_judged_together(self):
        def without_document_number(data):
            for row in answer_rows(data):
                row.pop("documentNumber", None)
            return b"" if data is None else data  # None: no rows (204), left empty

        self.sandbox.add_fault("/trackonline/api/v1/transaction",
                               rewrite=without_document_number, times=100)
        log = self.to._sync("transactions").log
        self.assertEqual(len(self.transactions()), 4, "a run of 4 rows in all")
        self.assertEqual(log.state, "warning", log.error_details)
        self.assertIn("most rows lack documentNumber", log.error_details)
        self.assertEqual(len(attached_pages(log)), 1)

    def test_one_small_row_lacking_a_field_is_no_drift(self):
        def first_without_document_number(data):
            for row in answer_rows(data)[:1]:
                row.pop("documentNumber", None)
            return b"" if data is None else data

        self.sandbox.add_fault("/trackonline/api/v1/transaction",
                               rewrite=first_without_document_number, times=100)
        log = self.to._sync("transactions").log
        self.assertEqual(log.state, "done", log.error_details)
        self.assertFalse(attached_pages(log))
