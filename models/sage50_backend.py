"""The Sage 50 Cloud backend: onboarding (developer, application, passcode), the API key
rotated under a row lock and committed on its own cursor, the approval and notification
URLs, the uploads of contacts and processes, and the scheduled actions (key rotation,
uploads' polling, scope files' download)."""

import logging
import secrets
import time
from datetime import UTC, datetime

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..clients.base import (
    ApiError,
    AuthError,
    NotFound,
    RemoteDataError,
    TransientError,
    hide,
)
from ..clients.sage50 import (
    DEFAULT_KEY_HEADER,
    DEFAULT_ROTATION_PATH,
    DEFAULT_UPLOAD_PATH,
    Sage50Client,
    passcode_expiry,
    scope_path,
)
from ..mappings.sage50 import customer_over_held, customer_record, process_record
from ..mappings.settings import path_names_only
from .sage50_download import CUSTOMERS, records_of
from .tracking_access import MANAGER_GROUP, USER_GROUP, check_group
from .tracking_api_check import Answer
from .tracking_messages import _lt, lazy_text
from .tracking_sync_log import error_message, read_committed

_logger = logging.getLogger(__name__)

KEY_NAME = "apikey"
# The key Sage gave at consent (approval URL): the rotation's parameter is named
# "initialApikey" in Sage's document, so it is the second key a lost rotation is tried with.
INITIAL_KEY_NAME = "initial apikey"
PROCESSES_SCOPE = "TracklineProcesses"


def _new_token(_records=None):
    """An unguessable token (used as a field default too, hence the ignored argument)."""
    return secrets.token_urlsafe(32)


def utc_datetime(text):
    """An ISO 8601 time as Sage writes it ("2026-11-30T19:20:26Z") as Odoo stores datetimes
    (naive UTC), or False when it is not one."""
    try:
        moment = datetime.fromisoformat((text or "").strip())
    except ValueError:
        return False
    if moment.tzinfo:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0)


class Sage50Backend(models.Model):
    _name = "sage50.backend"
    _description = "Sage 50 Cloud Backend"
    _inherit = ["tracking.backend.mixin"]

    key_header = fields.Char(string="API key header", default=DEFAULT_KEY_HEADER, required=True)
    rotation_path = fields.Char(
        string="Key rotation path", default=DEFAULT_ROTATION_PATH, required=True,
        help="Where the API key is rotated (PATCH), under the base URL; {developer_id} and "
             "{application_id} are filled in.")
    upload_path = fields.Char(string="Upload path", default=DEFAULT_UPLOAD_PATH, required=True,
                              help="Where files are uploaded (POST), under the base URL.")
    developer_id = fields.Char(string="Developer ID", groups=MANAGER_GROUP, copy=False)
    application_id = fields.Char(string="Application ID", groups=MANAGER_GROUP, copy=False)
    secret = fields.Char(groups=MANAGER_GROUP, copy=False, default=_new_token,
                         help="Given with each passcode request; needed to rotate the key.")
    endpoint_token = fields.Char(groups=MANAGER_GROUP, copy=False, default=_new_token,
                                 help="Part of the approval and notification URLs given to "
                                      "Sage: whoever lacks it is refused.")
    onboarding_state = fields.Selection(
        [("new", "Not registered"), ("registering", "Registration started"),
         ("registered", "Registered"), ("passcode", "Waiting for consent"),
         ("approved", "API key received")],
        default="new", required=True, readonly=True, copy=False, tracking=True)
    registration_url = fields.Char(readonly=True, copy=False, groups=MANAGER_GROUP)
    passcode = fields.Char(readonly=True, copy=False, groups=MANAGER_GROUP)
    passcode_expires = fields.Char(
        readonly=True, copy=False,
        help="When the passcode stops being valid (UTC, ISO 8601), from Sage's \"expires\" "
             "(a time or a duration); as Sage gave it when it is neither.")
    passcode_expires_at = fields.Datetime(string="Passcode valid until",
                                          compute="_compute_passcode_expires_at")
    key_lifetime_days = fields.Integer(
        string="Key lifetime (days)", default=30, required=True,
        help="How long Sage keeps a key valid (not public: ask Sage); the key is rotated "
             "'Rotate before (days)' earlier.")
    rotate_before_days = fields.Integer(string="Rotate before (days)", default=5, required=True)
    key_expires_at = fields.Datetime(compute="_compute_key_state")
    key_message = fields.Char(string="Last rotation", compute="_compute_key_state")
    approval_url = fields.Char(compute="_compute_urls", groups=MANAGER_GROUP)
    notification_url = fields.Char(compute="_compute_urls", groups=MANAGER_GROUP)
    max_file_size = fields.Integer(string="Largest file (MB)", default=50, required=True)
    mark_absent_customers = fields.Boolean(
        string="Mark customers no longer in Sage 50", default=True,
        help="A Customers file holds all of Sage 50's customers: those it no longer holds are "
             "marked \"Not in Sage 50\" (never deleted; their contacts stay). Off: they are "
             "left as they are.")
    upload_count = fields.Integer(compute="_compute_counts")
    download_count = fields.Integer(compute="_compute_counts")

    def _compute_key_state(self):
        for backend in self:
            # Display only: a read-only cursor (a replica's may lag; a read-only request,
            # like a list's, may open no other kind).
            _key, expires, note = backend._key_row(readonly=True)
            backend.key_expires_at = (fields.Datetime.to_datetime(
                time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(expires))) if expires else False)
            backend.key_message = note

    @api.depends("passcode_expires")
    def _compute_passcode_expires_at(self):
        for backend in self:
            backend.passcode_expires_at = utc_datetime(backend.passcode_expires)

    def _compute_urls(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for backend in self:
            path = "%s/tracking_connector/sage50/%s/%s" % (base, backend.id,
                                                           backend.sudo().endpoint_token)
            backend.approval_url = path + "/approval"
            backend.notification_url = path + "/notify"

    def _compute_counts(self):
        self._count_records({"upload_count": "sage50.upload",
                             "download_count": "sage50.download"})

    # -- the API key: always read and written on a cursor of its own --------------------------

    def _key_row(self, readonly=False):
        """(key, expiry as Unix time, note) as last committed: another worker may have
        rotated the key meanwhile."""
        with self.env.registry.cursor(readonly=readonly) as cr:
            cr.execute("SELECT value, expires_at, note FROM tracking_token WHERE "
                       "backend_id = %s AND name = %s", (self.tracking_backend_id.id, KEY_NAME))
            row = cr.fetchone()
        return tuple(row) if row else (False, False, False)

    def _current_key(self):
        return self._key_row()[:2]

    def _store_key(self, key):
        """Save a key Sage gave us (approval) at once, on its own cursor: as the key in use
        and as the initial key (see ``_rotate_after_lost_answer``)."""
        expires = time.time() + self.key_lifetime_days * 86400
        with self.env.registry.cursor() as cr:
            read_committed(cr)
            for name in (KEY_NAME, INITIAL_KEY_NAME):
                self.env["tracking.token"]._store_in(self.env(cr=cr), self, name, key, expires)

    def _rotate_key(self, known_key=None):
        """Rotate the key and return the new one. Under a row lock on a cursor of its own,
        committed the moment Sage answers: a rollback or a crash afterwards cannot lose it, and
        a second worker waiting on the lock sees the new key and does not rotate again. A
        refusal keeps the old key and is noted on the backend."""
        backend = self.sudo()
        if not backend.developer_id or not backend.application_id or not backend.secret:
            raise UserError(self.env._("Sage 50 backend %s: finish the onboarding first.",
                                       self.name))
        client = Sage50Client(backend.base_url, key_header=self.key_header,
                              rotation_path=self.rotation_path, **self._client_options())
        for attempt in range(3):
            try:
                return self._rotate_key_once(client, backend, known_key)
            except psycopg2.errors.SerializationFailure:
                # Another worker changed the key row meanwhile: look again with a fresh
                # snapshot (it has probably rotated the key already).
                if attempt == 2:
                    raise
                _logger.info("Sage 50 key row changed by another worker: reading it again")
        return None

    def _rotate_key_once(self, client, backend, known_key):
        refused = lost = new_key = None
        with self.env.registry.cursor() as cr:
            read_committed(cr)
            token_model = self.env["tracking.token"]
            token_model._lock_in(self.env(cr=cr), self, KEY_NAME)
            cr.execute("SELECT value FROM tracking_token WHERE backend_id = %s AND name = %s",
                       (self.tracking_backend_id.id, KEY_NAME))
            current = cr.fetchone()[0]
            if current and known_key and current != known_key:
                return current  # rotated by someone else meanwhile
            old_key = current or known_key
            try:
                new_key = client.rotate_key(backend.developer_id, backend.application_id,
                                            old_key, backend.secret)
            except (TransientError, RemoteDataError) as exc:
                # Sage may have rotated the key and the answer was lost on the way.
                new_key, lost = self._rotate_after_lost_answer(cr, client, backend, old_key)
                refused = None if new_key else exc
            except ApiError as exc:
                new_key = self._rotate_with_initial_key(cr, client, backend, old_key)
                refused = None if new_key else exc
            if new_key:
                token_model._store_in(self.env(cr=cr), self, KEY_NAME, new_key,
                                      time.time() + self.key_lifetime_days * 86400)
                note = self.env._("Rotated on %s", fields.Datetime.now())
            elif lost:
                note = self.env._("API key lost: generate a new passcode and give consent "
                                  "in Sage 50 again (Onboarding). Sage 50 rotated the key "
                                  "but its answer could not be read, and refuses the old "
                                  "and the initial key (%s)", self._plain(refused))
            else:
                note = self.env._("Refused by Sage 50, the old key is kept: %s",
                                  self._plain(refused))
            self._note_rotation(cr, note)
        if lost:
            self._key_lost(note)
            raise AuthError(note)
        if refused:
            raise refused
        return new_key

    def _rotate_after_lost_answer(self, cr, client, backend, old_key):
        """The rotation's answer could not be read: ``(new key, lost)``. Sage's document
        gives no call that reads a key back, so rotate again, with the key we hold, then
        with the initial key (the document names the parameter "initialApikey"); a key Sage
        still accepts is kept as it is (not lost: rotated at the next run). Lost when Sage
        refuses them all."""
        for key in dict.fromkeys(k for k in (old_key, self._initial_key(cr)) if k):
            try:
                return client.rotate_key(backend.developer_id, backend.application_id, key,
                                         backend.secret), False
            except ApiError as exc:
                _logger.info("Sage 50 key rotated again after a lost answer: %s", exc.message)
        return None, not self._key_accepted(client, old_key)

    def _initial_key(self, cr):
        """The key Sage gave at consent (kept beside the key in use), read on ``cr``."""
        cr.execute("SELECT value FROM tracking_token WHERE backend_id = %s AND name = %s",
                   (self.tracking_backend_id.id, INITIAL_KEY_NAME))
        return (cr.fetchone() or [None])[0]

    def _rotate_with_initial_key(self, cr, client, backend, old_key):
        """Sage refused to rotate ``old_key``: the document names the rotation's key
        "initialApikey", so a server may want the key of the consent, not the one in use.
        Rotate with it (when it is another key); the new key, or None."""
        initial = self._initial_key(cr)
        if not initial or initial == old_key:
            return None
        try:
            return client.rotate_key(backend.developer_id, backend.application_id, initial,
                                     backend.secret)
        except ApiError as exc:
            _logger.info("Sage 50 key rotation with the consent's key refused too: %s",
                         exc.message)
            return None

    def _key_accepted(self, client, key):
        """Whether Sage 50 accepts ``key`` on a data call (a 401 says it does not)."""
        hide(key)
        client.api_key = key
        try:
            client.request("GET", "api/downloads/Customers", expected=(200, 404))
        except AuthError:
            return False
        except ApiError:
            return True  # not known to be refused: kept
        return True

    def _key_lost(self, note):
        """Sage no longer accepts any key this backend holds: back to "Registered", so that
        a user generates a new passcode and gives consent again; said on the backend."""
        self.sudo().with_context(mail_notrack=True).write({"onboarding_state": "registered"})
        self.message_post(body=note, message_type="notification",
                          subtype_xmlid="mail.mt_note")

    def _plain(self, exc):
        """``exc`` as the user reads it (the technical line stays in the server log)."""
        _logger.info("Sage 50 key rotation of %s: %s", self.display_name, exc.message)
        return lazy_text(error_message(exc, self), self.env.lang)

    def _note_rotation(self, cr, text):
        """Note the outcome next to the key, on the key's own (locked) cursor."""
        cr.execute("UPDATE tracking_token SET note = %s WHERE backend_id = %s AND name = %s",
                   (text[:250], self.tracking_backend_id.id, KEY_NAME))
        self.invalidate_recordset(["key_message"])

    # -- client ------------------------------------------------------------------------------

    def _make_client(self, stats=None, deadline=None):
        self.ensure_one()
        key, _expires = self._current_key()
        return Sage50Client(self.sudo().base_url, api_key=key, key_header=self.key_header,
                            rotate=self._rotate_key, rotation_path=self.rotation_path,
                            upload_path=self.upload_path,
                            **self._client_options(stats, deadline))

    @api.constrains("rotation_path")
    def _check_rotation_path(self):
        for backend in self:
            if not path_names_only(backend.rotation_path, "developer_id", "application_id"):
                raise ValidationError(self.env._(
                    "Key rotation path \"%s\": write the IDs as {developer_id} and "
                    "{application_id}, and no other name in braces.", backend.rotation_path))

    def _check_connection(self, client):
        if not client.api_key:
            raise UserError(_lt("No API key yet: finish the onboarding (passcode and "
                                "consent in Sage 50)."))
        client.authed("GET", "api/downloads/Customers", expected=(200, 404))
        return _lt("Sage 50 accepts the API key.")

    def _api_check_reads(self, client):
        """The Customers scope file Sage 50 published last (one call; Sage keeps the
        latest file of each scope only)."""
        def read():
            path = scope_path(CUSTOMERS.name)
            if not client.api_key:
                raise UserError(_lt("No API key yet: finish the onboarding (passcode and "
                                    "consent in Sage 50)."))
            try:
                body = client.answer("GET", path)
            except NotFound:
                return Answer(CUSTOMERS.entity, "GET %s" % path, notes=[_lt(
                    "Sage 50 has published no Customers file yet: nothing to compare.")])
            answer = Answer(CUSTOMERS.entity, "GET %s" % path, body, expected="records",
                            list_keys=("records", CUSTOMERS.name))
            try:
                answer.rows = records_of(body, CUSTOMERS.name) if body is not None else []
            except RemoteDataError:  # the report shows the envelope that came instead
                answer.notes.append(_lt("The connector finds no records in this file: a "
                                        "download would refuse it and try again later."))
            return answer

        return [(_lt("Customers file"), read)]

    # -- onboarding ----------------------------------------------------------------------------

    def _register_developer(self, name, email, company):
        self.ensure_one()
        with self._sync_run(_lt("register developer")) as run:
            client = self._make_client(run.stats)
            url = client.register_developer({"name": name, "email": email,
                                             "company": company,
                                             "approvalUrl": self.approval_url,
                                             "notificationUrl": self.notification_url})
            self.sudo().write({"registration_url": url, "onboarding_state": "registering"})
            run.message = _lt("Open the registration URL and complete it.")
        return run

    def _generate_passcode(self):
        self.ensure_one()
        backend = self.sudo()
        with self._sync_run(_lt("generate passcode")) as run:
            client = self._make_client(run.stats)
            asked = datetime.now(UTC)
            passcode, expires = client.passcode(backend.developer_id, backend.application_id,
                                                backend.secret)
            expiry = passcode_expiry(expires, asked)
            backend.write({"passcode": passcode,
                           "passcode_expires": (expiry.strftime("%Y-%m-%dT%H:%M:%SZ") if expiry
                                                else str(expires or "") or False),
                           "onboarding_state": "passcode"})
        return run

    def _approve(self, key):
        """Sage called the approval URL with the key: taken only while a consent is pending
        (a passcode was generated, "Waiting for consent"), and the approval spends it: called
        again, or in any other state (approved already, registered, key lost), it stores
        nothing and returns False. The backend's row is locked first: of two approvals at
        once, the second waits, then finds the consent spent (Odoo runs its request again
        after the first one's update)."""
        self.ensure_one()
        self.flush_recordset(["onboarding_state"])
        self.env.cr.execute(SQL("SELECT onboarding_state FROM %s WHERE id = %s "
                                "FOR NO KEY UPDATE", SQL.identifier(self._table), self.id))
        row = self.env.cr.fetchone()
        if not row or row[0] != "passcode":
            return False
        self._store_key(key)
        # Sage calls in as the public user: no tracking message in its name; the message
        # below says the same, as the company's own record of the approval (not "Public
        # user", not a bot's).
        self.sudo().with_context(mail_notrack=True).write({"onboarding_state": "approved",
                                                           "passcode": False})
        self.message_post(body=self.env._("Sage 50 approved the integration: API key received "
                                          "and stored."),
                          author_id=self.company_id.partner_id.id,
                          message_type="notification", subtype_xmlid="mail.mt_note")
        return True

    def action_open_onboarding(self):
        check_group(self, MANAGER_GROUP, "write")
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "sage50.onboarding.wizard",
                "name": self.env._("Sage 50 onboarding"), "view_mode": "form", "target": "new",
                "context": {"default_backend_id": self.id}}

    def action_rotate_key(self):
        check_group(self, MANAGER_GROUP, "write")
        self.ensure_one()
        with self._sync_run(_lt("rotate API key")) as run:
            self._rotate_key(self._current_key()[0])
            run.message = _lt("API key rotated.")
        return self._notify_logs(self.env._("Sage 50 API key"), run.log)

    def action_view_uploads(self):
        check_group(self, USER_GROUP)
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "sage50.upload",
                "name": self.env._("Sage 50 uploads"), "view_mode": "list,form",
                "domain": [("backend_id", "=", self.id)]}

    def action_view_downloads(self):
        check_group(self, USER_GROUP)
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "sage50.download",
                "name": self.env._("Sage 50 downloads"), "view_mode": "list,form",
                "domain": [("backend_id", "=", self.id)]}

    def action_new_endpoint_token(self):
        check_group(self, MANAGER_GROUP, "write")
        for backend in self:
            backend.endpoint_token = _new_token()

    # -- sending -------------------------------------------------------------------------------

    @api.model
    def _for_company(self):
        """The current company's Sage 50 backend that has its API key."""
        backend = self.search([("company_id", "=", self.env.company.id),
                               ("onboarding_state", "=", "approved")], limit=1)
        if not backend:
            raise UserError(self.env._("No Sage 50 backend of %s has its API key yet: finish "
                                       "the onboarding.", self.env.company.name))
        return backend

    def _upload_payload(self, scope, records):
        """The file of ``records`` for the upload scope ``scope`` (None for a scope this
        connector does not build): contacts as Customers (with their Sage id when they came
        from Sage; a customer Sage holds as the latest Customers file gave it, with what
        Odoo reads from Sage taken from the contact: ``customer_over_held``), Trackline
        processes with their metadata and documents."""
        self.ensure_one()
        if scope == CUSTOMERS.name:
            sage_ids = {binding.partner_id.id: binding.remote_id for binding in
                        self.env["sage50.partner"].search([("backend_id", "=", self.id),
                                                           ("partner_id", "in", records.ids)])}
            held = self.env["sage50.download"]._customers_held(self) if sage_ids else {}
            customers = []
            for partner in records:
                customer = customer_record(partner, sage_ids.get(partner.id))
                if sage_ids.get(partner.id) in held:
                    customer = customer_over_held(held[sage_ids[partner.id]], customer)
                customers.append(customer)
            return {"records": customers}
        if scope == PROCESSES_SCOPE:
            return {"records": [process_record(process) for process in records]}
        return None

    @api.model
    def _send_partners(self, partners):
        """Contacts as Sage 50 Customers."""
        backend = self._for_company()
        upload = self.env["sage50.upload"]._send(
            backend, CUSTOMERS.name, partners, backend._upload_payload(CUSTOMERS.name, partners),
            self.env._("%s contacts", len(partners)))
        return upload._open()

    @api.model
    def _send_processes(self, processes):
        """Trackline processes (the vendor's Trackline -> SAGE flow, with Odoo in the
        middle). As the vendor's script reads each process's metadata and documents at
        hand-off time, the processes are read again from Trackline first (their new
        documents downloaded); a document still not downloaded is left out, and the
        upload's record says which and why (``_note_left_out``)."""
        backend = self._for_company()
        for trackline in processes.backend_id:
            processes.filtered(lambda p, b=trackline: p.backend_id == b)._refresh(trackline)
        upload = self.env["sage50.upload"]._send(
            backend, PROCESSES_SCOPE, processes,
            backend._upload_payload(PROCESSES_SCOPE, processes),
            self.env._("Trackline %s", ", ".join(processes.mapped("remote_id"))[:100]))
        upload._note_left_out(processes.document_ids.filtered(
            lambda document: document.state != "downloaded"))
        return upload._open()

    # -- crons --

    @api.model
    def _cron_rotate_keys(self):
        """Rotate every key that expires within its backend's "rotate before" days."""
        for backend in self.search([("onboarding_state", "=", "approved")]):
            key, expires = backend._current_key()
            if key and expires and expires - time.time() < backend.rotate_before_days * 86400:
                with backend._sync_run(_lt("scheduled key rotation")) as run:
                    backend._rotate_key(key)
                    run.message = _lt("API key rotated before it expires.")

    @api.model
    def _cron_poll_uploads(self):
        """Follow the uploads waiting for Sage 50, after sending again those kept whose next
        attempt has come."""
        for backend in self.search([]):
            uploads = self.env["sage50.upload"].search([("backend_id", "=", backend.id),
                                                        ("state", "in", ("sent", "running"))])
            due = self.env["tracking.failed.unit"]._due(backend, kind="upload")
            if uploads or due:
                uploads._poll(backend, due)

    @api.model
    def _cron_downloads(self):
        """The new files of each backend, and those (and the customers) kept after a failure
        whose next attempt has come."""
        for backend in self.search([]):
            due = self.env["tracking.failed.unit"]._due(backend).filtered(
                lambda item: item.kind in ("row", "file"))
            pending = self.env["sage50.download"].search([
                ("backend_id", "=", backend.id), "|", ("state", "=", "pending"),
                "&", ("state", "=", "failed"),
                ("scope", "in", due.filtered(lambda item: item.kind == "file"
                                             ).mapped("remote_key"))])
            if pending or due:
                pending._fetch(backend)

    def _retry_resources(self):
        return {CUSTOMERS.name: CUSTOMERS}

    def _retry_other(self, run, client, items):
        """Scope files kept after a failed download or read: downloaded again; uploads
        kept after a failure: sent again."""
        uploads = items.filtered(lambda item: item.kind == "upload")
        if uploads:
            self.env["sage50.upload"]._send_again(run, client, uploads)
        downloads = self.env["sage50.download"].search([
            ("backend_id", "=", self.id),
            ("scope", "in", (items - uploads).mapped("remote_key"))])
        downloads._fetch_files(run, client, self)
