from datetime import datetime, time

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..clients.base import RemoteDataError, batches
from ..clients.trackonline import (
    CALCULATIONS,
    DEFAULT_BASE_URL,
    DEFAULT_RESULT_PATH,
    DEFAULT_TRIP_PATH,
    LICENCE_LIMITS,
    MAX_BATCH,
    TrackOnlineClient,
)
from .tracking_backend_mixin import MANAGER_GROUP, api_datetime
from .tracking_rate_counter import DatabaseRateLimiter

TX_CURSOR = "transactions"
# Models whose records Odoo sends (trackonline.outgoing.mixin), in the order they are saved.
OUTGOING_MODELS = ("trackonline.location", "trackonline.unique.item",
                   "trackonline.item.configuration", "trackonline.packaging.label",
                   "trackonline.transaction")


class TrackOnlineBackend(models.Model):
    _name = "trackonline.backend"
    _description = "TrackOnline Backend"
    _inherit = ["tracking.backend.mixin"]

    base_url = fields.Char(default=DEFAULT_BASE_URL)
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
    create_partners = fields.Boolean(
        help="Create a contact for a location that matches none by number, GLN or VAT.")
    result_path = fields.Char(string="Save result path", default=DEFAULT_RESULT_PATH,
                              required=True)
    trip_path = fields.Char(string="Trip next-status path", default=DEFAULT_TRIP_PATH,
                            required=True)
    location_count = fields.Integer(compute="_compute_counts")
    item_definition_count = fields.Integer(compute="_compute_counts")
    transaction_count = fields.Integer(compute="_compute_counts")

    _sql_constraints = [
        ("window_positive", "CHECK(window_days > 0)", "The window must be at least one day."),
        ("max_pages_positive", "CHECK(max_pages > 0)", "Pages per run must be positive."),
    ]

    def _compute_counts(self):
        for field, model in (("location_count", "trackonline.location"),
                             ("item_definition_count", "trackonline.item.definition"),
                             ("transaction_count", "trackonline.transaction")):
            counts = dict(self.env[model]._read_group([("backend_id", "in", self.ids)],
                                                      ["backend_id"], ["__count"]))
            for backend in self:
                backend[field] = counts.get(backend, 0)

    # -- client ------------------------------------------------------------------------------

    def _make_client(self, stats=None):
        self.ensure_one()
        per_minute, per_day = LICENCE_LIMITS[self.licence_tier]
        backend = self.sudo()
        return TrackOnlineClient(
            backend.base_url, backend.api_key, result_path=self.result_path,
            trip_path=self.trip_path, limiter=DatabaseRateLimiter(self, per_minute, per_day),
            **self._client_options(stats))

    def _check_connection(self, client):
        client.page("location", {"Enabled": "true"})
        return self.env._("TrackOnline answered with the API key of %(name)s.", name=self.name)

    # -- syncs ---------------------------------------------------------------------------------

    def _sync(self, resource, max_pages=None):
        """One run of one resource: "locations", "item_definitions", "transactions" or
        "balances"."""
        self.ensure_one()
        with self._sync_run(self.env._("sync %s", resource.replace("_", " "))) as run:
            run.exclusive(resource)
            client = self._make_client(run.stats)
            method = getattr(self, "_sync_%s" % resource)
            method(run, client, max_pages or self.max_pages)
        return run

    def _sync_locations(self, run, client, max_pages):
        self._sync_list(run, client, "location", "trackonline.location", max_pages)

    def _sync_item_definitions(self, run, client, max_pages):
        self._sync_list(run, client, "itemdefinition", "trackonline.item.definition", max_pages)

    def _sync_item_configurations(self, run, client, max_pages):
        self._sync_list(run, client, "itemconfiguration", "trackonline.item.configuration",
                        max_pages)

    def _sync_unique_items(self, run, client, max_pages):
        self._sync_list(run, client, "uniqueitem", "trackonline.unique.item", max_pages)

    def _sync_iot_devices(self, run, client, max_pages):
        self._sync_list(run, client, "iot/item", "trackonline.iot.device", max_pages)

    def _sync_iot_measurements(self, run, client, max_pages):
        """Each device's measurement history, window after window (at most 14 days each,
        always with explicit dates: the API's default is the last 14 days), from the start
        date or the device's cursor."""
        measurements = self.env["trackonline.iot.measurement"]
        devices = self.env["trackonline.iot.device"].search([("backend_id", "=", self.id)])
        for device in devices:
            def fetch(date_from, date_to, first_page, device=device):
                rows = client.get_list("iot/item/measurement", {
                    "deviceId": device.remote_id, "dateFrom": api_datetime(date_from),
                    "dateTo": api_datetime(date_to)})
                return [(1, rows)] if rows else []

            key = "iot:%s" % device.remote_id
            pages = self._window_pages(key, datetime.combine(self.start_date, time.min), fetch,
                                       min(self.window_days, 14), self.overlap_minutes)
            self._sync_pages(run, pages, key,
                             lambda rows, device=device: measurements._save_page(
                                 self, run, device, rows), max_pages)

    def _sync_packaging_labels(self, run, client, max_pages):
        self._sync_list(run, client, "packaginglabel", "trackonline.packaging.label", max_pages)

    def _sync_batch_calculations(self, run, client, max_pages):
        """The batch calculations, then the result files and documents of those not
        downloaded yet."""
        done = self._sync_list(run, client, CALCULATIONS, "trackonline.batch.calculation",
                               max_pages)
        if done:
            self.env["trackonline.batch.calculation"].search(
                [("backend_id", "=", self.id), ("files_downloaded", "=", False)]
            )._download_files(run, client)

    def _sync_list(self, run, client, resource, model, max_pages):
        """A full read of a list the API cannot filter by date; the cursor is the next page,
        so a run stopped by its budget goes on where it stopped."""
        key = resource
        first = int(self._get_cursor(key) or 1)

        def pages():
            for number, items in client.pages(resource, {}, first_page=first):
                yield items, str(number + 1)
            yield [], "1"  # done: the next run starts again from page 1

        return self._sync_pages(run, pages(), key,
                                lambda items: self.env[model]._save_page(self, run, items),
                                max_pages)

    def _sync_transactions(self, run, client, max_pages):
        """Transactions by creation date, window after window, from the start date to now;
        the cursor is the window's start and the next page to read in it."""
        def fetch(date_from, date_to, first_page):
            params = {"CreatedDateFrom": api_datetime(date_from),
                      "CreatedDateTo": api_datetime(date_to)}
            return client.pages("transaction", params, first_page=first_page)

        pages = self._window_pages(TX_CURSOR, datetime.combine(self.start_date, time.min),
                                   fetch, self.window_days, self.overlap_minutes)
        self._sync_pages(run, pages, TX_CURSOR,
                         lambda items: self.env["trackonline.transaction"]._save_page(
                             self, run, items), max_pages)

    def _sync_balances(self, run, client, max_pages):
        rows = client.get_list("balance", {"excludeZeroBalance": "false"})
        with run.step(self.env._("balances"), fatal=True):
            self.env["trackonline.balance"]._replace_all(self, run, rows)

    # -- buttons and crons -------------------------------------------------------------------------

    def _run_button(self, resource):
        run = self._sync(resource)
        return self._notify_logs(self.env._("TrackOnline %s", resource.replace("_", " ")),
                                 run.log)

    def action_sync_locations(self):
        return self._run_button("locations")

    def action_sync_item_definitions(self):
        return self._run_button("item_definitions")

    def action_sync_transactions(self):
        return self._run_button("transactions")

    def action_sync_balances(self):
        return self._run_button("balances")

    def action_sync_batch_calculations(self):
        return self._run_button("batch_calculations")

    def action_sync_item_configurations(self):
        return self._run_button("item_configurations")

    def action_sync_unique_items(self):
        return self._run_button("unique_items")

    def action_sync_packaging_labels(self):
        return self._run_button("packaging_labels")

    def action_sync_iot(self):
        self._sync("iot_devices")
        return self._run_button("iot_measurements")

    def action_poll_results(self):
        run = self._poll_results()
        return self._notify_logs(self.env._("TrackOnline save results"), run.log)

    def action_view_locations(self):
        return self._open_action("tracking_connector.action_trackonline_location")

    def action_view_item_definitions(self):
        return self._open_action("tracking_connector.action_trackonline_item_definition")

    def action_view_transactions(self):
        return self._open_action("tracking_connector.action_trackonline_transaction")

    def action_view_batch_calculations(self):
        return self._open_action("tracking_connector.action_trackonline_batch_calculation")

    @api.model
    def _cron_sync(self, resource):
        for backend in self.search([]):
            backend._sync(resource)

    @api.model
    def _cron_poll_results(self):
        for backend in self.search([]):
            backend._poll_results()

    # -- write back --------------------------------------------------------------------------------

    def _send(self, records, resource):
        """Send Odoo-drafted ``records`` (locations or transactions) in batches of 50 and
        note each record's message ID and place in its batch."""
        self.ensure_one()
        with self._sync_run(self.env._("send %s", resource)) as run:
            client = self._make_client(run.stats)
            for number, batch in enumerate(batches(records, MAX_BATCH), 1):
                with run.step(self.env._("batch %s", number), fatal=True):
                    message_id = client.save(resource, [r._to_payload() for r in batch])[0]
                    for position, record in enumerate(batch):
                        record.write({"send_state": "sent", "message_id": message_id,
                                      "batch_position": position, "send_message": False})
                    run.count(updated=len(batch))
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
        return backend._notify_logs(self.env._("Contacts sent to TrackOnline"), run.log)

    def _poll_results(self):
        """Ask TrackOnline for the result of every batch still waiting, and put each
        record's result on it (saved with its remote id, or rejected with the message)."""
        self.ensure_one()
        with self._sync_run(self.env._("save results")) as run:
            client = self._make_client(run.stats)
            for model in OUTGOING_MODELS:
                resource = self.env[model]._trackonline_resource
                waiting = self.env[model].search([("backend_id", "=", self.id),
                                                  ("send_state", "=", "sent")])
                for message_id in sorted(set(waiting.mapped("message_id"))):
                    records = waiting.filtered(lambda r, m=message_id: r.message_id == m)
                    with run.step(self.env._("message %s", message_id)):
                        try:
                            results = client.save_result(resource, message_id)
                        except RemoteDataError as exc:
                            records.write({"send_state": "error", "send_message": exc.message})
                            run.count(failed=len(records))
                            run.error(exc.message)
                            continue
                        if results is None:
                            run.count(skipped=len(records))
                            continue
                        records._apply_results(run, results)
        return run
