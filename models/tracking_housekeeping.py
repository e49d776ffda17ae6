"""Housekeeping: how long the connector keeps its own history, and its daily clearing.

Odoo's scheduled action "Base: Auto-vacuum internal data" calls ``_gc_connector_history``
once a day (``@api.autovacuum``). Oldest first, in batches, at most ``MAX_ROWS_A_DAY`` rows of
each kind a day (a database that never cleared catches up over a few days without one long
transaction), it deletes:

- run logs older than the setting ``tracking_connector.keep_run_logs_days`` (90 days by
  default); failed runs and runs with errors or kept items only after
  ``tracking_connector.keep_failed_run_logs_days`` (365 days); never the last run of an
  operation of a backend (the dashboard shows it). The pages a run kept for the integrator
  (drift) are its attachments and go with it;
- items to retry done or ignored for longer than the run logs' setting (open ones stay,
  whatever their age);
- API call counters of periods that ended more than two days ago (the budgets count the last
  minute and the day).
"""
import calendar
import logging

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

KEEP_RUN_LOGS_PARAM = "tracking_connector.keep_run_logs_days"
KEEP_FAILED_RUN_LOGS_PARAM = "tracking_connector.keep_failed_run_logs_days"
KEEP_RUN_LOGS_DAYS = 90
KEEP_FAILED_RUN_LOGS_DAYS = 365
BATCH = 2000
MAX_ROWS_A_DAY = 50000
COUNTER_DAYS = 2


class TrackingHousekeeping(models.AbstractModel):
    _name = "tracking.housekeeping"
    _description = "Tracking Connector Housekeeping"

    @api.autovacuum
    def _gc_connector_history(self):
        """Run logs, finished items to retry and old call counters, as the module's
        docstring says. Returns the numbers deleted, per kind."""
        now = fields.Datetime.now()
        keep = self._days(KEEP_RUN_LOGS_PARAM, KEEP_RUN_LOGS_DAYS)
        keep_failed = max(keep, self._days(KEEP_FAILED_RUN_LOGS_PARAM,
                                           KEEP_FAILED_RUN_LOGS_DAYS))
        deleted = {
            "run logs": self._delete_batches("tracking.sync.log", self._old_runs_query(
                fields.Datetime.subtract(now, days=keep),
                fields.Datetime.subtract(now, days=keep_failed))),
            "items to retry": self._delete_batches("tracking.failed.unit", ("""
                SELECT id FROM tracking_failed_unit
                 WHERE state IN ('done', 'ignored') AND write_date < %s
              ORDER BY id LIMIT %s""", [fields.Datetime.subtract(now, days=keep)])),
            "call counters": self._delete_counters(now),
        }
        if any(deleted.values()):
            _logger.info("Tracking housekeeping deleted %s", ", ".join(
                "%d %s" % (count, kind) for kind, count in deleted.items() if count))
        return deleted

    def _days(self, param, default):
        value = self.env["ir.config_parameter"].sudo().get_param(param)
        try:
            return max(1, int(value)) if value else default
        except ValueError:
            _logger.warning("Setting %s is not a number of days (%r): %d days kept", param,
                            value, default)
            return default

    @staticmethod
    def _old_runs_query(before, failed_before):
        """Ended runs started before ``before`` (those that failed, had errors or kept items:
        before ``failed_before``), except the last run of each operation of a backend (the
        dashboard shows it)."""
        return ("""
            SELECT l.id FROM tracking_sync_log l
             WHERE l.state != 'running'
               AND l.started_at < CASE WHEN l.state = 'failed' OR l.failed_count > 0
                                            OR l.kept_count > 0
                                            OR l.error_words IS NOT NULL
                                            OR l.error_details IS NOT NULL
                                       THEN %s ELSE %s END
               AND (l.backend_id IS NULL  -- its backend is deleted: no card to keep true
                    OR EXISTS (SELECT 1 FROM tracking_sync_log n
                                WHERE n.backend_id = l.backend_id
                                  AND n.operation = l.operation
                                  AND (n.started_at, n.id) > (l.started_at, l.id)))
          ORDER BY l.id LIMIT %s""", [failed_before, before])

    def _delete_batches(self, model, query):
        """Delete through the ORM (attachments and links go with the rows) the ids ``query``
        selects, a batch at a time, at most ``MAX_ROWS_A_DAY``."""
        sql, params = query
        records = self.env[model].sudo()
        total = 0
        while total < MAX_ROWS_A_DAY:
            records.flush_model()
            self.env.cr.execute(sql, [*params, min(BATCH, MAX_ROWS_A_DAY - total)])
            ids = [row[0] for row in self.env.cr.fetchall()]
            if not ids:
                break
            records.browse(ids).unlink()
            total += len(ids)
        return total

    def _delete_counters(self, now):
        """Call counters of seconds and days that ended ``COUNTER_DAYS`` days ago."""
        seconds = calendar.timegm(now.timetuple()) - COUNTER_DAYS * 86400
        self.env["tracking.rate.counter"].flush_model()
        self.env.cr.execute("""
            DELETE FROM tracking_rate_counter
             WHERE (period = 'second' AND period_start < %s)
                OR (period = 'day' AND period_start < %s)
        """, (seconds, seconds // 86400))
        return self.env.cr.rowcount
