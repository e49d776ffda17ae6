"""18.0.1.0.1: the "Import from Trackline" entries of the records' Action menus give the
wizard the record to link in its context (``default_res_model``, ``default_res_id``): the
wizard no longer takes ``active_model``/``active_id`` for the record to link (a dashboard
card gave itself). Entries made before get that context."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["trackline.backend"]._sync_action_bindings()
