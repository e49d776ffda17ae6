"""Security over HTTP: the web client's routes give a non-manager no credential; Sage 50's
inbound endpoints keep their token out of the logs and refuse bodies of unknown length."""

import json
import logging
from urllib.parse import quote

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from ..models.tracking_attachment import attach_files
from .test_sage50 import Sage50EndpointCase

API_KEY = "http-test-api-key-0042"


@tagged("post_install", "-at_install")
class TestSecurityWebClient(HttpCase):
    """What the web client's routes give a non-manager: no credential, whatever the call."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend = cls.env["trackonline.backend"].create({
            "name": "TrackOnline web", "base_url": "http://127.0.0.1:9/api/v1",
            "api_key": API_KEY, "licence_tier": "enterprise", "start_date": "2026-01-01"})
        new_test_user(cls.env, "web_user", password="web_user_pw1",
                      groups="tracking_connector.group_tracking_user,base.group_allow_export")
        new_test_user(cls.env, "web_internal", password="web_internal_pw1",
                      groups="base.group_user,base.group_allow_export")

    def call_kw(self, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw/trackonline.backend/%s" % method,
            {"model": "trackonline.backend", "method": method, "args": args,
             "kwargs": kwargs or {}})

    def test_json_rpc_as_a_user_gives_no_credential(self):
        self.authenticate("web_user", "web_user_pw1")
        ids = [self.backend.id]
        refused = {
            "read": ([ids, ["api_key"]], {}),
            "web_read": ([ids], {"specification": {"name": {}, "api_key": {}}}),
            "web_search_read": ([], {"domain": [], "specification": {"api_key": {}}}),
            "search_read": ([[("id", "in", ids)], ["api_key"]], {}),
            "read_group": ([[], ["__count"], ["api_key"]], {}),
            "search": ([[("api_key", "=", API_KEY)]], {}),
            "export_data": ([ids, ["api_key"]], {}),
        }
        for method, (args, kwargs) in refused.items():
            with self.subTest(method), self.assertRaises(JsonRpcException) as error:
                self.call_kw(method, args, kwargs)
            self.assertIn("AccessError", str(error.exception))
        allowed = [
            self.call_kw("web_read", [ids], {"specification": {"name": {}}}),
            self.call_kw("web_search_read", [], {"domain": [], "specification": {
                "name": {}, "base_url": {}}}),
            self.call_kw("fields_get", [], {}),
            self.call_kw("get_views", [], {"views": [[False, "form"], [False, "list"]]}),
            self.call_kw("read", [ids], {}),
        ]
        self.assertEqual(allowed[0][0]["name"], "TrackOnline web")
        self.assertNotIn("api_key", allowed[2])
        text = json.dumps(allowed)
        self.assertNotIn(API_KEY, text)
        self.assertNotIn('"api_key"', text.replace('\\"', '"'))

    def test_json_rpc_as_a_plain_internal_user_reads_no_backend(self):
        self.authenticate("web_internal", "web_internal_pw1")
        for method, args, kwargs in (("read", [[self.backend.id], ["name"]], {}),
                                     ("web_search_read", [], {"domain": [],
                                                              "specification": {"name": {}}})):
            with self.subTest(method), self.assertRaises(JsonRpcException) as error:
                self.call_kw(method, args, kwargs)
            self.assertIn("AccessError", str(error.exception))

    def export(self, field_names):
        data = {"model": "trackonline.backend", "ids": [self.backend.id], "domain": [],
                "import_compat": False,
                "fields": [{"name": name, "label": name} for name in field_names]}
        return self.url_open("/web/export/csv?data=%s" % quote(json.dumps(data)))

    def test_export_route_gives_no_credential(self):
        self.authenticate("web_user", "web_user_pw1")
        response = self.export(["name", "base_url"])
        self.assertEqual(response.status_code, 200)
        self.assertIn("TrackOnline web", response.text)
        with self.assertLogs("odoo.addons.web.controllers.export", level=logging.ERROR):
            response = self.export(["name", "api_key"])
        self.assertEqual(response.status_code, 500)
        self.assertIn("AccessError", response.text)
        self.assertNotIn(API_KEY, response.text)

    def test_remote_html_and_svg_are_served_as_plain_text(self):
        """Before: a remote's HTML or SVG was kept under its type and served inline, a page
        of its own in the browser; now as text (its source), never run."""
        partner = self.env["res.partner"].create({"name": "Files"})
        attachments = attach_files(partner, [
            ("note.html", b"<html><a href='https://evil.example'>x</a></html>", "text/html"),
            ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml")])
        self.authenticate("admin", "admin")
        for attachment in attachments:
            response = self.url_open("/web/content/%d" % attachment.id)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.headers["Content-Type"].split(";")[0], "text/plain",
                             attachment.name)
            self.assertEqual(response.headers.get("X-Content-Type-Options"), "nosniff")
            self.assertIn(attachment.name, response.headers.get("Content-Disposition", ""))


# Not Odoo's side: urllib3 logs the calls of a test acting as Sage, the test harness names
# each request's path; SQL debug logging prints every value.
NOT_ODOOS_LOGGERS = {"urllib3.connectionpool", "odoo.tests.common", "odoo.sql_db"}


def logged_by_odoo(captured):
    """The lines ``assertLogs`` captured, but those of ``NOT_ODOOS_LOGGERS``."""
    return "\n".join(line for record, line in zip(captured.records, captured.output, strict=True)
                     if record.name not in NOT_ODOOS_LOGGERS)


@tagged("post_install", "-at_install")
class TestSecurityEndpoints(Sage50EndpointCase):
    """Sage 50's inbound endpoints: the token in their path never reaches a log, a body of
    unknown length is refused."""

    def setUp(self):
        super().setUp()
        self.addCleanup(self.drop_keys)

    def drop_keys(self):
        with self.env.registry.cursor() as cr:
            cr.execute("DELETE FROM tracking_token WHERE backend_id = %s",
                       (self.sage.tracking_backend_id.id,))

    def test_endpoint_token_and_key_reach_no_log(self):
        token = self.sage.endpoint_token
        wrong = token[:-4] + "zzzz"
        with self.assertLogs(level=logging.DEBUG) as captured:
            response = self.url_open(self.sage.approval_url.replace(token, wrong),
                                     data=json.dumps({"apikey": "stolen-key-000"}),
                                     headers={"Content-Type": "application/json"})
            self.assertEqual(response.status_code, 403)
            self.wait_for_consent()
            key = self.sandbox.sage50.issue_key(self.app_id)
            response = self.url_open(self.sage.approval_url, data=json.dumps({"apikey": key}),
                                     headers={"Content-Type": "application/json"})
            self.assertEqual(response.status_code, 200)
            self.assertEqual(self.sandbox.sage50.publish_scope("Products", b"{}", self.app_id),
                             [200])
        text = logged_by_odoo(captured)
        self.assertIn("/tracking_connector/sage50/%d/***/approval" % self.sage.id, text,
                      "the access log names the route with the token masked")
        for secret in (token, wrong, key):
            self.assertNotIn(secret, text)
        self.assertEqual(self.sage._current_key()[0], key)

    def test_key_in_the_query_string_reaches_no_log(self):
        """Before: refused, but werkzeug's access log wrote the request line, query string
        and key in clear (the filter masked the token only)."""
        self.wait_for_consent()
        key = "query-string-key-4711"
        with self.assertLogs(level=logging.DEBUG) as captured:
            response = self.url_open("%s?apikey=%s&x=1" % (self.sage.approval_url, key),
                                     data="{}", headers={"Content-Type": "application/json"})
            self.assertEqual(response.status_code, 400, "a key is read in the body only")
        text = logged_by_odoo(captured)
        self.assertIn("/tracking_connector/sage50/%d/***/approval?***" % self.sage.id, text,
                      "the access log names the route with token and query string masked")
        self.assertNotIn(key, text)
        self.assertNotIn(self.sage.endpoint_token, text)
        self.assertFalse(self.sage._current_key()[0])

    def test_body_without_length_is_refused(self):
        def chunks():
            yield b'{"apikey": '
            yield b'"chunked-key"}'

        response = self.url_open(self.sage.approval_url, data=chunks(),
                                 headers={"Content-Type": "application/json"})
        self.assertEqual(response.status_code, 413)
        self.assertFalse(self.sage._current_key()[0])

    def test_body_that_is_not_an_object_is_refused(self):
        for body in ("[1, 2]", "not json", '"apikey"'):
            response = self.url_open(self.sage.approval_url, data=body,
                                     headers={"Content-Type": "application/json"})
            self.assertEqual(response.status_code, 400, body)
        self.assertFalse(self.sage._current_key()[0])
