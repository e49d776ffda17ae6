"""What Odoo sends to TrackOnline is valid, complete and ours to send, over real HTTP against
the sandbox (whose POST handlers answer 400 for a batch holding a record that breaks the
document's limits, as TrackOnline's would): a record breaking a documented rule is refused
before any call and the others of its batch go. And the Trackline -> Sage 50 hand-off reads
the process afresh and says what it leaves out."""

from odoo.tests import tagged

from ..models.tracking_failed_unit import record_key
from .common import SandboxCase
from .test_items_to_retry import ItemsToRetryCase
from .test_sage50 import Sage50Mixin

LOCATION_PATH = "/trackonline/api/v1/location"
TRANSACTION_PATH = "/trackonline/api/v1/transaction"


class SendCase(ItemsToRetryCase):
    sandbox_transactions = 6

    def draft_locations(self, *values_list):
        partners = self.env["res.partner"].create([
            dict({"name": "Depot %d" % n, "ref": "RULES-%d" % n}, **values)
            for n, values in enumerate(values_list, 1)])
        return self.env["trackonline.location"]._from_partners(self.to, partners)

    def retry_item_of(self, record):
        return self.items(self.to).filtered(lambda item: item.remote_key == record_key(record))

    def remote_numbers(self, resource="location"):
        return {row.get("number") for row in self.sandbox.trackonline.resources[resource]}

    def poll(self):
        self.to._poll_results()  # 202: still saving
        return self.to._poll_results()

    def synced(self):
        """An item definition and the locations, synced from TrackOnline."""
        self.to._sync("locations")
        self.to._sync("item_definitions")
        item = self.env["trackonline.item.definition"].search(
            [("backend_id", "=", self.to.id), ("remote_id", "!=", False)], limit=1)
        return item, self.env["trackonline.location"].search([("backend_id", "=", self.to.id)])


@tagged("post_install", "-at_install")
class TestSendRules(SendCase):

    def test_a_record_breaking_a_documented_limit_is_refused_before_any_call(self):
        """A contact with a 31-character city: before, the whole batch went and TrackOnline
        refused it all (400); now that one is refused in Odoo, naming the field and the
        limit, and the others go in one call."""
        good, bad, other = self.draft_locations({}, {"city": "C" * 31}, {"city": "Gent"})
        (good | bad | other).action_send()
        self.assertEqual(self.sandbox.calls("POST", LOCATION_PATH), 1)
        self.assertEqual((good.send_state, other.send_state), ("sent", "sent"))
        self.assertEqual(bad.send_state, "rejected")
        self.assertIn("City has 31 characters, more than the 30 TrackOnline takes",
                      bad.send_message)
        item = self.retry_item_of(bad)
        self.assertEqual(item.state, "failed", "waits for a user")
        self.assertIn("City", item.error)
        self.poll()
        self.assertEqual((good.send_state, other.send_state), ("saved", "saved"))
        self.assertNotIn("RULES-2", self.remote_numbers())
        # Corrected, it goes.
        bad.city = "Brugge"
        item.action_retry_now()
        self.assertEqual(bad.send_state, "sent")

    def test_a_long_reference_is_refused_not_cut(self):
        """Cut to 25 characters, two contacts' references could be one location number."""
        long_ref = "CUSTOMER-REFERENCE-000000001"
        location = self.draft_locations({"ref": long_ref})
        self.assertEqual(location.number, long_ref)
        location.action_send()
        self.assertEqual(self.sandbox.calls("POST", LOCATION_PATH), 0)
        self.assertEqual(location.send_state, "rejected")
        self.assertIn("Number has 28 characters, more than the 25", location.send_message)

    def test_a_delivery_before_the_shipping_date_is_refused_before_any_call(self):
        item, known = self.synced()
        values = {"backend_id": self.to.id, "type_code": "60", "send_state": "draft",
                  "from_location_id": known[0].id, "to_location_id": known[1].id,
                  "date_transaction": "2026-11-02 10:00:00",
                  "line_ids": [(0, 0, {"item_definition_id": item.id, "quantity": 1})]}
        late, fine = self.env["trackonline.transaction"].create([
            dict(values, date_counterpart="2026-11-01 10:00:00"),
            dict(values, date_counterpart="2026-11-02 10:00:00")])
        self.sandbox.reset_calls()
        (late | fine).action_send()
        self.assertEqual(self.sandbox.calls("POST", TRANSACTION_PATH), 1)
        self.assertEqual(fine.send_state, "sent")
        self.assertEqual(late.send_state, "rejected")
        self.assertIn("The delivery date is before the shipping date", late.send_message)
        self.assertFalse(late.reference_number, "never sent: given nothing")

    def test_one_bad_record_among_50_saves_the_49_and_names_the_one(self):
        """A 400 for the whole batch (here from a server stricter than its document: names
        of 20 characters at most, which Odoo's checks let through) is split and sent again
        in halves, down to the one record refused. Before: the 50 kept as Failed together,
        and retried together."""
        self.sandbox.trackonline.limits["location"]["name"] = 20
        values = [{} for _n in range(50)]
        values[37] = {"name": "A name of twenty-nine letters"}
        locations = self.draft_locations(*values)
        bad = locations[37]
        locations.action_send()
        calls = self.sandbox.calls("POST", LOCATION_PATH)
        self.assertLessEqual(calls, 13, "halves down to the one, not a call per record")
        self.assertGreater(calls, 1)
        others = locations - bad
        self.assertEqual(set(others.mapped("send_state")), {"sent"})
        self.assertEqual(bad.send_state, "draft", "not sent")
        item = self.retry_item_of(bad)
        self.assertEqual(item.state, "failed", "a refusal of its data: waits for a user")
        self.assertIn("maximum length of 20", item.error)
        self.assertEqual(self.items(self.to, "send location"), item, "the one, alone")
        log = self.last_log(self.to)
        self.assertIn(bad.display_name, log.errors, "the one named")
        self.assertFalse([other for other in others if other.display_name in log.errors])
        self.poll()
        self.assertEqual(set(others.mapped("send_state")), {"saved"})
        self.assertEqual(len(self.remote_numbers() & set(others.mapped("number"))), 49)
        self.assertNotIn(bad.number, self.remote_numbers())

    def test_a_refusal_is_final_unless_its_words_say_it_may_pass(self):
        """"Location number ACC-REJ-1 is blocked in this administration": before, kept to
        send again ("blocked" holds "locked"); now Rejected with that message, waiting for a
        user. "locked", as a word, still passes."""
        blocked, locked = self.draft_locations({"ref": "ACC-REJ-1"}, {"ref": "ACC-LCK-1"})
        self.sandbox.trackonline.blocked.add("ACC-REJ-1")
        self.sandbox.trackonline.locked.add("ACC-LCK-1")
        (blocked | locked).action_send()
        self.poll()
        self.assertEqual(blocked.send_state, "rejected")
        self.assertIn("ACC-REJ-1 is blocked in this administration", blocked.send_message)
        self.assertEqual(self.retry_item_of(blocked).state, "failed")
        self.assertFalse(self.retry_item_of(blocked).next_attempt)
        self.assertEqual((locked.send_state, self.retry_item_of(locked).state), ("error", "retry"))

    def test_save_results_are_matched_by_number_not_by_place(self):
        """The document does not say save results come in the batch's order: a TrackOnline
        answering them in another order still gives each record its own (before: the
        saved one was Rejected with the other's refusal, and the refused one Saved)."""
        sandbox = self.sandbox.trackonline
        sandbox.results_order = "reversed"
        self.addCleanup(setattr, sandbox, "results_order", "batch")
        good, blocked = self.draft_locations({"ref": "ACC-OK-7"}, {"ref": "ACC-REJ-7"})
        sandbox.blocked.add("ACC-REJ-7")
        (good | blocked).action_send()
        self.poll()
        self.assertEqual((good.send_state, blocked.send_state), ("saved", "rejected"))
        self.assertTrue(good.remote_id)
        self.assertIn("ACC-REJ-7 is blocked", blocked.send_message)
        self.assertIn("ACC-OK-7", self.remote_numbers())

    def test_trailer_trip_and_internal_notes_are_sent_and_kept(self):
        """"Gets or sets" in the document and editable on a draft: before, never sent, and
        the next sync emptied them in Odoo."""
        item, known = self.synced()
        draft = self.env["trackonline.transaction"].create({
            "backend_id": self.to.id, "type_code": "60", "send_state": "draft",
            "transaction_number": "ODOO-TRIP-1", "from_location_id": known[0].id,
            "to_location_id": known[1].id, "date_transaction": "2026-11-01 10:00:00",
            "trailer_number": "TR-42", "trip_number": "TRIP-7",
            "internal_notes": "Back door only",
            "line_ids": [(0, 0, {"item_definition_id": item.id, "quantity": 2})]})
        draft.action_send()
        self.poll()
        self.assertEqual(draft.send_state, "saved")
        row = next(row for row in self.sandbox.trackonline.resources["transaction"]
                   if row.get("transactionNumber") == "ODOO-TRIP-1")
        self.assertEqual((row.get("trailerNumber"), row.get("transactionTripNumber"),
                          row.get("internalNotes")), ("TR-42", "TRIP-7", "Back door only"))
        self.to._sync("transactions")
        self.assertEqual((draft.trailer_number, draft.trip_number, draft.internal_notes),
                         ("TR-42", "TRIP-7", "Back door only"))

    def test_a_configuration_sent_already_is_looked_up_on_every_page(self):
        """The name filter matches part of a name, 50 a page: with 50 other configurations
        whose names hold this one's, it is on the second page. Before, only the first page
        was read, and it was sent again (a second one in TrackOnline)."""
        item, _known = self.synced()
        rows = self.sandbox.trackonline.resources["itemconfiguration"]
        rows.extend(dict(rows[0], id="00000000-0000-4000-9000-%012d" % n,
                         name="Paged config Gent %02d" % n) for n in range(50))
        configuration = self.env["trackonline.item.configuration"].create({
            "backend_id": self.to.id, "name": "Paged config Gent", "send_state": "draft",
            "member_ids": [(0, 0, {"item_definition_id": item.id, "lead_time": 3})]})
        self.sandbox.add_fault("/trackonline/api/v1/itemconfiguration", method="POST",
                               truncate=True)
        configuration.action_send()
        remote = [row for row in rows if row["name"] == "Paged config Gent"]
        self.assertEqual(len(remote), 1, "TrackOnline took it")
        self.make_due(self.retry_item_of(configuration))
        self.sandbox.reset_calls()
        self.to._poll_results()
        self.assertEqual(self.sandbox.calls("GET", "/trackonline/api/v1/itemconfiguration"), 2)
        self.assertEqual(self.sandbox.calls("POST", "/trackonline/api/v1/itemconfiguration"), 0,
                         "not sent again")
        self.assertEqual((configuration.send_state, configuration.remote_id),
                         ("saved", remote[0]["id"]))

    def test_a_reference_to_an_item_definition_never_sent_is_refused(self):
        """An item definition made in Odoo is not in TrackOnline (Odoo keeps item definitions
        as mirrors and does not send them): a member, unique item, label or line naming it
        went out with ``itemDefinitionId: false`` or an unknown number. Now refused before
        any call, saying what to do; the others go."""
        item, known = self.synced()
        local = self.env["trackonline.item.definition"].create({
            "backend_id": self.to.id, "number": "ODOO-CRATE", "name": "Odoo crate"})
        configurations = self.env["trackonline.item.configuration"].create([
            {"backend_id": self.to.id, "name": name, "send_state": "draft",
             "member_ids": [(0, 0, {"item_definition_id": definition.id, "lead_time": 3})]}
            for name, definition in (("Local members", local), ("Synced members", item))])
        unique = self.env["trackonline.unique.item"].create({
            "backend_id": self.to.id, "number": "UI-LOCAL-1", "send_state": "draft",
            "item_definition_id": local.id})
        transaction = self.env["trackonline.transaction"].create({
            "backend_id": self.to.id, "type_code": "60", "send_state": "draft",
            "from_location_id": known[0].id, "to_location_id": known[1].id,
            "date_transaction": "2026-11-01 10:00:00",
            "line_ids": [(0, 0, {"item_definition_id": local.id, "quantity": 1})]})
        configurations.action_send()
        unique.action_send()
        transaction.action_send()
        self.assertEqual(self.sandbox.calls("POST", "/trackonline/api/v1/itemconfiguration"), 1)
        self.assertEqual(self.sandbox.calls("POST", "/trackonline/api/v1/uniqueitem"), 0)
        self.assertEqual(self.sandbox.calls("POST", TRANSACTION_PATH), 0)
        refused = (configurations[0], unique, transaction)
        self.assertEqual({record.send_state for record in refused}, {"rejected"})
        self.assertEqual(configurations[1].send_state, "sent")
        for record in refused:
            self.assertIn("Item definition [ODOO-CRATE] Odoo crate was made in Odoo",
                          record.send_message)


    def test_a_transactions_public_documents_are_shown_as_links(self):
        """``transactionDocuments`` (public URLs of CMRs and other papers) were never read:
        now each is a link among the transaction's attachments, kept in step with
        TrackOnline's list, never twice."""
        target = self.sandbox.trackonline.resources["transaction"][0]
        cmr, pod = ("https://docs.example.com/cmr/1.pdf", "https://docs.example.com/pod/1.pdf")
        self.sandbox.trackonline.change_transaction(target["id"], transactionDocuments=[
            {"name": "CMR 1", "url": cmr}, {"name": "Proof of delivery", "url": pod}])
        self.to._sync("transactions")
        transaction = self.transactions().filtered(lambda t: t.remote_id == target["id"])

        def links():
            return self.env["ir.attachment"].search([
                ("res_model", "=", transaction._name), ("res_id", "=", transaction.id)])

        self.assertEqual(sorted((link.name, link.url, link.type) for link in links()),
                         [("CMR 1", cmr, "url"), ("Proof of delivery", pod, "url")])
        self.sandbox.trackonline.change_transaction(target["id"], transactionDocuments=[
            {"name": "CMR 1", "url": cmr}])
        self.env["tracking.cursor"].search([]).unlink()  # read everything again
        self.to._sync("transactions")
        self.assertEqual(links().mapped("url"), [cmr], "the one TrackOnline dropped, gone")


@tagged("post_install", "-at_install")
class TestSendContacts(SendCase):

    def test_a_linked_location_keeps_its_number_and_type_and_changes_are_shown_first(self):
        """"Send to TrackOnline as locations" made a supplier a customer and gave it the
        contact's reference as number (other systems posting by the old number then fail).
        Now only what the contact owns changes, and the user sees it before it is sent."""
        self.to._sync("locations")
        supplier = self.env["trackonline.location"].search(
            [("backend_id", "=", self.to.id), ("type", "not in", ("1", "unknown"))], limit=1)
        number, kind, city = supplier.number, supplier.type, supplier.city
        partner = self.env["res.partner"].create({
            "name": supplier.name, "ref": "OTHER-REF-1", "city": "Nieuwe Stad"})
        supplier.partner_id = partner
        fresh = self.env["res.partner"].create({"name": "Fresh depot", "ref": "FRESH-1"})
        action = self.env["trackonline.partner.send.wizard"]._open(partner | fresh)
        wizard = self.env["trackonline.partner.send.wizard"].browse(action["res_id"])
        self.sandbox.reset_calls()
        preview = str(wizard.preview)
        self.assertIn("Nieuwe Stad", preview)
        self.assertIn(city or "-", preview, "what it holds now")
        self.assertIn("keeps its number and type", preview)
        self.assertNotIn("OTHER-REF-1", preview, "the number is not changed")
        self.assertIn("FRESH-1", preview, "a new location's number")
        self.assertFalse(supplier.send_state, "nothing written before the user confirms")
        self.assertEqual(self.sandbox.calls("POST", LOCATION_PATH), 0)
        wizard.action_send()
        self.assertEqual((supplier.number, supplier.type, supplier.city),
                         (number, kind, "Nieuwe Stad"))
        self.poll()
        self.assertEqual(supplier.send_state, "saved")
        row = next(row for row in self.sandbox.trackonline.resources["location"]
                   if row["id"] == supplier.remote_id)
        self.assertEqual((row["number"], str(row["type"]), row["city"]),
                         (number, kind, "Nieuwe Stad"))
        new = self.env["trackonline.location"].search([("partner_id", "=", fresh.id)])
        self.assertEqual((new.number, new.type, new.send_state), ("FRESH-1", "1", "saved"))


@tagged("post_install", "-at_install")
class TestSageHandOff(Sage50Mixin, SandboxCase):
    """The Trackline -> Sage 50 hand-off, as the vendor's script makes it: the process read
    afresh at hand-off time, and what is still left out said on the upload."""

    def setUp(self):
        super().setUp()
        self.sandbox.trackline.reset()
        self.set_up_approved_backend()

    def test_a_process_is_read_again_before_it_goes_and_what_is_left_out_is_said(self):
        """Before: Odoo uploaded what it held, silently without a document Trackline got
        after the import, and without one it could not download."""
        process = self.import_process("10000")
        self.sandbox.trackline.add_document("10000", "Late_CMR.pdf", "CMR", b"%PDF-1.4 late")
        self.sandbox.trackline.add_document("10000", "Empty_invoice.pdf", "Invoice", b"")
        action = process.action_send_to_sage()
        upload = self.env["sage50.upload"].browse(action["res_id"])
        payload = next(iter(self.sandbox.sage50.uploads.values()))["payload"]
        names = [document["name"] for document in payload["records"][0]["documents"]]
        self.assertIn("Late_CMR.pdf", names, "read afresh at hand-off time")
        self.assertNotIn("Empty_invoice.pdf", names)
        said = " ".join(upload.message_ids.mapped("body"))
        self.assertIn("Left out of this upload: Trackline documents not downloaded (1)", said)
        self.assertIn("Empty_invoice.pdf", said)
