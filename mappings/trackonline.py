"""TrackOnline's records in Odoo and back: one table per entity (see ``fields``). A field
marked ``send`` is written in the payload of a record sent to TrackOnline; ``stub`` fields
are read for a record known only from an object embedded in another one."""

import copy

from . import trackonline_codes as codes
from .fields import (
    DATETIME,
    ENABLED,
    FLAG,
    INTEGER,
    NUMBER,
    OPTIONAL_INTEGER,
    TAGS,
    UNCHANGED,
    Code,
    Entity,
    Field,
    Kind,
    Reference,
    RowError,
    SetOnly,
    items,
    pop_any_case,
)
from .settings import comma_list

SET_INTEGER = SetOnly(INTEGER)
SET_DATETIME = SetOnly(DATETIME)


class Lines(Kind):
    """A list of embedded objects kept as an Odoo one2many replaced as a whole
    (``[(5,), (0, 0, values)…]``); the importer leaves the lines unchanged when they are the
    same, and drops a line whose required reference it cannot resolve. A row without the
    list (absent or null: an answer that leaves details out) leaves the lines as they are;
    an empty list empties them."""

    def __init__(self, entity):
        self.entity = entity

    def read(self, value, key, warn):
        if value is None:
            return UNCHANGED
        rows = items({key: value}, key)
        return [(5, 0, 0)] + [(0, 0, dict(self.entity.read_line(row, warn), sequence=position)
                                  if self.entity.sequence else self.entity.read_line(row, warn))
                              for position, row in enumerate(rows)]


class LineEntity(Entity):
    """The entity of a line: no remote id of its own."""

    def __init__(self, description, fields, sequence=False):
        super().__init__(description, fields, required=())
        self.sequence = sequence

    def read_line(self, row, warn):
        return {field.name: field.kind.read(field.get(row), field.key, warn)
                for field in self.fields}


class DeviceIds(Kind):
    """``deviceIds``: the document shows both an object and a list of objects."""

    def read(self, value, key, warn):
        if value in (None, ""):
            return False
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list):
            raise RowError("%s: expected a list, got %s" % (key, type(value).__name__))
        devices = [str(item.get("deviceId")) for item in value
                   if isinstance(item, dict) and item.get("deviceId")]
        return ", ".join(devices) or False

    def write(self, value):
        return [{"deviceId": device} for device in comma_list(value)]


class LabelType(Kind):
    """A packaging label's type: 1 (SSCC) or 0 (custom); the document also writes names."""

    def read(self, value, key, warn):
        return "1" if str(value).strip().lower() in ("1", "sscc") else "0"

    def write(self, value):
        return int(value or 0)


class SerializedItems(Kind):
    """A label's serialized unique items (``[{"uniqueItem": {"number": …}}]``; the
    document's example writes ``item``) as a many2many; items not mirrored yet are left out
    (no stub: a unique item needs more)."""

    def read(self, value, key, warn):
        refs = [Reference("trackonline.unique.item").read(
                    entry.get("uniqueItem") or entry.get("item"), key, warn)
                for entry in items({key: value}, key)]
        return [(6, 0, [ref for ref in refs if ref])]


class MemberItem(Kind):
    """An item configuration member names its item definition with keys of its own
    (``itemDefinitionId``, ``number``, ``name``, ``type``)."""

    def read(self, value, key, warn):
        return Reference("trackonline.item.definition").read(
            {"id": value.get("itemDefinitionId"), "number": value.get("number"),
             "name": value.get("name"), "type": value.get("type")}, key, warn)


LOCATION = Entity("location", [
    Field("number", "number", send=True, stub=True),
    Field("name", "name", send=True, fallback="number", stub=True),
    Field("name_short", "nameShort", send=True),
    Field("type", "type", Code(codes.LOCATION_TYPES, "location type", default="0"), send=True,
          stub=True),
    Field("hierarchy_level", "hierarchyLevel", Code(codes.HIERARCHY_LEVELS, "hierarchy level")),
    Field("parent_number", "parentNumber"),
    Field("parent_name", "parentName"),
    Field("address_line", "addressLine", send=True),
    Field("postal_code", "postalCode", send=True),
    Field("city", "city", send=True),
    Field("state_or_province", "stateOrProvince"),
    Field("country", "country", send=True),
    Field("telephone", "telephone", send=True),
    Field("mobile", "mobile", send=True),
    Field("email", "emailAddress", send=True),
    Field("gln", "globalLocationNumber", send=True),
    Field("coc_number", "chamberOfCommerceNumber"),
    Field("vat", "vatNumber", send=True),
    Field("lei", "legalEntityIdentifier"),
    Field("latitude", "gps.latitude", NUMBER),
    Field("longitude", "gps.longitude", NUMBER),
    Field("gps_radius", "gps.radius", INTEGER),
    Field("language", "languageId", Code(codes.LANGUAGES, "language")),
    Field("geofence", "geofence", INTEGER),
    Field("balance_operation_mode", "balanceOperationMode",
          Code(codes.BALANCE_MODES, "balance operation mode")),
    Field("is_enabled", "isEnabled", ENABLED, send=True),
    Field("tags", "tags", TAGS),
    Field("website_url", "websiteUrl"),
    Field("created_on", "createdOn", DATETIME),
    Field("modified_on", "modifiedOn", DATETIME),
], required=("id", "number"))

ITEM_DEFINITION = Entity("item definition", [
    Field("number", "number", stub=True),
    Field("name", "name", fallback="number", stub=True),
    Field("code", "code", stub=True),
    Field("type", "type", Code(codes.ITEM_TYPES, "item type", default="0"), stub=True),
    Field("gs1_code", "gS1Code"),
    Field("base_price", "basePrice", NUMBER),
    Field("dim_length", "length", NUMBER),
    Field("dim_width", "width", NUMBER),
    Field("dim_height", "height", NUMBER),
    Field("weight", "weight", NUMBER),
    Field("volume", "volume", NUMBER),
    Field("truck_spaces", "numberOfTruckSpaces", INTEGER),
    Field("max_stack_height", "maxStackHeight", INTEGER),
    Field("max_truck_load", "maxTruckLoad", INTEGER),
    Field("standard_order_quantity", "standardOrderQuantity", INTEGER),
    Field("is_enabled", "isEnabled", ENABLED),
    Field("created_on", "createdOn", DATETIME),
    Field("modified_on", "modifiedOn", DATETIME),
], required=("id", "number"))

# What the user did not set (a limit of 0, no dates) is left out, as the document's example
# leaves it out (``SET_INTEGER``, ``SET_DATETIME``).
ITEM_CONFIGURATION_MEMBER = LineEntity("item configuration member", [
    Field("item_definition_id", "", MemberItem()),
    Field("position", "position", SET_INTEGER, send=True),
    Field("maximum_balance", "maximumBalance", SET_INTEGER, send=True),
    Field("minimum_balance", "minimumBalance", SET_INTEGER, send=True),
    Field("minimum_stock_collection", "minimumStockCollection", SET_INTEGER, send=True),
    Field("maximum_flow_in", "maximumFlowIn", SET_INTEGER, send=True),
    Field("minimum_flow_in", "minimumFlowIn", SET_INTEGER, send=True),
    Field("maximum_flow_out", "maximumFlowOut", SET_INTEGER, send=True),
    Field("minimum_flow_out", "minimumFlowOut", SET_INTEGER, send=True),
    Field("contract_cycle_time", "contractCycleTime", SET_INTEGER, send=True),
    Field("lead_time", "leadTime", SET_INTEGER, send=True),
    Field("active_from", "activeFrom", SET_DATETIME, send=True),
    Field("active_to", "activeTo", SET_DATETIME, send=True),
])

ITEM_CONFIGURATION = Entity("item configuration", [
    Field("name", "name", send=True),
    Field("member_ids", "members", Lines(ITEM_CONFIGURATION_MEMBER)),
], required=("id", "name"))

UNIQUE_ITEM = Entity("unique item", [
    Field("number", "number", send=True),
    Field("barcode", "barCode", fallback="barcode"),
    Field("epc_code", "epcCode", send=True),
    Field("ble_code", "bleCode", send=True),
    Field("item_definition_id", "itemDefinition", Reference("trackonline.item.definition"),
          send=True),
    Field("device_ids_text", "deviceIds", DeviceIds(), send=True),
    Field("location_id", "lastKnownLocation", Reference("trackonline.location")),
    Field("latitude", "lastKnownPosition.latitude", NUMBER),
    Field("longitude", "lastKnownPosition.longitude", NUMBER),
    Field("temperature", "lastKnownTemperature", NUMBER),
    Field("last_transaction_remote_id", "lastKnownTransactionId"),
    Field("first_seen", "firstSeen", DATETIME),
    Field("last_seen", "lastSeen", DATETIME),
    Field("created_on", "createdOn", DATETIME),
    Field("notes", "notes", send=True),
    Field("is_deleted", "isDeleted", FLAG),
], required=("id", "number", "itemDefinition"))

PACKAGING_LABEL_LINE = LineEntity("packaging label item", [
    Field("item_definition_id", "itemDefinition", Reference("trackonline.item.definition"),
          send=True),
    Field("quantity", "quantity", INTEGER, send=True),
])

PACKAGING_LABEL = Entity("packaging label", [
    Field("number", "number", send=True),
    Field("label_type", "type", LabelType(), send=True),
    Field("expiration_on", "expirationOn", DATETIME, send=True),
    Field("is_enabled", "isEnabled", ENABLED, send=True),
    Field("created_on", "createdOn", DATETIME),
    Field("line_ids", "packagingNonSerializedItems", Lines(PACKAGING_LABEL_LINE)),
    Field("unique_item_ids", "packagingSerializedItems", SerializedItems()),
], required=("id", "number", "expirationOn"))

TRANSACTION_LINE = LineEntity("transaction item", [
    Field("item_definition_id", "itemDefinition", Reference("trackonline.item.definition"),
          send=True),
    Field("quantity", "quantity", INTEGER, send=True),
    Field("quantity_planned", "quantityPlanned", OPTIONAL_INTEGER, send=True),
    Field("condition", "itemConditionType", Code(codes.CONDITIONS, "item condition",
                                                 default="0"), send=True),
], sequence=True)

TRANSACTION = Entity("transaction", [
    Field("transaction_number", "transactionNumber", send=True),
    Field("document_number", "documentNumber", send=True),
    Field("reference_number", "referenceNumber", send=True),
    Field("status_code", "statusCode", Code(codes.TRANSACTION_STATUSES, "transaction status"),
          send=True),
    Field("type_code", "typeCode", Code(codes.TRANSACTION_TYPES, "transaction type",
                                        default="99"), send=True),
    Field("from_location_id", "fromLocation", Reference("trackonline.location"), send=True),
    Field("to_location_id", "toLocation", Reference("trackonline.location"), send=True),
    Field("carrier_id", "carrier", Reference("trackonline.location"), send=True),
    Field("contractor_id", "contractor", Reference("trackonline.location")),
    Field("date_transaction", "dateTransaction", DATETIME, send=True),
    Field("date_counterpart", "dateTransactionCounterpart", DATETIME, send=True),
    Field("license_plate", "licensePlate", send=True),
    Field("trailer_number", "trailerNumber", send=True),
    Field("trip_number", "transactionTripNumber", send=True),
    # The trip's GUID, which the trip call wants: not in the document's transaction model,
    # read where an answer gives it (our reading of its name).
    Field("trip_id", "transactionTripId", fallback="transactionTrip.id", optional=True),
    Field("dock_number", "dockNumber"),
    Field("area", "area"),
    Field("notes", "notes", send=True),
    Field("internal_notes", "internalNotes", send=True),
    Field("created_on", "createdOn", DATETIME),
    Field("modified_on", "modifiedOn", DATETIME),
    Field("processed_on", "processedOn", DATETIME),
    Field("is_deleted", "isDeleted", FLAG),
    Field("line_ids", "transactionItems", Lines(TRANSACTION_LINE)),
])

BATCH_CALCULATION = Entity("batch calculation", [
    Field("number", "number"),
    Field("description", "description", fallback="name"),
    Field("period_from", "periodFrom", DATETIME),
    Field("period_to", "periodTo", DATETIME),
    Field("status", "status"),
    Field("created_on", "createdOn", DATETIME),
], required=("id", "number"))

IOT_DEVICE = Entity("IoT device", [
    Field("unique_item_number", "itemNumber"),
    Field("item_definition_remote_id", "itemDefinitionId"),
    Field("location_remote_id", "locationId"),
    Field("latitude", "lastKnownPosition.latitude", NUMBER),
    Field("longitude", "lastKnownPosition.longitude", NUMBER),
    Field("temperature", "lastKnownTemperature", NUMBER),
    Field("last_seen", "lastSeen", DATETIME),
], required=("deviceId",), remote_id="deviceId")


# A transaction's public documents (``transactionDocuments``: CMRs and other papers): the
# document refers to a "transactionDocument data model" it does not give. Read: a list of
# objects (or one object), the URL and the name under any of these keys; or a list of URLs.
DOCUMENT_URL_KEYS = ("url", "documentUrl", "publicUrl", "link", "uri", "href")
DOCUMENT_NAME_KEYS = ("name", "documentName", "fileName", "title", "description", "type")


def transaction_documents(row):
    """``(name, url)`` of each public document of a transaction row, in its order, without
    repeats; None when the row does not carry the list (the documents are left as they are).
    Only http(s) URLs are kept (a link a user opens)."""
    value = row.get("transactionDocuments") if isinstance(row, dict) else None
    if value is None:
        return None
    entries = [value] if isinstance(value, (dict, str)) else value if isinstance(
        value, list) else []
    documents = {}
    for entry in entries:
        if isinstance(entry, str):
            url, name = entry, None
        elif isinstance(entry, dict):
            lower = {str(key).lower(): item for key, item in entry.items()}
            url = next((lower[key.lower()] for key in DOCUMENT_URL_KEYS
                        if isinstance(lower.get(key.lower()), str)), None)
            name = next((lower[key.lower()] for key in DOCUMENT_NAME_KEYS
                         if isinstance(lower.get(key.lower()), str) and lower[key.lower()]),
                        None)
        else:
            continue
        url = (url or "").strip()
        if url.lower().startswith(("https://", "http://")) and url not in documents:
            documents[url] = (name or url.rsplit("/", 1)[-1] or url)[:200]
    return [(name, url) for url, name in documents.items()]


def iot_device_rows(rows):
    """The IoT devices of a page of ``iot/item``, whose answer the document does not give
    (its filters are a unique item's): a row with a ``deviceId`` is a device as it is; a
    unique item gives one device per entry of its ``deviceIds`` (an object or a list)."""
    devices = []
    for row in rows:
        ids = row.get("deviceIds") if isinstance(row, dict) and "deviceId" not in row else None
        if ids is None:
            devices.append(row)
            continue
        definition, location = (row.get(key) if isinstance(row.get(key), dict) else {}
                                for key in ("itemDefinition", "lastKnownLocation"))
        for device in [ids] if isinstance(ids, dict) else ids if isinstance(ids, list) else []:
            if isinstance(device, dict) and device.get("deviceId") not in (None, ""):
                devices.append({
                    "deviceId": str(device["deviceId"]), "itemNumber": row.get("number"),
                    "itemDefinitionId": definition.get("id"), "locationId": location.get("id"),
                    "lastKnownPosition": row.get("lastKnownPosition"),
                    "lastKnownTemperature": row.get("lastKnownTemperature"),
                    "lastSeen": row.get("lastSeen")})
    return devices


# The importer adds the device a measurement was read for under this key.
IOT_DEVICE_KEY = "odooDeviceRemoteId"


class MeasurementKey(Kind):
    """A measurement's key: its device and its time."""

    def read(self, value, key, warn):
        return "%s|%s" % (value[IOT_DEVICE_KEY], value["timestamp"])


IOT_MEASUREMENT = Entity("IoT measurement", [
    Field("remote_id", "", MeasurementKey()),
    Field("device_id", IOT_DEVICE_KEY, Reference("trackonline.iot.device",
                                                 by_remote_id=True)),
    Field("measured_at", "timestamp", DATETIME),
    Field("temperature", "temperature", NUMBER),
    Field("latitude", "latitude", NUMBER),
    Field("longitude", "longitude", NUMBER),
], required=("timestamp",), remote_id="timestamp")

# The document gives no balance answer: the location and the item definition may come as
# objects or as numbers, under these keys or ``locationNumber``/``itemDefinitionNumber``.
BALANCE = Entity("balance", [
    Field("location_id", "location", Reference("trackonline.location"),
          fallback="locationNumber"),
    Field("item_definition_id", "itemDefinition", Reference("trackonline.item.definition"),
          fallback="itemDefinitionNumber"),
    Field("balance", "balance", INTEGER, fallback="quantity"),
], required=(), remote_id=None)


# -- payloads with a shape of their own ------------------------------------------------------

def transaction_payload(transaction):
    """A transaction as TrackOnline's POST wants it: the table's fields, its item lines,
    scanned codes and packaging label numbers (which TrackOnline turns into items)."""
    payload = TRANSACTION.payload(transaction)
    payload["transactionItems"] = [TRANSACTION_LINE.payload(line)
                                   for line in transaction.line_ids]
    scans = [{"type": int(scan.code_type), "code": scan.code} for scan in transaction.scan_ids]
    if scans:
        payload["scannedItems"] = scans
    labels = comma_list(transaction.packaging_label_numbers)
    if labels:
        # "Number", as the document writes it (the API reads keys in any case).
        payload["packagingLabelNumbers"] = [{"Number": number} for number in labels]
    return payload


def item_configuration_payload(configuration):
    payload = ITEM_CONFIGURATION.payload(configuration)
    payload["members"] = [dict(ITEM_CONFIGURATION_MEMBER.payload(member),
                               itemDefinitionId=member.item_definition_id.remote_id,
                               number=member.item_definition_id.number)
                          for member in configuration.member_ids]
    return payload


def unique_item_payload(item):
    payload = UNIQUE_ITEM.payload(item)
    payload["barcode"] = item.barcode or None
    if item.location_id:
        payload["lastKnownLocation"] = {"number": item.location_id.number}
    return payload


def packaging_label_payload(label):
    payload = PACKAGING_LABEL.payload(label)
    payload["packagingNonSerializedItems"] = [PACKAGING_LABEL_LINE.payload(line)
                                              for line in label.line_ids]
    payload["packagingSerializedItems"] = [{"uniqueItem": {"number": item.number}}
                                           for item in label.unique_item_ids]
    return payload


# -- a record TrackOnline holds, sent back -------------------------------------------------

# The keys the document marks "Only returned on a fetch, not used when saving" (or "Gets"
# alone), by resource ("a[].b": ``b`` in each object of the list ``a``): left out of a send.
FETCH_ONLY = {
    "location": ("hierarchyLevel", "parentNumber", "parentName", "createdOn", "modifiedOn"),
    "itemdefinition": ("createdOn", "modifiedOn"),
    "uniqueitem": ("lastKnownPosition", "lastKnownTemperature", "lastKnownTransactionId",
                   "createdOn", "isDeleted"),
    "packaginglabel": ("createdOn", "modifiedOn", "packagingNonSerializedItems[].createdOn",
                       "packagingSerializedItems[].createdOn"),
    "itemconfiguration": (),
}
# The lists of objects a send may change, and what names an entry in them (the first path
# the sent entry has a value for): a changed entry keeps the keys TrackOnline gave it.
LIST_ENTRY_KEYS = {
    "members": ("itemDefinitionId", "number"),
    "packagingNonSerializedItems": ("itemDefinition.id", "itemDefinition.number"),
    "packagingSerializedItems": ("uniqueItem.id", "uniqueItem.number"),
}


def sent_over_held(resource, held, payload, changed):
    """What a send of a record TrackOnline holds carries: the record as TrackOnline gave it
    (``held``, read right before the send, unknown keys included), with the keys the user
    changed (``changed``) as Odoo builds them (``payload``; a key Odoo leaves out is left
    out: the user emptied it), and without the keys the document says are only fetched. A
    changed list of objects keeps, for each entry Odoo sends, the keys TrackOnline gave the
    same entry (``LIST_ENTRY_KEYS``). Keys are matched in any case, as the API reads them.
    A server that binds the body as a whole keeps every field the user did not change."""
    sent = copy.deepcopy(held)
    for key in changed:
        before = pop_any_case(sent, key)
        if key not in payload:
            continue
        value = payload[key]
        if key in LIST_ENTRY_KEYS and isinstance(before, list) and isinstance(value, list):
            value = [_over_entry(before, entry, LIST_ENTRY_KEYS[key]) for entry in value]
        sent[key] = value
    if payload.get("id"):
        pop_any_case(sent, "id")
        sent["id"] = payload["id"]
    for path in FETCH_ONLY.get(resource, ()):
        _drop(sent, path)
    return sent



def _over_entry(held_entries, entry, paths):
    """``entry`` (Odoo's) over the entry of ``held_entries`` it names (``paths``)."""
    if not isinstance(entry, dict):
        return entry
    for path in paths:
        wanted = _at(entry, path)
        if wanted in (None, ""):
            continue
        held = next((item for item in held_entries
                     if isinstance(item, dict) and str(_at(item, path)) == str(wanted)), None)
        if held is None:
            return entry
        merged = copy.deepcopy(held)
        for key, value in entry.items():
            pop_any_case(merged, key)
            merged[key] = value
        return merged
    return entry


def _drop(values, path):
    """Remove the key at ``path`` ("a[].b": in each object of the list ``a``), any case."""
    head, _dot, rest = path.partition(".")
    if head.endswith("[]"):
        head = head[:-2]
        for name in [name for name in values if name.lower() == head.lower()]:
            for item in values[name] if isinstance(values[name], list) else ():
                if isinstance(item, dict):
                    _drop(item, rest)
    elif not rest:
        pop_any_case(values, head)
    else:
        for name in [name for name in values if name.lower() == head.lower()]:
            if isinstance(values[name], dict):
                _drop(values[name], rest)


def _at(entry, path):
    """The value at dotted ``path`` in ``entry``, or None (not an object on the way)."""
    for part in path.split("."):
        if not isinstance(entry, dict):
            return None
        entry = entry.get(part)
    return entry


# -- contacts ----------------------------------------------------------------------------------

def location_from_partner(partner):
    """What a contact owns of its location, sent to TrackOnline by "Send to TrackOnline as
    locations": its name (cut to the document's 50 characters), address and contact
    details. A location linked already keeps its number and type (``new_location_from``)."""
    return {
        "name": partner.name[:50],
        "address_line": partner.street or False, "postal_code": partner.zip or False,
        "city": partner.city or False, "country": partner.country_id.name or False,
        "telephone": partner.phone or False, "mobile": partner.mobile or False,
        "email": partner.email or False, "vat": partner.vat or False,
    }


def new_location_from(partner):
    """Values of a location drafted in Odoo for a contact that has none: what it owns, a
    Customer numbered by its reference (or "ODOO-<id>"). The number is not cut (cut, two
    contacts could share one): a longer one is refused before sending
    (``trackonline_rules``)."""
    return dict(location_from_partner(partner), type="1",
                number=partner.ref or "ODOO-%d" % partner.id)


def partner_from_location(location):
    """Values of a contact created for a location that matches none."""
    return {"name": location.name, "ref": location.number, "street": location.address_line,
            "zip": location.postal_code, "city": location.city, "phone": location.telephone,
            "mobile": location.mobile, "email": location.email, "vat": location.vat,
            "is_company": True}
