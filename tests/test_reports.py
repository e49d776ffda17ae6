"""The reports on data synced from the sandbox: the two PDFs rendered by wkhtmltopdf, the
analysis views and the saved filters, and which wkhtmltopdf warnings are let through."""

import io
import logging
import re
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools.misc import format_amount, format_date
from odoo.tools.pdf import PdfReader
from odoo.tools.safe_eval import safe_eval

from ..sandbox.backends import backend_values
from .common import SandboxCase


def pdf_text(pdf):
    """The PDF's text, one line per text run, tabs (Debian's wkhtmltopdf spaces) and
    zero-width spaces (after a minus sign) made plain."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return text.replace("\t", " ").replace("\u200b", "")


# Qt's notice when the process has no XDG_RUNTIME_DIR (a server started by systemd, a CI
# runner, odoo-bin run from a bare shell): Qt then uses /tmp/runtime-<user> and the PDF is the
# same. It tells about the server's environment, not about the report.
QT_RUNTIME_DIR_NOTICE = re.compile(
    r"QStandardPaths: XDG_RUNTIME_DIR not set, defaulting to '[^']*'")
WKHTMLTOPDF_PREFIX = "wkhtmltopdf: "


def report_complaint(message):
    """A logged warning less the lines of Qt's runtime-dir notice; None when nothing else is
    left. Odoo logs wkhtmltopdf's whole standard error as one "wkhtmltopdf: ..." warning, so a
    real complaint printed with the notice is kept."""
    if not message.startswith(WKHTMLTOPDF_PREFIX):
        return message
    lines = [line for line in message[len(WKHTMLTOPDF_PREFIX):].splitlines()
             if line.strip() and not QT_RUNTIME_DIR_NOTICE.fullmatch(line.strip())]
    return WKHTMLTOPDF_PREFIX + "\n".join(lines) if lines else None


@contextmanager
def logged_warnings(name="odoo"):
    """The records of the warnings (and worse) logged under ``name`` in the block; they are
    still logged as usual."""
    records = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append
    logger = logging.getLogger(name)
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


def sandbox_time(value):
    return datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S")


@tagged("post_install", "-at_install")
class TestReports(SandboxCase, HttpCase):
    """Reports on data synced from the sandbox: the two PDFs rendered by wkhtmltopdf, the
    analysis views and the saved filters. An HttpCase: wkhtmltopdf loads the report's style
    sheets from this Odoo, which must serve them from the test's own transaction."""

    sandbox_transactions = 130

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.external_report_layout_id = cls.env.ref("web.external_layout_standard")
        for model in ("trackonline.backend", "opuscapita.backend"):
            cls.env[model].search([]).active = False  # demo backends: no sandbox behind them
        cls.to = cls.env["trackonline.backend"].create(backend_values(
            "trackonline", cls.sandbox.url, name="TrackOnline reports",
            licence_tier="enterprise", start_date="2026-01-01", window_days=60, timeout=10))
        cls.oc = cls.env["opuscapita.backend"].create(backend_values(
            "opuscapita", cls.sandbox.url, name="Business Network reports",
            start_date="2026-03-01", window_days=30, timeout=10))
        cls.sandbox.trackonline.reset(transactions=cls.sandbox_transactions)
        cls.sandbox.opuscapita.reset()
        for resource in ("locations", "item_definitions", "transactions", "balances"):
            run = cls.to._sync(resource)
            assert run.log.state == "done", run.log.error_details
        run = cls.oc._sync_events()
        assert run.log.state == "done", run.log.error_details

    def render(self, xmlid, records):
        """The PDF of ``records`` made by wkhtmltopdf (not the HTML of test mode), checking
        that rendering logs no warning (Debian's wkhtmltopdf complains of header pages) but
        Qt's notice of a process environment without XDG_RUNTIME_DIR (see
        ``report_complaint``)."""
        with logged_warnings() as logged:
            pdf, kind = self.env["ir.actions.report"].with_context(
                force_report_rendering=True)._render_qweb_pdf(xmlid, records.ids)
        complaints = [c for c in (report_complaint(r.getMessage()) for r in logged) if c]
        self.assertEqual(complaints, [], "rendering logs no warning")
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"))
        return pdf_text(pdf)

    def remote_balances(self, number):
        """What TrackOnline's balance of location ``number`` is, from the sandbox's own
        transactions: received minus sent, per item definition number."""
        totals = defaultdict(int)
        for tx in self.sandbox.trackonline.resources["transaction"]:
            for side, sign in (("toLocation", 1), ("fromLocation", -1)):
                if tx[side]["number"] == number:
                    for line in tx["transactionItems"]:
                        totals[line["itemDefinition"]["number"]] += sign * line["quantity"]
        return totals

    # -- Balance statement -----------------------------------------------------------------

    def test_balance_statement_pdf(self):
        location = self.env["trackonline.location"].search(
            [("backend_id", "=", self.to.id), ("balance_ids", "!=", False)], limit=1)
        expected = self.remote_balances(location.number)
        self.assertEqual({b.item_definition_id.number: b.balance for b in location.balance_ids},
                         dict(expected), "the balances are the sandbox's")
        location.partner_id = self.env["res.partner"].create({
            "name": "Kwekerij De Vries BV", "street": "Middel Broekweg 12", "zip": "2675 KB",
            "city": "Honselersdijk"})
        text = self.render("tracking_connector.action_report_balance_statement", location)
        self.assertIn("Balance statement", text)
        self.assertIn(self.env.company.name, text, "the company header is printed")
        self.assertIn(location.name, text)
        self.assertIn(location.number, text)
        self.assertIn("Kwekerij De Vries BV", text)
        self.assertIn("Honselersdijk", text)
        flat = " ".join(line.strip() for line in text.splitlines()).replace("\xa0", " ")
        currency = self.env.company.currency_id

        def money(amount):
            return format_amount(self.env, amount, currency).replace("\xa0", " ").replace(
                "\ufeff", "")

        for balance in location.balance_ids:
            item = balance.item_definition_id
            row = "%s %s %s %s %s" % (
                item.number, item.name, "{:,}".format(expected[item.number]),
                money(item.base_price), money(expected[item.number] * item.base_price))
            self.assertIn(row, flat, "one row per item definition with the sandbox's balance, "
                                     "amounts in the company's currency")
        value = sum(expected[b.item_definition_id.number] * b.item_definition_id.base_price
                    for b in location.balance_ids)
        self.assertIn("Total value (all item definitions) %s" % money(value), flat,
                      "only values are added up across item definitions")
        types = set(location.balance_ids.item_definition_id.mapped("type"))
        self.assertEqual(flat.count("Subtotal "), len(types) if len(types) > 1 else 0,
                         "one subtotal per item type")

    def test_balance_statement_from_balances_and_print_menu(self):
        balances = self.env["trackonline.balance"].search([("backend_id", "=", self.to.id)])
        action = balances[:3].action_print_statement()
        self.assertEqual(action["report_name"], "tracking_connector.report_balance_statement")
        self.assertEqual(action["context"]["active_ids"], balances[:3].location_id.ids)
        prints = self.env["trackonline.location"].get_views(
            [(False, "form")], {"toolbar": True})["views"]["form"]["toolbar"]["print"]
        self.assertIn("Balance statement", [p["name"] for p in prints])
        prints = self.env["trackline.process"].get_views(
            [(False, "form")], {"toolbar": True})["views"]["form"]["toolbar"]["print"]
        self.assertIn("Process dossier", [p["name"] for p in prints])

    def test_balance_statement_names_item_definitions_without_price(self):
        """An item definition without a base price (not synced yet: a stub made from a
        balance) prints no 0.00 price and value: a dash, and a note saying to sync them."""
        location = self.env["trackonline.location"].search(
            [("backend_id", "=", self.to.id), ("balance_ids", "!=", False)], limit=1)
        balance = location.balance_ids[0]
        item = balance.item_definition_id
        item.base_price = 0
        flat = " ".join(self.render("tracking_connector.action_report_balance_statement",
                                    location).split()).replace("\xa0", " ")
        self.assertIn("%s %s %s — —" % (item.number, item.name,
                                         "{:,}".format(balance.balance)), flat)
        self.assertIn("No base price in Odoo for %s" % item.display_name, flat)
        self.assertIn("Sync the item definitions", flat)

    def test_balance_statement_of_two_locations_without_balance(self):
        empty = self.env["trackonline.location"].create({
            "backend_id": self.to.id, "number": "EMPTY-1", "name": "Empty depot Göteborg",
            "city": "Göteborg"})
        location = self.env["trackonline.location"].search(
            [("backend_id", "=", self.to.id), ("balance_ids", "!=", False)], limit=1)
        text = self.render("tracking_connector.action_report_balance_statement",
                           location | empty)
        self.assertIn(location.name, text)
        self.assertIn("Empty depot Göteborg", text, "the location's own address is used")
        self.assertIn("No balance", text)
        self.assertEqual(text.count("Balance statement"), 2, "one statement each")

    # -- Process dossier -------------------------------------------------------------------

    def test_process_dossier_pdf(self):
        process = self.import_process("10000")
        remote = self.sandbox.trackline.processes["10000"]
        self.assertEqual(len(process.document_ids), len(remote["documents"]))
        self.assertTrue(all(doc.state == "downloaded" for doc in process.document_ids))
        text = self.render("tracking_connector.action_report_process_dossier", process)
        self.assertIn("Process dossier", text)
        self.assertIn(self.env.company.name, text)
        for value in (remote["name"], remote["process_id"], remote["status"],
                      self.backend.name):
            self.assertIn(value, text)
        self.assertIn(format_date(self.env, process.created_at), text, "creation date")
        flat = " ".join(text.split())
        for doc, remote_doc in zip(process.document_ids.sorted("remote_id"),
                                   sorted(remote["documents"], key=lambda d: d["doc_id"]),
                                   strict=True):
            self.assertIn(remote_doc["doc_name"], flat)
            self.assertIn(remote_doc["doc_type"], flat)
            self.assertIn(doc.mimetype, flat)
            self.assertIn("{:,}".format(len(self.sandbox.trackline.files[doc.remote_id])), flat)
        self.assertIn("Downloaded", flat)

    def test_process_dossier_shows_documents_in_error(self):
        self.backend.max_file_size = 1
        process = self.import_process("10001")
        failed = process.document_ids.filtered(lambda d: d.state == "error")
        self.assertTrue(failed)
        flat = " ".join(self.render("tracking_connector.action_report_process_dossier",
                                    process).split())
        for doc in failed:
            self.assertIn(doc.name, flat)
            self.assertIn(doc.state_message, flat)

    # -- Analysis views and saved filters --------------------------------------------------

    def read_filter(self, xmlid, measures):
        saved = self.env.ref("tracking_connector.%s" % xmlid)
        names = {"context_today": date.today, "relativedelta": relativedelta}
        context = safe_eval(saved.context, names)
        domain = safe_eval(saved.domain, names)
        model = self.env[saved.model_id]
        action = self.env[saved.action_id.type].browse(saved.action_id.id)
        self.assertEqual(action.res_model, saved.model_id)
        self.assertFalse(saved.user_id, "shared with every user")
        return model.read_group(domain, measures, context["group_by"], lazy=False)

    def test_views_load(self):
        for action in ("action_trackline_document_analysis",
                       "action_trackonline_transaction_line",
                       "action_trackonline_transaction_month", "action_trackonline_balance",
                       "action_opuscapita_event_analysis", "action_tracking_sync_log_analysis"):
            action = self.env.ref("tracking_connector.%s" % action)
            modes = action.view_mode.split(",")
            views = self.env[action.res_model].get_views([(False, m) for m in modes]
                                                         + [(False, "search")])["views"]
            for mode in ("pivot", "graph"):
                self.assertIn(mode, modes)
                self.assertIn("<%s" % mode, views[mode]["arch"])
        action = self.env.ref("tracking_connector.action_opuscapita_event_analysis")
        filters = self.env["ir.filters"].get_filters("opuscapita.event", action.id)
        self.assertIn("Volume and error rate by day", [f["name"] for f in filters])

    def test_transaction_item_filters(self):
        remote = self.sandbox.trackonline.resources["transaction"]
        groups = self.read_filter("filter_trackonline_line_month_type", ["quantity:sum"])
        self.assertGreater(len(groups), 1)
        for group in groups:
            bounds = group["__range"]["month:month"]
            start, end = (datetime.strptime(bounds[k], "%Y-%m-%d") for k in ("from", "to"))
            expected = sum(line["quantity"] for tx in remote
                           if str(tx["typeCode"]) == group["type_code"]
                           and start <= sandbox_time(tx["dateTransaction"]) < end
                           for line in tx["transactionItems"])
            self.assertEqual(group["quantity"], expected, group)
        self.assertEqual(sum(g["quantity"] for g in groups),
                         sum(line["quantity"] for tx in remote for line in tx["transactionItems"]))
        # Items by Location: received and sent by location type; a type expanded by location,
        # a location by item.
        groups = self.read_filter("filter_trackonline_line_location_item",
                                  ["quantity_in:sum", "quantity_out:sum"])
        received, sent, received_items = defaultdict(int), defaultdict(int), defaultdict(int)
        this_year = defaultdict(lambda: [0, 0])
        locations = self.env["trackonline.location"]
        items = self.env["trackonline.item.definition"]
        types = {location.number: location.type for location in locations.search([])}
        for tx in remote:
            for line in tx["transactionItems"]:
                received[tx["toLocation"]["number"]] += line["quantity"]
                sent[tx["fromLocation"]["number"]] += line["quantity"]
                received_items[tx["toLocation"]["number"],
                               line["itemDefinition"]["number"]] += line["quantity"]
                if sandbox_time(tx["dateTransaction"]).year == date.today().year:
                    this_year[types[tx["toLocation"]["number"]]][0] += line["quantity"]
                    this_year[types[tx["fromLocation"]["number"]]][1] += line["quantity"]
        self.assertTrue(groups)
        self.assertEqual({g["location_type"]: [g["quantity_in"], g["quantity_out"]]
                          for g in groups}, dict(this_year), "this year, by location type")
        # Without the Favorite's year: every year, a type expanding by location.
        groups = self.env["trackonline.location.year"].read_group(
            [], ["quantity_in:sum", "quantity_out:sum"], ["location_type", "location_id"],
            lazy=False)
        self.assertEqual({locations.browse(g["location_id"][0]).number: g["quantity_in"]
                          for g in groups if g["quantity_in"]}, dict(received))
        self.assertEqual({locations.browse(g["location_id"][0]).number: g["quantity_out"]
                          for g in groups if g["quantity_out"]}, dict(sent))
        self.assertTrue(all(g["location_type"] == locations.browse(g["location_id"][0]).type
                            for g in groups))
        by_item = self.env["trackonline.location.year"].read_group(
            [], ["quantity_in:sum"], ["location_id", "item_definition_id"], lazy=False)
        self.assertEqual({(locations.browse(g["location_id"][0]).number,
                           items.browse(g["item_definition_id"][0]).number): g["quantity_in"]
                          for g in by_item if g["quantity_in"]}, dict(received_items))
        groups = self.read_filter("filter_trackonline_line_processed_item", ["quantity:sum"])
        self.assertEqual(sum(g["quantity"] for g in groups),
                         sum(line["quantity"] for tx in remote if tx["statusCode"] == 35
                             for line in tx["transactionItems"]))

    def test_balance_filters(self):
        groups = self.read_filter("filter_trackonline_balance_location_item", ["balance:sum"])
        location = self.env["trackonline.location"].browse(groups[0]["location_id"][0])
        item = self.env["trackonline.item.definition"].browse(groups[0]["item_definition_id"][0])
        self.assertEqual(groups[0]["balance"], self.remote_balances(location.number)[item.number])
        self.assertEqual(sum(g["balance"] for g in groups), 0,
                         "what one location sends another receives")
        negative = self.read_filter("filter_trackonline_balance_negative", ["balance:sum"])
        self.assertTrue(negative)
        self.assertTrue(all(g["balance"] < 0 for g in negative))

    def test_event_filters_error_rate(self):
        remote = self.sandbox.opuscapita.events
        errors = {"error", "rejected", "failed"}
        groups = self.read_filter("filter_opuscapita_event_document_type", ["error_rate:avg"])
        self.assertEqual(len(groups), len({e["documentType"] for e in remote}))
        for group in groups:
            events = [e for e in remote if e["documentType"] == group["document_type"]]
            self.assertEqual(group["__count"], len(events))
            rate = 100.0 * sum(e["status"].lower() in errors for e in events) / len(events)
            self.assertAlmostEqual(group["error_rate"], rate, places=4)
        day = self.read_filter("filter_opuscapita_event_day", ["error_rate:avg"])
        self.assertEqual(sum(g["__count"] for g in day), len(remote))
        in_error = self.read_filter("filter_opuscapita_event_sender_errors", [])
        self.assertEqual(sum(g["__count"] for g in in_error),
                         sum(e["status"].lower() in errors for e in remote))
        # The rate follows the backend's error statuses.
        self.oc.error_statuses = "Rejected"
        groups = self.read_filter("filter_opuscapita_event_document_type", ["error_rate:avg"])
        rejected = 100.0 * sum(e["status"] == "Rejected" for e in remote) / len(remote)
        total = sum(g["error_rate"] * g["__count"] for g in groups) / len(remote)
        self.assertAlmostEqual(total, rejected, places=4)

    def test_sync_health_filters(self):
        logs = self.env["tracking.sync.log"].search([])
        groups = self.read_filter("filter_sync_log_day_backend",
                                  ["failed_run_count:sum", "api_calls:sum",
                                   "rate_limited_count:sum"])
        self.assertEqual(sum(g["__count"] for g in groups), len(logs))
        self.assertEqual(sum(g["api_calls"] for g in groups), sum(logs.mapped("api_calls")))
        self.assertGreater(sum(g["api_calls"] for g in groups), 5)
        self.assertEqual(sum(g["failed_run_count"] for g in groups), 0)
        self.sandbox.add_fault("/opuscapita/track/api/transactions", malformed_json=True)
        self.oc._sync_events()
        self.assertEqual(self.last_log(self.oc).state, "failed")
        groups = self.read_filter("filter_sync_log_failures_operation", ["failed_count:sum"])
        self.assertEqual(sum(g["__count"] for g in groups), 1)
        self.assertEqual(groups[0]["backend_name"], self.oc.display_name)
        day = self.read_filter("filter_sync_log_day_backend", ["failed_run_count:sum"])
        self.assertEqual(sum(g["failed_run_count"] for g in day), 1)


@tagged("post_install", "-at_install")
class TestReportComplaints(TransactionCase):
    """Which warnings of a report run the report tests let through: Qt's runtime-dir notice
    only, and only that line."""

    def test_runtime_dir_notice_alone_is_no_complaint(self):
        notice = "QStandardPaths: XDG_RUNTIME_DIR not set, defaulting to '/tmp/runtime-odoo'"
        self.assertIsNone(report_complaint("wkhtmltopdf: %s\n" % notice))
        self.assertIsNone(report_complaint("wkhtmltopdf: %s\n%s\n" % (notice, notice)))

    def test_anything_else_is(self):
        notice = "QStandardPaths: XDG_RUNTIME_DIR not set, defaulting to '/tmp/runtime-root'"
        header = "The switch --header-html, is not support using unpatched qt, and will be ignored."
        self.assertEqual(report_complaint("wkhtmltopdf: %s\n%s\n" % (notice, header)),
                         "wkhtmltopdf: " + header)
        self.assertEqual(report_complaint("wkhtmltopdf: " + header), "wkhtmltopdf: " + header)
        self.assertEqual(report_complaint("The report could not be rendered"),
                         "The report could not be rendered")
        self.assertEqual(report_complaint("wkhtmltopdf: XDG_RUNTIME_DIR not set at all"),
                         "wkhtmltopdf: XDG_RUNTIME_DIR not set at all")

    def test_logged_warnings_catch_warnings_of_odoo_loggers(self):
        logger = logging.getLogger("odoo.addons.base.models.ir_actions_report")
        with logged_warnings() as records:
            logger.info("not this")
            logger.warning("wkhtmltopdf: %s", "one")
        self.assertEqual([r.getMessage() for r in records], ["wkhtmltopdf: one"])
