"""Every access check made on the server (issue 30): the buttons and public methods of the addon's
models and wizards refuse whoever may not press them, over JSON-RPC as a browser or a script
calls them, whatever a view shows; items to retry cannot be forged; a caller's context does
not pass for the sync."""

import inspect
import json

from lxml import etree

from odoo import models
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, tagged

from ..models.tracking_access import MANAGER_GROUP, USER_GROUP, check_group
from .common import TEST_USER_PASSWORD, call_kw, group_users

ADDON = "tracking_connector"
NOWHERE = "http://127.0.0.1:9"  # nothing listens: no call of these tests reaches a remote
KEPT_EVENT = {"id": "ev-1", "transactionId": "T-1", "documentType": "ORDERS",
              "documentNumber": "PO-1", "status": "Received",
              "eventTime": "2026-03-01T10:00:00Z"}


def refusal(records, user, group, operation="read"):
    """What the access check of ``group`` says to ``user`` about ``records`` (None: it opens)."""
    try:
        check_group(records.with_user(user), group, operation)
    except AccessError as error:
        return str(error)
    return None


@tagged("post_install", "-at_install")
class TestAccessOverJsonRpc(HttpCase):
    """The access checks of the review's probes, called over the web client's JSON-RPC route by a
    portal user, an employee without Tracking access, a Tracking user, and Tracking users and
    managers of another company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Access B"})
        cls.users = group_users(cls.env, cls.company_b)
        cls.sage = cls.env["sage50.backend"].create({
            "name": "Sage access", "base_url": NOWHERE + "/sage50", "timeout": 1})
        cls.oc = cls.env["opuscapita.backend"].create({
            "name": "OpusCapita access", "environment": "custom",
            "base_url": NOWHERE + "/opuscapita", "timeout": 1})
        item = {"backend_id": cls.oc.tracking_backend_id.id,
                "backend_name": cls.oc.name, "company_id": cls.oc.company_id.id,
                "kind": "row", "resource": "events"}
        cls.ignored = cls.env["tracking.failed.unit"].create(dict(
            item, remote_key="ev-0", payload="{}", state="ignored", ignore_reason="A test"))
        cls.kept = cls.env["tracking.failed.unit"].create(dict(
            item, remote_key="ev-1", payload=json.dumps(KEPT_EVENT), state="failed",
            attempts=8, error="The event could not be saved."))
        to = cls.env["trackonline.backend"].create({
            "name": "TrackOnline access", "base_url": NOWHERE + "/trackonline/api/v1",
            "api_key": "access-key", "start_date": "2026-01-01", "timeout": 1})
        cls.location = cls.env["trackonline.location"].create({
            "backend_id": to.id, "remote_id": "loc-1", "number": "L1", "name": "Depot",
            "city": "Odoo city", "send_state": "draft", "remote_version": "{}",
            "has_conflict": True, "conflict_values": json.dumps({"city": "Remote city"})})
        cls.event = cls.env["opuscapita.event"].create({
            "backend_id": cls.oc.id, "remote_id": "ev-2", "document_number": "PO-2",
            "status": "Received"})

    def call_as(self, role, model, method, args, kwargs=None):
        self.authenticate(self.users[role].login, TEST_USER_PASSWORD)
        return call_kw(self, model, method, args, kwargs)

    def assert_refused(self, role, error, records, group, operation):
        """The call ended in the access check's refusal, in plain words, for the role's reason."""
        self.assertTrue(error, "%s was let in" % role)
        self.assertEqual(error["name"], "odoo.exceptions.AccessError", error)
        expected = refusal(records, self.users[role], group, operation)
        self.assertTrue(expected)
        self.assertEqual(error["message"], expected)

    def runs_of(self, backend):
        return self.env["tracking.sync.log"].search_count(
            [("backend_id", "=", backend.tracking_backend_id.id)])

    def test_endpoint_token_is_renewed_by_a_manager_of_its_company_only(self):
        """Before: any logged-in user (a portal user too) renewed it (a ``sudo()`` write),
        and Sage's next notification was refused."""
        token = self.sage.endpoint_token
        for role in ("portal", "internal", "user", "user_b", "manager_b"):
            with self.subTest(role):
                _result, error = self.call_as(role, "sage50.backend",
                                              "action_new_endpoint_token", [[self.sage.id]])
                self.assert_refused(role, error, self.sage, MANAGER_GROUP, "write")
                self.sage.invalidate_recordset(["endpoint_token"])
                self.assertEqual(self.sage.endpoint_token, token)
        _result, error = self.call_as("manager", "sage50.backend", "action_new_endpoint_token",
                                      [[self.sage.id]])
        self.assertIsNone(error)
        self.sage.invalidate_recordset(["endpoint_token"])
        self.assertNotEqual(self.sage.endpoint_token, token, "a manager renews it")

    def test_rotate_key_is_a_manager_door(self):
        """Before: a Tracking user (and a portal user) started a key rotation."""
        runs = self.runs_of(self.sage)
        for role in ("portal", "internal", "user", "user_b", "manager_b"):
            with self.subTest(role):
                _result, error = self.call_as(role, "sage50.backend", "action_rotate_key",
                                              [[self.sage.id]])
                self.assert_refused(role, error, self.sage, MANAGER_GROUP, "write")
                self.assertEqual(self.runs_of(self.sage), runs, "no rotation started")
        # The dashboard's card makes the same access check.
        card = self.sage.tracking_backend_id
        self.assertEqual(len(card), 1)
        _result, error = self.call_as("user", "tracking.backend", "action_rotate_key",
                                      [card.ids])
        self.assert_refused("user", error, self.sage, MANAGER_GROUP, "write")
        self.assertEqual(self.runs_of(self.sage), runs)

    def test_reopen_is_a_user_door_of_the_items_company(self):
        """Before: anyone (portal, internal, another company) reopened an ignored item (a
        ``sudo()`` write)."""
        for role in ("portal", "internal", "user_b", "manager_b"):
            with self.subTest(role):
                _result, error = self.call_as(role, "tracking.failed.unit", "action_reopen",
                                              [self.ignored.ids])
                self.assert_refused(role, error, self.ignored, USER_GROUP, "write")
                self.ignored.invalidate_recordset()
                self.assertEqual(self.ignored.state, "ignored")
                self.assertEqual(self.ignored.ignore_reason, "A test")
        _result, error = self.call_as("user", "tracking.failed.unit", "action_reopen",
                                      [self.ignored.ids])
        self.assertIsNone(error)
        self.ignored.invalidate_recordset()
        self.assertEqual(self.ignored.state, "retry", "a Tracking user of its company may")

    def test_items_to_retry_cannot_be_forged(self):
        """Before: a Tracking user wrote an item's payload (read-only in the views only), then
        "Retry now" imported it as an OpusCapita event."""
        forged = dict(KEPT_EVENT, status="Forged-by-user")
        kept = {name: self.kept[name] for name in ("payload", "kind", "resource", "remote_key",
                                                   "state", "attempts", "error")}
        for role in ("user", "manager"):
            for values in ({"payload": json.dumps(forged)}, {"kind": "send"},
                           {"resource": "locations"}, {"remote_key": "ev-9"},
                           {"state": "done"}, {"attempts": 0}, {"error": "Nothing"},
                           {"payload": json.dumps(forged), "ignore_reason": "Why not"}):
                with self.subTest(role, values=list(values)):
                    _result, error = self.call_as(role, "tracking.failed.unit", "write",
                                                  [self.kept.ids, values])
                    self.assertTrue(error, "%s wrote %s" % (role, list(values)))
                    self.assertEqual(error["name"], "odoo.exceptions.AccessError")
                    self.assertIn("only the reason to ignore can be changed", error["message"])
        self.kept.invalidate_recordset()
        self.assertEqual({name: self.kept[name] for name in kept}, kept)
        # What a user writes: the reason to ignore (then the "Ignore" button).
        _result, error = self.call_as("user", "tracking.failed.unit", "write",
                                      [self.kept.ids, {"ignore_reason": "Checked by hand"}])
        self.assertIsNone(error)
        self.kept.invalidate_recordset()
        self.assertEqual(self.kept.ignore_reason, "Checked by hand")
        # "Retry now" saves the event as it was kept.
        _result, error = self.call_as("user", "tracking.failed.unit", "action_retry_now",
                                      [self.kept.ids])
        self.assertIsNone(error)
        event = self.env["opuscapita.event"].search([("backend_id", "=", self.oc.id),
                                                     ("remote_id", "=", "ev-1")])
        self.assertEqual(event.status, "Received")
        self.assertFalse(self.env["opuscapita.event"].search_count(
            [("status", "=", "Forged-by-user")]))

    def test_a_callers_context_is_no_sync(self):
        """Before: a Tracking user's write of a mirrored event with the sync's context key
        (``tracking_sync_write``) passed the ownership rule."""
        for flag in (True, 1, "SyncWriter"):
            with self.subTest(flag=flag):
                _result, error = self.call_as(
                    "user", "opuscapita.event", "write",
                    [self.event.ids, {"status": "Forged-by-user"}],
                    {"context": {"tracking_sync_write": flag}})
                self.assertTrue(error, "the write passed for the sync's")
                self.assertEqual(error["name"], "odoo.exceptions.UserError")
                self.assertIn("belong to OpusCapita", error["message"])
        self.event.invalidate_recordset()
        self.assertEqual(self.event.status, "Received")

    def test_a_callers_context_settles_no_conflict(self):
        """Before: a caller's context ``{"tracking_keep_mine": true}`` sent a record in conflict
        with TrackOnline without choosing a version."""
        sends = self.runs_of(self.location.backend_id)
        _result, error = self.call_as("user", "trackonline.location", "action_send",
                                      [self.location.ids],
                                      {"context": {"tracking_keep_mine": True}})
        self.assertTrue(error, "sent in conflict")
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertIn("Keep mine and send", error["message"])
        self.location.invalidate_recordset()
        self.assertTrue(self.location.has_conflict)
        self.assertEqual(self.location.send_state, "draft")
        self.assertEqual(self.runs_of(self.location.backend_id), sends, "nothing sent")


def public_methods(model):
    """Names of the public methods of ``model`` (a record set) a JSON-RPC call reaches,
    defined by this addon: every ``action_*`` and every other public method of its classes
    (the ORM's own methods, such as ``write``, are Odoo's access rights' business), and every
    method a view of the addon names on a button."""
    names = set()
    for cls in type(model).mro():
        if not cls.__module__.startswith("odoo.addons.%s." % ADDON):
            continue
        for name, value in vars(cls).items():
            if name.startswith("_") or not callable(value) or hasattr(models.BaseModel, name):
                continue
            names.add(name)
    views = model.env["ir.ui.view"].search([("model", "=", model._name)])
    for view in views:
        if not view.xml_id.startswith(ADDON + "."):
            continue
        arch = etree.fromstring(view.arch_db)
        names.update(arch.xpath("//button[@type='object']/@name|//a[@type='object']/@name"))
    return {name for name in names
            if not any(getattr(getattr(cls, name, None), "_api_private", False)
                       for cls in type(model).mro())}


@tagged("post_install", "-at_install")
class TestEveryPublicMethod(TransactionCase):
    """Every public method of every model and wizard of the addon refuses a user without
    Tracking access, with the access check's message: a method added later without its access
    check fails here."""

    def test_every_public_method_refuses_a_user_without_tracking_access(self):
        company_b = self.env["res.company"].create({"name": "Access B"})
        users = group_users(self.env, company_b)
        walked = set()
        for name in sorted(self.env.registry):
            model = self.env[name]
            if model._abstract or model._original_module != ADDON:
                continue
            record = model.sudo().with_context(active_test=False).search([], limit=1)
            for method in sorted(public_methods(model)):
                function = getattr(type(model), method)
                parameters = list(inspect.signature(function).parameters.values())[1:]
                args = [False for parameter in parameters
                        if parameter.default is inspect.Parameter.empty
                        and parameter.kind is parameter.POSITIONAL_OR_KEYWORD]
                walked.add("%s.%s" % (name, method))
                for role in ("internal", "portal"):
                    user = users[role]
                    refusals = {refusal(model, user, USER_GROUP),
                                refusal(model, user, MANAGER_GROUP)}
                    with self.subTest(model=name, method=method, user=role):
                        with self.assertRaises(AccessError) as caught:
                            getattr(record.with_user(user), method)(*args)
                        self.assertIn(str(caught.exception), refusals,
                                      "refused by the access check, not by chance")
        for method_name in ("sage50.backend.action_new_endpoint_token",
                     "sage50.backend.action_rotate_key", "tracking.failed.unit.action_reopen",
                     "tracking.failed.unit.action_retry_now", "trackonline.location.action_send",
                     "tracking.backend.action_open_error_source",
                     "sage50.onboarding.wizard.action_passcode",
                     "trackline.import.wizard.action_import",
                     "opuscapita.fetch.wizard.action_fetch",
                     "trackline.backend.action_test_connection",
                     "trackonline.backend.action_check_api",
                     "trackline.backend.action_check_api",
                     "opuscapita.backend.action_check_api",
                     "sage50.backend.action_check_api"):
            self.assertIn(method_name, walked)
        self.assertGreater(len(walked), 90)
