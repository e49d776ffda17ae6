"""Sage 50 scope files: the latest file of each scope, downloaded and kept as an
attachment, the customers of a Customers file saved (``sage50.partner``, matched to
contacts); a file that fails goes to the items to retry."""

import json
from contextlib import closing

from odoo import api, fields, models
from odoo.tools import format_date

from ..clients.base import ApiError, AuthError, RateLimited, RemoteDataError
from ..clients.concurrent import bounded
from ..clients.sage50 import scope_path
from ..mappings import sage50 as mapping
from .tracking_access import USER_GROUP, check_group
from .tracking_attachment import attach_files
from .tracking_importer import Resource
from .tracking_messages import _lt, lazy_text, lazy_to_json

# The customers of a Customers scope file, imported into contacts (``sage50.partner``).
CUSTOMERS = Resource("Customers", "sage50.partner", mapping.CUSTOMER)
# The resource name of a scope file kept to retry (``tracking.failed.unit``; key: the scope).
FILE_RESOURCE = "scope file"
# Scope files downloaded at once, in worker threads (as TrackOnline's calculation files).
DOWNLOAD_BOUND = 4


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
                              ("warning", "Imported with warnings"), ("failed", "Failed")],
                             default="pending", required=True, readonly=True, index=True)
    notified_at = fields.Datetime(readonly=True)
    downloaded_at = fields.Datetime(readonly=True)
    record_count = fields.Integer(readonly=True)
    message = fields.Char(readonly=True)
    attachment_id = fields.Many2one("ir.attachment", readonly=True, ondelete="set null")

    _sql_constraints = [
        ("scope_unique", "unique(backend_id, scope)", "One file per scope is kept."),
    ]

    @api.depends("scope", "downloaded_at", "notified_at")
    @api.depends_context("lang", "tz")
    def _compute_display_name(self):
        """What a user calls it: "Customers file of 7 Dec" (or "Customers file" before
        Sage 50 published one)."""
        for download in self:
            moment = download.downloaded_at or download.notified_at
            download.display_name = (
                self.env._("%(scope)s file of %(date)s", scope=download.scope,
                           date=format_date(self.env, moment, date_format="d MMM"))
                if moment else self.env._("%s file", download.scope))

    def _notify(self, backend, scope, url):
        """Sage says a new file is there for ``scope``: note it for the next download."""
        download = self.search([("backend_id", "=", backend.id), ("scope", "=", scope)])
        values = {"url": url or scope_path(scope), "state": "pending",
                  "notified_at": fields.Datetime.now(), "message": False}
        if download:
            download.write(values)
        else:
            download = self.create(dict(values, backend_id=backend.id, scope=scope))
        return download

    def action_download_now(self):
        """Download and import these scope files now, without waiting for the scheduled
        action."""
        check_group(self, USER_GROUP, "write")
        logs = self.env["tracking.sync.log"]
        for backend in self.backend_id:
            logs |= self.filtered(lambda d, b=backend: d.backend_id == b)._fetch(backend).log
        return self.backend_id[:1]._notify_logs(self.env._("Sage 50 scope files"), logs)

    def _fetch(self, backend):
        """Download each of these files, keep it as an attachment, and import Customers into
        contacts, after the kept customers and files whose next attempt has come. Each file
        alone: one that cannot be downloaded or read is marked failed and kept to retry; a
        customer that cannot be imported is kept, and the others are imported."""
        with backend._sync_run(_lt("download scope files")) as run:
            run.exclusive("downloads")
            client = backend._make_client(run.stats)
            if backend._retry_items(run, client, CUSTOMERS):
                self._fetch_files(run, client, backend)
        return run

    def _fetch_files(self, run, client, backend):
        """Download these files ``DOWNLOAD_BOUND`` at a time, in worker threads
        (``clients/concurrent.py: bounded``), and store each here, in a step of its own, as
        it arrives. A worker never rotates the key (``Sage50Client.renew_credentials``): the
        first file refused with a 401 has the key rotated here, once for the whole batch,
        and the files refused are downloaded again with the new key. One refused again ends
        the run (the new key is refused too); a file that fails otherwise is kept and the
        others go on."""
        refused = self._download_files(run, client, backend, rotate=True)
        if refused:
            refused._download_files(run, client, backend, rotate=False)

    def _download_files(self, run, client, backend, rotate):
        """Download and store these files; returns those refused with a 401 when ``rotate``
        (the key rotated at the first of them), to download again."""
        cap = backend.max_file_size * 1024 * 1024
        refused = self.browse()
        items = [(download, download.url) for download in self]
        with closing(bounded(items, lambda item: client.download(item[1], cap),
                             DOWNLOAD_BOUND)) as results:
            for (download, _url), content, error in results:
                if run.out_of_time():
                    run.more = True  # the files not stored stay pending for the next run
                    return self.browse()
                if rotate and isinstance(error, AuthError) and error.status == 401:
                    if not refused and not client.renew_credentials():
                        raise error
                    refused |= download
                    continue
                download._store_file(run, backend, content, error)
        return refused

    def _store_file(self, run, backend, content, error):
        """One file downloaded (``content``, or the ``error`` its download met): kept as an
        attachment and imported, in a step of its own."""
        kept = run.kept
        with run.step(self.scope):
            if error is not None:
                if isinstance(error, (RateLimited, AuthError)) or not isinstance(error,
                                                                                 ApiError):
                    raise error
                self._failed(run, error, None)
                return
            attachment = attach_files(self, [("%s.json" % self.scope, content, None)])
            self.attachment_id.unlink()
            self.write({"attachment_id": attachment.id, "downloaded_at": fields.Datetime.now()})
            try:
                records = _records(content, self.scope)
            except RemoteDataError as exc:
                self._failed(run, exc.message, content)
                return
            if self.scope.lower() == CUSTOMERS.name.lower():  # "customers" too
                backend._import_page(run, CUSTOMERS, records)
                if backend.mark_absent_customers:
                    self._mark_absent_customers(run, backend, records)
            else:
                run.count(skipped=len(records))
            kept = run.kept - kept
            self.write({
                "state": "warning" if kept else "done", "record_count": len(records),
                "message": kept and self.env._(
                    "%s records could not be imported: they are in the items to retry "
                    "(Logs > Items to Retry).", kept)})
            self.env["tracking.failed.unit"]._resolve(backend, FILE_RESOURCE, [self.scope])

    def _mark_absent_customers(self, run, backend, records):
        """A scope file holds the full scope (the document): the customers this one does not
        hold are no longer in Sage 50, marked so (not deleted); said in the run's log."""
        held = [record["id"] for record in records
                if isinstance(record, dict) and record.get("id") not in (None, "")]
        gone = self.env["sage50.partner"]._mark_absent(backend, held)
        if gone:
            run.warn(_lt("Customers no longer in Sage 50's Customers file: %(count)s. They "
                         "are marked \"Not in Sage 50\"; their contacts stay in Odoo.",
                         count=gone))

    @api.model
    def _customers_held(self, backend):
        """The customers of the latest Customers file Sage 50 published for ``backend``, by
        id, as the file gives them (Sage offers no call that reads one customer: this file
        is the newest version of them Odoo can know); empty when there is none, or it
        cannot be read."""
        files = self.search([("backend_id", "=", backend.id),
                             ("attachment_id", "!=", False)]).filtered(
            lambda d: d.scope.lower() == CUSTOMERS.name.lower())
        customers = {}
        for download in files[:1]:
            try:
                records = _records(download.attachment_id.raw, download.scope)
            except RemoteDataError:
                return {}
            customers.update((str(record["id"]), record) for record in records
                             if isinstance(record, dict) and record.get("id") not in (None, ""))
        return customers

    def _failed(self, run, error, content):
        """This file could not be downloaded (``error``: the remote error it met) or read
        (``error``: why): marked failed, kept to retry."""
        message = run.message_for(error)  # a remote error in plain words
        self.write({"state": "failed",
                    "message": str(lazy_text(lazy_to_json(message), self.env.lang))[:250]})
        run.count(failed=1)
        text = _lt("%(scope)s: %(error)s", scope=self.scope, error=message)
        run.error(text)
        run.technical_detail(error)
        self.env["tracking.failed.unit"]._add_to_retry(
            run, FILE_RESOURCE, self.scope, {"scope": self.scope, "url": self.url,
                                             "content": (content or b"")[:2000]},
            text, kind="file")


def _records(content, scope):
    """The records of a scope file (``records_of``)."""
    try:
        body = json.loads(content)
    except ValueError as exc:
        raise RemoteDataError("The file is not valid JSON (%s): %r" % (exc, content[:80]))
    return records_of(body, scope)


def records_of(body, scope):
    """The records of a scope file's JSON ``body``: ``{"records": [...]}`` (our reading of
    the Solutions contract; the list under the scope's name, ``{"Customers": [...]}``, too,
    the key in any casing) or a bare list of records. Any other shape is refused as a whole,
    naming what came, so that the file is kept and downloaded again (a record is never
    guessed out of an envelope: ``[{"records": [...]}]`` is not one customer without id)."""
    if isinstance(body, dict):
        lists = {str(key).lower(): value for key, value in body.items()
                 if isinstance(value, list)}
        records = lists.get("records", lists.get(scope.lower()))
        if records is None:
            raise RemoteDataError("The file is not of the expected shape: an object without a "
                                  "list under \"records\" or \"%s\" (keys: %s)."
                                  % (scope, ", ".join(sorted(map(str, body))[:10])))
    elif isinstance(body, list):
        records = body
        wrapped = [r for r in records if isinstance(r, dict) and isinstance(r.get("records"),
                                                                            list)]
        if wrapped:
            raise RemoteDataError("The file is not of the expected shape: its list holds "
                                  "%d object(s) with their own list of records." % len(wrapped))
    else:
        raise RemoteDataError("The file is not of the expected shape: %s instead of an object "
                              "or a list of records." % type(body).__name__)
    if any(not isinstance(r, dict) for r in records):
        raise RemoteDataError("The file is not of the expected shape: its list of records "
                              "holds entries that are not objects.")
    return records
