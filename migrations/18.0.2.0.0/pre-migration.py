"""18.0.2.0.0: one ``tracking.backend`` record under every backend, and real foreign keys.

Before: each system's backend table held the shared fields (name, company, URL, timeout,
connection), and run logs, tokens, cursors, call counters and items to retry named their
backend by two columns (``backend_model``, ``backend_id``), with nothing to cascade. After:
a ``tracking_backend`` row per backend holds the shared fields, each system's backend points
to it (``tracking_backend_id``, ``_inherits``), and those records point to it by
``backend_id`` (a foreign key Odoo adds when it loads the models, after this script).

Here, before the models are loaded: the table is made with the columns moved, a row per
backend copied into it (its id kept on the backend), every ``backend_id`` rewritten to it, and
what belonged to a backend deleted before this version (rows whose backend is gone) removed:
tokens, cursors, counters and items to retry with it; run logs kept with an empty backend,
naming it. The dashboard's SQL view, which read the old columns, is dropped (the dashboard
is now a view of ``tracking.backend``)."""

import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

SYSTEMS = [("trackline.backend", "trackline_backend", 0),
           ("trackonline.backend", "trackonline_backend", 1),
           ("opuscapita.backend", "opuscapita_backend", 2),
           ("sage50.backend", "sage50_backend", 3)]
# The fields every backend shares, now on tracking_backend: (column, type).
MOVED = [("name", "varchar"), ("company_id", "integer"), ("active", "boolean"),
         ("base_url", "varchar"), ("timeout", "integer"), ("connection_state", "varchar"),
         ("connection_message", "varchar"), ("connection_words", "jsonb")]
# Records that belong to a backend: (table, what happens to those of a deleted backend).
OWNED = [("tracking_sync_log", "keep"), ("tracking_token", "delete"),
         ("tracking_cursor", "delete"), ("tracking_rate_counter", "delete"),
         ("tracking_failed_unit", "delete")]


def _has_column(cr, table, column):
    cr.execute("SELECT 1 FROM information_schema.columns WHERE table_name = %s "
               "AND column_name = %s", (table, column))
    return bool(cr.fetchone())


def _names(columns):
    return SQL(", ").join(SQL.identifier(column) for column in columns)


def migrate(cr, version):
    if not version or not _has_column(cr, "tracking_cursor", "backend_model"):
        return
    cr.execute("DROP VIEW IF EXISTS tracking_dashboard")
    # (earlier versions had fewer of these tables, and fewer shared columns)
    owned_tables = [(table, gone) for table, gone in OWNED
                    if _has_column(cr, table, "backend_model")]
    for owned, _gone in owned_tables:
        cr.execute(SQL("ALTER TABLE %s ALTER COLUMN backend_model DROP NOT NULL, "
                       "ALTER COLUMN backend_id DROP NOT NULL", SQL.identifier(owned)))
    cr.execute(SQL("""
        CREATE TABLE IF NOT EXISTS tracking_backend (
            id serial PRIMARY KEY, backend_model varchar, sequence integer, %s,
            create_uid integer, create_date timestamp, write_uid integer,
            write_date timestamp)""", SQL(", ").join(
        SQL("%s %s", SQL.identifier(column), SQL(kind)) for column, kind in MOVED)))
    for model, table, sequence in SYSTEMS:
        moved = [column for column, _type in MOVED if _has_column(cr, table, column)]
        cr.execute(SQL("ALTER TABLE %s ADD COLUMN IF NOT EXISTS tracking_backend_id integer",
                       SQL.identifier(table)))
        cr.execute(SQL("SELECT id FROM %s WHERE tracking_backend_id IS NULL ORDER BY id",
                       SQL.identifier(table)))
        for (backend_id,) in cr.fetchall():
            cr.execute(SQL("""
                INSERT INTO tracking_backend (backend_model, sequence, %(names)s, create_uid,
                                              create_date, write_uid, write_date)
                SELECT %(model)s, %(sequence)s, %(names)s, create_uid, create_date, write_uid,
                       write_date
                  FROM %(table)s WHERE id = %(id)s RETURNING id""",
                names=_names(moved), model=model, sequence=sequence,
                table=SQL.identifier(table), id=backend_id))
            shared_id = cr.fetchone()[0]
            cr.execute(SQL("UPDATE %s SET tracking_backend_id = %s WHERE id = %s",
                           SQL.identifier(table), shared_id, backend_id))
        # What belonged to these backends now names their tracking_backend row (the model
        # is cleared in the same statement: a row is rewritten once).
        for owned, _gone in owned_tables:
            cr.execute(SQL("""
                UPDATE %(owned)s o SET backend_id = b.tracking_backend_id, backend_model = NULL
                  FROM %(table)s b
                 WHERE o.backend_model = %(model)s AND o.backend_id = b.id""",
                owned=SQL.identifier(owned), table=SQL.identifier(table), model=model))
    # Shared columns an earlier version did not have yet: their defaults.
    cr.execute("UPDATE tracking_backend SET active = COALESCE(active, TRUE), "
               "timeout = COALESCE(timeout, 30), "
               "connection_state = COALESCE(connection_state, 'unknown')")
    # Rows still naming a model: their backend was deleted before this version.
    for owned, gone in owned_tables:
        if gone == "delete":
            cr.execute(SQL("DELETE FROM %s WHERE backend_model IS NOT NULL",
                           SQL.identifier(owned)))
        else:
            cr.execute(SQL("UPDATE %s SET backend_id = NULL WHERE backend_model IS NOT NULL",
                           SQL.identifier(owned)))
        if cr.rowcount:
            _logger.info("%s: %s rows of backends deleted before 18.0.2.0.0 %s", owned,
                         cr.rowcount, "removed" if gone == "delete" else "kept as history")
        # The old pair goes with its unique constraints and indexes (Odoo makes the new ones).
        cr.execute(SQL("ALTER TABLE %s DROP COLUMN backend_model CASCADE",
                       SQL.identifier(owned)))
    cr.execute("DROP INDEX IF EXISTS tracking_sync_log_backend_newest_idx")
    for _model, table, _sequence in SYSTEMS:
        for column, _type in MOVED:
            cr.execute(SQL("ALTER TABLE %s DROP COLUMN IF EXISTS %s CASCADE",
                           SQL.identifier(table), SQL.identifier(column)))
