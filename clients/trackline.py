"""Trackline (Code Contract platform): login, process metadata, attachment download."""

import logging

import jwt

from .base import AuthError, BearerTokenClient, CredentialsMissing, RemoteDataError, remote_message

_logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.codecontractplattform.com/api"
# A token without a readable "exp" is used for this long at most.
DEFAULT_TOKEN_LIFETIME = 300
# Words of Flask-JWT-Extended's 422 answers to a token it cannot read or verify ("Signature
# verification failed", "Not enough segments", "Invalid header padding", "Bad Authorization
# header...").
METADATA_PATH = "track-line/ext/track-path/metadata"
JWT_COMPLAINTS = ("signature", "segments", "padding", "token", "authorization header")

def token_expiry(token):
    """The ``exp`` claim of a JWT as a Unix time, read without verifying the signature
    (we do not hold the key), or None when it has none or cannot be read."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False, "verify_exp": False})
    except jwt.PyJWTError:
        return None
    exp = claims.get("exp")
    return float(exp) if isinstance(exp, (int, float)) else None


class TracklineClient(BearerTokenClient):
    """Logs in with email and password; the JWT's ``exp`` says when to log in again."""

    def __init__(self, base_url, email, password, **kwargs):
        super().__init__(base_url, secrets=(password,), **kwargs)
        self.email = email
        self._password = password

    def login(self):
        """Log in now; return the token. A refused login raises ``AuthError``."""
        return self.new_token()

    def fetch_token(self):
        if not self.email or not self._password:
            raise CredentialsMissing("Trackline login and password are required.")
        try:
            response = self.request("POST", "login", auth=False,
                                    json={"email": self.email, "password": self._password})
        except AuthError as exc:
            # The login is not named: the message reaches run logs every user reads.
            raise AuthError("Trackline login failed: %s" % exc.message,
                            status=exc.status, remote=exc.remote, step="login") from None
        body = self.parse_json(response)
        # "token" in the document; "access_token" as other JWT services write it.
        token = next((body[key] for key in ("token", "access_token")
                      if isinstance(body, dict) and body.get(key)), None)
        if not isinstance(token, str) or not token:
            raise RemoteDataError("Trackline login answered without a token.")
        expiry = token_expiry(token)
        if not expiry or expiry <= self._clock():
            # No "exp", or one already past by our clock (the clocks differ): a login for
            # each call would follow; the token is used for the default lifetime, and a 401
            # says when it is over.
            expiry = self._clock() + DEFAULT_TOKEN_LIFETIME
        return token, expiry

    def _error(self, method, url, response):
        """A 422 that complains of the token (Flask-JWT-Extended, as the API notes read
        Trackline's tokens, answers 422 to a token it cannot verify: signed with a key the
        server no longer holds, malformed) is a token refused, as a 401: one new login, one
        retry. Any other 422 stays what it is."""
        error = super()._error(method, url, response)
        complaint = remote_message(response).lower() if response.status_code == 422 else ""
        if any(word in complaint for word in JWT_COMPLAINTS):
            return AuthError(error.message, status=401, excerpt=error.excerpt,
                             remote=error.remote)
        return error

    # -- API --------------------------------------------------------------------------------

    def process_metadata(self, process_id=None, process_name=None):
        """The process with its documents, validated: ``process_id`` and each document's
        ``doc_id`` are strings; a document without an id is dropped with a warning."""
        if not process_id and not process_name:
            raise ValueError("A process id or a process name is required.")
        params = {"process_id": process_id} if process_id else {"process_name": process_name}
        body = self.parse_json(self.authed("GET", METADATA_PATH,
                                           params=params))
        return parse_process(body)

    def download(self, doc_id, max_bytes=None):
        """(content bytes, Content-Type header or None) of one attachment, streamed and
        refused when over ``max_bytes``."""
        response = self.authed("GET", "track-line/ext/attachment/file",
                               params={"attachment_id": doc_id}, stream=True)
        with response:
            content = self.read_limited(response, max_bytes)
            return content, response.headers.get("Content-Type")


def parse_process(body):
    """Turn a metadata answer into a clean dict or raise ``RemoteDataError``."""
    if not isinstance(body, dict) or body.get("process_id") in (None, ""):
        raise RemoteDataError("Trackline metadata has no process_id: %r" % (str(body)[:200],))
    documents, skipped = [], []
    for doc in body.get("documents") or []:
        if not isinstance(doc, dict) or doc.get("doc_id") in (None, ""):
            skipped.append(doc)
            continue
        documents.append({
            "doc_id": str(doc["doc_id"]),
            "doc_name": str(doc.get("doc_name") or doc["doc_id"]),
            "doc_type": doc.get("doc_type") or False,
        })
    if skipped:
        _logger.warning("Trackline process %s: %d documents without doc_id skipped",
                        body["process_id"], len(skipped))
    return {
        "process_id": str(body["process_id"]),
        "name": body.get("name") or str(body["process_id"]),
        "status": body.get("status") or False,
        "created_at": body.get("created_at") or False,
        "documents": documents,
        "skipped_documents": len(skipped),
    }
