"""The country brief: a PDF an adviser can hand on, read back with pypdf and looked at as an image.

Integration tests on the warehouse built from the mirror. A page image of the UKR brief is
written to test-output/screenshots/ for a person to look at (the README's picture comes from it).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from tests.conftest import SHOTS

from stabilis.errors import NotFoundError
from stabilis.report.brief import brief_html, brief_pdf
from stabilis.report.country import country_report

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def ukraine(built):
    report = country_report(built, "UKR", 2024)
    html = brief_html(report)
    return report, html, brief_pdf(html)


def _text(pdf: bytes) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_the_ukraine_brief_is_two_to_four_pages_with_every_section(ukraine):
    report, _, pdf = ukraine
    pages, text = _text(pdf)
    assert 2 <= pages <= 4
    flat = re.sub(r"\s+", " ", text)
    for heading in ("Headline indicators", "Regime and episodes", "Record with the alliance",
                    "Latest forecasts", "Impact findings", "Hybrid threats", "Resilience",
                    "Support position", "Sources"):  # fmt: skip
        assert heading in flat, heading
    assert "Ukraine" in flat and f"Page 1 of {pages}" in flat
    polyarchy = next(r for r in report.sections["headline"].rows
                     if r["indicator"] == "vdem.v2x_polyarchy")  # fmt: skip
    assert f"{polyarchy['value']:.3f} (2024)" in flat
    forecasts = report.sections["forecasts"]
    if forecasts.available:  # another test of the session issued forecasts: they are printed
        assert forecasts.rows[0]["what"] in flat and "Largest drivers" in flat
    else:  # none issued yet: the brief says so instead of inventing one
        assert "No forecast has been issued yet" in flat


def test_the_sources_section_lists_each_snapshot_checksum_and_citation(ukraine, built):
    _, html, pdf = ukraine
    snapshots = built.snapshots()
    vdem = snapshots[snapshots["source"] == "vdem"]
    for sha in vdem["sha256"]:
        assert sha in html
    _, text = _text(pdf)
    compact = re.sub(r"\s+", "", text)
    assert vdem["sha256"].iloc[0] in compact  # the checksum is printed whole
    assert "Coppedge" in text and "Freedom House" in text


def test_the_brief_needs_no_script_and_fetches_nothing(ukraine):
    _, html, _ = ukraine
    assert "<script" not in html
    assert not re.search(r'(src|href)="https?://', html)
    assert html.count("<svg") >= 4  # the headline charts are inline vectors


def test_a_page_image_is_written_for_a_person_to_look_at(ukraine):
    _, _, pdf = ukraine
    if shutil.which("pdftoppm") is None:
        pytest.fail(
            "pdftoppm is missing: 'apt-get install -y poppler-utils' (make install does it)."
        )
    SHOTS.mkdir(parents=True, exist_ok=True)
    source = SHOTS / "brief-UKR.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(source), str(SHOTS / "brief-UKR-page")],
                   check=True)  # fmt: skip
    first = sorted(SHOTS.glob("brief-UKR-page-*.png"))[0]
    assert first.stat().st_size > 20_000  # a drawn page, not a blank one


def test_the_cli_writes_the_brief_and_refuses_unknown_countries(run_cli, tmp_path):
    out = tmp_path / "geo.pdf"
    result = run_cli("brief", "GEO", "--year", "2022", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    pages, text = _text(out.read_bytes())
    assert 2 <= pages <= 4 and "Georgia" in text and "data up to 2022" in text
    html = tmp_path / "mda.html"
    result = run_cli("brief", "Moldova", "-f", "html", "-o", str(html))
    assert result.exit_code == 0 and "<h1>Moldova" in html.read_text()
    result = run_cli("brief", "GOE")
    assert isinstance(result.exception, NotFoundError)  # 'stabilis' maps it to exit code 8
    assert "not a country code" in str(result.exception)


def test_the_api_serves_the_brief_as_pdf_and_html(client):
    response = client.get("/api/v1/countries/UKR/brief?format=pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "stabilis-brief-UKR.pdf" in response.headers["content-disposition"]
    pages, _ = _text(response.content)
    assert 2 <= pages <= 4
    page = client.get("/api/v1/countries/UKR/brief?format=html")
    assert page.headers["content-type"].startswith("text/html") and "Sources" in page.text
    missing = client.get("/api/v1/countries/GOE/brief")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong = client.get("/api/v1/countries/UKR/brief?format=docx")
    assert wrong.status_code == 422
