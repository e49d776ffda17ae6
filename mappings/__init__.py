"""What each remote system's records mean in Odoo, both ways: pure Python (no Odoo import),
testable on its own (``tests/nodoo``). One module per system, plus the shared pieces:
``dates`` (times as the APIs write them) and ``fields`` (the small language the mappings are
written in)."""
