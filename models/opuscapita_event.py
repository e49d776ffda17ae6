"""OpusCapita transaction events mirrored in Odoo, kept whole as received; the contacts
they name linked, and one activity per transaction in error."""

import json

from markupsafe import escape

from odoo import api, fields, models

from ..mappings import opuscapita as mapping
from .tracking_partner_match import match_partners


class OpusCapitaEvent(models.Model):
    """One transaction event of the Business Network, keyed by its id. The whole event is
    kept as it came (the schema is not public); the fields that exist are lifted into
    columns."""

    _name = "opuscapita.event"
    _remote_entity = mapping.EVENT
    _description = "OpusCapita Transaction Event"
    _inherit = ["tracking.binding.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "event_time desc, id desc"
    _rec_name = "document_number"

    backend_id = fields.Many2one("opuscapita.backend", required=True, index=True,
                                 ondelete="cascade")
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    transaction_id = fields.Char(string="Transaction", index=True)
    document_type = fields.Char(index=True)
    document_number = fields.Char(index=True)
    status = fields.Char(index=True, tracking=True,
                         help="As OpusCapita gives it; a status we do not know is kept as is.")
    status_message = fields.Char(string="Message")
    channel = fields.Char()
    sender_ref = fields.Char(string="Sender ID", index=True)
    sender_name = fields.Char()
    receiver_ref = fields.Char(string="Receiver ID", index=True)
    receiver_name = fields.Char()
    sender_partner_id = fields.Many2one("res.partner", string="Sender", index=True,
                                        ondelete="set null")
    receiver_partner_id = fields.Many2one("res.partner", string="Receiver", index=True,
                                          ondelete="set null")
    event_time = fields.Datetime(index=True)
    created_at = fields.Datetime(string="Created in OpusCapita")
    is_error = fields.Boolean(string="In error", index=True, compute="_compute_is_error",
                              store=True, help="The status is one of the backend's error statuses.")
    error_rate = fields.Float(string="Error rate (%)", compute="_compute_is_error", store=True,
                              aggregator="avg", digits=(5, 1),
                              help="100 for an event in error, 0 otherwise: its average over "
                                   "a group of events is the group's error rate.")
    error_notified = fields.Boolean(readonly=True, copy=False,
                                    help="An activity was raised for this event's transaction.")
    raw = fields.Text(string="Event as received", readonly=True)
    raw_pretty = fields.Text(string="Event as received (indented)", compute="_compute_raw_pretty")

    @api.depends("raw")
    def _compute_raw_pretty(self):
        for event in self:
            try:
                event.raw_pretty = json.dumps(json.loads(event.raw), ensure_ascii=False,
                                              indent=2, sort_keys=True)
            except (TypeError, ValueError):
                event.raw_pretty = event.raw

    @api.depends("status", "backend_id.error_statuses")
    def _compute_is_error(self):
        for event in self:
            event.is_error = (event.status or "").lower() in event.backend_id._error_status_set()
            event.error_rate = 100.0 if event.is_error else 0.0

    # -- from OpusCapita --------------------------------------------------------------------

    @api.model
    def _import_after_save(self, backend, run, records, rows):
        """Link senders and receivers to contacts; events in error raise one activity per
        transaction."""
        records._link_partners(backend)
        records.filtered("is_error")._raise_activities(backend)

    def _link_partners(self, backend):
        """Sender and receiver by their id, taken as a reference, then as a VAT number
        (``match_partners``: the backend's company's contacts and the shared ones only)."""
        if not any(self.mapped("sender_ref") + self.mapped("receiver_ref")):
            return
        matches = match_partners(self.env, backend.company_id, [
            {"ref": ref, "vat": ref}
            for event in self for ref in (event.sender_ref, event.receiver_ref)])
        for event, sender, receiver in zip(self, matches[::2], matches[1::2], strict=True):
            if event.sender_partner_id != sender or event.receiver_partner_id != receiver:
                event.write({"sender_partner_id": sender.id, "receiver_partner_id": receiver.id})

    def _raise_activities(self, backend):
        """One activity per transaction in error, whatever the number of events and syncs."""
        pending = self.filtered(lambda e: not e.error_notified)
        if not pending:
            return
        notified = set(self.search([
            ("backend_id", "=", backend.id), ("error_notified", "=", True),
            ("transaction_id", "in", list(set(pending.mapped("transaction_id"))))
        ]).mapped("transaction_id"))
        # A real person: never OdooBot (the cron's user), who reads no activity.
        user = backend.responsible_id or backend.create_uid
        if not user or user == self.env.ref("base.user_root"):
            user = self.env.ref("base.user_admin", raise_if_not_found=False) or user
        for event in pending:
            key = event.transaction_id or event.remote_id
            if key in notified:
                continue
            notified.add(key)
            event.activity_schedule(
                "mail.mail_activity_data_todo", user_id=user.id,
                summary=self.env._("%(type)s %(number)s: %(status)s",
                                   type=event.document_type or "",
                                   number=event.document_number or key, status=event.status),
                # The remote's message is text, never markup: escaped, so that no link or
                # image it holds survives into the note.
                note=escape(event.status_message) if event.status_message else False)
            event.error_notified = True
