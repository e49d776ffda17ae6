"""TrackOnline transaction items added up by location, item definition and year: the figures
of the "Items by Location" analysis (what each location received and sent of each item),
kept ready so that it answers as quickly after years of transactions (millions of items) as
on the first day.

Kept the way the figures by month are (``models/trackonline_transaction_month.py``): triggers
on the items' table add each statement's inserted, updated and deleted rows, whoever writes
them, so it is exact at every commit; an item counts as received at its transaction's
destination and as sent from its origin. A row whose items are all gone is removed. ``init``
fills it from the items when it is empty (install, and the update of an existing database).

By year, not by month: a location and an item by month would be nearly as many rows as the
items of a large network; by year they stay few (locations x item definitions x years).
Years are calendar years in UTC. A row opens its items (``action_view_items``).

Each row carries its location's type (kept by a trigger on the locations when a type
changes): the analysis opens on this year (the index of ``year``) by location type, a
handful of groups whatever the number of locations, each type expanding by location
(thousands of groups were the cost of the first view, then the rows of every year)."""

from odoo import fields, models

from ..mappings import trackonline_codes as codes
from .tracking_access import USER_GROUP, check_group
from .tracking_kept_figures import init_figures, statement_triggers
from .trackonline_transaction_month import items_action

# The key of a row, NULLs written as values (a unique index cannot tell NULLs apart).
KEY = ("COALESCE(backend_id, 0)", "location_id", "COALESCE(item_definition_id, 0)",
       "COALESCE(year, '1900-01-01'::date)")
CONFLICT = ", ".join(KEY)
COLUMNS = ("backend_id, company_id, location_id, location_type, item_definition_id, year, "
           "quantity_in, line_count_in, quantity_out, line_count_out")


def _added(rows, sign):
    """The rows to add for the item rows ``rows`` (``new_rows``, ``old_rows`` or the whole
    table), counted with ``sign``: received at the destination, sent from the origin."""
    parts = []
    for side, counts in (("to_location_id", "{q}, {n}, 0, 0"),
                         ("from_location_id", "0, 0, {q}, {n}")):
        parts.append(
            f"SELECT r.backend_id, MAX(r.company_id), r.{side}, r.item_definition_id, "
            f"date_trunc('year', r.date_transaction)::date, "
            + counts.format(q=f"{sign}SUM(COALESCE(r.quantity, 0))", n=f"{sign}COUNT(*)")
            + f" FROM {rows} r WHERE r.{side} IS NOT NULL "
            f"GROUP BY r.backend_id, r.{side}, r.item_definition_id, "
            f"date_trunc('year', r.date_transaction)::date")
    # One row a key (a location may receive and send the same item in a year), with the
    # location's type as it is now.
    return f"""INSERT INTO trackonline_location_year AS y ({COLUMNS})
        SELECT b, MAX(c), l, MAX(loc.type), i, d, SUM(q_in), SUM(n_in), SUM(q_out), SUM(n_out)
          FROM ({" UNION ALL ".join(parts)}) AS u (b, c, l, i, d, q_in, n_in, q_out, n_out)
          LEFT JOIN trackonline_location loc ON loc.id = u.l
         GROUP BY b, l, i, d
        ON CONFLICT ({CONFLICT}) DO UPDATE
           SET quantity_in = y.quantity_in + EXCLUDED.quantity_in,
               line_count_in = y.line_count_in + EXCLUDED.line_count_in,
               quantity_out = y.quantity_out + EXCLUDED.quantity_out,
               line_count_out = y.line_count_out + EXCLUDED.line_count_out,
               company_id = COALESCE(EXCLUDED.company_id, y.company_id),
               location_type = EXCLUDED.location_type;"""


TRIGGERS = f"""CREATE OR REPLACE FUNCTION trackonline_location_year_add() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {_added("new_rows", "")}
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        {_added("old_rows", "-")}
        DELETE FROM trackonline_location_year
         WHERE line_count_in <= 0 AND line_count_out <= 0;
    END IF;
    RETURN NULL;
END $$;
""" + statement_triggers("trackonline_location_year") + """
CREATE OR REPLACE FUNCTION trackonline_location_year_type() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE trackonline_location_year SET location_type = NEW.type WHERE location_id = NEW.id;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS trackonline_location_year_type ON trackonline_location;
CREATE TRIGGER trackonline_location_year_type AFTER UPDATE OF type ON trackonline_location
   FOR EACH ROW WHEN (OLD.type IS DISTINCT FROM NEW.type)
   EXECUTE FUNCTION trackonline_location_year_type();
"""
# The locations' types where a row has none or an old one (the update of a database whose
# rows were kept before the type was).
TYPES = """UPDATE trackonline_location_year y SET location_type = loc.type
             FROM trackonline_location loc
            WHERE loc.id = y.location_id AND y.location_type IS DISTINCT FROM loc.type"""


class TrackOnlineLocationYear(models.Model):
    _name = "trackonline.location.year"
    _description = "TrackOnline Transaction Items by Location"
    _order = "year desc, location_id, item_definition_id"
    _log_access = False

    backend_id = fields.Many2one("trackonline.backend", readonly=True, index=True,
                                 ondelete="cascade")
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    location_id = fields.Many2one("trackonline.location", required=True, readonly=True,
                                  index=True, ondelete="cascade")
    location_type = fields.Selection(codes.LOCATION_TYPES, string="Location type", readonly=True,
                                     help="The location's type, as it is now.")
    item_definition_id = fields.Many2one("trackonline.item.definition", readonly=True,
                                         ondelete="cascade")
    year = fields.Date(readonly=True, index=True, help="The first day of the year (UTC).")
    quantity_in = fields.Integer(string="Quantity received", readonly=True, aggregator="sum",
                                 help="Of the transactions whose destination is the location.")
    line_count_in = fields.Integer(string="Items received", readonly=True, aggregator="sum")
    quantity_out = fields.Integer(string="Quantity sent", readonly=True, aggregator="sum",
                                  help="Of the transactions whose origin is the location.")
    line_count_out = fields.Integer(string="Items sent", readonly=True, aggregator="sum")

    def init(self):
        init_figures(self, KEY, "line_count_in <= 0 AND line_count_out <= 0", TRIGGERS,
                     _added("trackonline_transaction_line", ""))
        self.env.cr.execute(TYPES)

    def action_view_items(self):
        """The items this row adds up (received and sent), one by one."""
        check_group(self, USER_GROUP)
        self.ensure_one()
        domain = ["&", ("backend_id", "=", self.backend_id.id),
                  "&", ("item_definition_id", "=", self.item_definition_id.id),
                  "|", ("to_location_id", "=", self.location_id.id),
                  ("from_location_id", "=", self.location_id.id)]
        if self.year:
            end = fields.Date.add(self.year, years=1)
            domain += [("date_transaction", ">=", fields.Datetime.to_datetime(self.year)),
                       ("date_transaction", "<", fields.Datetime.to_datetime(end))]
        else:
            domain.append(("date_transaction", "=", False))
        return items_action(self.env, domain)
