from odoo import api, fields, models
from odoo.exceptions import UserError

# Send states in which the record is Odoo's to edit (a draft, or one TrackOnline refused).
EDITABLE_STATES = ("draft", "rejected", "error")


class TrackOnlineOutgoingMixin(models.AbstractModel):
    """A TrackOnline record that Odoo can send: draft -> sent (message ID, place in its
    batch) -> saved (with the remote id) or rejected (with TrackOnline's message)."""

    _name = "trackonline.outgoing.mixin"
    _inherit = ["tracking.binding.mixin"]
    _description = "TrackOnline record sent from Odoo (shared)"

    send_state = fields.Selection(
        [("draft", "To send"), ("sent", "Sent, waiting for the result"), ("saved", "Saved"),
         ("rejected", "Rejected"), ("error", "Error")],
        string="Sending", readonly=True, copy=False, index=True)
    send_message = fields.Char(string="TrackOnline says", readonly=True, copy=False)
    message_id = fields.Char(string="Message ID", readonly=True, copy=False, index=True)
    batch_position = fields.Integer(readonly=True, copy=False)

    # The field of the number TrackOnline gives a record sent without one (None: a number
    # is always sent).
    _trackonline_number_field = None

    def _to_payload(self):
        raise NotImplementedError

    @api.depends("remote_id", "send_state")
    def _compute_remote_locked(self):
        """A record drafted in Odoo is editable until it is sent; one saved in TrackOnline
        or mirrored from it is TrackOnline's (unless edited locally: send state draft)."""
        for record in self:
            record.remote_locked = record.send_state == "sent" or bool(
                record.remote_id and record.send_state not in EDITABLE_STATES)

    @api.model
    def _connector_fields(self):
        return super()._connector_fields() | {"send_state", "send_message", "message_id",
                                              "batch_position"}

    def _apply_results(self, run, results):
        """Give each record of one batch its result (results are in batch order)."""
        for record in self:
            result = (results[record.batch_position]
                      if record.batch_position < len(results) else None)
            if result is None:
                record.write({"send_state": "error",
                              "send_message": self.env._("TrackOnline returned no result for "
                                                         "this record.")})
                run.count(failed=1)
            elif result["success"]:
                values = {"send_state": "saved", "send_message": result["message"] or False}
                if result["id"] and not record.remote_id:
                    values["remote_id"] = str(result["id"])
                number_field = record._trackonline_number_field
                if number_field and result["number"] and not record[number_field]:
                    values[number_field] = str(result["number"])
                record.write(values)
                run.count(updated=1)
            else:
                record.write({"send_state": "rejected", "send_message": result["message"]})
                run.count(failed=1)
                run.error("%s: %s" % (record.display_name, result["message"]))

    @api.model
    def _send_drafts(self, records, resource):
        for backend in records.backend_id:
            backend._send(records.filtered(lambda r, b=backend: r.backend_id == b), resource)

    def action_send(self):
        records = self.filtered(lambda r: r.send_state in (False, *EDITABLE_STATES)
                                and not r.remote_locked)
        if not records:
            raise UserError(self.env._(
                "Nothing to send: %s are copies of TrackOnline's records, sent already or "
                "waiting for their result.", ", ".join(self.mapped("display_name")[:5])))
        self._send_drafts(records, self._trackonline_resource)
        logs = self.env["tracking.sync.log"].search(
            [("backend_model", "=", "trackonline.backend"),
             ("backend_id", "in", records.backend_id.ids)], limit=len(records.backend_id))
        return self.backend_id[:1]._notify_logs(self.env._("Sent to TrackOnline"), logs)
