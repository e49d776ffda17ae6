"""The pieces of "Check the API" that need no Odoo: an answer compared with a mapping
(``mappings/api_check.py``), and the sandbox answering in other shapes over its control
route (``sandbox/shapes.py``)."""

import requests

from mappings import trackonline as mapping
from mappings.api_check import differs, envelope, survey, unmapped_keys
from mappings.fields import Entity, Field
from sandbox.opuscapita import (
    OPUSCAPITA_CLIENT_ID,
    OPUSCAPITA_CLIENT_SECRET,
    OPUSCAPITA_PASSWORD,
    OPUSCAPITA_USERNAME,
)
from sandbox.trackonline import TRACKONLINE_API_KEY

LOCATIONS = "/trackonline/api/v1/location"
ROW = {"id": "g-1", "number": "L1", "name": "Depot", "city": "Breda",
       "gps": {"latitude": 51.6, "longitude": 4.8, "radius": 10, "altitude": 3},
       "externalNumbers": ["X-1"]}


def locations(sandbox, **params):
    return requests.get(sandbox.url + LOCATIONS, params=params, timeout=5,
                        headers={"X-ApiKey": TRACKONLINE_API_KEY})


def shape(sandbox, method="POST", **body):
    return requests.request(method, sandbox.url + "/_sandbox/shape", json=body, timeout=5)


def test_survey_counts_found_absent_wrong_and_unread_keys():
    rows = [ROW, dict(ROW, city={"name": "Breda"}), {k: v for k, v in ROW.items()
                                                     if k != "name"}]
    result = survey(mapping.LOCATION, rows)
    by_key = {field["keys"]: field for field in result["fields"]}
    assert result["rows"] == 3
    assert by_key["number"]["found"] == 3 and not by_key["number"]["wrong"]
    assert by_key["name or number"]["found"] == 3, "the fallback counts as found"
    assert by_key["city"]["wrong"] == 1
    assert "city: expected text" in by_key["city"]["example"]
    assert by_key["globalLocationNumber"]["found"] == 0
    assert by_key["gps.latitude"]["found"] == 3
    assert unmapped_keys(mapping.LOCATION, rows) == {"externalNumbers": 3, "gps.altitude": 3}
    assert differs(result)
    assert not differs(survey(mapping.LOCATION, []))


def test_envelope_names_the_list_key_and_the_paging():
    assert envelope([ROW], ("items",))["shape"] == "list"
    assert envelope(None, ("items",))["shape"] == "empty"
    shape_ = envelope({"Data": [ROW], "page": 0, "pageSize": 50, "links": {}}, ("data",))
    assert shape_["key"] == "Data"
    assert shape_["paging"] == {"page": 0, "pageSize": 50}
    assert shape_["other_keys"] == ["links", "page", "pageSize"]
    assert envelope({"records": [ROW]}, ("items",))["key"] == "records", "any list is found"


def test_the_sandbox_answers_in_other_shapes_until_told_back(sandbox):
    usual = locations(sandbox, page=1).json()
    assert isinstance(usual, list) and "globalLocationNumber" in usual[0]
    assert shape(sandbox, rename={"globalLocationNumber": "gln"}, envelope="items",
                 first_page=0).status_code == 200
    try:
        first = locations(sandbox, page=0).json()
        assert first["page"] == 0 and first["pageSize"] == 50
        assert [row["id"] for row in first["items"]] == [row["id"] for row in usual]
        assert "gln" in first["items"][0] and "globalLocationNumber" not in first["items"][0]
        second = locations(sandbox, page=1)
        assert second.status_code == 200 and second.json()["items"] == [], (
            "the page after the last one, in its envelope")
    finally:
        assert shape(sandbox, method="DELETE").status_code == 200
    assert locations(sandbox, page=1).json() == usual
    assert shape(sandbox, first_page=2).status_code == 400, "pages from 0 or from 1 only"


def test_an_optional_field_absent_is_no_difference():
    """A key the document does not give (``Field(optional=True)``) is read where it comes;
    its absence is no drift (before: every usual TrackOnline transaction 'differed')."""
    entity = Entity("thing", [Field("name", "name"), Field("trip_id", "tripId",
                                                           optional=True)],
                    required=(), remote_id=None)
    result = survey(entity, [{"name": "A"}])
    trip = next(field for field in result["fields"] if field["name"] == "trip_id")
    assert (trip["found"], trip["optional"]) == (0, True)
    assert not differs(result)
    assert differs(survey(entity, [{"title": "A"}])), "a field the document gives, absent"


def test_pages_from_zero_asked_in_a_request_body(sandbox):
    """OpusCapita asks its page in the JSON body: numbered from 0, page 0 is the first page
    and the answer says whether it is the first (``"first"``, as Spring's pages do)."""
    token = requests.post(sandbox.url + "/opuscapita/auth/token", timeout=5,
                          auth=(OPUSCAPITA_CLIENT_ID, OPUSCAPITA_CLIENT_SECRET),
                          data={"grant_type": "password", "username": OPUSCAPITA_USERNAME,
                                "password": OPUSCAPITA_PASSWORD}).json()["access_token"]

    def page(number):
        return requests.post(sandbox.url + "/opuscapita/track/api/transactions", timeout=5,
                             headers={"Authorization": "Bearer " + token},
                             json={"filter": {}, "page": number, "pageSize": 5}).json()

    usual = page(1)
    assert "first" not in usual and usual["page"] == 1
    assert shape(sandbox, first_page=0).status_code == 200
    try:
        zero, one = page(0), page(1)
    finally:
        assert shape(sandbox, method="DELETE").status_code == 200
    assert (zero["page"], zero["first"], one["page"], one["first"]) == (0, True, 1, False)
    assert zero["transactions"] == usual["transactions"]
