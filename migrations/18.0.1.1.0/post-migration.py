"""18.0.1.1.0: TrackOnline transaction items are added up by month (the figures kept ready,
``trackonline.transaction.month``, filled by its ``init`` at the update). The shared saved
filters (Favorites, kept as users may have changed them: ``noupdate``) move where they answer
quickly: "Quantities by month and type" (the default) and "Processed quantities by item
definition" to Items by Month; Sync Health's default shows the last 30 days. A filter a user
changed is left as it is."""

from odoo import SUPERUSER_ID, api

MOVED = {
    "filter_trackonline_line_month_type": {
        "model_id": "trackonline.transaction.month",
        "action": "action_trackonline_transaction_month",
        "context": "{'group_by': ['month:month', 'type_code'], 'pivot_measures': ['quantity'], "
                   "'pivot_row_groupby': ['month:month'], 'pivot_column_groupby': ['type_code']}",
        "before": "{'group_by': ['date_transaction:month', 'type_code'], 'pivot_measures': "
                  "['quantity'], 'pivot_row_groupby': ['date_transaction:month'], "
                  "'pivot_column_groupby': ['type_code']}",
    },
    "filter_trackonline_line_processed_item": {
        "model_id": "trackonline.transaction.month",
        "action": "action_trackonline_transaction_month",
        "context": None,
        "before": None,
    },
}
SYNC_HEALTH = "filter_sync_log_day_backend"
LAST_30_DAYS = ("[('started_at', '>=', (context_today() - relativedelta(days=30))"
                ".strftime('%Y-%m-%d'))]")


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid, change in MOVED.items():
        saved = env.ref("tracking_connector.%s" % xmlid, raise_if_not_found=False)
        if not saved or saved.model_id != "trackonline.transaction.line" or (
                change["before"] and saved.context != change["before"]):
            continue
        saved.write({"model_id": change["model_id"],
                     "action_id": env.ref("tracking_connector.%s" % change["action"]).id,
                     **({"context": change["context"]} if change["context"] else {})})
    health = env.ref("tracking_connector.%s" % SYNC_HEALTH, raise_if_not_found=False)
    if health and health.domain == "[]":
        health.write({"domain": LAST_30_DAYS,
                      "name": "Runs, failures, API calls and refused calls by day, "
                              "last 30 days"})
