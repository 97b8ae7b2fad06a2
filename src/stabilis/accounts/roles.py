"""Roles, the user value object, and the one check every write makes."""

from __future__ import annotations

from dataclasses import dataclass

from stabilis.errors import AuthenticationError, PermissionDeniedError

ROLES: tuple[str, ...] = ("viewer", "analyst", "editor", "admin")
"""From least to most rights; each role has every right of the roles before it."""

RIGHTS: dict[str, str] = {
    "viewer": "read pages and the API (when the server requires sign-in)",
    "analyst": "propose registry edits and write notes",
    "editor": "approve or reject proposed edits",
    "admin": "manage users and read the audit log",
}


@dataclass(frozen=True)
class User:
    """Who is acting: a signed-in user, or the local operator at the command line."""

    username: str
    role: str
    address: str = ""
    csrf: str = ""

    def has(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


def check_role(role: str) -> str:
    value = role.strip().lower()
    if value not in ROLES:
        raise PermissionDeniedError(
            f"'{role}' is not a role. Use one of: {', '.join(ROLES)}.", details={"role": role}
        )
    return value


def require_role(user: User | None, role: str, action: str) -> User:
    """Return ``user`` if it may do ``action`` (needs ``role``); raise 401 or 403 otherwise."""
    if user is None:
        raise AuthenticationError(
            f"Sign in to {action}: use the dashboard's sign-in page, or send "
            "'Authorization: Bearer <token>' (create one with POST /api/v1/tokens).",
            details={"needs_role": role},
        )
    if not user.has(role):
        raise PermissionDeniedError(
            f"{user.username} has the {user.role} role; to {action} you need the {role} role. "
            "Ask an admin (stabilis users set-role).",
            details={"needs_role": role, "role": user.role},
        )
    return user
