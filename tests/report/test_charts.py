"""Static SVG charts: axes on the indicator's scale, zoom said aloud, clipping, coverage gaps."""

from __future__ import annotations

import re

from stabilis.report import charts

FSI = {"label": "Fragile States Index", "indicator": "fsi.total", "minimum": 0, "maximum": 120,
       "higher_is_better": False}  # fmt: skip
POINTS = [
    {"year": 2021, "value": 71.8},
    {"year": 2022, "value": 72.1},
    {"year": 2023, "value": 72.6},
]


def _ticks(svg: str) -> list[str]:
    return re.findall(r'class="tick" x="3\d\.?\d*" y="[\d.]+" text-anchor="end">([^<]+)<', svg)


def test_the_axis_spans_the_indicators_scale_not_the_data():
    svg = charts.line_chart(FSI, POINTS, (2020, 2024))
    ticks = _ticks(svg)
    assert ticks == ["0", "50", "100"]  # 0-120 scale, not 71.8-72.6
    assert "zoomed" not in svg


def test_an_indicator_without_a_scale_is_zoomed_and_says_so():
    svg = charts.line_chart({"label": "Count"}, POINTS, (2020, 2024))
    assert "axis zoomed to the data" in svg
    assert "The axis is zoomed to the data." in svg  # in the chart's <title> sentence too


def test_lines_and_bands_are_clipped_to_the_plot():
    points = [{"year": 2000, "value": 0.5, "lower": 0.4, "upper": 0.6},
              {"year": 2001, "value": 0.6, "lower": 0.5, "upper": 0.7}]  # fmt: skip
    svg = charts.line_chart({"label": "x", "minimum": 0, "maximum": 1}, points, (1990, 2024))
    clip = re.search(r'<clipPath id="(clip\d+)">', svg)
    assert clip
    assert 'class="band" points="' in svg
    assert svg.count(f'clip-path="url(#{clip.group(1)})"') == 2  # band and line


def test_years_a_source_does_not_cover_are_hatched_not_zero():
    rows = [{"year": 2014, "n": None}, {"year": 2015, "n": 3}, {"year": 2016, "n": 0}]
    svg = charts.bar_chart(rows, "n", (2014, 2016), label="Cases")
    assert svg.count('class="uncovered"') == 1
    assert "2014: not covered by the source" in svg
    assert svg.count('class="bar"') == 2
    assert "the source covers 2015-2016; 1 years not covered" in svg


def test_numbers_are_readable():
    assert charts.fmt(17180.0) == "17,180"
    assert charts.fmt(0.3891) == "0.389"
    assert charts.fmt(61.0) == "61"
    assert charts.fmt(None) == "–"
    assert charts.nice_ticks(0, 1) == [0.0, 0.25, 0.5, 0.75, 1.0]
