"""Downloaded files kept as attachments (models/tracking_attachment.py): type, name, size
cap, bytes kept."""

import io
import zipfile

from odoo.tests import TransactionCase, tagged

from ..clients.base import RemoteDataError
from ..models.tracking_attachment import attach_files, file_mimetype


def _zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestTrackingAttachment(TransactionCase):
    """Downloaded files kept as attachments: type, name, size cap, bytes kept."""

    def test_mimetype_from_header_then_bytes_then_name(self):
        for name, content, header, expected in (
            ("a.pdf", b"%PDF-1.4", "application/pdf; charset=binary", "application/pdf"),
            ("a.bin", b"%PDF-1.4", None, "application/pdf"),
            ("a.bin", b"%PDF-1.4", "application/octet-stream", "application/pdf"),
            ("x", _zip(), None, "application/zip"),
            ("Lieferschein März.xml", b"<?xml version='1.0'?>", None, "application/xml"),
            ("photo 3.jpg", b"\xff\xd8\xff\xe0", None, "image/jpeg"),
            ("notes.txt", b"hello", None, "text/plain"),
            ("unknown", b"\x00\x01", None, "application/octet-stream"),
            # text told apart by its name; a header that is not a type is not believed
            ("Customers.json", b'{"records": []}', None, "application/json"),
            ("export.csv", b"a;b\n1;2\n", "no type at all", "text/csv"),
        ):
            with self.subTest(name=name, header=header):
                self.assertEqual(file_mimetype(name, content, header), expected)

    def test_files_on_several_records_byte_identical_and_safely_named(self):
        partners = self.env["res.partner"].create([{"name": "A"}, {"name": "B"}])
        company = self.env.company
        content = b"%PDF-1.4 \x00\xff binary"
        attachments = attach_files(
            [partners, company], [("../evil\u202e.pdf", content, None), ("b.txt", b"t", None)],
            description="from a test")
        self.assertEqual(len(attachments), 6)
        self.assertEqual(attachments.mapped("res_model"), ["res.partner", "res.partner",
                                                           "res.company"] * 2)
        first = attachments[:3]
        self.assertEqual(set(first.mapped("raw")), {content})
        self.assertEqual(set(first.mapped("name")), {"evil_.pdf"})
        self.assertEqual(set(first.mapped("mimetype")), {"application/pdf"})
        self.assertEqual(set(attachments.mapped("description")), {"from a test"})

    def test_size_cap_refuses_before_creating_anything(self):
        partner = self.env["res.partner"].create({"name": "A"})
        before = self.env["ir.attachment"].search_count([])
        with self.assertRaisesRegex(RemoteDataError, "over the size cap of 10 bytes"):
            attach_files(partner, [("small.txt", b"ok", None), ("big.bin", b"x" * 11, None)],
                         max_bytes=10)
        self.assertEqual(self.env["ir.attachment"].search_count([]), before)
        self.assertTrue(attach_files(partner, [("fits.bin", b"x" * 10, None)], max_bytes=10))

    def test_active_documents_are_kept_as_plain_text(self):
        """Before: a remote's HTML, SVG or XML was kept under its type, and Odoo served it
        inline as a page of its own (links, forms; scripts stopped by Odoo's CSP only)."""
        partner = self.env["res.partner"].create({"name": "A"})
        page = b"<html><body><a href='https://evil.example'>x</a><script>1</script></body></html>"
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>'
        files = [("note.html", page, "text/html; charset=utf-8"),
                 ("note.htm", page, None),
                 ("logo.svg", svg, "image/svg+xml"),
                 ("logo", svg, None),
                 ("page.xhtml", page, "application/xhtml+xml"),
                 ("Lieferschein.xml", b"<?xml version='1.0'?><a/>", None),
                 ("feed", b"<rss/>", "application/rss+xml")]
        attachments = attach_files(partner, files)
        self.assertEqual(attachments.mapped("name"), [name for name, _c, _t in files],
                         "names (and extensions) kept")
        self.assertEqual(set(attachments.mapped("mimetype")), {"text/plain"})
        self.assertEqual(attachments[0].raw, page, "the bytes kept as they came")
        kept = attach_files(partner, [("a.pdf", b"%PDF-1.4", "application/pdf"),
                                      ("a.json", b"{}", "application/json"),
                                      ("a.docx", _zip(), "application/vnd.openxmlformats-"
                                                         "officedocument.wordprocessingml."
                                                         "document")])
        self.assertEqual(kept.mapped("mimetype"), [
            "application/pdf", "application/json",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"])
