"""Pure-Python clients of the remote APIs (no Odoo import)."""
