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


def open(
    data_dir: Any = None, *, forecast: Any = None, workers: int | None = None, **settings: Any
) -> Workspace:
    """Open the workspace in ``data_dir`` (default: the configured data directory).

    ``forecast`` configures ``ws.forecasts`` (a ``ForecastConfig`` or a mapping of its fields,
    e.g. ``{"model": "logit"}``); ``workers`` is the number of worker processes services may use.
    Other keywords override settings (``mirror=``, ``timeout=``...).
    """
    from stabilis.workspace import open_workspace

    return open_workspace(data_dir, forecast=forecast, workers=workers, **settings)
