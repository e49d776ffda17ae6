"""The TrackOnline backend: API key and licence tier (the call budget), connection test,
the sync buttons and scheduled actions of each resource, and the sends to TrackOnline and
the polling of their results."""

import time

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..clients.base import ApiError, RemoteDataError
from ..clients.trackonline import (
    CALCULATION_DOCUMENT_FILE,
    CALCULATION_DOCUMENTS,
    CALCULATION_RESULT,
    CALCULATIONS,
    DEFAULT_BASE_URL,
    DEFAULT_RESULT_PATH,
    DEFAULT_TRIP_PATH,
    ENVELOPES,
    LICENCE_LIMITS,
    TrackOnlineClient,
    parse_list,
)
from ..mappings import trackonline as mapping
from ..mappings.dates import api_datetime
from ..mappings.settings import path_names_only
from .tracking_access import MANAGER_GROUP, USER_GROUP, check_group
from .tracking_api_check import Answer
from .tracking_binding_mixin import SYNC_WRITE, SyncWriter
from .tracking_messages import ENTITY_LABELS, _lt, resource_label
from .tracking_rate_counter import MINUTE_WINDOW, DatabaseRateLimiter
from .trackonline_resources import (
    BALANCES,
    IOT_DEVICES,
    IOT_MEASUREMENTS,
    IOT_WINDOW_DAYS,
    LIST_PARAMS,
    LOCATIONS,
    RECONCILIATION,
    RESOURCES,
    ROW_READERS,
    TRANSACTIONS,
    balance_asks,
)

# The mirrored records that use a location or an item definition of their backend
# (``ondelete="restrict"``: a location in use is not deleted alone); their own lines go with
# them by cascade.
USING_LOCATIONS_AND_DEFINITIONS = ("trackonline.transaction", "trackonline.unique.item",
                                   "trackonline.item.configuration",
                                   "trackonline.packaging.label")

# Models whose records Odoo sends (trackonline.outgoing.mixin), in the order they are saved.
OUTGOING_MODELS = ("trackonline.location", "trackonline.unique.item",
                   "trackonline.item.configuration", "trackonline.packaging.label",
                   "trackonline.transaction")
# The batch calculations' calls (their names in clients/trackonline.py) and the settings
# that give their paths.
CALCULATION_PATHS = {CALCULATIONS: "calculation_path",
                     CALCULATION_RESULT: "calculation_result_path",
                     CALCULATION_DOCUMENTS: "calculation_documents_path",
                     CALCULATION_DOCUMENT_FILE: "calculation_document_file_path"}


class TrackOnlineBackend(models.Model):
    _name = "trackonline.backend"
    _description = "TrackOnline Backend"
    _inherit = ["tracking.backend.mixin"]
    _default_base_url = DEFAULT_BASE_URL

    api_key = fields.Char(string="API key", groups=MANAGER_GROUP, copy=False)
    licence_tier = fields.Selection(
        [("start_pro", "START / PRO (60 a minute, 1,000 a day)"),
         ("pro_plus", "PRO PLUS (60 a minute, 5,000 a day)"),
         ("enterprise", "ENTERPRISE (1,000 a minute, 10,000 a day)")],
        default="start_pro", required=True,
        help="Sets the call budget the connector keeps to on its own, across all workers.")
    start_date = fields.Date(
        required=True, default=lambda self: fields.Date.subtract(fields.Date.today(), days=30),
        help="Transactions created from this day on are synchronised.")
    window_days = fields.Integer(
        string="Window (days)", default=7, required=True,
        help="Each request for transactions covers at most this many days of creation dates.")
    overlap_minutes = fields.Integer(
        default=60, required=True,
        help="The last window is read again from this many minutes before its end, so that "
             "a transaction stored late is not missed.")
    max_pages = fields.Integer(
        string="Pages per run", default=200, required=True,
        help="A scheduled run stops after this many pages and goes on at its next call.")
    reread_share = fields.Float(
        string="Re-read share (%)", default=10.0, required=True,
        help="At most this share of the licence's daily call budget goes to reading open "
             "transactions again (the scheduled action \"re-read open transactions\"), so "
             "that their later changes and deletions in TrackOnline reach Odoo.")
    create_partners = fields.Boolean(
        help="Create a contact for a location that matches none by number, GLN or VAT.")
    result_path = fields.Char(
        string="Save result path", default=DEFAULT_RESULT_PATH, required=True,
        help="Where a saved batch's result is asked for (not in the public document): "
             "{resource} is the list (location, transaction...); {message_id}, when written, "
             "the batch's message ID, else sent as ?messageId=.")
    trip_path = fields.Char(string="Trip next-status path", default=DEFAULT_TRIP_PATH,
                            required=True)
    # The batch calculations' calls: named in the document, their paths not given.
    calculation_path = fields.Char(
        string="Batch calculations path", default=CALCULATIONS, required=True,
        help="The list of batch calculations (not in the public document).")
    calculation_result_path = fields.Char(
        string="Batch calculation result path", default=CALCULATION_RESULT, required=True,
        help="The download of a calculation's result (not in the public document).")
    calculation_documents_path = fields.Char(
        string="Batch calculation documents path", default=CALCULATION_DOCUMENTS,
        required=True, help="The list of a calculation's documents (not in the public "
                            "document).")
    calculation_document_file_path = fields.Char(
        string="Batch calculation document file path", default=CALCULATION_DOCUMENT_FILE,
        required=True, help="The download of a calculation's document (not in the public "
                            "document).")
    location_count = fields.Integer(compute="_compute_counts")
    item_definition_count = fields.Integer(compute="_compute_counts")
    transaction_count = fields.Integer(compute="_compute_counts")

    @api.constrains("calculation_path", "calculation_result_path",
                    "calculation_documents_path", "calculation_document_file_path")
    def _check_calculation_paths(self):
        for backend in self:
            for name in CALCULATION_PATHS.values():
                if not path_names_only(backend[name]):
                    raise ValidationError(self.env._(
                        "%(label)s \"%(path)s\": a path under the API base URL, without "
                        "names in braces.", label=self._fields[name].get_description(
                            self.env)["string"], path=backend[name]))

    @api.constrains("result_path")
    def _check_result_path(self):
        for backend in self:
            if not path_names_only(backend.result_path, "resource", "message_id"):
                raise ValidationError(self.env._(
                    "Save result path \"%s\": write the list as {resource} and the message ID "
                    "as {message_id} (or leave it out: it is then sent as ?messageId=), and no "
                    "other name in braces.", backend.result_path))

    _sql_constraints = [
        ("window_positive", "CHECK(window_days > 0)", "The window must be at least one day."),
        ("max_pages_positive", "CHECK(max_pages > 0)", "Pages per run must be positive."),
        ("reread_share_range", "CHECK(reread_share >= 0 AND reread_share <= 100)",
         "The re-read share is a percentage between 0 and 100."),
    ]

    def unlink(self):
        """A backend's mirrored records go with it (``ondelete="cascade"``). Those that use its
        locations and item definitions are deleted first: in one cascade, PostgreSQL would
        refuse to delete a location still used by a transaction of the same backend."""
        if self:
            self.check_access("unlink")
            for name in USING_LOCATIONS_AND_DEFINITIONS:
                model = self.env[name]
                self.env.cr.execute(SQL("DELETE FROM %s WHERE backend_id IN %s",
                                        SQL.identifier(model._table), tuple(self.ids)))
                model.invalidate_model()
        return super().unlink()

    def _compute_counts(self):
        self._count_records({"location_count": "trackonline.location",
                             "item_definition_count": "trackonline.item.definition",
                             "transaction_count": "trackonline.transaction"})

    # -- client ------------------------------------------------------------------------------

    def _make_client(self, stats=None, deadline=None):
        self.ensure_one()
        per_minute, per_day = LICENCE_LIMITS[self.licence_tier]
        backend = self.sudo()
        # A scheduled run never sleeps for room in the minute's budget past its time left.
        max_wait = MINUTE_WINDOW if deadline is None else max(0.0, deadline - time.monotonic())
        limiter = DatabaseRateLimiter(self, per_minute, per_day, max_wait=max_wait)
        return TrackOnlineClient(
            backend.base_url, backend.api_key, result_path=self.result_path,
            trip_path=self.trip_path, limiter=limiter,
            paths={call: self[name] for call, name in CALCULATION_PATHS.items()},
            **self._client_options(stats, deadline))

    def _check_connection(self, client):
        client.page("location", {"Enabled": "true"})
        return _lt("TrackOnline answered with the API key of %(name)s.", name=self.name)

    # -- the API check (models/tracking_api_check.py) ------------------------------------------

    def _api_check_reads(self, client):
        """Page 1 of each list the syncs read (with the syncs' parameters; the locations'
        page 0 too, to see where the server numbers its pages from), the balances, and the
        measurements of one device of the devices' page; the transactions and the
        measurements of the first window a first sync reads (from the start date)."""
        devices = []
        reads = []
        for resource in RESOURCES.values():
            if resource is RECONCILIATION:  # the transactions again
                continue
            reads.append((resource_label(resource), lambda resource=resource: (
                self._api_check_read(client, resource, devices))))
        return reads

    def _api_check_read(self, client, resource, devices):
        endpoint = resource.endpoint
        params = dict(LIST_PARAMS.get(endpoint, {}), page=1)
        start = fields.Datetime.to_datetime(self.start_date)  # a first sync's first window
        if resource is TRANSACTIONS:
            end = min(fields.Datetime.add(start, days=self.window_days), fields.Datetime.now())
            params.update({"CreatedDateFrom": api_datetime(start),
                           "CreatedDateTo": api_datetime(end)})
        elif resource is BALANCES:
            params = balance_asks(self)[0]  # the first call a sync makes
        elif resource is IOT_MEASUREMENTS:
            if not devices:
                return Answer(resource.entity, "GET %s" % endpoint, notes=[_lt(
                    "Not read: the devices' page named no device.")], list_keys=ENVELOPES)
            end = min(fields.Datetime.add(start, days=IOT_WINDOW_DAYS), fields.Datetime.now())
            params = {"deviceId": devices[0], "dateFrom": api_datetime(start),
                      "dateTo": api_datetime(end)}
        body = client.answer("GET", endpoint, params=params)
        rows = [] if body is None else parse_list(body, endpoint)
        rows = ROW_READERS[endpoint](rows) if endpoint in ROW_READERS else rows
        if resource is IOT_DEVICES:
            devices.extend(str(row["deviceId"]) for row in rows[:1] if row.get("deviceId"))
        elif resource is IOT_MEASUREMENTS:
            rows = [dict(row, **{mapping.IOT_DEVICE_KEY: devices[0]}) for row in rows]
        answer = Answer(resource.entity, "GET %s %s" % (endpoint, params), body, rows,
                        list_keys=ENVELOPES)
        if resource is LOCATIONS:
            note, answer.paging_differs = self._api_check_first_page(client, endpoint, params,
                                                                     rows)
            answer.notes.append(note)
        return answer

    def _api_check_first_page(self, client, endpoint, params, rows):
        """Words on where the server numbers its pages from, and whether that differs from
        the document: its page 0 read too. Rows
        there that page 1 does not hold say that it numbers them from 0, and the syncs
        (which start at page 1, as the document says) would miss its first page."""
        try:
            body = client.answer("GET", endpoint, params=dict(params, page=0))
            zero = [] if body is None else parse_list(body, endpoint)
        except ApiError:
            zero = []
        ids = {row.get("id") for row in rows}
        if zero and any(row.get("id") not in ids for row in zero):
            return _lt("Pages: page 0 holds records page 1 does not: the server numbers its "
                       "pages from 0, not from 1 as the document says. The syncs would miss "
                       "its first page: tell the integrator."), True
        return _lt("Pages: numbered from 1, as the document says (page 0 asked too: %s).",
                   _lt("it gives page 1's records") if zero else _lt("nothing")), False

    # -- syncs ---------------------------------------------------------------------------------

    def _sync(self, name, max_pages=None, deadline=None):
        """One run of the resource ``name`` (a key of ``RESOURCES``), by its importer;
        ``deadline``: that of a scheduled run (``time.monotonic()``)."""
        self.ensure_one()
        resource = RESOURCES[name]
        with self._sync_run(_lt("sync %s", resource_label(resource)), deadline) as run:
            run.exclusive(resource.name)
            client = self._make_client(run.stats, deadline)
            if self._retry_items(run, client, resource):
                resource.importer(self, run, client, resource, max_pages or self.max_pages)
        return run

    def _retry_resources(self):
        return RESOURCES

    def _outgoing_models(self):
        return OUTGOING_MODELS

    def _retry_other(self, run, client, items):
        """Records kept after a failed send: sent again."""
        self.env["trackonline.outgoing.mixin"]._send_again(self, run, client, items)

    # -- buttons and crons -------------------------------------------------------------------------

    def _run_button(self, resource):
        run = self._sync(resource)
        return self._notify_logs(self.env._("TrackOnline %s", resource_label(RESOURCES[resource])),
                                 run.log)

    def action_sync_locations(self):
        check_group(self, USER_GROUP)
        return self._run_button("locations")

    def action_sync_item_definitions(self):
        check_group(self, USER_GROUP)
        return self._run_button("item_definitions")

    def action_sync_transactions(self):
        check_group(self, USER_GROUP)
        return self._run_button("transactions")

    def action_reread_transactions(self):
        check_group(self, USER_GROUP)
        return self._run_button("reconciliation")

    def action_sync_balances(self):
        check_group(self, USER_GROUP)
        return self._run_button("balances")

    def action_sync_batch_calculations(self):
        check_group(self, USER_GROUP)
        return self._run_button("batch_calculations")

    def action_sync_item_configurations(self):
        check_group(self, USER_GROUP)
        return self._run_button("item_configurations")

    def action_sync_unique_items(self):
        check_group(self, USER_GROUP)
        return self._run_button("unique_items")

    def action_sync_packaging_labels(self):
        check_group(self, USER_GROUP)
        return self._run_button("packaging_labels")

    def action_sync_iot(self):
        check_group(self, USER_GROUP)
        self._sync("iot_devices")
        return self._run_button("iot_measurements")

    def action_poll_results(self):
        check_group(self, USER_GROUP)
        run = self._poll_results()
        return self._notify_logs(self.env._("TrackOnline save results"), run.log)

    def action_view_locations(self):
        check_group(self, USER_GROUP)
        return self._open_action("tracking_connector.action_trackonline_location")

    def action_view_item_definitions(self):
        check_group(self, USER_GROUP)
        return self._open_action("tracking_connector.action_trackonline_item_definition")

    def action_view_transactions(self):
        check_group(self, USER_GROUP)
        return self._open_action("tracking_connector.action_trackonline_transaction")

    def action_view_batch_calculations(self):
        check_group(self, USER_GROUP)
        return self._open_action("tracking_connector.action_trackonline_batch_calculation")

    @api.model
    def _cron_sync(self, name):
        """The scheduled action of the resource ``name`` (a key of ``RESOURCES``)."""
        self._cron_each_backend(name, type(self)._sync, name)

    @api.model
    def _cron_poll_results(self):
        self._cron_each_backend("save results", type(self)._poll_results)

    # -- write back --------------------------------------------------------------------------------

    def _send(self, records, resource):
        """Send Odoo-drafted ``records`` (of the model whose TrackOnline resource is
        ``resource``) in batches of 50 (``trackonline.outgoing.mixin._send_batches``)."""
        self.ensure_one()
        records = records.with_context(**{SYNC_WRITE: SyncWriter})
        with self._sync_run(_lt("send %s", ENTITY_LABELS.get(resource, resource))) as run:
            client = self._make_client(run.stats)
            records._taken_already(run, client)._send_batches(run, client)
        return run

    @api.model
    def _send_partners(self, partners):
        """Server action on contacts: create or update their TrackOnline locations."""
        backend = self.search([("company_id", "=", self.env.company.id)], limit=1)
        if not backend:
            raise UserError(self.env._("No active TrackOnline backend for %s.",
                                       self.env.company.name))
        locations = self.env["trackonline.location"]._from_partners(backend, partners)
        run = backend._send(locations, "location")
        return backend._notify_logs(self.env._("Sending contacts to TrackOnline"), run.log)

    def _poll_results(self, deadline=None):
        """Send again the kept records whose next attempt has come, then ask TrackOnline
        for the result of every batch still waiting, and put each record's result on it
        (saved with its remote id, or refused and kept with the message)."""
        self.ensure_one()
        with self._sync_run(_lt("save results"), deadline) as run:
            saving = 0  # records TrackOnline is still saving (202): no result yet
            client = self._make_client(run.stats, deadline)
            self._retry_other(run, client, self.env["tracking.failed.unit"]._due(
                self, kind="send"))
            for model in OUTGOING_MODELS:
                resource = self.env[model]._trackonline_resource
                waiting = self.env[model].with_context(**{SYNC_WRITE: SyncWriter}).search(
                    [("backend_id", "=", self.id), ("send_state", "=", "sent")])
                for message_id in sorted(set(waiting.mapped("message_id"))):
                    records = waiting.filtered(lambda r, m=message_id: r.message_id == m)
                    with run.step(self.env._("message %s", message_id)):
                        try:
                            results = client.save_result(resource, message_id)
                        except RemoteDataError as exc:  # result lost: sent again later
                            records._not_saved(run, run.error_message(exc))
                            run.technical_detail(exc)  # for the integrator, in the log
                            continue
                        if results is None:
                            run.count(skipped=len(records))
                            saving += len(records)
                            run.error(_lt("%(records)s: TrackOnline is still saving them.",
                                          records=", ".join(records.mapped("display_name"))))
                            continue
                        records._apply_results(run, client, results)
            if saving:
                run.message = _lt("%(count)s records skipped: TrackOnline is still saving "
                                  "them. Press Fetch save results again in a minute.",
                                  count=saving)
        return run
