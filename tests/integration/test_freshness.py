"""One freshness key: a rebuild under a running app is seen by the next request."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.faults.conftest import copy_data

from stabilis.api import create_app
from stabilis.config import Settings
from stabilis.workspace import Workspace

pytestmark = pytest.mark.integration

CYBER = "cyber/dcid_v2_0_feb2023.csv"


def _without_russian_operations(mirror: Path) -> bytes:
    """The DCID file without the incidents Russia (COW 365) initiated or was targeted by."""
    text = (mirror / CYBER).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    roles = [header.index("initiator"), header.index("target")]
    kept = [r for r in body if all(r[i] != "365.0" for i in roles)]
    assert len(kept) < len(body)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *kept])
    return out.getvalue().encode()


def test_a_rebuild_under_a_running_app_is_seen_by_the_next_request(built, mirror, tmp_path):
    ws = copy_data(built, tmp_path / "data")
    before_key = ws.freshness()
    with TestClient(create_app(ws)) as client:
        first = client.get("/api/v1/threats/RUS").json()
        assert client.get("/api/v1/threats/RUS").json() == first  # cached
        service = ws.threats

        damaged = tmp_path / "mirror" / CYBER
        damaged.parent.mkdir(parents=True)
        damaged.write_bytes(_without_russian_operations(mirror))
        changed = Workspace(
            Settings(data_dir=ws.settings.data_dir, mirror=str(tmp_path / "mirror"))
        )
        changed.pull(["cyber"])
        time.sleep(0.01)
        report = changed.build(accept_shrink=["cyber"])
        assert report.changed

        assert ws.freshness() != before_key
        assert ws.threats is not service  # the service memo was dropped with the old key
        second = client.get("/api/v1/threats/RUS").json()
    assert first["meta"]["cyber_operations"] > 0
    # Without Russia's dyads DCID no longer covers Russia: the count is "not covered" (None),
    # never a zero, and no longer the cached figure.
    assert second["meta"]["cyber_operations"] is None
    with ws.warehouse.reader() as db:
        log = db.build_log()
    assert set(log["event"]) == {"accepted_shrink"} and set(log["step"]) == {"cyber"}
    assert any(d.startswith("cyber_incidents: rows 862 -> ") for d in log["detail"])


def test_freshness_follows_every_artefact_and_a_registered_one(tmp_path):
    ws = Workspace(Settings(data_dir=tmp_path))
    keys = [ws.freshness()]
    (tmp_path / "forecasts").mkdir()
    (tmp_path / "forecasts" / "20260101T000000-abc").mkdir()
    keys.append(ws.freshness())
    (tmp_path / "threats" / "events").mkdir(parents=True)
    (tmp_path / "threats" / "events" / "signal.parquet").write_bytes(b"x")
    keys.append(ws.freshness())
    edits = tmp_path / "edits.json"
    from stabilis.store.freshness import file_stamp

    ws.add_freshness_source("another_store", lambda: file_stamp(edits))
    keys.append(ws.freshness())
    edits.write_text("{}")
    keys.append(ws.freshness())
    assert ws.freshness() == keys[-1]  # nothing changed: the same key
    assert len(set(keys)) == len(keys)
    assert set(ws.freshness_parts()) == {
        "warehouse",
        "forecast_archive",
        "event_signals",
        "impact_results",
        "analyst_edits",
        "another_store",
    }
