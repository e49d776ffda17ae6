"""The addon's PDF reports as Debian's wkhtmltopdf can print them: one PDF per record, merged
afterwards, with the company header and footer inside each record's body."""

from lxml import etree
from lxml import html as lxml_html

from odoo import models

REPORT_PREFIX = "tracking_connector."


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        """Our reports make one PDF per record, merged afterwards: Debian's wkhtmltopdf
        (Qt without wkhtmltopdf's patches) refuses more than one input document a call."""
        report = self._get_report(report_ref)
        if not (report.report_name or "").startswith(REPORT_PREFIX) or len(res_ids or []) < 2:
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        streams = {}
        for res_id in dict.fromkeys(res_ids):
            streams.update(super()._render_qweb_pdf_prepare_streams(
                report_ref, dict(data or {}), res_ids=[res_id]))
        return streams

    def _prepare_html(self, html, report_model=False):
        """Our reports print the company header and footer of ``web.external_layout`` inside
        each record's body, never as wkhtmltopdf header/footer pages: Debian's wkhtmltopdf
        (Qt without wkhtmltopdf's patches) ignores ``--header-html``/``--footer-html`` and
        complains about them, so the header would be lost there. One way on every build."""
        if not (self.report_name or "").startswith(REPORT_PREFIX):
            return super()._prepare_html(html, report_model=report_model)
        result = super()._prepare_html(inline_header_footer(html), report_model=report_model)
        if not result:
            return result
        bodies, res_ids, _header, _footer, paperformat_args = result
        return bodies, res_ids, None, None, paperformat_args


def _has_class(node, name):
    return name in (node.get("class") or "").split()


def _sibling_article(node, forward):
    sibling = node.getnext() if forward else node.getprevious()
    while sibling is not None and not _has_class(sibling, "article"):
        sibling = sibling.getnext() if forward else sibling.getprevious()
    return sibling


def _rename_class(node, old, new):
    node.set("class", " ".join(new if c == old else c for c in node.get("class").split()))


def inline_header_footer(html):
    """Move each layout header into the start of the article that follows it and each footer
    to the end of the article before it; page counters (meaningless there) are dropped."""
    root = lxml_html.fromstring(html, parser=lxml_html.HTMLParser(encoding="utf-8"))
    for node in root.xpath("//div[contains(concat(' ', normalize-space(@class), ' '), "
                           "' header ')]"):
        article = _sibling_article(node, forward=True)
        if article is not None:
            _rename_class(node, "header", "o_tracking_header")
            article.insert(0, node)
    for node in root.xpath("//div[contains(concat(' ', normalize-space(@class), ' '), "
                           "' footer ')]"):
        article = _sibling_article(node, forward=False)
        if article is not None:
            for counter in node.xpath(".//*[span[@class='page' or @class='topage']]"):
                counter.getparent().remove(counter)
            _rename_class(node, "footer", "o_tracking_footer")
            node.set("class", node.get("class") + " mt-4")
            article.append(node)
    return etree.tostring(root.getroottree(), method="html", encoding="utf-8")
