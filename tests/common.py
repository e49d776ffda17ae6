"""What the Odoo tests share: the committing and sandbox test cases, the users an access check is
tried with and the web client's JSON-RPC call."""

import json
import threading
import unittest
from contextlib import contextmanager

from odoo import sql_db
from odoo.exceptions import AccessError
from odoo.sql_db import TestCursor
from odoo.tests import TransactionCase, new_test_user
from odoo.tools.safe_eval import safe_eval

from ..sandbox.backends import backend_values
from ..sandbox.server import Sandbox


def load_spanish(env):
    """Spanish active and the addon's Spanish terms loaded: for tests read by a user working
    in Spanish."""
    env["res.lang"]._activate_lang("es_ES")
    env["ir.module.module"]._load_module_terms(["tracking_connector"], ["es_ES"], overwrite=True)


# The password of the users of ``group_users`` (HTTP tests log in with it).
TEST_USER_PASSWORD = "door-Pass-0430!"


def group_users(env, company_b):
    """The people every access check is tried with, by role: ``portal``, ``internal`` (an employee
    without Tracking access), ``user`` and ``manager`` (Tracking, of the current company),
    ``user_b`` and ``manager_b`` (Tracking, of ``company_b`` only)."""
    user = "tracking_connector.group_tracking_user"
    manager = "tracking_connector.group_tracking_manager"
    only_b = {"company_id": company_b.id, "company_ids": [(6, 0, company_b.ids)]}
    roles = {"portal": ("base.group_portal", {}), "internal": ("base.group_user", {}),
             "user": (user, {}), "manager": (manager, {}), "user_b": (user, only_b),
             "manager_b": (manager, only_b)}
    return {role: new_test_user(env, "door_%s" % role, password=TEST_USER_PASSWORD,
                                groups=groups, **values)
            for role, (groups, values) in roles.items()}


def call_kw(case, model, method, args, kwargs=None):
    """``model.method(*args, **kwargs)`` over the web client's JSON-RPC route, as the user
    the ``HttpCase`` ``case`` is logged in as: ``(result, None)``, or ``(None, error)`` with
    the error's ``name`` (the exception's class) and ``message`` (what the user reads)."""
    body = {"jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"model": model, "method": method, "args": args,
                       "kwargs": kwargs or {}}}
    response = case.url_open("/web/dataset/call_kw/%s/%s" % (model, method),
                             data=json.dumps(body),
                             headers={"Content-Type": "application/json"})
    response.raise_for_status()
    answer = response.json()
    if "error" in answer:
        return None, answer["error"]["data"]
    return answer.get("result"), None


# The demo's backends (demo/*.xml), by system.
DEMO_BACKENDS = {
    "trackline": ("tracking_connector.demo_trackline_backend", "Trackline (sandbox)"),
    "trackonline": ("tracking_connector.demo_trackonline_backend", "TrackOnline (sandbox)"),
    "opuscapita": ("tracking_connector.demo_opuscapita_backend", "Business Network (sandbox)"),
    "sage50": ("tracking_connector.demo_sage50_backend", "Sage 50 (sandbox)"),
}


def small_sandbox(case):
    """The small sandbox the browser tests use (4 processes, 30 transactions), started for
    ``case``, a test or a test class, and stopped with it."""
    sandbox = Sandbox(seed=7, size=4, transactions=30)
    sandbox.start()
    (case.addClassCleanup if isinstance(case, type) else case.addCleanup)(sandbox.stop)
    return sandbox


def demo_backends(env, sandbox_url):
    """The demo's four backends pointed at the sandbox at ``sandbox_url``, by system, as
    scripts/demo.sh points them; a database installed without demo data gets backends of
    the demo's names and the sandbox's credentials. The TrackOnline backend's window reaches
    the sandbox's transactions (from 1 Jan 2026, 400 days a window)."""
    backends = {}
    for system, (xmlid, name) in DEMO_BACKENDS.items():
        backend = env.ref(xmlid, raise_if_not_found=False)
        values = backend_values(system, sandbox_url)
        if backend:
            backend.write({"base_url": values["base_url"]})
        else:
            backend = env["%s.backend" % system].create(dict(values, name=name))
        backends[system] = backend
    backends["trackonline"].write(
        {"start_date": "2026-01-01", "window_days": 400, "timeout": 10})
    return backends


def web_context(active, action_context):
    """The context the web client gives an action it runs from a record or a button
    (web's action_service: the record as ``active_model``/``active_id``/``active_ids``,
    then the action's own context, a text evaluated with them)."""
    own = action_context or {}
    if isinstance(own, str):
        own = safe_eval(own, dict(active))
    return dict(active, **own)


class CommitCase(TransactionCase):
    """Tests of code that commits, as every sync does (each step, a run's log, a token or a
    call counted on a cursor of its own): the code commits and rolls back for real, on the
    cursor the test class gives it.

    That cursor is Odoo's own ``TestCursor`` (odoo/sql_db.py) over the test's transaction:
    its commit releases a savepoint and its rollback goes back to the last commit, so the
    code's commit, rollback and clash-retry paths run as in production, and the test's
    transaction is still rolled back at its end. Every environment of the class uses it,
    from ``setUpClass`` on. The registry is in test mode, so that a cursor of its own
    (``registry.cursor()``) is a ``TestCursor`` on the same transaction too; a test that
    needs another real connection (a worker running meanwhile) opens it with
    ``other_connection``. A class with ``real_own_cursors`` keeps them real connections,
    committed for real: for what must outlive a rollback of the test's cursor."""

    real_own_cursors = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.real_own_cursors and not cls.registry.in_test_mode():  # HttpCase: it is
            cls.registry.enter_test_mode(cls.cr)
            cls.addClassCleanup(cls.registry.leave_test_mode)
        # Its own lock: the cursors a request or a thread opens meanwhile do not wait for
        # this one, which lasts the whole class.
        committing = cls.committing = TestCursor(cls.cr, threading.RLock(), False)
        committing.transaction = cls.cr.transaction  # one cache, as on one real cursor
        # The transaction's clock, as a real cursor's ``now()`` (the database's ``now()``
        # in SQL is the test transaction's start too).
        committing._now = cls.cr.now()
        envs = cls.cr.transaction.envs
        for env in envs:
            env.cr = committing

        def restore():
            for env in list(envs):
                if env.cr is committing:
                    env.cr = cls.cr
            committing.close()

        cls.addClassCleanup(restore)

    def setUp(self):
        # What the class made is committed (into the test's transaction) before the test's
        # savepoint, so that a test's commit never releases that savepoint.
        self.committing.commit()
        super().setUp()
        self.addCleanup(self.committing.rollback)  # the test's own, before its savepoint's

    @contextmanager
    def _assertRaises(self, exception, *, msg=None):
        """Without Odoo's savepoint around the block: the code in it commits (every run
        does), and, as on a real cursor, no savepoint outlives a commit. For an
        ``AccessError``, as Odoo's does, the cache is written and emptied first: values
        cached by another user's work would let a read skip its access check."""
        if issubclass(exception, AccessError):
            self.env.flush_all()
            self.env.cr.clear()
        with unittest.TestCase.assertRaises(self, exception, msg=msg) as context:
            yield context


def answer_rows(data):
    """The records of an API answer: the answer itself when a list, else its first list."""
    if isinstance(data, dict):
        return next((value for value in data.values() if isinstance(value, list)), [])
    return data if isinstance(data, list) else []


def on_second_row(change):
    """A sandbox ``rewrite`` that applies ``change`` to the answer's second record."""
    def rewrite(data):
        rows = answer_rows(data)
        if len(rows) > 1:
            change(rows[1])
        return data
    return rewrite


def other_connection(env):
    """A cursor on a connection of its own (committed for real): another worker's."""
    return sql_db.db_connect(env.cr.dbname).cursor()


class SandboxCase(CommitCase):
    """Odoo tests that talk to a real sandbox over HTTP on 127.0.0.1, one per class."""

    sandbox_size = 12
    sandbox_transactions = 40

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = Sandbox(seed=7, size=cls.sandbox_size,
                              transactions=cls.sandbox_transactions)
        cls.sandbox.start()
        cls.addClassCleanup(cls.sandbox.stop)
        cls.backend = cls.env["trackline.backend"].create(backend_values(
            "trackline", cls.sandbox.url, name="Trackline test", timeout=10))

    def setUp(self):
        super().setUp()
        self.sandbox.clear_faults()
        self.sandbox.reset_calls()

    def last_log(self, backend=None):
        backend = backend or self.backend
        return self.env["tracking.sync.log"].search(
            [("backend_id", "=", backend.tracking_backend_id.id)],
            order="id desc", limit=1)

    def import_process(self, reference, lookup="id", **context):
        """Import with the wizard; given an ``active_model``, from that record's Action menu
        as the web client opens it (the menu's entry must be there)."""
        if context.get("active_model"):
            entry = self.env["ir.actions.act_window"].search([
                ("res_model", "=", "trackline.import.wizard"),
                ("binding_model_id.model", "=", context["active_model"])])
            self.assertEqual(len(entry), 1, "the record's Action menu offers the import")
            context = web_context(context, entry.context)
        wizard = self.env["trackline.import.wizard"].with_context(**context).create({
            "backend_id": self.backend.id, "lookup": lookup, "process_ref": reference})
        action = wizard.action_import()
        return self.env["trackline.process"].browse(action["res_id"])

    def empty_document_id(self):
        """The id of a document the Trackline sandbox serves empty."""
        return next(doc_id for doc_id, content in self.sandbox.trackline.files.items()
                    if not content)

    def import_process_holding(self, doc_id):
        """Import the process that holds the document ``doc_id``: the process, the document."""
        process_id = next(p for p, remote in self.sandbox.trackline.processes.items()
                          if doc_id in {d["doc_id"] for d in remote["documents"]})
        process = self.import_process(process_id)
        return process, process.document_ids.filtered(lambda d: d.remote_id == doc_id)


class TrackOnlineCase(SandboxCase):
    """Tests of one TrackOnline backend, ``self.to`` (the only active one: the demo data's
    backend points at a sandbox that is not running here), its sandbox reset before each
    test."""

    sandbox_transactions = 130
    trackonline_name = "TrackOnline test"
    window_days = 60

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.to = cls.env["trackonline.backend"].create(backend_values(
            "trackonline", cls.sandbox.url, name=cls.trackonline_name,
            licence_tier="enterprise", start_date="2026-01-01", window_days=cls.window_days,
            timeout=10))
        cls.env["trackonline.backend"].search([("id", "!=", cls.to.id)]).active = False

    def setUp(self):
        super().setUp()
        self.sandbox.trackonline.reset(transactions=self.sandbox_transactions)

    def transactions(self):
        return self.env["trackonline.transaction"].search([("backend_id", "=", self.to.id)])

    def cursor(self):
        """The transactions cursor, read."""
        value = self.to._get_cursor("transactions")
        return json.loads(value) if value else None
