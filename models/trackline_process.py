"""Trackline processes mirrored in Odoo, the record each one is linked to, and their
refresh, documents' download and attachment to the linked record."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..mappings import trackline as mapping
from .tracking_access import USER_GROUP, check_group
from .tracking_attachment import attach_files
from .tracking_messages import _lt


class TracklineProcess(models.Model):
    _name = "trackline.process"
    _remote_entity = mapping.PROCESS
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
    def _import_prepare(self, backend, run, values_list):
        """A process imported from a record's Action menu is linked to that record."""
        link = self.env.context.get("trackline_link")
        if link:
            values_list = [dict(values, res_model=link[0], res_id=link[1])
                           for values in values_list]
        return values_list

    @api.model
    def _import_after_save(self, backend, run, records, rows):
        """The documents each process lists (those without id counted as skipped), and the
        time of the refresh."""
        records.write({"last_refresh_at": fields.Datetime.now()})
        documents = self.env["trackline.document"]
        for process, meta in zip(records, rows, strict=True):
            if meta.get("skipped_documents"):
                run.count(skipped=meta["skipped_documents"])
                run.error(_lt("process %(id)s: %(count)s documents without doc_id skipped",
                              id=meta["process_id"], count=meta["skipped_documents"]))
            values = [dict(mapping.DOCUMENT.read(doc), process_id=process.id)
                      for doc in meta.get("documents") or []]
            _documents, created, updated = documents._upsert(backend, values)
            run.count(created=created, updated=updated)

    def _refresh(self, backend, deadline=None):
        """Read these processes again and download their new documents, in one run
        (``deadline``: that of a scheduled run)."""
        with backend._sync_run(_lt("refresh processes"), deadline) as run:
            run.exclusive("refresh")
            client = backend._make_client(run.stats, deadline)
            backend._import_processes(run, client, self.mapped("remote_id"))
        return run

    def _download_documents(self, run, client, whatever_backoff=False):
        """Download the documents of these processes that are not downloaded yet: those in
        error after their wait (``_to_download``), or, ``whatever_backoff`` (a person asked
        for them), at once."""
        pending = self.document_ids.filtered(lambda doc: doc.state != "downloaded")
        if not whatever_backoff:
            pending = pending._to_download()
        pending._download(run, client)

    def _attach_documents_to_linked_record(self, run):
        """Give the linked record the downloaded documents it does not hold yet: a process
        imported earlier (its documents attached to it then) and now linked to another
        record from that record's Action menu. Nothing is downloaded again; a document the
        record already holds (same content) is not attached twice."""
        self.ensure_one()
        record = self._linked_record()
        documents = self.document_ids.filtered(
            lambda doc: doc.state == "downloaded" and doc.attachment_id)
        if not record or not documents:
            return
        held = set(self.env["ir.attachment"].search([
            ("res_model", "=", record._name), ("res_id", "=", record.id),
            ("checksum", "in", documents.attachment_id.mapped("checksum"))]).mapped("checksum"))
        missing = documents.filtered(lambda doc: doc.attachment_id.checksum not in held)
        if not missing:
            return
        with run.step(self.env._("documents of process %(process)s to %(record)s",
                                 process=self.remote_id, record=record.display_name)):
            attach_files(record, [(doc.name, doc.attachment_id.raw, doc.mimetype)
                                  for doc in missing],
                         description=self.env._("Trackline document of process %s",
                                                self.remote_id))

    # -- buttons ---------------------------------------------------------------------------------

    def _run_per_backend(self, title, method):
        runs = [method(self.filtered(lambda p, b=backend: p.backend_id == b), backend)
                for backend in self.backend_id]
        logs = self.env["tracking.sync.log"].browse([run.log.id for run in runs])
        return self.backend_id[:1]._notify_logs(title, logs)

    def action_refresh(self):
        check_group(self, USER_GROUP, "write")
        return self._run_per_backend(self.env._("Trackline refresh"),
                                     lambda processes, backend: processes._refresh(backend))

    def action_download_documents(self):
        check_group(self, USER_GROUP, "write")
        def download(processes, backend):
            with backend._sync_run(_lt("download documents")) as run:
                processes._download_documents(run, backend._make_client(run.stats),
                                              whatever_backoff=True)
            return run

        return self._run_per_backend(self.env._("Trackline documents"), download)

    def action_send_to_sage(self):
        check_group(self, USER_GROUP)
        return self.env["sage50.backend"]._send_processes(self)

    def action_view_documents(self):
        check_group(self, USER_GROUP)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "tracking_connector.action_trackline_document")
        action["domain"] = [("process_id", "=", self.id)]
        return action

    def action_open_linked_record(self):
        check_group(self, USER_GROUP)
        self.ensure_one()
        record = self._linked_record()
        if not record:
            raise UserError(self.env._("The record this process was linked to no longer exists."))
        return {"type": "ir.actions.act_window", "res_model": record._name, "res_id": record.id,
                "view_mode": "form"}
