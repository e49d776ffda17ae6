"""A record mirrored from TrackOnline that Odoo may change and send back (a location, an
item configuration, a unique item, a packaging label).

A user unlocks it on purpose ("Edit locally": ``edit_unlocked``); once a field a send carries
is changed, its send state becomes draft ("To send") and the remote version it starts from is
kept (``remote_version``). Until it is sent and saved, a sync never
overwrites the fields a send carries: when TrackOnline's version has changed meanwhile, both
versions are kept (a conflict) and the user chooses ("Keep mine and send" / "Take
TrackOnline's").

A send never erases what Odoo did not change: right before it, the records are read again
from TrackOnline by their ids (one call per 50, ``_read_again``), which is a sync of them (a
change since the edit began is a conflict, and they are not sent); each one sent carries the
record as TrackOnline gave it then (``remote_row``: unknown keys included, fetch-only keys
left out) with only the fields the user changed since the edit began as Odoo has them
(``_send_payload``)."""

import json

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..clients.base import ApiError, batches
from ..clients.trackonline import PAGE_SIZE
from ..mappings.trackonline import sent_over_held
from .tracking_access import USER_GROUP, check_group
from .tracking_binding_mixin import SYNC_WRITE, SyncWriter
from .tracking_failed_unit import may_pass
from .tracking_messages import _lt
from .trackonline_outgoing_mixin import EDITABLE_STATES
from .trackonline_resources import RESOURCES, list_variants


class TrackOnlineLocalEditMixin(models.AbstractModel):
    _name = "trackonline.local.edit.mixin"
    _inherit = ["trackonline.outgoing.mixin"]
    _description = "TrackOnline record edited in Odoo and sent back (shared)"

    remote_version = fields.Text(
        readonly=True, copy=False,
        help="TrackOnline's version when the local edit began (JSON), to tell a newer one.")
    has_conflict = fields.Boolean(
        string="Conflict with TrackOnline", readonly=True, copy=False, index=True,
        help="TrackOnline changed this record while local changes were not sent.")
    conflict_values = fields.Text(
        string="TrackOnline's version", readonly=True, copy=False,
        help="The values TrackOnline holds, kept until the conflict is settled (JSON).")
    conflict_diff = fields.Html(string="Differences", compute="_compute_conflict_diff",
                                sanitize=False)
    has_local_changes = fields.Boolean(
        string="Local changes not sent", compute="_compute_has_local_changes")
    remote_row = fields.Text(
        string="TrackOnline's record as read", readonly=True, copy=False,
        help="TrackOnline's record as read right before the last send (JSON, as received): "
             "a send carries it, with only the local changes applied.")
    edit_unlocked = fields.Boolean(
        string="Unlocked to edit", readonly=True, copy=False,
        help="\"Edit locally\" was pressed: the fields a send carries may be changed; the "
             "record is To send once one is.")

    # Fields a send carries beyond the mapping's ``send`` fields (lines, links), with the
    # key of the payload each one gives.
    _payload_fields = {}

    @api.depends("remote_id", "send_state", "edit_unlocked")
    def _compute_has_local_changes(self):
        """Edited locally and not sent: changed, or unlocked to be changed."""
        for record in self:
            record.has_local_changes = bool(record.remote_id and (
                record.send_state in EDITABLE_STATES or record._unlocked_unchanged()))

    def _unlocked_unchanged(self):
        """Unlocked by "Edit locally", nothing changed yet (not To send)."""
        return bool(self.edit_unlocked and self.send_state not in ("sent", *EDITABLE_STATES))

    @api.depends("remote_id", "send_state", "edit_unlocked")
    def _compute_remote_locked(self):
        """Unlocked by "Edit locally" before anything changed: editable too."""
        result = super()._compute_remote_locked()
        for record in self.filtered(lambda r: r._unlocked_unchanged()):
            record.remote_locked = False
        return result

    def write(self, vals):
        """A send locks a record unlocked by "Edit locally" again."""
        if vals.get("send_state") == "sent":
            vals = dict(vals, edit_unlocked=False)
        else:
            self._note_local_change(vals)
        return super().write(vals)

    def _note_local_change(self, names):
        """The first change (not a sync's) of fields ``names`` a send carries (its lines
        too: tracking.mirrored.line.mixin tells) on a record unlocked by "Edit locally"
        makes it To send, starting from the version it had before."""
        if self.env.context.get(SYNC_WRITE) is SyncWriter or not (
                set(names) & self._sendable_fields()):
            return
        for record in self.filtered(lambda r: r._unlocked_unchanged()):
            record.with_context(**{SYNC_WRITE: SyncWriter}).write({
                "send_state": "draft", "send_message": False,
                "remote_version": json.dumps(record._version(record._sendable_fields()))})

    @api.model
    def _sendable_fields(self):
        """The fields a send carries: a local edit may change these and nothing else."""
        entity = self._remote_entity
        names = {field.name for field in entity.fields if field.send} if entity else set()
        return (names | set(self._payload_fields)) & set(self._fields)

    def _mirrored_only_fields(self):
        return self._remote_owned_fields() - self._sendable_fields()

    @api.model
    def _connector_fields(self):
        return super()._connector_fields() | {"remote_version", "has_conflict",
                                              "conflict_values", "edit_unlocked",
                                              "remote_row"}

    def _edit_hint(self):
        return self.env._(" Press \"Edit locally\" to change it and send the change.")

    def _pending_edit(self):
        """Local changes not saved in TrackOnline yet (drafted, sent, or refused)."""
        return bool(self.remote_id and self.remote_version
                    and self.send_state in ("sent", *EDITABLE_STATES))

    # -- buttons ---------------------------------------------------------------------------------

    def action_edit_locally(self):
        """Unlock the record: its sendable fields become editable, to be sent on purpose (it
        is To send once one changed: ``write``)."""
        check_group(self, USER_GROUP, "write")
        for record in self:
            if record.send_state == "sent":
                raise UserError(self.env._("%s was sent and waits for TrackOnline's result.",
                                           record.display_name))
            if record.has_local_changes:
                continue
            record.with_context(**{SYNC_WRITE: SyncWriter}).write({"edit_unlocked": True})
        return True

    def action_send(self):
        check_group(self, USER_GROUP, "write")
        conflicts = self.filtered("has_conflict")
        if conflicts:
            raise UserError(self.env._(
                "TrackOnline changed %s while your changes were not sent: choose \"Keep mine "
                "and send\" or \"Take TrackOnline's\" first.",
                ", ".join(conflicts.mapped("display_name"))))
        return super().action_send()

    def action_keep_mine_and_send(self):
        """Settle a conflict with the local version: TrackOnline's becomes the version it
        starts from, and the local one is sent over it."""
        check_group(self, USER_GROUP, "write")
        for record in self.filtered("has_conflict"):
            theirs = json.loads(record.conflict_values)
            record.with_context(**{SYNC_WRITE: SyncWriter}).write({
                "remote_version": json.dumps(record._version_of_values(theirs)),
                "has_conflict": False, "conflict_values": False,
                "send_state": "draft"})
        return self.action_send()  # its conflicts are settled now

    def action_take_remote(self):
        """Settle a conflict (or drop local changes) with TrackOnline's version."""
        check_group(self, USER_GROUP, "write")
        for record in self:
            if record.has_conflict:
                values = json.loads(record.conflict_values)
            else:
                values = record._values_of_version(json.loads(record.remote_version or "{}"))
            record.with_context(**{SYNC_WRITE: SyncWriter}).write(dict(
                values, has_conflict=False, conflict_values=False, remote_version=False,
                send_state=False, send_message=False, edit_unlocked=False))
        return True

    # -- sending back what TrackOnline holds ------------------------------------------------

    def _read_again(self, run, client):
        """Read the records of these that TrackOnline holds again, right before their send,
        by their ids: one call per 50 (the ``Id`` filter repeated), then, for those not in
        the answer, one call each (a server that filters on one ``Id`` only, a location
        enabled or disabled meanwhile). Each found keeps its row as received
        (``remote_row``: what its send carries) and, edited locally, goes through the sync
        of its resource: a change in TrackOnline since the edit began is a conflict the user
        settles (both versions kept, the run warns), and it is not sent. One TrackOnline no
        longer holds is Failed, not sent. Returns the records to send, new ones included."""
        held = self.filtered("remote_id")
        if not held:
            return self
        try:
            rows = held._current_rows(client)
        except ApiError as exc:
            if not run.fatal:
                run.fail(exc)
            held._not_saved(run, run.error_message(exc), final=not may_pass(exc), unsent=True)
            return self - held
        gone = held.filtered(lambda r: r.remote_id not in rows)
        for record in gone:
            record._not_saved(run, _lt(
                "Not sent: TrackOnline no longer holds this record (deleted there, or not "
                "visible with this API key). Check it in TrackOnline."), final=True)
        found = held - gone
        for record in found:
            record.with_context(**{SYNC_WRITE: SyncWriter}).write(
                {"remote_row": json.dumps(rows[record.remote_id])})
        edited = found.filtered(lambda r: r._pending_edit())
        if edited:
            resource = next(resource for resource in RESOURCES.values()
                            if resource.model == self._name)
            created, updated = run.created, run.updated  # the send's counts are its own
            for backend in edited.backend_id:
                mine = edited.filtered(lambda r, b=backend: r.backend_id == b)
                backend._import_page(run, resource, [rows[r.remote_id] for r in mine])
            run.created, run.updated = created, updated
        return (self - held) | found.filtered(lambda r: not r.has_conflict)

    def _current_rows(self, client):
        """TrackOnline's rows of these records, by remote id (see ``_read_again``).
        Raises ``ApiError``."""
        resource = self._trackonline_resource
        variants = list_variants(resource)
        ids = list(dict.fromkeys(self.mapped("remote_id")))
        rows = {}
        for variant in variants:
            for chunk in batches([i for i in ids if i not in rows], PAGE_SIZE):
                rows.update(client.by_ids(resource, chunk, variant))
        for variant in variants:
            for remote_id in [i for i in ids if i not in rows]:
                rows.update(client.by_ids(resource, [remote_id], variant))
        return rows

    def _send_payload(self):
        """TrackOnline's record as read right before the send (``remote_row``) with the
        fields the user changed since the edit began (``_changed_since_edit``) as Odoo
        has them, fetch-only keys left out (``mappings.trackonline.sent_over_held``); a
        record TrackOnline does not hold yet: Odoo's payload."""
        payload = super()._send_payload()
        if not (self.remote_id and self.remote_row):
            return payload
        keys = [self._payload_key(name) for name in sorted(self._changed_since_edit())]
        return sent_over_held(self._trackonline_resource, json.loads(self.remote_row),
                              payload, keys)

    def _changed_since_edit(self):
        """The fields a send carries that differ from the version the edit began from
        (``remote_version``); all of them when that version is not known."""
        sendable = self._sendable_fields()
        if not self.remote_version:
            return sendable
        start = json.loads(self.remote_version)
        now = json.loads(json.dumps(self._version(sendable)))
        return {name for name in sendable if name not in start or start[name] != now[name]}

    @api.model
    def _payload_key(self, name):
        """The key of the payload that field ``name`` gives."""
        field = next((f for f in self._remote_entity.fields if f.name == name and f.send),
                     None)
        return field.key if field else self._payload_fields[name]

    # -- from a sync --------------------------------------------------------------------------

    def _sync_update(self, values, changes):
        """With local changes pending, the fields a send carries are kept: the others are
        written; when TrackOnline's version differs both from the one the edit started from
        and from the local one, it is kept aside as a conflict."""
        if not self._pending_edit():
            return super()._sync_update(values, changes)
        sendable = self._sendable_fields()
        others = {name: value for name, value in changes.items() if name not in sendable}
        theirs = {name: value for name, value in values.items() if name in sendable}
        incoming = self._version_of_values(theirs)
        start = json.loads(self.remote_version)
        started_from = {name: start.get(name) for name in incoming}
        mine = self._version(incoming)
        if incoming not in (started_from, mine) and (
                not self.has_conflict or json.loads(self.conflict_values) != to_json(theirs)):
            others.update(has_conflict=True, conflict_values=json.dumps(to_json(theirs)))
            self.message_post(body=self.env._(
                "TrackOnline changed this record while local changes were not sent: both "
                "versions are kept until you choose."))
        if others:
            self.with_context(**{SYNC_WRITE: SyncWriter}).write(others)
        return bool(others)

    @api.model
    def _import_after_save(self, backend, run, records, rows):
        """The records of a page that hold a conflict are counted in the run's log, named,
        and end the run "done with warnings": a user has to choose."""
        result = super()._import_after_save(backend, run, records, rows)
        conflicts = records.filtered("has_conflict")
        if conflicts:
            run.warn(_lt(
                "Conflicts on %(count)s records: local changes not sent and a newer "
                "TrackOnline version (both kept, choose on each): %(names)s", count=len(conflicts),
                names=", ".join(conflicts[:10].mapped("display_name"))), serious=True)
        return result

    # -- versions: comparable, readable -----------------------------------------------------

    def _version(self, names):
        """The record's values of ``names`` in a form that compares with
        ``_version_of_values``."""
        self.ensure_one()
        version = {}
        for name in names:
            field, value = self._fields[name], self[name]
            if field.type == "one2many":
                version[name] = [{sub: _plain(line._fields[sub], line[sub])
                                  for sub in self._line_fields(name)} for line in value]
            else:
                version[name] = _plain(field, value)
        return version

    @api.model
    def _version_of_values(self, values):
        """Values as a sync writes them (one2many as "clear, then create", many2many as
        "set") in the form of ``_version``."""
        version = {}
        lines_model = None
        for name, value in values.items():
            field = self._fields[name]
            if field.type == "one2many":
                lines_model = self.env[field.comodel_name]
                version[name] = [
                    {sub: _plain(lines_model._fields[sub], command[2].get(sub))
                     for sub in self._line_fields(name)}
                    for command in value if command[0] == 0]
            elif field.type == "many2many":
                ids = [i for command in value if command[0] == 6 for i in command[2]]
                version[name] = sorted(ids)
            else:
                version[name] = _plain(field, value)
        return version

    @api.model
    def _values_of_version(self, version):
        """Values to write that give back a version kept by ``_version``."""
        values = {}
        for name, value in version.items():
            kind = self._fields[name].type
            if kind == "one2many":
                values[name] = [(5, 0, 0)] + [(0, 0, line) for line in value]
            elif kind == "many2many":
                values[name] = [(6, 0, value)]
            else:
                values[name] = value
        return values

    @api.model
    def _line_fields(self, name):
        """The fields of the lines of one2many ``name`` a sync reads (its line mapping)."""
        field = next((f for f in self._remote_entity.fields if f.name == name), None)
        entity = getattr(getattr(field, "kind", None), "entity", None)
        if entity:
            return [line.name for line in entity.fields]
        lines = self.env[self._fields[name].comodel_name]
        return [n for n, f in lines._fields.items()
                if f.store and not f.automatic and f.name not in (
                    self._fields[name].inverse_name, "company_id")]

    @api.depends("has_conflict", "conflict_values")
    def _compute_conflict_diff(self):
        for record in self:
            if not record.has_conflict or not record.conflict_values:
                record.conflict_diff = False
                continue
            theirs = record._version_of_values(json.loads(record.conflict_values))
            mine = record._version(theirs)
            rows = [Markup("<tr><td><b>%s</b></td><td>%s</td><td>%s</td></tr>") % (
                record._fields[name]._description_string(self.env),
                record._readable(name, mine[name]), record._readable(name, theirs[name]))
                for name in sorted(theirs) if mine[name] != theirs[name]]
            record.conflict_diff = Markup(
                "<table class=\"table table-sm o_conflict_diff\"><thead><tr><th>%s</th>"
                "<th>%s</th><th>%s</th></tr></thead><tbody>%s</tbody></table>") % (
                self.env._("Field"), self.env._("In Odoo (not sent)"),
                self.env._("In TrackOnline"), Markup("").join(rows))

    def _readable(self, name, value, model=None):
        model = model if model is not None else self
        field = model._fields[name]
        if field.type == "one2many":
            lines = self.env[field.comodel_name]
            return Markup("<br/>").join(
                escape(", ".join("%s: %s" % (lines._fields[sub]._description_string(self.env),
                                             self._readable(sub, item, lines))
                                 for sub, item in line.items()))
                for line in value) or "-"
        if field.type in ("many2one", "many2many"):
            ids = value if isinstance(value, list) else [value] if value else []
            return ", ".join(self.env[field.comodel_name].browse(ids).exists()
                             .mapped("display_name")) or "-"
        if field.type == "selection" and value:
            return dict(field._description_selection(self.env)).get(value, value)
        return "-" if value in (False, None, "") else str(value)


def _plain(field, value):
    """One value in a form that compares equal whether read from a record or from the
    values a sync writes."""
    kind = field.type
    if kind == "many2one":
        return (value.id if isinstance(value, models.BaseModel) else value) or False
    if kind == "many2many":
        return sorted(value.ids) if isinstance(value, models.BaseModel) else sorted(value or [])
    if kind == "datetime":
        return fields.Datetime.to_string(fields.Datetime.to_datetime(value)) if value else False
    if kind == "date":
        return fields.Date.to_string(fields.Date.to_date(value)) if value else False
    if kind == "float":
        return round(value or 0.0, 6)
    if kind == "integer":
        return int(value or 0)
    if kind == "boolean":
        return bool(value)
    return value or False


def to_json(values):
    """Values as a sync writes them, with datetimes as text, for JSON."""
    def default(value):
        return value.isoformat(" ")
    return json.loads(json.dumps(values, default=default))
