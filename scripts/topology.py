"""The production topology run's driver (scripts/topology.sh starts PostgreSQL, a fresh
database, two Odoo nodes in prefork mode and calls this in three steps):

``sandboxes``  the remote systems: one sandbox for Trackline, OpusCapita, Sage 50 (three
               onboarded applications, four scope files) and the first TrackOnline backend,
               and one more sandbox per other TrackOnline backend, so that each backend's
               calls are counted apart (the START/PRO one answers 429 past 60 calls a
               minute, as TrackOnline does). Writes their addresses to a JSON file, then
               serves until SIGTERM.
``setup``      in the database (before the nodes start): three backends of each system with
               a backlog, a START/PRO TrackOnline backend whose day is mostly spent, the
               backend a user syncs by hand, a Tracking user, every scheduled action of the
               addon due now and every minute.
``run``        while the nodes' cron workers work through the backlogs: the user reads
               lists on both nodes over JSON-RPC, listens on node B's websocket (gevent
               port), presses "Sync transactions" on node A with the sandbox slowed down;
               waits until every backlog is in (or the deadline), then checks the database
               against the sandboxes, the sandboxes' call counts against the budgets, the
               scheduled actions and the nodes' logs. Last line: ``topology: N passed, N
               failed``."""

import argparse
import hashlib
import json
import re
import signal
import statistics
import threading
import time

import psycopg2
import requests
from odoo_driver import Rpc, odoo_env, print_json, wait_for_url

from clients.trackonline import LICENCE_LIMITS

CRON_MODULE = "tracking_connector"
SCOPES = ("Customers", "Invoices", "Items", "Suppliers")
TRACKONLINE_ENTERPRISE = ("to-1", "to-2", "to-3")
TRACKONLINE_PRO = "to-pro"
TRACKONLINE_BUTTON = "to-button"
# A TrackOnline backend whose remote never answers in time (every call hangs): it must not
# starve the others of the same scheduled actions.
TRACKONLINE_HANGING = "to-hang"
HANG_SECONDS = 30.0
# A run's calls each wait a quarter of its time left, and the client's backoff between its
# tries (0.5 + 1 + 2 s) comes on top.
RETRY_SLACK = 4.0
TRIPLE = {"trackline": ("tl-1", "tl-2", "tl-3"), "opuscapita": ("oc-1", "oc-2", "oc-3"),
          "sage50": ("sage-1", "sage-2", "sage-3")}
USER = ("topo_user", "topo-user-pw")
# A user's list read is answered within this, 95 times in 100, with both nodes busy.
P95_SECONDS = 2.0


# -- sandboxes --------------------------------------------------------------------------------

def sandboxes(args):
    from sandbox.data import sage50_scope
    from sandbox.responses import json_response
    from sandbox.server import CONTROL_PREFIX, Sandbox

    class TopologySandbox(Sandbox):
        """The sandbox with two more control routes: the ids of what it holds (to compare
        with the database) and new TrackOnline transactions created now."""

        def _control_route(self, request):
            route = (request.method, request.path[len(CONTROL_PREFIX):].rstrip("/"))
            if route == ("GET", "topology/data"):
                return json_response({
                    "transactions": [row["id"] for row in
                                     self.trackonline.resources["transaction"]],
                    "events": [event["id"] for event in self.opuscapita.events],
                    "processes": sorted(self.trackline.processes),
                    "documents": {doc: hashlib.sha1(raw).hexdigest() if raw else None
                                  for doc, raw in self.trackline.files.items()},
                })
            if route == ("POST", "topology/transactions"):
                new = self.trackonline.add_transactions(int(request.json()["count"]))
                return json_response({"added": len(new)})
            return super()._control_route(request)

    per_minute = {tier: limits[0] for tier, limits in LICENCE_LIMITS.items()}
    boxes = {
        "main": TopologySandbox(seed=1, size=args.processes, events=args.events,
                                transactions=args.transactions,
                                per_minute=per_minute["enterprise"], port=args.port),
        "to-2": TopologySandbox(seed=2, transactions=args.transactions,
                                per_minute=per_minute["enterprise"], port=args.port + 1),
        "to-3": TopologySandbox(seed=3, transactions=args.transactions,
                                per_minute=per_minute["enterprise"], port=args.port + 2),
        "pro": TopologySandbox(seed=4, transactions=args.pro_transactions,
                               per_minute=per_minute["start_pro"], port=args.port + 3),
        "button": TopologySandbox(seed=5, transactions=50,
                                  per_minute=per_minute["enterprise"], port=args.port + 4),
        "hang": TopologySandbox(seed=6, transactions=args.transactions,
                                per_minute=per_minute["enterprise"], port=args.port + 5),
    }
    for box in boxes.values():
        # TrackOnline's minute budget counted over any 60 s, the strictest way a server may
        # count it: the nodes' shared budget must hold there too.
        box.trackonline.rolling_minute = True
        box.start()
    boxes["hang"].add_fault("/trackonline/", delay=HANG_SECONDS, times=10**9)
    main = boxes["main"]
    applications = []
    for index in range(len(TRIPLE["sage50"])):
        secret = "topology-secret-%d" % index
        developer, application, key = main.sage50.ready_application(secret)
        applications.append({"developer_id": developer, "application_id": application,
                             "key": key, "secret": secret})
    for scope in SCOPES:
        main.sage50.publish_scope(scope, json.dumps(
            sage50_scope(1, scope, args.sage50_records)).encode())
    with open(args.out, "w") as out:
        json.dump({"urls": {name: box.url for name, box in boxes.items()},
                   "sage50": applications, "sage50_records": args.sage50_records}, out)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    for box in boxes.values():
        box.stop()


# -- setup --------------------------------------------------------------------------------------

def setup(args):
    boxes = json.load(open(args.sandboxes))
    urls = boxes["urls"]
    with odoo_env(args.db, args.config) as env:
        from odoo import fields
        from odoo.addons.tracking_connector.sandbox.backends import MODELS, backend_values

        def create(system, sandbox, name, **values):
            return env[MODELS[system]].create(backend_values(system, sandbox, name=name,
                                                             timeout=20, **values))

        trackonline = dict(licence_tier="enterprise", start_date="2025-01-01",
                           window_days=800)
        for name, box in zip(TRACKONLINE_ENTERPRISE, ("main", "to-2", "to-3"), strict=True):
            create("trackonline", urls[box], name, **trackonline)
        pro = create("trackonline", urls["pro"], TRACKONLINE_PRO,
                     **dict(trackonline, licence_tier="start_pro"))
        create("trackonline", urls["button"], TRACKONLINE_BUTTON, **trackonline)
        create("trackonline", urls["hang"], TRACKONLINE_HANGING, **trackonline)
        processes = env["trackline.process"]
        for name in TRIPLE["trackline"]:
            backend = create("trackline", urls["main"], name)
            # Processes known by their id only (as a link from another record makes them):
            # the scheduled refresh reads them and downloads their documents.
            processes.create([{"backend_id": backend.id, "remote_id": str(10000 + index),
                               "name": str(10000 + index)} for index in range(args.processes)])
        for name in TRIPLE["opuscapita"]:
            create("opuscapita", urls["main"], name, start_date="2026-03-01", window_days=7)
        downloads = env["sage50.download"]
        for name, application in zip(TRIPLE["sage50"], boxes["sage50"], strict=True):
            backend = create("sage50", urls["main"], name, secret=application["secret"],
                             developer_id=application["developer_id"],
                             application_id=application["application_id"],
                             onboarding_state="approved")
            env.cr.commit()  # the key is stored on a cursor of its own
            backend._store_key(application["key"])
            for scope in SCOPES:
                downloads._notify(backend, scope, None)
        # The START/PRO licence's day is mostly spent already (earlier today, elsewhere):
        # what is left must bind within minutes.
        per_day = LICENCE_LIMITS["start_pro"][1]
        env.cr.execute(
            "INSERT INTO tracking_rate_counter (backend_id, period, period_start, calls) "
            "VALUES (%s, 'day', %s, %s)",
            (pro.tracking_backend_id.id, int(time.time() // 86400), per_day - args.pro_day_left))
        env["res.users"].create({
            "name": "Topology User", "login": USER[0], "password": USER[1],
            "groups_id": [(6, 0, [env.ref("base.group_user").id,
                                  env.ref("tracking_connector.group_tracking_user").id])]})
        # Every scheduled action of the addon: due now, then every minute. (Not "due since
        # long ago": Odoo steps a done job's next call forward one interval at a time, and a
        # quarter of a century of minutes holds a cron worker for minutes, until its
        # watchdog kills it.)
        crons = env["ir.cron"].search([("id", "in", env["ir.model.data"].search([
            ("module", "=", CRON_MODULE), ("model", "=", "ir.cron")]).mapped("res_id"))])
        crons.write({"active": True, "interval_number": 1, "interval_type": "minutes",
                     "nextcall": fields.Datetime.now()})
        env.cr.commit()
        from odoo.addons.tracking_connector.models.tracking_schedule import budget

        print_json(crons=len(crons), pro_day_left=args.pro_day_left,
                   pass_budget=budget(args.cron_limit, prefork=True))


# -- run ----------------------------------------------------------------------------------------

class Readers:
    """The user's list reads on each node, every 0.5 s, until stopped."""

    READS = (("trackonline.transaction", ["transaction_number", "status_code",
                                          "from_location_id", "to_location_id"]),
             ("res.partner", ["name", "email", "phone"]),
             ("tracking.backend", ["display_name"]))

    def __init__(self, sessions):
        self.sessions = sessions
        self.latencies, self.errors = [], []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._read, args=(rpc,), daemon=True)
                        for rpc in sessions]

    def start(self):
        for thread in self.threads:
            thread.start()

    def _read(self, rpc):
        while not self.stop.is_set():
            for model, fields in self.READS:
                started = time.perf_counter()
                try:
                    rpc.kw(model, "search_read", [], fields=fields, limit=80)
                    self.latencies.append(time.perf_counter() - started)
                except (requests.RequestException, RuntimeError) as exc:
                    self.errors.append("%s: %r" % (model, exc))
            self.stop.wait(0.5)

    def end(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(70)


class BusListener:
    """The user's browser tab: a websocket on a node's gevent port, subscribed as the
    browser's bus worker does, keeping every notification with the time it came."""

    def __init__(self, url, session_id):
        import websocket

        self.received = []
        self.error = None
        self.socket = websocket.create_connection(
            url, timeout=5, cookie="session_id=%s" % session_id,
            origin=url.replace("ws://", "http://").split("/websocket")[0])
        self.socket.send(json.dumps({"event_name": "subscribe",
                                     "data": {"channels": [], "last": 0}}))
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._listen, daemon=True)
        self.thread.start()

    def _listen(self):
        import websocket

        while not self.stop.is_set():
            try:
                frame = self.socket.recv()
            except websocket.WebSocketTimeoutException:
                continue
            except Exception as exc:  # noqa: BLE001 - kept and reported by the check
                self.error = repr(exc)
                return
            if frame:
                for notification in json.loads(frame):
                    self.received.append((time.time(), notification["message"]))

    def end(self):
        self.stop.set()
        self.thread.join(10)
        self.socket.close()


def press_sync_button(rpc, backend_id, box_url, count, sql, log):
    """Transactions created now on the slowed-down sandbox, then the user's "Sync
    transactions" on the backend form: (the run's log row, seconds). The scheduled sync of
    the same backend may be under way at that moment: the button's run is then skipped as
    busy, and the user presses again."""
    requests.post(box_url + "/_sandbox/topology/transactions", json={"count": count},
                  timeout=10).raise_for_status()
    requests.post(box_url + "/_sandbox/faults", timeout=10, json={
        "path_prefix": "/trackonline/api/v1/transaction", "delay": 0.3, "times": 100000,
        "method": "GET"}).raise_for_status()
    try:
        for attempt in range(1, 6):
            started = time.monotonic()
            rpc.timeout = 300  # a button waits for its whole sync (the worker's own limit binds)
            rpc.call("/web/dataset/call_button", {
                "model": "trackonline.backend", "method": "action_sync_transactions",
                "args": [[backend_id]], "kwargs": {}})
            seconds = time.monotonic() - started
            sql.execute("SELECT l.id, l.state, l.created_count, l.message "
                        "FROM tracking_sync_log l "
                        "JOIN trackonline_backend b ON b.tracking_backend_id = l.backend_id "
                        "WHERE b.id = %s AND l.user_id = %s ORDER BY l.id DESC LIMIT 1",
                        (backend_id, rpc.uid))
            row = sql.fetchone()
            log("button press %d: run %s %s, %s created in %.1f s" % (
                attempt, row[0], row[1], row[2], seconds))
            if row[1] != "busy":
                return row, seconds
            time.sleep(3)
        return row, seconds
    finally:
        requests.delete(box_url + "/_sandbox/faults", timeout=10)


def backlog_done(sql, boxes, data):
    """True once every backlog but the START/PRO one is in, and the START/PRO one was
    stopped by its day's budget."""
    sql.execute("SELECT count(*) FROM tracking_sync_log l JOIN tracking_backend b ON "
                "b.id = l.backend_id WHERE b.name = %s AND l.state = 'stopped' "
                "AND l.message LIKE %s",
                (TRACKONLINE_PRO, "%day's budget%"))
    if not sql.fetchone()[0]:
        return False
    for name, box in zip(TRACKONLINE_ENTERPRISE + (TRACKONLINE_BUTTON,),
                         ("main", "to-2", "to-3", "button"), strict=True):
        sql.execute("SELECT count(*) FROM trackonline_transaction t JOIN trackonline_backend sb "
                    "ON sb.id = t.backend_id "
                    "JOIN tracking_backend b ON b.id = sb.tracking_backend_id WHERE b.name = "
                    "%s", (name,))
        if sql.fetchone()[0] < len(data[box]["transactions"]):
            return False
    sql.execute("SELECT count(*) FROM opuscapita_event e JOIN opuscapita_backend sb "
                "ON sb.id = e.backend_id JOIN tracking_backend b ON b.id = sb.tracking_backend_id")
    if sql.fetchone()[0] < 3 * len(data["main"]["events"]):
        return False
    sql.execute("SELECT count(*) FROM trackline_process WHERE last_refresh_at IS NULL")
    if sql.fetchone()[0]:
        return False
    sql.execute("SELECT count(*) FROM sage50_download WHERE state = 'pending'")
    return not sql.fetchone()[0]


def hanging_runs(sql):
    """How many transactions runs of the hanging TrackOnline backend have started."""
    sql.execute("SELECT count(*) FROM tracking_sync_log l JOIN tracking_backend s ON "
                "s.id = l.backend_id WHERE s.name = %s AND l.run_key = 'transactions'",
                (TRACKONLINE_HANGING,))
    return sql.fetchone()[0]


def grep(paths, pattern):
    found = []
    for path in paths:
        try:
            with open(path, errors="replace") as handle:
                found += [line.rstrip() for line in handle if re.search(pattern, line)]
        except FileNotFoundError:
            pass
    return found


def run(args):
    boxes = json.load(open(args.sandboxes))
    urls = boxes["urls"]
    nodes = args.nodes.split(",")
    logs = args.logs.split(",")
    db = psycopg2.connect(args.dsn)
    db.autocommit = True
    sql = db.cursor()
    started = time.monotonic()

    def log(text):
        print("[%5.0f s] %s" % (time.monotonic() - started, text), flush=True)

    for node in nodes:
        wait_for_url(node + "/web/health", timeout=120)
    for port in args.gevent.split(","):  # each node's gevent process starts a little later
        wait_for_url("http://127.0.0.1:%s/websocket/health" % port, timeout=120)
    # The scheduled actions are due: wake the cron workers as ir.cron._trigger() does (else
    # they look at the database on their own within a minute).
    wake = psycopg2.connect(args.dsn.replace("dbname=%s" % args.db, "dbname=postgres"))
    wake.autocommit = True
    wake.cursor().execute("NOTIFY cron_trigger, %s", (args.db,))
    wake.close()
    data = {name: requests.get(url + "/_sandbox/topology/data", timeout=30).json()
            for name, url in urls.items()}
    sessions = [Rpc(node, args.db, *USER) for node in nodes]
    readers = Readers(sessions)
    readers.start()
    # The user's tab on node B's gevent port, with the session made on node A: both nodes
    # keep sessions in the one shared data directory.
    gevent_b = args.gevent.split(",")[1]
    bus = BusListener("ws://127.0.0.1:%s/websocket?version=18.0-5" % gevent_b,
                      sessions[0].session_id)
    sql.execute("SELECT sb.id FROM trackonline_backend sb JOIN tracking_backend b "
                "ON b.id = sb.tracking_backend_id WHERE b.name = %s", (TRACKONLINE_BUTTON,))
    button_id = sql.fetchone()[0]
    time.sleep(args.button_after)
    button_run, button_seconds = press_sync_button(
        sessions[0], button_id, urls["button"], args.button_transactions, sql, log)
    # What the button sandbox holds now (its transactions were added for the button).
    data["button"] = requests.get(urls["button"] + "/_sandbox/topology/data", timeout=30).json()
    deadline = started + args.minutes * 60
    while time.monotonic() < deadline and not backlog_done(sql, urls, data):
        time.sleep(3)
    elapsed = time.monotonic() - started
    log("backlogs %s after %.0f s" % ("in" if backlog_done(sql, urls, data) else
                                       "NOT all in", elapsed))
    # Fairness is judged over two passes of the transactions job at least: when the backlogs
    # come in within the first pass, wait (at most two more minutes) for the hanging
    # backend's second run to start.
    fair_deadline = time.monotonic() + 120
    while hanging_runs(sql) < 2 and time.monotonic() < fair_deadline:
        time.sleep(1)
    fair_until = time.monotonic()
    log("hanging backend's transactions runs started: %d" % hanging_runs(sql))
    time.sleep(2)
    readers.end()
    bus.end()
    health = [requests.get("http://127.0.0.1:%s/websocket/health" % port, timeout=10)
              .status_code for port in args.gevent.split(",")]

    checks = []

    def check(name, ok, detail=""):
        checks.append((name, bool(ok)))
        print("%s: %s%s" % ("ok" if ok else "FAILED", name, " (%s)" % detail if detail else ""),
              flush=True)

    def ids(query, *params):
        sql.execute(query, params)
        return [row[0] for row in sql.fetchall()]

    # -- prefork, gevent, bus --
    starts = [len(grep([path], r"Evented Service \(longpolling\) running")) for path in logs]
    check("each node's gevent process started once and stays up", starts == [1, 1] and
          health == [200, 200], "starts %s, /websocket/health %s" % (starts, health))
    title_progress = [(moment, message["payload"]) for moment, message in bus.received
                      if message.get("type") == "simple_notification"
                      and message["payload"].get("title") == TRACKONLINE_BUTTON
                      and "records so far" in message["payload"].get("message", "")]
    moments = [moment for moment, _payload in title_progress]
    gaps = [later - earlier for earlier, later in zip(moments, moments[1:], strict=False)]
    check("the button sync's progress reached the user's websocket on the other node",
          len(title_progress) >= 2 and not bus.error,
          "%d progress notifications: %s; bus error: %s" % (
              len(title_progress), "; ".join(p["message"] for _, p in title_progress[:4]),
              bus.error))
    check("progress at most every 3 s", all(gap >= 2.5 for gap in gaps),
          "gaps %s s" % ", ".join("%.1f" % gap for gap in gaps))
    check("the button sync ended done", button_run[1] == "done",
          "run %s: %s, %s created, %.1f s" % (button_run[0], button_run[1], button_run[2],
                                              button_seconds))

    # -- every record once, none lost --
    for name, box in zip(TRACKONLINE_ENTERPRISE + (TRACKONLINE_BUTTON,),
                         ("main", "to-2", "to-3", "button"), strict=True):
        mirrored = ids("SELECT t.remote_id FROM trackonline_transaction t JOIN "
                       "trackonline_backend sb ON sb.id = t.backend_id JOIN tracking_backend b "
                       "ON b.id = sb.tracking_backend_id WHERE b.name = %s", name)
        expected = data[box]["transactions"]
        check("TrackOnline %s: every transaction once" % name,
              len(mirrored) == len(set(mirrored)) and set(mirrored) == set(expected),
              "%d rows, %d distinct, sandbox %d" % (len(mirrored), len(set(mirrored)),
                                                    len(expected)))
    mirrored = ids("SELECT t.remote_id FROM trackonline_transaction t JOIN trackonline_backend sb "
                   "ON sb.id = t.backend_id "
                   "JOIN tracking_backend b ON b.id = sb.tracking_backend_id WHERE b.name = "
                   "%s", TRACKONLINE_PRO)
    check("TrackOnline %s (budget-bound): none twice, none unknown" % TRACKONLINE_PRO,
          len(mirrored) == len(set(mirrored)) and set(mirrored) <= set(
              data["pro"]["transactions"]),
          "%d of %d so far" % (len(mirrored), len(data["pro"]["transactions"])))
    for name in TRIPLE["opuscapita"]:
        mirrored = ids("SELECT e.remote_id FROM opuscapita_event e JOIN opuscapita_backend sb "
                       "ON sb.id = e.backend_id "
                       "JOIN tracking_backend b ON b.id = sb.tracking_backend_id WHERE b.name = "
                       "%s", name)
        check("OpusCapita %s: every event once" % name,
              len(mirrored) == len(set(mirrored)) and set(mirrored) == set(
                  data["main"]["events"]),
              "%d rows, sandbox %d" % (len(mirrored), len(data["main"]["events"])))
    documents = data["main"]["documents"]
    for name in TRIPLE["trackline"]:
        sql.execute("SELECT count(*), count(DISTINCT p.remote_id), count(p.last_refresh_at) "
                    "FROM trackline_process p JOIN trackline_backend sb ON sb.id = p.backend_id "
                    "JOIN tracking_backend b ON b.id = sb.tracking_backend_id "
                    "WHERE b.name = %s", (name,))
        processes = sql.fetchone()
        sql.execute("SELECT d.remote_id, d.state, a.checksum FROM trackline_document d "
                    "JOIN trackline_backend sb ON sb.id = d.backend_id "
                    "JOIN tracking_backend b ON b.id = sb.tracking_backend_id LEFT JOIN "
                    "ir_attachment a "
                    "ON a.id = d.attachment_id WHERE b.name = %s", (name,))
        rows = sql.fetchall()
        downloaded = {doc: checksum for doc, state, checksum in rows if state == "downloaded"}
        check("Trackline %s: every process refreshed once, every document once, downloads "
              "byte-identical" % name,
              processes == (args.processes,) * 3
              and len(rows) == len({row[0] for row in rows}) == len(documents)
              and all(documents[doc] == checksum for doc, checksum in downloaded.items()),
              "processes %s, documents %d (sandbox %d), %d downloaded" % (
                  "/".join(map(str, processes)), len(rows), len(documents), len(downloaded)))
    for name in TRIPLE["sage50"]:
        sql.execute("SELECT count(*), count(DISTINCT s.remote_id) FROM sage50_partner s "
                    "JOIN sage50_backend sb ON sb.id = s.backend_id "
                    "JOIN tracking_backend b ON b.id = sb.tracking_backend_id WHERE b.name = "
                    "%s", (name,))
        partners = sql.fetchone()
        sql.execute("SELECT count(*) FROM sage50_download d JOIN sage50_backend sb "
                    "ON sb.id = d.backend_id "
                    "JOIN tracking_backend b ON b.id = sb.tracking_backend_id WHERE b.name = %s "
                    "AND d.state = 'done' "
                    "AND d.attachment_id IS NOT NULL", (name,))
        files = sql.fetchone()[0]
        records = boxes["sage50_records"]
        check("Sage 50 %s: every customer once, every file imported" % name,
              partners == (records, records) and files == len(SCOPES),
              "customers %d/%d of %d, files %d of %d" % (partners + (records, files,
                                                                     len(SCOPES))))

    # -- time limits, scheduled actions, runs --
    killed = grep(logs, r"timeout after|CPU time limit|virtual memory limit|"
                        r"virtual real time limit")
    # The master logs a kill at each of its loops until the worker is gone: count workers.
    victims = sorted({re.sub(r"^\S+ \S+ \d+ ", "", line)[:90] for line in killed})
    check("no worker killed by a time or memory limit", not killed,
          "%d: %s" % (len(victims), " | ".join(victims[:3])))
    # A call of a job in progress has timed_out_counter 1 until it returns; a call whose
    # worker was killed keeps it, and the job's next call is a newer progress row: count
    # those only (the nodes are still running jobs now).
    sql.execute("SELECT c.cron_name, c.failure_count, c.active, coalesce(max("
                "p.timed_out_counter) FILTER (WHERE p.id < (SELECT max(id) FROM "
                "ir_cron_progress WHERE cron_id = c.id)), 0) FROM ir_cron c JOIN ir_model_data d "
                "ON d.res_id = c.id AND d.model = 'ir.cron' AND d.module = %s LEFT JOIN "
                "ir_cron_progress p ON p.cron_id = c.id GROUP BY c.id ORDER BY c.id",
                (CRON_MODULE,))
    crons = sql.fetchall()
    bad = [row for row in crons if row[1] or not row[2]]
    timed_out = [row for row in crons if row[3]]
    check("no scheduled action deactivated or counted failed", not bad,
          "; ".join("%s: failures %d, active %s" % (row[0], row[1], row[2])
                    for row in bad))
    check("no scheduled action left timed out",
          not timed_out and not grep(logs, r"Job .* timed out"),
          "; ".join("%s: %d" % (row[0], row[3]) for row in timed_out))
    sql.execute("SELECT backend_name, operation, state, left(message, 90) FROM "
                "tracking_sync_log WHERE state = 'failed' AND backend_name != %s ORDER BY id",
                (TRACKONLINE_HANGING,))
    failed_runs = sql.fetchall()
    check("no sync run failed or interrupted (but the hanging backend's)", not failed_runs,
          "%d: %s" % (len(failed_runs), " | ".join("%s %s: %s" % (row[0], row[1], row[3])
                                                   for row in failed_runs[:4])))

    # -- call budgets, as the sandboxes counted them --
    for box, tier in (("main", "enterprise"), ("to-2", "enterprise"), ("to-3", "enterprise"),
                      ("button", "enterprise"), ("pro", "start_pro")):
        minutes = requests.get(urls[box] + "/_sandbox/trackonline/minutes", timeout=10).json()
        busiest = max(minutes["minutes"].values(), default=0)
        check("TrackOnline sandbox %s: no minute over the %s budget, no 429" % (box, tier),
              busiest <= LICENCE_LIMITS[tier][0] and not minutes["rejected"],
              "busiest minute %d (budget %d), 429s %d, per minute %s" % (
                  busiest, LICENCE_LIMITS[tier][0], minutes["rejected"],
                  " ".join(str(v) for _, v in sorted(minutes["minutes"].items()))))
        if box == "pro":
            total = sum(minutes["minutes"].values())
            sql.execute("SELECT string_agg(DISTINCT state, ',') FROM tracking_sync_log l JOIN "
                        "tracking_backend s ON s.id = l.backend_id WHERE s.name = %s",
                        (TRACKONLINE_PRO,))
            states = sql.fetchone()[0] or ""
            check("TrackOnline START/PRO: the day's budget held across both nodes",
                  total <= args.pro_day_left and "stopped" in states,
                  "%d calls seen by the sandbox, %d left of the day's %d; run states %s" % (
                      total, args.pro_day_left, LICENCE_LIMITS["start_pro"][1], states))

    # -- one hanging backend does not starve the others --
    # What each TrackOnline backend had of the transactions job until the backlogs were in
    # and the hanging backend's second run had started:
    # runs, calls, seconds. The driver serves the backend served longest ago first, each
    # within its share of the pass: the hanging one is cut at its share every pass.
    sql.execute("SELECT b.name, count(l.id), coalesce(sum(l.api_calls), 0), "
                "coalesce(sum(l.duration), 0), coalesce(max(l.duration), 0), "
                "coalesce(sum(l.created_count + l.updated_count), 0), "
                "string_agg(DISTINCT l.state, ',') FROM tracking_backend b "
                "LEFT JOIN tracking_sync_log l ON l.backend_id = b.id "
                "AND l.run_key = 'transactions' AND l.user_id != %s "
                "AND l.started_at <= now() at time zone 'UTC' - %s * interval '1 second' "
                "WHERE b.backend_model = 'trackonline.backend' "
                "GROUP BY b.name ORDER BY "
                "b.name", (sessions[0].uid, time.monotonic() - fair_until))
    shares = {row[0]: row[1:] for row in sql.fetchall()}
    total = sum(row[2] for row in shares.values()) or 1
    print("fairness (transactions job, two passes at least): " + "; ".join(
        "%s %d runs, %d calls, %.0f s (%.0f%%), longest %.1f s, %d records, %s" % (
            (name,) + row[:3] + (100 * row[2] / total,) + row[3:5] + (row[5] or "-",))
        for name, row in sorted(shares.items())), flush=True)
    hang_runs, _calls, hang_seconds, hang_longest = shares[TRACKONLINE_HANGING][:4]
    others = [shares[name] for name in TRACKONLINE_ENTERPRISE]
    check("one hanging backend did not starve the others: each ran as often, the hanging "
          "one cut at its share of a pass",
          hang_runs >= 2 and all(row[0] >= hang_runs - 1 for row in others)
          and hang_longest <= args.pass_budget / len(shares) + RETRY_SLACK,
          "runs %s vs hanging %d; hanging: %.0f s in all, longest run %.1f s (an equal part "
          "of a %.1f s pass: %.1f s)" % (
              "/".join(str(row[0]) for row in others), hang_runs, hang_seconds, hang_longest,
              args.pass_budget, args.pass_budget / len(shares)))

    # -- users, nodes, logs --
    ordered = sorted(readers.latencies)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)] if ordered else float("inf")
    check("users answered on both nodes: no failed read, p95 < %.1f s" % P95_SECONDS,
          not readers.errors and len(ordered) >= 20 and p95 < P95_SECONDS,
          "%d reads, median %.0f ms, p95 %.0f ms, max %.0f ms, %d failed%s" % (
              len(ordered), statistics.median(ordered or [0]) * 1000, p95 * 1000,
              (ordered or [0])[-1] * 1000, len(readers.errors),
              ": " + readers.errors[0][:200] if readers.errors else ""))
    jobs = [len(grep([path], r"INFO .*ir_cron: Job .* processed")) for path in logs]
    check("both nodes ran scheduled actions", all(jobs), "cron job batches per node %s" % jobs)
    errors = [path for path in logs + args.errs.split(",") if grep([path], "Traceback")]
    check("no traceback in either node's log", not errors, ", ".join(errors))

    # -- figures --
    sql.execute("SELECT count(*), coalesce(sum(api_calls), 0), "
                "coalesce(sum(created_count + updated_count), 0) FROM tracking_sync_log")
    runs, calls, records = sql.fetchone()
    sql.execute("SELECT state, count(*) FROM tracking_sync_log GROUP BY state ORDER BY state")
    by_state = ", ".join("%s %d" % row for row in sql.fetchall())
    print("figures: %.0f s; %d runs (%s); %d API calls; %d records created or updated: "
          "%.0f a minute over two nodes" % (elapsed, runs, by_state, calls, records,
                                            records / elapsed * 60))
    failed = sum(not ok for _, ok in checks)
    print("topology: %d passed, %d failed" % (len(checks) - failed, failed))
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="step", required=True)
    box = sub.add_parser("sandboxes")
    box.add_argument("--port", type=int, required=True, help="first of six ports")
    box.add_argument("--out", required=True)
    box.add_argument("--transactions", type=int, default=2000)
    box.add_argument("--pro-transactions", type=int, default=6000,
                     help="the START/PRO backend's backlog: more than its calls left allow")
    box.add_argument("--events", type=int, default=1000)
    box.add_argument("--processes", type=int, default=40)
    box.add_argument("--sage50-records", type=int, default=500)
    for name in ("setup", "run"):
        step = sub.add_parser(name)
        step.add_argument("--db", required=True)
        step.add_argument("--sandboxes", required=True, help="the JSON file of `sandboxes`")
        step.add_argument("--processes", type=int, default=40)
        step.add_argument("--pro-day-left", type=int, default=100,
                          help="calls left of the START/PRO backend's day")
    sub.choices["setup"].add_argument("--config", required=True)
    sub.choices["setup"].add_argument("--cron-limit", type=float, required=True,
                                      help="limit_time_real_cron of the nodes, seconds")
    step = sub.choices["run"]
    step.add_argument("--dsn", required=True)
    step.add_argument("--nodes", required=True, help="node A,node B (HTTP base URLs)")
    step.add_argument("--gevent", required=True, help="gevent ports of node A,node B")
    step.add_argument("--logs", required=True, help="log files of node A,node B")
    step.add_argument("--errs", required=True, help="stderr files of node A,node B")
    step.add_argument("--minutes", type=float, default=5.0, help="deadline of the run")
    step.add_argument("--button-after", type=float, default=20.0, help="seconds")
    step.add_argument("--button-transactions", type=int, default=1000)
    step.add_argument("--pass-budget", type=float, required=True,
                      help="seconds a cron worker's pass of jobs may take (tracking_schedule)")
    args = parser.parse_args()
    return {"sandboxes": sandboxes, "setup": setup, "run": run}[args.step](args)


if __name__ == "__main__":
    raise SystemExit(main())
