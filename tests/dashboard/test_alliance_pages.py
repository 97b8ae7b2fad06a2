"""The support audit, burden-sharing and resilience pages in a real browser (Chromium).

Uses the server, browser and page fixtures of tests/dashboard/conftest.py; screenshots land in
test-output/screenshots/.
"""

from __future__ import annotations

import pytest
from tests.conftest import screenshot

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_support_audit_page_ranks_against_need_with_lorenz_and_definitions(page, built):
    page.goto("/support")
    page.wait_for_selector("#sa-ranking tbody tr", timeout=60_000)
    page.wait_for_selector("#sa-lorenz svg path.line", timeout=20_000)
    audit = built.alliance.support_audit(2019)
    assert page.locator("#sa-ranking tbody tr").count() == len(audit.table())
    first = page.locator("#sa-ranking tbody tr:first-child td:first-child").inner_text()
    assert first == audit.table()["iso3"].iloc[0]
    assert f"{audit.gini_relative:.3f}" in page.locator("#sa-summary").inner_text()
    assert "Resolute Support" in page.locator("#sa-sanity").inner_text()
    assert page.locator("#sa-loo tbody tr").count() == len(audit.table())
    page.click("#definitions-link")
    assert page.locator("#definitions").get_attribute("open") is not None
    assert "US military personnel" in page.locator("#sa-definitions").inner_text()
    screenshot(page, "support-audit")
    page.select_option("#sa-year", "2010")
    page.wait_for_function(
        "document.querySelector('#sa-title-year').textContent === '2010'", timeout=60_000
    )
    assert "ISAF" in page.locator("#sa-sanity").inner_text()
    page.click("#sa-history-load")
    page.wait_for_selector("#sa-history-table tbody tr", timeout=120_000)
    assert page.locator("#sa-history svg path.line").count() == 1
    _, per = built.alliance.support_over_time(1995, 2024)
    assert page.locator("#sa-history-table tbody tr").count() == len(per)
    screenshot(page, "support-audit-history")
    assert page.problems == []


def test_burden_sharing_page_shows_members_against_two_percent(page, built):
    page.goto("/burden-sharing")
    page.wait_for_selector("#bs-table tbody tr", timeout=30_000)
    page.wait_for_selector("#bs-chart rect.bar", timeout=20_000)
    burden = built.alliance.burden(2024)
    assert page.locator("#bs-table tbody tr").count() == len(burden.table())
    met = burden.meta()["meeting_2_percent"]
    assert page.locator("#bs-chart rect.bar.meets").count() == met
    assert f"{met} of" in page.locator("#bs-summary").inner_text()
    screenshot(page, "burden-sharing")
    assert page.problems == []


def test_resilience_page_states_data_years_coverage_and_not_measured(page, built):
    page.goto("/resilience")
    page.wait_for_selector("#rs-table tbody tr", timeout=30_000)
    title = page.locator("h1").inner_text()
    assert "data " in title and "NATO members" in title
    assert page.locator("#rs-coverage tbody tr").count() == 7
    card = built.alliance.resilience_scorecard("nato")
    assert page.locator("#rs-table tbody tr").count() == card.overall["iso3"].nunique()
    screenshot(page, "resilience")
    page.select_option("#rs-group", "partners")
    page.wait_for_function(
        "document.querySelector('h1').textContent.includes('partners')", timeout=30_000
    )
    partners = built.alliance.resilience_scorecard("partners")
    blanks = int(partners.rows["score"].isna().sum())
    assert page.locator("#rs-table span.muted").filter(has_text="not measured").count() == blanks
    screenshot(page, "resilience-partners")
    assert page.problems == []
