"""TrackOnline packaging labels (SSCC) and the items each one packs."""

from odoo import fields, models

from ..mappings import trackonline as mapping


class TrackOnlinePackagingLabel(models.Model):
    """An SSCC label and what it packs: item definitions with quantities and unique items."""

    _name = "trackonline.packaging.label"
    _description = "TrackOnline Packaging Label"
    _inherit = ["trackonline.local.edit.mixin", "mail.thread"]
    _order = "number, id"
    _rec_name = "number"
    _trackonline_resource = "packaginglabel"
    _remote_entity = mapping.PACKAGING_LABEL
    _payload_fields = {"line_ids": "packagingNonSerializedItems",
                       "unique_item_ids": "packagingSerializedItems"}

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

    def _to_payload(self):
        self.ensure_one()
        return mapping.packaging_label_payload(self)

    def _unsent_item_definitions(self):
        return self.line_ids.item_definition_id.filtered(lambda item: not item.remote_id)


class TrackOnlinePackagingLabelLine(models.Model):
    _name = "trackonline.packaging.label.line"
    _description = "TrackOnline Packaging Label Item"
    _inherit = ["tracking.mirrored.line.mixin"]
    _parent_field = "label_id"

    label_id = fields.Many2one("trackonline.packaging.label", required=True, index=True,
                               ondelete="cascade")
    company_id = fields.Many2one(related="label_id.company_id", store=True)
    item_definition_id = fields.Many2one("trackonline.item.definition", required=True,
                                         ondelete="restrict")
    quantity = fields.Integer()
