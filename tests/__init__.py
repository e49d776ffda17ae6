from . import test_sync_core
from . import test_security
from . import test_trackline
