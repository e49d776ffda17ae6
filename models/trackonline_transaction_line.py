"""The items of a TrackOnline transaction: an item definition and its quantity."""

from odoo import api, fields, models
from odoo.tools.sql import create_index

from ..mappings import trackonline_codes as codes


class TrackOnlineTransactionLine(models.Model):
    _name = "trackonline.transaction.line"
    _description = "TrackOnline Transaction Item"
    _inherit = ["tracking.mirrored.line.mixin"]
    _order = "transaction_id, sequence, id"
    _parent_field = "transaction_id"

    transaction_id = fields.Many2one("trackonline.transaction", required=True, index=True,
                                     ondelete="cascade")
    backend_id = fields.Many2one(related="transaction_id.backend_id", store=True, index=True)
    company_id = fields.Many2one(related="transaction_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    item_definition_id = fields.Many2one("trackonline.item.definition", required=True,
                                         index=True, ondelete="restrict")
    quantity = fields.Integer()
    quantity_planned = fields.Integer(string="Planned quantity")
    condition = fields.Selection(codes.CONDITIONS, default="0")
    # Filled from the transaction, for reports by date, type and location.
    date_transaction = fields.Datetime(related="transaction_id.date_transaction", store=True)
    type_code = fields.Selection(related="transaction_id.type_code", store=True)
    status_code = fields.Selection(related="transaction_id.status_code", store=True)
    from_location_id = fields.Many2one(related="transaction_id.from_location_id", store=True,
                                       index=True)
    to_location_id = fields.Many2one(related="transaction_id.to_location_id", store=True,
                                     index=True)

    def init(self):
        # The list of items, newest first (its view's order), reads an index instead of
        # sorting every item (millions after a few years: scripts/bench_scale.sh); the model's
        # order (by transaction) would sort them all through a join.
        create_index(self.env.cr, "trackonline_transaction_line_newest_idx", self._table,
                     ["date_transaction DESC", "id DESC"])

    @api.depends("transaction_id.display_name", "item_definition_id.display_name", "quantity")
    def _compute_display_name(self):
        """The transaction, and what it moved of which item."""
        for line in self:
            line.display_name = "%s: %s x %s" % (line.transaction_id.display_name or "",
                                                 line.quantity,
                                                 line.item_definition_id.display_name or "")
