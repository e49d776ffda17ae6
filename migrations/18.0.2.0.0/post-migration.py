"""18.0.2.0.0, after the update: the shared saved filters (Favorites, ``noupdate``) of the
analysis views draw what their names say: OpusCapita's "Volume and error rate by day" and "...
by document type" chart the error rate (they charted one bar of event counts), Sync Health's
default charts runs by day and state, failures in their colour (it drew one line of API
calls, a dot for a single day); "Quantities received by location and item definition" moves
to Items by Location (the figures kept ready, which ``init`` filled at the update), by
location (a location expands by item), where it answers at once (it grouped every item). A
filter a user changed is left as it is."""

from odoo import SUPERUSER_ID, api

GRAPHS = {
    "filter_opuscapita_event_day": (
        "{'group_by': ['event_time:day'], 'pivot_measures': ['__count', 'error_rate'], "
        "'pivot_row_groupby': ['event_time:day']}",
        ", 'graph_measure': 'error_rate', 'graph_mode': 'bar', "
        "'graph_groupbys': ['event_time:day']}"),
    "filter_opuscapita_event_document_type": (
        "{'group_by': ['document_type'], 'pivot_measures': ['__count', 'error_rate'], "
        "'pivot_row_groupby': ['document_type']}",
        ", 'graph_measure': 'error_rate', 'graph_mode': 'bar', "
        "'graph_groupbys': ['document_type']}"),
    "filter_sync_log_day_backend": (
        "{'group_by': ['started_at:day'], 'pivot_measures': ['__count', 'failed_run_count', "
        "'api_calls', 'rate_limited_count'], 'pivot_row_groupby': ['started_at:day'], "
        "'graph_measure': 'api_calls', 'graph_mode': 'line', "
        "'graph_groupbys': ['started_at:day']}",
        None),
}
BY_LOCATION = "filter_trackonline_line_location_item"
BY_LOCATION_BEFORE = ("{'group_by': ['to_location_id', 'item_definition_id'], 'pivot_measures': "
                      "['quantity'], 'pivot_row_groupby': ['to_location_id'], "
                      "'pivot_column_groupby': ['item_definition_id']}")
BY_LOCATION_NOW = ("{'group_by': ['location_id'], 'pivot_measures': ['quantity_in', "
                   "'quantity_out'], 'pivot_row_groupby': ['location_id'], "
                   "'pivot_column_groupby': []}")
SYNC_HEALTH_GRAPH = ("'graph_measure': '__count', 'graph_mode': 'bar', 'graph_stacked': True, "
                     "'graph_groupbys': ['started_at:day', 'state']}")


def charted(before, added):
    """The context ``before`` with the chart's keys: ``added`` in place of its closing
    brace, or (Sync Health) its line chart's keys replaced by the bar chart's."""
    if added:
        return before[:-1] + added
    return before[:before.index("'graph_measure'")] + SYNC_HEALTH_GRAPH


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid, (before, added) in GRAPHS.items():
        saved = env.ref("tracking_connector.%s" % xmlid, raise_if_not_found=False)
        if saved and saved.context == before:
            saved.context = charted(before, added)
    saved = env.ref("tracking_connector.%s" % BY_LOCATION, raise_if_not_found=False)
    if saved and saved.model_id == "trackonline.transaction.line" and (
            saved.context == BY_LOCATION_BEFORE):
        saved.write({"model_id": "trackonline.location.year", "context": BY_LOCATION_NOW,
                     "name": "Quantities received and sent by location (expand a location "
                             "by item)",
                     "action_id": env.ref("tracking_connector.action_trackonline_location_year").id,
                     "is_default": True})
