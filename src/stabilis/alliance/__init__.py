"""What the alliance gives and how resilient its members and partners are.

* :mod:`.support` — the support audit: resources given to each recipient (operation personnel,
  allied troops, exercises, programme amounts, US assistance, programme participation) against
  need; concentration, sensitivity and the sanity cases;
* :mod:`.burden` — burden-sharing among members (NATO's tables, SIPRI beside);
* :mod:`.resilience` — the resilience scorecard of the seven baseline requirements;
* :mod:`.service` — :class:`AllianceService`, the entry point every interface uses.

See docs/alliance.md for definitions, weights, units and coverage rules.
"""

from stabilis.alliance.service import AllianceService
from stabilis.services import WorkspaceLike

__all__ = ["AllianceService", "WorkspaceLike"]
