"""Deterministic generated data: the same seed gives the same records and the same bytes."""

import io
import random
import zipfile
from datetime import datetime, timedelta

PROCESS_NAMES = ("Billing process", "Facturación Ñandú", "Überweisung", "Entrega almacén",
                 "Inbound délivrance", "Return flow", "Contrat été")
STATUSES = ("Open", "In Progress", "Completed", "Cancelled")
DOCUMENT_KINDS = (
    # (doc_type, name pattern, extension, content type)
    ("Invoice", "Factura nº %d", "pdf", "application/pdf"),
    ("Delivery note", "Lieferschein März %d", "xml", "application/xml"),
    ("Photo", "photo %d", "jpg", "image/jpeg"),
    ("Archive", "bundle %d", "zip", "application/zip"),
    ("Note", "notes %d", "txt", "text/plain"),
)
EPOCH = datetime(2024, 2, 9, 10, 30)


def make_content(rng, extension, size):
    """Bytes that look like a file of that kind, about ``size`` bytes long."""
    filler = bytes(rng.getrandbits(8) for _ in range(min(size, 4096)))
    filler = (filler * (size // max(len(filler), 1) + 1))[:size]
    text = filler.hex()[:size].encode()
    if extension == "pdf":
        return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + text + b"\n%%EOF\n"
    if extension == "xml":
        return b"<?xml version='1.0' encoding='UTF-8'?>\n<note><body>" + text + b"</body></note>\n"
    if extension == "jpg":
        return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + filler + b"\xff\xd9"
    if extension == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            info = zipfile.ZipInfo("readme.txt", date_time=(2024, 2, 9, 10, 30, 0))
            archive.writestr(info, text)
        return buffer.getvalue()
    return b"Note: " + text + b"\n"


def trackline_processes(seed, size):
    """(processes by id, files by doc id, doc ids sent without a Content-Type)."""
    rng = random.Random(seed)
    processes, files, no_content_type = {}, {}, set()
    doc_number = 98765
    for index in range(size):
        process_id = str(10000 + index)
        name = "%s %04d" % (PROCESS_NAMES[index % len(PROCESS_NAMES)], index + 1)
        count = 3 if index == 0 else rng.randint(0, 4)
        documents = []
        for position in range(count):
            kind = DOCUMENT_KINDS[position] if index == 0 else rng.choice(DOCUMENT_KINDS)
            doc_type, pattern, extension, content_type = kind
            doc_id = str(doc_number)
            doc_number += 1
            documents.append({"doc_id": doc_id,
                              "doc_name": "%s.%s" % (pattern % (position + 1), extension),
                              "doc_type": doc_type})
            files[doc_id] = make_content(rng, extension, rng.randint(200, 200_000))
            if rng.random() < 0.2:
                no_content_type.add(doc_id)
        processes[process_id] = {
            "process_id": process_id,
            "name": name,
            "status": STATUSES[0] if index < 3 else rng.choice(STATUSES),
            "created_at": (EPOCH + timedelta(hours=index * 7)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "documents": documents,
        }
    _add_edge_documents(processes, files, size, doc_number)
    return processes, files, no_content_type


def _add_edge_documents(processes, files, size, doc_number):
    """An empty file and a large one (about 3 MB) on the second process, for the size cap."""
    if size < 2:
        return
    process = processes[str(10001)]
    for offset, (name, content) in enumerate((("empty scan.pdf", b""),
                                              ("large drawing.pdf",
                                               b"%PDF-1.4\n" + b"0" * 3_000_000 + b"\n%%EOF\n"))):
        doc_id = str(doc_number + offset)
        process["documents"].append({"doc_id": doc_id, "doc_name": name, "doc_type": "Scan"})
        files[doc_id] = content


# -- TrackOnline ---------------------------------------------------------------------------

TRACKONLINE_EPOCH = datetime(2026, 1, 5, 8, 0)
LOCATION_TYPES = (1, 2, 4, 5, 11, 12)
ITEM_TYPES = (1, 2, 6, 7, 11)
CITIES = ("Rotterdam", "Almería", "Düsseldorf", "Göteborg", "Lyon", "Málaga", "Utrecht")
# The country of each city, as TrackOnline names it (a location's "country").
COUNTRIES = {"Rotterdam": "Netherlands", "Almería": "Spain", "Düsseldorf": "Germany",
             "Göteborg": "Sweden", "Lyon": "France", "Málaga": "Spain", "Utrecht": "Netherlands"}


def _guid(rng):
    return "%08x-%04x-4%03x-a%03x-%012x" % (rng.getrandbits(32), rng.getrandbits(16),
                                           rng.getrandbits(12), rng.getrandbits(12),
                                           rng.getrandbits(48))


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def trackonline_data(seed, locations=12, item_definitions=6, transactions=40, spacing=10):
    """(locations, item definitions, transactions) as TrackOnline returns them, sorted by
    creation. Transactions are created one every ``spacing`` minutes from TRACKONLINE_EPOCH, with
    3 item lines each."""
    rng = random.Random(seed * 7919 + 1)
    locs = []
    for index in range(locations):
        city = CITIES[index % len(CITIES)]
        locs.append({
            "id": _guid(rng), "number": "L%04d" % (index + 1),
            "name": "%s depot %d" % (city, index + 1), "nameShort": "D%d" % (index + 1),
            "type": LOCATION_TYPES[index % len(LOCATION_TYPES)], "hierarchyLevel": 3,
            "parentNumber": None, "parentName": None,
            "addressLine": "Havenweg %d" % (index + 10), "postalCode": "30%02d AB" % index,
            "city": city, "stateOrProvince": None, "country": COUNTRIES[city],
            "telephone": "+31 10 555 %04d" % index, "mobile": None,
            "emailAddress": "depot%d@example.com" % (index + 1),
            "globalLocationNumber": "87%011d" % (index + 1),
            "chamberOfCommerceNumber": None, "vatNumber": "NL%09dB01" % (index + 1),
            "legalEntityIdentifier": None,
            "gps": {"latitude": 51.9 + index / 100, "longitude": 4.4 + index / 100,
                    "radius": 100},
            "languageId": 1 + index % 8, "geofence": 200, "balanceOperationMode": 0,
            "isEnabled": True, "createdOn": iso(TRACKONLINE_EPOCH - timedelta(days=30 - index)),
            "modifiedOn": iso(TRACKONLINE_EPOCH - timedelta(days=20 - index)),
            "tags": ["depot", city], "websiteUrl": None, "externalNumbers": [],
        })
    items = []
    for index in range(item_definitions):
        items.append({
            "id": _guid(rng), "number": "CC TAG%d" % (index + 1),
            "name": "CC TAG %d" % (index + 1), "code": "TAG%d" % (index + 1),
            "type": ITEM_TYPES[index % len(ITEM_TYPES)], "gS1Code": None,
            "basePrice": 10.0 + index * 5, "length": 1.35, "width": 0.56, "height": 1.9,
            "weight": 35.5, "volume": 1.4, "numberOfTruckSpaces": 1, "maxStackHeight": 3,
            "maxTruckLoad": 40, "standardOrderQuantity": 5, "isEnabled": True,
            "createdOn": iso(TRACKONLINE_EPOCH - timedelta(days=60)),
            "modifiedOn": iso(TRACKONLINE_EPOCH - timedelta(days=40)), "externalNumbers": [],
        })
    txs = [make_transaction(rng, index, locs, items, spacing=spacing)
           for index in range(transactions)]
    return locs, items, txs


def location_ref(location):
    return {key: location[key] for key in ("id", "number", "name", "type")}


def item_ref(item):
    return {key: item[key] for key in ("id", "number", "name", "code", "type")}


def make_transaction(rng, index, locs, items, created=None, spacing=10):
    created = created or TRACKONLINE_EPOCH + timedelta(minutes=spacing * index)
    source, target = rng.sample(locs, 2)
    lines = []
    for item in rng.sample(items, 3):
        planned = rng.randint(1, 60)
        lines.append({"itemDefinition": item_ref(item), "quantity": planned - rng.randint(0, 2),
                      "quantityPlanned": planned, "itemConditionType": rng.choice((1, 1, 2, 4))})
    status = rng.choice((0, 5, 30, 35))
    return {
        "id": _guid(rng), "statusCode": status, "status": TX_STATUS[status],
        "typeCode": rng.choice((15, 50, 55, 60, 65)), "type": None,
        "transactionNumber": "T%07d" % (index + 1), "documentNumber": "CMR-%06d" % index,
        "referenceNumber": "REF%d" % index, "fromLocation": location_ref(source),
        "toLocation": location_ref(target), "contractor": None,
        "carrier": location_ref(locs[index % len(locs)]) if index % 3 == 0 else None,
        "dateTransaction": iso(created + timedelta(hours=2)),
        "dateTransactionCounterpart": iso(created + timedelta(hours=20)),
        "licensePlate": "%02d-ABC-%d" % (index % 100, index % 10), "trailerNumber": None,
        "transactionTripNumber": None, "dockNumber": None, "area": None,
        "notes": "Transaction %d" % index, "internalNotes": None,
        "transactionItems": lines, "transactionDocuments": [],
        "createdOn": iso(created), "modifiedOn": iso(created + timedelta(minutes=5)),
        "processedOn": iso(created + timedelta(days=1)) if status == 35 else None,
        "isDeleted": False,
    }


TX_STATUS = {0: "New", 5: "Planned", 10: "Declined", 11: "Shipped", 16: "Confirmed",
             20: "Cancelled", 30: "In progress", 33: "Executed", 35: "Processed"}


def batch_calculations(seed, locations, count=3):
    """Batch calculations (invoicing runs over a period) with one or two documents each."""
    rng = random.Random(seed * 31 + 7)
    calculations, documents = [], {}
    for index in range(count):
        calc_id = _guid(rng)
        start = TRACKONLINE_EPOCH + timedelta(days=30 * index)
        calculations.append({"id": calc_id, "number": "BC%04d" % (index + 1),
                             "description": "Rental %s" % start.strftime("%B %Y"),
                             "periodFrom": iso(start), "periodTo": iso(start + timedelta(days=30)),
                             "createdOn": iso(start + timedelta(days=31)), "status": "Finished"})
        documents[calc_id] = [{"id": _guid(rng), "batchCalculationId": calc_id,
                               "name": "Rental statement %s %s.pdf" % (loc["number"], index + 1),
                               "locationNumber": loc["number"]}
                              for loc in locations[: 1 + index % 2]]
    return calculations, documents


# -- OpusCapita ----------------------------------------------------------------------------

OPUSCAPITA_EPOCH = datetime(2026, 3, 2, 6, 0)
EVENT_SPACING = 15  # minutes between two events


def spread_over(days, transactions, events):
    """For the demo: TrackOnline transactions and OpusCapita events dated evenly over the
    last ``days`` days (instead of fixed dates a few hours long). Returns the minutes between
    two transactions, for the TrackOnline API's ``spacing``."""
    global TRACKONLINE_EPOCH, OPUSCAPITA_EPOCH, EVENT_SPACING  # noqa: PLW0603 - demo only
    start = (datetime.utcnow() - timedelta(days=days)).replace(minute=0, second=0,
                                                                microsecond=0)
    TRACKONLINE_EPOCH = OPUSCAPITA_EPOCH = start
    EVENT_SPACING = max(1, days * 1440 // max(events, 1))
    return max(1, days * 1440 // max(transactions, 1))
DOCUMENT_TYPES = ("Invoice", "Order", "OrderResponse", "DespatchAdvice", "CreditNote")
EVENT_STATUSES = ("Received", "Processing", "Delivered", "Delivered", "Delivered", "Error",
                  "Rejected")
PARTIES = (("FI01234567", "Oy Nordic Pallets Ab"), ("NL123456789B01", "Westland Kwekers BV"),
           ("ES-B12345678", "Almería Frutas SL"), ("DE811234567", "Düsseldorf Logistik GmbH"))


def opuscapita_events(seed, count=60):
    """Transaction events, two or three per transaction, one every 15 minutes."""
    rng = random.Random(seed * 104729 + 3)
    events, transaction = [], 0
    while len(events) < count:
        transaction += 1
        sender, receiver = rng.sample(PARTIES, 2)
        doc_type = rng.choice(DOCUMENT_TYPES)
        for step in range(rng.randint(2, 3)):
            index = len(events)
            moment = OPUSCAPITA_EPOCH + timedelta(minutes=EVENT_SPACING * index)
            status = ("Received", "Processing")[step] if step < 2 else rng.choice(EVENT_STATUSES)
            events.append({
                "id": "evt-%06d" % (index + 1), "transactionId": "TX-%05d" % transaction,
                "documentType": doc_type, "documentNumber": "%s-%05d" % (doc_type[:3].upper(),
                                                                         transaction),
                "status": status, "sender": {"id": sender[0], "name": sender[1]},
                "receiver": {"id": receiver[0], "name": receiver[1]},
                "eventTime": iso(moment), "createdAt": iso(moment - timedelta(minutes=1)),
                "message": "Schema validation failed" if status in ("Error", "Rejected")
                else None,
                "channel": rng.choice(("PEPPOL", "EDI", "Email")),
            })
    return events[:count]


def sage50_scope(seed, scope, count):
    """A Sage 50 scope file of ``count`` records (Customers look like Sage customers)."""
    rng = random.Random("%s:%s" % (seed, scope))
    records = []
    for index in range(count):
        party = PARTIES[index % len(PARTIES)]
        records.append({
            "id": "%s-%05d" % (scope[:4].upper(), index + 1),
            "firstName": rng.choice(("Ana", "Jürgen", "Søren", "Élodie", "Noor")),
            "lastName": "%s %d" % (party[1].split()[0], index + 1),
            "email": "%s%d@example.com" % (scope.lower(), index + 1),
            "idNumber": "%s%d" % (party[0][:2], 100000 + index),
            "addresses": [{"address1": "Calle %d" % (index + 1), "city": "Almería",
                           "postCode": "%05d" % (4000 + index % 100)}],
        })
    return {"records": records}


def trackonline_extras(seed, locations, items, count=8):
    """Item configurations, unique items and packaging labels built on the generated
    locations and item definitions."""
    rng = random.Random(seed * 13 + 5)
    configurations = [{
        "id": _guid(rng), "name": "Config %s" % location["number"],
        "members": [{"itemDefinitionId": item["id"], "name": item["name"],
                     "number": item["number"], "type": item["type"], "position": position + 1,
                     "maximumBalance": 60, "minimumBalance": 10 + position,
                     "minimumStockCollection": 5, "maximumFlowIn": 30, "minimumFlowIn": 1,
                     "maximumFlowOut": 50, "minimumFlowOut": 2, "contractCycleTime": 3,
                     "leadTime": 2, "activeFrom": iso(TRACKONLINE_EPOCH),
                     "activeTo": iso(TRACKONLINE_EPOCH + timedelta(days=365))}
                    for position, item in enumerate(items[:2])],
    } for location in locations[:3]]
    unique = []
    for index in range(count):
        item, location = items[index % len(items)], locations[index % len(locations)]
        unique.append({
            "id": _guid(rng), "number": "UI%05d" % (index + 1),
            "barCode": "87%010d" % index, "epcCode": "3034%020X" % index,
            "bleCode": None if index % 2 else "BLE-%04d" % index,
            "itemDefinition": item_ref(item), "deviceIds": [{"deviceId": "DEV%04d" % index}],
            "lastKnownPosition": {"latitude": 51.9 + index / 50, "longitude": 4.4 + index / 50},
            "lastKnownLocation": location_ref(location),
            "lastKnownTemperature": round(3.5 + index / 3, 2),
            "lastKnownTransactionId": None, "firstSeen": iso(TRACKONLINE_EPOCH),
            "lastSeen": iso(TRACKONLINE_EPOCH + timedelta(days=index)),
            "createdOn": iso(TRACKONLINE_EPOCH), "notes": None, "isDeleted": False,
        })
    labels = [{
        "id": _guid(rng), "number": "PL%010d" % (index + 1),
        "expirationOn": iso(TRACKONLINE_EPOCH + timedelta(days=400 if index else -10)),
        "type": 1, "isEnabled": True, "createdOn": iso(TRACKONLINE_EPOCH),
        "modifiedOn": iso(TRACKONLINE_EPOCH),
        "packagingNonSerializedItems": [{"itemDefinition": item_ref(items[index % len(items)]),
                                         "quantity": 25}],
        "packagingSerializedItems": [{"uniqueItem": {"number": unique[index]["number"]}}],
    } for index in range(3)]
    return configurations, unique, labels


def iot_measurements(device_id, index, start=None, hours=72):
    """Hourly measurements of one device from TRACKONLINE_EPOCH."""
    start = start or TRACKONLINE_EPOCH
    return [{"deviceId": device_id, "timestamp": iso(start + timedelta(hours=hour)),
             "temperature": round(4.0 + index / 4 + (hour % 24) / 10, 2),
             "latitude": 51.9 + index / 50 + hour / 10000,
             "longitude": 4.4 + index / 50 + hour / 10000} for hour in range(hours)]
