"""clients/sage50.py against the sandbox over real HTTP (Sage's calls to the application
are received by a small local HTTP server standing in for Odoo)."""

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from clients.base import ApiError, AuthError, RemoteDataError
from clients.sage50 import Sage50Client, passcode_expiry, plain_scope, scope_path


@pytest.fixture()
def receiver():
    """Records what Sage posts to the application's approval/notification URLs."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, json.loads(body)))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % server.server_address[1], received
    server.shutdown()
    server.server_close()


def onboard(sandbox, receiver_url):
    client = Sage50Client("%s/sage50" % sandbox.url, timeout=5, backoff=0.01)
    url = client.register_developer({"name": "Odoo", "email": "dev@example.com"})
    developer_id, _first = sandbox.sage50.complete_registration(url.rsplit("/", 1)[1])
    application_id = client.register_application(developer_id, {
        "name": "Odoo", "approvalUrl": receiver_url + "/approval",
        "notificationUrl": receiver_url + "/notify"})
    passcode, expires = client.passcode(developer_id, application_id, "app-secret")
    assert expires
    sandbox.sage50.consent(passcode)
    return client, developer_id, application_id


def test_onboarding_to_an_approved_key(sandbox, receiver):
    url, received = receiver
    client, _dev, _app = onboard(sandbox, url)
    assert received[-1][0] == "/approval" and received[-1][1]["apikey"]
    client.api_key = received[-1][1]["apikey"]
    tracking_url = client.upload("Customers", {"records": [{"id": "C1"}]})
    assert client.tracking(tracking_url)["status"] == "validating"


def test_expired_key_rotates_once_then_retries(sandbox, receiver):
    url, received = receiver
    client, dev, app = onboard(sandbox, url)
    keys = [received[-1][1]["apikey"]]
    client.api_key = keys[0]
    sandbox.sage50.expire_keys()

    def rotate(old):
        keys.append(client.rotate_key(dev, app, old, "app-secret"))
        return keys[-1]

    client._rotate = rotate
    assert client.upload("Customers", {"records": [{"id": "C1"}]})
    assert len(keys) == 2 and sandbox.sage50.rotations == 1


def test_rotation_refused_keeps_the_old_key(sandbox, receiver):
    url, received = receiver
    client, dev, app = onboard(sandbox, url)
    old = received[-1][1]["apikey"]
    with pytest.raises(AuthError, match="secret does not match"):
        client.rotate_key(dev, app, old, "wrong-secret")
    with pytest.raises(ApiError, match="initialApikey"):
        client.rotate_key(dev, app, "not-the-key", "app-secret")
    client.api_key = old
    assert client.upload("Customers", {"records": [{"id": "C1"}]})


def test_rotation_and_upload_paths_are_settings(sandbox, receiver):
    """The paths the document does not give exactly are the backend's settings: the client
    calls the ones it is given, the IDs filled into the rotation path."""
    url, received = receiver
    client, dev, app = onboard(sandbox, url)
    key, rotations = received[-1][1]["apikey"], sandbox.sage50.rotations
    moved = Sage50Client("%s/sage50" % sandbox.url, api_key=key, timeout=5, backoff=0.01,
                         rotation_path="api/v2/{application_id}/keys/{developer_id}",
                         upload_path="api/v2/files")
    with pytest.raises(ApiError) as refused:  # the sandbox knows only the documented paths
        moved.rotate_key(dev, app, key, "app-secret")
    assert "PATCH %s/sage50/api/v2/%s/keys/%s " % (sandbox.url, app, dev) in refused.value.message
    with pytest.raises(ApiError) as refused:
        moved.upload("Customers", {"records": [{"id": "C1"}]})
    assert "POST %s/sage50/api/v2/files" % sandbox.url in refused.value.message
    assert sandbox.sage50.rotations == rotations, "nothing rotated"
    client.api_key = key  # the documented paths, the defaults, still work
    assert client.rotate_key(dev, app, key, "app-secret") != key


def test_upload_goes_through_each_state(sandbox, receiver):
    url, received = receiver
    client, _dev, _app = onboard(sandbox, url)
    client.api_key = received[-1][1]["apikey"]
    for payload, final in (({"records": [{"id": "C1"}]}, "accepted"),
                           ({"records": [{"name": "no id"}]}, "badRequest"),
                           ({"records": [], "simulate": "failed"}, "failed")):
        tracking_url = client.upload("Customers", payload)
        states = [client.tracking(tracking_url)["status"] for _ in range(4)]
        assert states == ["validating", "validated", "processing", final]
        result = client.tracking(tracking_url)["downloadResultUrl"]
        assert json.loads(client.download(result))["status"] == final


def test_foreign_urls_are_refused(sandbox):
    client = Sage50Client("%s/sage50" % sandbox.url, api_key="k", timeout=5)
    with pytest.raises(RemoteDataError, match="another host"):
        client.tracking("https://elsewhere.example.com/steal")


def test_scope_file_and_notification(sandbox, receiver):
    url, received = receiver
    client, _dev, app = onboard(sandbox, url)
    client.api_key = received[-1][1]["apikey"]
    assert sandbox.sage50.publish_scope("Customers", b'{"records": []}', app) == [200]
    path, body = received[-1]
    assert path == "/notify" and body["scope"] == "Customers"
    assert client.download(body["url"]) == b'{"records": []}'


def test_scope_names_stay_in_the_download_path(sandbox, receiver):
    """A scope's name goes into the download path, which carries the API key: a plain name
    is URL-encoded and reaches its file; "../", "/", "?", "#", "%" never move the call to
    another path of Sage's host (before: "api/downloads/../developers" was called)."""
    url, received = receiver
    client, _dev, _app = onboard(sandbox, url)
    client.api_key = received[-1][1]["apikey"]
    sandbox.sage50.publish_scope("Sales Orders", b'{"records": [{"id": "SO-1"}]}')
    assert scope_path("Sales Orders") == "api/downloads/Sales%20Orders"
    assert client.download(scope_path("Sales Orders")) == b'{"records": [{"id": "SO-1"}]}'
    sandbox.reset_calls()
    for scope in ("../developers", "..", ".", "a/b", "Customers/../../x", "a?b", "a#b",
                  "%2e%2e", "", " x", "x" * 101, None, ["Customers"]):
        assert not plain_scope(scope), scope
        with pytest.raises(RemoteDataError, match="not a plain name"):
            scope_path(scope)
    assert sandbox.calls() == 0, "nothing was called"
    for scope in ("Customers", "customers", "Trackline_Processes-2", "v1.2", "x" * 100):
        assert plain_scope(scope), scope


def test_a_passcode_expiry_in_every_form_the_document_leaves_open():
    """"expires specifies how long the passcode will remain valid": a time or a duration."""
    now = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    ten_minutes = now + timedelta(minutes=10)
    for expires in ("2026-12-07T10:10:00Z", "2026-12-07T11:10:00+01:00", 600, 600.0, "600",
                    "00:10:00", "0.00:10:00", "PT10M", "PT600S"):
        assert passcode_expiry(expires, now) == ten_minutes, expires
    assert passcode_expiry("1.00:00:00", now) == now + timedelta(days=1)
    assert passcode_expiry("2026-12-07T10:10:00", now) == ten_minutes, "naive: UTC"
    for unknown in (None, "", "soon", "P", "PT", 0, -5, True):
        assert passcode_expiry(unknown, now) is None, unknown
