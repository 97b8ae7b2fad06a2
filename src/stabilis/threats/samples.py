"""Generated event files in the official GDELT 2.0 export format, for tests and benchmarks.

No GDELT event rows are staged (SOURCES.md section 12), so the pipeline's tests and throughput
benchmark run on generated rows: headerless, tab-separated, one line per event, the 61 fields in
the order of ``gdelt_event_columns``, each written the way GDELT writes it (dates as
``YYYYMMDD`` integers, CAMEO codes as text with leading zeros, Goldstein with one decimal,
tone with up to 14, empty fields for missing values). The values are random and mean nothing;
only the format and the mix of codes (matched countries, CAMEO's ``ROM``, region codes, blanks)
are realistic. Generation is vectorised (NumPy + pyarrow) and written in chunks, so 10^7 rows
take well under a minute and little memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: Target codes drawn for Actor2CountryCode: members and partners (CAMEO's ``ROM`` among them),
#: other states, CAMEO regions that map to no country, and blanks (``""``).
DEFAULT_TARGET_CODES: tuple[str, ...] = (
    "USA", "GBR", "DEU", "FRA", "POL", "EST", "LVA", "LTU", "ROM", "BGR", "TUR", "NOR",
    "UKR", "GEO", "MDA", "SRB", "BIH", "AZE", "ARM", "ISR", "JOR", "MAR", "QAT", "JPN",
    "RUS", "CHN", "IRN", "SYR", "EUR", "AFR", "WST", "",
)  # fmt: skip
_ACTOR1_CODES = ("RUS", "CHN", "IRN", "USA", "UKR", "BLR", "TUR", "PRK", "", "")


def write_sample_events(
    path: Path,
    names: Sequence[str],
    rows: int,
    *,
    seed: int = 0,
    years: tuple[int, int] = (2016, 2024),
    target_codes: Sequence[str] = DEFAULT_TARGET_CODES,
    chunk: int = 1_000_000,
    missing_tone_share: float = 0.0,
) -> Path:
    """Write ``rows`` generated events to ``path`` (the 61 ``names`` in file order)."""
    import numpy as np
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    options = pacsv.WriteOptions(include_header=False, delimiter="\t", quoting_style="none")
    writer: pacsv.CSVWriter | None = None
    written = 0
    try:
        while written < rows:
            n = min(chunk, rows - written)
            table = _chunk(rng, names, n, written, years, target_codes, missing_tone_share)
            if writer is None:
                writer = pacsv.CSVWriter(str(path), table.schema, write_options=options)
            writer.write_table(table)
            written += n
        if writer is None:  # rows == 0: an empty file
            path.write_bytes(b"")
    finally:
        if writer is not None:
            writer.close()
    return path


def _chunk(
    rng: Any,
    names: Sequence[str],
    n: int,
    offset: int,
    years: tuple[int, int],
    target_codes: Sequence[str],
    missing_tone_share: float,
) -> Any:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    gen = rng
    first = np.datetime64(f"{years[0]}-01-01")
    span = int((np.datetime64(f"{years[1] + 1}-01-01") - first).astype(int))
    day = first + gen.integers(0, span, n).astype("timedelta64[D]")
    ymd = day.astype("datetime64[D]").astype(str)
    yyyy = np.char.replace(ymd, "-", "").astype(np.int64)
    year = yyyy // 10000
    month_year = yyyy // 100
    doy = (day - day.astype("datetime64[Y]")).astype(int)
    root = gen.choice(np.arange(1, 21), n, p=_root_weights())
    root_text = np.char.zfill(root.astype(str), 2)
    base = np.char.add(root_text, "0")
    quad = np.select([root <= 5, root <= 9, root <= 14], [1, 2, 3], 4)
    sign = np.where(quad >= 3, -1.0, 1.0)
    goldstein = np.round(sign * gen.uniform(0, 10, n), 1)
    mentions = gen.integers(1, 60, n)
    tone = pc.cast(
        pc.round(pa.array(gen.normal(-3.0, 3.0, n)), 14), pa.decimal128(17, 14), safe=False
    )
    if missing_tone_share:
        tone = pc.if_else(pa.array(gen.random(n) < missing_tone_share), pa.nulls(n), tone)
    actor1 = gen.choice(np.array(_ACTOR1_CODES), n)
    actor2 = gen.choice(np.array(list(target_codes)), n)
    ids = np.arange(offset, offset + n, dtype=np.int64) + 1_000_000_000
    hhmmss = gen.integers(0, 24, n) * 10000 + gen.integers(0, 60, n) * 100
    values: dict[str, object] = {
        "GLOBALEVENTID": ids,
        "SQLDATE": yyyy,
        "MonthYear": month_year,
        "Year": year,
        "FractionDate": np.round(year + doy / 365.0, 4),
        "Actor1Code": np.char.add(actor1, "GOV"),
        "Actor1Name": actor1,
        "Actor1CountryCode": actor1,
        "Actor1Type1Code": np.full(n, "GOV"),
        "Actor2Code": actor2,
        "Actor2Name": actor2,
        "Actor2CountryCode": actor2,
        "IsRootEvent": gen.integers(0, 2, n),
        "EventCode": base,
        "EventBaseCode": base,
        "EventRootCode": root_text,
        "QuadClass": quad,
        "GoldsteinScale": goldstein,
        "NumMentions": mentions,
        "NumSources": np.maximum(1, mentions // 3),
        "NumArticles": mentions,
        "AvgTone": tone,
        "Actor1Geo_Type": gen.integers(0, 5, n),
        "Actor2Geo_Type": gen.integers(0, 5, n),
        "ActionGeo_Type": gen.integers(1, 5, n),
        "ActionGeo_Lat": np.round(gen.uniform(-60, 70, n), 4),
        "ActionGeo_Long": np.round(gen.uniform(-180, 180, n), 4),
        "DATEADDED": yyyy * 1_000_000 + hhmmss,
        "SOURCEURL": np.char.add("https://news.example.org/a/", ids.astype(str)),
    }
    empty = pa.nulls(n, pa.string())
    arrays = [
        pa.array(values[name]) if name in values and not isinstance(values[name], pa.Array)
        else values.get(name, empty)
        for name in names
    ]  # fmt: skip
    return pa.table(arrays, names=list(names))


def _root_weights() -> Any:
    import numpy as np

    # Roughly GDELT's mix: most events are statements, consultations and cooperation.
    weights = np.array([20, 8, 9, 14, 5, 3, 3, 3, 2, 3, 6, 3, 3, 4, 2, 2, 5, 4, 4, 1], float)
    return weights / weights.sum()
