from . import trackline_import_wizard
