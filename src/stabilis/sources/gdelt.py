"""GDELT 2.0 (Global Database of Events, Language and Tone) reference files and a mentions sample.

Three staged files (SOURCES.md section 12), none of them event rows:

* ``mentions``: 1,635 real GDELT 2.0 Mentions rows from the single 15-minute slice 2017-07-01
  23:45 UTC (repo ``linwoodc3/gdeltPyR``, ``data/mentionssamp.csv``, commit 8762db7f), good for
  parser tests only -> records ``gdelt_mentions`` with typed columns: ids and offsets as
  integers, ``eventtimedate``/``mentiontimedate`` parsed from ``YYYYMMDDHHMMSS`` (UTC),
  ``confidence`` 0-100 (percent), ``mentiondoctone`` as a float.
* ``event_columns``: the official field list of the headerless Events ``*.export.CSV`` files
  (same repo, ``utils/schema_csvs/...Sep2016.csv``) -> records ``gdelt_event_columns``
  (``position`` 1-61, ``name``, ``type``, ``description``). :func:`event_column_names` turns it
  into the names :func:`parse_events` needs.
* ``cameo``: the CAMEO event codebook, **headerless** ``code,label`` (repo
  ``tenthe/CAMEO-Event-Data-Codebook``, commit 7fa67ffc; 37 labels hold unquoted commas, so
  each line is split at its first comma) -> records ``cameo_codes``. Codes are
  kept as text with their leading zeros ("01", "010", "0211"); ``root`` is the two-digit root
  code and ``quad_class`` GDELT's quad class of that root (1 verbal cooperation 01-05,
  2 material cooperation 06-09, 3 verbal conflict 10-14, 4 material conflict 15-20).

:func:`parse_events` reads an official GDELT Events export (tab-separated, no header):
GDELT 2.0's 61 fields, or GDELT 1.0's 58 (daily files) and 57 (the historical backfile, without
``SOURCEURL``; one 1.0 file may hold both widths). 1.0 has the fields of 2.0 except the three
``*Geo_ADM2Code`` fields; :func:`event_format` tells the versions apart by the number of fields
on every line, and :func:`normalise_events` writes a 1.0 file in 2.0's 61-field layout (empty
ADM2 codes, empty ``SOURCEURL`` on backfile lines), so one read schema and one SQL text serve
both. :func:`parse_mentions_export` reads a headerless GDELT 2.0 Mentions file (16 fields).
The staged real files are in ``gdelt_samples/`` (SOURCES.md section 20).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stabilis.errors import DataFileError
from stabilis.sources.base import ROW, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import check_unique, read_csv, refuse_empty, refuse_first, to_number

if TYPE_CHECKING:
    import pandas as pd

SPEC = SourceSpec(
    name="gdelt",
    title="GDELT 2.0 event schema, CAMEO codes and a Mentions sample",
    producer="The GDELT Project",
    release="GDELT 2.0 (Events schema of Sep 2016; Mentions slice of 2017-07-01 23:45 UTC)",
    licence="Unlimited use and redistribution with citation and a link to gdeltproject.org",
    citation=(
        "Leetaru, K. & Schrodt, P. A. (2013). GDELT: Global Data on Events, Location and Tone, "
        "1979-2012. ISA Annual Convention. CAMEO: Schrodt, P. A. (2012), CAMEO Conflict and "
        "Mediation Event Observations Event and Actor Codebook."
    ),
    homepage="https://www.gdeltproject.org/",
    files=(
        SourceFile(
            key="mentions",
            mirror_path="gdelt/gdelt2_mentions_sample.csv",
            url="http://data.gdeltproject.org/gdeltv2/20170701234500.mentions.CSV.zip",
            description=(
                "1,635 Mentions rows of one 15-minute slice (staged: repo linwoodc3/gdeltPyR "
                "data/mentionssamp.csv, commit 8762db7f, with a header row)."
            ),
        ),
        SourceFile(
            key="event_columns",
            mirror_path="gdelt/gdelt2_events_column_labels.csv",
            url="http://data.gdeltproject.org/documentation/GDELT-Event_Codebook-V2.0.pdf",
            description=(
                "The 61 fields of the Events export, in order (staged: gdeltPyR "
                "utils/schema_csvs/GDELT_2.0_Events_Column_Labels_Header_Row_Sep2016.csv)."
            ),
        ),
        SourceFile(
            key="cameo",
            mirror_path="gdelt/cameo_event_codes.csv",
            url="http://data.gdeltproject.org/documentation/CAMEO.Manual.1.1b3.pdf",
            description=(
                "CAMEO event codes and labels, headerless (staged: repo "
                "tenthe/CAMEO-Event-Data-Codebook cameo.csv, commit 7fa67ffc)."
            ),
        ),
    ),
    caveats=(
        "There are no staged Events rows; the Mentions sample is one 15-minute slice, for "
        "parser tests only."
    ),
)

_MENTION_INTEGERS: dict[str, tuple[int | None, int | None]] = {
    "globaleventid": (1, None),
    "mentiontype": (1, 6),
    "sentenceid": (0, None),
    "actor1charoffset": (-1, None),
    "actor2charoffset": (-1, None),
    "actioncharoffset": (-1, None),
    "inrawtext": (0, 1),
    "confidence": (0, 100),
    "mentiondoclen": (0, None),
}
_MENTION_TEXT = ("mentionsourcename", "mentionidentifier", "mentiondoctranslationinfo", "extras")

#: Events fields that are whole numbers / decimals in the official schema; the rest are text.
EVENT_INTEGERS = (
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "IsRootEvent",
    "QuadClass",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "Actor1Geo_Type",
    "Actor2Geo_Type",
    "ActionGeo_Type",
    "DATEADDED",
)
EVENT_FLOATS = (
    "FractionDate",
    "GoldsteinScale",
    "AvgTone",
    "Actor1Geo_Lat",
    "Actor1Geo_Long",
    "Actor2Geo_Lat",
    "Actor2Geo_Long",
    "ActionGeo_Lat",
    "ActionGeo_Long",
)
_EVENT_RANGES: dict[str, tuple[float, float]] = {
    "QuadClass": (1, 4),
    "GoldsteinScale": (-10, 10),
    "IsRootEvent": (0, 1),
    "AvgTone": (-100, 100),
}
_COLUMN_TYPES = ("INTEGER", "FLOAT", "STRING")


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse one GDELT file: ``mentions``, ``event_columns`` or ``cameo``."""
    SPEC.file(file_key)
    parsers = {
        "mentions": _parse_mentions,
        "event_columns": _parse_event_columns,
        "cameo": _parse_cameo,
    }
    return [parsers[file_key](path)]


def event_column_names(frame: pd.DataFrame) -> list[str]:
    """The Events field names in file order, from a ``gdelt_event_columns`` frame."""
    return [str(name) for name in frame.sort_values("position")["name"]]


#: Fields GDELT 2.0 added to the 1.0 layout.
V1_MISSING = ("Actor1Geo_ADM2Code", "Actor2Geo_ADM2Code", "ActionGeo_ADM2Code")
#: Field counts per line: GDELT 1.0 backfile, 1.0 daily, 2.0.
V1_WIDTHS = (57, 58)
V2_WIDTH = 61


def event_format(path: Path) -> str:
    """``"1.0"`` or ``"2.0"`` from the number of tab-separated fields on every line.

    A 1.0 file may mix 57 and 58 fields; any other width, or 1.0 and 2.0 lines in one file,
    raises naming the first line at fault. A file whose first line has 61 fields is 2.0 and is
    not scanned further here: both engines read it with a fixed 61-field schema and refuse a
    line of another width themselves, so a large 2.0 file is read once, by the engine.
    """
    seen: set[str] = set()
    with _open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            fields = line.rstrip("\r\n").split("\t")
            width = len(fields)
            kind = "2.0" if width == V2_WIDTH else "1.0" if width in V1_WIDTHS else None
            if kind == "1.0" and not (len(fields[56]) == 8 and fields[56].isdigit()):
                raise DataFileError(
                    f"the line has {width} fields but its 57th is '{fields[56]}', not a 1.0 "
                    "DATEADDED (YYYYMMDD): it looks like a truncated GDELT 2.0 line.",
                    file=path,
                    row=number,
                    hint="Give an unzipped, unmodified GDELT *.export.CSV file.",
                )
            if kind is None or (seen and kind not in seen):
                raise DataFileError(
                    f"the line has {width} tab-separated fields; a GDELT Events export has 61 "
                    "(2.0) or 57/58 (1.0) on every line.",
                    file=path,
                    row=number,
                    hint="Give an unzipped, unmodified GDELT *.export.CSV file.",
                )
            seen.add(kind)
            if kind == "2.0":
                break
    if not seen:
        raise DataFileError("the file is empty.", file=path)
    return seen.pop()


def v1_names(names: Sequence[str]) -> list[str]:
    """The 58 GDELT 1.0 field names, from the 61 of 2.0."""
    return [n for n in names if n not in V1_MISSING]


def normalise_events(path: Path, names: Sequence[str], out: Path) -> Path:
    """Write the 1.0 file ``path`` in 2.0's 61-field layout to ``out`` (see the module doc)."""
    names = list(names)
    old = v1_names(names)
    index = {name: i for i, name in enumerate(old)}
    order = [index.get(name) for name in names]
    with _open_text(path) as src, out.open("w", encoding="utf-8", newline="") as dst:
        for line in src:
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            values = text.split("\t")
            if len(values) == V1_WIDTHS[0]:
                values.append("")  # the backfile has no SOURCEURL
            dst.write("\t".join("" if i is None else values[i] for i in order) + "\n")
    return out


def _open_text(path: Path) -> Any:
    import io
    import zipfile

    if zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        member = next(n for n in archive.namelist() if n.upper().endswith(".CSV"))
        return io.TextIOWrapper(archive.open(member), encoding="utf-8", newline="")
    return path.open(encoding="utf-8", newline="")


def parse_events(path: Path, names: Sequence[str]) -> pd.DataFrame:
    """Read an official GDELT Events export (``*.export.CSV``, or its ``.zip``), 2.0 or 1.0.

    The file is tab-separated with no header; ``names`` are the 61 GDELT 2.0 field names in
    order (see :func:`event_column_names`). A 1.0 file is read in the 2.0 layout (empty ADM2
    codes; empty ``SOURCEURL`` on 57-field backfile lines) and ``gdelt_version`` says which it
    was. Numeric fields of the official schema are typed (integers as ``Int64``);
    ``EventCode``, ``EventBaseCode`` and ``EventRootCode`` stay text so CAMEO's leading zeros
    survive ("010"). ``_row`` numbers the file's lines from 1.
    """
    import tempfile

    names = list(names)
    missing = [n for n in ("GLOBALEVENTID", "EventCode", "EventRootCode") if n not in names]
    if missing:
        raise ValueError(f"names lacks the Events fields {missing}; pass all 61 field names")
    version = event_format(path)
    if version == "1.0":
        with tempfile.TemporaryDirectory() as folder:
            wide = normalise_events(path, names, Path(folder) / path.name)
            frame = parse_events(wide, names)
        return frame.assign(gdelt_version="1.0")
    raw = read_csv(
        path, delimiter="\t", header=False, names=names, member=".CSV", display_name=str(path)
    )
    frame = raw.copy()
    for column in EVENT_INTEGERS:
        if column in names:
            low, high = _EVENT_RANGES.get(column, (None, None))
            frame[column] = to_number(
                raw, column, file=path, integer=True, minimum=low, maximum=high
            )
    for column in EVENT_FLOATS:
        if column in names:
            low, high = _EVENT_RANGES.get(column, (None, None))
            frame[column] = to_number(raw, column, file=path, minimum=low, maximum=high)
    return frame.assign(gdelt_version="2.0")


#: The 16 fields of a GDELT 2.0 Mentions file, in order (the staged sample's header).
MENTION_FIELDS = (
    "globaleventid", "eventtimedate", "mentiontimedate", "mentiontype", "mentionsourcename",
    "mentionidentifier", "sentenceid", "actor1charoffset", "actor2charoffset",
    "actioncharoffset", "inrawtext", "confidence", "mentiondoclen", "mentiondoctone",
    "mentiondoctranslationinfo", "extras",
)  # fmt: skip


def parse_mentions_export(path: Path) -> pd.DataFrame:
    """Read a raw, headerless GDELT 2.0 ``*.mentions.CSV`` file with typed columns."""
    return _parse_mentions(path, header=False).frame


def _parse_mentions(path: Path, *, header: bool = True) -> ParsedTable:
    import pandas as pd

    raw = read_csv(
        path,
        delimiter="," if header else "\t",
        header=header,
        names=None if header else MENTION_FIELDS,
        required=(
            *_MENTION_INTEGERS,
            "eventtimedate",
            "mentiontimedate",
            "mentiondoctone",
            *_MENTION_TEXT,
        ),
    )
    frame = pd.DataFrame({ROW: raw[ROW]})
    for column, (low, high) in _MENTION_INTEGERS.items():
        frame[column] = to_number(raw, column, file=path, integer=True, minimum=low, maximum=high)
    for column in ("eventtimedate", "mentiontimedate"):
        frame[column] = _timestamps(raw, column, path)
    frame["mentiondoctone"] = to_number(raw, "mentiondoctone", file=path, minimum=-100, maximum=100)
    for column in _MENTION_TEXT:
        frame[column] = raw[column]
    ordered = [
        "globaleventid",
        "eventtimedate",
        "mentiontimedate",
        *list(_MENTION_INTEGERS)[1:],
        "mentiondoctone",
        *_MENTION_TEXT,
        ROW,
    ]
    return ParsedTable(
        table="gdelt_mentions",
        frame=frame[ordered],
        year_column=None,
        description="GDELT 2.0 Mentions rows (one 15-minute sample slice).",
    )


def _parse_event_columns(path: Path) -> ParsedTable:
    import pandas as pd

    raw = read_csv(path, required=("tableId", "dataType", "Description"))
    frame = pd.DataFrame(
        {
            "position": range(1, len(raw) + 1),
            "name": raw["tableId"],
            "type": raw["dataType"],
            "description": raw["Description"],
            ROW: raw[ROW],
        }
    )
    for column, source in (("name", "tableId"), ("type", "dataType")):
        bad = frame[column].isna() | (
            ~frame[column].isin(_COLUMN_TYPES) if column == "type" else False
        )

        def invalid(i: int, column: str = column) -> str:
            return (
                f"'{frame[column].iloc[i]}' is not a valid field {column} "
                f"(types are {', '.join(_COLUMN_TYPES)})."
            )

        refuse_first(
            frame,
            bad,
            invalid,
            file=path,
            column=source,
            hint="Restore GDELT's published field list.",
        )
    check_unique(frame, ["name"], file=path)
    if len(frame) != 61:
        raise DataFileError(
            f"the GDELT 2.0 Events export has 61 fields but this list has {len(frame)}.",
            file=path,
            hint="Restore GDELT's published field list (Sep 2016).",
        )
    return ParsedTable(
        table="gdelt_event_columns",
        frame=frame,
        year_column=None,
        description="The 61 fields of a GDELT 2.0 Events export, in file order.",
    )


def _parse_cameo(path: Path) -> ParsedTable:
    import numpy as np

    # Labels hold unquoted commas ("Appeal for change in institutions, regime"), so each line is
    # read whole (no tab occurs in the file) and split at its first comma.
    lines = read_csv(path, delimiter="\t", header=False, names=("line",))
    parts = lines["line"].fillna("").str.split(",", n=1)
    raw = lines.assign(code=parts.str[0], label=parts.str[1])
    code = raw["code"].fillna("").str.strip()
    valid = code.str.fullmatch(r"\d{2,4}")
    root = code.str.slice(0, 2)
    root_number = root.where(valid, "0").astype("int64")
    valid &= (root_number >= 1) & (root_number <= 20)
    refuse_first(
        raw,
        ~valid,
        lambda i: f"'{code.iloc[i]}' is not a CAMEO event code (2-4 digits, root 01-20).",
        file=path,
        column="code",
        hint="Keep codes as text with leading zeros; a spreadsheet may have dropped them.",
    )
    refuse_empty(
        raw,
        "label",
        "the line has a code but no ',label' after it.",
        file=path,
        hint="Restore the CAMEO codebook file.",
    )
    frame = raw.assign(code=code, label=raw["label"].str.strip(), root=root)
    frame["level"] = code.str.len().astype("int64")
    frame["quad_class"] = np.select(
        [root_number <= 5, root_number <= 9, root_number <= 14], [1, 2, 3], default=4
    )
    check_unique(frame, ["code"], file=path)
    return ParsedTable(
        table="cameo_codes",
        frame=frame[["code", "label", "root", "level", "quad_class", ROW]],
        year_column=None,
        description="CAMEO event codes as text (leading zeros kept) with root and quad class.",
    )


def _timestamps(raw: pd.DataFrame, column: str, path: Path) -> pd.Series:
    import pandas as pd

    parsed = pd.to_datetime(raw[column], format="%Y%m%d%H%M%S", errors="coerce")
    bad = parsed.isna().to_numpy()
    refuse_first(
        raw,
        bad,
        lambda i: f"'{raw[column].iloc[i]}' is not a GDELT timestamp (YYYYMMDDHHMMSS).",
        file=path,
        column=column,
        hint="Restore GDELT's original file.",
    )
    return parsed.dt.tz_localize("UTC")
