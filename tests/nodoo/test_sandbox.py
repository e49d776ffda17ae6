"""The sandbox itself: life cycle, deterministic data, the Trackline API, faults, counting
and the HTTP control routes."""

import base64
import socket
import time

import jwt
import pytest
import requests

from sandbox.data import sage50_scope, trackonline_data
from sandbox.server import Sandbox
from sandbox.trackline import TRACKLINE_EMAIL, TRACKLINE_PASSWORD

API = "/trackline/api"
METADATA = "/track-line/ext/track-path/metadata"
FILE = "/track-line/ext/attachment/file"


def login(sandbox):
    response = requests.post(sandbox.url + API + "/login", timeout=5,
                             json={"email": TRACKLINE_EMAIL, "password": TRACKLINE_PASSWORD})
    assert response.status_code == 200
    return {"Authorization": "Bearer " + response.json()["token"]}


def get(sandbox, path, headers=None, **params):
    return requests.get(sandbox.url + API + path, params=params, headers=headers, timeout=5)


def control(sandbox, path, method="POST", **body):
    return requests.request(method, sandbox.url + "/_sandbox/" + path, json=body, timeout=5)


def test_starts_on_a_free_port_and_stops():
    box = Sandbox(size=2).start()
    port = box.port
    assert port > 0 and box.url == "http://127.0.0.1:%d" % port
    response = requests.get(box.url + "/nowhere", timeout=5)
    assert (response.status_code, response.json()) == (404, {"error": "not found"})
    box.stop()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0, "the port is closed after stop()"


def test_same_seed_same_data_other_seed_other_data():
    first, again, other = Sandbox(seed=5, size=6), Sandbox(seed=5, size=6), Sandbox(seed=6, size=6)
    assert first.trackline.processes == again.trackline.processes
    assert first.trackline.files == again.trackline.files
    assert first.trackline.files != other.trackline.files


def test_trackonline_locations_lie_in_their_citys_country():
    """The demo's locations: Lyon in France, Almería in Spain, Göteborg in Sweden."""
    locations = trackonline_data(7, locations=7)[0]
    countries = {location["city"]: location["country"] for location in locations}
    assert countries == {"Rotterdam": "Netherlands", "Almería": "Spain", "Düsseldorf": "Germany",
                         "Göteborg": "Sweden", "Lyon": "France", "Málaga": "Spain",
                         "Utrecht": "Netherlands"}


def test_generated_documents_look_like_their_type():
    box = Sandbox(seed=1, size=20)
    processes, files = box.trackline.processes, box.trackline.files
    first = processes["10000"]
    assert len({doc["doc_type"] for doc in first["documents"]}) >= 3
    assert any(doc["doc_name"].endswith(".pdf") for doc in first["documents"])
    magic = {".pdf": (b"%PDF-1.4", b"%%EOF\n"), ".xml": (b"<?xml", b""),
             ".zip": (b"PK\x03\x04", b""), ".jpg": (b"\xff\xd8\xff", b"\xff\xd9")}
    names = {doc["doc_id"]: doc["doc_name"] for process in processes.values()
             for doc in process["documents"]}
    assert len(names) == len(files), "document ids are unique"
    for doc_id, content in files.items():
        head, tail = magic.get(names[doc_id][-4:], (b"", b""))
        assert not content or (content.startswith(head) and content.endswith(tail))
    sizes = sorted(len(content) for content in files.values())
    assert sizes[0] == 0 and sizes[-1] > 2_000_000, "an empty file and a large one"
    assert len({p["name"] for p in processes.values()}) == 20
    assert any(not p["name"].isascii() for p in processes.values())
    assert {p["status"] for p in processes.values()} <= {"Open", "In Progress", "Completed",
                                                        "Cancelled"}


def test_login_gives_a_short_lived_jwt(sandbox):
    tokens = [login(sandbox)["Authorization"][7:] for _ in range(2)]
    claims = [jwt.decode(token, options={"verify_signature": False}) for token in tokens]
    assert claims[0]["fresh"] is True and claims[0]["type"] == "access"
    assert claims[0]["sub"] == TRACKLINE_EMAIL
    assert 300 <= claims[0]["exp"] - claims[0]["iat"] < 301
    assert claims[0]["jti"] != claims[1]["jti"]


def test_login_errors(sandbox):
    url = sandbox.url + API + "/login"
    bad = requests.post(url, timeout=5, json={"email": TRACKLINE_EMAIL, "password": "nope"})
    assert (bad.status_code, bad.json()) == (401, {"msg": "Bad email or password"})
    assert requests.post(url, json={"email": TRACKLINE_EMAIL}, timeout=5).status_code == 400
    broken = requests.post(url, data=b"{not json", timeout=5)
    assert broken.status_code == 400 and "msg" in broken.json()


def test_token_errors(sandbox):
    assert get(sandbox, METADATA, process_id="10000").json() == \
        {"msg": "Missing Authorization Header"}
    forged = jwt.encode({"sub": TRACKLINE_EMAIL, "exp": time.time() + 60}, "another key",
                        algorithm="HS256")
    answer = get(sandbox, METADATA, {"Authorization": "Bearer " + forged}, process_id="10000")
    assert (answer.status_code, answer.json()) == (401, {"msg": "Signature verification failed"})
    sandbox.trackline.token_ttl = 1
    try:
        headers = login(sandbox)
    finally:
        sandbox.trackline.token_ttl = 300
    assert get(sandbox, METADATA, headers, process_id="10000").status_code == 200
    time.sleep(1.05)
    expired = get(sandbox, METADATA, headers, process_id="10000")
    assert (expired.status_code, expired.json()) == (401, {"msg": "Token has expired"})


def test_metadata_by_id_and_by_name(sandbox):
    headers = login(sandbox)
    remote = sandbox.trackline.processes["10001"]
    by_id = get(sandbox, METADATA, headers, process_id="10001")
    by_name = get(sandbox, METADATA, headers, process_name=remote["name"])
    assert by_id.json() == by_name.json() == remote
    assert remote["created_at"].endswith("Z") and remote["process_id"] == "10001"
    unknown = get(sandbox, METADATA, headers, process_id="1")
    assert (unknown.status_code, unknown.json()) == (404, {"msg": "Process not found"})
    missing = get(sandbox, METADATA, headers)
    assert (missing.status_code, missing.json()) == \
        (400, {"msg": "process_id or process_name is required"})


def test_files_with_and_without_content_type(sandbox):
    headers = login(sandbox)
    sent = set()
    for doc_id, content in sandbox.trackline.files.items():
        response = get(sandbox, FILE, headers, attachment_id=doc_id)
        assert response.content == content
        content_type = response.headers.get("Content-Type")
        assert content_type == sandbox.trackline.content_type_sent(doc_id)
        sent.add(content_type is None)
    assert sent == {True, False}, "some files come with a Content-Type, some without"
    unknown = get(sandbox, FILE, headers, attachment_id="1")
    assert (unknown.status_code, unknown.json()) == (404, {"msg": "Attachment not found"})


def test_added_documents_and_status(sandbox):
    headers = login(sandbox)
    typed = sandbox.trackline.add_document("10002", "raw.bin", "Other", b"abc", "text/csv")
    bare = sandbox.trackline.add_document("10002", "raw.pdf", "Other", b"%PDF", False)
    sandbox.trackline.set_status("10002", "Cancelled")
    try:
        assert get(sandbox, FILE, headers, attachment_id=typed).headers["Content-Type"] == \
            "text/csv"
        assert "Content-Type" not in get(sandbox, FILE, headers, attachment_id=bare).headers
        metadata = get(sandbox, METADATA, headers, process_id="10002").json()
        assert metadata["status"] == "Cancelled"
        assert {typed, bare} <= {doc["doc_id"] for doc in metadata["documents"]}
    finally:
        sandbox.reset()


@pytest.mark.parametrize("options, status, content_type, body", [
    ({"status": 429, "retry_after": 3}, 429, "application/json", '{"error": "Too Many'),
    ({"status": 503}, 503, "text/html", "<h1>503 Service Unavailable</h1>"),
    ({"status": 502, "body": "upstream", "content_type": "text/plain"}, 502, "text/plain",
     "upstream"),
])
def test_status_faults(sandbox, options, status, content_type, body):
    sandbox.add_fault(API + "/login", **options)
    response = requests.post(sandbox.url + API + "/login", json={}, timeout=5)
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith(content_type)
    assert body in response.text
    assert response.headers.get("Retry-After") == ("3" if status == 429 else None)
    assert requests.post(sandbox.url + API + "/login", json={}, timeout=5).status_code == 400


def test_fault_times_method_and_delay(sandbox):
    sandbox.add_fault("/nowhere", status=502, times=2)
    codes = [requests.get(sandbox.url + "/nowhere", timeout=5).status_code for _ in range(3)]
    assert codes == [502, 502, 404]
    sandbox.add_fault("/nowhere", status=500, method="POST")
    assert requests.get(sandbox.url + "/nowhere", timeout=5).status_code == 404
    assert requests.post(sandbox.url + "/nowhere", timeout=5).status_code == 500
    sandbox.add_fault("/nowhere", delay=0.3)
    started = time.monotonic()
    assert requests.get(sandbox.url + "/nowhere", timeout=5).status_code == 404
    assert time.monotonic() - started >= 0.3


def test_network_latency_jitter_and_bandwidth(sandbox):
    def timed_get(path="/nowhere"):
        started = time.monotonic()
        response = requests.get(sandbox.url + path, timeout=5)
        return response, time.monotonic() - started

    _response, near = timed_get()
    assert control(sandbox, "network", latency=0.2, jitter=0.05).status_code == 200
    waits = [timed_get()[1] for _ in range(4)]
    assert all(0.15 <= wait < 0.6 for wait in waits), waits
    assert timed_get("/_sandbox/calls")[1] < 0.15, "control routes answer at once"
    # 1 kB/s: a 404 body of about 20 bytes takes a few hundredths of a second more
    sandbox.set_network(bandwidth=1000)
    response, slow = timed_get()
    assert response.status_code == 404
    assert slow >= len(response.content) / 1000 - 0.01 and slow > near
    control(sandbox, "reset")
    assert timed_get()[1] < 0.15, "reset gives the network the sandbox started with"


def test_malformed_json_and_closed_connection(sandbox):
    headers = login(sandbox)
    whole = get(sandbox, METADATA, headers, process_id="10000").content
    sandbox.add_fault(API + METADATA, malformed_json=True)
    broken = get(sandbox, METADATA, headers, process_id="10000")
    assert broken.status_code == 200
    assert broken.headers["Content-Type"] == "application/json"
    assert whole.startswith(broken.content) and len(broken.content) < len(whole)
    with pytest.raises(ValueError):
        broken.json()
    sandbox.add_fault("/nowhere", close_connection=True)
    with pytest.raises(requests.ConnectionError):
        requests.get(sandbox.url + "/nowhere", timeout=5)
    assert requests.get(sandbox.url + "/nowhere", timeout=5).status_code == 404


def test_handler_error_is_a_500(sandbox, monkeypatch):
    def explode(request):
        raise RuntimeError("boom")

    monkeypatch.setattr(sandbox.trackline, "handle", explode)
    response = requests.post(sandbox.url + API + "/login", json={}, timeout=5)
    assert response.status_code == 500 and "boom" in response.json()["error"]


def test_call_counting(sandbox):
    headers = login(sandbox)
    get(sandbox, METADATA, headers, process_id="10000")
    get(sandbox, METADATA, headers, process_id="10001")
    assert sandbox.calls() == 3
    assert sandbox.calls("POST", API + "/login") == 1
    assert sandbox.calls("GET") == 2
    assert sandbox.calls(path_prefix=API + "/track-line") == 2
    sandbox.reset_calls()
    assert sandbox.calls() == 0


def test_control_routes(sandbox):
    sandbox.add_fault("/", status=503, times=10)
    assert control(sandbox, "faults", "DELETE").status_code == 200, "control is never faulted"
    requests.get(sandbox.url + "/nowhere", timeout=5)
    assert control(sandbox, "faults", path_prefix="/nowhere", status=500).status_code == 200
    assert requests.get(sandbox.url + "/nowhere", timeout=5).status_code == 500
    calls = control(sandbox, "calls", "GET").json()
    assert calls == {"total": 2, "by_path": {"GET /nowhere": 2}}, "control calls not counted"
    assert control(sandbox, "faults", status=500).status_code == 400, "path_prefix required"
    assert control(sandbox, "trackline/token_ttl", token_ttl=7).status_code == 200
    assert sandbox.trackline.token_ttl == 7
    sandbox.trackline.token_ttl = 300
    status = sandbox.trackline.processes["10002"]["status"]
    content = b"%PDF-1.4 added\n%%EOF"
    doc = control(sandbox, "trackline/documents", process_id="10002", name="added.pdf",
                  doc_type="Invoice", content=base64.b64encode(content).decode()).json()
    assert sandbox.trackline.files[doc["doc_id"]] == content
    control(sandbox, "trackline/status", process_id="10002", status="Completed")
    assert sandbox.trackline.processes["10002"]["status"] == "Completed"
    sandbox.add_fault("/nowhere", status=500)
    assert control(sandbox, "reset").status_code == 200
    assert sandbox.calls() == 0
    assert requests.get(sandbox.url + "/nowhere", timeout=5).status_code == 404
    assert doc["doc_id"] not in sandbox.trackline.files
    assert sandbox.trackline.processes["10002"]["status"] == status


def test_ready_sage50_application_serves_published_scopes(sandbox):
    _developer, _application, key = sandbox.sage50.ready_application("s3")
    content = sage50_scope(1, "Customers", 25)
    assert content == sage50_scope(1, "Customers", 25), "deterministic"
    assert len({record["id"] for record in content["records"]}) == 25
    sandbox.sage50.publish_scope("Customers", b'{"records": []}')
    url = sandbox.url + "/sage50/api/downloads/Customers"
    assert requests.get(url, headers={"X-Api-Key": key}, timeout=5).content == \
        b'{"records": []}'
    assert requests.get(url, headers={"X-Api-Key": "other"}, timeout=5).status_code == 401
