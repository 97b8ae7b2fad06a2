"""One service protocol: ``WorkspaceLike`` is defined once and the Workspace has all of it."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from stabilis.services import WorkspaceLike

SRC = Path(__file__).resolve().parents[2] / "src" / "stabilis"


def test_workspace_like_is_defined_once_in_the_services_module():
    homes = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef) and node.name == "WorkspaceLike"
    ]
    assert homes == ["services.py"]


def test_every_service_types_its_workspace_by_the_one_protocol():
    from stabilis.alliance import AllianceService
    from stabilis.forecast import ForecastService
    from stabilis.impact import ImpactService
    from stabilis.threats import ThreatService

    for service in (AllianceService, ForecastService, ImpactService, ThreatService):
        hints = inspect.signature(service.__init__).parameters["ws"].annotation
        assert hints in ("WorkspaceLike", WorkspaceLike), service


def test_the_workspace_has_every_member_of_the_protocol(tmp_path):
    import stabilis

    members = {n for n in vars(WorkspaceLike) if not n.startswith("_")}
    members |= set(WorkspaceLike.__annotations__)
    assert {"settings", "panel", "table", "countries", "registry", "snapshots"} <= members
    ws = stabilis.open(tmp_path)
    missing = sorted(m for m in members if not hasattr(ws, m))
    assert not missing, f"the Workspace lacks {missing}"
