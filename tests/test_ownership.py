"""Who owns which field of a TrackOnline record, over real HTTP: mirrored records read-only
but for Odoo's fields, drafts editable until sent, local edits never overwritten unseen."""

import json

from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..sandbox.backends import backend_values
from .common import SandboxCase


@tagged("post_install", "-at_install")
class TestOwnership(SandboxCase):
    """Who owns which field, over real HTTP against the sandbox: a record mirrored from
    TrackOnline is read-only but for Odoo's fields; a draft is editable until sent; a local
    edit is sent on purpose and never silently overwritten by a sync."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.to = cls.env["trackonline.backend"].create(backend_values(
            "trackonline", cls.sandbox.url, name="TrackOnline ownership",
            licence_tier="enterprise", start_date="2026-01-01", window_days=60, timeout=10))
        cls.env["trackonline.backend"].search([("id", "!=", cls.to.id)]).active = False
        cls.user = new_test_user(cls.env, "owner_user",
                                 groups="tracking_connector.group_tracking_user")

    def setUp(self):
        super().setUp()
        self.sandbox.trackonline.reset(transactions=6)

    def records(self, model):
        return self.env[model].search([("backend_id", "=", self.to.id)])

    def poll(self):
        self.to._poll_results()  # 202: still saving
        self.to._poll_results()

    def remote_location(self, number):
        return next(row for row in self.sandbox.trackonline.resources["location"]
                    if row["number"] == number)

    def form(self, model):
        arch = self.env[model].with_user(self.user).get_views([(False, "form")])
        return etree.fromstring(arch["views"]["form"]["arch"])

    # -- mirrored transactions ---------------------------------------------------------------

    def test_mirrored_transaction_is_read_only_and_not_sendable(self):
        self.to._sync("transactions")
        mirrored = self.records("trackonline.transaction")[:1].with_user(self.user)
        self.assertTrue(mirrored.remote_locked)
        with self.assertRaisesRegex(UserError, "belong to TrackOnline") as caught:
            mirrored.write({"license_plate": "XX-000-X"})
        self.assertIn("License Plate", str(caught.exception))
        with self.assertRaises(UserError):
            mirrored.write({"send_state": "draft"})
        self.assertNotEqual(mirrored.license_plate, "XX-000-X")
        # The form: the remote fields read-only on a locked record, no Send on it.
        form = self.form("trackonline.transaction")
        plate = form.xpath("//field[@name='license_plate']")[0]
        self.assertEqual(plate.get("readonly"), "remote_locked")
        send = form.xpath("//header/button[@name='action_send']")[0]
        self.assertIn("remote_locked", send.get("invisible"))
        # Sending it anyway (the list's button) sends nothing.
        self.sandbox.reset_calls()
        with self.assertRaisesRegex(UserError, "Nothing to send"):
            mirrored.action_send()
        self.assertEqual(self.sandbox.calls("POST", "/trackonline/api/v1/transaction"), 0)

    def test_drafted_transaction_is_editable_until_sent(self):
        self.to._sync("locations")
        self.to._sync("item_definitions")
        locations = self.records("trackonline.location")
        item = self.records("trackonline.item.definition")[:1]
        draft = self.env["trackonline.transaction"].with_user(self.user).create({
            "backend_id": self.to.id, "type_code": "60", "send_state": "draft",
            "transaction_number": "ODOO-OWN-1", "from_location_id": locations[0].id,
            "to_location_id": locations[1].id, "date_transaction": "2026-11-01 10:00:00",
            "line_ids": [(0, 0, {"item_definition_id": item.id, "quantity": 4})]})
        self.assertFalse(draft.remote_locked)
        draft.write({"license_plate": "ODOO-1", "notes": "drafted in Odoo"})
        draft.action_send()
        self.assertEqual(draft.send_state, "sent")
        with self.assertRaisesRegex(UserError, "belong to TrackOnline"):
            draft.write({"license_plate": "TOO-LATE"})
        self.poll()
        self.assertEqual(draft.send_state, "saved", draft.send_message)
        stored = next(row for row in self.sandbox.trackonline.resources["transaction"]
                      if row["transactionNumber"] == "ODOO-OWN-1")
        self.assertEqual(stored["licensePlate"], "ODOO-1")
        self.assertTrue(draft.remote_locked)
        with self.assertRaises(UserError):
            draft.write({"notes": "after saving"})

    def test_odoo_owned_fields_stay_editable(self):
        self.to._sync("locations")
        location = self.records("trackonline.location")[:1].with_user(self.user)
        partner = self.env["res.partner"].create({"name": "Linked by hand"})
        location.write({"partner_id": partner.id})
        self.assertEqual(location.partner_id, partner)
        form = self.form("trackonline.location")
        self.assertFalse(form.xpath("//field[@name='partner_id']")[0].get("readonly"))
        # A field a send does not carry stays read-only even while editing locally.
        self.assertEqual(form.xpath("//field[@name='tags']")[0].get("readonly"),
                         "remote_locked or remote_id")

    # -- a location edited locally, then changed in TrackOnline ------------------------------

    def edit_then_change_remotely(self):
        self.to._sync("locations")
        location = self.records("trackonline.location").filtered(
            lambda loc: loc.number == "L0002").with_user(self.user)
        with self.assertRaisesRegex(UserError, "Edit locally"):
            location.write({"city": "Odoo city"})
        location.action_edit_locally()
        self.assertTrue(location.has_local_changes)
        location.write({"city": "Odoo city"})
        remote = self.remote_location("L0002")
        remote.update(city="Remote city", modifiedOn="2026-02-01T00:00:00.000Z")
        run = self.to._sync("locations")
        # The conflict is counted in the run's log: a user has to choose.
        self.assertEqual(run.log.state, "warning", run.log.error_details)
        self.assertIn("Conflicts on 1 records", run.log.error_details)
        self.assertIn("L0002", run.log.error_details)
        return location

    def test_edit_locally_marks_to_send_only_once_a_field_changed(self):
        """"Edit locally" unlocks; the record is To send once a field a send carries (or a
        line of it) changed, starting from the version it had then."""
        self.to._sync("locations")
        location = self.records("trackonline.location")[:1].with_user(self.user)
        location.action_edit_locally()
        self.assertFalse(location.remote_locked, "unlocked")
        self.assertNotEqual(location.send_state, "draft", "nothing changed: not To send")
        name = location.name
        location.write({"name": "Renamed once unlocked"})
        self.assertEqual(location.send_state, "draft")
        self.assertEqual(json.loads(location.remote_version)["name"], name)
        self.to._sync("item_configurations")
        configuration = self.records("trackonline.item.configuration")[:1].with_user(self.user)
        configuration.action_edit_locally()
        self.assertNotEqual(configuration.send_state, "draft")
        configuration.member_ids[0].write({"lead_time": 11})
        self.assertEqual(configuration.send_state, "draft", "a changed line is a change")

    def test_sync_keeps_unsent_edit_when_remote_unchanged(self):
        self.to._sync("locations")
        location = self.records("trackonline.location")[:1].with_user(self.user)
        location.action_edit_locally()
        location.write({"name": "Renamed in Odoo"})
        self.to._sync("locations")
        self.assertEqual(location.name, "Renamed in Odoo")
        self.assertFalse(location.has_conflict)
        self.assertTrue(location.has_local_changes)

    def test_conflict_keeps_both_versions(self):
        location = self.edit_then_change_remotely()
        self.assertTrue(location.has_conflict)
        self.assertEqual(location.city, "Odoo city", "the local edit is kept")
        self.assertEqual(json.loads(location.conflict_values)["city"], "Remote city")
        self.assertIn("Odoo city", location.conflict_diff)
        self.assertIn("Remote city", location.conflict_diff)
        self.assertEqual(location.modified_on.year, 2026, "fields not sent still follow")
        self.assertEqual(location.modified_on.month, 2)
        with self.assertRaisesRegex(UserError, "Keep mine and send"):
            location.action_send()
        # The same remote version again: one conflict, one message.
        messages = len(location.message_ids)
        self.to._sync("locations")
        self.assertEqual(len(location.message_ids), messages)

    def test_conflict_keep_mine_and_send(self):
        location = self.edit_then_change_remotely()
        location.action_keep_mine_and_send()
        self.assertFalse(location.has_conflict)
        self.assertEqual(location.send_state, "sent")
        self.poll()
        self.assertEqual(location.send_state, "saved", location.send_message)
        self.assertEqual(self.remote_location("L0002")["city"], "Odoo city")
        self.to._sync("locations")
        self.assertEqual(location.city, "Odoo city")
        self.assertTrue(location.remote_locked)

    def test_conflict_take_trackonline(self):
        location = self.edit_then_change_remotely()
        self.sandbox.reset_calls()
        location.action_take_remote()
        self.assertEqual(location.city, "Remote city")
        self.assertFalse(location.has_conflict)
        self.assertFalse(location.has_local_changes)
        self.assertTrue(location.remote_locked)
        self.assertEqual(self.sandbox.calls("POST", "/trackonline/api/v1/location"), 0)
        self.to._sync("locations")
        self.assertEqual(location.city, "Remote city")

    def test_drop_local_changes(self):
        self.to._sync("locations")
        location = self.records("trackonline.location")[:1].with_user(self.user)
        city = location.city
        location.action_edit_locally()
        location.write({"city": "Never sent"})
        location.action_take_remote()
        self.assertEqual(location.city, city)
        self.assertTrue(location.remote_locked)

    # -- lines of mirrored records, deletion ----------------------------------------------

    def test_lines_of_a_mirrored_transaction_are_read_only(self):
        self.to._sync("transactions")
        mirrored = self.records("trackonline.transaction").filtered("line_ids")[:1]
        line = mirrored.line_ids[0].with_user(self.user)
        quantity, count = line.quantity, len(mirrored.line_ids)
        with self.assertRaisesRegex(UserError, "belong to TrackOnline"):
            line.write({"quantity": quantity + 1})
        with self.assertRaisesRegex(UserError, "belong to TrackOnline"):
            line.unlink()
        with self.assertRaisesRegex(UserError, "belong to TrackOnline"):
            self.env["trackonline.transaction.line"].with_user(self.user).create({
                "transaction_id": mirrored.id, "quantity": 1,
                "item_definition_id": line.item_definition_id.id})
        self.assertEqual(line.quantity, quantity)
        mirrored.invalidate_recordset(["line_ids"])
        self.assertEqual(len(mirrored.line_ids), count, "no line added")
        # A draft's lines are the user's until it is sent.
        draft = self.env["trackonline.transaction"].create({
            "backend_id": self.to.id, "type_code": "60", "send_state": "draft",
            "line_ids": [(0, 0, {"item_definition_id": line.item_definition_id.id,
                                 "quantity": 1})]})
        draft_line = draft.line_ids.with_user(self.user)
        draft_line.write({"quantity": 4})
        self.assertEqual(draft_line.quantity, 4)
        draft_line.unlink()
        self.assertFalse(draft.line_ids)

    def test_a_user_s_sync_saves_mirrored_records_with_their_lines(self):
        # A button's sync runs as the user who pressed it (not as the superuser the tests'
        # environment is): the lines it creates and replaces are the sync's, not the user's.
        admin = self.env.ref("base.user_admin")
        log = self.to.with_user(admin)._sync("transactions").log
        self.assertEqual((log.state, log.kept_count), ("done", 0), log.error_details)
        transactions = self.records("trackonline.transaction")
        self.assertEqual(len(transactions), 6)
        self.assertTrue(all(transactions.mapped("line_ids")))
        remote = self.sandbox.trackonline.resources["transaction"][0]
        remote["transactionItems"] = remote["transactionItems"][:1]
        self.env["tracking.cursor"].search([]).unlink()  # read again
        log = self.to.with_user(admin)._sync("transactions").log
        self.assertEqual((log.state, log.updated_count), ("done", 1), log.error_details)
        changed = transactions.filtered(lambda t: t.remote_id == str(remote["id"]))
        self.assertEqual(len(changed.line_ids), 1, "the lines replaced by the sync")

    def test_lines_follow_a_local_edit_of_their_parent(self):
        self.to._sync("item_configurations")
        configuration = self.records("trackonline.item.configuration")[:1]
        member = configuration.member_ids[0].with_user(self.user)
        with self.assertRaisesRegex(UserError, "Edit locally"):
            member.write({"lead_time": 7})
        configuration.with_user(self.user).action_edit_locally()
        member.write({"lead_time": 7})  # a send carries the members
        self.assertEqual(member.lead_time, 7)

    def test_mirrored_record_cannot_be_deleted_a_draft_can(self):
        manager = new_test_user(self.env, "owner_manager",
                                groups="tracking_connector.group_tracking_manager")
        self.to._sync("locations")
        location = self.records("trackonline.location")[:1].with_user(manager)
        with self.assertRaisesRegex(UserError, "next sync would bring them back"):
            location.unlink()
        self.assertTrue(location.exists())
        draft = self.env["trackonline.location"].create({
            "backend_id": self.to.id, "number": "DRAFT-DEL", "name": "Draft to delete",
            "send_state": "draft"})
        draft.with_user(manager).unlink()
        self.assertFalse(draft.exists())

    def test_delete_draft_deletes_drafts_only(self):
        """The Delete draft button: a manager deletes a draft and sees the list; a mirrored
        record, or a draft sent and waiting for its result, stays; a user may not."""
        manager = new_test_user(self.env, "draft_manager",
                                groups="tracking_connector.group_tracking_manager")
        self.to._sync("locations")
        location = self.records("trackonline.location")[:1].with_user(manager)
        with self.assertRaisesRegex(UserError, "next sync would bring them back"):
            location.action_delete_draft()
        self.assertTrue(location.exists())
        sent, draft = self.env["trackonline.location"].create([{
            "backend_id": self.to.id, "number": "DRAFT-%d" % index, "name": "Draft",
            "send_state": state} for index, state in enumerate(("sent", "draft"))])
        with self.assertRaisesRegex(UserError, "went to TrackOnline already"):
            sent.with_user(manager).action_delete_draft()
        with self.assertRaisesRegex(AccessError, "Only a Tracking manager"):
            draft.with_user(self.user).action_delete_draft()
        action = draft.with_user(manager).action_delete_draft()
        self.assertFalse(draft.exists())
        self.assertTrue(sent.exists())
        self.assertEqual((action["res_model"], action["target"]), ("trackonline.location", "main"))

    def test_item_configuration_lines_in_conflict(self):
        self.to._sync("item_configurations")
        configuration = self.records("trackonline.item.configuration")[:1]
        configuration.with_user(self.user).action_edit_locally()
        configuration.member_ids[0].lead_time = 9
        remote = next(row for row in self.sandbox.trackonline.resources["itemconfiguration"]
                      if row["id"] == configuration.remote_id)
        remote["members"][0]["leadTime"] = 5
        self.to._sync("item_configurations")
        self.assertTrue(configuration.has_conflict)
        self.assertEqual(configuration.member_ids[0].lead_time, 9)
        configuration.action_take_remote()
        self.assertEqual(configuration.member_ids[0].lead_time, 5)
