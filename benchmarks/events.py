"""Benchmark: the event pipeline on DuckDB and Spark against a plain-pandas baseline.

Run:  .venv/bin/python benchmarks/events.py [--sizes 100000,1000000,10000000] [--dir DIR]

Generates GDELT 2.0 export files (61 tab-separated fields, generated rows: throughput is the
question) at each size, then runs in a fresh child process per measurement:

* ``duckdb``  — the specification on DuckDB (the default engine);
* ``spark``   — the same specification transpiled to Spark SQL, PySpark ``local[2]``; the
  time includes starting the JVM, shown separately as ``spark (query only)``;
* ``pandas``  — the baseline: ``pandas.read_csv`` of the seven used columns + ``groupby``;
* ``duckdb count(*)`` — DuckDB's own CSV-scan ceiling: ``count(*)`` over the same ``read_csv``.

Peak memory is the largest resident set of the child's whole process tree (the JVM included),
sampled from /proc every 50 ms. No time is asserted anywhere: the table prints the ratios to
compare between machines (engine / pandas, DuckDB / its own scan).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIRROR = Path(os.environ.get("STABILIS_MIRROR", ROOT.parent / "shared" / "data")).resolve()
COLUMNS = MIRROR / "gdelt" / "gdelt2_events_column_labels.csv"

CHILD = r"""
import json, sys, time
from pathlib import Path
from stabilis.sources import gdelt
from stabilis.threats import events as ev
kind, path, columns = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
table = gdelt.parse("event_columns", columns)[0].frame
schema = ev.read_schema(table)
targets = ev.cameo_country_map(__import__("stabilis.registry", fromlist=["x"]).load_registry().countries())
out = {}
t0 = time.perf_counter()
if kind == "duckdb":
    sig = ev.aggregate_events([path], schema, targets)
    out["result_rows"] = len(sig.monthly)
elif kind == "scan":
    from stabilis.store.events import count_event_rows
    out["result_rows"] = count_event_rows([path], schema)
elif kind == "spark":
    from stabilis.threats.spark import SparkEngine
    engine = SparkEngine("local[2]", conf={"spark.driver.memory": "4g"})
    engine.session()
    out["startup"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    sig = ev.aggregate_events([path], schema, targets, engine="spark", spark=engine)
    out["query"] = time.perf_counter() - t1
    out["result_rows"] = len(sig.monthly)
elif kind == "pandas":
    import pandas as pd
    names = gdelt.event_column_names(table)
    used = ["Year", "MonthYear", "EventRootCode", "Actor2CountryCode", "NumMentions",
            "GoldsteinScale", "AvgTone"]
    frame = pd.read_csv(path, sep="\t", header=None, names=names, usecols=used,
                        dtype={"EventRootCode": str, "Actor2CountryCode": str}, quoting=3)
    frame = frame[frame["EventRootCode"].isin(ev.HOSTILE_ROOTS)]
    frame["iso3"] = frame["Actor2CountryCode"].map(targets)
    frame = frame[frame["iso3"].notna()]
    frame["month"] = frame["MonthYear"] % 100
    agg = frame.groupby(["iso3", "Year", "month"]).agg(
        events=("Year", "size"), mentions=("NumMentions", "sum"),
        goldstein=("GoldsteinScale", "mean"), tone=("AvgTone", "mean"))
    out["result_rows"] = len(agg)
out["seconds"] = time.perf_counter() - t0
print(json.dumps(out))
"""


def _tree_rss_kib(root: int) -> int:
    """Resident set size (KiB) of ``root`` and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(child for child, parent in parents.items() if parent == pid)
    return total


def measure(kind: str, path: Path) -> dict[str, float]:
    """Run one measurement in a child process; add its peak tree RSS (MiB) and wall time."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, kind, str(path), str(COLUMNS)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kib(proc.pid))
        time.sleep(0.05)
    out, err = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"{kind} on {path} failed:\n{err[-3000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - start
    result["peak_mib"] = peak / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000,10000000")
    parser.add_argument("--dir", type=Path, default=None, help="Keep generated files here.")
    parser.add_argument("--skip-spark-above", type=int, default=None)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    from stabilis.sources import gdelt
    from stabilis.threats.samples import write_sample_events

    names = gdelt.event_column_names(gdelt.parse("event_columns", COLUMNS)[0].frame)
    folder = args.dir or Path(tempfile.mkdtemp(prefix="stabilis-events-"))
    print(f"Files in {folder}; {os.cpu_count()} cores; Python {sys.version.split()[0]}")
    rows_out = []
    for size in sizes:
        path = folder / f"events_{size}.export.CSV"
        if not path.exists():
            t = time.perf_counter()
            write_sample_events(path, names, size, seed=size)
            print(f"generated {size:,} rows ({path.stat().st_size / 2**20:,.0f} MiB) "
                  f"in {time.perf_counter() - t:.1f} s")  # fmt: skip
        results = {kind: measure(kind, path) for kind in ("scan", "duckdb", "pandas")}
        if args.skip_spark_above is None or size <= args.skip_spark_above:
            results["spark"] = measure("spark", path)
        base = results["pandas"]["seconds"]
        scan = results["scan"]["seconds"]
        for kind, label in (("scan", "duckdb count(*) (scan ceiling)"), ("duckdb", "duckdb"),
                            ("spark", "spark (incl. JVM start)"), ("pandas", "pandas baseline")):  # fmt: skip
            if kind not in results:
                continue
            r = results[kind]
            rows_out.append((size, label, r["seconds"], size / r["seconds"], r["peak_mib"],
                             base / r["seconds"], r["seconds"] / scan))  # fmt: skip
            if kind == "spark":
                rows_out.append((size, "spark (query only)", r["query"], size / r["query"],
                                 r["peak_mib"], base / r["query"], r["query"] / scan))  # fmt: skip
        if "spark" in results:
            assert results["spark"]["result_rows"] == results["duckdb"]["result_rows"]
    header = ("rows", "engine", "seconds", "rows/s", "peak MiB", "speed vs pandas", "time / scan")
    print()
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for size, label, sec, rate, mib, vs, scan_ratio in rows_out:
        print(f"| {size:,} | {label} | {sec:.2f} | {rate:,.0f} | {mib:,.0f} | {vs:.2f}x | "
              f"{scan_ratio:.2f} |")  # fmt: skip


if __name__ == "__main__":
    main()
