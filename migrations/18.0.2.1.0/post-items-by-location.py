"""18.0.2.1.0, after the update: Items by Location's shared default Favorite ("Quantities
received and sent by location", ``noupdate``) opens on this year by location type, a type
expanding by location: it listed every location of every year (5,000 groups over 380,000
figures, 411 ms a view at 1,000,000 transactions).
The figures' location types and the backends' counted records (the dashboard's "Records")
are filled by their models' ``init`` at the update, from the rows already there. A Favorite a
user changed is left as it is.

A database of 18.0.1.x gets here too: 18.0.2.0.0's migration moved the Favorite to Items by
Location with the context this one expects."""

from odoo import SUPERUSER_ID, api

BY_LOCATION = "filter_trackonline_line_location_item"
BEFORE = {"name": "Quantities received and sent by location (expand a location by item)",
          "domain": "[]",
          "context": "{'group_by': ['location_id'], 'pivot_measures': ['quantity_in', "
                     "'quantity_out'], 'pivot_row_groupby': ['location_id'], "
                     "'pivot_column_groupby': []}"}
NOW = {"name": "Quantities received and sent this year by location type (expand a type by "
               "location)",
       "domain": "[('year', '=', context_today().strftime('%Y-01-01'))]",
       "context": "{'group_by': ['location_type'], 'pivot_measures': ['quantity_in', "
                  "'quantity_out'], 'pivot_row_groupby': ['location_type'], "
                  "'pivot_column_groupby': []}"}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    saved = env.ref("tracking_connector.%s" % BY_LOCATION, raise_if_not_found=False)
    if saved and saved.model_id == "trackonline.location.year" and (
            saved.context, saved.domain) == (BEFORE["context"], BEFORE["domain"]):
        saved.write({key: value for key, value in NOW.items()
                     if key != "name" or saved.name == BEFORE["name"]})
