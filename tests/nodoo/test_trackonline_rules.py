"""The document's rules checked on a payload before it is sent (``mappings/trackonline_rules``),
without Odoo: lengths, required keys, ranges, dates, types."""

from types import SimpleNamespace

from mappings import trackonline
from mappings.trackonline_rules import MAX_LENGTHS, Problem, problems, values_at


def rules_of(found):
    return {(problem.key, problem.rule) for problem in found}


def test_the_documents_lengths_are_the_tables():
    """The lengths of the brief, read again in the document (and those it adds)."""
    location = MAX_LENGTHS["location"]
    assert (location["number"], location["nameShort"], location["city"],
            location["telephone"], location["name"]) == (25, 15, 30, 30, 50)
    assert MAX_LENGTHS["transaction"]["transactionNumber"] == 50
    assert MAX_LENGTHS["uniqueitem"]["number"] == 100
    assert MAX_LENGTHS["uniqueitem"]["deviceIds[].deviceId"] == 200
    assert MAX_LENGTHS["packaginglabel"]["number"] == 30
    assert MAX_LENGTHS["itemconfiguration"]["name"] == 50
    assert (location["postalCode"], location["emailAddress"], location["addressLine"]) == (
        15, 200, 100)


def test_a_valid_location_breaks_nothing():
    payload = {"number": "L" * 25, "name": "N" * 50, "type": 0, "city": "C" * 30}
    assert problems("location", payload) == []


def test_one_character_too_many_is_named_with_its_limit():
    payload = {"number": "L-1", "name": "Depot", "type": 1, "city": "C" * 31,
               "telephone": "0" * 31}
    assert set(problems("location", payload)) == {Problem("city", "length", 30, 31),
                                                  Problem("telephone", "length", 30, 31)}


def test_required_keys_empty_or_absent():
    assert rules_of(problems("location", {"number": "", "name": None})) == {
        ("number", "required"), ("name", "required"), ("type", "required")}
    assert rules_of(problems("packaginglabel", {"number": "P1"})) == {
        ("expirationOn", "required")}


def test_keys_in_lists_and_in_any_case():
    payload = {"number": "U1", "itemDefinition": {"number": "CRATE"},
               "barcode": "b" * 101, "deviceIds": [{"deviceId": "d1"}, {"deviceId": "d" * 201}]}
    assert set(problems("uniqueitem", payload)) == {
        Problem("barCode", "length", 100, 101), Problem("deviceIds[].deviceId", "length", 200,
                                                        201)}
    assert values_at({"deviceIds": {"deviceId": "x"}}, "deviceIds[].deviceId") == ["x"]


def test_a_member_without_its_item_definitions_id():
    config = {"name": "C", "members": [{"itemDefinitionId": "A7B8"}, {"itemDefinitionId": False}]}
    assert rules_of(problems("itemconfiguration", config)) == {
        ("members[].itemDefinitionId", "required")}
    assert rules_of(problems("itemconfiguration", {"name": "C"})) == {("members", "required")}


def test_ranges():
    payload = {"number": "L", "name": "N", "type": 1,
               "gps": {"latitude": 91.0, "longitude": 4.9}}
    assert problems("location", payload) == [Problem("gps.latitude", "range", (-90, 90), 91.0)]


def test_a_transaction_delivered_before_it_ships_and_a_type_trackonline_keeps():
    payload = {"transactionNumber": "T" * 51, "typeCode": 80,
               "dateTransaction": "2026-03-02T00:00:00.000Z",
               "dateTransactionCounterpart": "2026-03-01T23:59:00.000Z"}
    assert rules_of(problems("transaction", payload)) == {
        ("transactionNumber", "length"), ("typeCode", "type"),
        ("dateTransactionCounterpart", "dates")}
    same_day = dict(payload, transactionNumber="T1", typeCode=60,
                    dateTransactionCounterpart="2026-03-02T00:00:00.000Z")
    assert problems("transaction", same_day) == []


def test_the_payload_the_mapping_builds_is_checked():
    location = SimpleNamespace(
        number="ODOO-" + "9" * 25, name="Depot", name_short=False, type="1",
        address_line=False, postal_code=False, city=False, country=False, telephone=False,
        mobile=False, email=False, gln=False, vat=False, is_enabled=True, remote_id=False)
    assert problems("location", trackonline.LOCATION.payload(location)) == [
        Problem("number", "length", 25, 30)]


def test_a_contacts_reference_is_never_cut_to_fit():
    """Cut to 25 characters, two references could become one location number."""
    partner = SimpleNamespace(name="Depot", ref="CUSTOMER-REFERENCE-0000000001", id=7,
                              street=False, zip=False, city=False, country_id=SimpleNamespace(
                                  name=False), phone=False, mobile=False, email=False,
                              vat=False)
    assert trackonline.new_location_from(partner)["number"] == partner.ref
