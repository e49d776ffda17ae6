"""clients/base.py against the sandbox over real HTTP: retries, Retry-After, typed errors,
masking."""

import logging

import pytest

from clients.base import (
    ApiError,
    AuthError,
    BaseClient,
    NotFound,
    RateLimited,
    RemoteDataError,
    TimedOut,
    TransientError,
    Unreachable,
    hide,
    mask,
    storable,
)

PATH = "/trackline/api/login"


def client(sandbox, **kwargs):
    kwargs.setdefault("backoff", 0.01)
    return BaseClient(sandbox.url, timeout=5, **kwargs)


def test_base_url_must_be_http():
    with pytest.raises(ValueError, match="http"):
        BaseClient("ftp://example.com")


def test_idempotent_call_is_retried_until_it_succeeds(sandbox):
    sandbox.add_fault("/_missing", status=502, times=2)
    api = client(sandbox)
    with pytest.raises(NotFound):
        api.request("GET", "/_missing")
    assert api.stats.calls == 3
    assert sandbox.calls("GET", "/_missing") == 3


def test_post_is_not_retried(sandbox):
    sandbox.add_fault(PATH, status=503, times=5)
    api = client(sandbox)
    with pytest.raises(TransientError, match="503"):
        api.request("POST", PATH, auth=False, json={})
    assert sandbox.calls("POST", PATH) == 1


def test_retries_give_up_with_transient_error(sandbox):
    sandbox.add_fault("/_missing", status=503, times=10)
    api = client(sandbox, retries=2)
    with pytest.raises(TransientError, match="HTML error page"):
        api.request("GET", "/_missing")
    assert sandbox.calls("GET", "/_missing") == 3


def test_connection_reset_is_retried(sandbox):
    sandbox.add_fault("/_missing", close_connection=True, times=1)
    api = client(sandbox)
    with pytest.raises(NotFound):
        api.request("GET", "/_missing")
    assert sandbox.calls("GET", "/_missing") == 2


def test_unreachable_host_is_a_transient_error():
    api = BaseClient("http://127.0.0.1:9", timeout=2, retries=1, backoff=0.01)
    with pytest.raises(TransientError, match="could not be reached"):
        api.request("GET", "/x")


def test_timeout_is_explicit(sandbox):
    sandbox.add_fault("/_missing", delay=1.5, times=5)
    api = BaseClient(sandbox.url, timeout=0.5, retries=0)
    with pytest.raises(TransientError):
        api.request("GET", "/_missing")


def test_unreachable_and_timed_out_are_told_apart(sandbox):
    """A refused connection and a remote that does not answer in time are typed apart (the
    words a user reads differ: models/tracking_messages.py), both still transient."""
    api = BaseClient("http://127.0.0.1:9", timeout=2, retries=0)
    with pytest.raises(Unreachable):
        api.request("GET", "/x")
    sandbox.add_fault("/_missing", delay=1.5, times=5)
    api = BaseClient(sandbox.url, timeout=0.5, retries=0)
    with pytest.raises(TimedOut):
        api.request("GET", "/_missing")


def test_an_error_keeps_the_remote_complaint_apart_from_the_request_line(sandbox):
    """The technical line names the request; ``remote`` is the remote's own words only."""
    api = client(sandbox)
    with pytest.raises(AuthError) as raised:
        api.request("POST", PATH, auth=False, json={"email": "x@example.com", "password": "no"})
    error = raised.value
    assert error.status == 401
    assert "POST http" in error.message and error.remote in error.message
    assert error.remote and "http" not in error.remote and "POST" not in error.remote


def test_429_retry_after_is_honoured(sandbox):
    sleeps = []
    sandbox.add_fault(PATH, status=429, retry_after=2, times=1)
    api = client(sandbox, sleep=sleeps.append)
    response = api.request("POST", PATH, auth=False, expected=(400, 401), json={})
    assert response.status_code in (400, 401)
    assert sleeps == [2]
    assert api.stats.rate_limited == 1
    assert api.stats.calls == 2


def test_429_beyond_the_bound_raises_rate_limited(sandbox):
    sandbox.add_fault(PATH, status=429, retry_after=120, times=1)
    api = client(sandbox, sleep=lambda s: pytest.fail("must not wait 120 s"))
    with pytest.raises(RateLimited) as info:
        api.request("POST", PATH, auth=False, json={})
    assert info.value.retry_after == 120


def test_429_without_retry_after_raises_rate_limited_for_a_minute(sandbox):
    sandbox.add_fault(PATH, status=429, times=1)
    api = client(sandbox, sleep=lambda s: pytest.fail("must not wait in the run"))
    with pytest.raises(RateLimited) as info:
        api.request("POST", PATH, auth=False, json={})
    assert "Retry-After: none" in info.value.message
    assert info.value.retry_after == 60, "the job comes back after the budgets' minute"


def test_429_keeps_coming_then_gives_up(sandbox):
    sleeps = []
    sandbox.add_fault(PATH, status=429, retry_after=1, times=10)
    api = client(sandbox, sleep=sleeps.append, max_429_retries=2)
    with pytest.raises(RateLimited):
        api.request("POST", PATH, auth=False, json={})
    assert sleeps == [1, 1]
    assert api.stats.rate_limited == 3


def test_typed_errors_carry_the_remote_message(sandbox):
    api = client(sandbox)
    with pytest.raises(AuthError, match="Bad email or password") as info:
        api.request("POST", PATH, auth=False, json={"email": "a", "password": "b"})
    assert info.value.status == 401
    with pytest.raises(ApiError) as info:
        api.request("POST", PATH, auth=False, data=b"not json",
                    headers={"Content-Type": "application/json"})
    assert info.value.status == 400


def test_malformed_json_names_status_and_first_bytes(sandbox):
    sandbox.add_fault(PATH, malformed_json=True)
    api = client(sandbox)
    from sandbox.trackline import TRACKLINE_EMAIL, TRACKLINE_PASSWORD
    response = api.request("POST", PATH, auth=False,
                           json={"email": TRACKLINE_EMAIL, "password": TRACKLINE_PASSWORD})
    with pytest.raises(RemoteDataError, match="status 200") as info:
        api.parse_json(response)
    assert '{"token"' in info.value.message
    assert "eyJ" not in info.value.message, "a token in the first bytes is masked"


class CountingLimiter:
    """The limiter interface a client uses (``acquire()``, ``charge(calls)``), counting in a
    list; at most ``per_minute`` calls, then ``RateLimited`` (no waiting)."""

    def __init__(self, per_minute):
        self.per_minute = per_minute
        self.calls = []

    def acquire(self):
        if len(self.calls) >= self.per_minute:
            raise RateLimited("Call budget spent (%d calls a minute)" % self.per_minute,
                              retry_after=60, status=None)
        self.calls.append("call")

    def charge(self, calls):
        self.calls.extend(["retry"] * calls)


def test_limiter_is_used_by_the_client(sandbox):
    limiter = CountingLimiter(per_minute=1)
    api = client(sandbox, limiter=limiter)
    with pytest.raises(NotFound):
        api.request("GET", "/_missing")
    with pytest.raises(RateLimited, match="minute"):
        api.request("GET", "/_missing")
    assert sandbox.calls("GET", "/_missing") == 1


@pytest.mark.parametrize("text, secret", [
    ('{"email": "a", "password": "hunter2"}', "hunter2"),
    ("https://x/api?apikey=K3Y&page=2", "K3Y"),
    ("grant_type=password&username=u&password=pw1&scope=openid", "pw1"),
    ("Authorization: Bearer eyJ0eXAi.eyJmcmV.sig", "eyJ0eXAi.eyJmcmV.sig"),
    ("Authorization: Basic Y2xpZW50OnNlY3JldA==", "Y2xpZW50OnNlY3JldA=="),
    ('{"initialApikey": "old", "secret": "s"}', "old"),
    ('{"access_token": "abc.def", "expires_in": 300}', "abc.def"),
    ("X-ApiKey=topsecret", "topsecret"),
])
def test_mask_hides_secrets(text, secret):
    masked = mask(text)
    assert secret not in masked
    assert "***" in masked


def test_request_log_masks_query_secrets(sandbox, caplog):
    api = client(sandbox)
    with caplog.at_level(logging.INFO, logger="clients.base"):
        with pytest.raises(NotFound):
            api.request("GET", "/_missing", params={"apikey": "K3Y-secret", "page": 1})
    text = caplog.text
    assert "K3Y-secret" not in text
    assert "apikey=***" in text
    assert "404" in text and "ms" in text


def test_retries_are_charged_to_the_limiter(sandbox):
    limiter = CountingLimiter(per_minute=100)
    sandbox.add_fault("/_missing", status=503, times=2)
    api = client(sandbox, limiter=limiter)
    with pytest.raises(NotFound):
        api.request("GET", "/_missing")
    assert len(limiter.calls) == 3, "the call and its two retries"


def test_secrets_sent_are_masked_even_without_a_name(sandbox):
    """A 401 page echoing the key bare, in a header line and URL-encoded."""
    key = "k3y/with+odd=chars-0042"

    class KeyClient(BaseClient):
        def auth_headers(self):
            return {"X-Key": key, "Accept": "application/json"}

    sandbox.add_fault("/_missing", status=401, content_type="text/plain",
                      body="bad key %s; X-Key: %s; /x?k=k3y%%2Fwith%%2Bodd%%3Dchars-0042; "
                           "Accept: application/json" % (key, key))
    client(sandbox, secrets=("pa55word-1",))  # a client registers its credentials
    with pytest.raises(AuthError) as error:
        KeyClient(sandbox.url, timeout=5, secrets=(key,)).request("GET", "/_missing")
    text = "%s %s" % (error.value.message, error.value.excerpt)
    assert "bad key ***" in text
    assert key not in text and "k3y%2Fwith" not in text
    assert "Accept: application/json" in text, "only secrets are masked"
    assert mask("the pa55word-1 echoed") == "the *** echoed"
    hide("short", None, "")
    assert mask("short stays") == "short stays", "too short to be a secret worth masking"


def test_json_with_nul_and_lone_surrogates_is_made_storable(sandbox):
    sandbox.add_fault("/_missing", status=200, content_type="application/json",
                      body='{"name": "a\\u0000b\\udc80.pdf", "ok": ["\\ud83d\\ude00"]}')
    api = client(sandbox)
    body = api.parse_json(api.request("GET", "/_missing"))
    assert body == {"name": "a\ufffdb\ufffd.pdf", "ok": ["\U0001F600"]}
    assert storable({"k\x00": ["\udc80", 1]}) == {"k\ufffd": ["\ufffd", 1]}


def test_body_cut_short_is_a_transient_error_and_a_whole_body_is_not(sandbox):
    from sandbox.trackline import TRACKLINE_EMAIL, TRACKLINE_PASSWORD
    sandbox.add_fault(PATH, truncate=True)
    api = client(sandbox)
    login = {"email": TRACKLINE_EMAIL, "password": TRACKLINE_PASSWORD}
    with pytest.raises(TransientError, match="cut short"):
        api.request("POST", PATH, auth=False, json=login)
    assert api.request("POST", PATH, auth=False, json=login).json()["token"]


def test_streamed_body_cut_short_is_a_transient_error(sandbox):
    """The same check on a body read by ``read_limited`` (downloads)."""
    content = b"x" * 5000
    sandbox.add_fault("/_file", status=200, content_type="application/pdf", body=content,
                      truncate=True)
    sandbox.add_fault("/_file", status=200, content_type="application/pdf", body=content)
    api = client(sandbox)
    with pytest.raises(TransientError, match="cut short: 2500 of 5000 bytes"):
        api.read_limited(api.request("GET", "/_file", stream=True), 10000)
    assert api.read_limited(api.request("GET", "/_file", stream=True), 10000) == content


def test_rewrite_fault_changes_the_json_and_skip_lets_requests_through(sandbox):
    from sandbox.trackline import TRACKLINE_EMAIL, TRACKLINE_PASSWORD
    sandbox.add_fault(PATH, skip=1, rewrite=lambda body: [body])
    api = client(sandbox)
    login = {"email": TRACKLINE_EMAIL, "password": TRACKLINE_PASSWORD}
    assert isinstance(api.request("POST", PATH, auth=False, json=login).json(), dict)
    assert isinstance(api.request("POST", PATH, auth=False, json=login).json(), list)
    assert isinstance(api.request("POST", PATH, auth=False, json=login).json(), dict)
