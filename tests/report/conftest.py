"""An in-process client over the session's built warehouse (no network, no server)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from stabilis.api import create_app


@pytest.fixture(scope="session")
def client(built):
    with TestClient(create_app(built)) as test_client:
        yield test_client
