"""V-Dem (Varieties of Democracy) country-year data: v15 high-level indices, v14 "lite" set.

Files
-----
``highlevel``
    democracyData's CSV conversion of ``vdem_simple.rda`` (built from V-Dem **v15**): the seven
    high-level/mid-level democracy indices ``v2x_polyarchy, v2x_libdem, v2x_partipdem,
    v2x_delibdem, v2x_egaldem, v2x_api, v2x_mpi`` with their ``_codelow``/``_codehigh`` (68 %
    highest posterior density interval) and ``_sd`` columns, 1789-2024. The same parser reads the
    **official** V-Dem country-year file (``V-Dem-CY-Full+Others-v15.csv``, or the zip that holds
    it): the column names are V-Dem's own; the official file calls the name ``country_name`` (not
    ``vdem_country_name``), has V-Dem's ``COWcode`` and no democracyData ``GWn``/``cown``. Then
    ``cown`` is taken from ``COWcode`` and the G&W key is simply not declared.
``lite``
    eteitelbaum/vdemlite's CSV conversion of ``vdemlite.rda``: V-Dem **v14**, 1970-2023, 293
    variables (point estimates only). Every numeric variable becomes an indicator
    ``vdem.<tag>`` **except** those a newer release supplies ("the newest release wins"): the
    seven indices of ``highlevel`` (v15) and ``v2x_regime``, which comes from ERT v15
    (:mod:`stabilis.sources.vdem_ert`). Those columns are left out of the frame, never mixed.
``lite_lookup``
    vdemlite's variable lookup table (``tag, name, level, part, big_5, ll_category, hl_category,
    addl_category``) as the records table ``vdem_variables``. A tag appears once per place it
    takes in the aggregation tree, so tags repeat (558 rows, 303 distinct tags); the lead joins
    labels from the first row of each tag. The ``lite`` parser cannot read this file, so it
    labels indicators with a short built-in label or the tag itself.

Direction (``higher_is_better``)
--------------------------------
V-Dem orders most indicators so that a higher value is more democratic (e.g. ``v2exbribe``,
``v2jucorrdc``, ``v2lgcrrpt``: higher = *less* corruption; ``v2elintim``: higher = less
intimidation). The exceptions are explicit tables below: :data:`LOWER_IS_BETTER` (corruption,
neopatrimonialism, clientelism, exclusion indices, polarization ``v2cacamps``, political violence
``v2caviol``, mobilization for autocracy, election/legislature interruption flags, military,
hereditary and ruling-party power bases) and :data:`NO_DIRECTION` / :data:`NO_DIRECTION_PREFIXES`
(institutional design, direct-democracy thresholds, election-type dummies, legitimation
strategies, counts, and all ``e_*`` background variables). The directions were checked against
the data (e.g. 2023 ``v2cacamps``: Syria 3.0, USA 1.5, Denmark -1.6).

Ranges: indices named ``v2x*`` are 0-1 except the interval-scaled accountability indices and the
direct-democracy sub-scores listed in :data:`UNBOUNDED_INDICES`; ``*_osp`` versions are 0-4;
measurement-model indicators (roughly -5 to 5), percentages and counts get no range check.

Caveats: ``highlevel`` has no ``v2x_regime``; democracyData dropped two overlapping historical
blocks (Yugoslavia 1804-1829, German Federal Republic 1789-1799); ``GWn``/``cown`` are empty for
non-sovereign or historical units. V-Dem's ``country_text_id`` is not ISO3 for historical units
(``VDR`` South Vietnam, ``BDN`` Baden, ...), so it is kept but not declared as a key.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from stabilis.errors import DataFileError
from stabilis.sources.base import (
    ROW,
    CountryKey,
    IndicatorSpec,
    ParsedTable,
    SourceFile,
    SourceSpec,
)
from stabilis.sources.reading import check_unique, indicator_values, read_csv, to_number

if TYPE_CHECKING:
    import pandas as pd

_DEMOCRACYDATA = (
    "https://raw.githubusercontent.com/xmarquez/democracyData/"
    "29ea0a242c296aec4ce5d5a57261420c48e527c0/data/vdem_simple.rda"
)
_VDEMLITE = "https://raw.githubusercontent.com/eteitelbaum/vdemlite/a992948a1cf30282f6ccac4a06f9e53222ce1006"

SPEC = SourceSpec(
    name="vdem",
    title="Varieties of Democracy (V-Dem) country-year dataset",
    producer="V-Dem Institute, University of Gothenburg",
    release="v15 (2025) high-level indices; v14 (2024) vdemlite subset",
    licence="CC BY-SA 4.0",
    citation=(
        "Coppedge, M. et al. (2025). V-Dem [Country-Year/Country-Date] Dataset v15. Varieties of "
        "Democracy (V-Dem) Project. https://doi.org/10.23696/vdemds25; Pemstein, D. et al. (2025). "
        "The V-Dem Measurement Model. For the lite file: Coppedge, M. et al. (2024). V-Dem Dataset "
        "v14. https://doi.org/10.23696/mcwt-fr58."
    ),
    homepage="https://v-dem.net/data/the-v-dem-dataset/",
    files=(
        SourceFile(
            key="highlevel",
            mirror_path="vdem/vdem_v15_highlevel_indices_1789_2024.csv",
            url=_DEMOCRACYDATA,
            description=(
                "V-Dem v15 high-level democracy indices with 68% intervals, 1789-2024. The staged "
                "file is a CSV conversion of democracyData's vdem_simple.rda (with harmonised "
                "GWn/cown); the official V-Dem-CY-Full+Others-v15 CSV or zip also parses."
            ),
        ),
        SourceFile(
            key="lite",
            mirror_path="vdem/vdemlite_v14_1970_2023.csv",
            url=f"{_VDEMLITE}/data/vdemlite.rda",
            description=(
                "V-Dem v14 subset (293 variables, point estimates), 1970-2023. The staged file is "
                "a CSV conversion of vdemlite's vdemlite.rda."
            ),
        ),
        SourceFile(
            key="lite_lookup",
            mirror_path="vdem/vdemlite_v14_variable_lookup.csv",
            url=f"{_VDEMLITE}/R/sysdata.rda",
            description=(
                "Labels and aggregation hierarchy of the vdemlite variables. The staged file is a "
                "CSV conversion of the lookup_tbl object in vdemlite's R/sysdata.rda."
            ),
        ),
    ),
    caveats=(
        "High-level indices are v15 (to 2024); the lite set is v14 (to 2023) and never overrides "
        "a v15 series. country_text_id is not ISO3 for historical units. GWn/cown are empty for "
        "non-sovereign or historical units."
    ),
)

_HIGHLEVEL_LABELS = {
    "v2x_polyarchy": "Electoral democracy index",
    "v2x_libdem": "Liberal democracy index",
    "v2x_partipdem": "Participatory democracy index",
    "v2x_delibdem": "Deliberative democracy index",
    "v2x_egaldem": "Egalitarian democracy index",
    "v2x_api": "Additive polyarchy index",
    "v2x_mpi": "Multiplicative polyarchy index",
}

HIGHLEVEL_INDICATORS = tuple(
    IndicatorSpec(
        column=tag,
        code=f"vdem.{tag}",
        label=label,
        scale="0-1, higher = more democratic",
        higher_is_better=True,
        minimum=0,
        maximum=1,
        description="V-Dem v15 point estimate; the interval columns hold the 68% HPD.",
        lower_column=f"{tag}_codelow",
        upper_column=f"{tag}_codehigh",
    )
    for tag, label in _HIGHLEVEL_LABELS.items()
)

#: Variables a newer release supplies; the v14 lite parser leaves them out.
NEWER_RELEASE = frozenset({*_HIGHLEVEL_LABELS, "v2x_regime"})


def _tags(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Variables where a higher value is worse for democracy, by line: corruption indices and
#: neopatrimonial rule; exclusion indices and the percent of the population with weaker civil
#: liberties; polarization, non-state political violence, mobilization for autocracy and
#: engagement in state-run mass organisations; military / hereditary / ruling-party power
#: bases; chief executive or legislature no longer elected, elections aborted.
LOWER_IS_BETTER = _tags("""
    v2x_corr v2x_execorr v2x_pubcorr v2x_neopat v2xnp_client v2xnp_pres v2xnp_regcorr
    v2xpe_exlecon v2xpe_exlgender v2xpe_exlgeo v2xpe_exlpol v2xpe_exlsocgr v2clsnlpct
    v2cacamps v2caviol v2caautmob v2castate
    v2x_ex_military v2x_ex_hereditary v2x_ex_party
    v2x_hosinter v2xlg_leginter v2x_hosabort v2x_legabort
""")

#: Variables with no direction for democracy, by line: who appoints and dismisses whom,
#: relative power of the head of state, bicameralism, indirectly elected seats; election held
#: this year, which local/regional offices exist or are elected; party control, federalism,
#: candidate selection, party cohesion; amount of mass mobilization; universities.
NO_DIRECTION = _tags("""
    v2exaphogp v2exaphos v2exapup v2exapupap v2exdfcbhs v2exdfdmhs v2exdfdshg v2exdjcbhg
    v2exhoshog v2expathhs v2expathhg v2ex_hosw v2ex_legconhos v2exremhsp_ord
    v2x_ex_confidence v2x_ex_direlect v2lgbicam v2lginello v2lginelup
    v2xel_elecparl v2xel_elecpres v2ellocelc v2elsrgel v2ellocgov v2elreggov
    v2x_divparctrl v2psnatpar v2psnatpar_ord v2x_feduni v2pscnslnl v2pscohesv
    v2cagenmob v2caconmob v2cademmob
    v2cauni v2canuni
""")
#: Prefixes with no direction: background variables, direct-democracy thresholds and counts,
#: election-type dummies, legitimation strategies.
NO_DIRECTION_PREFIXES = ("e_", "v2dd", "v2eltype_", "v2exl_legit")

#: ``v2x*`` indices that are not on a 0-1 scale (interval-scaled accountability, party control,
#: direct-democracy sub-scores on 0-2).
UNBOUNDED_INDICES = _tags("""
    v2x_accountability v2x_veracc v2x_diagacc v2x_horacc v2x_divparctrl
    v2xdd_i_ci v2xdd_i_rf v2xdd_i_pl v2xdd_i_or
""")

_LITE_LABELS = {
    "v2x_liberal": "Liberal component index",
    "v2x_partip": "Participatory component index",
    "v2xdl_delib": "Deliberative component index",
    "v2x_egal": "Egalitarian component index",
    "v2x_freexp_altinf": "Freedom of expression and alternative sources of information index",
    "v2x_frassoc_thick": "Freedom of association index (thick)",
    "v2xel_frefair": "Clean elections index",
    "v2x_suffr": "Share of population with suffrage",
    "v2x_elecoff": "Elected officials index",
    "v2xcl_rol": "Equality before the law and individual liberty index",
    "v2x_jucon": "Judicial constraints on the executive index",
    "v2xlg_legcon": "Legislative constraints on the executive index",
    "v2xcs_ccsi": "Core civil society index",
    "v2x_civlib": "Civil liberties index",
    "v2x_corr": "Political corruption index",
    "v2x_execorr": "Executive corruption index",
    "v2x_pubcorr": "Public sector corruption index",
    "v2x_neopat": "Neopatrimonial rule index",
    "v2x_accountability": "Accountability index",
    "v2x_veracc": "Vertical accountability index",
    "v2x_horacc": "Horizontal accountability index",
    "v2x_diagacc": "Diagonal accountability index",
    "v2x_rule": "Rule of law index",
    "v2x_gender": "Women political empowerment index",
    "v2xca_academ": "Academic freedom index",
    "v2cacamps": "Political polarization",
    "v2caviol": "Political violence",
    "v2exbribe": "Executive bribery and corrupt exchanges",
    "v2jucorrdc": "Judicial corruption decision",
    "e_pt_coup": "Number of successful coups (Powell & Thyne)",
    "e_gdppc": "GDP per capita (Fariss et al.)",
    "e_wb_pop": "Population (World Bank)",
}

_LITE_IDS = ("country_name", "country_text_id", "country_id", "year")
_LOOKUP_COLUMNS = (
    "tag",
    "name",
    "level",
    "part",
    "big_5",
    "ll_category",
    "hl_category",
    "addl_category",
)


def higher_is_better(tag: str) -> bool | None:
    """Direction of a V-Dem variable for democracy, from the tables above."""
    if tag in LOWER_IS_BETTER:
        return False
    if tag in NO_DIRECTION or tag.startswith(NO_DIRECTION_PREFIXES):
        return None
    return True


def _lite_spec(tag: str) -> IndicatorSpec:
    minimum: float | None = None
    maximum: float | None = None
    if tag.startswith("v2x") and tag not in UNBOUNDED_INDICES:
        minimum, maximum, scale = 0, 1, "0-1 index"
    elif tag.endswith("_osp"):
        minimum, maximum, scale = 0, 4, "0-4, original ordinal scale (linearised)"
    elif tag.startswith("e_"):
        scale = "producer's unit (V-Dem background variable)"
    else:
        scale = "V-Dem scale (measurement-model latent scale, percentage or count; see codebook)"
    return IndicatorSpec(
        column=tag,
        code=f"vdem.{tag}",
        label=_LITE_LABELS.get(tag, tag),
        scale=scale,
        higher_is_better=higher_is_better(tag),
        minimum=minimum,
        maximum=maximum,
        description="V-Dem v14 (vdemlite); label and hierarchy in the vdem_variables table.",
    )


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse one V-Dem file (``highlevel``, ``lite`` or ``lite_lookup``)."""
    SPEC.file(file_key)
    parsers = {"highlevel": _parse_highlevel, "lite": _parse_lite, "lite_lookup": _parse_lookup}
    return [parsers[file_key](path)]


def _parse_highlevel(path: Path) -> ParsedTable:
    import pandas as pd

    header = _header(path)
    name_col = "vdem_country_name" if "vdem_country_name" in header else "country_name"
    bounds = [f"{s.column}{end}" for s in HIGHLEVEL_INDICATORS for end in ("_codelow", "_codehigh")]
    raw = read_csv(
        path,
        required=(
            name_col,
            "country_text_id",
            "country_id",
            "year",
            *(s.column for s in HIGHLEVEL_INDICATORS),
            *bounds,
        ),
    )
    columns: dict[str, pd.Series] = {
        ROW: raw[ROW],
        "vdem_country_name": raw[name_col],
        "country_text_id": raw["country_text_id"],
        "country_id": to_number(raw, "country_id", file=path, integer=True, minimum=1),
        "year": to_number(raw, "year", file=path, integer=True, minimum=1700, maximum=2100),
    }
    keys: dict[str, CountryKey] = {"country_id": "vdem_id"}
    if "GWn" in raw:
        columns["GWn"] = to_number(raw, "GWn", file=path, integer=True, minimum=1, maximum=999)
        keys["GWn"] = "gwcode"
    cow_source = "cown" if "cown" in raw else "COWcode" if "COWcode" in raw else None
    if cow_source is not None:
        columns["cown"] = to_number(
            raw, cow_source, file=path, integer=True, minimum=1, maximum=999
        )
        keys["cown"] = "cowcode"
    vdem_cow = "vdem_cowcode" if "vdem_cowcode" in raw else "COWcode" if "COWcode" in raw else None
    if vdem_cow is not None:
        columns["vdem_cowcode"] = to_number(raw, vdem_cow, file=path, integer=True, minimum=1)
    keys["vdem_country_name"] = "name"
    for spec in HIGHLEVEL_INDICATORS:
        for suffix in ("", "_codelow", "_codehigh", "_sd"):
            col = f"{spec.column}{suffix}"
            if suffix == "_sd":
                if col in raw:
                    columns[col] = to_number(raw, col, file=path, minimum=0)
                continue
            columns[col] = to_number(raw, col, file=path, minimum=0, maximum=1)
    frame = pd.DataFrame(columns)
    check_unique(frame, ["country_id", "year"], file=path)
    return ParsedTable(
        table="indicators",
        frame=frame,
        country_keys=keys,
        indicators=HIGHLEVEL_INDICATORS,
        name_column="vdem_country_name",
        description="V-Dem v15 high-level democracy indices with 68% intervals.",
    )


def _parse_lite(path: Path) -> ParsedTable:
    import pandas as pd

    raw = read_csv(path, required=_LITE_IDS)
    tags = [c for c in raw.columns if c not in (*_LITE_IDS, ROW) and c not in NEWER_RELEASE]
    if not tags:
        raise DataFileError(
            "the file has no V-Dem variables besides the identifiers.",
            file=path,
            row=1,
            hint="Check that this is the vdemlite country-year file.",
        )
    specs = tuple(_lite_spec(tag) for tag in tags)
    columns: dict[str, pd.Series] = {
        ROW: raw[ROW],
        "country_name": raw["country_name"],
        "country_text_id": raw["country_text_id"],
        "country_id": to_number(raw, "country_id", file=path, integer=True, minimum=1),
        "year": to_number(raw, "year", file=path, integer=True, minimum=1700, maximum=2100),
    }
    frame = pd.DataFrame({**columns, **indicator_values(raw, specs, file=path)})
    check_unique(frame, ["country_id", "year"], file=path)
    return ParsedTable(
        table="indicators",
        frame=frame,
        country_keys={"country_id": "vdem_id", "country_name": "name"},
        indicators=specs,
        name_column="country_name",
        description="V-Dem v14 variables from vdemlite (newer-release series left out).",
    )


def _parse_lookup(path: Path) -> ParsedTable:
    raw = read_csv(path, required=("tag", "name", "level"))
    blank = raw["tag"].isna() | raw["name"].isna()
    if blank.any():
        i = int(blank.to_numpy().nonzero()[0][0])
        column = "tag" if raw["tag"].iloc[i] is None else "name"
        raise DataFileError(
            "the variable tag or its label is empty.",
            file=path,
            row=int(raw[ROW].iloc[i]),
            column=column,
            hint="Restore the producer's lookup table.",
        )
    keep = [c for c in _LOOKUP_COLUMNS if c in raw.columns]
    frame = raw[[ROW, *keep]].copy()
    # Tags repeat on purpose (one row per place in the aggregation tree): no uniqueness check.
    return ParsedTable(
        table="vdem_variables",
        frame=frame,
        year_column=None,
        description="Labels and aggregation hierarchy of the vdemlite (V-Dem v14) variables.",
    )


def _header(path: Path) -> list[str]:
    """Column names of a CSV (or of the one CSV in a zip) without reading the body."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
                if len(names) != 1:
                    return []  # read_csv reports the problem with the archive
                with archive.open(names[0]) as handle:
                    first = handle.readline()
        else:
            with Path(path).open("rb") as handle:
                first = handle.readline()
    except (OSError, zipfile.BadZipFile):
        return []  # read_csv reports a missing or unreadable file
    text = first.decode("utf-8-sig", errors="replace").rstrip("\r\n")
    return [c.strip() for c in next(csv.reader([text]), [])]
