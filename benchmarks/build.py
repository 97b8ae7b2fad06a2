"""Benchmark: full pull-from-mirror + build, a no-op rebuild, against a plain-pandas baseline.

Run:  make bench   (or  STABILIS_MIRROR=../shared/data .venv/bin/python benchmarks/build.py)

Each measurement runs in its own child process so that its peak memory (max RSS) is its own.
Figures are wall-clock seconds on this machine, printed beside the baseline measured in the same
run; targets (issue 2): full build < 30 s on 2 cores, no-op rebuild < 2 s. No assertion is made
on time: the numbers are printed, and the ratios are what to compare between machines.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIRROR = Path(os.environ.get("STABILIS_MIRROR", ROOT.parent / "shared" / "data")).resolve()

BASELINE = r"""
import sys, json, pathlib, pandas as pd
root = pathlib.Path(sys.argv[1])
rows = 0
for path in sorted(root.rglob("*.csv")):
    if "replication" in path.parts:
        continue
    if path.name == "cameo_event_codes.csv":  # labels hold unquoted commas: one field per line
        rows += len(pd.read_csv(path, header=None, sep="\t"))
    else:
        rows += len(pd.read_csv(path, low_memory=False))
for path in sorted(root.rglob("*.topojson")):
    json.loads(path.read_text())
print(rows)
"""


def measure(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MiB of the child, stdout)."""
    script = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        f"p = subprocess.run({args!r}, capture_output=True, text=True)\n"
        "wall = time.perf_counter() - t\n"
        "if p.returncode: sys.stderr.write(p.stderr); sys.exit(p.returncode)\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(wall, rss); print(p.stdout)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr)
    first, _, rest = out.stdout.partition("\n")
    wall, rss = first.split()
    return float(wall), float(rss), rest


def main() -> None:
    stabilis = str(Path(sys.executable).with_name("stabilis"))
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "STABILIS_DATA_DIR": tmp, "STABILIS_MIRROR": str(MIRROR)}
        t0 = time.perf_counter()
        pull_s, pull_mb, _ = measure([stabilis, "pull", "--quiet"], env)
        build_s, build_mb, _ = measure([stabilis, "build", "--quiet"], env)
        noop_s, noop_mb, _ = measure([stabilis, "build", "--json"], env)
        base_s, base_mb, base_rows = measure([sys.executable, "-c", BASELINE, str(MIRROR)], env)
        total = time.perf_counter() - t0
        summary = json.loads(
            subprocess.run(
                [stabilis, "summary", "--json"], env=env, capture_output=True, text=True, check=True
            ).stdout
        )["data"]["totals"]
    rows = [
        ("pull from mirror (all files)", pull_s, pull_mb),
        ("build, full", build_s, build_mb),
        ("pull + full build", pull_s + build_s, max(pull_mb, build_mb)),
        ("build, no-op (nothing changed)", noop_s, noop_mb),
        ("baseline: pandas.read_csv of every file", base_s, base_mb),
    ]
    print(f"mirror: {MIRROR}  cores: {os.cpu_count()}")
    print(
        f"warehouse: {summary['indicator_values']:,} indicator values, "
        f"{summary['indicators']} indicators, {summary['countries']} countries; "
        f"baseline read {int(base_rows.strip() or 0):,} rows"
    )
    print(f"{'step':44} {'seconds':>8} {'peak MiB':>9} {'x baseline':>11}")
    for name, seconds, mib in rows:
        print(f"{name:44} {seconds:8.2f} {mib:9.0f} {seconds / base_s:11.2f}")
    print(
        f"targets: pull + full build < 30 s -> {'met' if pull_s + build_s < 30 else 'NOT met'}; "
        f"no-op rebuild < 2 s -> {'met' if noop_s < 2 else 'NOT met'}  (benchmark ran {total:.0f} s)"
    )


if __name__ == "__main__":
    main()
