"""Static SVG charts for printed and offline reports: no script, no font download, no CDN.

Each function returns an ``<svg>`` string with a ``<title>`` sentence, so the chart reads in a PDF,
an e-mail or a browser with scripts off. Axes follow the indicator's own scale when its metadata
give one (``minimum``/``maximum``), so a small change is not drawn as a cliff; when the scale is
unknown the axis spans the data and the chart says "axis zoomed to the data". Lines and bands are
clipped to the plot area.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from itertools import count
from typing import Any

_ids = count(1)
#: Presentation inside each SVG (so a PDF renderer and a browser draw it the same way).
SVG_STYLE = (
    ".grid{stroke:#e3e3e3;stroke-width:.6}.axis{stroke:#555;stroke-width:.8}"
    ".tick{font:7.5px 'DejaVu Sans',sans-serif;fill:#444}"
    ".note{font:italic 7px 'DejaVu Sans',sans-serif;fill:#a04000}"
    ".empty{font:9px 'DejaVu Sans',sans-serif;fill:#666}"
    ".line{fill:none;stroke:#1f4e79;stroke-width:1.6}.dot{fill:#1f4e79}"
    ".band{fill:#1f4e79;fill-opacity:.18;stroke:none}"
    ".episode.autocratization{fill:#e69f00;fill-opacity:.16}"
    ".episode.democratization{fill:#0072b2;fill-opacity:.12}"
    ".bar{fill:#8c2d04}.uncovered{stroke:none}.hatch{stroke:#bbb;stroke-width:1.2}"
)


def _num(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def nice_ticks(low: float, high: float, n: int = 5) -> list[float]:
    """About ``n`` round tick values covering ``[low, high]``."""
    if not high > low:
        return [low]
    raw = (high - low) / max(1, n - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9) * step
    ticks = []
    value = first
    while value <= high + 1e-9 * step:
        ticks.append(round(value, 10))
        value += step
    return ticks


def fmt(value: float | None, digits: int | None = None) -> str:
    """A readable number: 0.389, 1.23, 61, 17,180 (never 1.718e+04)."""
    if value is None:
        return "–"
    if digits is not None:
        return f"{value:,.{digits}f}"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100 or float(value).is_integer():
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def scale_domain(meta: dict[str, Any], values: Sequence[float]) -> tuple[float, float, bool]:
    """(low, high, zoomed): the indicator's range when known, else the data's padded range."""
    low, high = _num(meta.get("minimum")), _num(meta.get("maximum"))
    data = [v for v in values if v is not None]
    if low is not None and high is not None and high > low:
        if data:
            low, high = min(low, min(data)), max(high, max(data))
        return low, high, False
    if not data:
        return 0.0, 1.0, True
    lo, hi = min(data), max(data)
    pad = (hi - lo) * 0.1 or max(abs(lo) * 0.1, 1.0)
    return lo - pad, hi + pad, True


def line_chart(
    meta: dict[str, Any],
    points: Sequence[dict[str, Any]],
    years: tuple[int, int],
    *,
    episodes: Sequence[dict[str, Any]] = (),
    width: int = 330,
    height: int = 132,
) -> str:
    """One indicator's line with its producer's interval as a band; ERT episodes shaded."""
    pts = [p for p in points if _num(p.get("value")) is not None]
    label = str(meta.get("label") or meta.get("indicator") or "")
    if not pts:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="40" role="img">'
            f"<title>{escape(label)}: no values</title><style>{SVG_STYLE}</style>"
            f'<text x="4" y="24" class="empty">No values in {years[0]}-{years[1]}.</text></svg>'
        )
    m_l, m_r, m_t, m_b = 40, 8, 8, 20
    x0, x1, y0, y1 = m_l, width - m_r, m_t, height - m_b
    bounds = [_num(p.get(k)) for p in pts for k in ("value", "lower", "upper")]
    low, high, zoomed = scale_domain(meta, [b for b in bounds if b is not None])
    first, last = years

    def sx(year: float) -> float:
        return x0 + (year - first) / max(1, last - first) * (x1 - x0)

    def sy(value: float) -> float:
        return y1 - (value - low) / (high - low) * (y1 - y0)

    clip = f"clip{next(_ids)}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" class="chart">',
        f"<title>{escape(_sentence(label, pts, meta, zoomed))}</title><style>{SVG_STYLE}</style>",
        f'<defs><clipPath id="{clip}"><rect x="{x0}" y="{y0}" width="{x1 - x0}" '
        f'height="{y1 - y0}"/></clipPath></defs>',
    ]
    for e in episodes:
        a, b = max(int(e["start_year"]), first), min(int(e["end_year"]), last)
        if b >= a:
            parts.append(
                f'<rect class="episode {escape(str(e["kind"]))}" x="{sx(a - 0.5):.1f}" '
                f'y="{y0}" width="{max(1.0, sx(b + 0.5) - sx(a - 0.5)):.1f}" '
                f'height="{y1 - y0}" clip-path="url(#{clip})"/>'
            )
    for tick in nice_ticks(low, high):
        y = sy(tick)
        parts.append(f'<line class="grid" x1="{x0}" x2="{x1}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="tick" x="{x0 - 4}" y="{y + 3:.1f}" text-anchor="end">{fmt(tick)}</text>'
        )
    for tick in nice_ticks(first, last, 6):
        x = sx(tick)
        parts.append(
            f'<text class="tick" x="{x:.1f}" y="{height - 6}" text-anchor="middle">'
            f"{int(tick)}</text>"
        )
    parts.append(f'<line class="axis" x1="{x0}" x2="{x1}" y1="{y1}" y2="{y1}"/>')
    parts.append(f'<line class="axis" x1="{x0}" x2="{x0}" y1="{y0}" y2="{y1}"/>')
    banded = [
        p for p in pts if _num(p.get("lower")) is not None and _num(p.get("upper")) is not None
    ]
    if banded:
        top = " ".join(f"{sx(p['year']):.1f},{sy(float(p['upper'])):.1f}" for p in banded)
        bottom = " ".join(
            f"{sx(p['year']):.1f},{sy(float(p['lower'])):.1f}" for p in reversed(banded)
        )
        parts.append(f'<polygon class="band" points="{top} {bottom}" clip-path="url(#{clip})"/>')
    line = " ".join(f"{sx(p['year']):.1f},{sy(float(p['value'])):.1f}" for p in pts)
    parts.append(f'<polyline class="line" points="{line}" clip-path="url(#{clip})"/>')
    end = pts[-1]
    parts.append(
        f'<circle class="dot" cx="{sx(end["year"]):.1f}" cy="{sy(float(end["value"])):.1f}" r="2.2"/>'
    )
    if zoomed:
        parts.append(
            f'<text class="note" x="{x1}" y="{y0 + 8}" text-anchor="end">axis zoomed to the data</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _sentence(label: str, pts: Sequence[dict[str, Any]], meta: dict[str, Any], zoomed: bool) -> str:
    first, last = pts[0], pts[-1]
    better = meta.get("higher_is_better")
    direction = (
        "higher is better"
        if better is True
        else "higher is worse"
        if better is False
        else "no better or worse direction"
    )
    text = (
        f"{label}: {fmt(float(first['value']))} in {first['year']}, "
        f"{fmt(float(last['value']))} in {last['year']} ({direction})."
    )
    return text + (" The axis is zoomed to the data." if zoomed else "")


def bar_chart(
    rows: Sequence[dict[str, Any]],
    column: str,
    years: tuple[int, int],
    *,
    label: str,
    width: int = 330,
    height: int = 105,
) -> str:
    """Counts per year; years the source does not cover are drawn as "not covered", not zero."""
    by_year = {int(r["year"]): _num(r.get(column)) for r in rows}
    first, last = years
    values = [v for y, v in by_year.items() if first <= y <= last and v is not None]
    top = max(values) if values else 0.0
    ticks = [t for t in nice_ticks(0, top if top > 0 else 1, 4) if float(t).is_integer()]  # counts
    high = max(ticks[-1], top, 1.0)
    m_l, m_r, m_t, m_b = 40, 8, 8, 20
    x0, x1, y0, y1 = m_l, width - m_r, m_t, height - m_b
    slot = (x1 - x0) / (last - first + 1)
    covered = [y for y in range(first, last + 1) if by_year.get(y) is not None]
    gaps = [y for y in range(first, last + 1) if by_year.get(y) is None]
    span = f"{min(covered)}-{max(covered)}" if covered else "no year"
    title = f"{label} per year; the source covers {span}" + (
        f"; {len(gaps)} years not covered (hatched)" if gaps else ""
    )
    pattern = f"hatch{next(_ids)}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" class="chart">',
        f"<title>{escape(title)}</title><style>{SVG_STYLE}</style>",
        f'<defs><pattern id="{pattern}" width="4" height="4" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="4" class="hatch"/>'
        f"</pattern></defs>",
    ]
    for tick in ticks:
        y = y1 - tick / high * (y1 - y0)
        parts.append(f'<line class="grid" x1="{x0}" x2="{x1}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="tick" x="{x0 - 4}" y="{y + 3:.1f}" text-anchor="end">{fmt(tick)}</text>'
        )
    for year in range(first, last + 1):
        x = x0 + (year - first) * slot
        value = by_year.get(year)
        if value is None:
            parts.append(
                f'<rect class="uncovered" x="{x + 0.5:.1f}" y="{y0}" width="{max(0.5, slot - 1):.1f}" '
                f'height="{y1 - y0}" fill="url(#{pattern})"><title>{year}: not covered by the '
                f"source</title></rect>"
            )
            continue
        h = max(value / high * (y1 - y0), 0.8)  # a measured zero shows as a hairline
        parts.append(
            f'<rect class="bar" x="{x + 0.5:.1f}" y="{y1 - h:.1f}" width="{max(0.5, slot - 1):.1f}" '
            f'height="{h:.1f}"><title>{year}: {fmt(value)}</title></rect>'
        )
    for tick in nice_ticks(first, last, 6):
        x = x0 + (tick - first + 0.5) * slot
        parts.append(
            f'<text class="tick" x="{x:.1f}" y="{height - 6}" text-anchor="middle">{int(tick)}</text>'
        )
    parts.append(f'<line class="axis" x1="{x0}" x2="{x1}" y1="{y1}" y2="{y1}"/>')
    parts.append("</svg>")
    return "".join(parts)
