"""What an acceptance suite written from the vendors' documents (its own emulators, not our
sandbox) may send, and what we must make of it: docs/spec_audit.rst lists each case. Over
real HTTP to the sandbox, whose answers are reshaped by faults where the document allows
another shape than the sandbox's own."""

import http.server
import itertools
import json
import threading
import time
from datetime import datetime
from email.utils import formatdate

import pytest

from clients.base import ApiError, RemoteDataError
from clients.opuscapita import OpusCapitaClient, parse_page
from clients.sage50 import Sage50Client
from clients.trackline import TracklineClient
from clients.trackonline import TrackOnlineClient, parse_message_id, parse_results
from mappings import trackonline
from mappings.dates import parse_datetime
from mappings.fields import Ref, RowError
from sandbox.opuscapita import (
    OPUSCAPITA_CLIENT_ID,
    OPUSCAPITA_CLIENT_SECRET,
    OPUSCAPITA_PASSWORD,
    OPUSCAPITA_USERNAME,
)
from sandbox.trackline import TRACKLINE_EMAIL, TRACKLINE_PASSWORD
from sandbox.trackonline import TRACKONLINE_API_KEY

OPUS_DATA = "/opuscapita/track/api/transactions"
OPUS_TOKEN = "/opuscapita/auth/token"


def opuscapita(sandbox):
    return OpusCapitaClient("%s/opuscapita" % sandbox.url, OPUSCAPITA_CLIENT_ID,
                            OPUSCAPITA_CLIENT_SECRET, OPUSCAPITA_USERNAME, OPUSCAPITA_PASSWORD,
                            timeout=5, backoff=0.01)


def trackonline_client(sandbox, **kwargs):
    return TrackOnlineClient("%s/trackonline/api/v1" % sandbox.url, TRACKONLINE_API_KEY,
                             timeout=5, backoff=0.01, **kwargs)


# -- TrackOnline: rows -------------------------------------------------------------------------

def test_true_and_false_written_as_text():
    """``"false"`` is not true: before, a unique item sent with ``"isDeleted": "false"``
    was mirrored as deleted, and a location with ``"isEnabled": "false"`` as enabled."""
    item = {"id": "u1", "number": "U1", "itemDefinition": {"number": "CC"}}
    assert trackonline.UNIQUE_ITEM.read(dict(item, isDeleted="false"))["is_deleted"] is False
    assert trackonline.UNIQUE_ITEM.read(dict(item, isDeleted="True"))["is_deleted"] is True
    assert trackonline.UNIQUE_ITEM.read(dict(item, isDeleted=0))["is_deleted"] is False
    location = {"id": "l1", "number": "L1", "name": "L"}
    assert trackonline.LOCATION.read(dict(location, isEnabled="false"))["is_enabled"] is False
    assert trackonline.LOCATION.read(dict(location, isEnabled=""))["is_enabled"] is True
    with pytest.raises(RowError, match="isDeleted: expected true/false"):
        trackonline.UNIQUE_ITEM.read(dict(item, isDeleted="perhaps"))


def test_enumerations_by_number_or_by_the_documents_names():
    """The document's POST examples write names ("CompanyLocation", "LoadCarrier"); its
    enumerations write "SubLocation", "Lockingplate", "Sscc"."""
    row = {"id": "l1", "number": "L1", "name": "L", "type": "CompanyLocation",
           "hierarchyLevel": "SubLocation", "languageId": "English",
           "balanceOperationMode": "NoRestriction"}
    values = trackonline.LOCATION.read(row)
    assert (values["type"], values["hierarchy_level"], values["language"],
            values["balance_operation_mode"]) == ("5", "4", "2", "0")
    assert trackonline.LOCATION.read(dict(row, type="05"))["type"] == "5"
    definition = {"id": "d1", "number": "D1", "name": "D", "type": "Lockingplate"}
    assert trackonline.ITEM_DEFINITION.read(definition)["type"] == "8"
    label = {"id": "p1", "number": "P1", "expirationOn": "2028-01-25T00:00:00.000Z"}
    for written in ("Sscc", "SSCC", 1, "1"):
        assert trackonline.PACKAGING_LABEL.read(dict(label, type=written))["label_type"] == "1"
    assert trackonline.PACKAGING_LABEL.read(dict(label, type="Undefined"))["label_type"] == "0"


def test_references_by_number_alone_or_by_id_alone():
    row = {"id": "t1", "fromLocation": "L-1", "toLocation": {"id": "loc-guid"},
           "carrier": {"name": "no number, no id"}}
    values = trackonline.TRANSACTION.read(row)
    assert (values["from_location_id"].by, values["from_location_id"].key) == ("number", "L-1")
    assert (values["to_location_id"].by, values["to_location_id"].key) == (
        "remote_id", "loc-guid")
    assert values["carrier_id"] is False
    member = trackonline.ITEM_CONFIGURATION.read(
        {"id": "c1", "name": "C", "members": [{"itemDefinitionId": "def-guid"}]})
    assert member["member_ids"][1][2]["item_definition_id"].key == "def-guid"


def test_packaging_label_items_under_item_as_the_documents_example_writes():
    label = {"id": "p1", "number": "P1", "expirationOn": "2028-03-26T00:00:00.000Z",
             "packagingSerializedItems": [{"item": {"number": "UI01"}},
                                          {"uniqueItem": {"number": "UI02"}}]}
    refs = trackonline.PACKAGING_LABEL.read(label)["unique_item_ids"][0][2]
    assert [ref.key for ref in refs] == ["UI01", "UI02"]


def test_balance_rows_in_the_shapes_the_document_leaves_open():
    """The document gives no balance answer: objects, or numbers under other keys."""
    flat = trackonline.BALANCE.read({"locationNumber": "A", "itemDefinitionNumber": "CC",
                                     "quantity": "12"})
    assert isinstance(flat["location_id"], Ref) and flat["location_id"].key == "A"
    assert flat["item_definition_id"].key == "CC" and flat["balance"] == 12
    nested = trackonline.BALANCE.read({"location": {"number": "A"}, "itemDefinition": "CC",
                                       "balance": -3})
    assert (nested["location_id"].key, nested["item_definition_id"].key,
            nested["balance"]) == ("A", "CC", -3)


def test_dates_as_the_documents_write_them():
    assert parse_datetime("2022-01-01T00:00:00.0000000+00:00") == datetime(2022, 1, 1)
    assert parse_datetime("2020-01-01T00:00:00.000Z") == datetime(2020, 1, 1)
    assert parse_datetime("2026-03-01T00:00:00+02:00") == datetime(2026, 2, 28, 22)
    assert parse_datetime("2026-03-01T00:30:00") == datetime(2026, 3, 1, 0, 30), "no zone: UTC"
    warnings = []
    values = trackonline.LOCATION.read({"id": "l1", "number": "L1", "name": "Zürich – 東京 🚚",
                                        "createdOn": "yesterday"}, warnings.append)
    assert values["name"] == "Zürich – 東京 🚚"
    assert values["created_on"] is False
    assert warnings == ["createdOn: unreadable date 'yesterday' left empty"]


# -- TrackOnline: saves ------------------------------------------------------------------------

def test_save_answers_in_the_shapes_the_document_leaves_open(sandbox):
    """"A message ID is added to the response": in an object (any casing), as a JSON
    value, or as plain text."""
    assert parse_message_id({"MessageID": "m1"}, "location") == "m1"
    assert parse_message_id({"message_id": 7}, "location") == "7"
    assert parse_message_id(42, "location") == "42"
    with pytest.raises(RemoteDataError, match="no message ID"):
        parse_message_id({"status": "ok"}, "location")
    sandbox.add_fault("/trackonline/api/v1/location", method="POST", status=200,
                      body="msg-plain-1", content_type="text/plain")
    client = trackonline_client(sandbox)
    assert client.save("location", [{"number": "N1", "name": "N", "type": 1}]) == [
        "msg-plain-1"]


def test_save_results_with_flags_and_error_lists():
    results = parse_results([
        {"id": "a", "isSuccess": "false", "errors": ["name is required", "type is unknown"]},
        {"id": "b", "succeeded": True},
        {"number": "C", "success": False, "errors": {"name": ["too long"]}},
        {"number": "D", "success": "false", "errorMessage": "locked"},
        {"number": "E", "success": 1},
    ], "location")
    assert [result["success"] for result in results] == [False, True, False, False, True]
    assert results[0]["message"] == "name is required; type is unknown"
    assert results[2]["message"] == "name: too long"
    assert results[3]["message"] == "locked"


def test_429_with_retry_after_as_an_http_date_is_waited_out(sandbox):
    slept = []
    client = trackonline_client(sandbox, sleep=slept.append)
    sandbox.add_fault("/trackonline/api/v1/location", status=429, body="{}",
                      headers={"Retry-After": formatdate(time.time() + 3, usegmt=True)})
    assert client.page("location")
    assert len(slept) == 1 and 1 <= slept[0] <= 4


# -- OpusCapita --------------------------------------------------------------------------------

def test_events_known_by_their_transaction_id():
    """A page with no event id at all lists transactions: each is known by its
    ``transactionId``. In a page of events, one without its id stays without (skipped)."""
    events, _last = parse_page({"transactions": [{"transactionId": "T1", "status": "Sent"},
                                                 {"transactionID": "T2"}]})
    assert [event["id"] for event in events] == ["T1", "T2"]
    events, _last = parse_page([{"eventId": "E1", "transactionId": "T1"},
                                {"id": 2, "transactionId": "T1"}, {"transactionId": "T3"}])
    assert [event["id"] for event in events] == ["E1", 2, None]


def test_a_server_that_ignores_paging_is_read_once(sandbox):
    """The document's request is ``{"filter": {}}``, with no paging: a server answering
    every event to every page was asked for pages without end (as many as the run's page
    budget allowed, the same events each time)."""
    everything = list(sandbox.opuscapita.events)
    sandbox.add_fault(OPUS_DATA, times=50, rewrite=lambda body: everything[:50])
    pages = list(itertools.islice(opuscapita(sandbox).transactions({}, page_size=50), 10))
    assert [number for number, _events in pages] == [1]
    assert sandbox.calls("POST", OPUS_DATA) == 2, "the page repeating page 1 ends it"
    sandbox.clear_faults()
    sandbox.reset_calls()
    sandbox.add_fault(OPUS_DATA, times=50, rewrite=lambda body: everything)
    pages = list(itertools.islice(opuscapita(sandbox).transactions({}, page_size=25), 10))
    assert len(pages) == 1 and len(pages[0][1]) == len(everything)


def test_a_server_with_smaller_pages_is_read_to_its_last_page(sandbox):
    """A page shorter than ours that says it is not the last (``totalPages``) is not the
    end: before, the first short page ended the read, and the rest was never read."""
    sandbox.add_fault(OPUS_DATA, times=50, rewrite=lambda body: dict(
        body, transactions=body["transactions"][:10]))
    pages = list(opuscapita(sandbox).transactions({}, page_size=25))
    total = -(-len(sandbox.opuscapita.events) // 25)
    assert [number for number, _events in pages] == list(range(1, total + 1))


def test_a_server_numbering_pages_from_0_is_read_from_its_first_page(sandbox):
    """A server whose pages are numbered from 0 (Spring's ``content``, ``number``, ``first``,
    ``last``) answers our page 1 with its second page: before, its first page was never
    read. Page 1 said to be not the first, the read starts again at 0; the same client
    starts there at once for the next list (a date window); a read resumed at a cursor past
    page 1 goes on from there."""
    everything = list(sandbox.opuscapita.events)
    size = 3
    total = -(-len(everything) // size)

    def spring(_body):
        page = sandbox.opuscapita.bodies[-1]["page"]
        return {"content": everything[page * size:(page + 1) * size], "number": page,
                "size": size, "first": page == 0, "last": page + 1 >= total,
                "totalPages": total, "totalElements": len(everything)}

    sandbox.add_fault(OPUS_DATA, times=100, rewrite=spring)
    client = opuscapita(sandbox)
    pages = list(client.transactions({}, page_size=size))
    assert [number for number, _events in pages] == list(range(total))
    assert [event["id"] for _number, events in pages for event in events] == [
        event["id"] for event in everything]
    assert sandbox.calls("POST", OPUS_DATA) == total + 1, "page 1 asked once in vain"
    sandbox.reset_calls()
    assert len(list(client.transactions({}, page_size=size))) == total
    assert sandbox.calls("POST", OPUS_DATA) == total, "the next list starts at 0 at once"
    resumed = list(opuscapita(sandbox).transactions({}, first_page=2, page_size=size))
    assert [number for number, _events in resumed] == list(range(2, total))
    assert resumed[0][1][0]["id"] == everything[2 * size]["id"]


def test_expires_in_as_text(sandbox):
    sandbox.add_fault(OPUS_TOKEN, rewrite=lambda body: dict(body, expires_in="3600"))
    client = opuscapita(sandbox)
    client.new_token()
    assert client._token_expiry - time.time() > 3000


# -- Trackline and Sage 50 ---------------------------------------------------------------------

def test_trackline_token_under_access_token(sandbox):
    sandbox.add_fault("/trackline/api/login", rewrite=lambda body: {
        "access_token": body["token"]})
    client = TracklineClient("%s/trackline/api" % sandbox.url, TRACKLINE_EMAIL,
                             TRACKLINE_PASSWORD, timeout=5)
    assert client.login().count(".") == 2


def test_sage_statuses_in_other_casings_end_the_upload(sandbox):
    """"Accepted" or "BadRequest" is final: before, an upload so answered was polled for
    ever, as running. Progress as text is a number."""
    client = Sage50Client("%s/sage50" % sandbox.url, api_key="k", timeout=5)
    for status, progress, expected in (("Accepted", "100%", "accepted"),
                                       ("BAD_REQUEST", "40", "badRequest"),
                                       ("Failed", 12.5, "failed"),
                                       ("Validating", None, "Validating")):
        sandbox.add_fault("/sage50/api/status-check", status=200, content_type=(
            "application/json"), body='{"status": "%s", "progress": %s}' % (
            status, "null" if progress is None else '"%s"' % progress))
        tracking = client.tracking("api/status-check")
        assert (tracking["status"], tracking["progress"]) == (
            expected, {"100%": 100, "40": 40, 12.5: 12, None: 0}[progress])


def test_sage_rotation_answers_the_document_leaves_open(sandbox):
    """The document writes the key 'apikey' and 'apiKey', and gives the PATCH no status:
    before, an 'apiKey' answer or a 201 was taken for a refusal while Sage had rotated (and
    the key was then declared lost). A 204 holds no key: read as an answer lost (the
    backend's recovery path)."""
    client = Sage50Client("%s/sage50" % sandbox.url, timeout=5, retries=0)
    path = "/sage50/api/developers/D/applications/A/apikey"
    for status, body in ((200, '{"apiKey": "NEW-1"}'), (201, '{"ApiKey": "NEW-2"}')):
        sandbox.add_fault(path, method="PATCH", status=status, body=body,
                          content_type="application/json")
        assert client.rotate_key("D", "A", "OLD", "s") == body.split('"')[3]
    sandbox.add_fault(path, method="PATCH", status=204, body="")
    with pytest.raises(RemoteDataError):
        client.rotate_key("D", "A", "OLD", "s")


def test_sage_tracking_answered_202_and_its_own_host_in_any_spelling(sandbox):
    """A tracking URL answered 202 (still working) was an error at each poll; a URL on
    Sage's own host written in capitals, or with the scheme's port, was refused as another
    host's."""
    client = Sage50Client("%s/sage50" % sandbox.url, api_key="k", timeout=5)
    sandbox.add_fault("/sage50/api/status-check", status=202, content_type="application/json",
                      body='{"status": "Validating", "progress": 40}')
    assert client.tracking("api/status-check")["progress"] == 40
    host = sandbox.url.replace("http://127.0.0.1", "HTTP://127.0.0.1")
    assert client.url(host + "/sage50/x") == host + "/sage50/x"
    https = Sage50Client("https://sage.example.com/api", api_key="k")
    assert https.url("https://SAGE.example.com:443/f") == "https://SAGE.example.com:443/f"
    with pytest.raises(RemoteDataError, match="another host"):
        https.url("https://sage.example.com:8443/f")
    with pytest.raises(RemoteDataError, match="another host"):
        client.url(sandbox.url.replace("127.0.0.1", "localhost") + "/sage50/x")


def test_a_redirect_to_another_host_does_not_carry_the_key(sandbox):
    """requests drops ``Authorization`` on a redirect to another host, not an API key
    header: Sage 50's ``X-Api-Key`` (and TrackOnline's ``X-ApiKey``) went along to wherever
    a 302 pointed. A redirect on the same host keeps it."""
    seen = []

    class Other(http.server.BaseHTTPRequestHandler):
        """Another host: ``/same`` redirects on itself, every other path answers."""

        def do_GET(self):  # noqa: N802 - the name http.server calls
            if self.path == "/same":
                self.send_response(302)
                self.send_header("Location", "/landing")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            seen.append(dict(self.headers))
            body = b'{"status": "accepted", "progress": 100}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Other)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        client = Sage50Client("%s/sage50" % sandbox.url, api_key="SECRET-KEY", timeout=5)
        sandbox.add_fault("/sage50/api/status-check", status=302, body="", headers={
            "Location": "http://localhost:%d/elsewhere" % other.server_port})
        assert client.tracking("api/status-check")["status"] == "accepted"
        assert len(seen) == 1 and "SECRET-KEY" not in str(seen[0]), seen
        same = Sage50Client("http://127.0.0.1:%d" % other.server_port, api_key="SECRET-KEY",
                            timeout=5)
        assert same.tracking("same")["status"] == "accepted"
        assert len(seen) == 2 and seen[1].get("X-Api-Key") == "SECRET-KEY"
    finally:
        other.shutdown()
        other.server_close()


def test_save_results_in_the_shapes_the_document_leaves_open(sandbox):
    """The document gives a save result no shape: a ``status`` of "Created" or "Updated",
    or an entry naming its record with no flag and no error, was a refusal (the record
    marked Rejected for good)."""
    results = parse_results([
        {"id": "a", "status": "Created"}, {"number": "B", "status": "UPDATED"},
        {"id": "c"}, {"id": "d", "errors": ["number taken"]}, {},
        {"id": "f", "status": "Rejected", "message": "unknown item"}], "location")
    assert [result["success"] for result in results] == [True, True, True, False, False,
                                                         False]
    assert results[3]["message"] == "number taken"


def test_a_400_names_the_fields_asp_net_lists(sandbox):
    """"400 | One or more received data are incorrect": ASP.NET's validation answer says
    which under ``errors``; only its ``title`` was shown, naming no field."""
    client = trackonline_client(sandbox)
    sandbox.add_fault("/trackonline/api/v1/location", method="POST", status=400,
                      content_type="application/problem+json", body=json.dumps({
                          "title": "One or more validation errors occurred.", "status": 400,
                          "errors": {"Number": ["The Number field is required."]}}))
    with pytest.raises(ApiError) as raised:
        client.save("location", [{"name": "no number"}])
    assert raised.value.message.endswith("One or more validation errors occurred. (Number: "
                                         "The Number field is required.)")


def test_save_result_path_with_the_message_id_in_it(sandbox):
    """The result's path is a setting (not in the document): ``{message_id}`` places the
    message ID in it; without it the ID goes as ``?messageId=``."""
    client = trackonline_client(sandbox, result_path="{resource}/result/{message_id}")
    path = "/trackonline/api/v1/location/result/MSG-1"
    sandbox.add_fault(path, status=200, content_type="application/json",
                      body='[{"id": "x", "success": true}]')
    assert client.save_result("location", "MSG-1")[0]["success"] is True
    assert sandbox.calls("GET", path) == 1


def test_sandbox_filters_numbers_as_the_document_names_them(sandbox):
    """``Number`` filters locations, item definitions and (part of the number) packaging
    labels; transactions filter on ``TransactionNumber``, unique items on ``ItemNumber``.
    Our sandbox used to take ``Number`` everywhere, and the retry of a kept transaction
    without id asked with it: an emulator following the document ignores it."""
    client = trackonline_client(sandbox)
    rows = sandbox.trackonline.resources
    number = rows["transaction"][0]["transactionNumber"]
    window = {"CreatedDateFrom": "2000-01-01T00:00:00.000Z",
              "CreatedDateTo": "2100-01-01T00:00:00.000Z"}
    assert len(client.page("transaction", dict(window, Number=number))) > 1
    assert [row["transactionNumber"] for row in client.page(
        "transaction", dict(window, TransactionNumber=number))] == [number]
    item = rows["uniqueitem"][0]["number"]
    assert [row["number"] for row in client.page("uniqueitem", {"ItemNumber": item})] == [item]
    assert len(client.page("packaginglabel", {"Number": "PL"})) == len(rows["packaginglabel"])


def test_iot_devices_from_unique_items():
    """``iot/item`` may answer unique items (its filters are theirs): one device per
    ``deviceIds`` entry; rows that are devices already are taken as they are."""
    rows = trackonline.iot_device_rows([
        {"id": "u1", "number": "UI1", "itemDefinition": {"id": "d1", "number": "CC"},
         "lastKnownLocation": {"id": "l1"}, "lastSeen": "2026-01-02T00:00:00Z",
         "deviceIds": [{"deviceId": "A"}, {"deviceId": "B"}]},
        {"id": "u2", "number": "UI2", "deviceIds": {"deviceId": 7}},
        {"id": "u3", "number": "UI3", "deviceIds": []},
        {"deviceId": "C", "itemNumber": "UI4"},
    ])
    assert [(row["deviceId"], row["itemNumber"]) for row in rows] == [
        ("A", "UI1"), ("B", "UI1"), ("7", "UI2"), ("C", "UI4")]
    values = trackonline.IOT_DEVICE.read(rows[0])
    assert (values["remote_id"], values["item_definition_remote_id"],
            values["location_remote_id"]) == ("A", "d1", "l1")


def test_sage_answer_keys_in_another_casing(sandbox):
    """The document writes both 'apikey' and 'apiKey': an answer's keys are matched
    without regard to case (before: "has no status", "has no trackingUrl")."""
    client = Sage50Client("%s/sage50" % sandbox.url, api_key="k", timeout=5)
    sandbox.add_fault("/sage50/api/status-check", status=200, content_type="application/json",
                      body='{"Status": "accepted", "Progress": 100, "DownloadResultUrl": '
                           '"api/result-1"}')
    assert client.tracking("api/status-check") == {
        "status": "accepted", "progress": 100, "downloadResultUrl": "api/result-1",
        "message": ""}
    sandbox.add_fault("/sage50/api/uploads", method="POST", status=202,
                      content_type="application/json", body='{"TrackingUrl": "api/t-1"}')
    assert client.upload("Customers", {"records": []}) == "api/t-1"


def test_trackline_token_expired_by_our_clock_is_not_a_login_per_call(sandbox):
    """Our clock an hour ahead of Trackline's: the token's ``exp`` is already past here.
    Before, each call logged in again; now the token serves until a 401 says otherwise."""
    client = TracklineClient("%s/trackline/api" % sandbox.url, TRACKLINE_EMAIL,
                             TRACKLINE_PASSWORD, timeout=5, clock=lambda: time.time() + 3600)
    process_id = next(iter(sandbox.trackline.processes))
    for _ in range(3):
        assert client.process_metadata(process_id)["process_id"] == process_id
    assert sandbox.calls("POST", "/trackline/api/login") == 1


def test_a_row_without_its_lines_leaves_the_lines_alone():
    """An answer that leaves ``transactionItems`` out (or null) is not a transaction without
    lines: before, its lines were replaced by none. An empty list still empties them."""
    assert "line_ids" not in trackonline.TRANSACTION.read({"id": "t1"})
    assert "line_ids" not in trackonline.TRANSACTION.read({"id": "t1", "transactionItems": None})
    assert trackonline.TRANSACTION.read({"id": "t1", "transactionItems": []})["line_ids"] == [
        (5, 0, 0)]
    assert "member_ids" not in trackonline.ITEM_CONFIGURATION.read({"id": "c1", "name": "C"})
