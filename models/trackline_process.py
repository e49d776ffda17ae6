from datetime import UTC, datetime

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..clients.base import RemoteDataError


class TracklineProcess(models.Model):
    _name = "trackline.process"
    _description = "Trackline Process"
    _inherit = ["tracking.binding.mixin", "mail.thread"]
    _order = "created_at desc, id desc"

    backend_id = fields.Many2one("trackline.backend", required=True, index=True,
                                 ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    name = fields.Char(required=True, readonly=True, tracking=True)
    status = fields.Char(readonly=True, tracking=True)
    status_key = fields.Char(compute="_compute_status_key", store=True, index=True)
    is_final = fields.Boolean(compute="_compute_is_final", string="Final status")
    created_at = fields.Datetime(string="Created in Trackline", readonly=True)
    last_refresh_at = fields.Datetime(readonly=True, copy=False)
    document_ids = fields.One2many("trackline.document", "process_id", readonly=True)
    document_count = fields.Integer(compute="_compute_document_count")
    res_model = fields.Char(string="Linked model", readonly=True, index=True)
    res_id = fields.Many2oneReference(string="Linked record ID", model_field="res_model",
                                      readonly=True, index=True)
    res_name = fields.Char(string="Linked record", compute="_compute_res_name")

    @api.depends("status")
    def _compute_status_key(self):
        for process in self:
            process.status_key = (process.status or "").strip().lower() or False

    @api.depends("status_key", "backend_id.final_statuses")
    def _compute_is_final(self):
        for process in self:
            process.is_final = process.status_key in process.backend_id._final_status_set()

    def _compute_document_count(self):
        counts = dict(self.env["trackline.document"]._read_group(
            [("process_id", "in", self.ids)], ["process_id"], ["__count"]))
        for process in self:
            process.document_count = counts.get(process, 0)

    @api.depends("res_model", "res_id")
    def _compute_res_name(self):
        for process in self:
            record = process._linked_record()
            process.res_name = record.display_name if record else False

    def _linked_record(self):
        self.ensure_one()
        if not self.res_model or not self.res_id or self.res_model not in self.env:
            return None
        record = self.env[self.res_model].browse(self.res_id).exists()
        return record or None

    # -- saving what Trackline says ------------------------------------------------------------

    @api.model
    def _save_metadata(self, backend, run, meta, record=None):
        """Upsert the process and its documents from a parsed metadata answer."""
        values = {
            "remote_id": meta["process_id"],
            "name": meta["name"],
            "status": meta["status"],
            "created_at": _parse_datetime(meta["created_at"]),
        }
        if record:
            values.update(res_model=record._name, res_id=record.id)
        process, created, updated = self._upsert(backend, [values])
        process.last_refresh_at = fields.Datetime.now()  # not a change of the process itself
        run.count(created=created, updated=updated)
        if meta["skipped_documents"]:
            run.count(skipped=meta["skipped_documents"])
            run.error(self.env._("process %(id)s: %(count)s documents without doc_id skipped",
                                 id=meta["process_id"], count=meta["skipped_documents"]))
        documents, created, updated = self.env["trackline.document"]._upsert(backend, [{
            "remote_id": doc["doc_id"],
            "process_id": process.id,
            "name": doc["doc_name"],
            "doc_type": doc["doc_type"],
        } for doc in meta["documents"]])
        run.count(created=created, updated=updated)
        return process

    def _refresh(self, backend):
        """Read these processes again and download their new documents, in one run."""
        with backend._sync_run(self.env._("refresh processes")) as run:
            run.exclusive("refresh")
            client = backend._make_client(run.stats)
            for process in self:
                with run.step(self.env._("process %s", process.remote_id)):
                    meta = client.process_metadata(process_id=process.remote_id)
                    if meta["process_id"] != process.remote_id:
                        raise RemoteDataError(self.env._(
                            "Trackline answered process %(got)s when asked for %(asked)s",
                            got=meta["process_id"], asked=process.remote_id))
                    self._save_metadata(backend, run, meta, process._linked_record())
                process._download_documents(run, client)
        return run

    def _download_documents(self, run, client):
        """Download the documents of these processes that are not downloaded yet."""
        pending = self.document_ids.filtered(lambda doc: doc.state != "downloaded")
        pending._download(run, client)

    # -- buttons ---------------------------------------------------------------------------------

    def _run_per_backend(self, title, method):
        runs = [method(self.filtered(lambda p, b=backend: p.backend_id == b), backend)
                for backend in self.backend_id]
        logs = self.env["tracking.sync.log"].browse([run.log.id for run in runs])
        return self.backend_id[:1]._notify_logs(title, logs)

    def action_refresh(self):
        return self._run_per_backend(self.env._("Trackline refresh"),
                                     lambda processes, backend: processes._refresh(backend))

    def action_download_documents(self):
        def download(processes, backend):
            with backend._sync_run(self.env._("download documents")) as run:
                processes._download_documents(run, backend._make_client(run.stats))
            return run

        return self._run_per_backend(self.env._("Trackline documents"), download)

    def action_send_to_sage(self):
        return self.env["sage50.backend"]._send_processes(self)

    def action_view_documents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "tracking_connector.action_trackline_document")
        action["domain"] = [("process_id", "=", self.id)]
        return action

    def action_open_linked_record(self):
        self.ensure_one()
        record = self._linked_record()
        if not record:
            raise UserError(self.env._("The record this process was linked to no longer exists."))
        return {"type": "ir.actions.act_window", "res_model": record._name, "res_id": record.id,
                "view_mode": "form"}


def _parse_datetime(value):
    """An ISO 8601 time from the remote (``2024-02-09T10:30:00Z``) as a naive UTC datetime,
    or False when absent or unreadable."""
    if not value or not isinstance(value, str):
        return False
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    if moment.tzinfo:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment
