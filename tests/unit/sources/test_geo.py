"""world-atlas TopoJSON: feature list, zero-padded ids, missing ids, JSON and shape errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from stabilis.errors import DataFileError
from stabilis.sources import geo

Writer = Callable[[str, str], Path]


def _topology(geometries: list[dict[str, object]]) -> str:
    return json.dumps(
        {
            "type": "Topology",
            "objects": {
                "countries": {"type": "GeometryCollection", "geometries": geometries},
                "land": {"type": "GeometryCollection", "geometries": []},
            },
            "arcs": [],
        }
    )


FEATURES: list[dict[str, object]] = [
    {"type": "Polygon", "arcs": [[0]], "id": "528", "properties": {"name": "Netherlands"}},
    {"type": "Polygon", "arcs": [[1]], "id": 4, "properties": {"name": "Afghanistan"}},
    {"type": "Polygon", "arcs": [[2]], "properties": {"name": "Kosovo"}},
]


def test_parser_lists_features_with_padded_ids(write_file: Writer) -> None:
    (table,) = geo.parse("countries_110m", write_file("world.topojson", _topology(FEATURES)))
    frame = table.frame
    assert table.table == "boundaries"
    assert table.country_keys == {"iso3n": "iso3n", "name": "name"}
    assert list(frame["iso3n"]) == ["528", "004", None]
    assert list(frame["name"]) == ["Netherlands", "Afghanistan", "Kosovo"]
    assert set(frame["resolution"]) == {"110m"}
    assert list(frame["_row"]) == [1, 2, 3]


def test_invalid_json_names_file_line_and_column(write_file: Writer) -> None:
    path = write_file("world.topojson", '{"type": "Topology",\n "objects": {,}}')
    with pytest.raises(DataFileError, match=r"not valid JSON .*line 2, column") as info:
        geo.parse("countries_50m", path)
    assert info.value.row == 2
    assert "world.topojson" in str(info.value)


def test_geojson_instead_of_topology_is_refused(write_file: Writer) -> None:
    path = write_file("world.topojson", json.dumps({"type": "FeatureCollection", "features": []}))
    with pytest.raises(DataFileError, match="Topology"):
        geo.parse("countries_10m", path)


def test_topology_without_countries_object_is_refused(write_file: Writer) -> None:
    text = json.dumps({"type": "Topology", "objects": {"land": {"geometries": []}}})
    with pytest.raises(DataFileError, match="'countries'"):
        geo.parse("countries_110m", write_file("land.topojson", text))


def test_non_numeric_id_is_refused(write_file: Writer) -> None:
    bad = [{"type": "Polygon", "arcs": [], "id": "NLD", "properties": {"name": "Netherlands"}}]
    with pytest.raises(DataFileError, match="ISO 3166-1 numeric") as info:
        geo.parse("countries_110m", write_file("world.topojson", _topology(bad)))
    assert info.value.column == "id"


def test_empty_file_is_refused(write_file: Writer) -> None:
    with pytest.raises(DataFileError, match="empty"):
        geo.parse("countries_110m", write_file("world.topojson", ""))


@pytest.mark.integration
@pytest.mark.parametrize(
    ("resolution", "features", "without_id"),
    [
        ("110m", 177, 3),
        ("50m", 241, 5),
        ("10m", 255, 16),
    ],
)
def test_mirror_topologies(mirror: Path, resolution: str, features: int, without_id: int) -> None:
    path = mirror / f"geo/world_atlas_countries_{resolution}.topojson"
    (table,) = geo.parse(f"countries_{resolution}", path)
    frame = table.frame
    # SOURCES.md section 13 for the counts; ids checked with json.load (SOURCES.md lists only
    # 10 of the 16 id-less 10m features: it omits reefs and banks such as Scarborough Reef).
    assert len(frame) == features
    assert frame["iso3n"].isna().sum() == without_id
    # grep: "id":"528","properties":{"name":"Netherlands"
    assert frame.loc[frame["iso3n"] == "528", "name"].tolist() == ["Netherlands"]


def test_missing_file_says_to_pull(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="does not exist"):
        geo.parse("countries_110m", tmp_path / "absent.topojson")


def test_feature_that_is_not_an_object_is_refused(write_file: Writer) -> None:
    text = _topology([FEATURES[0]]).replace('"geometries": [{', '"geometries": [7, {')
    with pytest.raises(DataFileError, match=r"feature 1 .* not a JSON object"):
        geo.parse("countries_110m", write_file("world.topojson", text))
