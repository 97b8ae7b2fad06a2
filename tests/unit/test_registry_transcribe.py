"""The package's registry files are an exact transcription of the revised seed registry."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest

from stabilis.errors import RegistryError
from stabilis.registry import DATA_DIR, SCHEMAS, load_registry, read_table
from stabilis.registry.transcribe import seed_key, shape_of, transcribe


def _seed_dir() -> Path | None:
    explicit = os.environ.get("STABILIS_SEED_REGISTRY")
    if explicit:
        return Path(explicit)
    mirror = os.environ.get("STABILIS_MIRROR")
    if mirror:
        candidate = Path(mirror).resolve().parent / "registry"
        if (candidate / "members.csv").is_file():
            return candidate
    return None


SEED = _seed_dir()
needs_seed = pytest.mark.skipif(SEED is None, reason="the seed registry folder is not here")


@pytest.mark.integration
@needs_seed
def test_package_files_are_the_transcription_of_the_seed(tmp_path: Path) -> None:
    assert SEED is not None
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    counts = transcribe(SEED, target)
    assert sum(counts.values()) == 272
    for schema in SCHEMAS.values():
        assert (target / schema.file_name).read_text(encoding="utf-8") == (
            DATA_DIR / schema.file_name
        ).read_text(encoding="utf-8"), schema.file_name


@pytest.mark.integration
@needs_seed
def test_every_seed_cell_is_copied_verbatim() -> None:
    """Every cell but the cited addresses removed under the source policy (``changes.tsv``)."""
    assert SEED is not None
    with (DATA_DIR / "changes.tsv").open(encoding="utf-8", newline="") as handle:
        removed = {(r["id"], r["removed"]) for r in csv.DictReader(handle, delimiter="\t")}
    assert len(removed) == 4
    for table, schema in SCHEMAS.items():
        with (SEED / schema.file_name).open(encoding="utf-8-sig", newline="") as handle:
            seed = list(csv.DictReader(handle))
        package = read_table(table)
        assert len(seed) == len(package), table
        for seed_row, (_, row) in zip(seed, package.iterrows(), strict=True):
            for column, value in seed_row.items():
                expected = value.strip()
                if column == "source":
                    urls = [u.strip() for u in expected.split(" | ") if u.strip()]
                    expected = " | ".join(u for u in urls if (row["id"], u) not in removed)
                assert row[column] == expected, (table, row["id"], column)
            assert seed_key(table, seed_row)[0] in row.to_dict().values()


def test_new_facts_of_the_revision_are_in_the_registry() -> None:
    registry = load_registry()
    programmes = registry.table("programmes").set_index("id")
    assert programmes.loc["NSATU-UKR", "amount"] == "700"
    assert programmes.loc["NSATU-UKR", "amount_unit"] == "personnel"
    assert programmes.loc["LTSA-UKR", "amount"] == "40000"
    assert programmes.loc["NRC-RUS-2014", "shape"] == "milestone"
    assert programmes.loc["EOP-UKR", "start_date"] == "2020-06-12"
    assert {"ACC-FIN", "ACC-SWE", "PJC-RUS", "NRFA-RUS", "PARP-GEO"} <= set(programmes.index)
    assert registry.programmes_during("GEO", 2009)["programme_code"].tolist().count("IPAP") == 0
    operations = registry.table("operations").set_index("id")
    assert operations.loc["DENY_FLIGHT-BIH", "confidence"] == "sourced"


@pytest.mark.parametrize(
    ("milestone", "shape"),
    [
        ("MAP requested, not granted; Annual National Programme instead", "milestone"),
        ("MAP requirement removed (Vilnius Summit)", "milestone"),
        ("invited to join (Madrid Summit)", "milestone"),
        ("MAP participation", "spell"),
        ("first IPAP agreed", "spell"),
        ("DEEP programme", "spell"),
    ],
)
def test_milestone_rule(milestone: str, shape: str) -> None:
    assert shape_of(milestone) == shape


def test_milestones_never_turn_a_programme_flag_on() -> None:
    flags = load_registry().country_year_flags(2020, 2025)
    ukraine = flags[flags["iso3"] == "UKR"]
    assert ukraine["nato.map"].eq(0).all()  # requested 2008, requirement removed 2023
    assert ukraine.set_index("year").loc[2021, "nato.eop"] == 1


def test_transcription_refuses_an_unknown_programme(tmp_path: Path) -> None:
    seed = tmp_path / "seed"
    seed.mkdir()
    for schema in SCHEMAS.values():
        text = (DATA_DIR / schema.file_name).read_text(encoding="utf-8")
        (seed / schema.file_name).write_text(text, encoding="utf-8")
    path = seed / "programmes.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "Membership Action Plan,MAP", "Mystery Plan,MAP", 1
        ),
        encoding="utf-8",
    )
    target = tmp_path / "target"
    with pytest.raises(RegistryError, match="Mystery Plan"):
        transcribe(seed, target)
    assert not target.exists()
