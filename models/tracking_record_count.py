"""The main records of each backend (Trackline processes, TrackOnline transactions,
OpusCapita events, Sage 50 uploads: ``MAIN_RECORDS``), counted by backend and company and
kept so by PostgreSQL: the dashboard's "Records" figure reads a row or two here instead of
counting a million transactions at every opening.

Kept as the figures of the analyses are (``models/tracking_kept_figures.py``): triggers on
each main table add each statement's inserted rows, take away its deleted ones, and move its
updated ones whose backend or company changed (a backend moved to another company moves
every record's company), whoever writes (a sync, a user, a deletion cascading from a
backend). So the count is exact at every commit. By company because the records' rule is by
company: the dashboard reads the counts with the main model's own rules (what its list shows
the user). A row that counts nothing any more is removed. ``init`` (install and every update)
fills the table from the records when it is empty, so an existing database gets its counts at
the update."""

from odoo import fields, models

from .tracking_backend import MAIN_RECORDS
from .tracking_kept_figures import init_figures, statement_triggers

# The key of a row, NULLs written as values (a unique index cannot tell NULLs apart).
KEY = ("backend_id", "COALESCE(company_id, 0)")


def _moved(rows, backend_table):
    """Add the records ``rows`` (``backend_id``, ``company_id``, +1 or -1 each) of backends of
    ``backend_table`` to the counts of their shared backend (``tracking.backend``); rows that
    cancel out (an update that moved nothing) write nothing, so lock nothing."""
    return f"""INSERT INTO tracking_record_count AS k (backend_id, company_id, record_count)
        SELECT t.id, r.company_id, SUM(r.n)
          FROM ({rows}) AS r (backend_id, company_id, n)
          JOIN {backend_table} b ON b.id = r.backend_id
          JOIN tracking_backend t ON t.id = b.tracking_backend_id
         GROUP BY t.id, r.company_id HAVING SUM(r.n) <> 0
        ON CONFLICT ({", ".join(KEY)}) DO UPDATE
           SET record_count = k.record_count + EXCLUDED.record_count;"""


def _triggers(source, backend_table):
    """The function and triggers that keep the counts of the records of table ``source``."""
    name = f"tracking_record_count_{source}"
    added = "SELECT backend_id, company_id, 1 FROM new_rows"
    taken = "SELECT backend_id, company_id, -1 FROM old_rows"
    return f"""CREATE OR REPLACE FUNCTION {name}_add() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_moved(added, backend_table)}
    ELSIF TG_OP = 'DELETE' THEN
        {_moved(taken, backend_table)}
    ELSE
        {_moved(added + " UNION ALL " + taken, backend_table)}
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        DELETE FROM tracking_record_count WHERE record_count <= 0;
    END IF;
    RETURN NULL;
END $$;
""" + statement_triggers(name, source)


class TrackingRecordCount(models.Model):
    _name = "tracking.record.count"
    _description = "Records of a Backend, Counted"
    _log_access = False

    backend_id = fields.Many2one("tracking.backend", required=True, readonly=True,
                                 index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    record_count = fields.Integer(string="Records", readonly=True, aggregator="sum")

    def _sources(self):
        """(main table, its backends' table) of each system."""
        return [(self.env[model]._table, self.env[backend_model]._table)
                for backend_model, (model, _action) in MAIN_RECORDS.items()]

    def init(self):
        sources = self._sources()
        init_figures(
            self, KEY, "record_count <= 0",
            "".join(_triggers(source, backends) for source, backends in sources),
            "\n".join(_moved(f"SELECT backend_id, company_id, 1 FROM {source}", backends)
                      for source, backends in sources))
