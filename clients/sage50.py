"""Sage 50 Cloud API (Sage Connected Cloud): developer and application registration,
passcodes, API key rotation, uploads followed through their tracking URL, scope downloads.
The production host, the key header and some paths are not public: all are settings."""

import logging
import threading
from urllib.parse import urlsplit

from .base import BaseClient, RemoteDataError, hide

_logger = logging.getLogger(__name__)

DEFAULT_KEY_HEADER = "X-Api-Key"
FINAL_STATUSES = ("accepted", "failed", "badRequest")


class Sage50Client(BaseClient):
    """``rotate`` is called on a 401 of a data call with the key that failed and must return
    a valid key (the Odoo side rotates it under a lock and stores it before returning); the
    call is then retried once (``BaseClient.authed``). Only in the thread that made the
    client: a call made in a worker thread (``clients/concurrent.py``) raises its 401, and
    the caller rotates the key once for all the calls refused together."""

    def __init__(self, base_url, api_key=None, key_header=DEFAULT_KEY_HEADER, rotate=None,
                 **kwargs):
        super().__init__(base_url, secrets=(api_key,), **kwargs)
        self.api_key = api_key
        self.key_header = key_header or DEFAULT_KEY_HEADER
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
        return _field(body, "passcode"), body.get("expires")

    def rotate_key(self, developer_id, application_id, initial_key, secret):
        """PATCH the key: works with an expired key too. Returns the new key."""
        hide(initial_key, secret)
        body = self.parse_json(self.request(
            "PATCH", "api/developers/%s/applications/%s/apikey" % (developer_id, application_id),
            auth=False, json={"initialApikey": initial_key, "secret": secret}))
        key = _field(body, "apikey")
        hide(key)
        return key

    # -- data ---------------------------------------------------------------------------------

    def upload(self, scope, payload):
        body = self.parse_json(self.authed("POST", "api/uploads", params={"scope": scope},
                                           json=payload, expected=(200, 201, 202)))
        return _field(body, "trackingUrl")

    def tracking(self, tracking_url):
        body = self.parse_json(self.authed("GET", tracking_url))
        status = _field(body, "status")
        return {"status": status, "progress": body.get("progress") or 0,
                "downloadResultUrl": body.get("downloadResultUrl") or False,
                "message": body.get("message") or ""}

    def download(self, url, max_bytes=None):
        response = self.authed("GET", url, stream=True)
        with response:
            return self.read_limited(response, max_bytes)

    def url(self, path):
        """Absolute URLs given by Sage (tracking, result, scope files) are used as they are,
        but only on Sage's own host: the API key is never sent anywhere else."""
        if path.startswith(("http://", "https://")):
            if urlsplit(path)[:2] != urlsplit(self.base_url)[:2]:
                raise RemoteDataError("Sage 50 gave a URL on another host (%s): refused, so "
                                      "that the API key does not leave Sage."
                                      % urlsplit(path).netloc)
            return path
        return super().url(path)


def _field(body, name):
    if not isinstance(body, dict) or not body.get(name):
        raise RemoteDataError("Sage 50's answer has no %s (an answer of another shape?): %r"
                              % (name, str(body)[:200]))
    return body[name]
