"""TrackOnline items by month (models/trackonline_transaction_month.py) and by location
(models/trackonline_location_year.py): the figures kept by the database equal the items
added up, after syncs, changes and deletions in TrackOnline read again, a user's draft and its
changes, a location's type changed, and a transaction deleted with its items; a pivot over
them equals a pivot over the items; a row opens exactly its items."""
from odoo.tests import tagged

from .common import TrackOnlineCase


@tagged("post_install", "-at_install")
class TestTransactionMonth(TrackOnlineCase):

    sandbox_transactions = 60

    def kept(self):
        self.env.flush_all()
        self.env.cr.execute("""
            SELECT backend_id, month, type_code, status_code, item_definition_id, quantity,
                   line_count
              FROM trackonline_transaction_month ORDER BY 1, 2, 3, 4, 5
        """)
        return self.env.cr.fetchall()

    def added_up(self):
        self.env.cr.execute("""
            SELECT backend_id, date_trunc('month', date_transaction)::date, type_code,
                   status_code, item_definition_id, SUM(COALESCE(quantity, 0)), COUNT(*)
              FROM trackonline_transaction_line
          GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
        """)
        return self.env.cr.fetchall()

    def by_location(self):
        """The figures by location as kept, and as the items add them up (received at the
        destination, sent from the origin)."""
        self.env.flush_all()
        self.env.cr.execute("""
            SELECT backend_id, location_id, item_definition_id, year, quantity_in,
                   line_count_in, quantity_out, line_count_out, location_type
              FROM trackonline_location_year ORDER BY 1, 2, 3, 4""")
        kept = self.env.cr.fetchall()
        self.env.cr.execute("""
            SELECT backend_id, location_id, item_definition_id, year, SUM(q_in)::int,
                   SUM(n_in)::int, SUM(q_out)::int, SUM(n_out)::int,
                   (SELECT type FROM trackonline_location WHERE id = location_id)
              FROM (SELECT backend_id, to_location_id AS location_id, item_definition_id,
                           date_trunc('year', date_transaction)::date AS year,
                           COALESCE(quantity, 0) AS q_in, 1 AS n_in, 0 AS q_out, 0 AS n_out
                      FROM trackonline_transaction_line WHERE to_location_id IS NOT NULL
                    UNION ALL
                    SELECT backend_id, from_location_id, item_definition_id,
                           date_trunc('year', date_transaction)::date,
                           0, 0, COALESCE(quantity, 0), 1
                      FROM trackonline_transaction_line WHERE from_location_id IS NOT NULL) u
          GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4""")
        return kept, self.env.cr.fetchall()

    def assert_exact(self, when):
        """The whole tables, every backend's (a row of no backend, no month... is a fault)."""
        kept = self.kept()
        self.assertTrue(kept, when)
        self.assertEqual(kept, self.added_up(), when)
        kept, added_up = self.by_location()
        self.assertTrue(kept, when)
        self.assertEqual(kept, added_up, "by location: %s" % when)

    def pivot(self, model, month, domain):
        groups = self.env[model].with_context(tz="UTC").read_group(
            domain, ["quantity:sum"], [month, "type_code"], lazy=False)
        return sorted((g[month], g["type_code"], g["quantity"]) for g in groups)

    def test_figures_follow_every_change_of_the_items(self):
        self.to._sync("transactions")
        self.assert_exact("after the first sync")
        self.assertEqual(
            self.pivot("trackonline.transaction.month", "month:month",
                       [("backend_id", "=", self.to.id)]),
            self.pivot("trackonline.transaction.line", "date_transaction:month",
                       [("backend_id", "=", self.to.id)]),
            "a pivot over the figures is the pivot over the items")

        remote = self.sandbox.trackonline.resources["transaction"]
        self.sandbox.trackonline.change_transaction(remote[3]["id"], statusCode=35)
        remote[5]["transactionItems"][0]["quantity"] = 999
        remote[5]["modifiedOn"] = remote[3]["modifiedOn"]
        self.sandbox.trackonline.delete_transaction(remote[7]["id"])
        self.to.reread_share = 100
        self.env["tracking.cursor"].search([]).unlink()
        self.to._sync("transactions")
        self.to._sync("reconciliation")
        self.assertIn(999, self.transactions().line_ids.mapped("quantity"))
        self.assert_exact("after changes and a deletion in TrackOnline, read again")

        item = self.transactions().line_ids.item_definition_id[:1]
        draft = self.env["trackonline.transaction"].create({
            "backend_id": self.to.id, "type_code": "60",
            "date_transaction": "2026-02-10 10:00:00",
            "line_ids": [(0, 0, {"item_definition_id": item.id, "quantity": 7}),
                         (0, 0, {"item_definition_id": item.id, "quantity": 5})]})
        self.assert_exact("a user's draft")
        locations = self.env["trackonline.location"].search([("backend_id", "=", self.to.id)])
        draft.write({"from_location_id": locations[0].id, "to_location_id": locations[1].id})
        self.assert_exact("the draft's origin and destination set")
        draft.to_location_id = locations[2]
        self.assert_exact("the draft's destination changed")
        locations[2].type = "12" if locations[2].type != "12" else "11"
        self.assert_exact("the destination's location type changed")
        draft.write({"date_transaction": "2025-11-03 08:00:00", "type_code": "65"})
        draft.line_ids[0].quantity = 70
        self.assert_exact("the draft's date, type and quantity changed")
        draft.unlink()
        self.assert_exact("the draft deleted with its items")

    def test_a_row_opens_its_items(self):
        self.to._sync("transactions")
        row = self.env["trackonline.transaction.month"].search(
            [("backend_id", "=", self.to.id)], order="line_count desc", limit=1)
        action = row.action_view_items()
        items = self.env["trackonline.transaction.line"].search(action["domain"])
        self.assertEqual((len(items), sum(items.mapped("quantity"))),
                         (row.line_count, row.quantity))
        self.assertEqual(set(items.mapped("item_definition_id")), {row.item_definition_id})

    def test_a_location_row_opens_its_items_and_the_pivot_is_the_items(self):
        self.to._sync("transactions")
        row = self.env["trackonline.location.year"].search(
            [("backend_id", "=", self.to.id)], order="line_count_in desc", limit=1)
        items = self.env["trackonline.transaction.line"].search(row.action_view_items()["domain"])
        received = items.filtered(lambda i: i.to_location_id == row.location_id)
        sent = items.filtered(lambda i: i.from_location_id == row.location_id)
        self.assertEqual((len(received), sum(received.mapped("quantity")), len(sent),
                          sum(sent.mapped("quantity"))),
                         (row.line_count_in, row.quantity_in, row.line_count_out,
                          row.quantity_out))
        lines = self.env["trackonline.transaction.line"]
        by_items = sorted((g["to_location_id"][0], g["item_definition_id"][0], g["quantity"])
                          for g in lines.read_group(
                              [("backend_id", "=", self.to.id), ("to_location_id", "!=", False)],
                              ["quantity:sum"], ["to_location_id", "item_definition_id"],
                              lazy=False))
        by_figures = sorted((g["location_id"][0], g["item_definition_id"][0], g["quantity_in"])
                            for g in self.env["trackonline.location.year"].read_group(
                                [("backend_id", "=", self.to.id)],
                                ["quantity_in:sum", "line_count_in:sum"],
                                ["location_id", "item_definition_id"], lazy=False)
                            if g["line_count_in"])
        self.assertEqual(by_figures, by_items, "the Favorite's pivot is the items' pivot")

    def test_an_update_fills_the_figures_of_an_earlier_version(self):
        self.to._sync("transactions")
        self.env.cr.execute("DELETE FROM trackonline_transaction_month")
        self.env.cr.execute("DELETE FROM trackonline_location_year")
        self.env["trackonline.transaction.month"].init()
        self.env["trackonline.location.year"].init()
        self.assert_exact("filled from the items by init (the update)")
        self.env.cr.execute("UPDATE trackonline_location_year SET location_type = NULL")
        self.env["trackonline.location.year"].init()
        self.assert_exact("location types filled by init (the update of 18.0.2.0.0)")
