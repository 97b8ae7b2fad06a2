"""The contract every source module follows.

A source module (``stabilis.sources.vdem`` etc.) exposes

* ``SPEC``: a :class:`SourceSpec` — who publishes the data, which release, under which licence,
  how to cite it, and the files it is made of (their official address and their path in an
  offline mirror laid out like ``../shared/data``);
* ``parse(file_key, path) -> list[ParsedTable]``: a *pure* function from one file on disk to
  tidy frames. It knows nothing about ISO3 codes, the warehouse or the network. It raises
  :class:`stabilis.errors.DataFileError` naming the file, row and column of any problem.

Country identity is resolved later (``stabilis.ingest``), from the key columns each
:class:`ParsedTable` declares, so every unmatched row lands in the quality report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pandas as pd

#: Kinds of country identifier a parsed table can carry, in the order they are most reliable.
CountryKey = Literal["iso3", "gwcode", "cowcode", "vdem_id", "wb", "iso3n", "eurostat", "name"]

#: Column that carries the source row number (spreadsheet numbering: the header is row 1).
ROW = "_row"


@dataclass(frozen=True)
class SourceFile:
    """One file of a source."""

    key: str
    """Short name of the file within its source, e.g. ``"highlevel"``."""
    mirror_path: str
    """Path inside an offline mirror, relative to its root, e.g. ``"vdem/vdem_v15_....csv"``."""
    url: str
    """Official address the producer (or its canonical redistributor) serves the file from."""
    description: str
    media_type: str = "text/csv"
    sha256: str | None = None
    """The producer's published SHA-256 of the file, where it publishes one: a pulled file that
    does not match is refused, and the build stops on a snapshot that does not match."""


@dataclass(frozen=True)
class IndicatorSpec:
    """Metadata of one indicator a source contributes to the long ``indicators`` table."""

    column: str
    """Column of the parsed frame that holds the values."""
    code: str
    """Warehouse code: the producer's code behind a source prefix, e.g. ``vdem.v2x_polyarchy``."""
    label: str
    scale: str
    """Human-readable range and meaning, e.g. ``"0-1"`` or ``"1-7, 1 = most free"``."""
    higher_is_better: bool | None
    """Direction for democracy/stability: True, False, or None when it has no direction."""
    minimum: float | None = None
    maximum: float | None = None
    description: str = ""
    lower_column: str | None = None
    """Column with the lower bound of the value's uncertainty interval (V-Dem ``_codelow``)."""
    upper_column: str | None = None
    """Column with the upper bound (V-Dem ``_codehigh``)."""


@dataclass
class ParsedTable:
    """A tidy frame produced by a parser.

    ``table`` is either ``"indicators"`` (country-year values described by ``indicators``; the
    frame is wide: one row per country-year, one column per indicator) or the name of a records
    table in the warehouse (``"conflicts"``, ``"coups"``, ...; stored as the frame's columns).
    Every frame keeps the ``_row`` column (source row number) for the quality report.
    ``country_keys`` maps frame columns to the kind of identifier they hold; the resolver tries
    them in order. ``name_column`` is shown in the quality report for unmatched rows.
    """

    table: str
    frame: pd.DataFrame
    country_keys: dict[str, CountryKey] = field(default_factory=dict)
    year_column: str | None = "year"
    indicators: tuple[IndicatorSpec, ...] = ()
    name_column: str | None = None
    description: str = ""
    other_countries: dict[str, dict[str, CountryKey]] = field(default_factory=dict)
    """Further country roles of a records table: output column -> {frame column: key kind}.

    E.g. ``{"target_iso3": {"target_cowcode": "cowcode"}}`` for a dyadic incident table; the
    resolver adds each output column beside ``iso3``.
    """


Parser = Callable[[str, Path], list[ParsedTable]]


@dataclass(frozen=True)
class SourceSpec:
    """Everything a user needs to know about where a dataset comes from."""

    name: str
    title: str
    producer: str
    release: str
    licence: str
    citation: str
    homepage: str
    files: tuple[SourceFile, ...]
    caveats: str = ""

    def file(self, key: str) -> SourceFile:
        for source_file in self.files:
            if source_file.key == key:
                return source_file
        from stabilis.errors import NotFoundError

        known = ", ".join(f.key for f in self.files)
        raise NotFoundError(f"Source '{self.name}' has no file '{key}'; its files are: {known}.")
