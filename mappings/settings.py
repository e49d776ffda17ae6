"""Settings as users type them into a backend or a wizard. Pure Python: no Odoo import."""


def comma_list(text):
    """The items of a comma-separated setting, in their order: each stripped of spaces,
    empty ones dropped (``" Error, Rejected,,"`` -> ``["Error", "Rejected"]``); an empty or
    unset setting (None, False) gives ``[]``."""
    return [item.strip() for item in (text or "").split(",") if item.strip()]


def path_names_only(template, *names):
    """Whether a path setting names in braces nothing but ``names`` (the placeholders the
    client fills): ``"{resource}/result"`` with ``resource``; ``"{id}/x"`` is not."""
    try:
        template.format(**dict.fromkeys(names, "x"))
    except (KeyError, IndexError, ValueError):
        return False
    return True
