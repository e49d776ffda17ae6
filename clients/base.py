"""Shared HTTP core of every client: session, timeouts, retries, rate limit, typed errors,
logging with secrets masked. Pure Python: no Odoo import."""

import datetime
import email.utils
import http.client
import json
import logging
import math
import re
import threading
import time
from collections import OrderedDict
from urllib.parse import quote

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

_logger = logging.getLogger(__name__)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = (502, 503, 504)
EXCERPT_BYTES = 200
MASK = "***"

# Names whose values are secrets wherever they appear: headers, query strings, bodies.
SECRET_NAMES = (
    "password", "passwd", "secret", "client_secret", "token", "access_token",
    "refresh_token", "id_token", "apikey", "api_key", "api-key", "x-apikey", "x-api-key",
    "initialapikey", "authorization", "passcode", "cookie", "set-cookie",
)
_NAMES = "|".join(re.escape(name) for name in sorted(SECRET_NAMES, key=len, reverse=True))
_SECRET_PATTERNS = (
    # "password": "value"  (JSON)
    re.compile(r'("(?:%s)"\s*:\s*")((?:[^"\\]|\\.)*)("?)' % _NAMES, re.I),
    # password=value  (query strings, form bodies)
    re.compile(r"((?<![\w-])(?:%s)=)([^&\s\"']+)()" % _NAMES, re.I),
    # Authorization: Bearer value / Basic value
    re.compile(r"((?:Bearer|Basic)\s+)([A-Za-z0-9._~+/=-]+)()", re.I),
)


# Secret values this process has sent or received (credentials, tokens, keys): masked
# wherever they appear, even with no name next to them (a 500 page echoing the request).
MIN_SECRET_LENGTH = 6
MAX_KNOWN_SECRETS = 512
_known_secrets = OrderedDict()
_known_lock = threading.Lock()


def hide(*values):
    """Remember secret values so that ``mask()`` removes them from any text."""
    with _known_lock:
        for value in values:
            if not isinstance(value, str) or len(value) < MIN_SECRET_LENGTH:
                continue
            for form in {value, quote(value, safe="")}:
                _known_secrets[form] = True
                _known_secrets.move_to_end(form)
        while len(_known_secrets) > MAX_KNOWN_SECRETS:
            _known_secrets.popitem(last=False)


def mask(text):
    """Return ``text`` with every secret value replaced by ``***``: values next to a
    secret's name, and every value given to ``hide()``."""
    if not text:
        return text
    text = str(text)
    with _known_lock:
        known = sorted(_known_secrets, key=len, reverse=True)
    for value in known:
        if value in text:
            text = text.replace(value, MASK)
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + MASK + m.group(3), text)
    return text


class ApiError(Exception):
    """A remote call failed. ``message`` is the technical line for the run log (secrets
    masked); ``remote``, when the remote answered, its own complaint without the request's
    line (for the words a user reads: models/tracking_messages.py ``api_error_message``);
    ``step``, the step of a client's work that failed ("login", "token", "data"), when the
    client names it."""

    def __init__(self, message, status=None, excerpt=None, remote=None, step=None):
        self.message = mask(message)
        self.status = status
        self.excerpt = mask(excerpt)
        self.remote = mask(remote)
        self.step = step
        super().__init__(self.message)


class AuthError(ApiError):
    """The remote refused the credentials (401/403, or a failed login)."""


class CredentialsMissing(AuthError):
    """The backend lacks credentials a call needs: no call was made."""


class NotFound(ApiError):
    """The remote does not know the requested object (404)."""


# A 429 without Retry-After (the documents promise one): the job comes back after the minute
# the per-minute budgets count, in a later run.
NO_RETRY_AFTER_WAIT = 60


class RateLimited(ApiError):
    """Too many calls: wait ``retry_after`` seconds (a 429, or our own budget spent:
    ``budget``, its period and number of calls)."""

    def __init__(self, message, retry_after=None, status=429, excerpt=None, remote=None,
                 budget=None, step=None):
        super().__init__(message, status=status, excerpt=excerpt, remote=remote, step=step)
        self.retry_after = retry_after
        self.budget = budget


class TransientError(ApiError):
    """The remote or the network failed in a way that may pass: try again later."""


class TimedOut(TransientError):
    """The remote did not answer within the timeout."""


class Unreachable(TransientError):
    """The remote could not be reached: connection refused, unknown host, no route."""


class RemoteDataError(ApiError):
    """The remote answered something we cannot use: HTML, malformed JSON, a wrong shape,
    a missing field, an oversized or empty file."""


# JSON may carry "\udc80" (a lone surrogate) or "\u0000": characters that PostgreSQL and
# file names refuse. They become U+FFFD, so that one odd name cannot fail a whole page.
UNSTORABLE_ESCAPE = re.compile(rb"\\u(?:[dD][89a-fA-F][0-9a-fA-F]{2}|0000)")
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(value):
    """``value`` (parsed JSON) with every NUL and lone surrogate replaced by U+FFFD."""
    if isinstance(value, str):
        return UNSTORABLE.sub("\ufffd", value)
    if isinstance(value, list):
        return [storable(item) for item in value]
    if isinstance(value, dict):
        return {storable(key): storable(item) for key, item in value.items()}
    return value


def batches(items, size):
    """``items`` (a list, a recordset: anything that slices) in consecutive slices of at most
    ``size``, for APIs that take a bounded number of records a call."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def excerpt(response, size=EXCERPT_BYTES):
    """The first bytes of a body, as text, for messages and logs."""
    raw = response.content[:size] if response is not None else b""
    return raw.decode("utf-8", "replace").strip()


def remote_message(response):
    """The remote's own complaint: a JSON message field (with the ``errors`` it lists, as
    ASP.NET's validation answers write them), else the first bytes of the body."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        details = errors_text(body.get("errors"))
        for key in ("msg", "message", "error_description", "error", "detail", "title"):
            value = body.get(key)
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                value = value["message"]
            if isinstance(value, str) and value:
                return "%s (%s)" % (value, details) if details else value
        if details:
            return details
    text = excerpt(response)
    if "<html" in text.lower() or "<!doctype" in text.lower():
        return "HTML error page: %s" % re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()
    return text or response.reason or "no message"


def errors_text(errors):
    """A list of errors as one text: ``{"field": ["text", ...]}`` (ASP.NET's validation),
    or a list of texts or of objects with a ``message``; "" when there is none."""
    if isinstance(errors, dict):
        errors = ["%s: %s" % (field, "; ".join(map(str, texts)) if isinstance(texts, list)
                              else texts) for field, texts in errors.items()]
    if isinstance(errors, list):
        return "; ".join(str(error.get("message", error)) if isinstance(error, dict)
                         else str(error) for error in errors)
    return ""


class CallStats:
    """What a run cost: HTTP attempts made and 429 answers met; and ``shapes``, what a
    client noticed of answers in another envelope than our reading of the API (told by the
    run with the next page: ``models/tracking_drift.py``)."""

    def __init__(self):
        self.calls = 0
        self.rate_limited = 0
        self.shapes = []


class CredentialSession(requests.Session):
    """A ``requests`` session that, when a redirect leaves the host, drops every header that
    carried a credential (``credential_headers``): requests drops ``Authorization`` only, and
    an API key header went along to the other host."""

    def __init__(self):
        super().__init__()
        self.credential_headers = set()

    def rebuild_auth(self, prepared_request, response):
        result = super().rebuild_auth(prepared_request, response)
        if self.should_strip_auth(response.request.url, prepared_request.url):
            for name in self.credential_headers:
                prepared_request.headers.pop(name, None)
        return result


class BaseClient:
    """One remote API: a base URL, a ``requests`` session and the rules of this module.

    Idempotent calls are retried with backoff by urllib3 on connection errors and
    502/503/504. A 429 is waited out when its ``Retry-After`` is at most
    ``max_retry_after`` seconds (``max_429_retries`` times), otherwise ``RateLimited``.
    ``limiter``, when given, is asked before each call (``acquire()``, which waits or raises
    ``RateLimited``) and told of urllib3's own retries (``charge(calls)``); the Odoo side
    gives ``models/tracking_rate_counter.py: DatabaseRateLimiter``.

    ``authed()`` is a call with the credentials: a 401 on it gets new credentials once
    (``renew_credentials()``, which each kind of client implements) and retries once."""

    def __init__(self, base_url, timeout=30.0, retries=3, backoff=0.5, max_retry_after=30,
                 max_429_retries=2, limiter=None, stats=None, sleep=time.sleep, secrets=()):
        hide(*secrets)
        if not base_url or not re.match(r"^https?://", base_url):
            raise ValueError("The API base URL must start with http:// or https:// (got %r)"
                             % (base_url,))
        self.base_url = base_url.rstrip("/")
        self.timeout = float(timeout)
        self.max_retry_after = max_retry_after
        self.max_429_retries = max_429_retries
        self.limiter = limiter
        self.stats = stats or CallStats()
        self._sleep = sleep
        self.session = CredentialSession()
        retry = Retry(
            total=retries, connect=retries, read=retries, status=retries, other=0,
            backoff_factor=backoff, status_forcelist=RETRY_STATUSES,
            allowed_methods=IDEMPOTENT_METHODS, respect_retry_after_header=False,
            raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry, pool_maxsize=16)  # parallel downloads: up to 16
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def url(self, path):
        return "%s/%s" % (self.base_url, path.lstrip("/"))

    def auth_headers(self):
        """Headers that authenticate a call; overridden by each client."""
        return {}

    def request(self, method, path, *, auth=True, expected=(200,), stream=False, **kwargs):
        """Send one call and return the response whose status is in ``expected``;
        any other outcome raises a typed ``ApiError``."""
        url = self.url(path)
        headers = dict(kwargs.pop("headers", None) or {})
        if auth:
            credentials = self.auth_headers()
            self.session.credential_headers.update(credentials)
            headers.update(credentials)
        attempt = 0
        while True:
            response = self._send(method, url, headers, stream, kwargs)
            if response.status_code != 429:
                break
            self.stats.rate_limited += 1
            retry_after = _retry_after(response)
            if (attempt >= self.max_429_retries or retry_after is None
                    or retry_after > self.max_retry_after):
                raise RateLimited(
                    "%s answered 429 Too Many Requests (Retry-After: %s)"
                    % (self._where(method, url), "none" if retry_after is None else retry_after),
                    retry_after=NO_RETRY_AFTER_WAIT if retry_after is None else retry_after,
                    excerpt=excerpt(response))
            attempt += 1
            _logger.info("429 from %s: waiting %s s as Retry-After asks", self._where(method, url),
                         retry_after)
            self._sleep(retry_after)
        if response.status_code in expected:
            return response
        raise self._error(method, url, response)

    def authed(self, method, path, **kwargs):
        """A call with the credentials. A 401 on it (the credentials were taken, then
        refused) gets new ones once and retries the call once, never more. Credentials
        refused while getting them (a login, a token request) raise ``AuthError`` at once:
        asking again would only count one more failed attempt on the account."""
        try:
            return self.request(method, path, **kwargs)
        except AuthError as exc:
            if exc.status != 401 or getattr(exc, "refused_credentials", False):
                raise
            # Not the remote's message: it may echo a secret this client has not seen yet.
            _logger.info("%s answered 401: getting new credentials once",
                         self._where(method, self.url(path)))
            if not self.renew_credentials():
                raise
        return self.request(method, path, **kwargs)

    def answer(self, method, path, **kwargs):
        """One call with the credentials and its JSON body as it came (None when empty, a
        204): for the "Check the API" of a first connection, which compares what came with
        what the mappings read (``models/tracking_api_check.py``)."""
        response = self.authed(method, path, expected=(200, 204), **kwargs)
        if response.status_code == 204 or not response.content.strip():
            return None
        return self.parse_json(response)

    def renew_credentials(self):
        """Get new credentials after a 401 (a new token, a rotated key); return False when
        this client has no way to, and the 401 stands."""
        return False

    def prepare_ahead(self):
        """Before a call handed to a worker thread (``clients/concurrent.py``), in the
        caller's thread: take its budget now (the limiter's ``reserve()``). False when there
        is none this minute: the call is then made in the caller's thread, as usual."""
        return not self.limiter or self.limiter.reserve()

    def settle(self):
        """Back in the caller's thread after calls made in a worker: count what the worker
        could not (the limiter's ``settle()``)."""
        if self.limiter:
            self.limiter.settle()

    def _send(self, method, url, headers, stream, kwargs):
        if self.limiter:
            self.limiter.acquire()
        started = time.monotonic()
        try:
            response = self.session.request(method, url, headers=headers, timeout=self.timeout,
                                            stream=stream, **kwargs)
        except requests.exceptions.RequestException as exc:
            self.stats.calls += 1
            _logger.warning("%s %s failed after %.0f ms: %s", method, mask(url),
                            (time.monotonic() - started) * 1000, type(exc).__name__)
            cut = _cut_short(exc)
            if cut:
                raise TransientError("%s sent a body cut short: %d of %d bytes"
                                     % ((self._where(method, url),) + cut)) from None
            reason = _reason(exc)
            # urllib3's retries wrap a read timeout in a ConnectionError: read its reason.
            cls = (TimedOut if isinstance(exc, requests.exceptions.Timeout)
                   or "timed out" in reason.lower() else Unreachable)
            raise cls("%s could not be reached: %s"
                      % (self._where(method, url), reason)) from None
        if not stream:
            try:
                check_complete(response)
            except TransientError:
                self.stats.calls += 1
                raise
        history = getattr(getattr(response.raw, "retries", None), "history", ()) or ()
        self.stats.calls += 1 + len(history)
        if history and self.limiter:
            self.limiter.charge(len(history))
        _logger.info("%s %s -> %s in %.0f ms%s", method, mask(response.url), response.status_code,
                     (time.monotonic() - started) * 1000,
                     " (%d retries)" % len(history) if history else "")
        return response

    def _where(self, method, url):
        return "%s %s" % (method, mask(url.split("?", 1)[0]))

    def _error(self, method, url, response):
        status = response.status_code
        remote = remote_message(response)
        text = "%s answered %s: %s" % (self._where(method, url), status, remote)
        cls = ApiError
        if status in (401, 403):
            cls = AuthError
        elif status == 404:
            cls = NotFound
        elif status >= 500:
            cls = TransientError
        return cls(text, status=status, excerpt=excerpt(response), remote=remote)

    @staticmethod
    def parse_json(response):
        """The JSON body of ``response``; HTML or malformed JSON raises ``RemoteDataError``
        naming the status and the first bytes."""
        ctype = response.headers.get("Content-Type", "")
        try:
            if "html" in ctype.lower():
                raise ValueError("HTML instead of JSON")
            body = json.loads(response.content)
        except ValueError as exc:
            raise RemoteDataError(
                "Expected JSON from %s (status %s, %s) but could not read it (%s): %r"
                % (mask(response.url.split("?", 1)[0]), response.status_code,
                   ctype or "no content type", exc, excerpt(response)),
                status=response.status_code, excerpt=excerpt(response),
                remote=excerpt(response)) from None
        if UNSTORABLE_ESCAPE.search(response.content):
            body = storable(body)
        return body

    @staticmethod
    def read_limited(response, max_bytes):
        """The body of a streamed response, refusing more than ``max_bytes``."""
        declared = response.headers.get("Content-Length")
        if max_bytes and declared and declared.isdigit() and int(declared) > max_bytes:
            response.close()
            raise RemoteDataError("File of %s bytes is over the size cap of %s bytes"
                                  % (declared, max_bytes))
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(chunk_size=65536):
                size += len(chunk)
                if max_bytes and size > max_bytes:
                    response.close()
                    raise RemoteDataError("File is over the size cap of %s bytes" % max_bytes)
                chunks.append(chunk)
        except requests.exceptions.RequestException as exc:
            cut = _cut_short(exc)
            where = "%s %s" % (response.request.method, mask(response.url.split("?", 1)[0]))
            if cut:
                raise TransientError("%s sent a body cut short: %d of %d bytes"
                                     % ((where,) + cut)) from None
            raise TransientError("%s failed while sending its body: %s"
                                 % (where, _reason(exc))) from None
        check_complete(response)
        return b"".join(chunks)


class BearerTokenClient(BaseClient):
    """A client whose calls carry ``Authorization: Bearer <token>``: the token is kept until
    shortly before it expires, then fetched again; a 401 on a data call fetches a new one
    once and retries the call once (``authed``), and a refused token request is not made
    again by this client. Subclasses implement ``fetch_token()``."""

    # Renew this many seconds before expiry (or a quarter of the remaining life if shorter).
    renew_margin = 30

    def __init__(self, base_url, token=None, token_expiry_ts=None, on_token=None,
                 clock=time.time, **kwargs):
        super().__init__(base_url, **kwargs)
        hide(token)
        self._token = token
        self._token_expiry = token_expiry_ts
        self._on_token = on_token
        self._clock = clock
        self._margin = self._renew_margin(token_expiry_ts)
        self._token_lock = threading.Lock()
        self._refused = None
        self._home = threading.get_ident()
        self._unsaved = None  # a token got in a worker thread, saved by settle()
        self._sent = threading.local()  # the token this thread's last call carried

    def fetch_token(self):
        """Ask the remote for a token; return ``(token, expiry as Unix time)``."""
        raise NotImplementedError

    def new_token(self):
        """Fetch a token now. Credentials refused here are refused for the rest of the run:
        this client raises the same ``AuthError`` again without asking the remote."""
        if self._refused:
            raise self._refused
        try:
            token, expiry = self.fetch_token()
        except AuthError as exc:
            exc.refused_credentials = True
            self._refused = exc
            raise
        hide(token)
        self._token, self._token_expiry = token, expiry
        self._margin = self._renew_margin(expiry)
        if self._on_token:
            if threading.get_ident() == self._home:
                self._on_token(token, expiry)
            else:
                self._unsaved = (token, expiry)
        return token

    def _renew_margin(self, expiry):
        if not expiry:
            return self.renew_margin
        return max(0.0, min(self.renew_margin, (expiry - self._clock()) / 4))

    def _valid_token(self):
        with self._token_lock:
            if (not self._token or not self._token_expiry
                    or self._token_expiry - self._margin <= self._clock()):
                self.new_token()
            return self._token

    def auth_headers(self):
        self._sent.token = self._valid_token()
        return {"Authorization": "Bearer %s" % self._sent.token}

    def renew_credentials(self):
        """A 401 on a data call: the token is dropped, and the retry asks for a new one;
        unless another thread has got a new one since this call left (calls in parallel
        refused together): the retry then takes that one, and there is one login, not
        several."""
        with self._token_lock:
            if self._token == getattr(self._sent, "token", None):
                self._token = None
        return True

    def prepare_ahead(self):
        """A token due for renewal is renewed here, in the caller's thread, first."""
        self._valid_token()
        return super().prepare_ahead()

    def settle(self):
        """A token a worker had to get (a 401) is saved here, in the caller's thread."""
        result = super().settle()
        unsaved, self._unsaved = self._unsaved, None
        if unsaved and self._on_token:
            self._on_token(*unsaved)
        return result


def check_complete(response):
    """Raise ``TransientError`` when a body read in full is shorter than its Content-Length
    (the connection closed early). urllib3 1.26 hands such a body over as if it were whole;
    ``tell()`` counts the bytes taken off the wire, before any Content-Encoding is undone.
    (urllib3 2.x refuses it while reading: see ``_cut_short``.)"""
    declared = response.headers.get("Content-Length", "")
    tell = getattr(response.raw, "tell", None)
    if not declared.isdigit() or tell is None or response.request.method == "HEAD":
        return
    received = tell()
    if received < int(declared):
        raise TransientError("%s %s sent a body cut short: %d of %s bytes"
                             % (response.request.method, mask(response.url.split("?", 1)[0]),
                                received, declared))


def _cut_short(exc):
    """(bytes received, bytes declared) when ``exc`` is urllib3 2.x refusing a body shorter
    than its Content-Length (an ``IncompleteRead`` somewhere in its chain), else None."""
    seen = set()
    todo = [exc]
    while todo:
        error = todo.pop()
        if not isinstance(error, BaseException) or id(error) in seen:
            continue
        seen.add(id(error))
        if isinstance(error, http.client.IncompleteRead):
            partial, expected = error.partial, error.expected
            received = partial if isinstance(partial, int) else len(partial or b"")
            # urllib3 2.x gives the bytes still expected; http.client the total expected.
            if isinstance(error, urllib3.exceptions.IncompleteRead):
                return received, received + (expected or 0)
            return received, expected if expected is not None else received
        todo.extend(arg for arg in error.args if isinstance(arg, BaseException))
        todo.extend((error.__cause__, error.__context__))
    return None


def _retry_after(response):
    """Seconds to wait: ``Retry-After`` in seconds or as an HTTP date; None without it."""
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return int(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # "-0000": UTC, as HTTP dates are
        moment = moment.replace(tzinfo=datetime.UTC)
    return max(0, math.ceil(moment.timestamp() - time.time()))


def _reason(exc):
    text = str(exc.args[0] if exc.args else exc)
    match = re.search(r"\[Errno[^\]]*\][^')]*|timed out|Connection refused|Read timed out|"
                      r"RemoteDisconnected[^')]*|Connection aborted", text)
    return mask(match.group(0) if match else type(exc).__name__)
