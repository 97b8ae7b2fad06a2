"""Proposals, reviews, notes and the audit log, over the edits store."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from stabilis.accounts.roles import User, require_role
from stabilis.errors import ConflictError, EditError, NotFoundError, RegistryError
from stabilis.registry import TABLES, Registry, load_registry
from stabilis.registry.overlay import EDITABLE, row_fingerprint
from stabilis.registry.policy import OutletIndex, split_sources, tier
from stabilis.store.edits import EditsStore

NOTE_SUBJECTS = ("country", "forecast", "impact_case")
MAX_TEXT = 4000
_EDIT_ID = re.compile(r"^E-?(\d+)$", re.IGNORECASE)
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def format_edit_id(number: int) -> str:
    return f"E-{number}"


def parse_edit_id(text: str | int) -> int:
    """``E-12``, ``e12`` or ``12`` -> 12."""
    if isinstance(text, int):
        return text
    match = _EDIT_ID.match(text.strip()) or re.match(r"^(\d+)$", text.strip())
    if not match:
        raise NotFoundError(
            f"'{text}' is not an edit id; edit ids look like E-12.", details={"edit_id": text}
        )
    return int(match.group(1))


def _public(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["edit_id"] = format_edit_id(int(out.pop("id")))
    out["fields"] = json.loads(out["fields"])
    out["table"] = out.pop("table_name")
    return out


def _text(value: Any, field: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise EditError(f"'{field}' is empty: fill it.", details={"field": field})
    if len(text) > limit:
        raise EditError(
            f"'{field}' is {len(text)} characters long; the limit is {limit}.",
            details={"field": field},
        )
    if "\x00" in text:
        raise EditError(f"'{field}' contains a NUL character.", details={"field": field})
    return text


class EditService:
    """Everything analysts, editors and admins write, each write with its audit record."""

    def __init__(
        self,
        store: EditsStore,
        outlets: Callable[[], OutletIndex | None] | None = None,
        registry: Callable[[], Registry] | None = None,
    ) -> None:
        self.store = store
        self._outlets = outlets or (lambda: None)
        self._package_registry = registry or load_registry

    # -- reading --------------------------------------------------------------------------

    def approved(self) -> list[dict[str, Any]]:
        """Approved edits in the order they were approved, as the registry overlay takes them."""
        rows = [_public(r) for r in self.store.edits("approved")]
        rows.sort(key=lambda r: (r["reviewed_at"] or "", r["edit_id"]))
        return rows

    def list_edits(self, status: str | None = None) -> list[dict[str, Any]]:
        if status not in (None, "proposed", "approved", "rejected"):
            raise EditError(
                f"'{status}' is not an edit status: use proposed, approved or rejected.",
                details={"field": "status"},
            )
        return [_public(r) for r in self.store.edits(status)]

    def get(self, edit_id: str | int) -> dict[str, Any]:
        row = self.store.edit(parse_edit_id(edit_id))
        if row is None:
            raise NotFoundError(
                f"There is no edit {format_edit_id(parse_edit_id(edit_id))}.",
                details={"edit_id": str(edit_id)},
            )
        return _public(row)

    def current_registry(self) -> Registry:
        """The package registry with every approved edit so far (built or not)."""
        approved = self.store.approved_edits()
        return load_registry(edits=approved) if approved else self._package_registry()

    @staticmethod
    def _overlay_edit(edit: dict[str, Any]) -> dict[str, Any]:
        return {
            "edit_id": edit["edit_id"],
            "action": edit["action"],
            "table": edit["table"],
            "row_id": edit["row_id"],
            "fields": edit["fields"],
        }

    # -- checks ---------------------------------------------------------------------------

    def _check_sources(self, cell: str) -> None:
        urls = split_sources(cell)
        if not urls:
            raise EditError(
                "An edit needs at least one source: give the page address(es), separated by ' | '.",
                details={"field": "source"},
            )
        outlets = self._outlets()
        for url in urls:
            if not _URL.match(url):
                raise EditError(
                    f"'{url}' is not a web address (http:// or https://).",
                    details={"field": "source", "value": url},
                )
            if tier(url) == "never":
                raise EditError(
                    f"'{url}' comes from a domain the source policy never accepts (a "
                    "disinformation outlet, content farm, aggregator, blog or shop). Cite the "
                    "original page instead.",
                    details={"field": "source", "value": url},
                )
            reason = outlets.match(url) if outlets is not None else None
            if reason:
                raise EditError(
                    f"'{url}' is refused: {reason}. Cite another source.",
                    details={"field": "source", "value": url},
                )

    def _clean_fields(self, table: str, fields: dict[str, Any]) -> dict[str, str]:
        if table not in TABLES:
            raise EditError(
                f"'{table}' is not a registry table: use one of {', '.join(TABLES)}.",
                details={"field": "table"},
            )
        clean: dict[str, str] = {}
        for key, value in fields.items():
            if key not in EDITABLE[table]:
                raise EditError(
                    f"'{key}' is not a column an edit can set in {table}. Columns: "
                    f"{', '.join(EDITABLE[table])}.",
                    details={"field": key},
                )
            clean[key] = _text(value, key, required=False)
        return clean

    def _dry_run(
        self, action: str, table: str, row_id: str, fields: dict[str, str], label: str
    ) -> dict[str, Any]:
        """Apply the edit to the current registry; return the resulting row."""
        approved = self.store.approved_edits()
        edit = {
            "edit_id": label,
            "action": action,
            "table": table,
            "row_id": row_id,
            "fields": fields,
        }
        try:
            registry = load_registry(edits=[*approved, edit])
        except RegistryError as exc:
            raise EditError(exc.message, details=exc.details) from exc
        frame = registry.table(table)
        if action == "correct":
            return dict(frame[frame["id"] == row_id].iloc[0])
        return dict(frame[frame["provenance"] == label].iloc[-1])

    # -- proposals ------------------------------------------------------------------------

    def propose(
        self,
        user: User | None,
        *,
        table: str,
        fields: dict[str, Any],
        note: str,
        row_id: str = "",
    ) -> dict[str, Any]:
        """Propose a new fact (``row_id`` empty) or a correction of row ``row_id``."""
        actor = require_role(user, "analyst", "propose a registry edit")
        clean = self._clean_fields(table, fields)
        note = _text(note, "note")
        action = "correct" if row_id else "add"
        base = ""
        if action == "correct":
            current = self.current_registry()
            try:
                row = current.row(table, row_id)
            except NotFoundError as exc:
                raise EditError(exc.message, details={"field": "row_id"}) from exc
            base = row_fingerprint(row, table)
            if not clean:
                raise EditError(
                    "A correction must change at least one column.", details={"field": "fields"}
                )
            if "source" not in clean:
                clean["source"] = str(row.get("source", ""))
        self._check_sources(clean.get("source", ""))
        self._dry_run(action, table, row_id, clean, "E-new")
        with self.store.write() as tx:
            number = tx.insert_edit(action, table, row_id, clean, note, base, actor.username)
            after = {
                "action": action,
                "table": table,
                "row_id": row_id,
                "fields": clean,
                "note": note,
                "status": "proposed",
                "revision": 1,
            }
            tx.audit(
                actor=actor.username,
                action="edit.propose",
                subject=format_edit_id(number),
                before=None,
                after=after,
                address=actor.address,
            )
        return self.get(number)

    def revise(
        self,
        user: User | None,
        edit_id: str | int,
        *,
        revision: int,
        fields: dict[str, Any] | None = None,
        note: str | None = None,
    ) -> dict[str, Any]:
        """Change a proposal still at ``revision``; the proposer or an editor may."""
        actor = require_role(user, "analyst", "revise a registry edit")
        edit = self.get(edit_id)
        if edit["proposer"] != actor.username and not actor.has("editor"):
            raise _forbidden(actor, edit)
        if edit["status"] != "proposed":
            raise ConflictError(
                f"{edit['edit_id']} is already {edit['status']}; propose a new edit.",
                details={"edit_id": edit["edit_id"], "status": edit["status"]},
            )
        clean = {**edit["fields"], **self._clean_fields(edit["table"], fields or {})}
        new_note = _text(note, "note") if note is not None else edit["note"]
        self._check_sources(clean.get("source", ""))
        self._dry_run(edit["action"], edit["table"], edit["row_id"], clean, "E-new")
        number = parse_edit_id(edit["edit_id"])
        with self.store.write() as tx:
            if not tx.revise_edit(number, revision, clean, new_note):
                latest = tx.one("SELECT revision, status FROM edits WHERE id = ?", [number])
                tx.audit(
                    actor=actor.username,
                    action="edit.revise.conflict",
                    subject=edit["edit_id"],
                    before={"revision": revision},
                    after=latest,
                    address=actor.address,
                )
                conflict = ConflictError(
                    f"{edit['edit_id']} was changed by someone else (now at revision "
                    f"{latest['revision'] if latest else '?'}); reload it and apply your change "
                    "again. Nothing was overwritten.",
                    details={
                        "edit_id": edit["edit_id"],
                        "revision": revision,
                        "current_revision": latest["revision"] if latest else None,
                    },
                )
            else:
                conflict = None
                tx.audit(
                    actor=actor.username,
                    action="edit.revise",
                    subject=edit["edit_id"],
                    before={"fields": edit["fields"], "note": edit["note"], "revision": revision},
                    after={"fields": clean, "note": new_note, "revision": revision + 1},
                    address=actor.address,
                )
        if conflict is not None:
            raise conflict
        return self.get(number)

    def review(
        self,
        user: User | None,
        edit_id: str | int,
        *,
        decision: str,
        revision: int | None = None,
        note: str = "",
    ) -> dict[str, Any]:
        """Approve or reject a proposal (editors). ``revision`` guards against a changed edit."""
        actor = require_role(user, "editor", "approve or reject registry edits")
        if decision not in ("approve", "reject"):
            raise EditError(
                f"'{decision}' is not a decision: use approve or reject.",
                details={"field": "decision"},
            )
        edit = self.get(edit_id)
        seen = edit["revision"] if revision is None else int(revision)
        review_note = _text(note, "review_note", required=False)
        if edit["status"] != "proposed":
            raise ConflictError(
                f"{edit['edit_id']} is already {edit['status']} (by {edit['reviewer']}).",
                details={"edit_id": edit["edit_id"], "status": edit["status"]},
            )
        if decision == "approve":
            self._check_sources(edit["fields"].get("source", ""))
        status = "approved" if decision == "approve" else "rejected"
        number = parse_edit_id(edit["edit_id"])
        conflict: ConflictError | None = None
        # The write lock is taken first, so the checks below see every approval committed
        # before this one: two editors approving clashing edits at once cannot both win.
        with self.store.write() as tx:
            if decision == "approve":
                conflict = self._approval_conflict(edit)
            ok = conflict is None and tx.review_edit(
                number, seen, status, actor.username, review_note
            )
            if conflict is None and not ok:
                conflict = ConflictError(
                    f"{edit['edit_id']} changed since you read it (revision {seen}); reload it "
                    "and review it again. Nothing was overwritten.",
                    details={"edit_id": edit["edit_id"], "revision": seen},
                )
            tx.audit(
                actor=actor.username,
                action=f"edit.{decision}" if ok else f"edit.{decision}.conflict",
                subject=edit["edit_id"],
                before={"status": "proposed", "revision": seen},
                after={"status": status, "review_note": review_note}
                if ok
                else {"refused": conflict.message if conflict else ""},
                address=actor.address,
            )
        if conflict is not None:
            raise conflict
        return self.get(number)

    def _approval_conflict(self, edit: dict[str, Any]) -> ConflictError | None:
        """Why ``edit`` cannot be approved now (its row changed, or it no longer applies)."""
        if edit["action"] == "correct":
            row = self.current_registry().row(edit["table"], edit["row_id"])
            if row_fingerprint(row, edit["table"]) != edit["base"]:
                return ConflictError(
                    f"{edit['edit_id']} corrects {edit['row_id']}, which another approved edit "
                    f"changed since ({row.get('provenance')}). Nothing was lost: reject this "
                    "one and propose the correction again against the current row.",
                    details={"edit_id": edit["edit_id"], "row_id": edit["row_id"]},
                )
        try:
            self._dry_run(
                edit["action"], edit["table"], edit["row_id"], edit["fields"], edit["edit_id"]
            )
        except EditError as exc:
            return ConflictError(
                f"{edit['edit_id']} no longer applies to the registry: {exc.message}",
                details={"edit_id": edit["edit_id"]},
            )
        return None

    # -- notes ----------------------------------------------------------------------------

    def add_note(
        self, user: User | None, *, subject_kind: str, subject_id: str, body: str
    ) -> dict[str, Any]:
        actor = require_role(user, "analyst", "write a note")
        if subject_kind not in NOTE_SUBJECTS:
            raise EditError(
                f"'{subject_kind}' is not a note subject: use {', '.join(NOTE_SUBJECTS)}.",
                details={"field": "subject_kind"},
            )
        subject = _text(subject_id, "subject_id", limit=120)
        text = _text(body, "body")
        with self.store.write() as tx:
            number = tx.insert_note(subject_kind, subject, text, actor.username)
            tx.audit(
                actor=actor.username,
                action="note.add",
                subject=f"note:{number}",
                after={"subject_kind": subject_kind, "subject_id": subject, "body": text},
                address=actor.address,
            )
        return self.notes(subject_kind, subject)[-1]

    def notes(
        self, subject_kind: str | None = None, subject_id: str | None = None
    ) -> list[dict[str, Any]]:
        return self.store.notes(subject_kind, subject_id)

    # -- the audit log --------------------------------------------------------------------

    def audit_log(
        self, user: User | None, *, limit: int = 200, offset: int = 0
    ) -> list[dict[str, Any]]:
        require_role(user, "admin", "read the audit log")
        return self.audit_entries(limit=limit, offset=offset)

    def audit_entries(self, *, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
        """The audit log, newest first (the CLI's operator view; pages go through audit_log)."""
        if not 1 <= limit <= 10_000:
            raise EditError("limit must be 1 to 10000.", details={"field": "limit"})
        out = []
        for row in self.store.audit_log(limit, max(0, offset)):
            for key in ("before", "after"):
                row[key] = json.loads(row[key]) if row[key] else None
            out.append(row)
        return out


def _forbidden(actor: User, edit: dict[str, Any]) -> Exception:
    from stabilis.errors import PermissionDeniedError

    return PermissionDeniedError(
        f"{edit['edit_id']} was proposed by {edit['proposer']}; only they or an editor may "
        "revise it. Propose your own edit instead.",
        details={"edit_id": edit["edit_id"]},
    )


def sources_of(edits: Iterable[dict[str, Any]]) -> list[str]:
    """Every source cell of ``edits`` (for the source-policy test over approved edits)."""
    return [str(e["fields"].get("source", "")) for e in edits]
