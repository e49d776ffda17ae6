"""Trackline's records in Odoo: a process (from its metadata, as the client validated it)
and its documents."""

from .fields import DATETIME, Entity, Field

PROCESS = Entity("process", [
    Field("name", "name", fallback="process_id"),
    Field("status", "status"),
    Field("created_at", "created_at", DATETIME),
], required=("process_id",), remote_id="process_id")

DOCUMENT = Entity("document", [
    Field("name", "doc_name", fallback="doc_id"),
    Field("doc_type", "doc_type"),
], required=("doc_id",), remote_id="doc_id")
