"""Stabilis: an observatory of democracy and stability among an alliance's members and partners.

``import stabilis`` stays light: heavy libraries (pandas, DuckDB) load when first used.

>>> import stabilis
>>> ws = stabilis.open()          # doctest: +SKIP
>>> ws.panel(indicators=["vdem.v2x_polyarchy"], countries="nato", years=(1990, 2024))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stabilis._version import __version__

if TYPE_CHECKING:
    from stabilis.workspace import Workspace

__all__ = ["__version__", "open"]


def open(data_dir: Any = None, **settings: Any) -> Workspace:
    """Open the workspace in ``data_dir`` (default: the configured data directory)."""
    from stabilis.config import Settings
    from stabilis.workspace import Workspace

    overrides = dict(settings)
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    return Workspace(Settings.load(**overrides))
