"""The matcher of remote parties to contacts (models/tracking_partner_match.py): its company
rule and its precedence."""

from unittest.mock import patch

from odoo.tests import tagged

from ..models.sage50_download import CUSTOMERS
from ..models.tracking_partner_match import match_partners
from .common import CommitCase


@tagged("post_install", "-at_install")
class TestPartnerMatch(CommitCase):
    """One matcher of remote parties to contacts: its company rule and its precedence."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Matcher B"})
        cls.partners = cls.env["res.partner"]
        # The demo contacts carry some of these keys (the sandbox's parties): set them aside.
        cls.partners.with_context(active_test=False).search([
            "|", ("vat", "in", ["BE0123456789", "NL123456789B01", "FI01234567",
                                "NL999999999B01"]),
            ("ref", "in", ["M-1", "L0001", "P-1", "C-1", "8712345000004"]),
        ]).write({"vat": False, "ref": False})

    def contact(self, name, company=None, **values):
        return self.partners.create(dict(values, name=name,
                                         company_id=company.id if company else False))

    def match(self, *parties, company=None):
        return match_partners(self.env, company or self.company_a, list(parties))

    def test_company_rule(self):
        other = self.contact("B's", self.company_b, ref="M-1", vat="BE0123456789")
        self.assertEqual(self.match({"ref": "M-1"}, {"vat": "BE0123456789"}),
                         [self.partners, self.partners], "never a contact of another company")
        shared = self.contact("Shared", ref="M-1")
        self.assertEqual(self.match({"ref": "M-1"}), [shared], "shared contacts are candidates")
        own = self.contact("A's", self.company_a, ref="M-1")
        self.assertEqual(self.match({"ref": "M-1"}), [own], "the company's own before shared")
        self.assertEqual(self.match({"ref": "M-1"}, company=self.company_b), [other])

    def test_precedence_ref_then_gln_then_vat(self):
        by_ref = self.contact("By ref", ref="L0001")
        by_gln = self.contact("By GLN", ref="8712345000004")
        by_vat = self.contact("By VAT", vat="NL123456789B01")
        everything = {"ref": "L0001", "gln": "8712345000004", "vat": "NL123456789B01"}
        self.assertEqual(self.match(
            everything,
            dict(everything, ref="unknown"),
            dict(everything, ref="unknown", gln=False),
            {"ref": " L0001 ", "vat": None},
            {"ref": "unknown", "gln": "", "vat": "unknown"},
        ), [by_ref, by_gln, by_vat, by_ref, self.partners])

    def test_one_search_for_the_page_and_none_without_keys(self):
        a = self.contact("A", ref="P-1")
        b = self.contact("B", vat="FI01234567")
        partner_class = type(self.partners)
        with patch.object(partner_class, "search", autospec=True,
                          side_effect=partner_class.search) as search:
            self.assertEqual(self.match({"ref": "P-1"}, {"vat": "FI01234567"}, {}),
                             [a, b, self.partners])
            self.assertEqual(search.call_count, 1)
            self.assertEqual(self.match({}, {"ref": False, "vat": None}),
                             [self.partners, self.partners])
            self.assertEqual(search.call_count, 1, "nothing to look for: no search")

    def test_archived_contacts_count_but_active_ones_first(self):
        archived = self.contact("Old", ref="Q-1", active=False)
        self.assertEqual(self.match({"ref": "Q-1"}), [archived],
                         "an archived contact is not created again")
        active = self.contact("New", ref="Q-1")
        self.assertEqual(self.match({"ref": "Q-1"}), [active])

    def test_sage_customer_links_its_contact_once(self):
        backend = self.env["sage50.backend"].create({
            "name": "Matcher", "base_url": "http://127.0.0.1:9/sage50"})
        known = self.contact("Lucía", self.company_a, ref="C-1")
        by_vat = self.contact("Pieter", vat="NL999999999B01")
        with backend._sync_run("import customers") as run:
            backend._import_page(run, CUSTOMERS, [
                {"id": "C-1", "firstName": "Lucía", "lastName": "Martín"},
                {"id": "C-2", "firstName": "Pieter", "idNumber": "NL999999999B01"},
                {"id": "C-3", "firstName": "Pieter's twin", "idNumber": "NL999999999B01"},
            ])
        bindings = self.env["sage50.partner"].search([("backend_id", "=", backend.id)])
        partner_of = {binding.remote_id: binding.partner_id for binding in bindings}
        self.assertEqual(partner_of["C-1"], known)
        self.assertEqual(known.name, "Lucía Martín", "the customer's values are written")
        self.assertEqual(partner_of["C-2"], by_vat)
        self.assertNotIn(partner_of["C-3"], known | by_vat, "one contact per Sage customer")
        self.assertEqual(partner_of["C-3"].company_id, self.company_a)
        self.assertEqual((run.created, run.updated), (1, 2))
