"""V-Dem Codebook v15: the definition of every V-Dem variable (metadata, no values).

The staged file is a CSV conversion of ``data/codebook.RData`` (object ``codebook``) of repo
``vdeminstitute/vdemdata`` at commit c7836967 (the "v15 update"; SOURCES.md section 17): 828
variables with their label, question, clarification, responses, scale and years.

The parser emits the records table ``vdem_codebook``, one row per ``tag`` (the variable's code
without suffix, e.g. ``v2elintim``): ``label`` (the codebook's ``name``), ``vartype``,
``question``, ``clarification``, ``responses``, ``scale``, ``years``, ``cy_aggregation``,
``datarelease`` and ``project_manager``. Long texts keep their line breaks. A tag listed twice
is an error. :func:`definitions_for` matches warehouse codes (``vdem.v2elintim``,
``vdem.v2x_polyarchy``, ``vdem.v2elintim_ord``) to the codebook's tags, so every V-Dem
indicator can show its question and scale.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from stabilis.sources.base import ROW, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import check_unique, read_csv, refuse_empty

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pandas as pd

SPEC = SourceSpec(
    name="vdem_codebook",
    title="V-Dem Codebook v15",
    producer="V-Dem Institute",
    release="Codebook v15 (vdemdata commit c7836967, 2025-03-12)",
    licence="CC BY-SA 4.0 (the vdemdata package is GPL-3)",
    citation=(
        "Coppedge, M. et al. (2025). V-Dem Codebook v15. Varieties of Democracy (V-Dem) Project."
    ),
    homepage="https://www.v-dem.net/data/reference-documents/",
    files=(
        SourceFile(
            key="codebook",
            mirror_path="vdem_codebook/vdem_v15_codebook.csv",
            url="https://github.com/vdeminstitute/vdemdata/blob/master/data/codebook.RData",
            description="V-Dem v15 codebook, one row per variable (staged: CSV conversion of "
            "vdemdata data/codebook.RData).",
        ),
    ),
    caveats="Metadata only; it also defines variables (Digital Society Project) with no staged values.",
)

#: Suffixes V-Dem adds to a tag for its variants (longest first).
SUFFIXES = ("_codelow", "_codehigh", "_osp", "_ord", "_mean", "_sd", "_nr")

_COLUMNS = {
    "name": "label",
    "vartype": "vartype",
    "question": "question",
    "clarification": "clarification",
    "responses": "responses",
    "scale": "scale",
    "years": "years",
    "cy_aggregation": "cy_aggregation",
    "datarelease": "datarelease",
    "projectmanager": "project_manager",
}


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse the codebook into ``vdem_codebook``."""
    import pandas as pd

    SPEC.file(file_key)
    raw = read_csv(path, required=("tag", *_COLUMNS))
    refuse_empty(
        raw,
        "tag",
        "the variable has no tag.",
        file=path,
        hint="Restore the codebook; every variable has a tag.",
    )
    tags = raw["tag"].astype(object)
    frame = pd.DataFrame({"tag": tags.str.strip()})
    for source, out in _COLUMNS.items():
        frame[out] = raw[source]
    frame[ROW] = raw[ROW]
    check_unique(frame, ["tag"], file=path)
    return [
        ParsedTable(
            table="vdem_codebook",
            frame=frame,
            year_column=None,
            description="V-Dem v15 codebook: label, question, responses and scale per tag.",
        )
    ]


def tag_of(code: str) -> str:
    """The codebook tag of a warehouse code: ``vdem.v2elintim_ord`` -> ``v2elintim``."""
    tag = code.removeprefix("vdem.")
    for suffix in SUFFIXES:
        if tag.endswith(suffix):
            return tag[: -len(suffix)]
    return tag


def definitions_for(codes: Iterable[str], codebook: pd.DataFrame) -> pd.DataFrame:
    """One row per warehouse code with the codebook's label, question, responses and scale.

    Codes without a codebook entry get a row with ``tag`` set and the texts empty (``found``
    False), so a caller sees which codes the codebook does not define.
    """
    import pandas as pd

    wanted = pd.DataFrame({"indicator": list(codes)})
    known = set(codebook["tag"])
    # A dummy of a categorical variable (v2eltype_0) is defined under its variable's tag.
    wanted["tag"] = [
        tag
        if tag in known or "_" not in tag or not tag.rsplit("_", 1)[1].isdigit()
        else tag.rsplit("_", 1)[0]
        for tag in wanted["indicator"].map(tag_of)
    ]
    keep = ["tag", "label", "question", "clarification", "responses", "scale", "years"]
    out = wanted.merge(codebook[keep], on="tag", how="left")
    out["found"] = out["label"].notna()
    return out
