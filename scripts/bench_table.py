"""The benchmark's table and ratios, from the JSON lines scripts/bench.py printed, and
each target of the issue "Speed over a real network" said met or not.

    python scripts/bench_table.py RESULTS.jsonl"""

import json
import sys

# The targets (docs/reliability.rst, docs/benchmark.rst).
MAX_OVER_BOUND_AT_LATENCY = 1.2  # connector time / max(network, ORM) with latency
MIN_ORM_SPEED = 0.8  # connector speed / ORM bound's speed, N = 10,000 at 0 ms
MAX_TRACKLINE_RATIO = 0.35  # concurrent / serial
FLAT_MB = 5.0  # connector memory: the largest N within this of the smallest


def verdict(ok):
    return "met" if ok else "NOT met"


def main(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    trackline = [r for r in rows if r["importer"] == "trackline"]
    limiter = [r for r in rows if r["importer"] == "limiter"]
    whole = [r for r in rows if r["importer"] == "bench"]
    rows = [r for r in rows if r["importer"] not in ("trackline", "limiter", "bench")]
    for r in limiter:
        print("counting one call in the shared budget: %.3f ms (own cursor, row lock, "
              "commit); a call's budget taken ahead and given back: %.3f ms; %d of %d "
              "counted" % (r["acquire_ms"], r["reserve_and_give_back_ms"], r["counted"],
                          r["calls"]))
    print("\n%-10s %7s %8s %9s %9s %9s %7s %13s" % (
        "importer", "N", "latency", "seconds", "tx/s", "API calls", "pages", "sync RSS (MB)"))
    for r in rows:
        print("%-10s %7d %6d ms %9.2f %9.1f %9d %7d %13.1f" % (
            r["importer"], r["n"], r["latency_ms"], r["seconds"], r["tx_per_s"],
            r["api_calls"], r["pages"], r["sync_rss_mb"]))
    # A measure made more than once (the 0 ms pair, BENCH_REPEAT): the fastest is kept, for
    # each importer alike (a busy machine only ever slows a run down).
    by, times = {}, {}
    for r in rows:
        key = (r["importer"], r["n"], r["latency_ms"])
        times.setdefault(key, []).append(r["seconds"])
        if key not in by or r["seconds"] < by[key]["seconds"]:
            by[key] = r
    for (importer, n, latency), seconds in sorted(times.items()):
        if len(seconds) > 1:
            print("%s N=%d at %d ms, measured %d times: %s s; the fastest is kept" % (
                importer, n, latency, len(seconds), ", ".join("%.2f" % s for s in seconds)))
    print()
    for (importer, n, latency), connector in sorted(by.items()):
        network, orm = by.get(("network", n, latency)), by.get(("orm", n, 0))
        if importer != "connector" or not (network and orm):
            continue
        slower = max(network["seconds"], orm["seconds"])
        speed = orm["seconds"] / connector["seconds"]
        if latency:
            target = "target <= %.1f x max: %s" % (
                MAX_OVER_BOUND_AT_LATENCY,
                verdict(connector["seconds"] / slower <= MAX_OVER_BOUND_AT_LATENCY))
        elif n >= 10000:
            target = "target >= %.1f x the ORM speed: %s" % (
                MIN_ORM_SPEED, verdict(speed >= MIN_ORM_SPEED))
        else:
            target = "no target"
        print("N=%d at %d ms: connector %.2f s = %.2f x max(network %.2f s, ORM %.2f s), "
              "%.2f x their sum; %.2f x the ORM bound's speed (%s); %d calls for %d pages "
              "(calls = pages: %s)"
              % (n, latency, connector["seconds"], connector["seconds"] / slower,
                 network["seconds"], orm["seconds"],
                 connector["seconds"] / (network["seconds"] + orm["seconds"]),
                 speed, target, connector["api_calls"], connector["pages"],
                 verdict(connector["api_calls"] == connector["pages"])))
        naive = by.get(("naive", n, 0))
        if naive and latency == 0:
            print("N=%d: connector %.1f x the naive importer" % (
                n, naive["seconds"] / connector["seconds"]))
    largest = {}  # N -> the connector's largest memory at 0 ms
    for r in rows:
        if r["importer"] == "connector" and r["latency_ms"] == 0:
            largest[r["n"]] = max(largest.get(r["n"], 0), r["sync_rss_mb"])
    memory = sorted(largest.items())
    if memory:
        print("connector memory above the loaded registry (N: MB): %s (flat, the largest N "
              "within %.0f MB of the smallest: %s)" % (
                  ", ".join("%d: %.1f" % pair for pair in memory), FLAT_MB,
                  verdict(memory[-1][1] - memory[0][1] <= FLAT_MB)))
    for r in rows:
        if r["importer"] == "connector" and r.get("runs", 1) > 1:
            print("N=%d at %d ms: the sync ran %d times to the end of the list, %.1f s of "
                  "waiting for the licence's call budget left out" % (
                      r["n"], r["latency_ms"], r["runs"], r.get("budget_wait_s", 0)))
        if r["importer"] == "connector" and memory and r["n"] == memory[-1][0]:
            print("N=%d at %d ms: %d of %d transactions stored, state %s (all stored: %s); "
                  "%d calls for %d pages (calls = pages: %s)"
                  % (r["n"], r["latency_ms"], r["stored"], r["n"], r["state"],
                     verdict(r["stored"] == r["n"]), r["api_calls"], r["pages"],
                     verdict(r["api_calls"] == r["pages"])))
    if trackline:
        print("\n%-9s %9s %9s %8s %9s %9s %9s" % ("Trackline", "processes", "documents",
                                                  "latency", "seconds", "API calls", "RSS (MB)"))
        for r in trackline:
            print("bound %-3d %9d %9d %5d ms %9.2f %9d %9.1f" % (
                r["bound"], r["processes"], r["downloaded"], r["latency_ms"], r["seconds"],
                r["api_calls"], r["peak_rss_mb"]))
        serial = [r for r in trackline if r["bound"] == 1]
        for r in trackline:
            if serial and r["bound"] > 1:
                ratio = r["seconds"] / serial[0]["seconds"]
                print("Trackline: %d at a time takes %.2f x the time of one at a time "
                      "(target <= %.2f: %s)" % (r["bound"], ratio, MAX_TRACKLINE_RATIO,
                                                 verdict(ratio <= MAX_TRACKLINE_RATIO)))
    for r in whole:
        print("\nThe whole bench took %d min %02d s." % divmod(round(r["seconds"]), 60))


if __name__ == "__main__":
    main(sys.argv[1])
