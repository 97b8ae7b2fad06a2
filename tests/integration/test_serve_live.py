"""``stabilis serve`` as a user runs it: Ctrl-C and SIGTERM stop it cleanly (exit 0), while the
profile warmer is busy in DuckDB, four times out of four."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from tests.conftest import free_port
from tests.integration.live import wait_until_up

pytestmark = pytest.mark.integration

SRC = str(Path(__file__).resolve().parents[2] / "src")
CLI = "import sys; from stabilis.cli.main import run; sys.argv[0] = 'stabilis'; run()"


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM, signal.SIGINT, signal.SIGTERM])
def test_serve_stops_cleanly_on_ctrl_c_and_sigterm(built, stop):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI, "--data-dir", str(built.settings.data_dir), "serve",
         "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": SRC},
    )  # fmt: skip
    try:
        wait_until_up(f"http://127.0.0.1:{port}")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/countries/EST/profile"):
            pass
        proc.send_signal(stop)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "FATAL" not in err and "Traceback" not in err
    assert f"http://127.0.0.1:{port}/" in out
