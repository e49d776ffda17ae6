"""Sync cursors: where an incremental sync of one backend has got to, per resource."""

from odoo import api, fields, models


class TrackingCursor(models.Model):
    """Where an incremental sync of one backend has got to, per resource (``key``).

    Written only by ``_sync_pages``, in the same step as the page it covers, so it never
    points past data that is not committed. Kept apart from the backend row so that a
    running sync and a user editing the backend do not update the same row."""

    _name = "tracking.cursor"
    _description = "Tracking Sync Cursor"
    _order = "backend_model, backend_id, key"

    backend_model = fields.Char(required=True, readonly=True)
    backend_id = fields.Many2oneReference(model_field="backend_model", required=True,
                                          readonly=True)
    key = fields.Char(required=True, readonly=True)
    value = fields.Char(readonly=True)

    _sql_constraints = [
        ("key_unique", "unique(backend_model, backend_id, key)",
         "A backend has one cursor per resource."),
    ]

    @api.model
    def _get(self, backend, key):
        cursor = self.sudo().search([("backend_model", "=", backend._name),
                                     ("backend_id", "=", backend.id), ("key", "=", key)])
        return cursor.value or False

    @api.model
    def _set(self, backend, key, value):
        cursor = self.sudo().search([("backend_model", "=", backend._name),
                                     ("backend_id", "=", backend.id), ("key", "=", key)])
        if cursor:
            cursor.value = value
        else:
            self.sudo().create({"backend_model": backend._name, "backend_id": backend.id,
                                "key": key, "value": value})
