"""``stabilis users ...``: people who may write (analysts, editors, admins).

Whoever runs these commands can write the data folder, so they act as the local operator
(recorded in the audit log as ``operator:<login>``). Passwords are read from a hidden prompt,
or from ``STABILIS_PASSWORD`` for scripts; they are never echoed, stored or logged in clear.
"""

from __future__ import annotations

import getpass
import os
import socket
from typing import TYPE_CHECKING

import typer

from stabilis.cli.context import workspace_of
from stabilis.cli.data import JSON_OPT, _show_frame

if TYPE_CHECKING:
    from stabilis.workspace import User

app = typer.Typer(help="Users and roles: viewer, analyst, editor, admin.", no_args_is_help=True)

PASSWORD_ENV = "STABILIS_PASSWORD"


def address() -> str:
    """Where a command-line action comes from, for the audit log."""
    return f"cli@{socket.gethostname()}"


def operator() -> User:
    from stabilis.workspace import User

    return User(f"operator:{getpass.getuser()}", "admin", address=address())


def read_password(prompt: str = "Password", *, confirm: bool = False) -> str:
    value = os.environ.get(PASSWORD_ENV)
    if value:
        return value
    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm))


def signed_in(ctx: typer.Context, username: str) -> User:
    """The user after a password check (rate-limited like the dashboard's sign-in)."""
    ws = workspace_of(ctx)
    return ws.accounts.verify(username, read_password(f"Password for {username}"), address())


@app.command("add")
def add(
    ctx: typer.Context,
    username: str = typer.Argument(..., help="Lower-case user name, e.g. ana."),
    role: str = typer.Option("analyst", "--role", help="viewer, analyst, editor or admin."),
) -> None:
    """Add a user (asks for the password twice, or reads STABILIS_PASSWORD)."""
    ws = workspace_of(ctx)
    user = ws.accounts.add_user(username, read_password(confirm=True), role, actor=operator())
    typer.echo(f"Added {user.username} ({user.role}).")


@app.command("list")
def list_users(ctx: typer.Context, as_json: bool = JSON_OPT) -> None:
    """List users, their roles and whether they are disabled (never their passwords)."""
    import pandas as pd

    from stabilis.cli.context import emit_json

    users = workspace_of(ctx).accounts.users()
    if as_json:
        emit_json(users, count=len(users))
        return
    frame = pd.DataFrame(users, columns=["username", "role", "disabled", "created_at"])
    _show_frame(frame, title=f"{len(users)} users")


@app.command("disable")
def disable(ctx: typer.Context, username: str = typer.Argument(...)) -> None:
    """Disable a user and revoke their sessions and tokens."""
    workspace_of(ctx).accounts.disable(username, actor=operator())
    typer.echo(f"Disabled {username}; their sessions and tokens are revoked.")


@app.command("set-role")
def set_role(
    ctx: typer.Context,
    username: str = typer.Argument(...),
    role: str = typer.Argument(..., help="viewer, analyst, editor or admin."),
) -> None:
    """Change a user's role."""
    workspace_of(ctx).accounts.set_role(username, role, actor=operator())
    typer.echo(f"{username} is now {role.lower()}.")
