"""Benchmark: the country profile and the map data under 50 concurrent clients, uncached vs cached.

Run:  STABILIS_DATA_DIR=/path/to/data .venv/bin/python benchmarks/api.py [--clients 50]

Two servers (uvicorn, one worker each) run as child processes over the same built warehouse,
read-only: one with the response cache turned off (every request reads the warehouse), one with
it on and warmed (every request is served from memory: the ceiling). This process is the second
process that drives them over loopback (127.0.0.1 only) with a lean keep-alive HTTP/1.1 client
on asyncio: ``--clients`` connections, each sending its next request when the previous answer
arrived. Each scenario stops after ``--requests`` requests or ``--seconds`` seconds, whichever
comes first. Profiles rotate over NATO members and partners; the map rotates over years.

Printed: requests/s, p50/p95/p99 latency, and the uncached/cached ratios. The client shares the
machine's cores with the server, so absolute figures are a floor. Target (issue 5): p95 under
100 ms for the country profile on 2 cores. No figure is asserted anywhere.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from itertools import cycle

LAUNCH = r"""
import sys, uvicorn
from stabilis.config import Settings
from stabilis.workspace import Workspace
from stabilis.api import create_app
app = create_app(Workspace(Settings.load()), cache_size=int(sys.argv[2]))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


@dataclass
class Outcome:
    label: str
    latencies: list[float]
    seconds: float
    errors: int

    def row(self) -> list[str]:
        lat = sorted(self.latencies)
        if not lat:
            return [self.label, "0", "-", "-", "-", str(self.errors)]

        def q(p: float) -> float:
            return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000

        return [
            self.label,
            f"{len(lat) / self.seconds:,.0f}",
            f"{statistics.median(lat) * 1000:.1f}",
            f"{q(0.95):.1f}",
            f"{q(0.99):.1f}",
            str(self.errors),
        ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(cache_size: int) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", LAUNCH, str(port), str(cache_size)])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("The benchmark server exited; is the warehouse built?") from None
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("The benchmark server did not start within 60 s.")


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
    port: int, paths: list[str], clients: int, limit: int, seconds: float
) -> tuple[list[float], float, int]:
    latencies: list[float] = []
    errors = 0
    source = cycle(paths)
    sent = 0
    stop_at = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal sent, errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while sent < limit and time.perf_counter() < stop_at:
                sent += 1
                path = next(source)
                t0 = time.perf_counter()
                status = await fetch(reader, writer, path)
                latencies.append(time.perf_counter() - t0)
                errors += status != 200
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, time.perf_counter() - start, errors


def scenario_paths(port: int) -> dict[str, list[str]]:
    """Profiles of every NATO member and partner; the map for each year 2000-2024."""
    import json
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/groups?year=2024") as answer:
        groups = {g["group"]: g["members"] for g in json.load(answer)["data"]}
    countries = sorted(set(groups["nato"]) | set(groups["partners"]))
    return {
        "country profile": [f"/api/v1/countries/{c}/profile" for c in countries],
        "map data": [
            f"/api/v1/indicators/vdem.v2x_polyarchy/values?year={y}&group=all"
            for y in range(2000, 2025)
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=3000, help="per scenario (bound)")
    parser.add_argument("--seconds", type=float, default=20.0, help="per scenario (bound)")
    args = parser.parse_args()
    print(f"Warehouse folder: {os.environ.get('STABILIS_DATA_DIR', '(default data dir)')}")
    print(f"{os.cpu_count()} CPUs; {args.clients} concurrent clients; loopback only.\n")

    results: list[Outcome] = []
    servers = {"uncached": start_server(0), "cached": start_server(512)}
    try:
        paths = scenario_paths(servers["cached"][1])
        for name, urls in paths.items():
            for mode, (_, port) in servers.items():
                if mode == "cached":  # warm: every key once, not measured
                    asyncio.run(drive(port, urls, 4, len(urls), 120.0))
                lat, secs, errors = asyncio.run(
                    drive(port, urls, args.clients, args.requests, args.seconds)
                )
                label = f"{name}, {'cached (ceiling)' if mode == 'cached' else 'uncached'}"
                results.append(Outcome(label, lat, secs, errors))
    finally:
        for proc, _ in servers.values():
            proc.terminate()
            proc.wait(timeout=10)

    header = ["endpoint", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"]
    rows = [header] + [r.row() for r in results]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for i, r in enumerate(rows):
        print(
            "  ".join(
                c.ljust(w) if j == 0 else c.rjust(w)
                for j, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print()
    for name in ("country profile", "map data"):
        cold = next(r for r in results if r.label == f"{name}, uncached")
        warm = next(r for r in results if r.label == f"{name}, cached (ceiling)")
        if cold.latencies and warm.latencies:
            ratio = (len(warm.latencies) / warm.seconds) / (len(cold.latencies) / cold.seconds)
            print(f"{name}: the cache serves {ratio:.1f}x the requests/s of a warehouse read.")


if __name__ == "__main__":
    main()
