"""A local emulator of the remote APIs, for the tests, the demo and the benchmark.

Pure Python (stdlib and PyJWT), imported as ``sandbox`` by pytest and as
``odoo.addons.tracking_connector.sandbox`` inside Odoo: relative imports only."""
