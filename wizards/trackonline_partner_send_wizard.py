"""The confirmation of "Send to TrackOnline as locations" on contacts: what each location will
be, shown before anything is written or sent."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.tracking_access import USER_GROUP, check_group


class TrackOnlinePartnerSendWizard(models.TransientModel):
    _name = "trackonline.partner.send.wizard"
    _description = "Send contacts to TrackOnline as locations"

    partner_ids = fields.Many2many("res.partner", string="Contacts", required=True)
    backend_id = fields.Many2one("trackonline.backend", string="TrackOnline", required=True)
    preview = fields.Html(string="What will change", compute="_compute_preview",
                          sanitize=False)

    @api.model
    def _open(self, partners):
        """The wizard for ``partners`` and the current company's TrackOnline backend."""
        backend = self.env["trackonline.backend"].search(
            [("company_id", "=", self.env.company.id)], limit=1)
        if not backend:
            raise UserError(self.env._("No active TrackOnline backend for %s.",
                                       self.env.company.name))
        wizard = self.create({"partner_ids": [(6, 0, partners.ids)],
                              "backend_id": backend.id})
        return {"type": "ir.actions.act_window", "res_model": self._name,
                "res_id": wizard.id, "view_mode": "form", "target": "new",
                "name": self.env._("Send to TrackOnline as locations")}

    @api.depends("partner_ids", "backend_id")
    def _compute_preview(self):
        for wizard in self:
            wizard.preview = wizard._preview_html() if wizard.backend_id else False

    def _preview_html(self):
        """One table: each contact's location, and each field that changes (now, after)."""
        rows = []
        locations = self.env["trackonline.location"]
        for partner, location, changes in locations._changes_from_partners(
                self.backend_id, self.partner_ids):
            title = (self.env._("%s (linked location: keeps its number and type)",
                                location.display_name) if location
                     else self.env._("%s (new location)", partner.display_name))
            rows.append(Markup('<tr class="table-light"><td colspan="3"><b>%s</b></td></tr>')
                        % title)
            rows.extend(Markup("<tr><td>%s</td><td>%s</td><td>%s</td></tr>") % change
                        for change in changes)
            if not changes:
                rows.append(Markup('<tr><td colspan="3">%s</td></tr>')
                            % self.env._("Nothing changes: it is sent as it is."))
        return Markup(
            '<table class="table table-sm o_trackonline_send_preview"><thead><tr><th>%s</th>'
            "<th>%s</th><th>%s</th></tr></thead><tbody>%s</tbody></table>") % (
            self.env._("Field"), self.env._("In Odoo now"), self.env._("Sent to TrackOnline"),
            Markup("").join(rows))

    def action_send(self):
        """Draft the locations as shown (``trackonline.location._from_partners``) and send
        them."""
        check_group(self, USER_GROUP, "write")
        self.ensure_one()
        check_group(self.backend_id, USER_GROUP)
        return self.backend_id._send_partners(self.partner_ids)
