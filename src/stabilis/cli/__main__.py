"""``python -m stabilis.cli`` runs the CLI (used by tests that need a real process)."""

from stabilis.cli.main import run

run()
