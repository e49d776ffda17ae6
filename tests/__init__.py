"""The Odoo tests of the addon (the tests that need no Odoo are under tests/nodoo/)."""

from . import test_security, test_sync_core, test_trackline
from . import test_trackonline
from . import test_opuscapita
from . import test_sage50
from . import test_trackonline_more
from . import test_trackonline_reconciliation
from . import test_security_http
from . import test_security_access
from . import test_reports
from . import test_dashboard
from . import test_screens
from . import test_ui
from . import test_fault_matrix
from . import test_i18n
from . import test_scheduled_actions
from . import test_tracking_attachment
from . import test_partner_match
from . import test_items_to_retry
from . import test_ownership
from . import test_prefetch
from . import test_trackline_parallel
from . import test_sage50_parallel
from . import test_sends_to_retry
from . import test_drift
from . import test_housekeeping
from . import test_transaction_month
from . import test_record_count
from . import test_send_rules
from . import test_click_everywhere
from . import test_ui_buttons
from . import test_error_messages
from . import test_backend_record
from . import test_write_back
from . import test_api_check
