"""The registry's source policy: which cited addresses may support a fact, and how strongly.

Every address cited in a ``source`` cell is put in one tier (``data/source_policy.json``,
transcribed with attribution from the seed registry's ``checks/policy.py``):

``preferred``   NATO, governments, parliaments, the UN/EU/OSCE, think tanks of record, major news
``other``       established national or specialist outlets with editorial oversight
``secondary``   Wikipedia, its mirrors and general encyclopedias: a second source only
``never``       disinformation outlets, content farms, aggregators, blogs, shops (refused)

A row's **support** is its strongest tier. A row whose only sources are ``secondary`` is
``second_tier_only``: interfaces show it as such, never as plain fact. A row with ``confidence``
``unverified`` is shown as unverified whatever its sources.

On top of the tier lists, an address is refused when its domain is an outlet named in the
warehouse's EUvsDisinfo table (:func:`outlet_matches`, given the outlet names), and the policy
file lists the cited domains that matched at transcription (``disinfo_outlets_cited``).
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

Tier = Literal["preferred", "other", "secondary", "never"]
TIERS: tuple[Tier, ...] = ("preferred", "other", "secondary", "never")
SUPPORT_ORDER: dict[str, int] = {"preferred": 0, "other": 1, "secondary": 2, "never": 3, "none": 4}

POLICY_FILE = Path(__file__).resolve().parent / "data" / "source_policy.json"
SEPARATOR = " | "
_DOMAIN_OUTLET = re.compile(r"^[a-z0-9][a-z0-9.-]*\.[a-z]{2,}$")


@dataclass(frozen=True)
class SourcePolicy:
    """The tier lists, as read from ``source_policy.json``."""

    never_exact: frozenset[str]
    never_suffix: tuple[str, ...]
    never_contains: tuple[str, ...]
    secondary_exact: frozenset[str]
    preferred_suffix: tuple[str, ...]
    preferred_exact: frozenset[str]
    disinfo_domains: dict[str, str]
    not_the_same_outlet: dict[str, str]
    attribution: str

    def classify(self, url: str) -> Tier:
        """The tier of one cited address."""
        d = domain(url)
        if (
            d in self.never_exact
            or d.endswith(self.never_suffix)
            or any(c in d for c in self.never_contains)
            or _within(d, self.disinfo_domains)
        ):
            return "never"
        if d in self.secondary_exact:
            return "secondary"
        if d in self.preferred_exact or d.endswith(self.preferred_suffix):
            return "preferred"
        return "other"


def _within(d: str, domains: Iterable[str]) -> bool:
    return any(d == x or d.endswith("." + x) for x in domains)


def domain(url: str) -> str:
    """The host of ``url``, lower case, without ``www.``, port or trailing dot."""
    text = url.strip()
    if "//" not in text:
        text = "//" + text
    host = urllib.parse.urlparse(text).netloc.lower().rstrip(".").split(":")[0]
    return host.removeprefix("www.")


@lru_cache(maxsize=1)
def load_policy(path: str | None = None) -> SourcePolicy:
    """The package's source policy (or the one at ``path``)."""
    raw: dict[str, Any] = json.loads(Path(path or POLICY_FILE).read_text(encoding="utf-8"))
    return SourcePolicy(
        never_exact=frozenset(raw["never_exact"]),
        never_suffix=tuple(raw["never_suffix"]),
        never_contains=tuple(raw["never_contains"]),
        secondary_exact=frozenset(raw["secondary_exact"]),
        preferred_suffix=tuple(raw["preferred_suffix"]),
        preferred_exact=frozenset(raw["preferred_exact"]),
        disinfo_domains=dict(raw["disinfo_outlets_cited"]["domains"]),
        not_the_same_outlet=dict(raw["not_the_same_outlet"]["domains"]),
        attribution=str(raw["attribution"]),
    )


def split_sources(cell: str) -> list[str]:
    """The addresses in a ``source`` cell (separated by `` | ``)."""
    return [part.strip() for part in cell.split(SEPARATOR) if part.strip()]


def tier(url: str) -> Tier:
    """The tier of one cited address under the package's policy."""
    return load_policy().classify(url)


def support(cell: str) -> str:
    """A row's strongest tier (``preferred``, ``other``, ``secondary``, ``never``) or ``none``."""
    tiers = [tier(url) for url in split_sources(cell)]
    if not tiers:
        return "none"
    return min(tiers, key=SUPPORT_ORDER.__getitem__)


def second_tier_only(cell: str) -> bool:
    """True when the row has sources and every one of them is second-tier (``secondary``)."""
    tiers = [tier(url) for url in split_sources(cell)]
    return bool(tiers) and all(t == "secondary" for t in tiers)


def never_sources(cell: str) -> list[str]:
    """The addresses in ``cell`` that the policy never accepts."""
    return [url for url in split_sources(cell) if tier(url) == "never"]


def _outlet_key(name: str) -> str:
    base = name.lower().split(" - ")[0].split(" @")[0]
    return re.sub(r"[^a-z0-9]", "", base)


@dataclass(frozen=True)
class OutletIndex:
    """EUvsDisinfo outlet names, indexed for matching against cited addresses."""

    domains: frozenset[str]
    names: frozenset[str]

    @classmethod
    def from_names(cls, outlets: Iterable[str]) -> OutletIndex:
        domains: set[str] = set()
        names: set[str] = set()
        for raw in outlets:
            for outlet in str(raw).split("+"):
                text = outlet.strip().lower()
                if not text:
                    continue
                if _DOMAIN_OUTLET.match(text):
                    domains.add(text.removeprefix("www."))
                key = _outlet_key(text)
                if len(key) >= 4:
                    names.add(key)
        return cls(frozenset(domains), frozenset(names))

    def match(self, url: str) -> str | None:
        """Why ``url`` is an EUvsDisinfo outlet (``domain ...`` / ``name ...``), else ``None``."""
        d = domain(url)
        if _within(d, self.domains):
            return f"domain {d} is named as an outlet in EUvsDisinfo"
        label = re.sub(r"[^a-z0-9]", "", _registered_name(d))
        if label in self.names and not _within(d, load_policy().not_the_same_outlet):
            return f"the outlet name '{label}' is named in EUvsDisinfo"
        return None


_SECOND_LEVEL = {"com", "co", "org", "net", "gov", "gv", "ac", "edu", "mil", "info"}


def _registered_name(d: str) -> str:
    """The name under which a domain is registered: ``interfax`` for ``en.interfax.com.ua``."""
    parts = d.split(".")
    if len(parts) >= 3 and len(parts[-1]) == 2 and parts[-2] in _SECOND_LEVEL:
        return parts[-3]
    return parts[-2] if len(parts) >= 2 else d


def outlet_matches(cells: Iterable[str], index: OutletIndex) -> list[tuple[str, str]]:
    """``(address, reason)`` for every cited address that is an EUvsDisinfo outlet."""
    hits = []
    for cell in cells:
        for url in split_sources(cell):
            reason = index.match(url)
            if reason:
                hits.append((url, reason))
    return hits
