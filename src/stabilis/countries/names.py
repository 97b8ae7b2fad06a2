"""Country-name normalisation and the countrycode regular expressions.

:func:`normalise_name` makes spellings comparable: accents stripped, case folded, ``&`` read as
``and``, punctuation turned into spaces, ``the`` dropped and ``st`` read as ``saint``. So
"Côte d'Ivoire", "COTE D IVOIRE" and "Cote d'Ivoire" are one key.

:class:`RegexMatcher` applies countrycode's ``country.name.en.regex`` patterns (written for R
with ``perl = TRUE``; all 292 compile in Python's :mod:`re`, and any that would not are skipped)
case-insensitively to the raw name. When patterns of several countries match, the name is
reported as ambiguous rather than guessed, unless every match is an explained non-match
(e.g. "Vietnam (Annam/Cochin China/Tonkin)" matches both Vietnam and China: it has an alias).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_PUNCTUATION = re.compile(r"[^\w\s]|_")
_SPACES = re.compile(r"\s+")
_WORDS = {"the": "", "st": "saint", "and": "and"}


def normalise_name(name: str) -> str:
    """The comparison key of a country name."""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("&", " and ").replace("’", "'")
    text = text.replace("'", "")
    text = _PUNCTUATION.sub(" ", text)
    words = [_WORDS.get(word, word) for word in _SPACES.split(text)]
    return " ".join(word for word in words if word)


@dataclass(frozen=True)
class RegexMatch:
    """Result of matching one name: the target (ISO3 or an explained reason) or why none."""

    target: str | None
    explained: bool = False
    ambiguous: tuple[str, ...] = ()


class RegexMatcher:
    """countrycode's name patterns, each pointing at an ISO3 or at an explained non-match."""

    def __init__(self, patterns: Iterable[tuple[str, str, bool]]) -> None:
        """``patterns`` yields ``(regex, target, explained)``; broken patterns are skipped."""
        self._patterns: list[tuple[re.Pattern[str], str, bool]] = []
        self.skipped: list[str] = []
        for pattern, target, explained in patterns:
            try:
                compiled = re.compile(pattern, re.IGNORECASE)
            except re.error:
                self.skipped.append(pattern)
                continue
            self._patterns.append((compiled, target, explained))

    def match(self, name: str) -> RegexMatch:
        best: set[tuple[str, bool]] = set()
        for pattern, target, explained in self._patterns:
            if pattern.search(name):
                best.add((target, explained))
        if not best:
            return RegexMatch(target=None)
        winners = sorted(best)
        if all(explained for _, explained in winners):
            return RegexMatch(target=winners[0][0], explained=True)
        if len(winners) > 1:
            return RegexMatch(target=None, ambiguous=tuple(sorted(t for t, _ in winners)))
        target, explained = winners[0]
        return RegexMatch(target=target, explained=explained)
