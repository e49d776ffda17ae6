"""The core every sync shares: keyed upsert, runs and their run logs, cursors that never pass
unsaved data."""

import copy
from unittest.mock import patch

import psycopg2

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..clients.base import RemoteDataError
from ..mappings.fields import Entity, Field
from ..models.tracking_importer import Resource
from ..models.trackonline_resources import TRANSACTIONS
from ..sandbox.backends import backend_values
from ..sandbox.data import trackonline_data
from .common import CommitCase

# Processes given as {"remote_id", "name", "status"} rows, through the importer.
PROCESSES = Resource("test", "trackline.process", Entity(
    "process", [Field("name", "name"), Field("status", "status")], required=("remote_id",),
    remote_id="remote_id"))


@tagged("post_install", "-at_install")
class TestSyncCore(CommitCase):
    """The shared core every integration uses: keyed upsert, sync runs and their logs,
    cursors that never pass unsaved data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend = cls.env["trackline.backend"].create({
            "name": "Core test", "base_url": "http://127.0.0.1:9/trackline/api"})
        cls.Process = cls.env["trackline.process"]

    def page(self, *names):
        return [{"remote_id": str(index), "name": name, "status": "Open"}
                for index, name in enumerate(names, start=1)]

    def test_upsert_same_page_twice_creates_nothing_new(self):
        records, created, updated = self.Process._upsert(self.backend, self.page("a", "b", "c"))
        self.assertEqual((len(records), created, updated), (3, 3, 0))
        again, created, updated = self.Process._upsert(self.backend, self.page("a", "b", "c"))
        self.assertEqual((created, updated), (0, 0))
        self.assertEqual(again, records, "the same records come back, in the page's order")
        self.assertEqual(self.Process.search_count([("backend_id", "=", self.backend.id)]), 3)

    def test_upsert_updates_only_changed_records(self):
        records, _, _ = self.Process._upsert(self.backend, self.page("a", "b", "c"))
        records.flush_recordset()
        write_dates = records.mapped("write_date")
        self.env.cr.execute("UPDATE trackline_process SET write_date = '2000-01-01' "
                            "WHERE id IN %s", [tuple(records.ids)])
        records.invalidate_recordset()
        _, created, updated = self.Process._upsert(self.backend, self.page("a", "B!", "c"))
        self.assertEqual((created, updated), (0, 1))
        self.assertEqual(records.mapped("name"), ["a", "B!", "c"])
        records.flush_recordset()
        records.invalidate_recordset()
        untouched = records.filtered(lambda r: r.name != "B!")
        self.assertEqual({str(r.write_date.year) for r in untouched}, {"2000"},
                         "records whose values did not change are not written")
        self.assertTrue(write_dates)

    def test_upsert_is_keyed_per_backend(self):
        other = self.backend.copy({"name": "Other"})
        self.Process._upsert(self.backend, self.page("a"))
        self.Process._upsert(other, self.page("a"))
        self.assertEqual(self.Process.search_count([("remote_id", "=", "1")]), 2)
        self.assertFalse(other.login, "credentials are not copied")

    def test_upsert_queries_do_not_grow_with_the_page(self):
        def queries(first, count):
            page = [{"remote_id": str(n), "name": "p%d" % n} for n in range(first, first + count)]
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            self.Process._upsert(self.backend, page)
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        queries(0, 5)  # warm-up: the first create of the model loads its metadata
        small, large = queries(100, 5), queries(1000, 200)
        # One search and one create per page; Odoo's create inserts 100 rows per query.
        self.assertLessEqual(large, small + 200 // 100)
        self.assertLessEqual(small, 4)

    def test_run_log_counts_and_state(self):
        with self.backend._sync_run("core test") as run:
            with run.step("page 1"):
                _, created, updated = self.Process._upsert(self.backend, self.page("a", "b"))
                run.count(created=created, updated=updated)
            with run.step("bad record"):
                raise RemoteDataError("record 3 has no id")
            run.count(skipped=1)
        log = run.log
        self.assertEqual(log.state, "warning")
        self.assertEqual((log.created_count, log.updated_count, log.skipped_count,
                          log.failed_count), (2, 0, 1, 1))
        self.assertIn("record 3 has no id", log.error_details)
        self.assertTrue(log.ended_at)
        self.assertEqual(self.backend.sync_log_count, 1)
        self.assertEqual(self.backend.last_sync_at, log.started_at)

    @mute_logger("odoo.addons.tracking_connector.models.tracking_sync_log")
    def test_run_that_crashes_is_logged_not_raised(self):
        with self.backend._sync_run("crash") as run:
            raise ZeroDivisionError("boom")
        self.assertEqual(run.log.state, "failed")
        self.assertIn("ZeroDivisionError: boom", run.log.message)
        self.assertIn("Traceback", run.log.error_details)

    def test_a_database_conflict_is_logged_without_a_traceback(self):
        logger = "odoo.addons.tracking_connector.models.tracking_sync_log"
        with self.assertLogs(logger, "WARNING") as logged:
            with self.backend._sync_run("conflict") as run:
                raise psycopg2.errors.SerializationFailure("could not serialize access")
        self.assertEqual(run.log.state, "failed")
        self.assertIn("A database conflict with another worker (SerializationFailure)",
                      run.log.message)
        self.assertNotIn("Traceback", run.log.error_details)
        self.assertFalse([line for line in logged.output if line.startswith("ERROR")],
                         "a conflict is no crash")

    def test_failed_step_leaves_nothing_half_written(self):
        with self.backend._sync_run("half") as run:
            with run.step("process 1"):
                self.Process._upsert(self.backend, self.page("a"))
                raise UserError(self.env._("remote said no"))
        self.assertFalse(self.Process.search([("backend_id", "=", self.backend.id)]))
        self.assertEqual(run.log.failed_count, 1)

    def test_cursor_advances_page_by_page(self):
        pages = [(self.page("a", "b"), "2024-01-01"), (self.page("c"), "2024-01-02")]
        with self.backend._sync_run("pages") as run:
            finished = self.backend._import(run, PROCESSES, pages, "test")
        self.assertTrue(finished)
        self.assertEqual(self.backend._get_cursor("test"), "2024-01-02")
        self.assertEqual(run.log.state, "done")

    def test_row_failing_at_save_is_kept_and_the_cursor_passes_it(self):
        """A page that fails at save (a NOT NULL name) is saved again row by row: the good
        rows are saved, the bad one kept to retry in the same step, and the cursor moves on."""
        def pages():
            yield [{"remote_id": "1", "name": "a"}], "cursor-1"
            yield [{"remote_id": "2", "name": "b"}, {"remote_id": "3"}], "cursor-2"  # no name
            yield [{"remote_id": "4", "name": "d"}], "cursor-3"

        with self.backend._sync_run("pages") as run, mute_logger("odoo.sql_db"):
            self.backend._import(run, PROCESSES, pages(), "test")
        self.assertEqual(self.backend._get_cursor("test"), "cursor-3")
        self.assertEqual((run.log.state, run.log.kept_count), ("warning", 1))
        saved = self.Process.search([("backend_id", "=", self.backend.id)])
        self.assertEqual(sorted(saved.mapped("remote_id")), ["1", "2", "4"])
        item = self.env["tracking.failed.unit"].search([
            ("backend_id", "=", self.backend.tracking_backend_id.id)])
        self.assertEqual((item.remote_key, item.state, item.log_id), ("3", "retry", run.log))
        self.assertIn("could not be saved", item.error)

    def test_cursor_stops_after_max_pages(self):
        pages = iter([(self.page("a"), "c1"), (self.page("b"), "c2"), (self.page("c"), "c3")])
        with self.backend._sync_run("pages") as run:
            finished = self.backend._import(run, PROCESSES, pages, "test", max_pages=2)
        self.assertFalse(finished)
        self.assertEqual(self.backend._get_cursor("test"), "c2")
        self.assertEqual(next(pages)[1], "c3", "the third page was not read")

    def test_a_page_that_clashed_with_another_worker_is_saved_again(self):
        """``SyncRun.page``: a clash (PostgreSQL's serialization failure, as when another
        worker wrote the same rows) rolls the transaction back to the last commit, drops the
        attempt's counts and saves the page again; what was committed before stands."""
        attempts = []

        def save(names, clash=False):
            attempts.append(names)
            records, created, updated = self.Process._upsert(self.backend, self.page(*names))
            run.count(created=created, updated=updated)
            if clash and len(attempts) == 2:  # the first attempt of the second page
                self.env.cr.execute("DO $$ BEGIN RAISE EXCEPTION 'clash' "
                                    "USING ERRCODE = '40001'; END $$")
            return records

        logger = "odoo.addons.tracking_connector.models.tracking_sync_log"
        with mute_logger("odoo.sql_db"), self.assertLogs(logger, "WARNING") as logs:
            with self.backend._sync_run("clash") as run:
                self.env["tracking.cursor"]._set(self.backend, "test", "before")
                run.page("page 1", lambda: save(["z"]))
                saved = run.page("page 2", lambda: save(["z", "y", "x"], clash=True))
        self.assertEqual(attempts, [["z"], ["z", "y", "x"], ["z", "y", "x"]],
                         "the clashed page is saved once more, the page before it is not")
        self.assertEqual(saved.mapped("name"), ["z", "y", "x"])
        self.assertIn("doing the page again", logs.output[0])
        self.assertEqual(run.log.state, "done", run.log.error_details)
        self.assertEqual((run.log.created_count, run.log.updated_count), (3, 0),
                         "the clashed attempt's counts are dropped")
        self.assertEqual(self.Process.search_count([("backend_id", "=", self.backend.id)]), 3)
        self.assertEqual(self.backend._get_cursor("test"), "before", "committed before: kept")

    def cron_progress(self):
        cron = self.env.ref("tracking_connector.cron_trackline_refresh")
        progress = self.env["ir.cron.progress"].create({"cron_id": cron.id, "remaining": 0,
                                                        "done": 0})
        return cron, progress

    def test_cron_progress_is_reported(self):
        __, progress = self.cron_progress()
        pages = [(self.page("a"), "c1"), (self.page("b"), "c2")]
        self.env["trackline.backend"].search([("id", "!=", self.backend.id)]).active = False

        def job(backend, deadline):
            with backend._sync_run("pages", deadline) as run:
                backend._import(run, PROCESSES, pages, "test", max_pages=1)
            return run

        self.env["trackline.backend"].with_context(
            ir_cron_progress_id=progress.id)._cron_each_backend("test", job)
        self.assertEqual((progress.done, progress.remaining), (1, 1))

    # -- references resolved once a run ------------------------------------------------------

    def transaction_pages(self):
        """A TrackOnline backend, and two pages of one transaction each naming the same
        locations and items."""
        backend = self.env["trackonline.backend"].create(backend_values(
            "trackonline", "http://127.0.0.1:9", name="References test"))
        first = trackonline_data(3, transactions=1)[2][0]
        second = dict(copy.deepcopy(first), id="tx-2", transactionNumber="T-2")
        return backend, first, second

    def test_references_resolved_by_an_earlier_page_are_not_searched_again(self):
        backend, first, second = self.transaction_pages()
        Location = type(self.env["trackonline.location"])
        searched = []
        original = Location._ids_by_key

        def ids_by_key(model, backend_, field, embedded):
            searched.append(sorted(embedded))
            return original(model, backend_, field, embedded)

        def pages():
            yield [first], "c1"
            self.assertEqual(len(searched), 1, "page 1 searches its locations once")
            yield [second], "c2"

        with patch.object(Location, "_ids_by_key", ids_by_key), \
                backend._sync_run("references") as run:
            backend._import(run, TRANSACTIONS, pages(), "test")
        self.assertEqual(len(searched), 1, "page 2 names the same locations: no search")
        saved = self.env["trackonline.transaction"].search([("backend_id", "=", backend.id)])
        self.assertEqual(len(saved), 2)
        self.assertEqual(len(saved.from_location_id), 1)
        self.assertEqual(saved.from_location_id.number, first["fromLocation"]["number"])

    def test_a_page_that_fails_resolves_its_references_afresh(self):
        """The locations page 1 resolved are deleted before page 2 (by a user, say): page 2's
        save fails on their ids, is saved again row by row with its references searched
        again (made again as stubs), and nothing is kept as failed."""
        backend, first, second = self.transaction_pages()

        def pages():
            yield [first], "c1"
            transactions = self.env["trackonline.transaction"].search(
                [("backend_id", "=", backend.id)])
            locations = transactions.from_location_id | transactions.to_location_id
            self.env.flush_all()
            self.env.cr.execute("DELETE FROM trackonline_transaction WHERE id IN %s",
                                (tuple(transactions.ids),))
            self.env.cr.execute("DELETE FROM trackonline_location WHERE id IN %s",
                                (tuple(locations.ids),))
            self.env.invalidate_all()
            yield [second], "c2"

        with backend._sync_run("references") as run, mute_logger("odoo.sql_db"):
            backend._import(run, TRANSACTIONS, pages(), "test")
        self.assertEqual((run.log.state, run.log.kept_count), ("done", 0), run.log.error_details)
        saved = self.env["trackonline.transaction"].search([("backend_id", "=", backend.id)])
        self.assertEqual(saved.remote_id, "tx-2")
        self.assertEqual(saved.from_location_id.number, first["fromLocation"]["number"])
        self.assertEqual(backend._get_cursor("test"), "c2")
