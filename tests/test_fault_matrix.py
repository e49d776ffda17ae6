"""The fault matrix: each fault of the sandbox against each sync, over real HTTP.

For every cell (a subTest named "<sync> / <fault>") the faulty run must return normally
and end with a log that names the fault, keep what it saved (no record that a clean run
would not have), and the next run, fault removed, must reach the clean run's final state
with no duplicate. Each cell's outcome is written to ``TC_FAULT_MATRIX_OUT`` (JSON lines)
when that variable is set; ``scripts/fault_matrix_rst.py`` turns it into a table."""

import json
import os
import re

from odoo.fields import Datetime
from odoo.tests import tagged

from ..sandbox.backends import backend_values
from .common import SandboxCase

# Odoo's test guard raises any requests timeout under 10 s to 10 s: the timeout fault waits more.
TIMEOUT = 1
TIMEOUT_DELAY = 10.5
PERSISTENT = 10  # more than the client's retries


def _records(data):
    """The list of records inside an answer (the answer itself or its first list)."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        return next((v for v in data.values() if isinstance(v, list)), [])
    return []


def _on_second(change):
    def rewrite(data):
        rows = _records(data)
        if len(rows) > 1:
            change(rows[1])
        return data
    return rewrite


def _on_all(change):
    def rewrite(data):
        for row in _records(data):
            change(row)
        return data
    return rewrite


def _value(record, name):
    if "." in name:
        return record.mapped(name)
    return len(record[name]) if record._fields[name].type == "one2many" else record[name]


def _drop_id(row):
    for key in ("id", "doc_id"):
        row.pop(key, None)


def _wrong_types(row):
    for key, value in list(row.items()):
        if key in ("id", "doc_id"):
            continue
        row[key] = ({"unexpected": value} if isinstance(value, str) else "not-a-number"
                    if isinstance(value, (int, float)) and not isinstance(value, bool)
                    else "not-a-list" if isinstance(value, list) else value)


def _huge_strings(row):
    for key, value in list(row.items()):
        if key not in ("id", "doc_id") and isinstance(value, str):
            row[key] = value + "x" * 200_000


def _latin1(data):
    # One string value gets a Latin-1 "é" (byte E9): the body is no longer UTF-8.
    return json.dumps(data).encode().replace(b'": "', b'": "\xe9', 1)


def _swap_shape(data):
    return [data] if isinstance(data, dict) else {"data": data}


HTML_200 = b"<html><body><h1>Maintenance</h1><p>Back soon.</p></body></html>"

# (name, fault options, words one of which the log must show when the run did not end "done")
FAULTS = [
    ("429 with Retry-After 1 s, once", {"status": 429, "retry_after": 1}, ["429"]),
    ("429 without Retry-After", {"status": 429}, ["429"]),
    ("500 HTML page", {"status": 500}, ["500"]),
    ("502 HTML page, once", {"status": 502}, ["502"]),
    ("503 HTML page, persistent", {"status": 503, "times": PERSISTENT}, ["503"]),
    ("200 with an HTML body", {"status": 200, "body": HTML_200}, ["HTML"]),
    ("timeout (over 10 s), once", {"delay": TIMEOUT_DELAY}, ["timed out", "could not be reached"]),
    ("connection reset", {"close_connection": True, "times": PERSISTENT},
     ["could not be reached"]),
    ("truncated body (half of Content-Length, then close)", {"truncate": True},
     ["cut short"]),
    ("malformed JSON", {"malformed_json": True}, ["JSON"]),
    ("Latin-1 bytes in the JSON", {"rewrite": _latin1}, ["JSON", "utf-8"]),
    ("wrong shape (list/object swapped)", {"rewrite": _swap_shape},
     ["expected", "Expected", "shape", "has no"]),
    ("record without id", {"rewrite": _on_second(_drop_id)}, ["id"]),
    ("extra fields", {"rewrite": _on_all(lambda row: row.update(unexpectedField={"a": [1]}))},
     []),
    ("wrong types", {"rewrite": _on_second(_wrong_types)}, ["Error", "wrong type"]),
    ("huge strings (200 kB)", {"rewrite": _on_second(_huge_strings)}, []),
]

ONE_MB = 1024 * 1024
# Faults of a file download (the JSON rewrites do not apply to bytes).
FILE_FAULTS = [fault for fault in FAULTS if "rewrite" not in fault[1]
               and fault[0] not in ("200 with an HTML body", "malformed JSON")] + [
    ("empty file", {"rewrite": lambda content: b""}, ["empty"]),
    ("oversized file (cap + 1 byte)", {"rewrite": lambda content: b"x" * (ONE_MB + 1)},
     ["size cap"]),
    ("Latin-1 bytes in Content-Disposition",
     {"headers": {"Content-Disposition": 'attachment; filename="caf\xe9.pdf"'}}, []),
]

# Cells where the next run does NOT reach the clean state: the window cursor moved past a page
# whose bad record was skipped or saved as it came, and the next run does not read it again.
# Asserted as such (so that a fix shows here), and listed in the table.
# A bad row is kept (``tracking.failed.unit``) and its retry reads it again by its id (or
# number) where the API can: the OpusCapita filter has no event id, so its retry can only save
# the row as kept, which fails again.
KNOWN_GAPS = {
    ("OpusCapita events", "record without id"),
    ("OpusCapita events", "wrong types"),
    ("OpusCapita events", "huge strings (200 kB)"),
}


@tagged("post_install", "-at_install")
class TestFaultMatrix(SandboxCase):
    """Each fault against TrackOnline transactions and locations, OpusCapita events and the
    Trackline refresh (metadata and documents)."""

    sandbox_transactions = 130
    sandbox_size = 12

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["trackonline.backend"].search([]).active = False
        cls.env["opuscapita.backend"].search([]).active = False
        cls.seq = 0

    # -- the systems -------------------------------------------------------------------------

    def _trackonline(self):
        self.sandbox.trackonline.reset(transactions=self.sandbox_transactions)
        return self.env["trackonline.backend"].create(backend_values(
            "trackonline", self.sandbox.url, name="TrackOnline matrix %d" % self._next(),
            licence_tier="enterprise", start_date="2026-01-01", window_days=60,
            timeout=TIMEOUT))

    def _opuscapita(self):
        self.sandbox.opuscapita.reset()
        return self.env["opuscapita.backend"].create(backend_values(
            "opuscapita", self.sandbox.url, name="OpusCapita matrix %d" % self._next(),
            start_date="2026-03-01", window_days=30, timeout=TIMEOUT))

    def _trackline(self):
        """Two processes imported, then a new status and a new document for each on the
        remote side: the refresh has work to do."""
        self.sandbox.trackline.reset()
        backend = self.env["trackline.backend"].create(backend_values(
            "trackline", self.sandbox.url, name="Trackline matrix %d" % self._next(),
            timeout=TIMEOUT, max_file_size=1))
        with backend._sync_run("import") as run:
            client = backend._make_client(run.stats)
            for process_id in ("10000", "10001"):
                backend._import_process(run, client, process_id=process_id)
        for process_id in ("10000", "10001"):
            self.sandbox.trackline.set_status(process_id, "Delivered")
            self.sandbox.trackline.add_document(process_id, "pod-%s.pdf" % process_id, "POD",
                                                b"%PDF-1.4 proof " + process_id.encode())
        return backend

    def _refresh(self, backend):
        processes = self.env["trackline.process"].search([("backend_id", "=", backend.id)],
                                                          order="remote_id")
        return processes._refresh(backend).log

    def _kept_units_due(self, backend):
        """As if the backoff's wait had passed: the kept units are tried by the next run."""
        self.env["tracking.failed.unit"].search([
            ("backend_model", "=", backend._name), ("backend_id", "=", backend.id),
            ("state", "=", "retry")]).write({"next_attempt": Datetime.now()})

    def _next(self):
        type(self).seq += 1
        return self.seq

    def _snapshot(self, model, backend, fields):
        records = self.env[model].search([("backend_id", "=", backend.id)])
        rows = sorted(tuple(str(_value(record, name)) for name in fields) for record in records)
        return records, rows

    SYSTEMS = {
        # name: (backend factory, run, fault path, model, compared fields, requests let
        # through before the fault, faults)
        "TrackOnline transactions": (
            "_trackonline", lambda self, b: b._sync("transactions").log,
            "/trackonline/api/v1/transaction", "trackonline.transaction",
            ("remote_id", "transaction_number", "document_number", "line_ids"), 1, FAULTS),
        "TrackOnline locations": (
            "_trackonline", lambda self, b: b._sync("locations").log,
            "/trackonline/api/v1/location", "trackonline.location",
            ("remote_id", "number", "name"), 0, FAULTS),
        "OpusCapita events": (
            "_opuscapita", lambda self, b: b._sync_events().log,
            "/opuscapita/track/api/transactions", "opuscapita.event",
            ("remote_id", "transaction_id", "status", "sender_ref"), 0, FAULTS),
        "Trackline refresh: metadata": (
            "_trackline", _refresh, "/trackline/api/track-line/ext/track-path",
            "trackline.document", ("remote_id", "name", "state", "checksum",
                                   "process_id.status"), 1, FAULTS),
        "Trackline refresh: documents": (
            "_trackline", _refresh, "/trackline/api/track-line/ext/attachment",
            "trackline.document", ("remote_id", "name", "state", "checksum",
                                   "process_id.status"), 1, FILE_FAULTS),
    }

    # -- the matrix ----------------------------------------------------------------------------

    def test_fault_matrix(self):
        out = os.environ.get("TC_FAULT_MATRIX_OUT")
        for system, (factory, run, path, model, fields, skip, faults) in self.SYSTEMS.items():
            clean_backend = getattr(self, factory)()
            # Every run of the matrix comes after the wait of the kept units (the documents
            # the import kept, empty or too large, are tried again by each run).
            self._kept_units_due(clean_backend)
            log = run(self, clean_backend)
            # "warning" where the seeded data holds bad items (Trackline's empty file)
            self.assertIn(log.state, ("done", "warning"), log.error_details)
            clean_state, clean_skipped = log.state, log.skipped_count + log.failed_count
            __, clean = self._snapshot(model, clean_backend, fields)
            self.assertTrue(clean, "the sandbox gives %s data" % system)
            for fault_name, options, words in faults:
                with self.subTest(cell="%s / %s" % (system, fault_name)):
                    outcome = self._cell(factory, run, path, model, fields, skip, options,
                                         words, clean, (system, fault_name) in KNOWN_GAPS,
                                         (clean_state, clean_skipped))
                    if out:
                        with open(out, "a", encoding="utf-8") as handle:
                            handle.write(json.dumps({"system": system, "fault": fault_name,
                                                     "outcome": outcome}) + "\n")

    def _cell(self, factory, run, path, model, fields, skip, options, words, clean, gap,
              clean_end):
        backend = getattr(self, factory)()
        options = dict(options)
        options.setdefault("times", 1)
        self.sandbox.clear_faults()
        self.sandbox.add_fault(path, skip=skip, **options)
        self._kept_units_due(backend)
        log = run(self, backend)  # 1. the cron's method returns normally
        self.sandbox.clear_faults()
        self.assertIn(log.state, ("done", "warning", "failed", "stopped"))
        text = "%s\n%s" % (log.message or "", log.error_details or "")
        differs = (log.state, log.skipped_count + log.failed_count) != clean_end
        if differs and words:  # 2. the log names the fault
            self.assertTrue(any(word in text for word in words),
                            "the log names the fault (%s): %s" % (words, text[:500]))
        records, kept = self._snapshot(model, backend, fields)
        remote_ids = records.mapped("remote_id")
        clean_ids = {row[0] for row in clean}
        # 3. what the faulty run saved stays, and is only what a clean run saves
        self.assertLessEqual(set(remote_ids), clean_ids)
        if skip:
            self.assertTrue(kept, "the page read before the fault is kept")
        # 4. the next run, fault gone and the kept units' wait over, ends as a clean run,
        # with no duplicate
        self._kept_units_due(backend)
        again = run(self, backend)
        # a known gap's kept record fails again at its retry: "Done with warnings"
        self.assertIn(again.state, (clean_end[0], "warning") if gap else (clean_end[0],),
                      again.error_details)
        records, final = self._snapshot(model, backend, fields)
        self.assertEqual(len(set(records.mapped("remote_id"))), len(records), "no duplicate")
        if gap:
            self.assertNotEqual(final, clean, "known gap fixed: update KNOWN_GAPS")
        else:
            self.assertEqual(final, clean)
        named = log.error_details if log.state == "warning" else log.message
        summary = re.sub(r"https?://127\.0\.0\.1:\d+", "", (named or "").split("\n")[0])
        if log.state == "done" and log.skipped_count:
            result = "done, %d skipped: '%s'" % (
                log.skipped_count, (log.error_details or "").split("\n")[0][:150])
        elif not differs or log.state == "done":
            result = "ok" + (" (%d x 429 waited)" % log.rate_limited_count
                             if log.rate_limited_count else "")
        elif log.state == "warning":
            result = "warning (%d skipped): '%s'" % (log.skipped_count, summary[:150])
        else:
            result = "%s: '%s'" % (log.state, summary[:150])
        return "%s; kept %d; %s" % (result, len(kept), "NOT recovered (kept, its retry "
                                    "fails again)" if gap else "recovered")
