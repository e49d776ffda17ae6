# Run names and summaries are words translated when read (``_lt``, models/tracking_words.py).
# pylint: disable=prefer-env-translation
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..clients.sage50 import FINAL_STATUSES
from .tracking_attachment import attach_files
from .tracking_words import _lt


class Sage50Upload(models.Model):
    """One file sent to Sage 50, followed through its tracking URL to accepted, failed or
    badRequest, with the result file attached."""

    _name = "sage50.upload"
    _description = "Sage 50 Upload"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    backend_id = fields.Many2one("sage50.backend", required=True, index=True,
                                 ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    scope = fields.Char(required=True, readonly=True)
    res_model = fields.Char(string="Source model", readonly=True)
    res_ids = fields.Char(string="Source records", readonly=True)
    record_count = fields.Integer(readonly=True)
    state = fields.Selection(
        [("sent", "Sent"), ("running", "In progress"), ("accepted", "Accepted"),
         ("failed", "Failed"), ("badRequest", "Bad request"), ("error", "Error")],
        default="sent", required=True, readonly=True, index=True, tracking=True)
    remote_status = fields.Char(readonly=True)
    progress = fields.Integer(readonly=True)
    tracking_url = fields.Char(readonly=True)
    message = fields.Char(readonly=True)
    result_attachment_id = fields.Many2one("ir.attachment", readonly=True, ondelete="set null")
    source_label = fields.Char(string="Sent from", compute="_compute_source_label")

    @api.depends("res_model", "res_ids")
    def _compute_source_label(self):
        for upload in self:
            model = upload.res_model and self.env["ir.model"]._get(upload.res_model)
            count = len((upload.res_ids or "").split(",")) if upload.res_ids else 0
            upload.source_label = model and "%s (%d)" % (model.name, count)

    def _source_records(self):
        self.ensure_one()
        if not self.res_model or self.res_model not in self.env or not self.res_ids:
            return None
        ids = [int(part) for part in self.res_ids.split(",") if part.strip().isdigit()]
        return self.env[self.res_model].browse(ids).exists()

    def action_open_sources(self):
        """The records this upload sent (contacts, Trackline processes)."""
        records = self._source_records()
        if not records:
            raise UserError(self.env._("The records this upload sent no longer exist."))
        return {"type": "ir.actions.act_window", "res_model": records._name,
                "name": self.name, "views": [(False, "list"), (False, "form")],
                "domain": [("id", "in", records.ids)]}

    @api.model
    def _send(self, backend, scope, records, payload, label):
        """Upload ``payload`` and keep an upload record to follow it."""
        with backend._sync_run(_lt("upload %s", scope)) as run:
            tracking_url = backend._make_client(run.stats).upload(scope, payload)
            with run.step(label, fatal=True):
                upload = self.create({
                    "name": label, "backend_id": backend.id, "scope": scope,
                    "res_model": records._name, "res_ids": ",".join(map(str, records.ids)),
                    "record_count": len(payload.get("records") or []),
                    "tracking_url": tracking_url})
                run.count(created=1)
        run.raise_if_failed()
        return upload

    def _poll(self, backend):
        """Ask Sage how each upload is doing; at a final state, keep the result file."""
        with backend._sync_run(_lt("follow uploads")) as run:
            run.exclusive("uploads")
            client = backend._make_client(run.stats)
            for upload in self:
                with run.step(upload.name):
                    tracking = client.tracking(upload.tracking_url)
                    status = tracking["status"]
                    values = {"remote_status": status, "progress": tracking["progress"],
                              "message": tracking["message"] or False,
                              "state": status if status in FINAL_STATUSES else "running"}
                    if status in FINAL_STATUSES and tracking["downloadResultUrl"]:
                        content = client.download(tracking["downloadResultUrl"],
                                                  backend.max_file_size * 1024 * 1024)
                        values["result_attachment_id"] = attach_files(
                            upload, [("%s result.json" % upload.name, content, None)]).id
                    upload.write(values)
                    run.count(updated=1)
        return run

    def _open(self):
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "view_mode": "form"}

    def action_poll(self):
        run = self._poll(self.backend_id[:1])
        return self.backend_id[:1]._notify_logs(self.env._("Sage 50 uploads"), run.log)
