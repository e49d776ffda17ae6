from odoo import fields, models

from ..clients.trackonline import (
    CALCULATION_DOCUMENT_FILE,
    CALCULATION_DOCUMENTS,
    CALCULATION_RESULT,
    OUTPUT_TYPES,
)
from ..mappings import trackonline as mapping
from .tracking_attachment import attach_files


class TrackOnlineBatchCalculation(models.Model):
    """A TrackOnline batch calculation (a rental or invoicing run) with its result in each
    output type and its documents, all as attachments."""

    _name = "trackonline.batch.calculation"
    _remote_entity = mapping.BATCH_CALCULATION
    _description = "TrackOnline Batch Calculation"
    _inherit = ["tracking.binding.mixin", "mail.thread"]
    _order = "created_on desc, id desc"
    _rec_name = "number"

    backend_id = fields.Many2one("trackonline.backend", required=True, index=True,
                                 ondelete="cascade")
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    number = fields.Char(required=True, index=True)
    description = fields.Char()
    period_from = fields.Datetime()
    period_to = fields.Datetime()
    status = fields.Char()
    created_on = fields.Datetime(readonly=True)
    files_downloaded = fields.Boolean(readonly=True, copy=False)

    def _download_files(self, run, client):
        """Each output type of the result, and every document, as attachments; once."""
        for calculation in self.filtered(lambda c: not c.files_downloaded):
            with run.step(self.env._("batch calculation %s", calculation.number)):
                files = []
                for output_type, (label, extension) in OUTPUT_TYPES.items():
                    content, mimetype = client.download(
                        CALCULATION_RESULT, {"id": calculation.remote_id,
                                             "outputType": output_type})
                    files.append(("%s %s.%s" % (calculation.number, label, extension),
                                  content, mimetype))
                for _number, documents in client.pages(CALCULATION_DOCUMENTS,
                                                       {"id": calculation.remote_id}):
                    for document in documents:
                        content, mimetype = client.download(CALCULATION_DOCUMENT_FILE,
                                                            {"id": document["id"]})
                        files.append((document.get("name") or document["id"], content,
                                      mimetype))
                attach_files(calculation, files)
                calculation.files_downloaded = True
                run.count(updated=1)

    def action_view_attachments(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "name": self.number,
            "res_model": "ir.attachment", "view_mode": "list,form",
            "domain": [("res_model", "=", self._name), ("res_id", "=", self.id)],
        }
