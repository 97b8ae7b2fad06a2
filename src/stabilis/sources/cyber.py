"""Dyadic Cyber Incident and Campaign Data (DCID) v2.0, February 2023 update.

The staged file is a CSV conversion of the "DCID_2.0_Release_update_February_2023" sheet of the
producers' workbook as kept in repo ``hilangoe/CyberCrises`` (commit 21c047a7; SOURCES.md
section 8): empty rows dropped, dates normalised to ISO. All numbers are written like ``"1.0"``.

The parser emits the records table ``cyber_incidents``, **one row per source row**. Each
``incident_id`` (``Cyberincidentnum``) has two rows in this release: the operation itself and
the other state's side of the interaction, which is usually a "No Cyber" row (``name`` "No
Cyber" or empty, every code 0, ``severity`` 0). ``severity`` is therefore validated on 0-10:
1-10 is the codebook's scale, 0 marks a row without a cyber operation;
``is_cyber_operation`` is False when both ``method`` and ``severity`` are 0. The targeted state
(``target``, a COW code) is the row's country; ``initiator`` is the second country role.

Codes. ``method`` keeps the codebook's decimal sub-codes (3.1, 4.1-4.4), so it is a float and
``method_group`` (its whole part) is labelled: 1 vandalism, 2 denial of service, 3 network
intrusion, 4 network infiltration. ``cyber_objective``: 1 disruption, 2 short-term espionage,
3 long-term espionage, 4 degradation. ``target_type``: 1 private/non-state, 2 government
non-military, 3 government military. ``damage_type``: 1 direct-immediate, 2 direct-delayed,
3 indirect-immediate, 4 indirect-delayed. Severity levels and the method sub-codes need the
codebook (``dcidv2codebook.pdf``) for their wording; Stabilis keeps them as codes.

Responses. The diplomatic/economic/military response columns (``d_*``, ``e_*``, ``m_*``)
hold the producer's response code (e.g. 6.0, 4.2, 2.8; 0 = no such response), kept as floats.
The group columns (``diplo_negative`` ... ``mil_positive``) count the non-zero responses of
their group, and ``conv_deescalation`` / ``conv_escalation`` sum the positive / negative
groups. In the staged file many of these cells are **unevaluated Excel formulas**
(``=SUM($X3+$Y3+$Z3)``, left by the conversion) and one is empty: the parser recomputes such
cells with the rule above (which reproduces over 99% of the literal cells) and sets
``responses_recomputed`` on the row; literal cells are kept as the producer wrote them. A
formula found in a response-code cell (one: row 254, ``Ecoop+``) becomes missing and also sets
``responses_recomputed``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from stabilis.sources.base import ROW, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import check_dates, read_csv, to_number

if TYPE_CHECKING:
    import pandas as pd

SPEC = SourceSpec(
    name="cyber",
    title="Dyadic Cyber Incident and Campaign Data (DCID) v2.0",
    producer="Maness, Valeriano, Hedgecock, Jensen & Macias",
    release="DCID 2.0, February 2023 update (incidents 2000-2021)",
    licence="Academic dataset, free with citation; no formal licence",
    citation=(
        "Maness, R. C., Valeriano, B., Hedgecock, K., Jensen, B. M. & Macias, J. M. (2023). "
        "The Dyadic Cyber Incident and Campaign Data (DCID) v2.0, February 2023 update; "
        "Valeriano, B. & Maness, R. C. (2014). The dynamics of cyber conflict between rival "
        "antagonists, 2001-11. Journal of Peace Research 51(3)."
    ),
    homepage="https://drryanmaness.wixsite.com/cyberconflict/cyber-conflict-dataset",
    files=(
        SourceFile(
            key="dcid",
            mirror_path="cyber/dcid_v2_0_feb2023.csv",
            url="https://drryanmaness.wixsite.com/cyberconflict/cyber-conflict-dataset",
            description=(
                "Incident-target rows of DCID 2.0 (staged: CSV conversion of the Feb-2023 sheet "
                "of the workbook in repo hilangoe/CyberCrises, commit 21c047a7)."
            ),
        ),
    ),
    caveats=(
        "State-on-state incidents among rival dyads only. Each incident has a 'No Cyber' reply "
        "row (severity 0). Response group totals were unevaluated formulas and are recomputed."
    ),
)

METHOD_GROUPS = {
    1: "vandalism",
    2: "denial of service",
    3: "network intrusion",
    4: "network infiltration",
}
OBJECTIVES = {
    1: "disruption",
    2: "short-term espionage",
    3: "long-term espionage",
    4: "degradation",
}
TARGET_TYPES = {
    1: "private or non-state",
    2: "government, non-military",
    3: "government, military",
}
DAMAGE_TYPES = {
    1: "direct and immediate",
    2: "direct and delayed",
    3: "indirect and immediate",
    4: "indirect and delayed",
}

#: Whole-number code columns: source name -> (output name, minimum, maximum).
_CODES: dict[str, tuple[str, int, int]] = {
    "targettype": ("target_type", 0, 3),
    "cyber_objective": ("cyber_objective", 0, 4),
    "information_operation": ("information_operation", 0, 1),
    "objective_achievement": ("objective_achievement", 0, 1),
    "Concession": ("concession", 0, 1),
    "damage type": ("damage_type", 0, 4),
    "severity": ("severity", 0, 10),
    "Cyber_escalation": ("cyber_escalation", 0, 1),
}

#: Response groups: group column -> its component columns (source name -> output name).
_RESPONSES: dict[tuple[str, str], dict[str, str]] = {
    ("Diplo_Negative", "diplo_negative"): {
        "Ddeny/reject-": "d_deny_reject",
        "Dthreat/demand-": "d_threat_demand",
    },
    ("Diplo_Positive", "diplo_positive"): {
        "Dnegotiate+": "d_negotiate",
        "Dagreement+": "d_agreement",
    },
    ("Econ_Negative", "econ_negative"): {
        "Ereduce-": "e_reduce",
        "Ethreat-": "e_threat",
        "Eemb/sanc-": "e_embargo_sanction",
    },
    ("Econ_Positive", "econ_positive"): {
        "Ecoop+": "e_cooperate",
        "Eease+": "e_ease",
        "Eaid+": "e_aid",
    },
    ("Mil_Negative", "mil_negative"): {
        "Mthreat-": "m_threat",
        "Mdisplay-": "m_display",
        "Musage-": "m_usage",
    },
    ("Mil_Positive", "mil_positive"): {
        "Mpromise+": "m_promise",
        "Mcoop+": "m_cooperate",
        "Mconfid+": "m_confidence",
    },
}
_CONVERSIONS = {
    ("Conv_descalation", "conv_deescalation"): ("diplo_positive", "econ_positive", "mil_positive"),
    ("Conv_escalation", "conv_escalation"): ("diplo_negative", "econ_negative", "mil_negative"),
}


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse the DCID 2.0 incident file into the ``cyber_incidents`` records table."""
    import numpy as np
    import pandas as pd

    SPEC.file(file_key)
    components = [c for group in _RESPONSES.values() for c in group]
    groups = [source for source, _ in _RESPONSES] + [source for source, _ in _CONVERSIONS]
    required = (
        "Cyberincidentnum",
        "Dyadpair",
        "StateA",
        "StateB",
        "Name",
        "interactionstartdate",
        "method",
        "initiator",
        "target",
        *_CODES,
        *components,
        *groups,
    )
    raw = read_csv(path, required=required)
    frame = pd.DataFrame({ROW: raw[ROW]})
    frame["incident_id"] = to_number(raw, "Cyberincidentnum", file=path, integer=True, minimum=1)
    frame["dyad_pair"] = to_number(raw, "Dyadpair", file=path, integer=True, minimum=1)
    frame["state_a"] = raw["StateA"].str.strip()
    frame["state_b"] = raw["StateB"].str.strip()
    frame["name"] = raw["Name"].str.strip()
    frame["start_date"] = check_dates(
        raw,
        "interactionstartdate",
        file=path,
        required=True,
        hint="Every incident needs a start date; restore the producer's file.",
    )
    frame["year"] = frame["start_date"].str.slice(0, 4).astype("int64")
    frame["method"] = to_number(raw, "method", file=path, minimum=0, maximum=4.9)
    frame["method_group"] = np.floor(frame["method"]).astype("Int64")
    frame["method_label"] = frame["method_group"].map(METHOD_GROUPS).astype(object)
    for column in ("initiator", "target"):
        frame[column] = to_number(raw, column, file=path, integer=True, minimum=1, maximum=999)
    for source, (out, low, high) in _CODES.items():
        frame[out] = to_number(raw, source, file=path, integer=True, minimum=low, maximum=high)
    frame["cyber_objective_label"] = frame["cyber_objective"].map(OBJECTIVES).astype(object)
    frame["target_type_label"] = frame["target_type"].map(TARGET_TYPES).astype(object)
    frame["damage_type_label"] = frame["damage_type"].map(DAMAGE_TYPES).astype(object)
    frame["is_cyber_operation"] = (frame["method"] != 0) | (frame["severity"] != 0)

    recomputed = pd.Series(False, index=raw.index)
    for (source, out), members in _RESPONSES.items():
        for member, member_out in members.items():
            # A formula in a response-code cell (one in the staged file: row 254, Ecoop+) is a
            # conversion artefact with no code behind it: it becomes missing.
            misplaced = raw[member].str.startswith("=", na=False)
            cleaned = raw.assign(**{member: raw[member].where(~misplaced, None)})
            frame[member_out] = to_number(cleaned, member, file=path, minimum=0)
            recomputed |= misplaced
        count = (frame[list(members.values())].fillna(0) != 0).sum(axis=1)
        frame[out], flagged = _literal_or(raw, source, count, path)
        recomputed |= flagged
    for (source, out), parts in _CONVERSIONS.items():
        total = frame[list(parts)].astype("int64").sum(axis=1)
        frame[out], flagged = _literal_or(raw, source, total, path)
        recomputed |= flagged
    frame["responses_recomputed"] = recomputed.to_numpy()

    columns = [c for c in frame.columns if c != ROW]
    return [
        ParsedTable(
            table="cyber_incidents",
            frame=frame[[*columns, ROW]],
            country_keys={"target": "cowcode"},
            other_countries={"initiator_iso3": {"initiator": "cowcode"}},
            name_column="state_b",
            description=(
                "DCID 2.0 incident-target rows; the target state is the row's country. "
                "Rows with is_cyber_operation False are the 'No Cyber' side of an interaction."
            ),
        )
    ]


def _literal_or(
    raw: pd.DataFrame, column: str, computed: pd.Series, path: Path
) -> tuple[pd.Series, pd.Series]:
    """Keep literal counts; put ``computed`` in place of ``=...`` formulas and empty cells."""
    text = raw[column]
    formula = text.isna() | text.str.startswith("=", na=False)
    literal = raw.assign(**{column: text.where(~formula, None)})
    values = to_number(literal, column, file=path, integer=True, minimum=0)
    return values.where(~formula, computed.astype("Int64")).astype("Int64"), formula
