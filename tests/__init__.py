from . import test_security, test_sync_core, test_trackline
from . import test_trackonline
from . import test_opuscapita
from . import test_sage50
from . import test_trackonline_more
from . import test_i18n
