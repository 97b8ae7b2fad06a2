"""One warehouse pulled from the whole offline mirror and built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from stabilis.config import Settings
from stabilis.workspace import Workspace


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> Workspace:
    data_dir = tmp_path_factory.mktemp("stabilis-data")
    ws = Workspace(Settings(data_dir=data_dir, mirror=str(mirror)))
    ws.pull()
    report = ws.build()
    assert report.changed
    return ws
