"""The issue's "Done means" through the pages, in Debian's Chromium driven by Playwright: an
analyst signs in and proposes Moldova's next DCB step with a source; an editor signs in and
approves it; after ``stabilis build`` the fact shows on the registry page and on Moldova's
profile with its edit id; the admin's audit page shows both actions. Screenshots land in
test-output/screenshots/edits-*.png."""

from __future__ import annotations

import pytest
from tests.conftest import screenshot

from stabilis.accounts.roles import User
from stabilis.config import Settings
from stabilis.workspace import Workspace

from .conftest import MDA_STEP, PASSWORD
from .test_done_means_cli import copy_data_dir

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.integration]


@pytest.fixture(scope="module")
def ws(built: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    data_dir = copy_data_dir(built, tmp_path_factory.mktemp("browser-edits") / "data")
    return Workspace(Settings(data_dir=data_dir))


@pytest.fixture(scope="module")
def served(ws: Workspace) -> Workspace:
    """The shared ``server`` (tests/conftest.py) serves this copy: the edits leave ``built`` alone."""
    return ws


def _tab(browser, server):
    context = browser.new_context(viewport={"width": 1360, "height": 900}, base_url=server)
    tab = context.new_page()
    tab.problems = []
    tab.on("pageerror", lambda e: tab.problems.append(str(e)))
    tab.on("console", lambda m: m.type == "error" and tab.problems.append(m.text))
    return context, tab


def _sign_in(tab, name: str, next_path: str) -> None:
    tab.goto(f"/sign-in?next={next_path}")
    tab.fill("input[name=username]", name)
    tab.fill("input[name=password]", PASSWORD)
    tab.click("form.edit-form button[type=submit]")
    tab.wait_for_load_state("networkidle")


def _shot(tab, name: str) -> None:
    screenshot(tab, f"edits-{name}")


def test_propose_approve_build_through_the_pages(ws: Workspace, server: str, browser) -> None:
    operator = User("operator:test", "admin", "127.0.0.1")
    for name, role in (("erin", "editor"), ("ana", "analyst"), ("ada", "admin")):
        ws.accounts.add_user(name, PASSWORD, role, actor=operator)

    # The analyst proposes.
    context, tab = _tab(browser, server)
    tab.goto("/registry/propose?table=programmes")
    assert "/sign-in" in tab.url  # a page that needs a role sends the browser to sign in
    _shot(tab, "sign-in")
    _sign_in(tab, "ana", "/registry/propose?table=programmes")
    assert tab.locator("h1").inner_text() == "Propose a new registry fact"
    for field, value in MDA_STEP.items():
        kind = "textarea" if field == "source" else "input"
        tab.fill(f"{kind}[name=f_{field}]", value)
    tab.fill("textarea[name=note]", "NATO's DCB page lists the enhanced package for Moldova.")
    _shot(tab, "propose")
    tab.click("form.edit-form button[type=submit]")
    tab.wait_for_load_state("networkidle")
    assert "E-1 is proposed" in tab.locator("main").inner_text()
    assert tab.locator("form[action='/registry/review/E-1']").count() == 0  # not an editor
    tab.click("text=Sign out")
    tab.wait_for_load_state("networkidle")
    assert "Sign in" in tab.locator(".account").inner_text()
    assert tab.problems == []
    context.close()

    # The editor approves.
    context, tab = _tab(browser, server)
    _sign_in(tab, "erin", "/registry/review")
    assert "enhanced DCB package agreed" in tab.locator("#E-1").inner_text()
    _shot(tab, "review")
    tab.click("button:has-text('Approve E-1')")
    tab.wait_for_load_state("networkidle")
    assert "E-1 is approved" in tab.locator("main").inner_text()
    assert tab.problems == []
    context.close()

    # Not shown before the build; shown after it, by the same running server.
    before = ws.registry.country_records("MDA")
    assert "E-1" not in set(before["provenance"])
    ws.build()
    context, tab = _tab(browser, server)
    tab.goto("/countries/MDA")
    tab.wait_for_selector("#timeline rect.tl", timeout=20_000)
    tab.click("text=Timeline as a table")
    table = tab.locator("#timeline-table").inner_text()
    assert "E-1" in table and "enhanced DCB package agreed" in table
    tab.locator("#timeline-heading").scroll_into_view_if_needed()
    _shot(tab, "country-moldova")
    tab.goto("/registry?table=programmes&year=2025")
    tab.wait_for_selector("#registry-table tbody tr", timeout=20_000)
    tab.fill("#registry-filter", "E-1")
    row = tab.locator("#registry-table tbody tr:not([hidden])")
    assert row.count() == 1 and "enhanced DCB package agreed" in row.inner_text()
    assert "active" in row.inner_text()
    tab.fill("#registry-filter", "MDA")
    _shot(tab, "registry-moldova")
    assert tab.locator("#registry-table .evidence.unverified").count() >= 1
    tab.goto("/countries/UKR")
    tab.wait_for_selector("#timeline path.tl-milestone", timeout=20_000)
    assert tab.locator("#timeline path.tl-milestone").count() >= 2  # MAP requested; removed
    tab.locator("#timeline-heading").scroll_into_view_if_needed()
    _shot(tab, "country-ukraine-timeline")
    assert tab.problems == []
    context.close()

    # The admin reads the audit log.
    context, tab = _tab(browser, server)
    _sign_in(tab, "ada", "/admin/audit")
    audit = tab.locator("#audit-table").inner_text()
    assert "edit.propose" in audit and "edit.approve" in audit and "E-1" in audit
    assert PASSWORD not in tab.content()
    _shot(tab, "audit")
    context.close()
