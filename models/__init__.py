# Order matters: a model's _inherit parents are imported before it.
from . import tracking_sync_log
from . import tracking_cursor
from . import tracking_token
from . import tracking_rate_counter
from . import tracking_backend_mixin
from . import tracking_binding_mixin
from . import trackline_backend
from . import trackline_process
from . import trackline_document
from . import trackonline_outgoing_mixin
from . import trackonline_backend
from . import trackonline_location
from . import trackonline_item_definition
from . import trackonline_transaction
from . import trackonline_transaction_line
from . import trackonline_balance
from . import trackonline_batch_calculation
