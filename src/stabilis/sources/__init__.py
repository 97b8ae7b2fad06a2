"""One module per dataset: a spec (release, address, licence, citation) and a pure parser.

:data:`SOURCE_MODULES` lists them; :func:`get_source` and :func:`all_sources` load them lazily.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from stabilis.errors import NotFoundError
from stabilis.sources.base import ParsedTable, SourceFile, SourceSpec

__all__ = ["SOURCE_MODULES", "ParsedTable", "SourceFile", "SourceSpec", "all_sources", "get_source"]

#: Source name -> module. The order is the build order (reference data first).
SOURCE_MODULES: dict[str, str] = {
    "reference": "stabilis.sources.reference",
    "state_system": "stabilis.sources.state_system",
    "vdem": "stabilis.sources.vdem",
    "vdem_ert": "stabilis.sources.vdem_ert",
    "freedom_house": "stabilis.sources.freedom_house",
    "polity5": "stabilis.sources.polity5",
    "wgi": "stabilis.sources.wgi",
    "ucdp": "stabilis.sources.ucdp",
    "demspaces": "stabilis.sources.demspaces",
    "alliances_igo": "stabilis.sources.alliances_igo",
    "cyber": "stabilis.sources.cyber",
    "disinfo": "stabilis.sources.disinfo",
    "fsi": "stabilis.sources.fsi",
    "bti": "stabilis.sources.bti",
    "reign": "stabilis.sources.reign",
    "gdelt": "stabilis.sources.gdelt",
    "geo": "stabilis.sources.geo",
    "sipri": "stabilis.sources.sipri",
    "nato_defexp": "stabilis.sources.nato_defexp",
    "troopdata": "stabilis.sources.troopdata",
    "mme": "stabilis.sources.mme",
    "un_pko": "stabilis.sources.un_pko",
    "us_aid": "stabilis.sources.us_aid",
    "eurostat_energy": "stabilis.sources.eurostat_energy",
    "inform": "stabilis.sources.inform",
    "ember": "stabilis.sources.ember",
    "owid_archive": "stabilis.sources.owid_archive",
}


def get_source(name: str) -> ModuleType:
    """The module of source ``name`` (it has ``SPEC`` and ``parse``)."""
    if name not in SOURCE_MODULES:
        known = ", ".join(SOURCE_MODULES)
        raise NotFoundError(f"There is no source '{name}'. Known sources: {known}.")
    return importlib.import_module(SOURCE_MODULES[name])


def all_sources() -> list[ModuleType]:
    """Every source module, in build order."""
    return [get_source(name) for name in SOURCE_MODULES]
