"""Alliances (ATOP 5.1 directed dyad-years) and IGO membership counts (COW IGO v3).

Both files are peacesciencer's conversions (commit fe150a26) of the producers' data:

* ``atop``: ``data/atop_alliance.rda``, built from ATOP 5.1 ``atop5_1ddyr.dta``: one row per
  **directed** dyad-year (COW codes ``ccode1`` -> ``ccode2``) with 0/1 flags for defence,
  offence, neutrality, non-aggression and consultation obligations, 1815-2018. Only dyads with
  at least one obligation appear: an absent dyad means no alliance. There are no alliance ids,
  so NATO cannot be isolated from it (use ``reference/nato_members_accession.csv``).

  The parser emits the records table ``atop_dyads`` (``ccode1`` is the row's country,
  ``ccode2`` the partner) and two indicators per COW state-year derived from the dyads:
  ``atop.defense_partners`` (number of distinct partners with a defence pact) and
  ``atop.any_defense`` (1 if there is at least one). **Only state-years with at least one
  alliance obligation of any kind appear** in that indicator table; a state-year absent from
  it had no alliance, which a consumer should read as 0 partners, not as missing. Each derived
  row's ``_row`` is the first source row of its state-year.
* ``igo``: ``data/cow_igo_sy.rda``: counts of IGO memberships per COW state-year, 1816-2014
  (full, associate, observer, any type), with no per-organisation detail.
"""

from __future__ import annotations

from pathlib import Path

from stabilis.sources.base import ROW, IndicatorSpec, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import check_unique, read_csv, read_state_year_counts, to_number

SPEC = SourceSpec(
    name="alliances_igo",
    title="ATOP alliance dyad-years and COW IGO membership counts",
    producer="Alliance Treaty Obligations and Provisions project; Correlates of War Project",
    release="ATOP 5.1 directed dyad-years 1815-2018; COW IGO v3 state-year counts 1816-2014",
    licence="Free for research use with citation; no formal licence",
    citation=(
        "Leeds, B. A., Ritter, J. M., Mitchell, S. M. & Long, A. G. (2002). Alliance Treaty "
        "Obligations and Provisions, 1815-1944. International Interactions 28(3) (ATOP v5.1); "
        "Pevehouse, J. C. W. et al. (2020). Tracking Organizations in the World: The Correlates "
        "of War IGO Version 3.0 Datasets. Journal of Peace Research 57(3). Both as converted by "
        "Miller (2022), peacesciencer."
    ),
    homepage="http://www.atopdata.org/data.html",
    files=(
        SourceFile(
            key="atop",
            mirror_path="alliances_igo/atop5_dyad_year_1815_2018.csv",
            url="http://www.atopdata.org/data.html",
            description=(
                "ATOP 5.1 directed dyad-years with at least one obligation (staged: peacesciencer "
                "data/atop_alliance.rda converted to CSV)."
            ),
        ),
        SourceFile(
            key="igo",
            mirror_path="alliances_igo/cow_igo_state_year_counts_1816_2014.csv",
            url="https://correlatesofwar.org/data-sets/igos/",
            description=(
                "COW IGO v3 membership counts per state-year (staged: peacesciencer "
                "data/cow_igo_sy.rda converted to CSV)."
            ),
        ),
    ),
    caveats=(
        "ATOP lists only allied dyads (absent = no alliance) and has no alliance ids. IGO counts "
        "end in 2014 and have no per-organisation membership."
    ),
)

_ATOP_FLAGS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")

ATOP_INDICATORS = (
    IndicatorSpec(
        column="defense_partners",
        code="atop.defense_partners",
        label="Defence-pact partners (distinct states)",
        scale="count of states",
        higher_is_better=None,
        minimum=0,
        description="Derived from ATOP dyads; state-years with no alliance are absent (= 0).",
    ),
    IndicatorSpec(
        column="any_defense",
        code="atop.any_defense",
        label="Has at least one defence pact",
        scale="0/1",
        higher_is_better=None,
        minimum=0,
        maximum=1,
        description="Derived from ATOP dyads; state-years with no alliance are absent (= 0).",
    ),
)

_IGO_LABELS = {
    "sum_igo_full": "IGO full memberships",
    "sum_igo_associate": "IGO associate memberships",
    "sum_igo_observer": "IGO observer statuses",
    "sum_igo_anytype": "IGO memberships of any type",
}

IGO_INDICATORS = tuple(
    IndicatorSpec(
        column=code,
        code=f"cowigo.{code}",
        label=label,
        scale="count of organisations",
        higher_is_better=None,
        minimum=0,
    )
    for code, label in _IGO_LABELS.items()
)


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse the ATOP dyad-years (``atop``) or the COW IGO counts (``igo``)."""
    SPEC.file(file_key)
    if file_key == "atop":
        return _parse_atop(path)
    return [_parse_igo(path)]


def _parse_atop(path: Path) -> list[ParsedTable]:
    import pandas as pd

    raw = read_csv(path, required=("ccode1", "ccode2", "year", *_ATOP_FLAGS))
    dyads = pd.DataFrame({ROW: raw[ROW]})
    for column in ("ccode1", "ccode2"):
        dyads[column] = to_number(raw, column, file=path, integer=True, minimum=1, maximum=999)
    dyads["year"] = to_number(raw, "year", file=path, integer=True, minimum=1800, maximum=2100)
    for column in _ATOP_FLAGS:
        dyads[column] = to_number(raw, column, file=path, integer=True, minimum=0, maximum=1)
    check_unique(dyads, ["ccode1", "ccode2", "year"], file=path)
    dyads = dyads[["ccode1", "ccode2", "year", *_ATOP_FLAGS, ROW]]

    # Dyads are unique, so counting defence rows per (ccode1, year) counts distinct partners.
    grouped = dyads.assign(_defense=dyads["atop_defense"].fillna(0)).groupby(
        ["ccode1", "year"], sort=True
    )
    states = grouped.agg(defense_partners=("_defense", "sum"), **{ROW: (ROW, "min")})
    states = states.reset_index().rename(columns={"ccode1": "cowcode"})
    states["defense_partners"] = states["defense_partners"].astype("Int64")
    states["any_defense"] = (states["defense_partners"] > 0).astype("Int64")
    states = states[["cowcode", "year", "defense_partners", "any_defense", ROW]]
    return [
        ParsedTable(
            table="atop_dyads",
            frame=dyads,
            country_keys={"ccode1": "cowcode"},
            other_countries={"partner_iso3": {"ccode2": "cowcode"}},
            description="ATOP 5.1 directed dyad-years with at least one alliance obligation.",
        ),
        ParsedTable(
            table="indicators",
            frame=states,
            country_keys={"cowcode": "cowcode"},
            indicators=ATOP_INDICATORS,
            description=(
                "Defence-pact counts per COW state-year derived from ATOP dyads; only "
                "state-years with at least one alliance obligation appear."
            ),
        ),
    ]


def _parse_igo(path: Path) -> ParsedTable:
    return read_state_year_counts(
        path,
        key=("ccode", "cowcode"),
        first_year=1800,
        indicators=IGO_INDICATORS,
        description="COW IGO v3 membership counts per state-year, 1816-2014.",
    )
