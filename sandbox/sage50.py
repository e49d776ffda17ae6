"""Sage 50 Cloud API under ``/sage50``: registration, passcodes, API keys that expire (401
on everything but rotation), rotation, uploads that go through validation and processing
to a final state, scope files and the calls Sage makes to the application (approval with
the key, new-file notifications)."""

import itertools
import json
import secrets
import threading
import time
from urllib.parse import quote, unquote

import requests

from .responses import HttpError, bytes_response, json_response

KEY_HEADER = "x-api-key"
STEPS = (("validating", 10), ("validated", 30), ("processing", 60))


class Sage50Api:
    prefix = "/sage50"

    def __init__(self, seed, key_ttl=3600):
        self.seed = seed
        self.key_ttl = key_ttl
        # Readings of the document a real server may answer differently (kept across
        # resets): a passcode's "expires" as a "date", or a duration in "seconds" or as a
        # "timespan" ("00:10:00"); the rotation's "initialApikey" as the "current" key, or
        # the key of the "consent" only.
        self.expires_as = "date"
        self.rotation_takes = "current"
        self.base_url = None  # set by the server once it listens
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        self.developers = {}  # developer id -> details
        self.applications = {}  # application id -> {developer, approvalUrl, notificationUrl,
        #                                              secret, key, key_expiry}
        self.passcodes = {}  # passcode -> (application id, expiry)
        self.uploads = {}
        self.scopes = {}  # scope -> bytes of the latest file (the full scope)
        self.rotations = 0
        self._ids = itertools.count(1)

    # -- what tests and the demo use ----------------------------------------------------------

    def complete_registration(self, token):
        """The person opened registrationUrl and solved the captcha: ids are 'mailed'."""
        details = self.developers[token]
        developer_id = details["developerId"]
        application_id = self._new_application(developer_id, details)
        return developer_id, application_id

    def consent(self, passcode, cookies=None):
        """The Sage 50 user typed the passcode and granted consent: Sage calls approvalUrl
        (with ``cookies``: an Odoo test's browser session has one its server requires)."""
        application_id, expiry = self.passcodes.pop(passcode, (None, 0))
        if not application_id or expiry < time.time():
            raise HttpError(400, {"message": "Passcode unknown or expired"})
        key = self.issue_key(application_id)
        app = self.applications[application_id]
        response = requests.post(app["approvalUrl"], json={"apikey": key}, cookies=cookies,
                                 timeout=10)
        return response.status_code

    def issue_key(self, application_id):
        """A key for the application, as consent gives one (without calling approvalUrl)."""
        app = self.applications[application_id]
        app["key"], app["key_expiry"] = secrets.token_urlsafe(24), time.time() + self.key_ttl
        app["consent_key"] = app["key"]
        return app["key"]

    def publish_scope(self, scope, content, application_id=None):
        """Sage 50 uploaded a new file for ``scope`` and notifies the application."""
        self.scopes[scope] = content
        codes = []
        for app_id, app in self.applications.items():
            if application_id and app_id != application_id or not app.get("notificationUrl"):
                continue
            url = "%s/sage50/api/downloads/%s" % (self.base_url, quote(scope, safe=""))
            try:
                codes.append(requests.post(app["notificationUrl"], timeout=10, json={
                    "scope": scope, "url": url}).status_code)
            except requests.RequestException:
                codes.append(None)  # that application is gone: Sage goes on with the others
        return codes

    def ready_application(self, secret):
        """An application that went through onboarding (for scripts): developer id,
        application id and its key."""
        token = self._register({"email": "crash@example.com"})["registrationUrl"]
        developer_id, application_id = self.complete_registration(token.rsplit("/", 1)[1])
        self.applications[application_id]["secret"] = secret
        return developer_id, application_id, self.issue_key(application_id)

    def expire_keys(self):
        for app in self.applications.values():
            app["key_expiry"] = 0

    # -- HTTP -----------------------------------------------------------------------------------

    def handle(self, request):
        parts = request.path.strip("/").split("/")
        method = request.method
        if parts[:2] != ["api", "developers"] and parts[:1] == ["api"]:
            app = self._authorize(request.headers.get(KEY_HEADER, ""))
            return self._data(method, parts[1:], request, app)
        if method == "POST" and parts == ["api", "developers"]:
            return json_response(self._register(request.json() or {}), 201)
        if len(parts) == 4 and method == "POST" and parts[3] == "applications":
            return json_response({"applicationId": self._new_application(
                parts[2], request.json() or {})}, 201)
        if len(parts) == 6 and parts[5] == "passcodes" and method == "POST":
            return json_response(self._passcode(parts[2], parts[4], request.json() or {}), 201)
        if len(parts) == 6 and parts[5] == "apikey" and method == "PATCH":
            return json_response(self._rotate(parts[2], parts[4], request.json() or {}))
        if parts[:1] == ["register"]:
            developer_id, application_id = self.complete_registration(parts[1])
            return json_response({"developerId": developer_id, "applicationId": application_id})
        raise HttpError(404, {"message": "Not found"})

    def control(self, method, path, body):
        body = body or {}
        if (method, path) == ("POST", "consent"):
            return json_response({"approval_status": self.consent(body["passcode"])})
        if (method, path) == ("POST", "scope"):
            return json_response({"notified": self.publish_scope(
                body["scope"], json.dumps(body["content"]).encode())})
        if (method, path) == ("POST", "expire_keys"):
            self.expire_keys()
            return json_response({"ok": True})
        raise HttpError(404, {"error": "unknown control route"})

    def _register(self, details):
        if not details.get("email"):
            raise HttpError(400, {"message": "email is required"})
        token = secrets.token_urlsafe(8)
        developer_id = "dev-%04d" % next(self._ids)
        self.developers[token] = dict(details, developerId=developer_id)
        return {"registrationUrl": "%s/sage50/register/%s" % (self.base_url, token)}

    def _new_application(self, developer_id, details):
        application_id = "app-%04d" % next(self._ids)
        self.applications[application_id] = {
            "developer": developer_id, "approvalUrl": details.get("approvalUrl"),
            "notificationUrl": details.get("notificationUrl"), "secret": None, "key": None,
            "key_expiry": 0}
        return application_id

    def _app(self, developer_id, application_id):
        app = self.applications.get(application_id)
        if not app or app["developer"] != developer_id:
            raise HttpError(404, {"message": "Unknown developer or application"})
        return app

    def _passcode(self, developer_id, application_id, body):
        app = self._app(developer_id, application_id)
        if not body.get("secret"):
            raise HttpError(400, {"message": "secret is required"})
        app["secret"] = body["secret"]
        passcode = "%03d-%03d" % divmod(next(self._ids) * 7919 % 1000000, 1000)
        expiry = time.time() + 600
        self.passcodes[passcode] = (application_id, expiry)
        expires = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(expiry)),
                   "seconds": 600, "timespan": "00:10:00"}[self.expires_as]
        return {"passcode": passcode, "expires": expires}

    def _rotate(self, developer_id, application_id, body):
        with self._lock:
            app = self._app(developer_id, application_id)
            if body.get("secret") != app["secret"]:
                raise HttpError(401, {"message": "The secret does not match"})
            wanted = app.get("consent_key") if self.rotation_takes == "consent" else app["key"]
            if not wanted or body.get("initialApikey") != wanted:
                raise HttpError(400, {"message": "initialApikey is not the %s key"
                                                 % self.rotation_takes})
            app["key"], app["key_expiry"] = secrets.token_urlsafe(24), time.time() + self.key_ttl
            self.rotations += 1
            return {"apikey": app["key"]}

    def _authorize(self, key):
        for app_id, app in self.applications.items():
            if key and app["key"] == key:
                if app["key_expiry"] <= time.time():
                    raise HttpError(401, {"message": "API key expired"})
                return app_id
        raise HttpError(401, {"message": "Invalid API key"})

    # -- uploads and downloads ------------------------------------------------------------------

    def _data(self, method, parts, request, app_id):
        if method == "POST" and parts == ["uploads"]:
            payload = request.json()
            upload_id = "up-%04d" % next(self._ids)
            bad = _bad_request(payload)
            failed = isinstance(payload, dict) and payload.get("simulate") == "failed"
            final = "badRequest" if bad else "failed" if failed else "accepted"
            self.uploads[upload_id] = {"polls": 0, "scope": request.arg("scope"),
                                       "final": final,
                                       "message": bad or "", "payload": payload}
            url = "%s/sage50/api/uploads/%s/tracking" % (self.base_url, upload_id)
            return json_response({"trackingUrl": url}, 202)
        if method == "GET" and len(parts) == 3 and parts[0] == "uploads":
            upload = self.uploads.get(parts[1])
            if not upload:
                raise HttpError(404, {"message": "Unknown upload"})
            if parts[2] == "tracking":
                return json_response(self._track(parts[1], upload))
            if parts[2] == "result":
                return bytes_response(json.dumps({"upload": parts[1], "status": upload["final"],
                                                  "message": upload["message"]}).encode(),
                                      "application/json")
        if method == "GET" and len(parts) == 2 and parts[0] == "downloads":
            scope = unquote(parts[1])  # the path as sent: the name URL-encoded
            if scope not in self.scopes:
                raise HttpError(404, {"message": "No file for this scope"})
            return bytes_response(self.scopes[scope], "application/json")
        raise HttpError(404, {"message": "Not found"})

    def _track(self, upload_id, upload):
        upload["polls"] += 1
        if upload["polls"] <= len(STEPS):
            status, progress = STEPS[upload["polls"] - 1]
            return {"status": status, "progress": progress, "downloadResultUrl": None}
        return {"status": upload["final"], "progress": 100, "message": upload["message"],
                "downloadResultUrl": "%s/sage50/api/uploads/%s/result" % (self.base_url,
                                                                          upload_id)}


def _bad_request(payload):
    """What makes an upload a badRequest here: no list of records, or a record without its
    id. (A payload with ``"simulate": "failed"`` fails in processing instead.)"""
    records = payload.get("records") if isinstance(payload, dict) else None
    if not isinstance(records, list):
        return "The file must hold a list of records"
    missing = [index for index, record in enumerate(records) if not record.get("id")]
    return "Records without id: %s" % missing if missing else None
