"""A TrackOnline record Odoo can send: checked, sent in batches, followed to saved (with
the remote id) or not saved (with TrackOnline's message, and a place in the items to
retry)."""

from functools import reduce

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..clients.base import ApiError, AuthError, RateLimited, batches
from ..clients.trackonline import MAX_BATCH
from ..mappings import trackonline_rules as rules
from .tracking_access import MANAGER_GROUP, USER_GROUP, check_group
from .tracking_binding_mixin import SYNC_WRITE, SyncWriter
from .tracking_failed_unit import may_pass, record_key
from .tracking_messages import _lt, lazy_text, lazy_to_json
from .tracking_sync_log import commit
from .trackonline_resources import list_variants

# Send states in which the record is Odoo's to edit (a draft, or one TrackOnline refused).
EDITABLE_STATES = ("draft", "rejected", "error")
# The resource of a record kept to send again (``tracking.failed.unit``): "send location".
SEND_RESOURCE = "send %s"


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
    # How a saved record is found again by what was sent when its save result carries no id:
    # (GET filter of the public document, Odoo field, key of the remote row); None: no filter.
    _trackonline_lookup = ("Number", "number", "number")

    def _to_payload(self):
        """The record as Odoo builds it for TrackOnline (the mapping's payload)."""
        raise NotImplementedError

    def _send_payload(self):
        """What a send of this record carries (a record TrackOnline holds: see
        ``trackonline.local.edit.mixin``)."""
        return self._to_payload()

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

    # -- sending, and keeping what was not sent or saved ------------------------------------------

    def _send_batches(self, run, client):
        """POST these records in batches of 50, each batch in a step (``_post``). Those
        TrackOnline holds are read again first (``_read_again``); a record TrackOnline does
        not take as it is is Failed without a call (``_sendable``)."""
        records = self._read_again(run, client)._sendable(run)
        records._before_send()
        # What finds a record again is committed before its call: a worker killed during the
        # call leaves it, and the next send looks the record up (``_maybe_sent``).
        commit(self.env)
        stopped = None
        for number, batch in enumerate(batches(records, MAX_BATCH), 1):
            with run.step(self.env._("batch %s", number)):
                stopped = batch._post(run, client, stopped)

    def _read_again(self, run, client):
        """Of these records about to be sent, those to send once what TrackOnline holds of
        them is read again (see ``trackonline.local.edit.mixin``): here, all."""
        return self

    def _post(self, run, client, stopped=None):
        """POST these records (one batch) and note each record's message ID and place in its
        batch. A batch refused with a 400 (TrackOnline refuses data of it without saying
        which record's) is split: each half is sent on its own, down to the one record
        refused, so that one bad record never holds back the others. A call that fails fails
        the run with the remote's message, and its records, left as they were, are kept one
        by one (``_not_saved``): to send again when the failure may pass, Failed otherwise.
        Once ``stopped`` (the error of the call budget or the API key that stopped an earlier
        batch), they are kept without a call. Returns the error that stops the next batches,
        or None."""
        if stopped:
            self._not_saved(run, run.error_message(stopped), final=not may_pass(stopped),
                            unsent=True)
            return stopped
        try:
            message_id = client.save(self._trackonline_resource,
                                     [record._send_payload() for record in self])[0]
        except ApiError as exc:
            if exc.status == 400 and len(self) > 1:
                half = (len(self) + 1) // 2
                return self[half:]._post(run, client, self[:half]._post(run, client))
            if not run.fatal:
                run.fail(exc)
            self._not_saved(run, run.error_message(exc), final=not may_pass(exc), unsent=True)
            return exc if isinstance(exc, (RateLimited, AuthError)) else None
        for position, record in enumerate(self):
            record.write({"send_state": "sent", "message_id": message_id,
                          "batch_position": position, "send_message": False})
        # items to retry of these records wait for the save result, not for a time.
        self._items_to_retry().write({"next_attempt": False})
        run.count(updated=len(self))
        return None

    def _sendable(self, run):
        """These records but those TrackOnline does not accept as they are (``_refusal``):
        each kept as Failed with the reason, for a user, without a call and without holding
        back the others of its batch."""
        refused = self.browse()
        for record in self:
            try:
                why = record._refusal(record._send_payload())
            except UserError as exc:
                why = exc.args[0]
            if why:
                with run.step(record.display_name):
                    record._not_saved(run, why, final=True)
                refused |= record
        return self - refused

    def _refusal(self, payload):
        """Why TrackOnline would refuse this record as ``payload`` carries it (words), or
        None: the rules of its document (``mappings/trackonline_rules.py``: lengths,
        required keys, dates, types) and item definitions TrackOnline does not hold
        (``_unsent_item_definitions``)."""
        reasons = [self._problem_message(problem) for problem in
                   rules.problems(self._trackonline_resource, payload)]
        unsent = self._unsent_item_definitions()
        if unsent:
            reasons.insert(0, _lt(
                "Item definition %s was made in Odoo and is not in TrackOnline (Odoo does not "
                "send item definitions): create it in TrackOnline, sync the item definitions "
                "and choose it here.", ", ".join(unsent.mapped("display_name"))))
        if not reasons:
            return None
        return _lt("Not sent: %s Correct it and send it again.",
                   reduce(lambda first, second: _lt(
                       "%(first)s %(second)s", first=first, second=second), reasons))

    def _unsent_item_definitions(self):
        """The item definitions this record names that TrackOnline does not hold: made in
        Odoo (no remote id), never sent (Odoo keeps item definitions as mirrors)."""
        return self.env["trackonline.item.definition"]

    def _problem_message(self, problem):
        """What a user reads for a broken rule of the document (``rules.Problem``)."""
        field = self._field_of_key(problem.key)
        label = field._description_string(self.env) if field else problem.key
        if problem.rule == "length":
            return _lt("%(field)s has %(length)s characters, more than the %(limit)s "
                       "TrackOnline takes.", field=label, length=problem.value,
                       limit=problem.limit)
        if problem.rule == "required":
            return _lt("%s is empty, and TrackOnline requires it.", label)
        if problem.rule == "range":
            return _lt("%(field)s is %(value)s, and TrackOnline takes from %(low)s to "
                       "%(high)s.", field=label, value=problem.value, low=problem.limit[0],
                       high=problem.limit[1])
        if problem.rule == "dates":
            return _lt("The delivery date is before the shipping date, and TrackOnline does "
                       "not save such a transaction.")
        names = dict(field._description_selection(self.env)) if field else {}
        return _lt("TrackOnline does not accept %s transactions sent from outside.",
                   names.get(problem.value, problem.value))

    def _field_of_key(self, key):
        """The Odoo field of a remote key of the rules ("city", "deviceIds[].deviceId":
        its first part, in any case), or None."""
        head = key.split("[]", 1)[0].lower()
        entity = self._remote_entity
        for candidate in (key.lower(), head, head.split(".", 1)[0]):
            for field in entity.fields if entity else ():
                if field.key.lower() == candidate and field.name in self._fields:
                    return self._fields[field.name]
        return None

    def _before_send(self):
        """Give these records what finds them again in TrackOnline, when they lack it."""

    def _maybe_sent(self):
        """Whether an earlier send of this record, of which nothing else is known, may have
        reached TrackOnline: it is looked up before it is sent (``_taken_already``)."""
        return False

    def _items_to_retry(self):
        """The open items to retry of these records (``_not_saved``)."""
        items = self.env["tracking.failed.unit"].sudo()
        if not self:
            return items
        return items.search([("backend_id", "in", self.backend_id.tracking_backend_id.ids),
                             ("resource", "=", SEND_RESOURCE % self._trackonline_resource),
                             ("remote_key", "in", [record_key(r) for r in self]),
                             ("state", "in", ("retry", "failed"))])

    def _not_saved(self, run, message, final=False, unsent=False):
        """These records were not saved in TrackOnline (``message`` says why): each kept as a
        ``tracking.failed.unit`` with its payload, to send again after the backoff, or, when
        ``final`` (a refusal of the data), Failed at once for a user to correct and retry.
        Records ``unsent`` (their batch's call failed) keep their send state. ``message``:
        words (``_lt``), or the remote's text."""
        values = {"send_message": str(lazy_text(lazy_to_json(message), self.env.lang))[:250]}
        if not unsent:
            values["send_state"] = "rejected" if final else "error"
        self.write(values)
        run.count(failed=len(self))
        items = self.env["tracking.failed.unit"]
        for record in self:
            text = _lt("%(record)s: %(message)s", record=record.display_name, message=message)
            run.error(text)
            try:
                payload = record._send_payload()
            except UserError:  # refused here (``_sendable``): kept without one
                payload = None
            items._add_to_retry(run, SEND_RESOURCE % record._trackonline_resource,
                                record_key(record), payload, text, kind="send", final=final)

    @api.model
    def _send_again(self, backend, run, client, items):
        """Kept records to send (``items``) sent again, model by model in the order they are
        saved; those waiting for a save result are left to it; a record deleted in Odoo ends
        its item (ignored, saying so)."""
        by_model = {}
        for item in items:
            record = item._record()
            if not record:
                item.write({"state": "ignored", "next_attempt": False,
                            "ignore_reason": self.env._("The record no longer exists in "
                                                        "Odoo.")})
            elif record.send_state != "sent":
                by_model.setdefault(record._name, record.browse())
                by_model[record._name] |= record
        for model in backend._outgoing_models():
            if model in by_model:
                records = by_model[model].with_context(**{SYNC_WRITE: SyncWriter})
                records._taken_already(run, client)._send_batches(run, client)

    def _result_number(self):
        """This record's number as a save result names it, or "" (none to match by)."""
        field = self._trackonline_number_field or ("number" if "number" in self._fields
                                                   else None)
        return str(field and self[field] or "").strip().lower()

    def _results_by_record(self, results):
        """Each record of one batch with its result: the result that names it (its id or
        its number, in any case), else the result at its place in the batch unless another
        record took it (a new record's id and number are TrackOnline's: only its place
        tells). The document does not say results come in batch order."""
        def key(value):
            return str(value or "").strip().lower()

        found, claimed = {}, set()
        for record in self:
            remote_id, number = key(record.remote_id), record._result_number()
            for index, result in enumerate(results):
                if index not in claimed and (
                        (remote_id and key(result["id"]) == remote_id)
                        or (number and key(result["number"]) == number)):
                    found[record.id] = result
                    claimed.add(index)
                    break
        for record in self.filtered(lambda r: r.id not in found):
            index = record.batch_position
            if index < len(results) and index not in claimed:
                found[record.id] = results[index]
                claimed.add(index)
        return found

    def _apply_results(self, run, client, results):
        """Give each record of one batch its result (``_results_by_record``): saved marks
        its item to retry done; a refusal is kept (see ``_not_saved``). A record saved without
        its id in the result is read back by its number (``_look_up_remote_id``): without
        the id a later sync would add a copy of it."""
        matched = self._results_by_record(results)
        for record in self:
            result = matched.get(record.id)
            if result is None:
                record._not_saved(run, _lt("TrackOnline returned no result for this record."))
            elif result["success"]:
                values = {"send_state": "saved", "send_message": result["message"] or False}
                if result["id"] and not record.remote_id:
                    values["remote_id"] = str(result["id"])
                number_field = record._trackonline_number_field
                if number_field and result["number"] and not record[number_field]:
                    values[number_field] = str(result["number"])
                record.write(values)
                if not record.remote_id and not record._look_up_remote_id(run, client):
                    continue
                record._items_to_retry()._mark_done()
                run.count(updated=1)
            else:
                # Final unless the result says it may pass (``refusal_may_pass``).
                record._not_saved(run, str(result["message"] or "")
                                  or _lt("refused without a message"),
                                  final=not result.get("passing"))

    # -- finding a sent record again in TrackOnline ----------------------------------------------

    def _look_up_key(self):
        """(GET filter, Odoo field, remote key) that finds this record in TrackOnline by
        what was sent, or None."""
        return self._trackonline_lookup

    def _look_up_params(self, param, value):
        return {param: value}

    def _remote_rows(self, client):
        """TrackOnline's rows (by id) that match this record by what was sent, read on every
        page (a filter on part of a name may match more than a page holds); None when there
        is nothing to look it up by. Raises ``ApiError``."""
        param, field, key = self._look_up_key() or (None, None, None)
        value = param and self[field]
        if not value:
            return None
        # Disabled and inactive records too: one not found would be sent again, a copy.
        resource = self._trackonline_resource
        return {str(row["id"]): row
                for variant in list_variants(resource, self._look_up_params(param, value))
                for _number, rows in client.pages(resource, variant)
                for row in rows if str(row.get(key)) == value and row.get("id")}

    def _look_up_remote_id(self, run, client):
        """Read this saved record back by what was sent and note TrackOnline's id; True
        when found. Not found once exactly (or the call failed), it is kept to send again: a
        send of the same number updates the same remote record (no copy)."""
        try:
            rows = self._remote_rows(client)
        except ApiError as exc:
            rows, why = None, exc.message
        else:
            why = (_lt("nothing to look it up by") if rows is None else
                   _lt("%s records of that number found", len(rows)))
        if rows and len(rows) == 1:
            self.write({"remote_id": next(iter(rows))})
            return True
        self._not_saved(run, _lt(
            "TrackOnline saved it but its result holds no id, and reading it back failed "
            "(%s): it is sent again by its number.", why))
        return False

    def _would_copy(self):
        """Whether a second send of this record would make a second remote record (nothing
        in it names the first one: no id, no number)."""
        return False

    def _taken_already(self, run, client):
        """Of these records about to be sent (again), those TrackOnline took already (a kept
        send whose answer or save result was lost) and that a second send would copy: found
        by what was sent (``_remote_rows``), marked saved and not sent. Returns the records
        to send. One that cannot be looked up now waits for the next attempt; one that
        matches several remote records waits for a user. Records never tried (no kept
        unit, nothing a send gave them) are not looked up."""
        to_send = self.browse()
        tried = set(self.filtered(lambda r: r._would_copy())._items_to_retry().mapped(
            "remote_key"))
        for record in self:
            if not record._would_copy() or (record_key(record) not in tried
                                            and not record._maybe_sent()):
                to_send |= record
                continue
            try:
                rows = record._remote_rows(client)
            except ApiError as exc:
                record._not_saved(run, _lt(
                    "Not sent again: TrackOnline may hold it already, and looking it up failed "
                    "(%s).", run.error_message(exc)), unsent=True)
                continue
            if not rows:
                to_send |= record
            elif len(rows) == 1:
                remote_id, row = next(iter(rows.items()))
                record._taken(remote_id, row)
                run.count(updated=1)
            else:
                record._not_saved(run, _lt(
                    "Not sent again: TrackOnline holds %s records that match it. Check them: "
                    "ignore this item if one of them is it, or clear its reference number to "
                    "send it as a new one.", len(rows)), final=True,
                    unsent=True)
        return to_send

    def _taken(self, remote_id, row):
        """TrackOnline holds this record (``row``, found by what was sent): saved."""
        self.write({"send_state": "saved", "remote_id": remote_id,
                    "send_message": self.env._("Found in TrackOnline: not sent twice.")})
        self._items_to_retry()._mark_done()

    @api.model
    def _send_drafts(self, records, resource):
        for backend in records.backend_id:
            backend._send(records.filtered(lambda r, b=backend: r.backend_id == b), resource)

    def action_delete_draft(self):
        """A manager's (who alone may delete): delete these drafts, never sent (TrackOnline
        holds no copy of them), and show the list. Odoo's own Delete is not offered on these
        screens, where most records are copies of TrackOnline's, which a user cannot delete
        (``_unlink_except_mirrored``)."""
        check_group(self, MANAGER_GROUP, "unlink")
        sent = self.filtered(lambda r: not r.remote_id and r.send_state == "sent")
        if sent:
            raise UserError(self.env._(
                "%s went to TrackOnline already: it is no draft and stays in Odoo.",
                ", ".join(sent[:5].mapped("display_name"))))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "tracking_connector.action_%s" % self._name.replace(".", "_"))
        self.unlink()
        return dict(action, target="main")

    def action_send(self):
        check_group(self, USER_GROUP, "write")
        records = self.filtered(lambda r: r.send_state in (False, *EDITABLE_STATES)
                                and not r.remote_locked)
        if not records:
            raise UserError(self.env._(
                "Nothing to send: %s are copies of TrackOnline's records, sent already or "
                "waiting for their result.", ", ".join(self.mapped("display_name")[:5])))
        self._send_drafts(records, self._trackonline_resource)
        logs = self.env["tracking.sync.log"].search(
            [("backend_id", "in", records.backend_id.tracking_backend_id.ids)],
            limit=len(records.backend_id))
        return self.backend_id[:1]._notify_logs(self.env._("Sending to TrackOnline"), logs)
