"""Hybrid threats (the support audit and the resilience scorecard are in :mod:`stabilis.alliance`).

* :mod:`.cyber` — DCID state-on-state cyber operations per target country-year, with incidents;
* :mod:`.disinfo` — EUvsDisinfo cases by targeted country, keyword and month;
* :mod:`.events` — the event pipeline's one specification (GDELT 2.0 exports -> hostile events
  per country-month and -year), run on DuckDB (:mod:`stabilis.store.events`) or Spark
  (:mod:`.spark`) from the same SQL;
* :mod:`.alerts` — the robust z-score rule; :mod:`.profile` — a country's threat profile;
* :mod:`.service` — :class:`ThreatService`, the entry point every interface uses.

See docs/threats.md for definitions and caveats.
"""

from stabilis.services import WorkspaceLike
from stabilis.threats.service import ThreatService

__all__ = ["ThreatService", "WorkspaceLike"]
