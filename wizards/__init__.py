from . import opuscapita_fetch_wizard, trackline_import_wizard
