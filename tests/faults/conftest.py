"""Fixtures of the fault suite: a private copy of the session's built data folder per module,
and a mirror folder whose files are links to the real mirror except the ones a test damages."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from stabilis.config import Settings
from stabilis.workspace import Workspace


def copy_data(built: Workspace, target: Path) -> Workspace:
    """A writable copy of the built data folder (snapshots and warehouse)."""
    source = Path(built.settings.data_dir)
    shutil.copytree(source / "snapshots", target / "snapshots", symlinks=True)
    shutil.copy2(built.settings.warehouse_path, target / "warehouse.duckdb")
    return Workspace(Settings(data_dir=target, mirror=built.settings.mirror))


@pytest.fixture(scope="module")
def data_copy(built: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return copy_data(built, tmp_path_factory.mktemp("fault-data"))


@pytest.fixture
def damaged_mirror(mirror: Path, tmp_path: Path) -> Callable[[str, bytes], Path]:
    """``damage(mirror_path, content)``: a mirror like the real one with one file replaced."""
    root = tmp_path / "mirror"

    def damage(mirror_path: str, content: bytes) -> Path:
        folder = root / Path(mirror_path).parent
        folder.mkdir(parents=True, exist_ok=True)
        (root / mirror_path).write_bytes(content)
        for other in (mirror / Path(mirror_path).parent).iterdir():
            link = folder / other.name
            if not link.exists():
                link.symlink_to(other)
        return root

    return damage
