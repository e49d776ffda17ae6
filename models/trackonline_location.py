"""TrackOnline locations, matched to Odoo contacts, and the contacts sent to TrackOnline as
locations."""

from odoo import api, fields, models

from ..mappings import trackonline as mapping
from ..mappings import trackonline_codes as codes
from .tracking_access import USER_GROUP, check_group
from .tracking_partner_match import create_partners, match_partners
from .trackonline_unique_item import count_unique_items, open_unique_items


class TrackOnlineLocation(models.Model):
    _name = "trackonline.location"
    _description = "TrackOnline Location"
    _inherit = ["trackonline.local.edit.mixin", "mail.thread"]
    _order = "number, id"
    _trackonline_resource = "location"
    _remote_entity = mapping.LOCATION

    backend_id = fields.Many2one("trackonline.backend", required=True, index=True,
                                 ondelete="cascade")
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Contact", index=True,
                                 ondelete="set null", tracking=True)
    number = fields.Char(required=True, index=True, tracking=True)
    name = fields.Char(required=True, tracking=True)
    name_short = fields.Char(string="Short name")
    type = fields.Selection(codes.LOCATION_TYPES, default="1", required=True)
    hierarchy_level = fields.Selection(codes.HIERARCHY_LEVELS, readonly=True)
    parent_number = fields.Char(readonly=True)
    parent_name = fields.Char(readonly=True)
    address_line = fields.Char()
    postal_code = fields.Char()
    city = fields.Char()
    state_or_province = fields.Char()
    country = fields.Char()
    telephone = fields.Char()
    mobile = fields.Char()
    email = fields.Char()
    gln = fields.Char(string="Global location number")
    coc_number = fields.Char(string="Chamber of commerce number")
    vat = fields.Char(string="VAT number")
    lei = fields.Char(string="Legal entity identifier")
    latitude = fields.Float(digits=(10, 7))
    longitude = fields.Float(digits=(10, 7))
    gps_radius = fields.Integer(string="GPS radius (m)")
    language = fields.Selection(codes.LANGUAGES)
    geofence = fields.Integer(string="Geofence (m)")
    balance_operation_mode = fields.Selection(codes.BALANCE_MODES)
    is_enabled = fields.Boolean(string="Enabled", default=True)
    tags = fields.Char()
    website_url = fields.Char(string="Website")
    created_on = fields.Datetime(readonly=True)
    modified_on = fields.Datetime(readonly=True)
    unique_item_count = fields.Integer(compute="_compute_unique_item_count")
    balance_ids = fields.One2many("trackonline.balance", "location_id", string="Balances",
                                  readonly=True)

    def _compute_unique_item_count(self):
        count_unique_items(self, "location_id")

    def action_view_unique_items(self):
        check_group(self, USER_GROUP)
        return open_unique_items(self, "location_id")

    @api.depends("number", "name")
    def _compute_display_name(self):
        for location in self:
            location.display_name = "[%s] %s" % (location.number, location.name)

    # -- from TrackOnline ----------------------------------------------------------------------

    _stub_entity = mapping.LOCATION

    @api.model
    def _import_after_save(self, backend, run, records, rows):
        """Link the new locations to contacts."""
        result = super()._import_after_save(backend, run, records, rows)
        records.filtered(lambda r: not r.partner_id)._match_partners(backend)
        return result

    def _match_partners(self, backend):
        """Link each location to its contact (``match_partners``: its number, then its GLN,
        then its VAT number); create one when the backend says so."""
        if not self:
            return
        matches = match_partners(self.env, backend.company_id, [
            {"ref": location.number, "gln": location.gln, "vat": location.vat}
            for location in self])
        to_create = self.browse()
        for location, partner in zip(self, matches, strict=True):
            if partner:
                location.partner_id = partner
            elif backend.create_partners:
                to_create |= location
        if to_create:
            new = create_partners(self.env, [
                dict(location._partner_values(), company_id=backend.company_id.id)
                for location in to_create])
            for location, partner in zip(to_create, new, strict=True):
                location.partner_id = partner

    def _partner_values(self):
        return dict(mapping.partner_from_location(self), company_id=self.company_id.id)

    # -- to TrackOnline -------------------------------------------------------------------------

    def _to_payload(self):
        self.ensure_one()
        return mapping.LOCATION.payload(self)

    @api.model
    def _linked_to(self, backend, partners):
        """The locations of ``backend`` linked to ``partners``, by contact."""
        existing = self.search([("backend_id", "=", backend.id),
                                ("partner_id", "in", partners.ids)])
        return {location.partner_id: location for location in existing}

    @api.model
    def _from_partners(self, backend, partners):
        """Draft locations for contacts. A location linked to its contact already is edited
        locally with what the contact owns (``location_from_partner``): it keeps its number
        and its type (other systems post by that number; a supplier stays a supplier)."""
        by_partner = self._linked_to(backend, partners)
        records = self.browse()
        for partner in partners:
            location = by_partner.get(partner)
            if location:
                location.action_edit_locally()
                location.write(mapping.location_from_partner(partner))
            else:
                location = self.create(dict(mapping.new_location_from(partner),
                                            backend_id=backend.id, send_state="draft",
                                            partner_id=partner.id))
            records |= location
        return records

    @api.model
    def _changes_from_partners(self, backend, partners):
        """What ``_from_partners`` would change, by contact, before anything is written:
        ``(partner, location or None, [(field label, now, after)…])``; a new location's
        changes are its values."""
        by_partner = self._linked_to(backend, partners)
        changes = []
        for partner in partners:
            location = by_partner.get(partner)
            values = (mapping.location_from_partner(partner) if location
                      else mapping.new_location_from(partner))
            rows = []
            for name, after in values.items():
                field = self._fields[name]
                now = location[name] if location else False
                if (now or False) != (after or False):
                    rows.append((field._description_string(self.env),
                                 self._readable(name, now), self._readable(name, after)))
            changes.append((partner, location, rows))
        return changes

    def action_view_transactions(self):
        check_group(self, USER_GROUP)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "tracking_connector.action_trackonline_transaction")
        action["domain"] = ["|", ("from_location_id", "=", self.id),
                            ("to_location_id", "=", self.id)]
        return action
