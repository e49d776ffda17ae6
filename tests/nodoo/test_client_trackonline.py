"""clients/trackonline.py against the sandbox over real HTTP."""

import time
from datetime import datetime

import pytest
import requests

from clients.base import ApiError, AuthError, RateLimited, RemoteDataError
from clients.trackonline import TrackOnlineClient, parse_list, parse_results, refusal_may_pass
from sandbox.server import Sandbox
from sandbox.trackonline import TRACKONLINE_API_KEY

WINDOW = {"CreatedDateFrom": "2026-01-01T00:00:00.000Z",
          "CreatedDateTo": "2027-01-01T00:00:00.000Z"}


@pytest.fixture(scope="module")
def box():
    sandbox = Sandbox(seed=4, size=2, transactions=120)
    sandbox.start()
    yield sandbox
    sandbox.stop()


@pytest.fixture(autouse=True)
def _clean(box):
    box.clear_faults()
    box.reset_calls()
    box.trackonline.per_minute = None


def make(box, key=TRACKONLINE_API_KEY, **kwargs):
    return TrackOnlineClient("%s/trackonline/api/v1" % box.url, key, timeout=5, backoff=0.01,
                             **kwargs)


def test_pages_until_short_page_one_call_each(box):
    pages = list(make(box).pages("transaction", WINDOW))
    assert [number for number, _ in pages] == [1, 2, 3]
    assert sum(len(items) for _, items in pages) == 120
    assert box.calls("GET", "/trackonline/api/v1/transaction") == 3


def test_204_ends_paging(box):
    window = {"CreatedDateFrom": "2030-01-01T00:00:00.000Z"}
    assert list(make(box).pages("transaction", window)) == []
    assert box.calls() == 1


def test_full_last_page_needs_one_more_call(box):
    box.trackonline.reset(transactions=100)
    try:
        pages = list(make(box).pages("transaction", WINDOW))
    finally:
        box.trackonline.reset(transactions=120)
    assert len(pages) == 2
    assert box.calls() == 3, "two full pages and the 204 that ends them"


def test_static_lists_filter_a_query_once_until_reset(box):
    """``--static-lists`` (the benchmark's): the pages of one query come from one filtering,
    so a transaction added meanwhile is not listed; another query, or a reset, filters
    afresh. Without it every page filters the data as it is."""
    client = make(box)
    added = WINDOW["CreatedDateFrom"][:4] + "-06-01T00:00:00"
    box.trackonline.static_lists = True
    try:
        assert len(client.page("transaction", WINDOW, 3)) == 20
        box.trackonline.add_transactions(5, created=datetime.fromisoformat(added))
        assert len(client.page("transaction", WINDOW, 3)) == 20, "served from the first"
        other = dict(WINDOW, IncludeDeleted="false")
        assert len(client.page("transaction", other, 3)) == 25, "another query: afresh"
        box.trackonline.static_lists = False
        assert len(client.page("transaction", WINDOW, 3)) == 25
    finally:
        box.trackonline.static_lists = False
        box.trackonline.reset(transactions=120)
    box.trackonline.static_lists = True
    try:
        assert len(client.page("transaction", WINDOW, 3)) == 20, "a reset forgets them"
    finally:
        box.trackonline.static_lists = False


def test_no_date_filter_means_last_7_days_only(box):
    assert list(make(box).pages("transaction", {})) == [], "the generated data is older"


def test_wrong_key_is_an_auth_error(box):
    with pytest.raises(AuthError, match="invalid API key"):
        make(box, key="nope").page("location")


def test_filters_reach_the_api(box):
    client = make(box)
    one = client.page("location", {"Number": "L0002"})
    assert [row["number"] for row in one] == ["L0002"]
    carriers = client.page("transaction", dict(WINDOW, Carriers=["L0001", "L0004"]))
    assert carriers and {row["carrier"]["number"] for row in carriers} <= {"L0001", "L0004"}


def test_status_filter_change_and_delete_after_creation(box):
    """The sandbox lets a test change or delete a transaction after it was created (the
    re-read of open transactions needs it), by the emulator or its HTTP control routes."""
    client = make(box)
    rows = box.trackonline.resources["transaction"]
    opened = client.page("transaction", dict(WINDOW, StatusCode=[0, 5]))
    assert opened and {row["statusCode"] for row in opened} <= {0, 5}
    first = opened[0]
    control = box.url + "/_sandbox/trackonline/transaction/"
    try:
        answer = requests.post(control + "change", timeout=5, json={
            "id": first["id"], "changes": {"statusCode": 35}})
        assert answer.status_code == 200 and answer.json()["status"] == "Processed"
        assert answer.json()["createdOn"] == first["createdOn"], "the creation date stays"
        assert first["id"] not in {row["id"] for row in client.page(
            "transaction", dict(WINDOW, StatusCode=[0, 5]))}
        gone = requests.post(control + "delete", timeout=5,
                             json={"number": rows[1]["transactionNumber"]})
        assert gone.json()["isDeleted"] is True
        listed = [row["id"] for row in client.pages("transaction", WINDOW)
                  for row in row[1]]
        assert rows[1]["id"] not in listed and len(listed) == 119
        flagged = client.page("transaction", dict(WINDOW, IncludeDeleted="true"))
        assert any(row["id"] == rows[1]["id"] and row["isDeleted"] for row in flagged)
        assert requests.post(control + "delete", timeout=5,
                             json={"id": "nope"}).status_code == 404
    finally:
        box.trackonline.reset(transactions=120)


def test_save_in_batches_and_poll(box):
    client = make(box)
    records = [{"number": "N%03d" % n, "name": "New %d" % n, "type": "Customer"}
               for n in range(120)]
    records[5]["name"] = ""
    message_ids = client.save("location", records)
    assert len(message_ids) == 3
    assert box.calls("POST", "/trackonline/api/v1/location") == 3
    assert client.save_result("location", message_ids[0]) is None, "202 first"
    results = client.save_result("location", message_ids[0])
    assert len(results) == 50
    assert results[5]["success"] is False and "name" in results[5]["message"]
    assert all(r["success"] and r["id"] for i, r in enumerate(results) if i != 5)


def test_a_record_over_a_documented_limit_fails_its_whole_batch_with_400(box):
    """As TrackOnline's models are validated: one record too long and the batch is refused
    (nothing of it saved), the errors naming the record's place and the key."""
    client = make(box)
    records = [{"number": "LIM%02d" % n, "name": "Limit %d" % n, "type": 1} for n in range(3)]
    records[1]["city"] = "C" * 31
    with pytest.raises(ApiError) as info:
        client.save("location", records)
    assert info.value.status == 400
    assert "[1].City" in info.value.message and "maximum length of 30" in info.value.message
    assert not {"LIM00", "LIM02"} & {row["number"] for row in
                                      box.trackonline.resources["location"]}
    items = [{"number": "U1", "itemDefinition": {"number": "X"},
              "deviceIds": [{"deviceId": "d"}, {"deviceId": "d" * 201}]}]
    with pytest.raises(ApiError, match=r"\[0\]\.DeviceIds\[1\]\.DeviceId"):
        client.save("uniqueitem", items)
    records[1]["city"] = "C" * 30  # at the limit: saved
    assert client.save("location", records)


def test_unknown_and_outdated_message_ids(box):
    client = make(box)
    with pytest.raises(RemoteDataError, match="404"):
        client.save_result("location", "msg-nope")
    message_id = client.save("location", [{"number": "X1", "name": "X", "type": 1}])[0]
    box.trackonline.messages[message_id]["outdated"] = True
    with pytest.raises(RemoteDataError, match="outdated"):
        client.save_result("location", message_id)


def test_per_minute_budget_gives_429_with_retry_after(box):
    box.trackonline.per_minute = 2
    client = make(box, max_retry_after=0)
    client.page("location")
    client.page("location")
    with pytest.raises(RateLimited) as info:
        client.page("location")
    assert 0 < info.value.retry_after <= 61


def test_calls_per_minute_and_429s_are_recorded(box):
    box.trackonline.reset()
    box.trackonline.per_minute = 1
    client = make(box, max_retry_after=0)
    client.page("location")
    with pytest.raises(RateLimited):
        client.page("location")
    seen = requests.get("%s/_sandbox/trackonline/minutes" % box.url, timeout=5).json()
    # Both calls are counted, in one minute or across a minute's turn.
    assert sum(seen["minutes"].values()) == 2
    assert seen["rejected"] == (1 if len(seen["minutes"]) == 1 else 0)
    assert seen["per_minute"] == 1


def test_trip_moves_to_next_status(box):
    client = make(box)
    assert client.next_trip_status(["trip-1"]) == [{"id": "trip-1", "status": "in progress"}]
    assert client.next_trip_status(["trip-1"]) == [{"id": "trip-1", "status": "processed"}]


def test_balances(box):
    rows = make(box).get_list("balance", {"locations": ["L0001"], "excludeZeroBalance": True})
    assert rows and all(row["location"]["number"] == "L0001" and row["balance"] for row in rows)


def test_envelopes_and_bad_shapes():
    assert parse_list({"items": [{"a": 1}]}, "x") == [{"a": 1}]
    with pytest.raises(RemoteDataError, match="expected a list"):
        parse_list({"unexpected": 1}, "x")
    with pytest.raises(RemoteDataError, match="not objects"):
        parse_list([1, 2], "x")
    assert parse_results({"results": [{"status": "saved", "id": "g"}]}, "x")[0]["success"]


def test_malformed_page_is_remote_data_error(box):
    box.add_fault("/trackonline/api/v1/location", malformed_json=True)
    with pytest.raises(RemoteDataError, match="Expected JSON"):
        make(box).page("location")


def test_a_refusal_passes_by_its_code_or_status_else_by_whole_words():
    """A refusal is final unless what it carries says it may pass: an HTTP-like code, else
    its status or message as whole words ("blocked" holds "locked": final)."""
    blocked = "Location number ACC-REJ-1 is blocked in this administration"
    assert not refusal_may_pass({}, blocked)
    assert refusal_may_pass({}, "The record is locked by another user: try again later.")
    assert refusal_may_pass({}, "Timed out while saving")
    assert not refusal_may_pass({}, "Unlocked records only")
    assert refusal_may_pass({"code": 423}, blocked), "the code decides"
    assert refusal_may_pass({"errorCode": "503"}, "")
    assert not refusal_may_pass({"code": 400}, "locked: try again"), "a 400 is final"
    assert not refusal_may_pass({"statusCode": 35}, blocked), "a transaction's status"
    assert refusal_may_pass({"status": "Locked"}, "")
    results = parse_results([{"success": False, "message": blocked},
                             {"success": False, "message": "locked"},
                             {"success": True, "message": "locked"}], "location")
    assert [result["passing"] for result in results] == [False, True, False]


def test_records_read_again_by_their_ids_in_one_call(box):
    """``by_ids``: the ``Id`` filter repeated, one call for up to 50 ids; an id the answer
    lacks is absent (the caller asks it alone), and ids are matched in any case."""
    box.trackonline.reset()
    rows = box.trackonline.resources["location"][:3]
    asked = [rows[0]["id"], rows[2]["id"].upper(), "00000000-0000-4000-8000-999999999999"]
    found = make(box).by_ids("location", asked)
    assert found == {asked[0]: rows[0], asked[1]: rows[2]}
    assert box.calls("GET", "/trackonline/api/v1/location") == 1
    with pytest.raises(ValueError):
        make(box).by_ids("location", [str(n) for n in range(51)])


def test_a_sandbox_replacing_records_on_save_empties_what_the_body_leaves_out(box):
    """``replace_on_save``: the server of issue 27 (an ASP.NET model bound as a whole); by
    default the keys sent are written over the record held."""
    box.trackonline.reset()
    row = box.trackonline.resources["location"][0]
    client = make(box)
    client.save("location", [{"id": row["id"], "number": row["number"], "name": "Merged",
                              "type": 1}])
    merged = box.trackonline.resources["location"][0]
    assert (merged["name"], merged["city"]) == ("Merged", row["city"])
    box.trackonline.replace_on_save = True
    try:
        client.save("location", [{"id": row["id"], "number": row["number"],
                                  "name": "Replaced", "type": 1}])
    finally:
        box.trackonline.replace_on_save = False
    replaced = box.trackonline.resources["location"][0]
    assert replaced["name"] == "Replaced"
    assert "city" not in replaced and "tags" not in replaced
    assert replaced["createdOn"] == row["createdOn"], "what TrackOnline sets itself stays"


def test_rolling_minute_counts_the_calls_of_the_last_60_seconds(box):
    """Calls at second 59 and at second 0 of the next minute: the calendar minute lets both
    through, a rolling minute answers 429 until the first has been 60 s ago."""
    now = [120 * 60 + 59.5]  # second 59 of a minute
    box.trackonline.reset()
    box.trackonline.per_minute = 2
    box.trackonline.clock = lambda: now[0]
    box.trackonline.rolling_minute = True
    try:
        client = make(box, max_retry_after=0)
        client.page("location")
        client.page("location")
        now[0] += 1  # second 0 of the next minute
        with pytest.raises(RateLimited) as info:
            client.page("location")
        # the first call leaves the window 59 s later (rounded up as a calendar minute's)
        assert info.value.retry_after == 60
        box.trackonline.rolling_minute = False
        client.page("location")  # a calendar minute: a new budget
    finally:
        box.trackonline.rolling_minute = False
        box.trackonline.clock = time.time
