"""What every system's backend does, built on its ``tracking.backend`` record (which holds
its name, company, URL, timeout and connection: models/tracking_backend.py): the connection
test, its runs and items to retry, its deletion with what it owns, and the scheduled actions'
loop over backends within the cron worker's time limit."""

import time
from contextlib import contextmanager
from datetime import timedelta

from odoo import api, fields, models

from . import tracking_schedule
from .tracking_access import MANAGER_GROUP, USER_GROUP, check_group
from .tracking_backend import MAIN_RECORDS
from .tracking_messages import _lt, lazy_text, lazy_to_json
from .tracking_sync_log import SyncRun


def log_summary(log):
    """A run's summary in the reader's language, with what it created, updated and failed
    when it did anything."""
    counts = log._counts_text()
    summary = log.summary or ""
    if counts in summary or not any((log.created_count, log.updated_count,
                                      log.skipped_count, log.failed_count)):
        return summary
    return "%s (%s)" % (summary, counts)


class TrackingBackendMixin(models.AbstractModel):
    """What every system's backend does: it is a ``tracking.backend`` (delegation: its
    name, company, URL, timeout, connection and the records it owns are that record's,
    models/tracking_backend.py), with a "Test connection" button, its runs and its items to
    retry. Each API's backend inherits it and implements ``_make_client`` and
    ``_check_connection``."""

    _name = "tracking.backend.mixin"
    _description = "Tracking Backend (shared)"
    _inherit = ["mail.thread", "tracking.importer"]
    _inherits = {"tracking.backend": "tracking_backend_id"}
    # The default of the inherited ``base_url`` field, per system (``default_get``).
    _default_base_url = None

    tracking_backend_id = fields.Many2one(
        "tracking.backend", string="Backend record", required=True, ondelete="cascade",
        index=True, auto_join=True, copy=False,
        help="What every backend shares, whatever its system.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "base_url" in fields_list and self._default_base_url and not values.get("base_url"):
            values["base_url"] = self._default_base_url
        return values

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("tracking_backend_id"):
                vals["backend_model"] = self._name
        return super().create(vals_list)

    def unlink(self):
        """A backend goes with its ``tracking.backend`` record: its secrets, tokens, cursors,
        call counters and items to retry with it; its run logs stay, naming it."""
        shared = self.tracking_backend_id
        result = super().unlink()
        shared.unlink()
        return result

    def _count_records(self, fields_models):
        """Set each field of ``fields_models`` ({field: model}) to the number of records of
        its model that belong to each of these backends (their smart buttons): one grouped
        query per model, with the user's rights. The main records (the dashboard's "Records":
        a million transactions) are read from the counts the database keeps."""
        main = MAIN_RECORDS[self._name][0]
        for field, model in fields_models.items():
            if model == main:
                kept = self.env["tracking.backend"]._main_record_counts(
                    {self._name: {backend.id: backend.tracking_backend_id.id
                                  for backend in self if backend.id}})
                for backend in self:
                    backend[field] = kept.get(backend.tracking_backend_id.id, 0)
                continue
            counts = dict(self.env[model]._read_group([("backend_id", "in", self.ids)],
                                                      ["backend_id"], ["__count"]))
            for backend in self:
                backend[field] = counts.get(backend, 0)

    # -- to implement per API ------------------------------------------------------------

    def _make_client(self, stats=None, deadline=None):
        """A client of this backend's API, counting its calls in ``stats``; a scheduled
        run's client never waits past its ``deadline`` (``time.monotonic()``)."""
        raise NotImplementedError

    def _check_connection(self, client):
        """Make the cheapest authenticated call; return a short success text."""
        raise NotImplementedError

    def _client_options(self, stats=None, deadline=None):
        """A scheduled run's calls never wait longer than its time left until ``deadline``
        (a hanging remote must not hold the cron worker until it is killed)."""
        timeout = float(self.timeout)
        if deadline is not None:
            # idempotent calls are tried up to 4 times (clients/base.py)
            timeout = min(timeout, max(1.0, (deadline - time.monotonic()) / 4))
        return {"timeout": timeout, "stats": stats}

    def _token_options(self, name):
        """For a ``BearerTokenClient``: the stored token, and the way to store a new one."""
        token, expiry = self.env["tracking.token"]._get(self, name)

        def save_token(value, expires_at):
            self.env["tracking.token"]._store(self, name, value, expires_at)

        return {"token": token, "token_expiry_ts": expiry, "on_token": save_token}

    # -- runs ------------------------------------------------------------------------------

    @contextmanager
    def _sync_run(self, operation, deadline=None):
        """Open a sync log for one run and close it whatever happens: a typed remote error,
        a user error or a crash of our own ends the run with its message in the log,
        never with a traceback in the caller's face. ``deadline``: that of a scheduled run
        (``SyncRun``)."""
        self.ensure_one()
        run = SyncRun(self, operation, deadline)
        try:
            yield run
        except Exception as exc:  # noqa: BLE001 - the log keeps it; the cron must go on
            run.fail(exc)
        finally:
            run.close()

    # -- items to retry (``tracking.failed.unit``) ----------------------------------------------

    def _retry_resources(self):
        """The resources (name -> ``Resource``) whose kept rows this backend tries again."""
        return {}

    def _retry_now(self, items):
        """One run that tries ``items`` of this backend again now (the "Retry now" button):
        kept rows through their resource, other items through ``_retry_other``."""
        self.ensure_one()
        with self._sync_run(_lt("retry items")) as run:
            names = set(items.mapped("resource"))
            if len(names) == 1:
                run.exclusive(names.pop())  # not at the same time as that sync
            client = self._make_client(run.stats)
            resources = self._retry_resources()
            rows = items.filtered(lambda item: item.kind == "row"
                                  and item.resource in resources)
            for name in sorted(set(rows.mapped("resource"))):
                self._retry_items(run, client, resources[name],
                                  rows.filtered(lambda item, n=name: item.resource == n))
            if items - rows:
                self._retry_other(run, client, items - rows)
        return run

    def _retry_other(self, run, client, items):
        """Try again items that are not rows of a resource (documents, files)."""
        run.error(_lt("%s: this backend cannot try these items again.",
                      ", ".join(items.mapped("display_name"))))

    def action_view_failed_units(self):
        check_group(self, USER_GROUP)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "tracking_connector.action_tracking_failed_unit")
        action["domain"] = [("backend_id", "=", self.tracking_backend_id.id)]
        return action

    def action_test_connection(self):
        check_group(self, USER_GROUP)
        self.ensure_one()
        with self._sync_run(_lt("test connection")) as run:
            run.message = self._check_connection(self._make_client(run.stats))
        ok = run.fatal is None
        message = lazy_to_json(run.message if ok else run.fatal_message)
        self.sudo().write({
            "connection_state": "ok" if ok else "error",
            "connection_message": str(lazy_text(message, "en_US"))[:500],
            "connection_words": message if isinstance(message, dict) else False,
        })
        return self._notify_logs(
            self.env._("Connection works") if ok else self.env._("Connection failed"), run.log)

    # -- the API check of a first connection (``models/tracking_api_check.py``) ------------

    def action_check_api(self):
        """Read one page of each resource and show what came against what the connector
        reads; changes nothing in Odoo's data."""
        check_group(self, MANAGER_GROUP)
        self.ensure_one()
        return self.env["tracking.api.check"]._open(self)

    def _api_check_reads(self, client):
        """``(title, read)`` pairs: ``read()`` makes one small call of a resource with
        ``client`` and returns its ``Answer``."""
        raise NotImplementedError

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
        check_group(self, USER_GROUP)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "tracking_connector.action_tracking_sync_log")
        action["domain"] = [("backend_id", "=", self.tracking_backend_id.id)]
        action["context"] = {}
        return action

    def _get_cursor(self, key):
        return self.env["tracking.cursor"]._get(self, key)

    # -- scheduled actions ------------------------------------------------------------------

    @api.model
    def _cron_each_backend(self, run_key, job, *args):
        """The one way a scheduled action runs over the backends of one system: for each,
        ``job(backend, *args, deadline=...)`` (a method of the backend's model, as
        ``type(self)._sync``), one run (a ``SyncRun``; None when it had nothing to do) of
        the sync ``run_key``.

        The backends take turns, the one served longest ago first, each with its share of
        the time left before the cron worker's limit (``tracking_schedule.job_deadline``) as
        its ``deadline``, and never more than an equal part of the time the job had when it
        started (the last backend does not inherit what the others left: a hanging one
        would spend the whole pass, and the jobs after this one in the worker's pass would
        get nothing). So one slow or hanging backend cannot starve the others, of this job
        or of the next. A run that fails before it could log itself (a database conflict as
        it starts, a crash of our own) is rolled back and logged as a failed run: a
        scheduled action never fails unseen, and the next backends still have their turn.

        Progress is reported once for all of them (``ir.cron._notify_progress``):
        ``remaining`` counts the backends stopped with work left (pages per run, time), so
        that Odoo runs the job again at once; a backend stopped by its call budget is not
        "remaining" (running again at once would only meet the spent budget): the job is
        triggered again (``ir.cron._trigger``) for the moment its budget returns. With work
        left, a trigger due now has the next run start at once (``_run_cron_again_now``)."""
        deadline = tracking_schedule.job_deadline()
        cron = self.env["ir.cron"].browse(self.env.context.get("cron_id"))
        if deadline - time.monotonic() < 1:
            # This pass of the cron worker has no time left (Odoo calls a job again at once
            # while it reports work remaining): end here, and have a new pass, with a new
            # time budget, run the job at once.
            if cron:
                self._run_cron_again_now(cron)
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return
        backends = self._least_recently_served(self.search([]), run_key)
        equal_part = (deadline - time.monotonic()) / max(len(backends), 1)
        pages = remaining = 0
        retry_in = []
        for position, backend in enumerate(backends):
            left = deadline - time.monotonic()
            if left < 1:
                remaining += len(backends) - position
                break
            share = time.monotonic() + min(left / (len(backends) - position), equal_part)
            try:
                run = job(backend, *args, deadline=share)
            except Exception as exc:  # noqa: BLE001 - logged, the next backend goes on
                self.env.cr.rollback()
                backend._log_failed_job(run_key, exc)
                continue
            if run is None:
                continue
            pages += run.pages
            if run.retry_after:
                retry_in.append(run.retry_after)
            elif run.more:
                remaining += 1
        if retry_in and cron:
            cron._trigger(at=fields.Datetime.now() + timedelta(seconds=min(retry_in)))
        if remaining and cron:
            self._run_cron_again_now(cron)
        self.env["ir.cron"]._notify_progress(done=pages, remaining=remaining)

    def _log_failed_job(self, run_key, exc):
        """A failed run log for a scheduled run that failed before it could log itself."""
        cron = self.env["ir.cron"].browse(self.env.context.get("cron_id")).exists()
        run = SyncRun(self, _lt("scheduled action %s", cron.name or run_key))
        run.fail(exc)
        run.close()

    @api.model
    def _run_cron_again_now(self, cron):
        """Have a cron worker run ``cron`` again as soon as this job's transaction commits:
        a trigger due now (``ir.cron._trigger``, which also wakes the cron workers when the
        transaction commits, instead of their minute of sleep).

        Odoo runs a job that reports work remaining again at once, up to ten times, and
        then leaves it due; but when it ends the job as done (it reports nothing done, or
        nothing left) it reschedules it at its interval and deletes its triggers older than
        the start of the pass: a trigger at this transaction's clock (never earlier than
        that) makes it due now all the same. ``_trigger`` is Odoo's public way to wake the
        cron workers; its cost: the triggers of a pass that had work left outlive the job's
        end, so a backlog's last pass is followed by one more run, which finds little to do.
        (It wakes the workers for a moment not after its clock, which counts whole seconds:
        a job whose transaction began within the current second leaves the wake-up to the
        workers' sleep.)"""
        cron._trigger(at=self.env.cr.now())

    @api.model
    def _least_recently_served(self, backends, run_key):
        """``backends`` ordered by the start of their last run of ``run_key``, oldest (or
        never) first."""
        last = dict(self.env["tracking.sync.log"].sudo()._read_group(
            [("backend_id", "in", backends.tracking_backend_id.ids), ("run_key", "=", run_key)],
            ["backend_id"], ["started_at:max"]))
        last = {shared.id: started for shared, started in last.items()}
        return backends.sorted(lambda b: (bool(last.get(b.tracking_backend_id.id)),
                                          last.get(b.tracking_backend_id.id) or 0, b.id))
