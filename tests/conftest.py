"""Shared fixtures.

``mirror`` is the offline mirror of the source files (``../shared/data`` beside the project, or
``STABILIS_MIRROR``); integration tests read it and fail, not skip, when it is absent.

``server`` is a real app on a free loopback port over ``served`` (the session's ``built``
workspace unless a module overrides ``served``), and ``browser`` is Debian's Chromium through
Playwright: the browser suites (``tests/dashboard``, ``tests/edits``) share them.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from stabilis.config import Settings
from stabilis.errors import DataFileError
from stabilis.workspace import Workspace

if TYPE_CHECKING:
    from click.testing import Result

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def mirror_root() -> Path:
    configured = os.environ.get("STABILIS_MIRROR")
    return Path(configured) if configured else PROJECT_ROOT.parent / "shared" / "data"


#: The year each NATO member joined (nato.int's member list), checked by the registry and spine
#: tests.
NATO_ACCESSION_YEARS = {
    **dict.fromkeys(
        ["BEL", "CAN", "DNK", "FRA", "ISL", "ITA", "LUX", "NLD", "NOR", "PRT", "GBR", "USA"], 1949
    ),
    "GRC": 1952,
    "TUR": 1952,
    "DEU": 1955,
    "ESP": 1982,
    **dict.fromkeys(["CZE", "HUN", "POL"], 1999),
    **dict.fromkeys(["BGR", "EST", "LVA", "LTU", "ROU", "SVK", "SVN"], 2004),
    "ALB": 2009,
    "HRV": 2009,
    "MNE": 2017,
    "MKD": 2020,
    "FIN": 2023,
    "SWE": 2024,
}


#: Fixtures that read the offline mirror (directly or through a warehouse built from it).
MIRROR_FIXTURES = frozenset({"mirror", "built"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that reads the offline mirror ``mirror`` (and ``integration``).

    The mark follows the fixtures a test really uses (their whole dependency closure), so a new
    test cannot forget it: ``pytest -m "not mirror"`` runs without the mirror and builds no
    warehouse.
    """
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & MIRROR_FIXTURES or item.get_closest_marker("integration"):
            item.add_marker(pytest.mark.mirror)
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def mirror() -> Path:
    root = mirror_root()
    if not (root / "SOURCES.md").exists():
        pytest.fail(f"The offline mirror is not at {root}; set STABILIS_MIRROR to its folder.")
    return root


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a small fixture file under the test's temporary folder and return its path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


def refused(
    parse: Callable[[str, Path], object],
    file_key: str,
    path: Path,
    *,
    at: tuple[int | None, str | None],
    match: str | None = None,
) -> DataFileError:
    """Check that ``parse(file_key, path)`` refuses the file with a :class:`DataFileError` that
    names the file and ``at`` = (row, column), its message matching ``match``; return the error.
    """
    with pytest.raises(DataFileError, match=match) as info:
        parse(file_key, path)
    assert (info.value.row, info.value.column) == at
    assert path.name in info.value.message
    return info.value


@pytest.fixture(scope="session")
def run_cli(built: Workspace) -> Callable[..., Result]:
    """``stabilis --data-dir <built> ARGS...`` in-process (typer's runner over the real app):
    ``run_cli("support", "audit", "--year", "2019")`` gives click's ``Result``."""
    from typer.testing import CliRunner

    from stabilis.cli.main import get_app

    runner, app = CliRunner(), get_app()
    base = ["--data-dir", str(built.settings.data_dir)]
    return lambda *args: runner.invoke(app, [*base, *args])


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> Workspace:
    """A warehouse pulled from the whole offline mirror and built once per test session."""
    data_dir = tmp_path_factory.mktemp("stabilis-data")
    ws = Workspace(Settings(data_dir=data_dir, mirror=str(mirror)))
    ws.pull()
    report = ws.build()
    assert report.changed
    return ws


#: Where the browser suites and the brief test leave their screenshots and rendered pages.
SHOTS = PROJECT_ROOT / "test-output" / "screenshots"


def screenshot(tab: object, name: str, *, full_page: bool = True) -> Path:
    """Save a Playwright ``tab``'s screenshot as ``SHOTS/<name>.png`` and return the path."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=full_page)  # type: ignore[attr-defined]
    return path


CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    """A loopback port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(built: Workspace) -> Workspace:
    """The workspace ``server`` serves; a module that must not touch ``built`` overrides it."""
    return built


@pytest.fixture(scope="module")
def server(served: Workspace) -> Iterator[str]:
    """The app over ``served`` on a free loopback port, in a thread; yields its base URL."""
    import uvicorn

    from stabilis.api import create_app

    port = free_port()
    config = uvicorn.Config(create_app(served), host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("The test server did not start within 20 s.")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not at {CHROMIUM}; install it with 'apt-get install -y chromium' "
            "(the project's set-up does)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        yield chromium
        chromium.close()
