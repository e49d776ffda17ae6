"""What Odoo sends and the remote does not save is kept too (``tracking.failed.unit``), over
real HTTP against the sandbox: records sent to TrackOnline (results polled) and uploads to
Sage 50 (followed through their tracking URL). A reason that may pass is retried after the
backoff by the scheduled run; a refusal of the data is kept as Failed, for a user."""

import json

from odoo.tests import tagged

from ..models.tracking_failed_unit import record_key
from ..sandbox.trackonline import TRACKONLINE_API_KEY
from .common import load_spanish
from .test_items_to_retry import ItemsToRetryCase
from .test_sage50 import Sage50Mixin

LOCATION_PATH = "/trackonline/api/v1/location"
TRANSACTION_PATH = "/trackonline/api/v1/transaction"


@tagged("post_install", "-at_install")
class TestSendsToRetry(ItemsToRetryCase):
    sandbox_transactions = 6

    def draft_locations(self, *names):
        partners = self.env["res.partner"].create([
            {"name": name, "ref": "KEPT-%d" % n} for n, name in enumerate(names, 1)])
        return self.env["trackonline.location"]._from_partners(self.to, partners)

    def retry_item_of(self, record):
        return self.items(self.to).filtered(lambda item: item.remote_key == record_key(record))

    def poll(self):
        self.to._poll_results()  # 202: still saving
        return self.to._poll_results()

    def test_batch_post_failing_is_kept_and_sent_again_by_the_scheduled_run(self):
        locations = self.draft_locations("Depot Gent", "Depot Brugge")
        self.sandbox.add_fault(LOCATION_PATH, method="POST", status=503)
        log = self.to._send(locations, "location").log
        self.assertEqual(log.state, "failed", "the call failed: the user's send did not go")
        self.assertIn("503", log.message)
        self.assertEqual(set(locations.mapped("send_state")), {"draft"}, "left as they were")
        self.assertIn("503", locations[0].send_message)
        items = self.items(self.to, "send location")
        self.assertEqual(len(items), 2, "one item to retry per record")
        item = self.retry_item_of(locations[0])
        self.assertEqual((item.kind, item.state, item.attempts), ("send", "retry", 1))
        self.assertIn("503", item.error)
        self.assertIn("Depot Gent", item.payload, "the payload that was sent")
        self.assertEqual(item._record(), locations[0])
        self.assertEqual(item.action_open_record()["res_id"], locations[0].id)
        self.assertEqual(log.kept_count, 2)
        # Before its next attempt the scheduled run sends nothing.
        self.sandbox.reset_calls()
        self.to._poll_results()
        self.assertEqual(self.sandbox.calls("POST", LOCATION_PATH), 0)
        # Due: sent again (one batch), then saved by the polled result.
        self.make_due(items)
        self.to._poll_results()
        self.assertEqual(self.sandbox.calls("POST", LOCATION_PATH), 1)
        self.assertEqual(set(locations.mapped("send_state")), {"sent"})
        self.assertFalse(item.next_attempt, "waiting for the save result, not for a time")
        self.assertNotIn(item, self.env["tracking.failed.unit"]._due(self.to))
        self.poll()
        self.assertEqual(set(locations.mapped("send_state")), {"saved"})
        self.assertEqual(set(items.mapped("state")), {"done"})
        numbers = {row["number"] for row in self.sandbox.trackonline.resources["location"]}
        self.assertTrue({"KEPT-1", "KEPT-2"} <= numbers)

    def test_retry_now_shows_the_new_state_at_once_and_a_skip_says_why(self):
        """After "Retry now" sent the record again, its item no longer says Failed with the
        old error: it waits for TrackOnline's verdict; "Fetch save results" that finds
        TrackOnline still saving says so, naming the records."""
        location = self.draft_locations("Depot Retried")
        self.to.sudo().api_key = "not-the-key"
        self.to._send(location, "location")
        item = self.retry_item_of(location)
        self.assertEqual(item.state, "failed", "a refused key does not pass by waiting")
        self.to.sudo().api_key = TRACKONLINE_API_KEY
        item.action_retry_now()
        self.assertEqual(location.send_state, "sent")
        self.assertEqual((item.state, item.next_attempt), ("retry", False))
        self.assertTrue(item.reason.startswith("Sent again: waiting for TrackOnline"),
                        item.reason)
        log = self.to._poll_results().log  # 202: still saving
        self.assertEqual(location.send_state, "sent")
        self.assertIn("1 records skipped: TrackOnline is still saving them. Press Fetch save "
                      "results again in a minute.", log.summary)
        self.assertIn("%s: TrackOnline is still saving them." % location.display_name,
                      log.errors)
        self.to._poll_results()
        self.assertEqual((location.send_state, item.state), ("saved", "done"))

    def test_refusal_that_may_pass_is_retried_until_saved(self):
        location = self.draft_locations("Depot Locked")
        self.sandbox.trackonline.locked.add("KEPT-1")
        location.action_send()
        self.poll()
        item = self.retry_item_of(location)
        self.assertEqual((location.send_state, item.state), ("error", "retry"))
        self.assertIn("locked", item.error)
        self.assertTrue(item.next_attempt)
        self.sandbox.trackonline.locked.clear()
        self.make_due(item)
        self.poll()  # sent again, then its result (202 first)
        self.poll()
        self.assertEqual((location.send_state, item.state), ("saved", "done"))
        self.assertEqual(item.attempts, 1)

    def synced_item_and_locations(self):
        """An item definition and the locations, synced from TrackOnline."""
        self.to._sync("locations")
        self.to._sync("item_definitions")
        item = self.env["trackonline.item.definition"].search(
            [("backend_id", "=", self.to.id)], limit=1)
        return item, self.env["trackonline.location"].search([("backend_id", "=", self.to.id)])

    def test_definitive_refusal_is_failed_at_once_and_waits_for_a_user(self):
        definition, known = self.synced_item_and_locations()
        unknown = self.draft_locations("Not in TrackOnline")
        draft = self.env["trackonline.transaction"].create({
            "backend_id": self.to.id, "type_code": "60", "send_state": "draft",
            "transaction_number": "ODOO-KEPT-1", "from_location_id": known[0].id,
            "to_location_id": unknown.id, "date_transaction": "2026-11-01 10:00:00",
            "line_ids": [(0, 0, {"item_definition_id": definition.id, "quantity": 2})]})
        draft.action_send()
        self.poll()
        item = self.retry_item_of(draft)
        self.assertEqual((draft.send_state, item.state), ("rejected", "failed"))
        self.assertIn("not a known location", item.error, "TrackOnline's message")
        self.assertIn("not a known location", draft.send_message)
        self.assertFalse(item.next_attempt)
        self.assertNotIn(item, self.env["tracking.failed.unit"]._due(self.to))
        self.assertFalse(draft.remote_locked, "refused: editable again")
        # The user corrects it and retries: sent, then saved.
        draft.to_location_id = known[1]
        item.action_retry_now()
        self.assertEqual(draft.send_state, "sent")
        self.poll()
        self.assertEqual((draft.send_state, item.state), ("saved", "done"))
        self.assertTrue(draft.remote_id)

    def test_lost_save_result_is_sent_again(self):
        location = self.draft_locations("Depot Lost")
        location.action_send()
        self.sandbox.trackonline.messages[location.message_id]["outdated"] = True
        self.to._poll_results()
        item = self.retry_item_of(location)
        self.assertEqual((location.send_state, item.state), ("error", "retry"))
        self.assertIn("410", item.error)
        self.make_due(item)
        self.poll()
        self.poll()
        self.assertEqual((location.send_state, item.state), ("saved", "done"))

    # -- a send TrackOnline took but whose answer was lost: found again, not sent twice -------

    def draft_transaction(self):
        """A transaction drafted in Odoo without a number (TrackOnline gives it one)."""
        item, known = self.synced_item_and_locations()
        return self.env["trackonline.transaction"].create({
            "backend_id": self.to.id, "type_code": "60", "send_state": "draft",
            "from_location_id": known[0].id, "to_location_id": known[1].id,
            "date_transaction": "2026-11-01 10:00:00",
            "line_ids": [(0, 0, {"item_definition_id": item.id, "quantity": 3})]})

    def remote_copies(self, transaction):
        return [row for row in self.sandbox.trackonline.resources["transaction"]
                if row.get("referenceNumber") == transaction.reference_number]

    def test_post_answer_lost_is_found_by_its_reference_not_sent_twice(self):
        draft = self.draft_transaction()
        self.sandbox.add_fault(TRANSACTION_PATH, method="POST", truncate=True)
        log = self.to._send(draft, "transaction").log
        self.assertEqual(log.state, "failed")
        self.assertIn("cut short", log.message)
        self.assertTrue(draft.reference_number.startswith("ODOO-"), "a reference of its own")
        self.assertEqual(len(self.remote_copies(draft)), 1, "TrackOnline took it")
        item = self.retry_item_of(draft)
        self.assertEqual((draft.send_state, item.state), ("draft", "retry"))
        self.make_due(item)
        self.sandbox.reset_calls()
        self.to._poll_results()
        self.assertEqual(self.sandbox.calls("POST", TRANSACTION_PATH), 0, "not sent again")
        self.assertEqual(len(self.remote_copies(draft)), 1, "no copy in TrackOnline")
        row = self.remote_copies(draft)[0]
        self.assertEqual((draft.send_state, draft.remote_id, draft.transaction_number),
                         ("saved", row["id"], row["transactionNumber"]))
        self.assertEqual(item.state, "done")
        # A sync of transactions finds the same record: no copy in Odoo either.
        self.to._sync("transactions")
        self.assertEqual(self.env["trackonline.transaction"].search_count(
            [("backend_id", "=", self.to.id), ("remote_id", "=", row["id"])]), 1)

    def test_a_disabled_location_saved_without_its_id_is_found_by_its_number(self):
        """A location sent disabled, whose save result gives no id: read back by its number
        among the disabled ones too (Enabled=false), it gets TrackOnline's id (before: "not
        found", kept and sent again)."""
        location = self.draft_locations("Depot Disabled")
        location.is_enabled = False

        def without_ids(results):
            return [dict(result, id=None) for result in results]

        self.sandbox.add_fault(LOCATION_PATH + "/result", rewrite=without_ids, times=10)
        self.to._send(location, "location")
        self.poll()
        rows = [row for row in self.sandbox.trackonline.resources["location"]
                if row.get("number") == location.number]
        self.assertEqual(len(rows), 1)
        self.assertFalse(rows[0]["isEnabled"])
        self.assertEqual((location.send_state, location.remote_id), ("saved", rows[0]["id"]))
        self.assertFalse(self.retry_item_of(location).filtered(lambda u: u.state == "retry"),
                         "not kept to send again")

    def test_user_sending_again_does_not_copy(self):
        draft = self.draft_transaction()
        self.sandbox.add_fault(TRANSACTION_PATH, method="POST", truncate=True)
        draft.action_send()
        self.sandbox.reset_calls()
        draft.action_send()  # the user's "Send" again, before the backoff's wait is over
        self.assertEqual(self.sandbox.calls("POST", TRANSACTION_PATH), 0, "not sent again")
        self.assertEqual(len(self.remote_copies(draft)), 1)
        self.assertEqual(draft.send_state, "saved")
        self.assertTrue(draft.transaction_number)
        # A draft never tried is sent without a look-up.
        other = self.draft_transaction()
        self.sandbox.reset_calls()
        other.action_send()
        self.assertEqual(self.sandbox.calls("GET", TRANSACTION_PATH), 0)
        self.assertEqual(self.sandbox.calls("POST", TRANSACTION_PATH), 1)

    def test_send_killed_during_its_call_is_looked_up_not_sent_twice(self):
        """A worker killed during the call (a time limit, a restart) rolls back all but the
        reference its send committed before the call: no item to retry, the record still "To
        send". TrackOnline may hold it: the next send looks it up by that reference."""
        draft = self.draft_transaction()
        draft._before_send()  # committed before the call
        self.assertTrue(draft._maybe_sent())
        self.to._make_client().save("transaction", [draft._to_payload()])  # the killed call
        self.assertEqual(len(self.remote_copies(draft)), 1)
        item = self.retry_item_of(draft)
        self.assertEqual((draft.send_state, item), ("draft", item.browse()),
                         "nothing else of the send is left")
        self.sandbox.reset_calls()
        draft.action_send()
        self.assertEqual(self.sandbox.calls("POST", TRANSACTION_PATH), 0, "not sent again")
        self.assertEqual(self.sandbox.calls("GET", TRANSACTION_PATH), 1, "looked up")
        self.assertEqual(len(self.remote_copies(draft)), 1, "no copy in TrackOnline")
        self.assertEqual((draft.send_state, draft.remote_id),
                         ("saved", self.remote_copies(draft)[0]["id"]))
        # Killed before its call reached TrackOnline: looked up, not found, sent.
        other = self.draft_transaction()
        other._before_send()
        self.sandbox.reset_calls()
        other.action_send()
        self.assertEqual(self.sandbox.calls("GET", TRANSACTION_PATH), 1)
        self.assertEqual(self.sandbox.calls("POST", TRANSACTION_PATH), 1)
        self.assertEqual(len(self.remote_copies(other)), 1)
        # A copy of a sent transaction takes neither its number nor the reference its send
        # gave it: sent as a new one, not as a change of the original nor found as it.
        copy = draft.copy()
        self.assertFalse(copy.transaction_number or copy.reference_number)
        self.sandbox.reset_calls()
        copy.action_send()
        self.assertEqual(self.sandbox.calls("POST", TRANSACTION_PATH), 1)
        self.assertEqual(copy.reference_number, copy._own_reference())
        self.assertEqual(len(self.remote_copies(copy)), 1)
        self.assertEqual(len(self.remote_copies(draft)), 1, "the original unchanged")
        # A reference the user typed is kept on a copy.
        typed = self.draft_transaction()
        typed.reference_number = "PO-4711"
        self.assertEqual(typed.copy().reference_number, "PO-4711")
        self.assertFalse(typed._maybe_sent(), "a reference of the user's: never sent")

    def test_a_type_trackonline_refuses_is_kept_without_holding_its_batch(self):
        """An Exchange (or a start balance, an audit, an agreement: not in the document's
        POST list) is Failed with the reason, for a user; before, it failed the whole batch
        of 50 in its step, the others neither sent nor kept."""
        exchange, declare = self.draft_transaction(), self.draft_transaction()
        exchange.type_code = "80"
        self.sandbox.reset_calls()
        (exchange | declare).action_send()
        self.assertEqual(self.sandbox.calls("POST", TRANSACTION_PATH), 1)
        self.assertEqual(declare.send_state, "sent")
        self.assertEqual(len(self.remote_copies(declare)), 1)
        self.assertEqual(exchange.send_state, "rejected")
        self.assertIn("does not accept Exchange transactions", exchange.send_message)
        self.assertEqual(self.retry_item_of(exchange).state, "failed")
        self.assertFalse(exchange.reference_number, "never sent: given nothing")

    def test_configuration_whose_answer_was_lost_is_found_by_its_name(self):
        """An item configuration has no number: sent again after a lost answer, a server
        that knows records by their id only would make a second one. The retry looks it up
        by its name first (before: sent again blindly)."""
        item, known = self.synced_item_and_locations()
        configuration = self.env["trackonline.item.configuration"].create({
            "backend_id": self.to.id, "name": "Kept config Gent", "send_state": "draft",
            "member_ids": [(0, 0, {"item_definition_id": item.id, "lead_time": 3})]})
        self.sandbox.add_fault("/trackonline/api/v1/itemconfiguration", method="POST",
                               truncate=True)
        configuration.action_send()
        remote = [row for row in self.sandbox.trackonline.resources["itemconfiguration"]
                  if row["name"] == "Kept config Gent"]
        self.assertEqual(len(remote), 1, "TrackOnline took it")
        self.make_due(self.retry_item_of(configuration))
        self.sandbox.reset_calls()
        self.to._poll_results()
        self.assertEqual(self.sandbox.calls("POST", "/trackonline/api/v1/itemconfiguration"), 0,
                         "not sent again")
        self.assertEqual((configuration.send_state, configuration.remote_id),
                         ("saved", remote[0]["id"]))

    def test_post_that_never_arrived_is_sent_again(self):
        draft = self.draft_transaction()
        self.sandbox.add_fault(TRANSACTION_PATH, method="POST", status=503, times=10)
        self.to._send(draft, "transaction")
        self.assertFalse(self.remote_copies(draft), "TrackOnline did not take it")
        self.make_due(self.retry_item_of(draft))
        self.sandbox.clear_faults()
        self.poll()
        self.poll()
        self.assertEqual(len(self.remote_copies(draft)), 1)
        self.assertEqual(draft.send_state, "saved")
        self.assertTrue(draft.transaction_number, "the number TrackOnline gave")

    def test_lookup_failing_waits_instead_of_sending_blindly(self):
        draft = self.draft_transaction()
        self.sandbox.add_fault(TRANSACTION_PATH, method="POST", truncate=True)
        self.to._send(draft, "transaction")
        item = self.retry_item_of(draft)
        self.make_due(item)
        self.sandbox.add_fault(TRANSACTION_PATH, method="GET", status=503, times=10)
        self.sandbox.reset_calls()
        self.to._poll_results()
        self.assertEqual(self.sandbox.calls("POST", TRANSACTION_PATH), 0)
        self.assertEqual((draft.send_state, item.state), ("draft", "retry"))
        self.assertIn("looking it up failed", item.error)
        self.assertEqual(len(self.remote_copies(draft)), 1)
        # The reason is our words: read in the reader's language, the remote's text in it
        # as received.
        load_spanish(self.env)
        spanish = item.with_context(lang="es_ES").reason
        self.assertIn("No se vuelve a enviar: puede que TrackOnline ya lo tenga", spanish)
        self.assertIn("503", spanish)
        self.assertEqual(draft.display_name, draft.reference_number, "no number yet")
        self.assertTrue(spanish.startswith(draft.reference_number + ": "), spanish)

    def test_save_result_without_id_is_read_back_by_number(self):
        location = self.draft_locations("Depot No Id")

        def without_id(data):
            for row in data or []:  # None: the first poll's 202
                row.pop("id", None)
            return data

        location.action_send()
        self.sandbox.add_fault(LOCATION_PATH + "/result", rewrite=without_id, times=10)
        self.poll()
        remote = [row for row in self.sandbox.trackonline.resources["location"]
                  if row["number"] == "KEPT-1"]
        self.assertEqual((location.send_state, location.remote_id), ("saved", remote[0]["id"]))
        self.assertFalse(self.retry_item_of(location))
        self.to._sync("locations")
        self.assertEqual(self.env["trackonline.location"].search_count(
            [("backend_id", "=", self.to.id), ("number", "=", "KEPT-1")]), 1, "no copy")


@tagged("post_install", "-at_install")
class TestUploadsToRetry(Sage50Mixin, ItemsToRetryCase):

    def setUp(self):
        super().setUp()
        self.set_up_approved_backend()
        self.partners = self.env["res.partner"].create([{"name": "Greta Berg"},
                                                        {"name": "Jan de Vries"}])

    def follow(self):
        for _step in range(5):
            self.env["sage50.backend"]._cron_poll_uploads()

    def test_upload_that_errors_is_kept_and_sent_again(self):
        self.sandbox.add_fault("/sage50/api/uploads", method="POST", status=503)
        upload = self.env["sage50.upload"].browse(
            self.env["sage50.backend"]._send_partners(self.partners)["res_id"])
        self.assertEqual(upload.state, "error")
        self.assertIn("503", upload.message)
        item = self.items(self.sage, "upload")
        self.assertEqual((item.kind, item.state, item.remote_key),
                         ("upload", "retry", record_key(upload)))
        self.assertEqual(json.loads(item.payload)["scope"], "Customers",
                         "what was sent, in short")
        self.assertEqual(self.last_log(self.sage).state, "warning")
        self.follow()
        self.assertEqual(upload.state, "error", "not before its next attempt")
        self.make_due(item)
        self.follow()
        self.assertEqual((upload.state, item.state), ("accepted", "done"))
        self.assertEqual(len(self.sandbox.sage50.uploads), 1, "sent once, when it passed")

    def test_failed_in_sage_is_retried_bad_request_waits_for_a_user(self):
        upload_model = self.env["sage50.upload"]
        failed = upload_model._send(self.sage, "Customers", self.partners,
                                    {"records": [], "simulate": "failed"}, "failed")
        bad = upload_model._send(self.sage, "Customers", self.partners,
                                 {"records": [{"name": "no id"}]}, "bad")
        self.follow()
        self.assertEqual((failed.state, bad.state), ("failed", "badRequest"))
        items = self.items(self.sage, "upload")
        failed_unit = items.filtered(lambda item: item.remote_key == record_key(failed))
        bad_unit = items - failed_unit
        self.assertEqual(failed_unit.state, "retry")
        self.assertEqual(bad_unit.state, "failed")
        self.assertIn("without id", bad_unit.error, "Sage 50's message")
        self.make_due(items)
        self.follow()
        self.assertEqual((failed.state, failed_unit.state), ("accepted", "done"),
                         "sent again with the contacts as they are now")
        self.assertEqual((bad.state, bad_unit.state), ("badRequest", "failed"),
                         "a bad request is not sent again by the scheduled run")
        bad_unit.action_retry_now()
        self.follow()
        self.assertEqual((bad.state, bad_unit.state), ("accepted", "done"))
