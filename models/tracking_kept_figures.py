"""The helpers of a table of figures kept ready by PostgreSQL: triggers after each statement
on the table the figures add up, and what such a table needs at install and update. Used by
the TrackOnline items by month (``models/trackonline_transaction_month.py``) and by location
(``models/trackonline_location_year.py``), and by the backends' records counted
(``models/tracking_record_count.py``)."""

from odoo import tools
from odoo.tools import SQL


def statement_triggers(name, source="trackonline_transaction_line"):
    """The triggers that run ``<name>_add()`` after each statement inserting, updating or
    deleting rows of the table ``source``, with the rows it changed (``new_rows``,
    ``old_rows``): how a table of figures kept ready follows the rows it adds up."""
    drops = "".join(f"DROP TRIGGER IF EXISTS {name}_{op} ON {source};\n"
                    for op in ("insert", "update", "delete"))
    tables = {"insert": "NEW TABLE AS new_rows", "update": "OLD TABLE AS old_rows NEW TABLE "
              "AS new_rows", "delete": "OLD TABLE AS old_rows"}
    return drops + "".join(
        f"CREATE TRIGGER {name}_{op} AFTER {op.upper()} ON {source} "
        f"REFERENCING {rows} FOR EACH STATEMENT EXECUTE FUNCTION {name}_add();\n"
        for op, rows in tables.items())


def init_figures(model, key, empty, triggers, fill):
    """What a table of figures kept ready needs at install and update: the unique index of
    its ``key``, the index of its rows that count nothing any more (``empty``: found by it,
    not by reading the table), its ``triggers``, and its rows made from what they add up by
    ``fill`` when it is empty (an existing database gets its figures at the update)."""
    cr, table = model.env.cr, model._table
    tools.create_unique_index(cr, f"{table}_key_idx", table, list(key))
    tools.create_index(cr, f"{table}_empty_idx", table, ["id"], where=empty)
    cr.execute(triggers)
    cr.execute(SQL("SELECT 1 FROM %s LIMIT 1", SQL.identifier(table)))
    if not cr.fetchone():
        cr.execute(fill)
