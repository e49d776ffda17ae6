"""The next page fetched in a worker thread while the current one is saved, over real HTTP."""

import time

from odoo.tests import tagged

from .common import TrackOnlineCase

TX_PATH = "/trackonline/api/v1/transaction"


@tagged("post_install", "-at_install")
class TestPrefetch(TrackOnlineCase):
    """The next page fetched in a worker thread while the current one is saved
    (``clients/concurrent.py: ahead``), over real HTTP: 130 transactions are pages of 50, 50
    and 30."""

    trackonline_name = "TrackOnline prefetch"
    window_days = 400

    def calls_counted(self):
        """The calls the shared budget counted today."""
        return sum(self.env["tracking.rate.counter"].search([
            ("backend_id", "=", self.to.tracking_backend_id.id),
            ("period", "=", "day")]).mapped("calls"))

    def test_a_page_that_fails_after_a_prefetched_one_leaves_the_cursor_right(self):
        # Page 2 is fetched ahead while page 1 is saved, and cannot be read.
        self.sandbox.add_fault(TX_PATH, malformed_json=True, skip=1)
        run = self.to._sync("transactions")
        self.assertEqual(run.log.state, "failed")
        self.assertIn("Expected JSON", run.log.message)
        self.assertEqual(len(self.transactions()), 50, "page 1 saved before the error")
        self.assertEqual(self.cursor()["page"], 2, "the cursor right after the saved page")
        self.sandbox.trackonline.requests_seen.clear()
        run = self.to._sync("transactions")
        self.assertEqual(run.log.state, "done", run.log.error_details)
        self.assertEqual(self.sandbox.trackonline.requests_seen[0]["page"], "2")
        transactions = self.transactions()
        self.assertEqual(len(transactions), 130)
        self.assertEqual(len(set(transactions.mapped("remote_id"))), 130, "none twice")

    def test_calls_are_pages_and_the_budget_counts_only_calls_made(self):
        self.to._sync("transactions", max_pages=2)
        self.assertEqual(self.sandbox.calls("GET", TX_PATH), 2, "no page fetched past the limit")
        self.assertEqual(self.calls_counted(), 2)
        self.assertEqual(self.cursor()["page"], 3)
        self.to._sync("transactions")
        # Page 3 (30 rows, the last): its budget was taken ahead for a page that turned out
        # not to exist (the list ended), and given back.
        self.assertEqual(self.sandbox.calls("GET", TX_PATH), 3)
        self.assertEqual(self.calls_counted(), 3)
        self.assertEqual(len(self.transactions()), 130)

    def test_a_run_out_of_time_fetches_nothing_ahead_and_loses_nothing(self):
        # Out of time from the start: page 1 is saved, and page 2 is not fetched ahead (the
        # run has no time for it: it would be dropped, a call spent in vain).
        run = self.to._sync("transactions", deadline=time.monotonic() - 1)
        self.assertTrue(run.more)
        self.assertEqual(len(self.transactions()), 50)
        self.assertEqual(self.cursor()["page"], 2)
        self.assertEqual(self.sandbox.calls("GET", TX_PATH), 1, "calls = pages saved")
        self.assertEqual(self.calls_counted(), 1)
        self.sandbox.trackonline.requests_seen.clear()
        self.to._sync("transactions")
        self.assertEqual(self.sandbox.trackonline.requests_seen[0]["page"], "2")
        self.assertEqual(len(set(self.transactions().mapped("remote_id"))), 130)

    def test_budget_spent_mid_run_stops_after_the_saved_pages(self):
        self.to.licence_tier = "start_pro"  # 1,000 calls a day
        self.env["tracking.rate.counter"].create({
            "backend_id": self.to.tracking_backend_id.id,
            "period": "day", "period_start": int(time.time() // 86400), "calls": 998})
        run = self.to._sync("transactions")
        self.assertEqual(run.log.state, "stopped")
        self.assertEqual(self.sandbox.calls("GET", TX_PATH), 2, "no call past the budget")
        self.assertEqual(self.calls_counted(), 1000)
        self.assertEqual(len(self.transactions()), 100)
        self.assertEqual(self.cursor()["page"], 3)

    def test_batch_calculation_files_a_few_at_a_time_within_the_budget(self):
        self.sandbox.set_network(latency=0.1)
        self.addCleanup(self.sandbox.set_network)
        run = self.to._sync("batch_calculations")
        self.assertEqual(run.log.state, "done", run.log.error_details)
        self.assertEqual(self.sandbox.max_in_flight, 4, "the files, four at a time")
        self.assertEqual(self.calls_counted(), self.sandbox.calls(),
                         "every call counted once, none taken and not made")
        calculation = self.env["trackonline.batch.calculation"].search(
            [("backend_id", "=", self.to.id), ("number", "=", "BC0001")])
        names = self.env["ir.attachment"].search(
            [("res_model", "=", calculation._name), ("res_id", "=", calculation.id)],
            order="id").mapped("name")
        documents = self.sandbox.trackonline.calculation_documents[calculation.remote_id]
        self.assertEqual(len(names), 4 + len(documents))
        self.assertTrue(names[0].startswith("BC0001 "), "the results first, in their order")

    def test_batch_calculation_files_one_at_a_time_when_the_budget_is_short(self):
        self.to.licence_tier = "start_pro"  # 1,000 calls a day: 10 left
        self.env["tracking.rate.counter"].create({
            "backend_id": self.to.tracking_backend_id.id,
            "period": "day", "period_start": int(time.time() // 86400), "calls": 990})
        run = self.to._sync("batch_calculations")
        self.assertEqual(run.log.state, "stopped")
        # (The counter is not checked here: in tests it is written on the test's cursor,
        # and the stopped step's savepoint takes back what it counted.)
        self.assertEqual(self.sandbox.calls(), 10, "every call of the budget made, none past it")
