"""``stabilis build``: snapshots -> parsed, harmonised tables -> the DuckDB warehouse.

The build is a list of *steps*: one per source, plus ``countries`` and ``registry``. Each step
has a checksum of everything it reads — its snapshots' sha256, the code of its parser and of the
shared reading/harmonising code, and the country concordance — and is skipped when the checksum
equals the one recorded at the last build (``build_steps`` table). A build with nothing to do
does not touch the warehouse file. Otherwise the whole build runs in a copy of the warehouse
that replaces the current one only when every step succeeded (see ``store.Warehouse.building``).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd

from stabilis._version import __version__
from stabilis.config import Settings
from stabilis.errors import DataFileError, SnapshotError, WarehouseError
from stabilis.ingest import harmonise as harmonise_module
from stabilis.ingest.harmonise import QUALITY_COLUMNS, harmonise, text_columns
from stabilis.ingest.snapshots import Snapshot, current_snapshots
from stabilis.sources import SOURCE_MODULES, get_source
from stabilis.sources import base as base_module
from stabilis.sources import reading as reading_module
from stabilis.store import SCHEMA_VERSION, Warehouse
from stabilis.store.warehouse import WarehouseWriter

Progress = Callable[[str, int, int], None]

#: How much a source may shrink, as a share of what the warehouse held, before the build stops:
#: rows of each table, distinct countries and distinct years. A cut-off file loses far more
#: (Polity5 cut at a row boundary lost 40 % of its values); a new release rarely loses any.
SHRINK_TOLERANCE = 0.02


@dataclass
class StepResult:
    step: str
    status: str  # "built" | "skipped" | "missing"
    rows: int = 0
    tables: list[str] = field(default_factory=list)
    unmatched: int = 0
    unexplained: int = 0
    seconds: float = 0.0
    accepted_shrink: list[str] = field(default_factory=list)


@dataclass
class BuildReport:
    steps: list[StepResult]
    warehouse: Path
    changed: bool
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "warehouse": str(self.warehouse),
            "changed": self.changed,
            "seconds": round(self.seconds, 3),
            "steps": [s.__dict__ for s in self.steps],
        }


def build(
    settings: Settings,
    *,
    full: bool = False,
    progress: Progress | None = None,
    accept_shrink: Iterable[str] = (),
) -> BuildReport:
    """Build or update the warehouse from the current snapshots (one build at a time).

    A source whose new snapshot holds fewer rows, countries or years than the warehouse holds
    (beyond :data:`SHRINK_TOLERANCE`) stops the build, unless it is named in ``accept_shrink``;
    an accepted shrink is recorded in the ``build_log`` table.
    """
    accepted = set(accept_shrink)
    unknown = sorted(accepted - set(SOURCE_MODULES))
    if unknown:
        from stabilis.errors import NotFoundError

        raise NotFoundError(
            f"--accept-shrink names an unknown source: {', '.join(unknown)}. Sources: "
            f"{', '.join(SOURCE_MODULES)}."
        )
    warehouse = Warehouse(settings.warehouse_path)
    with warehouse.lock():
        warehouse.discard_stale_build()
        return _build_locked(
            settings, warehouse, full=full, progress=progress, accept_shrink=accepted
        )


def _build_locked(
    settings: Settings,
    warehouse: Warehouse,
    *,
    full: bool,
    progress: Progress | None,
    accept_shrink: set[str] | None = None,
) -> BuildReport:
    started = time.perf_counter()
    snapshots = current_snapshots(settings.snapshot_dir)
    if not snapshots:
        raise SnapshotError(
            f"There are no snapshots in {settings.snapshot_dir}. Run 'stabilis pull' first "
            "(with --mirror DIR on an air-gapped machine)."
        )
    by_source: dict[str, list[Snapshot]] = {}
    for (source, _key), snap in snapshots.items():
        by_source.setdefault(source, []).append(snap)
    for snaps in by_source.values():
        for snap in snaps:
            _verify_or_quarantine(snap, settings.snapshot_dir)

    country_code = _countries_fingerprint(by_source.get("reference", []))
    checksums: dict[str, str] = {"countries": country_code}
    for name in SOURCE_MODULES:
        if name in by_source:
            checksums[name] = _step_checksum(name, by_source[name], country_code)
    checksums["registry"] = _registry_fingerprint(settings)

    previous: dict[str, str] = {}
    sizes: dict[tuple[str, str], tuple[int, int, int]] = {}
    if warehouse.exists():
        try:
            with warehouse.reader() as reader:
                if reader.meta().get("schema_version") == SCHEMA_VERSION:
                    if not full:
                        previous = reader.step_checksums()
                    sizes = reader.source_sizes()
                else:  # built by another schema version: rebuild everything from scratch
                    full = True
        except WarehouseError:
            full = True
    todo = [step for step, checksum in checksums.items() if previous.get(step) != checksum]
    stale = [step for step in previous if step not in checksums]
    results: list[StepResult] = []
    if not todo and not stale:
        results = [StepResult(step, "skipped") for step in checksums]
        return BuildReport(results, warehouse.path, False, time.perf_counter() - started)

    resolver = _resolver(by_source.get("reference", []))
    with warehouse.building(full=full) as writer:
        for step in stale:
            _drop_step(writer, step)
        total = len(checksums)
        for i, (step, checksum) in enumerate(checksums.items()):
            if progress:
                progress(step, i, total)
            if step not in todo:
                results.append(StepResult(step, "skipped"))
                continue
            t0 = time.perf_counter()
            if step == "countries":
                result = _build_countries(writer, resolver)
            elif step == "registry":
                result = _build_registry(writer, settings)
            else:
                result = _build_source(
                    writer,
                    step,
                    by_source[step],
                    resolver,
                    previous_sizes=sizes,
                    accept_shrink=step in (accept_shrink or set()),
                    unknown_countries=settings.unknown_countries,
                )
            result.seconds = time.perf_counter() - t0
            writer.record_step(step, checksum, _now(), result.rows, ",".join(result.tables))
            for what in result.accepted_shrink:
                writer.log_build_event(_now(), step, "accepted_shrink", what)
            results.append(result)
        if progress:
            progress("checks", total, total)
        _check_unique_indicators(writer)
        writer.create_panel_view()
        writer.set_meta("built_at", _now())
        writer.set_meta("stabilis_version", __version__)
        _write_snapshot_table(writer, snapshots, settings.data_dir)
    return BuildReport(results, warehouse.path, True, time.perf_counter() - started)


def _verify_or_quarantine(snap: Snapshot, snapshot_dir: Path) -> None:
    """Stop on a snapshot that no longer matches its sidecar (moving it to the quarantine, so the
    next pull fetches it again) or that does not match the producer's published checksum."""
    from stabilis.ingest.snapshots import quarantine

    try:
        snap.verify()
    except SnapshotError as exc:
        if not snap.path.parent.exists():
            raise
        moved = quarantine(snap, snapshot_dir)
        raise SnapshotError(
            f"The snapshot {snap.id} ({snap.provenance.filename}) no longer matches its "
            f"provenance sidecar: {exc.message} It was moved to "
            f"{moved.relative_to(snapshot_dir.parent)}; run 'stabilis pull' to fetch it again, "
            "then build. The warehouse is unchanged.",
            details={"snapshot": snap.id, "quarantined": str(moved.relative_to(snapshot_dir))},
        ) from exc
    known = {f.key: f.sha256 for f in get_source(snap.provenance.source).SPEC.files}
    expected = known.get(snap.provenance.file_key)
    if expected and expected.lower() != snap.provenance.sha256:
        raise SnapshotError(
            f"The snapshot {snap.path} does not match the producer's published checksum "
            f"(sha256 {snap.provenance.sha256[:12]} != {expected[:12]}): it is cut short, "
            "damaged or another release. Pull it again from the producer or a trusted mirror.",
            details={"snapshot": snap.id},
        )


# -- steps ---------------------------------------------------------------------------------------


def _build_source(
    writer: WarehouseWriter,
    name: str,
    snaps: list[Snapshot],
    resolver: Any,
    *,
    previous_sizes: dict[tuple[str, str], tuple[int, int, int]] | None = None,
    accept_shrink: bool = False,
    unknown_countries: str = "stop",
) -> StepResult:
    module = get_source(name)
    spec = module.SPEC
    known = {f.key for f in spec.files}
    indicator_frames: list[pd.DataFrame] = []
    meta_rows: list[dict[str, Any]] = []
    records: dict[str, list[pd.DataFrame]] = {}
    quality: list[pd.DataFrame] = []
    for snap in sorted(snaps, key=lambda s: s.provenance.file_key):
        key = snap.provenance.file_key
        if key not in known:
            continue  # a file an older release had; its snapshot stays, unused
        parsed_tables = module.parse(key, snap.path)
        label = f"{name}/{snap.provenance.filename}"
        for parsed in parsed_tables:
            out = harmonise(parsed, resolver, source=name, file_label=label, snapshot=snap.id)
            if unknown_countries == "stop":
                _stop_on_unknown_country(out.quality, parsed, snap, label)
            quality.append(out.quality)
            if out.table == "indicators":
                indicator_frames.append(out.frame)
                for ind in parsed.indicators:
                    meta_rows.append(
                        {
                            "indicator": ind.code,
                            "label": ind.label,
                            "source": name,
                            "release": spec.release,
                            "scale": ind.scale,
                            "higher_is_better": ind.higher_is_better,
                            "minimum": ind.minimum,
                            "maximum": ind.maximum,
                            "description": ind.description or parsed.description,
                            "has_interval": ind.lower_column is not None,
                            "snapshot": snap.id,
                        }
                    )
            else:
                records.setdefault(out.table, []).append(out.frame)
    indicators = (
        pd.concat(indicator_frames, ignore_index=True) if indicator_frames else _empty_indicators()
    )
    new_sizes = {"indicators": _size_of(indicators)} if len(indicators) else {}
    for table, frames in records.items():
        new_sizes[table] = _size_of(pd.concat(frames, ignore_index=True))
    accepted = _check_shrink(name, snaps, previous_sizes or {}, new_sizes, accept=accept_shrink)
    # Stored in country, indicator, year order: DuckDB then skips the row groups a country's
    # profile cannot match (a profile reads a few thousand rows, not every value).
    indicators = indicators.sort_values(["iso3", "indicator", "year"], kind="stable")
    writer.replace_rows("indicators", "source", name, indicators)
    meta = pd.DataFrame(meta_rows, columns=_META_COLUMNS).drop_duplicates("indicator", keep="last")
    writer.replace_rows("indicator_meta", "source", name, meta)
    tables = ["indicators"] if len(indicators) else []
    rows = len(indicators)
    owners = _table_owners(writer)
    for table, frames in records.items():
        if owners.get(table, name) != name or table in _RESERVED_TABLES:
            raise WarehouseError(
                f"Source '{name}' writes the table '{table}', which belongs to "
                f"'{owners.get(table, 'the warehouse')}'; give the parser's table another name."
            )
        frame = pd.concat(frames, ignore_index=True)
        frame.insert(0, "source", name)
        writer.replace_table(table, frame)
        tables.append(table)
        rows += len(frame)
    issues = (
        pd.concat(quality, ignore_index=True) if quality else pd.DataFrame(columns=QUALITY_COLUMNS)
    )
    writer.replace_rows("quality_issues", "source", name, issues)
    unmatched = issues[issues["issue"] == "unmatched_country"] if len(issues) else issues
    return StepResult(
        name,
        "built",
        rows=rows,
        tables=tables,
        unmatched=len(unmatched),
        unexplained=int((~unmatched["explained"].astype(bool)).sum()) if len(unmatched) else 0,
        accepted_shrink=accepted,
    )


def _size_of(frame: pd.DataFrame) -> tuple[int, int, int]:
    """(rows, distinct countries, distinct years) of a frame about to be stored."""
    countries = int(frame["iso3"].nunique()) if "iso3" in frame else 0
    years = int(frame["year"].nunique()) if "year" in frame else 0
    return len(frame), countries, years


def _check_shrink(
    name: str,
    snaps: list[Snapshot],
    before: dict[tuple[str, str], tuple[int, int, int]],
    after: dict[str, tuple[int, int, int]],
    *,
    accept: bool,
) -> list[str]:
    """Stop when a table of ``name`` lost more than :data:`SHRINK_TOLERANCE` of its rows,
    countries or years; with ``accept`` return what shrank instead (for the build log)."""
    shrunk: list[str] = []
    for (source, table), old in sorted(before.items()):
        if source != name:
            continue
        new = after.get(table, (0, 0, 0))
        for label, o, n in zip(("rows", "countries", "years"), old, new, strict=True):
            if o > 0 and n < o * (1 - SHRINK_TOLERANCE):
                shrunk.append(f"{table}: {label} {o:,} -> {n:,} ({(o - n) / o:.0%} fewer)")
    if shrunk and not accept:
        files = ", ".join(str(s.path) for s in sorted(snaps, key=lambda s: s.provenance.file_key))
        raise SnapshotError(
            f"The new snapshot of '{name}' holds much less than the warehouse: "
            f"{'; '.join(shrunk)} (tolerance {SHRINK_TOLERANCE:.0%}). The file may have been cut "
            f"short: {files}. Pull it again; if the producer really published less, build with "
            f"'stabilis build --accept-shrink {name}'. The previous warehouse is unchanged.",
            details={"source": name, "shrunk": shrunk, "files": files},
        )
    return shrunk


def _stop_on_unknown_country(issues: pd.DataFrame, parsed: Any, snap: Snapshot, label: str) -> None:
    """Raise on the first source row that matched no country and that nobody explained."""
    if not len(issues):
        return
    bad = issues[(issues["issue"] == "unmatched_country") & ~issues["explained"].astype(bool)]
    if not len(bad):
        return
    first = bad.iloc[0]
    table = str(first["table"])
    role = table.split(".", 1)[1] if "." in table else None
    keys = parsed.other_countries.get(role, {}) if role else parsed.country_keys
    named = [c for c, k in keys.items() if k == "name"]
    has_name = first["name"] not in (None, "") and not pd.isna(first["name"])
    column = named[0] if named and has_name else next(iter(keys), None)
    kind = keys.get(column, "name") if column else "name"
    value = first["name"] if kind == "name" and has_name else first["code"]
    year = "" if pd.isna(first["year"]) else f" in {int(first['year'])}"
    raise DataFileError(
        f"'{value}'{year} is not a country Stabilis knows ({first['reason']}; "
        f"{len(bad):,} such rows in this file).",
        file=str(snap.path),
        row=int(first["row"]),
        column=column,
        hint=(
            "Explain it in the concordance: add the line "
            f"'{kind},{value},<why it has no ISO3>' to src/stabilis/countries/data/"
            "unmatched_explained.csv, map it with a line in name_aliases.csv or code_rules.csv, "
            'or set unknown_countries = "report" (STABILIS_UNKNOWN_COUNTRIES=report) to '
            f"build anyway and list such rows in 'stabilis quality --unexplained'. ({label})"
        ),
    )


_RESERVED_TABLES = {
    "indicators",
    "indicator_meta",
    "countries",
    "snapshots",
    "build_steps",
    "meta",
    "quality_issues",
    "panel",
    "build_log",
}


def _table_owners(writer: WarehouseWriter) -> dict[str, str]:
    """Records table -> the build step that wrote it, from ``build_steps``."""
    owners: dict[str, str] = {}
    for step, tables in writer.step_tables().items():
        for table in tables:
            if table and table not in _RESERVED_TABLES:
                owners[table] = step
    return owners


def _build_countries(writer: WarehouseWriter, resolver: Any) -> StepResult:
    table = resolver.table.copy()
    writer.replace_table("countries", table)
    return StepResult("countries", "built", rows=len(table), tables=["countries"])


def _build_registry(writer: WarehouseWriter, settings: Settings) -> StepResult:
    """Registry tables, and its country-year flags as ``nato.*`` indicators.

    Operations whose end the registry does not know (``end_known`` false) count only in their
    start year for the flags, so an unknown end never turns into decades of "ongoing".
    Approved analyst edits (the edits store, read only) are laid over the package's files, each
    row keeping its edit id as provenance, and listed in ``registry_edits_applied``.
    """
    from stabilis.registry import FLAG_DEFINITIONS, TABLES, load_registry
    from stabilis.store.edits import EditsStore
    from stabilis.store.registry_edits import APPLIED_TABLE, write_applied_edits

    approved = EditsStore.in_data_dir(settings.data_dir).approved_edits()
    _refuse_disinfo_outlets(writer, approved)
    registry = load_registry(edits=approved)
    write_applied_edits(writer, approved)
    release = registry.version.version
    tables = []
    rows = 0
    for name in TABLES:
        frame = registry.table(name)
        writer.replace_table(f"registry_{name}", text_columns(frame))
        tables.append(f"registry_{name}")
        rows += len(frame)
    last_year = registry.version.as_of_year or datetime.now(UTC).year
    flags = registry.country_year_flags(1949, last_year, unknown_end="start_year")
    long = flags.melt(id_vars=["iso3", "year"], var_name="indicator", value_name="value")
    long = long.dropna(subset=["value"])
    long = long.assign(
        lower=float("nan"), upper=float("nan"), source="registry", snapshot=f"registry@{release}"
    )
    long["value"] = long["value"].astype("float64")
    long["year"] = long["year"].astype("int32")
    writer.replace_rows("indicators", "source", "registry", long)
    meta = pd.DataFrame(
        [
            {
                "indicator": code,
                "label": definition,
                "source": "registry",
                "release": release,
                "scale": "years" if code.endswith("years_since_accession") else "0/1",
                "higher_is_better": None,
                "minimum": 0.0,
                "maximum": None if code.endswith("years_since_accession") else 1.0,
                "description": definition,
                "has_interval": False,
                "snapshot": f"registry@{release}",
            }
            for code, definition in FLAG_DEFINITIONS.items()
            if code in set(long["indicator"])
        ],
        columns=_META_COLUMNS,
    )
    writer.replace_rows("indicator_meta", "source", "registry", meta)
    return StepResult(
        "registry", "built", rows=rows + len(long), tables=[*tables, APPLIED_TABLE, "indicators"]
    )


def _drop_step(writer: WarehouseWriter, step: str) -> None:
    """Remove what a step whose source has no snapshot any more wrote."""
    for table in ("indicators", "indicator_meta", "quality_issues"):
        writer.replace_rows(table, "source", step, pd.DataFrame())
    for table in writer.step_tables().get(step, []):
        if table not in _RESERVED_TABLES and not table.startswith("registry_"):
            writer.drop_table(table)
    writer.forget_step(step)


def _check_unique_indicators(writer: WarehouseWriter) -> None:
    dup = writer.duplicate_indicator_keys()
    if len(dup):
        first = dup.iloc[0]
        raise WarehouseError(
            f"Two sources give {first['indicator']} for {first['iso3']} {first['year']} "
            f"({first['sources']}); indicator codes must be unique per country-year. The build "
            "was abandoned and the previous warehouse is unchanged."
        )


def _write_snapshot_table(
    writer: WarehouseWriter, snapshots: dict[tuple[str, str], Snapshot], data_dir: Path
) -> None:
    """The provenance of every snapshot; ``path`` is relative to the data folder, so no
    absolute path of this machine reaches an API response or an export."""
    rows = []
    for snap in snapshots.values():
        p = snap.provenance
        rows.append(
            {
                "snapshot": snap.id,
                "source": p.source,
                "file_key": p.file_key,
                "filename": p.filename,
                "release": p.release,
                "url": p.url,
                "retrieved_from": p.retrieved_from,
                "licence": p.licence,
                "citation": p.citation,
                "retrieved_at": p.retrieved_at,
                "sha256": p.sha256,
                "size": p.size,
                "path": _relative(snap.path, data_dir),
            }
        )
    writer.replace_table("snapshots", pd.DataFrame(rows))


# -- fingerprints ----------------------------------------------------------------------------


def _module_hash(*modules: ModuleType) -> str:
    sha = hashlib.sha256()
    for module in modules:
        sha.update(inspect.getsource(module).encode())
    return sha.hexdigest()


def _data_hash(folder: Path) -> str:
    sha = hashlib.sha256()
    if folder.exists():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".csv", ".json"):
                sha.update(path.name.encode())
                sha.update(path.read_bytes())
    return sha.hexdigest()


def _countries_fingerprint(reference: list[Snapshot]) -> str:
    import stabilis.countries as countries

    sha = hashlib.sha256()
    for snap in sorted(reference, key=lambda s: s.provenance.file_key):
        sha.update(snap.provenance.sha256.encode())
    folder = Path(countries.__file__).parent
    sha.update(_data_hash(folder).encode())
    return sha.hexdigest()


def _refuse_disinfo_outlets(writer: WarehouseWriter, edits: list[dict[str, Any]]) -> None:
    """Refuse the build if an approved edit cites an outlet named in EUvsDisinfo."""
    from stabilis.errors import RegistryError
    from stabilis.registry.policy import OutletIndex
    from stabilis.store.registry_edits import outlet_cells

    cells = outlet_cells(writer) if edits else []
    if not cells:
        return
    index = OutletIndex.from_names(cells)
    for edit in edits:
        for url in str(edit["fields"].get("source", "")).split(" | "):
            reason = index.match(url) if url.strip() else None
            if reason:
                raise RegistryError(
                    f"edit {edit['edit_id']}, field 'source': '{url.strip()}' is refused: "
                    f"{reason}. Reject the edit or have it re-proposed with another source; "
                    "the previous warehouse is kept.",
                    details={"edit_id": edit["edit_id"], "column": "source"},
                )


def _registry_fingerprint(settings: Settings) -> str:
    """The registry package's files plus the approved edits (so approving one rebuilds it)."""
    import stabilis.registry as registry
    from stabilis.store.edits import EditsStore

    approved = EditsStore.in_data_dir(settings.data_dir).approved_edits()
    sha = hashlib.sha256(_data_hash(Path(registry.__file__).parent).encode())
    sha.update(json.dumps(approved, sort_keys=True).encode())
    return sha.hexdigest()


def _step_checksum(name: str, snaps: list[Snapshot], country_code: str) -> str:
    sha = hashlib.sha256()
    for snap in sorted(snaps, key=lambda s: s.provenance.file_key):
        sha.update(f"{snap.provenance.file_key}:{snap.provenance.sha256}".encode())
    sha.update(
        _module_hash(get_source(name), base_module, reading_module, harmonise_module).encode()
    )
    sha.update(country_code.encode())
    return sha.hexdigest()


def _resolver(reference: list[Snapshot]) -> Any:
    from stabilis.countries import CountryResolver

    files = {s.provenance.file_key: s for s in reference}
    missing = {"codelist", "world"} - set(files)
    if missing:
        raise SnapshotError(
            "The country concordance needs the reference files "
            f"({', '.join(sorted(missing))} missing). Run 'stabilis pull --source reference'."
        )
    module = get_source("reference")
    codes = module.parse("codelist", files["codelist"].path)[0].frame
    world = module.parse("world", files["world"].path)[0].frame
    return CountryResolver.from_reference(codes, world)


_META_COLUMNS = [
    "indicator",
    "label",
    "source",
    "release",
    "scale",
    "higher_is_better",
    "minimum",
    "maximum",
    "description",
    "has_interval",
    "snapshot",
]


def _empty_indicators() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "iso3": pd.Series(dtype=object),
            "year": pd.Series(dtype="int32"),
            "indicator": pd.Series(dtype=object),
            "value": pd.Series(dtype="float64"),
            "lower": pd.Series(dtype="float64"),
            "upper": pd.Series(dtype="float64"),
            "source": pd.Series(dtype=object),
            "snapshot": pd.Series(dtype=object),
        }
    )


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return path.name


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
