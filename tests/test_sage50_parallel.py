"""Sage 50 scope files downloaded a few at a time in worker threads, with one key rotation
when the calls in flight meet a 401 together, over real HTTP."""

import json

from odoo.tests import tagged

from ..models.sage50_download import DOWNLOAD_BOUND, FILE_RESOURCE
from .common import SandboxCase
from .test_sage50 import Sage50Mixin

SCOPES = ["Scope%02d" % number for number in range(10)]


@tagged("post_install", "-at_install")
class TestSage50ParallelDownloads(Sage50Mixin, SandboxCase):
    """Scope files asked ``DOWNLOAD_BOUND`` at a time in worker threads, stored in the
    test's thread, over real HTTP to a sandbox answering each call after a delay; the key
    rotated once, in the test's thread, when the calls in flight meet a 401 together."""

    def setUp(self):
        super().setUp()
        self.first_key = self.set_up_approved_backend()
        self.addCleanup(self.sandbox.set_network)
        for scope in SCOPES:
            self.sandbox.sage50.publish_scope(scope, json.dumps(
                {"records": [{"id": "%s-1" % scope}, {"id": "%s-2" % scope}]}).encode())
        downloads = self.env["sage50.download"]
        for scope in SCOPES:
            downloads |= downloads._notify(self.sage, scope, None)
        self.downloads = downloads
        self.sandbox.reset_calls()

    def assert_all_imported(self, downloads):
        self.assertEqual(set(downloads.mapped("state")), {"done"}, downloads.mapped("message"))
        self.assertEqual(set(downloads.mapped("record_count")), {2})
        for download in downloads:
            self.assertEqual(json.loads(download.attachment_id.raw)["records"][0]["id"],
                             "%s-1" % download.scope)

    def test_never_more_than_the_bound_in_flight(self):
        self.sandbox.set_network(latency=0.15)
        run = self.downloads._fetch(self.sage)
        self.assertEqual(run.log.state, "done", run.log.error_details)
        self.assertEqual(self.sandbox.max_in_flight, DOWNLOAD_BOUND,
                         "%d at once, never more" % DOWNLOAD_BOUND)
        self.assertEqual(self.sandbox.calls("GET", "/sage50/api/downloads/"), len(SCOPES))
        self.assert_all_imported(self.downloads)

    def test_parallel_401s_rotate_the_key_once_then_retry(self):
        self.sandbox.sage50.expire_keys()
        self.sandbox.set_network(latency=0.2)
        run = self.downloads._fetch(self.sage)
        self.assertEqual(run.log.state, "done", run.log.error_details)
        self.assertEqual(self.sandbox.sage50.rotations, 1,
                         "one rotation for the files refused together, not one each")
        self.assertNotEqual(self.sage._current_key()[0], self.first_key)
        refused = self.sandbox.calls("GET", "/sage50/api/downloads/") - len(SCOPES)
        self.assertGreaterEqual(refused, DOWNLOAD_BOUND, "the files in flight were refused")
        self.assert_all_imported(self.downloads)

    def test_a_failing_file_is_kept_and_the_others_imported(self):
        self.sandbox.set_network(latency=0.05)
        self.sandbox.sage50.publish_scope("Scope03", b'{"records": [{"id": "C-9",')
        missing = self.env["sage50.download"]._notify(self.sage, "Gone", None)  # a 404
        run = (self.downloads | missing)._fetch(self.sage)
        self.assertEqual(run.log.state, "warning")
        broken = self.downloads.filtered(lambda d: d.scope == "Scope03")
        self.assertEqual((broken.state, missing.state), ("failed", "failed"))
        self.assertIn("not valid JSON", broken.message)
        self.assert_all_imported(self.downloads - broken)
        items = self.env["tracking.failed.unit"].search([
            ("backend_id", "=", self.sage.tracking_backend_id.id),
            ("resource", "=", FILE_RESOURCE)])
        self.assertEqual(sorted(items.mapped("remote_key")), ["Gone", "Scope03"])
        self.assertEqual(set(items.mapped("state")), {"retry"})
