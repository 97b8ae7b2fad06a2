"""Approved analyst edits laid over the package's registry files.

An edit is a plain mapping (this package knows nothing of users or stores)::

    {"edit_id": "E-3", "action": "add" | "correct", "table": "programmes",
     "row_id": "DCB-MDA" (correct only), "fields": {"start_date": "2025-06", ...}}

:func:`apply_edits` returns new verbatim tables (the ones :func:`.load.read_tables` returns)
with every edit applied in order and a ``provenance`` column: ``registry@<version>`` for
untouched rows, ``E-3`` for a row an edit added, ``registry@<version>, corrected by E-3`` for a
corrected one. An added row gets its codes the way the transcription gives them
(``framework_code``, ``programme_code``, ``shape``, ``operation_code``), the country's name from
its other rows, and an id ``CODE-ISO3[-YYYY[-MM-DD]]``. The result is validated with the
registry's schema: an edit that breaks a rule raises :class:`RegistryError` naming the edit and
the column, and nothing is applied.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from stabilis.errors import RegistryError

from .dates import PartialDate
from .schema import FRAMEWORKS, SCHEMAS, Fault, validate_table
from .transcribe import PROGRAMME_NAME_CODES, _new_id, shape_of

Edit = Mapping[str, Any]

#: Columns an edit may set, per table. Stabilis fills in the id and the framework code; the
#: programme and operation codes are derived from the name when left blank (a new operation
#: needs its own ``operation_code``).
EDITABLE: dict[str, tuple[str, ...]] = {
    name: tuple(c for c in schema.columns if c not in ("id", "framework_code"))
    for name, schema in SCHEMAS.items()
}
KEY_COLUMN = {
    "members": "iso3",
    "partnerships": "country_iso3",
    "programmes": "country_iso3",
    "operations": "host_iso3",
}
_START = {
    "members": "accession_date",
    "partnerships": "joined_date",
    "programmes": "start_date",
    "operations": "start_date",
}


def row_fingerprint(row: Mapping[str, Any], table: str) -> str:
    """A short hash of a row's schema cells: what an edit's ``base`` records."""
    cells = {c: str(row.get(c, "") or "") for c in SCHEMAS[table].columns}
    return hashlib.sha256(json.dumps(cells, sort_keys=True).encode()).hexdigest()[:16]


def _code(table: str, row: dict[str, str], tables: Mapping[str, pd.DataFrame]) -> str:
    if table == "partnerships":
        code = FRAMEWORKS.get(row["framework"], "")
        row["framework_code"] = code
        return code or "X"
    if table == "programmes":
        if not row.get("programme_code"):
            row["programme_code"] = PROGRAMME_NAME_CODES.get(row["programme"], "")
        if not row.get("shape"):
            row["shape"] = shape_of(row.get("milestone", ""))
        return row["programme_code"] or "X"
    if table == "operations":
        known = tables["operations"]
        match = known.loc[known["operation"] == row["operation"], "operation_code"]
        if not row.get("operation_code"):
            row["operation_code"] = str(match.iloc[0]) if len(match) else ""
        return row["operation_code"] or "X"
    return "MEM"


def _country_name(iso3: str, tables: Mapping[str, pd.DataFrame]) -> str:
    for name, frame in tables.items():
        column = KEY_COLUMN[name]
        name_column = "host_name" if name == "operations" else "country"
        hits = frame.loc[frame[column] == iso3, name_column]
        if len(hits):
            return str(hits.iloc[0])
    return ""


def _fail(edit: Edit, column: str | None, problem: str, fix: str) -> RegistryError:
    where = f"edit {edit.get('edit_id', '?')}"
    if column:
        where += f", field '{column}'"
    return RegistryError(
        f"{where}: {problem}. {fix}",
        details={"edit_id": edit.get("edit_id"), "column": column},
    )


def apply_edits(
    tables: Mapping[str, pd.DataFrame], edits: Sequence[Edit], version: str
) -> dict[str, pd.DataFrame]:
    """The tables with ``edits`` applied in order (see the module docstring)."""
    out = {name: frame.copy() for name, frame in tables.items()}
    for frame in out.values():
        if "provenance" not in frame:
            frame["provenance"] = f"registry@{version}"
    touched: dict[str, set[str]] = {name: set() for name in out}
    for edit in edits:
        table = str(edit.get("table", ""))
        if table not in out:
            raise _fail(
                edit,
                "table",
                f"'{table}' is not a registry table",
                f"Pick one of {', '.join(out)}.",
            )
        fields = {str(k): "" if v is None else str(v).strip() for k, v in edit["fields"].items()}
        unknown = sorted(set(fields) - set(EDITABLE[table]))
        if unknown:
            raise _fail(
                edit,
                unknown[0],
                f"'{unknown[0]}' is not a column an edit can set in {table}",
                f"Use: {', '.join(EDITABLE[table])}.",
            )
        frame = out[table]
        edit_id = str(edit["edit_id"])
        if edit["action"] == "add":
            row: dict[str, Any] = dict.fromkeys(SCHEMAS[table].columns, "")
            row.update(fields)
            row["confidence"] = row["confidence"] or "sourced"
            key = KEY_COLUMN[table]
            if table != "operations" and not row["country"]:
                row["country"] = _country_name(row.get(key, ""), out)
            code = _code(table, row, out)
            iso3 = row.get(key, "") or "INTL"
            start = row.get(_START[table], "")
            try:
                start = str(PartialDate.parse(start)) if start else ""
            except ValueError:
                start = ""  # the schema check below names the bad date
            row["id"] = _new_id(code, iso3, start, set(frame["id"]))
            row["provenance"] = edit_id
            if "_row" in frame:
                row["_row"] = 0
            out[table] = pd.concat([frame, pd.DataFrame([row])], ignore_index=True)
            touched[table].add(row["id"])
        elif edit["action"] == "correct":
            row_id = str(edit.get("row_id", ""))
            hits = frame.index[frame["id"] == row_id]
            if len(hits) != 1:
                raise _fail(edit, "row_id", f"there is no {table} row '{row_id}'", "Check the id.")
            for column, value in fields.items():
                frame.loc[hits[0], column] = value
            if table == "programmes" and "milestone" in fields and "shape" not in fields:
                frame.loc[hits[0], "shape"] = shape_of(fields["milestone"])
            previous = str(frame.loc[hits[0], "provenance"])
            base = previous.split(", corrected by")[0]
            corrections = previous.split("corrected by ")[1:] if "corrected by" in previous else []
            frame.loc[hits[0], "provenance"] = f"{base}, corrected by " + ", ".join(
                [*corrections, edit_id]
            )
            touched[table].add(row_id)
        else:
            raise _fail(
                edit, "action", f"'{edit['action']}' is not an edit action", "Use add or correct."
            )
    for name, frame in out.items():
        if not touched[name]:
            continue
        rows = []
        for number, record in enumerate(frame.to_dict("records"), start=2):
            rows.append((number, {c: str(record.get(c, "") or "") for c in SCHEMAS[name].columns}))
        label = f"{name}.csv with edits {', '.join(str(e['edit_id']) for e in edits)}"
        try:
            validate_table(SCHEMAS[name], rows, label)
        except RegistryError as exc:
            row_number = exc.details.get("row")
            edit_label = ""
            if isinstance(row_number, int):
                prov = str(frame.iloc[row_number - 2]["provenance"])
                edit_label = prov.rsplit(" ", 1)[-1]
            bad_column = exc.details.get("column")
            message = exc.message.split(": ", 1)[-1]
            raise RegistryError(
                f"edit {edit_label or '?'}"
                + (f", field '{bad_column}'" if bad_column else "")
                + f": {message}",
                details={"edit_id": edit_label, "column": bad_column, "table": name},
            ) from exc
    return out


__all__ = ["EDITABLE", "Fault", "apply_edits", "row_fingerprint"]
