from odoo import api, fields, models
from odoo.exceptions import UserError

from ..clients.settings import comma_list
from . import trackonline_codes as codes
from .trackline_process import _parse_datetime

LOCATION_ROLES = (("from_location_id", "fromLocation"), ("to_location_id", "toLocation"),
                  ("carrier_id", "carrier"), ("contractor_id", "contractor"))


class TrackOnlineTransaction(models.Model):
    _name = "trackonline.transaction"
    _description = "TrackOnline Transaction"
    _inherit = ["tracking.binding.mixin", "trackonline.outgoing.mixin", "mail.thread"]
    _order = "date_transaction desc, id desc"
    _rec_name = "transaction_number"
    _trackonline_resource = "transaction"

    backend_id = fields.Many2one("trackonline.backend", required=True, index=True,
                                 ondelete="cascade")
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    transaction_number = fields.Char(index=True, tracking=True,
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
    dock_number = fields.Char()
    area = fields.Char()
    notes = fields.Text()
    internal_notes = fields.Text()
    created_on = fields.Datetime(readonly=True, index=True)
    modified_on = fields.Datetime(readonly=True)
    processed_on = fields.Datetime(readonly=True)
    is_deleted = fields.Boolean(string="Deleted in TrackOnline", readonly=True)
    line_ids = fields.One2many("trackonline.transaction.line", "transaction_id", string="Items")
    scan_ids = fields.One2many("trackonline.transaction.scan", "transaction_id",
                               string="Scanned codes",
                               help="Barcodes or EPC codes TrackOnline turns into items.")
    packaging_label_numbers = fields.Char(
        help="Comma-separated packaging label numbers TrackOnline turns into items.")
    quantity_total = fields.Integer(compute="_compute_quantity_total", store=True)
    is_processed = fields.Boolean(compute="_compute_is_processed", store=True)

    @api.depends("line_ids.quantity")
    def _compute_quantity_total(self):
        for transaction in self:
            transaction.quantity_total = sum(transaction.line_ids.mapped("quantity"))

    @api.depends("status_code")
    def _compute_is_processed(self):
        for transaction in self:
            transaction.is_processed = transaction.status_code == codes.PROCESSED

    # -- from TrackOnline -------------------------------------------------------------------------

    @api.model
    def _save_page(self, backend, run, rows):
        """Upsert one page of transactions with their item lines: the locations and item
        definitions they name are resolved with one search each (stubs created for the new
        ones), the transactions with one search and one create, the lines with one create."""
        valid = [row for row in rows if row.get("id")]
        locations = self.env["trackonline.location"]
        location_ids = locations._resolve_refs(
            backend, [row.get(key) for row in valid for _field, key in LOCATION_ROLES],
            locations._stub)
        items = self.env["trackonline.item.definition"]
        item_ids = items._resolve_refs(
            backend, [line.get("itemDefinition") for row in valid
                      for line in row.get("transactionItems") or []], items._stub)
        records = self._save_rows(backend, run, rows,
                                  lambda row: self._values(row, location_ids, run.error),
                                  required=("id",))
        self.env["trackonline.transaction.line"]._replace_lines(
            records, [row.get("transactionItems") or [] for row in valid], item_ids, run.error)
        return records

    @api.model
    def _values(self, row, location_ids, warn):
        values = {
            "remote_id": row["id"],
            "transaction_number": row.get("transactionNumber") or False,
            "document_number": row.get("documentNumber") or False,
            "reference_number": row.get("referenceNumber") or False,
            "status_code": codes.code(codes.TRANSACTION_STATUSES, row.get("statusCode"), warn,
                                      "transaction status"),
            "type_code": codes.code(codes.TRANSACTION_TYPES, row.get("typeCode"), warn,
                                    "transaction type") or "99",
            "date_transaction": _parse_datetime(row.get("dateTransaction")),
            "date_counterpart": _parse_datetime(row.get("dateTransactionCounterpart")),
            "license_plate": row.get("licensePlate") or False,
            "trailer_number": row.get("trailerNumber") or False,
            "trip_number": row.get("transactionTripNumber") or False,
            "dock_number": row.get("dockNumber") or False,
            "area": row.get("area") or False,
            "notes": row.get("notes") or False,
            "internal_notes": row.get("internalNotes") or False,
            "created_on": _parse_datetime(row.get("createdOn")),
            "modified_on": _parse_datetime(row.get("modifiedOn")),
            "processed_on": _parse_datetime(row.get("processedOn")),
            "is_deleted": bool(row.get("isDeleted")),
        }
        for field, key in LOCATION_ROLES:
            values[field] = location_ids.get((row.get(key) or {}).get("number"), False)
        return values

    # -- to TrackOnline -------------------------------------------------------------------------

    def _to_payload(self):
        self.ensure_one()
        if self.type_code == "80":
            raise UserError(self.env._("TrackOnline does not accept Exchange transactions "
                                       "sent from outside (%s).", self.display_name))
        payload = {
            "statusCode": int(self.status_code) if self.status_code.isdigit() else 0,
            "typeCode": int(self.type_code),
            "transactionNumber": self.transaction_number or None,
            "documentNumber": self.document_number or None,
            "referenceNumber": self.reference_number or None,
            "fromLocation": _ref(self.from_location_id),
            "toLocation": _ref(self.to_location_id),
            "carrier": _ref(self.carrier_id),
            "dateTransaction": _iso(self.date_transaction),
            "dateTransactionCounterpart": _iso(self.date_counterpart),
            "licensePlate": self.license_plate or None,
            "notes": self.notes or None,
            "transactionItems": [line._to_payload() for line in self.line_ids],
        }
        if self.scan_ids:
            payload["scannedItems"] = [{"type": int(scan.code_type), "code": scan.code}
                                       for scan in self.scan_ids]
        labels = comma_list(self.packaging_label_numbers)
        if labels:
            payload["packagingLabelNumbers"] = [{"number": number} for number in labels]
        if self.remote_id:
            payload["id"] = self.remote_id
        return payload

    def action_send(self):
        processed = self.filtered("is_processed")
        if processed:
            raise UserError(self.env._("Processed transactions are read-only in TrackOnline: "
                                       "%s", ", ".join(processed.mapped("display_name"))))
        return super().action_send()

    def action_next_trip_status(self):
        """Move the trips of these transactions to their next status (new -> in progress
        -> processed)."""
        trips = [t for t in set(self.mapped("trip_number")) if t]
        if not trips:
            raise UserError(self.env._("These transactions belong to no trip."))
        backend = self.backend_id[:1]
        with backend._sync_run(self.env._("trip next status")) as run:
            backend._make_client(run.stats).next_trip_status(trips)
            run.message = self.env._("%s trips moved to their next status", len(trips))
        return backend._notify_logs(self.env._("TrackOnline trips"), run.log)


def _ref(location):
    return {"number": location.number} if location else None


def _iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z") if moment else None


class TrackOnlineTransactionScan(models.Model):
    _name = "trackonline.transaction.scan"
    _description = "TrackOnline Scanned Code"

    transaction_id = fields.Many2one("trackonline.transaction", required=True, index=True,
                                     ondelete="cascade")
    company_id = fields.Many2one(related="transaction_id.company_id", store=True)
    code_type = fields.Selection([("0", "Unknown"), ("10", "Barcode"), ("20", "EPC code")],
                                 string="Type", default="10", required=True)
    code = fields.Char(required=True)
