"""Benchmark: the UKR country brief, end to end, against its parts measured in the same run.

Run:  STABILIS_DATA_DIR=/path/to/data .venv/bin/python benchmarks/brief.py [--country UKR] [--runs 3]

Each run times, on a fresh Workspace (no warm service caches, like a CLI call):

* ``sections`` — assembling every section (warehouse reads, threat profile, support audit,
  resilience scorecard, archived forecasts and their scores, impact cases);
* ``html`` — rendering the sections to the brief's HTML (the baseline: templates and SVG only);
* ``pdf`` — laying that HTML out with WeasyPrint;
* ``brief`` — the whole ``stabilis brief`` path (sections + HTML + PDF).

Printed: the median of each, the ratios brief/html and pdf/html, the page count and the PDF size,
then each section's time (one run on a warm workspace), to show where the time goes.
No figure is asserted anywhere; the numbers belong in the issue's closing note.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--country", default="UKR")
    parser.add_argument("--year", type=int, default=None)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from pypdf import PdfReader

    import stabilis
    from stabilis.report.brief import brief_html, brief_pdf
    from stabilis.report.country import country_report

    times: dict[str, list[float]] = {"sections": [], "html": [], "pdf": [], "brief": []}
    pdf = b""
    brief_pdf(brief_html(country_report(stabilis.open(), args.country, args.year)))  # imports
    for _ in range(args.runs):
        ws = stabilis.open()
        start = time.perf_counter()
        report = country_report(ws, args.country, args.year)
        sections = time.perf_counter()
        html = brief_html(report)
        rendered = time.perf_counter()
        pdf = brief_pdf(html)
        done = time.perf_counter()
        times["sections"].append(sections - start)
        times["html"].append(rendered - sections)
        times["pdf"].append(done - rendered)
        times["brief"].append(done - start)
    median = {k: statistics.median(v) for k, v in times.items()}
    from stabilis.report.country import SECTIONS

    ws = stabilis.open()
    iso3 = country_report(ws, args.country, args.year).country["iso3"]
    year = args.year or report.year
    parts = {}
    for name, function in SECTIONS.items():
        start = time.perf_counter()
        function(ws, iso3, year)
        parts[name] = time.perf_counter() - start
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(f"Brief of {args.country}, {args.runs} runs (median seconds):")
    for key, value in median.items():
        print(f"  {key:<9}{value:8.3f}")
    print(f"  brief / html = {median['brief'] / median['html']:.1f}x, "
          f"pdf / html = {median['pdf'] / median['html']:.1f}x")  # fmt: skip
    print(f"  {pages} pages, {len(pdf):,} bytes of PDF")
    print("Sections, one run on a warm workspace (seconds):")
    for name, value in sorted(parts.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<16}{value:7.3f}")


if __name__ == "__main__":
    main()
