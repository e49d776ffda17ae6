"""Sage 50 Cloud API (Sage Connected Cloud): developer and application registration,
passcodes, API key rotation, uploads followed through their tracking URL, scope downloads.
The production host, the key header and some paths are not public: all are settings."""

import logging
import re
import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlsplit

from .base import BaseClient, RemoteDataError, hide

_logger = logging.getLogger(__name__)

DEFAULT_KEY_HEADER = "X-Api-Key"
# Paths the public document does not give exactly (API_NOTES.md): settings of the backend.
DEFAULT_ROTATION_PATH = "api/developers/{developer_id}/applications/{application_id}/apikey"
DEFAULT_UPLOAD_PATH = "api/uploads"
FINAL_STATUSES = ("accepted", "failed", "badRequest")
DOWNLOAD_PATH = "api/downloads/%s"
# A scope's name goes into the download path, which carries the API key: letters, digits,
# spaces, "_", "-" and "." only, starting with a letter or a digit (never "..", "/", "?",
# "%" or "#", which would move the call to another path of Sage's host).
PLAIN_SCOPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.-]{0,99}")


# A duration as .NET writes a TimeSpan ("00:10:00", "1.00:00:00") or ISO 8601 ("PT10M").
TIMESPAN = re.compile(r"(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?")
ISO_DURATION = re.compile(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?")


def passcode_expiry(expires, now):
    """When a passcode given at ``now`` (an aware UTC datetime) stops being valid, from the
    answer's ``expires``: the document says it "specifies how long the passcode will remain
    valid", without its form. A time ("2026-11-30T19:20:26Z"), a number of seconds (300,
    "300"), a TimeSpan ("00:10:00") or an ISO 8601 duration ("PT10M") are read; anything else
    gives None (the expiry unknown, not guessed)."""
    if isinstance(expires, bool) or expires is None:
        return None
    if isinstance(expires, (int, float)):
        return now + timedelta(seconds=expires) if expires > 0 else None
    text = str(expires).strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return passcode_expiry(float(text), now)
    timespan = TIMESPAN.fullmatch(text)
    if timespan:
        days, hours, minutes, seconds = (int(part or 0) for part in timespan.groups())
        return now + timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    duration = ISO_DURATION.fullmatch(text)
    if duration and text not in ("P", "PT"):
        days, hours, minutes, seconds = (float(part or 0) for part in duration.groups())
        return now + timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def plain_scope(scope):
    """Whether ``scope`` is a plain scope name (``PLAIN_SCOPE``)."""
    return isinstance(scope, str) and PLAIN_SCOPE.fullmatch(scope) is not None


def scope_path(scope):
    """The download path of ``scope``'s file, the name URL-encoded; a name that is not
    plain raises ``RemoteDataError``."""
    if not plain_scope(scope):
        raise RemoteDataError("Sage 50 named a scope that is not a plain name (%r): its file "
                              "is not downloaded" % str(scope)[:100])
    return DOWNLOAD_PATH % quote(scope, safe="")


class Sage50Client(BaseClient):
    """``rotate`` is called on a 401 of a data call with the key that failed and must return
    a valid key (the Odoo side rotates it under a lock and stores it before returning); the
    call is then retried once (``BaseClient.authed``). Only in the thread that made the
    client: a call made in a worker thread (``clients/concurrent.py``) raises its 401, and
    the caller rotates the key once for all the calls refused together."""

    def __init__(self, base_url, api_key=None, key_header=DEFAULT_KEY_HEADER, rotate=None,
                 rotation_path=DEFAULT_ROTATION_PATH, upload_path=DEFAULT_UPLOAD_PATH,
                 **kwargs):
        super().__init__(base_url, secrets=(api_key,), **kwargs)
        self.api_key = api_key
        self.key_header = key_header or DEFAULT_KEY_HEADER
        self.rotation_path = rotation_path or DEFAULT_ROTATION_PATH
        self.upload_path = upload_path or DEFAULT_UPLOAD_PATH
        self._rotate = rotate
        self._home = threading.get_ident()

    def auth_headers(self):
        return {self.key_header: self.api_key or ""}

    def renew_credentials(self):
        """A 401 on a data call: the key is rotated (once per call, see ``authed``)."""
        if not self._rotate or threading.get_ident() != self._home:
            return False
        _logger.info("Sage 50 refused the API key: rotating it")
        self.api_key = self._rotate(self.api_key)
        return True

    # -- onboarding (no key yet) --------------------------------------------------------------

    def register_developer(self, details):
        body = self.parse_json(self.request("POST", "api/developers", auth=False, json=details,
                                            expected=(200, 201)))
        return _field(body, "registrationUrl")

    def register_application(self, developer_id, details):
        body = self.parse_json(self.request(
            "POST", "api/developers/%s/applications" % developer_id, auth=False, json=details,
            expected=(200, 201)))
        return _field(body, "applicationId")

    def passcode(self, developer_id, application_id, secret):
        hide(secret)
        body = self.parse_json(self.request(
            "POST", "api/developers/%s/applications/%s/passcodes" % (developer_id,
                                                                     application_id),
            auth=False, json={"secret": secret}, expected=(200, 201)))
        return _field(body, "passcode"), _get(body, "expires")

    def rotate_key(self, developer_id, application_id, initial_key, secret):
        """PATCH the key: works with an expired key too. Returns the new key."""
        hide(initial_key, secret)
        body = self.parse_json(self.request(
            "PATCH", self.rotation_path.format(developer_id=developer_id,
                                               application_id=application_id),
            auth=False, json={"initialApikey": initial_key, "secret": secret},
            expected=(200, 201, 204)))  # 204, no key: read as an answer lost
        if isinstance(body, list) and len(body) == 1:
            # The object inside a list: Sage has rotated, the new key is there all the same.
            _logger.warning("Sage 50's rotation answer came inside a list: key read from it")
            body = body[0]
        key = _get(body, "apikey")
        hide(key)
        if not isinstance(key, str) or not key:
            # The answer itself is not shown: it may hold the key in another form.
            raise RemoteDataError("Sage 50's rotation answer has no apikey (a %s of another "
                                  "shape)" % type(body).__name__)
        return key

    # -- data ---------------------------------------------------------------------------------

    def upload(self, scope, payload):
        body = self.parse_json(self.authed("POST", self.upload_path, params={"scope": scope},
                                           json=payload, expected=(200, 201, 202)))
        return _field(body, "trackingUrl")

    def tracking(self, tracking_url):
        # 202: still working, as 200 with its status.
        body = self.parse_json(self.authed("GET", tracking_url, expected=(200, 202)))
        return {"status": _status(_field(body, "status")), "progress": _progress(body),
                "downloadResultUrl": _get(body, "downloadResultUrl") or False,
                "message": _get(body, "message") or ""}

    def download(self, url, max_bytes=None):
        response = self.authed("GET", url, stream=True)
        with response:
            return self.read_limited(response, max_bytes)

    def url(self, path):
        """Absolute URLs given by Sage (tracking, result, scope files) are used as they are,
        but only on Sage's own host: the API key is never sent anywhere else."""
        if path.lower().startswith(("http://", "https://")):
            if _origin(path) != _origin(self.base_url):
                raise RemoteDataError("Sage 50 gave a URL on another host (%s): refused, so "
                                      "that the API key does not leave Sage."
                                      % urlsplit(path).netloc)
            return path
        return super().url(path)


def _origin(url):
    """Scheme, host (any casing) and port (the scheme's own when none is written)."""
    parts = urlsplit(url)
    default = 443 if parts.scheme.lower() == "https" else 80
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port or default


def _get(body, name):
    """``body[name]``, the name matched without regard to case ("apiKey", "TrackingUrl":
    the document writes both casings); None when absent."""
    if not isinstance(body, dict):
        return None
    if name in body:
        return body[name]
    return next((value for key, value in body.items() if str(key).lower() == name.lower()),
                None)


def _field(body, name):
    value = _get(body, name)
    if not value:
        raise RemoteDataError("Sage 50's answer has no %s (an answer of another shape?): %r"
                              % (name, str(body)[:200]))
    return value


def _status(value):
    """A tracking status with a final one written as the document writes it ("Accepted",
    "BAD_REQUEST" and "bad request" are ``badRequest``); others as they come."""
    text = str(value).strip()
    squeezed = text.replace("_", "").replace(" ", "").lower()
    return next((final for final in FINAL_STATUSES if final.lower() == squeezed), text)


def _progress(body):
    """``progress`` as a whole percentage: 40, 40.5, "40" and "40%" are 40; 0 when absent
    or unreadable."""
    try:
        return int(float(str(_get(body, "progress") or 0).strip().rstrip("%")))
    except ValueError:
        return 0
