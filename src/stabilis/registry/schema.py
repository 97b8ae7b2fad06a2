"""The schema of the alliance registry's data files, and its validator.

Four UTF-8 CSV files with a header row (``members``, ``partnerships``, ``programmes``,
``operations``) hold one fact per row, each with ``confidence`` and ``source``. The schema checks,
row by row:

* the header has exactly the schema's columns (order free), and every row as many cells;
* ``id`` is present, well formed (``CODE-ISO3``, optionally ``-YYYY``, ``-YYYY-MM-DD`` or
  ``-undated``, then ``-b``, ``-c``... when that is taken) and unique in its file;
* ISO3 cells are three upper-case letters (``XKX`` for Kosovo is therefore accepted);
* dates are ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` and real calendar dates, and a spell's end is
  not before its start (compared as last day of the end against first day of the start);
* ``confidence`` is ``sourced``, ``conflict``, ``derived`` or ``unverified``; ``source`` is
  non-empty unless the row is ``unverified``;
* per table: framework names and their codes match, partnership ``status`` values and the dates
  they need, programme codes come from :data:`PROGRAMME_CODES`, one operation name has one
  operation code, ``peak_personnel`` is a whole number; a programme's ``shape`` is ``spell`` or
  ``milestone`` and its optional ``amount`` is a bare number that comes with an ``amount_unit``.

The first problem found raises :class:`stabilis.errors.RegistryError` naming the file, the row
(numbered as a spreadsheet numbers it: the header is row 1) and the column, and saying what to
fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from stabilis.errors import RegistryError, place

from .dates import PartialDate
from .policy import never_sources

CONFIDENCE: tuple[str, ...] = ("sourced", "conflict", "derived", "unverified")
STATUSES: tuple[str, ...] = ("active", "became_member", "suspended", "withdrawn", "not_joined")

FRAMEWORKS: dict[str, str] = {
    "Partnership for Peace": "PFP",
    "Euro-Atlantic Partnership Council": "EAPC",
    "Mediterranean Dialogue": "MD",
    "Istanbul Cooperation Initiative": "ICI",
    "Partners across the globe": "PATG",
}
"""Framework name (as written in ``partnerships.csv``) -> ``framework_code``."""

PROGRAMME_CODES: dict[str, str] = {
    "MAP": "Membership Action Plan",
    "ID": "Intensified Dialogue",
    "BSD": "Bucharest Summit declaration (will become members)",
    "IPAP": "Individual Partnership Action Plan",
    "UAP": "NATO-Ukraine Action Plan (Ukraine's counterpart of an IPAP)",
    "IPP": "Individual Partnership Programme",
    "IPCP": "Individual Partnership and Cooperation Programme",
    "ITPP": "Individually Tailored Partnership Programme",
    "PARP": "Planning and Review Process",
    "DCB": "Defence Capacity Building",
    "SNGP": "Substantial NATO-Georgia Package (part of DCB)",
    "BI": "Building Integrity",
    "DEEP": "Defence Education Enhancement Programme",
    "NUC": "NATO-Ukraine Commission / NATO-Ukraine Council",
    "TF": "Trust funds for Ukraine (Wales)",
    "CAP": "Comprehensive Assistance Package (Ukraine)",
    "NGC": "NATO-Georgia Commission",
    "ANP": "Annual National Programme",
    "EOP": "Enhanced Opportunities Partner (Partnership Interoperability Initiative)",
    "NRFA": "NATO-Russia Founding Act",
    "PJC": "NATO-Russia Permanent Joint Council",
    "NRC": "NATO-Russia Council",
    "ACC": "NATO accession process (application, invitation, protocol, accession)",
    "NSATU": "NATO Security Assistance and Training for Ukraine",
    "LTSA": "Pledge of Long-Term Security Assistance for Ukraine",
}
"""``programme_code`` -> what it stands for."""

ISO3 = re.compile(r"^[A-Z]{3}$")
CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
ROW_ID = re.compile(r"^[A-Z][A-Z0-9_]*-[A-Z]{3,4}(-(\d{4}(-\d{2}){0,2}|undated))?(-[a-z]{1,2})?$")
SHAPES: tuple[str, ...] = ("spell", "milestone")
"""A programme row is a ``spell`` (in force from start to end) or a dated ``milestone``."""
AMOUNT = re.compile(r"^\d+(\.\d+)?$")

Row = Mapping[str, str]
RowCheck = Callable[[Row, "Fault"], None]


@dataclass(frozen=True)
class TableSchema:
    """What one registry file must look like."""

    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    iso3: Mapping[str, bool]  # column -> blank allowed
    dates: Mapping[str, bool]  # column -> blank allowed
    spans: tuple[tuple[str, str], ...]
    checks: tuple[RowCheck, ...] = field(default=())

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"


class Fault:
    """Builds the :class:`RegistryError` for one row of one file."""

    def __init__(self, file: str | Path, row: int) -> None:
        self.file = str(file)
        self.row = row

    def __call__(self, column: str | None, problem: str, fix: str) -> RegistryError:
        return registry_error(self.file, self.row, column, problem, fix)


def registry_error(
    file: str | Path, row: int | None, column: str | None, problem: str, fix: str
) -> RegistryError:
    """A :class:`RegistryError` whose message reads ``file, row N, column 'c': problem. fix``."""
    message = f"{place(file, row, column)}: {problem.rstrip('.')}. {fix}"
    return RegistryError(message, details={"file": str(file), "row": row, "column": column})


def _check_partnership(row: Row, fault: Fault) -> None:
    framework = row["framework"]
    if framework not in FRAMEWORKS:
        raise fault(
            "framework",
            f"'{framework}' is not a known framework",
            f"Use one of: {', '.join(FRAMEWORKS)}.",
        )
    if row["framework_code"] != FRAMEWORKS[framework]:
        raise fault(
            "framework_code",
            f"'{row['framework_code']}' does not match framework '{framework}'",
            f"Write '{FRAMEWORKS[framework]}'.",
        )
    status = row["status"]
    if status not in STATUSES:
        raise fault("status", f"'{status}' is not a status", f"Use one of: {', '.join(STATUSES)}.")
    if status in ("became_member", "withdrawn") and not row["left_date"]:
        raise fault(
            "left_date",
            f"status '{status}' needs the date the country stopped being a partner",
            "Fill left_date (the accession or withdrawal date).",
        )
    if status == "suspended" and not row["status_date"]:
        raise fault("status_date", "a suspended relationship needs its suspension date", "Fill it.")


def _check_programme(row: Row, fault: Fault) -> None:
    code = row["programme_code"]
    if code not in PROGRAMME_CODES:
        raise fault(
            "programme_code",
            f"'{code}' is not a known programme code",
            f"Use one of: {', '.join(PROGRAMME_CODES)}, or add it to PROGRAMME_CODES.",
        )
    if row["shape"] not in SHAPES:
        raise fault(
            "shape", f"'{row['shape']}' is not a row shape", f"Use one of: {', '.join(SHAPES)}."
        )
    amount, unit = row["amount"], row["amount_unit"]
    if amount and not AMOUNT.match(amount):
        raise fault(
            "amount",
            f"'{amount}' is not a number",
            "Write a bare number (digits, optionally a decimal point; no separators).",
        )
    if bool(amount) != bool(unit):
        raise fault(
            "amount_unit" if amount else "amount",
            "amount and amount_unit go together",
            "Fill both (e.g. 700 and 'personnel') or leave both blank.",
        )


def _check_operation(row: Row, fault: Fault) -> None:
    if not CODE.match(row["operation_code"]):
        raise fault(
            "operation_code",
            f"'{row['operation_code']}' is not an operation code",
            "Use upper-case letters, digits and underscores, e.g. KFOR or ACTIVE_ENDEAVOUR.",
        )
    personnel = row["peak_personnel"]
    if personnel and not personnel.isdigit():
        raise fault(
            "peak_personnel",
            f"'{personnel}' is not a whole number",
            "Write a bare integer (no separators) or leave it blank; explain in personnel_note.",
        )


SCHEMAS: dict[str, TableSchema] = {
    "members": TableSchema(
        name="members",
        columns=(
            "id",
            "iso3",
            "country",
            "accession_date",
            "date_basis",
            "enlargement_round",
            "notes",
            "confidence",
            "source",
        ),
        required=("id", "iso3", "country", "accession_date", "confidence"),
        iso3={"iso3": False},
        dates={"accession_date": False},
        spans=(),
    ),
    "partnerships": TableSchema(
        name="partnerships",
        columns=(
            "id",
            "country_iso3",
            "country",
            "framework",
            "framework_code",
            "joined_date",
            "basis",
            "left_date",
            "status",
            "status_date",
            "notes",
            "confidence",
            "source",
        ),
        required=("id", "country_iso3", "country", "framework", "framework_code", "status"),
        iso3={"country_iso3": False},
        dates={"joined_date": True, "left_date": True, "status_date": True},
        spans=(("joined_date", "left_date"), ("joined_date", "status_date")),
        checks=(_check_partnership,),
    ),
    "programmes": TableSchema(
        name="programmes",
        columns=(
            "id",
            "country_iso3",
            "country",
            "programme",
            "programme_code",
            "milestone",
            "kind",
            "shape",
            "start_date",
            "end_date",
            "notes",
            "confidence",
            "source",
            "amount",
            "amount_unit",
        ),
        required=(
            "id",
            "country_iso3",
            "country",
            "programme",
            "programme_code",
            "kind",
            "shape",
        ),
        iso3={"country_iso3": False},
        dates={"start_date": True, "end_date": True},
        spans=(("start_date", "end_date"),),
        checks=(_check_programme,),
    ),
    "operations": TableSchema(
        name="operations",
        columns=(
            "id",
            "operation",
            "operation_code",
            "kind",
            "host_iso3",
            "host_name",
            "start_date",
            "end_date",
            "peak_personnel",
            "personnel_note",
            "legal_basis",
            "notes",
            "confidence",
            "source",
        ),
        required=("id", "operation", "operation_code", "kind", "host_name"),
        iso3={"host_iso3": True},
        dates={"start_date": True, "end_date": True},
        spans=(("start_date", "end_date"),),
        checks=(_check_operation,),
    ),
}
"""Table name -> schema. The table name is also the file's stem."""


def validate_header(schema: TableSchema, header: Sequence[str], file: str | Path) -> None:
    """Raise if the header lacks a schema column or has one the schema does not know."""
    missing = [c for c in schema.columns if c not in header]
    if missing:
        raise registry_error(
            file,
            1,
            missing[0],
            f"the header has no column '{missing[0]}'",
            f"The file needs the columns: {', '.join(schema.columns)}.",
        )
    unknown = [c for c in header if c not in schema.columns]
    if unknown:
        raise registry_error(
            file,
            1,
            unknown[0],
            f"the header has a column '{unknown[0]}' the schema does not know",
            "Remove it or add it to stabilis.registry.schema.",
        )
    duplicated = [c for c in header if list(header).count(c) > 1]
    if duplicated:
        raise registry_error(
            file, 1, duplicated[0], "the column appears twice in the header", "Keep one."
        )


def _parse_date(row: Row, column: str, blank_ok: bool, fault: Fault) -> PartialDate | None:
    text = row[column]
    if not text:
        if blank_ok:
            return None
        raise fault(column, "the date is blank", "Fill it as YYYY, YYYY-MM or YYYY-MM-DD.")
    try:
        return PartialDate.parse(text)
    except ValueError as exc:
        raise fault(column, str(exc), "Write YYYY, YYYY-MM or YYYY-MM-DD.") from exc


def validate_row(schema: TableSchema, row: Row, fault: Fault) -> None:
    """Raise :class:`RegistryError` at the first cell of ``row`` that breaks ``schema``."""
    for column in schema.required:
        if not row[column]:
            raise fault(column, "the cell is blank", f"Fill '{column}'; it is required.")
    if not ROW_ID.match(row["id"]):
        raise fault(
            "id",
            f"'{row['id']}' is not a registry id",
            "Write CODE-ISO3, optionally followed by -YYYY, e.g. PFP-MLT-2008.",
        )
    for column, blank_ok in schema.iso3.items():
        value = row[column]
        if (value or not blank_ok) and not ISO3.match(value):
            raise fault(
                column,
                f"'{value}' is not an ISO3 code",
                "Write three upper-case letters (ISO 3166-1 alpha-3; XKX for Kosovo).",
            )
    dates = {c: _parse_date(row, c, blank, fault) for c, blank in schema.dates.items()}
    for start_column, end_column in schema.spans:
        start, end = dates[start_column], dates[end_column]
        if start is not None and end is not None and end.last_day() < start.first_day():
            raise fault(
                end_column,
                f"{end_column} {end} is before {start_column} {start}",
                "Swap or correct the dates.",
            )
    if row["confidence"] not in CONFIDENCE:
        raise fault(
            "confidence",
            f"'{row['confidence']}' is not a confidence value",
            f"Use one of: {', '.join(CONFIDENCE)}.",
        )
    if row["confidence"] != "unverified" and not row["source"].strip():
        raise fault(
            "source",
            f"a '{row['confidence']}' row has no source",
            "Cite the page address(es), separated by ' | ', or mark the row 'unverified'.",
        )
    refused = never_sources(row["source"])
    if refused:
        raise fault(
            "source",
            f"'{refused[0]}' comes from a domain the source policy never accepts",
            "Cite the original page (e.g. on nato.int or a government site) instead; the tiers "
            "are in stabilis/registry/data/source_policy.json (docs/registry.md).",
        )
    for check in schema.checks:
        check(row, fault)


def validate_table(schema: TableSchema, rows: Sequence[tuple[int, Row]], file: str | Path) -> None:
    """Validate every ``(spreadsheet row number, row)`` pair, then the cross-row rules."""
    # Columns whose value appears once in the file: (column, message, what to do).
    unique = [("id", "id '{value}' is already used on row {first}", "Give every row its own id.")]
    if schema.name == "members":
        unique.append(("iso3", "{value} already has an accession on row {first}",
                       "Keep one accession row per member."))  # fmt: skip
    first_rows: dict[str, dict[str, int]] = {column: {} for column, _, _ in unique}
    operation_codes: dict[str, tuple[str, int]] = {}
    for number, row in rows:
        fault = Fault(file, number)
        validate_row(schema, row, fault)
        for column, message, fix in unique:
            seen, value = first_rows[column], row[column]
            if value in seen:
                raise fault(column, message.format(value=value, first=seen[value]), fix)
            seen[value] = number
        if schema.name == "operations":
            name, code = row["operation"], row["operation_code"]
            if name in operation_codes and operation_codes[name][0] != code:
                first_code, first_row = operation_codes[name]
                raise fault(
                    "operation_code",
                    f"operation '{name}' has code '{code}' here but '{first_code}' on row "
                    f"{first_row}",
                    "Give one operation one code.",
                )
            operation_codes.setdefault(name, (code, number))
