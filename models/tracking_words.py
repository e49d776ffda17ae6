"""Words a run log says, kept untranslated and translated for each reader.

A run is named and summed up when it runs, by whoever started it; it is read later, by
anyone, in their own language. So a run keeps its name and summary as *words*: Odoo's lazy
translations (``_lt("sync %s", ...)``), whose arguments are texts, numbers or other words.
They are stored as JSON (``words_to_json``) and put into the reader's language when shown
(``words_text``).

The pure mappings describe their entities in English ("transaction", "item definition")
and know nothing of Odoo: their words for a user are the tables below, keyed by the
entity's description or the resource's name.
"""

# The words here are lazy on purpose: translated when read, not when written.
# pylint: disable=prefer-env-translation
from odoo.tools.translate import LazyGettext, LazyTranslate, get_translation

from ..clients.base import mask

MODULE = "tracking_connector"
_lt = LazyTranslate(MODULE)

# ``Entity.description`` of the mappings -> the words a user reads.
ENTITY_WORDS = {
    "process": _lt("process"),
    "document": _lt("document"),
    "location": _lt("location"),
    "item definition": _lt("item definition"),
    "item configuration member": _lt("item configuration member"),
    "item configuration": _lt("item configuration"),
    "unique item": _lt("unique item"),
    "packaging label item": _lt("packaging label item"),
    "packaging label": _lt("packaging label"),
    "transaction item": _lt("transaction item"),
    "transaction": _lt("transaction"),
    "batch calculation": _lt("batch calculation"),
    "IoT device": _lt("IoT device"),
    "IoT measurement": _lt("IoT measurement"),
    "balance": _lt("balance"),
    "event": _lt("event"),
    "customer": _lt("customer"),
}

# ``Resource.name`` of the importers -> the words a user reads.
RESOURCE_WORDS = {
    "locations": _lt("locations"),
    "item_definitions": _lt("item definitions"),
    "item_configurations": _lt("item configurations"),
    "unique_items": _lt("unique items"),
    "packaging_labels": _lt("packaging labels"),
    "iot_devices": _lt("IoT devices"),
    "iot_measurements": _lt("IoT measurements"),
    "transactions": _lt("transactions"),
    "reconciliation": _lt("open transactions again"),
    "balances": _lt("balances"),
    "batch_calculations": _lt("batch calculations"),
    "processes": _lt("processes"),
    "events": _lt("events"),
    "Customers": _lt("Customers"),
}


def entity_words(entity):
    """What a user reads for a mapping's ``Entity`` (its description when not in the table)."""
    return ENTITY_WORDS.get(entity.description, entity.description)


def resource_words(resource):
    """What a user reads for an importer's ``Resource`` (its title when not in the table)."""
    return RESOURCE_WORDS.get(resource.name, resource.title)


def words_to_json(words):
    """``words`` (an ``_lt`` term, a text or a number) as JSON: a term is
    ``{"text": English source, "args": its arguments as JSON}``. Texts are masked (no secret
    is stored)."""
    if isinstance(words, LazyGettext):
        # The source and arguments of Odoo's lazy term (it has no public accessor).
        source, args = words._source, words._args  # pylint: disable=protected-access
        if isinstance(args, dict):
            args = {key: words_to_json(value) for key, value in args.items()}
        else:
            args = [words_to_json(value) for value in args]
        return {"text": source, "args": args}
    if isinstance(words, str):
        return mask(words)
    return words


def words_text(data, lang):
    """The text of ``data`` (from ``words_to_json``) in ``lang`` (English when not given)."""
    if not isinstance(data, dict):
        return data
    args = data.get("args") or ()
    if isinstance(args, dict):
        args = {key: words_text(value, lang) for key, value in args.items()}
    else:
        args = tuple(words_text(value, lang) for value in args)
    return get_translation(MODULE, lang or "en_US", data["text"], args)
