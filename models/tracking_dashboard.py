from datetime import datetime, time

import pytz

from odoo import fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..clients.trackonline import LICENCE_LIMITS
from .tracking_doors import USER_GROUP, check_door
from .tracking_failed_unit import OPEN_STATES
from .tracking_sync_log import GOOD_RUN_STATES, NOT_SYNCS, RUN_STATES, run_text

# The backends shown on the dashboard, in the order of their cards.
BACKEND_MODELS = ("trackline.backend", "trackonline.backend", "opuscapita.backend",
                  "sage50.backend")
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
# Runs whose calls need no credentials (Sage 50's onboarding): they prove no connection.
# Their names as stored (``operation``, in English: models/sage50_backend.py).
KEYLESS_OPERATIONS = ("register developer", "generate passcode")
# The sync buttons of a card: name -> the backend model that has the action.
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


class TrackingDashboard(models.Model):
    """One read-only card per backend of the four systems (a SQL view over their tables):
    its connection, last run, records mirrored, API calls of today, open errors, and the
    buttons that run its syncs. The figures are computed for all cards with a few grouped
    queries."""

    _name = "tracking.dashboard"
    _description = "Tracking Dashboard Card"
    _auto = False
    _order = "sequence, name, id"
    # Searching the view first writes what is pending on the backends it reads.
    _depends = dict({model: ["name", "company_id", "active", "connection_state"]
                     for model in BACKEND_MODELS},
                    **{"tracking.sync.log": ["backend_model", "backend_id", "state",
                                             "started_at", "api_calls", "operation"]})

    backend_model = fields.Selection(
        [("trackline.backend", "Trackline"), ("trackonline.backend", "TrackOnline"),
         ("opuscapita.backend", "OpusCapita"), ("sage50.backend", "Sage 50")],
        string="System", readonly=True)
    backend_id = fields.Many2oneReference(string="Backend ID", model_field="backend_model",
                                          readonly=True)
    sequence = fields.Integer(readonly=True)
    name = fields.Char(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    active = fields.Boolean(readonly=True)
    connection_state = fields.Selection(
        [("unknown", "Not tested"), ("ok", "Connected"), ("error", "Error")], readonly=True,
        help="From the last \"Test connection\", or Connected when the backend's last run "
             "got its answers from the remote (not Sage 50's onboarding calls, which need no "
             "API key).")
    last_sync_at = fields.Datetime(compute="_compute_figures")
    last_sync_operation = fields.Char(string="Last run", compute="_compute_figures")
    last_sync_state = fields.Selection(RUN_STATES, compute="_compute_figures")
    last_sync_message = fields.Char(compute="_compute_figures")
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
                                      "run of the same sync, items kept to retry, records in "
                                      "error and open activities.")
    error_summary = fields.Char(string="Open errors in", compute="_compute_figures")
    error_sources = fields.Json(
        string="Open errors by kind", compute="_compute_figures",
        help="Each kind of open error with its count: the links under the figure, each "
             "opening its list.")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # A backend whose last run that called the API got its answers is connected,
        # tested or not (the one home of this rule: the backends' ``connection`` reads it).
        # Sage 50's onboarding calls (registration, passcode) need no API key: they prove
        # nothing of the connection.
        selects = [
            SQL("SELECT %(offset)s + b.id AS id, %(model)s::varchar AS backend_model, "
                "b.id AS backend_id, %(number)s AS sequence, b.name, b.company_id, b.active, "
                "CASE WHEN (SELECT l.state FROM tracking_sync_log l "
                "WHERE l.backend_model = %(model)s AND l.backend_id = b.id "
                "AND l.api_calls > 0 AND l.state NOT IN ('running', 'busy') "
                "AND l.operation NOT IN %(keyless)s "
                "ORDER BY l.started_at DESC, l.id DESC LIMIT 1) IN %(connected)s "
                "THEN 'ok' ELSE b.connection_state END AS connection_state "
                "FROM %(table)s b",
                offset=(number + 1) * 100000000, model=model, number=number,
                keyless=KEYLESS_OPERATIONS,
                connected=CONNECTED_RUN_STATES, table=SQL.identifier(self.env[model]._table))
            for number, model in enumerate(BACKEND_MODELS)]
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)",
                                SQL.identifier(self._table), SQL(" UNION ALL ").join(selects)))

    # -- figures -------------------------------------------------------------------------------

    def _compute_figures(self):
        keys = {(card.backend_model, card.backend_id) for card in self}
        last = self._last_runs(keys)
        recent_failures = self._recent_failures(keys)
        records = self._main_record_counts(keys)
        errors = self._record_errors(keys)
        kept = self._kept_units(keys)
        calls = self._calls_today(keys)
        budgets = self._budgets(keys)
        labels = self._record_labels()
        for card in self:
            key = (card.backend_model, card.backend_id)
            started, state, name, summary = last.get(key, (False, False, False, False))
            card.last_sync_at = started
            card.last_sync_operation = name
            card.last_sync_state = state
            card.last_sync_message = summary
            card.record_count = records.get(key, 0)
            card.record_label = labels.get(card.backend_model, "")
            card.calls_today = calls.get(key, 0)
            card.calls_budget = budgets.get(key, 0)
            # Most telling first: the figure opens the first one.
            sources = (
                [{"source": "kept", "count": kept[key], "label": self.env._("Items to retry")}]
                if kept.get(key) else []) + [
                {"source": model, "count": count, "label": self._model_label(model)}
                for model, count in sorted(errors.get(key, {}).items(),
                                           key=lambda item: -item[1])] + (
                [{"source": "runs", "count": recent_failures[key],
                  "label": self.env._("Failed runs")}] if recent_failures.get(key) else [])
            card.error_count = sum(source["count"] for source in sources)
            card.error_sources = sources
            card.error_summary = ", ".join("%s: %s" % (source["label"], source["count"])
                                           for source in sources)

    def _model_label(self, model):
        """A model's name in the user's language (``_description`` is English)."""
        return self.env["ir.model"].sudo()._get(model).name or self.env[model]._description

    def _record_labels(self):
        return {
            "trackline.backend": self.env._("Processes"),
            "trackonline.backend": self.env._("Transactions"),
            "opuscapita.backend": self.env._("Events"),
            "sage50.backend": self.env._("Uploads"),
        }

    def _last_runs(self, keys):
        """The last run of each backend that is a sync (not a connection test): one query for
        all cards. Its name and summary in the user's language, as its log shows them."""
        if not keys:
            return {}
        self.env["tracking.sync.log"].flush_model()
        # One index read per backend (tracking_sync_log_backend_newest_idx), not a sort of
        # all its runs: a query per backend, its values written in (a plan made for any
        # backend would walk every run of the others). Connection tests are no sync.
        self.env.cr.execute(SQL(" UNION ALL ").join(SQL("""
            (SELECT backend_model, backend_id, started_at, state, operation, operation_words,
                    message, message_words
               FROM tracking_sync_log
              WHERE backend_model = %s AND backend_id = %s AND operation NOT IN %s
           ORDER BY started_at DESC, id DESC LIMIT 1)""", model, bid, NOT_SYNCS)
            for model, bid in keys))
        lang = self.env.lang
        return {(model, bid): (started, state, run_text(operation_words, operation, lang),
                               run_text(message_words, message, lang))
                for (model, bid, started, state, operation, operation_words, message,
                     message_words) in self.env.cr.fetchall()}

    def _open_failed_runs(self, keys):
        """The failed runs of the last 24 hours that are still open errors, per backend (their
        ids): not a connection test (the card's connection says it), and not followed by a
        good run of the same operation of the same backend (the failure was fixed)."""
        if not keys:
            return {}
        self.env["tracking.sync.log"].flush_model()
        self.env.cr.execute(SQL("""
            SELECT f.backend_model, f.backend_id, array_agg(f.id ORDER BY f.id)
              FROM tracking_sync_log f
             WHERE (f.backend_model, f.backend_id) IN %(keys)s AND f.state = 'failed'
               AND f.started_at >= %(since)s AND f.operation NOT IN %(not_syncs)s
               AND NOT EXISTS (
                   SELECT 1 FROM tracking_sync_log g
                    WHERE g.backend_model = f.backend_model AND g.backend_id = f.backend_id
                      AND g.operation = f.operation AND g.state IN %(good)s
                      AND (g.started_at, g.id) > (f.started_at, f.id))
          GROUP BY f.backend_model, f.backend_id""",
            keys=tuple(keys), since=fields.Datetime.subtract(fields.Datetime.now(), hours=24),
            not_syncs=NOT_SYNCS, good=GOOD_RUN_STATES))
        return {(model, bid): ids for model, bid, ids in self.env.cr.fetchall()}

    def _recent_failures(self, keys):
        return {key: len(ids) for key, ids in self._open_failed_runs(keys).items()}

    def _kept_units(self, keys):
        """Open kept units (``tracking.failed.unit``) per backend, with the user's rights."""
        result = {}
        for model in {model for model, _bid in keys}:
            groups = self.env["tracking.failed.unit"]._read_group(
                [("backend_model", "=", model),
                 ("backend_id", "in", [bid for m, bid in keys if m == model]),
                 ("state", "in", OPEN_STATES)], ["backend_id"], ["__count"])
            result.update({(model, bid): count for bid, count in groups})
        return result

    def _backend_record_models(self, backend_model):
        """Models whose records belong to a backend of ``backend_model`` (stored
        ``backend_id``), mirrored or sent."""
        for name, model in self.env.registry.items():
            field = model._fields.get("backend_id")
            if (not model._abstract and not model._transient and model._auto
                    and field is not None and field.type == "many2one"
                    and field.comodel_name == backend_model and field.store):
                yield self.env[name]

    def _main_record_counts(self, keys):
        """The main records of each backend (processes, transactions, events, uploads): one
        grouped query per system, with the user's rights (what the list will show)."""
        counts = {}
        for backend_model in {model for model, _bid in keys}:
            ids = [bid for model, bid in keys if model == backend_model]
            model = self.env[MAIN_RECORDS[backend_model][0]]
            for backend, count in model._read_group([("backend_id", "in", ids)],
                                                    ["backend_id"], ["__count"]):
                counts[(backend_model, backend.id)] = count
        return counts

    def _error_domains(self, model):
        """The domains that find ``model``'s records needing someone (or none)."""
        domains = [[(field, "in", values)] for field, values in ERROR_STATES.items()
                   if field in model._fields and model._fields[field].type == "selection"]
        if "activity_ids" in model._fields:
            domains.append([("activity_ids", "!=", False)])
        return domains

    def _record_errors(self, keys):
        """Records in error or with an open activity, per backend and model: one grouped
        query per model and kind of error."""
        errors = {}
        for backend_model in {model for model, _bid in keys}:
            ids = [bid for model, bid in keys if model == backend_model]
            for model in self._backend_record_models(backend_model):
                for domain in self._error_domains(model):
                    for backend, count in model._read_group(
                            [("backend_id", "in", ids)] + domain, ["backend_id"],
                            ["__count"]):
                        found = errors.setdefault((backend_model, backend.id), {})
                        found[model._name] = found.get(model._name, 0) + count
        return errors

    def _today_start(self):
        """The start of the user's today, in UTC (as datetimes are stored)."""
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        midnight = tz.localize(datetime.combine(datetime.now(tz).date(), time.min))
        return midnight.astimezone(pytz.utc).replace(tzinfo=None)

    def _calls_today(self, keys):
        """The API calls of each backend's runs started today, whatever the system."""
        if not keys:
            return {}
        self.env["tracking.sync.log"].flush_model()
        self.env.cr.execute("""
            SELECT backend_model, backend_id, SUM(api_calls) FROM tracking_sync_log
             WHERE started_at >= %s AND (backend_model, backend_id) IN %s
          GROUP BY backend_model, backend_id
        """, (self._today_start(), tuple(keys)))
        return {(model, bid): calls or 0 for model, bid, calls in self.env.cr.fetchall()}

    def _budgets(self, keys):
        ids = [bid for model, bid in keys if model == "trackonline.backend"]
        backends = self.env["trackonline.backend"].sudo().browse(ids)
        return {("trackonline.backend", backend.id): LICENCE_LIMITS[backend.licence_tier][1]
                for backend in backends.exists()}

    # -- buttons ---------------------------------------------------------------------------------

    def _backend(self):
        """The backend behind this card, read with the user's rights (its company rule
        applies)."""
        self.ensure_one()
        backend = self.env[self.backend_model].browse(self.backend_id).exists()
        if not backend:
            raise UserError(self.env._("This backend no longer exists."))
        backend.check_access("read")
        return backend

    def action_open_backend(self):
        check_door(self, USER_GROUP)
        backend = self._backend()
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
        check_door(self, USER_GROUP)
        backend = self._backend()
        _model, xmlid = MAIN_RECORDS[backend._name]
        return self._window(xmlid, [("backend_id", "=", backend.id)],
                            "%s: %s" % (backend.display_name, self.record_label),
                            {"default_backend_id": backend.id})

    def action_open_calls_today(self):
        """The runs behind the "API calls today" figure."""
        check_door(self, USER_GROUP)
        backend = self._backend()
        return self._window(
            "tracking_connector.action_tracking_sync_log",
            [("backend_model", "=", backend._name), ("backend_id", "=", backend.id),
             ("started_at", ">=", fields.Datetime.to_string(self._today_start()))],
            self.env._("%s: runs of today", backend.display_name))

    def action_open_errors(self):
        """The "Open errors" figure: the list of its first source (items to retry, then the
        records in error, most first, then failed runs); the links under the figure open
        each source (``action_open_error_source``)."""
        check_door(self, USER_GROUP)
        self.ensure_one()
        sources = self.error_sources or [{"source": "runs"}]
        return self.action_open_error_source(sources[0]["source"])

    def action_open_error_source(self, source):
        """The list behind one source of the "Open errors" figure: ``runs`` (failed runs of
        the last 24 hours), ``kept`` (items to retry) or the name of a model whose records
        of this backend are in error or wait for an activity."""
        check_door(self, USER_GROUP)
        backend = self._backend()
        if source == "kept":
            return self._window(
                "tracking_connector.action_tracking_failed_unit",
                [("backend_model", "=", backend._name), ("backend_id", "=", backend.id),
                 ("state", "in", OPEN_STATES)],
                self.env._("%s: items to retry", backend.display_name))
        if source == "runs":
            ids = self._open_failed_runs({(backend._name, backend.id)}).get(
                (backend._name, backend.id), [])
            return self._window(
                "tracking_connector.action_tracking_sync_log", [("id", "in", ids)],
                self.env._("%s: failed runs", backend.display_name))
        models_ = {model._name: model for model in self._backend_record_models(backend._name)}
        if source not in models_:
            raise UserError(self.env._("%(backend)s has no open errors of \"%(kind)s\".",
                                       backend=backend.display_name, kind=source))
        model = models_[source]
        domain = ["|"] * (len(self._error_domains(model)) - 1)
        for part in self._error_domains(model):
            domain += part
        name = self.env._("%(backend)s: %(what)s needing attention",
                          backend=backend.display_name, what=self._model_label(model._name))
        return {"type": "ir.actions.act_window", "res_model": model._name,
                "name": name, "display_name": name,
                "views": [(False, "list"), (False, "form")],
                "domain": [("backend_id", "=", backend.id)] + domain}

    def _run_action(self, name):
        backend = self._backend()
        if backend._name not in CARD_ACTIONS.get(name, ()):
            raise UserError(self.env._("%(backend)s has no button \"%(name)s\".",
                                       backend=backend.display_name, name=name))
        return getattr(backend, name)()

    def action_test_connection(self):
        check_door(self, USER_GROUP)
        return self._run_action("action_test_connection")

    def action_sync_transactions(self):
        check_door(self, USER_GROUP)
        return self._run_action("action_sync_transactions")

    def action_sync_locations(self):
        check_door(self, USER_GROUP)
        return self._run_action("action_sync_locations")

    def action_sync_item_definitions(self):
        check_door(self, USER_GROUP)
        return self._run_action("action_sync_item_definitions")

    def action_sync_balances(self):
        check_door(self, USER_GROUP)
        return self._run_action("action_sync_balances")

    def action_poll_results(self):
        check_door(self, USER_GROUP)
        return self._run_action("action_poll_results")

    def action_sync_events(self):
        check_door(self, USER_GROUP)
        return self._run_action("action_sync_events")

    def action_open_import_wizard(self):
        check_door(self, USER_GROUP)
        return self._run_action("action_open_import_wizard")

    def action_rotate_key(self):
        check_door(self, USER_GROUP)
        return self._run_action("action_rotate_key")

    def action_view_sync_logs(self):
        check_door(self, USER_GROUP)
        return self._run_action("action_view_sync_logs")
