"""People and their rights: users, roles, password hashes, sessions and API tokens.

* **Roles** (:mod:`.roles`): ``viewer`` < ``analyst`` < ``editor`` < ``admin``. Viewers read;
  analysts propose registry edits and write notes; editors also approve or reject edits;
  admins also manage users and read the audit log.
* **Passwords** (:mod:`.passwords`) are hashed with Argon2id (argon2-cffi); the clear text is
  never stored, logged or put in an audit record.
* **Sessions** (dashboard, cookie) and **tokens** (API, ``Authorization: Bearer``) are random
  secrets stored as SHA-256 hashes, with an expiry, revocable; a disabled user's are revoked.
* **Sign-in is rate-limited** per user name and per address (:data:`.service.MAX_FAILURES`
  failures in :data:`.service.FAILURE_WINDOW` lock further attempts until the window passes).

Every change goes through :class:`stabilis.store.edits.EditsStore.write` and so leaves an audit
record.
"""

from __future__ import annotations

from .roles import ROLES, User, require_role
from .service import AccountService, Credential

__all__ = ["ROLES", "AccountService", "Credential", "User", "require_role"]
