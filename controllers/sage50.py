"""What Sage 50 calls over HTTP: the approval URL (with the new API key) and the
notification URL (a new scope file), each carrying the backend's unguessable token in its
path, and the log filter that masks that token wherever a request line is logged."""

import hmac
import json
import logging
import re

from odoo import http
from odoo.http import request

from ..clients.base import MASK, hide
from ..clients.sage50 import plain_scope

_logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
ROUTES = "/tracking_connector/sage50/"
TOKEN_IN_PATH = re.compile(r"(/tracking_connector/sage50/[^/\s]*/)[^/\s]+")
# Our routes take nothing in the query string, but a caller may put a key there by mistake.
QUERY_OF_PATH = re.compile(r"(/tracking_connector/sage50/[^?\s]*\?)\S*")


def masked_path(text):
    """``text`` with the token and the whole query string of our routes masked."""
    return TOKEN_IN_PATH.sub(r"\1" + MASK, QUERY_OF_PATH.sub(r"\1" + MASK, text))


class EndpointTokenFilter(logging.Filter):
    """Masks the endpoint token in the path of our routes, and their query string,
    wherever a request line is logged (werkzeug's access log names every path it serves,
    with its query string)."""

    def filter(self, record):
        if isinstance(record.args, tuple) and any(
                isinstance(arg, str) and ROUTES in arg for arg in record.args):
            record.args = tuple(masked_path(arg) if isinstance(arg, str) else arg
                                for arg in record.args)
        if isinstance(record.msg, str) and ROUTES in record.msg:
            record.msg = masked_path(record.msg)
        return True


def _install_log_filter():
    access_log = logging.getLogger("werkzeug")
    if not any(type(f).__name__ == EndpointTokenFilter.__name__ for f in access_log.filters):
        access_log.addFilter(EndpointTokenFilter())


_install_log_filter()


class Sage50Controller(http.Controller):
    """What Sage 50 calls: the approval URL (with the new API key) and the notification URL
    (a new scope file). Both carry the backend's unguessable token in their path."""

    @http.route("/tracking_connector/sage50/<int:backend_id>/<string:token>/approval",
                type="http", auth="public", methods=["POST"], csrf=False, save_session=False)
    def approval(self, backend_id, token, **_form):  # a form's fields: read in _checked
        backend, body, error = self._checked(backend_id, token)
        if error:
            return error
        key = body.get("apikey")
        if not isinstance(key, str) or not key:
            return self._answer(400, "apikey is missing")
        hide(key)
        if not backend._approve(key):
            # No consent waits for this key (approved already, or no passcode generated):
            # a replay, or a call from someone holding the URL. Nothing is stored.
            _logger.warning("Sage 50 endpoint: refused an approval for backend %s from %s: "
                            "no consent is waiting for one", backend_id,
                            request.httprequest.remote_addr)
            return self._answer(409, "no consent is waiting for approval")
        return self._answer(200, "ok")

    @http.route("/tracking_connector/sage50/<int:backend_id>/<string:token>/notify",
                type="http", auth="public", methods=["POST"], csrf=False, save_session=False)
    def notify(self, backend_id, token, **_form):
        backend, body, error = self._checked(backend_id, token)
        if error:
            return error
        scope = body.get("scope")  # "Scope", "SCOPE": the keys are lowercased
        if not isinstance(scope, str) or not scope:
            return self._answer(400, "scope is missing")
        if not plain_scope(scope):
            return self._answer(400, "scope is not a plain name")
        url = body.get("url")
        if url is not None and not isinstance(url, str):
            return self._answer(400, "url is not a text")
        request.env["sage50.download"].sudo()._notify(backend, scope, url)
        return self._answer(200, "ok")

    def _checked(self, backend_id, token):
        """(backend, body, None), or (None, None, an error answer): 403 for a missing or
        wrong token (compared in constant time, the same answer for an unknown backend), 413
        for a body over 64 KB, 400 for a body that is neither a JSON object nor a form (JSON
        nested too deeply to read included). The document does not give the bodies: the
        body's keys are lowercased ("apiKey"). The body is kept once read, so that Odoo can
        run the request again after a concurrent update (two approvals at once)."""
        backend = request.env["sage50.backend"].sudo().browse(backend_id).exists()
        expected = (backend.endpoint_token if backend else "") or ""
        if not hmac.compare_digest(expected.encode(), (token or "").encode()) or not expected:
            _logger.warning("Sage 50 endpoint: refused a call with a wrong token for backend "
                            "%s from %s", backend_id, request.httprequest.remote_addr)
            return None, None, self._answer(403, "forbidden")
        length = request.httprequest.content_length
        if length is None or length > MAX_BODY:
            return None, None, self._answer(413, "body too large or without length")
        if request.httprequest.mimetype == "application/x-www-form-urlencoded":
            body = request.httprequest.form.to_dict()  # parsed by Odoo already
        else:
            try:
                body = json.loads(request.httprequest.get_data() or b"null")
            except (ValueError, RecursionError):
                body = None
        if isinstance(body, dict):
            body = {str(key).lower(): value for key, value in body.items()}
        else:
            return None, None, self._answer(400, "a JSON object is expected")
        return backend, body, None

    def _answer(self, status, message):
        return request.make_json_response({"message": message}, status=status)
