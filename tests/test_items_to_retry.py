"""Every unit of work that fails becomes an item to retry, visible and retried
(``tracking.failed.unit``), over real HTTP against the sandbox."""

import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.tracking_failed_unit import BACKOFF, MAX_ATTEMPTS_PARAM, next_attempt_at
from .common import TrackOnlineCase, answer_rows, on_second_row
from .test_sage50 import Sage50Mixin

TX_PATH = "/trackonline/api/v1/transaction"


def _row_of(key, change):
    def rewrite(data):
        for row in answer_rows(data):
            if row.get("id") == key:
                change(row)
        return data
    return rewrite


class ItemsToRetryCase(TrackOnlineCase):
    sandbox_transactions = 60
    trackonline_name = "TrackOnline kept"

    def items(self, backend, resource=None):
        domain = [("backend_id", "=", backend.tracking_backend_id.id)]
        if resource:
            domain.append(("resource", "=", resource))
        return self.env["tracking.failed.unit"].search(domain)

    def make_due(self, items):
        """As if the wait of the backoff had passed."""
        items.write({"next_attempt": fields.Datetime.now() - timedelta(seconds=1)})


@tagged("post_install", "-at_install")
class TestRowsToRetry(ItemsToRetryCase):

    def test_bad_row_is_kept_with_the_page_then_retried_by_id(self):
        remote = self.sandbox.trackonline.resources["transaction"]
        self.sandbox.add_fault(TX_PATH, skip=0, rewrite=on_second_row(
            lambda row: row.update(transactionItems="not-a-list")))
        run = self.to._sync("transactions")
        log = run.log
        self.assertEqual(log.state, "warning", log.error_details)
        self.assertEqual(len(self.transactions()), len(remote) - 1, "the others are saved")
        item = self.items(self.to, "transactions")
        self.assertEqual(len(item), 1)
        bad = remote[1] if remote[1]["id"] == item.remote_key else None
        self.assertTrue(bad, "the unit is keyed by the row's remote id")
        self.assertIn("transactionItems", item.error)
        self.assertIn(item.remote_key, item.error)
        self.assertEqual(json.loads(item.payload)["transactionItems"], "not-a-list",
                         "the payload as received")
        self.assertEqual(json.loads(item.payload_indented), json.loads(item.payload))
        self.assertIn('\n  "transactionItems": "not-a-list"', item.payload_indented,
                      "shown indented")
        self.assertEqual((item.state, item.attempts, item.log_id), ("retry", 1, log))
        self.assertEqual(log.kept_count, 1)
        self.assertEqual(log.retry_item_ids, item)
        self.assertIn("items to retry: 1", log.message)
        action = log.action_open_failed_units()
        self.assertEqual(self.env["tracking.failed.unit"].search(action["domain"]), item)
        self.assertTrue(self.to._get_cursor("transactions"), "the cursor passed the kept row")

        # Not due yet: the next run neither retries it nor reads the passed pages again.
        again = self.to._sync("transactions")
        self.assertEqual(again.log.state, "done", again.log.error_details)
        self.assertFalse([seen for seen in self.sandbox.trackonline.requests_seen
                          if seen.get("Id")])
        self.assertEqual(item.state, "retry")

        # Due: read again by its id (one call), saved, done.
        self.make_due(item)
        calls = len(self.sandbox.trackonline.requests_seen)
        retry = self.to._sync("transactions")
        self.assertEqual(retry.log.state, "done", retry.log.error_details)
        by_id = [seen for seen in self.sandbox.trackonline.requests_seen[calls:]
                 if seen.get("Id")]
        self.assertEqual([seen["Id"] for seen in by_id], [item.remote_key])
        self.assertEqual(item.state, "done")
        self.assertEqual(len(self.transactions()), len(remote), "no duplicate, none missing")
        saved = self.transactions().filtered(lambda tx: tx.remote_id == item.remote_key)
        self.assertEqual(len(saved.line_ids), len(bad["transactionItems"]))

    def test_page_failing_at_save_is_saved_row_by_row(self):
        """A quantity PostgreSQL refuses (out of an integer's range) fails the page's save:
        its rows are saved one by one, and only that transaction is kept."""
        remote = self.sandbox.trackonline.resources["transaction"]

        def huge_quantity(row):
            row["transactionItems"][0]["quantity"] = 10 ** 12

        self.sandbox.add_fault(TX_PATH, rewrite=on_second_row(huge_quantity))
        with mute_logger("odoo.sql_db"):  # the page's INSERT that PostgreSQL refuses
            log = self.to._sync("transactions").log
        self.assertEqual(log.state, "warning", log.error_details)
        self.assertEqual(len(self.transactions()), len(remote) - 1)
        item = self.items(self.to, "transactions")
        self.assertEqual(item.remote_key, remote[1]["id"])
        self.assertIn("could not be saved", item.error)
        self.assertIn("out of range", item.error)
        self.assertEqual((log.created_count, log.kept_count), (len(remote) - 1, 1),
                         "counts of the rolled-back page attempt are dropped")
        self.make_due(item)
        self.assertEqual(self.to._sync("transactions").log.state, "done")
        self.assertEqual(item.state, "done")
        self.assertEqual(len(self.transactions()), len(remote))

    def test_saved_by_a_normal_page_marks_the_item_done(self):
        self.sandbox.add_fault("/trackonline/api/v1/location",
                               rewrite=on_second_row(lambda row: row.update(name={"a": 1})))
        self.assertEqual(self.to._sync("locations").log.state, "warning")
        item = self.items(self.to, "locations")
        self.assertEqual(item.state, "retry")
        self.assertIn("name: expected text", item.error)
        # The list is read whole at every run: the next one saves the row and closes the unit
        # although its next attempt has not come.
        self.assertEqual(self.to._sync("locations").log.state, "done")
        self.assertEqual(item.state, "done")

    def test_huge_text_is_kept_not_saved(self):
        self.sandbox.add_fault(TX_PATH, rewrite=on_second_row(
            lambda row: row.update(notes="x" * 200_000)))
        self.to._sync("transactions")
        item = self.items(self.to, "transactions")
        self.assertIn("notes: text of 200000 characters", item.error)
        self.assertFalse(self.transactions().filtered(lambda tx: len(tx.notes or "") > 1000))


@tagged("post_install", "-at_install")
class TestBackoff(ItemsToRetryCase):

    def test_backoff_then_failed_then_retry_now_and_ignore(self):
        now = fields.Datetime.now()
        self.assertEqual([next_attempt_at(n, now) - now for n in (1, 2, 3, 4, 9)],
                         list(BACKOFF) + [timedelta(days=1)])
        self.env["ir.config_parameter"].sudo().set_param(MAX_ATTEMPTS_PARAM, "3")
        key = self.sandbox.trackonline.resources["transaction"][1]["id"]

        def broken(row):
            row["transactionItems"] = "not-a-list"

        self.sandbox.add_fault(TX_PATH, rewrite=_row_of(key, broken))
        self.to._sync("transactions")
        item = self.items(self.to, "transactions")
        self.assertEqual((item.remote_key, item.attempts), (key, 1))
        # The remote keeps sending the bad row: each retry (by id) fails again.
        for attempt in (2, 3):
            self.make_due(item)
            # the retry's read by id comes first in the run
            self.sandbox.add_fault(TX_PATH, rewrite=_row_of(key, broken))
            log = self.to._sync("transactions").log
            self.sandbox.clear_faults()
            self.assertEqual(item.attempts, attempt, log.error_details)
            self.assertEqual(log.state, "warning")
        self.assertEqual(item.state, "failed", "out of attempts: no more automatic retry")
        self.assertFalse(item.next_attempt)
        self.assertNotIn(item, self.env["tracking.failed.unit"]._due(self.to))
        # Retry now works still (the remote is right again).
        item.action_retry_now()
        self.assertEqual(item.state, "done")
        self.assertEqual(self.transactions().filtered(lambda tx: tx.remote_id == key).remote_id,
                         key)
        # Ignore needs a reason.
        self.sandbox.add_fault("/trackonline/api/v1/location",
                               rewrite=on_second_row(lambda row: row.update(city=[1])))
        self.to._sync("locations")
        other = self.items(self.to, "locations").filtered(lambda u: u.state == "retry")
        with self.assertRaisesRegex(UserError, "reason"):
            other.action_ignore()
        other.ignore_reason = "Test location, never used"
        other.action_ignore()
        self.assertEqual(other.state, "ignored")
        self.make_due(other)
        self.assertNotIn(other, self.env["tracking.failed.unit"]._due(self.to))

    def test_dashboard_open_errors_open_the_items_to_retry(self):
        self.sandbox.add_fault(TX_PATH, rewrite=on_second_row(
            lambda row: row.update(transactionItems="not-a-list")))
        self.to._sync("transactions")
        card = self.to.tracking_backend_id
        self.assertEqual(card.error_count, 1)
        self.assertIn("Items to retry: 1", card.error_summary)
        action = card.action_open_errors()
        self.assertEqual(action["res_model"], "tracking.failed.unit")
        self.assertEqual(self.env["tracking.failed.unit"].search(action["domain"]),
                         self.items(self.to))


@tagged("post_install", "-at_install")
class TestDocumentsToRetry(ItemsToRetryCase):

    def test_document_in_error_follows_the_backoff(self):
        empty = self.empty_document_id()
        process, document = self.import_process_holding(empty)
        self.assertEqual(document.state, "error")
        item = self.items(self.backend, "document")
        self.assertEqual((item.remote_key, item.kind, item.state), (empty, "document", "retry"))
        self.assertIn("empty", item.error)
        path = "/trackline/api/track-line/ext/attachment"
        before = self.sandbox.calls(path_prefix=path)
        for _refresh in range(3):
            process._refresh(self.backend)
        self.assertEqual(self.sandbox.calls(path_prefix=path), before,
                         "not fetched again before its next attempt")
        self.make_due(item)
        self.sandbox.trackline.files[empty] = b"%PDF-1.4 now with content"
        process._refresh(self.backend)
        self.assertEqual(self.sandbox.calls(path_prefix=path), before + 1)
        self.assertEqual((document.state, item.state), ("downloaded", "done"))


@tagged("post_install", "-at_install")
class TestSage50ToRetry(Sage50Mixin, ItemsToRetryCase):

    def setUp(self):
        super().setUp()
        self.set_up_approved_backend()

    def publish(self, scope, records):
        self.sandbox.sage50.publish_scope(scope, json.dumps({"records": records}).encode())
        return self.env["sage50.download"]._notify(self.sage, scope, None)

    def test_customer_whose_addresses_is_text_is_kept_and_the_rest_imported(self):
        customers = self.publish("Customers", [
            {"id": "C-1", "firstName": "Lucía", "lastName": "Martín", "addresses": []},
            {"id": "C-2", "firstName": "Jan", "addresses": "Calle Mayor 1, Madrid"},
            {"id": "C-3", "firstName": "Greta", "addresses": [{"city": "Ghent"}]},
        ])
        products = self.publish("Products", [{"id": "P-1"}, {"id": "P-2"}])
        self.env["sage50.backend"]._cron_downloads()
        bindings = self.env["sage50.partner"].search([("backend_id", "=", self.sage.id)])
        self.assertEqual(sorted(bindings.mapped("remote_id")), ["C-1", "C-3"])
        item = self.items(self.sage, "Customers")
        self.assertEqual(item.remote_key, "C-2")
        self.assertIn("customer C-2", item.error)
        self.assertIn("addresses", item.error)
        self.assertEqual((customers.state, customers.record_count), ("warning", 3))
        self.assertIn("in the items to retry", customers.message)
        self.assertEqual(products.state, "done", "the other scope is imported")
        self.assertEqual(self.last_log(self.sage).state, "warning")
        # A new file with the record right: imported, the unit done.
        self.publish("Customers", [{"id": "C-2", "firstName": "Jan", "addresses": []}])
        self.env["sage50.backend"]._cron_downloads()
        self.assertEqual(item.state, "done")
        self.assertEqual(customers.state, "done")

    def test_scope_file_that_fails_to_download_is_kept_and_others_go_on(self):
        broken = self.publish("Customers", [{"id": "C-1", "firstName": "Ana"}])
        products = self.publish("Products", [{"id": "P-1"}])
        self.sandbox.add_fault("/sage50/api/downloads/Customers", status=500, times=10)
        self.env["sage50.backend"]._cron_downloads()
        self.assertEqual((broken.state, products.state), ("failed", "done"))
        item = self.items(self.sage, "scope file")
        self.assertEqual((item.remote_key, item.kind), ("Customers", "file"))
        self.assertIn("500", item.error)
        self.sandbox.clear_faults()
        self.env["sage50.backend"]._cron_downloads()
        self.assertEqual(broken.state, "failed", "not before its next attempt")
        self.make_due(item)
        self.env["sage50.backend"]._cron_downloads()
        self.assertEqual((broken.state, item.state), ("done", "done"))
        self.assertTrue(self.env["sage50.partner"].search([("backend_id", "=", self.sage.id)]))
