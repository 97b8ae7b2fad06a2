"""One country identity: the canonical country table, its concordances and the resolver.

* :func:`build_country_table` (``table.py``): ISO3, name, G&W, COW, V-Dem id, World Bank code,
  region, land neighbours; historical states DDR, YMD and RVN; Kosovo as XKX.
* ``data/*.csv`` (``concordance.py``): code rules, name aliases, historical states and explained
  non-matches, kept as data and checked on load.
* :class:`CountryResolver` (``resolve.py``): maps any source's names and codes to ISO3,
  year-aware, vectorised, and says why a row is not matched.

Importing this package is light: pandas loads when a table or resolver is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stabilis._lazy import lazy_exports

if TYPE_CHECKING:
    from stabilis.countries.concordance import Concordance, load_concordance
    from stabilis.countries.names import normalise_name
    from stabilis.countries.resolve import CountryResolver, load_reference
    from stabilis.countries.table import build_country_table

__all__ = [
    "Concordance",
    "CountryResolver",
    "build_country_table",
    "load_concordance",
    "load_reference",
    "normalise_name",
]

_HOMES = {
    "Concordance": "stabilis.countries.concordance",
    "load_concordance": "stabilis.countries.concordance",
    "normalise_name": "stabilis.countries.names",
    "CountryResolver": "stabilis.countries.resolve",
    "load_reference": "stabilis.countries.resolve",
    "build_country_table": "stabilis.countries.table",
}


__getattr__ = lazy_exports(__name__, _HOMES)
