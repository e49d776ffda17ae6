from . import (
    tracking_backend_mixin,
    tracking_binding_mixin,
    tracking_cursor,
    tracking_sync_log,
    tracking_token,
    trackline_backend,
    trackline_document,
    trackline_process,
)
