"""Values of a backend pointed at a running sandbox, with the credentials it seeds: one
function for the tests, the scripts and the demo, so that a changed path or credential is
changed once. Pure Python (no Odoo import): the caller creates the record.

    env["trackonline.backend"].create(backend_values("trackonline", sandbox.url,
                                                     name="TrackOnline test", timeout=10))

Sage 50 has no seeded application (its ids and secret come from an onboarding): its values
are the base URL only, the rest is given as overrides."""

from .opuscapita import (
    OPUSCAPITA_CLIENT_ID,
    OPUSCAPITA_CLIENT_SECRET,
    OPUSCAPITA_PASSWORD,
    OPUSCAPITA_USERNAME,
)
from .trackline import TRACKLINE_EMAIL, TRACKLINE_PASSWORD
from .trackonline import TRACKONLINE_API_KEY

# Backend model of each system, for callers that create the record.
MODELS = {"trackonline": "trackonline.backend", "trackline": "trackline.backend",
          "opuscapita": "opuscapita.backend", "sage50": "sage50.backend"}


def _trackonline(url):
    return {"base_url": "%s/trackonline/api/v1" % url, "api_key": TRACKONLINE_API_KEY}


def _trackline(url):
    return {"base_url": "%s/trackline/api" % url, "login": TRACKLINE_EMAIL,
            "password": TRACKLINE_PASSWORD}


def _opuscapita(url):
    return {"environment": "custom", "base_url": "%s/opuscapita" % url,
            "client_id": OPUSCAPITA_CLIENT_ID, "client_secret": OPUSCAPITA_CLIENT_SECRET,
            "username": OPUSCAPITA_USERNAME, "password": OPUSCAPITA_PASSWORD}


def _sage50(url):
    return {"base_url": "%s/sage50" % url}


_SYSTEMS = {"trackonline": _trackonline, "trackline": _trackline,
            "opuscapita": _opuscapita, "sage50": _sage50}


def backend_values(system, sandbox_url, **overrides):
    """The values of a ``system`` backend (``trackonline``, ``trackline``, ``opuscapita``,
    ``sage50``) talking to the sandbox at ``sandbox_url`` (``http://127.0.0.1:PORT``, no
    trailing slash): its API base URL and the sandbox's credentials, then ``overrides``
    (name, licence tier, dates, timeout, ...) on top."""
    try:
        values = _SYSTEMS[system](sandbox_url.rstrip("/"))
    except KeyError:
        raise ValueError("unknown system %r (one of %s)" % (system, ", ".join(_SYSTEMS))) \
            from None
    values.update(overrides)
    return values
