"""Analyst edits to the registry, their review, notes, and the audit log.

The life of an edit::

    analyst: propose (a new fact, or a correction of row X) with >= 1 source and a note
        -> status "proposed", revision 1 (the analyst may revise it: revision 2, 3, ...)
    editor:  approve or reject, naming the revision seen
        -> status "approved" / "rejected"
    stabilis build
        -> approved edits enter the registry with their edit id (E-n) as provenance

Checks at proposal and again at approval: the table and columns exist; the resulting row passes
the registry's schema (dates, codes, confidence); every source is an http(s) address that the
source policy accepts and, when the warehouse has the EUvsDisinfo table, not an outlet it names;
a note says why. Conflicts: a revision or review of a proposal that someone else changed first
gets :class:`~stabilis.errors.ConflictError` (409); a correction whose row was changed by an
approved edit since it was proposed cannot be approved (the analyst re-proposes against the
current row). Nothing is overwritten or lost: every proposal stays in the store.

Notes attach to a country (ISO3), a forecast (``ISO3:target``) or an impact case (its id) and are
stored verbatim; the interfaces escape them when they show them.
"""

from __future__ import annotations

from .service import EditService, format_edit_id, parse_edit_id

__all__ = ["EditService", "format_edit_id", "parse_edit_id"]
