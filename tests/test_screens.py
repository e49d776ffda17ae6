"""What people see: Sage 50's scope files, uploads, passcode expiry and approval; run logs'
durations and labels; names, no Delete on mirrored records, the Tracking user's home."""

import json

from lxml import etree

from odoo.tests import tagged

from ..sandbox.backends import backend_values
from .common import SandboxCase
from .test_sage50 import Sage50EndpointCase, Sage50Mixin


class Sage50KeyCase(Sage50Mixin, SandboxCase):
    """A Sage 50 backend with its key, set up as the Sage 50 tests do (their tests are not
    run again here)."""

    def setUp(self):
        super().setUp()
        self.set_up_approved_backend()


@tagged("post_install", "-at_install")
class TestSage50Screens(Sage50KeyCase):
    """What a user sees of Sage 50: scope files downloaded on demand, the uploads' sources in
    plain words."""

    def test_download_now_imports_a_scope_file_on_demand(self):
        self.sandbox.sage50.publish_scope("Customers", json.dumps({"records": [
            {"id": "C-7", "firstName": "Ana", "lastName": "Ruiz", "addresses": []}]}).encode())
        download = self.env["sage50.download"]._notify(self.sage, "Customers", None)
        action = download.action_download_now()
        self.assertEqual(action["tag"], "tracking_connector.notify")
        self.assertEqual(download.state, "done")
        self.assertEqual(download.record_count, 1)
        # Named by what it is (the breadcrumb), not "sage50.download,1".
        download.downloaded_at = "2026-12-07 10:00:00"
        self.assertEqual(download.display_name, "Customers file of 7 Dec")
        customer = self.env["sage50.partner"].search([("remote_id", "=", "C-7")])
        self.assertEqual(customer.display_name, "Ana Ruiz (C-7)")
        self.assertEqual(self.env["sage50.partner"].search(
            [("backend_id", "=", self.sage.id)]).partner_id.name, "Ana Ruiz")

    def test_an_upload_names_what_it_sent(self):
        partners = self.env["res.partner"].create([{"name": "Uno"}, {"name": "Dos"}])
        self.env["sage50.backend"]._send_partners(partners)
        upload = self.env["sage50.upload"].search([("backend_id", "=", self.sage.id)], limit=1)
        self.assertEqual(upload.source_label, "Contact (2)")
        self.assertEqual(self.env["res.partner"].search(upload.action_open_sources()["domain"]),
                         partners)

    def test_the_passcode_expiry_is_a_datetime(self):
        self.sage.passcode_expires = "2026-11-30T19:20:26Z"
        self.assertEqual(str(self.sage.passcode_expires_at), "2026-11-30 19:20:26")
        self.sage.passcode_expires = "2026-11-30T20:20:26.500+01:00"
        self.assertEqual(str(self.sage.passcode_expires_at), "2026-11-30 19:20:26")
        self.sage.passcode_expires = "soon"
        self.assertFalse(self.sage.passcode_expires_at)


@tagged("post_install", "-at_install")
class TestSage50ApprovalScreen(Sage50EndpointCase):

    def test_the_approval_is_posted_by_the_company_not_the_public_user(self):
        wizard = self.env["sage50.onboarding.wizard"].create({
            "backend_id": self.sage.id, "mode": "existing"})
        action = wizard.action_passcode()
        self.assertEqual(action["name"], "Sage 50 onboarding", "the dialog has a title")
        self.assertTrue(wizard.passcode_expires_at)
        self.env.flush_all()
        self.assertEqual(self.sandbox.sage50.consent(wizard.passcode), 200)
        self.sage.invalidate_recordset()
        message = self.sage.message_ids.filtered(lambda m: "API key received" in str(m.body))
        self.assertEqual(message.author_id, self.sage.company_id.partner_id)
        public = self.env.ref("base.public_partner")
        self.assertNotIn(public, self.sage.message_ids.author_id, "nothing in the public "
                                                                  "user's name")


@tagged("post_install", "-at_install")
class TestRunScreens(Sage50KeyCase):
    """Run logs: a duration that is measured, labels without jargon."""

    def test_a_short_run_has_a_measured_duration(self):
        run = self.sage.action_test_connection()
        log = self.env["tracking.sync.log"].browse(int(run["params"]["links"][0]["url"]
                                                       .rsplit("/", 1)[1]))
        self.assertGreater(log.duration, 0.0)
        self.assertLess(log.duration, 30.0)
        self.assertEqual(log._fields["rate_limited_count"].string,
                         "Calls refused (too many requests)")


@tagged("post_install", "-at_install")
class TestNamesAndHome(SandboxCase):
    """Where a user looks, things are named by what they are; mirrored records offer no
    Delete they would refuse; a Tracking user's home is the dashboard."""

    def test_an_item_to_retry_is_titled_by_its_record_and_keeps_its_key(self):
        backend = self.env["trackonline.backend"].create(backend_values(
            "trackonline", self.sandbox.url, name="TrackOnline names", timeout=10))
        backend.sudo().api_key = "not-the-key"
        partner = self.env["res.partner"].create({"name": "Depot Named", "ref": "NAMED-1"})
        location = self.env["trackonline.location"]._from_partners(backend, partner)
        backend._send(location, "location")
        item = self.env["tracking.failed.unit"].search([
            ("backend_id", "=", backend.tracking_backend_id.id)])
        self.assertEqual(item.remote_key, "trackonline.location,%d" % location.id,
                         "the key that finds the record again is kept")
        self.assertEqual(item.display_name, "To send to TrackOnline: [NAMED-1] Depot Named")
        self.assertEqual(item._record(), location)

    def test_mirrored_only_records_offer_no_delete(self):
        for model in ("trackline.process", "trackline.document", "opuscapita.event",
                      "trackonline.batch.calculation", "trackonline.iot.device"):
            views = self.env[model].get_views([(False, "list"), (False, "form")])["views"]
            for kind in ("list", "form"):
                arch = etree.fromstring(views[kind]["arch"])
                self.assertEqual(arch.get("delete"), "0", (model, kind))

    def test_the_demo_tracking_user_lands_on_the_dashboard(self):
        if not self.env["ir.module.module"].search([("name", "=", "tracking_connector")]).demo:
            self.skipTest("installed without demo data")
        user = self.env.ref("tracking_connector.user_tracking_demo", raise_if_not_found=False)
        self.assertTrue(user, "the demo has a Tracking user")
        self.assertTrue(user.has_group("tracking_connector.group_tracking_user"))
        self.assertEqual(user.action_id.id,
                         self.env.ref("tracking_connector.action_tracking_dashboard").id)
