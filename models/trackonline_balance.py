"""TrackOnline balances of returnable items per location and item definition, replaced as a
whole by each balance sync."""

from odoo import api, fields, models

from ..mappings import trackonline as mapping
from .tracking_access import USER_GROUP, check_group
from .tracking_binding_mixin import SYNC_WRITE, SyncWriter
from .tracking_messages import _lt


class TrackOnlineBalance(models.Model):
    """The balance of returnable items per location and item definition, as TrackOnline
    computes it; replaced as a whole by each balance sync."""

    _name = "trackonline.balance"
    _remote_entity = mapping.BALANCE
    _description = "TrackOnline Balance"
    _inherit = ["tracking.binding.mixin"]
    _order = "location_id, item_definition_id"

    backend_id = fields.Many2one("trackonline.backend", required=True, index=True,
                                 ondelete="cascade")
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    location_id = fields.Many2one("trackonline.location", required=True, index=True,
                                  ondelete="cascade")
    item_definition_id = fields.Many2one("trackonline.item.definition", required=True,
                                         index=True, ondelete="cascade")
    balance = fields.Integer(aggregator="sum")
    synced_at = fields.Datetime(readonly=True)

    @api.depends("location_id.display_name", "item_definition_id.display_name")
    def _compute_display_name(self):
        """The location and the item definition it counts."""
        for balance in self:
            balance.display_name = "%s, %s" % (balance.location_id.display_name or "",
                                               balance.item_definition_id.display_name or "")

    def action_print_statement(self):
        """The balance statement of the locations of these balances."""
        check_group(self, USER_GROUP)
        return self.env.ref("tracking_connector.action_report_balance_statement").report_action(
            self.location_id)

    @api.model
    def _import_prepare(self, backend, run, values_list):
        """A balance is keyed by its location and item definition; a row naming one not
        known (and not creatable from the row) is skipped."""
        kept = []
        for values in values_list:
            if not values["location_id"] or not values["item_definition_id"]:
                run.skip_row(_lt("balance row without a known location or item definition "
                                 "skipped"))
                continue
            kept.append(dict(values, remote_id="%s|%s" % (values["location_id"],
                                                          values["item_definition_id"])))
        return kept

    @api.model
    def _import_after_save(self, backend, run, records, rows):
        """The balances are read whole in one page: those TrackOnline no longer gives go. An
        answer with no balance at all (a 204, a server that wants the locations named) keeps
        the mirrored ones, with a warning: it never empties the mirror."""
        stale = self.search([("backend_id", "=", backend.id), ("id", "not in", records.ids)])
        if not rows and stale:
            run.warn(_lt("TrackOnline gave no balance at all: the %s balances mirrored before "
                         "are kept as they were.", len(stale)), serious=True)
            return
        stale.with_context(**{SYNC_WRITE: SyncWriter}).unlink()
        records.write({"synced_at": fields.Datetime.now()})
