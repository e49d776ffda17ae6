"""TrackOnline item configurations, unique items, packaging labels, IoT and scanned codes,
against the sandbox over real HTTP."""

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..sandbox.backends import backend_values
from .common import SandboxCase


@tagged("post_install", "-at_install")
class TestTrackOnlineMore(SandboxCase):
    """Item configurations, unique items, packaging labels, IoT, scanned codes: the same
    client, budget, upsert and cursors as the rest of TrackOnline."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.to = cls.env["trackonline.backend"].create(backend_values(
            "trackonline", cls.sandbox.url, name="TrackOnline more", licence_tier="enterprise",
            start_date="2026-01-04", window_days=14, timeout=10))
        cls.env["trackonline.backend"].search([("id", "!=", cls.to.id)]).active = False

    def setUp(self):
        super().setUp()
        self.sandbox.trackonline.reset()

    def records(self, model):
        return self.env[model].search([("backend_id", "=", self.to.id)])

    def poll(self):
        self.to._poll_results()  # 202: still saving
        self.to._poll_results()

    def test_result_path_is_a_setting_checked_on_save(self):
        """The save result's path is not in the document: ``{message_id}`` may place the
        message ID in it; a name in braces the client does not fill is refused on save."""
        self.to.result_path = "{resource}/result/{message_id}"
        self.assertEqual(self.to._make_client().result_path, "{resource}/result/{message_id}")
        with self.assertRaises(ValidationError) as raised:
            self.to.result_path = "{resource}/result/{id}"
        self.assertIn("{message_id}", str(raised.exception))

    def test_unique_items_read_and_resync(self):
        run = self.to._sync("unique_items")
        self.assertEqual(run.log.state, "done", run.log.error_details)
        remote = self.sandbox.trackonline.resources["uniqueitem"]
        items = self.records("trackonline.unique.item")
        self.assertEqual(sorted(items.mapped("number")), sorted(r["number"] for r in remote))
        first = items.filtered(lambda i: i.number == remote[0]["number"])
        self.assertEqual(first.epc_code, remote[0]["epcCode"])
        self.assertEqual(first.location_id.number, remote[0]["lastKnownLocation"]["number"])
        self.assertEqual(first.device_ids_text, remote[0]["deviceIds"][0]["deviceId"])
        self.assertEqual(first.item_definition_id.unique_item_count,
                         len(items.filtered(lambda i: i.item_definition_id ==
                                            first.item_definition_id)))
        self.assertIn(first, self.env["trackonline.unique.item"].search(
            first.location_id.action_view_unique_items()["domain"]))
        # Incremental: one new item comes in, the others are left as they are.
        new = dict(remote[0], id="00000000-0000-4000-8000-000000000001", number="UI-NEW")
        remote.append(new)
        run = self.to._sync("unique_items")
        self.assertEqual((run.log.created_count, run.log.updated_count), (1, 0))

    def test_deleted_items_and_inactive_labels_reach_the_mirror(self):
        """The lists leave deleted unique items and inactive labels out unless asked
        (IncludeDeleted, IncludeInactive): before, a record deleted or disabled in
        TrackOnline stayed as it was in Odoo."""
        self.to._sync("unique_items")
        self.to._sync("packaging_labels")
        remote_item = self.sandbox.trackonline.resources["uniqueitem"][0]
        remote_label = self.sandbox.trackonline.resources["packaginglabel"][1]
        remote_item["isDeleted"] = True
        remote_label["isEnabled"] = False
        self.assertEqual(self.to._sync("unique_items").log.updated_count, 1)
        self.assertEqual(self.to._sync("packaging_labels").log.updated_count, 1)
        item = self.records("trackonline.unique.item").filtered(
            lambda i: i.remote_id == remote_item["id"])
        label = self.records("trackonline.packaging.label").filtered(
            lambda i: i.remote_id == remote_label["id"])
        self.assertTrue(item.is_deleted)
        self.assertFalse(label.is_enabled)

    def test_unique_item_written_with_polled_result(self):
        self.to._sync("item_definitions")
        definition = self.records("trackonline.item.definition")[:1]
        item = self.env["trackonline.unique.item"].create({
            "backend_id": self.to.id, "number": "ODOO-UI-1", "barcode": "999",
            "item_definition_id": definition.id, "device_ids_text": "DEV-X",
            "send_state": "draft"})
        item.action_send()
        self.poll()
        self.assertEqual(item.send_state, "saved", item.send_message)
        remote = next(r for r in self.sandbox.trackonline.resources["uniqueitem"]
                      if r["number"] == "ODOO-UI-1")
        self.assertEqual(item.remote_id, remote["id"])
        self.assertEqual(remote["deviceIds"], [{"deviceId": "DEV-X"}])

    def test_item_configurations_read_write_no_duplicates(self):
        self.to._sync("item_configurations")
        configurations = self.records("trackonline.item.configuration")
        remote = self.sandbox.trackonline.resources["itemconfiguration"]
        self.assertEqual(len(configurations), len(remote))
        first = configurations.filtered(lambda c: c.name == remote[0]["name"])
        self.assertEqual(len(first.member_ids), 2)
        self.assertEqual(first.member_ids[0].minimum_balance,
                         remote[0]["members"][0]["minimumBalance"])
        run = self.to._sync("item_configurations")
        self.assertEqual((run.log.created_count, run.log.updated_count), (0, 0),
                         "unchanged members are not rewritten")
        first.member_ids[0].lead_time = 9
        first.send_state = "draft"
        first.action_send()
        self.poll()
        self.assertEqual(first.send_state, "saved", first.send_message)
        stored = next(r for r in self.sandbox.trackonline.resources["itemconfiguration"]
                      if r["name"] == first.name)
        self.assertEqual(stored["members"][0]["leadTime"], 9)
        self.assertEqual(len(self.sandbox.trackonline.resources["itemconfiguration"]),
                         len(remote), "saved over the same configuration")

    def test_packaging_labels_expired_and_contents(self):
        self.to._sync("unique_items")
        self.to._sync("packaging_labels")
        labels = self.records("trackonline.packaging.label")
        self.assertEqual(len(labels), 3)
        expired = labels.filtered("is_expired")
        self.assertEqual(expired.mapped("number"), ["PL0000000001"])
        self.assertEqual(self.env["trackonline.packaging.label"].search(
            [("backend_id", "=", self.to.id), ("is_expired", "=", True)]), expired)
        self.assertEqual(expired.line_ids.quantity, 25)
        self.assertEqual(len(expired.unique_item_ids), 1)
        run = self.to._sync("packaging_labels")
        self.assertEqual((run.log.created_count, run.log.updated_count), (0, 0))
        label = self.env["trackonline.packaging.label"].create({
            "backend_id": self.to.id, "number": "PL-ODOO-1", "send_state": "draft",
            "expiration_on": "2030-01-01 00:00:00",
            "line_ids": [(0, 0, {"item_definition_id": expired.line_ids.item_definition_id.id,
                                 "quantity": 10})]})
        label.action_send()
        self.poll()
        self.assertEqual(label.send_state, "saved", label.send_message)

    def test_transaction_with_scanned_codes_and_labels(self):
        self.to._sync("locations")
        self.to._sync("unique_items")
        self.to._sync("packaging_labels")
        locations = self.records("trackonline.location")
        unique = self.records("trackonline.unique.item")[:2]
        label = self.records("trackonline.packaging.label")[:1]
        transaction = self.env["trackonline.transaction"].create({
            "backend_id": self.to.id, "type_code": "15", "send_state": "draft",
            "transaction_number": "SCAN-1", "from_location_id": locations[0].id,
            "to_location_id": locations[1].id, "date_transaction": "2026-11-01 10:00:00",
            "packaging_label_numbers": label.number,
            "scan_ids": [(0, 0, {"code_type": "10", "code": u.barcode}) for u in unique]})
        transaction.action_send()
        self.poll()
        self.assertEqual(transaction.send_state, "saved", transaction.send_message)
        stored = next(r for r in self.sandbox.trackonline.resources["transaction"]
                      if r["transactionNumber"] == "SCAN-1")
        quantities = sum(line["quantity"] for line in stored["transactionItems"])
        self.assertEqual(quantities, 2 + 25, "two scanned items and a label of 25")

    def test_disabled_locations_and_item_definitions_reach_the_mirror(self):
        """``Enabled`` is true by default, and false gives the disabled records only: both
        are read (before: a location disabled in TrackOnline stayed enabled in Odoo)."""
        self.to._sync("locations")
        self.to._sync("item_definitions")
        location = self.sandbox.trackonline.resources["location"][0]
        definition = self.sandbox.trackonline.resources["itemdefinition"][0]
        location["isEnabled"] = definition["isEnabled"] = False
        self.to._sync("locations")
        self.to._sync("item_definitions")
        for model, remote in (("trackonline.location", location),
                              ("trackonline.item.definition", definition)):
            mirrored = self.env[model].with_context(active_test=False).search(
                [("backend_id", "=", self.to.id), ("remote_id", "=", remote["id"])])
            self.assertEqual(len(mirrored), 1, model)
            self.assertFalse(mirrored.is_enabled, model)
        self.assertEqual(self.sandbox.calls("GET", "/trackonline/api/v1/location"), 4,
                         "each run: the enabled page, and the disabled one")

    def test_iot_devices_answered_as_unique_items(self):
        """``iot/item`` filters as the unique items do, and the document does not give its
        answer: unique items with their ``deviceIds`` are read as one device each (before:
        every row kept aside "without deviceId")."""
        self.to._sync("unique_items")
        unique = self.sandbox.trackonline.resources["uniqueitem"]
        self.sandbox.add_fault("/trackonline/api/v1/iot/item", method="GET", times=5,
                               rewrite=lambda rows: unique[:len(rows)])
        run = self.to._sync("iot_devices")
        self.assertEqual(run.log.state, "done", run.log.error_details)
        devices = self.records("trackonline.iot.device")
        self.assertEqual(sorted(devices.mapped("remote_id")),
                         sorted(item["deviceIds"][0]["deviceId"] for item in unique))
        first = devices.filtered(lambda d: d.remote_id == unique[0]["deviceIds"][0]["deviceId"])
        self.assertEqual(first.unique_item_id.number, unique[0]["number"])

    def test_iot_devices_and_measurements_with_windows(self):
        self.to._sync("unique_items")
        self.to._sync("iot_devices")
        devices = self.records("trackonline.iot.device")
        self.assertEqual(len(devices), len(self.sandbox.trackonline.resources["uniqueitem"]))
        self.assertTrue(all(devices.mapped("unique_item_id")))
        self.assertIn("openstreetmap", devices[0].map_url)
        run = self.to._sync("iot_measurements")
        self.assertEqual(run.log.state, "done", run.log.error_details)
        measurements = self.records("trackonline.iot.measurement")
        self.assertEqual(len(measurements), 72 * len(devices))
        seen = [call for call in self.sandbox.calls_by_path() if "measurement" in call]
        self.assertTrue(seen)
        run = self.to._sync("iot_measurements")
        self.assertEqual(run.log.created_count, 0, "a re-sync creates nothing")
        self.assertEqual(len(self.records("trackonline.iot.measurement")), 72 * len(devices))
