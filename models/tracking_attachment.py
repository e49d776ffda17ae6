"""A file downloaded from a remote system, kept as an attachment: one way to check its size,
name it and tell its type, for every integration.

Plain functions rather than an AbstractModel: they keep no state and need nothing from the
registry but the records they attach to (whose ``env`` they use), so a model would only add
an ``ir.model`` row with a translatable description, and an indirection
(``env["..."]._store``) at each call, for nothing a function does not give."""

import mimetypes
import re
import unicodedata

from odoo.tools.mimetypes import guess_mimetype

from ..clients.base import RemoteDataError

MAX_NAME_LENGTH = 200
MAX_NAME_BYTES = 240
UNSAFE_CHARACTERS = frozenset('/\\:*?"<>|')
# Control, format (invisible, bidi overrides), surrogate, private-use, unassigned characters
# and line/paragraph separators.
UNSAFE_CATEGORIES = frozenset(("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))
OCTET_STREAM = "application/octet-stream"
PLAIN_TEXT = "text/plain"
# A Content-Type that says nothing about the file: the bytes are asked instead.
VAGUE_HEADERS = frozenset((OCTET_STREAM, "binary/octet-stream", "application/unknown",
                           "application/binary", "application/download",
                           "application/force-download"))
# A guess from the bytes that the name may make more precise (text: CSV, JSON, XML...).
VAGUE_GUESSES = frozenset((OCTET_STREAM, PLAIN_TEXT))
MIMETYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")
# Types a browser shows inline as a page of their own, with scripts, links and forms: HTML,
# SVG and any XML (which may hold XHTML). A remote file of such a type is kept as plain text,
# whatever the remote said: Odoo serves an attachment inline under its type, and text/plain
# (with Odoo's "nosniff") shows its source, never runs it; a download keeps its own name.
# (Not application/octet-stream: ir.attachment guesses that type again from the bytes.)
ACTIVE_SUBTYPES = frozenset(("html", "xhtml", "xml", "xsl", "xslt"))
ACTIVE_SUFFIXES = ("+xml", "+html")


def safe_filename(name, default="document"):
    """A file name to show and download safely: no path separators or characters that
    file systems refuse, no control, invisible or direction-changing characters (U+202E),
    no lone surrogates (bytes that were not UTF-8), no leading or trailing dots (``..``),
    at most 200 characters and 240 bytes in UTF-8, the extension kept."""
    name = unicodedata.normalize("NFC", name if isinstance(name, str) else "")
    name = "".join("\x00" if ch in UNSAFE_CHARACTERS
                   or unicodedata.category(ch) in UNSAFE_CATEGORIES else ch for ch in name)
    name = re.sub(r"\x00+", "_", name).strip(" ._")
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 10:
        stem, dot, ext = name, "", ""
    stem = stem[:MAX_NAME_LENGTH]
    while stem and (len(stem + dot + ext) > MAX_NAME_LENGTH
                    or len((stem + dot + ext).encode()) > MAX_NAME_BYTES):
        stem = stem[:-1]
    name = (stem + dot + ext).strip(" .") if stem else ""
    return name or default


def file_mimetype(name, content, content_type=None):
    """The type of a downloaded file, in this order: the Content-Type the remote gave, when
    it names a specific type; else Odoo's guess from the bytes (``guess_mimetype``), unless
    that guess is only "some bytes" or "some text"; else the guess from the file name's
    extension; else that vague guess from the bytes."""
    header = (content_type or "").split(";", 1)[0].strip().lower()
    if MIMETYPE.match(header) and header not in VAGUE_HEADERS:
        return header
    guessed = guess_mimetype(content or b"", default=OCTET_STREAM) or OCTET_STREAM
    if guessed not in VAGUE_GUESSES:
        return guessed
    return mimetypes.guess_type(name or "")[0] or guessed


def stored_mimetype(mimetype):
    """The type an attachment of a remote file is kept under: ``mimetype``, or "text/plain"
    for a type a browser would show as an active page (``ACTIVE_SUBTYPES``: HTML, SVG,
    XML)."""
    subtype = (mimetype or "").partition("/")[2].lower()
    if subtype in ACTIVE_SUBTYPES or subtype.endswith(ACTIVE_SUFFIXES):
        return PLAIN_TEXT
    return mimetype


def check_size(name, content, max_bytes):
    """Refuse a file over ``max_bytes`` (0 or None: no cap) with ``RemoteDataError``."""
    if max_bytes and len(content) > max_bytes:
        raise RemoteDataError("File %s of %d bytes is over the size cap of %d bytes"
                              % (name, len(content), max_bytes))


def attach_files(records, files, max_bytes=None, **values):
    """Keep each downloaded file of ``files`` — ``(name, content, Content-Type header or
    None)`` — as an attachment of each record of ``records`` (one record, a recordset, or a
    list of records of different models), with one ``create()``. The content is kept byte
    for byte; the name is made safe (``safe_filename``), the type told by
    ``file_mimetype``, and a file over ``max_bytes`` refused with ``RemoteDataError`` before
    anything is created; a file of a type a browser would show as an active page (HTML,
    SVG, XML) is kept as plain text (``stored_mimetype``), under its own name. ``values``
    are added to every attachment (a description...).
    Returns the attachments, file after file and, for each file, record after record."""
    records = [record for group in ([records] if hasattr(records, "_name") else records)
               for record in group]
    if not records:
        raise ValueError("attach_files needs a record to attach the files to")
    vals_list = []
    for name, content, content_type in files:
        check_size(name, content, max_bytes)
        file_values = dict(values, name=safe_filename(name), raw=content,
                           mimetype=stored_mimetype(file_mimetype(name, content,
                                                                  content_type)))
        vals_list.extend(dict(file_values, res_model=record._name, res_id=record.id)
                         for record in records)
    return records[0].env["ir.attachment"].create(vals_list)
