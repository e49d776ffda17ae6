"""Trackline (Code Contract platform) as its vendor documents it: JSON login giving a JWT,
process metadata by id or name, attachment download. Served under ``/trackline/api``."""

import base64
import threading
import time
import uuid

import jwt

from .data import trackline_processes
from .responses import HttpError, bytes_response, json_response

TRACKLINE_EMAIL = "odoo@example.com"
TRACKLINE_PASSWORD = "s3cret-Trackline!"
SIGNING_KEY = "sandbox-only-signing-key-not-a-secret"


class TracklineApi:
    prefix = "/trackline/api"

    def __init__(self, seed, size, token_ttl=300):
        self.seed = seed
        self.size = size
        self.token_ttl = token_ttl
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        self.processes, self.files, self._no_content_type = trackline_processes(
            self.seed, self.size)
        self._content_types = {}  # doc id -> the type given to add_document()
        self._next_doc = 900000
        self.logins = 0  # logins that gave a token

    # -- what tests use ------------------------------------------------------------------------

    def content_type_sent(self, doc_id):
        """The Content-Type the file is served with, or None when it is sent without one."""
        if doc_id in self._no_content_type:
            return None
        if doc_id in self._content_types:
            return self._content_types[doc_id]
        name = self._document(doc_id)["doc_name"].lower()
        for extension, content_type in ((".pdf", "application/pdf"),
                                        (".xml", "application/xml"),
                                        (".jpg", "image/jpeg"), (".zip", "application/zip"),
                                        (".txt", "text/plain")):
            if name.endswith(extension):
                return content_type
        return "application/octet-stream"

    def add_document(self, process_id, name, doc_type, content, content_type=None):
        """Add a document and return its id. ``content_type``: None to derive it from the
        name, False to send none."""
        process = self._process(process_id)
        with self._lock:
            self._next_doc += 1
            doc_id = str(self._next_doc)
            process["documents"].append(
                {"doc_id": doc_id, "doc_name": name, "doc_type": doc_type})
            self.files[doc_id] = content
            if content_type is False:
                self._no_content_type.add(doc_id)
            elif content_type:
                self._content_types[doc_id] = content_type
        return doc_id

    def bench(self, processes, documents, size):
        """Add processes 20000, 20001, ... each with ``documents`` files of ``size`` bytes
        (different bytes each), for the benchmark."""
        with self._lock:
            for index in range(processes):
                process_id = str(20000 + index)
                docs = []
                for position in range(documents):
                    self._next_doc += 1
                    doc_id = str(self._next_doc)
                    docs.append({"doc_id": doc_id, "doc_name": "bench %s-%d.bin" % (
                        process_id, position + 1), "doc_type": "bench"})
                    self.files[doc_id] = doc_id.encode().ljust(size, b".")
                self.processes[process_id] = {
                    "process_id": process_id, "name": "Bench %s" % process_id,
                    "status": "Open", "created_at": "2026-01-01T00:00:00Z", "documents": docs}

    def set_status(self, process_id, status):
        self._process(process_id)["status"] = status

    def token(self, ttl=None):
        now = time.time()  # NumericDate may be fractional (RFC 7519): lifetimes are exact
        return jwt.encode({"fresh": True, "iat": int(now), "nbf": int(now),
                           "jti": str(uuid.uuid4()), "type": "access", "sub": TRACKLINE_EMAIL,
                           "exp": now + (self.token_ttl if ttl is None else ttl)},
                          SIGNING_KEY, algorithm="HS256")

    # -- HTTP ------------------------------------------------------------------------------------

    def handle(self, request):
        route = (request.method, request.path.rstrip("/"))
        if route == ("POST", "/login"):
            return json_response(self._login(request.json()))
        self._authorize(request.headers.get("authorization", ""))
        if route == ("GET", "/track-line/ext/track-path/metadata"):
            return json_response(self._metadata(request.query))
        if route == ("GET", "/track-line/ext/attachment/file"):
            doc_id = request.query.get("attachment_id", "")
            if doc_id not in self.files:
                raise HttpError(404, {"msg": "Attachment not found"})
            return bytes_response(self.files[doc_id], self.content_type_sent(doc_id))
        raise HttpError(404, {"msg": "Not found"})

    def control(self, method, path, body):
        """The /_sandbox/trackline/... routes: documents, status, token_ttl."""
        body = body or {}
        if (method, path) == ("POST", "documents"):
            doc_id = self.add_document(body["process_id"], body["name"], body.get("doc_type"),
                                       base64.b64decode(body.get("content", "")),
                                       body.get("content_type"))
            return json_response({"doc_id": doc_id})
        if (method, path) == ("POST", "status"):
            self.set_status(body["process_id"], body["status"])
            return json_response({"ok": True})
        if (method, path) == ("POST", "bench"):
            self.bench(int(body["processes"]), int(body["documents"]), int(body["size"]))
            return json_response({"ok": True})
        if (method, path) == ("POST", "token_ttl"):
            self.token_ttl = int(body["token_ttl"])
            return json_response({"ok": True})
        raise HttpError(404, {"error": "unknown control route"})

    def _login(self, body):
        if not isinstance(body, dict) or not body.get("email") or not body.get("password"):
            raise HttpError(400, {"msg": "email and password are required"})
        if (body["email"], body["password"]) != (TRACKLINE_EMAIL, TRACKLINE_PASSWORD):
            raise HttpError(401, {"msg": "Bad email or password"})
        with self._lock:
            self.logins += 1
        return {"token": self.token()}

    def _authorize(self, header):
        if not header.startswith("Bearer "):
            raise HttpError(401, {"msg": "Missing Authorization Header"})
        try:
            jwt.decode(header[7:], SIGNING_KEY, algorithms=["HS256"], leeway=0)
        except jwt.ExpiredSignatureError:
            raise HttpError(401, {"msg": "Token has expired"}) from None
        except jwt.PyJWTError:
            raise HttpError(401, {"msg": "Signature verification failed"}) from None

    def _metadata(self, query):
        if query.get("process_id"):
            process = self.processes.get(query["process_id"])
        elif query.get("process_name"):
            process = next((p for p in self.processes.values()
                            if p["name"] == query["process_name"]), None)
        else:
            raise HttpError(400, {"msg": "process_id or process_name is required"})
        if not process:
            raise HttpError(404, {"msg": "Process not found"})
        return process

    def _process(self, process_id):
        if process_id not in self.processes:
            raise HttpError(404, {"msg": "Process not found"})
        return self.processes[process_id]

    def _document(self, doc_id):
        for process in self.processes.values():
            for document in process["documents"]:
                if document["doc_id"] == doc_id:
                    return document
        raise KeyError(doc_id)
