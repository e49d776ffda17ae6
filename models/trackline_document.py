"""Trackline documents of a process: downloaded and kept as attachments; a download that
fails goes to the items to retry."""

import hashlib
from contextlib import closing

from odoo import fields, models

from ..clients.base import RemoteDataError
from ..clients.concurrent import bounded
from ..mappings import trackline as mapping
from .tracking_access import USER_GROUP, check_group
from .tracking_attachment import attach_files, file_mimetype
from .tracking_messages import _lt

# The resource name of a document kept to retry (``tracking.failed.unit``).
DOCUMENT_RESOURCE = "document"


class TracklineDocument(models.Model):
    _name = "trackline.document"
    _remote_entity = mapping.DOCUMENT
    _description = "Trackline Document"
    _inherit = ["tracking.binding.mixin"]
    _order = "process_id, name, id"

    process_id = fields.Many2one("trackline.process", required=True, index=True,
                                 ondelete="cascade", readonly=True)
    backend_id = fields.Many2one(related="process_id.backend_id", store=True, index=True)
    company_id = fields.Many2one(related="process_id.company_id", store=True, index=True)
    name = fields.Char(required=True, readonly=True)
    doc_type = fields.Char(string="Type", readonly=True)
    size = fields.Integer(string="Size (bytes)", readonly=True, copy=False)
    checksum = fields.Char(string="SHA-256", readonly=True, copy=False)
    mimetype = fields.Char(readonly=True, copy=False)
    state = fields.Selection(
        [("pending", "To download"), ("downloaded", "Downloaded"), ("error", "Error")],
        default="pending", required=True, readonly=True, index=True, copy=False)
    state_message = fields.Char(string="Reason", readonly=True, copy=False)
    downloaded_at = fields.Datetime(readonly=True, copy=False)
    attachment_id = fields.Many2one("ir.attachment", readonly=True, copy=False,
                                    ondelete="set null")

    def _download(self, run, client):
        """Fetch each document and attach it to its process (and to the process's linked
        record). An empty file, one over the size cap or a refused download marks that
        document with the reason; the others go on. The files are asked the backend's
        ``download_concurrency`` at a time, in worker threads; each is stored here, in a
        step of its own, as it arrives."""
        if not self:
            return
        caps = {backend: backend.max_file_size * 1024 * 1024 for backend in self.backend_id}
        bound = max(1, min(self.backend_id.mapped("download_concurrency")))
        items = [(document, document.remote_id, caps[document.backend_id]) for document in self]
        client.prepare_ahead()  # a token due for renewal is renewed here, once
        try:
            with closing(bounded(items, lambda item: client.download(item[1], item[2]),
                                 bound)) as results:
                for (document, _remote_id, _cap), result, error in results:
                    document._store_download(run, result, error)
        finally:
            client.settle()

    def _store_download(self, run, result, error):
        """One document's download (``(content, content type)``, or the error it met),
        stored in a step of its own."""
        backend = self.backend_id
        with run.step(self.env._("document %s", self.remote_id)):
            try:
                if error:
                    raise error
                content, content_type = result
                if not content:
                    raise RemoteDataError(self.env._("The file is empty."))
            except RemoteDataError as exc:
                self.write({"state": "error", "state_message": exc.message[:250]})
                run.count(failed=1)
                text = _lt("document %(id)s (%(name)s): %(reason)s",
                           id=self.remote_id, name=self.name, reason=exc.message)
                run.error(text)
                self.env["tracking.failed.unit"]._add_to_retry(
                    run, DOCUMENT_RESOURCE, self.remote_id,
                    {"id": self.remote_id, "name": self.name,
                     "process": self.process_id.remote_id}, text, kind="document")
                return
            self._store(run, content, content_type)
            self.env["tracking.failed.unit"]._resolve(backend, DOCUMENT_RESOURCE, [self.remote_id])

    def _to_download(self):
        """These documents but those in error waiting for their next attempt (the backoff
        of ``tracking.failed.unit``): a bad file is not fetched on every refresh."""
        waiting = set()
        for backend in self.backend_id:
            waiting |= {(backend.id, key) for key in self.env[
                "tracking.failed.unit"]._waiting_keys(backend, DOCUMENT_RESOURCE)}
        return self.filtered(lambda doc: doc.state != "error"
                             or (doc.backend_id.id, doc.remote_id) not in waiting)

    def _store(self, run, content, content_type):
        self.ensure_one()
        checksum = hashlib.sha256(content).hexdigest()
        if checksum == self.checksum and self.attachment_id:
            self.write({"state": "downloaded", "state_message": False})
            run.count(skipped=1)
            return
        mimetype = file_mimetype(self.name, content, content_type)
        process = self.process_id
        records = [process]
        linked = process._linked_record()
        if linked:
            records.append(linked)
        attachment = attach_files(
            records, [(self.name, content, mimetype)],
            description=self.env._("Trackline document %s", self.remote_id))[0]
        self.write({
            "state": "downloaded",
            "state_message": False,
            "size": len(content),
            "checksum": checksum,
            "mimetype": mimetype,
            "downloaded_at": fields.Datetime.now(),
            "attachment_id": attachment.id,
        })
        run.count(updated=1)

    def action_download(self):
        check_group(self, USER_GROUP, "write")
        return self.process_id.action_download_documents()
