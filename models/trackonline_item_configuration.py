from odoo import api, fields, models

from .trackline_process import _parse_datetime
from .trackonline_transaction import _iso


class TrackOnlineItemConfiguration(models.Model):
    """Item definitions agreed for a location: balances, flows, cycle and lead times."""

    _name = "trackonline.item.configuration"
    _description = "TrackOnline Item Configuration"
    _inherit = ["tracking.binding.mixin", "trackonline.outgoing.mixin", "mail.thread"]
    _order = "name, id"
    _trackonline_resource = "itemconfiguration"

    backend_id = fields.Many2one("trackonline.backend", required=True, index=True,
                                 ondelete="cascade")
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    name = fields.Char(required=True, index=True)
    member_ids = fields.One2many("trackonline.item.configuration.member", "configuration_id",
                                 string="Members")

    @api.model
    def _save_page(self, backend, run, rows):
        items = self.env["trackonline.item.definition"]
        refs = [{"id": m.get("itemDefinitionId"), "number": m.get("number"),
                 "name": m.get("name"), "type": m.get("type")}
                for row in rows for m in row.get("members") or []]
        item_ids = items._resolve_refs(backend, refs, items._stub)

        def values(row):
            members = [(0, 0, {
                "item_definition_id": item_ids[m["number"]], "position": m.get("position") or 0,
                "maximum_balance": m.get("maximumBalance") or 0,
                "minimum_balance": m.get("minimumBalance") or 0,
                "minimum_stock_collection": m.get("minimumStockCollection") or 0,
                "maximum_flow_in": m.get("maximumFlowIn") or 0,
                "minimum_flow_in": m.get("minimumFlowIn") or 0,
                "maximum_flow_out": m.get("maximumFlowOut") or 0,
                "minimum_flow_out": m.get("minimumFlowOut") or 0,
                "contract_cycle_time": m.get("contractCycleTime") or 0,
                "lead_time": m.get("leadTime") or 0,
                "active_from": _parse_datetime(m.get("activeFrom")),
                "active_to": _parse_datetime(m.get("activeTo")),
            }) for m in row.get("members") or [] if m.get("number") in item_ids]
            return {"remote_id": row["id"], "name": row["name"],
                    "member_ids": [(5, 0, 0)] + members}

        return self._save_rows(backend, run, rows, values, required=("id", "name"))

    def _to_payload(self):
        self.ensure_one()
        payload = {"name": self.name, "members": [member._to_payload()
                                                  for member in self.member_ids]}
        if self.remote_id:
            payload["id"] = self.remote_id
        return payload


class TrackOnlineItemConfigurationMember(models.Model):
    _name = "trackonline.item.configuration.member"
    _description = "TrackOnline Item Configuration Member"
    _order = "configuration_id, position, id"

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

    def _to_payload(self):
        self.ensure_one()
        return {"itemDefinitionId": self.item_definition_id.remote_id,
                "number": self.item_definition_id.number, "position": self.position,
                "maximumBalance": self.maximum_balance, "minimumBalance": self.minimum_balance,
                "minimumStockCollection": self.minimum_stock_collection,
                "maximumFlowIn": self.maximum_flow_in, "minimumFlowIn": self.minimum_flow_in,
                "maximumFlowOut": self.maximum_flow_out,
                "minimumFlowOut": self.minimum_flow_out,
                "contractCycleTime": self.contract_cycle_time, "leadTime": self.lead_time,
                "activeFrom": _iso(self.active_from), "activeTo": _iso(self.active_to)}
