"""The load test's driver (run by scripts/load.sh, which starts PostgreSQL, a fresh database,
the sandbox with N transactions and a call budget per minute, and Odoo's threaded server).

Over HTTP as admin: creates a TrackOnline backend (the given licence tier, the other
settings at their defaults but for the start date and the window) and a plain Tracking user.
Then makes the transactions cron due, as its schedule would (nextcall set to now and
``cron_trigger`` notified, as ``ir.cron._trigger()`` does), and lets Odoo's scheduler run the
job as often as it does: each pass of the cron thread runs it within the pass's time budget
(models/tracking_schedule.py), and a job that stops with work left is run again in the next
pass at once. Waits until every transaction is in; meanwhile it samples the server's RSS
every 0.2 s, and the user's session reads contacts and transactions over JSON-RPC every
0.5 s. Prints the figures and the checks."""

import argparse
import statistics
import threading
import time

import psutil
import psycopg2
import requests
from odoo_driver import Rpc

from clients.trackonline import LICENCE_LIMITS
from sandbox.backends import backend_values

PAGE_SIZE = 50
# The server's RSS may grow by at most this much between 10 % of the sync and its end
# (measured: 0.2 MB). Anything kept per transaction (a leak of 350 bytes each over the
# 45,000 transactions after the 10 % mark) would go over it; allocator noise and the
# user's reads stay well under it.
RSS_GROWTH_MB = 16
# Bound on the 95th percentile of a user's list read (search_read of 80 rows) during the
# sync (measured: about 30 ms on a shared 2-core machine): past a second users feel it.
P95_SECONDS = 1.0
# Longest pause between the end of a run and the start of the next one while work is left:
# the next pass of the cron thread starts at once (it is woken), not after its minute of
# sleep (sync logs have whole seconds; measured: 0 to 1 s).
MAX_GAP_SECONDS = 10


def sample_rss(process, samples, stop):
    while not stop.is_set():
        samples.append((time.monotonic(), process.memory_info().rss / 2**20))
        time.sleep(0.2)


def read_as_user(rpc, latencies, errors, stop):
    reads = (("res.partner", ["name", "email", "phone"]),
             ("trackonline.transaction", ["transaction_number", "status_code",
                                          "from_location_id", "to_location_id"]))
    while not stop.is_set():
        for model, fields in reads:
            started = time.perf_counter()
            try:
                rpc.kw(model, "search_read", [], fields=fields, limit=80)
                latencies.append(time.perf_counter() - started)
            except (requests.RequestException, RuntimeError) as exc:
                errors.append(repr(exc))
        stop.wait(0.5)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--odoo", required=True)
    parser.add_argument("--odoo-pid", type=int, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--sandbox", required=True)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--tier", default="enterprise", choices=sorted(LICENCE_LIMITS))
    parser.add_argument("--timeout", type=int, default=900,
                        help="seconds to wait for every transaction")
    args = parser.parse_args()
    per_minute, per_day = LICENCE_LIMITS[args.tier]

    admin = Rpc(args.odoo, args.db, "admin", "admin")
    backend_id = admin.kw("trackonline.backend", "create", backend_values(
        "trackonline", args.sandbox, name="load", licence_tier=args.tier,
        start_date="2025-01-01", window_days=800))
    max_pages = admin.kw("trackonline.backend", "read", [backend_id], ["max_pages"])[0][
        "max_pages"]
    group = admin.kw("ir.model.data", "check_object_reference", "tracking_connector",
                     "group_tracking_user")[1]
    admin.kw("res.users", "create", {"name": "Load User", "login": "load", "password": "load-pw",
                                     "groups_id": [(4, group)]})
    user = Rpc(args.odoo, args.db, "load", "load-pw")

    db = psycopg2.connect(args.dsn)
    db.autocommit = True
    sql = db.cursor()
    # The cron workers listen on the "postgres" database, as Odoo's own ir.cron._trigger().
    listening = psycopg2.connect(args.dsn.replace("dbname=%s" % args.db, "dbname=postgres"))
    listening.autocommit = True
    notify = listening.cursor()
    # Only the transactions cron of the addon runs now (the others would call the API too).
    sql.execute("""UPDATE ir_cron SET nextcall = now() at time zone 'UTC' + interval '1 day'
                    WHERE id IN (SELECT res_id FROM ir_model_data WHERE model = 'ir.cron'
                                 AND module = 'tracking_connector')""")

    worker = psutil.Process(args.odoo_pid)  # threaded server: the cron is one of its threads
    stop = threading.Event()
    rss, latencies, errors = [], [], []
    threads = [threading.Thread(target=sample_rss, args=(worker, rss, stop)),
               threading.Thread(target=read_as_user, args=(user, latencies, errors, stop))]
    for thread in threads:
        thread.start()
    time.sleep(2)  # a few quiet reads and samples first
    started = time.monotonic()
    runs = []
    try:
        # Due now: from here the scheduler runs the job as often as it wants.
        sql.execute("""UPDATE ir_cron SET nextcall = now() at time zone 'UTC'
                        WHERE id = (SELECT res_id FROM ir_model_data WHERE module =
                        'tracking_connector' AND name = 'cron_trackonline_transactions')""")
        notify.execute("NOTIFY cron_trigger, %s", (args.db,))
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            time.sleep(0.5)
            if not worker.is_running():
                raise RuntimeError("the Odoo server died during the sync")
            sql.execute("SELECT id, state, api_calls, rate_limited_count, started_at, "
                        "ended_at FROM tracking_sync_log WHERE backend_id = %s AND "
                        "operation LIKE '%%transactions' ORDER BY id", (backend_id,))
            runs = sql.fetchall()
            sql.execute("SELECT count(*) FROM trackonline_transaction WHERE backend_id = %s",
                        (backend_id,))
            if sql.fetchone()[0] >= args.n and runs and runs[-1][1] != "running":
                break
    finally:
        elapsed = time.monotonic() - started
        stop.set()
        for thread in threads:
            thread.join()

    sql.execute("SELECT count(*), count(DISTINCT remote_id) FROM trackonline_transaction "
                "WHERE backend_id = %s", (backend_id,))
    transactions, distinct = sql.fetchone()
    minutes = requests.get("%s/_sandbox/trackonline/minutes" % args.sandbox, timeout=10.0).json()
    sandbox_calls = requests.get("%s/_sandbox/calls" % args.sandbox, timeout=10.0).json()
    list_calls = sandbox_calls["by_path"].get("GET /trackonline/api/v1/transaction", 0)
    api_calls = sum(run[2] for run in runs)
    # After a run that ended done with work left (a run stopped by the call budget waits for
    # it on purpose).
    gaps = [(later[4] - earlier[5]).total_seconds() for earlier, later
            in zip(runs, runs[1:], strict=False)
            if earlier[1] == "done" and earlier[5]]
    sql.execute("SELECT count(*) FROM ir_cron_progress WHERE cron_id = "
                "(SELECT res_id FROM ir_model_data WHERE module = 'tracking_connector' AND "
                "name = 'cron_trackonline_transactions')")
    calls_of_job = sql.fetchone()[0]
    pages = args.n // PAGE_SIZE + 1  # full pages, then the short or empty one that ends
    during = [mb for moment, mb in rss if started <= moment <= started + elapsed]
    at_10 = [mb for moment, mb in rss if moment >= started + elapsed / 10][0]
    growth = during[-1] - at_10
    ordered = sorted(latencies)
    p95 = ordered[int(len(ordered) * 0.95) - 1] if ordered else float("inf")
    busiest = max(minutes["minutes"].values(), default=0)

    print("transactions       %d in %d runs of at most %d pages (%d calls of the cron job)" % (
        transactions, len(runs), max_pages, calls_of_job))
    print("pause between runs max %.0f s (%s)" % (
        max(gaps, default=0), " ".join("%.0f" % gap for gap in gaps)))
    print("seconds            %.1f" % elapsed)
    print("tx/s               %.0f" % (transactions / elapsed))
    print("API calls          %d (the sync logs), %d transaction lists seen by the sandbox, "
          "%d pages" % (api_calls, list_calls, pages))
    print("calls a minute     max %d, budget %d (%s); per minute: %s" % (
        busiest, per_minute, args.tier,
        " ".join(str(v) for _, v in sorted(minutes["minutes"].items()))))
    print("429s               %d answered by the sandbox, %d met by the sync" % (
        minutes["rejected"], sum(run[3] for run in runs)))
    print("server RSS         start %.1f MB, at 10%% %.1f MB, peak %.1f MB, final %.1f MB, "
          "growth from 10%% %.1f MB" % (during[0], at_10, max(during), during[-1], growth))
    print("user reads         %d, median %.0f ms, p95 %.0f ms, max %.0f ms, %d failed" % (
        len(ordered), statistics.median(ordered) * 1000, p95 * 1000, ordered[-1] * 1000,
        len(errors)))
    lowest = LICENCE_LIMITS["start_pro"]
    print("lowest tier        start_pro (%d a minute, %d a day): %d calls need %d days' "
          "budgets (at least %.1f min of minute budget); pro_plus: %.1f min" % (
              lowest[0], lowest[1], pages, -(-pages // lowest[1]), pages / lowest[0],
              pages / LICENCE_LIMITS["pro_plus"][0]))

    checks = [
        ("every transaction synced, none twice", transactions == args.n == distinct),
        # A tier whose minute budget the sync outruns ends runs "stopped" (foreseen, no 429),
        # each going on when the budget returns.
        ("every cron run ended done%s" % ("" if args.tier == "enterprise" else
                                          " or stopped on the spent call budget"),
         all(run[1] == "done" or (run[1] == "stopped" and args.tier != "enterprise")
             for run in runs)),
        ("the next run starts at once (pauses < %d s)" % MAX_GAP_SECONDS,
         max(gaps, default=0) < MAX_GAP_SECONDS),
        ("API calls = pages (logs and sandbox)", api_calls == list_calls == pages),
        ("no minute over the budget", busiest <= per_minute),
        ("no 429 provoked", minutes["rejected"] == 0 and not any(run[3] for run in runs)),
        ("server RSS flat (growth from 10%% < %d MB)" % RSS_GROWTH_MB,
         growth < RSS_GROWTH_MB),
        ("users answered: no failed read", not errors and len(ordered) >= 10),
        ("users answered: p95 < %.1f s" % P95_SECONDS, p95 < P95_SECONDS),
    ]
    for name, ok in checks:
        print("%s: %s" % ("ok" if ok else "FAILED", name))
    for error in errors[:5]:
        print("  read error: %s" % error)
    failed = sum(not ok for _, ok in checks)
    print("load: %d passed, %d failed" % (len(checks) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
