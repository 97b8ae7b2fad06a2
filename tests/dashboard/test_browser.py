"""The dashboard in a real browser: Debian's Chromium driven by Playwright, against a real
uvicorn server on a free loopback port. Screenshots of each page land in
test-output/screenshots/.

Chromium must be installed by the project's set-up (``apt-get install -y chromium``);
Playwright's own browser download is never used.
"""

from __future__ import annotations

import csv
import io
import shutil
import threading
import time
from collections.abc import Iterator

import pytest
from tests.conftest import SHOTS, screenshot
from tests.dashboard.conftest import free_port

from stabilis.api import create_app

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PAGES = {
    "overview": "/",
    "countries": "/countries",
    "country-ukraine": "/countries/UKR",
    "country-malta": "/countries/MLT?from=2000",
    "forecasts": "/forecasts",
    "impact": "/impact",
    "impact-case": "/impact/georgia-ipap-2004",
    "registry": "/registry?table=partnerships",
    "data": "/data",
    "api": "/api",
    # the profiles an adviser on the eastern flank reads first, and the brief itself
    "country-georgia": "/countries/GEO",
    "country-moldova": "/countries/MDA",
    "country-hungary": "/countries/HUN",
    "country-turkiye": "/countries/TUR",
    "country-afghanistan": "/countries/AFG",
    "brief-ukraine": "/api/v1/countries/UKR/brief?format=html",
    "search-results": "/search?q=land",
    "map-threat-signal": "/?indicator=threat:cyber_operations&year=2015&group=all",
}
#: Pages whose sections load from the API after the page: wait for them before the screenshot.
SECTIONS = (
    "#forecasts-section",
    "#threats-section",
    "#support-section",
    "#resilience-section",
    "#impact-section",
)


def _wait_for_map(page) -> None:
    page.wait_for_selector("path.country.has-value", timeout=20_000)
    page.wait_for_selector("#ranked tbody tr", timeout=20_000)


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_loads_without_console_errors(page, name):
    page.goto(PAGES[name])
    page.wait_for_load_state("networkidle")
    if name in ("overview", "map-threat-signal"):
        _wait_for_map(page)
    if name.startswith("country-"):
        for box in SECTIONS:
            page.wait_for_function(
                f"!document.querySelector('{box}').textContent.includes('Loading')", timeout=60_000
            )
    screenshot(page, name)
    assert page.problems == []
    assert page.locator("h1").count() == 1


def test_map_draws_countries_and_hover_shows_the_value(page, built):
    page.goto("/?indicator=vdem.v2x_polyarchy&year=2020&group=all")
    _wait_for_map(page)
    assert page.locator("path.country").count() > 200
    assert page.locator("path.country.has-value").count() > 150
    brazil = built.panel("vdem.v2x_polyarchy", countries=["BRA"], years=(2020, 2020))
    page.hover('path.country[data-key="076"]')
    tooltip = page.locator("#tooltip")
    tooltip.wait_for(state="visible")
    text = tooltip.inner_text()
    assert "Brazil" in text
    assert f"{brazil['vdem.v2x_polyarchy'].iloc[0]:.3f}" in text
    assert "higher is better" in text
    legend = page.locator("#legend").inner_text()
    assert "(worse)" in legend and "(better)" in legend


def test_changing_the_group_filter_changes_the_table(page, built):
    page.goto("/?indicator=vdem.v2x_polyarchy&year=2024&group=all")
    _wait_for_map(page)
    everyone = page.locator("#ranked tbody tr").count()
    page.select_option("#group", "md")
    page.wait_for_function(
        f"document.querySelectorAll('#ranked tbody tr').length < {everyone}", timeout=10_000
    )
    shown = page.eval_on_selector_all("#ranked tbody tr", "rows => rows.map(r => r.dataset.iso3)")
    assert set(shown) <= set(built.group_members("md", 2024))
    assert len(shown) >= 5
    assert "group=md" in page.url


def test_the_year_slider_moves_the_map_to_another_year(page):
    page.goto("/?indicator=vdem.v2x_polyarchy&year=2024&group=nato")
    _wait_for_map(page)
    page.locator("#year").fill("1995")
    page.locator("#year").dispatch_event("change")
    page.wait_for_function("document.querySelector('#ranked-note').textContent.includes('1995')")
    assert page.locator("#ranked tbody tr").count() == 16  # NATO's members in 1995


def test_a_download_returns_the_rows_shown(page):
    page.goto("/?indicator=wgi.pv_est&year=2015&group=partners")
    _wait_for_map(page)
    shown = page.eval_on_selector_all(
        "#ranked tbody tr",
        "rows => rows.map(r => [r.dataset.iso3, Number(r.cells[2].dataset.value)])",
    )
    href = page.get_attribute("#download-csv", "href")
    response = page.request.get(href)
    assert response.ok
    rows = list(csv.DictReader(io.StringIO(response.text())))
    assert [r["iso3"] for r in rows] == [iso3 for iso3, _ in shown]
    assert [float(r["value"]) for r in rows] == pytest.approx([value for _, value in shown])


def test_keyboard_focus_in_the_table_highlights_the_country_on_the_map(page):
    page.goto("/?indicator=vdem.v2x_polyarchy&year=2024&group=nato")
    _wait_for_map(page)
    page.focus("#ranked tbody tr:first-child a")
    key = page.get_attribute("#ranked tbody tr:first-child", "data-key")
    assert page.locator(f'path.country.active[data-key="{key}"]').count() == 1
    assert page.locator("#tooltip").is_visible()


def test_a_country_profile_draws_its_charts(page):
    page.goto("/countries/UKR")
    page.wait_for_selector("figure.chart svg.trend path.line", timeout=20_000)
    assert page.locator("figure.chart svg.trend path.line").count() >= 6
    assert page.locator("svg.trend path.band").count() >= 4  # V-Dem and WGI intervals
    assert page.locator("svg.trend rect.episode.autocratization").count() >= 1
    assert page.locator("svg.trend text.coup").count() >= 1
    assert page.locator("#timeline rect.tl").count() >= 5
    caption = page.locator("figure.chart figcaption").first.inner_text()
    assert "Ukraine" in caption and "higher is better" in caption
    # Without an archived forecast the section says how to issue one; with one it shows a table.
    page.wait_for_function(
        "!document.querySelector('#forecasts-section').textContent.includes('Loading')",
        timeout=60_000,
    )
    section = page.locator("#forecasts-section")
    assert "stabilis forecast run" in section.inner_text() or section.locator("table").count()


def test_screenshot_for_the_readme_is_small(page):
    page.goto("/?indicator=vdem.v2x_libdem&year=2024&group=all")
    _wait_for_map(page)
    page.set_viewport_size({"width": 1440, "height": 860})
    target = screenshot(page, "readme-overview", full_page=False)
    assert target.stat().st_size < 300_000
    assert shutil.disk_usage(SHOTS).free > 0


class _Entry:
    id, kind, as_of = "2024-run", "run", 2023


class _Archive:
    """Stands in for the forecast archive: one live run with two spaces and one event."""

    def entries(self) -> list[_Entry]:
        return [_Entry()]

    def load(self, entry_id: str) -> object:
        import pandas as pd

        countries = ["GEO", "UKR", "MDA", "ARM"]
        return pd.DataFrame(
            {
                "outcome": ["associational_down"] * 4 + ["electoral_up"] * 4 + ["coup_attempt"] * 4,
                "origin": 2023,
                "iso3": countries * 3,
                "p": [0.31, 0.42, 0.12, 0.2, 0.1, 0.05, 0.2, 0.15, 0.02, 0.03, 0.01, 0.04],
                "lower": 0.0,
                "upper": 0.6,
                "factors": "v2xcs_ccsi -0.40; gdp growth +0.10",
            }
        )


class _Forecasts:
    """The methods of the real ForecastService that the pages read."""

    archive = _Archive()

    def score(self) -> object:
        import pandas as pd

        return pd.DataFrame()  # nothing scored yet

    def calibration(self) -> object:
        """Two directions' curves (made-up counts: this test checks the drawing, not a model)."""
        import pandas as pd

        return pd.DataFrame(
            {
                "archive_id": "2024-run", "kind": "backtest", "as_of": None,
                "direction": ["down"] * 3 + ["up"] * 3, "bin": [0, 1, 2] * 2,
                "lower": [0.0, 0.1, 0.2] * 2, "upper": [0.1, 0.2, 0.3] * 2,
                "mean_predicted": [0.04, 0.15, None, 0.03, 0.14, 0.25],
                "observed_rate": [0.05, 0.18, None, 0.05, 0.16, 0.26],
                "count": [900, 200, 0, 950, 150, 40], "verdict": "well calibrated",
            }
        )  # fmt: skip


class _WithForecasts:
    def __init__(self, ws: object) -> None:
        self._ws = ws
        self.forecasts = _Forecasts()

    def __getattr__(self, name: str) -> object:
        return getattr(self._ws, name)


@pytest.fixture(scope="module")
def forecast_server(built) -> Iterator[str]:
    import uvicorn

    port = free_port()
    app = create_app(_WithForecasts(built))  # type: ignore[arg-type]
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    while not instance.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


def test_forecast_sections_appear_when_forecasts_exist(browser, forecast_server):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=forecast_server)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda e: problems.append(str(e)))
    tab.on("console", lambda m: m.type == "error" and problems.append(m.text))
    tab.goto("/forecasts")
    tab.wait_for_selector("#forecast-list table tbody tr")
    first = tab.locator("#forecast-list tbody tr").first.inner_text()
    assert "Ukraine" in first and "0.420" in first  # highest risk of closing first, by name
    tab.select_option("#fc-direction", "up")
    tab.wait_for_function(
        "document.querySelector('#forecast-list tbody tr').textContent.includes('Moldova')"
    )
    tab.wait_for_selector("#forecast-calibration svg circle")
    # five non-empty bins drawn as points, the empty one left out; the table repeats them
    assert tab.locator("#forecast-calibration circle").count() == 5
    assert tab.locator("#forecast-calibration tbody tr").count() == 5
    label = tab.locator("#forecast-calibration svg").get_attribute("aria-label") or ""
    assert "2240 archived forecasts" in label and "Closing off the diagonal by" in label
    screenshot(tab, "forecasts-with-results")
    tab.goto("/countries/GEO")
    tab.wait_for_selector("#forecasts-section table tbody tr")
    assert tab.locator("#forecasts-section tbody tr").count() == 3
    tab.goto("/")
    tab.wait_for_selector("optgroup[label^='Forecast risk'] option", state="attached")
    _wait_for_map(tab)
    tab.select_option("#indicator", "forecast:associational_down")
    tab.wait_for_function("document.querySelector('#ranked-note').textContent.includes('forecast')")
    shown = tab.eval_on_selector_all("#ranked tbody tr", "rows => rows.map(r => r.dataset.iso3)")
    assert shown == ["MDA", "ARM", "GEO", "UKR"]  # lowest risk of closing ranks best
    assert problems == []
    context.close()


def test_the_country_search_suggests_names_and_opens_the_profile(page):
    page.goto("/impact")
    options = page.eval_on_selector_all("#country-suggestions option", "os => os.map(o => o.value)")
    assert "Georgia (GEO)" in options and "Ukraine (UKR)" in options
    assert options == sorted(options, key=str.casefold)
    page.fill("#country-search", "Georgia (GEO)")
    page.press("#country-search", "Enter")
    page.wait_for_url("**/countries/GEO")
    page.fill("#country-search", "mda")
    page.press("#country-search", "Enter")
    page.wait_for_url("**/countries/MDA")


def test_an_unknown_country_in_the_search_is_refused_with_suggestions(browser, server):
    context = browser.new_context(base_url=server)
    tab = context.new_page()
    response = tab.goto("/search?q=Ukrane")
    assert response is not None and response.status == 404
    text = tab.locator("main").inner_text()
    assert "'Ukrane' is not a country code, country name" in text and "ukraine" in text.lower()
    context.close()


def test_clicking_a_country_on_the_map_opens_its_profile(page):
    page.goto("/?indicator=vdem.v2x_polyarchy&year=2020&group=all")
    _wait_for_map(page)
    page.click('path.country[data-key="804"]')
    page.wait_for_url("**/countries/UKR")
    assert page.locator("h1").inner_text().startswith("Ukraine")


def test_the_map_colours_by_a_threat_signal(page, built):
    page.goto("/?indicator=threat:cyber_operations&year=2015&group=all")
    _wait_for_map(page)
    note = page.locator("#ranked-note").inner_text()
    assert "cyber operations" in note and "highest first" in note
    legend = page.locator("#legend").inner_text()
    assert "other countries have no value (not zero)" in legend
    first = page.eval_on_selector(
        "#ranked tbody tr", "r => [r.dataset.iso3, r.cells[2].textContent]"
    )
    counts = built.threats.cyber(None, (2015, 2015)).sort_values(["operations", "iso3"],
                                                               ascending=[False, True])  # fmt: skip
    assert first == [counts["iso3"].iloc[0], str(int(counts["operations"].iloc[0]))]


def test_the_indicator_finder_picks_a_layer_by_name(page, built):
    page.goto("/?indicator=vdem.v2x_polyarchy&year=2020&group=all")
    _wait_for_map(page)
    label = built.indicators(search="fsi.total").iloc[0]["label"]
    page.fill("#indicator-find", f"{label} (fsi.total)")
    page.dispatch_event("#indicator-find", "change")
    page.wait_for_function(
        "document.querySelector('#ranked-note').textContent.includes('fsi.total')"
    )
    assert page.input_value("#indicator") == "fsi.total"


def test_profile_axes_follow_the_indicators_scale(page):
    page.goto("/countries/UKR?indicators=fsi.total,wgi.pv_est")
    page.wait_for_selector("figure.chart svg.trend path.line", timeout=20_000)
    fsi = page.locator("figure.chart").first
    ticks = (
        fsi.locator("g.axis")
        .nth(1)
        .evaluate("g => Array.from(g.querySelectorAll('text')).map(t => t.textContent)")
    )
    assert ticks[0] == "0" and ticks[-1] == "120"  # the Fragile States Index's 0-120 scale
    assert fsi.locator("path.line[clip-path]").count() == 1


def test_the_profile_reads_every_analysis_and_offers_the_brief(page):
    page.goto("/countries/UKR")
    page.wait_for_selector("#threats-section svg rect.threat-bar", state="attached", timeout=60_000)
    assert page.locator("#threats-section rect.not-covered").count() >= 1
    page.wait_for_selector("#resilience-section table tbody tr", timeout=60_000)
    assert page.locator("#resilience-section tbody tr").count() == 7
    page.wait_for_selector("#support-section table", timeout=60_000)
    assert "by support relative to need" in page.locator("#support-section").inner_text()
    href = page.get_attribute("a.brief-link", "href")
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    csv_href = page.get_attribute("#download-csv", "href")
    header = page.request.get(csv_href).text().splitlines()[0]
    assert "vdem.v2x_polyarchy.lower" in header and "wgi.pv_est.upper" in header


def test_the_forecast_download_is_a_cited_csv(browser, forecast_server):
    context = browser.new_context(base_url=forecast_server)
    tab = context.new_page()
    tab.goto("/forecasts")
    href = tab.get_attribute(".downloads a[href*='format=csv']", "href")
    response = tab.request.get(href)
    assert response.ok and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text())))
    assert len(rows) == 12 and {"iso3", "space", "p", "lower", "upper"} <= set(rows[0])
    assert "demspaces" in response.headers["x-stabilis-sources"]
    names = tab.eval_on_selector_all(
        "#forecast-list tbody tr td:first-child", "c => c.map(x => x.textContent)"
    )
    assert "Ukraine" in names  # names, not ISO3 codes
    context.close()
