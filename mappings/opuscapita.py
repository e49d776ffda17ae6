"""OpusCapita transaction events in Odoo. The answer's schema is not public: each field is
read from the first of the keys seen for it, and the whole event is kept as received."""

import json

from .fields import DATETIME, TEXT, Entity, Field, Kind, RowError


class FirstOf(Kind):
    """The first non-empty value among several keys of the row (``key`` is unused: the
    field's key is "" so that the kind sees the whole row)."""

    def __init__(self, *keys, kind=TEXT):
        self.keys = self.row_keys = keys
        self.kind = kind

    def read(self, value, key, warn):
        for name in self.keys:
            item = value.get(name)
            if item not in (None, ""):
                return self.kind.read(item, name, warn)
        return False


class Party(Kind):
    """A sender or receiver: an object ``{"id", "name"}``, or an id under ``<key>`` /
    ``<key>Id`` with the name under ``<key>Name``. ``part`` is "id" or "name"."""

    def __init__(self, key, part):
        self.key = key
        self.part = part
        self.row_keys = (key, key + ("Id" if part == "id" else "Name"))

    def read(self, value, key, warn):
        party = value.get(self.key)
        if isinstance(party, dict):
            return TEXT.read(party.get(self.part), "%s.%s" % (self.key, self.part), warn)
        if isinstance(party, list):
            raise RowError("%s: expected an object or an id, got a list" % self.key)
        if self.part == "id":
            return TEXT.read(party or value.get(self.key + "Id"), self.key, warn)
        return TEXT.read(value.get(self.key + "Name"), self.key + "Name", warn)


class Raw(Kind):
    """The whole row as received, as JSON text."""

    def read(self, value, key, warn):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)


EVENT = Entity("event", [
    Field("transaction_id", "", FirstOf("transactionId", "transactionID")),
    Field("document_type", "", FirstOf("documentType", "docType")),
    Field("document_number", "", FirstOf("documentNumber", "documentId", "docNumber")),
    Field("status", "", FirstOf("status", "state", "eventStatus")),
    Field("status_message", "", FirstOf("message", "statusMessage", "errorMessage")),
    Field("channel", "channel"),
    Field("sender_ref", "", Party("sender", "id")),
    Field("sender_name", "", Party("sender", "name")),
    Field("receiver_ref", "", Party("receiver", "id")),
    Field("receiver_name", "", Party("receiver", "name")),
    Field("event_time", "", FirstOf("eventTime", "timestamp", "time", kind=DATETIME)),
    Field("created_at", "", FirstOf("createdAt", "created", kind=DATETIME)),
    Field("raw", "", Raw()),
], required=("id",))
