"""Trackline processes and their documents, against the sandbox over real HTTP."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.tracking_sync_log import LOG_LOCK
from .common import SandboxCase, other_connection


@tagged("post_install", "-at_install")
class TestTracklineImport(SandboxCase):
    """Trackline processes and their documents, against the sandbox over real HTTP."""

    def processes(self):
        return self.env["trackline.process"].search([("backend_id", "=", self.backend.id)])

    def first_process(self):
        return self.sandbox.trackline.processes["10000"]

    def test_import_by_id_attaches_identical_documents(self):
        remote = self.first_process()
        process = self.import_process("10000")
        self.assertEqual(process.name, remote["name"])
        self.assertEqual(process.status, remote["status"])
        self.assertEqual(sorted(process.document_ids.mapped("remote_id")),
                         sorted(doc["doc_id"] for doc in remote["documents"]))
        for document in process.document_ids:
            content = self.sandbox.trackline.files[document.remote_id]
            if not content:
                continue
            self.assertEqual(document.state, "downloaded", document.state_message)
            self.assertEqual(document.attachment_id.raw, content, "byte-identical")
            self.assertEqual(document.attachment_id.res_model, "trackline.process")
            self.assertEqual(document.attachment_id.res_id, process.id)
            self.assertEqual(document.attachment_id.name, document.name)
            self.assertEqual(document.size, len(content))
        pdf = process.document_ids.filtered(lambda d: d.name.lower().endswith(".pdf"))[:1]
        self.assertTrue(pdf, "process 10000 has a PDF")
        self.assertEqual(pdf.mimetype, "application/pdf")
        self.assertEqual(pdf.attachment_id.mimetype, "application/pdf")
        log = self.last_log()
        self.assertEqual(log.state, "done", log.error_details)
        self.assertGreaterEqual(log.api_calls, 2 + len(remote["documents"]))

    def test_log_of_a_killed_import_is_closed_by_the_next_run(self):
        def running_log():
            return self.env["tracking.sync.log"].create({
                "backend_id": self.backend.tracking_backend_id.id,
                "operation": "import process 10001", "state": "running"})

        dead, alive = running_log(), running_log()
        with other_connection(self.env) as other:  # the connection of a run still under way
            other.execute("SELECT pg_advisory_lock(%s, %s)", (LOG_LOCK, alive.id))
            self.import_process("10000")
            self.assertEqual(dead.state, "failed")
            self.assertIn("Interrupted", dead.message)
            self.assertEqual(alive.state, "running", "a live run's log is left alone")
            other.execute("SELECT pg_advisory_unlock(%s, %s)", (LOG_LOCK, alive.id))
        self.assertEqual(self.last_log().state, "done")

    def test_mimetype_guessed_when_header_is_missing(self):
        documents = self.env["trackline.document"]
        for process_id, remote in self.sandbox.trackline.processes.items():
            if any(not self.sandbox.trackline.content_type_sent(doc["doc_id"])
                   and self.sandbox.trackline.files[doc["doc_id"]]
                   for doc in remote["documents"]):
                documents = self.import_process(process_id).document_ids
                break
        headless = documents.filtered(
            lambda d: not self.sandbox.trackline.content_type_sent(d.remote_id) and d.size)
        self.assertTrue(headless, "the sandbox sends some files without Content-Type")
        for document in headless:
            self.assertNotEqual(document.mimetype, "application/octet-stream", document.name)

    def test_import_by_name_with_non_ascii(self):
        remote = next(p for p in self.sandbox.trackline.processes.values()
                      if not p["name"].isascii())
        process = self.import_process(remote["name"], lookup="name")
        self.assertEqual(process.remote_id, remote["process_id"])
        self.assertEqual(process.name, remote["name"])

    def test_reimport_creates_nothing_new(self):
        process = self.import_process("10000")
        attachments = self.env["ir.attachment"].search_count([])
        calls_before = self.sandbox.calls("GET", "/trackline/api/track-line/ext/attachment")
        again = self.import_process("10000")
        self.assertEqual(again, process)
        self.assertEqual(self.env["trackline.process"].search_count(
            [("remote_id", "=", "10000")]), 1)
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments)
        self.assertEqual(
            self.sandbox.calls("GET", "/trackline/api/track-line/ext/attachment"), calls_before,
            "downloaded documents are not fetched again")
        self.assertEqual(self.last_log().created_count, 0)

    def test_unknown_process_is_a_clear_error_and_creates_nothing(self):
        with self.assertRaisesRegex(UserError, 'no process with ID "99999999"'):
            self.import_process("99999999")
        with self.assertRaisesRegex(UserError, 'no process with name "No such process"'):
            self.import_process("No such process", lookup="name")
        self.assertFalse(self.processes())

    def test_token_expiring_mid_run_is_renewed(self):
        # Each download outlasts half the token's life; a retry after a 401 has a second
        # of slack on a fresh token (a loaded machine took more than half a second once).
        # One download at a time, as these delays assume (in parallel:
        # test_trackline_parallel.py).
        self.backend.download_concurrency = 1
        self.sandbox.trackline.token_ttl = 3
        self.addCleanup(setattr, self.sandbox.trackline, "token_ttl", 300)
        self.sandbox.add_fault("/trackline/api/track-line/ext/attachment", delay=2.0, times=3)
        process = self.import_process("10000")
        self.assertTrue(all(d.state == "downloaded" or not d.size and d.state == "error"
                            for d in process.document_ids))
        self.assertEqual(self.last_log().state, "done", self.last_log().error_details)
        self.assertGreaterEqual(self.sandbox.calls("POST", "/trackline/api/login"), 2,
                                "logged in again before the token passed")

    def test_one_relogin_per_401_never_a_loop(self):
        self.import_process("10000")
        logins = self.sandbox.calls("POST", "/trackline/api/login")
        self.sandbox.add_fault("/trackline/api/track-line/ext/track-path", status=401,
                               body='{"msg": "Token has expired"}',
                               content_type="application/json", times=1)
        self.import_process("10000")
        self.assertEqual(self.sandbox.calls("POST", "/trackline/api/login"), logins + 1)
        # A 401 that never ends: one more login, one retry, then a clear failure.
        self.sandbox.add_fault("/trackline/api/track-line/ext/track-path", status=401,
                               body='{"msg": "Token has expired"}',
                               content_type="application/json", times=100)
        logins = self.sandbox.calls("POST", "/trackline/api/login")
        with self.assertRaisesRegex(UserError, "401"):
            self.import_process("10000")
        self.assertEqual(self.sandbox.calls("POST", "/trackline/api/login"), logins + 1)

    def test_wrong_password_says_login_failed_without_echo(self):
        self.backend.password = "not-the-password"
        self.backend.action_test_connection()
        self.assertEqual(self.backend.connection_state, "error")
        self.assertIn("login failed", self.backend.connection_message)
        self.assertIn("Bad email or password", self.backend.connection_message)
        self.assertNotIn("not-the-password", self.backend.connection_message)
        with self.assertRaisesRegex(UserError, "login failed"):
            self.import_process("10000")
        self.assertEqual(self.last_log().state, "failed")

    def test_test_connection_ok(self):
        action = self.backend.action_test_connection()
        self.assertEqual(self.backend.connection_state, "ok")
        self.assertEqual(action["params"]["type"], "success")

    def test_html_error_page_is_logged_and_nothing_written(self):
        self.sandbox.add_fault("/trackline/api/track-line/ext/track-path", status=502,
                               times=10)
        with self.assertRaisesRegex(UserError, "502"):
            self.import_process("10000")
        log = self.last_log()
        self.assertEqual(log.state, "failed")
        self.assertIn("HTML error page", log.message)
        self.assertIn("Bad Gateway", log.message)
        self.assertFalse(self.processes())

    def test_malformed_json_is_logged_and_nothing_written(self):
        self.sandbox.add_fault("/trackline/api/track-line/ext/track-path", malformed_json=True)
        with self.assertRaisesRegex(UserError, "Expected JSON"):
            self.import_process("10000")
        log = self.last_log()
        self.assertIn("status 200", log.message)
        self.assertIn("process_id", log.message, "the first bytes are shown")
        self.assertFalse(self.processes())

    def test_download_documents_fetches_a_document_in_error_at_once(self):
        """docs/usage.rst: "Download documents" takes those not downloaded yet, or in error, now,
        whatever the wait a scheduled retry plans for them."""
        trackline = self.sandbox.trackline
        empty = self.empty_document_id()
        process, document = self.import_process_holding(empty)
        self.assertEqual(document.state, "error")
        self.addCleanup(trackline.files.__setitem__, empty, trackline.files[empty])
        trackline.files[empty] = b"%PDF-1.4 now with content"
        action = process.action_download_documents()
        self.assertEqual(document.state, "downloaded", action["params"]["message"])
        self.assertIn("1 updated", action["params"]["message"])
        item = self.env["tracking.failed.unit"].search([
            ("backend_id", "=", self.backend.tracking_backend_id.id),
            ("remote_key", "=", empty)])
        self.assertEqual(item.state, "done")

    def test_429_with_retry_after_is_waited_out(self):
        self.sandbox.add_fault("/trackline/api/track-line/ext/track-path", status=429,
                               retry_after=1)
        process = self.import_process("10000")
        self.assertTrue(process)
        self.assertEqual(self.last_log().rate_limited_count, 1)

    def test_empty_and_oversized_files_are_marked_others_download(self):
        trackline = self.sandbox.trackline
        empty = self.empty_document_id()
        large = max(trackline.files, key=lambda doc_id: len(trackline.files[doc_id]))
        self.backend.max_file_size = 1
        for doc_id in (empty, large):
            process, document = self.import_process_holding(doc_id)
            self.assertEqual(document.state, "error")
            self.assertFalse(document.attachment_id)
            others = process.document_ids - document
            self.assertTrue(all(d.state == "downloaded" for d in others if
                                0 < len(trackline.files[d.remote_id]) <= 1024 * 1024))
        self.assertIn("empty", self.env["trackline.document"].search(
            [("remote_id", "=", empty)]).state_message)
        self.assertIn("size cap", self.env["trackline.document"].search(
            [("remote_id", "=", large)]).state_message)
        # Each kept to retry later (a second import of the same process leaves them alone).
        items = self.env["tracking.failed.unit"].search([
            ("backend_id", "=", self.backend.tracking_backend_id.id),
            ("resource", "=", "document"), ("remote_key", "in", [empty, large])])
        self.assertEqual(items.mapped("state"), ["retry", "retry"])
        self.assertIn(self.last_log().state, ("warning", "done"))

    def test_link_from_partner_action_menu(self):
        partner = self.env["res.partner"].create({"name": "Customer with a process"})
        self.backend.linked_model_ids = [(4, self.env.ref("base.model_res_partner").id)]
        binding = self.env["ir.actions.act_window"].search([
            ("res_model", "=", "trackline.import.wizard"),
            ("binding_model_id.model", "=", "res.partner")])
        self.assertEqual(len(binding), 1, "Import from Trackline is in the partner Action menu")
        process = self.import_process("10000", active_model="res.partner",
                                      active_id=partner.id, active_ids=[partner.id])
        self.assertEqual((process.res_model, process.res_id), ("res.partner", partner.id))
        attachments = self.env["ir.attachment"].search([("res_model", "=", "res.partner"),
                                                        ("res_id", "=", partner.id)])
        downloaded = process.document_ids.filtered(lambda d: d.state == "downloaded")
        self.assertTrue(downloaded)
        self.assertEqual(sorted(attachments.mapped("checksum")),
                         sorted(downloaded.attachment_id.mapped("checksum")))
        self.env["trackline.backend"].search([]).linked_model_ids = [(5, 0, 0)]
        self.assertFalse(binding.exists(), "the entry goes when no backend enables it")

    def test_action_menu_entries_made_before_give_the_record_to_link(self):
        """An Action menu entry made before the wizard took its record from the entry's
        context gets that context (migrations/18.0.1.0.1), and then links the record."""
        partner = self.env["res.partner"].create({"name": "Customer of an old entry"})
        self.backend.linked_model_ids = [(4, self.env.ref("base.model_res_partner").id)]
        entry = self.env["ir.actions.act_window"].search([
            ("res_model", "=", "trackline.import.wizard"),
            ("binding_model_id.model", "=", "res.partner")])
        entry.context = "{}"
        self.env["trackline.backend"]._sync_action_bindings()
        process = self.import_process("10000", active_model="res.partner",
                                      active_id=partner.id, active_ids=[partner.id])
        self.assertEqual((process.res_model, process.res_id), ("res.partner", partner.id))

    def test_process_imported_before_is_attached_to_each_record_it_is_linked_to(self):
        """docs/usage.rst: from a record's Action menu the wizard links the process to that record
        and attaches its documents to it, also when the process was imported before."""
        first, second = self.env["res.partner"].create([{"name": "First customer"},
                                                        {"name": "Second customer"}])
        self.backend.linked_model_ids = [(4, self.env.ref("base.model_res_partner").id)]
        process = self.import_process("10000")
        downloaded = process.document_ids.filtered(lambda d: d.state == "downloaded")
        self.assertTrue(downloaded)
        checksums = sorted(downloaded.attachment_id.mapped("checksum"))

        def attachments(partner):
            return self.env["ir.attachment"].search([("res_model", "=", "res.partner"),
                                                     ("res_id", "=", partner.id)])

        self.sandbox.reset_calls()
        for partner in (first, second, second):
            again = self.import_process("10000", active_model="res.partner",
                                        active_id=partner.id, active_ids=[partner.id])
            self.assertEqual(again, process, "one process, never duplicated")
            self.assertEqual((process.res_model, process.res_id), ("res.partner", partner.id))
            self.assertEqual(sorted(attachments(partner).mapped("checksum")), checksums,
                             "every downloaded document, once")
        self.assertEqual(sorted(attachments(first).mapped("checksum")), checksums,
                         "the record linked before keeps its documents")
        self.assertEqual(attachments(second)[0].raw, self.env["ir.attachment"].search([
            ("checksum", "=", attachments(second)[0].checksum),
            ("res_model", "=", "trackline.process")], limit=1).raw)
        self.assertEqual(self.sandbox.calls("GET", "/trackline/api/track-line/ext/attachment"),
                         0, "nothing downloaded again")

    def test_refresh_buttons_and_server_action(self):
        process = self.import_process("10000")
        self.sandbox.trackline.set_status("10000", "Completed")
        action = process.action_refresh()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(process.status, "Completed")
        self.assertTrue(process.is_final)
        others = self.import_process("10001") | self.import_process("10002")
        server_action = self.env.ref("tracking_connector.action_server_trackline_refresh")
        server_action.with_context(active_model="trackline.process",
                                   active_ids=others.ids).run()
        self.assertEqual(self.last_log().updated_count, 0)
        self.assertIn("refresh", self.last_log().operation)

    def test_cron_picks_up_a_new_document(self):
        process = self.import_process("10000")
        self.sandbox.trackline.set_status("10000", "In Progress")
        doc_id = self.sandbox.trackline.add_document("10000", "Nueva factura nº 9.pdf",
                                                     "Invoice", b"%PDF-1.4 new\n%%EOF")
        final = self.import_process("10001")
        self.sandbox.trackline.set_status("10001", "Completed")
        final.status = "Completed"
        self.env["trackline.backend"].search([("id", "!=", self.backend.id)]).active = False
        self.env["trackline.backend"]._cron_refresh_open_processes(min_age_minutes=0)
        new = process.document_ids.filtered(lambda d: d.remote_id == doc_id)
        self.assertEqual(new.state, "downloaded")
        self.assertEqual(new.attachment_id.raw, b"%PDF-1.4 new\n%%EOF")
        self.assertEqual(new.name, "Nueva factura nº 9.pdf")
        refreshed = self.env["tracking.sync.log"].search([
            ("operation", "=", "refresh processes"),
            ("backend_id", "=", self.backend.tracking_backend_id.id)])
        self.assertEqual(len(refreshed), 1)
        self.assertEqual(refreshed.created_count, 1)
        self.assertEqual(self.sandbox.calls(
            "GET", "/trackline/api/track-line/ext/track-path"), 3,
            "two imports and one refresh: the final process is left alone")
