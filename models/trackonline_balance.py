from odoo import api, fields, models


class TrackOnlineBalance(models.Model):
    """The balance of returnable items per location and item definition, as TrackOnline
    computes it; replaced as a whole by each balance sync."""

    _name = "trackonline.balance"
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

    def action_print_statement(self):
        """The balance statement of the locations of these balances."""
        return self.env.ref("tracking_connector.action_report_balance_statement").report_action(
            self.location_id)

    @api.model
    def _replace_all(self, backend, run, rows):
        locations = self.env["trackonline.location"]
        location_ids = locations._resolve_refs(backend, [row.get("location") for row in rows],
                                               locations._stub)
        items = self.env["trackonline.item.definition"]
        item_ids = items._resolve_refs(backend, [row.get("itemDefinition") for row in rows],
                                       items._stub)
        values = []
        for row in rows:
            location = location_ids.get((row.get("location") or {}).get("number"))
            item = item_ids.get((row.get("itemDefinition") or {}).get("number"))
            if not location or not item:
                run.count(skipped=1)
                run.error(self.env._("balance row without a known location or item "
                                     "definition skipped: %s", str(row)[:200]))
                continue
            values.append({"remote_id": "%s|%s" % (location, item), "location_id": location,
                           "item_definition_id": item, "balance": int(row.get("balance") or 0)})
        records, created, updated = self._upsert(backend, values)
        gone = self.search([("backend_id", "=", backend.id), ("id", "not in", records.ids)])
        gone.unlink()
        records.write({"synced_at": fields.Datetime.now()})
        run.count(created=created, updated=updated)
