"""The re-read of open TrackOnline transactions: how a change made in TrackOnline after the
transactions sync's overlap (a status moved on, a quantity or a delivery date corrected, a
transaction deleted) reaches Odoo.

TrackOnline filters transactions on their creation and transaction dates only, never on
"modified since". The forward sync (``import_transactions``) reads each creation window once
and then only its last ``overlap_minutes`` again, so a later change would never be read. This
re-read sweeps, oldest first, the creation windows that still hold a transaction Odoo knows
as open (any status but Processed and Cancelled, which are final), behind the forward sync's
cursor, within a share of the day's call budget (``reread_share`` on the backend):

1. ``open``: the window is read with ``StatusCode`` = the open statuses; every row is saved
   (new values, lines) and stamped ``reread_at`` with the window's moment (``since``).
2. When that read is complete, the open transactions of the window that it did not return
   ("missing": they became final, or were deleted) are looked for once more: ``final``
   reads the final statuses over the creation dates of the missing ones only.
3. When that read is complete too, a transaction still missing is marked "deleted in
   TrackOnline" (``is_deleted``; never unlinked), and the window is done.

The cursor (``CURSOR``) holds the window, its phase, its next page and its moment; it is
written with each page, in the page's step, so a run stopped anywhere (budget share, time,
crash) goes on from the page after the last one saved, and a transaction is marked deleted
only by a window the API returned whole. At the end of a sweep the cursor goes back to the
oldest open transaction. See docs/reconciliation.rst for its call cost."""

import json
import math
from datetime import datetime, timedelta

from ..clients.base import RateLimited
from ..clients.trackonline import LICENCE_LIMITS, PAGE_SIZE
from ..mappings import trackonline_codes as codes
from ..mappings.dates import api_datetime, cursor_moment, cursor_text
from .tracking_binding_mixin import SYNC_WRITE, SyncWriter
from .tracking_messages import _lt

CURSOR = "reconciliation"
MOMENTS = ("from", "to", "since", "low", "high", "last")
MAX_DELETED_NAMED = 20  # transactions named in the run log when marked deleted
DAY = 86400.0  # seconds: the licence's daily budget is counted per UTC day
PACE_AHEAD = 3600.0  # seconds of share a run may spend ahead (the scheduled action is hourly)


def reread_open_transactions(backend, run, client, resource, forward_cursor, max_pages):
    """One run of the re-read (see the module's text). Returns True when the sweep is
    over, False when it stopped with work left (pages per run, time)."""
    return Reconciliation(backend, run, client, resource, forward_cursor).sweep(max_pages)


class Reconciliation:
    def __init__(self, backend, run, client, resource, forward_cursor):
        self.backend = backend
        self.env = backend.env
        self.run = run
        self.client = client
        self.resource = resource
        self.forward_cursor = forward_cursor
        # the connector's own writes (``is_deleted`` belongs to TrackOnline, not to users)
        self.transactions = self.env[resource.model].with_context(**{SYNC_WRITE: SyncWriter})

    # -- the loop ---------------------------------------------------------------------------

    def sweep(self, max_pages):
        horizon = self._horizon()
        state = self._load()
        pages = 0
        while True:
            if not state.get("to"):
                window = self._next_window(state, horizon)
                if window is None:
                    if state.get("from"):
                        # The sweep is over: the next one starts at the oldest open one.
                        last = state.get("last") or state.get("since")
                        self.run.page(self.env._("end of the sweep"),
                                      lambda last=last: self._set({"last": last}))
                    return True
                state = window
            self._check_share()
            rows = self.client.page(self.resource.endpoint, self._params(state), state["page"])
            label = self.env._("window from %(start)s, %(phase)s, page %(page)s",
                               start=api_datetime(state["from"]), phase=state["phase"],
                               page=state["page"])
            state = self.run.page(label, lambda rows=rows, state=state: self._save_page(
                state, rows))
            pages += 1
            self.run.pages += 1
            if pages >= max_pages or self.run.out_of_time():
                self.run.more = True
                return False

    def _save_page(self, state, rows):
        """One page saved and stamped, then the cursor after it (in the page's step)."""
        self.backend._import_page(self.run, self.resource, rows)
        # Stamped by the ids TrackOnline returned, saved or not: a row the importer could not
        # read (kept aside, named in the log) is there all the same, never taken for deleted.
        returned = [str(row["id"]) for row in rows if row.get("id")]
        self.transactions.search([("backend_id", "=", self.backend.id),
                                  ("remote_id", "in", returned)]).write(
            {"reread_at": state["since"]})
        if len(rows) >= PAGE_SIZE:
            following = dict(state, page=state["page"] + 1)
        else:
            missing = self._missing(state)
            if state["phase"] == "open" and missing:
                created = missing.mapped("created_on")
                following = dict(state, phase="final", page=1, low=min(created),
                                 high=max(created) + timedelta(seconds=1))
            else:
                self._mark_deleted(missing)
                following = {"from": state["to"], "last": state["since"]}
        self._set(following)
        return following

    # -- which window, which rows -----------------------------------------------------------

    def _open_domain(self):
        return [("backend_id", "=", self.backend.id), ("remote_id", "!=", False),
                ("is_deleted", "=", False), ("status_code", "in", list(codes.OPEN_STATUSES)),
                ("created_on", "!=", False)]

    def _horizon(self):
        """Where the forward sync has read up to: the start of what it reads again anyway.
        None before its first run."""
        value = self.backend._get_cursor(self.forward_cursor)
        return cursor_moment(json.loads(value)["from"]) if value else None

    def _next_window(self, state, horizon):
        """The next creation window holding an open transaction, from the cursor on: it
        starts at the oldest such transaction, so windows without any cost nothing."""
        if horizon is None:
            return None
        domain = self._open_domain() + [("created_on", "<", horizon)]
        if state.get("from"):
            domain.append(("created_on", ">=", state["from"]))
        first = self.transactions.search(domain, order="created_on, id", limit=1)
        if not first:
            return None
        start = first.created_on
        now = datetime.utcnow().replace(microsecond=0)
        last = state.get("last")
        # Strictly later than the last window's moment: a transaction stamped by it is
        # never taken for one this window returned.
        since = max(now, last + timedelta(seconds=1)) if last else now
        return {"from": start, "to": min(start + timedelta(days=self.backend.window_days),
                                         horizon),
                "since": since, "phase": "open", "page": 1}

    def _params(self, state):
        if state["phase"] == "open":
            low, high, statuses = state["from"], state["to"], codes.OPEN_STATUSES
        else:
            low, high, statuses = state["low"], state["high"], codes.FINAL_STATUSES
        return {"CreatedDateFrom": api_datetime(low), "CreatedDateTo": api_datetime(high),
                "StatusCode": [int(status) for status in statuses]}

    def _missing(self, state):
        """The window's transactions open in Odoo that no page of this window returned."""
        return self.transactions.search(self._open_domain() + [
            ("created_on", ">=", state["from"]), ("created_on", "<", state["to"]),
            "|", ("reread_at", "=", False), ("reread_at", "<", state["since"])])

    def _mark_deleted(self, missing):
        if not missing:
            return
        missing.write({"is_deleted": True})
        self.run.count(updated=len(missing))
        names = ", ".join(missing[:MAX_DELETED_NAMED].mapped("display_name"))
        self.run.warn(_lt(
            "%(count)s transactions are no longer in TrackOnline and are marked deleted: "
            "%(names)s", count=len(missing),
            names=names + (", ..." if len(missing) > MAX_DELETED_NAMED else "")))

    # -- the share of the budget ------------------------------------------------------------

    def _check_share(self):
        """Raise ``RateLimited`` (the run stops, "call budget spent", and the scheduled
        action is triggered again when more calls are allowed) once the re-reads of today
        have made the calls their share allows so far (``paced_share``)."""
        per_day = LICENCE_LIMITS[self.backend.licence_tier][1]
        share = int(per_day * self.backend.reread_share / 100)
        now = datetime.utcnow()
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        earlier = self.env["tracking.sync.log"].sudo().search_read([
            ("backend_id", "=", self.backend.tracking_backend_id.id),
            ("run_key", "=", self.resource.name), ("started_at", ">=", midnight),
            ("id", "!=", self.run.log.id)], ["api_calls"])
        spent = sum(log["api_calls"] for log in earlier) + self.run.stats.calls
        allowed = paced_share(share, (now - midnight).total_seconds())
        if spent >= allowed:
            raise RateLimited(self.env._(
                "The re-read's share of the call budget is spent for now (%(spent)s of "
                "%(allowed)s calls so far today; %(percent)s%% of %(budget)s a day, spread "
                "over the day): it goes on from where it stopped.", spent=spent,
                allowed=allowed, percent=self.backend.reread_share, budget=per_day),
                retry_after=seconds_until_allowed(share, spent, now - midnight),
                status=None)

    # -- the cursor -------------------------------------------------------------------------

    def _load(self):
        value = self.backend._get_cursor(CURSOR)
        state = json.loads(value) if value else {}
        return {key: cursor_moment(value) if key in MOMENTS and value else value
                for key, value in state.items()}

    def _set(self, state):
        self.env["tracking.cursor"]._set(self.backend, CURSOR, json.dumps(
            {key: cursor_text(value) if key in MOMENTS and value else value
             for key, value in state.items()}))


def paced_share(share, seconds_since_midnight):
    """The calls the re-reads may have made by this moment of the UTC day: ``share`` spread
    evenly over the day, one hour ahead (an hourly run may spend its hour at once), so that
    the sweeps are spread over the day instead of spending the share in its first hours."""
    return min(share, math.ceil(share * (seconds_since_midnight + PACE_AHEAD) / DAY))


def seconds_until_allowed(share, spent, since_midnight):
    """Seconds until ``paced_share`` allows one call more than ``spent`` (midnight UTC
    when the day's share is spent)."""
    elapsed = since_midnight.total_seconds()
    if spent >= share or share <= 0:
        return int(DAY - elapsed) + 1
    moment = (spent + 1) * DAY / share - PACE_AHEAD
    return max(1, int(moment - elapsed) + 1)
