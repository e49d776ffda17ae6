"""Settings as users type them into a backend or a wizard. Pure Python: no Odoo import."""


def comma_list(text):
    """The items of a comma-separated setting, in their order: each stripped of spaces,
    empty ones dropped (``" Error, Rejected,,"`` -> ``["Error", "Rejected"]``); an empty or
    unset setting (None, False) gives ``[]``."""
    return [item.strip() for item in (text or "").split(",") if item.strip()]
