"""Every military and resilience file of the real mirror parses and resolves with no unexplained row."""

from __future__ import annotations

from pathlib import Path

import pytest

from stabilis.countries.resolve import load_reference
from stabilis.ingest.harmonise import harmonise
from stabilis.sources import get_source

NEW_SOURCES = (
    "sipri", "nato_defexp", "troopdata", "mme", "un_pko", "us_aid",
    "eurostat_energy", "inform", "ember", "owid_archive",
)  # fmt: skip

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def resolver(mirror: Path):  # type: ignore[no-untyped-def]
    return load_reference(mirror)


@pytest.mark.parametrize("name", NEW_SOURCES)
def test_source_resolves_every_row_or_explains_it(name: str, mirror: Path, resolver) -> None:  # type: ignore[no-untyped-def]
    module = get_source(name)
    for source_file in module.SPEC.files:
        tables = module.parse(source_file.key, mirror / source_file.mirror_path)
        assert tables
        for table in tables:
            out = harmonise(
                table, resolver, source=name, file_label=source_file.mirror_path, snapshot="t"
            )
            issues = out.quality
            unexplained = issues[~issues["explained"]]
            assert unexplained.empty, unexplained.drop_duplicates("name").head(20).to_string()
            assert len(out.frame) > 0
