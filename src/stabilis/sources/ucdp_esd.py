"""UCDP External Support Dataset (ESD) v18.1, actor-year level, 1975-2017.

The staged file is a CSV conversion of ``Data/ucdp-esd-ay-181.xlsx`` of repo
``Brian-Lookabaugh/humanitarian-intervention-msm`` (commit a02f666f; SOURCES.md section 23b):
4,781 warring-actor years, each with the external supporters of that actor in that year.

Two records tables:

* ``ucdp_esd_actor_years``: one row per source row: ``esd_id``, ``year``, the warring actor
  (``actor_id``, ``actor_name``, ``actor_nonstate``), ``conflict_id``, ``location``, the
  conflict's government side ``gwno_a`` (a Gleditsch-Ward code; the row's country),
  ``ext_sup`` (1 when the actor had any external support that year), ``ext_x`` (troops as a
  secondary warring party), ``ext_w`` (weapons), ``ext_f`` (funding) and ``ext_t`` (training),
  the supporter list as text (``ext_name``) and ``ext_bothsides``.
* ``ucdp_esd_state_supporters``: one row per actor-year and **state** supporter (a supporter
  named "Government of X" in ``ext_name``, split at commas outside parentheses):
  ``supporter_name`` (as written), ``supporter_country`` (X, without a trailing "(...)" alias),
  the actor and location columns. The row's country is the supporter's (resolved by name);
  ``location_iso3`` is the conflict's government side (``gwno_a``). Non-state supporters stay in
  the text of the first table only.

The support letter codes follow the ESD codebook (Meier et al. 2023).
"""

from __future__ import annotations

import re
from pathlib import Path

from stabilis.sources.base import ROW, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import read_csv, split_outside_parentheses, to_number

SPEC = SourceSpec(
    name="ucdp_esd",
    title="UCDP External Support Dataset (ESD), actor-year",
    producer="Uppsala Conflict Data Program",
    release="ESD 18.1 (actor-year, 1975-2017)",
    licence="CC BY 4.0",
    citation=(
        "Meier, V., Högbladh, S., Pettersson, T., Sollenberg, M. et al. (2023). External support "
        "in armed conflicts: Introducing the UCDP External Support Dataset (ESD), 1975-2017. "
        "Journal of Peace Research 60(3); Högbladh, S., Pettersson, T. & Themnér, L. (2011)."
    ),
    homepage="https://ucdp.uu.se/downloads/",
    files=(
        SourceFile(
            key="actor_year",
            mirror_path="ucdp_extra/ucdp_esd_actor_year_v18_1.csv",
            url="https://ucdp.uu.se/downloads/extsupp/ucdp-esd-ay-181.xlsx",
            description="ESD actor-year (staged: CSV conversion of one sheet, repo "
            "Brian-Lookabaugh/humanitarian-intervention-msm, commit a02f666f).",
        ),
    ),
    caveats="Ends in 2017. Supporter lists are comma-separated text within a year.",
)

_FLAGS = ("ext_sup", "ext_x", "ext_w", "ext_f", "ext_t")
_GOVERNMENT = "Government of "
_ALIAS = re.compile(r"\s*\([^)]*\)\s*$")


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse the actor-year file into the two ESD tables."""
    import pandas as pd

    SPEC.file(file_key)
    required = ("id", "year", "actor_id", "actor_name", "actor_nonstate", "conflict_id",
                "location", "gwno_a", "ext_name", "ext_bothsides", *_FLAGS)  # fmt: skip
    raw = read_csv(path, required=required)
    frame = pd.DataFrame(
        {
            "esd_id": to_number(raw, "id", file=path, integer=True, minimum=0),
            "year": to_number(raw, "year", file=path, integer=True, minimum=1946, maximum=2100),
            "actor_id": to_number(raw, "actor_id", file=path, integer=True, minimum=0),
            "actor_name": raw["actor_name"],
            "actor_nonstate": to_number(
                raw, "actor_nonstate", file=path, integer=True, minimum=0, maximum=1
            ),
            "conflict_id": to_number(raw, "conflict_id", file=path, integer=True, minimum=0),
            "location": raw["location"],
            "gwno_a": to_number(raw, "gwno_a", file=path, integer=True, minimum=1, maximum=999),
            "ext_name": raw["ext_name"],
            "ext_bothsides": to_number(raw, "ext_bothsides", file=path, minimum=0),
        }
    )
    for flag in _FLAGS:
        frame[flag] = to_number(raw, flag, file=path, integer=True, minimum=0, maximum=1)
    frame[ROW] = raw[ROW]
    rows: list[dict[str, object]] = []
    for r in frame.rename(columns={ROW: "row_"}).itertuples(index=False):
        if not isinstance(r.ext_name, str):
            continue
        for name in split_outside_parentheses(r.ext_name):
            if not name.startswith(_GOVERNMENT):
                continue
            rows.append(
                {
                    "esd_id": r.esd_id, "year": r.year, "actor_id": r.actor_id,
                    "actor_name": r.actor_name, "actor_nonstate": r.actor_nonstate,
                    "conflict_id": r.conflict_id, "location": r.location, "gwno_a": r.gwno_a,
                    "supporter_name": name,
                    "supporter_country": _ALIAS.sub("", name[len(_GOVERNMENT):]).strip(),
                    "ext_x": r.ext_x, "ext_w": r.ext_w, "ext_f": r.ext_f, "ext_t": r.ext_t,
                    ROW: r.row_,
                }
            )  # fmt: skip
    columns = ["esd_id", "year", "actor_id", "actor_name", "actor_nonstate", "conflict_id",
               "location", "gwno_a", "supporter_name", "supporter_country",
               "ext_x", "ext_w", "ext_f", "ext_t", ROW]  # fmt: skip
    supporters = pd.DataFrame(rows, columns=columns)
    return [
        ParsedTable(
            table="ucdp_esd_actor_years",
            frame=frame,
            country_keys={"gwno_a": "gwcode"},
            year_column="year",
            name_column="location",
            description="UCDP ESD actor-years; the row's country is the conflict's government side.",
        ),
        ParsedTable(
            table="ucdp_esd_state_supporters",
            frame=supporters,
            country_keys={"supporter_country": "name"},
            other_countries={"location_iso3": {"gwno_a": "gwcode"}},
            year_column="year",
            name_column="supporter_country",
            description="State supporters of warring actors; the row's country is the supporter.",
        ),
    ]
