"""What an emulated API handler receives and returns."""

import json
from dataclasses import dataclass, field


class HttpError(Exception):
    """Raised by a handler to answer ``status`` with a JSON body."""

    def __init__(self, status, body, headers=None):
        super().__init__(status, body)
        self.status = status
        self.body = body
        self.headers = headers or {}


@dataclass
class Request:
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes
    pairs: list = field(default_factory=list)  # every query parameter, repeats kept

    def arg(self, name, default=None):
        """A query parameter, its name matched without regard to case."""
        values = self.args(name)
        return values[-1] if values else default

    def args(self, name):
        """Every value of a repeated query parameter (``Carriers=1&Carriers=2``)."""
        return [value for key, value in self.pairs if key.lower() == name.lower()]

    def json(self):
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            raise HttpError(400, {"msg": "The request body is not valid JSON"}) from None


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)


def json_response(obj, status=200, headers=None):
    return Response(status, json.dumps(obj).encode(),
                    dict({"Content-Type": "application/json"}, **(headers or {})))


def bytes_response(data, content_type=None, status=200, headers=None):
    headers = dict(headers or {})
    if content_type:
        headers["Content-Type"] = content_type
    return Response(status, data, headers)


def empty_response(status=204):
    return Response(status)
