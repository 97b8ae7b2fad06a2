"""Lazy re-exports: a package names what it offers without importing the modules behind them.

``__getattr__ = lazy_exports(__name__, {"Name": "stabilis.pkg.module", ...})`` at a module's end
makes ``from stabilis.pkg import Name`` import ``stabilis.pkg.module`` only when first asked
(PEP 562), so ``import stabilis`` and ``stabilis --help`` stay light.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(module: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that loads each name in ``homes`` from its home module."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        return getattr(importlib.import_module(home), name)

    return __getattr__
