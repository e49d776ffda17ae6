"""Sage 50 customers and the Odoo contact each one is, keyed by the Sage id."""

from odoo import api, fields, models

from .tracking_binding_mixin import changed_values
from .tracking_partner_match import create_partners, match_partners, write_partner


class Sage50Partner(models.Model):
    """A Sage 50 customer and the contact it is in Odoo, keyed by the Sage id."""

    _name = "sage50.partner"
    _description = "Sage 50 Customer"
    _inherit = ["tracking.binding.mixin"]

    backend_id = fields.Many2one("sage50.backend", required=True, index=True,
                                 ondelete="cascade")
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", required=True, index=True, ondelete="cascade")
    absent_since = fields.Datetime(
        string="Not in Sage 50 since", readonly=True, copy=False,
        help="Set when a full Customers file from Sage 50 no longer holds this customer "
             "(deleted or merged there; the contact stays in Odoo); cleared when a file holds "
             "it again. The backend's setting \"Mark customers no longer in Sage 50\".")

    @api.model
    def _mark_absent(self, backend, held_ids):
        """A full Customers file of ``backend`` holds the customers ``held_ids`` (Sage's ids):
        mark the others as no longer in Sage 50 (their contacts stay), and clear the mark of
        those it holds. Returns the number newly marked."""
        held = [str(key) for key in held_ids]
        came_back = self.search([("backend_id", "=", backend.id), ("absent_since", "!=", False),
                                 ("remote_id", "in", held)])
        came_back.write({"absent_since": False})
        gone = self.search([("backend_id", "=", backend.id), ("absent_since", "=", False),
                            ("remote_id", "not in", held)])
        gone.write({"absent_since": fields.Datetime.now()})
        return len(gone)

    @api.depends("partner_id.display_name", "remote_id")
    def _compute_display_name(self):
        """The contact's name and the customer's Sage 50 id."""
        for customer in self:
            customer.display_name = "%s (%s)" % (customer.partner_id.display_name or "",
                                                 customer.remote_id)

    @api.model
    def _upsert(self, backend, values_list):
        """Values of contacts read from Sage customers (``mappings.sage50.CUSTOMER``, with
        the Sage id as ``remote_id``): one contact per Sage customer id. One search for the
        page's ids; a customer new to this backend is linked to the contact it matches
        (``match_partners``: its id as Reference, then its id number as Tax ID) unless that
        contact is already another customer's, else created, all new ones with one create;
        writes only for contacts that changed. Returns ``(bindings, created, updated)``."""
        by_key = {str(values["remote_id"]): dict(values) for values in values_list}
        for values in by_key.values():
            values.pop("remote_id")
        bindings = self.search([("backend_id", "=", backend.id),
                                ("remote_id", "in", list(by_key))])
        by_id = {binding.remote_id: binding for binding in bindings}
        new = [key for key in by_key if key not in by_id]
        updated = 0
        for key, binding in by_id.items():
            changes = changed_values(binding.partner_id, by_key[key])
            if changes:
                write_partner(binding.partner_id, changes)
                updated += 1
        matches = match_partners(self.env, backend.company_id, [
            {"ref": key, "vat": by_key[key].get("vat")} for key in new])
        taken = set(self.search([("backend_id", "=", backend.id),
                                 ("partner_id", "in", [p.id for p in matches if p])]
                                ).mapped("partner_id").ids)
        matched, to_create = [], []
        for key, partner in zip(new, matches, strict=True):
            if partner and partner.id not in taken:
                taken.add(partner.id)
                changes = changed_values(partner, by_key[key])
                if changes:
                    write_partner(partner, changes)
                matched.append((key, partner))
            else:
                to_create.append(key)
        partners = create_partners(self.env, [
            dict(by_key[key], company_id=backend.company_id.id) for key in to_create])
        new_bindings = self.create([
            {"backend_id": backend.id, "remote_id": key, "partner_id": partner.id}
            for key, partner in matched + list(zip(to_create, partners, strict=True))])
        found = {binding.remote_id: binding for binding in bindings | new_bindings}
        records = self.browse([found[str(values["remote_id"])].id for values in values_list])
        return records, len(to_create), updated + len(matched)
