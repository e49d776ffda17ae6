"""Messages and labels read later: stored untranslated, shown in the reader's language.

A run is named and summed up when it runs, by whoever started it; it is read later, by
anyone, in their own language. So a run stores its name and summary as messages: Odoo's lazy
translations (``_lt("sync %s", ...)``), whose arguments are texts, numbers or other messages.
They are stored as JSON (``lazy_to_json``) and put into the reader's language when shown
(``lazy_text``).

The pure mappings describe their entities in English ("transaction", "item definition")
and know nothing of Odoo: their labels for a user are the tables below, keyed by the
entity's description or the resource's name.
"""

from odoo.tools.translate import LazyGettext, LazyTranslate, get_translation

from ..clients.base import (
    AuthError,
    CredentialsMissing,
    NotFound,
    RateLimited,
    RemoteDataError,
    TimedOut,
    TransientError,
    Unreachable,
    mask,
)

MODULE = "tracking_connector"
_lt = LazyTranslate(MODULE)

# ``Entity.description`` of the mappings -> the label a user reads.
ENTITY_LABELS = {
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

# ``Resource.name`` of the importers -> the label a user reads.
RESOURCE_LABELS = {
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


# The credentials of each system's backend, as its form names them.
CREDENTIAL_LABELS = {
    "trackline.backend": _lt("login and password"),
    "trackonline.backend": _lt("API key"),
    "opuscapita.backend": _lt("user and client credentials"),
    "sage50.backend": _lt("API key"),
}
# The steps of a client's work it names on its errors (``ApiError.step``).
STEP_LABELS = {"login": _lt("The login failed"), "token": _lt("Token request failed"),
               "data": _lt("Data call failed")}
# The call budgets, by the period they cover (models/tracking_rate_counter.py).
PERIOD_LABELS = {"minute": _lt("minute"), "day": _lt("day")}


def system_name(backend):
    """The remote system of ``backend`` as a user knows it ("TrackOnline", "Sage 50 Cloud")."""
    return backend._description.removesuffix(" Backend")


def api_error_message(exc, backend):
    """What a user reads of ``exc``, a typed error of a remote call (clients/base.py) met by
    a run of ``backend``: what happened and what to do, naming the setting to fix, as a message
    translated for each reader, with the remote's own complaint quoted when it sent one.
    None for an error these messages do not cover (its own message says it). The one home of
    "typed error -> message"; the technical line (``exc.message``) is for the run log."""
    system, name = system_name(backend), backend.display_name
    status = exc.status
    if isinstance(exc, CredentialsMissing):
        return _lt("The backend %(backend)s has no %(credentials)s yet: a Tracking manager "
                   "fills this in on the backend's form, then presses Test connection.",
                   backend=name, credentials=CREDENTIAL_LABELS.get(backend._name,
                                                                   _lt("credentials")))
    if isinstance(exc, AuthError) and status is None:
        return None  # our own message (a key lost): it says it
    if isinstance(exc, AuthError):
        credentials = CREDENTIAL_LABELS.get(backend._name, _lt("credentials"))
        message = _lt("%(system)s refused the %(credentials)s (error %(status)s). Check the "
                      "%(credentials)s on the backend %(backend)s, then press Test connection.",
                      system=system, credentials=credentials, status=status, backend=name)
    elif isinstance(exc, RateLimited) and status is None:
        if not exc.budget:
            return None
        period, calls = exc.budget
        message = _lt("The %(period)s's budget of %(calls)s %(system)s calls is spent: the run "
                      "stopped here and the next one goes on in %(minutes)s min. Nothing to fix; "
                      "a higher licence tier on the backend %(backend)s gives more calls.",
                      period=PERIOD_LABELS.get(period, period), calls=calls, system=system,
                      minutes=max(1, round((exc.retry_after or 0) / 60)), backend=name)
    elif isinstance(exc, RateLimited):
        message = _lt("%(system)s asked for fewer calls (429 Too Many Requests): the run stopped "
                      "here and the next one goes on in %(minutes)s min. Nothing to fix.",
                      system=system, minutes=max(1, round((exc.retry_after or 0) / 60)))
    elif isinstance(exc, TimedOut):
        message = _lt("%(system)s did not answer in time. Nothing to fix if it passes: the next "
                      "run tries again. If it lasts, check the API base URL and the request "
                      "timeout on the backend %(backend)s.", system=system, backend=name)
    elif isinstance(exc, Unreachable):
        message = _lt("%(system)s could not be reached. Check the API base URL on the backend "
                      "%(backend)s and the network, then press Test connection.", system=system,
                      backend=name)
    elif isinstance(exc, TransientError) and status and status >= 500:
        message = _lt("%(system)s failed on its side (error %(status)s). Nothing to fix in Odoo: "
                      "the next run tries again. If it lasts, tell %(system)s's support.",
                      system=system, status=status)
    elif isinstance(exc, TransientError):
        message = _lt("%(system)s's answer was cut short: the connection broke off. Nothing "
                      "to fix: the next run tries again.", system=system)
    elif isinstance(exc, NotFound):
        message = _lt("%(system)s does not know what was asked for. Check the API base URL on "
                      "the backend %(backend)s, and that the record still exists in %(system)s.",
                      system=system, backend=name)
    elif isinstance(exc, RemoteDataError) and status:
        return _lt("Expected JSON from %(system)s, but its answer (status %(status)s) could not "
                   "be read. If it lasts, check the API base URL on the backend %(backend)s (it "
                   "may lead to another server), or give the run log to your integrator. Its "
                   "answer began: \"%(remote)s\"", system=system, status=status, backend=name,
                   remote=exc.remote or "")
    elif status and 400 <= status < 500:
        message = _lt("%(system)s refused the data sent (error %(status)s). Correct the record "
                      "as %(system)s says, then press Retry now.", system=system, status=status)
    else:
        return None
    if exc.step in STEP_LABELS:
        message = _lt("%(step)s: %(message)s", step=STEP_LABELS[exc.step], message=message)
    if exc.remote:
        message = _lt("%(message)s %(system)s said: \"%(remote)s\"", message=message, system=system,
                      remote=exc.remote)
    return message


def entity_label(entity):
    """What a user reads for a mapping's ``Entity`` (its description when not in the table)."""
    return ENTITY_LABELS.get(entity.description, entity.description)


def resource_label(resource):
    """What a user reads for an importer's ``Resource`` (its title when not in the table)."""
    return RESOURCE_LABELS.get(resource.name, resource.title)


def lazy_to_json(message):
    """``message`` (an ``_lt`` term, a text or a number) as JSON: a term is
    ``{"text": English source, "args": its arguments as JSON}``. Texts are masked (no secret
    is stored)."""
    if isinstance(message, LazyGettext):
        # The source and arguments of Odoo's lazy term (it has no public accessor).
        source, args = message._source, message._args
        if isinstance(args, dict):
            args = {key: lazy_to_json(value) for key, value in args.items()}
        else:
            args = [lazy_to_json(value) for value in args]
        return {"text": source, "args": args}
    if isinstance(message, str):
        return mask(message)
    return message


def lazy_text(data, lang):
    """The text of ``data`` (from ``lazy_to_json``) in ``lang`` (English when not given)."""
    if not isinstance(data, dict):
        return data
    args = data.get("args") or ()
    if isinstance(args, dict):
        args = {key: lazy_text(value, lang) for key, value in args.items()}
    else:
        args = tuple(lazy_text(value, lang) for value in args)
    return get_translation(MODULE, lang or "en_US", data["text"], args)
