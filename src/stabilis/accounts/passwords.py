"""Password hashing with Argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from stabilis.errors import EditError

MIN_LENGTH = 10


@lru_cache(maxsize=1)
def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise EditError(
            f"The password is too short: use at least {MIN_LENGTH} characters.",
            details={"field": "password"},
        )


def hash_password(password: str) -> str:
    """An Argon2id hash (``$argon2id$...``) of ``password``."""
    check_strength(password)
    return str(_hasher().hash(password))


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches; never raises for a wrong password."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """Verified against when the user name does not exist, so the time taken does not tell."""
    return str(_hasher().hash("no such user: this hash is never matched"))
