"""TrackOnline transactions (movements of returnable items between locations) and their
scanned codes: mirrored, or drafted in Odoo and sent."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.sql import create_index

from ..mappings import trackonline as mapping
from ..mappings import trackonline_codes as codes
from ..mappings.dates import api_datetime
from .tracking_access import USER_GROUP, check_group
from .tracking_messages import _lt

# The description of the attachments that are a transaction's public documents in
# TrackOnline (links, not files): those a sync adds and removes.
TRANSACTION_DOCUMENT = "TrackOnline transaction document"


class TrackOnlineTransaction(models.Model):
    _name = "trackonline.transaction"
    _description = "TrackOnline Transaction"
    _inherit = ["trackonline.outgoing.mixin", "mail.thread"]
    _order = "date_transaction desc, id desc"
    _rec_name = "transaction_number"
    _trackonline_resource = "transaction"
    _trackonline_number_field = "transaction_number"
    _remote_entity = mapping.TRANSACTION

    backend_id = fields.Many2one("trackonline.backend", required=True, index=True,
                                 ondelete="cascade")
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    # Not copied: a copy sent with the original's number would change the original in
    # TrackOnline.
    transaction_number = fields.Char(index=True, tracking=True, copy=False,
                                     help="Given by TrackOnline when left empty.")
    document_number = fields.Char(help="The CMR number.")
    reference_number = fields.Char()
    status_code = fields.Selection(codes.TRANSACTION_STATUSES, string="Status", default="0",
                                   tracking=True, index=True)
    type_code = fields.Selection(codes.TRANSACTION_TYPES, string="Type", default="60",
                                 required=True, index=True)
    from_location_id = fields.Many2one("trackonline.location", index=True, ondelete="restrict")
    to_location_id = fields.Many2one("trackonline.location", index=True, ondelete="restrict")
    carrier_id = fields.Many2one("trackonline.location", ondelete="restrict")
    contractor_id = fields.Many2one("trackonline.location", ondelete="restrict")
    date_transaction = fields.Datetime(string="Shipping date", index=True)
    date_counterpart = fields.Datetime(string="Delivery date")
    license_plate = fields.Char()
    trailer_number = fields.Char()
    trip_number = fields.Char(string="Trip number")
    trip_id = fields.Char(string="Trip ID", readonly=True, copy=False,
                          help="The trip's GUID, when TrackOnline gives it with the "
                               "transaction: the trip is moved by it.")
    dock_number = fields.Char()
    area = fields.Char()
    notes = fields.Text()
    internal_notes = fields.Text()
    created_on = fields.Datetime(readonly=True, index=True)
    modified_on = fields.Datetime(readonly=True)
    processed_on = fields.Datetime(readonly=True)
    is_deleted = fields.Boolean(
        string="Deleted in TrackOnline", readonly=True, tracking=True, index=True,
        help="TrackOnline says so, or a complete re-read of its creation window no longer "
             "found it. The record is kept.")
    reread_at = fields.Datetime(
        string="Last re-read", readonly=True, copy=False,
        help="When the re-read of open transactions last found it in TrackOnline.")
    line_ids = fields.One2many("trackonline.transaction.line", "transaction_id", string="Items")
    scan_ids = fields.One2many("trackonline.transaction.scan", "transaction_id",
                               string="Scanned codes",
                               help="Barcodes or EPC codes TrackOnline turns into items.")
    packaging_label_numbers = fields.Char(
        help="Comma-separated packaging label numbers TrackOnline turns into items.")
    quantity_total = fields.Integer(compute="_compute_quantity_total", store=True)
    is_processed = fields.Boolean(compute="_compute_is_processed", store=True)

    def init(self):
        # The dashboard counts each backend's transactions with the reader's company rule:
        # read from this index alone, not from a million rows (scripts/bench_scale.sh).
        create_index(self.env.cr, "trackonline_transaction_backend_company_idx", self._table,
                     ["backend_id", "company_id"])

    @api.depends("line_ids.quantity")
    def _compute_quantity_total(self):
        for transaction in self:
            transaction.quantity_total = sum(transaction.line_ids.mapped("quantity"))

    @api.depends("status_code")
    def _compute_is_processed(self):
        for transaction in self:
            transaction.is_processed = transaction.status_code == codes.PROCESSED

    @api.depends("transaction_number", "reference_number")
    def _compute_display_name(self):
        """Its number; a draft without one yet (TrackOnline gives it) by its reference,
        so that a list, a message or a log line never names it "False"."""
        for transaction in self:
            transaction.display_name = (transaction.transaction_number
                                        or transaction.reference_number
                                        or self.env._("Draft transaction"))

    # -- from TrackOnline -----------------------------------------------------------------------

    @api.model
    def _import_after_save(self, backend, run, records, rows):
        """The public documents a transaction carries (``transactionDocuments``) become
        links in its attachments (``_show_documents``)."""
        result = super()._import_after_save(backend, run, records, rows)
        records._show_documents([mapping.transaction_documents(row) for row in rows])
        return result

    def _show_documents(self, documents_list):
        """Give each of these transactions its public documents (``(name, url)`` lists in
        the order of the records; None leaves a record's as they are) as URL attachments,
        found by its chatter's paper clip: new ones added, those TrackOnline no longer lists
        removed. One search for the page."""
        wanted = {record.id: dict((url, name) for name, url in documents)
                  for record, documents in zip(self, documents_list, strict=True)
                  if documents is not None}
        if not wanted:
            return
        attachments = self.env["ir.attachment"]
        held = attachments.search([("res_model", "=", self._name),
                                   ("res_id", "in", list(wanted)), ("type", "=", "url"),
                                   ("description", "=", TRANSACTION_DOCUMENT)])
        known = {(attachment.res_id, attachment.url) for attachment in held}
        held.filtered(lambda a: a.url not in wanted.get(a.res_id, {})).unlink()
        attachments.create([
            {"name": name, "type": "url", "url": url, "res_model": self._name,
             "res_id": record_id, "description": TRANSACTION_DOCUMENT}
            for record_id, urls in wanted.items() for url, name in urls.items()
            if (record_id, url) not in known])

    # -- to TrackOnline -------------------------------------------------------------------------

    def _to_payload(self):
        self.ensure_one()
        return mapping.transaction_payload(self)

    def _unsent_item_definitions(self):
        return self.line_ids.item_definition_id.filtered(lambda item: not item.remote_id)

    def _look_up_key(self):
        """By the number TrackOnline gave, else by the reference number sent."""
        if self.transaction_number:
            return ("TransactionNumber", "transaction_number", "transactionNumber")
        return ("ReferenceNumber", "reference_number", "referenceNumber")

    def _would_copy(self):
        return not self.remote_id and not self.transaction_number

    def _taken(self, remote_id, row):
        """With the number TrackOnline gave it."""
        if not self.transaction_number and row.get("transactionNumber"):
            self.transaction_number = str(row["transactionNumber"])
        return super()._taken(remote_id, row)

    def _before_send(self):
        """A transaction sent without a number gets a reference number of its own (the
        document's "internal number"), unless it has one: a send whose answer is lost is
        found by it instead of being sent twice (``_taken_already``)."""
        for transaction in self:
            if not transaction.transaction_number and not transaction.reference_number:
                transaction.reference_number = transaction._own_reference()

    def _own_reference(self):
        """The reference number a send gives this transaction: the database's and the
        record's ids."""
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid", "")[:8]
        return "ODOO-%s-%s" % (uuid, self.id)

    def _maybe_sent(self):
        """It holds the reference a send gave it, committed before that send's call: a
        worker killed during the call leaves it so, with no item to retry."""
        return self._would_copy() and self.reference_number == self._own_reference()

    def copy_data(self, default=None):
        """A copy does not take the reference a send gave the original (it would be found
        as the original in TrackOnline): its own send gives it one."""
        vals_list = super().copy_data(default=default)
        for transaction, values in zip(self, vals_list, strict=True):
            if values.get("reference_number") == transaction._own_reference():
                values["reference_number"] = False
        return vals_list

    def _look_up_params(self, param, value):
        """Without a date filter TrackOnline reads the last 7 days only: from the day
        before this record was first sent (a new remote record is created after it)."""
        since = self.create_date - timedelta(days=1)
        return {param: value, "CreatedDateFrom": api_datetime(since)}

    def action_send(self):
        check_group(self, USER_GROUP, "write")
        processed = self.filtered("is_processed")
        if processed:
            raise UserError(self.env._("Processed transactions are read-only in TrackOnline: "
                                       "%s", ", ".join(processed.mapped("display_name"))))
        return super().action_send()

    def action_next_trip_status(self):
        """Move the trips of these transactions to their next status (new -> in progress
        -> processed). The document wants a trip's GUID: the trip ID TrackOnline gave with
        the transaction, else (none given) its trip number."""
        check_group(self, USER_GROUP, "write")
        trips = sorted({t.trip_id or t.trip_number for t in self} - {False, ""})
        if not trips:
            raise UserError(self.env._("These transactions belong to no trip."))
        backend = self.backend_id[:1]
        with backend._sync_run(_lt("trip next status")) as run:
            backend._make_client(run.stats).next_trip_status(trips)
            run.message = _lt("Trips moved to their next status: %s", len(trips))
        return backend._notify_logs(self.env._("TrackOnline trips"), run.log)


class TrackOnlineTransactionScan(models.Model):
    _name = "trackonline.transaction.scan"
    _description = "TrackOnline Scanned Code"
    _inherit = ["tracking.mirrored.line.mixin"]
    _parent_field = "transaction_id"

    transaction_id = fields.Many2one("trackonline.transaction", required=True, index=True,
                                     ondelete="cascade")
    company_id = fields.Many2one(related="transaction_id.company_id", store=True)
    code_type = fields.Selection([("0", "Unknown"), ("10", "Barcode"), ("20", "EPC code")],
                                 string="Type", default="10", required=True)
    code = fields.Char(required=True)
