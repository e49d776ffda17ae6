"""Tokens and keys a remote system gave a backend, readable by managers only, saved on their
own cursor under a row lock."""

from odoo import api, fields, models

from .tracking_sync_log import read_committed


class TrackingToken(models.Model):
    """A token or key a remote system gave us, per backend: readable by managers only.

    Saved on its own cursor under a row lock and committed at once, so that a rollback of
    the run that obtained it can never lose a credential the remote side already holds."""

    _name = "tracking.token"
    _description = "Tracking Token"

    backend_id = fields.Many2one("tracking.backend", required=True, readonly=True,
                                 ondelete="cascade", index=True,
                                 help="Deleting the backend deletes its tokens.")
    name = fields.Char(required=True, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True,
                                 help="The backend's company: only its managers see the row.")
    value = fields.Char(readonly=True, copy=False)
    expires_at = fields.Float(string="Expires (Unix time)", readonly=True, copy=False)
    note = fields.Char(readonly=True, copy=False, help="What happened at the last renewal.")

    _sql_constraints = [
        ("name_unique", "unique(backend_id, name)",
         "A backend keeps one value per token name."),
    ]

    @api.model
    def _get(self, backend, name):
        """(value, expires_at) or (False, False)."""
        token = self.sudo().search([("backend_id", "=", backend.tracking_backend_id.id),
                                    ("name", "=", name)])
        return token.value or False, token.expires_at or False

    @api.model
    def _store(self, backend, name, value, expires_at=False):
        """Save and commit at once on a cursor of its own."""
        with self.env.registry.cursor() as cr:
            read_committed(cr)
            self._store_in(self.env(cr=cr), backend, name, value, expires_at)

    @api.model
    def _lock_in(self, env, backend, name):
        """Make sure the row exists and lock it for the rest of ``env``'s transaction;
        return its id. A second worker waits here until the first commits."""
        env.cr.execute(
            "INSERT INTO tracking_token (backend_id, name, company_id, "
            "create_uid, create_date, write_uid, write_date) VALUES (%s, %s, %s, %s, "
            "now() at time zone 'utc', %s, now() at time zone 'utc') "
            "ON CONFLICT (backend_id, name) DO UPDATE SET company_id = "
            "EXCLUDED.company_id WHERE tracking_token.company_id IS DISTINCT FROM "
            "EXCLUDED.company_id",
            (backend.tracking_backend_id.id, name, backend.sudo().company_id.id or None,
             env.uid, env.uid))
        env.cr.execute(
            "SELECT id FROM tracking_token WHERE backend_id = %s AND name = %s FOR UPDATE",
            (backend.tracking_backend_id.id, name))
        return env.cr.fetchone()[0]

    @api.model
    def _store_in(self, env, backend, name, value, expires_at):
        token = env["tracking.token"].sudo().browse(self._lock_in(env, backend, name))
        token.write({"value": value, "expires_at": expires_at or 0.0})
        token.flush_recordset()
