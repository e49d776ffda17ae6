"""Credentials stay with managers and secrets reach no log, message, error or copy; each
company's records stay within it."""

import inspect
import json
import logging
import re

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..controllers.sage50 import Sage50Controller
from ..models.tracking_attachment import safe_filename
from ..sandbox.backends import backend_values
from ..sandbox.opuscapita import (
    OPUSCAPITA_CLIENT_SECRET,
    OPUSCAPITA_PASSWORD,
)
from ..sandbox.trackonline import TRACKONLINE_API_KEY
from .common import SandboxCase
from .test_sage50 import Sage50Mixin

SECRET = "s3cret-Trackline!"
MANAGER = "tracking_connector.group_tracking_manager"
# Every credential field of every backend: manager-only, never copied.
SECRET_FIELDS = {
    "trackline.backend": ("login", "password"),
    "trackonline.backend": ("api_key",),
    "opuscapita.backend": ("client_id", "client_secret", "username", "password"),
    "sage50.backend": ("developer_id", "application_id", "secret", "endpoint_token",
                       "passcode", "approval_url", "notification_url", "registration_url"),
}
# A field whose name says "credential" must be listed above (a new one is caught here).
CREDENTIAL_NAME = re.compile(r"password|secret|api_?key$|token$|passcode$|^login$|client_id|"
                             r"username|_url$")
NOT_CREDENTIALS = {"base_url", "website_url", "access_url"}


class SecurityMixin:
    @classmethod
    def make_backends(cls):
        """One backend of each kind with every credential filled, and the values."""
        cls.to = cls.env["trackonline.backend"].create(backend_values(
            "trackonline", cls.sandbox.url, name="TrackOnline security",
            licence_tier="enterprise", start_date="2026-01-01", window_days=60, timeout=10))
        cls.oc = cls.env["opuscapita.backend"].create(backend_values(
            "opuscapita", cls.sandbox.url, name="OpusCapita security",
            start_date="2026-03-01", window_days=30, timeout=10))
        cls.sage = cls.env["sage50.backend"].create(backend_values(
            "sage50", cls.sandbox.url, name="Sage security", developer_id="dev-4711",
            application_id="app-0815", secret="sage-app-s3cret", passcode="PASS-1234",
            timeout=10))
        cls.backends = [cls.backend, cls.to, cls.oc, cls.sage]


@tagged("post_install", "-at_install")
class TestSecurity(SecurityMixin, SandboxCase):
    """Credentials stay with managers; secrets reach no log, message, error or copy."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_backends()
        cls.user = new_test_user(cls.env, "tracking_user",
                                 groups="tracking_connector.group_tracking_user,"
                                        "base.group_allow_export")
        cls.internal = new_test_user(cls.env, "plain_internal",
                                     groups="base.group_user,base.group_allow_export")
        cls.manager = new_test_user(cls.env, "tracking_manager", groups=MANAGER)

    def test_credential_fields_are_manager_only_and_never_copied(self):
        for model, names in SECRET_FIELDS.items():
            for name in names:
                field = self.env[model]._fields[name]
                self.assertEqual(field.groups, MANAGER, "%s.%s" % (model, name))
                self.assertFalse(field.copy, "%s.%s" % (model, name))
        for model in self.env.registry.descendants(
                ["tracking.backend.mixin"], "_inherit"):
            for name in self.env[model]._fields:
                if CREDENTIAL_NAME.search(name) and name not in NOT_CREDENTIALS:
                    self.assertIn(name, SECRET_FIELDS.get(model, ()),
                                  "%s.%s looks like a credential: restrict it" % (model, name))
        for name in ("value", "expires_at", "note"):
            self.assertFalse(self.env["tracking.token"]._fields[name].copy)

    def test_non_managers_read_no_credential(self):
        for user in (self.user, self.internal):
            for backend in self.backends:
                names = SECRET_FIELDS[backend._name]
                records = backend.with_user(user)
                for name in names:
                    label = "%s %s.%s" % (user.login, backend._name, name)
                    calls = {
                        "read": lambda r, n: r.read([n]),
                        "search_read": lambda r, n: r.search_read([("id", "=", r.id)], [n]),
                        "export_data": lambda r, n: r.export_data([n]),
                        "web_read": lambda r, n: r.web_read({n: {}}),
                        "web_search_read": lambda r, n: r.web_search_read([("id", "=", r.id)],
                                                                          {n: {}}),
                    }
                    if backend._fields[name].store:
                        calls.update({
                            "read_group": lambda r, n: r.read_group([("id", "=", r.id)],
                                                                    ["__count"], [n]),
                            "search on it": lambda r, n: r.search([(n, "=", "x")]),
                            "order by it": lambda r, n: r.search([], order=n),
                        })
                    for what, call in calls.items():
                        with self.subTest(label, call=what), self.assertRaises(AccessError):
                            call(records, name)
                fields = records.fields_get()
                self.assertFalse(set(names) & set(fields), user.login)
                if user == self.user:
                    self.assertEqual(records.name, backend.name, "users read the backend itself")
                    self.assertEqual(records.export_data(["name"])["datas"], [[backend.name]])
                    arch = records.get_views([(False, "form")])["views"]["form"]["arch"]
                    for name in names:
                        self.assertNotIn('name="%s"' % name, arch, name)
                        value = backend[name]
                        if value:
                            self.assertNotIn(value, arch)
                else:
                    with self.assertRaises(AccessError):
                        records.read(["name"])

    def test_non_managers_read_no_token(self):
        self.backend.action_test_connection()
        token = self.env["tracking.token"].search(
            [("backend_id", "=", self.backend.tracking_backend_id.id)])
        self.assertTrue(token.value, "the token is kept")
        for user in (self.user, self.internal):
            tokens = token.with_user(user)
            for what, call in {
                "search": lambda t: t.search([]),
                "read": lambda t: t.read(["value"]),
                "search_read": lambda t: t.search_read([], ["value"]),
                "read_group": lambda t: t.read_group([], ["__count"], ["value"]),
                "export_data": lambda t: t.export_data(["value"]),
            }.items():
                with self.subTest(user.login, call=what), self.assertRaises(AccessError):
                    call(tokens)
        self.assertNotIn("value", token.copy_data()[0])

    def test_manager_reads_credentials(self):
        backend = self.backend.with_user(self.manager)
        self.assertEqual(backend.read(["password"])[0]["password"], SECRET)

    def test_user_can_run_a_sync(self):
        self.backend.with_user(self.user).action_test_connection()
        self.assertEqual(self.backend.connection_state, "ok")

    def test_copies_carry_no_credential(self):
        for backend in self.backends:
            copy = backend.copy()
            for name in SECRET_FIELDS[backend._name]:
                if backend[name]:
                    self.assertNotEqual(copy[name], backend[name], "%s.%s" % (backend._name,
                                                                               name))

    def test_inbound_tokens_are_compared_in_constant_time(self):
        source = inspect.getsource(Sage50Controller._checked)
        self.assertRegex(source, r"hmac\.compare_digest|consteq")
        self.assertNotRegex(source, r"token\s*[!=]=|[!=]=\s*token")

    def test_attachment_names_are_sanitised(self):
        for name, expected in (
                ("../../etc/passwd", "etc_passwd"), ("..", "document"),
                ("a\x00b\x1fc\x7f.pdf", "a_b_c_.pdf"), ("C:\\tmp\\x.doc", "C_tmp_x.doc"),
                ("invoice\u202efdp.exe", "invoice_fdp.exe"), ("line\u2028two.txt", "line_two.txt"),
                ("bad\udc80bytes.txt", "bad_bytes.txt"), ("Facturación Ñandú.xml",
                                                           "Facturación Ñandú.xml"),
                ("  ", "document"), (None, "document")):
            self.assertEqual(safe_filename(name), expected, repr(name))
        long_name = safe_filename("é" * 500 + ".pdf")
        self.assertTrue(long_name.endswith(".pdf"))
        self.assertLessEqual(len(long_name.encode()), 240)
        self.assertLessEqual(len(safe_filename("x" * 10000)), 200)

    def test_trackline_document_with_an_odd_name(self):
        process_id = next(iter(self.sandbox.trackline.processes))
        self.sandbox.trackline.add_document(
            process_id, "../..\\evil\x00\u202e" + "n" * 300 + "\udc80.pdf", "Invoice",
            b"%PDF-1.4 x")
        process = self.import_process(process_id)
        document = process.document_ids.filtered(lambda d: d.name.startswith("../"))
        self.assertEqual(document.state, "downloaded", document.state_message)
        name = document.attachment_id.name
        self.assertTrue(name.endswith(".pdf"), name)
        self.assertFalse(set(name) & set("/\\\x00\u202e\udc80"), name)
        self.assertLessEqual(len(name), 200)

    def test_sage50_scope_file_with_an_odd_name(self):
        """The scope comes from Sage's notification: it names the attachment only once
        sanitised."""
        self.sandbox.sage50.reset()
        sage, app_id = Sage50Mixin.make_backend(self.env, self.sandbox)
        sage._store_key(self.sandbox.sage50.issue_key(app_id))
        sage.onboarding_state = "approved"
        self.sandbox.sage50.publish_scope("Products", b'{"records": []}')
        scope = "../..\\Pro:ducts*\x07\u202e" + "p" * 400
        download = self.env["sage50.download"]._notify(
            sage, scope, "%s/sage50/api/downloads/Products" % self.sandbox.url)
        run = download._fetch(sage)
        self.assertEqual(download.state, "done", run.log.error_details)
        name = download.attachment_id.name
        self.assertTrue(name.startswith("Pro_ducts_") and name.endswith(".json"), name)
        self.assertFalse(set(name) & set("/\\:*\x07\u202e"), name)
        self.assertLessEqual(len(name), 200)

    def test_secrets_never_reach_logs_messages_or_errors(self):
        """Faults that echo the credentials (wrong password, 401, 500 pages that echo the
        request, URLs with keys), with Python logging captured from the root down."""
        key = TRACKONLINE_API_KEY
        self.sage._store_key("sage-live-key-123456")

        def echo(*values):
            """A 500 page echoing what was sent: named, in a header, a URL, bare."""
            return "<html><body>%s</body></html>" % " ".join(
                "password=%s X-ApiKey: %s GET /x?key=%s (%s) {\"v\": \"%s\"}"
                % (value, value, value, value, value) for value in values)
        texts = []
        with self.assertLogs(level=logging.DEBUG) as captured:
            # Trackline: wrong password, then a 500 page echoing the request.
            self.backend.password = SECRET + "-wrong"
            texts.append(str(self.backend.action_test_connection()))
            with self.assertRaises(UserError) as error:
                self.import_process("10000")
            texts.append(str(error.exception))
            self.backend.password = SECRET
            self.sandbox.add_fault("/trackline/api/login", status=500, body=echo(SECRET),
                                   times=10)
            texts.append(str(self.backend.action_test_connection()))
            self.sandbox.clear_faults()
            self.backend.action_test_connection()
            # TrackOnline: 401 echoing the key, 500 page, JSON that is not JSON.
            self.sandbox.add_fault("/trackonline", status=401, body="Invalid key %s" % key,
                                   content_type="text/plain")
            texts.append(str(self.to.action_sync_locations()))
            self.sandbox.add_fault("/trackonline", status=500, body=echo(key), times=10)
            texts.append(str(self.to.action_sync_locations()))
            self.sandbox.add_fault("/trackonline", status=200, body=echo(key)[6:], times=10,
                                   content_type="application/json")
            texts.append(str(self.to.action_sync_locations()))
            self.sandbox.clear_faults()
            # OpusCapita: wrong secret, then a token call answered with an echo page.
            self.oc.client_secret = OPUSCAPITA_CLIENT_SECRET + "-wrong"
            texts.append(str(self.oc.action_test_connection()))
            self.oc.client_secret = OPUSCAPITA_CLIENT_SECRET
            self.sandbox.add_fault("/opuscapita", status=500, times=10, body=echo(
                OPUSCAPITA_CLIENT_SECRET, OPUSCAPITA_PASSWORD))
            texts.append(str(self.oc.action_sync_events()))
            self.sandbox.clear_faults()
            self.oc.action_sync_events()
            # Sage 50: the key refused, rotation refused with an echo page.
            self.sandbox.add_fault("/sage50", status=401, times=10, body=echo(
                "sage-app-s3cret", "sage-live-key-123456"))
            texts.append(str(self.sage.action_test_connection()))
            self.sandbox.clear_faults()
        secrets = {SECRET, key, OPUSCAPITA_CLIENT_SECRET, OPUSCAPITA_PASSWORD,
                   "sage-app-s3cret", "sage-live-key-123456", self.sage.endpoint_token,
                   "PASS-1234"}
        secrets |= set(self.env["tracking.token"].sudo().search([]).mapped("value"))
        secrets.discard(False)
        self.assertGreaterEqual(len(secrets), 9, "the tokens obtained are checked too")
        backends = [b.tracking_backend_id for b in self.backends]
        logs = self.env["tracking.sync.log"].search([]).filtered(
            lambda log: log.backend_id in backends)
        self.assertGreaterEqual(len(logs.filtered(lambda log: log.state == "failed")), 7)
        texts += logs.mapped(lambda log: "%s %s" % (log.message, log.error_details))
        texts += [str(m.body) for m in self.env["mail.message"].search(
            [("model", "in", list(SECRET_FIELDS)), ("res_id", "in", [b.id for b in
                                                                    self.backends])])]
        texts += [b.connection_message or "" for b in self.backends]
        # Odoo's own SQL log (odoo.sql_db at DEBUG, i.e. --log-level=debug_sql) prints every
        # query with its values, credentials included: never run production with it.
        logged = [line for record, line in zip(captured.records, captured.output,
                                               strict=True)
                  if not (record.name == "odoo.sql_db" and record.levelno == logging.DEBUG)]
        everything = "\n".join(logged + texts)
        self.assertIn("***", everything)
        self.assertIn("Invalid key", everything, "the remote's complaint is kept, masked")
        for secret in secrets:
            self.assertNotIn(secret, everything)

    def test_run_logs_name_no_login_to_users(self):
        """Before: a Tracking user read the Trackline login and the OpusCapita username in
        run logs ("Logged in to Trackline as ...", "... work for ...", "login failed for
        ...") and in the backends' test results; both are for managers only."""
        login, username = self.backend.sudo().login, self.oc.sudo().username
        self.assertTrue(login and username)
        self.backend.action_test_connection()
        self.oc.action_test_connection()
        self.backend.sudo().password = SECRET + "-wrong"
        self.backend.action_test_connection()
        self.backend.sudo().password = SECRET
        self.env.flush_all()
        for user in (self.user, self.manager):
            logs = self.env["tracking.sync.log"].with_user(user).search([
                ("backend_id", "in", (self.backend.tracking_backend_id.id,
                                      self.oc.tracking_backend_id.id))])
            self.assertEqual(len(logs), 3, user.login)
            text = json.dumps(logs.read() + self.backend.with_user(user).read()
                              + self.oc.with_user(user).read(), default=str)
            self.assertIn("Logged in to Trackline.", text)
            self.assertIn("Token and data call work.", text)
            self.assertIn("login failed", text)
            if user == self.user:
                self.assertNotIn(login, text)
                self.assertNotIn(username, text)


@tagged("post_install", "-at_install")
class TestCompanies(SecurityMixin, SandboxCase):
    """Each company's backends, records, runs, tokens and files stay within it; a sync
    links contacts of its own company only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_backends()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.manager_b = new_test_user(cls.env, "manager_b", groups=MANAGER,
                                      company_id=cls.company_b.id,
                                      company_ids=[(6, 0, cls.company_b.ids)])
        cls.user_b = new_test_user(cls.env, "user_b",
                                   groups="tracking_connector.group_tracking_user",
                                   company_id=cls.company_b.id,
                                   company_ids=[(6, 0, cls.company_b.ids)])

    def test_company_b_sees_nothing_of_company_a(self):
        self.backend.action_test_connection()
        process = self.import_process("10000")
        attachment = process.document_ids.attachment_id[:1]
        self.assertTrue(attachment)
        run_log = self.last_log()
        token = self.env["tracking.token"].search(
            [("backend_id", "=", self.backend.tracking_backend_id.id)])
        self.assertEqual(token.company_id, self.company_a)
        for user in (self.manager_b, self.user_b):
            env = self.env(user=user)
            for backend in self.backends:
                self.assertFalse(env[backend._name].search([("id", "=", backend.id)]),
                                 backend._name)
            self.assertFalse(env["trackline.process"].search([("id", "=", process.id)]))
            self.assertFalse(env["trackline.document"].search(
                [("id", "in", process.document_ids.ids)]))
            self.assertFalse(env["tracking.sync.log"].search([("id", "=", run_log.id)]))
            with self.assertRaises(AccessError):
                attachment.with_user(user).read(["datas"])
            with self.assertRaises(AccessError):
                process.with_user(user).read(["name"])
        self.assertFalse(self.env(user=self.manager_b)["tracking.token"].search(
            [("id", "=", token.id)]), "a manager of B sees no token of A")
        # a manager of B may read tokens, and counts every token but those of company A
        tokens = self.env["tracking.token"].search([])
        self.assertIn(token, tokens)
        self.assertEqual(self.env(user=self.manager_b)["tracking.token"].search_count([]),
                         len(tokens.filtered(lambda t: t.company_id != self.company_a)))

    def test_line_records_stay_within_their_company(self):
        """Before: a Tracking user of company B read the scanned codes, item configuration
        members and packaging label items of company A (and their parents' names)."""
        for resource in ("locations", "item_definitions", "item_configurations",
                         "unique_items", "packaging_labels"):
            self.assertIn(self.to._sync(resource).log.state, ("done", "warning"), resource)
        locations = self.env["trackonline.location"].search([("backend_id", "=", self.to.id)])
        unique = self.env["trackonline.unique.item"].search([("backend_id", "=", self.to.id)])
        transaction = self.env["trackonline.transaction"].create({
            "backend_id": self.to.id, "type_code": "15", "send_state": "draft",
            "transaction_number": "SCAN-A", "from_location_id": locations[0].id,
            "to_location_id": locations[1].id, "date_transaction": "2026-11-01 10:00:00",
            "scan_ids": [(0, 0, {"code_type": "10", "code": u.barcode}) for u in unique[:2]]})
        lines = {
            "trackonline.transaction.scan": transaction.scan_ids,
            "trackonline.item.configuration.member": self.env[
                "trackonline.item.configuration"].search(
                    [("backend_id", "=", self.to.id)]).member_ids,
            "trackonline.packaging.label.line": self.env["trackonline.packaging.label"].search(
                [("backend_id", "=", self.to.id)]).line_ids,
        }
        user_a = new_test_user(self.env, "user_a",
                               groups="tracking_connector.group_tracking_user",
                               company_id=self.company_a.id,
                               company_ids=[(6, 0, self.company_a.ids)])
        # A drift page (a page as received, attached to the run log: tracking_drift.py)
        # follows its log's company rule.
        log = self.to._sync("locations").log
        page = self.env["ir.attachment"].create({
            "name": "locations (page as received).json", "res_model": log._name,
            "res_id": log.id, "mimetype": "application/json", "raw": b"[]"})
        lines["ir.attachment"] = page
        for model, records in lines.items():
            self.assertTrue(records, model)
            if model != "ir.attachment":
                self.assertEqual(set(records.company_id), {self.company_a}, model)
            self.assertEqual(self.env[model].with_user(user_a).search(
                [("id", "in", records.ids)]), records, "company A's user reads them")
            for user in (self.user_b, self.manager_b):
                with self.subTest(model=model, user=user.login):
                    found = self.env[model].with_user(user).search([("id", "in", records.ids)])
                    self.assertFalse(found)
                    with self.assertRaises(AccessError):
                        records.with_user(user).read(["display_name"])

    def test_every_model_with_company_data_has_a_company_rule(self):
        """Every model of the addon whose records hold a company has a rule keeping them
        within it; the models that hold none (cursors, call counters) are read by
        managers only."""
        names = self.env["ir.model.data"].search([
            ("module", "=", "tracking_connector"), ("model", "=", "ir.model")]).mapped(
                lambda data: self.env["ir.model"].browse(data.res_id).model)
        companyless = set()
        for name in names:
            model = self.env[name]
            if model._abstract or model._transient or \
                    model._original_module != "tracking_connector":
                continue
            field = model._fields.get("company_id")
            if not field or not (field.store or field.inherited):  # a backend's: delegated
                companyless.add(name)
                continue
            rules = self.env["ir.rule"].search([("model_id.model", "=", name),
                                                ("global", "=", True),
                                                ("perm_read", "=", True)])
            with self.subTest(model=name):
                self.assertTrue(any("company_ids" in rule.domain_force for rule in rules),
                                "%s holds company data: it needs a company rule" % name)
        self.assertEqual(companyless, {"tracking.cursor", "tracking.rate.counter"},
                         "a new model without a company: does it hold company data?")
        for name in companyless:
            self.assertFalse(self.env[name].with_user(self.user_b).has_access("read"), name)

    def test_trackonline_links_contacts_of_its_own_company_only(self):
        other = self.env["res.partner"].create({"name": "B's depot", "ref": "L0002",
                                                "company_id": self.company_b.id})
        run = self.to._sync("locations")
        self.assertEqual(run.log.state, "done", run.log.error_details)
        depot = self.env["trackonline.location"].search([("backend_id", "=", self.to.id),
                                                         ("number", "=", "L0002")])
        self.assertNotEqual(depot.partner_id, other, "never a contact of company B")
        own = self.env["res.partner"].create({"name": "A's depot", "ref": "L0003",
                                              "company_id": self.company_a.id})
        self.to.create_partners = True
        locations = self.env["trackonline.location"].search([("backend_id", "=", self.to.id)])
        locations.partner_id = False
        self.to._sync("locations")
        self.assertEqual(locations.filtered(lambda loc: loc.number == "L0003").partner_id, own)
        depot_partner = locations.filtered(lambda loc: loc.number == "L0002").partner_id
        self.assertTrue(depot_partner)
        self.assertNotEqual(depot_partner, other)
        self.assertEqual(locations.partner_id.company_id, self.company_a,
                         "contacts created for A's locations belong to A")

    def test_opuscapita_links_contacts_of_its_own_company_only(self):
        # The demo data has the sandbox's parties as contacts too: leave only the test's.
        self.env["res.partner"].search(
            [("vat", "in", ("NL123456789B01", "FI01234567"))]).active = False
        other = self.env["res.partner"].create({"name": "Westland B", "vat": "NL123456789B01",
                                                "company_id": self.company_b.id})
        shared = self.env["res.partner"].create({"name": "Nordic", "vat": "FI01234567"})
        self.oc._sync_events()
        events = self.env["opuscapita.event"].search([("backend_id", "=", self.oc.id)])
        self.assertTrue(events)
        self.assertNotIn(other, events.sender_partner_id | events.receiver_partner_id)
        self.assertIn(shared, events.sender_partner_id | events.receiver_partner_id,
                      "contacts shared by all companies are linked")
