"""Who may press which button: the one check that every public method of the addon's models
and wizards makes first. A logged-in user (a portal user too) can call any public model method
over JSON-RPC, whatever a view shows or hides: the view is no guard, this is."""

from odoo.exceptions import AccessError

USER_GROUP = "tracking_connector.group_tracking_user"
MANAGER_GROUP = "tracking_connector.group_tracking_manager"


def check_group(records, group, operation="read"):
    """Refuse (``AccessError``) unless the current user is in ``group`` (``USER_GROUP`` or
    ``MANAGER_GROUP``) and may ``operation`` ("read" or "write") every record of ``records``:
    their access rights and their company's rule. Call it first, before any ``sudo()``.
    Odoo's own code running as the superuser passes (as with ``check_access``)."""
    env = records.env
    if env.su:
        return
    if not env.user.has_group(group):
        if group == MANAGER_GROUP:
            raise AccessError(env._("Only a Tracking manager may do this. Ask one to do it, or "
                                    "to give you the Tracking manager access."))
        raise AccessError(env._("Only Tracking users may do this. Ask your administrator for "
                                "access to Tracking."))
    if not records.has_access(operation):
        raise AccessError(env._("You may not do this on these records: they belong to a "
                                "company you do not work in, or your access does not allow "
                                "it. Ask a Tracking manager of their company."))
