"""World country boundaries: ``world-atlas`` 2.0.2 TopoJSON (Natural Earth 4.1 Admin-0).

The staged files are verbatim copies of ``countries-110m.json``, ``countries-50m.json`` and
``countries-10m.json`` from the npm package ``world-atlas@2.0.2`` (Mike Bostock, ISC; the
geometry is Natural Earth v4.1.0, public domain), renamed to ``.topojson``. The URL below is
only the recorded origin: the application never loads boundaries from a CDN at run time.

The parser lists the features of the ``countries`` object as the records table
``boundaries`` (``resolution``, ``feature_index``, ``iso3n``, ``name``); the geometry itself is
served from the snapshot file by the dashboard, not copied into the warehouse. ``iso3n`` is the
feature ``id`` (ISO 3166-1 numeric) as zero-padded 3-digit text; features without an id
(Kosovo, N. Cyprus, Somaliland at 110m; 5 at 50m; 16 at 10m, including reefs and banks)
keep ``iso3n`` None and are resolved by name. ``_row`` is the feature's 1-based position in
the object. Boundaries are Natural Earth's de facto lines and a single vintage (not historical).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from stabilis.errors import DataFileError
from stabilis.sources.base import ROW, ParsedTable, SourceFile, SourceSpec

_BASE_URL = "https://cdn.jsdelivr.net/npm/world-atlas@2.0.2/countries-{}.json"
RESOLUTIONS = ("110m", "50m", "10m")

SPEC = SourceSpec(
    name="geo",
    title="World country boundaries (world-atlas 2.0.2, Natural Earth 4.1 Admin-0)",
    producer="Mike Bostock (world-atlas) from Natural Earth",
    release="world-atlas 2.0.2 (Natural Earth v4.1.0)",
    licence=(
        "Geometry public domain (Natural Earth); package ISC. Credit 'Made with Natural Earth'."
    ),
    citation="Made with Natural Earth. Bostock, M. world-atlas 2.0.2 (npm).",
    homepage="https://github.com/topojson/world-atlas",
    files=tuple(
        SourceFile(
            key=f"countries_{resolution}",
            mirror_path=f"geo/world_atlas_countries_{resolution}.topojson",
            url=_BASE_URL.format(resolution),
            description=(
                f"Country boundaries at 1:{resolution.removesuffix('m')} million (verbatim copy "
                f"of world-atlas countries-{resolution}.json)."
            ),
            media_type="application/json",
        )
        for resolution in RESOLUTIONS
    ),
    caveats=(
        "De facto Natural Earth lines (check them for politically sensitive displays); some "
        "features have no ISO numeric id; one vintage only."
    ),
)


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """List the country features of one TopoJSON file."""
    import pandas as pd

    SPEC.file(file_key)
    resolution = file_key.removeprefix("countries_")
    topology = _load(path)
    if not isinstance(topology, dict) or topology.get("type") != "Topology":
        raise DataFileError(
            "the file is JSON but not a TopoJSON topology (its 'type' is not 'Topology').",
            file=path,
            hint="Restore the world-atlas file.",
        )
    objects = topology.get("objects")
    countries = objects.get("countries") if isinstance(objects, dict) else None
    geometries = countries.get("geometries") if isinstance(countries, dict) else None
    if not isinstance(geometries, list):
        raise DataFileError(
            "the topology has no object 'countries' with a list of geometries.",
            file=path,
            hint="Use world-atlas's countries-*.json, not land-*.json.",
        )
    if not geometries:
        raise DataFileError("the 'countries' object has no features.", file=path)
    rows = [_feature(feature, index, path) for index, feature in enumerate(geometries)]
    frame = pd.DataFrame(
        {
            "feature_index": pd.Series([r[0] for r in rows], dtype="int64"),
            "iso3n": pd.Series([r[1] for r in rows], dtype=object),
            "name": pd.Series([r[2] for r in rows], dtype=object),
        }
    )
    frame.insert(0, "resolution", resolution)
    frame[ROW] = frame["feature_index"] + 1
    return [
        ParsedTable(
            table="boundaries",
            frame=frame,
            country_keys={"iso3n": "iso3n", "name": "name"},
            year_column=None,
            name_column="name",
            description=f"Country features of world-atlas countries-{resolution}.",
        )
    ]


def _load(path: Path) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DataFileError(
            "the file does not exist.", file=path, hint="Run 'stabilis pull' first."
        ) from exc
    except UnicodeDecodeError as exc:
        raise DataFileError("the file is not UTF-8 text.", file=path) from exc
    if not text.strip():
        raise DataFileError("the file is empty.", file=path, hint="Pull the source again.")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataFileError(
            f"the file is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}).",
            file=path,
            row=exc.lineno,
            hint="Pull the source again; the download may be cut short.",
        ) from exc


def _feature(feature: Any, index: int, path: Path) -> tuple[int, str | None, str | None]:
    if not isinstance(feature, dict):
        raise DataFileError(
            f"feature {index + 1} of 'countries' is not a JSON object.",
            file=path,
            hint="Restore the world-atlas file.",
        )
    raw_id = feature.get("id")
    iso3n: str | None = None
    if raw_id is not None:
        text = str(raw_id).strip()
        if not text.isdigit() or len(text) > 3:
            raise DataFileError(
                f"feature {index + 1} of 'countries' has id '{raw_id}', which is not an ISO "
                "3166-1 numeric code.",
                file=path,
                column="id",
                hint="Restore the world-atlas file.",
            )
        iso3n = text.zfill(3)
    properties = feature.get("properties")
    name = properties.get("name") if isinstance(properties, dict) else None
    return index, iso3n, (str(name) if name is not None else None)
