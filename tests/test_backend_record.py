"""One ``tracking.backend`` record under every backend: what every system shares is that
record's, everything that belongs to a backend points to it by a real foreign key, and
deleting a backend takes its secrets, tokens, cursors, call counters and items to retry
with it, while its run logs stay as history, naming it."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from ..sandbox.backends import backend_values
from .common import TrackOnlineCase


class TestBackendRecord(TrackOnlineCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(cls.env, "record_manager",
                                    groups="tracking_connector.group_tracking_manager")
        cls.user = new_test_user(cls.env, "record_user",
                                 groups="tracking_connector.group_tracking_user")

    def owned(self, shared):
        """What belongs to the ``tracking.backend`` record ``shared``, counted."""
        return {model: self.env[model].sudo().search_count([("backend_id", "=", shared.id)])
                for model in ("tracking.token", "tracking.cursor", "tracking.rate.counter",
                              "tracking.failed.unit", "tracking.sync.log")}

    def test_every_system_backend_is_one_backend_record(self):
        for system in ("trackline", "trackonline", "opuscapita", "sage50"):
            with self.subTest(system=system):
                backend = self.env["%s.backend" % system].create(backend_values(
                    system, self.sandbox.url, name="Shared %s" % system))
                shared = backend.tracking_backend_id
                self.assertEqual(len(shared), 1)
                self.assertEqual(shared.backend_model, backend._name)
                self.assertEqual((shared.name, shared.base_url, shared.company_id),
                                 (backend.name, backend.base_url, backend.company_id))
                backend.name = "Renamed %s" % system
                self.assertEqual(shared.name, "Renamed %s" % system,
                                 "one value, read and written through either record")
                self.assertIn(shared, self.env["tracking.backend"].search([]),
                              "every backend has its card on the dashboard")

    def test_a_renamed_backend_says_so_in_its_chatter(self):
        self.to.name = "TrackOnline renamed"
        self.env.flush_all()
        self.env.cr.precommit.run()  # Odoo writes tracking values as the transaction commits
        tracked = self.to.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "name")
        self.assertEqual(tracked[:1].new_value_char, "TrackOnline renamed")

    def test_deleting_a_trackline_backend_takes_its_token_and_items_to_retry(self):
        backend = self.env["trackline.backend"].create(backend_values(
            "trackline", self.sandbox.url, name="Trackline to delete", timeout=10))
        backend.action_test_connection()  # logs in: its token is kept
        shared = backend.tracking_backend_id
        self.env["tracking.failed.unit"].sudo().create({
            "backend_id": shared.id, "backend_name": backend.name, "resource": "processes",
            "remote_key": "10001", "error": "kept by the test"})
        before = self.owned(shared)
        self.assertGreater(before["tracking.token"], 0, "the connection test got a token")
        self.assertEqual(before["tracking.failed.unit"], 1)
        self.assertEqual(before["tracking.sync.log"], 1)
        logs = self.env["tracking.sync.log"].search([("backend_id", "=", shared.id)])

        with self.assertRaises(AccessError):
            backend.with_user(self.user).unlink()
        backend.with_user(self.manager).unlink()

        self.assertFalse(shared.exists())
        self.env.invalidate_all()
        self.assertEqual(self.owned(shared), {
            "tracking.token": 0, "tracking.cursor": 0, "tracking.rate.counter": 0,
            "tracking.failed.unit": 0, "tracking.sync.log": 0})
        self.assertTrue(logs.exists(), "its runs stay as history")
        self.assertFalse(logs.backend_id)
        self.assertEqual(logs.backend_name, "Trackline to delete", "naming it")
        self.assertTrue(logs.display_name.startswith("Trackline to delete: "))

    def test_deleting_a_trackonline_backend_takes_its_cursors_and_counters(self):
        self.to.action_sync_locations()
        shared = self.to.tracking_backend_id
        before = self.owned(shared)
        self.assertGreater(before["tracking.cursor"], 0)
        self.assertGreater(before["tracking.rate.counter"], 0)
        locations = self.env["trackonline.location"].search([("backend_id", "=", self.to.id)])
        self.assertTrue(locations)

        self.to.with_user(self.manager).unlink()

        self.env.invalidate_all()
        after = self.owned(shared)
        self.assertEqual((after["tracking.cursor"], after["tracking.rate.counter"]), (0, 0))
        self.assertEqual(after["tracking.sync.log"], 0, "its runs no longer point to it")
        self.assertFalse(locations.exists(), "its mirrored records go with it, as before")

    def test_deleting_a_trackonline_backend_with_transactions_takes_them_all(self):
        """Transactions use the backend's locations and item definitions (a location in use
        cannot be deleted alone): deleting the backend takes them all, users first refused."""
        for sync in ("locations", "item_definitions", "transactions", "unique_items"):
            self.to._sync(sync)
        mirrored = {name: self.env[name].search([("backend_id", "=", self.to.id)])
                    for name in ("trackonline.location", "trackonline.item.definition",
                                 "trackonline.transaction", "trackonline.transaction.line")}
        self.assertTrue(all(mirrored.values()), {k: len(v) for k, v in mirrored.items()})
        with self.assertRaises(AccessError):
            self.to.with_user(self.user).unlink()
        self.assertTrue(mirrored["trackonline.transaction"].exists(),
                        "a refused deletion deletes nothing")

        self.to.with_user(self.manager).unlink()

        self.env.invalidate_all()
        for name, records in mirrored.items():
            self.assertFalse(records.exists(), "%s deleted with the backend" % name)

    def test_a_deleted_backend_run_log_says_so_instead_of_opening(self):
        backend = self.env["opuscapita.backend"].create(backend_values(
            "opuscapita", self.sandbox.url, name="OpusCapita to delete", timeout=10))
        log = backend.action_test_connection() and self.last_log(backend)
        self.assertEqual(log.action_open_backend()["res_id"], backend.id)
        backend.unlink()
        with self.assertRaisesRegex(UserError, "OpusCapita to delete was deleted"):
            log.action_open_backend()
