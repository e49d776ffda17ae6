"""The addon's Python packages (controllers, models, wizards) and its uninstall hook."""

from . import controllers, models, wizards


def uninstall_hook(env):
    """Remove the "Import from Trackline" entries added to other models' Action menus, and
    the function keeping the items by month (its triggers go with the items' table)."""
    env["ir.actions.act_window"].search(
        [("res_model", "=", "trackline.import.wizard"), ("binding_model_id", "!=", False)]
    ).unlink()
    env.cr.execute("DROP FUNCTION IF EXISTS trackonline_transaction_month_add() CASCADE")
