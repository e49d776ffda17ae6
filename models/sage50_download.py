import json

from odoo import fields, models

from ..clients.base import RemoteDataError
from ..mappings import sage50 as mapping
from .tracking_attachment import attach_files
from .tracking_importer import Resource

# The customers of a Customers scope file, imported into contacts (``sage50.partner``).
CUSTOMERS = Resource("Customers", "sage50.partner", mapping.CUSTOMER)


class Sage50Download(models.Model):
    """The latest file Sage 50 published for one scope (each holds the full scope)."""

    _name = "sage50.download"
    _description = "Sage 50 Scope File"
    _order = "scope"

    backend_id = fields.Many2one("sage50.backend", required=True, index=True,
                                 ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    scope = fields.Char(required=True, readonly=True)
    url = fields.Char(readonly=True)
    state = fields.Selection([("pending", "New file to download"), ("done", "Imported"),
                              ("failed", "Failed")], default="pending", required=True,
                             readonly=True, index=True)
    notified_at = fields.Datetime(readonly=True)
    downloaded_at = fields.Datetime(readonly=True)
    record_count = fields.Integer(readonly=True)
    message = fields.Char(readonly=True)
    attachment_id = fields.Many2one("ir.attachment", readonly=True, ondelete="set null")

    _sql_constraints = [
        ("scope_unique", "unique(backend_id, scope)", "One file per scope is kept."),
    ]

    def _notify(self, backend, scope, url):
        """Sage says a new file is there for ``scope``: note it for the next download."""
        download = self.search([("backend_id", "=", backend.id), ("scope", "=", scope)])
        values = {"url": url or "api/downloads/%s" % scope, "state": "pending",
                  "notified_at": fields.Datetime.now(), "message": False}
        if download:
            download.write(values)
        else:
            download = self.create(dict(values, backend_id=backend.id, scope=scope))
        return download

    def action_download_now(self):
        """Download and import these scope files now, without waiting for the scheduled
        action."""
        logs = self.env["tracking.sync.log"]
        for backend in self.backend_id:
            logs |= self.filtered(lambda d, b=backend: d.backend_id == b)._fetch(backend).log
        return self.backend_id[:1]._notify_logs(self.env._("Sage 50 scope files"), logs)

    def _fetch(self, backend):
        """Download each pending file, keep it as an attachment, and import Customers into
        contacts; a file that cannot be read is kept, marked failed, and touches nothing."""
        with backend._sync_run(self.env._("download scope files")) as run:
            run.exclusive("downloads")
            client = backend._make_client(run.stats)
            for download in self:
                content = client.download(download.url, backend.max_file_size * 1024 * 1024)
                with run.step(download.scope):
                    attachment = attach_files(download, [("%s.json" % download.scope, content,
                                                          None)])
                    download.attachment_id.unlink()
                    download.write({"attachment_id": attachment.id,
                                    "downloaded_at": fields.Datetime.now()})
                with run.step(download.scope):
                    try:
                        records = _records(content)
                    except RemoteDataError as exc:
                        download.write({"state": "failed", "message": exc.message[:250]})
                        run.count(failed=1)
                        run.error("%s: %s" % (download.scope, exc.message))
                        continue
                    if download.scope == CUSTOMERS.name:
                        backend._import_page(run, CUSTOMERS, records)
                    else:
                        run.count(skipped=len(records))
                    download.write({"state": "done", "record_count": len(records),
                                    "message": False})
        return run


def _records(content):
    try:
        body = json.loads(content)
    except ValueError as exc:
        raise RemoteDataError("The file is not valid JSON (%s): %r" % (exc, content[:80]))
    records = body.get("records") if isinstance(body, dict) else body
    if not isinstance(records, list) or any(not isinstance(r, dict) for r in records):
        raise RemoteDataError("The file holds no list of records.")
    return records
