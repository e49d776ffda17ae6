"""clients/opuscapita.py against the sandbox over real HTTP."""

import time

import pytest

from clients.base import AuthError, RemoteDataError
from clients.opuscapita import OpusCapitaClient, parse_page
from sandbox.opuscapita import (
    OPUSCAPITA_CLIENT_ID,
    OPUSCAPITA_CLIENT_SECRET,
    OPUSCAPITA_PASSWORD,
    OPUSCAPITA_USERNAME,
)

TOKEN = "/opuscapita/auth/token"
DATA = "/opuscapita/track/api/transactions"


def make(sandbox, secret=OPUSCAPITA_CLIENT_SECRET, password=OPUSCAPITA_PASSWORD, **kwargs):
    return OpusCapitaClient("%s/opuscapita" % sandbox.url, OPUSCAPITA_CLIENT_ID, secret,
                            OPUSCAPITA_USERNAME, password, timeout=5, backoff=0.01, **kwargs)


def test_pages_until_exhausted(sandbox):
    pages = list(make(sandbox).transactions({}, page_size=25))
    assert [number for number, _ in pages] == [1, 2, 3]
    assert sum(len(events) for _, events in pages) == len(sandbox.opuscapita.events)
    assert sandbox.calls("POST", TOKEN) == 1
    assert sandbox.calls("POST", DATA) == 3


def test_filter_reaches_the_body(sandbox):
    filters = {"eventTimeFrom": "2026-03-02T00:00:00.000Z", "documentTypes": ["Invoice"],
               "statuses": ["Error"]}
    events = [e for _, page in make(sandbox).transactions(filters) for e in page]
    assert sandbox.opuscapita.bodies[-1]["filter"] == filters
    assert all(e["documentType"] == "Invoice" and e["status"] == "Error" for e in events)


def test_wrong_secret_says_token_step_without_echo(sandbox):
    with pytest.raises(AuthError) as info:
        next(make(sandbox, secret="wrong-secret-value").transactions({}))
    assert "Token request failed" in info.value.message
    assert "Bad client credentials" in info.value.message
    assert "wrong-secret-value" not in str(info.value)


def test_wrong_password_is_invalid_grant(sandbox):
    with pytest.raises(AuthError, match="Invalid user credentials"):
        make(sandbox, password="nope").new_token()


def test_refused_token_request_is_made_once_in_a_run(sandbox):
    """A wrong password is one failed token request, not two, and not again for the next
    calls of the same client."""
    client = make(sandbox, password="wrong-password-456")
    with pytest.raises(AuthError, match="Invalid user credentials"):
        next(client.transactions({}))
    assert sandbox.calls("POST", TOKEN) == 1
    with pytest.raises(AuthError, match="Invalid user credentials"):
        next(client.transactions({}))
    assert sandbox.calls("POST", TOKEN) == 1, "not tried again within the run"
    assert sandbox.calls("POST", DATA) == 0


def test_token_renewed_before_expiry(sandbox):
    sandbox.opuscapita.token_ttl = 2
    try:
        client = make(sandbox)
        list(client.transactions({}))
        time.sleep(2.1)
        list(client.transactions({}))
    finally:
        sandbox.opuscapita.token_ttl = 300
    assert sandbox.calls("POST", TOKEN) == 2


def test_401_on_data_call_renews_once(sandbox):
    client = make(sandbox)
    client.new_token()
    sandbox.add_fault(DATA, status=401, body='{"error": "invalid_token"}',
                      content_type="application/json")
    assert list(client.transactions({}))
    assert sandbox.calls("POST", TOKEN) == 2
    sandbox.add_fault(DATA, status=401, body='{"error": "invalid_token"}',
                      content_type="application/json", times=5)
    with pytest.raises(AuthError, match="Data call failed"):
        list(client.transactions({}))
    assert sandbox.calls("POST", TOKEN) == 3


def test_page_shapes():
    assert parse_page([{"id": 1}]) == ([{"id": 1}], None), "a bare list says nothing of paging"
    assert parse_page({"items": [], "last": True}) == ([], True)
    assert parse_page({"content": [{"id": 1}], "page": 2, "totalPages": 2})[1] is True
    with pytest.raises(RemoteDataError):
        parse_page({"nothing": 1})
    with pytest.raises(RemoteDataError):
        parse_page([1])


def test_events_in_another_envelope_are_read_and_noted(sandbox):
    client = make(sandbox)
    sandbox.add_fault(DATA, times=5, rewrite=lambda body: {
        "items": body["transactions"], "last": True})
    pages = list(client.transactions({}))
    assert sum(len(events) for _number, events in pages) == len(sandbox.opuscapita.events)
    assert client.stats.shapes == [
        "OpusCapita transactions: the events came under 'items', not under 'transactions' "
        "(our reading of the API)"]
    sandbox.clear_faults()
    list(client.transactions({}))
    assert len(client.stats.shapes) == 1, "noted once"
