"""The Sage 50 onboarding dialog: register (or enter the ids Sage mailed), then generate a
passcode for the Sage 50 user to type in."""

from odoo import fields, models
from odoo.exceptions import UserError

from ..models.tracking_access import MANAGER_GROUP, check_group


class Sage50OnboardingWizard(models.TransientModel):
    """A manager's way to an API key: register (or enter the ids Sage mailed), then generate
    a passcode for the Sage 50 user to type in."""

    _name = "sage50.onboarding.wizard"
    _description = "Sage 50 onboarding"

    backend_id = fields.Many2one("sage50.backend", required=True)
    mode = fields.Selection([("register", "Register as a new developer"),
                             ("existing", "I have a developer ID and an application ID")],
                            default="register", required=True)
    developer_name = fields.Char(default=lambda self: self.env.user.name)
    developer_email = fields.Char(default=lambda self: self.env.user.email)
    company_name = fields.Char(default=lambda self: self.env.company.name)
    developer_id = fields.Char(string="Developer ID")
    application_id = fields.Char(string="Application ID")
    registration_url = fields.Char(related="backend_id.registration_url")
    passcode = fields.Char(readonly=True)
    passcode_expires = fields.Char(readonly=True)
    passcode_expires_at = fields.Datetime(related="backend_id.passcode_expires_at",
                                          string="Passcode valid until")
    onboarding_state = fields.Selection(related="backend_id.onboarding_state")

    def _reopen(self):
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "name": self.env._("Sage 50 onboarding"), "view_mode": "form", "target": "new"}

    def action_register(self):
        check_group(self, MANAGER_GROUP, "write")
        self.ensure_one()
        check_group(self.backend_id, MANAGER_GROUP, "write")
        if not self.developer_email:
            raise UserError(self.env._("An email address is needed: Sage mails the ids there."))
        run = self.backend_id._register_developer(self.developer_name, self.developer_email,
                                                  self.company_name)
        run.raise_if_failed()
        self.mode = "existing"
        return self._reopen()

    def action_passcode(self):
        check_group(self, MANAGER_GROUP, "write")
        self.ensure_one()
        check_group(self.backend_id, MANAGER_GROUP, "write")
        backend = self.backend_id.sudo()
        if self.developer_id:
            backend.developer_id = self.developer_id.strip()
        if self.application_id:
            backend.application_id = self.application_id.strip()
        if not backend.developer_id or not backend.application_id:
            raise UserError(self.env._("Enter the developer ID and the application ID Sage "
                                       "mailed you."))
        run = self.backend_id._generate_passcode()
        run.raise_if_failed()
        self.write({"passcode": backend.passcode, "passcode_expires": backend.passcode_expires})
        return self._reopen()
