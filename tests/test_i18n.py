"""Translations: the Spanish and Dutch files load and the template is current; runs, errors
and items to retry read in the reader's language, not the language of who started them."""

import re

import polib

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader

from ..mappings import opuscapita, sage50, trackline, trackonline
from ..mappings.fields import Entity
from ..models import tracking_messages
from ..models.opuscapita_backend import EVENTS
from ..models.sage50_download import CUSTOMERS
from ..models.trackline_backend import PROCESSES
from ..models.trackonline_resources import RESOURCES
from ..sandbox.backends import backend_values
from .common import SandboxCase, load_spanish, on_second_row
from .test_items_to_retry import ItemsToRetryCase

MODULE = "tracking_connector"
POT = f"{MODULE}/i18n/{MODULE}.pot"
LANGS = {"es": "es_ES", "nl": "nl_NL"}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_0-9]*\}")


@tagged("post_install", "-at_install")
class TestI18n(TransactionCase):
    """The Spanish and Dutch translations load cleanly and the template is up to date."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in LANGS.values():
            cls.env["res.lang"]._activate_lang(code)

    def _load_terms(self):
        # A malformed entry, an unknown occurrence or a missing record is logged by the
        # loader as a warning or an error: none may appear.
        with self.assertNoLogs("odoo", level="WARNING"):
            self.env["ir.module.module"]._load_module_terms(
                [MODULE], list(LANGS.values()), overwrite=True)

    def test_terms_load_and_translate(self):
        self._load_terms()
        es = self.env(context={"lang": "es_ES"})
        nl = self.env(context={"lang": "nl_NL"})
        # a menu
        self.assertEqual(es.ref(f"{MODULE}.menu_trackline_import").name,
                         "Importar desde Trackline")
        self.assertEqual(nl.ref(f"{MODULE}.menu_trackline_import").name,
                         "Importeren uit Trackline")
        # a field label and a selection value
        log_fields = es["tracking.sync.log"].fields_get(["duration", "state"])
        self.assertEqual(log_fields["duration"]["string"], "Duración (s)")
        self.assertIn(("busy", "Omitida: la misma sincronización estaba en curso"),
                      log_fields["state"]["selection"])
        nl_state = dict(nl["tracking.sync.log"].fields_get(["state"])["state"]["selection"])
        self.assertEqual(nl_state["busy"], "Overgeslagen: dezelfde synchronisatie liep al")
        # a view string, markup kept
        arch = es.ref(f"{MODULE}.view_opuscapita_backend_form").arch
        self.assertIn('string="Probar conexión"', arch)
        self.assertNotIn('string="Test connection"', arch)
        arch = nl.ref(f"{MODULE}.view_trackline_import_wizard_form").arch
        self.assertIn('bijlagen bij het proces<span invisible="not res_name"> en bij het', arch)
        # a message raised from Python code
        backend = self.env["trackline.backend"].create({
            "name": "i18n", "base_url": "http://127.0.0.1:9/api", "login": "x", "password": "x"})
        wizard = self.env["trackline.import.wizard"].create(
            {"backend_id": backend.id, "process_ref": "  "})
        with self.assertRaisesRegex(UserError, "^Voer een proces-ID of -naam in.$"):
            wizard.with_context(lang="nl_NL").action_import()
        with self.assertRaisesRegex(UserError, "^Introduzca un ID o nombre de proceso.$"):
            wizard.with_context(lang="es_ES").action_import()

    def test_pot_is_complete(self):
        with open(file_path(POT), encoding="utf-8") as pot:
            committed = {entry.msgid for entry in polib.pofile(pot.read())}
        exported = {source for module, _type, _name, _res_id, source, _value, _comments
                    in TranslationModuleReader(self.env.cr, modules=[MODULE])
                    if module == MODULE}
        self.assertGreater(len(exported), 100)
        missing = sorted(exported - committed)
        self.assertFalse(
            missing,
            f"{len(missing)} translatable strings are missing from i18n/{MODULE}.pot: run "
            f"scripts/i18n.sh (then translate them in i18n/*.po). First ones: {missing[:10]}")

    def test_translations_keep_placeholders(self):
        for lang in LANGS:
            with open(file_path(f"{MODULE}/i18n/{lang}.po"), encoding="utf-8") as po:
                entries = polib.pofile(po.read())
            for entry in entries:
                if entry.msgstr:
                    self.assertEqual(
                        sorted(PLACEHOLDER.findall(entry.msgstr)),
                        sorted(PLACEHOLDER.findall(entry.msgid)),
                        f"i18n/{lang}.po: {entry.msgstr!r} does not keep the placeholders of "
                        f"{entry.msgid!r}")


@tagged("post_install", "-at_install")
class TestRunLanguage(SandboxCase):
    """A run's name and summary, its notification and the dashboard's states read in the
    language of whoever reads them, not of whoever started the run."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_spanish(cls.env)

    def spanish_counts(self, log):
        # "creados: 1", not "1 creados": one wording whatever the number
        counts = "creados: %s, actualizados: %s, omitidos: %s, fallidos: %s" % (
            log.created_count, log.updated_count, log.skipped_count, log.failed_count)
        if log.kept_count:
            counts += "; por reintentar: %s" % log.kept_count
        return counts

    def test_a_run_reads_in_the_readers_language(self):
        self.import_process("10001")  # started by a user working in English
        log = self.last_log()
        self.assertEqual(log.operation, "import process 10001")
        self.assertGreater(log.created_count, 0)
        english = "%s created, %s updated, %s skipped, %s failed; items to retry: %s" % (
            log.created_count, log.updated_count, log.skipped_count, log.failed_count,
            log.kept_count)
        self.assertEqual(log.kept_count, 1, "its empty document is added to the items to retry")
        self.assertEqual((log.name, log.summary, log.message),
                         ("import process 10001", english, english))
        spanish = log.with_context(lang="es_ES")
        self.assertEqual(spanish.name, "importar proceso 10001")
        self.assertEqual(spanish.summary, self.spanish_counts(log))
        self.assertIn("importar proceso 10001", spanish.display_name)
        card = self.env["tracking.backend"].with_context(lang="es_ES").search(
            [("id", "=", self.backend.tracking_backend_id.id)])
        self.assertEqual(card.last_sync_operation, "importar proceso 10001")
        self.assertEqual(card.last_sync_message, self.spanish_counts(log))
        states = dict(card.fields_get(["last_sync_state", "connection"])[
            "last_sync_state"]["selection"])
        self.assertEqual(card.last_sync_state, "warning", "its empty document is kept")
        self.assertEqual(states[card.last_sync_state], "Hecho con advertencias")
        connection = dict(card.fields_get(["connection"])["connection"]["selection"])
        self.assertEqual(connection[card.connection], "Conectado")

    def test_a_run_started_in_spanish_reads_in_english(self):
        self.import_process("10002", lang="es_ES")
        log = self.last_log()
        self.assertEqual(log.user_id, self.env.user)
        self.assertEqual(log.operation, "import process 10002", "stored in English")
        self.assertEqual(log.name, "import process 10002")
        self.assertIn(" created, ", log.summary)
        self.assertEqual(log.with_context(lang="es_ES").summary, self.spanish_counts(log))

    def test_runs_logged_before_show_what_was_logged(self):
        log = self.env["tracking.sync.log"].create({
            "backend_id": self.backend.tracking_backend_id.id,
            "operation": "importar proceso 7", "message": "1 creados", "state": "done"})
        for lang in ("en_US", "es_ES"):
            self.assertEqual((log.with_context(lang=lang).name,
                              log.with_context(lang=lang).summary),
                             ("importar proceso 7", "1 creados"))

    def test_a_notification_title_in_the_users_language(self):
        to = self.env["trackonline.backend"].create(backend_values(
            "trackonline", self.sandbox.url, name="TrackOnline words", timeout=10))
        action = to.with_context(lang="es_ES").action_sync_locations()
        self.assertEqual(action["params"]["title"], "TrackOnline: ubicaciones")
        log = self.env["tracking.sync.log"].search(
            [("backend_id", "=", to.tracking_backend_id.id)])
        self.assertEqual(log.operation, "sync locations")
        self.assertEqual(log.with_context(lang="es_ES").name, "sincronizar ubicaciones")
        self.assertIn(self.spanish_counts(log), action["params"]["message"])

    def test_a_failed_run_reads_in_the_readers_language(self):
        with self.assertRaisesRegex(UserError, 'no process with ID "99999999"'):
            self.import_process("99999999")  # started by a user working in English
        log = self.last_log()
        self.assertEqual(log.state, "failed")
        self.assertTrue(log.message.startswith('Trackline has no process with ID "99999999"'))
        spanish = log.with_context(lang="es_ES")
        self.assertTrue(spanish.summary.startswith(
            'Trackline no tiene ningún proceso con ID "99999999"'), spanish.summary)
        self.assertEqual(spanish.errors, spanish.summary)
        with self.assertRaisesRegex(UserError, 'no tiene ningún proceso con nombre "Nada"'):
            self.import_process("Nada", lookup="name", lang="es_ES")
        self.assertTrue(self.last_log().message.startswith(
            'Trackline has no process with name "Nada"'), "stored in English")

    def test_every_entity_and_resource_has_words(self):
        """The entities of the pure mappings and the importers' resources have their words
        to translate (a new one without them would show English to every user)."""
        entities = [value for module in (trackline, trackonline, opuscapita, sage50)
                    for value in vars(module).values() if isinstance(value, Entity)]
        self.assertGreater(len(entities), 15)
        self.assertFalse([e.description for e in entities
                          if e.description not in tracking_messages.ENTITY_LABELS])
        resources = list(RESOURCES.values()) + [PROCESSES, EVENTS, CUSTOMERS]
        self.assertFalse([r.name for r in resources
                          if r.name not in tracking_messages.RESOURCE_LABELS])
        es = self.env(context={"lang": "es_ES"})
        self.assertEqual(es._(tracking_messages.resource_label(RESOURCES["item_definitions"])),
                         "definiciones de artículo")


@tagged("post_install", "-at_install")
class TestErrorLanguage(ItemsToRetryCase):
    """A run's error lines, the reason it failed, a connection test's words and a kept item's
    error read in the reader's language; a remote's own message stays as it was received."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_spanish(cls.env)

    def test_error_lines_and_kept_reasons(self):
        self.sandbox.add_fault("/trackonline/api/v1/transaction", skip=0, rewrite=on_second_row(
            lambda row: row.pop("id")))
        log = self.to._sync("transactions").log
        item = self.items(self.to, "transactions")
        self.assertEqual(len(item), 1)
        english = "transaction without id skipped, added to the items to retry: "
        spanish = "transacción sin id omitido, añadido a los elementos por reintentar: "
        self.assertTrue(log.error_details.startswith(english), log.error_details)
        self.assertTrue(log.errors.startswith(english), log.errors)
        self.assertTrue(log.with_context(lang="es_ES").errors.startswith(spanish),
                        log.with_context(lang="es_ES").errors)
        self.assertTrue(item.error.startswith(english), item.error)
        self.assertTrue(item.with_context(lang="es_ES").reason.startswith(spanish))
        # The row as received stays as it was in both languages.
        row = log.error_details.removeprefix(english)
        self.assertTrue(log.with_context(lang="es_ES").errors.endswith(row))

    def test_a_drift_warning_reads_in_the_readers_language(self):
        def without_document_number(data):
            for row in data if isinstance(data, list) else []:
                row.pop("documentNumber", None)
            return b"" if data is None else data  # None: no rows (204), left empty

        self.sandbox.add_fault("/trackonline/api/v1/transaction",
                               rewrite=without_document_number, times=100)
        log = self.to._sync("transactions").log
        self.assertEqual(log.state, "warning", log.error_details)
        self.assertIn("the answers no longer match what the connector reads (most rows lack "
                      "documentNumber)", log.errors)
        self.assertIn("las respuestas ya no coinciden con lo que lee el conector (a la "
                      "mayoría de las filas les falta documentNumber)",
                      log.with_context(lang="es_ES").errors)

    def test_a_failed_connection_test_reads_in_the_readers_language(self):
        sage = self.env["sage50.backend"].create(backend_values(
            "sage50", self.sandbox.url, name="Sage words", timeout=10))
        action = sage.action_test_connection()
        log = self.last_log(sage)
        english = "No API key yet: finish the onboarding (passcode and consent in Sage 50)."
        spanish = ("Aún no hay clave API: termine la incorporación (código de acceso y "
                   "consentimiento en Sage 50).")
        self.assertEqual((log.state, log.message, log.error_details),
                         ("failed", english, english))
        self.assertIn(english, action["params"]["message"])
        spanish_log = log.with_context(lang="es_ES")
        self.assertEqual((spanish_log.summary, spanish_log.errors), (spanish, spanish))
        self.assertEqual(sage.connection_state, "error")
        self.assertEqual(sage.connection_message, english)
        self.assertEqual(sage.with_context(lang="es_ES").connection_text, spanish)
        # A user working in Spanish reads the notification in Spanish.
        action = sage.with_context(lang="es_ES").action_test_connection()
        self.assertEqual(action["params"]["title"], "La conexión falló")
        self.assertIn(spanish, action["params"]["message"])
        self.assertEqual(self.last_log(sage).message, english, "stored in English")

    def test_a_remote_message_stays_as_received(self):
        self.to.api_key = "not-the-key"
        self.to.with_context(lang="es_ES").action_test_connection()
        log = self.last_log(self.to)
        self.assertEqual(self.to.connection_state, "error")
        self.assertIn("invalid API key", log.with_context(lang="es_ES").summary)
        self.assertIn("invalid API key", self.to.with_context(lang="es_ES").connection_text)
        self.assertNotIn("not-the-key", log.with_context(lang="es_ES").errors)

    def test_group_by_operation_reads_in_the_readers_language(self):
        self.to._sync("locations")
        domain = [("backend_id", "=", self.to.tracking_backend_id.id)]
        groups = self.env["tracking.sync.log"].with_context(lang="es_ES").read_group(
            domain, ["operation"], ["operation"])
        self.assertEqual([g["operation"] for g in groups], ["sincronizar ubicaciones"])
        logs = self.env["tracking.sync.log"].search(groups[0]["__domain"])
        self.assertEqual(logs.mapped("operation"), ["sync locations"], "the group still opens")
        groups = self.env["tracking.sync.log"].read_group(domain, ["operation"], ["operation"])
        self.assertEqual([g["operation"] for g in groups], ["sync locations"])
