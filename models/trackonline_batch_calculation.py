"""TrackOnline batch calculations (rental or invoicing runs), with their result in each
output type and their documents kept as attachments."""

from odoo import fields, models

from ..clients.concurrent import bounded
from ..clients.trackonline import (
    CALCULATION_DOCUMENT_FILE,
    CALCULATION_DOCUMENTS,
    CALCULATION_RESULT,
    OUTPUT_TYPES,
)
from ..mappings import trackonline as mapping
from .tracking_access import USER_GROUP, check_group
from .tracking_attachment import attach_files

PARALLEL_FILES = 4  # files of a batch calculation asked at once


def _download_all(client, wanted):
    """``(item, (content, mimetype))`` for each ``(path, params, name)`` of ``wanted``;
    the first error met is raised once all are back."""
    ready = 0
    for _item in wanted:
        if not client.prepare_ahead():
            break
        ready += 1
    bound = PARALLEL_FILES
    if ready < len(wanted):
        client.settle()  # the part taken given back: one at a time, each waiting its turn
        bound = 1
    try:
        results = list(bounded(wanted, lambda item: client.download(item[0], item[1]), bound))
    finally:
        client.settle()  # the budget taken and not used is given back
    for _item, _result, error in results:
        if error:
            raise error
    return [(item, result) for item, result, _error in results]


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
        """Each output type of the result, and every document, as attachments; once. The
        files of a calculation are asked ``PARALLEL_FILES`` at a time (worker threads), the
        call budget of them all taken here first (when it is not there, one at a time, each
        call waiting for its budget as usual)."""
        for calculation in self.filtered(lambda c: not c.files_downloaded):
            with run.step(self.env._("batch calculation %s", calculation.number)):
                wanted = [(CALCULATION_RESULT, {"id": calculation.remote_id,
                                                "outputType": output_type},
                           "%s %s.%s" % (calculation.number, label, extension))
                          for output_type, (label, extension) in OUTPUT_TYPES.items()]
                for _number, documents in client.pages(CALCULATION_DOCUMENTS,
                                                       {"id": calculation.remote_id}):
                    wanted += [(CALCULATION_DOCUMENT_FILE, {"id": document["id"]},
                                document.get("name") or document["id"])
                               for document in documents]
                files = []
                for (_path, _params, name), (content, mimetype) in _download_all(client,
                                                                                 wanted):
                    files.append((name, content, mimetype))
                attach_files(calculation, files)
                calculation.files_downloaded = True
                run.count(updated=1)

    def action_view_attachments(self):
        check_group(self, USER_GROUP)
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "name": self.number,
            "res_model": "ir.attachment", "view_mode": "list,form",
            "domain": [("res_model", "=", self._name), ("res_id", "=", self.id)],
        }
