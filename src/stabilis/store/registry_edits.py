"""The warehouse side of registry edits: which approved edits a build applied, and the
EUvsDisinfo outlet names the source policy checks against.

``registry_edits_applied`` is written by the registry build step: one row per approved edit
laid over the registry (``edit_id, action, table_name, row_id, fields`` as JSON,
``approved_by, approved_at``). Interfaces read the registry with exactly these edits, so an
edit approved after a build shows only after the next build.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pandas as pd

from stabilis.errors import WarehouseError

if TYPE_CHECKING:
    from stabilis.store.warehouse import Warehouse, WarehouseReader, WarehouseWriter

APPLIED_TABLE = "registry_edits_applied"
COLUMNS = ("edit_id", "action", "table_name", "row_id", "fields", "approved_by", "approved_at")


def write_applied_edits(writer: WarehouseWriter, edits: list[dict[str, Any]]) -> None:
    frame = pd.DataFrame(
        [
            {
                "edit_id": e["edit_id"],
                "action": e["action"],
                "table_name": e["table"],
                "row_id": e.get("row_id", ""),
                "fields": json.dumps(e["fields"], sort_keys=True),
                "approved_by": e.get("approved_by", ""),
                "approved_at": e.get("approved_at", ""),
            }
            for e in edits
        ],
        columns=list(COLUMNS),
    ).astype(str)
    writer.replace_table(APPLIED_TABLE, frame)


def read_applied_edits(warehouse: Warehouse) -> list[dict[str, Any]]:
    if not warehouse.exists():
        return []
    try:
        with warehouse.reader() as db:
            if APPLIED_TABLE not in db.tables():
                return []
            frame = db.query(f"SELECT * FROM {APPLIED_TABLE}")
    except WarehouseError:
        return []
    return [
        {
            "edit_id": row["edit_id"],
            "action": row["action"],
            "table": row["table_name"],
            "row_id": row["row_id"],
            "fields": json.loads(row["fields"]),
        }
        for row in frame.to_dict("records")
    ]


def outlet_cells(db: WarehouseReader) -> list[str]:
    """The distinct ``outlets`` cells of ``disinfo_cases`` in an open warehouse (or none)."""
    if "disinfo_cases" not in db.tables():
        return []
    frame = db.query("SELECT DISTINCT outlets FROM disinfo_cases WHERE outlets IS NOT NULL")
    return [str(v) for v in frame["outlets"]]


def read_outlets(warehouse: Warehouse) -> list[str]:
    """The distinct ``outlets`` cells of ``disinfo_cases`` (empty without that table)."""
    if not warehouse.exists():
        return []
    try:
        with warehouse.reader() as db:
            return outlet_cells(db)
    except WarehouseError:
        return []
