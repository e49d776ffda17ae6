"""Times as the remote APIs write them, and back. The one home of date parsing."""

from datetime import UTC, datetime

# How a date-window cursor stores its moment (microseconds, so that nothing is lost).
CURSOR_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def parse_datetime(value):
    """An ISO 8601 time from a remote (``2024-02-09T10:30:00Z``) as a naive UTC datetime
    (Odoo's convention), or False when absent or unreadable."""
    if not value or not isinstance(value, str):
        return False
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    if moment.tzinfo:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def api_datetime(moment):
    """A naive UTC datetime as the APIs write it, to the millisecond
    (``2026-05-01T00:00:00.000Z``); None for no time."""
    if not moment:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def cursor_moment(text):
    return datetime.strptime(text, CURSOR_FORMAT)


def cursor_text(moment):
    return moment.strftime(CURSOR_FORMAT)
