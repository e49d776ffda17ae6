"""Trackline documents and processes read a few at a time in worker threads, over real HTTP
to a sandbox answering each call after a delay."""

import time

import jwt

from odoo.tests import tagged

from .common import SandboxCase

LOGIN_PATH = "/trackline/api/login"


@tagged("post_install", "-at_install")
class TestTracklineParallel(SandboxCase):
    """A process's documents, and the readings of many processes, asked a few at a time
    (``download_concurrency``) in worker threads, stored in the test's thread, over real
    HTTP to a sandbox answering each call after a delay."""

    def setUp(self):
        super().setUp()
        self.addCleanup(self.sandbox.set_network)
        self.addCleanup(self.sandbox.trackline.reset)
        trackline = self.sandbox.trackline
        self.doc_ids = [trackline.add_document("10000", "extra %02d.txt" % number, "text",
                                               b"document %02d\n" % number)
                        for number in range(10)]

    def test_never_more_than_the_bound_in_flight(self):
        self.backend.download_concurrency = 3
        self.sandbox.set_network(latency=0.15)
        process = self.import_process("10000")
        self.assertEqual(self.sandbox.max_in_flight, 3, "three at once, never four")
        extra = process.document_ids.filtered(lambda doc: doc.remote_id in self.doc_ids)
        self.assertEqual(set(extra.mapped("state")), {"downloaded"})
        self.assertEqual(sorted(extra.attachment_id.mapped("raw")),
                         [b"document %02d\n" % number for number in range(10)])
        self.assertEqual(self.last_log().state, "done", self.last_log().error_details)

    def test_one_at_a_time_when_the_bound_is_one(self):
        self.backend.download_concurrency = 1
        self.sandbox.set_network(latency=0.05)
        self.import_process("10000")
        self.assertEqual(self.sandbox.max_in_flight, 1)

    def test_token_expiring_mid_batch_is_renewed_once_and_saved(self):
        self.backend.download_concurrency = 4
        self.sandbox.trackline.token_ttl = 2  # renewed half a second before it expires
        self.addCleanup(setattr, self.sandbox.trackline, "token_ttl", 300)
        self.env["tracking.token"].search(
            [("backend_id", "=", self.backend.tracking_backend_id.id)]).unlink()
        self.sandbox.set_network(latency=0.4)  # 14 documents, 4 at a time: 4 rounds, 1.6 s
        started = time.time()
        process = self.import_process("10000")
        self.assertIn(self.last_log().state, ("done", "warning"), self.last_log().error_details)
        self.assertEqual(self.sandbox.calls("POST", LOGIN_PATH), 2,
                         "one login, then one renewal for the whole batch (before the token "
                         "expires, or after the calls in flight met a 401 together)")
        self.assertEqual(self.sandbox.trackline.logins, 2)
        self.assertEqual(set(process.document_ids.mapped("state")), {"downloaded"})
        token, _expiry = self.env["tracking.token"]._get(self.backend, "jwt")
        issued = jwt.decode(token, options={"verify_signature": False})["iat"]
        self.assertGreaterEqual(issued, int(started) + 1, "the renewed token is the one saved")

    def test_a_failing_document_is_kept_and_the_others_are_saved(self):
        self.backend.download_concurrency = 4
        self.backend.max_file_size = 1
        big = self.sandbox.trackline.add_document("10000", "too big.bin", "bin",
                                                  b"x" * (1024 * 1024 + 1))
        process = self.import_process("10000")
        failed = process.document_ids.filtered(lambda doc: doc.remote_id == big)
        self.assertEqual(failed.state, "error")
        self.assertIn("size cap", failed.state_message)
        extra = process.document_ids.filtered(lambda doc: doc.remote_id in self.doc_ids)
        self.assertEqual(set(extra.mapped("state")), {"downloaded"})
        item = self.env["tracking.failed.unit"].search([
            ("backend_id", "=", self.backend.tracking_backend_id.id),
            ("resource", "=", "document"), ("remote_key", "=", big)])
        self.assertEqual(item.state, "retry")
        # Its backoff holds: a second import of the process leaves it alone.
        self.sandbox.reset_calls()
        self.import_process("10000")
        self.assertEqual(item.attempts, 1)

    def test_a_refresh_reads_many_processes_a_few_at_a_time(self):
        self.backend.download_concurrency = 2
        processes = self.env["trackline.process"]
        for remote_id in ("10001", "10002", "10003", "10004", "10005"):
            processes |= self.import_process(remote_id)
        self.sandbox.set_network(latency=0.1)
        self.sandbox.reset_calls()
        run = processes._refresh(self.backend)
        self.assertEqual(run.log.state, "done", run.log.error_details)
        self.assertEqual(self.sandbox.calls("GET", "/trackline/api/track-line/ext/track-path"),
                         5)
        self.assertEqual(self.sandbox.max_in_flight, 2)
