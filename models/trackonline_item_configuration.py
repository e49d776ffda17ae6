"""TrackOnline item configurations (the item definitions agreed for a location) and their
members."""

from odoo import fields, models

from ..mappings import trackonline as mapping


class TrackOnlineItemConfiguration(models.Model):
    """Item definitions agreed for a location: balances, flows, cycle and lead times."""

    _name = "trackonline.item.configuration"
    _description = "TrackOnline Item Configuration"
    _inherit = ["trackonline.local.edit.mixin", "mail.thread"]
    _order = "name, id"
    _trackonline_resource = "itemconfiguration"
    _trackonline_lookup = ("Name", "name", "name")  # "part of the name": exact match kept
    _remote_entity = mapping.ITEM_CONFIGURATION
    _payload_fields = {"member_ids": "members"}

    backend_id = fields.Many2one("trackonline.backend", required=True, index=True,
                                 ondelete="cascade")
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    name = fields.Char(required=True, index=True)
    member_ids = fields.One2many("trackonline.item.configuration.member", "configuration_id",
                                 string="Members")

    def _to_payload(self):
        self.ensure_one()
        return mapping.item_configuration_payload(self)

    def _unsent_item_definitions(self):
        return self.member_ids.item_definition_id.filtered(lambda item: not item.remote_id)

    def _would_copy(self):
        """Sent again without its id, a configuration may be a second one (it has no number;
        the document names a record by its id): a retry looks it up by its name first."""
        return not self.remote_id


class TrackOnlineItemConfigurationMember(models.Model):
    _name = "trackonline.item.configuration.member"
    _description = "TrackOnline Item Configuration Member"
    _inherit = ["tracking.mirrored.line.mixin"]
    _order = "configuration_id, position, id"
    _parent_field = "configuration_id"

    configuration_id = fields.Many2one("trackonline.item.configuration", required=True,
                                       index=True, ondelete="cascade")
    company_id = fields.Many2one(related="configuration_id.company_id", store=True)
    item_definition_id = fields.Many2one("trackonline.item.definition", required=True,
                                         ondelete="restrict")
    position = fields.Integer()
    maximum_balance = fields.Integer()
    minimum_balance = fields.Integer()
    minimum_stock_collection = fields.Integer()
    maximum_flow_in = fields.Integer()
    minimum_flow_in = fields.Integer()
    maximum_flow_out = fields.Integer()
    minimum_flow_out = fields.Integer()
    contract_cycle_time = fields.Integer()
    lead_time = fields.Integer()
    active_from = fields.Datetime()
    active_to = fields.Datetime()
