"""The dashboard's "Records" figure over the counts the database keeps
(models/tracking_record_count.py): they equal the records counted, after syncs, a deletion
in TrackOnline read again, a user's draft, a backend archived, moved to another company and
deleted; the figure is what the list it opens shows, for a user of the company, of another
company, and under a rule that asks more than the company; an update fills the counts of an
earlier version."""

from odoo.tests import new_test_user, tagged

from ..models.tracking_backend import MAIN_RECORDS
from .common import TrackOnlineCase


@tagged("post_install", "-at_install")
class TestRecordCount(TrackOnlineCase):

    sandbox_transactions = 40

    def kept(self):
        self.env.flush_all()
        self.env.cr.execute("""SELECT backend_id, company_id, record_count
                                 FROM tracking_record_count ORDER BY 1, 2""")
        return self.env.cr.fetchall()

    def counted(self):
        """The main records of every system, counted by shared backend and company."""
        parts = " UNION ALL ".join(
            "SELECT b.tracking_backend_id, r.company_id FROM %s r JOIN %s b ON b.id = r.backend_id"
            % (self.env[model]._table, self.env[backend_model]._table)
            for backend_model, (model, _action) in MAIN_RECORDS.items())
        self.env.cr.execute("SELECT backend_id, company_id, COUNT(*) FROM (%s) AS u (backend_id, "
                            "company_id) GROUP BY 1, 2 ORDER BY 1, 2" % parts)
        return self.env.cr.fetchall()

    def card(self, user=None):
        card = self.env["tracking.backend"].browse(self.to.tracking_backend_id.id)
        return card.with_user(user) if user else card

    def listed(self, card):
        """The records the card's "Records" figure opens, counted with the card's user."""
        action = card.action_open_records()
        return self.env[action["res_model"]].with_user(card.env.user).search_count(
            action["domain"])

    def assert_exact(self, when, user=None):
        self.assertEqual(self.kept(), self.counted(), when)
        card = self.card(user)
        card.invalidate_recordset()
        self.assertEqual(card.record_count, self.listed(card), when)
        form = self.to.with_user(user) if user else self.to
        form.invalidate_recordset()
        self.assertEqual(form.transaction_count, self.listed(card),
                         "the backend form's smart button, %s" % when)

    def test_counts_follow_every_change_of_the_records(self):
        self.assert_exact("before any sync")
        self.to._sync("transactions")
        self.assertEqual(self.card().record_count, 40)
        self.assert_exact("after the first sync")

        remote = self.sandbox.trackonline.resources["transaction"]
        self.sandbox.trackonline.delete_transaction(remote[7]["id"])
        self.to.reread_share = 100
        self.env["tracking.cursor"].search([]).unlink()
        self.to._sync("transactions")
        self.to._sync("reconciliation")
        self.assert_exact("after a deletion in TrackOnline, read again")

        draft = self.env["trackonline.transaction"].create({
            "backend_id": self.to.id, "type_code": "60",
            "date_transaction": "2026-02-10 10:00:00"})
        self.assert_exact("a user's draft")
        self.assertEqual(self.card().record_count, self.listed(self.card()))
        draft.unlink()
        self.assert_exact("the draft deleted")

        self.to.active = False
        self.assert_exact("the backend archived: its records stay, counted")
        self.to.active = True

        other = self.env["res.company"].create({"name": "Other company"})
        count = self.card().record_count
        self.to.company_id = other
        self.assert_exact("the backend moved to another company, its records with it")
        self.assertEqual(self.kept()[-1][1:], (other.id, count))

    def test_a_user_counts_what_their_list_shows(self):
        self.to._sync("transactions")
        ours = new_test_user(self.env, "count_ours",
                             groups="tracking_connector.group_tracking_user",
                             company_id=self.env.company.id,
                             company_ids=[(6, 0, [self.env.company.id])])
        other = self.env["res.company"].create({"name": "Other company"})
        theirs = new_test_user(self.env, "count_theirs",
                               groups="tracking_connector.group_tracking_user",
                               company_id=other.id, company_ids=[(6, 0, [other.id])])
        self.assert_exact("a user of the backend's company", ours)
        self.assertEqual(self.card(ours).record_count, 40)
        # Their own backend, a draft in it: each user counts their company's records; the
        # counts of the other company are none of theirs.
        other_backend = self.env["trackonline.backend"].create({
            "name": "Theirs", "base_url": self.sandbox.url, "company_id": other.id})
        self.env["trackonline.transaction"].create({
            "backend_id": other_backend.id, "type_code": "60",
            "date_transaction": "2026-02-10 10:00:00"})
        self.env.invalidate_all()
        card = self.env["tracking.backend"].with_user(theirs).search(
            [("id", "=", other_backend.tracking_backend_id.id)])
        self.assertEqual((card.record_count, self.listed(card)), (1, 1))
        self.assertFalse(self.env["tracking.backend"].with_user(theirs).search(
            [("id", "=", self.to.tracking_backend_id.id)]), "not their card")
        self.assertEqual(self.env["tracking.record.count"].with_user(theirs).search([]).mapped(
            "company_id"), other, "the counts kept of another company are not theirs")
        self.assertEqual(self.env["trackonline.transaction"].with_user(theirs).search_count(
            [("backend_id", "=", self.to.id)]), 0)
        self.assert_exact("two companies", ours)

        # A rule asking more than the company: the count follows it (counted as the list).
        number = self.transactions()[:1].transaction_number
        self.env["ir.rule"].create({
            "name": "One transaction only", "model_id": self.env.ref(
                "tracking_connector.model_trackonline_transaction").id,
            "domain_force": "[('transaction_number', '=', %r)]" % number,
            "groups": [(4, self.env.ref("tracking_connector.group_tracking_user").id)]})
        self.env.invalidate_all()
        self.assertEqual(self.card(ours).record_count, 1)
        self.assert_exact("under a rule by transaction", ours)

    def test_deleting_a_backend_takes_its_counts(self):
        # Drafts (no items: a backend whose items refer to its item definitions cannot be
        # deleted, as before the counts).
        self.env["trackonline.transaction"].create([
            {"backend_id": self.to.id, "type_code": "60",
             "date_transaction": "2026-02-10 10:00:00"} for _n in range(3)])
        shared = self.to.tracking_backend_id.id
        self.assertIn((shared, self.to.company_id.id, 3), self.kept())
        self.to.unlink()
        self.assertNotIn(shared, [row[0] for row in self.kept()])
        self.assertEqual(self.kept(), self.counted())

    def test_an_update_fills_the_counts_of_an_earlier_version(self):
        self.to._sync("transactions")
        self.env.cr.execute("DELETE FROM tracking_record_count")
        self.env["tracking.record.count"].init()
        self.assert_exact("filled from the records by init (the update)")
        self.assertEqual(self.card().record_count, 40)
