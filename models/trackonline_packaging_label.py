from odoo import api, fields, models

from .trackline_process import _parse_datetime
from .trackonline_transaction import _iso


class TrackOnlinePackagingLabel(models.Model):
    """An SSCC label and what it packs: item definitions with quantities and unique items."""

    _name = "trackonline.packaging.label"
    _description = "TrackOnline Packaging Label"
    _inherit = ["tracking.binding.mixin", "trackonline.outgoing.mixin", "mail.thread"]
    _order = "number, id"
    _rec_name = "number"
    _trackonline_resource = "packaginglabel"

    backend_id = fields.Many2one("trackonline.backend", required=True, index=True,
                                 ondelete="cascade")
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    number = fields.Char(required=True, index=True)
    label_type = fields.Selection([("0", "Undefined"), ("1", "SSCC")], string="Type",
                                  default="1")
    expiration_on = fields.Datetime(required=True)
    is_expired = fields.Boolean(compute="_compute_is_expired", search="_search_is_expired",
                                string="Expired")
    is_enabled = fields.Boolean(string="Enabled", default=True)
    line_ids = fields.One2many("trackonline.packaging.label.line", "label_id",
                               string="Non-serialized items")
    unique_item_ids = fields.Many2many("trackonline.unique.item", string="Serialized items")
    created_on = fields.Datetime(readonly=True)

    def _compute_is_expired(self):
        now = fields.Datetime.now()
        for label in self:
            label.is_expired = bool(label.expiration_on and label.expiration_on <= now)

    def _search_is_expired(self, operator, value):
        expired = (operator == "=") == bool(value)
        return [("expiration_on", "<=" if expired else ">", fields.Datetime.now())]

    @api.model
    def _save_page(self, backend, run, rows):
        items = self.env["trackonline.item.definition"]
        item_ids = items._resolve_refs(
            backend, [line.get("itemDefinition") for row in rows
                      for line in row.get("packagingNonSerializedItems") or []], items._stub)
        numbers = [(entry.get("uniqueItem") or entry.get("item") or {}).get("number")
                   for row in rows for entry in row.get("packagingSerializedItems") or []]
        unique = {u.number: u.id for u in self.env["trackonline.unique.item"].search(
            [("backend_id", "=", backend.id), ("number", "in", [n for n in numbers if n])])}

        def values(row):
            serialized = [(entry.get("uniqueItem") or entry.get("item") or {}).get("number")
                          for entry in row.get("packagingSerializedItems") or []]
            return {
                "remote_id": row["id"], "number": row["number"],
                "label_type": "1" if str(row.get("type")) in ("1", "Sscc") else "0",
                "expiration_on": _parse_datetime(row.get("expirationOn")),
                "is_enabled": row.get("isEnabled", True) is not False,
                "created_on": _parse_datetime(row.get("createdOn")),
                "line_ids": [(5, 0, 0)] + [(0, 0, {
                    "item_definition_id": item_ids[line["itemDefinition"]["number"]],
                    "quantity": int(line.get("quantity") or 0)})
                    for line in row.get("packagingNonSerializedItems") or []
                    if (line.get("itemDefinition") or {}).get("number") in item_ids],
                "unique_item_ids": [(6, 0, sorted(unique[n] for n in serialized
                                                  if n in unique))],
            }

        return self._save_rows(backend, run, rows, values,
                               required=("id", "number", "expirationOn"))

    def _to_payload(self):
        self.ensure_one()
        payload = {
            "number": self.number, "expirationOn": _iso(self.expiration_on),
            "type": int(self.label_type or 0), "isEnabled": self.is_enabled,
            "packagingNonSerializedItems": [
                {"itemDefinition": {"number": line.item_definition_id.number},
                 "quantity": line.quantity} for line in self.line_ids],
            "packagingSerializedItems": [{"uniqueItem": {"number": item.number}}
                                         for item in self.unique_item_ids],
        }
        if self.remote_id:
            payload["id"] = self.remote_id
        return payload


class TrackOnlinePackagingLabelLine(models.Model):
    _name = "trackonline.packaging.label.line"
    _description = "TrackOnline Packaging Label Item"

    label_id = fields.Many2one("trackonline.packaging.label", required=True, index=True,
                               ondelete="cascade")
    company_id = fields.Many2one(related="label_id.company_id", store=True)
    item_definition_id = fields.Many2one("trackonline.item.definition", required=True,
                                         ondelete="restrict")
    quantity = fields.Integer()
