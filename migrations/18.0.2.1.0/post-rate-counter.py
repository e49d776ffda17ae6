"""18.0.2.1.0, after the update: the minute's call budget is counted per second over the last
61 s (``models/tracking_rate_counter.py``), no longer per calendar minute. The counters of
calendar minutes (``period = 'minute'``) are deleted: a counter lives a minute, and the
seconds' counters start empty (the calls of the update's minute are not counted again; the
day's counters, which keep their meaning, are kept)."""

import logging

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    cr.execute("DELETE FROM tracking_rate_counter WHERE period = 'minute'")
    if cr.rowcount:
        _logger.info("tracking_rate_counter: %s counters of calendar minutes removed",
                     cr.rowcount)
