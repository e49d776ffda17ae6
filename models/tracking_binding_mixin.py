"""A record mirrored from a remote system, keyed by its backend and its remote id, and its
keyed upsert (one search per page of keys, one ``create()`` for the new ones)."""

from odoo import api, fields, models
from odoo.exceptions import UserError


class SyncWriter:
    """The value of ``SYNC_WRITE`` in the context of the connector's own writes: a Python
    class, which no JSON-RPC call can send (a caller's context saying ``true`` is no sync)."""


# In the context, the connector's own writes (a sync, a save result, a send): they may change
# the fields a remote system owns, which a user may not. Its value is ``SyncWriter`` only.
SYNC_WRITE = "tracking_sync_write"
SYSTEMS = {"trackonline": "TrackOnline", "opuscapita": "OpusCapita", "trackline": "Trackline",
           "sage50": "Sage 50"}


class TrackingBindingMixin(models.AbstractModel):
    """A record mirrored from a remote system, keyed by its backend and its remote id.

    The concrete model defines ``backend_id`` (a Many2one to its backend); this mixin gives
    the remote id, the unique key and ``_upsert``: one search for a page of keys, one
    ``create()`` for the new ones, a ``write()`` only for records whose values changed."""

    _name = "tracking.binding.mixin"
    _description = "Tracking Mirrored Record (shared)"

    # Empty only on a record drafted in Odoo and not yet saved remotely.
    remote_id = fields.Char(string="Remote ID", index=True, readonly=True, copy=False)

    remote_locked = fields.Boolean(
        string="Owned by the remote system", compute="_compute_remote_locked",
        help="The fields the remote system owns are read-only: the record is a copy of the "
             "remote one.")

    # The mapping (``mappings.fields.Entity``) the sync reads the model with: its fields
    # belong to the remote system; every other field (links, notes) is Odoo's.
    _remote_entity = None

    _sql_constraints = [
        ("remote_unique", "unique(backend_id, remote_id)",
         "This remote record is already mirrored for this backend."),
    ]

    # -- who owns which field ------------------------------------------------------------------

    @api.depends("remote_id")
    def _compute_remote_locked(self):
        for record in self:
            record.remote_locked = bool(record.remote_id)

    @api.model
    def _remote_system(self):
        return SYSTEMS.get(self._name.split(".")[0], self._name)

    @api.model
    def _remote_owned_fields(self):
        """The fields the remote system owns: its key and the fields its mapping reads."""
        entity = self._remote_entity or self._stub_entity
        names = {"remote_id", "backend_id"}
        if entity:
            names.update(field.name for field in entity.fields)
        return {name for name in names if name in self._fields}

    @api.model
    def _connector_fields(self):
        """Fields only the connector writes (states of a send, of a conflict)."""
        return set()

    def _mirrored_only_fields(self):
        """Remote fields that stay read-only on a record mirrored from the remote even while
        it is edited locally (those a send does not carry)."""
        return set()

    def _changed_by_a_user(self):
        """Whether a change of these records is a user's (not the sync's, not the
        superuser's): the one test of the ownership rules."""
        return not (self.env.su or self.env.context.get(SYNC_WRITE) is SyncWriter)

    def write(self, vals):
        if self._changed_by_a_user():
            self._check_ownership(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_mirrored(self):
        """A copy of a remote record is not deleted by a user: the remote one would stay, and
        the next sync would bring it back. Drafts (no remote id yet) may go."""
        if self._changed_by_a_user():
            mirrored = self.filtered("remote_id")
            if mirrored:
                raise UserError(self.env._(
                    "%(records)s: copies of %(system)s records cannot be deleted in Odoo; "
                    "%(system)s keeps them and the next sync would bring them back.",
                    records=", ".join(mirrored[:5].mapped("display_name")),
                    system=mirrored[:1]._remote_system()))

    def _check_ownership(self, vals):
        """Refuse a user's write of a field the remote system owns on a record mirrored
        from it, naming the record and the fields."""
        names = set(vals)
        refused = names & self._connector_fields()
        remote = names & self._remote_owned_fields()
        for record in self:
            wrong = set(refused)
            if record.remote_locked:
                wrong |= remote
            elif record.remote_id:
                wrong |= remote & record._mirrored_only_fields()
            if wrong:
                raise UserError(self.env._(
                    "%(record)s is a copy of a %(system)s record: %(fields)s belong to "
                    "%(system)s and cannot be changed in Odoo.%(hint)s",
                    record=record.display_name, system=record._remote_system(),
                    fields=", ".join(sorted(self._fields[name]._description_string(self.env)
                                            for name in wrong)),
                    hint=record._edit_hint()))

    def _edit_hint(self):
        return ""

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        """Forms and lists show the fields the remote system owns read-only on a record
        mirrored from it (``remote_locked``), and, while it is edited locally, the remote
        fields a send does not carry."""
        arch, view = super()._get_view(view_id, view_type, **options)
        if view_type in ("form", "list"):
            self._lock_remote_fields(arch)
        return arch, view

    @api.model
    def _lock_remote_fields(self, arch):
        remote = self._remote_owned_fields()
        mirrored_only = self.browse()._mirrored_only_fields()
        for node in arch.xpath("//field[not(ancestor::field)]"):
            name = node.get("name")
            if name not in remote or self._fields[name].readonly:
                continue
            lock = "remote_locked or remote_id" if name in mirrored_only else "remote_locked"
            current = node.get("readonly")
            node.set("readonly", "(%s) or (%s)" % (current, lock) if current else lock)

    def _sync_update(self, values, changes):
        """A sync brings ``values`` whose ``changes`` differ from the record: write them.
        Returns whether the record was updated."""
        self.with_context(**{SYNC_WRITE: SyncWriter}).write(changes)
        return True

    @api.model
    def _upsert(self, backend, values_list):
        """Create or update one page of records given as dicts with a ``remote_id``.

        Returns ``(records, created, updated)`` where ``records`` follows the order of
        ``values_list`` (a remote id given twice keeps its last values)."""
        by_key = {}
        for values in values_list:
            by_key[str(values["remote_id"])] = dict(values, remote_id=str(values["remote_id"]),
                                                    backend_id=backend.id)
        existing = self.with_context(active_test=False).search(
            [("backend_id", "=", backend.id), ("remote_id", "in", list(by_key))])
        found = {record.remote_id: record for record in existing}
        updated = 0
        for key, record in found.items():
            changes = record._changed_values(by_key[key])
            if changes and record._sync_update(by_key[key], changes):
                updated += 1
        # A copy of a remote record gets no chatter at its creation (no message, no
        # followers, no tracking): Odoo's own imports do the same.
        new = self.with_context(tracking_disable=True, **{SYNC_WRITE: SyncWriter}).create(
            [values for key, values in by_key.items() if key not in found])
        found.update((record.remote_id, record) for record in new)
        records = self.browse([found[str(values["remote_id"])].id for values in values_list])
        return records, len(new), updated

    # -- hooks of the importer (models/tracking_importer.py) -----------------------------------

    # The mapping (``mappings.fields.Entity``) of a record that may be created as a stub from
    # an object embedded in another one (a transaction's location); None: never a stub.
    _stub_entity = None

    @api.model
    def _import_prepare(self, backend, run, values_list):
        """Values of one page before the upsert, references resolved: a model may complete
        or filter them."""
        return values_list

    @api.model
    def _import_after_save(self, backend, run, records, rows):
        """After a page is saved (``records`` in the order of ``rows``): links, activities,
        attachments."""

    @api.model
    def _ids_by_key(self, backend, field, embedded):
        """Ids of the records of ``backend`` whose ``field`` (``number`` or ``remote_id``)
        is a key of ``embedded`` (key -> embedded object), with one search; those not
        mirrored yet are created as stubs (``_stub_entity``) when the embedded object has an
        id."""
        found = self.with_context(active_test=False).search_read(
            [("backend_id", "=", backend.id), (field, "in", list(embedded))], [field])
        ids = {row[field]: row["id"] for row in found}
        missing = [ref for key, ref in embedded.items() if key not in ids and ref.get("id")]
        if missing and self._stub_entity:
            stubs, _created, _updated = self._upsert(
                backend, [self._stub_entity.stub(ref) for ref in missing])
            ids.update((stub[field], stub.id) for stub in stubs)
        return ids

    def _changed_values(self, values):
        """The part of ``values`` that differs from what the record holds."""
        return changed_values(self, values)


def changed_values(record, values):
    """The part of ``values`` (as given to ``write``) that differs from what ``record``
    holds. Lines given as "clear, then create these" count as a change only when they differ
    from the current lines; other x2many commands always count."""
    record.ensure_one()
    changes = {}
    for name, value in values.items():
        field = record._fields[name]
        if field.type in ("one2many", "many2many"):
            if not _same_lines(record[name], value):
                changes[name] = value
            continue
        current = record[name]
        if field.type == "many2one":
            current, value = current.id, value or False
        else:
            value = field.convert_to_record(field.convert_to_cache(value, record), record)
        if current != value and (current or value):
            changes[name] = values[name]
    return changes


def _same_lines(lines, commands):
    """Whether ``[(5,), (0, 0, values)...]`` or ``[(6, 0, ids)]`` would give back ``lines``
    as they are."""
    if len(commands) == 1 and commands[0][0] == 6:
        return set(commands[0][2]) == set(lines.ids)
    if not all(command[0] in (0, 5) for command in commands):
        return False
    wanted = [command[2] for command in commands if command[0] == 0]
    return len(wanted) == len(lines) and not any(
        changed_values(line, line_values) for line, line_values in zip(lines, wanted, strict=False))
