"""Sync cursors: where an incremental sync of one backend has got to, per resource."""

from odoo import api, fields, models


class TrackingCursor(models.Model):
    """Where an incremental sync of one backend has got to, per resource (``key``).

    Written only by ``_sync_pages``, in the same step as the page it covers, so it never
    points past data that is not committed. Kept apart from the backend row so that a
    running sync and a user editing the backend do not update the same row."""

    _name = "tracking.cursor"
    _description = "Tracking Sync Cursor"
    _order = "backend_id, key"

    backend_id = fields.Many2one("tracking.backend", required=True, readonly=True,
                                 ondelete="cascade", index=True)
    key = fields.Char(required=True, readonly=True)
    value = fields.Char(readonly=True)

    _sql_constraints = [
        ("key_unique", "unique(backend_id, key)",
         "A backend has one cursor per resource."),
    ]

    @api.model
    def _get(self, backend, key):
        cursor = self.sudo().search([("backend_id", "=", backend.tracking_backend_id.id),
                                     ("key", "=", key)])
        return cursor.value or False

    @api.model
    def _set(self, backend, key, value):
        shared = backend.tracking_backend_id
        cursor = self.sudo().search([("backend_id", "=", shared.id), ("key", "=", key)])
        if cursor:
            cursor.value = value
        else:
            self.sudo().create({"backend_id": shared.id, "key": key, "value": value})
