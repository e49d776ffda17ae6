"""Transient models: the dialogs the addon opens."""

from . import (
    opuscapita_fetch_wizard,
    sage50_onboarding_wizard,
    tracking_api_check,
    trackline_import_wizard,
    trackonline_partner_send_wizard,
)
