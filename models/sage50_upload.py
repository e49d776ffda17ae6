"""Files sent to Sage 50 and followed through their tracking URL to accepted, failed or
bad request; an upload that fails goes to the items to retry."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..clients.base import ApiError, NotFound, RemoteDataError
from ..clients.sage50 import FINAL_STATUSES
from .tracking_access import USER_GROUP, check_group
from .tracking_attachment import attach_files
from .tracking_failed_unit import may_pass, record_key
from .tracking_messages import _lt, lazy_text, lazy_to_json

# The resource of an upload kept to send again (``tracking.failed.unit``).
UPLOAD_RESOURCE = "upload"


class Sage50Upload(models.Model):
    """One file sent to Sage 50, followed through its tracking URL to accepted, failed or
    badRequest, with the result file attached. An upload that could not be sent, or that
    failed in Sage 50, is kept (``tracking.failed.unit``) and sent again after the backoff;
    a bad request is kept as Failed, sent again only by a user."""

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
        check_group(self, USER_GROUP)
        records = self._source_records()
        if not records:
            raise UserError(self.env._("The records this upload sent no longer exist."))
        return {"type": "ir.actions.act_window", "res_model": records._name,
                "name": self.name, "views": [(False, "list"), (False, "form")],
                "domain": [("id", "in", records.ids)]}

    @api.model
    def _send(self, backend, scope, records, payload, label):
        """Keep an upload record to follow, then upload ``payload``: an upload that fails
        stays, in error, and is kept to send again (see ``_post``)."""
        with backend._sync_run(_lt("upload %s", scope)) as run:
            client = backend._make_client(run.stats)
            with run.step(label, fatal=True):
                upload = self.create({
                    "name": label, "backend_id": backend.id, "scope": scope,
                    "res_model": records._name, "res_ids": ",".join(map(str, records.ids)),
                    "record_count": len(payload.get("records") or [])})
                run.count(created=1)
            upload._post(run, client, payload)
        run.raise_if_failed()
        return upload

    def _note_left_out(self, documents):
        """Say on this upload which Trackline ``documents`` it left out (not downloaded),
        each with its state and reason."""
        if not documents:
            return
        states = dict(documents._fields["state"]._description_selection(self.env))
        lines = Markup("").join(
            Markup("<li>%s</li>") % self.env._(
                "%(process)s: %(document)s (%(state)s%(reason)s)",
                process=document.process_id.display_name, document=document.name,
                state=states[document.state],
                reason=": %s" % document.state_message if document.state_message else "")
            for document in documents)
        self.message_post(body=Markup("<p>%s</p><ul>%s</ul>") % (self.env._(
            "Left out of this upload: Trackline documents not downloaded (%s). Download "
            "them from their process (\"Download documents\") and send it again to include "
            "them.", len(documents)), lines))

    def _post(self, run, client, payload):
        """Upload ``payload`` for this upload record; a failure keeps it (see ``_add_to_retry``)."""
        with run.step(self.name):
            try:
                tracking_url = client.upload(self.scope, payload)
            except ApiError as exc:
                # What was sent, in short (a file of processes carries their documents).
                sent = {"scope": self.scope, "records": [
                    record.get("id") for record in payload.get("records") or []
                    if isinstance(record, dict)]}
                self._add_to_retry(run, exc, sent, final=not may_pass(exc))
                return
            self.write({"tracking_url": tracking_url, "state": "sent", "message": False,
                        "remote_status": False, "progress": 0})
            # An item to retry of this upload now waits for Sage 50's verdict, not for a time.
            self._items_to_retry().write({"next_attempt": False})

    def _items_to_retry(self):
        return self.env["tracking.failed.unit"].sudo().search([
            ("backend_id", "=", self.backend_id.tracking_backend_id.id),
            ("resource", "=", UPLOAD_RESOURCE), ("remote_key", "=", record_key(self)),
            ("state", "in", ("retry", "failed"))])

    def _add_to_retry(self, run, error, payload, final=False):
        """This upload did not pass (``error``: the remote error it met): kept to send again
        after the backoff, or, when ``final`` (Sage 50 refused the data), Failed at once for
        a user to decide."""
        message = run.message_for(error)  # in plain words
        text = _lt("%(upload)s: %(error)s", upload=self.name, error=message)
        if not self.state or self.state in ("sent", "running"):
            self.state = "error"
        self.message = str(lazy_text(lazy_to_json(message), self.env.lang))[:250]
        run.count(failed=1)
        run.error(text)
        run.technical_detail(error)
        self.env["tracking.failed.unit"]._add_to_retry(
            run, UPLOAD_RESOURCE, record_key(self), payload, text, kind="upload", final=final)

    def _poll(self, backend, due=None):
        """Send again the kept uploads whose time has come (``due`` items), then ask Sage
        how each upload is doing; at a final state, keep the result file. Accepted ends its
        item to retry; failed is kept to send again; badRequest is kept as Failed."""
        with backend._sync_run(_lt("follow uploads")) as run:
            run.exclusive("uploads")
            client = backend._make_client(run.stats)
            if due:
                self._send_again(run, client, due)
            for upload in self.filtered("tracking_url"):
                with run.step(upload.name):
                    try:
                        tracking = client.tracking(upload.tracking_url)
                    except NotFound as exc:  # Sage 50 lost it: sent again later
                        upload._add_to_retry(run, exc, None)
                        continue
                    upload._follow(run, client, backend, tracking)
        return run

    def _follow(self, run, client, backend, tracking):
        status = tracking["status"]
        values = {"remote_status": status, "progress": tracking["progress"],
                  "message": tracking["message"] or False,
                  "state": status if status in FINAL_STATUSES else "running"}
        if status in FINAL_STATUSES and tracking["downloadResultUrl"]:
            try:
                content = client.download(tracking["downloadResultUrl"],
                                          backend.max_file_size * 1024 * 1024)
            except (NotFound, RemoteDataError) as exc:
                # Sage 50 "could" leave a result file (the document): one that is not there,
                # or that cannot be taken, does not hold the upload's end back.
                run.warn(_lt("%(upload)s: its result file was not downloaded: %(error)s",
                             upload=self.name, error=exc.message))
            else:
                values["result_attachment_id"] = attach_files(
                    self, [("%s result.json" % self.name, content, None)]).id
        self.write(values)
        run.count(updated=1)
        if status == "accepted":
            self._items_to_retry()._mark_done()
        elif status in FINAL_STATUSES:
            message = tracking["message"] or self.env._("Sage 50 ended the upload %s.", status)
            self._add_to_retry(run, message, tracking, final=status == "badRequest")

    @api.model
    def _send_again(self, run, client, items):
        """Kept uploads sent again, with their records as they are now; one still followed
        is left to its tracking."""
        for item in items:
            upload = item._record()
            if not upload:
                item.write({"state": "ignored", "next_attempt": False,
                            "ignore_reason": self.env._("The upload no longer exists.")})
                continue
            if upload.state in ("sent", "running"):
                continue
            records = upload._source_records()
            payload = records and upload.backend_id._upload_payload(upload.scope, records)
            if not payload:
                with run.step(upload.name):
                    upload._add_to_retry(run, self.env._(
                        "The records this upload sent no longer exist, or Sage 50 scope %s "
                        "cannot be built again: send them again from their records.",
                        upload.scope), None, final=True)
                continue
            upload._post(run, client, payload)

    def _open(self):
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "view_mode": "form"}

    def action_poll(self):
        check_group(self, USER_GROUP, "write")
        run = self._poll(self.backend_id[:1])
        return self.backend_id[:1]._notify_logs(self.env._("Sage 50 uploads"), run.log)
