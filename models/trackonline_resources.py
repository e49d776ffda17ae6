"""TrackOnline's pull syncs: each resource declared once (its name, model, mapping, endpoint
and importer), and the importers they use. A scheduled action names its resource:
``model._cron_sync("transactions")`` runs ``RESOURCES["transactions"]``."""

from datetime import datetime, time

from ..clients.base import batches
from ..clients.trackonline import CALCULATIONS
from ..mappings import trackonline as mapping
from ..mappings.dates import api_datetime
from .tracking_failed_unit import NO_ID
from .tracking_importer import Resource
from .trackonline_reconciliation import reread_open_transactions

TX_CURSOR = "transactions"
IOT_WINDOW_DAYS = 14  # the API's longest window of measurements
TRANSACTIONS_ENDPOINT = "transaction"
# Lists whose defaults leave out what the mirror must see change: deleted unique items and
# inactive packaging labels (the document's IncludeDeleted and IncludeInactive: false).
LIST_PARAMS = {"uniqueitem": {"IncludeDeleted": "true"},
               "packaginglabel": {"IncludeInactive": "true"}}
# Lists that give the enabled records only unless asked ``Enabled=false``, which gives the
# disabled ones only: read twice, so that a record disabled in TrackOnline is seen.
ENABLED_FILTERED = ("location", "itemdefinition")


def list_variants(resource, params=None):
    """The list calls that together give every record of ``resource`` matching ``params``:
    the list's defaults that leave records out lifted (``LIST_PARAMS``), and a list that gives
    enabled or disabled records, never both (``ENABLED_FILTERED``), asked for each."""
    params = dict(LIST_PARAMS.get(resource, {}), **(params or {}))
    if resource in ENABLED_FILTERED:
        return [dict(params, Enabled="true"), dict(params, Enabled="false")]
    return [params]


# Location numbers asked for in one balance call (the URL stays short).
BALANCE_LOCATIONS = 100
# Lists whose pages are turned into the rows the mapping reads.
ROW_READERS = {"iot/item": mapping.iot_device_rows}
# The filter on a record's number where the document names it otherwise than ``Number``.
NUMBER_FILTERS = {"transaction": "TransactionNumber", "uniqueitem": "ItemNumber"}


def _start(backend):
    return datetime.combine(backend.start_date, time.min)


def import_list(backend, run, client, resource, max_pages):
    """A full read of a list the API cannot filter by date; the cursor (keyed by the
    endpoint) is the next page, so that a run stopped by its budget goes on where it
    stopped. A list's own parameters (``LIST_PARAMS``) and reading of its rows
    (``ROW_READERS``) apply; the lists of ``ENABLED_FILTERED`` are then read again for
    their disabled records (a cursor of their own)."""
    endpoint, read = resource.endpoint, ROW_READERS.get(resource.endpoint)

    def pages(params, cursor_key):
        def fetch(first):
            for number, rows in client.pages(endpoint, params, first):
                yield number, read(rows) if read else rows
        return backend._list_pages(cursor_key, fetch)

    params = LIST_PARAMS.get(endpoint, {})
    done = backend._import(run, resource, pages(params, endpoint), endpoint, max_pages,
                           client=client)
    if done and endpoint in ENABLED_FILTERED and not run.out_of_time():
        key = endpoint + ":disabled"
        done = backend._import(run, resource, pages(dict(params, Enabled="false"), key), key,
                               max_pages, client=client)
    return done


def import_transactions(backend, run, client, resource, max_pages):
    """Transactions by creation date, window after window, from the start date to now; the
    cursor is the window's start and the next page to read in it."""
    def fetch(date_from, date_to, first_page):
        return client.pages(resource.endpoint, {"CreatedDateFrom": api_datetime(date_from),
                                                "CreatedDateTo": api_datetime(date_to)},
                            first_page=first_page)

    pages = backend._window_pages(TX_CURSOR, _start(backend), fetch, backend.window_days,
                                  backend.overlap_minutes)
    return backend._import(run, resource, pages, TX_CURSOR, max_pages, client=client)


def import_reconciliation(backend, run, client, resource, max_pages):
    """The open transactions read again, window after window, behind the transactions
    sync's cursor and within the backend's share of the day's budget: how a change made in
    TrackOnline after the overlap reaches Odoo (``models/trackonline_reconciliation.py``)."""
    return reread_open_transactions(backend, run, client, resource, TX_CURSOR, max_pages)


def import_iot_measurements(backend, run, client, resource, max_pages):
    """Each device's measurement history, window after window (at most 14 days each, always
    with explicit dates: the API's default is the last 14 days), from the start date or the
    device's cursor. The rows are given the device they belong to."""
    devices = backend.env["trackonline.iot.device"].search([("backend_id", "=", backend.id)])
    finished = True
    for device in devices:
        def fetch(date_from, date_to, first_page, device=device):
            rows = client.get_list(resource.endpoint, {
                "deviceId": device.remote_id, "dateFrom": api_datetime(date_from),
                "dateTo": api_datetime(date_to)})
            rows = [dict(row, **{mapping.IOT_DEVICE_KEY: device.remote_id}) for row in rows]
            return [(1, rows)] if rows else []

        key = "iot:%s" % device.remote_id
        pages = backend._window_pages(key, _start(backend), fetch,
                                      min(backend.window_days, IOT_WINDOW_DAYS),
                                      backend.overlap_minutes)
        finished = backend._import(run, resource, pages, key, max_pages) and finished
        if run.out_of_time():
            break
    return finished


def balance_asks(backend):
    """The parameters of the balance calls of ``backend``: its locations (the document's
    ``locations``, ``BALANCE_LOCATIONS`` numbers a call), or none while no location is
    mirrored yet; zero balances too."""
    numbers = sorted(set(backend.env["trackonline.location"].with_context(
        active_test=False).search([("backend_id", "=", backend.id)]).mapped("number")) - {""})
    return [{"locations": chunk, "excludeZeroBalance": "false"}
            for chunk in batches(numbers, BALANCE_LOCATIONS)] or [{"excludeZeroBalance": "false"}]


def import_once(backend, run, client, resource, max_pages):
    """The balances, an unpaged list read whole, no cursor (``balance_asks``): all their
    rows saved as one page."""
    rows = [row for ask in balance_asks(backend)
            for row in client.get_list(resource.endpoint, ask)]
    return backend._import(run, resource, [(rows, None)])


def import_batch_calculations(backend, run, client, resource, max_pages):
    """The batch calculations, then the result files and documents of those not downloaded
    yet."""
    done = import_list(backend, run, client, resource, max_pages)
    if done:
        backend.env["trackonline.batch.calculation"].search(
            [("backend_id", "=", backend.id), ("files_downloaded", "=", False)]
        )._download_files(run, client)
    return done


def refetch_by_id(backend, client, resource, key, row):
    """One record of a list read again by its id (the lists filter by ``Id``), for the
    retry of a kept row; a row kept without id is looked for by its number, when it has
    one (``Number``, or the list's own filter: ``NUMBER_FILTERS``)."""
    params = (_dates_of(backend) if resource.endpoint == TRANSACTIONS_ENDPOINT
              else LIST_PARAMS.get(resource.endpoint, {}))
    if not key.startswith(NO_ID):
        return [found for found in client.page(resource.endpoint, dict(params, Id=key))
                if str(found.get("id")) == key]
    number_key = "transactionNumber" if resource.endpoint == TRANSACTIONS_ENDPOINT else "number"
    number = row.get(number_key) if isinstance(row, dict) else None
    if not isinstance(number, str) or not number:
        return []
    number_filter = NUMBER_FILTERS.get(resource.endpoint, "Number")
    return [found for found in client.page(resource.endpoint,
                                           dict(params, **{number_filter: number}))
            if found.get(number_key) == number]


def _dates_of(backend):
    """The creation dates of every transaction the backend reads (without dates the API
    answers the last 7 days only)."""
    return {"CreatedDateFrom": api_datetime(_start(backend)),
            "CreatedDateTo": api_datetime(datetime.utcnow())}


LOCATIONS = Resource("locations", "trackonline.location", mapping.LOCATION, import_list,
                     endpoint="location", refetch=refetch_by_id)
ITEM_DEFINITIONS = Resource("item_definitions", "trackonline.item.definition",
                            mapping.ITEM_DEFINITION, import_list, endpoint="itemdefinition",
                            refetch=refetch_by_id)
ITEM_CONFIGURATIONS = Resource("item_configurations", "trackonline.item.configuration",
                               mapping.ITEM_CONFIGURATION, import_list,
                               endpoint="itemconfiguration", refetch=refetch_by_id)
UNIQUE_ITEMS = Resource("unique_items", "trackonline.unique.item", mapping.UNIQUE_ITEM,
                        import_list, endpoint="uniqueitem", refetch=refetch_by_id)
PACKAGING_LABELS = Resource("packaging_labels", "trackonline.packaging.label",
                            mapping.PACKAGING_LABEL, import_list, endpoint="packaginglabel",
                            refetch=refetch_by_id)
IOT_DEVICES = Resource("iot_devices", "trackonline.iot.device", mapping.IOT_DEVICE,
                       import_list, endpoint="iot/item")
IOT_MEASUREMENTS = Resource("iot_measurements", "trackonline.iot.measurement",
                            mapping.IOT_MEASUREMENT, import_iot_measurements,
                            endpoint="iot/item/measurement")
TRANSACTIONS = Resource("transactions", "trackonline.transaction", mapping.TRANSACTION,
                        import_transactions, endpoint=TRANSACTIONS_ENDPOINT,
                        refetch=refetch_by_id)
RECONCILIATION = Resource("reconciliation", "trackonline.transaction", mapping.TRANSACTION,
                          import_reconciliation, endpoint=TRANSACTIONS_ENDPOINT,
                          label="open transactions again", refetch=refetch_by_id)
BALANCES = Resource("balances", "trackonline.balance", mapping.BALANCE, import_once,
                    endpoint="balance")
BATCH_CALCULATIONS = Resource("batch_calculations", "trackonline.batch.calculation",
                              mapping.BATCH_CALCULATION, import_batch_calculations,
                              endpoint=CALCULATIONS)

RESOURCES = {resource.name: resource for resource in (
    LOCATIONS, ITEM_DEFINITIONS, ITEM_CONFIGURATIONS, UNIQUE_ITEMS, PACKAGING_LABELS,
    IOT_DEVICES, IOT_MEASUREMENTS, TRANSACTIONS, RECONCILIATION, BALANCES, BATCH_CALCULATIONS)}
