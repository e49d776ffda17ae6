from odoo.tests import TransactionCase

from ..sandbox.backends import backend_values
from ..sandbox.server import Sandbox


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
        wizard = self.env["trackline.import.wizard"].with_context(**context).create({
            "backend_id": self.backend.id, "lookup": lookup, "process_ref": reference})
        action = wizard.action_import()
        return self.env["trackline.process"].browse(action["res_id"])
