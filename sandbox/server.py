"""The sandbox frame: a threaded HTTP server on 127.0.0.1 that hands each request to the API
emulator whose prefix it starts with, counts calls and injects faults."""

import json
import logging
import random
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .opuscapita import OpusCapitaApi
from .responses import HttpError, Request, bytes_response, json_response
from .sage50 import Sage50Api
from .shapes import Shape
from .trackline import TracklineApi
from .trackonline import TrackOnlineApi

_logger = logging.getLogger(__name__)

CONTROL_PREFIX = "/_sandbox/"
HTML_ERROR = "<html><head><title>%(code)s</title></head><body><h1>%(code)s %(reason)s</h1>" \
             "<p>The upstream server did not answer.</p></body></html>"
REASONS = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
           503: "Service Unavailable", 504: "Gateway Timeout"}


@dataclass(frozen=True)
class Network:
    """How far the sandbox seems: each API answer waits ``latency`` seconds, give or take
    up to ``jitter``, and its body leaves at ``bandwidth`` bytes a second (0: at once)."""

    latency: float = 0.0
    jitter: float = 0.0
    bandwidth: int = 0

    def wait(self):
        delay = self.latency + random.uniform(-self.jitter, self.jitter)  # noqa: S311
        if delay > 0:
            time.sleep(delay)

    def write(self, stream, body):
        if not self.bandwidth:
            stream.write(body)
            return
        chunk = max(1, self.bandwidth // 20)  # 20 writes a second
        for start in range(0, len(body), chunk):
            part = body[start:start + chunk]
            time.sleep(len(part) / self.bandwidth)  # the time this part takes on the wire
            stream.write(part)


@dataclass
class Fault:
    path_prefix: str
    status: int = None
    body: str = None  # or bytes
    content_type: str = "text/html"
    headers: dict = None  # added to the answer (the fault's own, or the normal one)
    delay: float = 0.0
    times: int = 1
    method: str = None
    retry_after: int = None
    malformed_json: bool = False
    close_connection: bool = False
    truncate: bool = False  # half the body is sent under the full Content-Length, then close
    rewrite: object = None  # callable: the answer's decoded JSON -> new JSON (or raw bytes)
    skip: int = 0  # let this many matching requests through first

    def matches(self, method, path):
        return (self.times > 0 and path.startswith(self.path_prefix)
                and (not self.method or self.method.upper() == method))

    def take(self):
        """Count one matching request; True when the fault applies to it."""
        if self.skip > 0:
            self.skip -= 1
            return False
        self.times -= 1
        return True


class Sandbox:
    """Start with ``start()`` (or as a context manager); ``url`` is where it listens."""

    def __init__(self, seed=1, size=20, token_ttl=300, port=0, transactions=40,
                 per_minute=None, events=60, spacing=10, network=None):
        self.seed = seed
        self.network = self._started_network = network or Network()
        self.in_flight = self.max_in_flight = 0  # API requests being answered, and the most
        self.size = size
        self.port = port
        self.trackline = TracklineApi(seed, size, token_ttl)
        self.trackonline = TrackOnlineApi(seed, transactions, per_minute, spacing)
        self.opuscapita = OpusCapitaApi(seed, events, token_ttl)
        self.sage50 = Sage50Api(seed)
        self.apis = [self.trackline, self.trackonline, self.opuscapita, self.sage50]
        self._lock = threading.Lock()
        self._calls = {}
        self._faults = []
        self.shape = Shape()  # the usual shapes of the answers (see sandbox/shapes.py)
        self._server = None
        self._thread = None

    # -- life cycle --------------------------------------------------------------------------

    def start(self):
        handler = type("Handler", (_Handler,), {"sandbox": self})
        self._server = _Server(("127.0.0.1", self.port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.sage50.base_url = self.url
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True, name="sandbox-%d" % self.port)
        self._thread.start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    # -- calls and faults -------------------------------------------------------------------

    def calls(self, method=None, path_prefix=None):
        """How many requests were made, optionally of one method and under one path."""
        with self._lock:
            return sum(count for (m, path), count in self._calls.items()
                       if (not method or m == method.upper())
                       and (not path_prefix or path.startswith(path_prefix)))

    def calls_by_path(self):
        with self._lock:
            return {"%s %s" % key: count for key, count in sorted(self._calls.items())}

    def reset_calls(self):
        with self._lock:
            self._calls.clear()
            self.max_in_flight = 0

    def _in_flight(self, step):
        """Count an API request beginning (1) or ending (-1); ``max_in_flight`` is the
        most answered at once since ``reset_calls()``."""
        with self._lock:
            self.in_flight += step
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def add_fault(self, path_prefix, **options):
        """Queue a fault for the next ``times`` requests whose path starts with
        ``path_prefix`` (see ``Fault`` for the options)."""
        fault = Fault(path_prefix, **options)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear_faults(self):
        with self._lock:
            self._faults.clear()

    def reset(self):
        """Calls, faults, network and data back to what the seed and options give."""
        self.network = self._started_network
        self.reset_calls()
        self.clear_faults()
        self.shape = Shape()
        for api in self.apis:
            api.reset()

    def set_network(self, **options):
        """Answer every API call like a distant server: ``latency`` and ``jitter``
        (seconds) before each answer, ``bandwidth`` (bytes a second) while sending it."""
        self.network = Network(**options)

    def set_shape(self, **options):
        """Answer in other shapes (``sandbox/shapes.py: Shape``); no options: the usual
        ones."""
        self.shape = Shape(**options)

    def _take_fault(self, method, path):
        with self._lock:
            self._calls[(method, path)] = self._calls.get((method, path), 0) + 1
            for fault in self._faults:
                if fault.matches(method, path) and fault.take():
                    return fault
        return None

    # -- dispatch ------------------------------------------------------------------------------

    def dispatch(self, request):
        if request.path.startswith(CONTROL_PREFIX):
            return self._control(request)
        for api in self.apis:
            if request.path.startswith(api.prefix + "/"):
                sub = Request(request.method, request.path[len(api.prefix):], request.query,
                              request.headers, request.body, request.pairs)
                shape = self.shape
                return shape.reshape(api.handle(shape.asked(sub)), request.query)
        raise HttpError(404, {"error": "not found"})

    def _control(self, request):
        try:
            return self._control_route(request)
        except (KeyError, TypeError, ValueError) as exc:
            raise HttpError(400, {"error": "bad control request: %r" % exc}) from None

    def _control_route(self, request):
        route = (request.method, request.path[len(CONTROL_PREFIX):].rstrip("/"))
        if route == ("POST", "faults"):
            options = dict(request.json())
            self.add_fault(options.pop("path_prefix"), **options)
            return json_response({"ok": True})
        if route == ("DELETE", "faults"):
            self.clear_faults()
            return json_response({"ok": True})
        if route == ("GET", "calls"):
            return json_response({"total": self.calls(), "by_path": self.calls_by_path()})
        if route == ("POST", "network"):
            self.set_network(**request.json())
            return json_response({"ok": True})
        if route == ("POST", "shape"):
            self.set_shape(**request.json())
            return json_response({"ok": True})
        if route == ("DELETE", "shape"):
            self.set_shape()
            return json_response({"ok": True})
        if route == ("POST", "reset"):
            self.reset()
            return json_response({"ok": True})
        for api in self.apis:
            name = api.prefix.strip("/").split("/")[0]
            if route[1].startswith(name + "/"):
                return api.control(request.method, route[1][len(name) + 1:], request.json())
        raise HttpError(404, {"error": "unknown control route"})


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A connection closed on purpose (fault injection) or by the client: not news.
        _logger.debug("sandbox connection from %s ended with an error", client_address,
                      exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave at once: no 40 ms delayed ACK
    sandbox = None  # set on the subclass made by Sandbox.start()

    def log_message(self, fmt, *args):
        _logger.debug("%s " + fmt, self.address_string(), *args)

    def _handle(self):
        counted = not self.path.startswith(CONTROL_PREFIX)
        if counted:
            self.sandbox._in_flight(1)
        try:
            self._handle_request()
        finally:
            if counted:
                self.sandbox._in_flight(-1)

    def _handle_request(self):
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        pairs = parse_qsl(parts.query)
        request = Request(self.command, parts.path, dict(pairs),
                          {key.lower(): value for key, value in self.headers.items()}, body,
                          pairs)
        control = request.path.startswith(CONTROL_PREFIX)
        fault = None if control else self.sandbox._take_fault(request.method, request.path)
        network = Network() if control else self.sandbox.network
        network.wait()
        if fault and fault.delay:
            time.sleep(fault.delay)
        if fault and fault.close_connection:
            self.close_connection = True
            self.connection.close()
            return
        if fault and fault.status:
            response = _fault_response(fault)
        else:
            response = self._answer(request)
            if fault and fault.headers:
                response.headers.update(fault.headers)
            if fault and fault.rewrite:
                _rewrite(response, fault.rewrite)
            if fault and fault.malformed_json:
                response.body = response.body[: max(1, len(response.body) // 2)]
        if fault and fault.truncate:
            declared = len(response.body)
            response.body = response.body[: declared // 2]
            self._send(response, network, declared=declared)
            self.close_connection = True
            self.connection.close()
            return
        self._send(response, network)

    def _answer(self, request):
        try:
            return self.sandbox.dispatch(request)
        except HttpError as exc:
            return json_response(exc.body, exc.status, exc.headers)
        except Exception as exc:  # noqa: BLE001 - the emulator answers 500 like a server
            _logger.exception("sandbox handler failed")
            return json_response({"error": "%s: %s" % (type(exc).__name__, exc)}, 500)

    def _send(self, response, network, declared=None):
        self.send_response(response.status)
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(declared or len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            network.write(self.wfile, response.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle


def _fault_response(fault):
    headers = dict(fault.headers or {})
    if fault.retry_after is not None:
        headers["Retry-After"] = str(fault.retry_after)
    if fault.body is not None:
        body = fault.body if isinstance(fault.body, bytes) else fault.body.encode()
        return bytes_response(body, fault.content_type, fault.status, headers)
    if fault.status == 429:
        return json_response({"error": "Too Many Requests"}, 429, headers)
    page = HTML_ERROR % {"code": fault.status, "reason": REASONS.get(fault.status, "Error")}
    return bytes_response(page.encode(), "text/html; charset=utf-8", fault.status, headers)


def _rewrite(response, rewrite):
    """Replace the JSON answer by ``rewrite(decoded)``: JSON again, or bytes as they are."""
    try:
        data = json.loads(response.body or b"null")
    except ValueError:
        data = response.body
    new = rewrite(data)
    response.body = new if isinstance(new, bytes) else json.dumps(new).encode()
    if response.status == 204:
        response.status = 200
