"""The Tracking app's buttons clicked in headless Chromium as people click them (Odoo tours
in static/tests/tours/): every button of every dashboard card and card menu, the header and
smart buttons of each backend form and of the records people act on (a location's conflict
and its Delete draft among them), the figures of Items by Location, by a Tracking user (and a
Tracking manager for the manager's buttons), on the demo's backends pointed at a sandbox.
Each tour step that clicks is followed by one that checks what the screen shows then. Each
tour runs in English and in Spanish (a test and its ``..._in_spanish`` twin): its steps find
elements by names and classes, and read the words of the user's language (``inLanguage`` in
static/tests/tours/tour_steps.js). docs/tours.rst lists the buttons and what each step
checks."""

import copy
import json
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, timedelta

from odoo.tests import HttpCase, new_test_user, tagged

from .common import demo_backends, load_spanish, small_sandbox
from .test_sage50 import Sage50Mixin

USER_GROUPS = "base.group_user,tracking_connector.group_tracking_user"
MANAGER_GROUPS = "base.group_user,tracking_connector.group_tracking_manager"
DASHBOARD = "/odoo/action-tracking_connector.action_tracking_dashboard"


@tagged("post_install", "-at_install")
class TestButtonsClicked(Sage50Mixin, HttpCase):
    """Tours on the demo's four backends, talking to a sandbox of this class. What a test
    syncs before its tour runs on a cursor of its own (``committing_env``), as the browser's
    requests do. ``tour_user_es`` and ``tour_manager_es`` work in Spanish."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = small_sandbox(cls)
        cls.backends = demo_backends(cls.env, cls.sandbox.url)
        load_spanish(cls.env)
        for login, groups, lang in (("tour_user", USER_GROUPS, "en_US"),
                                    ("tour_manager", MANAGER_GROUPS, "en_US"),
                                    ("tour_user_es", USER_GROUPS, "es_ES"),
                                    ("tour_manager_es", MANAGER_GROUPS, "es_ES")):
            user = new_test_user(cls.env, login, groups=groups, lang=lang)
            if "tour_enabled" in user._fields:
                user.tour_enabled = False

    def setUp(self):
        super().setUp()
        self.sandbox.clear_faults()

    def runs(self, system):
        backend = self.backends[system]
        return self.env["tracking.sync.log"].search(
            [("backend_id", "=", backend.tracking_backend_id.id)])

    def card_buttons(self, login):
        """Tour ``tracking_connector_card_buttons`` as ``login``: each card's footer and menu
        buttons, its figures, title and error links."""
        self.start_tour(DASHBOARD, "tracking_connector_card_buttons", login=login,
                        timeout=180)
        self.assertEqual(
            sorted(self.runs("trackonline").mapped("operation")),
            sorted(["sync transactions", "sync locations", "sync item definitions",
                    "sync balances", "save results", "test connection"]))
        self.assertEqual(self.runs("trackonline").create_uid.login, login)

    def test_dashboard_card_buttons(self):
        self.card_buttons("tour_user")

    def test_dashboard_card_buttons_in_spanish(self):
        self.card_buttons("tour_user_es")

    def backend_forms(self, login):
        """Tour ``tracking_connector_backend_forms`` as ``login``: the header and smart
        buttons of the four backend forms, the Trackline import included (from the backend
        form)."""
        self.start_tour(DASHBOARD, "tracking_connector_backend_forms", login=login,
                        timeout=180)
        process = self.env["trackline.process"].search(
            [("backend_id", "=", self.backends["trackline"].id)])
        self.assertEqual(process.remote_id, "10000")
        self.assertTrue(process.document_ids)
        self.assertEqual(
            sorted(self.runs("opuscapita").mapped("operation")),
            ["fetch events", "sync events", "test connection"])
        self.assertEqual(self.runs("opuscapita").create_uid.login, login)

    def test_backend_form_buttons(self):
        self.backend_forms("tour_user")

    def test_backend_form_buttons_in_spanish(self):
        self.backend_forms("tour_user_es")

    def sage50_manager_buttons(self, login):
        """Tour ``tracking_connector_sage_manager`` as ``login``: the Trackline form of a
        manager, the Sage 50 form's onboarding and new URLs, and the card's key rotation."""
        sage = self.backends["sage50"]
        token = sage.sudo().endpoint_token
        self.start_tour(DASHBOARD, "tracking_connector_sage_manager", login=login,
                        timeout=120)
        self.assertNotEqual(sage.sudo().endpoint_token, token)
        self.assertEqual(self.runs("sage50").mapped("operation"), ["rotate API key"])

    def test_sage50_manager_buttons(self):
        self.sage50_manager_buttons("tour_manager")

    def test_sage50_manager_buttons_in_spanish(self):
        self.sage50_manager_buttons("tour_manager_es")

    def check_the_api(self, login):
        """Tour ``tracking_connector_check_api`` as ``login``: Check the API on the four
        backend forms; each check is one run of its backend, and writes nothing else."""
        self.start_tour(DASHBOARD, "tracking_connector_check_api", login=login, timeout=180)
        for system in ("trackonline", "opuscapita", "trackline", "sage50"):
            with self.subTest(system=system):
                runs = self.runs(system)
                self.assertEqual(runs.mapped("operation"), ["check the API"])
                self.assertEqual(runs.create_uid.login, login)
        self.assertFalse(self.env["trackonline.transaction"].search_count(
            [("backend_id", "=", self.backends["trackonline"].id)]))

    def test_check_the_api_on_the_four_forms(self):
        self.check_the_api("tour_manager")

    def test_check_the_api_on_the_four_forms_in_spanish(self):
        self.check_the_api("tour_manager_es")

    def test_notifications_replace_each_other(self):
        """Tour ``tracking_connector_notifications_replace``: a red notification left open
        is replaced by the next one, as a Tracking user."""
        self.start_tour(DASHBOARD, "tracking_connector_notifications_replace",
                        login="tour_user", timeout=120)
        self.assertEqual(self.runs("trackline").mapped("operation"), ["test connection"])

    def test_notifications_replace_each_other_in_spanish(self):
        self.start_tour(DASHBOARD, "tracking_connector_notifications_replace",
                        login="tour_user_es", timeout=120)
        self.assertEqual(self.runs("trackline").mapped("operation"), ["test connection"])

    def card_activity(self, login):
        """Tour ``tracking_connector_card_activity`` as ``login``: the TrackOnline card's
        bars after a sync of its 12 locations three days ago, today's sync of its 30
        transactions and a failed sync (TrackOnline refused the key)."""
        backend = self.backends["trackonline"]
        with self.committing_env() as env:
            syncing = backend.with_env(env)
            before = syncing._sync("locations").log
            before.started_at -= timedelta(days=3)
            transactions = syncing._sync("transactions").log
            self.sandbox.add_fault("/trackonline/api/v1/location", status=401, times=5)
            failed = syncing._sync("locations").log
            self.sandbox.clear_faults()
            done = (before.created_count, transactions.created_count, failed.state)
        self.assertEqual(done, (12, 30, "failed"))
        self.start_tour(DASHBOARD, "tracking_connector_card_activity", login=login,
                        timeout=120)
        self.assertEqual(self.runs("trackonline").filtered(
            lambda log: log.create_uid.login == login).mapped("operation"),
            ["sync transactions"])

    def test_card_activity(self):
        self.card_activity("tour_user")

    def test_card_activity_in_spanish(self):
        self.card_activity("tour_user_es")

    def test_import_a_process_from_the_trackline_card(self):
        """Tour ``tracking_connector_card_import``: the Trackline card's Import a process,
        as a Tracking user, opens the imported process."""
        self.start_tour(DASHBOARD, "tracking_connector_card_import", login="tour_user",
                        timeout=120)
        process = self.env["trackline.process"].search(
            [("backend_id", "=", self.backends["trackline"].id)])
        self.assertEqual(process.remote_id, "10000")

    # -- the records people act on ------------------------------------------------------------

    @contextmanager
    def committing_env(self):
        """An environment on a cursor of its own, for a run that commits (every sync does):
        in a browser test, Odoo's TestCursor over the test's transaction, taken as a
        request's is (one at a time), its commits kept for the tour, its end closing it."""
        self.env.flush_all()
        with self.registry.cursor() as cr:
            yield self.env(cr=cr)
        self.env.invalidate_all()

    def synced_trackonline(self, bad_rows=0):
        """The demo's TrackOnline backend with its locations, item definitions and
        transactions synced; the transaction rows 1 to ``bad_rows`` come malformed (their
        items are not a list) in this sync only, so that each is kept as an item to retry
        that a retry without the fault settles."""
        backend = self.backends["trackonline"]

        def spoil(data):
            rows = next((v for v in data.values() if isinstance(v, list)), []) \
                if isinstance(data, dict) else data
            for row in rows[1:1 + bad_rows]:
                row["transactionItems"] = "not-a-list"
            return data

        with self.committing_env() as env:
            syncing = backend.with_env(env)
            for name in ("locations", "item_definitions"):
                self.assertEqual(syncing._sync(name).log.state, "done")
            if bad_rows:
                self.sandbox.add_fault("/trackonline/api/v1/transaction", skip=0,
                                       rewrite=spoil)
            kept = syncing._sync("transactions").log.kept_count
            self.sandbox.clear_faults()
        self.assertEqual(kept, bad_rows)
        return backend

    def drafted_transaction(self, backend, number=False):
        locations = self.env["trackonline.location"].search(
            [("backend_id", "=", backend.id)], limit=2, order="id")
        item = self.env["trackonline.item.definition"].search(
            [("backend_id", "=", backend.id)], limit=1, order="id")
        return self.env["trackonline.transaction"].create({
            "backend_id": backend.id, "type_code": "60", "send_state": "draft",
            "transaction_number": number,
            "from_location_id": locations[0].id, "to_location_id": locations[1].id,
            "date_transaction": "2026-11-01 10:00:00",
            "line_ids": [(0, 0, {"item_definition_id": item.id, "quantity": 3})]})

    def open_record(self, record, tour, login="tour_user"):
        self.start_tour("/odoo/%s/%d" % (record._name, record.id), tour, login=login,
                        timeout=120)

    def process_buttons(self, login):
        """Tour ``tracking_connector_process_buttons`` as ``login``: a Trackline process's
        Refresh, Download documents, Send to Sage 50 (refused, Sage 50 not onboarded) and
        its documents."""
        process = self.import_process()
        self.open_record(process, "tracking_connector_process_buttons", login=login)
        self.assertTrue(process.last_refresh_at)
        self.assertEqual(self.env["sage50.upload"].search_count([]), 0)

    def test_process_buttons(self):
        self.process_buttons("tour_user")

    def test_process_buttons_in_spanish(self):
        self.process_buttons("tour_user_es")

    def location_buttons(self, login):
        """Tour ``tracking_connector_location_buttons`` as ``login``: a mirrored location
        edited locally and sent, and its smart buttons."""
        backend = self.synced_trackonline()
        self.keep_sandbox_rows()
        location = self.env["trackonline.location"].search(
            [("backend_id", "=", backend.id)], limit=1, order="id")
        self.open_record(location, "tracking_connector_location_buttons", login=login)
        self.assertEqual(location.send_state, "sent")

    def test_location_buttons(self):
        self.location_buttons("tour_user")

    def test_location_buttons_in_spanish(self):
        self.location_buttons("tour_user_es")

    def transaction_buttons(self, login):
        """Tour ``tracking_connector_transaction_buttons`` as ``login``: a transaction
        drafted in Odoo, sent to TrackOnline."""
        draft = self.drafted_transaction(self.synced_trackonline())
        self.keep_sandbox_rows("transaction")
        sent_before = len(self.sandbox.trackonline.resources["transaction"])
        self.open_record(draft, "tracking_connector_transaction_buttons", login=login)
        self.assertEqual(draft.send_state, "sent")
        self.assertEqual(len(self.sandbox.trackonline.resources["transaction"]),
                         sent_before + 1)

    def test_transaction_buttons(self):
        self.transaction_buttons("tour_user")

    def test_transaction_buttons_in_spanish(self):
        self.transaction_buttons("tour_user_es")

    def trip_button(self, login):
        """Tour ``tracking_connector_trip_button`` as ``login``: the trip of a synced open
        transaction moved to its next status in TrackOnline (the sandbox's trips start
        "new")."""
        backend = self.synced_trackonline()
        transaction = self.env["trackonline.transaction"].search(
            [("backend_id", "=", backend.id), ("remote_id", "!=", False),
             ("is_processed", "=", False)], limit=1)
        self.assertTrue(transaction, "an open transaction synced")
        transaction.write({"trip_number": "TRIP-TOUR-%s" % login})
        self.addCleanup(self.sandbox.trackonline.trips.clear)
        self.open_record(transaction, "tracking_connector_trip_button", login=login)
        trip = transaction.trip_id or transaction.trip_number  # the GUID where one came
        self.assertEqual(self.sandbox.trackonline.trips, {trip: "in progress"})

    def test_trip_button(self):
        self.trip_button("tour_user")

    def test_trip_button_in_spanish(self):
        self.trip_button("tour_user_es")

    def delete_drafts(self, login):
        """Tour ``tracking_connector_draft_delete`` as ``login``: a transaction drafted in
        Odoo deleted with its form's Delete draft, another with the list's Delete drafts
        (each after a confirmation); the list offers no Delete of its own."""
        backend = self.synced_trackonline()
        draft = self.drafted_transaction(backend)
        other = self.drafted_transaction(backend, number="DRAFT-2")
        mirrored = self.env["trackonline.transaction"].search_count(
            [("backend_id", "=", backend.id), ("remote_id", "!=", False)])
        self.open_record(draft, "tracking_connector_draft_delete", login=login)
        self.assertFalse(draft.exists())
        self.assertFalse(other.exists())
        self.assertEqual(self.env["trackonline.transaction"].search_count(
            [("backend_id", "=", backend.id), ("remote_id", "!=", False)]), mirrored)

    def test_delete_draft_button(self):
        self.delete_drafts("tour_manager")

    def test_delete_draft_button_in_spanish(self):
        self.delete_drafts("tour_manager_es")

    def location_draft_delete(self, login):
        """Tour ``tracking_connector_location_draft_delete`` as ``login`` (a Tracking
        manager): a location drafted in Odoo for a contact, deleted with its form's Delete
        draft; TrackOnline's locations stay."""
        backend = self.synced_trackonline()
        partner = self.env["res.partner"].create({"name": "Draft depot", "ref": "TOUR-DRAFT"})
        draft = self.env["trackonline.location"]._from_partners(backend, partner)
        self.assertEqual((draft.send_state, draft.remote_id), ("draft", False))
        mirrored = self.env["trackonline.location"].search_count(
            [("backend_id", "=", backend.id), ("remote_id", "!=", False)])
        self.open_record(draft, "tracking_connector_location_draft_delete", login=login)
        self.assertFalse(draft.exists())
        self.assertEqual(self.env["trackonline.location"].search_count(
            [("backend_id", "=", backend.id), ("remote_id", "!=", False)]), mirrored)

    def test_location_draft_delete_button(self):
        self.location_draft_delete("tour_manager")

    def test_location_draft_delete_button_in_spanish(self):
        self.location_draft_delete("tour_manager_es")

    def location_in_conflict(self, number):
        """The synced location ``number`` renamed in Odoo ("Mine, from Odoo") while a
        TrackOnline user renamed it and changed its city ("Name from TrackOnline", "Remote
        city"): its send, which reads it again first, made it a conflict (as in
        tests/test_write_back.py)."""
        backend = self.backends["trackonline"]
        location = self.env["trackonline.location"].search(
            [("backend_id", "=", backend.id), ("number", "=", number)])
        with self.committing_env() as env:
            mine = location.with_env(env)
            mine.action_edit_locally()
            mine.write({"name": "Mine, from Odoo"})
            self.remote_location(number).update(name="Name from TrackOnline",
                                                city="Remote city")
            mine.action_send()
        self.assertTrue(location.has_conflict)
        return location

    def keep_sandbox_rows(self, resource="location"):
        """The sandbox's rows of ``resource`` put back as they are now once the test ends:
        the class shares one sandbox, and what a tour sends to it would be there for the
        next test (its Spanish twin typing the city its English run sent changes nothing,
        a transaction sent would count in the figures of Items by Location)."""
        rows = self.sandbox.trackonline.resources[resource]
        kept = copy.deepcopy(rows)
        self.addCleanup(lambda: rows.__setitem__(slice(None), kept))

    def remote_location(self, number):
        """The sandbox's row of the location ``number``, as TrackOnline holds it now."""
        return next(row for row in self.sandbox.trackonline.resources["location"]
                    if row["number"] == number)

    def conflict_buttons(self, login):
        """Tours ``tracking_connector_conflict_keep_mine`` and ``..._conflict_take_remote``
        as ``login``: a location in conflict settled with Keep mine and send (TrackOnline
        then holds the name from Odoo, and its own city), another with Take TrackOnline's
        (Odoo then holds TrackOnline's name and city)."""
        self.synced_trackonline()
        self.keep_sandbox_rows()
        kept = self.location_in_conflict("L0003")
        self.open_record(kept, "tracking_connector_conflict_keep_mine", login=login)
        self.assertEqual((kept.has_conflict, kept.send_state), (False, "sent"))
        # Mine is the version the form showed, every field of it sent: the city too.
        row = self.remote_location("L0003")
        self.assertEqual((row["name"], row["city"]), ("Mine, from Odoo", kept.city))
        self.assertNotEqual(kept.city, "Remote city")
        taken = self.location_in_conflict("L0004")
        self.open_record(taken, "tracking_connector_conflict_take_remote", login=login)
        self.assertEqual((taken.has_conflict, taken.name, taken.city),
                         (False, "Name from TrackOnline", "Remote city"))
        self.assertEqual(self.remote_location("L0004")["name"], "Name from TrackOnline")

    def test_location_conflict_buttons(self):
        self.conflict_buttons("tour_user")

    def test_location_conflict_buttons_in_spanish(self):
        self.conflict_buttons("tour_user_es")

    def items_by_location(self, login):
        """Tour ``tracking_connector_items_by_location`` as ``login``: TrackOnline >
        Reporting > Items by Location opens on this year by location type, and its figures
        are what the synced transactions add up to (computed here from Odoo's transactions:
        the tour checks the same figures on the screen). The sandbox's transactions are
        dated this year for this test (their dates are fixed, in January 2026)."""
        today = date.today()
        rows = self.sandbox.trackonline.resources["transaction"]
        dates = [row["dateTransaction"] for row in rows]

        def put_back():
            for row, old in zip(rows, dates, strict=True):
                row["dateTransaction"] = old

        self.addCleanup(put_back)
        for row in rows:
            row["dateTransaction"] = "%d%s" % (today.year, row["dateTransaction"][4:])
        backend = self.synced_trackonline()
        received, sent = defaultdict(int), defaultdict(int)
        for line in self.env["trackonline.transaction.line"].search(
                [("transaction_id.backend_id", "=", backend.id)]):
            transaction = line.transaction_id
            if transaction.date_transaction.year == today.year:
                received[transaction.to_location_id.type] += line.quantity
                sent[transaction.from_location_id.type] += line.quantity
        # The figures the tour reads (static/tests/tours/reporting.js, FIGURES): the
        # carriers' (type 4), and all types'.
        self.assertEqual((received["4"], sent["4"]), (733, 494))
        self.assertEqual((sum(received.values()), sum(sent.values())), (2697, 2697))
        self.start_tour(DASHBOARD, "tracking_connector_items_by_location", login=login,
                        timeout=120)

    def test_items_by_location_figures(self):
        self.items_by_location("tour_user")

    def test_items_by_location_figures_in_spanish(self):
        self.items_by_location("tour_user_es")

    def items_to_retry(self, login):
        """Tours ``tracking_connector_retry_buttons`` and ``..._ignore_buttons`` as
        ``login``: an item to retry's run log and Retry now; another's Ignore (which asks
        for a reason first) and Retry again later."""
        backend = self.synced_trackonline(bad_rows=2)
        first, second = self.env["tracking.failed.unit"].search(
            [("backend_id", "=", backend.tracking_backend_id.id)],
            order="id")
        self.open_record(first, "tracking_connector_retry_buttons", login=login)
        self.assertEqual(first.state, "done")
        self.open_record(second, "tracking_connector_ignore_buttons", login=login)
        self.assertEqual((second.state, second.ignore_reason), ("retry", False))

    def test_items_to_retry_buttons(self):
        self.items_to_retry("tour_user")

    def test_items_to_retry_buttons_in_spanish(self):
        self.items_to_retry("tour_user_es")

    # -- Sage 50 onboarded (``self.sage``, "Sage 50 test", with its key) -----------------------

    def import_process(self):
        """Trackline process 10000 imported (its import commits: on a cursor of its own)."""
        with self.committing_env() as env:
            wizard = env["trackline.import.wizard"].create({
                "backend_id": self.backends["trackline"].id, "process_ref": "10000"})
            process_id = wizard.action_import()["res_id"]
        return self.env["trackline.process"].browse(process_id)

    def sage50_key_rotation(self, login):
        """Tour ``tracking_connector_sage_rotate`` as ``login`` (a Tracking manager): Rotate
        API key on an onboarded backend, from its card's menu and from its form."""
        first_key = self.set_up_approved_backend()
        self.start_tour(DASHBOARD, "tracking_connector_sage_rotate", login=login,
                        timeout=120)
        runs = self.env["tracking.sync.log"].search(
            [("backend_id", "=", self.sage.tracking_backend_id.id)])
        self.assertEqual(runs.mapped("state"), ["done", "done"])
        self.assertNotEqual(self.sage._current_key()[0], first_key)

    def test_sage50_key_rotation_buttons(self):
        self.sage50_key_rotation("tour_manager")

    def test_sage50_key_rotation_buttons_in_spanish(self):
        self.sage50_key_rotation("tour_manager_es")

    def sage50_upload(self, login):
        """Tour ``tracking_connector_sage_upload`` as ``login``: a process sent to an
        onboarded Sage 50, and its upload's Check progress."""
        self.set_up_approved_backend()
        process = self.import_process()
        self.open_record(process, "tracking_connector_sage_upload", login=login)
        upload = self.env["sage50.upload"].search([("backend_id", "=", self.sage.id)])
        self.assertEqual((upload.state, upload.scope), ("running", "TracklineProcesses"))

    def test_sage50_upload_buttons(self):
        self.sage50_upload("tour_user")

    def test_sage50_upload_buttons_in_spanish(self):
        self.sage50_upload("tour_user_es")

    def download_customers(self, login):
        """Tour ``tracking_connector_sage_download`` as ``login``: the scope file of one new
        customer, Lucía Martín, downloaded with Download now."""
        self.set_up_approved_backend()
        self.sandbox.sage50.publish_scope("Customers", json.dumps({"records": [{
            "id": "C-1", "firstName": "Lucía", "lastName": "Martín", "addresses": []}]}).encode())
        self.env["sage50.download"]._notify(self.sage, "Customers", None)
        download = self.env["sage50.download"].search([("backend_id", "=", self.sage.id)])
        self.open_record(download, "tracking_connector_sage_download", login=login)
        self.assertEqual(download.state, "done")
        self.assertEqual(self.env["res.partner"].search_count([("name", "=", "Lucía Martín")]),
                         1)

    def test_sage50_download_buttons(self):
        """A scope file's Download now, by a Tracking user who may create contacts."""
        new_test_user(self.env, "tour_contacts",
                      groups=USER_GROUPS + ",base.group_partner_manager")
        self.download_customers("tour_contacts")

    def test_sage50_download_buttons_in_spanish(self):
        """A scope file's Download now, by a Tracking user working in Spanish."""
        self.download_customers("tour_user_es")

    def test_sage50_download_by_a_tracking_user(self):
        """A scope file's Download now, by a Tracking user (group Tracking / User only)."""
        self.download_customers("tour_user")
