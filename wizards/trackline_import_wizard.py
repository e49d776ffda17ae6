"""The "Import from Trackline" dialog: one process by ID or name, linked to the record it was
opened for."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.tracking_access import USER_GROUP, check_group
from ..models.tracking_messages import _lt


class TracklineImportWizard(models.TransientModel):
    """Import one Trackline process by ID or name; opened from the Tracking menu, from a
    backend, from the dashboard, or from the Action menu of a record it is then linked to.

    The record to link is given explicitly (``res_model``, ``res_id``: the Action menu's
    entry sets their defaults, models/trackline_backend.py ``_sync_action_bindings``), never
    taken from the record the wizard was opened from: a dashboard card or a backend is no
    record to link a process to."""

    _name = "trackline.import.wizard"
    _description = "Import from Trackline"

    backend_id = fields.Many2one(
        "trackline.backend", required=True,
        default=lambda self: self.env["trackline.backend"].search([], limit=1))
    lookup = fields.Selection([("id", "Process ID"), ("name", "Process name")],
                              string="Find by", default="id", required=True)
    process_ref = fields.Char(string="Process ID or name", required=True)
    res_model = fields.Char(string="Link to model")
    res_id = fields.Integer(string="Link to record")
    res_name = fields.Char(string="Link to", compute="_compute_res_name")

    @api.depends("res_model", "res_id")
    def _compute_res_name(self):
        for wizard in self:
            record = wizard._record()
            wizard.res_name = record.display_name if record else False

    def _record(self):
        if not self.res_model or not self.res_id or self.res_model not in self.env:
            return None
        return self.env[self.res_model].browse(self.res_id).exists() or None

    def action_import(self):
        check_group(self, USER_GROUP, "write")
        self.ensure_one()
        check_group(self.backend_id, USER_GROUP)
        reference = (self.process_ref or "").strip()
        if not reference:
            raise UserError(self.env._("Enter a process ID or name."))
        record = self._record()
        if self.res_model and not record:
            raise UserError(self.env._("The record to link the process to no longer exists."))
        if record:
            record.check_access("write")
        backend = self.backend_id
        with backend._sync_run(_lt("import process %s", reference)) as run:
            process = backend._import_process(
                run, backend._make_client(run.stats),
                process_id=reference if self.lookup == "id" else None,
                process_name=reference if self.lookup == "name" else None,
                record=record)
        run.raise_if_failed()
        return {
            "type": "ir.actions.act_window",
            "res_model": "trackline.process",
            "res_id": process.id,
            "view_mode": "form",
            "target": "current",
        }
