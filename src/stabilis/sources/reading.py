"""Reading producers' files strictly, with errors that name the file, row and column.

Parsers call these instead of ``pandas.read_csv`` so that every source fails the same way:

* an empty file, a file with only a header, a wrong delimiter, a truncated or ragged row, a
  renamed or missing column, a non-numeric or out-of-range value, duplicate keys — each raises
  :class:`~stabilis.errors.DataFileError` with the spreadsheet row number (header = row 1) and
  the column, and a hint of what to do.

Frames come back with every column as text (``object`` of ``str``/``None``) plus the ``_row``
column; parsers convert the columns they use with :func:`to_number`.

What several parsers do lives here once (so the build's step checksums cover it):
:func:`indicator_values` converts each indicator's column within its spec's range,
:func:`refuse_empty` refuses the first empty cell of a column, :func:`wide_by_key` turns a long
records frame into the one-row-per-country-year frame of an indicators table, and
:func:`read_state_year_counts` and :func:`democracy_data_codes` read two layouts that several
producers share.
"""

from __future__ import annotations

import csv
import difflib
import io
import zipfile
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stabilis.errors import DataFileError
from stabilis.sources.base import ROW, CountryKey, IndicatorSpec, ParsedTable

if TYPE_CHECKING:
    import pandas as pd

_DELIMITERS = (",", ";", "\t", "|")
_FIX_HINT = "Fetch the file again (stabilis pull) or restore the producer's original."
_CORRECT_HINT = "Correct the value or restore the producer's original file."

#: The largest source file a parser reads (bytes). The biggest file of the staged mirror is about
#: 15 MB (V-Dem lite); a file far beyond this is not a release Stabilis knows.
MAX_FILE_BYTES = 1 << 30
#: The longest single value (bytes) a text file may hold. The longest in the staged mirror is a
#: few kilobytes (EUvsDisinfo summaries); a 20 MB field would be stored and served to every client.
MAX_FIELD_BYTES = 1 << 20


def read_csv(
    path: Path,
    *,
    required: Iterable[str] = (),
    delimiter: str = ",",
    header: bool = True,
    names: Sequence[str] | None = None,
    na_values: Iterable[str] = ("",),
    member: str | None = None,
    display_name: str | None = None,
    final_newline: bool = True,
) -> pd.DataFrame:
    """Read a delimited text file (or a CSV inside a zip) with every value as text.

    A file that does not end with a line break is refused as cut short, unless
    ``final_newline`` is False (a producer whose files end without one: give its
    ``SourceFile`` the producer's ``sha256`` instead, so a cut copy is still refused).

    ``required`` columns must be present; a missing one raises with the columns that were found
    and the closest match. ``names`` gives column names to a file without a header row.
    ``member`` picks a CSV inside a zip archive by suffix (``path`` may then be a ``.zip``).
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pacsv

    label = display_name or str(path)
    raw = _read_bytes(path, member=member, label=label)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if not raw.strip():
        raise DataFileError(
            "the file is empty.",
            file=label,
            hint="Pull the source again; the download may have failed.",
        )
    check_text(raw, label, final_newline=final_newline)
    try:
        first_line = raw.split(b"\n", 1)[0].decode("utf-8").rstrip("\r")
    except UnicodeDecodeError as exc:
        raise DataFileError(
            "the header is not UTF-8 text.", file=label, row=1, hint=_FIX_HINT
        ) from exc
    if header:
        columns = next(csv.reader([first_line], delimiter=delimiter))
        columns = [c.strip() for c in columns]
        if len(columns) == 1 and required:
            _complain_about_delimiter(first_line, delimiter, label)
    else:
        if names is None:
            raise ValueError("names is required when header=False")
        columns = list(names)
    required = list(required)
    missing = [c for c in required if c not in columns]
    if missing:
        _complain_about_missing(missing, columns, label)
    seen: set[str] = set()
    for col in columns:
        if col in seen:
            raise DataFileError(
                "the header names this column twice.",
                file=label,
                row=1,
                column=col,
                hint="Rename one of the two columns.",
            )
        seen.add(col)

    bad_rows: list[Any] = []

    def on_bad_row(row: Any) -> str:
        bad_rows.append(row)
        return "skip"

    na = list(na_values)
    try:
        table = pacsv.read_csv(
            io.BytesIO(raw),
            read_options=pacsv.ReadOptions(
                use_threads=False,
                column_names=columns,
                skip_rows=1 if header else 0,
                block_size=1 << 24,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_bad_row
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in columns},
                null_values=na,
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid as exc:
        text = str(exc)
        if "UTF8" in text or "utf8" in text.lower():
            raise DataFileError(
                "the file is not UTF-8 text.", file=label, hint="Re-save it as UTF-8 CSV."
            ) from exc
        raise DataFileError(f"the file cannot be parsed as CSV ({text}).", file=label) from exc
    if bad_rows:
        first = bad_rows[0]
        row_number = first.number
        if first.actual_columns < first.expected_columns:
            problem = (
                f"the row has {first.actual_columns} values but the header has "
                f"{first.expected_columns} columns; the file looks truncated or a field holds an "
                "unquoted delimiter."
            )
        else:
            problem = (
                f"the row has {first.actual_columns} values but the header has "
                f"{first.expected_columns} columns; a value probably holds an unquoted "
                f"'{delimiter}'."
            )
        extra = f" ({len(bad_rows)} such rows in all.)" if len(bad_rows) > 1 else ""
        raise DataFileError(problem + extra, file=label, row=row_number, hint=_FIX_HINT)
    if table.num_rows == 0:
        raise DataFileError(
            "the file has a header but no data rows.",
            file=label,
            hint="Pull the source again; the download may have been cut short.",
        )
    first = 2 if header else 1
    _check_field_sizes(table, label, first)
    # Spreadsheet numbering: the header is row 1, the first data row is row 2. Rows whose
    # values hold newlines shift later numbers; the count stays right for ordinary files.
    frame = pd.DataFrame(
        {name: _text_values(table.column(name)) for name in table.column_names}, dtype=object
    )
    frame[ROW] = np.arange(first, first + table.num_rows)
    return frame


def read_xlsx(
    path: Path,
    *,
    sheet: str | int = 0,
    header_row: int = 1,
    required: Iterable[str] = (),
    display_name: str | None = None,
) -> pd.DataFrame:
    """Read one worksheet of an ``.xlsx`` workbook with every value as text.

    ``header_row`` is the worksheet row (1-based) that holds the column names; ``_row`` keeps the
    worksheet's own row numbers so errors point at the cell a user would open.
    """
    import pandas as pd

    label = display_name or str(path)
    try:
        import openpyxl

        check_size(Path(path).stat().st_size, label)
        # A handle, not the name: openpyxl refuses a workbook whose name does not end in .xlsx.
        book = openpyxl.load_workbook(
            io.BytesIO(Path(path).read_bytes()), read_only=True, data_only=True
        )
    except FileNotFoundError as exc:
        raise DataFileError("the file does not exist.", file=label) from exc
    except DataFileError:
        raise
    except Exception as exc:  # openpyxl raises several unrelated types for a bad workbook
        raise DataFileError(
            f"the file is not a readable .xlsx workbook ({exc}).", file=label, hint=_FIX_HINT
        ) from exc
    try:
        names = book.sheetnames
        if isinstance(sheet, int):
            if sheet >= len(names):
                raise DataFileError(f"the workbook has no sheet number {sheet + 1}.", file=label)
            worksheet = book[names[sheet]]
        elif sheet in names:
            worksheet = book[sheet]
        else:
            raise DataFileError(
                f"the workbook has no sheet '{sheet}'; its sheets are: {', '.join(names)}.",
                file=label,
            )
        rows = list(worksheet.iter_rows(min_row=header_row, values_only=True))
    finally:
        book.close()
    if not rows:
        raise DataFileError("the worksheet is empty.", file=label)
    columns = [str(c).strip() if c is not None else "" for c in rows[0]]
    while columns and columns[-1] == "":
        columns.pop()
    missing = [c for c in required if c not in columns]
    if missing:
        _complain_about_missing(missing, columns, label, header_row=header_row)
    body = [
        [_cell_text(v) for v in row[: len(columns)]] + [None] * (len(columns) - len(row))
        for row in rows[1:]
    ]
    numbers = list(range(header_row + 1, header_row + 1 + len(body)))
    for r, row_values in enumerate(body):
        for c, value in enumerate(row_values):
            if value is not None and len(value) > MAX_FIELD_BYTES:
                raise DataFileError(
                    f"a cell holds {len(value):,} characters; the most a field may hold is "
                    f"{MAX_FIELD_BYTES:,}.",
                    file=label,
                    row=numbers[r],
                    column=columns[c],
                    hint=_FIX_HINT,
                )
    keep = [i for i, r in enumerate(body) if any(v is not None for v in r)]
    if not keep:
        raise DataFileError("the worksheet has a header but no data rows.", file=label)
    frame = pd.DataFrame([body[i] for i in keep], columns=columns, dtype=object)
    frame[ROW] = [numbers[i] for i in keep]
    return frame


def to_number(
    frame: pd.DataFrame,
    column: str,
    *,
    file: str | Path,
    integer: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
    allowed: Iterable[float] = (),
    na_values: Iterable[str] = (),
) -> pd.Series:
    """Convert a text column to numbers, naming the first row that is not a number or is out of range.

    ``allowed`` lists special codes that are valid although outside the range (Polity's -66,
    -77, -88); ``na_values`` lists extra text that means missing (``"N/A"``).
    """
    import numpy as np
    import pandas as pd

    text = frame[column]
    missing_tokens = set(na_values)
    if missing_tokens:
        text = text.where(~text.isin(missing_tokens), None)
    values = pd.to_numeric(text, errors="coerce")
    bad = values.isna() & text.notna()
    refuse_first(
        frame,
        bad,
        lambda i: (
            f"'{text.iloc[i]}' is not a number ({int(bad.sum())} such values in this column)."
        ),
        file=file,
        column=column,
        hint=_CORRECT_HINT,
    )
    specials = set(allowed)
    ordinary = ~values.isin(specials) if specials else pd.Series(True, index=values.index)
    if integer:
        fractional = values.notna() & ordinary & (values != np.floor(values))
        refuse_first(
            frame,
            fractional,
            lambda i: f"'{text.iloc[i]}' should be a whole number.",
            file=file,
            column=column,
            hint=_CORRECT_HINT,
        )
    for bound, outside, word in (
        (minimum, values < (minimum if minimum is not None else 0), "below"),
        (maximum, values > (maximum if maximum is not None else 0), "above"),
    ):
        if bound is None:
            continue
        out = outside & ordinary & values.notna()

        def outside_range(i: int, word: str = word, out: pd.Series = out) -> str:
            return (
                f"{text.iloc[i]} is {word} the valid range "
                f"[{_fmt(minimum)}, {_fmt(maximum, upper=True)}] ({int(out.sum())} such values)."
            )

        refuse_first(
            frame,
            out,
            outside_range,
            file=file,
            column=column,
            hint="The file may be a different release or scale; check it against the producer's codebook.",
        )
    if integer:
        return values.astype("Int64")
    return values.astype("float64")


def indicator_values(
    raw: pd.DataFrame,
    specs: Iterable[IndicatorSpec],
    *,
    file: str | Path,
    sources: Mapping[str, str] | None = None,
    integer: bool | Collection[str] = False,
    allowed: Iterable[float] = (),
    na_values: Iterable[str] = (),
) -> dict[str, pd.Series]:
    """Each indicator's values, converted by :func:`to_number` within its spec's range.

    The result maps each spec's ``column`` to its values, in the order of ``specs`` (so the first
    bad column in that order is the one an error names). ``sources`` maps an indicator column to
    the producer's column where the two names differ; ``integer`` is True when every indicator
    is a whole number, or the indicator columns that are; ``allowed`` and ``na_values`` are
    passed to :func:`to_number` for every column.
    """
    sources = sources or {}
    allowed = tuple(allowed)
    na_values = tuple(na_values)
    return {
        spec.column: to_number(
            raw,
            sources.get(spec.column, spec.column),
            file=file,
            integer=integer if isinstance(integer, bool) else spec.column in integer,
            minimum=spec.minimum,
            maximum=spec.maximum,
            allowed=allowed,
            na_values=na_values,
        )
        for spec in specs
    }


def check_dates(
    frame: pd.DataFrame,
    column: str,
    *,
    file: str | Path,
    required: bool = False,
    shown: str | None = None,
    hint: str = "Restore the producer's dates; a spreadsheet may have reformatted them.",
) -> pd.Series:
    """Check that a text column holds ISO ``yyyy-mm-dd`` dates and return it unchanged.

    Any year is accepted (REIGN spells start in 1600, before pandas' datetime range). With
    ``required`` an empty cell is an error too.
    """
    import datetime as dt

    text = frame[column]
    valid: dict[str, bool] = {}
    for value in text.dropna().unique():
        try:
            dt.date.fromisoformat(str(value))
            valid[value] = len(str(value)) == 10
        except ValueError:
            valid[value] = False
    bad = text.map(lambda v: not valid[v] if v is not None and v == v else required)

    def problem(i: int) -> str:
        value = text.iloc[i]
        if value is None or value != value:
            return "the date is missing."
        return f"'{value}' is not an ISO date (yyyy-mm-dd)."

    refuse_first(frame, bad, problem, file=file, column=shown or column, hint=hint)
    return text


def is_xlsx(path: Path) -> bool:
    """True when ``path`` is an .xlsx workbook (a zip holding ``xl/workbook.xml``)."""
    try:
        if not zipfile.is_zipfile(path):
            return False
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except OSError:
        return False


def check_unique(frame: pd.DataFrame, keys: Sequence[str], *, file: str | Path) -> None:
    """Raise if two rows share the same key, naming both rows."""
    dup = frame.duplicated(subset=list(keys), keep=False)
    if not dup.any():
        return
    clash = frame.loc[dup, [*keys, ROW]] if ROW in frame else frame.loc[dup, list(keys)]
    first_key = tuple(clash.iloc[0][list(keys)])
    same = clash[(clash[list(keys)] == list(first_key)).all(axis=1)]
    rows = [int(r) for r in same[ROW]] if ROW in same else []
    described = ", ".join(f"{k}={v}" for k, v in zip(keys, first_key, strict=True))
    raise DataFileError(
        f"rows {' and '.join(map(str, rows[:2]))} have the same key ({described}); "
        f"{int(dup.sum())} rows in all share a key.",
        file=file,
        row=rows[0] if rows else None,
        column=", ".join(keys),
        hint="Remove the duplicate rows or restore the producer's original file.",
    )


def democracy_data_codes(
    raw: pd.DataFrame, frame: pd.DataFrame, *, file: str | Path, name_column: str
) -> dict[str, CountryKey]:
    """Add democracyData's harmonised state codes to ``frame`` (``GWn`` as ``gwcode``, ``cown``
    as ``cowcode``) and return the country keys to resolve by: G&W, then COW, then the name.
    """
    frame["gwcode"] = to_number(raw, "GWn", file=file, integer=True, minimum=1, maximum=999)
    frame["cowcode"] = to_number(raw, "cown", file=file, integer=True, minimum=1, maximum=999)
    return {"gwcode": "gwcode", "cowcode": "cowcode", name_column: "name"}


def read_state_year_counts(
    path: Path,
    *,
    key: tuple[str, CountryKey],
    first_year: int,
    indicators: tuple[IndicatorSpec, ...],
    description: str,
) -> ParsedTable:
    """Parse a file of whole-number indicators per state and year into an indicators table.

    The file has the state code column ``key[0]`` (of kind ``key[1]``, 1-999), ``year`` (from
    ``first_year`` to 2100) and one column per indicator, checked against its spec's range.
    """
    import pandas as pd

    code, kind = key
    raw = read_csv(path, required=(code, "year", *(spec.column for spec in indicators)))
    frame = pd.DataFrame({ROW: raw[ROW]})
    frame[code] = to_number(raw, code, file=path, integer=True, minimum=1, maximum=999)
    frame["year"] = to_number(
        raw, "year", file=path, integer=True, minimum=first_year, maximum=2100
    )
    frame = frame.assign(**indicator_values(raw, indicators, file=path, integer=True))
    check_unique(frame, [code, "year"], file=path)
    return ParsedTable(
        table="indicators",
        frame=frame,
        country_keys={code: kind},
        indicators=indicators,
        description=description,
    )


def wide_by_key(
    long: pd.DataFrame,
    *,
    index: Sequence[str],
    columns: str,
    order: Sequence[str],
    rows: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """A long records frame as one row per ``index`` key and one column per ``columns`` value.

    Each column holds the key's first ``value``; the columns are ``order`` (a value of
    ``columns`` that is not listed is left out, a listed one that never occurs is empty).
    ``_row`` is the smallest source row of the key in ``rows`` (by default ``long``), so the
    quality report points at the key's first line.
    """
    keys = list(index)
    wide = long.pivot_table(index=keys, columns=columns, values="value", aggfunc="first")
    wide = wide.reindex(columns=list(order))
    wide[ROW] = (long if rows is None else rows).groupby(keys)[ROW].min().reindex(wide.index)
    wide = wide.reset_index()
    wide.columns.name = None
    return wide


def split_outside_parentheses(text: str) -> list[str]:
    """Split a list of names at the commas outside parentheses, each part stripped.

    ``"Government of A (B, C), Government of D"`` gives two parts; an empty part stays ``""``.
    """
    parts: list[str] = []
    depth = 0
    current = ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts]


def _read_bytes(path: Path, *, member: str | None, label: str) -> bytes:
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                names = [n for n in archive.namelist() if not n.endswith("/")]
                wanted = member or ".csv"
                candidates = [n for n in names if n.lower().endswith(wanted.lower())]
                if len(candidates) != 1:
                    raise DataFileError(
                        f"the zip archive should hold exactly one file ending in '{wanted}', "
                        f"but holds: {', '.join(names) or 'nothing'}.",
                        file=label,
                    )
                check_size(archive.getinfo(candidates[0]).file_size, label)
                return archive.read(candidates[0])
        check_size(Path(path).stat().st_size, label)
        return Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise DataFileError(
            "the file does not exist.", file=label, hint="Run 'stabilis pull' first."
        ) from exc
    except zipfile.BadZipFile as exc:
        raise DataFileError("the zip archive is damaged.", file=label, hint=_FIX_HINT) from exc
    except IsADirectoryError as exc:
        raise DataFileError("a folder stands where the file should be.", file=label) from exc
    except PermissionError as exc:
        raise DataFileError(
            "the file cannot be read (permission denied).",
            file=label,
            hint="Give the user running Stabilis read access to it.",
        ) from exc
    except OSError as exc:
        raise DataFileError(
            f"the file cannot be read ({exc.strerror or exc}).", file=label, hint=_FIX_HINT
        ) from exc


def check_size(size: int, label: str, limit: int | None = None) -> None:
    """Refuse a file larger than :data:`MAX_FILE_BYTES` before reading it."""
    limit = MAX_FILE_BYTES if limit is None else limit
    if size > limit:
        raise DataFileError(
            f"the file is {size:,} bytes; the most Stabilis reads is {limit:,} bytes.",
            file=label,
            hint="Check that this is the producer's file and not another download.",
        )


def check_text(raw: bytes, label: str, *, final_newline: bool = True) -> None:
    """Refuse binary content and a text file cut short (one that does not end with a line break).

    Every producer's text file ends with a line break; a file that ends inside its last row was
    cut while it was copied or downloaded, and parsing it would publish fewer rows or a
    truncated last value.
    """
    if b"\x00" in raw[: 1 << 16]:
        raise DataFileError(
            "the file is binary, not delimited text.",
            file=label,
            hint="Another file stands in the source's place: " + _FIX_HINT,
        )
    if final_newline and not raw.endswith((b"\n", b"\r")):
        rows = raw.count(b"\n") + 1
        raise DataFileError(
            "the file does not end with a line break: it was cut inside its last row "
            "(truncated download or copy).",
            file=label,
            row=rows,
            hint=_FIX_HINT,
        )


def _check_field_sizes(table: Any, label: str, first_row: int) -> None:
    """Refuse a value longer than :data:`MAX_FIELD_BYTES` (named by row and column)."""
    import pyarrow.compute as pc

    for name in table.column_names:
        column = table.column(name)
        lengths = pc.binary_length(column)
        longest = pc.max(lengths).as_py()
        if longest is not None and longest > MAX_FIELD_BYTES:
            index = pc.index(pc.greater(lengths, MAX_FIELD_BYTES), True).as_py()
            raise DataFileError(
                f"a value is {longest:,} bytes long; the most a field may hold is "
                f"{MAX_FIELD_BYTES:,} bytes.",
                file=label,
                row=first_row + int(index),
                column=name,
                hint="The file is damaged or not the producer's: " + _FIX_HINT,
            )


def _complain_about_delimiter(first_line: str, delimiter: str, label: str) -> None:
    counts = {d: first_line.count(d) for d in _DELIMITERS if d != delimiter}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] > 0:
        shown = {"\t": "tab", ";": "';'", "|": "'|'", ",": "','"}[best]
        raise DataFileError(
            f"the header has a single column; the file seems to be separated by {shown} "
            f"rather than '{delimiter}'.",
            file=label,
            row=1,
            hint="Re-save the file with the producer's delimiter (a spreadsheet program may have changed it).",
        )


def _complain_about_missing(
    missing: list[str], columns: list[str], label: str, header_row: int = 1
) -> None:
    column = missing[0]
    close = difflib.get_close_matches(column, columns, n=1, cutoff=0.6)
    hint = f"Did the producer rename '{close[0]}'? " if close else ""
    shown = ", ".join(columns[:12]) + (", ..." if len(columns) > 12 else "")
    raise DataFileError(
        f"the required column is missing ({len(missing)} missing in all: {', '.join(missing)}). "
        f"Columns found: {shown}.",
        file=label,
        row=header_row,
        column=column,
        hint=hint + "Check that this is the release Stabilis expects (stabilis sources list).",
    )


def _text_values(column: Any) -> Any:
    """A pyarrow text column as an object array of str, with None for missing."""
    values = column.to_numpy(zero_copy_only=False).astype(object)
    values[column.is_null().to_numpy(zero_copy_only=False)] = None
    return values


def _row_of(frame: pd.DataFrame, i: int) -> int:
    if ROW in frame.columns:
        return int(frame[ROW].iloc[i])
    return i + 2


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _fmt(value: float | None, *, upper: bool = False) -> str:
    if value is None:
        return "inf" if upper else "-inf"
    return f"{value:g}"


def check_allowed(
    frame: pd.DataFrame,
    column: str,
    allowed: Iterable[str | None],
    *,
    file: str | Path,
    hint: str = "The file may be a different release; check it against the producer's codebook.",
) -> pd.Series:
    """Raise on the first value of a text column outside ``allowed`` (None = empty cell)."""
    known = set(allowed)
    text = frame[column]
    bad = ~text.map(lambda v: (None if v is None or v != v else v) in known).astype(bool)
    shown = ", ".join(sorted(repr(v) for v in known if v is not None))

    def problem(i: int) -> str:
        value = text.iloc[i]
        if value is None or value != value:
            return f"the cell is empty; expected one of {shown}."
        return f"'{value}' is not one of the expected values ({shown})."

    refuse_first(frame, bad, problem, file=file, column=column, hint=hint)
    return text


def refuse_empty(
    frame: pd.DataFrame,
    column: str,
    problem: str,
    *,
    file: str | Path,
    hint: str = "",
) -> None:
    """Raise :class:`DataFileError` at the first row whose ``column`` is empty (missing)."""
    refuse_first(frame, frame[column].isna(), problem, file=file, column=column, hint=hint)


def refuse_first(
    frame: pd.DataFrame,
    bad: Any,
    problem: str | Callable[[int], str],
    *,
    file: str | Path,
    column: str,
    hint: str = "",
) -> None:
    """Raise :class:`DataFileError` at the first row of ``frame`` where ``bad`` is true.

    ``bad`` is a boolean mask over ``frame``'s rows (a Series or an array; a missing value
    counts as false). ``problem`` is the sentence to show, or a function of that row's position
    in ``frame`` that writes it (to quote the row's values); the error names the row by
    ``frame``'s ``_row`` column.
    """
    import numpy as np
    import pandas as pd

    mask = pd.array(bad, dtype="boolean").fillna(False).to_numpy(dtype=bool)
    if not mask.any():
        return
    i = int(np.flatnonzero(mask)[0])
    raise DataFileError(
        problem(i) if callable(problem) else problem,
        file=file,
        row=_row_of(frame, i),
        column=column,
        hint=hint,
    )
