"""OpusCapita Business Network Track API: OAuth 2.0 password grant at ``/auth/token``, then
``POST /track/api/transactions`` with a JSON filter, paged until exhausted."""

import base64
import logging

from .base import ApiError, AuthError, BearerTokenClient, RemoteDataError

_logger = logging.getLogger(__name__)

HOSTS = {
    "production": "https://businessnetwork.opuscapita.com",
    "stage": "https://stage.businessnetwork.opuscapita.com",
}
SCOPE = "openid email userInfo roles"
PAGE_SIZE = 100
LIST_KEYS = ("transactions", "items", "data", "content", "results", "events")
# Our reading of the answer: an object with the events under "transactions".
EXPECTED_ENVELOPE = "transactions"


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

    def fetch_token(self):
        if not all((self.client_id, self._client_secret, self.username, self._password)):
            raise AuthError("OpusCapita needs a client id, a client secret, a username and a "
                            "password.")
        try:
            basic = base64.b64encode(
                ("%s:%s" % (self.client_id, self._client_secret)).encode()).decode()
            response = self.request(
                "POST", "auth/token", auth=False, headers={"Authorization": "Basic " + basic},
                data={"grant_type": "password", "username": self.username,
                      "password": self._password, "scope": SCOPE})
        except ApiError as exc:
            raise type(exc)("Token request failed: %s" % exc.message, status=exc.status,
                            excerpt=exc.excerpt) from None
        body = self.parse_json(response)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise RemoteDataError("Token request failed: the answer has no access_token.")
        expires_in = body.get("expires_in")
        lifetime = float(expires_in) if isinstance(expires_in, (int, float)) else 300.0
        return token, self._clock() + lifetime

    def transactions(self, filters, first_page=1, page_size=PAGE_SIZE):
        """Yield ``(page_number, events)`` until a page is empty, shorter than the page size
        or marked as the last one."""
        number = first_page
        while True:
            try:
                response = self.authed("POST", "track/api/transactions",
                                       json={"filter": filters, "page": number,
                                             "pageSize": page_size})
            except ApiError as exc:
                raise type(exc)("Data call failed: %s" % exc.message, status=exc.status,
                                excerpt=exc.excerpt) from None
            body = self.parse_json(response)
            events, last = parse_page(body)
            self._note_envelope(body)
            if events:
                yield number, events
            if last or len(events) < page_size:
                return
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
    """(events, is the last page) from an answer whose exact schema is not public: a list,
    or an object holding the list under a common key with optional paging flags."""
    if isinstance(body, list):
        events, last = body, None
    elif isinstance(body, dict):
        key = next((key for key in LIST_KEYS if isinstance(body.get(key), list)), None)
        if key is None:
            raise RemoteDataError("OpusCapita transactions: no list in the answer: %r"
                                  % str(body)[:200])
        events = body[key]
        last = body.get("last")
        if last is None and body.get("totalPages") and body.get("page"):
            last = body["page"] >= body["totalPages"]
    else:
        raise RemoteDataError("OpusCapita transactions: unreadable answer: %r" % str(body)[:200])
    if any(not isinstance(event, dict) for event in events):
        raise RemoteDataError("OpusCapita transactions: the page holds entries that are not "
                              "objects")
    if events and not any(event.get("id") for event in events):
        raise RemoteDataError("OpusCapita transactions: no entry of the page has an id (an "
                              "answer of another shape?): %r" % str(events[0])[:200])
    return events, bool(last)
