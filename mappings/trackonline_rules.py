"""What TrackOnline's document (seeds/trackonline-external-api.txt) says a record it saves must
be, checked on the payload of one record before it is sent (``problems``): the longest text of
each key ("maxLength"), the keys it marks required ("*"), the ranges it gives numbers, a
delivery date not before the shipping date, and the transaction types its POST list takes.

A record that breaks one of them is refused in Odoo, alone, before any call: sent, it would
make TrackOnline answer 400 for its whole batch. Nothing is trimmed to fit (a number cut short
can name another record). The checks read the payload, whatever builds it; keys are compared
in any case (the API reads them so: ``barcode`` is ``barCode``)."""

from collections import namedtuple

from .dates import parse_datetime
from .trackonline_codes import NOT_SENDABLE_TYPES

# "a[].b": the key ``b`` of each object of the list ``a``; "a.b": ``b`` in the object ``a``.
_EXTERNAL = {"externalNumbers[].source": 30, "externalNumbers[].number": 30}
MAX_LENGTHS = {
    "location": dict({
        "number": 25, "name": 50, "nameShort": 15, "addressLine": 100, "postalCode": 15,
        "city": 30, "stateOrProvince": 30, "country": 50, "telephone": 30, "mobile": 30,
        "emailAddress": 200, "globalLocationNumber": 50, "chamberOfCommerceNumber": 50,
        "vatNumber": 50, "legalEntityIdentifier": 50}, **_EXTERNAL),
    "itemdefinition": dict({"number": 25, "name": 50, "code": 6, "gS1Code": 50}, **_EXTERNAL),
    "itemconfiguration": {"name": 50},
    "uniqueitem": {"number": 100, "barCode": 100, "epcCode": 100, "bleCode": 100,
                   "deviceIds[].deviceId": 200},
    "packaginglabel": {"number": 30},
    "transaction": {"transactionNumber": 50},
}
REQUIRED = {
    "location": ("number", "name", "type"),
    "itemdefinition": ("number", "name", "code", "type"),
    "itemconfiguration": ("name", "members", "members[].itemDefinitionId"),
    "uniqueitem": ("number", "itemDefinition"),
    "packaginglabel": ("number", "expirationOn"),
}
_DIMENSION = (0, 9999.99)
RANGES = {
    "location": {"gps.latitude": (-90, 90), "gps.longitude": (-180, 180)},
    "itemdefinition": {key: _DIMENSION for key in ("length", "width", "height", "weight",
                                                   "volume")},
}

# One broken rule: ``key`` (as in the tables above), ``rule`` ("length", "required",
# "range", "dates", "type"), ``limit`` (a length, a (low, high) range, the other date's key)
# and ``value`` (the length found, the number found, the type code).
Problem = namedtuple("Problem", "key rule limit value")


def _get(value, part):
    """``value[part]`` with the key in any case; None when absent."""
    if not isinstance(value, dict):
        return None
    if part in value:
        return value[part]
    lower = part.lower()
    return next((item for key, item in value.items() if str(key).lower() == lower), None)


def values_at(payload, path):
    """The values at ``path`` in ``payload`` (see the tables' keys): one for a plain or
    dotted key, one per object of a list for "a[].b"; None where absent."""
    values = [payload]
    for part in path.split("."):
        many = part.endswith("[]")
        part = part.removesuffix("[]")
        found = []
        for value in values:
            item = _get(value, part)
            if many:
                item = [item] if isinstance(item, dict) else item
                found.extend(item if isinstance(item, list) else [])
            else:
                found.append(item)
        values = found
    return values


def _empty(value):
    return value is None or value is False or value == "" or value == []


def problems(resource, payload):
    """The rules of the document that ``payload`` (one record of ``resource``: "location",
    "transaction"…) breaks, as ``Problem``s; empty when TrackOnline may take it."""
    found = []
    for key in REQUIRED.get(resource, ()):
        if "[]" in key and all(_empty(value)
                               for value in values_at(payload, key.split("[]", 1)[0])):
            continue  # no list at all: its own key says so
        values = values_at(payload, key)
        if not values or any(_empty(value) for value in values):
            found.append(Problem(key, "required", None, None))
    for key, limit in MAX_LENGTHS.get(resource, {}).items():
        longest = max((len(value) for value in values_at(payload, key)
                       if isinstance(value, str)), default=0)
        if longest > limit:
            found.append(Problem(key, "length", limit, longest))
    for key, (low, high) in RANGES.get(resource, {}).items():
        for value in values_at(payload, key):
            if isinstance(value, (int, float)) and not isinstance(value, bool) \
                    and not low <= value <= high:
                found.append(Problem(key, "range", (low, high), value))
    if resource == "transaction":
        found.extend(_transaction_problems(payload))
    return found


def _transaction_problems(payload):
    found = []
    shipping = parse_datetime(_get(payload, "dateTransaction"))
    delivery = parse_datetime(_get(payload, "dateTransactionCounterpart"))
    if shipping and delivery and delivery < shipping:
        # "If it is before the transaction date the transaction will not be saved."
        found.append(Problem("dateTransactionCounterpart", "dates", "dateTransaction",
                             delivery))
    type_code = _get(payload, "typeCode")
    if type_code is not None and str(type_code) in NOT_SENDABLE_TYPES:
        found.append(Problem("typeCode", "type", None, str(type_code)))
    return found
