"""The mappings (``mappings/``): remote rows to Odoo values and back, without Odoo."""

from datetime import datetime
from types import SimpleNamespace

import pytest

from mappings import opuscapita, sage50, trackline, trackonline
from mappings.dates import api_datetime, parse_datetime
from mappings.fields import INTEGER, Entity, Field, Ref, RowError

LOCATION_ROW = {
    "id": "7c1e", "number": "L-1", "name": "Depot Noord", "type": 5,
    "hierarchyLevel": "Location", "addressLine": "Kade 1", "postalCode": "1000 AA",
    "city": "Amsterdam", "country": "NL", "emailAddress": "noord@example.com",
    "globalLocationNumber": "8712345000004", "vatNumber": "NL001", "isEnabled": True,
    "gps": {"latitude": 52.37, "longitude": 4.89, "radius": 150}, "tags": ["a", "b"],
    "createdOn": "2026-02-01T10:30:00Z",
}


def test_dates_both_ways():
    moment = parse_datetime("2026-02-01T11:30:00+01:00")
    assert moment == datetime(2026, 2, 1, 10, 30)
    assert api_datetime(moment) == "2026-02-01T10:30:00.000Z"
    assert parse_datetime("not a date") is False
    assert parse_datetime(12) is False
    assert api_datetime(False) is None


def test_location_read():
    warnings = []
    values = trackonline.LOCATION.read(LOCATION_ROW, warnings.append)
    assert values["remote_id"] == "7c1e"
    assert values["type"] == "5"
    assert values["hierarchy_level"] == "3", "a code given by its name"
    assert values["latitude"] == 52.37 and values["gps_radius"] == 150
    assert values["tags"] == "a, b"
    assert values["name_short"] is False
    assert values["created_on"] == datetime(2026, 2, 1, 10, 30)
    assert values["is_enabled"] is True
    assert warnings == []


def test_location_payload_comes_from_the_same_table():
    values = trackonline.LOCATION.read(LOCATION_ROW)
    record = SimpleNamespace(**values)
    payload = trackonline.LOCATION.payload(record)
    assert payload["id"] == "7c1e"
    assert payload["number"] == "L-1" and payload["type"] == 5
    assert payload["emailAddress"] == "noord@example.com"
    assert payload["nameShort"] is None
    assert payload["isEnabled"] is True
    assert "createdOn" not in payload and "gps.latitude" not in payload, "read-only fields"


def test_unknown_code_is_kept_as_unknown_with_a_warning():
    warnings = []
    values = trackonline.LOCATION.read(dict(LOCATION_ROW, type=42), warnings.append)
    assert values["type"] == "unknown"
    assert warnings == ["unknown location type code 42 kept as unknown"]


@pytest.mark.parametrize("key, value, message", [
    ("name", {"unexpected": "x"}, "name: expected text, got an object"),
    ("geofence", "not-a-number", "geofence: expected a number"),
    ("gps", "52.3,4.8", "gps: expected an object"),
    ("tags", "a,b", "tags: expected a list"),
])
def test_a_value_of_the_wrong_type_names_its_key(key, value, message):
    with pytest.raises(RowError, match=message):
        trackonline.LOCATION.read(dict(LOCATION_ROW, **{key: value}))


def test_missing_required_keys():
    assert trackonline.LOCATION.missing({"id": "1"}) == ["number"]
    assert trackonline.LOCATION.missing({"id": "1", "number": 0}) == []
    assert trackonline.UNIQUE_ITEM.missing({"id": "1", "number": "U", "itemDefinition": {}}) \
        == ["itemDefinition"]


def test_transaction_read_gives_references_and_lines():
    row = {"id": "t1", "typeCode": 60, "statusCode": 35,
           "fromLocation": {"id": "a", "number": "L-1", "name": "One"},
           "toLocation": {"number": "L-2"}, "carrier": None,
           "transactionItems": [
               {"itemDefinition": {"id": "i", "number": "CRATE"}, "quantity": 4,
                "itemConditionType": 1},
               {"itemDefinition": None, "quantity": 1}]}
    values = trackonline.TRANSACTION.read(row)
    assert isinstance(values["from_location_id"], Ref)
    assert (values["from_location_id"].model, values["from_location_id"].key) == (
        "trackonline.location", "L-1")
    assert values["carrier_id"] is False
    assert values["line_ids"][0] == (5, 0, 0)
    first = values["line_ids"][1][2]
    assert first["quantity"] == 4 and first["condition"] == "1" and first["sequence"] == 0
    assert isinstance(first["item_definition_id"], Ref)
    assert values["line_ids"][2][2]["item_definition_id"] is False
    assert values["type_code"] == "60" and values["status_code"] == "35"


def test_transaction_items_not_a_list_is_a_row_error():
    with pytest.raises(RowError, match="transactionItems: expected a list"):
        trackonline.TRANSACTION.read({"id": "t1", "transactionItems": "CRATE x 4"})


def test_transaction_payload():
    location = SimpleNamespace(number="L-1")
    item = SimpleNamespace(number="CRATE", remote_id="i")
    line = SimpleNamespace(item_definition_id=item, quantity=0, quantity_planned=0,
                           condition="2")
    transaction = SimpleNamespace(
        remote_id=False, transaction_number=False, document_number="CMR-1",
        reference_number=False, status_code="0", type_code="60", from_location_id=location,
        to_location_id=location, carrier_id=False, date_transaction=datetime(2026, 3, 1),
        date_counterpart=False, license_plate=False, notes=False, line_ids=[line],
        trailer_number="TR-9", trip_number=False, internal_notes="Dock 4 only",
        scan_ids=[SimpleNamespace(code_type="10", code="871234")],
        packaging_label_numbers="P1, P2")
    payload = trackonline.transaction_payload(transaction)
    assert "id" not in payload
    assert payload["typeCode"] == 60 and payload["statusCode"] == 0
    assert payload["fromLocation"] == {"number": "L-1"} and payload["carrier"] is None
    assert payload["dateTransaction"] == "2026-03-01T00:00:00.000Z"
    assert payload["transactionItems"] == [{"itemDefinition": {"number": "CRATE"},
                                            "quantity": 0, "quantityPlanned": None,
                                            "itemConditionType": 2}]
    assert payload["scannedItems"] == [{"type": 10, "code": "871234"}]
    # "Gets or sets" in the document, editable on a draft: sent (before: left out, lost).
    assert (payload["trailerNumber"], payload["transactionTripNumber"],
            payload["internalNotes"]) == ("TR-9", None, "Dock 4 only")
    # the document's key
    assert payload["packagingLabelNumbers"] == [{"Number": "P1"}, {"Number": "P2"}]


def test_what_the_user_did_not_set_is_left_out():
    """An "Unknown code" went out as 0 (Start balance, New) and unset member limits as 0:
    now left out, as the document's example leaves them out; what is set goes as set."""
    location = SimpleNamespace(number="L-1")
    item = SimpleNamespace(number="CRATE", remote_id="i")
    line = SimpleNamespace(item_definition_id=item, quantity=1, quantity_planned=0,
                           condition="unknown")
    transaction = SimpleNamespace(
        remote_id="t", transaction_number="T1", document_number=False,
        reference_number=False, status_code="unknown", type_code="unknown",
        from_location_id=location, to_location_id=location, carrier_id=False,
        date_transaction=datetime(2026, 3, 1), date_counterpart=False, license_plate=False,
        trailer_number=False, trip_number=False, internal_notes=False, notes=False,
        line_ids=[line], scan_ids=[], packaging_label_numbers=False)
    payload = trackonline.transaction_payload(transaction)
    assert "typeCode" not in payload and "statusCode" not in payload
    assert "itemConditionType" not in payload["transactionItems"][0]
    unset = dict.fromkeys(("position", "maximum_balance", "minimum_balance",
                           "minimum_stock_collection", "maximum_flow_in", "minimum_flow_in",
                           "maximum_flow_out", "minimum_flow_out", "contract_cycle_time",
                           "lead_time", "active_from", "active_to"), False)
    member = SimpleNamespace(item_definition_id=item, **dict(unset, maximum_balance=60,
                                                             lead_time=2))
    configuration = SimpleNamespace(remote_id=False, name="Config123", member_ids=[member])
    assert trackonline.item_configuration_payload(configuration)["members"] == [
        {"itemDefinitionId": "i", "number": "CRATE", "maximumBalance": 60, "leadTime": 2}]
    location = dict.fromkeys((field.name for field in trackonline.LOCATION.fields), False)
    location.update(type="0", remote_id=False)
    assert trackonline.LOCATION.payload(SimpleNamespace(**location))["type"] == 0, \
        "Unknown (0) is a code of the document"


def test_stub_reads_only_the_embedded_fields():
    stub = trackonline.ITEM_DEFINITION.stub({"id": "i", "number": "CRATE", "type": "Crate"})
    assert stub == {"remote_id": "i", "number": "CRATE", "name": "CRATE", "code": False,
                    "type": "6"}


def test_iot_measurement_keyed_by_device_and_time():
    row = {"timestamp": "2026-03-01T08:00:00Z", "temperature": 4.5,
           trackonline.IOT_DEVICE_KEY: "dev-1"}
    values = trackonline.IOT_MEASUREMENT.read(row)
    assert values["remote_id"] == "dev-1|2026-03-01T08:00:00Z"
    assert values["device_id"].by == "remote_id" and values["device_id"].key == "dev-1"


def test_opuscapita_event_variants():
    flat = opuscapita.EVENT.read({"id": 5, "status": "Error", "sender": "FI123",
                                  "senderName": "Acme", "eventTime": "2026-03-01T08:00:00Z"})
    nested = opuscapita.EVENT.read({"id": "6", "state": "Delivered",
                                    "sender": {"id": "FI123", "name": "Acme"},
                                    "receiverId": "SE9"})
    assert flat["remote_id"] == "5" and flat["status"] == "Error"
    assert (flat["sender_ref"], flat["sender_name"]) == ("FI123", "Acme")
    assert flat["event_time"] == datetime(2026, 3, 1, 8)
    assert (nested["sender_ref"], nested["sender_name"], nested["receiver_ref"]) == (
        "FI123", "Acme", "SE9")
    assert nested["status"] == "Delivered"
    assert '"state": "Delivered"' in nested["raw"]
    with pytest.raises(RowError, match="status: expected text"):
        opuscapita.EVENT.read({"id": "7", "status": {"unexpected": "x"}})


def test_trackline_process_and_document():
    process = trackline.PROCESS.read({"process_id": "10000", "name": "", "status": "Open",
                                      "created_at": "2024-02-09T10:30:00Z"})
    assert process == {"remote_id": "10000", "name": "10000", "status": "Open",
                       "created_at": datetime(2024, 2, 9, 10, 30)}
    document = trackline.DOCUMENT.read({"doc_id": "d1", "doc_name": "a.pdf",
                                        "doc_type": False})
    assert document == {"remote_id": "d1", "name": "a.pdf", "doc_type": False}


def test_sage50_customer_read():
    values = sage50.CUSTOMER.read({"id": "C-1", "firstName": "Lucía", "lastName": "Martín",
                                   "idNumber": "ES1", "addresses": [{"city": "Madrid"}]})
    assert values == {"remote_id": "C-1", "name": "Lucía Martín", "email": False,
                      "vat": "ES1", "street": False, "street2": False, "city": "Madrid",
                      "zip": False, "phone": False}
    assert sage50.CUSTOMER.read({"id": "C-2", "email": "a@b.c"})["name"] == "a@b.c"
    assert sage50.CUSTOMER.read({"id": "C-3"})["name"] == "C-3"


def test_sage50_customer_whose_addresses_is_text_names_the_field():
    with pytest.raises(RowError, match="addresses: expected a list"):
        sage50.CUSTOMER.read({"id": "C-1", "addresses": "Calle Mayor 1, Madrid"})


def test_absent_keys_names_keys_most_rows_lack():
    entity = Entity("thing", [Field("name", "name"), Field("city", "address.city"),
                              Field("code", "code", fallback="oldCode"), Field("raw", "")])
    rows = [{"name": "a", "address": {"city": None}, "oldCode": "x"},
            {"name": "b", "address": {}, "code": "y"},
            {"nom": "c", "address": {}}]
    assert entity.absent_keys(rows) == ["address.city"]
    assert entity.absent_keys(rows, share=0.2) == ["name", "address.city", "code"]
    assert entity.absent_keys([]) == []
    optional = Entity("thing", [Field("name", "name"), Field("trip", "tripId", optional=True)])
    assert optional.absent_keys(rows) == [], "a key the document does not give is no drift"
    assert optional.read({"name": "a", "tripId": "T-1"})["trip"] == "T-1"


def test_drift_names_absent_keys_and_wrong_types_of_most_rows():
    entity = Entity("thing", [Field("name", "name"), Field("count", "count", INTEGER)])
    rows = [{"name": "a", "count": "many"}, {"count": "lots"}, {"count": [1]},
            {"count": 2}, {"name": "e", "count": {}}]
    assert entity.drift(rows) == (["name"], ["count"])
    assert entity.drift(rows[:4]) == ([], []), "too few rows to tell"
    assert entity.drift(rows[3:4] * 5) == (["name"], [])


def test_absent_keys_of_fields_read_from_the_whole_row():
    rows = [{"id": "e%d" % n, "docNo": "x"} for n in range(4)] + [{"id": "e9",
                                                                    "documentId": "y"}]
    assert "documentNumber or documentId or docNumber" in opuscapita.EVENT.absent_keys(rows)
    assert "sender or senderId" in opuscapita.EVENT.absent_keys(rows)
    customers = [{"id": "C-%d" % n, "firstName": "n", "email": "", "idNumber": ""}
                 for n in range(5)]
    assert sage50.CUSTOMER.absent_keys(customers) == ["addresses"]


def test_transaction_documents_are_read_in_any_shape_the_document_allows():
    """``transactionDocuments``: "public documents (url)", of a data model the document does
    not give: objects with a URL under a few names, one object, or URLs."""
    row = {"transactionDocuments": [
        {"name": "CMR 12", "url": "https://docs.example.com/cmr/12.pdf"},
        {"DocumentUrl": "https://docs.example.com/pod/12.pdf"},
        "http://docs.example.com/photo.jpg",
        {"name": "Script", "url": "javascript:alert(1)"},
        {"name": "CMR 12 again", "url": "https://docs.example.com/cmr/12.pdf"},
        42]}
    assert trackonline.transaction_documents(row) == [
        ("CMR 12", "https://docs.example.com/cmr/12.pdf"),
        ("12.pdf", "https://docs.example.com/pod/12.pdf"),
        ("photo.jpg", "http://docs.example.com/photo.jpg")]
    assert trackonline.transaction_documents({"transactionDocuments": {
        "url": "https://x.example/a.pdf", "type": "CMR"}}) == [("CMR", "https://x.example/a.pdf")]
    assert trackonline.transaction_documents({"transactionDocuments": []}) == []
    assert trackonline.transaction_documents({}) is None, "not carried: left as they are"


def test_a_record_trackonline_holds_is_sent_as_held_with_the_changes_only():
    """``sent_over_held``: the record as TrackOnline gave it, unknown keys included, with
    the keys the user changed as Odoo builds them (in any case: ``barCode`` is replaced by
    ``barcode``), a changed list merged entry by entry, fetch-only keys left out."""
    held = {"id": "u1", "number": "U1", "barCode": "B-OLD", "notes": "n", "ownerCode": "X",
            "lastKnownPosition": {"latitude": 1}, "createdOn": "2026-01-01T00:00:00Z",
            "bleCode": "BLE-1"}
    payload = {"id": "u1", "number": "U1", "barcode": "B-NEW", "notes": "ours"}
    sent = trackonline.sent_over_held("uniqueitem", held, payload, ["barcode", "bleCode"])
    assert sent == {"id": "u1", "number": "U1", "barcode": "B-NEW", "notes": "n",
                    "ownerCode": "X"}, "bleCode left out by Odoo: emptied by the user"
    label = {"id": "p1", "number": "PL1", "createdOn": "x", "extra": 1,
             "packagingNonSerializedItems": [
                 {"itemDefinition": {"id": "d1", "number": "CC1"}, "quantity": 5,
                  "createdOn": "y", "lot": "L-7"}]}
    sent = trackonline.sent_over_held(
        "packaginglabel", label,
        {"id": "p1", "packagingNonSerializedItems": [
            {"itemDefinition": {"number": "CC1"}, "quantity": 9},
            {"itemDefinition": {"number": "CC2"}, "quantity": 1}]},
        ["packagingNonSerializedItems"])
    assert sent == {"id": "p1", "number": "PL1", "extra": 1, "packagingNonSerializedItems": [
        {"itemDefinition": {"number": "CC1"}, "quantity": 9, "lot": "L-7"},
        {"itemDefinition": {"number": "CC2"}, "quantity": 1}]}
    assert "createdOn" in label, "what was held is not changed"


def test_a_customer_sage_holds_keeps_what_odoo_does_not_read():
    held = {"id": "C-1", "firstName": "A", "lastName": "B", "email": "old@x", "tax": "EX",
            "Currency": "USD", "addresses": [{"id": "S1", "address1": "Old 1", "region": "R"},
                                             {"id": "S2"}]}
    record = {"id": "C-1", "idNumber": "", "firstName": "A", "lastName": "C",
              "email": "new@x", "type": "person", "currency": "EUR", "tax": "",
              "timestamp": "t", "addresses": [{
                  "id": "ADDR-1", "contactName": "A C", "address1": "New 2", "address2": "",
                  "city": "Z", "country": "", "state": "", "region": "", "postCode": "1",
                  "telephone1": "", "telephone2": "", "timestamp": "t"}]}
    sent = sage50.customer_over_held(held, record)
    assert (sent["lastName"], sent["email"], sent["tax"], sent["Currency"]) == (
        "C", "new@x", "EX", "USD")
    assert "currency" not in sent and "type" not in sent
    assert sent["addresses"] == [
        {"id": "S1", "region": "R", "timestamp": "t", "address1": "New 2", "address2": "",
         "city": "Z", "postCode": "1", "telephone1": ""}, {"id": "S2"}]
    fresh = sage50.customer_over_held({"id": "C-1"}, record)
    assert fresh["addresses"] == record["addresses"], "no address held: Odoo's"
