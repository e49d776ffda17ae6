"""TrackOnline against the sandbox over real HTTP: syncs, call budget, sends."""

import threading
import time
from datetime import datetime, timedelta

from odoo.tests import tagged

from ..clients.trackonline import TrackOnlineClient
from ..models.tracking_rate_counter import DAY, DatabaseRateLimiter
from ..models.tracking_sync_log import read_committed
from .common import TrackOnlineCase, other_connection


class Clock:
    """A test's clock: ``time()`` reads it, ``sleep(seconds)`` moves it on (and is noted)."""

    def __init__(self, now):
        self.now = now
        self.slept = []

    def time(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


@tagged("post_install", "-at_install")
class TestTrackOnline(TrackOnlineCase):
    """TrackOnline against the sandbox over real HTTP: syncs, budget, write-back."""

    def last_to_log(self):
        return self.last_log(self.to)

    def test_test_connection(self):
        self.to.action_test_connection()
        self.assertEqual(self.to.connection_state, "ok", self.to.connection_message)
        self.to.sudo().api_key = "wrong"
        self.to.action_test_connection()
        self.assertEqual(self.to.connection_state, "error")
        self.assertIn("invalid API key", self.to.connection_message)

    def test_locations_and_item_definitions_full_sync_and_resync(self):
        partner = self.env["res.partner"].create({"name": "Depot 2 customer", "ref": "L0002"})
        self.to._sync("locations")
        self.to._sync("item_definitions")
        locations = self.env["trackonline.location"].search([("backend_id", "=", self.to.id)])
        remote = self.sandbox.trackonline.resources["location"]
        self.assertEqual(sorted(locations.mapped("number")), sorted(r["number"] for r in remote))
        depot = locations.filtered(lambda loc: loc.number == "L0002")
        self.assertEqual(depot.partner_id, partner, "matched by number")
        self.assertEqual(depot.city, remote[1]["city"])
        self.assertEqual(depot.type, str(remote[1]["type"]))
        self.assertAlmostEqual(depot.latitude, remote[1]["gps"]["latitude"], places=5)
        items = self.env["trackonline.item.definition"].search([("backend_id", "=", self.to.id)])
        self.assertEqual(len(items), len(self.sandbox.trackonline.resources["itemdefinition"]))
        self.to._sync("locations")
        self.assertEqual(self.last_to_log().created_count, 0)
        self.assertEqual(self.last_to_log().updated_count, 0, "unchanged rows are not written")
        self.assertEqual(self.env["trackonline.location"].search_count(
            [("backend_id", "=", self.to.id)]), len(remote))

    def test_transactions_full_then_incremental(self):
        run = self.to._sync("transactions")
        self.assertEqual(run.log.state, "done", run.log.error_details)
        transactions = self.transactions()
        self.assertEqual(len(transactions), 130)
        self.assertEqual(len(transactions.line_ids), 390, "3 item lines each")
        remote = self.sandbox.trackonline.resources["transaction"][0]
        first = transactions.filtered(lambda t: t.remote_id == remote["id"])
        self.assertEqual(first.from_location_id.number, remote["fromLocation"]["number"])
        self.assertEqual(sorted(first.line_ids.mapped("quantity")),
                         sorted(line["quantity"] for line in remote["transactionItems"]))
        self.assertTrue(self.cursor())
        # Incremental: only the new window is read, new transactions come in, none twice.
        self.sandbox.reset_calls()
        self.sandbox.trackonline.add_transactions(
            3, created=datetime.utcnow() - timedelta(seconds=5))
        self.to._sync("transactions")
        self.assertEqual(len(self.transactions()), 133)
        self.assertLessEqual(self.sandbox.calls("GET", "/trackonline/api/v1/transaction"), 2)
        self.to._sync("transactions")
        self.assertEqual(len(self.transactions()), 133, "a re-sync creates nothing")
        for call in self.sandbox.trackonline.requests_seen:
            self.assertTrue(call.get("CreatedDateFrom") and call.get("CreatedDateTo"),
                            "every transaction request sends an explicit window")

    def test_changed_transaction_updates_lines(self):
        self.to._sync("transactions")
        remote = self.sandbox.trackonline.resources["transaction"][5]
        remote["statusCode"] = 35
        remote["transactionItems"][0]["quantity"] = 999
        self.env["tracking.cursor"].search([]).unlink()
        self.to._sync("transactions")
        record = self.transactions().filtered(lambda t: t.remote_id == remote["id"])
        self.assertTrue(record.is_processed)
        self.assertIn(999, record.line_ids.mapped("quantity"))
        self.assertEqual(len(record.line_ids), 3)
        self.assertEqual(self.last_to_log().updated_count, 1)

    def test_429_with_short_retry_after_is_waited_out(self):
        self.sandbox.add_fault("/trackonline/api/v1/transaction", status=429, retry_after=1)
        run = self.to._sync("transactions")
        self.assertEqual(run.log.state, "done", run.log.error_details)
        self.assertEqual(run.log.rate_limited_count, 1)
        self.assertEqual(len(self.transactions()), 130)

    def test_429_with_long_retry_after_stops_then_resumes(self):
        self.to._sync("transactions", max_pages=1)
        self.assertEqual(len(self.transactions()), 50)
        self.sandbox.add_fault("/trackonline/api/v1/transaction", status=429, retry_after=600)
        run = self.to._sync("transactions")
        self.assertEqual(run.log.state, "stopped")
        self.assertIn("429", run.log.message)
        self.assertEqual(self.cursor()["page"], 2, "the cursor stays after the saved page")
        self.to._sync("transactions")
        self.assertEqual(len(self.transactions()), 130)

    def test_a_burst_across_a_minute_s_turn_gets_no_429_from_a_rolling_minute(self):
        """A server counting a rolling minute (60 calls in any 60 s): 60 calls at second 59
        of a minute, 60 more from second 0 of the next. The budget holds the second burst
        until the first has left the last minute, so the server never answers 429 (a budget
        per calendar minute sends it at once: a 429 with a wait of a minute). The client's
        and the server's clock are one clock of the test, moved on by the budget's waits."""
        clock = Clock(int(time.time()) // 60 * 60 + 59.5)
        remote = self.sandbox.trackonline
        remote.per_minute, remote.rolling_minute, remote.clock = 60, True, clock.time
        self.addCleanup(setattr, remote, "per_minute", None)
        self.addCleanup(setattr, remote, "rolling_minute", False)
        self.addCleanup(setattr, remote, "clock", time.time)
        client = TrackOnlineClient(
            self.to.base_url, self.to.sudo().api_key, timeout=10,
            limiter=DatabaseRateLimiter(self.to, per_minute=60, per_day=1000,
                                        sleep=clock.sleep, clock=clock.time))
        for _call in range(60):
            client.page("location")
        clock.now += 1  # second 0 of the next minute
        for _call in range(60):
            client.page("location")
        self.assertEqual(remote.rejected, 0, "no 429")
        self.assertEqual(self.sandbox.calls("GET", "/trackonline/api/v1/location"), 120)
        self.assertEqual(len(clock.slept), 1)
        self.assertAlmostEqual(clock.slept[0], 59.5, places=3,
                               msg="until the first burst's second left the last minute")

    def test_calls_a_second_apart_across_midnight_count_in_one_minute(self):
        """Two workers counting a call each, half a second before and after midnight (UTC,
        where a day's counter starts): the later waits for the earlier's commit (both lock
        the counter of the day the minute's window starts in) and then counts its call: with
        a budget of one call a minute it has to wait, though its day's and second's counters
        are new. Real connections, on a backend committed at the install."""
        with other_connection(self.env) as cr:
            cr.execute("SELECT id FROM tracking_backend ORDER BY id LIMIT 1")
            row = cr.fetchone()
        if not row:
            self.skipTest("no backend committed in this database")
        backend = self.env["tracking.backend"].browse(row[0])
        counter = self.env["tracking.rate.counter"]
        midnight = 1577836800  # 1 Jan 2020, 00:00 UTC: counters no run of the tests makes
        limits = {"minute": 1, "day": 1000}

        def clear():
            with other_connection(self.env) as cr:
                cr.execute("DELETE FROM tracking_rate_counter WHERE backend_id = %s AND ("
                           "(period = 'day' AND period_start IN %s) OR "
                           "(period = 'second' AND period_start IN %s))",
                           (backend.id, (midnight // DAY - 1, midnight // DAY),
                            (midnight - 1, midnight)))

        self.addCleanup(clear)
        later = {}
        with other_connection(self.env) as first, other_connection(self.env) as second:
            read_committed(first)
            read_committed(second)
            self.assertIsNone(counter._take_in(first, backend, limits, midnight - 0.5))

            def take_later():
                later["spent"] = counter._take_in(second, backend, limits, midnight + 0.5)

            worker = threading.Thread(target=take_later)
            worker.start()
            worker.join(0.5)
            self.assertTrue(worker.is_alive(), "the later call waits for the earlier's commit")
            first.commit()
            worker.join(10)
        self.assertEqual(later["spent"], ("minute", 59.5),
                         "the earlier call leaves the window 61 s after its second began")

    def test_daily_budget_stops_and_next_run_resumes(self):
        self.to.licence_tier = "start_pro"
        now = time.time()
        self.env["tracking.rate.counter"].create({
            "backend_id": self.to.tracking_backend_id.id,
            "period": "day", "period_start": int(now // 86400), "calls": 998})
        run = self.to._sync("transactions")
        self.assertEqual(run.log.state, "stopped")
        self.assertIn("budget of 1000", run.log.message)
        self.assertEqual(self.sandbox.calls("GET", "/trackonline/api/v1/transaction"), 2)
        self.assertEqual(len(self.transactions()), 100)
        self.assertEqual(self.cursor()["page"], 3)
        # The next day: the budget is new and the run goes on from page 3.
        self.env["tracking.rate.counter"].search([]).unlink()
        self.sandbox.trackonline.requests_seen.clear()
        self.to._sync("transactions")
        self.assertEqual(len(self.transactions()), 130)
        self.assertEqual(self.sandbox.trackonline.requests_seen[0]["page"], "3")

    def test_malformed_page_stops_without_moving_the_cursor(self):
        self.sandbox.add_fault("/trackonline/api/v1/transaction", malformed_json=True)
        run = self.to._sync("transactions")
        self.assertEqual(run.log.state, "failed")
        self.assertIn("Expected JSON", run.log.message)
        self.assertFalse(self.transactions())
        self.assertFalse(self.cursor())

    def test_bad_rows_are_skipped_unknown_codes_kept(self):
        rows = self.sandbox.trackonline.resources["transaction"]
        rows[1] = dict(rows[1], id=None)
        rows[2] = dict(rows[2], statusCode=77)
        run = self.to._sync("transactions")
        self.assertEqual(run.log.skipped_count, 1)
        self.assertEqual(len(self.transactions()), 129)
        odd = self.transactions().filtered(lambda t: t.remote_id == rows[2]["id"])
        self.assertEqual(odd.status_code, "unknown")
        self.assertIn("unknown transaction status code 77", run.log.error_details)
        self.assertIn("without id skipped", run.log.error_details)

    def test_write_back_120_transactions_in_3_batches(self):
        self.to._sync("locations")
        self.to._sync("item_definitions")
        locations = self.env["trackonline.location"].search([("backend_id", "=", self.to.id)])
        stranger = self.env["trackonline.location"].create({
            "backend_id": self.to.id, "number": "NOT-THERE", "name": "Unknown remotely"})
        item = self.env["trackonline.item.definition"].search(
            [("backend_id", "=", self.to.id)], limit=1)
        drafts = self.env["trackonline.transaction"].create([{
            "backend_id": self.to.id, "type_code": "60", "send_state": "draft",
            "transaction_number": "ODOO-%03d" % n,
            "from_location_id": (stranger if n == 7 else locations[0]).id,
            "to_location_id": locations[1].id,
            "date_transaction": "2026-11-01 10:00:00",
            "line_ids": [(0, 0, {"item_definition_id": item.id, "quantity": n + 1})],
        } for n in range(120)])
        self.sandbox.reset_calls()
        drafts.action_send()
        self.assertEqual(self.sandbox.calls("POST", "/trackonline/api/v1/transaction"), 3)
        self.assertEqual(set(drafts.mapped("send_state")), {"sent"})
        self.assertEqual(len(set(drafts.mapped("message_id"))), 3)
        self.to._poll_results()  # TrackOnline is still saving: 202
        self.assertEqual(set(drafts.mapped("send_state")), {"sent"})
        self.to._poll_results()
        rejected = drafts.filtered(lambda t: t.send_state == "rejected")
        self.assertEqual(rejected.mapped("transaction_number"), ["ODOO-007"])
        self.assertIn("not a known location", rejected.send_message)
        saved = drafts - rejected
        self.assertEqual(set(saved.mapped("send_state")), {"saved"})
        self.assertTrue(all(saved.mapped("remote_id")))
        remote_numbers = {row["transactionNumber"]
                          for row in self.sandbox.trackonline.resources["transaction"]}
        self.assertTrue(set(saved.mapped("transaction_number")) <= remote_numbers)
        self.assertNotIn("ODOO-007", remote_numbers)

    def test_transaction_sent_without_number_gets_trackonline_s_number(self):
        self.to._sync("locations")
        locations = self.env["trackonline.location"].search([("backend_id", "=", self.to.id)])
        draft = self.env["trackonline.transaction"].create({
            "backend_id": self.to.id, "type_code": "60", "send_state": "draft",
            "from_location_id": locations[0].id, "to_location_id": locations[1].id,
            "date_transaction": "2026-11-01 10:00:00"})
        self.assertFalse(draft.transaction_number)
        draft.action_send()
        self.to._poll_results()  # 202: still saving
        self.assertFalse(draft.transaction_number)
        self.to._poll_results()
        remote = next(row for row in self.sandbox.trackonline.resources["transaction"]
                      if row["id"] == draft.remote_id)
        self.assertEqual(draft.send_state, "saved")
        self.assertTrue(remote["transactionNumber"].startswith("T-AUTO-"))
        self.assertEqual(draft.transaction_number, remote["transactionNumber"],
                         "the number TrackOnline gave, with the save result")

    def test_partners_become_locations(self):
        partners = self.env["res.partner"].create([
            {"name": "Greenhouse Almería", "ref": "GH-1", "city": "Almería"},
            {"name": "Kwekerij Westland", "city": "Naaldwijk"}])
        action = self.env.ref(
            "tracking_connector.action_server_partner_to_trackonline").with_context(
            active_model="res.partner", active_ids=partners.ids).run()
        # The action shows what will change first; the user's "Send" sends.
        self.env[action["res_model"]].browse(action["res_id"]).action_send()
        locations = self.env["trackonline.location"].search([("partner_id", "in", partners.ids)])
        self.assertEqual(len(locations), 2)
        self.to._poll_results()
        self.to._poll_results()
        self.assertEqual(set(locations.mapped("send_state")), {"saved"})
        remote = {row["number"]: row for row in self.sandbox.trackonline.resources["location"]}
        self.assertEqual(remote["GH-1"]["city"], "Almería")
        self.assertEqual(locations.filtered(lambda loc: loc.number == "GH-1").remote_id,
                         remote["GH-1"]["id"])

    def test_balances(self):
        self.to._sync("balances")
        balances = self.env["trackonline.balance"].search([("backend_id", "=", self.to.id)])
        self.assertTrue(balances)
        total = sum(balances.mapped("balance"))
        self.assertEqual(total, 0, "every item leaves one location and reaches another")
        self.to._sync("balances")
        self.assertEqual(self.env["trackonline.balance"].search_count(
            [("backend_id", "=", self.to.id)]), len(balances))
        # An answer with no balance at all (204) does not empty the mirror.
        self.sandbox.add_fault("/trackonline/api/v1/balance", status=204, body="")
        run = self.to._sync("balances")
        self.assertEqual(run.log.state, "warning")
        self.assertIn("gave no balance at all", run.log.errors)
        self.assertEqual(self.env["trackonline.balance"].search_count(
            [("backend_id", "=", self.to.id)]), len(balances))

    def test_balances_are_asked_for_the_mirrored_locations(self):
        """The document asks balances for given locations: a TrackOnline that answers only
        for the locations asked still gives every mirrored location's balances (before:
        none)."""
        sandbox = self.sandbox.trackonline
        sandbox.balances_need_locations = True
        self.addCleanup(setattr, sandbox, "balances_need_locations", False)
        self.to._sync("locations")
        self.sandbox.reset_calls()
        run = self.to._sync("balances")
        self.assertEqual(run.log.state, "done", run.log.summary)
        balances = self.env["trackonline.balance"].search([("backend_id", "=", self.to.id)])
        self.assertTrue(balances)
        self.assertEqual(set(balances.location_id.mapped("number")) - set(
            self.env["trackonline.location"].search(
                [("backend_id", "=", self.to.id)]).mapped("number")), set())
        self.assertEqual(self.sandbox.calls("GET", "/trackonline/api/v1/balance"), 1,
                         "the locations of one call")

    def test_user_cannot_read_the_api_key(self):
        from odoo.exceptions import AccessError
        from odoo.tests import new_test_user

        user = new_test_user(self.env, "to_user", groups="tracking_connector.group_tracking_user")
        with self.assertRaises(AccessError):
            self.to.with_user(user).read(["api_key"])

    def test_batch_calculations_with_every_output_and_documents(self):
        run = self.to._sync("batch_calculations")
        self.assertEqual(run.log.state, "done", run.log.error_details)
        calculations = self.env["trackonline.batch.calculation"].search(
            [("backend_id", "=", self.to.id)])
        self.assertEqual(len(calculations), len(self.sandbox.trackonline.calculations))
        first = calculations.filtered(lambda c: c.number == "BC0001")
        files = self.env["ir.attachment"].search([("res_model", "=", first._name),
                                                  ("res_id", "=", first.id)])
        documents = self.sandbox.trackonline.calculation_documents[first.remote_id]
        self.assertEqual(len(files), 4 + len(documents), "4 output types and the documents")
        self.assertTrue(any(f.name.endswith(".xml") for f in files))
        self.assertIn(b"location;item;quantity", files.filtered(
            lambda f: "financial" in f.name).raw)
        self.assertTrue(first.files_downloaded)
        self.sandbox.reset_calls()
        self.to._sync("batch_calculations")
        self.assertEqual(self.sandbox.calls("GET", "/trackonline/api/v1/batchcalculation/down"),
                         0, "files are downloaded once")

    def test_batch_calculation_paths_are_settings_checked_on_save(self):
        """The document names the batch calculations' calls without their paths: each is
        a setting of the backend, used by the sync."""
        from odoo.exceptions import ValidationError
        with self.assertRaisesRegex(ValidationError, "without names in braces"):
            self.to.calculation_result_path = "batchcalculation/{id}/download"
        self.to.write({"calculation_result_path": "batchcalculation/download",
                       "calculation_path": "v2/batchcalculation"})
        self.sandbox.reset_calls()
        run = self.to._sync("batch_calculations")
        self.assertEqual(run.log.state, "failed", "the sandbox knows the usual paths only")
        self.assertEqual(self.sandbox.calls("GET", "/trackonline/api/v1/v2/batchcalculation"),
                         1)
        self.assertEqual(self.sandbox.calls("GET", "/trackonline/api/v1/batchcalculation"), 0)

    def test_400_shows_the_remote_message_and_keeps_drafts(self):
        self.to._sync("locations")
        location = self.env["trackonline.location"].search([("backend_id", "=", self.to.id)],
                                                           limit=1)
        location.send_state = "draft"
        self.sandbox.add_fault("/trackonline/api/v1/location", method="POST", status=400,
                               body='{"message": "Name is too long"}',
                               content_type="application/json")
        location.action_send()
        log = self.last_to_log()
        self.assertEqual(log.state, "failed")
        self.assertIn("Name is too long", log.message)
        self.assertEqual(location.send_state, "draft")

    def test_unmatched_locations_create_contacts_when_asked(self):
        self.to.create_partners = True
        self.to._sync("locations")
        locations = self.env["trackonline.location"].search([("backend_id", "=", self.to.id)])
        self.assertTrue(all(locations.mapped("partner_id")))
        depot = locations.filtered(lambda loc: loc.number == "L0003")
        self.assertEqual((depot.partner_id.ref, depot.partner_id.city),
                         ("L0003", depot.city))
        self.to._sync("locations")
        self.assertEqual(self.env["res.partner"].search_count([("ref", "=", "L0003")]), 1)

    def test_trip_moves_to_its_next_status(self):
        self.to._sync("transactions", max_pages=1)
        transaction = self.transactions()[:1]
        transaction.trip_number = "TRIP-1"
        transaction.action_next_trip_status()
        self.assertEqual(self.sandbox.trackonline.trips["TRIP-1"], "in progress")
        self.assertEqual(self.last_to_log().state, "done")

    def test_a_trip_is_moved_by_the_guid_the_transaction_gives(self):
        """The document moves a trip by its GUID: where a transaction's answer carries its
        trip's id, that id is sent, not the trip number (before: refused)."""
        sandbox = self.sandbox.trackonline
        sandbox.trips_by_guid = True
        self.addCleanup(setattr, sandbox, "trips_by_guid", False)
        guid = "A7B8AF3F-4C16-492E-A3B7-451E8E096D30"
        row = sandbox.resources["transaction"][0]
        row.update(transactionTripNumber="TRIP-9", transactionTripId=guid)
        self.to._sync("transactions", max_pages=1)
        transaction = self.transactions().filtered(lambda t: t.remote_id == row["id"])
        self.assertEqual((transaction.trip_number, transaction.trip_id), ("TRIP-9", guid))
        transaction.action_next_trip_status()
        self.assertEqual(self.last_to_log().state, "done", self.last_to_log().summary)
        self.assertEqual(sandbox.trips[guid], "in progress")

    def test_same_sync_twice_at_once_runs_once(self):
        """A worker (another connection) is syncing transactions: this run does nothing."""
        import zlib

        key = (self.to.id, zlib.crc32(b"trackonline.backend:transactions") - 2**31)
        with other_connection(self.env) as other:
            other.execute("SELECT pg_advisory_lock(%s, %s)", key)
            run = self.to._sync("transactions")
            other.execute("SELECT pg_advisory_unlock(%s, %s)", key)
        self.assertEqual(run.log.state, "busy")
        self.assertFalse(self.transactions())
        self.assertEqual(self.sandbox.calls("GET", "/trackonline/api/v1/transaction"), 0)
        run = self.to._sync("transactions")
        self.assertEqual(run.log.state, "done", "the lock is free again after a run")
        self.assertEqual(len(self.transactions()), 130)

    def test_log_of_a_killed_run_is_closed_by_the_next_run(self):
        dead = self.env["tracking.sync.log"].create({
            "backend_id": self.to.tracking_backend_id.id,
            "operation": "sync transactions", "run_key": "transactions", "state": "running"})
        self.to._sync("transactions")
        self.assertEqual(dead.state, "failed")
        self.assertIn("Interrupted", dead.message)

    def test_retries_count_against_the_budget(self):
        self.sandbox.add_fault("/trackonline/api/v1/location", status=503, times=2)
        self.to._sync("locations")
        day = self.env["tracking.rate.counter"].search([
            ("backend_id", "=", self.to.tracking_backend_id.id),
            ("period", "=", "day")])
        self.assertEqual(day.calls, 4, "one page read after two retries, then the page of "
                                       "disabled locations")
