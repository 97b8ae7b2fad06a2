"""Users, sign-in, sessions and tokens over the edits store."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from stabilis.errors import (
    AuthenticationError,
    EditError,
    NotFoundError,
    RateLimitError,
)
from stabilis.store.edits import EditsStore

from .passwords import dummy_hash, hash_password, verify_password
from .roles import ROLES, User, check_role

SESSION_HOURS = 12
TOKEN_DAYS = 30
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Credential:
    """A new session or API token: the secret is shown once and never stored."""

    kind: str
    token: str
    csrf: str
    user: User
    expires_at: str


def _check_username(username: str) -> str:
    name = username.strip().lower()
    if not (2 <= len(name) <= 64) or set(name) - USERNAME_CHARS:
        raise EditError(
            f"'{username}' is not a valid user name: use 2-64 lower-case letters, digits, "
            "dots, dashes or underscores.",
            details={"field": "username"},
        )
    return name


class AccountService:
    """Add, list, disable and re-role users; sign in; issue, check and revoke credentials."""

    def __init__(self, store: EditsStore) -> None:
        self.store = store

    # -- users ------------------------------------------------------------------------------

    def add_user(self, username: str, password: str, role: str, *, actor: User) -> User:
        name = _check_username(username)
        role = check_role(role)
        password_hash = hash_password(password)
        if self.store.user(name) is not None:
            raise EditError(f"There is already a user '{name}'.", details={"field": "username"})
        with self.store.write() as tx:
            tx.insert_user(name, password_hash, role)
            tx.audit(
                actor=actor.username,
                action="user.add",
                subject=f"user:{name}",
                after={"username": name, "role": role, "disabled": False},
                address=actor.address,
            )
        return User(name, role)

    def users(self) -> list[dict[str, Any]]:
        return [{**u, "disabled": bool(u["disabled"])} for u in self.store.users()]

    def _existing(self, username: str) -> dict[str, Any]:
        row = self.store.user(username.strip().lower())
        if row is None:
            raise NotFoundError(
                f"There is no user '{username}'. List them with 'stabilis users list'.",
                details={"username": username},
            )
        return row

    def set_role(self, username: str, role: str, *, actor: User) -> None:
        row = self._existing(username)
        role = check_role(role)
        with self.store.write() as tx:
            tx.update_user(row["username"], role=role)
            tx.audit(
                actor=actor.username,
                action="user.set_role",
                subject=f"user:{row['username']}",
                before={"role": row["role"]},
                after={"role": role},
                address=actor.address,
            )

    def disable(self, username: str, *, actor: User) -> None:
        """Disable a user and revoke every session and token they hold."""
        row = self._existing(username)
        with self.store.write() as tx:
            tx.update_user(row["username"], disabled=1)
            tx.revoke_user_credentials(int(row["id"]))
            tx.audit(
                actor=actor.username,
                action="user.disable",
                subject=f"user:{row['username']}",
                before={"disabled": bool(row["disabled"])},
                after={"disabled": True, "credentials": "revoked"},
                address=actor.address,
            )

    # -- sign-in --------------------------------------------------------------------------

    def _check_rate(self, username: str, address: str) -> None:
        since = (datetime.now(UTC) - FAILURE_WINDOW).isoformat(timespec="microseconds")
        by_user, by_address = self.store.failures_since(since, username, address)
        if by_user >= MAX_FAILURES or by_address >= MAX_FAILURES:
            last = self.store.last_failure(since, username, address)
            until = datetime.fromisoformat(last) + FAILURE_WINDOW if last else None
            wait = (
                max(1, int((until - datetime.now(UTC)).total_seconds() / 60) + 1) if until else 15
            )
            raise RateLimitError(
                f"Too many failed sign-ins for this user name or address: wait about {wait} "
                "minute(s) and try again, or ask an admin.",
                details={"retry_after_minutes": wait},
            )

    def verify(self, username: str, password: str, address: str = "") -> User:
        """The user if the password is right; a failure is recorded and rate-limited."""
        name = username.strip().lower()
        self._check_rate(name, address)
        row = self.store.user(name)
        ok = verify_password(row["password_hash"] if row else dummy_hash(), password)
        if not ok or row is None or row["disabled"]:
            with self.store.write() as tx:
                tx.insert_failure(name, address)
                tx.audit(
                    actor=name or "?",
                    action="sign_in.failed",
                    subject=f"user:{name}",
                    after={"reason": "disabled" if ok and row else "wrong user name or password"},
                    address=address,
                )
            raise AuthenticationError(
                "The user name or password is wrong, or the user is disabled.",
                details={"username": name},
            )
        return User(row["username"], row["role"], address=address)

    def _issue(self, user: User, kind: str, label: str, lifetime: timedelta) -> Credential:
        row = self._existing(user.username)
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(24) if kind == "session" else ""
        expires = (datetime.now(UTC) + lifetime).isoformat(timespec="seconds")
        with self.store.write() as tx:
            credential_id = tx.insert_credential(
                kind, token_hash(token), int(row["id"]), label, csrf, expires
            )
            tx.audit(
                actor=user.username,
                action=f"{kind}.create",
                subject=f"{kind}:{credential_id}",
                after={"label": label, "expires_at": expires},
                address=user.address,
            )
        return Credential(
            kind, token, csrf, User(user.username, user.role, user.address, csrf), expires
        )

    def sign_in(self, username: str, password: str, address: str = "") -> Credential:
        """A dashboard session (cookie secret plus CSRF token) for the right password."""
        user = self.verify(username, password, address)
        return self._issue(user, "session", "dashboard", timedelta(hours=SESSION_HOURS))

    def create_token(
        self,
        username: str,
        password: str,
        address: str = "",
        *,
        label: str = "api",
        days: int = TOKEN_DAYS,
    ) -> Credential:
        """An API token for ``Authorization: Bearer``; expires after ``days``."""
        if not 1 <= days <= 365:
            raise EditError("A token lives 1 to 365 days.", details={"field": "days"})
        user = self.verify(username, password, address)
        return self._issue(user, "token", label[:80], timedelta(days=days))

    def authenticate(self, token: str, kind: str, address: str = "") -> User:
        """The user holding a live session or token; 401 when unknown, expired or revoked."""
        row = self.store.credential(token_hash(token)) if token else None
        if row is None or row["kind"] != kind:
            raise AuthenticationError(
                "The sign-in or token is not recognised: sign in again.",
                details={"reason": "unknown"},
            )
        if row["revoked_at"]:
            raise AuthenticationError(
                "This sign-in or token was revoked: sign in again.", details={"reason": "revoked"}
            )
        if datetime.fromisoformat(row["expires_at"]) <= datetime.now(UTC):
            raise AuthenticationError(
                "This sign-in or token has expired: sign in again.", details={"reason": "expired"}
            )
        if row["disabled"]:
            raise AuthenticationError("This user is disabled.", details={"reason": "disabled"})
        return User(row["username"], row["role"], address=address, csrf=row["csrf"])

    def revoke(self, token: str, *, actor: User) -> None:
        """Revoke one session or token (signing out)."""
        row = self.store.credential(token_hash(token)) if token else None
        if row is None:
            raise NotFoundError("There is no such session or token.")
        with self.store.write() as tx:
            tx.revoke_credential(int(row["id"]))
            tx.audit(
                actor=actor.username,
                action=f"{row['kind']}.revoke",
                subject=f"{row['kind']}:{row['id']}",
                before={"revoked": bool(row["revoked_at"])},
                after={"revoked": True},
                address=actor.address,
            )


__all__ = ["ROLES", "AccountService", "Credential", "token_hash"]
