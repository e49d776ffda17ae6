"""TrackOnline external REST API as its document describes it, under ``/trackonline/api/v1``:
``X-ApiKey`` (or ``apikey``), lists of 50 a page with 204 for none, POST batches of at most
50 answered with a message ID whose result is 202 first and 200 then, a per-minute budget
(per calendar minute, or a rolling minute: ``rolling_minute``) answered with 429 and
``Retry-After``."""

import collections
import copy
import functools
import itertools
import json
import random
import threading
import time
from datetime import UTC, datetime, timedelta

from .data import (
    TX_STATUS,
    batch_calculations,
    iot_measurements,
    iso,
    item_ref,
    location_ref,
    make_transaction,
    trackonline_data,
    trackonline_extras,
)
from .responses import HttpError, bytes_response, empty_response, json_response

TRACKONLINE_API_KEY = "to-sandbox.key.0001"
PAGE_SIZE = 50
MAX_BATCH = 50
REQUIRED = {
    "location": ("number", "name", "type"),
    "itemdefinition": ("number", "name", "code", "type"),
    "itemconfiguration": ("name", "members"),
    "uniqueitem": ("number", "itemDefinition"),
    "packaginglabel": ("number", "expirationOn"),
}
NUMBER_KEYS = {"transaction": "transactionNumber", "itemconfiguration": "name"}
# The document's "maxLength" of each key a POST carries ("a[].b": ``b`` in each object of the
# list ``a``), enforced as an ASP.NET API validating its models does: one record over a limit
# and the whole batch is answered 400, its errors by record and key. Read from the document
# apart from Odoo's own reading (mappings/trackonline_rules.py), so that each checks the
# other; a test may change ``TrackOnlineApi.limits`` (a server stricter than its document).
_EXTERNAL_LIMITS = {"externalNumbers[].source": 30, "externalNumbers[].number": 30}
DOCUMENT_LIMITS = {
    "location": dict({
        "number": 25, "name": 50, "nameShort": 15, "addressLine": 100, "postalCode": 15,
        "city": 30, "stateOrProvince": 30, "country": 50, "telephone": 30, "mobile": 30,
        "emailAddress": 200, "globalLocationNumber": 50, "chamberOfCommerceNumber": 50,
        "vatNumber": 50, "legalEntityIdentifier": 50}, **_EXTERNAL_LIMITS),
    "itemdefinition": dict({"number": 25, "name": 50, "code": 6, "gS1Code": 50},
                           **_EXTERNAL_LIMITS),
    "itemconfiguration": {"name": 50},
    "uniqueitem": {"number": 100, "barCode": 100, "epcCode": 100, "bleCode": 100,
                   "deviceIds[].deviceId": 200},
    "packaginglabel": {"number": 30},
    "transaction": {"transactionNumber": 50},
}
LOCATION_TYPES = {"Unknown": 0, "Customer": 1, "Supplier": 2, "Auction": 3, "Carrier": 4,
                  "CompanyLocation": 5, "Manufacturer": 6, "ServiceCenter": 7, "Retail": 8,
                  "RollingStock": 9, "Administrative": 10, "CrossDock": 11, "Storage": 12}
ITEM_TYPES = {"Unknown": 0, "Tray": 1, "Box": 2, "Interior": 3, "Container": 4,
              "LoadCarrier": 5, "Crate": 6, "Pallet": 7, "Lockingplate": 8, "Lid": 9,
              "Bulk": 10, "Tote": 11, "Other": 99}
# The enumerations a POST may write by name (the document's examples do): stored as codes.
# The keys the document says are only fetched, by resource: TrackOnline sets them itself,
# and a save leaves them as they are (also with ``replace_on_save``).
SERVER_KEYS = {
    "location": ("hierarchyLevel", "parentNumber", "parentName", "createdOn", "modifiedOn"),
    "itemdefinition": ("createdOn", "modifiedOn"),
    "uniqueitem": ("lastKnownPosition", "lastKnownTemperature", "lastKnownTransactionId",
                   "createdOn", "isDeleted"),
    "packaginglabel": ("createdOn", "modifiedOn"),
}
TYPE_NAMES = {"location": LOCATION_TYPES, "itemdefinition": ITEM_TYPES,
              "packaginglabel": {"Undefined": 0, "Sscc": 1}}


@functools.lru_cache(maxsize=1 << 17)  # every page filters all rows: parse each date once
def _parse_date(text):
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _values(value, path, where):
    """(where, value) for each value at ``path`` ("a[].b": in each object of the list ``a``)
    in ``value``, keys read in any case (as the API reads them)."""
    head, _dot, rest = path.partition(".")
    many = head.endswith("[]")
    head = head.removesuffix("[]")
    found = next((item for key, item in value.items() if key.lower() == head.lower()), None) \
        if isinstance(value, dict) else None
    name = where + "." + head[0].upper() + head[1:]
    if many:
        found = [found] if isinstance(found, dict) else found if isinstance(found, list) else []
        pairs = [("%s[%d]" % (name, index), item) for index, item in enumerate(found)]
    else:
        pairs = [(name, found)]
    if not rest:
        return pairs
    return [pair for place, item in pairs for pair in _values(item, rest, place)]


class TrackOnlineApi:
    prefix = "/trackonline/api/v1"

    def __init__(self, seed, transactions=40, per_minute=None, spacing=10):
        self.seed = seed
        self.spacing = spacing  # minutes between two transactions' creation
        self.transaction_count = transactions
        self.per_minute = per_minute
        # True (``--static-lists``, benchmarks): the data does not change while it runs, so
        # a list query is filtered once and its pages are served from that result, as a
        # real API's index would; the remote's work then takes little of this machine.
        self.static_lists = False
        # True: a POSTed record replaces the one it names as a whole, as an ASP.NET API
        # binding the body to its model does: a key the body leaves out is emptied (but
        # those TrackOnline sets itself, ``SERVER_KEYS``). False: the keys sent are written
        # over the record held (``--replace-on-save``; kept across resets).
        self.replace_on_save = False
        # A trip moved by its GUID only (the transactions' transactionTripId), as the
        # document says; off: any id is taken (kept across resets).
        self.trips_by_guid = False
        # Save results in the batch's order, or "reversed" (the document gives no order).
        self.results_order = "batch"
        # Balances given for the locations asked only (the document's "locations"): asked
        # without any, an empty answer (kept across resets).
        self.balances_need_locations = False
        # The per-minute budget counted over the last 60 s at each call (a rolling minute)
        # instead of per calendar minute: calls at second 59 and at second 0 of the next
        # minute count together (kept across resets).
        self.rolling_minute = False
        # The budget's clock (a test may give its own, shared with the connector's).
        self.clock = time.time
        self._lock = threading.Lock()
        self.reset()

    def reset(self, transactions=None):
        if transactions is not None:
            self.transaction_count = transactions
        locations, items, txs = trackonline_data(self.seed, transactions=self.transaction_count,
                                                   spacing=self.spacing)
        configurations, unique, labels = trackonline_extras(self.seed, locations, items)
        self.resources = {"location": locations, "itemdefinition": items, "transaction": txs,
                          "itemconfiguration": configurations, "uniqueitem": unique,
                          "packaginglabel": labels}
        self.messages = {}  # message id -> {"polls": n, "results": [...], "outdated": bool}
        self._ids = itertools.count(1)
        self._minute = (0, 0)  # (minute number, calls in it) since the budget was set
        self.minutes = {}  # minute number (Unix time // 60) -> calls in it, 429s included
        self.rejected = 0  # calls answered with 429 for going over the minute's budget
        self._recent = collections.deque()  # times of the last 60 s's calls (rolling minute)
        self.trips = {}
        # Numbers of records another user holds: a save of one is refused "locked" (a
        # refusal that passes once the number leaves this set).
        self.locked = set()
        # Numbers TrackOnline refuses for good: "Location number X is blocked in this
        # administration" (a refusal whose words hold "locked" inside a word).
        self.blocked = set()
        self.requests_seen = []  # the query of every transaction list request, for tests
        self.limits = copy.deepcopy(DOCUMENT_LIMITS)
        self._lists = {}  # (resource, query without its page) -> rows, with static_lists
        self.calculations, self.calculation_documents = batch_calculations(self.seed,
                                                                            locations)

    def add_transactions(self, count, created=None):
        """New transactions (created now unless told), as if users had just made them."""
        rows = self.resources["transaction"]
        rng = random.Random(len(rows))
        created = created or datetime.now(UTC).replace(tzinfo=None)
        new = [make_transaction(rng, len(rows) + n, self.resources["location"],
                                self.resources["itemdefinition"], created) for n in range(count)]
        rows.extend(new)
        return new

    def change_transaction(self, transaction_id, **changes):
        """Change a transaction as a TrackOnline user would after it was created (its
        ``statusCode``, lines, delivery date...): ``modifiedOn`` moves, ``createdOn`` stays."""
        row = self._transaction(transaction_id)
        row.update(changes)
        if "statusCode" in changes:
            row["status"] = TX_STATUS.get(row["statusCode"], "Unknown")
            if row["statusCode"] == 35:
                row["processedOn"] = iso(datetime.now(UTC))
        row["modifiedOn"] = iso(datetime.now(UTC))
        return row

    def delete_transaction(self, transaction_id):
        """Delete a transaction in TrackOnline: lists leave it out from then on (unless asked
        with ``IncludeDeleted=true``, where it comes with ``isDeleted``)."""
        return self.change_transaction(transaction_id, isDeleted=True)

    def _transaction(self, transaction_id):
        for row in self.resources["transaction"]:
            if row["id"] == transaction_id:
                return row
        raise KeyError("no transaction %s" % transaction_id)

    # -- HTTP --

    def handle(self, request):
        key = request.headers.get("x-apikey") or request.arg("apikey")
        if key != TRACKONLINE_API_KEY:
            raise HttpError(401, {"message": "Unauthorized: invalid API key"})
        self._count_call()
        path = request.path.strip("/").lower()
        if path == "status" and request.method == "GET":
            return json_response({"status": "Online"})
        if path.endswith("/result") and request.method == "GET":
            return self._result(request.arg("messageId"))
        if path == "transactiontrip/nextstatus" and request.method == "POST":
            return json_response(self._next_trip(request.json()))
        if path in ("balance", "balance/counterpart") and request.method == "GET":
            return self._balances(request, path.endswith("counterpart"))
        if path == "iot/item" and request.method == "GET":
            return self._page(self._devices(request), request)
        if path == "iot/item/measurement" and request.method == "GET":
            return self._measurements(request)
        if path.startswith("batchcalculation") and request.method == "GET":
            return self._batch_calculation(path, request)
        if path in self.resources and request.method == "GET":
            return self._list(path, request)
        if path in self.resources and request.method == "POST":
            return self._save(path, request.json())
        raise HttpError(404, {"message": "Not found"})

    def _count_call(self):
        """Count a call (429s included) in its calendar minute, and against the budget:
        its calendar minute's calls, or the last 60 s's with ``rolling_minute``."""
        now = self.clock()
        minute = int(now // 60)
        with self._lock:
            self.minutes[minute] = self.minutes.get(minute, 0) + 1
            if not self.per_minute:
                return
            current, count = self._minute
            count = count + 1 if current == minute else 1
            self._minute = (minute, count)
            retry_after = int(60 - now % 60) + 1
            if self.rolling_minute:
                recent = self._recent
                while recent and recent[0] <= now - 60:
                    recent.popleft()
                recent.append(now)
                count = len(recent)
                # room again when the calls over the budget have left the window
                retry_after = int(recent[count - self.per_minute] + 60 - now) + 1 if (
                    count > self.per_minute) else 0
            self.rejected += count > self.per_minute
        if count > self.per_minute:
            raise HttpError(429, {"message": "API calls quota exceeded! maximum admitted %d per "
                                             "Minute." % self.per_minute},
                            headers={"Retry-After": str(retry_after)})

    def _list(self, resource, request):
        if resource == "transaction":
            self.requests_seen.append(dict(request.pairs))
        if not self.static_lists:
            return self._page(self._filter(resource, request), request)
        key = (resource, tuple(sorted(pair for pair in request.pairs if pair[0] != "page")))
        if key not in self._lists:
            self._lists[key] = self._filter(resource, request)
        return self._page(self._lists[key], request)

    def _filter(self, resource, request):
        rows = self.resources[resource]
        # One, or several (the unique items' list of GUIDs); a GUID in any case.
        ids = {value.lower() for value in request.args("Id")}
        if ids:
            rows = [row for row in rows if str(row["id"]).lower() in ids]
        if request.arg("Number") and resource in ("location", "itemdefinition"):
            rows = [row for row in rows if row["number"] == request.arg("Number")]
        if request.arg("Number") and resource == "packaginglabel":  # "PL": part of the number
            rows = [row for row in rows if request.arg("Number") in row["number"]]
        if resource == "uniqueitem":
            numbers = set(request.args("ItemNumber"))
            if numbers:
                rows = [row for row in rows if row["number"] in numbers]
            if request.arg("IncludeDeleted", "false").lower() != "true":
                rows = [row for row in rows if not row.get("isDeleted")]
            return rows
        if resource == "packaginglabel":
            if request.arg("IncludeInactive", "false").lower() != "true":
                rows = [row for row in rows if row.get("isEnabled", True)]
            return rows
        if resource == "itemconfiguration":
            return [row for row in rows if request.arg("Name", "") in row["name"]]
        if resource in ("location", "itemdefinition"):
            enabled = request.arg("Enabled", "true").lower() == "true"  # the one or the other
            rows = [row for row in rows if row.get("isEnabled", True) == enabled]
            codes = {int(code) for code in request.args("TypeCodes")}
            if codes:
                rows = [row for row in rows if row["type"] in codes]
            return rows
        return self._filter_transactions(rows, request)

    def _filter_transactions(self, rows, request):
        created_from, created_to = request.arg("CreatedDateFrom"), request.arg("CreatedDateTo")
        date_from, date_to = request.arg("TransactionDateFrom"), request.arg("TransactionDateTo")
        if not any((created_from, created_to, date_from, date_to)):
            # The documented default: the last 7 days only.
            date_from = iso(datetime.now(UTC) - timedelta(days=7))
        for field, low, high in (("createdOn", created_from, created_to),
                                 ("dateTransaction", date_from, date_to)):
            if low:
                rows = [row for row in rows if _parse_date(row[field]) >= _parse_date(low)]
            if high:
                rows = [row for row in rows if _parse_date(row[field]) < _parse_date(high)]
        if request.arg("IncludeDeleted", "false").lower() != "true":
            rows = [row for row in rows if not row.get("isDeleted")]
        for param, field in (("TransactionNumber", "transactionNumber"),
                             ("ReferenceNumber", "referenceNumber"),
                             ("DocumentNumber", "documentNumber")):
            if request.arg(param):
                rows = [row for row in rows if row.get(field) == request.arg(param)]
        statuses = {int(code) for code in request.args("StatusCode")}
        if statuses:
            rows = [row for row in rows if row["statusCode"] in statuses]
        for param, field in (("FromLocations", "fromLocation"), ("ToLocations", "toLocation"),
                             ("Carriers", "carrier")):
            numbers = set(request.args(param))
            if numbers:
                rows = [row for row in rows if (row[field] or {}).get("number") in numbers]
        return rows

    # -- saving --

    def _save(self, resource, batch):
        if not isinstance(batch, list):
            raise HttpError(400, {"message": "The body must be a JSON array."})
        if len(batch) > MAX_BATCH:
            raise HttpError(400, {"message": "At most %d records per batch." % MAX_BATCH})
        errors = {}
        for position, record in enumerate(batch):
            errors.update(self._too_long(resource, position, record))
        if errors:
            raise HttpError(400, {
                "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
                "title": "One or more validation errors occurred.", "status": 400,
                "errors": errors})
        results = [self._save_one(resource, record) for record in batch]
        if self.results_order == "reversed":
            results.reverse()
        message_id = "msg-%06d" % next(self._ids)
        self.messages[message_id] = {"polls": 0, "results": results, "outdated": False}
        return json_response({"messageId": message_id})

    def _too_long(self, resource, position, record):
        """ASP.NET's validation errors of one record of a batch: ``{"[3].City": ["The field
        City must be a string with a maximum length of 30."]}``."""
        errors = {}
        for path, limit in self.limits.get(resource, {}).items():
            for where, value in _values(record, path, "[%d]" % position):
                if isinstance(value, str) and len(value) > limit:
                    name = path.rsplit(".", 1)[-1]
                    errors[where] = ["The field %s must be a string with a maximum length of "
                                     "%d." % (name[0].upper() + name[1:], limit)]
        return errors

    def _save_one(self, resource, record):
        number_key = NUMBER_KEYS.get(resource, "number")
        if not isinstance(record, dict):
            return {"id": None, "number": None, "success": False, "message": "Not an object"}
        missing = [key for key in REQUIRED.get(resource, ()) if record.get(key) in (None, "")]
        if missing:
            return {"id": None, "number": record.get(number_key), "success": False,
                    "message": "Required field(s) missing: %s" % ", ".join(missing)}
        if record.get(number_key) in self.blocked:
            return {"id": None, "number": record.get(number_key), "success": False,
                    "message": "%s number %s is blocked in this administration."
                               % (resource.capitalize(), record.get(number_key))}
        if record.get(number_key) in self.locked:
            return {"id": None, "number": record.get(number_key), "success": False,
                    "message": "The record is locked by another user: try again later."}
        if resource == "transaction":
            problem = self._check_transaction(record)
            if problem:
                return {"id": None, "number": record.get(number_key), "success": False,
                        "message": problem}
        if resource == "transaction":
            record = self._translate_scans(record)
        stored = self._store(resource, record, number_key)
        return {"id": stored["id"], "number": stored[number_key], "success": True,
                "message": "Saved"}

    def _translate_scans(self, record):
        """Scanned barcodes/EPC codes and packaging label numbers become item lines."""
        counts = {}
        by_code = {}
        for item in self.resources["uniqueitem"]:
            by_code[("10", item.get("barCode"))] = item["itemDefinition"]
            by_code[("20", item.get("epcCode"))] = item["itemDefinition"]
        for scan in record.get("scannedItems") or []:
            kind = {"BarCode": "10", "EpcCode": "20"}.get(scan.get("type"), str(scan.get("type")))
            definition = by_code.get((kind, scan.get("code")))
            if definition:
                counts[definition["number"]] = counts.get(definition["number"], 0) + 1
        labels = {label["number"]: label for label in self.resources["packaginglabel"]}
        for entry in record.get("packagingLabelNumbers") or []:
            label = labels.get(entry.get("number") or entry.get("Number"))
            for line in (label or {}).get("packagingNonSerializedItems") or []:
                number = line["itemDefinition"]["number"]
                counts[number] = counts.get(number, 0) + int(line["quantity"])
        if not counts:
            return record
        items = {item["number"]: item for item in self.resources["itemdefinition"]}
        lines = list(record.get("transactionItems") or []) + [
            {"itemDefinition": item_ref(items[number]), "quantity": quantity,
             "quantityPlanned": quantity, "itemConditionType": 0}
            for number, quantity in sorted(counts.items()) if number in items]
        return dict(record, transactionItems=lines)

    def _check_transaction(self, record):
        if record.get("typeCode") == 80:
            return "Transaction type Exchange (80) is not allowed for POST."
        numbers = {loc["number"] for loc in self.resources["location"]}
        for side in ("fromLocation", "toLocation"):
            number = (record.get(side) or {}).get("number")
            if number not in numbers:
                return "%s %r is not a known location." % (side, number)
        counterpart = record.get("dateTransactionCounterpart")
        if counterpart and record.get("dateTransaction") and \
                _parse_date(counterpart) < _parse_date(record["dateTransaction"]):
            return "The delivery date is before the transaction date."
        return None

    def _store(self, resource, record, number_key):
        rows = self.resources[resource]
        now = iso(datetime.now(UTC))
        existing = next((row for row in rows if record.get("id") and row["id"] == record["id"]
                         or record.get(number_key) and row[number_key] == record[number_key]),
                        None)
        if existing and self.replace_on_save:
            stored = {key: existing[key] for key in ("id", *SERVER_KEYS.get(resource, ()))
                      if key in existing}
            stored.update(record)
        else:
            stored = dict(existing or {}, **record)
        stored.setdefault("id", "00000000-0000-4000-8000-%012d" % next(self._ids))
        if not stored.get(number_key):
            stored[number_key] = "T-AUTO-%d" % next(self._ids)
        if isinstance(stored.get("type"), str) and resource in TYPE_NAMES:
            stored["type"] = TYPE_NAMES[resource].get(stored["type"], 0)
        stored["modifiedOn"] = now
        stored.setdefault("createdOn", now)
        if resource == "transaction":
            stored.setdefault("statusCode", 0)
            stored["status"] = TX_STATUS.get(stored["statusCode"], "Unknown")
            stored.setdefault("isDeleted", False)
        if existing:
            rows[rows.index(existing)] = stored
        else:
            rows.append(stored)
        return stored

    def _result(self, message_id):
        message = self.messages.get(message_id)
        if not message:
            raise HttpError(404, {"message": "Message ID not found"})
        if message["outdated"]:
            raise HttpError(410, {"message": "Message ID is outdated"})
        message["polls"] += 1
        if message["polls"] == 1:
            return json_response(None, 202)
        return json_response(message["results"])

    def _next_trip(self, body):
        answer = []
        guids = {tx.get("transactionTripId") for tx in self.resources["transaction"]} - {None}
        for entry in body or []:
            if self.trips_by_guid and entry.get("id") not in guids:
                raise HttpError(400, {"message": "Trip %s not found" % entry.get("id")})
            state = {"new": "in progress", "in progress": "processed"}.get(
                self.trips.get(entry.get("id"), "new"), "processed")
            self.trips[entry.get("id")] = state
            answer.append({"id": entry.get("id"), "status": state})
        return answer

    # -- IoT --

    def _devices(self, request):
        rows = []
        for item in self.resources["uniqueitem"]:
            for device in item.get("deviceIds") or []:
                rows.append({"deviceId": device["deviceId"], "itemNumber": item["number"],
                             "itemDefinitionId": item["itemDefinition"]["id"],
                             "locationId": (item.get("lastKnownLocation") or {}).get("id"),
                             "lastKnownPosition": item.get("lastKnownPosition"),
                             "lastKnownTemperature": item.get("lastKnownTemperature"),
                             "lastSeen": item.get("lastSeen")})
        for param, key in (("itemNumber", "itemNumber"), ("itemDefinitionId", "itemDefinitionId"),
                           ("locationId", "locationId")):
            wanted = set(request.args(param))
            if wanted:
                rows = [row for row in rows if row[key] in wanted]
        return rows

    def _measurements(self, request):
        device = request.arg("deviceId")
        devices = [row["deviceId"] for row in self._devices(request)]
        if device not in devices:
            return empty_response(204)
        now = datetime.now(UTC)
        low = _parse_date(request.arg("dateFrom") or iso(now - timedelta(days=14)))
        high = _parse_date(request.arg("dateTo") or iso(now))
        rows = [row for row in iot_measurements(device, devices.index(device))
                if low <= _parse_date(row["timestamp"]) < high]
        return json_response(rows) if rows else empty_response(204)

    # -- batch calculations --

    def _batch_calculation(self, path, request):
        if path == "batchcalculation":
            ids, numbers = set(request.args("id")), set(request.args("number"))
            rows = [row for row in self.calculations if (not ids or row["id"] in ids)
                    and (not numbers or row["number"] in numbers)]
            return self._page(rows, request)
        if path == "batchcalculation/download":
            calc = next((c for c in self.calculations if c["id"] == request.arg("id")), None)
            if not calc:
                raise HttpError(404, {"message": "Batch calculation not found"})
            return self._calculation_file(calc, request.arg("outputType", "0"))
        if path == "batchcalculation/document":
            ids = set(request.args("id"))
            rows = [doc for calc_id, docs in self.calculation_documents.items()
                    if not ids or calc_id in ids for doc in docs]
            return self._page(rows, request)
        if path == "batchcalculation/document/download":
            for docs in self.calculation_documents.values():
                for doc in docs:
                    if doc["id"] == request.arg("id"):
                        content = b"%PDF-1.4\n% " + doc["name"].encode() + b"\n%%EOF\n"
                        return bytes_response(content, "application/pdf")
            raise HttpError(404, {"message": "Document not found"})
        raise HttpError(404, {"message": "Not found"})

    def _calculation_file(self, calc, output_type):
        lines = [(tx["fromLocation"]["number"], line["itemDefinition"]["number"],
                  line["quantity"]) for tx in self.resources["transaction"][:20]
                 for line in tx["transactionItems"]]
        if output_type == "0":
            body = json.dumps({"batchCalculation": calc["number"], "lines": [
                {"location": loc, "item": item, "quantity": qty} for loc, item, qty in lines]})
            return bytes_response(body.encode(), "application/json")
        if output_type == "1":
            rows = "".join('<line location="%s" item="%s" quantity="%d"/>' % row for row in lines)
            body = '<?xml version="1.0"?><batchCalculation number="%s">%s</batchCalculation>' % (
                calc["number"], rows)
            return bytes_response(body.encode(), "application/xml")
        if output_type in ("2", "3"):
            header = "location;item;quantity\n" if output_type == "2" else "debtor;article;qty\n"
            body = header + "".join("%s;%s;%d\n" % row for row in lines)
            return bytes_response(body.encode(), "text/csv")
        raise HttpError(400, {"message": "Unknown outputType %s" % output_type})

    def _page(self, rows, request):
        page = int(request.arg("page", "1"))
        chunk = rows[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
        return json_response(chunk) if chunk else empty_response(204)

    # -- balances --

    def _balances(self, request, counterpart):
        locations = set(request.args("locations") or request.args("location"))
        if self.balances_need_locations and not locations:
            return empty_response(204)
        counterparts = set(request.args("counterparts")) if counterpart else set()
        only_processed = request.arg("onlyProcessed", "false").lower() == "true"
        totals = {}
        for tx in self.resources["transaction"]:
            if only_processed and tx["statusCode"] != 35:
                continue
            for side, sign, other in (("toLocation", 1, "fromLocation"),
                                      ("fromLocation", -1, "toLocation")):
                number = tx[side]["number"]
                if locations and number not in locations:
                    continue
                if counterparts and tx[other]["number"] not in counterparts:
                    continue
                for line in tx["transactionItems"]:
                    key = (number, line["itemDefinition"]["number"])
                    totals[key] = totals.get(key, 0) + sign * int(line["quantity"] or 0)
        if request.arg("excludeZeroBalance", "false").lower() == "true":
            totals = {key: value for key, value in totals.items() if value}
        by_number = {loc["number"]: loc for loc in self.resources["location"]}
        items = {item["number"]: item for item in self.resources["itemdefinition"]}
        rows = [{"location": location_ref(by_number[loc]) if loc in by_number else {"number": loc},
                 "itemDefinition": item_ref(items[item]) if item in items else {"number": item},
                 "balance": value} for (loc, item), value in sorted(totals.items())]
        return json_response(rows) if rows else empty_response(204)

    # -- control --

    def control(self, method, path, body):
        body = body or {}
        if (method, path) == ("POST", "reset"):
            self.reset(body.get("transactions"))
            return json_response({"ok": True})
        if (method, path) == ("POST", "transaction/change"):
            return self._control_change(body, self.change_transaction)
        if (method, path) == ("POST", "transaction/delete"):
            return self._control_change(body, lambda tx_id, **_: self.delete_transaction(tx_id))
        if (method, path) == ("POST", "per_minute"):
            self.per_minute = body.get("per_minute")
            return json_response({"ok": True})
        if (method, path) == ("POST", "replace_on_save"):
            self.replace_on_save = bool(body.get("replace_on_save"))
            return json_response({"ok": True})
        if (method, path) == ("GET", "minutes"):
            with self._lock:
                return json_response({"per_minute": self.per_minute, "rejected": self.rejected,
                                      "minutes": {str(k): v for k, v in self.minutes.items()}})
        raise HttpError(404, {"error": "unknown control route"})

    def _control_change(self, body, change):
        """``{"id": ..., "changes": {...}}`` or ``{"number": ...}``: change or delete it."""
        number = body.get("number")
        transaction_id = body.get("id") or next(
            (row["id"] for row in self.resources["transaction"]
             if number and row["transactionNumber"] == number), None)
        try:
            return json_response(change(transaction_id, **(body.get("changes") or {})))
        except KeyError as exc:
            raise HttpError(404, {"error": str(exc)}) from None
