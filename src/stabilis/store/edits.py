"""The edits store: users, sign-ins, registry edits, notes and the append-only audit log.

One SQLite file, ``<data_dir>/edits.sqlite``, beside the warehouse and never inside it: a
rebuild replaces ``warehouse.duckdb`` and never opens this file for writing. SQLite because the
writes are many, small and concurrent (analysts proposing, editors approving, the server
recording sign-ins) while DuckDB allows one writing process at a time and the warehouse is
replaced wholesale on every build. The file runs in WAL mode with ``synchronous=FULL``: a
committed transaction survives a killed process or a power cut, and readers never block the
writer.

**Every write goes through** :meth:`EditsStore.write`, a transaction that refuses to commit
unless it appended at least one row to ``audit_log`` (who, when, what, before, after, from which
address). ``audit_log`` is append-only: triggers abort any ``UPDATE`` or ``DELETE`` on it. No
other function in this module executes ``INSERT``, ``UPDATE`` or ``DELETE`` (a test scans it).

Passwords never reach this module in clear: it stores the Argon2 hash it is given. Session and
API tokens are stored as SHA-256 hashes; the token itself is shown once to its owner.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stabilis.errors import ConfigError, StabilisError

FILE_NAME = "edits.sqlite"
SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'editor', 'admin')),
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS credentials (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('session', 'token')),
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users (id),
    label TEXT NOT NULL DEFAULT '',
    csrf TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS sign_in_failures (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    address TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sign_in_failures_at ON sign_in_failures (at);
CREATE TABLE IF NOT EXISTS edits (
    id INTEGER PRIMARY KEY,
    action TEXT NOT NULL CHECK (action IN ('add', 'correct')),
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL DEFAULT '',
    fields TEXT NOT NULL,
    note TEXT NOT NULL,
    base TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'rejected')),
    revision INTEGER NOT NULL DEFAULT 1,
    proposer TEXT NOT NULL,
    proposed_at TEXT NOT NULL,
    reviewer TEXT,
    reviewed_at TEXT,
    review_note TEXT
);
CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY,
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('country', 'forecast', 'impact_case')),
    subject_id TEXT NOT NULL,
    body TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    before TEXT,
    after TEXT,
    address TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""

TABLES = ("users", "credentials", "sign_in_failures", "edits", "notes", "audit_log")


class StoreError(StabilisError):
    """The edits store cannot be opened, written or restored."""

    code = "edits_store_error"
    exit_code = 6
    http_status = 503


def now() -> str:
    """The current time, UTC, ISO 8601 to the microsecond."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, default=str)


class Transaction:
    """A write transaction that must append to the audit log before it may commit."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self._con = con
        self.audited = 0

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self._con.execute(sql, tuple(params))

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        row = self._con.execute(sql, tuple(params)).fetchone()
        return dict(row) if row is not None else None

    def audit(
        self,
        *,
        actor: str,
        action: str,
        subject: str,
        before: Any = None,
        after: Any = None,
        address: str = "",
    ) -> int:
        """Append one audit record (in this transaction) and return its id."""
        cursor = self._con.execute(
            "INSERT INTO audit_log (at, actor, action, subject, before, after, address) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (now(), actor, action, subject, _json(before), _json(after), address),
        )
        self.audited += 1
        return int(cursor.lastrowid or 0)

    # -- the writes (each service call pairs one or more of these with an audit record) -----

    def insert_user(self, username: str, password_hash: str, role: str) -> int:
        cursor = self.execute(
            "INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)",
            [username, password_hash, role, now()],
        )
        return int(cursor.lastrowid or 0)

    def update_user(self, username: str, **changes: Any) -> None:
        allowed = {"role", "disabled", "password_hash"}
        if not changes or set(changes) - allowed:
            raise StoreError(f"Internal error: cannot update user columns {sorted(changes)}.")
        columns = sorted(changes)
        assignments = ", ".join(f"{c} = ?" for c in columns)
        self.execute(
            f"UPDATE users SET {assignments} WHERE username = ?",
            [*(changes[c] for c in columns), username],
        )

    def insert_credential(
        self, kind: str, token_hash: str, user_id: int, label: str, csrf: str, expires_at: str
    ) -> int:
        cursor = self.execute(
            "INSERT INTO credentials (kind, token_hash, user_id, label, csrf, created_at, "
            "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [kind, token_hash, user_id, label, csrf, now(), expires_at],
        )
        return int(cursor.lastrowid or 0)

    def revoke_credential(self, credential_id: int) -> None:
        self.execute(
            "UPDATE credentials SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            [now(), credential_id],
        )

    def revoke_user_credentials(self, user_id: int) -> None:
        self.execute(
            "UPDATE credentials SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
            [now(), user_id],
        )

    def insert_failure(self, username: str, address: str) -> None:
        self.execute(
            "INSERT INTO sign_in_failures (username, address, at) VALUES (?, ?, ?)",
            [username, address, now()],
        )

    def insert_edit(
        self,
        action: str,
        table_name: str,
        row_id: str,
        fields: dict[str, str],
        note: str,
        base: str,
        proposer: str,
    ) -> int:
        cursor = self.execute(
            "INSERT INTO edits (action, table_name, row_id, fields, note, base, status, "
            "proposer, proposed_at) VALUES (?, ?, ?, ?, ?, ?, 'proposed', ?, ?)",
            [action, table_name, row_id, _json(fields), note, base, proposer, now()],
        )
        return int(cursor.lastrowid or 0)

    def revise_edit(self, edit_id: int, revision: int, fields: dict[str, str], note: str) -> bool:
        """Change a proposal's fields if it is still at ``revision``; False if it moved on."""
        cursor = self.execute(
            "UPDATE edits SET fields = ?, note = ?, revision = revision + 1 "
            "WHERE id = ? AND revision = ? AND status = 'proposed'",
            [_json(fields), note, edit_id, revision],
        )
        return cursor.rowcount == 1

    def review_edit(
        self, edit_id: int, revision: int, status: str, reviewer: str, review_note: str
    ) -> bool:
        """Approve or reject a proposal still at ``revision``; False if it moved on."""
        cursor = self.execute(
            "UPDATE edits SET status = ?, reviewer = ?, reviewed_at = ?, review_note = ?, "
            "revision = revision + 1 WHERE id = ? AND revision = ? AND status = 'proposed'",
            [status, reviewer, now(), review_note, edit_id, revision],
        )
        return cursor.rowcount == 1

    def insert_note(self, subject_kind: str, subject_id: str, body: str, author: str) -> int:
        cursor = self.execute(
            "INSERT INTO notes (subject_kind, subject_id, body, author, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [subject_kind, subject_id, body, author, now()],
        )
        return int(cursor.lastrowid or 0)


class EditsStore:
    """The SQLite file behind users, edits, notes and the audit log."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> EditsStore:
        return cls(Path(data_dir) / FILE_NAME)

    def exists(self) -> bool:
        return self.path.is_file()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            con = sqlite3.connect(self.path, timeout=15.0, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"Cannot open the edits store {self.path}: {exc}.") from exc
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")
        con.execute("PRAGMA foreign_keys=ON")
        con.execute("PRAGMA busy_timeout=15000")
        version = con.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            con.executescript(SCHEMA)
            con.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        elif version != SCHEMA_VERSION:
            con.close()
            raise StoreError(
                f"The edits store {self.path} has schema version {version}; this Stabilis "
                f"reads version {SCHEMA_VERSION}. Upgrade Stabilis or restore a matching backup."
            )
        return con

    @contextmanager
    def write(self) -> Iterator[Transaction]:
        """A serialised write transaction; it rolls back unless it wrote an audit record."""
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            tx = Transaction(con)
            try:
                yield tx
                if tx.audited == 0:
                    raise StoreError(
                        "Internal error: a write to the edits store without an audit record "
                        "was refused and rolled back."
                    )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise StoreError(f"The edits store {self.path} could not be written: {exc}.") from exc
        finally:
            con.close()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows of a read-only query, as dictionaries."""
        if not self.exists():
            return []
        con = self._connect()
        try:
            return [dict(row) for row in con.execute(sql, tuple(params)).fetchall()]
        finally:
            con.close()

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    # -- reads used by the services -------------------------------------------------------

    def user(self, username: str) -> dict[str, Any] | None:
        return self.one("SELECT * FROM users WHERE username = ?", [username])

    def users(self) -> list[dict[str, Any]]:
        return self.query(
            "SELECT id, username, role, disabled, created_at FROM users ORDER BY username"
        )

    def credential(self, token_hash: str) -> dict[str, Any] | None:
        return self.one(
            "SELECT c.*, u.username, u.role, u.disabled FROM credentials c "
            "JOIN users u ON u.id = c.user_id WHERE c.token_hash = ?",
            [token_hash],
        )

    def failures_since(self, since: str, username: str, address: str) -> tuple[int, int]:
        row = self.one(
            "SELECT count(*) FILTER (WHERE username = ?) AS by_user, "
            "count(*) FILTER (WHERE address = ?) AS by_address "
            "FROM sign_in_failures WHERE at >= ?",
            [username, address, since],
        )
        return (int(row["by_user"]), int(row["by_address"])) if row else (0, 0)

    def last_failure(self, since: str, username: str, address: str) -> str | None:
        row = self.one(
            "SELECT max(at) AS at FROM sign_in_failures WHERE at >= ? "
            "AND (username = ? OR address = ?)",
            [since, username, address],
        )
        return row["at"] if row else None

    def edit(self, edit_id: int) -> dict[str, Any] | None:
        return self.one("SELECT * FROM edits WHERE id = ?", [edit_id])

    def edits(self, status: str | None = None) -> list[dict[str, Any]]:
        if status:
            return self.query("SELECT * FROM edits WHERE status = ? ORDER BY id", [status])
        return self.query("SELECT * FROM edits ORDER BY id")

    def approved_edits(self) -> list[dict[str, Any]]:
        """Approved edits in approval order, shaped as the registry overlay takes them."""
        rows = self.query(
            "SELECT id, action, table_name, row_id, fields, reviewer, reviewed_at FROM edits "
            "WHERE status = 'approved' ORDER BY reviewed_at, id"
        )
        return [
            {
                "edit_id": f"E-{row['id']}",
                "action": row["action"],
                "table": row["table_name"],
                "row_id": row["row_id"],
                "fields": json.loads(row["fields"]),
                "approved_by": row["reviewer"],
                "approved_at": row["reviewed_at"],
            }
            for row in rows
        ]

    def notes(self, subject_kind: str | None, subject_id: str | None) -> list[dict[str, Any]]:
        sql, params = "SELECT * FROM notes", []
        clauses = []
        if subject_kind:
            clauses.append("subject_kind = ?")
            params.append(subject_kind)
        if subject_id:
            clauses.append("subject_id = ?")
            params.append(subject_id)
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        return self.query(sql + " ORDER BY id", params)

    def audit_log(self, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
        return self.query(
            "SELECT * FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?", [limit, offset]
        )

    def audit_count(self) -> int:
        row = self.one("SELECT count(*) AS n FROM audit_log")
        return int(row["n"]) if row else 0

    def state(self) -> str:
        """A short fingerprint of the store's content (audit log length and last id)."""
        row = self.one("SELECT count(*) AS n, coalesce(max(id), 0) AS last FROM audit_log")
        return f"{row['n']}-{row['last']}" if row else "empty"

    # -- backup and restore ---------------------------------------------------------------

    def backup(self, target: Path) -> Path:
        """A consistent copy of the store at ``target`` (SQLite's online backup)."""
        if not self.exists():
            raise StoreError(f"There is no edits store at {self.path} to back up yet.")
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        source = self._connect()
        try:
            dest = sqlite3.connect(target)
            try:
                source.backup(dest)
            finally:
                dest.close()
        finally:
            source.close()
        return target

    def check_backup(self, backup: Path) -> dict[str, int]:
        """Row counts of a backup file; raise if it is not an edits store Stabilis can read."""
        path = Path(backup)
        if not path.is_file():
            raise ConfigError(f"The backup {path} does not exist.")
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                version = con.execute("PRAGMA user_version").fetchone()[0]
                if version != SCHEMA_VERSION:
                    raise StoreError(
                        f"{path} is not a Stabilis edits store (schema version {version})."
                    )
                counts = {
                    t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES
                }
                integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                con.close()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path} is not a readable Stabilis edits store: {exc}.") from exc
        if integrity != "ok":
            raise StoreError(f"{path} fails SQLite's integrity check: {integrity}.")
        return counts

    def restore(self, backup: Path, *, actor: str, address: str = "") -> dict[str, int]:
        """Replace the store with ``backup`` (checked first) and record the restore."""
        counts = self.check_backup(backup)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        before = self.state() if self.exists() else "none"
        handle, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".edits-restore-")
        os.close(handle)
        try:
            source = sqlite3.connect(f"file:{Path(backup)}?mode=ro", uri=True)
            dest = sqlite3.connect(temp)
            try:
                source.backup(dest)
            finally:
                source.close()
                dest.close()
            for suffix in ("-wal", "-shm"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            os.replace(temp, self.path)
        finally:
            Path(temp).unlink(missing_ok=True)
        with self.write() as tx:
            tx.audit(
                actor=actor,
                action="store.restore",
                subject=str(Path(backup).resolve()),
                before={"state": before},
                after=counts,
                address=address,
            )
        return counts
