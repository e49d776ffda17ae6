"""The one record every backend is: ``tracking.backend``.

What the four systems' backends share lives here, once: the name, the company, the API's
URL and timeout, the connection's state, and everything that belongs to a backend whatever
its system (run logs, tokens, cursors, call counters, items to retry), each linked by a
real foreign key. Each system's backend (``trackline.backend``, ``trackonline.backend``,
``opuscapita.backend``, ``sage50.backend``) is built on one of these records by delegation
(``_inherits``, as ``res.users`` on ``res.partner``: models/tracking_backend_mixin.py), so
it reads and writes these fields as its own.

Deleting a backend deletes its tokens, cursors, counters and items to retry with it
(``ondelete="cascade"``); its run logs stay as history, naming it (``ondelete="set null"``
and their ``backend_name``).

The dashboard is the kanban view of this model: one card per backend, with the figures
computed below for all cards in a few grouped queries, and the card's buttons, each handed
to the system's backend (``_system_backend``)."""

from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..clients.trackonline import LICENCE_LIMITS
from .tracking_access import USER_GROUP, check_group
from .tracking_failed_unit import OPEN_STATES
from .tracking_messages import lazy_text
from .tracking_sync_log import GOOD_RUN_STATES, NOT_SYNCS, RUN_STATES, run_text

# The systems, by the model of their backend, in the order of their cards.
SYSTEMS = [("trackline.backend", "Trackline"), ("trackonline.backend", "TrackOnline"),
           ("opuscapita.backend", "OpusCapita"), ("sage50.backend", "Sage 50")]
BACKEND_MODELS = tuple(model for model, _label in SYSTEMS)
CONNECTION_STATES = [("unknown", "Not tested"), ("ok", "Connected"), ("error", "Error")]
# Values of a record's state that mean "this record needs someone".
ERROR_STATES = {"send_state": ("error", "rejected"), "state": ("error", "failed", "badRequest")}
# The records a card's "Records" figure counts and opens, per system: (model, window action).
MAIN_RECORDS = {
    "trackline.backend": ("trackline.process", "tracking_connector.action_trackline_process"),
    "trackonline.backend": ("trackonline.transaction",
                            "tracking_connector.action_trackonline_transaction"),
    "opuscapita.backend": ("opuscapita.event", "tracking_connector.action_opuscapita_event"),
    "sage50.backend": ("sage50.upload", "tracking_connector.action_sage50_upload"),
}
# Run states that say the remote answered: the connection works.
CONNECTED_RUN_STATES = ("done", "warning", "stopped")
# The days of a card's recent activity (its bars).
ACTIVITY_DAYS = 28
# Runs whose calls need no credentials (Sage 50's onboarding): they prove no connection.
# Their names as stored (``operation``, in English: models/sage50_backend.py).
KEYLESS_OPERATIONS = ("register developer", "generate passcode")
# The buttons of a card: name -> the systems whose backend has the action.
CARD_ACTIONS = {
    "action_test_connection": BACKEND_MODELS,
    "action_sync_transactions": ("trackonline.backend",),
    "action_sync_locations": ("trackonline.backend",),
    "action_sync_item_definitions": ("trackonline.backend",),
    "action_sync_balances": ("trackonline.backend",),
    "action_poll_results": ("trackonline.backend",),
    "action_sync_events": ("opuscapita.backend",),
    "action_open_import_wizard": ("trackline.backend",),
    "action_rotate_key": ("sage50.backend",),
    "action_view_sync_logs": BACKEND_MODELS,
}


def _by_company(domain):
    """Whether the record rules' ``domain`` (normalized) reads the company alone: the
    counts kept by backend and company can apply it as it is."""
    return all(isinstance(term, str) or term[0] == "company_id" for term in domain)


class TrackingBackend(models.Model):
    _name = "tracking.backend"
    _description = "Tracking Backend"
    _order = "sequence, name, id"

    name = fields.Char(required=True, tracking=True)
    backend_model = fields.Selection(SYSTEMS, string="System", required=True, readonly=True)
    sequence = fields.Integer(readonly=True, help="The system's place on the dashboard.")
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    active = fields.Boolean(default=True)
    base_url = fields.Char(string="API base URL", required=True, tracking=True)
    timeout = fields.Integer(string="Request timeout (s)", default=30, required=True)
    connection_state = fields.Selection(
        CONNECTION_STATES, string="Last connection test", default="unknown", readonly=True,
        copy=False, tracking=True)
    connection = fields.Selection(
        CONNECTION_STATES, compute="_compute_connection", search="_search_connection",
        help="Connected when the backend's last run that called the API got its answers "
             "(a sync works only when the connection does; Sage 50's onboarding calls, "
             "which need no API key, do not count), else the last connection test's result.")
    connection_message = fields.Char(string="Connection test said (as logged)", readonly=True,
                                     copy=False)
    connection_words = fields.Json(string="Connection test said, to translate", readonly=True,
                                   copy=False)
    connection_text = fields.Char(string="Connection test said",
                                  compute="_compute_connection_text",
                                  help="What the last connection test said, in your language "
                                       "(a remote system's own message as it sent it).")
    sync_log_ids = fields.One2many("tracking.sync.log", "backend_id", string="Run logs")
    retry_item_ids = fields.One2many("tracking.failed.unit", "backend_id",
                                     string="Items to retry, all")

    # The dashboard's figures: computed for all cards at once (``_compute_figures``).
    last_sync_at = fields.Datetime(string="Last sync", compute="_compute_figures",
                                   help="The start of the backend's last run that was a sync "
                                        "(not a connection test).")
    last_sync_operation = fields.Char(string="Last run", compute="_compute_figures")
    last_sync_state = fields.Selection(RUN_STATES, compute="_compute_figures")
    last_sync_message = fields.Char(compute="_compute_figures")
    sync_log_count = fields.Integer(string="Runs", compute="_compute_figures")
    failed_unit_count = fields.Integer(
        string="Items to retry", compute="_compute_figures",
        help="Items the runs could not save or send, to be tried again.")
    record_count = fields.Integer(string="Records", compute="_compute_figures",
                                  help="The backend's main records: processes, transactions, "
                                       "events or uploads.")
    record_label = fields.Char(string="Records of", compute="_compute_figures")
    calls_today = fields.Integer(string="API calls today", compute="_compute_figures",
                                 help="The API calls of the backend's runs started today.")
    calls_budget = fields.Integer(string="Daily call budget", compute="_compute_figures",
                                  help="0: the API sets no budget the connector knows of.")
    error_count = fields.Integer(string="Open errors", compute="_compute_figures",
                                 help="Failed runs of the last 24 hours not followed by a good "
                                      "run of the same sync, items to retry, records in "
                                      "error and open activities.")
    error_summary = fields.Char(string="Open errors in", compute="_compute_figures")
    error_sources = fields.Json(
        string="Open errors by kind", compute="_compute_figures",
        help="Each kind of open error with its count: the links under the figure, each "
             "opening its list.")

    activity = fields.Json(
        string="Recent activity", compute="_compute_figures",
        help="Each of the last 28 days: the records the runs saved and the runs that failed "
             "(connection tests aside), oldest first.")

    _sql_constraints = [
        ("timeout_positive", "CHECK(timeout > 0)", "The request timeout must be positive."),
    ]

    @api.model
    def _valid_field_parameter(self, field, name):
        # ``tracking``: the changes are followed in the chatter of each system's backend
        # form, whose fields these are (``_inherits``).
        return name == "tracking" or super()._valid_field_parameter(field, name)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("backend_model") in BACKEND_MODELS:
                vals.setdefault("sequence", BACKEND_MODELS.index(vals["backend_model"]))
        return super().create(vals_list)

    # -- the system's backend ---------------------------------------------------------------

    def _system_backend(self):
        """The backend of this record's system (a ``trackonline.backend``...), read with the
        user's rights (its company rule applies)."""
        self.ensure_one()
        backend = self.env[self.backend_model].with_context(active_test=False).search(
            [("tracking_backend_id", "=", self.id)], limit=1)
        if not backend:
            raise UserError(self.env._("This backend no longer exists."))
        backend.check_access("read")
        return backend

    # -- connection -------------------------------------------------------------------------

    def _last_connected_states(self):
        """The state of each backend's last run that called the API (not Sage 50's keyless
        onboarding calls), by id: one index read per backend."""
        if not self.ids:
            return {}
        self.env["tracking.sync.log"].flush_model()
        self.env.cr.execute(SQL("""
            SELECT b.id, (SELECT l.state FROM tracking_sync_log l
                           WHERE l.backend_id = b.id AND l.api_calls > 0
                             AND l.state NOT IN ('running', 'busy')
                             AND l.operation NOT IN %(keyless)s
                        ORDER BY l.started_at DESC, l.id DESC LIMIT 1)
              FROM unnest(%(ids)s) AS b(id)""", keyless=KEYLESS_OPERATIONS,
                                     ids=list(self.ids)))
        return dict(self.env.cr.fetchall())

    def _compute_connection(self):
        """The one rule of a backend's connection: connected when its last run that called
        the API got its answers, tested or not; else the last connection test's result."""
        states = self._last_connected_states()
        for backend in self:
            connected = states.get(backend.id) in CONNECTED_RUN_STATES
            backend.connection = "ok" if connected else backend.connection_state

    def _search_connection(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Search the connection by its state only."))
        backends = self.with_context(active_test=False).search([])
        matching = backends.filtered(lambda backend: backend.connection == value)
        return [("id", "in" if operator == "=" else "not in", matching.ids)]

    @api.depends("connection_message", "connection_words")
    @api.depends_context("lang")
    def _compute_connection_text(self):
        """Backends tested before the words were kept show what was logged."""
        for backend in self:
            backend.connection_text = (
                lazy_text(backend.connection_words, self.env.lang)
                if backend.connection_words else backend.connection_message)

    # -- the dashboard's figures ------------------------------------------------------------

    def _compute_figures(self):
        ids = [backend.id for backend in self if backend.id]
        systems = self._by_system()
        last = self._last_runs(ids)
        recent_failures = self._recent_failures(ids)
        records = self._main_record_counts(systems)
        errors = self._record_errors(systems)
        kept = self._open_retry_counts(ids)
        runs = self._run_counts(ids)
        calls = self._calls_today(ids)
        budgets = self._budgets(systems)
        labels = self._record_labels()
        activity = self._activity(ids)
        for backend in self:
            key = backend.id
            started, state, name, summary = last.get(key, (False, False, False, False))
            backend.last_sync_at = started
            backend.last_sync_operation = name
            backend.last_sync_state = state
            backend.last_sync_message = summary
            backend.sync_log_count = runs.get(key, 0)
            backend.failed_unit_count = kept.get(key, 0)
            backend.record_count = records.get(key, 0)
            backend.record_label = labels.get(backend.backend_model, "")
            backend.calls_today = calls.get(key, 0)
            backend.calls_budget = budgets.get(key, 0)
            backend.activity = activity.get(key, [])
            # Most telling first: the figure opens the first one.
            sources = (
                [{"source": "kept", "count": kept[key], "label": self.env._("Items to retry")}]
                if kept.get(key) else []) + [
                {"source": model, "count": count, "label": self._model_label(model)}
                for model, count in sorted(errors.get(key, {}).items(),
                                           key=lambda item: -item[1])] + (
                [{"source": "runs", "count": recent_failures[key],
                  "label": self.env._("Failed runs")}] if recent_failures.get(key) else [])
            backend.error_count = sum(source["count"] for source in sources)
            backend.error_sources = sources
            backend.error_summary = ", ".join("%s: %s" % (source["label"], source["count"])
                                              for source in sources)

    def _model_label(self, model):
        """What the screens call the records of ``model``, in the user's language (a model's
        name, "TrackOnline Location", is no word of theirs)."""
        labels = {
            "trackline.process": self.env._("Processes"),
            "trackline.document": self.env._("Documents"),
            "trackonline.location": self.env._("Locations"),
            "trackonline.item.definition": self.env._("Item definitions"),
            "trackonline.transaction": self.env._("Transactions"),
            "trackonline.unique.item": self.env._("Unique items"),
            "trackonline.item.configuration": self.env._("Item Configurations"),
            "trackonline.packaging.label": self.env._("Packaging Labels"),
            "trackonline.batch.calculation": self.env._("Batch calculations"),
            "opuscapita.event": self.env._("Events"),
            "sage50.upload": self.env._("Uploads"),
            "sage50.download": self.env._("Scope files"),
        }
        return labels.get(model) or self.env["ir.model"].sudo()._get(model).name

    def _record_labels(self):
        return {
            "trackline.backend": self.env._("Processes"),
            "trackonline.backend": self.env._("Transactions"),
            "opuscapita.backend": self.env._("Events"),
            "sage50.backend": self.env._("Uploads"),
        }

    def _by_system(self):
        """These backends' systems' backends: {system model: {system backend id: id}},
        read as superuser (to name them; every count applies the user's rights)."""
        systems = {}
        for backend_model in set(self.mapped("backend_model")):
            found = self.env[backend_model].sudo().with_context(active_test=False).search_read(
                [("tracking_backend_id", "in", self.ids)], ["tracking_backend_id"])
            systems[backend_model] = {row["id"]: row["tracking_backend_id"][0] for row in found}
        return systems

    def _last_runs(self, ids):
        """The last run of each backend that is a sync (not a connection test): one query for
        all cards. Its name and summary in the user's language, as its log shows them."""
        if not ids:
            return {}
        self.env["tracking.sync.log"].flush_model()
        # One index read per backend (tracking_sync_log_backend_newest_idx), not a sort of
        # all its runs: a lateral query per backend (a plan made for any backend would walk
        # every run of the others). Connection tests are no sync.
        self.env.cr.execute(SQL("""
            SELECT b.id, l.started_at, l.state, l.operation, l.operation_words, l.message,
                   l.message_words
              FROM unnest(%(ids)s) AS b(id)
              JOIN LATERAL (SELECT started_at, state, operation, operation_words, message,
                                   message_words
                              FROM tracking_sync_log
                             WHERE backend_id = b.id AND operation NOT IN %(not_syncs)s
                          ORDER BY started_at DESC, id DESC LIMIT 1) l ON TRUE""",
            ids=list(ids), not_syncs=NOT_SYNCS))
        lang = self.env.lang
        return {bid: (started, state, run_text(operation_words, operation, lang),
                      run_text(message_words, message, lang))
                for (bid, started, state, operation, operation_words, message,
                     message_words) in self.env.cr.fetchall()}

    def _open_failed_runs(self, ids):
        """The failed runs of the last 24 hours that are still open errors, per backend (their
        ids): not a connection test (the card's connection says it), and not followed by a
        good run of the same operation of the same backend (the failure was fixed)."""
        if not ids:
            return {}
        self.env["tracking.sync.log"].flush_model()
        self.env.cr.execute(SQL("""
            SELECT f.backend_id, array_agg(f.id ORDER BY f.id)
              FROM tracking_sync_log f
             WHERE f.backend_id IN %(ids)s AND f.state = 'failed'
               AND f.started_at >= %(since)s AND f.operation NOT IN %(not_syncs)s
               AND NOT EXISTS (
                   SELECT 1 FROM tracking_sync_log g
                    WHERE g.backend_id = f.backend_id
                      AND g.operation = f.operation AND g.state IN %(good)s
                      AND (g.started_at, g.id) > (f.started_at, f.id))
          GROUP BY f.backend_id""",
            ids=tuple(ids), since=fields.Datetime.subtract(fields.Datetime.now(), hours=24),
            not_syncs=NOT_SYNCS, good=GOOD_RUN_STATES))
        return dict(self.env.cr.fetchall())

    def _recent_failures(self, ids):
        return {key: len(log_ids) for key, log_ids in self._open_failed_runs(ids).items()}

    def _open_retry_counts(self, ids):
        """Open items to retry per backend, with the user's rights."""
        groups = self.env["tracking.failed.unit"]._read_group(
            [("backend_id", "in", ids), ("state", "in", OPEN_STATES)], ["backend_id"],
            ["__count"])
        return {backend.id: count for backend, count in groups}

    def _run_counts(self, ids):
        groups = self.env["tracking.sync.log"]._read_group(
            [("backend_id", "in", ids)], ["backend_id"], ["__count"])
        return {backend.id: count for backend, count in groups}

    def _backend_record_models(self, backend_model):
        """Models whose records belong to a backend of ``backend_model`` (stored
        ``backend_id``), mirrored or sent."""
        for name, model in self.env.registry.items():
            field = model._fields.get("backend_id")
            if (not model._abstract and not model._transient and model._auto
                    and field is not None and field.type == "many2one"
                    and field.comodel_name == backend_model and field.store):
                yield self.env[name]

    def _main_record_counts(self, systems):
        """The main records of each backend (processes, transactions, events, uploads) as
        their list shows them to the user: read from the counts the database keeps by
        backend and company (models/tracking_record_count.py) with the main model's own
        access rights and rules, one grouped query per system. A main model whose rules ask
        more than the company, or that can archive records, is counted in its list's way."""
        counts = {}
        kept = self.env["tracking.record.count"]
        for backend_model, ids in systems.items():
            model = self.env[MAIN_RECORDS[backend_model][0]]
            rules = self.env["ir.rule"]._compute_domain(model._name, "read")
            if "active" in model._fields or not _by_company(rules):
                for backend, count in model._read_group([("backend_id", "in", list(ids))],
                                                        ["backend_id"], ["__count"]):
                    counts[ids[backend.id]] = count
                continue
            model.check_access("read")
            model.flush_model(["backend_id", "company_id"])
            for backend, count in kept._read_group(
                    [("backend_id", "in", list(ids.values()))] + list(rules),
                    ["backend_id"], ["record_count:sum"]):
                counts[backend.id] = count
        return counts

    def _error_domains(self, model):
        """The domains that find ``model``'s records needing someone (or none)."""
        domains = [[(field, "in", values)] for field, values in ERROR_STATES.items()
                   if field in model._fields and model._fields[field].type == "selection"]
        if "activity_ids" in model._fields:
            domains.append([("activity_ids", "!=", False)])
        return domains

    def _record_errors(self, systems):
        """Records in error or with an open activity, per backend and model: one grouped
        query per model and kind of error."""
        errors = {}
        for backend_model, ids in systems.items():
            for model in self._backend_record_models(backend_model):
                for domain in self._error_domains(model):
                    for backend, count in model._read_group(
                            [("backend_id", "in", list(ids))] + domain, ["backend_id"],
                            ["__count"]):
                        found = errors.setdefault(ids[backend.id], {})
                        found[model._name] = found.get(model._name, 0) + count
        return errors

    def _user_tz(self):
        """The name of the user's time zone (the request's, else the user's, else UTC)."""
        return self.env.context.get("tz") or self.env.user.tz or "UTC"

    def _today_start(self):
        """The start of the user's today, in UTC (as datetimes are stored)."""
        tz = pytz.timezone(self._user_tz())
        midnight = tz.localize(datetime.combine(datetime.now(tz).date(), time.min))
        return midnight.astimezone(pytz.utc).replace(tzinfo=None)

    def _calls_today(self, ids):
        """The API calls of each backend's runs started today, whatever the system."""
        if not ids:
            return {}
        self.env["tracking.sync.log"].flush_model()
        self.env.cr.execute("""
            SELECT backend_id, SUM(api_calls) FROM tracking_sync_log
             WHERE started_at >= %s AND backend_id IN %s
          GROUP BY backend_id
        """, (self._today_start(), tuple(ids)))
        return {bid: calls or 0 for bid, calls in self.env.cr.fetchall()}

    def _activity(self, ids):
        """Per backend, each of the last ``ACTIVITY_DAYS`` days of the user's calendar,
        oldest first: ``{"day", "records" (created and updated), "failed" (runs)}``; one
        query for all cards, on the runs' index by backend and start."""
        if not ids:
            return {}
        tz = self._user_tz()
        today = datetime.now(pytz.timezone(tz)).date()
        days = [today - timedelta(days=back) for back in range(ACTIVITY_DAYS - 1, -1, -1)]
        self.env["tracking.sync.log"].flush_model()
        self.env.cr.execute(SQL("""
            SELECT backend_id, (started_at AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date,
                   SUM(COALESCE(created_count, 0) + COALESCE(updated_count, 0)),
                   COUNT(*) FILTER (WHERE state = 'failed' AND operation NOT IN %(not_syncs)s)
              FROM tracking_sync_log
             WHERE backend_id IN %(ids)s AND started_at >= %(since)s
          GROUP BY 1, 2""", tz=tz, ids=tuple(ids), not_syncs=NOT_SYNCS,
            since=self._today_start() - timedelta(days=ACTIVITY_DAYS - 1)))
        found = {(bid, day): (records, failed)
                 for bid, day, records, failed in self.env.cr.fetchall()}
        return {bid: [{"day": day.isoformat(),
                       "records": int(found.get((bid, day), (0, 0))[0] or 0),
                       "failed": found.get((bid, day), (0, 0))[1]} for day in days]
                for bid in ids}

    def _budgets(self, systems):
        ids = systems.get("trackonline.backend", {})
        backends = self.env["trackonline.backend"].sudo().browse(list(ids))
        return {ids[backend.id]: LICENCE_LIMITS[backend.licence_tier][1]
                for backend in backends}

    # -- the card's buttons -----------------------------------------------------------------

    def action_open_backend(self):
        check_group(self, USER_GROUP)
        backend = self._system_backend()
        return {"type": "ir.actions.act_window", "res_model": backend._name,
                "res_id": backend.id, "view_mode": "form", "views": [(False, "form")]}

    def _window(self, xmlid, domain, name=None, context=None):
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        name = name or action["name"]
        action.update({"domain": domain, "context": context or {}, "name": name,
                       "display_name": name})
        return action

    def action_open_records(self):
        """The list behind the "Records" figure."""
        check_group(self, USER_GROUP)
        backend = self._system_backend()
        _model, xmlid = MAIN_RECORDS[backend._name]
        return self._window(xmlid, [("backend_id", "=", backend.id)],
                            "%s: %s" % (backend.display_name, self.record_label),
                            {"default_backend_id": backend.id})

    def action_open_calls_today(self):
        """The runs behind the "API calls today" figure."""
        check_group(self, USER_GROUP)
        self.ensure_one()
        return self._window(
            "tracking_connector.action_tracking_sync_log",
            [("backend_id", "=", self.id),
             ("started_at", ">=", fields.Datetime.to_string(self._today_start()))],
            self.env._("%s: runs of today", self.display_name))

    def action_open_errors(self):
        """The "Open errors" figure: the list of its first source (items to retry, then the
        records in error, most first, then failed runs); the links under the figure open
        each source (``action_open_error_source``)."""
        check_group(self, USER_GROUP)
        self.ensure_one()
        sources = self.error_sources or [{"source": "runs"}]
        return self.action_open_error_source(sources[0]["source"])

    def action_open_error_source(self, source):
        """The list behind one source of the "Open errors" figure: ``runs`` (failed runs of
        the last 24 hours), ``kept`` (items to retry) or the name of a model whose records
        of this backend are in error or wait for an activity."""
        check_group(self, USER_GROUP)
        backend = self._system_backend()
        if source == "kept":
            return self._window(
                "tracking_connector.action_tracking_failed_unit",
                [("backend_id", "=", self.id), ("state", "in", OPEN_STATES)],
                self.env._("%s: items to retry", self.display_name))
        if source == "runs":
            ids = self._open_failed_runs([self.id]).get(self.id, [])
            return self._window(
                "tracking_connector.action_tracking_sync_log", [("id", "in", ids)],
                self.env._("%s: failed runs", self.display_name))
        models_ = {model._name: model for model in self._backend_record_models(backend._name)}
        if source not in models_:
            raise UserError(self.env._("%(backend)s has no open errors of \"%(kind)s\".",
                                       backend=self.display_name, kind=source))
        model = models_[source]
        domain = ["|"] * (len(self._error_domains(model)) - 1)
        for part in self._error_domains(model):
            domain += part
        name = self.env._("%(backend)s: %(what)s needing attention",
                          backend=self.display_name, what=self._model_label(model._name))
        return {"type": "ir.actions.act_window", "res_model": model._name,
                "name": name, "display_name": name,
                "views": [(False, "list"), (False, "form")],
                "domain": [("backend_id", "=", backend.id)] + domain}

    def _run_action(self, name):
        backend = self._system_backend()
        if backend._name not in CARD_ACTIONS.get(name, ()):
            raise UserError(self.env._("%(backend)s has no button \"%(name)s\".",
                                       backend=backend.display_name, name=name))
        return getattr(backend, name)()

    def action_test_connection(self):
        check_group(self, USER_GROUP)
        return self._run_action("action_test_connection")

    def action_sync_transactions(self):
        check_group(self, USER_GROUP)
        return self._run_action("action_sync_transactions")

    def action_sync_locations(self):
        check_group(self, USER_GROUP)
        return self._run_action("action_sync_locations")

    def action_sync_item_definitions(self):
        check_group(self, USER_GROUP)
        return self._run_action("action_sync_item_definitions")

    def action_sync_balances(self):
        check_group(self, USER_GROUP)
        return self._run_action("action_sync_balances")

    def action_poll_results(self):
        check_group(self, USER_GROUP)
        return self._run_action("action_poll_results")

    def action_sync_events(self):
        check_group(self, USER_GROUP)
        return self._run_action("action_sync_events")

    def action_open_import_wizard(self):
        check_group(self, USER_GROUP)
        return self._run_action("action_open_import_wizard")

    def action_rotate_key(self):
        check_group(self, USER_GROUP)
        return self._run_action("action_rotate_key")

    def action_view_sync_logs(self):
        check_group(self, USER_GROUP)
        return self._run_action("action_view_sync_logs")
