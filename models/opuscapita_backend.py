"""The OpusCapita Business Network Track API backend: credentials, connection test, and the
events sync (scheduled, by button, or one period from the wizard) through the importer."""

from datetime import datetime, time, timedelta

from odoo import api, fields, models

from ..clients.opuscapita import (
    EXPECTED_ENVELOPE,
    HOSTS,
    LIST_KEYS,
    TRANSACTIONS_PATH,
    OpusCapitaClient,
    parse_page,
)
from ..mappings import opuscapita as mapping
from ..mappings.dates import api_datetime
from ..mappings.settings import comma_list
from .tracking_access import MANAGER_GROUP, USER_GROUP, check_group
from .tracking_api_check import Answer
from .tracking_importer import Resource
from .tracking_messages import _lt

TOKEN_NAME = "access_token"


def import_events(backend, run, client, resource, max_pages, period=None, overrides=None):
    """Events by event time, window after window from the cursor (named after the
    resource); with ``period`` (from, to), that period once with the filter ``overrides``,
    leaving the cursor alone."""
    # Read here: fetch() runs in the worker thread that fetches pages ahead (no ORM there).
    settings = backend._filters(None, None, **(overrides or {}))

    def fetch(start, end, first_page):
        filters = dict(settings, eventTimeFrom=api_datetime(start),
                       eventTimeTo=api_datetime(end))
        yield from client.transactions(filters, first_page=first_page)

    if period:
        pages = backend._window_pages(None, period[0], fetch, backend.window_days, 0,
                                      until=period[1])
        return backend._import(run, resource, pages, None, max_pages, client=client)
    pages = backend._window_pages(resource.name, datetime.combine(backend.start_date, time.min),
                                  fetch, backend.window_days, backend.overlap_minutes)
    return backend._import(run, resource, pages, resource.name, max_pages,
                          client=client)


EVENTS = Resource("events", "opuscapita.event", mapping.EVENT, import_events)


class OpusCapitaBackend(models.Model):
    _name = "opuscapita.backend"
    _description = "OpusCapita Track API Backend"
    _inherit = ["tracking.backend.mixin"]
    _default_base_url = HOSTS["production"]

    environment = fields.Selection(
        [("production", "Production"), ("stage", "Test (stage)"), ("custom", "Custom URL")],
        default="production", required=True)
    client_id = fields.Char(string="Client ID", groups=MANAGER_GROUP, copy=False)
    client_secret = fields.Char(groups=MANAGER_GROUP, copy=False)
    username = fields.Char(groups=MANAGER_GROUP, copy=False)
    password = fields.Char(groups=MANAGER_GROUP, copy=False)
    start_date = fields.Date(
        required=True, default=lambda self: fields.Date.subtract(fields.Date.today(), days=30),
        help="Events from this day on are synchronised (OpusCapita keeps them 90 days).")
    window_days = fields.Integer(string="Window (days)", default=7, required=True)
    overlap_minutes = fields.Integer(default=60, required=True)
    max_pages = fields.Integer(string="Pages per run", default=100, required=True)
    document_types = fields.Char(help="Comma-separated document types to fetch; all if empty.")
    statuses = fields.Char(help="Comma-separated statuses to fetch; all if empty.")
    sender_ids = fields.Char(string="Sender IDs", help="Comma-separated; all if empty.")
    receiver_ids = fields.Char(string="Receiver IDs", help="Comma-separated; all if empty.")
    error_statuses = fields.Char(
        default="Error,Rejected,Failed", required=True,
        help="Events in these statuses raise one activity per transaction.")
    responsible_id = fields.Many2one("res.users", string="Responsible",
                                     default=lambda self: self._default_responsible(),
                                     help="Gets the activities raised by events in error; "
                                          "when empty, the user who created the backend.")
    event_count = fields.Integer(compute="_compute_event_count")

    def _default_responsible(self):
        """The user configuring the backend; nobody when that is OdooBot (data files,
        scheduled actions): OdooBot reads no activity."""
        root = self.env.ref("base.user_root", raise_if_not_found=False)
        return self.env.user if self.env.user != root else self.env["res.users"]

    _sql_constraints = [
        ("window_positive", "CHECK(window_days > 0)", "The window must be at least one day."),
    ]

    @api.onchange("environment")
    def _onchange_environment(self):
        if self.environment in HOSTS:
            self.base_url = HOSTS[self.environment]

    def _compute_event_count(self):
        self._count_records({"event_count": "opuscapita.event"})

    def _error_status_set(self):
        return {status.lower() for status in comma_list(self.error_statuses)}

    # -- client ------------------------------------------------------------------------------

    def _make_client(self, stats=None, deadline=None):
        self.ensure_one()
        backend = self.sudo()
        return OpusCapitaClient(
            backend.base_url, backend.client_id, backend.client_secret, backend.username,
            backend.password, **self._token_options(TOKEN_NAME),
            **self._client_options(stats, deadline))

    def _check_connection(self, client):
        client.new_token()
        next(client.transactions(self._filters(datetime.utcnow() - timedelta(hours=1),
                                               datetime.utcnow()), page_size=1), None)
        # The username is not named: run logs and the backend's test result are read by
        # every Tracking user, the username by managers only.
        return _lt("Token and data call work.")

    def _api_check_reads(self, client):
        """The first page of the events of the first window a first sync reads (from the
        start date), asked as the sync asks them."""
        def read():
            start = datetime.combine(self.start_date, time.min)
            end = min(start + timedelta(days=self.window_days), datetime.utcnow())
            asked = {"filter": self._filters(start, end), "page": 1, "pageSize": 100}
            body = client.answer("POST", TRANSACTIONS_PATH, json=asked)
            note = None
            if isinstance(body, dict) and body.get("first") is False:
                # The server's first page is page 0: read it, as the syncs do then.
                asked["page"] = 0
                body = client.answer("POST", TRANSACTIONS_PATH, json=asked)
                note = _lt("Pages: page 1 is not the server's first: it numbers its pages "
                           "from 0. The syncs read it so; page 0 was read here.")
            rows = [] if body is None else parse_page(body)[0]
            answer = Answer(EVENTS.entity, "POST %s (page %s)" % (TRANSACTIONS_PATH,
                                                                  asked["page"]),
                            body, rows, expected=EXPECTED_ENVELOPE, list_keys=LIST_KEYS)
            if note:
                answer.notes.append(note)
            return answer

        return [(_lt("events"), read)]

    def _filters(self, date_from, date_to, **overrides):
        """The request filter: the date window and the backend's filter settings."""
        filters = {"eventTimeFrom": api_datetime(date_from), "eventTimeTo": api_datetime(date_to)}
        for key, value in (("documentTypes", comma_list(self.document_types)),
                           ("statuses", comma_list(self.statuses)),
                           ("senderIds", comma_list(self.sender_ids)),
                           ("receiverIds", comma_list(self.receiver_ids))):
            if value:
                filters[key] = value
        filters.update({key: value for key, value in overrides.items() if value})
        return filters

    # -- sync ------------------------------------------------------------------------------------

    def _sync_events(self, max_pages=None, date_from=None, date_to=None, overrides=None,
                     deadline=None):
        """Events window after window from the cursor, each page committed with its cursor;
        or, for the fetch wizard, one period with its own filters, leaving the cursor alone."""
        self.ensure_one()
        once = bool(date_from)
        with self._sync_run(_lt("fetch events") if once else _lt("sync events"),
                            deadline) as run:
            if not once:
                run.exclusive(EVENTS.name)
            client = self._make_client(run.stats, deadline)
            if once or self._retry_items(run, client, EVENTS):
                import_events(self, run, client, EVENTS, max_pages or self.max_pages,
                              period=(date_from, date_to) if once else None,
                              overrides=overrides)
        return run

    def _retry_resources(self):
        return {EVENTS.name: EVENTS}

    def action_sync_events(self):
        check_group(self, USER_GROUP)
        run = self._sync_events()
        return self._notify_logs(self.env._("OpusCapita events"), run.log)

    def action_view_events(self):
        check_group(self, USER_GROUP)
        return self._open_action("tracking_connector.action_opuscapita_event")

    def action_open_fetch_wizard(self):
        check_group(self, USER_GROUP)
        return self._open_action("tracking_connector.action_opuscapita_fetch_wizard",
                                 of_backend=False)

    @api.model
    def _cron_sync_events(self):
        self._cron_each_backend(EVENTS.name, type(self)._sync_events)
