"""The Trackline backend: credentials and JWT, connection test, the import of a process
and its documents, the refresh of open processes, and the "Import from Trackline" entries
of other models' Action menus."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..clients.base import NotFound, RemoteDataError
from ..clients.concurrent import bounded
from ..clients.trackline import DEFAULT_BASE_URL, METADATA_PATH, TracklineClient
from ..mappings import trackline as mapping
from ..mappings.settings import comma_list
from .tracking_access import MANAGER_GROUP, USER_GROUP, check_group
from .tracking_api_check import ONE_RECORD, Answer
from .tracking_importer import Resource
from .tracking_messages import _lt

TOKEN_NAME = "jwt"
WIZARD_MODEL = "trackline.import.wizard"
# The context of the wizard's entry in a record's Action menu (evaluated by the web client
# with the record as ``active_model``/``active_id``): that record is the one to link.
LINK_CONTEXT = "{'default_res_model': active_model, 'default_res_id': active_id}"
# A process with its documents: read by ``_import_process`` (one, by id or name) and
# ``_import_processes`` (a refresh of several, each alone).
PROCESSES = Resource("processes", "trackline.process", mapping.PROCESS,
                     refetch=lambda backend, client, resource, key, row: [
                         client.process_metadata(process_id=key)])


class TracklineBackend(models.Model):
    _name = "trackline.backend"
    _description = "Trackline Backend"
    _inherit = ["tracking.backend.mixin"]
    _default_base_url = DEFAULT_BASE_URL

    login = fields.Char(string="Login (email)", groups=MANAGER_GROUP, copy=False)
    password = fields.Char(groups=MANAGER_GROUP, copy=False)
    max_file_size = fields.Integer(
        string="Largest document (MB)", default=25, required=True,
        help="Documents larger than this are not downloaded; they are marked with the reason.")
    download_concurrency = fields.Integer(
        string="Parallel downloads", default=4, required=True,
        help="How many documents and process readings are asked of Trackline at once (1: "
             "one after the other). Each is saved as it arrives.")
    final_statuses = fields.Char(
        default="Completed,Cancelled,Closed,Finished", required=True,
        help="Comma-separated process statuses after which the scheduled refresh stops "
             "looking at a process.")
    linked_model_ids = fields.Many2many(
        "ir.model", string="Offer the import on",
        domain=[("transient", "=", False), ("model", "not like", "trackline.%")],
        help="Models whose Action menu offers \"Import from Trackline\": the process is "
             "linked to the record and its documents are attached to it as well.")
    process_ids = fields.One2many("trackline.process", "backend_id")
    process_count = fields.Integer(compute="_compute_process_count")

    _sql_constraints = [
        ("max_file_size_positive", "CHECK(max_file_size > 0)",
         "The largest document size must be positive."),
        ("download_concurrency_range", "CHECK(download_concurrency BETWEEN 1 AND 16)",
         "Parallel downloads must be between 1 and 16."),
    ]

    def _compute_process_count(self):
        self._count_records({"process_count": "trackline.process"})

    def _final_status_set(self):
        return {status.lower() for status in comma_list(self.final_statuses)}

    # -- client ----------------------------------------------------------------------------

    def _make_client(self, stats=None, deadline=None):
        self.ensure_one()
        backend = self.sudo()
        return TracklineClient(backend.base_url, backend.login, backend.password,
                               **self._token_options(TOKEN_NAME),
                               **self._client_options(stats, deadline))

    def _check_connection(self, client):
        client.login()
        # The login is not named: run logs and the backend's test result are read by every
        # Tracking user, the login by managers only.
        return _lt("Logged in to Trackline.")

    # -- the API check (models/tracking_api_check.py) ----------------------------------------

    def _api_check_reads(self, client):
        """The process mirrored last, read again with its documents (Trackline lists no
        processes: with none mirrored, there is nothing to read)."""
        process = self.env["trackline.process"].search([("backend_id", "=", self.id)],
                                                       order="id desc", limit=1)
        bodies = []

        def read_process():
            if not process:
                client.login()
                return Answer(mapping.PROCESS, "POST login", notes=[_lt(
                    "Logged in. No process read: Trackline lists no processes; import one "
                    "first, then check again.")])
            body = client.answer("GET", METADATA_PATH, params={"process_id": process.remote_id})
            bodies.append(body)
            # Its documents are judged on their own (read_documents), not as a key unread.
            row = ({key: value for key, value in body.items() if key != "documents"}
                   if isinstance(body, dict) else None)
            return Answer(mapping.PROCESS, "GET %s" % METADATA_PATH, body,
                          [row] if row is not None else [], expected=ONE_RECORD)

        def read_documents():
            body = bodies[0] if bodies else None
            documents = body.get("documents") if isinstance(body, dict) else None
            return Answer(mapping.DOCUMENT, "(the documents of the process)", documents,
                          documents if isinstance(documents, list) else [])

        return [(_lt("processes"), read_process), (_lt("documents"), read_documents)]

    # -- import ----------------------------------------------------------------------------

    def _import_process(self, run, client, process_id=None, process_name=None, record=None):
        """Read one process, mirror it and its documents, download what is new. Returns the
        ``trackline.process``; an unknown id or name raises ``UserError`` naming it."""
        self.ensure_one()
        try:
            meta = client.process_metadata(process_id=process_id, process_name=process_name)
        except NotFound as exc:
            raise UserError(_lt(
                "Trackline has no process with %(what)s \"%(value)s\" (backend %(backend)s): "
                "%(remote)s", what=_lt("ID") if process_id else _lt("name"),
                value=process_id or process_name, backend=self.display_name,
                remote=exc.message)) from None
        backend = self.with_context(trackline_link=record and (record._name, record.id))
        process = run.page(_lt("process %s", meta["process_id"]),
                           lambda: backend._import_page(run, PROCESSES, [meta]))
        process._download_documents(run, client)
        if record:
            process._attach_documents_to_linked_record(run)
        return process

    def _import_processes(self, run, client, remote_ids):
        """Read the processes ``remote_ids`` (again), each alone (one that fails is logged
        and the others go on), and download their new documents. They go
        ``download_concurrency`` at a time: their readings asked at once (in worker
        threads), each saved here in a step of its own, then the documents of them all
        downloaded the same way, before the next ones are asked."""
        def checked(remote_id, meta, error):
            if error:
                raise error
            if meta["process_id"] != remote_id:
                raise RemoteDataError(self.env._(
                    "Trackline answered process %(got)s when asked for %(asked)s",
                    got=meta["process_id"], asked=remote_id))
            return [meta]

        bound = self.download_concurrency
        for start in range(0, len(remote_ids), bound):
            client.prepare_ahead()
            try:
                metas = list(bounded(remote_ids[start:start + bound], lambda remote_id: (
                    client.process_metadata(process_id=remote_id)), bound))
            finally:
                client.settle()
            saved, finished = self._import_each(run, PROCESSES, [
                lambda remote_id=remote_id, meta=meta, error=error: checked(
                    remote_id, meta, error) for remote_id, meta, error in metas])
            saved._download_documents(run, client)
            if not finished:
                return

    def _retry_resources(self):
        return {PROCESSES.name: PROCESSES}

    def _retry_other(self, run, client, items):
        """Documents kept after a failed download: downloaded again."""
        documents = self.env["trackline.document"].search([
            ("backend_id", "=", self.id), ("remote_id", "in", items.mapped("remote_key"))])
        documents._download(run, client)
        rest = items.filtered(lambda item: item.remote_key not in documents.mapped("remote_id"))
        if rest:
            return super()._retry_other(run, client, rest)
        return None

    # -- Action menu bindings ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        backends = super().create(vals_list)
        self._sync_action_bindings()
        return backends

    def write(self, vals):
        result = super().write(vals)
        if {"linked_model_ids", "active"} & set(vals):
            self._sync_action_bindings()
        return result

    def unlink(self):
        result = super().unlink()
        self._sync_action_bindings()
        return result

    @api.model
    def _sync_action_bindings(self):
        """One "Import from Trackline" entry in the Action menu of each model that an
        active backend enables, and none elsewhere."""
        wanted = self.sudo().search([]).linked_model_ids
        actions = self.env["ir.actions.act_window"].sudo()
        bound = actions.search([("res_model", "=", WIZARD_MODEL),
                                ("binding_model_id", "!=", False)])
        unwanted = bound.filtered(lambda action: action.binding_model_id not in wanted)
        present = (bound - unwanted).binding_model_id
        unwanted.unlink()
        # The record the entry is chosen on is the record to link (the wizard reads no
        # ``active_model``: a dashboard card opens it too).
        (bound - unwanted).filtered(lambda action: action.context != LINK_CONTEXT).write(
            {"context": LINK_CONTEXT})
        for model in wanted - present:
            actions.create({
                "name": self.env._("Import from Trackline"),
                "res_model": WIZARD_MODEL,
                "view_mode": "form",
                "target": "new",
                "context": LINK_CONTEXT,
                "binding_model_id": model.id,
                "binding_view_types": "form,list",
                "groups_id": [(6, 0, [self.env.ref("tracking_connector.group_tracking_user").id])],
            })

    # -- buttons -----------------------------------------------------------------------------

    def action_view_processes(self):
        check_group(self, USER_GROUP)
        return self._open_action("tracking_connector.action_trackline_process")

    def action_open_import_wizard(self):
        check_group(self, USER_GROUP)
        return self._open_action("tracking_connector.action_trackline_import_wizard",
                                 of_backend=False)

    @api.model
    def _cron_refresh_open_processes(self, batch_size=50, min_age_minutes=30):
        """Refresh processes whose status is not final and that were not refreshed in the
        last ``min_age_minutes``, oldest first, and download their new documents: a bounded
        batch per backend and per call."""
        since = fields.Datetime.subtract(fields.Datetime.now(), minutes=min_age_minutes)
        self._cron_each_backend("refresh", type(self)._refresh_open_processes, since,
                                batch_size)

    def _refresh_open_processes(self, since, batch_size, deadline=None):
        """One run refreshing at most ``batch_size`` of this backend's open processes not
        refreshed since ``since``; None when there is none."""
        stale = self.env["trackline.process"].search([
            ("backend_id", "=", self.id),
            ("status_key", "not in", list(self._final_status_set())),
            "|", ("last_refresh_at", "=", False), ("last_refresh_at", "<=", since)],
            order="last_refresh_at asc nulls first, id", limit=batch_size + 1)
        if not stale:
            return None
        run = stale[:batch_size]._refresh(self, deadline)
        run.more = run.more or len(stale) > batch_size
        return run
