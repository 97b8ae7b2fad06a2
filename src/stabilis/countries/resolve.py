"""Resolving source rows to ISO3: :class:`CountryResolver`.

A parsed table declares its country key columns (``{column: kind}``), tried in order. For each
row the first key whose value the resolver *recognises* decides:

* a code (``iso3``, ``gwcode``, ``cowcode``, ``vdem_id``, ``wb``, ``iso3n``) is looked up in, by
  precedence, the explained non-matches, the code rules (year-aware: a rule with
  ``from_year``/``to_year`` applies only to those years when the year is known), the canonical
  table and the code list. Entries of a higher precedence hide all lower ones for that code;
* a name goes through the aliases, the explained names, the names of the canonical table and
  the code list (normalised, see :mod:`stabilis.countries.names`), and last countrycode's
  regular expressions. Results are cached per distinct name.

A recognised value either gives an ISO3 or an *explained* non-match (``reason`` starts with
``"explained: "``); an unknown value, or a code outside its rule's years, lets the next key
try, and when none decides the row keeps ``iso3 = None`` with the first failure as ``reason``.
Nothing is dropped: the output is aligned with the input frame.

Everything is vectorised over distinct ``(value, year)`` pairs with pandas merges; only distinct
names are looked at one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stabilis.countries.concordance import KINDS, NUMERIC_KINDS, Concordance, load_concordance
from stabilis.countries.names import RegexMatcher, normalise_name
from stabilis.countries.table import build_country_table

if TYPE_CHECKING:
    import pandas as pd

EXPLAINED = "explained: "
_CODE_KINDS = tuple(k for k in KINDS if k != "name")
_NAME_COLUMNS = (
    "country_name_en",
    "cow_name",
    "iso_name_en",
    "un_name_en",
    "p4_name",
    "vdem_name",
)


@dataclass(frozen=True)
class _NameResult:
    iso3: str | None
    reason: str | None
    decided: bool


@dataclass
class CountryResolver:
    """Maps country names and codes to ISO3, explaining every non-match.

    Build it with :meth:`from_reference`; ``table`` is the canonical country table.
    """

    table: pd.DataFrame
    codes: pd.DataFrame
    """Lookup of codes: kind, key, iso3, reason, from_year, to_year, rank (lower wins)."""
    names: dict[str, tuple[str | None, str | None]]
    """Normalised name -> (iso3, explained reason)."""
    regex: RegexMatcher
    _name_cache: dict[str, _NameResult] = field(default_factory=dict, repr=False)

    @classmethod
    def from_reference(
        cls,
        codes_frame: pd.DataFrame,
        world_frame: pd.DataFrame,
        concordance: Concordance | None = None,
    ) -> CountryResolver:
        """Build from the parsed ``country_codes`` and ``world_countries`` frames."""
        concordance = concordance or load_concordance()
        table = build_country_table(codes_frame, world_frame, concordance)
        codes = _code_lookup(table, codes_frame, concordance)
        resolver = cls(table=table, codes=codes, names={}, regex=RegexMatcher(()))
        resolver.names, resolver.regex = resolver._name_lookup(
            codes_frame, world_frame, concordance
        )
        return resolver

    # -- public API -------------------------------------------------------------------------

    def resolve_frame(
        self, frame: pd.DataFrame, keys: dict[str, str], year_column: str | None = None
    ) -> pd.DataFrame:
        """``iso3``, ``matched_by`` and ``reason`` for every row of ``frame`` (same index)."""
        import numpy as np
        import pandas as pd

        for kind in keys.values():
            if kind not in KINDS:
                raise ValueError(f"unknown country key kind {kind!r}; use one of {KINDS}")
        n = len(frame)
        iso3 = np.full(n, None, dtype=object)
        matched_by = np.full(n, None, dtype=object)
        reason = np.full(n, None, dtype=object)
        decided = np.zeros(n, dtype=bool)
        if year_column is not None:
            years = pd.to_numeric(frame[year_column], errors="coerce").astype("Int64")
        else:
            years = pd.Series(pd.array([None] * n, dtype="Int64"), index=frame.index)
        for column, kind in keys.items():
            if decided.all():
                break
            values = frame[column]
            if kind == "name":
                step = self._resolve_names(values)
            else:
                step = self._resolve_codes(kind, values, years)
            found = ~decided & step["decided"].to_numpy()
            iso3[found] = step["iso3"].to_numpy()[found]
            reason[found] = step["reason"].to_numpy()[found]
            matched_by[found & pd.notna(iso3)] = kind
            failed = ~decided & ~found & step["reason"].notna().to_numpy() & pd.isna(reason)
            reason[failed] = step["reason"].to_numpy()[failed]
            decided |= found
        empty = ~decided & pd.isna(reason)
        if empty.any():
            reason[empty] = f"no country key: {', '.join(keys) or 'none declared'} empty"
        iso3[pd.isna(iso3)] = None
        reason[pd.isna(reason)] = None
        return pd.DataFrame(
            {"iso3": iso3, "matched_by": matched_by, "reason": reason},
            index=frame.index,
            dtype=object,
        )

    def resolve_one(self, kind: str, value: Any, year: int | None = None) -> str | None:
        """The ISO3 of one name or code (e.g. ``("name", "North Macedonia")``), or None."""
        return self.explain_one(kind, value, year)[0]

    def explain_one(
        self, kind: str, value: Any, year: int | None = None
    ) -> tuple[str | None, str | None]:
        """``(iso3, reason)`` of one name or code; ``reason`` says why there is no ISO3."""
        import pandas as pd

        frame = pd.DataFrame({"value": [value], "year": [year]}, dtype=object)
        out = self.resolve_frame(frame, {"value": kind}, "year")
        iso3 = out["iso3"].iloc[0]
        reason = out["reason"].iloc[0]
        return (None if pd.isna(iso3) else str(iso3), None if pd.isna(reason) else str(reason))

    # -- codes ------------------------------------------------------------------------------

    def _resolve_codes(self, kind: str, values: pd.Series, years: pd.Series) -> pd.DataFrame:
        import pandas as pd

        keys, bad = _code_keys(kind, values)
        pairs = pd.DataFrame({"key": keys.to_numpy(), "year": years.to_numpy()})
        distinct = pairs.dropna(subset=["key"]).drop_duplicates()
        lookup = self.codes[self.codes["kind"] == kind]
        merged = distinct.merge(lookup, on="key", how="inner")
        year = merged["year"]
        in_range = (year.isna() | merged["from_year"].isna() | (year >= merged["from_year"])) & (
            year.isna() | merged["to_year"].isna() | (year <= merged["to_year"])
        )
        in_range = in_range.fillna(False).astype(bool)
        hits = merged[in_range].sort_values(["rank", "order"], kind="stable")
        targets = hits["iso3"].fillna(EXPLAINED + hits["reason"].fillna(""))
        spread = targets.groupby([hits["key"], hits["year"]], dropna=False).transform("nunique")
        ambiguous = hits[(spread > 1) & hits["year"].isna()]
        hits = hits[~((spread > 1) & hits["year"].isna())].drop_duplicates(["key", "year"])
        result = distinct.merge(
            hits[["key", "year", "iso3", "reason"]], on=["key", "year"], how="left"
        )
        result["decided"] = result["iso3"].notna() | result["reason"].notna()
        result["reason"] = (
            result["reason"]
            .map(lambda r: None if pd.isna(r) else EXPLAINED + str(r))
            .astype(object)
        )
        known = set(lookup["key"])
        spans = _spans(lookup)
        undecided = ~result["decided"]
        result.loc[undecided, "reason"] = [
            _failure(kind, key, yr, key in known, spans.get(key, ""))
            for key, yr in zip(
                result.loc[undecided, "key"], result.loc[undecided, "year"], strict=True
            )
        ]
        if len(ambiguous):
            amb_keys = set(ambiguous["key"])
            amb = undecided & result["key"].isin(amb_keys) & result["year"].isna()
            result.loc[amb, "reason"] = [
                f"{kind} {key} means different countries in different years; give a year"
                for key in result.loc[amb, "key"]
            ]
        out = pairs.merge(result, on=["key", "year"], how="left")
        out["decided"] = out["decided"].fillna(False).astype(bool)
        out["reason"] = out["reason"].astype(object)
        if bad.any():
            shown = values[bad].astype(str).to_numpy()
            out.loc[bad.to_numpy(), "reason"] = [f"{kind} '{v}' is not a valid code" for v in shown]
        out["iso3"] = out["iso3"].astype(object).where(out["iso3"].notna(), None)
        return out

    # -- names ------------------------------------------------------------------------------

    def _resolve_names(self, values: pd.Series) -> pd.DataFrame:
        import pandas as pd

        text = values.astype(object).where(values.notna(), None)
        distinct = pd.unique(text.dropna().astype(str))
        results = {name: self._name(name) for name in distinct}
        iso3 = text.map(lambda v: None if v is None else results[str(v)].iso3)
        reason = text.map(lambda v: None if v is None else results[str(v)].reason)
        decided = text.map(lambda v: False if v is None else results[str(v)].decided)
        return pd.DataFrame(
            {"iso3": iso3.to_numpy(), "reason": reason.to_numpy(), "decided": decided.to_numpy()}
        ).astype({"decided": bool})

    def _name(self, name: str) -> _NameResult:
        cached = self._name_cache.get(name)
        if cached is not None:
            return cached
        key = normalise_name(name)
        if key in self.names:
            iso3, explained = self.names[key]
            result = _NameResult(iso3, None if iso3 else EXPLAINED + str(explained), True)
        else:
            match = self.regex.match(name)
            if match.target is not None and match.explained:
                result = _NameResult(None, EXPLAINED + match.target, True)
            elif match.target is not None:
                result = _NameResult(match.target, None, True)
            elif match.ambiguous:
                shown = ", ".join(match.ambiguous)
                result = _NameResult(None, f"ambiguous name '{name}' (matches {shown})", False)
            else:
                result = _NameResult(None, f"unknown name '{name}'", False)
        self._name_cache[name] = result
        return result

    def _name_lookup(
        self, codes_frame: pd.DataFrame, world_frame: pd.DataFrame, concordance: Concordance
    ) -> tuple[dict[str, tuple[str | None, str | None]], RegexMatcher]:
        """Names (normalised) and regex patterns, each pointing at an ISO3 or a reason."""
        table_iso3 = set(self.table["iso3"])
        official: dict[str, set[str]] = {}

        def add(name: object, iso3: str) -> None:
            if isinstance(name, str) and name.strip():
                official.setdefault(normalise_name(name), set()).add(iso3)

        for iso3, name in zip(self.table["iso3"], self.table["name"], strict=True):
            add(name, iso3)
        for row in world_frame.itertuples(index=False):
            iso3 = "XKX" if row.cca3 == "UNK" else str(row.cca3)
            add(row.name_common, iso3)
            add(row.name_official, iso3)
        # Code-list rows: ISO3 when present, else whatever their codes resolve to.
        targets = self._codelist_targets(codes_frame)
        patterns: list[tuple[str, str, bool]] = []
        for (target, explained), row in zip(
            targets, codes_frame.itertuples(index=False), strict=True
        ):
            iso3 = target if target in table_iso3 else None
            if iso3 is not None:
                for column in _NAME_COLUMNS:
                    add(getattr(row, column), iso3)
            regex = row.country_name_en_regex
            if isinstance(regex, str) and regex:
                if iso3 is not None:
                    patterns.append((regex, iso3, False))
                elif explained:
                    patterns.append((regex, explained, True))
        names: dict[str, tuple[str | None, str | None]] = {
            key: (next(iter(isos)), None) for key, isos in official.items() if len(isos) == 1
        }
        explained_names = concordance.explained[concordance.explained["kind"] == "name"]
        for value, reason in zip(explained_names["value"], explained_names["reason"], strict=True):
            names[normalise_name(value)] = (None, str(reason))
        for alias, iso3 in zip(
            concordance.aliases["name"], concordance.aliases["iso3"], strict=True
        ):
            names[normalise_name(alias)] = (str(iso3), None)
        return names, RegexMatcher(patterns)

    def _codelist_targets(self, codes_frame: pd.DataFrame) -> list[tuple[str | None, str | None]]:
        """For each code-list row: (iso3, None), (None, explained reason) or (None, None)."""
        import pandas as pd

        out: list[tuple[str | None, str | None]] = []
        empty = pd.Series(pd.array([None] * len(codes_frame), dtype="Int64"))
        steps = []
        for column, kind in (
            ("wb", "wb"),
            ("gwn", "gwcode"),
            ("cown", "cowcode"),
            ("vdem", "vdem_id"),
        ):
            values = codes_frame[column].reset_index(drop=True)
            steps.append(self._resolve_codes(kind, values, empty))
        for i, iso3c in enumerate(codes_frame["iso3c"]):
            if isinstance(iso3c, str):
                out.append((iso3c, None))
                continue
            target: tuple[str | None, str | None] = (None, None)
            for step in steps:
                if step["decided"].iloc[i]:
                    found, why = step["iso3"].iloc[i], step["reason"].iloc[i]
                    target = (found, None) if found else (None, str(why)[len(EXPLAINED) :])
                    break
            out.append(target)
        return out


def _code_lookup(
    table: pd.DataFrame, codes_frame: pd.DataFrame, concordance: Concordance
) -> pd.DataFrame:
    """Every known code: explained (rank 0), rules (1), table (2), code list (3), wb = ISO3 (4)."""
    import pandas as pd

    parts = []
    explained = concordance.explained[concordance.explained["kind"] != "name"]
    parts.append(
        pd.DataFrame(
            {
                "kind": explained["kind"],
                "key": explained["value"],
                "iso3": None,
                "reason": explained["reason"],
                "from_year": None,
                "to_year": None,
                "rank": 0,
            }
        )
    )
    rules = concordance.rules
    parts.append(
        pd.DataFrame(
            {
                "kind": rules["kind"],
                "key": rules["code"],
                "iso3": rules["iso3"],
                "reason": None,
                "from_year": rules["from_year"],
                "to_year": rules["to_year"],
                "rank": 1,
            }
        )
    )
    for kind, frame, iso_col, columns, rank in (
        (
            "table",
            table,
            "iso3",
            {
                "iso3": "iso3",
                "gwcode": "gwcode",
                "cowcode": "cowcode",
                "vdem_id": "vdem_id",
                "wb": "wb",
                "iso3n": "iso3n",
            },
            2,
        ),
        (
            "codelist",
            codes_frame,
            "iso3c",
            {
                "iso3": "iso3c",
                "gwcode": "gwn",
                "cowcode": "cown",
                "vdem_id": "vdem",
                "wb": "wb",
                "iso3n": "iso3n",
                "eurostat": "eurostat",
            },
            3,
        ),
    ):
        del kind
        with_iso = frame[frame[iso_col].notna()]
        for code_kind, column in columns.items():
            if column not in with_iso:  # a code list without that column (older or a test's)
                continue
            present = with_iso[with_iso[column].notna()]
            parts.append(
                pd.DataFrame(
                    {
                        "kind": code_kind,
                        "key": present[column].astype(str),
                        "iso3": present[iso_col],
                        "reason": None,
                        "from_year": None,
                        "to_year": None,
                        "rank": rank,
                    }
                )
            )
    # World Bank codes are ISO3 except where a rule says otherwise (AIA, REU, ...).
    parts.append(
        pd.DataFrame(
            {
                "kind": "wb",
                "key": table["iso3"],
                "iso3": table["iso3"],
                "reason": None,
                "from_year": None,
                "to_year": None,
                "rank": 4,
            }
        )
    )
    lookup = pd.concat(parts, ignore_index=True)
    numeric = lookup["kind"].isin(NUMERIC_KINDS)
    lookup.loc[numeric, "key"] = lookup.loc[numeric, "key"].map(lambda v: str(int(v)))
    lookup.loc[~numeric, "key"] = lookup.loc[~numeric, "key"].str.strip().str.upper()
    for column in ("from_year", "to_year"):
        lookup[column] = pd.to_numeric(lookup[column]).astype("Int64")
    lookup["order"] = range(len(lookup))
    # Only the best-ranked entries of a code count: a rule hides the code list's guess.
    best = lookup.groupby(["kind", "key"])["rank"].transform("min")
    lookup = lookup[lookup["rank"] == best].drop_duplicates(
        ["kind", "key", "iso3", "reason", "from_year", "to_year"]
    )
    return lookup.reset_index(drop=True)


def _code_keys(kind: str, values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Normalised lookup keys (text) and a mask of values that are not valid codes."""
    import pandas as pd

    raw = values.astype(object).where(values.notna(), None)
    if kind in NUMERIC_KINDS:
        numbers = pd.to_numeric(raw, errors="coerce")
        bad = raw.notna() & (numbers.isna() | (numbers % 1 != 0))
        keys = numbers.where(~bad).astype("Int64").astype("string").astype(object)
        keys = keys.where(keys.notna(), None)
        return keys, bad.fillna(False).astype(bool)
    text = raw.map(lambda v: None if v is None else str(v).strip().upper() or None)
    return text, pd.Series(False, index=values.index)


def _spans(lookup: pd.DataFrame) -> dict[str, str]:
    """Human-readable year spans of year-bounded codes, for out-of-range messages."""
    import pandas as pd

    spans: dict[str, list[str]] = {}
    bounded = lookup[lookup["from_year"].notna() | lookup["to_year"].notna()]
    for key, start, end, iso3 in zip(
        bounded["key"], bounded["from_year"], bounded["to_year"], bounded["iso3"], strict=True
    ):
        left = "" if pd.isna(start) else str(start)
        right = "" if pd.isna(end) else str(end)
        spans.setdefault(str(key), []).append(f"{iso3} {left}-{right}".strip())
    return {key: "; ".join(items) for key, items in spans.items()}


def _failure(kind: str, key: Any, year: Any, known: bool, span: str) -> str:
    if known:
        return f"{kind} {key} is not used in {year} (valid: {span})"
    return f"unknown {kind} {key}"


def load_reference(mirror_dir: Path) -> CountryResolver:
    """A resolver built from the reference files of an offline mirror (for tests and scripts)."""
    from stabilis.sources import reference

    root = Path(mirror_dir)
    (codes,) = reference.parse("codelist", root / reference.SPEC.file("codelist").mirror_path)
    (world,) = reference.parse("world", root / reference.SPEC.file("world").mirror_path)
    return CountryResolver.from_reference(codes.frame, world.frame)
