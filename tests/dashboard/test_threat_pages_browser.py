"""The Threats, Alerts and Elections pages in Debian's Chromium (Playwright), with screenshots.

A real uvicorn server on a free loopback port over the session's built warehouse; screenshots go
to test-output/screenshots/ (threats-*.png, alerts.png, elections-*.png).
"""

from __future__ import annotations

import pytest
from tests.conftest import screenshot

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_moldova_threats_page_draws_not_covered_never_zero(page):
    page.goto("/threats?iso3=MDA")
    page.wait_for_selector("#cyber-charts figure.coverage-chart", timeout=30_000)
    page.wait_for_selector("#incident-list table tbody tr", timeout=30_000)
    screenshot(page, "threats-moldova")
    assert page.problems == []
    charts = page.locator("#cyber-charts figure.coverage-chart")
    assert charts.count() == 4
    dcid = charts.nth(1)
    assert "DCID" in dcid.locator("h3").inner_text()
    # Moldova is in no DCID rival dyad: every year hatched, no bar, no zero label.
    assert dcid.locator("rect.not-covered").count() == 24
    assert dcid.locator("rect.bar").count() == 0 and dcid.locator("text.zero").count() == 0
    assert "not covered" in dcid.locator("svg").inner_html()
    eurepoc = charts.nth(2)
    assert eurepoc.locator("rect.bar").count() >= 20  # covered 2000-2023, zeros drawn as "0"
    rows = page.locator("#incident-list tbody tr")
    assert any("2022" in rows.nth(i).inner_text() for i in range(rows.count()))
    assert "eurepoc" in page.locator("#incident-list").inner_text()


def test_ukraine_threats_page_breaks_incidents_down(page):
    page.goto("/threats?iso3=UKR")
    page.wait_for_selector("#cyber-breakdown figure svg", timeout=30_000)
    screenshot(page, "threats-ukraine")
    assert page.problems == []
    assert page.locator("#cyber-breakdown figure").count() == 3
    initiators = page.locator("#cyber-breakdown figure").first.inner_text()
    assert "RUS" in initiators


def test_alerts_page_lists_rule_and_evidence_and_the_backtest(page):
    page.goto("/alerts?since=2014")
    page.wait_for_selector("#alerts table tbody tr", timeout=60_000)
    page.wait_for_selector("#backtest-episodes tbody tr", timeout=60_000)
    screenshot(page, "alerts")
    assert page.problems == []
    assert "robust z" in page.locator("section.notice").inner_text()
    first = page.locator("#alerts tbody tr").first
    first.locator("details summary").click()
    assert first.locator("details li").count() >= 1
    episodes = page.locator("#backtest-episodes tbody tr")
    assert episodes.count() == 4
    page.select_option("#alerts-signal", "cyber_dcid")
    shown = page.locator("#alerts tbody tr")
    assert all("cyber_dcid" in shown.nth(i).inner_text() for i in range(shown.count()))


def test_elections_page_of_georgia_shows_pei_and_vdem_items(page):
    page.goto("/elections?iso3=GEO")
    page.wait_for_selector("#pei-chart circle.pei-point", timeout=30_000)
    screenshot(page, "elections-georgia")
    assert page.problems == []
    assert page.locator("#pei-chart circle.pei-point").count() == 4
    table = page.locator("#election-table").inner_text()
    for date in ("2012-10-01", "2013-10-27", "2016-10-08", "2018-11-28"):
        assert date in table
    assert "not covered" in table  # windows outside EUvsDisinfo's span say so


def test_elections_page_of_ukraine_lists_the_2014_election_commission_attack(page):
    page.goto("/elections?iso3=UKR")
    page.wait_for_selector("#election-cyber table tbody tr", timeout=30_000)
    screenshot(page, "elections-ukraine")
    assert page.problems == []
    assert "Election Commission" in page.locator("#election-cyber").inner_text()
