"""OpusCapita Business Network Track API: OAuth 2.0 password grant at ``/auth/token``, then
``POST /track/api/transactions`` with a JSON filter, paged until exhausted."""

import base64
import logging

from .base import ApiError, AuthError, BearerTokenClient, CredentialsMissing, RemoteDataError

_logger = logging.getLogger(__name__)

HOSTS = {
    "production": "https://businessnetwork.opuscapita.com",
    "stage": "https://stage.businessnetwork.opuscapita.com",
}
SCOPE = "openid email userInfo roles"
# OAuth 2.0 error codes of a token request refused for its credentials.
OAUTH_REFUSALS = ('"invalid_grant"', '"invalid_client"', '"unauthorized_client"')
PAGE_SIZE = 100
LIST_KEYS = ("transactions", "items", "data", "content", "results", "events")
# Our reading of the answer: an object with the events under "transactions".
EXPECTED_ENVELOPE = "transactions"
TRANSACTIONS_PATH = "track/api/transactions"


class OpusCapitaClient(BearerTokenClient):
    """The token comes from the password grant (basic auth with the client id and secret),
    and is asked for again a few seconds before ``expires_in`` passes, as OpusCapita's own
    code does, rather than refreshed."""

    def __init__(self, base_url, client_id, client_secret, username, password, **kwargs):
        super().__init__(base_url, secrets=(client_secret, password), **kwargs)
        self.client_id = client_id
        self._client_secret = client_secret
        self.username = username
        self._password = password
        self._noted = set()
        # The number of the server's first page: 0 once an answer showed it numbers from 0.
        self._first_page = 1

    def fetch_token(self):
        if not all((self.client_id, self._client_secret, self.username, self._password)):
            raise CredentialsMissing("OpusCapita needs a client id, a client secret, a "
                                     "username and a password.")
        try:
            basic = base64.b64encode(
                ("%s:%s" % (self.client_id, self._client_secret)).encode()).decode()
            response = self.request(
                "POST", "auth/token", auth=False, headers={"Authorization": "Basic " + basic},
                data={"grant_type": "password", "username": self.username,
                      "password": self._password, "scope": SCOPE})
        except ApiError as exc:
            # OAuth 2.0 (RFC 6749, 5.2) refuses a wrong password with 400 "invalid_grant".
            refused = exc.status == 400 and any(code in (exc.excerpt or "")
                                                for code in OAUTH_REFUSALS)
            raise (AuthError if refused else type(exc))(
                "Token request failed: %s" % exc.message, status=exc.status,
                excerpt=exc.excerpt, remote=exc.remote, step="token") from None
        body = self.parse_json(response)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise RemoteDataError("Token request failed: the answer has no access_token.")
        return token, self._clock() + lifetime_of(body.get("expires_in"))

    def transactions(self, filters, first_page=1, page_size=PAGE_SIZE):
        """Yield ``(page_number, events)`` until a page is empty or marked as the last one;
        with no such mark, until a page is not of the page size. The document shows no
        paging (``{"filter": {}}``): an unmarked answer longer than the page size, or one
        holding the same events as the page before, is a server that ignores our paging,
        and the last page.

        ``first_page`` 1 is the list's first page; page numbers are the server's. A server
        that answers page 1 as not its first (``"first": false``, as Spring's pages say)
        numbers its pages from 0: the read starts again at 0, and this client starts every
        list there from then on. (A run resumed at a cursor of 1 after the server's page 0
        reads that page again: saved once, as every page read twice.)"""
        number = self._first_page if first_page == 1 else first_page
        previous = None
        while True:
            try:
                response = self.authed("POST", TRANSACTIONS_PATH,
                                       json={"filter": filters, "page": number,
                                             "pageSize": page_size})
            except ApiError as exc:
                raise type(exc)("Data call failed: %s" % exc.message, status=exc.status,
                                excerpt=exc.excerpt, remote=exc.remote,
                                step="data") from None
            body = self.parse_json(response)
            if (number == 1 and self._first_page == 1 and isinstance(body, dict)
                    and body.get("first") is False):
                _logger.info("OpusCapita transactions: page 1 is not the server's first: its "
                             "pages are numbered from 0; reading from page 0")
                self._first_page = number = 0
                continue
            events, last = parse_page(body)
            self._note_envelope(body)
            ids = [event["id"] for event in events]
            if events and ids == previous:
                _logger.warning("OpusCapita transactions: page %d repeats page %d: the server "
                                "ignores paging; stopping there", number, number - 1)
                return
            if events:
                yield number, events
            if last or (last is None and len(events) != page_size) or not events:
                return
            previous = ids
            number += 1


    def _note_envelope(self, body):
        """An answer whose events are not where we read them is read all the same, and noted
        for the run (``CallStats.shapes``): the integrator should check the mapping."""
        key = None if isinstance(body, list) else next(
            (key for key in LIST_KEYS if isinstance(body.get(key), list)), None)
        if key == EXPECTED_ENVELOPE:
            return
        where = "as a bare list" if key is None else "under %r" % key
        note = ("OpusCapita transactions: the events came %s, not under %r (our reading of "
                "the API)" % (where, EXPECTED_ENVELOPE))
        if note not in self._noted:  # once per client (one run)
            self._noted.add(note)
            _logger.warning(note)
            self.stats.shapes.append(note)


def parse_page(body):
    """(events, is the last page: True, False or None when the answer does not say) from an
    answer whose exact schema is not public: a list, or an object holding the list under a
    common key with optional paging flags. Each event has its id under ``id``: its ``id`` or
    ``eventId``; when no event of the page has one, its ``transactionId``."""
    if isinstance(body, list):
        events, last = body, None
    elif isinstance(body, dict):
        key = next((key for key in LIST_KEYS if isinstance(body.get(key), list)), None)
        if key is None:
            raise RemoteDataError("OpusCapita transactions: no list in the answer: %r"
                                  % str(body)[:200])
        events = body[key]
        last = _last_page(body)
    else:
        raise RemoteDataError("OpusCapita transactions: unreadable answer: %r" % str(body)[:200])
    if any(not isinstance(event, dict) for event in events):
        raise RemoteDataError("OpusCapita transactions: the page holds entries that are not "
                              "objects")
    events = [event if event.get("id") not in (None, "") else dict(event, id=event.get("eventId"))
              for event in events]
    if events and not any(event["id"] for event in events):
        # An answer listing transactions, not their events: each known by its transaction.
        events = [dict(event, id=event.get("transactionId") or event.get("transactionID"))
                  for event in events]
    if events and not any(event["id"] for event in events):
        raise RemoteDataError("OpusCapita transactions: no entry of the page has an id (an "
                              "answer of another shape?): %r" % str(events[0])[:200])
    return events, last


def _last_page(body):
    """Whether the answer says it is the last page (``last``, or ``page`` of
    ``totalPages``), None when it says nothing of paging."""
    if isinstance(body.get("last"), bool):
        return body["last"]
    try:
        return int(body["page"]) >= int(body["totalPages"])
    except (KeyError, TypeError, ValueError):
        return None


def lifetime_of(expires_in, default=300.0):
    """Seconds a token lives: ``expires_in`` as a number or as text ("3600"); ``default``
    when absent or unreadable."""
    try:
        lifetime = float(expires_in)
    except (TypeError, ValueError):
        return default
    return lifetime if lifetime > 0 else default
