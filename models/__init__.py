from . import tracking_sync_log
from . import tracking_cursor
from . import tracking_token
from . import tracking_backend_mixin
from . import tracking_binding_mixin
from . import trackline_backend
from . import trackline_process
from . import trackline_document
