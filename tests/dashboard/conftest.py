"""The dashboard browser suites' page: a tab of the shared ``browser`` on the shared ``server``
(both in ``tests/conftest.py``) that records its problems (console errors, uncaught exceptions,
failed requests, error responses)."""

from __future__ import annotations

import pytest
from tests.conftest import free_port  # noqa: F401 (test_browser.py imports it from here)


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=server)
    # Pages that compute on first load (the brief, the support audit) can take tens of seconds
    # on a loaded 2-core machine running two test workers: navigation may wait 90 s.
    context.set_default_navigation_timeout(90_000)
    tab = context.new_page()
    tab.problems = []  # console errors, uncaught exceptions, failed requests
    tab.on("console", lambda m: m.type == "error" and tab.problems.append(m.text))
    tab.on("pageerror", lambda e: tab.problems.append(str(e)))
    tab.on("requestfailed", lambda r: tab.problems.append(f"failed: {r.url}"))
    tab.on("response", lambda r: r.status >= 400 and tab.problems.append(f"{r.status}: {r.url}"))
    yield tab
    context.close()
