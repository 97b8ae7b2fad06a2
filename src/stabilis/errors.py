"""The one exception hierarchy of Stabilis.

Every error a user can meet is a :class:`StabilisError` with a stable ``code``, an exit code for
the CLI and an HTTP status for the API. Messages are sentences that say what went wrong and what
to do; data errors name the file, row and column at fault. This module imports nothing from the
package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar


def place(file: str | Path, row: int | None = None, column: str | None = None) -> str:
    """Where in a file a problem is, as messages name it: ``file, row 3, column 'year'``."""
    where = [str(file)]
    if row is not None:
        where.append(f"row {row}")
    if column is not None:
        where.append(f"column '{column}'")
    return ", ".join(where)


class StabilisError(Exception):
    """Base class: a problem the user can act on."""

    code: ClassVar[str] = "stabilis_error"
    exit_code: ClassVar[int] = 1
    http_status: ClassVar[int] = 500

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = dict(details or {})

    def to_dict(self) -> dict[str, Any]:
        """The error shape shared by the CLI's ``--json`` output and the API."""
        return {"code": self.code, "message": self.message, "details": self.details}


class ConfigError(StabilisError):
    """A setting, flag or environment variable is invalid."""

    code = "config_error"
    exit_code = 2
    http_status = 400


class DataFileError(StabilisError):
    """A source file cannot be read as its producer publishes it.

    The message names the file and, where known, the row (numbered as a spreadsheet numbers it:
    the header is row 1) and the column.
    """

    code = "bad_data_file"
    exit_code = 3
    http_status = 422

    def __init__(
        self,
        problem: str,
        *,
        file: str | Path,
        row: int | None = None,
        column: str | None = None,
        hint: str = "",
    ) -> None:
        message = f"{place(file, row, column)}: {problem}"
        if hint:
            message = f"{message} {hint}"
        details: dict[str, Any] = {"file": str(file), "row": row, "column": column}
        super().__init__(message, details=details)
        self.file = str(file)
        self.row = row
        self.column = column


class PullError(StabilisError):
    """A source file could not be fetched from the mirror or its official address."""

    code = "pull_failed"
    exit_code = 4
    http_status = 502


class SnapshotError(StabilisError):
    """A snapshot is missing, or does not match its provenance sidecar."""

    code = "snapshot_error"
    exit_code = 5
    http_status = 500


class WarehouseError(StabilisError):
    """The warehouse is missing, locked or was built by an incompatible version."""

    code = "warehouse_error"
    exit_code = 6
    http_status = 503


class RegistryError(StabilisError):
    """A registry data file breaks its schema."""

    code = "registry_error"
    exit_code = 7
    http_status = 500


class NotFoundError(StabilisError):
    """A country, group, indicator or source that does not exist was asked for."""

    code = "not_found"
    exit_code = 8
    http_status = 404


class QueryError(StabilisError):
    """A query's arguments are inconsistent (e.g. a year range that is reversed)."""

    code = "invalid_query"
    exit_code = 2
    http_status = 422


class AuthenticationError(StabilisError):
    """A write (or, when sign-in is required, a read) without a valid sign-in or token."""

    code = "not_authenticated"
    exit_code = 9
    http_status = 401


class PermissionDeniedError(StabilisError):
    """The signed-in user's role does not allow this, or a form's CSRF token is wrong."""

    code = "forbidden"
    exit_code = 10
    http_status = 403


class ConflictError(StabilisError):
    """Someone else changed the same edit or registry row first; nothing was overwritten."""

    code = "conflict"
    exit_code = 11
    http_status = 409


class RateLimitError(StabilisError):
    """Too many failed sign-ins from one user name or address; wait before trying again."""

    code = "too_many_attempts"
    exit_code = 12
    http_status = 429


class EditError(StabilisError):
    """A proposed registry edit or note is incomplete or breaks the registry's rules."""

    code = "invalid_edit"
    exit_code = 13
    http_status = 422


class RendererError(StabilisError):
    """A document renderer (WeasyPrint for PDF briefs) is missing or failed."""

    code = "renderer_unavailable"
    exit_code = 14
    http_status = 503
