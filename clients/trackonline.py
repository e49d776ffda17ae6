"""TrackOnline external REST API: API key in ``X-ApiKey``, lists of 50 a page (204 = none),
POST batches of at most 50 with a message ID to poll for the save result."""

import logging
import re

from .base import BaseClient, CredentialsMissing, NotFound, RemoteDataError, batches, errors_text

_logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.trackonline.com/api/v1"
DEFAULT_RESULT_PATH = "{resource}/result"
DEFAULT_TRIP_PATH = "transactiontrip/nextstatus"
# Batch calculation paths: not in the public document; these are the sandbox's.
CALCULATIONS = "batchcalculation"
CALCULATION_RESULT = "batchcalculation/download"
CALCULATION_DOCUMENTS = "batchcalculation/document"
CALCULATION_DOCUMENT_FILE = "batchcalculation/document/download"
# outputType -> (label, file extension)
OUTPUT_TYPES = {0: ("JSON", "json"), 1: ("XML", "xml"),
                2: ("EOL financial logistic export", "csv"),
                3: ("EOL logistic invoice export", "csv")}
PAGE_SIZE = 50
MAX_BATCH = 50
# (calls per minute, calls per day) per licence tier, per administration.
LICENCE_LIMITS = {
    "start_pro": (60, 1000),
    "pro_plus": (60, 5000),
    "enterprise": (1000, 10000),
}
ENVELOPES = ("items", "data", "results")
# A save result refusing its record may pass if the record is sent again later when it says
# so: an HTTP-like code it carries (a timeout, a conflict, a lock, too many calls, a server
# error), else its status or its message in these words, as whole words ("blocked" is not
# "locked"). The public document lists no refusal codes: any other refusal is final.
PASSING_CODES = (408, 409, 423, 429)
RESULT_CODE_KEYS = ("code", "errorCode", "httpStatusCode", "statusCode")
PASSING_PHRASES = re.compile(r"\b(?:locked|try\s+again|time\s*out|timed\s+out|temporarily)\b",
                             re.IGNORECASE)
# A save result's ``status`` that says its record was saved (any casing; the document gives
# the result no shape).
SAVED_STATUSES = ("saved", "ok", "success", "succeeded", "created", "updated", "processed",
                  "done", "completed")


class TrackOnlineClient(BaseClient):
    """``paths``: where a list the document names without its path is read (the batch
    calculations' four calls: ``CALCULATIONS``...), by its name here; the others' paths
    are their names."""

    def __init__(self, base_url, api_key, result_path=DEFAULT_RESULT_PATH,
                 trip_path=DEFAULT_TRIP_PATH, paths=None, **kwargs):
        super().__init__(base_url, secrets=(api_key,), **kwargs)
        self._api_key = api_key
        self.result_path = result_path or DEFAULT_RESULT_PATH
        self.trip_path = trip_path or DEFAULT_TRIP_PATH
        self.paths = dict(paths or {})

    def auth_headers(self):
        if not self._api_key:
            raise CredentialsMissing("TrackOnline needs an API key.")
        return {"X-ApiKey": self._api_key, "Accept": "application/json"}

    # -- reading -----------------------------------------------------------------------------

    def page(self, resource, params=None, page=1):
        """One page of a list: a list of dicts, empty on 204."""
        response = self.request("GET", self.paths.get(resource, resource),
                                params=dict(params or {}, page=page), expected=(200, 204))
        if response.status_code == 204 or not response.content.strip():
            return []
        return parse_list(self.parse_json(response), resource, self.stats.shapes)

    def pages(self, resource, params=None, first_page=1):
        """Yield ``(page_number, items)`` until a page is empty (204) or shorter than 50:
        one call a page, memory of one page at a time."""
        number = first_page
        while True:
            items = self.page(resource, params, number)
            if items:
                yield number, items
            if len(items) < PAGE_SIZE:
                return
            number += 1

    def by_ids(self, resource, ids, params=None):
        """The records of ``ids`` (at most 50: one page, one call) read by their id, the
        ``Id`` filter repeated once per id: ``{id asked: row}``; an id not in the answer is
        absent (a server that filters on one ``Id`` only answers the first)."""
        if len(ids) > PAGE_SIZE:
            raise ValueError("at most %d ids a call" % PAGE_SIZE)
        asked = {str(remote_id).lower(): str(remote_id) for remote_id in ids}
        rows = self.page(resource, dict(params or {}, Id=list(asked.values())))
        return {asked[str(row.get("id")).lower()]: row for row in rows
                if str(row.get("id")).lower() in asked}

    def get_list(self, resource, params=None):
        """A small unpaged list (balances)."""
        response = self.request("GET", self.paths.get(resource, resource), params=params,
                                expected=(200, 204))
        if response.status_code == 204:
            return []
        return parse_list(self.parse_json(response), resource, self.stats.shapes)

    def download(self, resource, params, max_bytes=None):
        response = self.request("GET", self.paths.get(resource, resource), params=params,
                                stream=True)
        with response:
            return self.read_limited(response, max_bytes), response.headers.get("Content-Type")

    # -- writing -----------------------------------------------------------------------------

    def save(self, resource, records):
        """POST ``records`` in batches of at most 50; return one message ID per batch."""
        message_ids = []
        for batch in batches(records, MAX_BATCH):
            response = self.request("POST", resource, json=batch)
            ctype = response.headers.get("Content-Type", "").lower()
            body = response.text if ctype.startswith("text/plain") else self.parse_json(response)
            message_ids.append(parse_message_id(body, resource))
        return message_ids

    def save_result(self, resource, message_id):
        """The per-record results of a saved batch, or None while TrackOnline is still
        saving it (202). An unknown (404) or outdated (410) message ID raises
        ``RemoteDataError`` saying so."""
        path = self.result_path.format(resource=resource, message_id=message_id)
        # The message ID goes in the path where the setting places it, else as a query.
        params = None if "{message_id}" in self.result_path else {"messageId": message_id}
        try:
            response = self.request("GET", path, params=params, expected=(200, 202, 410))
        except NotFound:
            raise RemoteDataError("TrackOnline does not know the save message %s (404): the "
                                  "batch must be sent again." % message_id, status=404) from None
        if response.status_code == 202:
            return None
        if response.status_code == 410:
            raise RemoteDataError("The save message %s is outdated (410): its result is no "
                                  "longer kept; send the batch again." % message_id,
                                  status=410)
        return parse_results(self.parse_json(response), resource)

    def next_trip_status(self, trip_ids):
        body = [{"id": trip_id} for trip_id in trip_ids]
        response = self.request("POST", self.trip_path, json=body)
        return self.parse_json(response) if response.content.strip() else None


def parse_list(body, resource, shapes=None):
    """A list answer is a JSON array; an object with a common envelope is read all the same,
    and noted in ``shapes`` (``CallStats.shapes``: the run ends "done with warnings" naming
    the key, with a page as received kept, ``models/tracking_drift.py``)."""
    if isinstance(body, list):
        items = body
    elif isinstance(body, dict) and any(isinstance(body.get(key), list) for key in ENVELOPES):
        key = next(key for key in ENVELOPES if isinstance(body.get(key), list))
        note = ("TrackOnline %s: an answer of another shape, its list in an object under %r, "
                "not the JSON array of the document (other keys: %s)"
                % (resource, key, ", ".join(sorted(str(k) for k in body if k != key)[:10])
                   or "none"))
        _logger.warning(note)
        if shapes is not None and note not in shapes:
            shapes.append(note)
        items = body[key]
    else:
        raise RemoteDataError("TrackOnline %s: expected a list, got %s: %r"
                              % (resource, type(body).__name__, str(body)[:200]))
    bad = [item for item in items if not isinstance(item, dict)]
    if bad:
        raise RemoteDataError("TrackOnline %s: the page holds %d entries that are not objects"
                              % (resource, len(bad)))
    return items


def parse_message_id(body, resource):
    """The message ID of a save answer, whose shape the document does not give: a JSON
    string or number, or an object with ``messageId`` (any casing, ``message_id`` too) or
    ``id``."""
    if isinstance(body, (str, int)) and not isinstance(body, bool) and str(body).strip():
        return str(body).strip()
    if isinstance(body, dict):
        by_name = {key.lower().replace("_", ""): value for key, value in body.items()}
        for key in ("messageid", "id"):
            if by_name.get(key) not in (None, ""):
                return str(by_name[key])
    raise RemoteDataError("TrackOnline %s: the save answer has no message ID: %r"
                          % (resource, str(body)[:200]))


def parse_results(body, resource):
    """Per-record results in the order of the batch: dicts with ``id``, ``number``,
    ``success`` and ``message``."""
    if isinstance(body, dict):
        body = next((body[key] for key in ("results",) + ENVELOPES if isinstance(body.get(key),
                                                                                 list)), body)
    if not isinstance(body, list):
        raise RemoteDataError("TrackOnline %s: unreadable save result: %r"
                              % (resource, str(body)[:200]))
    results = []
    for entry in body:
        entry = entry if isinstance(entry, dict) else {}
        flags = [str(entry.get(key)).lower() for key in ("success", "isSuccess", "succeeded")
                 if str(entry.get(key)).lower() in ("true", "false", "1", "0")]
        message = _result_message(entry)
        status = str(entry.get("status") or "").lower()
        if flags:
            success = flags[0] in ("true", "1")
        elif status:
            success = status in SAVED_STATUSES
        else:  # no flag, no status: saved when it names the record and no error
            success = bool(entry.get("id") or entry.get("number")) and not message
        results.append({"id": entry.get("id") or False, "number": entry.get("number") or False,
                        "success": success, "message": message,
                        "passing": not success and refusal_may_pass(entry, message)})
    return results


def refusal_may_pass(entry, message):
    """Whether a save result refusing its record (``entry``, its ``message``) may pass later
    (see ``PASSING_CODES``): decided by the HTTP-like code it carries (400 to 599) where it
    carries one, else by the words of its status or message."""
    for key in RESULT_CODE_KEYS:
        code = entry.get(key)
        if isinstance(code, str) and code.strip().isdigit():
            code = int(code)
        if isinstance(code, int) and not isinstance(code, bool) and 400 <= code <= 599:
            return code in PASSING_CODES or code >= 500
    status = entry.get("status")
    return bool(isinstance(status, str) and PASSING_PHRASES.search(status)
                or PASSING_PHRASES.search(message or ""))


def _result_message(entry):
    """What a save result says of its record: ``message`` or ``error`` as text, or the
    ``errors`` it lists."""
    for key in ("message", "error", "errorMessage"):
        if isinstance(entry.get(key), str) and entry[key]:
            return entry[key]
    return errors_text(entry.get("errors"))
