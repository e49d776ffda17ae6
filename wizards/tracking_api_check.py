"""The dialog that shows the report of "Check the API" (``models/tracking_api_check.py``)
with its run log and the answers as received, to download."""

from markupsafe import Markup

from odoo import fields, models

from ..models.tracking_api_check import REPORT_NAME, SAMPLES_NAME, check_api


class TrackingApiCheck(models.TransientModel):
    """The dialog that shows a check's report, with its run log."""

    _name = "tracking.api.check"
    _description = "API check report"

    log_id = fields.Many2one("tracking.sync.log", string="Run log", readonly=True)
    report = fields.Html(readonly=True, sanitize=True)
    samples_id = fields.Many2one("ir.attachment", string="Answers as received",
                                 readonly=True)
    samples_data = fields.Binary(related="samples_id.datas", string="Answers as received "
                                 "(JSON)")
    samples_name = fields.Char(related="samples_id.name")

    def _open(self, backend):
        """Run the check of ``backend`` and the dialog that shows its report."""
        run, _answers = check_api(backend)
        attachments = self.env["ir.attachment"].sudo().search(
            [("res_model", "=", run.log._name), ("res_id", "=", run.log.id)])
        report = attachments.filtered(lambda a: a.name == REPORT_NAME)
        samples = attachments.filtered(lambda a: a.name == SAMPLES_NAME)
        if not report:  # the run failed before it read anything
            return backend._notify_logs(self.env._("Check the API"), run.log)
        dialog = self.create({"log_id": run.log.id, "samples_id": samples.id,
                              "report": Markup(report.raw.decode())})
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": dialog.id,
                "name": self.env._("Check the API: %s", backend.display_name),
                "view_mode": "form", "target": "new"}
