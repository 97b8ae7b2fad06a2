"""Bertelsmann Stiftung, Transformation Index (BTI), 2004-2022 (reports 2006-2024).

The staged file is ``xmarquez/democracyData``'s ``bti.rda`` written to CSV: one row per country
and BTI year, 87 columns with the producer's item names (``S_Status_Index``,
``SI_Democracy_Status``, ``Q1_Stateness``, ``Q1.1_Monopoly_on_the_use_of_force``, ...) and
democracyData's ``GWn``/``cown`` codes. Bertelsmann's own score workbook is laid out
differently and is not read.

Every numeric item becomes an indicator ``bti.<item>``, where ``<item>`` is the producer's column
name with each run of characters other than letters and digits turned into ``_``:
``Q2.1_Free_and_fair_elections`` -> ``bti.Q2_1_Free_and_fair_elections``,
``Q2.3_Association_/_assembly_rights`` -> ``bti.Q2_3_Association_assembly_rights``.

Scales: items and indices run 1-10 with 10 = best, except

* ``Ranking_Status_Index`` and ``Ranking_Governance_Index``: ranks among the 137 countries,
  1 = best (higher is worse);
* the Level of Difficulty ``Q13`` and its items ``Q13.1``-``Q13.6``: 10 = most difficult
  conditions (higher is worse);
* ``pol_sys``: 1 = democracy, 0 = autocracy; ``cat_dem_stat``: 1 = democracy in consolidation,
  2 = defective democracy, 3 = highly defective democracy, 4 = moderate autocracy, 5 =
  hard-line autocracy (higher is worse). ``cat_dem_stat_label`` is checked against it.

Caveats: ``year`` is the end of the review period; the report (``report_year``) appears two
years later in this file. Only developing and transition countries are covered (no
established OECD democracies). Countries absent from an edition have empty rows; they are
kept. ``Q5.3 Approval of democracy`` and ``Q16.5 Reconciliation`` are often not assessed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from stabilis.sources.base import ROW, IndicatorSpec, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import (
    check_unique,
    democracy_data_codes,
    indicator_values,
    read_csv,
    refuse_first,
    to_number,
)

if TYPE_CHECKING:
    import pandas as pd

SPEC = SourceSpec(
    name="bti",
    title="Transformation Index BTI",
    producer="Bertelsmann Stiftung",
    release="BTI 2006-2024 (review years 2004-2022, biennial)",
    licence="Free use with citation; check Bertelsmann Stiftung's terms",
    citation="Bertelsmann Stiftung (2024). BTI 2006-2024 Scores. Gütersloh: Bertelsmann Stiftung.",
    homepage="https://bti-project.org/en/meta/downloads",
    files=(
        SourceFile(
            key="scores",
            mirror_path="regimes_other/bti_2004_2022.csv",
            url="https://bti-project.org/en/meta/downloads",
            description=(
                "Status Index, Democracy and Economy Status and Governance Index items per "
                "country and BTI year, as converted to CSV by xmarquez/democracyData "
                "(data/bti.rda) with G&W and COW codes."
            ),
        ),
    ),
    caveats=(
        "year = end of the review period; biennial; developing and transition countries only; "
        "ranks and Level of Difficulty: higher = worse."
    ),
)

#: The producer's numeric columns, in file order.
ITEMS = (
    "Ranking_Status_Index",
    "S_Status_Index",
    "SI_Democracy_Status",
    "Q1_Stateness",
    "Q1.1_Monopoly_on_the_use_of_force",
    "Q1.2_State_identity",
    "Q1.3_No_interference_of_religious_dogmas",
    "Q1.4_Basic_administration",
    "Q2_Political_Participation",
    "Q2.1_Free_and_fair_elections",
    "Q2.2_Effective_power_to_govern",
    "Q2.3_Association_/_assembly_rights",
    "Q2.4_Freedom_of_expression",
    "Q3_Rule_of_Law",
    "Q3.1_Separation_of_powers",
    "Q3.2_Independent_judiciary",
    "Q3.3_Prosecution_of_office_abuse",
    "Q3.4_Civil_rights",
    "Q4_Stability_of_Democratic_Institutions",
    "Q4.1_Performance_of_democratic_institutions",
    "Q4.2_Commitment_to_democratic_institutions",
    "Q5_Political_and_Social_Integration",
    "Q5.1_Party_system",
    "Q5.2_Interest_groups",
    "Q5.3_Approval_of_democracy",
    "Q5.4_Social_capital",
    "SII_Economy_Status",
    "Q6_Level_of_Socioeconomic_Development",
    "Q6.1_Socioeconomic_barriers",
    "Q7_Organization_of_the_Market_and_Competition",
    "Q7.1_Market_organization",
    "Q7.2_Competition_policy",
    "Q7.3_Liberalization_of_foreign_trade",
    "Q7.4_Banking_system",
    "Q8_Monetary_and_Fiscal_Stability",
    "Q8.1_Monetary_stability",
    "Q8.2_Fiscal_stability",
    "Q9_Private_Property",
    "Q9.1_Property_rights",
    "Q9.2_Private_enterprise",
    "Q10_Welfare_Regime",
    "Q10.1_Social_safety_nets",
    "Q10.2_Equal_opportunity",
    "Q11_Economic_Performance",
    "Q11.1_Output_strength",
    "Q12_Sustainability",
    "Q12.1_Environmental_policy",
    "Q12.2_Education_/_R&D_policy",
    "Ranking_Governance_Index",
    "G_Governance_Index",
    "Q13_Level_of_Difficulty",
    "Q13.1_Structural_constraints",
    "Q13.2_Civil_society_traditions",
    "Q13.3_Conflict_intensity",
    "Q13.4_GNI_p.c._Atlas_method_rescaled",
    "Q13.5_UN_Educ._Index_rescaled",
    "Q13.6_BTI_Stateness_&_Rule_of_Law",
    "GII_Governance_Performance",
    "Q14_Steering_Capability",
    "Q14.1_Prioritization",
    "Q14.2_Implementation",
    "Q14.3_Policy_learning",
    "Q15_Resource_Efficiency",
    "Q15.1_Efficient_use_of_assets",
    "Q15.2_Policy_coordination",
    "Q15.3_Anti-corruption_policy",
    "Q16_Consensus-Building",
    "Q16.1_Consensus_on_goals",
    "Q16.2_Anti-democratic_actors",
    "Q16.3_Cleavage_/_conflict_management",
    "Q16.4_Public_consultation",
    "Q16.5_Reconciliation",
    "Q17_International_Cooperation",
    "Q17.1_Effective_use_of_support",
    "Q17.2_Credibility",
    "Q17.3_Regional_cooperation",
    "pol_sys",
    "cat_dem_stat",
)

#: ``cat_dem_stat`` -> ``cat_dem_stat_label``.
CATEGORIES = {
    1: "Democracies in consolidation",
    2: "Defective democracies",
    3: "Highly defective democracies",
    4: "Moderate autocracies",
    5: "Hard-line autocracies",
}

_MAX_RANK = 250


def code_of(item: str) -> str:
    """The column/indicator name of a producer's item: non-alphanumeric runs become ``_``."""
    return re.sub(r"[^0-9A-Za-z]+", "_", item).strip("_")


#: Each kind of item: (label or None for the item's own, scale, higher is better, min, max).
_KINDS: dict[str, tuple[str | None, str, bool, int, int]] = {
    "rank": (None, "rank among BTI countries, 1 = best", False, 1, _MAX_RANK),
    "difficulty": (None, "1-10, 10 = most difficult conditions", False, 1, 10),
    "pol_sys": ("Political system (BTI)", "1 = democracy, 0 = autocracy", True, 0, 1),
    "cat_dem_stat": (
        "Democracy Status category",
        "; ".join(f"{k} = {v}" for k, v in CATEGORIES.items()),
        False,
        1,
        5,
    ),
    "score": (None, "1-10, 10 = best", True, 1, 10),
}


def _kind(item: str) -> str:
    if item.startswith("Ranking_"):
        return "rank"
    if item.startswith("Q13"):
        return "difficulty"
    if item in ("pol_sys", "cat_dem_stat"):
        return item
    return "score"


def _spec(item: str) -> IndicatorSpec:
    column = code_of(item)
    label, scale, better, low, high = _KINDS[_kind(item)]
    return IndicatorSpec(
        column=column,
        code=f"bti.{column}",
        label=label or item.replace("_", " ").replace("  ", " "),
        scale=scale,
        higher_is_better=better,
        minimum=low,
        maximum=high,
    )


INDICATORS = tuple(_spec(item) for item in ITEMS)
#: Indicator column -> the producer's column.
_SOURCES = {code_of(item): item for item in ITEMS}
#: The indicators that are whole numbers (the categories and the ranks).
_WHOLE_NUMBERS = {
    code_of(item)
    for item in ITEMS
    if item in ("pol_sys", "cat_dem_stat") or item.startswith("Ranking_")
}


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse democracyData's BTI file into country-year indicators."""
    SPEC.file(file_key)
    name_col = "bti_country"
    raw = read_csv(
        path,
        required=(
            name_col,
            "year",
            "bti_region",
            *ITEMS,
            "cat_dem_stat_label",
            "report_year",
            "GWn",
            "cown",
        ),
    )
    frame = raw[[ROW, name_col, "bti_region", "cat_dem_stat_label"]].copy()
    frame["year"] = to_number(raw, "year", file=path, integer=True, minimum=1990, maximum=2100)
    frame["report_year"] = to_number(
        raw, "report_year", file=path, integer=True, minimum=1990, maximum=2102
    )
    keys = democracy_data_codes(raw, frame, file=path, name_column=name_col)
    frame = frame.assign(
        **indicator_values(raw, INDICATORS, file=path, sources=_SOURCES, integer=_WHOLE_NUMBERS)
    )
    _check_categories(frame, path)
    check_unique(frame, [name_col, "year"], file=path)
    return [
        ParsedTable(
            table="indicators",
            frame=frame,
            country_keys=keys,
            indicators=INDICATORS,
            name_column=name_col,
            description="BTI scores; year = end of the review period.",
        )
    ]


def _check_categories(frame: pd.DataFrame, path: Path) -> None:
    """``cat_dem_stat_label`` must name ``cat_dem_stat``'s category."""
    expected = frame["cat_dem_stat"].map(CATEGORIES)
    label = frame["cat_dem_stat_label"]
    wrong = (expected.notna() | label.notna()) & (expected.astype(object) != label.astype(object))
    refuse_first(
        frame,
        wrong,
        lambda i: (
            f"the label '{label.iloc[i]}' does not match cat_dem_stat "
            f"{frame['cat_dem_stat'].iloc[i]} ('{expected.iloc[i]}')."
        ),
        file=path,
        column="cat_dem_stat_label",
        hint="Restore the producer's original file.",
    )
