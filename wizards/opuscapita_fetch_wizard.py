"""The dialog that fetches the OpusCapita events of one period once, without moving the
scheduled sync's cursor."""

from odoo import fields, models
from odoo.exceptions import UserError

from ..mappings.settings import comma_list
from ..models.tracking_access import USER_GROUP, check_group


class OpusCapitaFetchWizard(models.TransientModel):
    """Fetch the events of one period (and optional filters) once, without touching the
    scheduled sync's cursor."""

    _name = "opuscapita.fetch.wizard"
    _description = "Fetch OpusCapita events"

    backend_id = fields.Many2one("opuscapita.backend", required=True)
    date_from = fields.Datetime(required=True,
                                default=lambda self: fields.Datetime.subtract(
                                    fields.Datetime.now(), days=1))
    date_to = fields.Datetime(required=True, default=fields.Datetime.now)
    document_types = fields.Char(help="Comma-separated; the backend's setting if empty.")
    statuses = fields.Char(help="Comma-separated; the backend's setting if empty.")

    def action_fetch(self):
        check_group(self, USER_GROUP, "write")
        self.ensure_one()
        check_group(self.backend_id, USER_GROUP)
        if self.date_from >= self.date_to:
            raise UserError(self.env._("The period must end after it starts."))

        run = self.backend_id._sync_events(
            date_from=self.date_from, date_to=self.date_to,
            overrides={"documentTypes": comma_list(self.document_types),
                       "statuses": comma_list(self.statuses)})
        return self.backend_id._notify_logs(self.env._("OpusCapita events"), run.log)
