"""The one importer loop every pull sync runs through:

    pages of remote rows (each with the cursor after it)
      -> the resource's pure mapping (``mappings/``: row -> values; a bad row is kept aside)
      -> references to other mirrored records resolved (one search per model and page)
      -> keyed upsert (``tracking.binding.mixin._upsert``)
      -> the model's after-save hook (links, lines, activities, attachments)
      -> the cursor, committed with the page.

A resource is declared once with ``Resource``; adding one is a declaration and a mapping."""

import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from odoo import models

from ..clients.base import ApiError, AuthError, RateLimited
from ..clients.concurrent import ahead
from ..mappings.dates import cursor_moment, cursor_text
from ..mappings.fields import Entity, Ref, RowError, dig
from .tracking_drift import check_page
from .tracking_failed_unit import OPEN_STATES, key_without_id
from .tracking_messages import _lt, entity_label, resource_label
from .tracking_sync_log import row_by_row

ROW_EXCERPT = 200


@dataclass(frozen=True)
class Resource:
    """A remote list mirrored into ``model``, read by ``entity`` (its mapping).

    ``name`` is the sync's name: the argument of its scheduled action, the key of its cursor
    and of its run lock. ``endpoint`` is the client's path of the list. ``importer`` is the
    function a sync of it runs (``importer(backend, run, client, resource, max_pages)``),
    one of the few each system has (a paged list, date windows, ...); None for a resource
    read on demand by its backend (a Trackline process)."""

    name: str
    model: str
    entity: Entity
    importer: object = None
    endpoint: str = None
    label: str = None
    # ``refetch(backend, client, resource, remote_key, row_as_kept)`` -> rows: one record
    # read again by its key, for the retry of a kept row; None: the kept row is saved again.
    refetch: object = None

    @property
    def title(self):
        return self.label or self.name.replace("_", " ")


class TrackingImporter(models.AbstractModel):
    """The loop, its page sources and its cursors, for every backend."""

    _name = "tracking.importer"
    _description = "Tracking Importer (shared)"

    def _import(self, run, resource, pages, cursor_key=None, max_pages=None, client=None):
        """Save ``pages`` (``(rows, cursor_after)`` pairs) one at a time, each page and the
        cursor after it in one step committed together (``SyncRun.page``): the cursor never
        passes data that is not saved, and a page that fails ends the run there. Stops after
        ``max_pages`` pages, or when the run's time is up, with ``run.more`` set; returns
        True when the pages ran out. Without ``cursor_key`` (a one-off read of a period) no
        cursor is kept.

        With ``client`` (the one ``pages`` calls), the next page is fetched in a worker
        thread while this one is saved (``clients/concurrent.py: ahead``): its call budget
        is taken here first, the ORM stays in this thread, and no page is fetched past
        ``max_pages``, nor when the run has no time left for two pages. A page that fails to
        come ends the run after the page before it is committed with its cursor; a run that
        stops with a fetch in flight (an error, a page slower than the last) waits for it
        and drops its page, which the next run reads again."""
        pace = {"page": 0.0}  # seconds the last page took (its fetch and its save)
        if client is not None:
            def prepare():
                # Ahead only when the run has time to save this page and the next: a page
                # fetched and then dropped because the run is out of time costs a call.
                left = run.time_left()
                if left is not None and left < 2 * pace["page"]:
                    return False
                return client.prepare_ahead()

            pages = ahead(pages, limit=max_pages, prepare=prepare, settle=client.settle)
        pages = iter(pages)
        try:
            done = 0
            mark = time.monotonic()
            known = KnownIds()
            for rows, cursor in pages:
                run.page(self._page_label(resource, done + 1),
                         lambda rows=rows, cursor=cursor: self._import_page(
                             run, resource, rows, cursor_key, cursor, known))
                known.commit()
                done += 1
                run.pages += 1
                pace["page"], mark = time.monotonic() - mark, time.monotonic()
                if (max_pages and done >= max_pages) or run.out_of_time():
                    run.more = True
                    return False
            return True
        finally:
            close = getattr(pages, "close", None)
            if close:
                close()

    def _import_each(self, run, resource, items):
        """Save one-off ``units`` (one process, one file: each a function that fetches its
        rows), each fetched and saved in a step of its own: one that fails is logged and the
        next goes on. Stops when the run's time is up, with ``run.more`` set. Returns the
        records saved and whether the units ran out."""
        saved = []
        for number, fetch in enumerate(items, start=1):
            with run.step(self._page_label(resource, number)):
                saved.append(self._import_page(run, resource, fetch()))
            run.pages += 1
            if run.out_of_time():
                run.more = True
                return self.env[resource.model].concat(*saved), False
        return self.env[resource.model].concat(*saved), True

    def _page_label(self, resource, number):
        return self.env._("%(resource)s, page %(page)s", resource=resource_label(resource),
                          page=number)

    def _import_page(self, run, resource, rows, cursor_key=None, cursor=None, known=None):
        """One page: rows -> values -> references -> upsert -> after-save hook -> cursor.
        Returns the records saved, in the order of the rows read. ``known``: the ids of the
        references earlier pages of the run resolved (``KnownIds``).

        A row that cannot be read, and a row that cannot be saved, is kept
        (``tracking.failed.unit``) in the same step as the page and its cursor: the cursor
        passes a failed row only once it is kept. When the page as a whole fails at save (a
        constraint, a value the database refuses, an error of a hook), its rows are saved
        one by one, each in a savepoint, and those that fail are kept: one bad record never
        blocks its page."""
        check_page(run, resource, rows)  # answers that drift from the mapping
        counts = run.counts()
        if known is not None:
            known.page = {}  # a page saved again (after a clash) resolves its own afresh
        try:
            with self.env.cr.savepoint():
                records = self._save_rows(run, resource, rows, known)
        except Exception as exc:  # noqa: BLE001 - filtered by row_by_row()
            if not row_by_row(exc) or not rows:
                raise
            run.restore(counts)
            if known is not None:
                known.forget()
            records = self._save_one_by_one(run, resource, rows)
        if cursor_key:
            self.env["tracking.cursor"]._set(self, cursor_key, cursor)
        return records

    def _save_rows(self, run, resource, rows, known=None):
        model = self.env[resource.model]
        values_list, read = [], []
        for row in rows:
            values = self._read_row(run, resource, row)
            if values is not None:
                values_list.append(values)
                read.append(row)
        values_list = model._import_prepare(self, run, self._resolve_refs(run, values_list,
                                                                          known))
        records, created, updated = model._upsert(self, values_list)
        run.count(created=created, updated=updated)
        model._import_after_save(self, run, records, read)
        if records and self._may_have_items_to_retry(run, resource):
            self.env["tracking.failed.unit"]._resolve(self, resource.name,
                                                      records.mapped("remote_id"))
        return records

    def _may_have_items_to_retry(self, run, resource):
        """Whether rows of ``resource`` saved now may close items to retry: the backend had open
        items to retry of it when the run first asked (one query a run, not a search a page), or the
        run kept some itself."""
        if run.kept:
            return True
        if run.open_retry_resources is None:
            groups = self.env["tracking.failed.unit"].sudo()._read_group(
                [("backend_id", "=", self.tracking_backend_id.id),
                 ("state", "in", OPEN_STATES)], ["resource"])
            run.open_retry_resources = {name for (name,) in groups}
        return resource.name in run.open_retry_resources

    def _save_one_by_one(self, run, resource, rows):
        records = self.env[resource.model]
        for row in rows:
            counts = run.counts()
            try:
                with self.env.cr.savepoint():
                    records |= self._save_rows(run, resource, [row])
            except Exception as exc:  # noqa: BLE001 - filtered by row_by_row()
                if not row_by_row(exc):
                    raise
                run.restore(counts)
                self._add_row_to_retry(run, resource, row, _lt(
                    "%(what)s %(key)s could not be saved: %(error)s",
                    what=entity_label(resource.entity), key=row_key(resource.entity, row),
                    error=run.error_message(exc)))
        return records

    def _read_row(self, run, resource, row):
        """The values of one row, or None when it cannot be read (kept, counted, named)."""
        entity = resource.entity
        try:
            missing = entity.missing(row)
            if missing:
                text = _lt("%(what)s without %(keys)s skipped, added to the items to retry: "
                           "%(row)s", what=entity_label(entity), keys=" or ".join(missing),
                           row=excerpt(row))
            else:
                return entity.read(row, run.warn)
        except RowError as exc:
            text = _lt("%(what)s %(key)s with a value of the wrong type skipped, added to "
                       "the items to retry (%(error)s)",
                       what=entity_label(entity), key=row_key(entity, row), error=str(exc))
        self._add_row_to_retry(run, resource, row, text)
        return None

    def _add_row_to_retry(self, run, resource, row, text):
        """A row that cannot be saved: counted as skipped, named in the log, kept to be
        tried again."""
        run.skip_row(text)
        self.env["tracking.failed.unit"]._add_to_retry(run, resource.name,
                                                       row_key(resource.entity, row), row, text)

    # -- kept rows tried again ---------------------------------------------------------------

    def _retry_items(self, run, client, resource, items=None):
        """Try again, each in a step of its own, the kept rows of ``resource`` whose next
        attempt has come (or ``items``): the record read again by its key when the
        resource can (``Resource.refetch``), else the row as kept, through the same mapping
        and upsert, with no cursor. A row saved marks its item done; one that fails again
        counts an attempt and waits longer. Stops when the run's time is up."""
        unit_model = self.env["tracking.failed.unit"]
        if items is None:
            items = unit_model._due(self, resource.name, kind="row")
        for item in items:
            if run.out_of_time():
                run.more = True
                return False
            attempts = item.attempts
            label = self.env._("retry of %(what)s %(key)s", what=entity_label(resource.entity),
                               key=item.remote_key)
            with run.step(label):
                rows = self._rows_to_retry(run, client, resource, item)
                if rows is None:
                    continue
                self._import_page(run, resource, rows)
                if item.state in ("retry", "failed") and item.attempts == attempts:
                    item._mark_done()  # saved under another key (a row kept without id)
        return True

    def _rows_to_retry(self, run, client, resource, item):
        """The rows a retry of ``item`` saves; None when it failed again (kept again)."""
        try:
            row = json.loads(item.payload or "null")
        except ValueError:
            row = None
        if resource.refetch:
            try:
                rows = resource.refetch(self, client, resource, item.remote_key, row)
            except (RateLimited, AuthError):
                raise
            except ApiError as exc:
                rows, text = None, run.error_message(exc)
            else:
                text = _lt("%(what)s %(key)s is no longer found remotely",
                           what=entity_label(resource.entity), key=item.remote_key)
            if rows:
                return rows
        elif isinstance(row, dict):
            return [row]
        else:
            text = _lt("the row to retry cannot be read again")
        run.error(text)
        unit_model = self.env["tracking.failed.unit"]
        unit_model._add_to_retry(run, resource.name, item.remote_key, row, text)
        return None

    def _resolve_refs(self, run, values_list, known=None):
        """Replace every ``Ref`` in ``values_list`` (top level, line commands and many2many
        lists) by the id of the mirrored record, with one search per model; a record not
        mirrored yet is created as a stub from the embedded object when it has an id. A line
        whose required reference stays unknown is dropped with a warning. With ``known``
        (``KnownIds``), the references earlier pages resolved are not searched again."""
        refs = {}
        for ref in _walk_refs(values_list):
            refs.setdefault((ref.model, ref.by), {}).setdefault(ref.key, ref.embedded)
        ids = {}
        for (model, by), embedded in refs.items():
            before = known.ids.get((model, by), {}) if known is not None else {}
            new = {key: value for key, value in embedded.items() if key not in before}
            found = self.env[model]._ids_by_key(self, by, new) if new else {}
            if known is not None:
                known.page.setdefault((model, by), {}).update(found)
            ids[model, by] = (found, before)

        def resolve(ref):
            found, before = ids[ref.model, ref.by]
            return found.get(ref.key) or before.get(ref.key, False)

        for values in values_list:
            for name, value in values.items():  # values replaced, no key added
                if isinstance(value, list):
                    values[name] = self._resolve_commands(run, value, resolve, name)
                elif isinstance(value, Ref):
                    values[name] = resolve(value)
        return values_list

    def _resolve_commands(self, run, commands, resolve, field_name):
        resolved = []
        for command in commands:
            if command[0] == 0:
                line = {key: resolve(value) if isinstance(value, Ref) else value
                        for key, value in command[2].items()}
                unknown = [key for key, value in command[2].items()
                           if isinstance(value, Ref) and not line[key]]
                if unknown:
                    run.warn(_lt("a line of %(field)s naming an unknown %(refs)s was left out",
                                 field=field_name, refs=", ".join(unknown)))
                    continue
                resolved.append((0, 0, line))
            elif command[0] == 6:
                resolved.append((6, 0, sorted({resolve(ref) if isinstance(ref, Ref) else ref
                                               for ref in command[2]} - {False})))
            else:
                resolved.append(command)
        return resolved

    # -- sources of pages ------------------------------------------------------------------

    def _list_pages(self, cursor_key, fetch):
        """Pages of a list read page after page (``fetch(first_page)`` yields
        ``(page_number, rows)``); the cursor is the next page to read, so that a run stopped
        midway goes on where it stopped, and back to 1 once the list is read."""
        first = int(self.env["tracking.cursor"]._get(self, cursor_key) or 1)
        for number, rows in fetch(first):
            yield rows, str(number + 1)
        yield [], "1"

    def _window_pages(self, cursor_key, start, fetch, window_days, overlap_minutes,
                      until=None):
        """Pages of a list read window after window of dates, from the cursor (or from
        ``start`` when there is none) to now; each page comes with the cursor after it (the
        window's start and the next page). When the last window is done the cursor goes back
        ``overlap_minutes``, so that a record stored late is read at the next run. Without
        ``cursor_key`` it reads from ``start`` to ``until`` once. ``fetch(date_from, date_to,
        first_page)`` yields ``(page_number, rows)``."""
        value = cursor_key and self.env["tracking.cursor"]._get(self, cursor_key)
        page = 1
        if value:
            data = json.loads(value)
            start, page = cursor_moment(data["from"]), data["page"]
        now = until or datetime.utcnow()

        def cursor(moment, number):
            return json.dumps({"from": cursor_text(moment), "page": number})

        while start < now:
            end = min(start + timedelta(days=window_days), now)
            for number, rows in fetch(start, end, page):
                yield rows, cursor(start, number + 1)
            if end >= now:
                yield [], cursor(max(end - timedelta(minutes=overlap_minutes), start), 1)
                return
            start, page = end, 1
            yield [], cursor(start, 1)


class KnownIds:
    """The ids of the records that references of a run's pages named (a transaction's
    locations and items), resolved by earlier pages: a page searches only for those it is
    the first to name. The ids of the page being saved wait in ``page`` until it is
    committed (``commit()``). A page whose save fails drops them all (``forget()``) before
    its rows are saved one by one: records it made may be rolled back, one may have been
    deleted meanwhile; the rows resolve theirs afresh."""

    def __init__(self):
        self.ids = {}  # (model, field) -> {key: id}, committed
        self.page = {}  # the same, of the page being saved

    def commit(self):
        for group, found in self.page.items():
            self.ids.setdefault(group, {}).update(found)
        self.page = {}

    def forget(self):
        self.ids, self.page = {}, {}


def _walk_refs(values_list):
    for values in values_list:
        for value in values.values():
            if isinstance(value, Ref):
                yield value
            elif isinstance(value, list):
                for command in value:
                    if command[0] == 0:
                        yield from (item for item in command[2].values()
                                    if isinstance(item, Ref))
                    elif command[0] == 6:
                        yield from command[2]


def excerpt(row):
    return str(row)[:ROW_EXCERPT]


def row_key(entity, row):
    """The remote key of a row, as its item to retry is named: its id, else a digest of it."""
    try:
        key = dig(row, entity.remote_id) if entity.remote_id and isinstance(row, dict) else None
    except RowError:
        key = None
    if isinstance(key, (str, int)) and not isinstance(key, bool) and str(key).strip():
        return str(key)[:200]
    return key_without_id(row)
