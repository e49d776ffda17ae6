import re

import polib

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader

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
