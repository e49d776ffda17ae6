from odoo import api, fields, models

from .tracking_binding_mixin import changed_values


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
        ids, one create for the new contacts, writes only for those that changed."""
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
        partners = self.env["res.partner"].create([
            dict(self._partner_values(c), company_id=backend.company_id.id) for c in new])
        self.create([{"backend_id": backend.id, "remote_id": str(c["id"]), "partner_id": p.id}
                     for c, p in zip(new, partners, strict=True)])
        run.count(created=len(new), updated=updated)
