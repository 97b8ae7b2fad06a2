"""Users, roles, passwords, sessions and tokens: what a security reviewer would check."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from stabilis.accounts import AccountService, User, require_role
from stabilis.accounts.service import MAX_FAILURES, token_hash
from stabilis.errors import (
    AuthenticationError,
    EditError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
)
from stabilis.store.edits import EditsStore

from .conftest import OPERATOR, PASSWORD


def test_passwords_are_stored_as_argon2_hashes_never_in_clear(
    accounts: AccountService, store: EditsStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    accounts.sign_in("ana", PASSWORD, "10.0.0.1")
    with pytest.raises(AuthenticationError):
        accounts.sign_in("ana", "wrong password!", "10.0.0.1")
    row = store.user("ana")
    assert row is not None and row["password_hash"].startswith("$argon2id$")
    raw = store.path.read_bytes()
    for suffix in ("-wal",):
        wal = store.path.with_name(store.path.name + suffix)
        if wal.exists():
            raw += wal.read_bytes()
    assert PASSWORD.encode() not in raw
    assert b"wrong password!" not in raw
    assert PASSWORD not in caplog.text
    audit = " ".join(str(r) for r in store.audit_log(1000))
    assert PASSWORD not in audit and "wrong password!" not in audit


def test_short_passwords_and_bad_names_are_refused(accounts: AccountService) -> None:
    with pytest.raises(EditError, match="at least 10"):
        accounts.add_user("zed", "short", "analyst", actor=OPERATOR)
    with pytest.raises(EditError, match="not a valid user name"):
        accounts.add_user("Robert'); DROP TABLE users;--", PASSWORD, "analyst", actor=OPERATOR)
    with pytest.raises(EditError, match="already"):
        accounts.add_user("ana", PASSWORD, "analyst", actor=OPERATOR)
    with pytest.raises(PermissionDeniedError, match="not a role"):
        accounts.add_user("zed", PASSWORD, "superuser", actor=OPERATOR)
    assert [u["username"] for u in accounts.users()] == ["ada", "ana", "bo", "erin", "vic"]


def test_roles_are_ordered_and_checked() -> None:
    analyst = User("ana", "analyst")
    assert require_role(analyst, "analyst", "x") is analyst
    with pytest.raises(PermissionDeniedError, match="editor role"):
        require_role(analyst, "editor", "approve edits")
    with pytest.raises(AuthenticationError, match="Sign in"):
        require_role(None, "viewer", "read")
    assert User("ada", "admin").has("editor")


def test_sessions_and_tokens_authenticate_until_revoked(accounts: AccountService) -> None:
    session = accounts.sign_in("ana", PASSWORD, "10.0.0.2")
    assert session.csrf and session.token
    assert accounts.authenticate(session.token, "session").username == "ana"
    with pytest.raises(AuthenticationError):  # a session is not an API token
        accounts.authenticate(session.token, "token")
    token = accounts.create_token("erin", PASSWORD, "10.0.0.2", days=1)
    assert accounts.authenticate(token.token, "token").role == "editor"
    accounts.revoke(token.token, actor=token.user)
    with pytest.raises(AuthenticationError, match="revoked"):
        accounts.authenticate(token.token, "token")
    with pytest.raises(AuthenticationError, match="not recognised"):
        accounts.authenticate("made-up", "token")
    with pytest.raises(NotFoundError):
        accounts.revoke("made-up", actor=OPERATOR)


def test_expired_tokens_are_refused(accounts: AccountService, store: EditsStore) -> None:
    token = accounts.create_token("ana", PASSWORD, days=1)
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat(timespec="seconds")
    con = sqlite3.connect(store.path)
    con.execute(
        "UPDATE credentials SET expires_at = ? WHERE token_hash = ?",
        [past, token_hash(token.token)],
    )
    con.commit()
    con.close()
    with pytest.raises(AuthenticationError, match="expired"):
        accounts.authenticate(token.token, "token")


def test_disabling_a_user_revokes_their_sessions(accounts: AccountService) -> None:
    session = accounts.sign_in("bo", PASSWORD)
    accounts.disable("bo", actor=OPERATOR)
    with pytest.raises(AuthenticationError):
        accounts.authenticate(session.token, "session")
    with pytest.raises(AuthenticationError):
        accounts.sign_in("bo", PASSWORD)
    assert next(u for u in accounts.users() if u["username"] == "bo")["disabled"] is True


def test_set_role_changes_rights(accounts: AccountService) -> None:
    accounts.set_role("vic", "analyst", actor=OPERATOR)
    assert accounts.verify("vic", PASSWORD).role == "analyst"
    with pytest.raises(NotFoundError, match="no user"):
        accounts.set_role("nobody", "analyst", actor=OPERATOR)


def test_brute_force_is_slowed_by_a_lockout(accounts: AccountService) -> None:
    for _ in range(MAX_FAILURES):
        with pytest.raises(AuthenticationError):
            accounts.sign_in("ana", "guess number x", "192.0.2.7")
    # Locked: even the right password is refused until the window passes.
    with pytest.raises(RateLimitError, match="wait about"):
        accounts.sign_in("ana", PASSWORD, "192.0.2.8")
    with pytest.raises(RateLimitError):  # the address is locked for other names too
        accounts.sign_in("erin", PASSWORD, "192.0.2.7")
    assert accounts.sign_in("erin", PASSWORD, "192.0.2.9").user.username == "erin"


def test_unknown_user_names_fail_like_wrong_passwords(accounts: AccountService) -> None:
    with pytest.raises(AuthenticationError, match="user name or password is wrong"):
        accounts.sign_in("nobody", PASSWORD)
