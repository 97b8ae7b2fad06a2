"""The stated rules and definitions the interfaces print beside a result.

The CLI, the API and the dashboard show how a number was made: the alert rules, the incident
matching window, PEI's dimensions, a threat count's coverage wording, the support components and
need weights, the resilience requirements, the verdict labels and the DiD aggregations. They
read them here (the interfaces import only the Workspace and ``report/``); each is defined once,
in the domain module that applies it, and only named again here.
"""

from __future__ import annotations

from stabilis.alliance.resilience import OVERALL_MIN_REQUIREMENTS, REQUIREMENTS
from stabilis.alliance.support import COMPONENTS, NEED_WEIGHTS, sanity
from stabilis.impact.did import AGGREGATIONS
from stabilis.impact.verdict import display
from stabilis.threats.alerts import MONTHLY, YEARLY
from stabilis.threats.elections import PEI_DIMENSIONS
from stabilis.threats.incidents import CLOSE_DAYS, MATCH_DAYS
from stabilis.threats.signals import status_text

__all__ = [
    "AGGREGATIONS",
    "CLOSE_DAYS",
    "COMPONENTS",
    "MATCH_DAYS",
    "MONTHLY",
    "NEED_WEIGHTS",
    "OVERALL_MIN_REQUIREMENTS",
    "PEI_DIMENSIONS",
    "REQUIREMENTS",
    "YEARLY",
    "display",
    "sanity",
    "status_text",
]
