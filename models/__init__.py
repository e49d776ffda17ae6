"""The addon's Odoo models, imported in the order their ``_inherit`` parents need."""

# Order matters: a model's _inherit parents are imported before it.
from . import tracking_sync_log
from . import ir_cron
from . import tracking_cursor
from . import tracking_token
from . import tracking_rate_counter
from . import tracking_failed_unit
from . import tracking_importer
from . import tracking_backend  # what every backend is; the mixin delegates to it
from . import tracking_backend_mixin
from . import tracking_binding_mixin
from . import tracking_mirrored_line_mixin
from . import trackline_backend
from . import trackline_process
from . import trackline_document
from . import trackonline_outgoing_mixin
from . import trackonline_local_edit_mixin
from . import trackonline_backend
from . import trackonline_location
from . import trackonline_item_definition
from . import trackonline_transaction
from . import trackonline_transaction_line
from . import trackonline_transaction_month  # after the items: its triggers are on their table
from . import trackonline_location_year  # after the items too
from . import trackonline_balance
from . import trackonline_batch_calculation
from . import opuscapita_backend
from . import opuscapita_event
from . import sage50_backend
from . import sage50_upload
from . import sage50_download
from . import sage50_partner
from . import tracking_record_count  # after the main records: its triggers are on their tables
from . import trackonline_item_configuration
from . import trackonline_unique_item
from . import trackonline_packaging_label
from . import trackonline_iot
from . import ir_actions_report
from . import tracking_housekeeping
from . import tracking_api_check
