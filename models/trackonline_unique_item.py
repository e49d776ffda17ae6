"""TrackOnline unique items (one physical crate or pallet with its codes), and the counts
and lists of them shown on item definitions and locations."""

from odoo import fields, models

from ..mappings import trackonline as mapping


class TrackOnlineUniqueItem(models.Model):
    """One physical item (crate, pallet...) with its codes, devices and last known place."""

    _name = "trackonline.unique.item"
    _description = "TrackOnline Unique Item"
    _inherit = ["trackonline.local.edit.mixin", "mail.thread"]
    _order = "number, id"
    _rec_name = "number"
    _trackonline_resource = "uniqueitem"
    _trackonline_lookup = ("ItemNumber", "number", "number")
    _remote_entity = mapping.UNIQUE_ITEM
    _payload_fields = {"barcode": "barcode", "location_id": "lastKnownLocation"}

    backend_id = fields.Many2one("trackonline.backend", required=True, index=True,
                                 ondelete="cascade")
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    number = fields.Char(required=True, index=True)
    barcode = fields.Char(index=True)
    epc_code = fields.Char(string="EPC code", index=True)
    ble_code = fields.Char(string="BLE code")
    item_definition_id = fields.Many2one("trackonline.item.definition", required=True,
                                         index=True, ondelete="restrict")
    device_ids_text = fields.Char(string="Device IDs", help="Comma-separated IoT device ids.")
    location_id = fields.Many2one("trackonline.location", string="Last known location",
                                  index=True, ondelete="set null")
    latitude = fields.Float(digits=(10, 7), readonly=True)
    longitude = fields.Float(digits=(10, 7), readonly=True)
    temperature = fields.Float(string="Last known temperature", readonly=True)
    last_transaction_remote_id = fields.Char(string="Last transaction", readonly=True)
    first_seen = fields.Datetime()
    last_seen = fields.Datetime()
    created_on = fields.Datetime(readonly=True)
    notes = fields.Text()
    is_deleted = fields.Boolean(string="Deleted in TrackOnline", readonly=True)

    def _to_payload(self):
        self.ensure_one()
        return mapping.unique_item_payload(self)

    def _unsent_item_definitions(self):
        return self.item_definition_id.filtered(lambda item: not item.remote_id)


def count_unique_items(records, field):
    """Set ``unique_item_count`` on item definitions or locations (``field`` links them)."""
    counts = dict(records.env["trackonline.unique.item"]._read_group(
        [(field, "in", records.ids)], [field], ["__count"]))
    for record in records:
        record.unique_item_count = counts.get(record, 0)


def open_unique_items(record, field):
    """The unique items of one item definition or location."""
    record.ensure_one()
    action = record.env["ir.actions.act_window"]._for_xml_id(
        "tracking_connector.action_trackonline_unique_item")
    action["domain"] = [(field, "=", record.id)]
    action["context"] = {"default_%s" % field: record.id,
                         "default_backend_id": record.backend_id.id}
    return action
