"""The one service protocol: what a service needs from the workspace it is given.

Every service package (``forecast``, ``impact``, ``threats``, ``alliance``) types the workspace
it reads through as :class:`WorkspaceLike`, defined here once, below all of them, so none
imports :mod:`stabilis.workspace` (which imports them). ``stabilis.workspace.Workspace`` has all
of it; a test may hand a service any object that does. It is the read surface only: services
never pull, build or write the warehouse through it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["WorkspaceLike"]


class WorkspaceLike(Protocol):
    """The read surface of a :class:`~stabilis.workspace.Workspace` that services use."""

    #: The merged settings (``data_dir``, ``mirror``...): services keep artefacts under data_dir.
    settings: Any

    @property
    def registry(self) -> Any:
        """The alliance registry with the applied analyst edits."""
        ...

    def panel(
        self,
        indicators: Sequence[str] | str,
        countries: str | Sequence[str] | None = None,
        years: tuple[int, int] | None = None,
    ) -> pd.DataFrame:
        """A wide country-year frame keyed by ``iso3, year``."""
        ...

    def table(self, name: str, iso3: str | None = None) -> pd.DataFrame:
        """A records table (``coups``, ``cyber_incidents``...), optionally one country's rows."""
        ...

    def countries(self, group: str | None = None, year: int | None = None) -> pd.DataFrame:
        """The canonical country table, optionally one group's members in a year."""
        ...

    def group_members(self, group: str, year: int | None = None) -> list[str]:
        """ISO3 codes of a group in a year."""
        ...

    def snapshots(self) -> pd.DataFrame:
        """The snapshots the warehouse was built from, with their provenance."""
        ...

    def indicators(self, source: str | None = None, search: str | None = None) -> pd.DataFrame:
        """Indicator codes with label, source, scale and direction."""
        ...
