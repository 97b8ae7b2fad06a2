"""Benchmark: the API under 50 concurrent clients on a realistic mix, cache cold at start.

Run:  STABILIS_DATA_DIR=/path/to/data .venv/bin/python benchmarks/api.py [--clients 50]

One server runs as a child process over the built warehouse (read-only), started the way
``stabilis serve`` starts it but without warming any cache: the first request for each address
computes it. This process drives it over loopback (127.0.0.1 only) with a lean keep-alive HTTP/1.1
client on asyncio: ``--clients`` connections, each sending its next request when the previous
answer arrived, over a fixed, shuffled mix of what the dashboard asks for:

* country profiles of NATO members and partners (``/countries/{iso3}/profile``),
* panel queries (three indicator sets x groups x year ranges, JSON pages),
* forecasts (the watch list, and one country's forecasts),
* map cross-sections (``/indicators/{code}/values`` for years 2000-2024).

The run stops after ``--requests`` requests or ``--seconds`` seconds, whichever comes first.
Printed: requests/s, p50/p95/p99 latency per kind and overall, errors, the server's peak
resident memory (VmHWM of the server process and its children), and the baseline measured in the
same run: the bare DuckDB queries that answer the same requests, run one after another on one
open connection in this process (no HTTP, no JSON). The client shares the machine's cores with
the server, so absolute figures are a floor. Target (issue 16): p95 under 100 ms, no errors.
No figure is asserted anywhere.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from stabilis.api.profiles import DEFAULT_INDICATORS as PROFILE_DEFAULT

LAUNCH = r"""
import sys
from stabilis.config import Settings
from stabilis.workspace import Workspace
try:  # the serve command's own runner (worker processes, limits, clean shutdown)
    from stabilis.api.server import run
except ImportError:  # older code: one uvicorn process
    run = None
if run is not None:
    run(Workspace(Settings.load()), host="127.0.0.1", port=int(sys.argv[1]), warm=False,
        workers=int(sys.argv[2]))
else:
    import uvicorn
    from stabilis.api import create_app
    uvicorn.run(create_app(Workspace(Settings.load())), host="127.0.0.1",
                port=int(sys.argv[1]), log_level="warning")
"""

PANEL_SETS = (
    ("vdem.v2x_polyarchy", "fh.total", "wgi.pv_est"),
    ("vdem.v2x_libdem", "polity5.polity2"),
    ("wgi.va_est", "wgi.ge_est", "wgi.rl_est", "wgi.cc_est"),
)
PANEL_GROUPS = ("nato", "partners", "pfp", "md")
PANEL_YEARS = ((1990, 2024), (2000, 2024), (2010, 2020))


@dataclass
class Request:
    kind: str
    path: str
    bare: list[tuple[str, list[object]]] = field(default_factory=list)


@dataclass
class Outcome:
    label: str
    latencies: list[float]
    seconds: float
    errors: int

    def row(self) -> list[str]:
        lat = sorted(self.latencies)
        if not lat:
            return [self.label, "0", "0", "-", "-", "-", str(self.errors)]
        return [
            self.label,
            f"{len(lat):,}",
            f"{len(lat) / self.seconds:,.0f}",
            f"{statistics.median(lat) * 1000:.1f}",
            f"{quantile(lat, 0.95) * 1000:.1f}",
            f"{quantile(lat, 0.99) * 1000:.1f}",
            str(self.errors),
        ]


def quantile(sorted_values: list[float], p: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(p * len(sorted_values)))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", LAUNCH, str(port), str(workers)])
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/status", timeout=5):
                return proc, port
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("The benchmark server exited; is the warehouse built?") from None
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("The benchmark server did not start within 90 s.")


def peak_rss_mb(pid: int) -> float:
    """VmHWM of a process and its descendants (Linux /proc), in MB."""
    total = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                todo.extend(int(c) for c in children)
        except OSError:
            continue
    return total / 1024


async def fetch(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    """One keep-alive GET; returns the status. Bodies are read by Content-Length."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status


async def drive(
    port: int, mix: list[Request], clients: int, limit: int, seconds: float
) -> tuple[dict[str, list[float]], float, dict[str, int]]:
    latencies: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    sent = 0
    stop_at = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal sent
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while sent < limit and time.perf_counter() < stop_at:
                request = mix[sent % len(mix)]
                sent += 1
                t0 = time.perf_counter()
                try:
                    status = await fetch(reader, writer, request.path)
                except (OSError, asyncio.IncompleteReadError):
                    status = 599
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                latencies.setdefault(request.kind, []).append(time.perf_counter() - t0)
                errors[request.kind] = errors.get(request.kind, 0) + (status != 200)
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, time.perf_counter() - start, errors


def get_json(port: int, path: str) -> dict[str, object]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120) as answer:
        return dict(json.load(answer))


def build_mix(port: int, seed: int = 16) -> list[Request]:
    """The fixed request mix (with the bare SQL that answers each), shuffled with a fixed seed."""
    groups = {g["group"]: g["members"] for g in get_json(port, "/api/v1/groups?year=2024")["data"]}  # type: ignore[attr-defined,index]
    countries = sorted(set(groups["nato"]) | set(groups["partners"]))
    this_year = time.gmtime().tm_year
    mix: list[Request] = []
    codes = list(PROFILE_DEFAULT)
    for iso3 in countries:
        mix.append(
            Request(
                "country profile",
                f"/api/v1/countries/{iso3}/profile",
                [
                    (
                        "SELECT * FROM countries WHERE iso3 = ?",
                        [iso3],
                    ),
                    (
                        "SELECT iso3, year, indicator, value, lower, upper FROM indicators "
                        "WHERE iso3 = ? AND indicator IN (SELECT unnest(?)) AND year BETWEEN ? AND ?",
                        [iso3, codes, 1990, this_year],
                    ),
                    ("SELECT * FROM indicator_meta WHERE indicator IN (SELECT unnest(?))", [codes]),
                    ("SELECT * FROM regime_episodes WHERE iso3 = ?", [iso3]),
                    ("SELECT * FROM coups WHERE iso3 = ?", [iso3]),
                    ("SELECT * FROM conflicts WHERE iso3 = ?", [iso3]),
                ],
            )
        )
    for indicators in PANEL_SETS:
        for group in PANEL_GROUPS:
            for y0, y1 in PANEL_YEARS:
                members = list(groups[group]) if group in groups else []
                mix.append(
                    Request(
                        "panel query",
                        f"/api/v1/panel?indicators={','.join(indicators)}&countries={group}"
                        f"&years={y0}-{y1}",
                        [
                            (
                                "SELECT iso3, year, indicator, value FROM indicators WHERE "
                                "indicator IN (SELECT unnest(?)) AND iso3 IN (SELECT unnest(?)) "
                                "AND year BETWEEN ? AND ? ORDER BY iso3, year",
                                [list(indicators), members, y0, y1],
                            )
                        ],
                    )
                )
    for year in range(2000, 2025):
        mix.append(
            Request(
                "map data",
                f"/api/v1/indicators/vdem.v2x_polyarchy/values?year={year}&group=all",
                [
                    (
                        "SELECT i.iso3, value, lower, upper, c.name, c.iso3n FROM indicators i "
                        "LEFT JOIN countries c USING (iso3) WHERE indicator = ? AND year = ?",
                        ["vdem.v2x_polyarchy", year],
                    )
                ],
            )
        )
    forecast_sql: list[tuple[str, list[object]]] = []
    archive = Path(os.environ.get("STABILIS_DATA_DIR", ".")) / "forecasts"
    latest = sorted(archive.glob("*/forecasts.parquet")) if archive.exists() else []
    if latest:
        forecast_sql = [(f"SELECT * FROM read_parquet('{latest[-1]}')", [])]
    mix.append(Request("forecasts", "/api/v1/forecasts", forecast_sql))
    for iso3 in countries[::3]:
        mix.append(
            Request(
                "forecasts",
                f"/api/v1/forecasts?iso3={iso3}",
                [(f"{forecast_sql[0][0]} WHERE iso3 = ?", [iso3])] if forecast_sql else [],
            )
        )
    random.Random(seed).shuffle(mix)
    return mix


def bare_duckdb(mix: list[Request], warehouse: Path) -> dict[str, list[float]]:
    """Seconds per request for the bare DuckDB queries that answer it, one open connection."""
    import duckdb

    times: dict[str, list[float]] = {}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for request in mix:
            t0 = time.perf_counter()
            for sql, params in request.bare:
                con.execute(sql, params).df()
            times.setdefault(request.kind, []).append(time.perf_counter() - t0)
    finally:
        con.close()
    return times


def print_table(rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for i, r in enumerate(rows):
        print(
            "  ".join(
                c.ljust(w) if j == 0 else c.rjust(w)
                for j, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
        if i == 0:
            print("  ".join("-" * w for w in widths))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=6000, help="bound on requests")
    parser.add_argument("--seconds", type=float, default=60.0, help="bound on seconds")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    args = parser.parse_args()
    data_dir = Path(os.environ.get("STABILIS_DATA_DIR", "."))
    print(f"Warehouse folder: {data_dir}")
    print(
        f"{os.cpu_count()} CPUs; {args.clients} concurrent clients; loopback only; "
        f"cache cold at start; {args.workers} worker(s) asked for.\n"
    )

    proc, port = start_server(args.workers)
    try:
        mix = build_mix(port)
        latencies, seconds, errors = asyncio.run(
            drive(port, mix, args.clients, args.requests, args.seconds)
        )
        rss = peak_rss_mb(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    bare = bare_duckdb(mix, data_dir / "warehouse.duckdb")

    results = [Outcome(kind, lat, seconds, errors.get(kind, 0)) for kind, lat in latencies.items()]
    everything = [x for lat in latencies.values() for x in lat]
    results.append(Outcome("all (the mix)", everything, seconds, sum(errors.values())))
    header = ["requests", "n", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"]
    print_table([header] + [r.row() for r in results])
    print(f"\nServer peak RSS (process and children): {rss:,.0f} MB")
    print("\nBaseline in the same run: bare DuckDB queries for the same requests, sequential")
    rows = [["requests", "bare median ms", "server p50 / bare", "server p95 / bare"]]
    all_bare = sorted(x for lat in bare.values() for x in lat)
    for r in results:
        kind_bare = sorted(bare.get(r.label, [])) if r.label in bare else all_bare
        if not kind_bare or not r.latencies or statistics.median(kind_bare) == 0:
            continue
        med = statistics.median(kind_bare)
        lat = sorted(r.latencies)
        rows.append(
            [
                r.label,
                f"{med * 1000:.2f}",
                f"{statistics.median(lat) / med:.1f}x",
                f"{quantile(lat, 0.95) / med:.1f}x",
            ]
        )
    print_table(rows)


if __name__ == "__main__":
    main()
