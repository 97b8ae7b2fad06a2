"""Readable names for the forecast features: one table of labels beside their definitions.

Every feature code built by :mod:`stabilis.forecast.features` gets a ``label`` ("Judicial
constraints on the executive, change over two years") and, given its value, a ``sentence``
("Judicial constraints on the executive fell 0.12 over one year"). The raw code stays the key
everywhere (researchers keep ``feature``); labels are derived from :data:`BASE_LABELS` and the
suffix grammar below, so a new feature without a base label falls back to its code rather
than to a made-up name. ``tests/forecast/test_labels.py`` checks that every feature the design
builds has a label that is not its code.
"""

from __future__ import annotations

import math
import re

from stabilis.forecast.targets import SPACES

#: Labels of the base codes (the part of a feature code before any suffix).
BASE_LABELS: dict[str, str] = {
    # the six spaces (the Barometer's indicators; economic space = 1 - public-sector corruption)
    **{s.indicator: f"{s.label} space ({s.gist})" for s in SPACES.values()},
    # V-Dem indices
    "v2x_polyarchy": "Electoral democracy (V-Dem)",
    "v2x_libdem": "Liberal democracy (V-Dem)",
    "v2x_partipdem": "Participatory democracy (V-Dem)",
    "v2x_delibdem": "Deliberative democracy (V-Dem)",
    "v2x_egaldem": "Egalitarian democracy (V-Dem)",
    "v2x_regime": "Regime type (Regimes of the World, 0 closed autocracy - 3 liberal democracy)",
    "v2x_liberal": "Liberal component (V-Dem)",
    "v2x_jucon": "Judicial constraints on the executive",
    "v2xlg_legcon": "Legislative constraints on the executive",
    "v2x_civlib": "Civil liberties (V-Dem)",
    "v2x_clphy": "Freedom from physical violence by the state",
    "v2x_clpol": "Political civil liberties",
    "v2x_clpriv": "Private civil liberties",
    "v2x_corr": "Political corruption (V-Dem, higher = more)",
    "v2x_execorr": "Executive corruption (V-Dem, higher = more)",
    "v2x_neopat": "Neopatrimonial rule (V-Dem, higher = more)",
    "v2x_rule": "Rule of law (V-Dem)",
    "v2xel_frefair": "Clean elections (V-Dem)",
    "v2x_elecoff": "Elected officials (V-Dem)",
    "v2x_cspart": "Civil society participation",
    "v2x_frassoc_thick": "Freedom of association",
    "v2xme_altinf": "Alternative sources of information",
    "v2mecenefm": "Freedom from government censorship of the media",
    "v2meharjrn": "Freedom from harassment of journalists",
    "v2mecrit": "Media critical of the government",
    "v2csreprss": "Freedom from repression of civil society",
    "v2cseeorgs": "Freedom of civil society organisations to form and dissolve",
    "v2elintim": "Freedom from government intimidation in elections",
    "v2exrescon": "Executive respects the constitution",
    "v2juhcind": "High court independence",
    "v2juncind": "Lower court independence",
    "v2clkill": "Freedom from political killings",
    "v2cltort": "Freedom from torture",
    "v2cacamps": "Political polarisation (higher = more)",
    "v2caassemb": "Freedom of peaceful assembly",
    "v2cagenmob": "Mass mobilisation",
    "v2cademmob": "Mobilisation for democracy",
    "v2caautmob": "Mobilisation for autocracy",
    "v2x_ex_military": "Military's role in the regime",
    "v2x_ex_party": "Ruling party's role in the regime",
    "v2x_divparctrl": "Divided party control of government",
    "v2xnp_pres": "Presidentialism (V-Dem, higher = more)",
    "v2x_gender": "Women's political empowerment",
    "v2xel_elecparl": "Legislative election held this year",
    "v2xel_elecpres": "Presidential election held this year",
    # other sources
    "fh.pr": "Freedom House political rights (1 best - 7 worst)",
    "fh.cl": "Freedom House civil liberties (1 best - 7 worst)",
    "wgi.va_est": "Voice and accountability (WGI)",
    "wgi.pv_est": "Political stability and absence of violence (WGI)",
    "wgi.ge_est": "Government effectiveness (WGI)",
    "wgi.rq_est": "Regulatory quality (WGI)",
    "wgi.rl_est": "Rule of law (WGI)",
    "wgi.cc_est": "Control of corruption (WGI)",
    "hist.pt_attempt_num5yrs": "Coup attempts in the last 5 years",
    "hist.pt_attempt_num10yrs": "Coup attempts in the last 10 years",
    "hist.pt_coup_num10yrs": "Successful coups in the last 10 years",
    "hist.years_since_last_pt_attempt": "Years since the last coup attempt",
    "hist.conflicts": "Active armed conflicts in the country",
    "hist.conflict_intensity": "Highest armed-conflict intensity (1 minor, 2 war)",
    "hist.conflict_years10": "Years with armed conflict in the last 10",
    "hist.years_since_conflict": "Years since the last armed conflict",
    "econ.log_gdppc": "GDP per capita",
    "econ.gdppc_growth": "GDP per capita growth (%)",
    "econ.log_pop": "Population",
    "econ.infmort_yearadj": "Infant mortality (relative to the year's world average)",
    "econ.state_age": "Years since independence",
    "nato.member": "NATO member",
    "nato.partner": "NATO partner",
    "nato.pfp": "Partnership for Peace",
    "nato.eapc": "Euro-Atlantic Partnership Council",
    "nato.md": "Mediterranean Dialogue",
    "nato.ici": "Istanbul Cooperation Initiative",
    "nato.global_partner": "NATO partner across the globe",
    "nato.map": "Membership Action Plan",
    "nato.ipap": "Individual Partnership Action Plan",
    "nato.parp": "Planning and Review Process",
    "nato.dcb": "Defence Capacity Building package",
    "nato.bi": "Building Integrity programme",
    "nato.deep": "Defence Education Enhancement Programme",
    "nato.cap": "Comprehensive Assistance Package",
    "nato.operation": "Hosts a NATO-led operation",
    "nato.years_since_accession": "Years since joining NATO",
    "nbr.conflicts": "Share of land neighbours with an armed conflict",
}

_SPACE_NAMES = {s.indicator: s.label.lower() for s in SPACES.values()}
_CHANGES = {".d1": "one year", ".d2": "two years"}
_EVENT = re.compile(r"^space\.(?P<ind>\w+)\.(?P<dir>up|down)_(?P<kind>now|last|count10|since)$")


def _base(code: str) -> tuple[str, str]:
    """(base label, suffix) of a feature code; the label is the code when unknown."""
    for prefix in ("space.", "vdem.", "nbr.", "region."):
        if code.startswith(prefix):
            rest = code.removeprefix(prefix)
            name, _, suffix = rest.partition(".")
            label = BASE_LABELS.get(name, BASE_LABELS.get(code, ""))
            if prefix == "nbr." and name in _SPACE_NAMES:
                label = (
                    f"Land neighbours' mean {BASE_LABELS[name][0].lower()}{BASE_LABELS[name][1:]}"
                )
            elif prefix == "region." and name in _SPACE_NAMES:
                label = f"Region's mean {_SPACE_NAMES[name]} space"
            if code in BASE_LABELS:
                return BASE_LABELS[code], ""
            return (label or code), (f".{suffix}" if suffix else "")
    return BASE_LABELS.get(code, code), ""


def label(code: str) -> str:
    """A readable name for a feature code (the code itself when none is known)."""
    event = _EVENT.match(code)
    if event:
        word = "opening" if event["dir"] == "up" else "closing"
        space = _SPACE_NAMES.get(event["ind"], event["ind"])
        return {
            "now": f"{word.capitalize()} of the {space} space under way this year",
            "last": f"{word.capitalize()} of the {space} space last year",
            "count10": f"{word.capitalize()}s of the {space} space in the last 10 years",
            "since": f"Years since the last {word} of the {space} space",
        }[event["kind"]]
    base, suffix = _base(code)
    if base == code:
        return code
    if suffix in _CHANGES:
        return f"{base}, change over {_CHANGES[suffix]}"
    if suffix == ".vol10":
        return f"{base}, year-to-year volatility over 10 years"
    if suffix == ".from_high10":
        return f"{base}, distance below its 10-year high"
    if suffix == ".from_low10":
        return f"{base}, distance above its 10-year low"
    return base if not suffix else f"{base} ({suffix.lstrip('.')})"


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) < 0.01:
        return f"{value:.3f}"
    return f"{value:.2f}".rstrip("0").rstrip(".") if abs(value) >= 1 else f"{value:.2f}"


def sentence(code: str, value: float | None) -> str:
    """One sentence saying what the feature's value is, e.g. "Judicial constraints on the
    executive fell 0.12 over two years". Missing values say so."""
    name = label(code)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return f"{name}: no data at the origin."
    v = float(value)
    event = _EVENT.match(code)
    if event:
        kind = event["kind"]
        if kind in ("now", "last"):
            return f"{name}: {'yes' if v > 0 else 'no'}."
        if kind == "count10":
            return f"{name}: {v:.0f}."
        return f"{name}: {v:.0f}{' or more (none recorded)' if v >= 30 else ''}."
    base, suffix = _base(code)
    if suffix in _CHANGES:
        if v == 0:
            return f"{base} did not change over {_CHANGES[suffix]}."
        verb = "rose" if v > 0 else "fell"
        return f"{base} {verb} {_number(abs(v))} over {_CHANGES[suffix]}."
    if suffix == ".vol10":
        return f"{base} moved by {_number(v)} a year on average (standard deviation, 10 years)."
    if suffix == ".from_high10":
        return (f"{base} is at its 10-year high." if v == 0
                else f"{base} is {_number(abs(v))} below its 10-year high.")  # fmt: skip
    if suffix == ".from_low10":
        return (f"{base} is at its 10-year low." if v == 0
                else f"{base} is {_number(abs(v))} above its 10-year low.")  # fmt: skip
    if code.startswith("nato.") and code != "nato.years_since_accession":
        return f"{name}: {'yes' if v > 0 else 'no'}."
    if code == "econ.log_gdppc":
        return f"GDP per capita is {math.exp(v):,.0f} US dollars (constant 2015)."
    if code == "econ.log_pop":
        return f"Population is {math.exp(v) / 1e3:,.1f} million."  # the series is in thousands
    if code == "nbr.conflicts":
        return f"{v:.0%} of land neighbours have an armed conflict."
    if code in ("vdem.v2xel_elecparl", "vdem.v2xel_elecpres"):
        return f"{name}: {'yes' if v > 0 else 'no'}."
    return f"{name}: {_number(v)}."


def effect(contribution: float) -> str:
    """How a contribution moves the forecast, in words."""
    if contribution > 0:
        return "raises the probability"
    if contribution < 0:
        return "lowers the probability"
    return "does not move the probability"
