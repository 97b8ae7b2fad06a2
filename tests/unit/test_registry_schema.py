"""The registry schema: good files load, bad files name the file, row and column at fault."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from stabilis.errors import RegistryError
from stabilis.registry import SCHEMAS, Registry, read_table, read_version

MEMBERS = """id,iso3,country,accession_date,date_basis,enlargement_round,notes,confidence,source
MEM-BEL,BEL,Belgium,1949-04-04,treaty signature,1949 founders,,conflict,https://example.org/a
MEM-POL,POL,Poland,1999-03-12,accession,1999,,sourced,https://example.org/b
"""
PARTNERSHIPS = (
    "id,country_iso3,country,framework,framework_code,joined_date,basis,left_date,status,"
    "status_date,notes,confidence,source\n"
    "PFP-POL,POL,Poland,Partnership for Peace,PFP,1994-02-02,signature,1999-03-12,became_member,"
    "1999-03-12,,sourced,https://example.org/c\n"
    "PFP-MLT-1995,MLT,Malta,Partnership for Peace,PFP,1995-04-26,signature,1996-10-27,withdrawn,"
    "1996-10-27,,sourced,https://example.org/d\n"
    "PFP-MLT-2008,MLT,Malta,Partnership for Peace,PFP,2008-04-03,reactivation,,active,,,sourced,"
    "https://example.org/d\n"
    "PFP-RUS,RUS,Russia,Partnership for Peace,PFP,1994-06-22,signature,,suspended,2014-04-01,,"
    "sourced,https://example.org/e\n"
    'ICI-OMN,OMN,Oman,Istanbul Cooperation Initiative,ICI,,"invited 2004, not joined",,'
    "not_joined,,,sourced,https://example.org/f\n"
)
PROGRAMMES = (
    "id,country_iso3,country,programme,programme_code,milestone,kind,shape,start_date,end_date,"
    "notes,confidence,source,amount,amount_unit\n"
    "IPAP-GEO,GEO,Georgia,Individual Partnership Action Plan,IPAP,first IPAP agreed,reform,spell,"
    "2004-10-29,,,sourced,https://example.org/g,,\n"
    'MAP-GEO,GEO,Georgia,Membership Action Plan,MAP,"MAP requested, not granted",membership '
    "preparation,milestone,2008,,,sourced,https://example.org/h,,\n"
    "DEEP-GEO,GEO,Georgia,Defence Education Enhancement Programme,DEEP,DEEP programme,education,"
    "spell,,,Start year not found.,sourced,https://example.org/i,,\n"
)
OPERATIONS = (
    "id,operation,operation_code,kind,host_iso3,host_name,start_date,end_date,peak_personnel,"
    "personnel_note,legal_basis,notes,confidence,source\n"
    "KFOR-XKX,Kosovo Force (KFOR),KFOR,peace support,XKX,Kosovo,1999-06-12,,50000,at its height,"
    "UNSCR 1244,Ongoing.,sourced,https://example.org/j\n"
    "DENY_FLIGHT-BIH,Operation Deny Flight,DENY_FLIGHT,air (no-fly zone),BIH,Bosnia,1993-04-12,"
    ",,,UNSCR 816,End date not found.,sourced,https://example.org/k\n"
    "SEA_GUARDIAN-INTL,Operation Sea Guardian,SEA_GUARDIAN,maritime,,Mediterranean Sea,2016-11-09,"
    ",,,Warsaw Summit,Ongoing.,sourced,https://example.org/l\n"
)
GOOD = {
    "members": MEMBERS,
    "partnerships": PARTNERSHIPS,
    "programmes": PROGRAMMES,
    "operations": OPERATIONS,
}

Writer = Callable[[str, str], Path]


@pytest.fixture
def registry_dir(write_file: Writer) -> Path:
    """A small, valid registry folder; tests overwrite one file to break it."""
    for name, text in GOOD.items():
        path = write_file(f"registry/{name}.csv", text)
    return path.parent


def _replace(registry_dir: Path, table: str, old: str, new: str) -> Path:
    path = registry_dir / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_small_valid_registry_loads_and_answers(registry_dir: Path) -> None:
    registry = Registry.load(registry_dir)
    assert registry.members(2000) == ["BEL", "POL"]
    assert registry.partners(1995) == ["MLT", "POL", "RUS"]
    assert registry.partners(2000) == ["RUS"]
    assert registry.partners(2015) == ["MLT"]
    assert registry.version.version == "unversioned"


def test_read_table_keeps_verbatim_columns_and_spreadsheet_rows(registry_dir: Path) -> None:
    frame = read_table("partnerships", registry_dir)
    assert list(frame.columns) == [*SCHEMAS["partnerships"].columns, "_row"]
    assert frame["_row"].tolist() == [2, 3, 4, 5, 6]
    assert frame.loc[4, "basis"] == "invited 2004, not joined"


@pytest.mark.parametrize(
    ("table", "old", "new", "row", "column", "fix"),
    [
        ("partnerships", "1995-04-26", "1995-13-26", 3, "joined_date", "YYYY-MM"),
        ("partnerships", "1995-04-26", "26/04/1995", 3, "joined_date", "YYYY-MM"),
        ("members", "1999-03-12", "1999-02-30", 3, "accession_date", "YYYY-MM"),
        ("partnerships", "1996-10-27,withdrawn", "1993-10-27,withdrawn", 3, "left_date", "Swap"),
        ("programmes", "2004-10-29,", "2004-10-29,2003", 2, "end_date", "Swap"),
        ("members", "1999,,sourced", "1999,,maybe", 3, "confidence", "sourced, conflict"),
        ("members", "sourced,https://example.org/b", "sourced,", 3, "source", "Cite"),
        ("partnerships", "PFP-MLT-2008", "PFP-MLT-1995", 4, "id", "own id"),
        ("partnerships", "PFP-RUS", "pfp rus", 5, "id", "CODE-ISO3"),
        ("members", "MEM-POL,POL", "MEM-POL,Pol", 3, "iso3", "upper-case"),
        ("members", "MEM-POL,POL", "MEM-BEL,POL", 3, "id", "own id"),
        (
            "partnerships",
            "Partnership for Peace,PFP,1994-06",
            "PfP,PFP,1994-06",
            5,
            "framework",
            "Partnership for Peace",
        ),
        (
            "partnerships",
            "Partnership for Peace,PFP,1994-06",
            "Partnership for Peace,EAPC,1994-06",
            5,
            "framework_code",
            "'PFP'",
        ),
        ("partnerships", "suspended,2014-04-01", "suspended,", 5, "status_date", "Fill"),
        ("partnerships", "withdrawn", "left", 3, "status", "became_member"),
        ("programmes", "Action Plan,IPAP", "Action Plan,XYZ", 2, "programme_code", "IPAP"),
        ("programmes", "reform,spell", "reform,bar", 2, "shape", "milestone"),
        ("programmes", "example.org/g,,", "example.org/g,1 000,EUR", 2, "amount", "bare number"),
        ("programmes", "example.org/g,,", "example.org/g,700,", 2, "amount_unit", "both"),
        (
            "operations",
            "XKX,Kosovo,1999-06-12,,50000",
            'XKX,Kosovo,1999-06-12,,"50,000"',
            2,
            "peak_personnel",
            "integer",
        ),
        (
            "operations",
            "Operation Sea Guardian,SEA_GUARDIAN",
            "Operation Sea Guardian,Sea guardian",
            4,
            "operation_code",
            "upper-case",
        ),
        (
            "operations",
            "Kosovo Force (KFOR),KFOR,peace support",
            "Kosovo Force (KFOR),,peace support",
            2,
            "operation_code",
            "required",
        ),
    ],
)
def test_bad_cell_names_file_row_and_column(
    registry_dir: Path, table: str, old: str, new: str, row: int, column: str, fix: str
) -> None:
    path = _replace(registry_dir, table, old, new)
    with pytest.raises(RegistryError) as caught:
        read_table(table, registry_dir)
    message = str(caught.value)
    assert str(path) in message
    assert f"row {row}," in message
    assert f"column '{column}'" in message
    assert fix in message
    assert caught.value.details == {"file": str(path), "row": row, "column": column}


def test_a_second_accession_row_for_a_member_is_refused(registry_dir: Path) -> None:
    again = "MEM-POL-2000,POL,Poland,2000-01-01,accession,1999,,sourced,https://example.org/b\n"
    _replace(registry_dir, "members", "example.org/b\n", "example.org/b\n" + again)
    with pytest.raises(RegistryError, match=r"row 4, column 'iso3'.*accession on row 3"):
        read_table("members", registry_dir)


def test_one_operation_name_with_two_codes_is_refused(registry_dir: Path) -> None:
    extra = OPERATIONS.splitlines()[1].replace("KFOR-XKX", "KFOR-SRB").replace(",KFOR,", ",KF,")
    path = registry_dir / "operations.csv"
    path.write_text(OPERATIONS + extra + "\n", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"row 5, column 'operation_code'.*'KFOR' on row 2"):
        read_table("operations", registry_dir)


def test_missing_header_column_is_row_1(registry_dir: Path) -> None:
    _replace(registry_dir, "members", ",confidence,source\n", ",trust,source\n")
    with pytest.raises(RegistryError, match=r"members.csv, row 1, column 'confidence'"):
        read_table("members", registry_dir)


def test_unknown_header_column_is_refused(registry_dir: Path) -> None:
    _replace(registry_dir, "members", "confidence,source\n", "confidence,source,extra\n")
    _replace(registry_dir, "members", "example.org/a\n", "example.org/a,x\n")
    with pytest.raises(RegistryError, match=r"row 1, column 'extra'.*Remove it"):
        read_table("members", registry_dir)


def test_ragged_row_names_row(registry_dir: Path) -> None:
    _replace(registry_dir, "members", "1949 founders,,", "1949 founders,")
    with pytest.raises(RegistryError, match=r"members.csv, row 2: the row has 8 cells"):
        read_table("members", registry_dir)


def test_missing_and_empty_files_are_refused(registry_dir: Path) -> None:
    (registry_dir / "operations.csv").unlink()
    with pytest.raises(RegistryError, match=r"operations.csv: the file does not exist"):
        Registry.load(registry_dir)
    (registry_dir / "operations.csv").write_text("", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"operations.csv, row 1: the file is empty"):
        read_table("operations", registry_dir)
    (registry_dir / "operations.csv").write_text(OPERATIONS.splitlines()[0] + "\n", "utf-8")
    with pytest.raises(RegistryError, match=r"row 2: the file has a header but no rows"):
        read_table("operations", registry_dir)


def test_non_utf8_file_is_refused(registry_dir: Path) -> None:
    (registry_dir / "members.csv").write_bytes(
        MEMBERS.replace("Belgium", "Belgi\xeb").encode("latin-1")
    )
    with pytest.raises(RegistryError, match=r"members.csv: the file is not UTF-8"):
        read_table("members", registry_dir)


def test_unreadable_version_file_is_refused(registry_dir: Path) -> None:
    (registry_dir / "version.json").write_text("{}", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"version.json, column 'registry_version'"):
        read_version(registry_dir)
