"""A fresh edits store with an admin, an editor and two analysts."""

from __future__ import annotations

from pathlib import Path

import pytest

from stabilis.accounts import AccountService, User
from stabilis.edits import EditService
from stabilis.store.edits import EditsStore

OPERATOR = User("operator:test", "admin")
PASSWORD = "correct horse battery"
#: The proposal the suites make: Moldova's next Defence Capacity Building step, with its source.
NATO_DCB = "https://www.nato.int/cps/en/natohq/topics_132756.htm"
MDA_STEP = {
    "country_iso3": "MDA",
    "programme": "Defence Capacity Building",
    "milestone": "enhanced DCB package agreed",
    "kind": "defence capacity building",
    "start_date": "2025-06",
    "source": NATO_DCB,
}


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id with small parameters: the same code path, a fraction of the CPU time."""
    from argon2 import PasswordHasher

    import stabilis.accounts.passwords as passwords

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", lambda: cheap)
    passwords.dummy_hash.cache_clear()


@pytest.fixture
def store(tmp_path: Path) -> EditsStore:
    return EditsStore.in_data_dir(tmp_path)


@pytest.fixture
def accounts(store: EditsStore) -> AccountService:
    service = AccountService(store)
    for name, role in (
        ("ada", "admin"),
        ("erin", "editor"),
        ("ana", "analyst"),
        ("bo", "analyst"),
        ("vic", "viewer"),
    ):
        service.add_user(name, PASSWORD, role, actor=OPERATOR)
    return service


@pytest.fixture
def edits(store: EditsStore, accounts: AccountService) -> EditService:
    return EditService(store)


@pytest.fixture
def signed_in(accounts: AccountService):
    """``signed_in("ana")`` -> the User after a real password check."""

    def sign(name: str) -> User:
        return accounts.verify(name, PASSWORD, "127.0.0.1")

    return sign
