"""Answers in other shapes than our reading of the APIs, for the "Check the API" of a first
connection to be tried against them: keys of the listed records renamed, a list answered
inside an object with paging fields, pages numbered from 0. Set with
``Sandbox.set_shape(...)`` or ``POST /_sandbox/shape`` (``DELETE`` puts the usual shapes
back)."""

import json
from dataclasses import dataclass, field, replace

# The page size of the paged lists (TrackOnline's), given in an envelope.
PAGE_SIZE = 50


@dataclass(frozen=True)
class Shape:
    """``rename``: {key: new key} in every record of a list answer (a JSON array, or a list
    inside an answer's object); ``envelope``: a JSON array answered as ``{envelope: [...],
    "page": n, "pageSize": 50}`` instead; ``first_page``: 0 to number the pages of a paged
    list from 0 (page 0 is the first, page 1 the second): a ``page`` query parameter, or a
    ``page`` in a JSON request body (OpusCapita's), whose answer then says ``"first"`` as
    Spring's pages do."""

    rename: dict = field(default_factory=dict)
    envelope: str = None
    first_page: int = 1

    def __post_init__(self):
        if self.first_page not in (0, 1):
            raise ValueError("first_page is 0 or 1")

    @property
    def usual(self):
        return not self.rename and not self.envelope and self.first_page == 1

    def asked(self, request):
        """The request (``sandbox.responses.Request``) as the emulators read it: page n of
        a server numbering from 0 is the emulators' page n + 1."""
        if self.first_page != 0:
            return request
        if not request.arg("page"):
            body = _json_object(request.body)
            if body is None or "page" not in body:
                return request
            return replace(request, body=json.dumps(dict(
                body, page=int(body["page"] or 0) + 1)).encode())
        pairs = [(key, str(int(value) + 1) if key.lower() == "page" else value)
                 for key, value in request.pairs]
        return replace(request, query=dict(pairs), pairs=pairs)

    def reshape(self, response, query, page_size=PAGE_SIZE):
        """The JSON ``response`` (``sandbox.responses.Response``) in this shape."""
        if self.usual or not response.headers.get("Content-Type", "").startswith(
                "application/json"):
            if response.status == 204 and self.envelope and "page" in query:
                response.status = 200
                response.headers["Content-Type"] = "application/json"
                response.body = json.dumps(self._wrap([], query, page_size)).encode()
            return response
        body = json.loads(response.body or b"null")
        if self.first_page == 0 and isinstance(body, dict) and "page" in body \
                and "page" not in query:  # a page asked in the request's body
            body = dict(body, page=int(body["page"]) - 1, first=int(body["page"]) == 1)
        body = self._renamed(body)
        if self.envelope and isinstance(body, list):
            body = self._wrap(body, query, page_size)
        response.body = json.dumps(body).encode()
        return response

    def _wrap(self, rows, query, page_size):
        return {self.envelope: rows, "page": int(query.get("page", self.first_page)),
                "pageSize": page_size}

    def _renamed(self, body):
        if isinstance(body, list):
            return [self._row(row) for row in body]
        if isinstance(body, dict):
            return {key: [self._row(row) for row in value] if isinstance(value, list) else value
                    for key, value in body.items()}
        return body

    def _row(self, row):
        if not isinstance(row, dict) or not self.rename:
            return row
        return {self.rename.get(key, key): value for key, value in row.items()}


def _json_object(raw):
    """A request body's JSON object, or None."""
    try:
        body = json.loads(raw or b"null")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
