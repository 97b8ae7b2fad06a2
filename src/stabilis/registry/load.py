"""Reading the registry's data files, strictly, and the registry's version.

The files live in ``stabilis/registry/data`` (shipped with the package); every function takes an
optional ``directory`` so tests and users can point at another copy. Cells are read as text with
surrounding spaces removed and blanks as ``""``; every row is validated against
:mod:`stabilis.registry.schema` before a frame is returned, so a bad file raises
:class:`~stabilis.errors.RegistryError` naming the file, row and column. Frames keep the file's
columns verbatim plus ``_row`` (the spreadsheet row number, header = row 1).

Row numbers count records: a quoted cell spanning several lines would shift the numbering of
later rows relative to a text editor, not relative to a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .schema import SCHEMAS, registry_error, validate_header, validate_table

DATA_DIR = Path(__file__).resolve().parent / "data"
TABLES: tuple[str, ...] = ("members", "partnerships", "programmes", "operations")
VERSION_FILE = "version.json"


@dataclass(frozen=True)
class RegistryVersion:
    """Which release of the registry data is loaded, and where it came from."""

    version: str
    transcribed: str
    transcribed_from: str
    as_of_year: int | None


def data_dir(directory: str | Path | None = None) -> Path:
    """The folder holding the registry files: ``directory`` or the package's own."""
    return Path(directory) if directory is not None else DATA_DIR


def read_table(name: str, directory: str | Path | None = None) -> pd.DataFrame:
    """Read and validate one registry file (``members``, ``partnerships``, ...)."""
    if name not in SCHEMAS:
        raise KeyError(f"{name!r} is not a registry table; use one of {', '.join(TABLES)}")
    schema = SCHEMAS[name]
    path = data_dir(directory) / schema.file_name
    if not path.is_file():
        raise registry_error(
            path, None, None, "the file does not exist", f"Put {schema.file_name} in {path.parent}."
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise registry_error(
            path, None, None, f"the file is not UTF-8 ({exc.reason})", "Save it as UTF-8."
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [cell.strip() for cell in next(reader, [])]
    if not any(header):
        raise registry_error(path, 1, None, "the file is empty", "Restore its header and rows.")
    validate_header(schema, header, path)
    rows: list[tuple[int, dict[str, str]]] = []
    for number, record in enumerate(reader, start=2):
        if not record:
            continue
        if len(record) != len(header):
            raise registry_error(
                path,
                number,
                None,
                f"the row has {len(record)} cells but the header has {len(header)}",
                "Quote cells that contain commas and check for missing or extra cells.",
            )
        rows.append((number, {h: cell.strip() for h, cell in zip(header, record, strict=True)}))
    if not rows:
        raise registry_error(
            path, 2, None, "the file has a header but no rows", "Restore the rows."
        )
    validate_table(schema, rows, path)
    frame = pd.DataFrame([row for _, row in rows], columns=list(schema.columns), dtype=object)
    frame["_row"] = [number for number, _ in rows]
    return frame


def read_tables(directory: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Read and validate all four registry files."""
    return {name: read_table(name, directory) for name in TABLES}


def read_version(directory: str | Path | None = None) -> RegistryVersion:
    """The registry's ``version.json``; a folder without one is reported as ``unversioned``."""
    path = data_dir(directory) / VERSION_FILE
    if not path.is_file():
        return RegistryVersion("unversioned", "", str(data_dir(directory)), None)
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
        as_of = meta.get("as_of_year")
        return RegistryVersion(
            version=str(meta["registry_version"]),
            transcribed=str(meta.get("transcribed", "")),
            transcribed_from=str(meta.get("transcribed_from", "")),
            as_of_year=int(as_of) if as_of is not None else None,
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise registry_error(
            path,
            None,
            "registry_version",
            f"the version file cannot be read ({exc})",
            "Write a JSON object with at least a 'registry_version' string.",
        ) from exc
