"""Run logs (``tracking.sync.log``) and the run that writes them (``SyncRun``): each unit of
a run in a savepoint committed when it succeeds, its counts, warnings and errors in the
reader's language."""

import json
import logging
import time
import traceback
import zlib
from contextlib import contextmanager

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.sql_db import Cursor
from odoo.tools import format_datetime
from odoo.tools.sql import create_index

from ..clients.base import ApiError, CallStats, NotFound, RateLimited, RemoteDataError, mask
from .tracking_access import USER_GROUP, check_group
from .tracking_messages import _lt, api_error_message, lazy_text, lazy_to_json

_logger = logging.getLogger(__name__)

# Errors that concern one record: logged, counted as failed, and the run goes on.
RECORD_ERRORS = (RemoteDataError, NotFound, UserError, ValidationError, psycopg2.IntegrityError)
MAX_ERROR_LINES = 200
# Another worker wrote the same rows at the same moment: a unique key both inserted, a row
# both updated (REPEATABLE READ), a deadlock. The page is done again on fresh data.
CLASH_PGCODES = ("23505", "40001", "40P01")
PAGE_ATTEMPTS = 3
# The states of a run (also those of the dashboard's last run: one list).
RUN_STATES = [("running", "Running"), ("done", "Done"), ("warning", "Done with warnings"),
              ("stopped", "Stopped: call budget spent"),
              ("busy", "Skipped: the same sync was running"), ("failed", "Failed")]
LOG_LOCK = zlib.crc32(b"tracking.sync.log") - 2**31  # with the log id: the run is alive
# Runs that are no sync (their names as stored, in English): a connection test's failure is
# the backend's connection state, not a failed sync, and it is not the "Last sync".
NOT_SYNCS = ("test connection",)
# The states of a run that did its work: a failed run of the same sync before it is fixed.
GOOD_RUN_STATES = ("done", "warning")


def counts_message(created, updated, skipped, failed):
    """A run's counts, as a message translated for each reader (``tracking_messages``)."""
    return _lt("%(created)s created, %(updated)s updated, %(skipped)s skipped, "
               "%(failed)s failed", created=created, updated=updated, skipped=skipped,
               failed=failed)


def run_text(message, logged, lang):
    """What a log shows of its name or summary in ``lang``: its message translated, or, for a
    run logged before messages were stored, the text it logged."""
    return lazy_text(message, lang) if message else logged


class TrackingSyncLog(models.Model):
    _name = "tracking.sync.log"
    _description = "Tracking Sync Run"
    _order = "started_at desc, id desc"
    _rec_name = "operation"

    backend_id = fields.Many2one("tracking.backend", string="Backend record", readonly=True,
                                 ondelete="set null",
                                 help="Empty once the backend is deleted: the run stays as "
                                      "history, naming it.")
    backend_name = fields.Char(string="Backend", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Started by", readonly=True)
    operation = fields.Char(required=True, readonly=True,
                            help="What the run did, in English (or, for runs logged before "
                                 "their names were translated, in the language of whoever "
                                 "started them).")
    operation_words = fields.Json(string="Run, to translate", readonly=True, copy=False,
                                  help="The run's name, kept to be shown in each reader's "
                                       "language.")
    name = fields.Char(string="Run", compute="_compute_translated",
                       help="What the run did, in your language.")
    run_key = fields.Char(readonly=True, index=True,
                          help="The sync this run belongs to (one at a time per backend).")
    started_at = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    ended_at = fields.Datetime(readonly=True)
    duration = fields.Float(string="Duration (s)", readonly=True, aggregator="sum")
    state = fields.Selection(RUN_STATES, default="running", required=True, readonly=True,
                             index=True)
    created_count = fields.Integer(string="Created", readonly=True)
    updated_count = fields.Integer(string="Updated", readonly=True)
    skipped_count = fields.Integer(string="Skipped", readonly=True)
    failed_count = fields.Integer(string="Failed", readonly=True)
    kept_count = fields.Integer(string="Items to retry", readonly=True,
                                help="Items this run could not save or send, to be tried "
                                     "again (Logs > Items to Retry).")
    retry_item_ids = fields.One2many("tracking.failed.unit", "log_id",
                                     string="Items this run could not save or send")
    api_calls = fields.Integer(string="API calls", readonly=True)
    rate_limited_count = fields.Integer(string="Calls refused (too many requests)",
                                        readonly=True,
                                        help="Answers 429 Too Many Requests met by the run.")
    message = fields.Char(string="Summary as logged", readonly=True)
    message_words = fields.Json(string="Summary, to translate", readonly=True, copy=False,
                                help="The run's summary, kept to be shown in each reader's "
                                     "language.")
    summary = fields.Char(compute="_compute_translated",
                          help="What the run did or why it stopped, in your language.")
    failed_run_count = fields.Integer(string="Failed runs", compute="_compute_failed_run_count",
                                      store=True, help="1 for a failed run: sums to the "
                                                       "number of failed runs of a group.")
    error_details = fields.Text(string="Errors as logged", readonly=True)
    error_words = fields.Json(string="Errors, to translate", readonly=True, copy=False,
                              help="The run's error lines, kept to be shown in each reader's "
                                   "language.")
    errors = fields.Text(compute="_compute_translated",
                         help="What went wrong, line by line, in your language (the remote "
                              "systems' own messages as they sent them).")

    def init(self):
        # Years of runs: the run log list (newest first) and each backend's runs on the
        # dashboard (its last runs, today's calls, recent failures) read an index instead of
        # sorting every log, and count each backend's runs (the "Runs" figure, with the
        # company of the rule) in an index alone (scripts/bench_scale.sh).
        create_index(self.env.cr, "tracking_sync_log_newest_idx", self._table,
                     ["started_at DESC", "id DESC"])
        create_index(self.env.cr, "tracking_sync_log_backend_newest_idx", self._table,
                     ["backend_id", "started_at DESC", "id DESC"])
        create_index(self.env.cr, "tracking_sync_log_backend_company_idx", self._table,
                     ["backend_id", "company_id"])

    @api.depends("state")
    def _compute_failed_run_count(self):
        for log in self:
            log.failed_run_count = 1 if log.state == "failed" else 0

    @api.depends("operation", "operation_words", "message", "message_words", "error_details",
                 "error_words")
    @api.depends_context("lang")
    def _compute_translated(self):
        """The run's name, summary and errors in the reader's language; runs logged before
        messages were stored show what was logged."""
        lang = self.env.lang
        for log in self:
            log.name = run_text(log.operation_words, log.operation, lang)
            log.summary = run_text(log.message_words, log.message, lang)
            log.errors = ("\n".join(str(lazy_text(line, lang)) for line in log.error_words)
                          if log.error_words else log.error_details)

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False,
                   lazy=True):
        """Groups by operation are named in the reader's language (``operation`` is
        stored in English): each group by the name of one of its runs."""
        groups = super().read_group(domain, fields, groupby, offset=offset, limit=limit,
                                    orderby=orderby, lazy=lazy)
        if "operation" in [spec.split(":")[0] for spec in ([groupby] if isinstance(
                groupby, str) else groupby or [])]:
            operations = {group["operation"] for group in groups if group.get("operation")}
            first = dict(self.sudo()._read_group(
                [("operation", "in", list(operations))], ["operation"], ["id:min"]))
            names = {operation: log.name for operation, log in zip(
                first, self.sudo().browse(first.values()), strict=True)}
            for group in groups:
                group["operation"] = names.get(group.get("operation"), group.get("operation"))
        return groups

    @api.depends("backend_name", "name", "started_at")
    @api.depends_context("lang", "tz")
    def _compute_display_name(self):
        for log in self:
            started = format_datetime(self.env, log.started_at) if log.started_at else ""
            log.display_name = "%s: %s (%s)" % (log.backend_name or "", log.name or "", started)

    def _counts_text(self):
        """The run's counts in the reader's language."""
        self.ensure_one()
        return self.env._(counts_message(self.created_count, self.updated_count,
                                         self.skipped_count, self.failed_count))

    def action_open_failed_units(self):
        check_group(self, USER_GROUP)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "tracking_connector.action_tracking_failed_unit")
        action["domain"] = [("log_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_open_backend(self):
        check_group(self, USER_GROUP)
        self.ensure_one()
        if not self.backend_id:
            raise UserError(self.env._("The backend %s was deleted: its runs stay as history.",
                                       self.backend_name))
        return self.backend_id.action_open_backend()


class RunBusy(Exception):
    """The same sync of the same backend is running elsewhere (another worker, the cron)."""


class SyncRun:
    """What one run did, written to its ``tracking.sync.log`` when it ends.

    All writes of a run happen inside ``step()``: one unit (a page, a process, a document)
    in a savepoint, committed when it succeeds. A record error rolls back that unit only,
    is logged with its reason and the run goes on; any other error rolls back the unit and
    ends the run."""

    # A run started by a user (not by a cron) tells them how far it got at most this often.
    PROGRESS_INTERVAL = 3.0

    def __init__(self, backend, operation, deadline=None):
        """``operation``: what the run does, as a message (``_lt("sync %s", ...)``, translated
        for each reader of its log) or as a text (shown as it is). ``deadline``: when the
        scheduled job that runs this must be over (``time.monotonic()``), None for a run
        started by a person.

        Every step of the run is committed on the backend's cursor (``commit``)."""
        self.backend = backend
        self.env = backend.env
        self.stats = CallStats()
        self.created = self.updated = self.skipped = self.failed = 0
        self.kept = 0  # items added to the items to retry (``tracking.failed.unit``)
        self.open_retry_resources = None  # resources with items to retry open, once asked
        self.warnings = 0  # warnings that end the run "done with warnings" (``warn``)
        self.errors = []
        self.fatal = None  # why the run ended, in the language of whoever started it
        self.fatal_message = None  # the same, as a message (``_lt``) or a remote's text
        self.rate_limited = False
        self.retry_after = None  # seconds until the call budget comes back, when spent
        self.busy = False
        self.pages = 0
        self.more = False  # stopped with work left (pages per run, time budget)
        self.deadline = deadline
        self._lock_key = None
        self.message = None  # the summary, when not the counts: a message (``_lt``) or a text
        self._api_message = {}  # technical line of a remote error met -> its plain message
        self._progress_at = self._started = time.monotonic()
        self._progress_to = (None if backend.env.context.get("ir_cron_progress_id")
                             else backend.env.user)
        message = lazy_to_json(operation)
        self.log = self.env["tracking.sync.log"].sudo().create({
            "backend_id": backend.tracking_backend_id.id,
            "backend_name": backend.display_name,
            "company_id": backend.company_id.id,
            "user_id": self.env.uid,
            "operation": lazy_text(message, "en_US"),
            "operation_words": message if isinstance(message, dict) else False,
        })
        # Held by this connection while the run lasts, released by PostgreSQL if the
        # process dies: a "running" log whose lock is free belongs to a dead run.
        self.env.cr.execute("SELECT pg_advisory_lock(%s, %s)", (LOG_LOCK, self.log.id))
        self._close_dead_logs()
        commit(self.env)

    def _close_dead_logs(self):
        """Mark the logs of this backend still "running" whose run died (SIGKILL, OOM,
        container stop) as interrupted.

        A run of another sync of the same backend may end at this very moment: its log,
        "running" in this transaction's snapshot, is "done" by now. So the dead ones are
        closed on their own cursor at READ COMMITTED, and only while still "running" (an
        UPDATE there waits for the ending run's commit and then sees its state: no
        serialization failure, no finished run marked interrupted)."""
        cr = self.env.cr
        dead = []
        for log_id in self.env["tracking.sync.log"].sudo().search([
                ("backend_id", "=", self.backend.tracking_backend_id.id),
                ("state", "=", "running"), ("id", "!=", self.log.id)]).ids:
            cr.execute("SELECT pg_try_advisory_lock(%s, %s)", (LOG_LOCK, log_id))
            if not cr.fetchone()[0]:
                continue  # its run is alive
            cr.execute("SELECT pg_advisory_unlock(%s, %s)", (LOG_LOCK, log_id))
            dead.append(log_id)
        if not dead:
            return
        message = lazy_to_json(_lt("Interrupted: the run stopped without finishing (its "
                                   "process ended). What it saved stands; the next run goes "
                                   "on from there."))

        def close_in(close_cr):
            close_cr.execute(
                "UPDATE tracking_sync_log SET state = 'failed', failed_run_count = 1, "
                "ended_at = now() at time zone 'UTC', message = %s, message_words = %s, "
                "write_uid = %s, write_date = now() at time zone 'UTC' "
                "WHERE id IN %s AND state = 'running'",
                (lazy_text(message, "en_US"), json.dumps(message), self.env.uid, tuple(dead)))

        with self.env.registry.cursor() as close_cr:
            read_committed(close_cr)
            close_in(close_cr)
        self.env["tracking.sync.log"].invalidate_model()

    def exclusive(self, name):
        """Make sure no other run of sync ``name`` of this backend is under way: a
        PostgreSQL advisory lock held by this connection until the run ends (released by
        itself if the process dies). If another holds it, raise ``RunBusy``."""
        key = (self.backend.id, zlib.crc32(("%s:%s" % (self.backend._name, name)).encode())
               - 2**31)
        self.log.run_key = name
        self.env.cr.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        if not self.env.cr.fetchone()[0]:
            raise RunBusy(_lt("Another run of \"%s\" is under way for this backend: "
                              "this one did nothing.", name))
        self._lock_key = key
        commit(self.env)  # the run key stands even if the first page is rolled back and redone

    def count(self, created=0, updated=0, skipped=0, failed=0):
        self.created += created
        self.updated += updated
        self.skipped += skipped
        self.failed += failed

    def counts(self):
        """The counts and error lines so far, to be put back with ``restore`` when the work
        they count is rolled back."""
        return (self.created, self.updated, self.skipped, self.failed, self.kept,
                len(self.errors))

    def restore(self, counts):
        (self.created, self.updated, self.skipped, self.failed, self.kept, lines) = counts
        del self.errors[lines:]

    def skip_row(self, message):
        """A remote row that cannot be saved: counted as skipped, named in the log."""
        self.skipped += 1
        self.error(message)

    def warn(self, message, serious=False):
        """Something the log should say that does not stop a row (an unknown code). A
        ``serious`` one (answers that drift from the mapping, conflicts a user has to choose
        on) also ends the run "done with warnings"."""
        self.error(message)
        if serious:
            self.warnings += 1

    def time_left(self):
        """Seconds until the scheduled job's time budget is spent (None: no budget)."""
        return None if self.deadline is None else self.deadline - time.monotonic()

    def out_of_time(self):
        left = self.time_left()
        return left is not None and left <= 0

    def error(self, message):
        """Keep one error line for the log: a message (``_lt``, shown in each reader's language)
        or a text (a remote's message, shown as received); secrets masked."""
        message = lazy_to_json(message)
        _logger.warning("%s %s: %s", self.backend.display_name, self.log.operation,
                        lazy_text(message, "en_US"))
        if len(self.errors) < MAX_ERROR_LINES:
            self.errors.append(message)

    @contextmanager
    def step(self, label, fatal=False):
        """One unit of work, all or nothing, committed on success. With ``fatal`` (a page
        whose cursor must not move past it) every error ends the run."""
        try:
            with self.env.cr.savepoint():
                yield
        except RECORD_ERRORS as exc:
            if fatal:
                raise
            self.failed += 1
            self.error(_lt("%(label)s: %(error)s", label=label,
                           error=self.error_message(exc)))
            self.technical_detail(exc)
        else:
            self._progress()
            self._write_counts()
            commit(self.env)

    def page(self, label, save):
        """``save()`` (its result returned) as one fatal step (a page and the cursor after
        it). When it clashed with another worker writing the same rows at the same moment (see
        ``CLASH_PGCODES``), the transaction is rolled back, the counts of that attempt
        dropped, and the page saved again on fresh data, at most ``PAGE_ATTEMPTS`` times.
        Everything before it is committed already: only this page is redone."""
        for attempt in range(1, PAGE_ATTEMPTS + 1):
            counts = self.counts()
            try:
                with self.step(label, fatal=True):
                    result = save()
                return result
            except psycopg2.Error as exc:
                if exc.pgcode not in CLASH_PGCODES or attempt == PAGE_ATTEMPTS:
                    raise
                self.restore(counts)
                _logger.warning("%s %s, %s: rows written by another worker at the same time "
                                "(%s); doing the page again", self.backend.display_name,
                                self.log.operation, label, type(exc).__name__)
                self.env.cr.rollback()
                time.sleep(0.2 * attempt)

    def _progress(self):
        """Tell the user who started the run how many records it has done so far: a bus
        notification sent with the step's commit, at most every ``PROGRESS_INTERVAL``
        seconds. Crons run unseen."""
        now = time.monotonic()
        if not self._progress_to or now - self._progress_at < self.PROGRESS_INTERVAL:
            return
        self._progress_at = now
        done = self.created + self.updated + self.skipped + self.failed
        self._progress_to._bus_send("simple_notification", {
            "type": "info",
            "title": self.backend.display_name,
            "message": self.env._("%(operation)s: %(count)s records so far",
                                  operation=self.log.name, count="{:,}".format(done)),
        })

    def _write_counts(self):
        """The counts so far, written with the work they count (committed together): the
        log of a run killed midway still tells what it saved."""
        self.log.write({"created_count": self.created, "updated_count": self.updated,
                        "skipped_count": self.skipped, "failed_count": self.failed,
                        "kept_count": self.kept, "api_calls": self.stats.calls,
                        "rate_limited_count": self.stats.rate_limited})

    def fail(self, exc):
        if isinstance(exc, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY):
            # Another worker changed what this run was changing: expected on several
            # workers, not a crash (no traceback); the next run goes on.
            exc = UserError(_lt(
                "A database conflict with another worker (%s): what this run had not "
                "committed is not saved; the next run goes on from there.",
                type(exc).__name__))
        self.fatal_message = self.error_message(exc)
        self.fatal = str(lazy_text(self.fatal_message, self.env.lang))
        self.rate_limited = isinstance(exc, RateLimited)
        if self.rate_limited and exc.status is None:
            # Our own budget is spent (not a 429 from the remote): it says when it returns.
            self.retry_after = exc.retry_after
        self.busy = isinstance(exc, RunBusy)
        detail = getattr(exc, "excerpt", None)
        if not isinstance(exc, (ApiError, UserError, ValidationError, RunBusy)):
            _logger.exception("%s %s failed", self.backend.display_name, self.log.operation)
            detail = mask("".join(traceback.format_exception(exc)))
        self.error(self.fatal_message)
        self.technical_detail(exc)
        if detail:
            self.error(detail)

    def error_message(self, exc):
        """What ``exc`` says to a user (``error_message``), a remote error as a plain message
        naming what to fix (``api_error_message``); remembered by its technical line, so
        that an item to retry with that line reads the same message (``message_for``)."""
        message = error_message(exc, self.backend)
        if isinstance(exc, ApiError):
            self._api_message[exc.message] = message
        return message

    def message_for(self, error):
        """``error`` (a remote error, a message or a text) as a user reads it, as a JSON message:
        the technical line of a remote error this run met, alone or within the message,
        replaced by its plain message."""
        if isinstance(error, ApiError):
            return self.error_message(error)

        def plain(data):
            if isinstance(data, str):
                return self._api_message.get(data, data)
            if isinstance(data, dict) and "text" in data:
                args = data.get("args") or ()
                args = ({key: plain(value) for key, value in args.items()}
                        if isinstance(args, dict) else [plain(value) for value in args])
                return dict(data, args=args)
            return data

        return plain(lazy_to_json(error))

    def technical_detail(self, exc):
        """The technical line of a remote error told in plain words, for the integrator."""
        if isinstance(exc, ApiError) and api_error_message(exc, self.backend) is not None:
            self.error(_lt("Technical detail: %s", exc.message))

    def raise_if_failed(self):
        """The rule for a failed run started by a person from a dialog (a wizard, an upload),
        where a notification cannot be shown: an error that names what failed and the run
        log, so that the dialog stays open for a correction. (A button returns
        ``_notify_logs``' red notification with a link to the log instead; a scheduled run
        only logs and goes on.)"""
        if self.fatal:
            raise RunFailed(self.env._("%(reason)s (run log: %(log)s)", reason=self.fatal,
                                       log=self.log.display_name))

    def close(self):
        end = fields.Datetime.now()
        state = ("busy" if self.busy else "stopped" if self.rate_limited
                 else "failed" if self.fatal
                 else "warning" if self.failed or self.kept or self.warnings else "done")
        # As messages, translated for each reader: ``message`` keeps its English text.
        summary = self.fatal_message or self.message or counts_message(
            self.created, self.updated, self.skipped, self.failed)
        if self.kept and not self.fatal:
            summary = _lt("%(summary)s; items to retry: %(count)s", summary=summary,
                          count=self.kept)
        message = lazy_to_json(summary)
        self.log.write({
            "ended_at": end,
            # Measured, not from the datetimes (stored to the second: 0.00 for short runs).
            "duration": time.monotonic() - self._started,
            "state": state,
            "created_count": self.created,
            "updated_count": self.updated,
            "skipped_count": self.skipped,
            "failed_count": self.failed,
            "kept_count": self.kept,
            "api_calls": self.stats.calls,
            "rate_limited_count": self.stats.rate_limited,
            "message": lazy_text(message, "en_US")[:500],
            "message_words": message if isinstance(message, dict) else False,
            "error_details": "\n".join(str(lazy_text(line, "en_US"))
                                        for line in self.errors) or False,
            "error_words": self.errors or False,
        })
        # The log's end is written (its row locked by this transaction) before the run's
        # locks go: a run of this backend starting meanwhile on another worker would
        # otherwise take this one for dead (its log still "running", its lock free), mark it
        # "Interrupted", and this commit would fail on the row it changed.
        self.log.flush_recordset()
        if self._lock_key:
            self.env.cr.execute("SELECT pg_advisory_unlock(%s, %s)", self._lock_key)
        self.env.cr.execute("SELECT pg_advisory_unlock(%s, %s)", (LOG_LOCK, self.log.id))
        commit(self.env)


class RunFailed(UserError):
    """A run started by a person failed: what failed, and where its log is."""


def error_message(exc, backend=None):
    """What ``exc`` says as a message (``lazy_to_json``, secrets masked): a remote error met by
    a run of ``backend`` in plain words (``api_error_message``), the message of our own errors
    raised with ``_lt`` (shown in each reader's language), else a text (a remote's message
    as received, an error raised with a translated text, a crash)."""
    if isinstance(exc, ApiError):
        plain = api_error_message(exc, backend) if backend is not None else None
        return lazy_to_json(plain if plain is not None else exc.message)
    if isinstance(exc, (UserError, ValidationError, RunBusy)):
        return lazy_to_json(exc.args[0] if exc.args else str(exc))
    return lazy_to_json("%s: %s" % (type(exc).__name__, exc))


def row_by_row(exc):
    """Whether a page that failed with ``exc`` is saved again row by row, keeping the rows
    that fail: an error of its data (a constraint, a value the database refuses, an error of
    a hook), not of the remote, of the run, of the connection, nor a clash with another
    worker (then the whole page is done again, see ``SyncRun.page``)."""
    if isinstance(exc, (ApiError, RunBusy)):
        return False
    if isinstance(exc, psycopg2.Error):
        return exc.pgcode not in CLASH_PGCODES and not isinstance(
            exc, (psycopg2.OperationalError, psycopg2.InterfaceError))
    return True


def read_committed(cr):
    """Run the fresh transaction of ``cr`` at READ COMMITTED: for a shared counter or a
    token row updated under a row lock, a worker that waited for the lock then reads the
    other's committed row, where Odoo's REPEATABLE READ would fail with "could not
    serialize access due to concurrent update". First statement of a real transaction
    only: a test cursor is a savepoint of the test's transaction and is left as it is."""
    if isinstance(cr, Cursor):
        cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")


def commit(env):
    """Commit the work of a run on ``env``'s cursor. Whoever owns the cursor decides what a
    commit is: a request's or a cron job's cursor commits for real; the tests' cursor is
    Odoo's ``TestCursor``, whose commit releases a savepoint (tests/common.py)."""
    env.cr.commit()  # pylint: disable=invalid-commit
