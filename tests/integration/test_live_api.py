"""The live app over HTTP: schemathesis with its response checks on, and a bounded load test.

Both run against a real server on a loopback port over the session's built warehouse. They are
``slow``: schemathesis generates a bounded number of examples per route (``MAX_EXAMPLES``); the
load test sends a bounded number of requests and asserts only that none failed (latency is
measured by ``benchmarks/api.py``, never asserted).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import CHECKS
from tests.integration.live import live_server

pytestmark = [pytest.mark.integration, pytest.mark.slow]

MAX_EXAMPLES = 20
CASES: Counter[str] = Counter()


@pytest.fixture(scope="module")
def live_url(built):
    with live_server(built) as url:
        yield url


@pytest.fixture(scope="module")
def live_schema(live_url):
    return schemathesis.openapi.from_url(f"{live_url}/api/v1/openapi.json")


def _checks() -> list[object]:
    """Every check but positive_data_acceptance: a well-formed ISO3 code that is no country
    (``AAA``) rightly answers 404, which that check counts as a rejection of valid input."""
    return [c for c in CHECKS.get_all() if c.__name__ != "positive_data_acceptance"]


def _property(operation: Any, label: str, live_url: str) -> Any:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def check(case: Any) -> None:
        CASES[label] += 1
        # A route's first answer computes and caches (the alerts, the support audit): allow
        # 60 s instead of schemathesis' 10 s default, which a loaded machine can exceed.
        case.call_and_validate(base_url=live_url, checks=_checks(), timeout=60)

    return check


def test_every_route_answers_as_its_openapi_entry_says(live_schema, live_url):
    """Each operation gets up to MAX_EXAMPLES generated requests, every response checked
    (server errors, status codes, content types, headers and bodies against the schema)."""
    failures: dict[str, str] = {}
    operations = 0
    for result in live_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        label = f"{operation.method.upper()} {operation.path}"

        check = _property(operation, label, live_url)
        try:
            check()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures[label] = str(exc)[:2000]
    total = sum(CASES.values())
    print(f"schemathesis: {total} cases over {operations} operations, {len(failures)} failing")
    assert operations >= 20
    assert failures == {}


def test_the_openapi_document_has_response_bodies_and_the_one_error_body(live_schema, built):
    from stabilis.api import create_app

    spec = create_app(built).openapi()
    profile = spec["paths"]["/api/v1/countries/{iso3}/profile"]["get"]["responses"]
    assert profile["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ProfileBody"
    }
    for operations in spec["paths"].values():
        for operation in operations.values():
            invalid = operation["responses"]["422"]
            assert invalid["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorBody"
            }
            assert "parameter" in invalid["description"]
            success = next(c for c in sorted(operation["responses"]) if c.startswith("2"))
            assert operation["responses"][success]["content"]["application/json"]["schema"]
    assert "HTTPValidationError" not in spec["components"]["schemas"]


async def _load(url: str, paths: list[str], clients: int, requests: int) -> Counter[int]:
    from urllib.parse import urlparse

    host, port = urlparse(url).hostname, urlparse(url).port
    statuses: Counter[int] = Counter()
    sent = 0

    async def client() -> None:
        nonlocal sent
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while sent < requests:
                path = paths[sent % len(paths)]
                sent += 1
                writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
                await writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                await reader.readexactly(length)
                statuses[int(head.split(b" ", 2)[1])] += 1
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return statuses


def test_fifty_clients_on_the_realistic_mix_get_no_errors(live_url):
    countries = ["EST", "GEO", "UKR", "POL", "MDA", "FIN", "TUR", "USA", "DEU", "MKD"]
    paths = [f"/api/v1/countries/{c}/profile" for c in countries]
    paths += [
        f"/api/v1/panel?indicators=vdem.v2x_polyarchy,fh.total&countries={g}&years=1990-2024"
        for g in ("nato", "partners", "md")
    ]
    paths += [f"/api/v1/indicators/vdem.v2x_polyarchy/values?year={y}" for y in range(2015, 2025)]
    paths += ["/api/v1/forecasts", "/api/v1/forecasts?iso3=GEO", "/api/v1/threats/RUS"]
    statuses = asyncio.run(_load(live_url, paths, clients=50, requests=1500))
    assert statuses == Counter({200: 1500})
