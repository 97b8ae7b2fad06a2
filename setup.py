"""Packaging hook: the wheel carries the dashboard's front-end files.

The dashboard serves d3, topojson-client and world-atlas itself (never a CDN). They come from npm
(``src/stabilis/dashboard/package.json``, installed by ``npm ci``, which ``make install`` runs) and
are not committed. When a wheel is built, this hook copies the files the dashboard serves
(``stabilis.dashboard.assets.VENDOR``) and each package's licence into
``stabilis/dashboard/vendor/`` inside the wheel, so ``pip install`` + ``stabilis serve`` draws maps
and charts with no npm at all. Everything else is in ``pyproject.toml``.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DASHBOARD = Path(__file__).resolve().parent / "src" / "stabilis" / "dashboard"


def vendor_files() -> list[str]:
    """Paths inside node_modules the dashboard serves, read from assets.py without importing it."""
    tree = ast.parse((DASHBOARD / "assets.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "VENDOR" for t in node.targets
        ):
            mapping = ast.literal_eval(node.value)
            files = sorted(mapping.values())
            licences = sorted({f"{rel.split('/')[0]}/LICENSE" for rel in files})
            return files + licences
    raise RuntimeError("stabilis/dashboard/assets.py defines no VENDOR table")


class BuildWithVendor(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install serves node_modules in place (make install runs npm ci)
        source = DASHBOARD / "node_modules"
        target = Path(self.build_lib) / "stabilis" / "dashboard" / "vendor"
        missing = [rel for rel in vendor_files() if not (source / rel).is_file()]
        if missing:
            raise SystemExit(
                f"The dashboard's front-end files are missing under {source} ({', '.join(missing)}). "
                "Install them first with 'npm ci --prefix src/stabilis/dashboard' (or 'make install')."
            )
        for rel in vendor_files():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / rel, target / rel)


setup(cmdclass={"build_py": BuildWithVendor})
