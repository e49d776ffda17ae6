import json

from odoo.tests import TransactionCase
from odoo.tools.safe_eval import safe_eval

from ..sandbox.backends import backend_values
from ..sandbox.server import Sandbox


def load_spanish(env):
    """Spanish active and the addon's Spanish terms loaded: for tests read by a user working
    in Spanish."""
    env["res.lang"]._activate_lang("es_ES")
    env["ir.module.module"]._load_module_terms(["tracking_connector"], ["es_ES"], overwrite=True)


def web_context(active, action_context):
    """The context the web client gives an action it runs from a record or a button
    (web's action_service: the record as ``active_model``/``active_id``/``active_ids``,
    then the action's own context, a text evaluated with them)."""
    own = action_context or {}
    if isinstance(own, str):
        own = safe_eval(own, dict(active))
    return dict(active, **own)


class SandboxCase(TransactionCase):
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
            [("backend_model", "=", backend._name), ("backend_id", "=", backend.id)],
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
