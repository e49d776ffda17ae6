"""What an answer of a remote API carries against what a mapping reads, for the "Check the
API" of a first connection (``models/tracking_api_check.py``): pure, no Odoo.

``survey(entity, rows)`` says, for each field of an ``Entity``, in how many rows its key
came, was absent or held a value of another type, and which keys of the rows nothing reads.
``envelope(body, list_keys)`` says how the list came: a bare list, or an object holding it
under a key, with the paging fields it showed."""

from .fields import _has_key

# Keys of an envelope that tell about paging (any casing).
PAGING_KEYS = ("page", "pagenumber", "pageindex", "pagesize", "size", "totalpages",
               "totalcount", "totalelements", "total", "count", "first", "last", "next",
               "previous", "hasmore", "hasnext", "nextpage", "number", "offset", "limit",
               "cursor", "nextcursor", "continuationtoken", "skip", "top")


def _field_keys(field):
    """The remote keys a field reads: its key and fallback, or, for a field read from the
    whole row, the keys its kind names (none: the field is not judged)."""
    if field.key:
        return [key for key in (field.key, field.fallback) if key]
    return list(field.kind.row_keys)


def mapped_keys(entity):
    """Every remote key ``entity`` reads (dotted for nested objects)."""
    keys = set(entity.required)
    if entity.remote_id:
        keys.add(entity.remote_id)
    for field in entity.fields:
        keys.update(_field_keys(field))
    return keys


def unmapped_keys(entity, rows):
    """``{key: rows holding it}`` for the keys of ``rows`` nothing of ``entity`` reads: the
    rows' own keys, and the keys inside an object whose parent key the mapping reads into
    (``gps.altitude`` when it reads ``gps.latitude``)."""
    mapped = mapped_keys(entity)
    parents = {key.rsplit(".", 1)[0] for key in mapped if "." in key}
    found = {}
    for row in rows:
        if not isinstance(row, dict):
            continue
        for key, value in row.items():
            key = str(key)
            if key in parents and isinstance(value, dict):
                for sub in value:
                    dotted = "%s.%s" % (key, sub)
                    if dotted not in mapped:
                        found[dotted] = found.get(dotted, 0) + 1
            elif key not in mapped and key not in parents:
                found[key] = found.get(key, 0) + 1
    return dict(sorted(found.items()))


def survey(entity, rows):
    """What ``rows`` carry of what ``entity`` reads: a dict with ``rows`` (their number),
    ``fields`` (one entry per judged field: ``keys``, the rows that had one of them
    (``found``), the rows of a value of another type (``wrong``) and the first such
    complaint (``example``), and ``optional``: a key the document does not give, whose
    absence is no drift), ``unmapped`` (``unmapped_keys``) and ``required_missing``
    (rows lacking a required key)."""
    rows = [row for row in rows if isinstance(row, dict)]
    fields = []
    for field in entity.fields:
        keys = _field_keys(field)
        if not keys:
            continue  # the whole row as received: nothing to find
        found = wrong = 0
        example = None
        for row in rows:
            if any(_has_key(row, key) for key in keys):
                found += 1
            try:
                field.kind.read(field.get(row), field.key, None)
            except (ValueError, KeyError, TypeError, AttributeError) as exc:  # RowError too
                wrong += 1
                example = example or str(exc)
        fields.append({"name": field.name, "keys": " or ".join(keys), "found": found,
                       "wrong": wrong, "example": example, "optional": field.optional})
    return {"rows": len(rows), "fields": fields, "unmapped": unmapped_keys(entity, rows),
            "required_missing": sum(1 for row in rows if entity.missing(row))}


def differs(result):
    """Whether a ``survey`` shows the answer apart from the mapping: a field found in no
    row (an optional one aside), values of another type, rows without a required key. (Keys
    nothing reads do not count: an answer may carry more than the connector needs.)"""
    if not result["rows"]:
        return False
    return bool(result["required_missing"] or any(
        (not field["found"] and not field["optional"]) or field["wrong"]
        for field in result["fields"]))


def envelope(body, list_keys):
    """How a list answer came: ``{"shape": "list" | "object" | "empty" | "other", "key":
    the key holding the list (None for a bare list), "other_keys": the object's other keys,
    "paging": {key: value} of the paging fields it showed}``. ``list_keys``: the keys
    looked for, in order (the first holding a list is taken)."""
    if body is None:
        return {"shape": "empty", "key": None, "other_keys": [], "paging": {}}
    if isinstance(body, list):
        return {"shape": "list", "key": None, "other_keys": [], "paging": {}}
    if not isinstance(body, dict):
        return {"shape": "other", "key": None, "other_keys": [], "paging": {}}
    by_case = {str(key).lower(): key for key in body}
    key = next((by_case[name.lower()] for name in list_keys
                if name.lower() in by_case and isinstance(body[by_case[name.lower()]], list)),
               None)
    if key is None:  # any list will do, named as it came
        key = next((name for name, value in body.items() if isinstance(value, list)), None)
    paging = {str(name): value for name, value in body.items()
              if str(name).lower() in PAGING_KEYS and not isinstance(value, (dict, list))}
    return {"shape": "object", "key": key,
            "other_keys": sorted(str(name) for name in body if name != key),
            "paging": paging}
