"""The built wheel carries the dashboard: ``pip install`` of the package alone draws maps.

Builds the wheel from this checkout, installs it (no dependencies) into a fresh virtual
environment whose dependencies come from the running interpreter's site-packages, starts
``stabilis serve`` from that environment and loads a page and its front-end files.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--wheel-dir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("stabilis-*.whl")
    return found


def test_the_wheel_holds_the_front_end_files_and_their_licences(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    vendor = "stabilis/dashboard/vendor/"
    for rel in (
        "d3/dist/d3.min.js",
        "topojson-client/dist/topojson-client.min.js",
        "world-atlas/countries-50m.json",
        "d3/LICENSE",
        "topojson-client/LICENSE",
        "world-atlas/LICENSE",
    ):
        assert vendor + rel in names
    assert not any("node_modules" in name for name in names)
    assert "stabilis/dashboard/templates/overview.html" in names


def test_an_installed_wheel_serves_the_dashboard_without_npm(wheel, built, tmp_path):
    # pip must judge the fresh environment alone (a PYTHONPATH pointing at src/ would make it
    # think stabilis is installed already).
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "--quiet",
            "--no-deps",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        env=clean,
    )
    env = {
        **os.environ,
        # The dependencies (not stabilis: its editable install is a .pth, unread here).
        "PYTHONPATH": sysconfig.get_paths()["purelib"],
    }
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import stabilis; print(stabilis.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    ).stdout.strip()
    assert where.startswith(str(venv)), where

    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [
                str(venv / "bin" / "stabilis"),
                "--data-dir",
                str(built.settings.data_dir),
                "serve",
                "--port",
                str(port),
            ],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, page = _get(base + "/")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError(log.read_text("utf-8", "replace")) from None
                time.sleep(0.3)
        assert status == 200
        assert b"/vendor/d3.min.js" in page
        assert b"npm ci" not in page  # the page's 'front-end files missing' hint
        for name, at_least in (
            ("d3.min.js", 100_000),
            ("topojson-client.min.js", 1_000),
            ("countries-50m.json", 100_000),
        ):
            status, body = _get(f"{base}/vendor/{name}")
            assert status == 200 and len(body) > at_least, name
    finally:
        server.terminate()
        server.wait(timeout=30)
