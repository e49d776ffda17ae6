"""TrackOnline enumerations as Odoo selections: the numeric code (as text) is the key.
A code the document does not list is kept as "unknown" with a warning in the run log."""

UNKNOWN = ("unknown", "Unknown code")

LOCATION_TYPES = [("0", "Unknown"), ("1", "Customer"), ("2", "Supplier"), ("3", "Auction"),
                  ("4", "Carrier"), ("5", "Company location"), ("6", "Manufacturer"),
                  ("7", "Service center"), ("8", "Retail"), ("9", "Rolling stock"),
                  ("10", "Administrative"), ("11", "Cross dock"), ("12", "Storage"), UNKNOWN]
HIERARCHY_LEVELS = [("1", "Head office"), ("2", "Branch office"), ("3", "Location"),
                    ("4", "Sub-location"), UNKNOWN]
LANGUAGES = [("0", "Unknown"), ("1", "Dutch"), ("2", "English"), ("3", "German"),
             ("4", "Swedish"), ("5", "Spanish"), ("6", "French"), ("7", "Norwegian"),
             ("8", "Russian"), UNKNOWN]
BALANCE_MODES = [("0", "No restriction"), ("10", "Exchange only"),
                 ("20", "Balance restriction"), UNKNOWN]
ITEM_TYPES = [("0", "Unknown"), ("1", "Tray"), ("2", "Box"), ("3", "Interior"),
              ("4", "Container"), ("5", "Load carrier"), ("6", "Crate"), ("7", "Pallet"),
              ("8", "Locking plate"), ("9", "Lid"), ("10", "Bulk"), ("11", "Tote"),
              ("99", "Other"), UNKNOWN]
TRANSACTION_STATUSES = [("0", "New"), ("5", "Planned"), ("10", "Declined"), ("11", "Shipped"),
                        ("16", "Confirmed"), ("20", "Cancelled"), ("30", "In progress"),
                        ("33", "Executed"), ("35", "Processed"), UNKNOWN]
TRANSACTION_TYPES = [("0", "Start balance"), ("1", "External start balance"),
                     ("5", "Correction"), ("10", "Audit"), ("15", "Transfer"),
                     ("16", "Agreement"), ("20", "Scraps"), ("25", "Damaged"), ("30", "Lost"),
                     ("35", "Found"), ("50", "Order"), ("55", "Collection"), ("60", "Declare"),
                     ("65", "Return"), ("67", "Return delivered"),
                     ("70", "Inter depot transfer"), ("75", "Intra depot transfer"),
                     ("80", "Exchange"), ("85", "Cross dock"), ("90", "Purchase"),
                     ("95", "Sale"), ("99", "Unknown"), UNKNOWN]
# Types the document's POST list leaves out (Exchange "NOT allowed for POST"; start
# balances, Audit and Agreement not listed): TrackOnline's own.
NOT_SENDABLE_TYPES = ("0", "1", "10", "16", "80")
CONDITIONS = [("0", "Unknown"), ("1", "Clean"), ("2", "Dirty"), ("3", "Polluted"),
              ("4", "Damaged"), ("5", "Scrap"), UNKNOWN]

PROCESSED = "35"
CANCELLED = "20"
# A transaction in one of these statuses never changes again in TrackOnline.
FINAL_STATUSES = (CANCELLED, PROCESSED)
# The statuses a transaction may still leave (every listed code but the final ones).
OPEN_STATUSES = tuple(key for key, _label in TRANSACTION_STATUSES
                      if key not in FINAL_STATUSES and key != UNKNOWN[0])
