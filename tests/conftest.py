"""Shared fixtures.

``mirror`` is the offline mirror of the source files (``../shared/data`` beside the project, or
``STABILIS_MIRROR``); integration tests read it and fail, not skip, when it is absent.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from stabilis.config import Settings
from stabilis.workspace import Workspace

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def mirror_root() -> Path:
    configured = os.environ.get("STABILIS_MIRROR")
    return Path(configured) if configured else PROJECT_ROOT.parent / "shared" / "data"


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


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> Workspace:
    """A warehouse pulled from the whole offline mirror and built once per test session."""
    data_dir = tmp_path_factory.mktemp("stabilis-data")
    ws = Workspace(Settings(data_dir=data_dir, mirror=str(mirror)))
    ws.pull()
    report = ws.build()
    assert report.changed
    return ws
