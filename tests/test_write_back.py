"""A send never erases what Odoo did not change, over real HTTP against the sandbox in the
mode where a POSTed record replaces the one it names as a whole (``replace_on_save``: an
ASP.NET API binding the body to its model empties every key the body leaves out). A record
TrackOnline holds is read again right before its send (one call per 50, by id) and sent as
TrackOnline gave it, unknown keys included, with only the user's changes; a change made in
TrackOnline since the edit began is a conflict the user settles, never overwritten."""

import copy
import json

from odoo.tests import new_test_user, tagged

from .common import TrackOnlineCase

API = "/trackonline/api/v1/"
# What a customer's location holds in TrackOnline beyond what Odoo shows: every "gets or
# sets" key of the document, and a key the document does not give.
EVERY_FIELD = {
    "nameShort": "ROT-DEP", "addressLine": "Havenweg 12", "postalCode": "3011 AB",
    "city": "Rotterdam", "stateOrProvince": "ZH", "country": "Netherlands",
    "telephone": "+31 10 555 0001", "mobile": "+31 6 1234 5678",
    "emailAddress": "depot@example.com", "globalLocationNumber": "8712345678906",
    "chamberOfCommerceNumber": "24123456", "vatNumber": "NL123456789B01",
    "legalEntityIdentifier": "5493001KJTIIGC8Y1R12",
    "gps": {"latitude": 51.92, "longitude": 4.48, "radius": 150},
    "languageId": 2, "geofence": 350, "balanceOperationMode": 10, "isEnabled": True,
    "tags": ["depot", "key account"], "websiteUrl": "https://depot.example.com",
    "externalNumbers": [{"source": "ERP", "number": "C-1002"}],
    "customerSegment": "gold",  # unknown to the document and to Odoo
}


@tagged("post_install", "-at_install")
class TestWriteBack(TrackOnlineCase):
    sandbox_transactions = 6
    trackonline_name = "TrackOnline write-back"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(cls.env, "write_back_user",
                                 groups="tracking_connector.group_tracking_user")
        cls.sandbox.trackonline.replace_on_save = True  # this class's sandbox only

    def remote(self, resource, key, value):
        return next(row for row in self.sandbox.trackonline.resources[resource]
                    if row.get(key) == value)

    def mirrored(self, model, key, value):
        return self.env[model].search([("backend_id", "=", self.to.id),
                                       (key, "=", value)]).with_user(self.user)

    def send(self, records):
        records.action_send()
        self.to._poll_results()  # 202: still saving
        self.to._poll_results()
        for record in records:
            self.assertEqual(record.send_state, "saved", record.send_message)

    def calls(self, method, resource):
        return self.sandbox.calls_by_path().get("%s %s%s" % (method, API, resource), 0)

    def assert_kept(self, before, after, changed):
        """Every key of ``before`` but ``changed`` (and what TrackOnline sets on a save) is
        in ``after`` as it was."""
        for key, value in before.items():
            if key not in (*changed, "modifiedOn"):
                self.assertEqual(after.get(key), value, "%s was changed by the send" % key)

    # -- the sandbox behaves as the server of the issue -----------------------------------------

    def test_the_sandbox_empties_what_a_post_leaves_out(self):
        """Without this, the tests below could not catch an erasure."""
        row = self.remote("location", "number", "L0002")
        row.update(copy.deepcopy(EVERY_FIELD))
        self.to._make_client().save("location", [{"id": row["id"], "number": "L0002",
                                                   "name": "Bare", "type": 1}])
        row = self.remote("location", "number", "L0002")
        self.assertNotIn("stateOrProvince", row)
        self.assertNotIn("customerSegment", row)
        self.assertIn("createdOn", row, "what TrackOnline sets itself stays")

    # -- the scenario, end to end ------------------------------------------------------

    def test_a_renamed_location_keeps_every_field_it_had(self):
        row = self.remote("location", "number", "L0002")
        row.update(copy.deepcopy(EVERY_FIELD))
        self.to._sync("locations")
        location = self.mirrored("trackonline.location", "number", "L0002")
        self.assertEqual(location.state_or_province, "ZH")
        before = copy.deepcopy(self.remote("location", "number", "L0002"))
        location.action_edit_locally()
        location.write({"name": "Renamed in Odoo"})
        self.sandbox.reset_calls()
        self.send(location)
        after = self.remote("location", "number", "L0002")
        self.assertEqual(after["name"], "Renamed in Odoo")
        self.assert_kept(before, after, ("name",))
        self.assertEqual(after["customerSegment"], "gold", "an unknown key is kept too")
        self.assertEqual(self.calls("GET", "location"), 1, "read again once, by id")
        self.assertEqual(self.calls("POST", "location"), 1)
        # What was sent: TrackOnline's record, without the keys it only gives on a fetch.
        sent = location._send_payload()
        self.assertEqual(sent["name"], "Renamed in Odoo")
        self.assertEqual(sent["id"], location.remote_id)
        for key in ("createdOn", "modifiedOn", "hierarchyLevel", "parentNumber"):
            self.assertNotIn(key, sent)
        # The next sync finds TrackOnline as Odoo left it.
        self.to._sync("locations")
        self.assertEqual(location.name, "Renamed in Odoo")
        self.assertEqual(location.lei, "5493001KJTIIGC8Y1R12")

    def test_a_unique_item_keeps_every_field_it_had(self):
        self.to._sync("locations")
        self.to._sync("item_definitions")
        row = self.remote("uniqueitem", "number", "UI00002")
        row.update(bleCode="BLE-KEPT", notes="first notes", lastSeen="2026-03-01T10:00:00Z",
                   deviceIds=[{"deviceId": "DEV-A"}, {"deviceId": "DEV-B"}],
                   ownerCode="OWN-7")
        self.to._sync("unique_items")
        item = self.mirrored("trackonline.unique.item", "number", "UI00002")
        before = copy.deepcopy(row)
        item.action_edit_locally()
        item.write({"notes": "changed in Odoo"})
        self.send(item)
        after = self.remote("uniqueitem", "number", "UI00002")
        self.assertEqual(after["notes"], "changed in Odoo")
        self.assert_kept(before, after, ("notes",))
        self.assertEqual(after["ownerCode"], "OWN-7")
        sent = item._send_payload()
        for key in ("lastKnownPosition", "lastKnownTemperature", "createdOn", "isDeleted"):
            self.assertNotIn(key, sent)

    def test_an_item_configuration_and_a_packaging_label_keep_every_field(self):
        self.to._sync("locations")
        self.to._sync("item_definitions")
        self.to._sync("unique_items")
        configuration_row = self.sandbox.trackonline.resources["itemconfiguration"][0]
        configuration_row["members"][0]["memberNote"] = "kept"
        configuration_row["region"] = "north"
        label_row = self.sandbox.trackonline.resources["packaginglabel"][1]
        label_row["batchCode"] = "B-12"
        self.to._sync("item_configurations")
        self.to._sync("packaging_labels")
        configuration = self.mirrored("trackonline.item.configuration", "remote_id",
                                      configuration_row["id"])
        label = self.mirrored("trackonline.packaging.label", "remote_id", label_row["id"])
        configuration_before = copy.deepcopy(configuration_row)
        label_before = copy.deepcopy(label_row)
        configuration.action_edit_locally()
        configuration.member_ids.sorted("position")[0].write({"lead_time": 9})
        label.action_edit_locally()
        label.write({"is_enabled": False})
        self.send(configuration)
        self.send(label)
        configuration_after = self.remote("itemconfiguration", "id", configuration_row["id"])
        self.assert_kept(configuration_before, configuration_after, ("members",))
        first = next(member for member in configuration_after["members"]
                     if member["itemDefinitionId"]
                     == configuration_before["members"][0]["itemDefinitionId"])
        self.assertEqual(first["leadTime"], 9)
        self.assertEqual(first["memberNote"], "kept", "a member keeps its unknown keys")
        self.assertEqual(len(configuration_after["members"]),
                         len(configuration_before["members"]))
        label_after = self.remote("packaginglabel", "id", label_row["id"])
        self.assertIs(label_after["isEnabled"], False)
        self.assert_kept(label_before, label_after, ("isEnabled",))

    # -- read again right before the send ------------------------------------------------------

    def test_a_remote_change_since_the_edit_began_is_a_conflict_not_overwritten(self):
        self.to._sync("locations")
        location = self.mirrored("trackonline.location", "number", "L0003")
        location.action_edit_locally()
        location.write({"name": "Odoo's name"})
        # A TrackOnline user changes the location after the edit began; no sync between.
        row = self.remote("location", "number", "L0003")
        row.update(city="Remote city", stateOrProvince="UT")
        self.sandbox.reset_calls()
        location.action_send()
        self.assertEqual(self.calls("POST", "location"), 0, "nothing overwritten unseen")
        self.assertTrue(location.has_conflict)
        self.assertEqual(json.loads(location.conflict_values)["city"], "Remote city")
        self.assertEqual(location.name, "Odoo's name", "the local change is kept")
        self.assertEqual(location.state_or_province, "UT", "what Odoo does not send follows")
        self.assertNotEqual(location.send_state, "sent")
        log = self.last_log(self.to)
        self.assertEqual(log.state, "warning", log.error_details)
        self.assertIn("Conflicts on 1 records", log.error_details)
        row = self.remote("location", "number", "L0003")
        self.assertEqual(row["city"], "Remote city")
        # The user settles it: theirs taken.
        location.action_take_remote()
        self.assertEqual(location.city, "Remote city")
        self.assertFalse(location.has_conflict)

    def test_keep_mine_after_a_conflict_at_send_keeps_what_odoo_does_not_show(self):
        self.to._sync("locations")
        location = self.mirrored("trackonline.location", "number", "L0004")
        location.action_edit_locally()
        location.write({"name": "Mine"})
        row = self.remote("location", "number", "L0004")
        row.update(nameShort="THEIRS", websiteUrl="https://theirs.example.com")
        location.action_send()
        self.assertTrue(location.has_conflict)
        location.action_keep_mine_and_send()
        self.to._poll_results()
        self.to._poll_results()
        self.assertEqual(location.send_state, "saved", location.send_message)
        row = self.remote("location", "number", "L0004")
        self.assertEqual(row["name"], "Mine")
        self.assertEqual(row["websiteUrl"], "https://theirs.example.com",
                         "a field Odoo does not send stays TrackOnline's")

    def test_records_are_read_again_one_call_per_50(self):
        rows = self.sandbox.trackonline.resources["location"]
        for n in range(48):  # 60 locations in all
            rows.append(dict(copy.deepcopy(rows[0]), id="00000000-0000-4000-9000-%012d" % n,
                             number="LX%03d" % n, name="Extra depot %d" % n))
        self.to._sync("locations")
        locations = self.env["trackonline.location"].search(
            [("backend_id", "=", self.to.id)], limit=55).with_user(self.user)
        locations.action_edit_locally()
        for location in locations:
            location.write({"telephone": "+31 10 000 %04d" % location.id})
        self.sandbox.reset_calls()
        self.send(locations)
        self.assertEqual(self.calls("GET", "location"), 2, "55 records: two pages of ids")
        self.assertEqual(self.calls("POST", "location"), 2)

    def test_a_new_record_is_not_read_again(self):
        partner = self.env["res.partner"].create({"name": "New depot", "ref": "WB-NEW-1"})
        location = self.env["trackonline.location"]._from_partners(self.to, partner)
        self.sandbox.reset_calls()
        self.send(location)
        self.assertEqual(self.calls("GET", "location"), 0)
        self.assertEqual(self.remote("location", "number", "WB-NEW-1")["name"], "New depot")

    def test_a_record_trackonline_no_longer_holds_is_not_sent(self):
        self.to._sync("locations")
        location = self.mirrored("trackonline.location", "number", "L0005")
        location.action_edit_locally()
        location.write({"name": "Renamed"})
        rows = self.sandbox.trackonline.resources["location"]
        rows.remove(self.remote("location", "number", "L0005"))
        self.sandbox.reset_calls()
        location.action_send()
        self.assertEqual(self.calls("POST", "location"), 0)
        self.assertEqual(location.send_state, "rejected")
        self.assertIn("no longer holds", location.send_message)

    def test_a_disabled_location_is_read_again_and_stays_disabled(self):
        """The location list gives enabled or disabled records, never both: one read more,
        with ``Enabled=false``, for those the first answer lacks."""
        self.remote("location", "number", "L0006")["isEnabled"] = False
        self.to._sync("locations")
        location = self.mirrored("trackonline.location", "number", "L0006")
        self.assertFalse(location.is_enabled)
        location.action_edit_locally()
        location.write({"name": "Renamed while disabled"})
        self.sandbox.reset_calls()
        self.send(location)
        self.assertEqual(self.calls("GET", "location"), 2)
        row = self.remote("location", "number", "L0006")
        self.assertEqual((row["name"], row["isEnabled"]), ("Renamed while disabled", False))
