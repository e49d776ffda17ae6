"""The scheduled-action worker's pass: the addon's jobs share the pass's time limit
(models/tracking_schedule.py)."""

from odoo import models

from . import tracking_schedule


class IrCron(models.Model):
    _inherit = "ir.cron"

    @classmethod
    def _process_job(cls, db, cron_cr, job):
        """Each job of a cron worker's pass: the jobs of this addon share the pass's time
        limit (models/tracking_schedule.py)."""
        with tracking_schedule.in_pass(cron_cr):
            return super()._process_job(db, cron_cr, job)
