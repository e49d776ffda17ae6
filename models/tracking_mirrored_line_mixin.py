"""A line of a mirrored record (a transaction's items and scanned codes, an item
configuration's members, a packaging label's items): a user's direct write, deletion or
creation of a line is judged as a change of its parent's field holding the lines would be
(``tracking.binding.mixin._check_ownership``): allowed on a draft, or on a record edited
locally when a send carries its lines; refused on a copy of a remote record, naming it."""

from odoo import api, models


class TrackingMirroredLineMixin(models.AbstractModel):
    _name = "tracking.mirrored.line.mixin"
    _description = "Line of a mirrored record (shared)"

    # The Many2one to the parent record (a ``tracking.binding.mixin``).
    _parent_field = None

    @api.model_create_multi
    def create(self, vals_list):
        parents = self._parents().browse(
            {vals[self._parent_field] for vals in vals_list if vals.get(self._parent_field)})
        self._check_ownership_of(parents)  # before the lines exist
        self._note_change_of(parents)
        return super().create(vals_list)

    def write(self, vals):
        self._check_parent_ownership()
        self._note_change_of(self[self._parent_field])
        result = super().write(vals)
        if self._parent_field in vals:
            self._check_parent_ownership()  # moved onto another record
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_parent_owned(self):
        self._check_parent_ownership()
        self._note_change_of(self[self._parent_field])

    def _note_change_of(self, parents):
        """A change of these lines is a change of their parents' lines field: a parent
        edited locally is To send once its lines changed (``_note_local_change``)."""
        if parents and hasattr(parents, "_note_local_change"):
            parents._note_local_change({self._lines_field(parents)})

    def _lines_field(self, parents):
        return next(name for name, field in parents._fields.items()
                    if field.type == "one2many" and field.comodel_name == self._name
                    and field.inverse_name == self._parent_field)

    def _parents(self):
        return self.env[self._fields[self._parent_field].comodel_name]

    def _check_parent_ownership(self):
        self._check_ownership_of(self[self._parent_field])

    def _check_ownership_of(self, parents):
        """Refuse the change of these lines of ``parents`` as a change of their lines field."""
        if not parents or not parents._changed_by_a_user():
            return
        parents._check_ownership({self._lines_field(parents): True})
