"""The small language every mapping is written in: an ``Entity`` is a table of ``Field``s,
each naming the Odoo field, the remote key and a ``Kind`` that converts the value both ways.
One table gives the values read from a remote row (``Entity.read``), the values of a record
known only from an object embedded in another one (``Entity.stub``) and, for the fields marked
``send``, the payload sent back (``Entity.payload``).

A value of the wrong type (an object where text is expected, text where a number is) raises
``RowError`` naming the remote key: the importer keeps that row aside with the message and
saves the others."""

import re
from collections import Counter

from .dates import api_datetime, parse_datetime

# A page of fewer rows is not judged for drift: too few to tell a change of the answers'
# shape from a few records' gaps.
DRIFT_MIN_ROWS = 5


# What a kind reads for a value the row does not give, when the record's value must stay
# as it is (``Entity.read`` leaves the field out).
UNCHANGED = object()
# What a kind writes for a value the user did not set, or that stands for no remote value
# (an "Unknown code"): ``Entity.payload`` leaves the key out rather than send 0 or null.
OMIT = object()


class RowError(ValueError):
    """A row that cannot be read: the message names the remote key and what is wrong."""

    @property
    def key(self):
        """The remote key the message names (its text before the first colon)."""
        return str(self).split(":", 1)[0].strip()


class Ref:
    """A record of ``model`` named in a row, by its ``number`` in an embedded object
    (``{"id":…, "number":…, "name":…}``) or by its remote id (``by="remote_id"``): the
    importer turns it into the id of the mirrored record, creating a stub from ``embedded``
    when it is not mirrored yet and the model allows stubs."""

    __slots__ = ("by", "embedded", "key", "model")

    def __init__(self, model, embedded, by="number"):
        self.model = model
        self.embedded = embedded
        self.by = by
        self.key = str(embedded[by])

    def __repr__(self):
        return "Ref(%s, %s=%s)" % (self.model, self.by, self.key)


def _kind_name(value):
    return {dict: "an object", list: "a list", bool: "true/false", str: "text"}.get(
        type(value), type(value).__name__)


class Kind:
    """Converts one value: ``read`` a remote value (None when absent) to Odoo's, ``write``
    an Odoo value to the remote's. A kind that reads the whole row (its field's key is "")
    names in ``row_keys`` the keys it reads there (any one of them will do), so that a page
    lacking them all is seen (``Entity.absent_keys``)."""

    empty = False
    row_keys = ()

    def read(self, value, key, warn):
        return value if value not in (None, "") else self.empty

    def write(self, value):
        return value if value not in (None, False, "") else None


# The longest text a remote value may hold (names, references, notes): a longer one is a
# fault of the remote, and its row is kept aside rather than saved.
MAX_TEXT = 100_000


class Text(Kind):
    def read(self, value, key, warn):
        if value is None or value == "" or value is False:
            return False
        if isinstance(value, str):
            if len(value) > MAX_TEXT:
                raise RowError("%s: text of %d characters, more than the %d expected"
                               % (key, len(value), MAX_TEXT))
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        raise RowError("%s: expected text, got %s" % (key, _kind_name(value)))


class Integer(Kind):
    """A whole number; 0 when absent. Sent as is, or as null when zero with
    ``zero_is_none``."""

    empty = 0

    def __init__(self, zero_is_none=False):
        self.zero_is_none = zero_is_none

    def write(self, value):
        return (value or None) if self.zero_is_none else int(value or 0)

    def read(self, value, key, warn):
        if value is None or value == "":
            return 0
        number = Number.read(self, value, key, warn)
        if number != int(number):
            raise RowError("%s: expected a whole number, got %s" % (key, value))
        return int(number)


class Number(Kind):
    empty = 0.0

    def write(self, value):
        return float(value or 0.0)

    def read(self, value, key, warn):
        if value is None or value == "":
            return 0.0
        if isinstance(value, bool):
            raise RowError("%s: expected a number, got true/false" % key)
        try:
            return float(value)
        except (TypeError, ValueError):
            raise RowError("%s: expected a number, got %s" % (key, _kind_name(value))) from None


TRUE_TEXTS = ("true", "1", "yes")
FALSE_TEXTS = ("false", "0", "no")


class Flag(Kind):
    """A boolean; ``default`` when the remote leaves it out (``isEnabled`` is true unless
    said false)."""

    def __init__(self, default=False):
        self.default = default

    def read(self, value, key, warn):
        if value is None or value == "":
            return self.default
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            # "false" must not read as true (a deleted flag on every record).
            text = value.strip().lower()
            if text in TRUE_TEXTS + FALSE_TEXTS:
                return text in TRUE_TEXTS
            raise RowError("%s: expected true/false, got %r" % (key, value[:50]))
        if isinstance(value, (int, float)):
            return bool(value)
        raise RowError("%s: expected true/false, got %s" % (key, _kind_name(value)))

    def write(self, value):
        return bool(value)


class DateTime(Kind):
    def read(self, value, key, warn):
        if value is None or value == "" or value is False:
            return False
        if not isinstance(value, str):
            raise RowError("%s: expected a date, got %s" % (key, _kind_name(value)))
        moment = parse_datetime(value)
        if not moment and warn:
            warn("%s: unreadable date %r left empty" % (key, value[:50]))
        return moment

    def write(self, value):
        return api_datetime(value)


def _label_key(text):
    """A label or an enumeration name reduced to compare: "Sub-location", "SubLocation",
    "sub_location" and "SUB LOCATION" are one."""
    return re.sub(r"[\s_-]+", "", text).lower()


class Code(Kind):
    """A remote enumeration kept as an Odoo selection keyed by the code (as text); a code
    the vendor's document does not list is kept as "unknown" with a warning."""

    def __init__(self, selection, what, default=False):
        self.selection = selection
        self.what = what
        self.default = default
        self.keys = {key for key, _label in selection}
        self.by_label = {_label_key(label): key for key, label in selection}

    def read(self, value, key, warn):
        if value is None or value == "":
            return self.default
        if isinstance(value, (dict, list, bool)):
            raise RowError("%s: expected a code, got %s" % (key, _kind_name(value)))
        text = str(value).strip()
        if text.isdigit() and str(int(text)) in self.keys:
            return str(int(text))  # 5, "5" and "05" are one code
        found = self.by_label.get(_label_key(text))
        if found:
            return found
        if warn:
            warn("unknown %s code %r kept as unknown" % (self.what, value))
        return "unknown"

    def write(self, value):
        """The code; left out when unset or "unknown" (sent as 0, it would be another code:
        Start balance for a transaction type, New for a status)."""
        return int(value) if value and value.isdigit() else OMIT


class SetOnly(Kind):
    """``kind``, but a value the user did not set (empty, or 0 for a number) is left out of
    the payload, as the document's examples leave it out, rather than sent as 0 or null."""

    def __init__(self, kind):
        self.kind = kind
        self.empty = kind.empty

    def read(self, value, key, warn):
        return self.kind.read(value, key, warn)

    def write(self, value):
        return self.kind.write(value) if value else OMIT


class Tags(Kind):
    """A list of strings kept as one comma-separated text."""

    def read(self, value, key, warn):
        if value in (None, ""):
            return False
        if not isinstance(value, list):
            raise RowError("%s: expected a list, got %s" % (key, _kind_name(value)))
        return ", ".join(str(tag) for tag in value if tag not in (None, "")) or False


class Reference(Kind):
    """An embedded object naming a record of ``model`` by its number (by its id when it has
    no number; the number alone, as text, will do too), or (``by_remote_id``) a value that is
    the record's remote id (see ``Ref``)."""

    def __init__(self, model, by_remote_id=False):
        self.model = model
        self.by_remote_id = by_remote_id

    def read(self, value, key, warn):
        if value in (None, ""):
            return False
        if self.by_remote_id:
            return Ref(self.model, {"remote_id": TEXT.read(value, key, warn)},
                       by="remote_id")
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return Ref(self.model, {"number": str(value)})  # the number alone
        if not isinstance(value, dict):
            raise RowError("%s: expected an object, got %s" % (key, _kind_name(value)))
        if value.get("number") in (None, ""):
            if value.get("id") in (None, ""):
                return False
            # An object with its id only: the record mirrored under that id (no stub).
            return Ref(self.model, {"remote_id": str(value["id"])}, by="remote_id")
        return Ref(self.model, value)

    def write(self, value):
        return {"number": value.number} if value else None


TEXT = Text()
INTEGER = Integer()
OPTIONAL_INTEGER = Integer(zero_is_none=True)
NUMBER = Number()
FLAG = Flag()
ENABLED = Flag(default=True)
DATETIME = DateTime()
TAGS = Tags()


class Field:
    """``name`` (Odoo) <- ``key`` (remote; dotted for a nested object: ``gps.latitude``),
    converted by ``kind``; ``fallback`` names another remote key used when this one is
    empty; ``send`` puts it in the payload; ``stub`` reads it for a stub too; ``optional``:
    a key the document does not give, read where an answer carries it (its absence is no
    drift)."""

    __slots__ = ("fallback", "key", "kind", "name", "optional", "send", "stub")

    def __init__(self, name, key, kind=TEXT, send=False, fallback=None, stub=False,
                 optional=False):
        self.name = name
        self.key = key
        self.kind = kind
        self.send = send
        self.fallback = fallback
        self.stub = stub
        self.optional = optional

    def get(self, row):
        value = dig(row, self.key)
        if value in (None, "") and self.fallback:
            value = dig(row, self.fallback)
        return value


def _present(value):
    return bool(value) or (value == 0 and not isinstance(value, bool))


def _has_key(row, key):
    """Whether ``row`` holds ``key`` (dotted into nested objects), even as null."""
    value = row
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return False
        value = value[part]
    return True


def pop_any_case(values, key):
    """Remove ``key`` from ``values`` in any casing; the value it had (the last), or None."""
    found = None
    for name in [name for name in values if name.lower() == key.lower()]:
        found = values.pop(name)
    return found


def dig(row, key):
    """``row[key]``, following dots into nested objects; None when absent."""
    if not key:
        return row
    if "." not in key and isinstance(row, dict):  # the usual case, 30 times a row
        return row.get(key)
    value = row
    parts = key.split(".")
    for depth, part in enumerate(parts):
        if value is None:
            return None
        if not isinstance(value, dict):
            raise RowError("%s: expected an object, got %s"
                           % (".".join(parts[:depth]), _kind_name(value)))
        value = value.get(part)
    return value


def items(row, key):
    """The list under ``key`` (empty when absent); anything else is a ``RowError``."""
    value = dig(row, key)
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise RowError("%s: expected a list, got %s" % (key, _kind_name(value)))
    if any(not isinstance(item, dict) for item in value):
        raise RowError("%s: expected a list of objects" % key)
    return value


class Entity:
    """A remote record type: its fields, read and written through one table.

    ``required``: remote keys a row must have (a row without one is kept aside);
    ``remote_id``: the remote key that identifies a row."""

    def __init__(self, description, fields, required=("id",), remote_id="id"):
        self.description = description
        self.fields = tuple(fields)
        self.required = tuple(required)
        self.remote_id = remote_id

    def missing(self, row):
        """The required keys ``row`` lacks (absent, or empty)."""
        return [key for key in self.required if not _present(dig(row, key))]

    def absent_keys(self, rows, share=0.5):
        """The remote keys this mapping reads that more than ``share`` of ``rows`` lack (a
        key absent, not null; a field is present when its key or its fallback is). Fields
        read from the whole row (key "") and optional fields are not checked."""
        if not rows:
            return []
        absent = []
        for field in self.fields:
            if field.optional:
                continue
            keys = ([key for key in (field.key, field.fallback) if key] if field.key
                    else list(field.kind.row_keys))
            if not keys:
                continue
            lacking = sum(1 for row in rows if not any(_has_key(row, key) for key in keys))
            if lacking > share * len(rows):
                absent.append(field.key or " or ".join(keys))
        return list(dict.fromkeys(absent))

    def drift(self, rows, share=0.5, min_rows=DRIFT_MIN_ROWS):
        """How a page's ``rows`` stopped carrying what this mapping expects: ``(absent,
        wrong)``, the keys more than ``share`` of the rows lack (``absent_keys``) and the keys
        more than ``share`` of them hold with a value of another type. Nothing for a page of
        fewer than ``min_rows`` rows."""
        if len(rows) < min_rows:
            return [], []
        wrong = Counter()
        for row in rows:
            try:
                self.read(row)
            except RowError as exc:
                wrong[exc.key] += 1
        return (self.absent_keys(rows, share),
                [key for key, count in wrong.items() if count > share * len(rows)])

    def read(self, row, warn=None):
        """Odoo values of a remote row (with ``remote_id``, unless the entity has none of
        its own)."""
        values = {}
        if self.remote_id:
            values["remote_id"] = TEXT.read(dig(row, self.remote_id), self.remote_id, warn)
        for field in self.fields:
            value = field.kind.read(field.get(row), field.key, warn)
            if value is not UNCHANGED:
                values[field.name] = value
        return values

    def stub(self, embedded):
        """Values of a record known only from an object embedded in another one."""
        values = {"remote_id": str(embedded[self.remote_id])}
        for field in self.fields:
            if field.stub:
                values[field.name] = field.kind.read(field.get(embedded), field.key, None)
        return values

    def payload(self, record):
        """The remote's object for an Odoo record (any object with the fields as
        attributes): the ``send`` fields (but those a kind leaves out: ``OMIT``), and the
        remote id once the remote gave one."""
        payload = {}
        for field in self.fields:
            if field.send:
                value = field.kind.write(getattr(record, field.name))
                if value is not OMIT:
                    payload[field.key] = value
        remote_id = getattr(record, "remote_id", False)
        if remote_id:
            payload[self.remote_id] = remote_id
        return payload
