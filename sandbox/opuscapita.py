"""OpusCapita Business Network Track API under ``/opuscapita``: the OAuth 2.0 password
grant at ``/auth/token`` (basic auth with the client id and secret) and
``POST /track/api/transactions`` with a JSON filter and paging."""

import base64
import secrets
import time
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from .data import opuscapita_events
from .responses import HttpError, json_response

OPUSCAPITA_CLIENT_ID = "odoo-client"
OPUSCAPITA_CLIENT_SECRET = "client-s3cret"
OPUSCAPITA_USERNAME = "odoo.user"
OPUSCAPITA_PASSWORD = "user-pa55"


def _parse(text):
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class OpusCapitaApi:
    prefix = "/opuscapita"

    def __init__(self, seed, events=60, token_ttl=300):
        self.seed = seed
        self.event_count = events
        self.token_ttl = token_ttl
        self.reset()

    def reset(self):
        self.events = opuscapita_events(self.seed, self.event_count)
        self.tokens = {}
        self.bodies = []  # every transactions request body, for tests

    def handle(self, request):
        path = request.path.rstrip("/")
        if (request.method, path) == ("POST", "/auth/token"):
            return json_response(self._token(request))
        if (request.method, path) == ("POST", "/track/api/transactions"):
            self._authorize(request.headers.get("authorization", ""))
            body = request.json()
            self.bodies.append(body)
            return json_response(self._transactions(body or {}))
        raise HttpError(404, {"error": "not_found"})

    def control(self, method, path, body):
        if (method, path) == ("POST", "token_ttl"):
            self.token_ttl = int((body or {})["token_ttl"])
            return json_response({"ok": True})
        raise HttpError(404, {"error": "unknown control route"})

    def _token(self, request):
        header = request.headers.get("authorization", "")
        try:
            client = base64.b64decode(header[6:]).decode() if header.startswith("Basic ") else ""
        except ValueError:
            client = ""
        if client != "%s:%s" % (OPUSCAPITA_CLIENT_ID, OPUSCAPITA_CLIENT_SECRET):
            raise HttpError(401, {"error": "invalid_client",
                                  "error_description": "Bad client credentials"})
        form = dict(parse_qsl(request.body.decode()))
        if form.get("grant_type") != "password":
            raise HttpError(400, {"error": "unsupported_grant_type",
                                  "error_description": "grant_type must be password"})
        if (form.get("username"), form.get("password")) != (OPUSCAPITA_USERNAME,
                                                            OPUSCAPITA_PASSWORD):
            # RFC 6749, 5.2: a wrong password is a 400 "invalid_grant" (a wrong client, 401).
            raise HttpError(400, {"error": "invalid_grant",
                                  "error_description": "Invalid user credentials"})
        token = secrets.token_urlsafe(24)
        self.tokens[token] = time.time() + self.token_ttl
        return {"access_token": token, "token_type": "bearer", "expires_in": self.token_ttl,
                "scope": form.get("scope", "")}

    def _authorize(self, header):
        token = header[7:] if header.startswith("Bearer ") else None
        expiry = self.tokens.get(token)
        if not expiry:
            raise HttpError(401, {"error": "invalid_token", "error_description": "Unknown token"})
        if expiry <= time.time():
            raise HttpError(401, {"error": "invalid_token", "error_description": "Token expired"})

    def _transactions(self, body):
        filters = body.get("filter") or {}
        rows = self.events
        low, high = filters.get("eventTimeFrom"), filters.get("eventTimeTo")
        if low:
            rows = [row for row in rows if _parse(row["eventTime"]) >= _parse(low)]
        if high:
            rows = [row for row in rows if _parse(row["eventTime"]) < _parse(high)]
        for key, field in (("documentTypes", "documentType"), ("statuses", "status")):
            if filters.get(key):
                rows = [row for row in rows if row[field] in filters[key]]
        for key, side in (("senderIds", "sender"), ("receiverIds", "receiver")):
            if filters.get(key):
                rows = [row for row in rows if row[side]["id"] in filters[key]]
        page, size = int(body.get("page") or 1), int(body.get("pageSize") or 100)
        total_pages = max(1, -(-len(rows) // size))
        return {"transactions": rows[(page - 1) * size:page * size], "page": page,
                "pageSize": size, "totalPages": total_pages, "totalElements": len(rows)}
