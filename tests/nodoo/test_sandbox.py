"""The sandbox itself: life cycle, deterministic data, the Trackline API, faults, counting
and the HTTP control routes."""

import base64
import socket
import time

import pytest
import requests

from sandbox.server import Sandbox
from sandbox.trackline import TRACKLINE_EMAIL, TRACKLINE_PASSWORD

API = "/trackline/api"


def login(sandbox):
    response = requests.post(sandbox.url + API + "/login", timeout=5,
                             json={"email": TRACKLINE_EMAIL, "password": TRACKLINE_PASSWORD})
    assert response.status_code == 200
    return {"Authorization": "Bearer " + response.json()["token"]}


def get(sandbox, path, headers=None, **params):
    return requests.get(sandbox.url + API + path, params=params, headers=headers, timeout=5)


def test_starts_on_a_free_port_and_stops():
    box = Sandbox(size=2).start()
    port = box.port
    assert port > 0
    assert requests.get(box.url + "/nowhere", timeout=5).status_code == 404
    box.stop()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0, "the port is closed after stop()"


def test_same_seed_same_data_other_seed_other_data():
    first, again, other = Sandbox(seed=5, size=6), Sandbox(seed=5, size=6), Sandbox(seed=6, size=6)
    assert first.trackline.processes == again.trackline.processes
    assert first.trackline.files == again.trackline.files
    assert first.trackline.files != other.trackline.files


def test_generated_documents_look_like_their_type():
    box = Sandbox(seed=1, size=20)
    first = box.trackline.processes["10000"]
    assert len({doc["doc_type"] for doc in first["documents"]}) >= 3
    for doc_id, content in box.trackline.files.items():
        name = box.trackline._document(doc_id)["doc_name"]
        if name.endswith(".pdf") and content:
            assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
        if name.endswith(".zip"):
            assert content.startswith(b"PK\x03\x04")
    sizes = sorted(len(content) for content in box.trackline.files.values())
    assert sizes[0] == 0 and sizes[-1] > 2_000_000, "an empty file and a large one"
    assert any(not p["name"].isascii() for p in box.trackline.processes.values())


def test_login_and_token_errors(sandbox):
    bad = requests.post(sandbox.url + API + "/login", timeout=5,
                        json={"email": TRACKLINE_EMAIL, "password": "nope"})
    assert bad.status_code == 401 and bad.json() == {"msg": "Bad email or password"}
    assert get(sandbox, "/track-line/ext/track-path/metadata", process_id="10000").json() == \
        {"msg": "Missing Authorization Header"}
    forged = get(sandbox, "/track-line/ext/track-path/metadata",
                 {"Authorization": "Bearer a.b.c"}, process_id="10000")
    assert forged.status_code == 401
    sandbox.trackline.token_ttl = 1
    try:
        headers = login(sandbox)
    finally:
        sandbox.trackline.token_ttl = 300
    time.sleep(1.1)
    expired = get(sandbox, "/track-line/ext/track-path/metadata", headers, process_id="10000")
    assert (expired.status_code, expired.json()) == (401, {"msg": "Token has expired"})


def test_metadata_and_files(sandbox):
    headers = login(sandbox)
    remote = sandbox.trackline.processes["10001"]
    by_id = get(sandbox, "/track-line/ext/track-path/metadata", headers, process_id="10001")
    by_name = get(sandbox, "/track-line/ext/track-path/metadata", headers,
                  process_name=remote["name"])
    assert by_id.json() == by_name.json() == remote
    assert get(sandbox, "/track-line/ext/track-path/metadata", headers,
               process_id="1").status_code == 404
    assert get(sandbox, "/track-line/ext/track-path/metadata", headers).status_code == 400
    for doc in remote["documents"]:
        response = get(sandbox, "/track-line/ext/attachment/file", headers,
                       attachment_id=doc["doc_id"])
        assert response.content == sandbox.trackline.files[doc["doc_id"]]
        assert response.headers.get("Content-Type") == \
            sandbox.trackline.content_type_sent(doc["doc_id"])


@pytest.mark.parametrize("options, status", [
    ({"status": 429, "retry_after": 3}, 429),
    ({"status": 503}, 503),
])
def test_status_faults(sandbox, options, status):
    sandbox.add_fault(API + "/login", **options)
    response = requests.post(sandbox.url + API + "/login", json={}, timeout=5)
    assert response.status_code == status
    if status == 429:
        assert response.headers["Retry-After"] == "3"
    else:
        assert "<html>" in response.text
    assert requests.post(sandbox.url + API + "/login", json={}, timeout=5).status_code == 400


def test_fault_times_delay_malformed_and_reset(sandbox):
    sandbox.add_fault("/nowhere", status=502, times=2)
    codes = [requests.get(sandbox.url + "/nowhere", timeout=5).status_code for _ in range(3)]
    assert codes == [502, 502, 404]
    sandbox.add_fault("/nowhere", delay=0.5)
    started = time.monotonic()
    requests.get(sandbox.url + "/nowhere", timeout=5)
    assert time.monotonic() - started >= 0.5
    sandbox.add_fault("/nowhere", malformed_json=True)
    with pytest.raises(ValueError):
        requests.get(sandbox.url + "/nowhere", timeout=5).json()
    sandbox.add_fault("/nowhere", close_connection=True)
    with pytest.raises(requests.ConnectionError):
        requests.get(sandbox.url + "/nowhere", timeout=5)


def test_call_counting_and_control_routes(sandbox):
    requests.get(sandbox.url + "/nowhere", timeout=5)
    requests.post(sandbox.url + "/_sandbox/faults", timeout=5,
                  json={"path_prefix": "/nowhere", "status": 500})
    assert requests.get(sandbox.url + "/nowhere", timeout=5).status_code == 500
    calls = requests.get(sandbox.url + "/_sandbox/calls", timeout=5).json()
    assert calls == {"total": 2, "by_path": {"GET /nowhere": 2}}, "control calls not counted"
    assert sandbox.calls("GET", "/nowhere") == 2
    content = b"%PDF-1.4 added\n%%EOF"
    doc = requests.post(sandbox.url + "/_sandbox/trackline/documents", timeout=5, json={
        "process_id": "10002", "name": "added.pdf", "doc_type": "Invoice",
        "content": base64.b64encode(content).decode()}).json()["doc_id"]
    assert sandbox.trackline.files[doc] == content
    requests.post(sandbox.url + "/_sandbox/trackline/status", timeout=5,
                  json={"process_id": "10002", "status": "Completed"})
    assert sandbox.trackline.processes["10002"]["status"] == "Completed"
    requests.post(sandbox.url + "/_sandbox/reset", timeout=5)
    assert sandbox.calls() == 0
    assert doc not in sandbox.trackline.files
