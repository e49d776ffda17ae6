"""clients/trackline.py against the sandbox over real HTTP."""

import time

import jwt
import pytest

from clients.base import ApiError, AuthError, NotFound, RemoteDataError
from clients.trackline import TracklineClient, parse_process, token_expiry
from sandbox.trackline import TRACKLINE_EMAIL, TRACKLINE_PASSWORD

LOGIN = "/trackline/api/login"


def make(sandbox, **kwargs):
    kwargs.setdefault("password", TRACKLINE_PASSWORD)
    return TracklineClient("%s/trackline/api" % sandbox.url, TRACKLINE_EMAIL, timeout=5,
                           backoff=0.01, **kwargs)


def test_metadata_by_id_and_name(sandbox):
    client = make(sandbox)
    remote = sandbox.trackline.processes["10000"]
    by_id = client.process_metadata(process_id="10000")
    by_name = client.process_metadata(process_name=remote["name"])
    assert by_id == by_name
    assert by_id["process_id"] == "10000"
    assert [d["doc_id"] for d in by_id["documents"]] == [d["doc_id"] for d in remote["documents"]]
    assert sandbox.calls("POST", LOGIN) == 1, "one login serves many calls"


def test_unknown_process_is_not_found(sandbox):
    with pytest.raises(NotFound, match="Process not found"):
        make(sandbox).process_metadata(process_id="424242")


def test_download_is_byte_identical(sandbox):
    client = make(sandbox)
    for doc in sandbox.trackline.processes["10000"]["documents"]:
        content, content_type = client.download(doc["doc_id"])
        assert content == sandbox.trackline.files[doc["doc_id"]]
        assert (content_type or None) == sandbox.trackline.content_type_sent(doc["doc_id"])


def test_download_size_cap(sandbox):
    large = max(sandbox.trackline.files, key=lambda k: len(sandbox.trackline.files[k]))
    with pytest.raises(RemoteDataError, match="size cap"):
        make(sandbox).download(large, max_bytes=1024 * 1024)


def test_wrong_password_fails_without_echo(sandbox):
    client = make(sandbox, password="wrong-password-123")
    with pytest.raises(AuthError) as info:
        client.login()
    assert "login failed" in info.value.message
    assert "Bad email or password" in info.value.message
    assert "wrong-password-123" not in str(info.value)


def test_refused_login_is_made_once_in_a_run(sandbox):
    """A wrong password is one failed login, not two (the login's own 401 is not taken for
    an expired token), and the client does not try it again for its next calls."""
    client = make(sandbox, password="wrong-password-123")
    with pytest.raises(AuthError, match="login failed"):
        client.process_metadata(process_id="10000")
    assert sandbox.calls("POST", LOGIN) == 1
    with pytest.raises(AuthError, match="login failed"):
        client.download("98765")
    assert sandbox.calls("POST", LOGIN) == 1, "not tried again within the run"
    assert sandbox.calls("GET") == 0, "no data call without a token"


def test_token_is_renewed_before_it_expires(sandbox):
    sandbox.trackline.token_ttl = 2
    try:
        tokens = []
        client = make(sandbox, on_token=lambda token, expiry: tokens.append(expiry))
        client.process_metadata(process_id="10000")
        time.sleep(2.1)
        client.process_metadata(process_id="10000")
    finally:
        sandbox.trackline.token_ttl = 300
    assert len(tokens) == 2
    assert sandbox.calls("POST", LOGIN) == 2
    assert sandbox.calls("GET", "/trackline/api/track-line/ext/track-path/metadata") == 2


def test_401_relogs_once_and_retries_once(sandbox):
    client = make(sandbox)
    client.login()
    sandbox.add_fault("/trackline/api/track-line", status=401,
                      body='{"msg": "Token has expired"}', content_type="application/json")
    assert client.process_metadata(process_id="10000")["process_id"] == "10000"
    assert sandbox.calls("POST", LOGIN) == 2
    sandbox.add_fault("/trackline/api/track-line", status=401, times=10,
                      body='{"msg": "Token has expired"}', content_type="application/json")
    with pytest.raises(AuthError, match="Token has expired"):
        client.process_metadata(process_id="10000")
    assert sandbox.calls("POST", LOGIN) == 3, "one re-login per 401, never a loop"


def test_422_on_a_token_the_server_cannot_verify_relogs_once(sandbox):
    """Flask-JWT-Extended (the style of Trackline's tokens) answers 422 to a token it cannot
    verify, for example after its signing key changed: before, every run failed until the
    stored token's expiry. Taken as a 401 (one login, one retry); a 422 about the data stays
    an error, with no login."""
    client = make(sandbox)
    client.login()
    sandbox.add_fault("/trackline/api/track-line", status=422,
                      body='{"msg": "Signature verification failed"}',
                      content_type="application/json")
    assert client.process_metadata(process_id="10000")["process_id"] == "10000"
    assert sandbox.calls("POST", LOGIN) == 2
    sandbox.add_fault("/trackline/api/track-line", status=422,
                      body='{"msg": "process_id must be a number"}',
                      content_type="application/json")
    with pytest.raises(ApiError, match="process_id must be a number") as raised:
        client.process_metadata(process_id="x")
    assert not isinstance(raised.value, AuthError)
    assert sandbox.calls("POST", LOGIN) == 2, "no login for a complaint about the data"


def test_token_expiry_read_without_key():
    token = jwt.encode({"exp": 2000000000, "fresh": True}, "not-our-key", algorithm="HS256")
    assert token_expiry(token) == 2000000000
    assert token_expiry("not a token") is None


def test_saved_token_is_reused(sandbox):
    first = make(sandbox)
    token = first.login()
    second = make(sandbox, token=token, token_expiry_ts=token_expiry(token))
    second.process_metadata(process_id="10000")
    assert sandbox.calls("POST", LOGIN) == 1


def test_parse_process_validates():
    with pytest.raises(RemoteDataError, match="process_id"):
        parse_process({"name": "no id"})
    with pytest.raises(RemoteDataError):
        parse_process(["not", "a", "dict"])
    parsed = parse_process({"process_id": 7, "documents": [{"doc_id": 1}, {"doc_name": "x"}]})
    assert parsed["process_id"] == "7"
    assert parsed["documents"] == [{"doc_id": "1", "doc_name": "1", "doc_type": False}]
    assert parsed["skipped_documents"] == 1
