from odoo import api, fields, models

from .tracking_binding_mixin import changed_values
from .tracking_partner_match import match_partners


class Sage50Partner(models.Model):
    """A Sage 50 customer and the contact it is in Odoo, keyed by the Sage id."""

    _name = "sage50.partner"
    _description = "Sage 50 Customer"
    _inherit = ["tracking.binding.mixin"]

    backend_id = fields.Many2one("sage50.backend", required=True, index=True,
                                 ondelete="cascade")
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", required=True, index=True, ondelete="cascade")

    @api.model
    def _partner_values(self, customer):
        name = " ".join(filter(None, (customer.get("firstName"), customer.get("lastName"))))
        address = (customer.get("addresses") or [{}])[0] or {}
        return {
            "name": name or customer.get("email") or customer["id"],
            "email": customer.get("email") or False,
            "vat": customer.get("idNumber") or False,
            "street": address.get("address1") or False,
            "street2": address.get("address2") or False,
            "city": address.get("city") or False,
            "zip": address.get("postCode") or False,
            "phone": address.get("telephone1") or False,
        }

    @api.model
    def _import(self, backend, run, customers):
        """Create or update one contact per Sage customer id: one search for the page of
        ids; a customer new to this backend is linked to the contact it matches
        (``match_partners``: its id as Reference, then its id number as Tax ID) unless that
        contact is already another customer's, else created, all new ones with one create;
        writes only for contacts that changed."""
        valid = [c for c in customers if c.get("id")]
        if len(valid) < len(customers):
            run.count(skipped=len(customers) - len(valid))
            run.error(self.env._("%s customers without id skipped", len(customers) - len(valid)))
        bindings = self.search([("backend_id", "=", backend.id),
                                ("remote_id", "in", [str(c["id"]) for c in valid])])
        by_id = {binding.remote_id: binding for binding in bindings}
        new = [c for c in valid if str(c["id"]) not in by_id]
        updated = 0
        for customer in valid:
            binding = by_id.get(str(customer["id"]))
            if binding:
                changes = changed_values(binding.partner_id, self._partner_values(customer))
                if changes:
                    binding.partner_id.write(changes)
                    updated += 1
        matches = match_partners(self.env, backend.company_id, [
            {"ref": str(c["id"]), "vat": c.get("idNumber")} for c in new])
        taken = set(self.search([("backend_id", "=", backend.id),
                                 ("partner_id", "in", [p.id for p in matches if p])]
                                ).mapped("partner_id").ids)
        matched, to_create = [], []
        for customer, partner in zip(new, matches, strict=True):
            if partner and partner.id not in taken:
                taken.add(partner.id)
                changes = changed_values(partner, self._partner_values(customer))
                if changes:
                    partner.write(changes)
                matched.append((customer, partner))
            else:
                to_create.append(customer)
        partners = self.env["res.partner"].create([
            dict(self._partner_values(c), company_id=backend.company_id.id) for c in to_create])
        self.create([{"backend_id": backend.id, "remote_id": str(c["id"]), "partner_id": p.id}
                     for c, p in matched + list(zip(to_create, partners, strict=True))])
        run.count(created=len(to_create), updated=updated + len(matched))
