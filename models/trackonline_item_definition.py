from odoo import api, fields, models

from . import trackonline_codes as codes
from .trackline_process import _parse_datetime
from .trackonline_unique_item import count_unique_items, open_unique_items


class TrackOnlineItemDefinition(models.Model):
    _name = "trackonline.item.definition"
    _description = "TrackOnline Item Definition"
    _inherit = ["tracking.binding.mixin"]
    _order = "number, id"

    backend_id = fields.Many2one("trackonline.backend", required=True, index=True,
                                 ondelete="cascade")
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    number = fields.Char(required=True, index=True)
    name = fields.Char(required=True)
    code = fields.Char()
    type = fields.Selection(codes.ITEM_TYPES, default="0")
    gs1_code = fields.Char(string="GS1 code")
    base_price = fields.Float()
    dim_length = fields.Float(string="Length")
    dim_width = fields.Float(string="Width")
    dim_height = fields.Float(string="Height")
    weight = fields.Float()
    volume = fields.Float()
    truck_spaces = fields.Integer(string="Truck floor spaces")
    max_stack_height = fields.Integer()
    max_truck_load = fields.Integer()
    standard_order_quantity = fields.Integer()
    is_enabled = fields.Boolean(string="Enabled", default=True)
    created_on = fields.Datetime(readonly=True)
    modified_on = fields.Datetime(readonly=True)
    unique_item_count = fields.Integer(compute="_compute_unique_item_count")

    def _compute_unique_item_count(self):
        count_unique_items(self, "item_definition_id")

    def action_view_unique_items(self):
        return open_unique_items(self, "item_definition_id")

    @api.depends("number", "name")
    def _compute_display_name(self):
        for item in self:
            item.display_name = "[%s] %s" % (item.number, item.name)

    @api.model
    def _values(self, row, warn):
        return {
            "remote_id": row["id"], "number": row["number"],
            "name": row.get("name") or row["number"], "code": row.get("code") or False,
            "type": codes.code(codes.ITEM_TYPES, row.get("type"), warn, "item type") or "0",
            "gs1_code": row.get("gS1Code") or False,
            "base_price": row.get("basePrice") or 0.0, "dim_length": row.get("length") or 0.0,
            "dim_width": row.get("width") or 0.0, "dim_height": row.get("height") or 0.0,
            "weight": row.get("weight") or 0.0, "volume": row.get("volume") or 0.0,
            "truck_spaces": row.get("numberOfTruckSpaces") or 0,
            "max_stack_height": row.get("maxStackHeight") or 0,
            "max_truck_load": row.get("maxTruckLoad") or 0,
            "standard_order_quantity": row.get("standardOrderQuantity") or 0,
            "is_enabled": row.get("isEnabled", True) is not False,
            "created_on": _parse_datetime(row.get("createdOn")),
            "modified_on": _parse_datetime(row.get("modifiedOn")),
        }

    @api.model
    def _save_page(self, backend, run, rows):
        return self._save_rows(backend, run, rows, lambda row: self._values(row, run.error))

    @api.model
    def _stub(self, ref):
        """Values for a record known only from an object embedded in another one."""
        return {
            "remote_id": ref["id"], "number": ref["number"],
            "name": ref.get("name") or ref["number"], "code": ref.get("code") or False,
            "type": codes.code(codes.ITEM_TYPES, ref.get("type")) or "0",
        }
