"""An item to retry: a unit of work that failed (a record read from a remote, a record of a
Sage 50 scope file, a document to download, a scope file, a record sent to TrackOnline, an
upload to Sage 50), stored as a record of its own with the payload as received (secrets
masked), the error as a message, its attempts and the next one: later runs try it again with
a bounded backoff (when the reason may pass), a user can retry it now or ignore it."""

import json
from datetime import timedelta
from hashlib import sha1

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..clients.base import RateLimited, TransientError, mask
from .tracking_access import USER_GROUP, check_group
from .tracking_messages import RESOURCE_LABELS, _lt, lazy_text, lazy_to_json, system_name

# The wait after the 1st, 2nd, 3rd failed attempt, then every day: the one backoff.
BACKOFF = (timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(days=1))
MAX_ATTEMPTS_PARAM = "tracking_connector.max_attempts"
MAX_ATTEMPTS = 8
OPEN_STATES = ("retry", "failed")
# Units a run tries again before its pages, at most (the rest wait for the next run).
DUE_PER_RUN = 200
# What a user writes on an item: why it is ignored. The rest is the runs' (what the remote
# sent, the error, the attempts) and the buttons' (the state): written as the superuser only.
USER_FIELDS = frozenset({"ignore_reason"})


def next_attempt_at(attempts, now):
    """When an item that failed ``attempts`` times is tried again."""
    return now + BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


def payload_text(payload):
    """The payload as kept: JSON, secrets masked."""
    if isinstance(payload, (bytes, bytearray)):
        payload = payload.decode("utf-8", "replace")
    if not isinstance(payload, str):
        payload = json.dumps(payload, ensure_ascii=False, default=str)
    return mask(payload)


def may_pass(error):
    """Whether a call that failed with ``error`` (an ``ApiError``) may pass if tried again
    later: a timeout or a lost connection, a 5xx, a 429, a lock (409, 423). Any other 4xx is
    a definitive refusal: the data or the credentials must change first."""
    if isinstance(error, (TransientError, RateLimited)):
        return True
    status = getattr(error, "status", None)
    # No status: the network; under 400: an answer we could not read (a proxy's page).
    return status is None or status < 400 or status >= 500 or status in (408, 409, 423, 429)


def record_key(record):
    """The key of an item that is an Odoo record to send again ("model,id")."""
    return "%s,%d" % (record._name, record.id)


NO_ID = "no id "


def key_without_id(payload):
    """The key of an item whose payload has no id of its own: a digest of the payload."""
    return NO_ID + sha1(payload_text(payload).encode()).hexdigest()[:12]


class TrackingFailedUnit(models.Model):
    _name = "tracking.failed.unit"
    _description = "Failed Item"
    _order = "state_order, next_attempt, id desc"
    _rec_name = "remote_key"

    backend_id = fields.Many2one("tracking.backend", string="Backend record", required=True,
                                 readonly=True, index=True, ondelete="cascade",
                                 help="Deleting the backend deletes its items to retry.")
    backend_name = fields.Char(string="Backend", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    kind = fields.Selection(
        [("row", "Record read"), ("document", "Document to download"),
         ("file", "Scope file"), ("send", "Record to send"), ("upload", "Upload")],
        required=True, readonly=True, default="row")
    resource = fields.Char(required=True, readonly=True, index=True,
                           help="What it belongs to: the sync (transactions, locations...), "
                                "the Sage 50 scope, or the document.")
    remote_key = fields.Char(string="Remote key", required=True, readonly=True, index=True)
    payload = fields.Text(string="As received", readonly=True,
                          help="The record as the remote sent it (secrets masked).")
    payload_indented = fields.Text(string="As received (indented)",
                                   compute="_compute_payload_indented",
                                   help="The record as the remote sent it, indented to read.")
    error = fields.Text(string="Error as logged", readonly=True)
    error_words = fields.Json(string="Error, to translate", readonly=True, copy=False)
    reason = fields.Text(string="Error", compute="_compute_reason",
                         help="Why it failed, in your language (a remote system's own message "
                              "as it sent it).")
    attempts = fields.Integer(readonly=True)
    last_attempt_at = fields.Datetime(string="Last attempt", readonly=True)
    next_attempt = fields.Datetime(readonly=True, index=True,
                                   help="When a scheduled run tries it again.")
    state = fields.Selection(
        [("retry", "Will retry"), ("failed", "Failed"), ("done", "Done"),
         ("ignored", "Ignored")], default="retry", required=True, readonly=True, index=True)
    state_order = fields.Integer(compute="_compute_state_order", store=True)
    log_id = fields.Many2one("tracking.sync.log", string="Last run", readonly=True,
                             ondelete="set null", index=True)
    ignore_reason = fields.Char(string="Reason to ignore")

    _sql_constraints = [
        ("unit_unique", "unique(backend_id, resource, remote_key)",
         "This item is already among the items to retry of this backend."),
    ]

    @api.depends("state")
    def _compute_state_order(self):
        order = {"failed": 0, "retry": 1, "ignored": 2, "done": 3}
        for item in self:
            item.state_order = order.get(item.state, 4)

    @api.depends("payload")
    def _compute_payload_indented(self):
        for item in self:
            try:
                item.payload_indented = json.dumps(json.loads(item.payload or ""), indent=2,
                                                   ensure_ascii=False)
            except ValueError:
                item.payload_indented = item.payload  # not JSON (a file's text): as kept

    @api.depends("error", "error_words")
    @api.depends_context("lang")
    def _compute_reason(self):
        """The error in the reader's language; items kept before their errors were kept as
        words show the error as logged."""
        for item in self:
            item.reason = (lazy_text(item.error_words, self.env.lang) if item.error_words
                           else item.error)

    @api.depends("kind", "resource", "remote_key")
    @api.depends_context("lang")
    def _compute_display_name(self):
        """What the item is, as a user knows it ("To send to TrackOnline: [L0004] Depot Gent",
        "Document 123", "transactions: 4711"); the key that finds it again stays in
        ``remote_key``."""
        for item in self:
            item.display_name = item._title()

    def _title(self):
        key = self.remote_key or ""
        if self.kind in ("send", "upload"):
            record = self._record()
            try:
                name = record.display_name if record else None
            except AccessError:
                name = None
            system = system_name(self.env[self.sudo().backend_id.backend_model])
            if not name:
                return self.env._("A record to send to %s, deleted since", system)
            return self.env._("To send to %(system)s: %(name)s", system=system, name=name)
        if self.kind == "document":
            return self.env._("Document %s", key)
        if self.kind == "file":
            return self.env._("%s file", key)
        resource = self.env._(RESOURCE_LABELS[self.resource]) \
            if self.resource in RESOURCE_LABELS else self.resource or ""
        if key.startswith(NO_ID):
            return self.env._("%s: a record without id", resource)
        return "%s: %s" % (resource, key)

    def write(self, vals):
        """A user changes the reason to ignore only: a payload, a kind or a resource written
        by hand would be retried as if the remote had sent it."""
        if not self.env.su and set(vals) - USER_FIELDS:
            raise AccessError(self.env._(
                "Items to retry keep what the remote system sent and what the runs found: "
                "only the reason to ignore can be changed. Use the buttons to retry, ignore "
                "or reopen an item."))
        return super().write(vals)

    # -- kept by runs ------------------------------------------------------------------------

    def _domain_of(self, backend, resource=None):
        domain = [("backend_id", "=", backend.tracking_backend_id.id)]
        return domain + ([("resource", "=", resource)] if resource else [])

    @api.model
    def _max_attempts(self):
        value = self.env["ir.config_parameter"].sudo().get_param(MAX_ATTEMPTS_PARAM)
        return int(value) if value and value.strip().isdigit() else MAX_ATTEMPTS

    @api.model
    def _add_to_retry(self, run, resource, remote_key, payload, error, kind="row", final=False):
        """Keep (or count one more attempt of) the item ``remote_key`` of ``resource`` that
        failed with ``error`` (words, see ``SyncRun.error``); written in the current step,
        so that it is committed with the page (and the cursor) that passes it. A ``final``
        error cannot pass by trying again (a refusal of the data): the item is Failed at
        once, for a user to decide."""
        backend, now = run.backend, fields.Datetime.now()
        error = run.message_for(error)  # a remote error in plain words
        items = self.sudo()
        item = items.search(self._domain_of(backend, resource)
                            + [("remote_key", "=", str(remote_key))], limit=1)
        attempts = item.attempts + 1 if item and item.state != "done" else 1
        kept, message = payload_text(payload), lazy_to_json(error)
        error = lazy_text(message, "en_US")  # as logged: the comparisons below use it
        if item.state in OPEN_STATES and self._retried_as_item(backend, resource, kind) \
                and (item.payload, item.error) == (kept, error):
            # Tried again as it was kept, it failed the same way: it always will.
            final = True
            message = lazy_to_json(self._never_passes(backend, remote_key, message))
            error = lazy_text(message, "en_US")
        elif item.state == "failed" and item.error and item.error.startswith(error):
            # the same failure again: it stays as it was
            final, error, message = True, item.error, item.error_words
        state = "retry" if attempts < self._max_attempts() and not final else "failed"
        if item.state == "ignored":
            state = "ignored"
        values = {"payload": kept, "error": error,
                  "error_words": message if isinstance(message, dict) else False, "kind": kind,
                  "attempts": attempts, "last_attempt_at": now, "state": state,
                  "next_attempt": next_attempt_at(attempts, now) if state == "retry" else False,
                  "log_id": run.log.id}
        if item:
            item.write(values)
        else:
            item = items.create(dict(values, backend_id=backend.tracking_backend_id.id,
                                     backend_name=backend.display_name,
                                     company_id=backend.company_id.id, resource=resource,
                                     remote_key=str(remote_key)))
        run.kept += 1
        return item

    @api.model
    def _retried_as_item(self, backend, resource, kind):
        """Whether a retry of a row of ``resource`` saves the row as it was kept (the remote
        cannot send one record again by its key): then the same failure is final."""
        declared = backend._retry_resources().get(resource)
        return kind == "row" and declared is not None and declared.refetch is None

    @api.model
    def _never_passes(self, backend, remote_key, error):
        """``error`` (words) and why no automatic attempt follows, as words."""
        if str(remote_key).startswith(NO_ID):
            return _lt(
                "%(error)s\nTried again, it fails the same way. It has no id: a later answer "
                "cannot be matched to it. Check it in %(system)s, then ignore it.",
                error=error, system=system_name(backend))
        return _lt(
            "%(error)s\nTried again, it fails the same way: no more automatic attempts. It is "
            "saved (and this item done) when %(system)s sends it right in a later answer; "
            "otherwise ignore it.", error=error, system=system_name(backend))

    @api.model
    def _resolve(self, backend, resource, keys):
        """The open items of ``resource`` whose ``keys`` are now saved: done."""
        if not keys:
            return self.browse()
        items = self.sudo().search(self._domain_of(backend, resource) + [
            ("remote_key", "in", [str(key) for key in keys]), ("state", "in", OPEN_STATES)])
        items._mark_done()
        return items

    def _mark_done(self):
        self.sudo().write({"state": "done", "next_attempt": False, "error": False,
                    "error_words": False})

    @api.model
    def _due(self, backend, resource=None, kind=None):
        """Units of ``backend`` whose next attempt has come, oldest first."""
        domain = self._domain_of(backend, resource) + [
            ("state", "=", "retry"), ("next_attempt", "<=", fields.Datetime.now())]
        if kind:
            domain.append(("kind", "=", kind))
        return self.sudo().search(domain, order="next_attempt, id", limit=DUE_PER_RUN)

    @api.model
    def _waiting_keys(self, backend, resource):
        """Keys of the items of ``resource`` that must not be tried before their time (not
        due yet, out of attempts, ignored)."""
        items = self.sudo().search(self._domain_of(backend, resource) + [
            "|", ("state", "in", ("failed", "ignored")),
            "&", ("state", "=", "retry"), ("next_attempt", ">", fields.Datetime.now())])
        return set(items.mapped("remote_key"))

    # -- buttons -----------------------------------------------------------------------------

    def _backend(self):
        self.ensure_one()
        return self.backend_id._system_backend()

    def action_retry_now(self):
        """Try these items again now, whatever their attempts and next attempt."""
        check_group(self, USER_GROUP, "write")
        items = self.filtered(lambda item: item.state != "done")
        if not items:
            raise UserError(self.env._("These items are done already."))
        logs = self.env["tracking.sync.log"]
        backends = {}
        for item in items:
            backends.setdefault(item.backend_id, self.browse())
            backends[item.backend_id] |= item
        for group in backends.values():
            backend = group[:1]._backend()
            check_group(backend, USER_GROUP)
            logs |= backend._retry_now(group.sudo()).log
        items.sudo()._note_sent_again()
        return items[:1]._backend()._notify_logs(self.env._("Items retried"), logs)

    def _note_sent_again(self):
        """Units to send that a retry sent again: no longer Failed with the old error, but
        waiting for the remote's verdict, which the next fetch of results brings (their
        record says "Sent")."""
        for item in self.filtered(lambda u: u.kind in ("send", "upload")
                                  and u.state in OPEN_STATES):
            record = item._record()
            field = "send_state" if record and "send_state" in record._fields else "state"
            if not record or record[field] != "sent":
                continue
            message = lazy_to_json(_lt(
                "Sent again: waiting for %s to say whether it saved it (Fetch save results, "
                "or the next scheduled run).", system_name(record.backend_id)))
            item.write({"state": "retry", "next_attempt": False,
                        "error": lazy_text(message, "en_US"), "error_words": message})

    def action_ignore(self):
        """No more attempts for these items: someone decided (and said why)."""
        check_group(self, USER_GROUP, "write")
        if any(not item.ignore_reason for item in self):
            raise UserError(self.env._("Write the reason to ignore %s first.",
                                       ", ".join(self.filtered(
                                           lambda item: not item.ignore_reason
                                       ).mapped("display_name"))))
        self.sudo().write({"state": "ignored", "next_attempt": False})

    def action_reopen(self):
        """An ignored item back in the retries, for the next run."""
        check_group(self, USER_GROUP, "write")
        self.sudo().write({"state": "retry", "ignore_reason": False,
                           "next_attempt": fields.Datetime.now()})

    def _record(self):
        """The Odoo record an item to send or an upload is about (may no longer exist)."""
        self.ensure_one()
        model, _sep, res_id = (self.remote_key or "").partition(",")
        if self.kind not in ("send", "upload") or model not in self.env or not res_id.isdigit():
            return None
        return self.env[model].browse(int(res_id)).exists()

    def action_open_record(self):
        check_group(self, USER_GROUP)
        record = self._record()
        if not record:
            raise UserError(self.env._("The record of %s no longer exists.", self.display_name))
        return {"type": "ir.actions.act_window", "res_model": record._name,
                "res_id": record.id, "view_mode": "form", "views": [(False, "form")]}

    def action_open_log(self):
        check_group(self, USER_GROUP)
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "tracking.sync.log",
                "res_id": self.log_id.id, "view_mode": "form", "views": [(False, "form")]}
