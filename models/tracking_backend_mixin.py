import json
from contextlib import contextmanager
from datetime import datetime, timedelta

from odoo import fields, models

from .tracking_sync_log import COUNTS_FORMAT, SyncRun

MANAGER_GROUP = "tracking_connector.group_tracking_manager"
CURSOR_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def api_datetime(moment):
    """A UTC time as the APIs write it, to the millisecond: 2026-05-01T00:00:00.000Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def log_summary(log):
    """A run's message with what it created, updated and failed, when it did anything."""
    counts = COUNTS_FORMAT % (
        log.created_count, log.updated_count, log.skipped_count, log.failed_count)
    message = log.message or ""
    if counts in message or not any((log.created_count, log.updated_count,
                                      log.skipped_count, log.failed_count)):
        return message
    return "%s (%s)" % (message, counts)


class TrackingBackendMixin(models.AbstractModel):
    """What every backend has: a name, a company, the API base URL, a timeout, a
    "Test connection" button and its sync logs. Each API's backend inherits it and
    implements ``_make_client`` and ``_check_connection``."""

    _name = "tracking.backend.mixin"
    _description = "Tracking Backend (shared)"
    _inherit = ["mail.thread"]

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    active = fields.Boolean(default=True)
    base_url = fields.Char(string="API base URL", required=True, tracking=True)
    timeout = fields.Integer(string="Request timeout (s)", default=30, required=True)
    connection_state = fields.Selection(
        [("unknown", "Not tested"), ("ok", "Connected"), ("error", "Error")],
        default="unknown", readonly=True, copy=False, tracking=True)
    connection_message = fields.Char(readonly=True, copy=False)
    last_sync_at = fields.Datetime(compute="_compute_sync_log_count")
    sync_log_count = fields.Integer(compute="_compute_sync_log_count")

    _sql_constraints = [
        ("timeout_positive", "CHECK(timeout > 0)", "The request timeout must be positive."),
    ]

    def _compute_sync_log_count(self):
        groups = self.env["tracking.sync.log"]._read_group(
            [("backend_model", "=", self._name), ("backend_id", "in", self.ids)],
            ["backend_id"], ["__count", "started_at:max"])
        stats = {backend_id: (count, last) for backend_id, count, last in groups}
        for backend in self:
            backend.sync_log_count, backend.last_sync_at = stats.get(backend.id, (0, False))

    # -- to implement per API ------------------------------------------------------------

    def _make_client(self, stats=None):
        """A client of this backend's API, counting its calls in ``stats``."""
        raise NotImplementedError

    def _check_connection(self, client):
        """Make the cheapest authenticated call; return a short success text."""
        raise NotImplementedError

    def _client_options(self, stats=None):
        return {"timeout": self.timeout, "stats": stats}

    def _token_options(self, name):
        """For a ``BearerTokenClient``: the stored token, and the way to store a new one."""
        token, expiry = self.env["tracking.token"]._get(self, name)

        def save_token(value, expires_at):
            self.env["tracking.token"]._store(self, name, value, expires_at)

        return {"token": token, "token_expiry_ts": expiry, "on_token": save_token}

    # -- runs ------------------------------------------------------------------------------

    @contextmanager
    def _sync_run(self, operation):
        """Open a sync log for one run and close it whatever happens: a typed remote error,
        a user error or a crash of our own ends the run with its message in the log,
        never with a traceback in the caller's face."""
        self.ensure_one()
        run = SyncRun(self, operation)
        try:
            yield run
        except Exception as exc:  # noqa: BLE001 - the log keeps it; the cron must go on
            run.fail(exc)
        finally:
            run.close()

    def action_test_connection(self):
        self.ensure_one()
        with self._sync_run("test connection") as run:
            run.message = self._check_connection(self._make_client(run.stats))
        ok = run.fatal is None
        self.sudo().write({
            "connection_state": "ok" if ok else "error",
            "connection_message": (run.message if ok else run.fatal)[:250],
        })
        return self._notify_logs(
            self.env._("Connection works") if ok else self.env._("Connection failed"), run.log)

    def _notify_logs(self, title, logs):
        """A notification that says what runs did, with a link to each run log."""
        states = set(logs.mapped("state"))
        kind = ("danger" if "failed" in states
                else "warning" if states & {"warning", "stopped", "busy"} else "success")
        lines = ["%s %%s" % log_summary(log).replace("%", "%%") for log in logs]
        links = [{"label": self.env._("(run log)"), "url": "/odoo/tracking.sync.log/%d" % log.id}
                 for log in logs]
        # The run log opens in the same tab; then the view on screen reloads (its figures
        # and states are the run's): static/src/js/tracking_notification.js.
        params = {"title": title, "message": "\n".join(lines), "links": links,
                  "type": kind, "sticky": kind != "success",
                  "next": {"type": "ir.actions.client", "tag": "soft_reload"}}
        return {"type": "ir.actions.client", "tag": "tracking_connector.notify",
                "params": params}

    def _open_action(self, xmlid, of_backend=True):
        """A window action of this module, showing this backend's records and creating new
        ones for it."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        if of_backend:
            action["domain"] = [("backend_id", "=", self.id)]
        action["context"] = {"default_backend_id": self.id}
        return action

    def action_view_sync_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "tracking_connector.action_tracking_sync_log")
        action["domain"] = [("backend_model", "=", self._name), ("backend_id", "=", self.id)]
        action["context"] = {}
        return action

    def _get_cursor(self, key):
        return self.env["tracking.cursor"]._get(self, key)

    def _window_pages(self, cursor_key, start, fetch, window_days, overlap_minutes,
                      until=None):
        """Pages of a list read window after window of dates, from the cursor (or from
        ``start`` when there is none) to now, as ``_sync_pages`` wants them: each page comes
        with the cursor after it (the window's start and the next page). When the last window
        is done the cursor goes back ``overlap_minutes``, so that a record stored late is
        read at the next run. Without ``cursor_key`` it reads from ``start`` to ``until``
        once. ``fetch(date_from, date_to, first_page)`` yields
        ``(page_number, items)``."""
        value = cursor_key and self._get_cursor(cursor_key)
        page = 1
        if value:
            data = json.loads(value)
            start, page = datetime.strptime(data["from"], CURSOR_FORMAT), data["page"]
        now = until or datetime.utcnow()

        def cursor(moment, number):
            return json.dumps({"from": moment.strftime(CURSOR_FORMAT), "page": number})

        while start < now:
            end = min(start + timedelta(days=window_days), now)
            for number, items in fetch(start, end, page):
                yield items, cursor(start, number + 1)
            if end >= now:
                yield [], cursor(max(end - timedelta(minutes=overlap_minutes), start), 1)
                return
            start, page = end, 1
            yield [], cursor(start, 1)

    def _sync_pages(self, run, pages, cursor_key, save_page, max_pages=None):
        """Save ``pages`` (an iterable of ``(items, cursor_after)``) one at a time: each page
        and the cursor that covers it are written in one step and committed together, so
        the cursor never moves past data that is not saved. A failing page ends the run
        with the cursor after the last saved page. Stops after ``max_pages`` pages and
        reports progress to the cron; returns True when the pages ran out. Without
        ``cursor_key`` (a one-off read of a period) no cursor is kept."""
        done = 0
        for items, cursor in pages:
            def save(items=items, cursor=cursor):
                save_page(items)
                if cursor_key:
                    self.env["tracking.cursor"]._set(self, cursor_key, cursor)

            run.page(self.env._("page %(page)s", page=done + 1), save)
            done += 1
            # remaining=1: maybe more pages; a cron that stops on it is called again soon.
            self.env["ir.cron"]._notify_progress(done=done, remaining=1)
            if max_pages and done >= max_pages:
                return False
        self.env["ir.cron"]._notify_progress(done=done, remaining=0)
        return True
