"""TrackOnline transaction items added up by month, type, status and item definition: the
figures of the "Items by Month" analysis, kept ready so that it answers as quickly after years
of transactions (millions of items) as on the first day.

The table is kept by PostgreSQL itself: triggers on the items' table
(``trackonline_transaction_line``) add each statement's inserted, updated and deleted rows to
it (one upsert a statement: a sync's page of items is one), whoever writes them (a sync, a
user, a deletion cascading from a transaction). So it is exact at every commit, with no job to
wait for. A row whose items are all gone is removed. ``init`` (install and every update) fills
it from the items when it is empty, so an existing database gets its figures at the update.

Months are calendar months in UTC (the items' dates as stored). A row opens its items
(``action_view_items``): the same figures, one item at a time; that window is shared with
the figures by location (``models/trackonline_location_year.py``). The helpers of any table
of figures kept ready (its triggers, its ``init``) are in ``models/tracking_kept_figures.py``."""

from odoo import fields, models

from ..mappings import trackonline_codes as codes
from .tracking_access import USER_GROUP, check_group
from .tracking_kept_figures import init_figures, statement_triggers

# The key of a row, NULLs written as values (a unique index cannot tell NULLs apart).
KEY = ("COALESCE(backend_id, 0)", "COALESCE(month, '1900-01-01'::date)",
       "COALESCE(type_code, '')", "COALESCE(status_code, '')",
       "COALESCE(item_definition_id, 0)")
# The columns of a row, from an item row ``r``.
FROM_ITEM = ("r.backend_id, MAX(r.company_id), date_trunc('month', r.date_transaction)::date, "
             "r.type_code, r.status_code, r.item_definition_id")
GROUP = ("r.backend_id, date_trunc('month', r.date_transaction)::date, r.type_code, "
         "r.status_code, r.item_definition_id")

CONFLICT = ", ".join(KEY)


def items_action(env, domain):
    """The window of the items a row of figures adds up, one by one."""
    action = env["ir.actions.act_window"]._for_xml_id(
        "tracking_connector.action_trackonline_transaction_line")
    return dict(action, domain=domain, view_mode="list,pivot,graph",
                views=[(False, "list"), (False, "pivot"), (False, "graph")],
                name=env._("Transaction items"))


# One function a statement: what it added (NEW rows) and took away (OLD rows).
TRIGGERS = f"""CREATE OR REPLACE FUNCTION trackonline_transaction_month_add() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO trackonline_transaction_month AS m
               (backend_id, company_id, month, type_code, status_code,
                item_definition_id, quantity, line_count)
        SELECT {FROM_ITEM}, SUM(COALESCE(r.quantity, 0)), COUNT(*)
          FROM new_rows r GROUP BY {GROUP}
        ON CONFLICT ({CONFLICT}) DO UPDATE
           SET quantity = m.quantity + EXCLUDED.quantity,
               line_count = m.line_count + EXCLUDED.line_count,
               company_id = EXCLUDED.company_id;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO trackonline_transaction_month AS m
               (backend_id, company_id, month, type_code, status_code,
                item_definition_id, quantity, line_count)
        SELECT {FROM_ITEM}, -SUM(COALESCE(r.quantity, 0)), -COUNT(*)
          FROM old_rows r GROUP BY {GROUP}
        ON CONFLICT ({CONFLICT}) DO UPDATE
           SET quantity = m.quantity + EXCLUDED.quantity,
               line_count = m.line_count + EXCLUDED.line_count;
        DELETE FROM trackonline_transaction_month WHERE line_count <= 0;
    END IF;
    RETURN NULL;
END $$;
""" + statement_triggers("trackonline_transaction_month")
FILL = f"""INSERT INTO trackonline_transaction_month
       (backend_id, company_id, month, type_code, status_code,
        item_definition_id, quantity, line_count)
SELECT {FROM_ITEM}, SUM(COALESCE(r.quantity, 0)), COUNT(*)
  FROM trackonline_transaction_line r GROUP BY {GROUP}"""


class TrackOnlineTransactionMonth(models.Model):
    _name = "trackonline.transaction.month"
    _description = "TrackOnline Transaction Items by Month"
    _order = "month desc, backend_id, type_code, item_definition_id"
    _log_access = False

    backend_id = fields.Many2one("trackonline.backend", readonly=True, index=True,
                                 ondelete="cascade")
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    month = fields.Date(readonly=True, help="The first day of the month (UTC).")
    type_code = fields.Selection(codes.TRANSACTION_TYPES, string="Type", readonly=True)
    status_code = fields.Selection(codes.TRANSACTION_STATUSES, string="Status", readonly=True)
    item_definition_id = fields.Many2one("trackonline.item.definition", readonly=True,
                                         ondelete="cascade")
    quantity = fields.Integer(readonly=True, aggregator="sum")
    line_count = fields.Integer(string="Items", readonly=True, aggregator="sum")

    def init(self):
        init_figures(self, KEY, "line_count <= 0", TRIGGERS, FILL)

    def action_view_items(self):
        """The items this row adds up, one by one."""
        check_group(self, USER_GROUP)
        self.ensure_one()
        domain = [("backend_id", "=", self.backend_id.id),
                  ("type_code", "=", self.type_code),
                  ("status_code", "=", self.status_code),
                  ("item_definition_id", "=", self.item_definition_id.id)]
        if self.month:
            end = fields.Date.add(self.month, months=1)
            domain += [("date_transaction", ">=", fields.Datetime.to_datetime(self.month)),
                       ("date_transaction", "<", fields.Datetime.to_datetime(end))]
        else:
            domain.append(("date_transaction", "=", False))
        return items_action(self.env, domain)
