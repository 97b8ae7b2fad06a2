"""The alliance registry: NATO members, partnerships, programmes and operations, as data.

The facts live in versioned CSV files inside the package (``stabilis/registry/data``),
transcribed from the project's seed registry with each row's ``source`` and ``confidence`` kept;
``data/version.json`` says which registry release they are (``2026.11``) and when they were
transcribed. Every load validates the files against :mod:`.schema`.

Use::

    from stabilis.registry import load_registry, country_year_flags

    registry = load_registry()
    registry.frameworks_during("GEO", 2008)      # PfP and EAPC spells
    registry.programmes_during("GEO", 2008)      # IPAP, Intensified Dialogue, NGC, ...
    registry.partners(2010)                      # partners in any framework, not members
    registry.operation_country_years()           # host iso3 x year for NATO-led operations
    country_year_flags(1990, 2025)               # the panel's nato.* flags

Date rules are in :mod:`.dates`, how each table's spells are read in :mod:`.spells`, who counts
as a partner in :mod:`.query`, and each flag's definition in :mod:`.flags`. This package imports
nothing from the rest of Stabilis except :mod:`stabilis.errors`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .dates import DateSpan, PartialDate
from .flags import FLAG_DEFINITIONS, build_flags
from .groups import GROUPS
from .load import DATA_DIR, TABLES, RegistryVersion, read_table, read_tables, read_version
from .query import Registry, framework_code
from .schema import CONFIDENCE, FRAMEWORKS, PROGRAMME_CODES, SCHEMAS, STATUSES

if TYPE_CHECKING:
    import pandas as pd
from .spells import UnknownEnd

__all__ = [
    "CONFIDENCE",
    "DATA_DIR",
    "FLAG_DEFINITIONS",
    "FRAMEWORKS",
    "GROUPS",
    "PROGRAMME_CODES",
    "SCHEMAS",
    "STATUSES",
    "TABLES",
    "DateSpan",
    "PartialDate",
    "Registry",
    "RegistryVersion",
    "build_flags",
    "country_year_flags",
    "framework_code",
    "load_registry",
    "read_table",
    "read_tables",
    "read_version",
]


def load_registry(
    directory: str | Path | None = None, edits: Sequence[Mapping[str, Any]] = ()
) -> Registry:
    """The validated registry: the package's own (loaded once) or the one in ``directory``,
    with approved analyst ``edits`` applied (see :mod:`.overlay`)."""
    if directory is None and not edits:
        return _package_registry()
    return Registry.load(directory, edits)


@lru_cache(maxsize=1)
def _package_registry() -> Registry:
    return Registry.load()


def country_year_flags(
    first_year: int,
    last_year: int,
    *,
    registry: Registry | None = None,
    unknown_end: UnknownEnd = "ongoing",
) -> pd.DataFrame:
    """One row per (iso3, year) with the registry's 0/1 flags (see the module docstring).

    Uses the package's registry unless ``registry`` is given.
    """
    if registry is None:
        registry = load_registry()
    return build_flags(registry, first_year, last_year, unknown_end=unknown_end)
