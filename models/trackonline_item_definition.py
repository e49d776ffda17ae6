"""TrackOnline item definitions: the kinds of returnable items (crate, pallet...)."""

from odoo import api, fields, models

from ..mappings import trackonline as mapping
from ..mappings import trackonline_codes as codes
from .tracking_access import USER_GROUP, check_group
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
        check_group(self, USER_GROUP)
        return open_unique_items(self, "item_definition_id")

    @api.depends("number", "name")
    def _compute_display_name(self):
        for item in self:
            item.display_name = "[%s] %s" % (item.number, item.name)

    _stub_entity = mapping.ITEM_DEFINITION
