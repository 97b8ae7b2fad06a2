"""The one table of country groups: every name a user may ask for, with what it holds.

The CLI (``--group``), the API (``?group=``, ``/api/v1/groups``), the dashboard's filters and the
services all read this table. ``all`` is every country in the warehouse, everywhere; the NATO
members together with the partners is ``members_and_partners``. Membership is resolved for a year
by :meth:`stabilis.registry.Registry.group_members` (registry groups) and
:meth:`stabilis.workspace.Workspace.group_members` (``all`` too). This module imports only
``errors``.
"""

from __future__ import annotations

from dataclasses import dataclass

from stabilis.errors import QueryError


@dataclass(frozen=True)
class Group:
    """A group's name (what users type), a short label and a one-line description."""

    name: str
    label: str
    description: str


_TABLE = (
    Group("all", "All countries", "every country in the warehouse"),
    Group("nato", "NATO members", "NATO member states"),
    Group("partners", "All partners", "NATO partners in any framework that are not members"),
    Group(
        "members_and_partners",
        "Members and partners",
        "NATO members together with the partners (nato plus partners)",
    ),
    Group("pfp", "Partnership for Peace", "Partnership for Peace partners (not members)"),
    Group("eapc", "EAPC", "Euro-Atlantic Partnership Council partners (not members)"),
    Group("md", "Mediterranean Dialogue", "Mediterranean Dialogue partners"),
    Group("ici", "Istanbul Cooperation Initiative", "Istanbul Cooperation Initiative partners"),
    Group("global", "Partners across the globe", "partners across the globe"),
)

#: Group name -> its one-line description, in the order an analyst reads them.
GROUPS: dict[str, str] = {g.name: g.description for g in _TABLE}
#: Group name -> its short label (the dashboard's filters and chips).
LABELS: dict[str, str] = {g.name: g.label for g in _TABLE}
#: The groups the registry resolves by itself (``all`` needs the warehouse's country table).
REGISTRY_GROUPS: tuple[str, ...] = tuple(g.name for g in _TABLE if g.name != "all")
#: ``nato, partners, ...``: for help texts.
NAMES = ", ".join(GROUPS)


def check_group(name: str, parameter: str = "group") -> str:
    """The group's canonical name, or a :class:`QueryError` naming ``parameter`` and listing
    the groups."""
    key = str(name).strip().lower()
    if key not in GROUPS:
        raise QueryError(
            f"There is no group '{name}'. Groups: {NAMES}.",
            details={"parameter": parameter, "value": name, "groups": list(GROUPS)},
        )
    return key
