from odoo import api, fields, models

from ..clients.settings import comma_list
from .trackline_process import _parse_datetime


class TrackOnlineUniqueItem(models.Model):
    """One physical item (crate, pallet...) with its codes, devices and last known place."""

    _name = "trackonline.unique.item"
    _description = "TrackOnline Unique Item"
    _inherit = ["tracking.binding.mixin", "trackonline.outgoing.mixin", "mail.thread"]
    _order = "number, id"
    _rec_name = "number"
    _trackonline_resource = "uniqueitem"

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

    @api.model
    def _save_page(self, backend, run, rows):
        items = self.env["trackonline.item.definition"]
        item_ids = items._resolve_refs(backend, [row.get("itemDefinition") for row in rows],
                                       items._stub)
        locations = self.env["trackonline.location"]
        location_ids = locations._resolve_refs(
            backend, [row.get("lastKnownLocation") for row in rows], locations._stub)

        def values(row):
            position = row.get("lastKnownPosition") or {}
            devices = [d.get("deviceId") for d in _as_list(row.get("deviceIds")) if d]
            return {
                "remote_id": row["id"], "number": row["number"],
                "barcode": row.get("barCode") or row.get("barcode") or False,
                "epc_code": row.get("epcCode") or False, "ble_code": row.get("bleCode") or False,
                "item_definition_id": item_ids.get((row.get("itemDefinition") or {})
                                                   .get("number"), False),
                "device_ids_text": ", ".join(filter(None, devices)) or False,
                "location_id": location_ids.get((row.get("lastKnownLocation") or {})
                                                .get("number"), False),
                "latitude": position.get("latitude") or 0.0,
                "longitude": position.get("longitude") or 0.0,
                "temperature": row.get("lastKnownTemperature") or 0.0,
                "last_transaction_remote_id": row.get("lastKnownTransactionId") or False,
                "first_seen": _parse_datetime(row.get("firstSeen")),
                "last_seen": _parse_datetime(row.get("lastSeen")),
                "created_on": _parse_datetime(row.get("createdOn")),
                "notes": row.get("notes") or False,
                "is_deleted": bool(row.get("isDeleted")),
            }

        return self._save_rows(backend, run, rows, values,
                               required=("id", "number", "itemDefinition"))

    def _to_payload(self):
        self.ensure_one()
        devices = comma_list(self.device_ids_text)
        payload = {"number": self.number, "barcode": self.barcode or None,
                   "epcCode": self.epc_code or None, "bleCode": self.ble_code or None,
                   "itemDefinition": {"number": self.item_definition_id.number},
                   "deviceIds": [{"deviceId": device} for device in devices],
                   "notes": self.notes or None}
        if self.location_id:
            payload["lastKnownLocation"] = {"number": self.location_id.number}
        if self.remote_id:
            payload["id"] = self.remote_id
        return payload


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


def _as_list(value):
    """The document shows ``deviceIds`` both as an object and as a list of objects."""
    if isinstance(value, dict):
        return [value]
    return [v for v in value or [] if isinstance(v, dict)]
