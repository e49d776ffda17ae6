from . import controllers, models, wizards


def uninstall_hook(env):
    """Remove the "Import from Trackline" entries added to other models' Action menus."""
    env["ir.actions.act_window"].search(
        [("res_model", "=", "trackline.import.wizard"), ("binding_model_id", "!=", False)]
    ).unlink()
