"""Generate ``docs/cli.md`` from the commands themselves: ``python -m stabilis.cli.reference``."""

from __future__ import annotations

import sys
from typing import Any

import typer


def generate() -> str:
    from stabilis.cli.main import get_app

    root = typer.main.get_command(get_app())
    lines = [
        "# CLI reference",
        "",
        "Generated from the commands by `python -m stabilis.cli.reference > docs/cli.md`;",
        "a test fails when it is stale.",
        "",
    ]
    _walk(root, ["stabilis"], lines)
    return "\n".join(lines).rstrip() + "\n"


def _walk(command: Any, path: list[str], lines: list[str]) -> None:
    lines.append(f"{'#' * min(len(path) + 1, 4)} `{' '.join(path)}`")
    lines.append("")
    if command.help:
        lines.append(command.help.strip())
        lines.append("")
    params = [p for p in command.params if p.name != "help"]
    if params:
        lines.append("| option | help |")
        lines.append("|---|---|")
        for param in params:
            lines.append(f"| {_names(param)} | {_help(param)} |")
        lines.append("")
    if hasattr(command, "commands"):
        for name in sorted(command.commands):
            _walk(command.commands[name], [*path, name], lines)


def _names(param: Any) -> str:
    if param.param_type_name == "argument":
        return f"`{(param.name or '').upper()}` (argument)"
    return ", ".join(f"`{o}`" for o in param.opts)


def _help(param: Any) -> str:
    text = getattr(param, "help", None) or ""
    if param.required:
        text += " (required)"
    elif param.default not in (None, False, (), []) and not callable(param.default):
        text += f" (default: {param.default})"
    return text.replace("|", "\\|").strip()


if __name__ == "__main__":
    sys.stdout.write(generate())
