"""The benchmark's table and ratios, from the JSON lines scripts/bench.py printed.

    python scripts/bench_table.py RESULTS.jsonl"""

import json
import sys


def main(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    trackline = [r for r in rows if r["importer"] == "trackline"]
    limiter = [r for r in rows if r["importer"] == "limiter"]
    rows = [r for r in rows if r["importer"] not in ("trackline", "limiter")]
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
    by = {(r["importer"], r["n"], r["latency_ms"]): r for r in rows}
    print()
    for (importer, n, latency), connector in sorted(by.items()):
        network, orm = by.get(("network", n, latency)), by.get(("orm", n, 0))
        if importer != "connector" or not (network and orm):
            continue
        slower = max(network["seconds"], orm["seconds"])
        print("N=%d at %d ms: connector %.2f s = %.2f x max(network %.2f s, ORM %.2f s), "
              "%.2f x their sum; %.2f x the ORM bound's speed; %d calls for %d pages"
              % (n, latency, connector["seconds"], connector["seconds"] / slower,
                 network["seconds"], orm["seconds"],
                 connector["seconds"] / (network["seconds"] + orm["seconds"]),
                 orm["seconds"] / connector["seconds"], connector["api_calls"],
                 connector["pages"]))
        naive = by.get(("naive", n, 0))
        if naive and latency == 0:
            print("N=%d: connector %.1f x the naive importer" % (
                n, naive["seconds"] / connector["seconds"]))
    memory = sorted((r["n"], r["sync_rss_mb"]) for r in rows if r["importer"] == "connector"
                    and r["latency_ms"] == 0)
    print("connector memory above the loaded registry (N: MB): %s" % ", ".join(
        "%d: %.1f" % pair for pair in memory))
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
                print("Trackline: %d at a time takes %.2f x the time of one at a time"
                      % (r["bound"], r["seconds"] / serial[0]["seconds"]))


if __name__ == "__main__":
    main(sys.argv[1])
