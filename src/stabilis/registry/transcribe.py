"""Transcribing a revision of the seed registry into the package's data files.

The seed registry (``shared/registry``: ``members.csv``, ``partnerships.csv``, ``programmes.csv``,
``operations.csv``) is researched and revised outside the code. Stabilis ships a transcription of
it in ``stabilis/registry/data``: every seed cell copied verbatim, plus the columns Stabilis adds
so rows can be queried and cited:

* ``id`` on every file: stable across revisions. A row whose seed key (the ``CHANGES.tsv`` row
  key: members ``iso3``; partnerships ``country_iso3|framework`` (+ ``joined_date`` for repeated
  spells); programmes ``country_iso3|programme|milestone``; operations ``operation|host``) was
  already transcribed keeps its id; a new row gets ``CODE-ISO3``, then ``-YYYY`` of its start,
  then the full start date, when the shorter id is taken.
* ``framework_code`` (partnerships), ``programme_code`` (programmes), ``operation_code``
  (operations): short codes from :data:`FRAMEWORK_CODES`, :data:`PROGRAMME_NAME_CODES` and the
  previous transcription's operation codes.
* ``shape`` (programmes): ``spell`` (a programme in force from its start to its end) or
  ``milestone`` (a dated event: a request, an invitation, a signature, a suspension). The rule is
  :data:`MILESTONE_PATTERNS`, matched against the seed's ``milestone`` cell; a milestone never
  turns a programme flag on and is drawn as a point, not a bar.

One departure from verbatim: a cited address the source policy never accepts (:mod:`.policy`,
including domains the warehouse's EUvsDisinfo table names as outlets) is removed from the
``source`` cell, and the removal is written to ``data/changes.tsv`` (file, id, field, removed,
reason). A row left with no source would become ``unverified``; none did in release 2026.12.

Run ``python -m stabilis.registry.transcribe SEED_DIR [TARGET_DIR]``; it refuses a seed row
whose programme or operation has no code (add the code here first), so nothing is transcribed
half-way. This is a maintainer's tool: nothing at run time reads the seed folder.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from stabilis.errors import RegistryError

from .load import DATA_DIR
from .policy import SEPARATOR, domain, load_policy, split_sources
from .schema import FRAMEWORKS, SCHEMAS

FRAMEWORK_CODES = FRAMEWORKS

PROGRAMME_NAME_CODES: dict[str, str] = {
    "Membership Action Plan": "MAP",
    "Intensified Dialogue": "ID",
    "Bucharest Summit declaration": "BSD",
    "Individual Partnership Action Plan": "IPAP",
    "NATO-Ukraine Action Plan": "UAP",
    "Individual Partnership Programme": "IPP",
    "Individual Partnership Programme / IPCP": "IPP",
    "IPCP": "IPCP",
    "ITPP": "ITPP",
    "Planning and Review Process": "PARP",
    "Defence Capacity Building / Substantial NATO-Georgia Package": "SNGP",
    "Substantial NATO-Georgia Package": "SNGP",
    "Defence Capacity Building": "DCB",
    "Building Integrity": "BI",
    "Defence Education Enhancement Programme": "DEEP",
    "NATO-Ukraine Commission": "NUC",
    "NATO-Ukraine Council": "NUC",
    "Wales trust funds": "TF",
    "Comprehensive Assistance Package": "CAP",
    "NATO-Georgia Commission": "NGC",
    "Annual National Programme": "ANP",
    "Enhanced Opportunities Partner (Partnership Interoperability Initiative)": "EOP",
    "NATO-Russia Founding Act": "NRFA",
    "NATO-Russia Permanent Joint Council": "PJC",
    "NATO-Russia Council": "NRC",
    "NATO accession process": "ACC",
    "NATO Security Assistance and Training for Ukraine (NSATU)": "NSATU",
    "Pledge of Long-Term Security Assistance for Ukraine": "LTSA",
}
"""Seed ``programme`` name -> ``programme_code``."""

MILESTONE_PATTERNS: tuple[str, ...] = (
    r"\brequested\b",
    r"\brequirement removed\b",
    r"\bsuspended\b",
    r"\bapplication\b",
    r"\binvited\b",
    r"\bprotocol signed\b",
    r"^accession \(",
    r"\binaugurated\b",
    r"\bpledged\b",
    r"will become members",
    r"^signed \(",
    r"^CAP strengthened",
)
"""A programme row is a ``milestone`` when its seed ``milestone`` cell matches one of these."""

_MILESTONE = re.compile("|".join(MILESTONE_PATTERNS), re.IGNORECASE)


def shape_of(milestone: str) -> str:
    """``milestone`` if the seed milestone text names a dated event, else ``spell``."""
    return "milestone" if _MILESTONE.search(milestone) else "spell"


def _read(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise RegistryError(f"{path}: the seed file does not exist.", details={"file": str(path)})
    text = path.read_text(encoding="utf-8-sig")
    return [
        {k.strip(): (v or "").strip() for k, v in row.items()}
        for row in csv.DictReader(io.StringIO(text, newline=""))
    ]


def seed_key(table: str, row: dict[str, str]) -> tuple[str, ...]:
    """The seed's row key (as in ``CHANGES.tsv``), extended with a date for repeated spells."""
    if table == "members":
        return (row["iso3"],)
    if table == "partnerships":
        return (row["country_iso3"], row["framework"], row["joined_date"])
    if table == "programmes":
        return (row["country_iso3"], row["programme"], row["milestone"])
    return (row["operation"], row["host_iso3"] or row["host_name"])


def _new_id(code: str, iso3: str, start: str, taken: set[str]) -> str:
    candidates = [f"{code}-{iso3}"]
    candidates.append(f"{code}-{iso3}-{start[:4]}" if start else f"{code}-{iso3}-undated")
    if start:
        candidates.append(f"{code}-{iso3}-{start}")
    for candidate in candidates:
        if candidate not in taken:
            return candidate
    import string

    letters = string.ascii_lowercase
    suffixes = [*letters[1:], *(a + b for a in letters for b in letters)]
    for suffix in suffixes:
        candidate = f"{candidates[-1]}-{suffix}"
        if candidate not in taken:
            return candidate
    raise RegistryError(f"No free id for {code}-{iso3} starting {start or 'undated'}.")


def _code_for(table: str, row: dict[str, str], operation_codes: dict[str, str]) -> str:
    if table == "partnerships":
        name = row["framework"]
        if name not in FRAMEWORK_CODES:
            raise RegistryError(f"partnerships: framework '{name}' has no code; add it.")
        return FRAMEWORK_CODES[name]
    if table == "programmes":
        name = row["programme"]
        if name not in PROGRAMME_NAME_CODES:
            raise RegistryError(
                f"programmes: programme '{name}' has no code; add it to PROGRAMME_NAME_CODES."
            )
        return PROGRAMME_NAME_CODES[name]
    if table == "operations":
        name = row["operation"]
        if name not in operation_codes:
            raise RegistryError(f"operations: operation '{name}' has no code; add one.")
        return operation_codes[name]
    return "MEM"


def _iso3_of(table: str, row: dict[str, str]) -> str:
    if table == "members":
        return row["iso3"]
    if table == "operations":
        return row["host_iso3"] or "INTL"
    return row["country_iso3"]


_START_COLUMN = {
    "members": "accession_date",
    "partnerships": "joined_date",
    "programmes": "start_date",
    "operations": "start_date",
}


CHANGES_FILE = "changes.tsv"
CHANGES_COLUMNS = ("file", "id", "field", "removed", "reason")


def _apply_policy(table: str, record: dict[str, str], changes: list[dict[str, str]]) -> None:
    policy = load_policy()
    kept: list[str] = []
    for url in split_sources(record["source"]):
        if policy.classify(url) != "never":
            kept.append(url)
            continue
        d = domain(url)
        why = next(
            (reason for name, reason in policy.disinfo_domains.items() if d.endswith(name)),
            "a 'never' domain under the source policy",
        )
        changes.append(
            {
                "file": f"{table}.csv",
                "id": record["id"],
                "field": "source",
                "removed": url,
                "reason": f"{d}: {why}",
            }
        )
    if not kept and record["source"]:
        record["confidence"] = "unverified"
        record["notes"] = (
            "UNCONFIRMED: every cited source was removed under the source policy. "
            + record["notes"]
        ).strip()
    record["source"] = SEPARATOR.join(kept)


def transcribe_table(
    table: str,
    seed: list[dict[str, str]],
    previous: list[dict[str, str]],
    changes: list[dict[str, str]] | None = None,
) -> list[dict[str, str]]:
    """The package rows for one table: seed cells verbatim plus Stabilis's columns."""
    schema = SCHEMAS[table]
    old_ids = {seed_key(table, row): row["id"] for row in previous}
    operation_codes = {
        row["operation"]: row["operation_code"] for row in previous if table == "operations"
    }
    taken = set(old_ids.values())
    # A partnership spell whose joined_date was filled or corrected keeps its id when its
    # country and framework identify one spell only (every pair but Malta's PfP).
    pairs = [seed_key(table, row)[:2] for row in previous]
    loose_ids = {
        seed_key(table, row)[:2]: row["id"]
        for row in previous
        if pairs.count(seed_key(table, row)[:2]) == 1
    }
    out: list[dict[str, str]] = []
    for row in seed:
        code = _code_for(table, row, operation_codes)
        key = seed_key(table, row)
        row_id = old_ids.get(key)
        if row_id is None and table == "partnerships":
            row_id = loose_ids.get(key[:2])
        if row_id is None:
            row_id = _new_id(code, _iso3_of(table, row), row[_START_COLUMN[table]], taken)
            taken.add(row_id)
        record = {column: row.get(column, "") for column in schema.columns}
        record["id"] = row_id
        if table == "partnerships":
            record["framework_code"] = code
        elif table == "programmes":
            record["programme_code"] = code
            record["shape"] = shape_of(row["milestone"])
        elif table == "operations":
            record["operation_code"] = code
        unknown = set(row) - set(schema.columns)
        if unknown:
            raise RegistryError(
                f"{table}: the seed has column(s) {', '.join(sorted(unknown))} the schema does "
                "not know; extend stabilis.registry.schema first."
            )
        _apply_policy(table, record, changes if changes is not None else [])
        out.append(record)
    ids = [r["id"] for r in out]
    if len(set(ids)) != len(ids):
        raise RegistryError(f"{table}: the transcription produced duplicate ids.")
    return out


def _write(path: Path, columns: Iterable[str], rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _write_tsv(path: Path, columns: Iterable[str], rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(columns), delimiter="\t", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def transcribe(seed_dir: str | Path, target_dir: str | Path | None = None) -> dict[str, int]:
    """Transcribe every table from ``seed_dir`` into ``target_dir`` (the package's by default).

    Ids are kept from the files already in ``target_dir`` (or the package's own). Returns the
    number of rows written per table. Every table is transcribed before any file is written.
    """
    seed_path = Path(seed_dir)
    target = Path(target_dir) if target_dir is not None else DATA_DIR
    previous_dir = target if (target / "members.csv").is_file() else DATA_DIR
    results: dict[str, list[dict[str, str]]] = {}
    changes: list[dict[str, str]] = []
    for table, schema in SCHEMAS.items():
        previous = _read(previous_dir / schema.file_name)
        seed = _read(seed_path / schema.file_name)
        results[table] = transcribe_table(table, seed, previous, changes)
    target.mkdir(parents=True, exist_ok=True)
    for table, rows in results.items():
        _write(target / SCHEMAS[table].file_name, SCHEMAS[table].columns, rows)
    _write_tsv(target / CHANGES_FILE, CHANGES_COLUMNS, changes)
    return {table: len(rows) for table, rows in results.items()}


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - maintainer's entry point
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m stabilis.registry.transcribe SEED_DIR [TARGET_DIR]")
        return 2
    counts = transcribe(args[0], args[1] if len(args) > 1 else None)
    for table, count in counts.items():
        print(f"{table}: {count} rows")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
