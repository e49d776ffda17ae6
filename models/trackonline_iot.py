"""TrackOnline IoT devices on unique items and their measurements (position, temperature)."""

from odoo import api, fields, models

from ..mappings import trackonline as mapping
from .tracking_access import USER_GROUP, check_group


class TrackOnlineIotDevice(models.Model):
    """An IoT sensor on a unique item, with its last known position and temperature."""

    _name = "trackonline.iot.device"
    _remote_entity = mapping.IOT_DEVICE
    _description = "TrackOnline IoT Device"
    _inherit = ["tracking.binding.mixin"]
    _order = "remote_id"
    _rec_name = "remote_id"

    backend_id = fields.Many2one("trackonline.backend", required=True, index=True,
                                 ondelete="cascade")
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    unique_item_number = fields.Char(index=True)
    unique_item_id = fields.Many2one("trackonline.unique.item", compute="_compute_links",
                                     store=True)
    item_definition_remote_id = fields.Char()
    location_remote_id = fields.Char()
    latitude = fields.Float(digits=(10, 7))
    longitude = fields.Float(digits=(10, 7))
    temperature = fields.Float(string="Last known temperature")
    last_seen = fields.Datetime()
    map_url = fields.Char(string="Map", compute="_compute_map_url")
    measurement_ids = fields.One2many("trackonline.iot.measurement", "device_id")

    @api.depends("unique_item_number", "backend_id")
    def _compute_links(self):
        items = self.env["trackonline.unique.item"].search([
            ("backend_id", "in", self.backend_id.ids),
            ("number", "in", [n for n in self.mapped("unique_item_number") if n])])
        by_key = {(item.backend_id.id, item.number): item for item in items}
        for device in self:
            device.unique_item_id = by_key.get((device.backend_id.id, device.unique_item_number))

    @api.depends("latitude", "longitude")
    def _compute_map_url(self):
        for device in self:
            device.map_url = (
                "https://www.openstreetmap.org/?mlat=%.6f&mlon=%.6f#map=15/%.6f/%.6f"
                % (device.latitude, device.longitude, device.latitude, device.longitude)
                if device.latitude or device.longitude else False)

    def action_view_measurements(self):
        check_group(self, USER_GROUP)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "tracking_connector.action_trackonline_iot_measurement")
        action["domain"] = [("device_id", "=", self.id)]
        return action


class TrackOnlineIotMeasurement(models.Model):
    _name = "trackonline.iot.measurement"
    _remote_entity = mapping.IOT_MEASUREMENT
    _description = "TrackOnline IoT Measurement"
    _inherit = ["tracking.binding.mixin"]
    _order = "measured_at desc, id desc"

    backend_id = fields.Many2one("trackonline.backend", required=True, index=True,
                                 ondelete="cascade")
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    device_id = fields.Many2one("trackonline.iot.device", required=True, index=True,
                                ondelete="cascade")
    measured_at = fields.Datetime(required=True, index=True)
    temperature = fields.Float(aggregator="avg")
    latitude = fields.Float(digits=(10, 7), aggregator=None)
    longitude = fields.Float(digits=(10, 7), aggregator=None)
