from odoo import api, fields, models

from . import trackonline_codes as codes


class TrackOnlineTransactionLine(models.Model):
    _name = "trackonline.transaction.line"
    _description = "TrackOnline Transaction Item"
    _order = "transaction_id, sequence, id"

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

    @api.model
    def _replace_lines(self, transactions, rows_per_transaction, item_ids, warn):
        """Make each transaction's lines those TrackOnline gives, with one read of the current
        lines and one create for all new lines; unchanged transactions keep theirs."""
        wanted = {}
        for transaction, rows in zip(transactions, rows_per_transaction, strict=True):
            lines = []
            for position, row in enumerate(rows):
                item_id = item_ids.get((row.get("itemDefinition") or {}).get("number"))
                if not item_id:
                    warn("transaction %s: an item line without item definition skipped"
                         % transaction.remote_id)
                    continue
                lines.append((position, item_id, int(row.get("quantity") or 0),
                              int(row.get("quantityPlanned") or 0),
                              codes.code(codes.CONDITIONS, row.get("itemConditionType"), warn,
                                         "item condition") or "0"))
            wanted[transaction.id] = lines
        current = {}
        for line in self.search_read([("transaction_id", "in", list(wanted))],
                                     ["transaction_id", "sequence", "item_definition_id",
                                      "quantity", "quantity_planned", "condition"],
                                     order="transaction_id, sequence, id"):
            current.setdefault(line["transaction_id"][0], []).append(line)
        stale, new = [], []
        for transaction_id, lines in wanted.items():
            existing = current.get(transaction_id, [])
            have = [(line["sequence"], line["item_definition_id"][0], line["quantity"],
                     line["quantity_planned"], line["condition"]) for line in existing]
            if have == lines:
                continue
            stale.extend(line["id"] for line in existing)
            new.extend({"transaction_id": transaction_id, "sequence": position,
                        "item_definition_id": item_id, "quantity": quantity,
                        "quantity_planned": planned, "condition": condition}
                       for position, item_id, quantity, planned, condition in lines)
        self.browse(stale).unlink()
        self.create(new)

    def _to_payload(self):
        self.ensure_one()
        return {"itemDefinition": {"number": self.item_definition_id.number},
                "quantity": self.quantity, "quantityPlanned": self.quantity_planned or None,
                "itemConditionType": int(self.condition) if self.condition.isdigit() else 0}
