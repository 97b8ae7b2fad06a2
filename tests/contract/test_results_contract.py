"""One results contract: ``tidy()`` a long frame, ``summary()`` prose, ``meta()`` a JSON-ready
dict, ``to_dict()`` the whole result JSON-ready (``stabilis.results``).

Every result class of ``alliance/``, ``threats/`` and ``report/`` is found by scanning the
packages (a class with any of the contract's methods is a result, unless it is listed below as
a value object), checked on its signature, and computed from the warehouse built from the
mirror and checked on what it returns. The impact and forecast results are checked on their
signature here (any that did not comply would be listed as a strict xfail in ``NOT_YET``), and on
their long form where they are computed: ``tests/impact/test_results_contract.py`` and
``tests/forecast`` (each names its ``TIDY_KEYS``).
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from typing import Any

import pandas as pd
import pytest

from stabilis.results import Result

CONTRACT = ("tidy", "summary", "meta", "to_dict")
MINE = ("alliance", "threats", "report")

#: Classes with a ``to_dict`` that are settings or specifications, not results of an analysis.
VALUE_OBJECTS = {
    "stabilis.threats.alerts.AlertRule": "the alert rule's parameters",
    "stabilis.impact.cases.CaseSpec": "a case file's specification",
    "stabilis.impact.registration.Registration": "a pre-registration record",
    "stabilis.forecast.design.ForecastConfig": "the forecast settings",
}

#: Results of the packages other engineers are bringing to the contract, and what they lack.
NOT_YET: dict[str, str] = {}

#: Results whose ``tidy()`` has no fixed key columns, and why (every other result of
#: ``alliance/``, ``threats/`` and ``report/`` names them in ``TIDY_KEYS``).
NO_FIXED_KEYS = {
    "stabilis.report.country.Section": "a section's rows differ by section (an indicator, an "
    "episode, a forecast...): each section is keyed its own way",
}
# The impact and forecast results are left out of the key checks below: they are computed, and
# their long form checked, in tests/impact/test_results_contract.py and tests/forecast.


def _result_classes(package: str) -> dict[str, type]:
    found: dict[str, type] = {}
    root = importlib.import_module(f"stabilis.{package}")
    for info in pkgutil.iter_modules(root.__path__):
        module = importlib.import_module(f"stabilis.{package}.{info.name}")
        for name, cls in vars(module).items():
            if not inspect.isclass(cls) or cls.__module__ != module.__name__:
                continue
            if any(m in vars(cls) for m in (*CONTRACT, "as_dict")):
                found[f"{module.__name__}.{name}"] = cls
    return {k: v for k, v in found.items() if k not in VALUE_OBJECTS}


def _signature_faults(cls: type) -> list[str]:
    faults = [f"no {m}()" for m in CONTRACT if not callable(getattr(cls, m, None))]
    if hasattr(cls, "as_dict"):
        faults.append("as_dict is left (say to_dict)")
    for method, wanted in (("summary", "str"), ("meta", "dict[str, Any]")):
        function = getattr(cls, method, None)
        if callable(function) and function.__annotations__.get("return") not in (wanted, None):
            faults.append(f"{method}() returns {function.__annotations__['return']}, not {wanted}")
    return faults


MY_CLASSES = {k: v for p in MINE for k, v in _result_classes(p).items()}
OTHER_CLASSES = {k: v for p in ("impact", "forecast") for k, v in _result_classes(p).items()}


@pytest.mark.parametrize("name", sorted(MY_CLASSES))
def test_every_result_class_offers_the_contract(name):
    assert _signature_faults(MY_CLASSES[name]) == []


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=NOT_YET[n]))
        if n in NOT_YET
        else n
        for n in sorted(OTHER_CLASSES)
    ],
)
def test_impact_and_forecast_results_offer_the_contract(name):
    assert _signature_faults(OTHER_CLASSES[name]) == []


@pytest.mark.parametrize("name", sorted(MY_CLASSES))
def test_every_result_class_names_its_key_columns(name):
    keys = getattr(MY_CLASSES[name], "TIDY_KEYS", None)
    if name in NO_FIXED_KEYS:
        assert keys is None, f"{name} names its keys: take it off NO_FIXED_KEYS"
        return
    assert isinstance(keys, tuple) and keys and all(isinstance(k, str) for k in keys), name


def test_the_lists_name_classes_that_exist():
    """A renamed or removed class must leave the lists (else they check nothing)."""
    assert set(NOT_YET) <= set(OTHER_CLASSES)
    assert not set(NOT_YET) & set(MY_CLASSES)
    assert set(NO_FIXED_KEYS) <= set(MY_CLASSES)
    for name in VALUE_OBJECTS:
        module, _, cls = name.rpartition(".")
        assert inspect.isclass(getattr(importlib.import_module(module), cls, None)), name


# -- what the results return, on the warehouse built from the mirror ---------------------------


@pytest.fixture(scope="module")
def results(built, mirror, tmp_path_factory) -> dict[str, Any]:
    from stabilis.report import provenance
    from stabilis.report.country import CountryReport, headline, regime
    from stabilis.sources import gdelt
    from stabilis.threats import events as ev
    from stabilis.threats.samples import write_sample_events

    columns = gdelt.parse("event_columns", mirror / "gdelt" / "gdelt2_events_column_labels.csv")
    names = gdelt.event_column_names(columns[0].frame)
    # Generated events in the official export layout (the mirror's GDELT files are large).
    events = write_sample_events(
        tmp_path_factory.mktemp("events") / "20200101000000.export.CSV", names, 500, seed=7
    )

    alliance, threats = built.alliance, built.threats
    sections = {"headline": headline(built, "UKR", 2023), "regime": regime(built, "UKR", 2023)}
    cited = provenance.for_sources(built, ["vdem", "wgi"], {"country": "UKR"})
    targets = ev.cameo_country_map(["EST", "UKR", "GEO"])
    return {
        "stabilis.alliance.support.SupportAudit": alliance.support_audit(2019),
        "stabilis.alliance.burden.BurdenSharing": alliance.burden(2024),
        "stabilis.alliance.resilience.Scorecard": alliance.resilience_scorecard("nato"),
        "stabilis.threats.profile.ThreatProfile": threats.profile("EST"),
        "stabilis.threats.elections.ElectionRecord": threats.elections("GEO"),
        "stabilis.threats.alerts.Backtest": threats.alert_backtest(2000, 2023),
        "stabilis.threats.incidents.Reconciled": threats.reconciled,
        "stabilis.threats.events.EventSignal": ev.aggregate_events(
            [events], ev.read_schema(columns[0].frame), targets
        ),
        "stabilis.report.country.Section": sections["headline"],
        "stabilis.report.country.CountryReport": CountryReport(
            {"iso3": "UKR", "name": "Ukraine"}, 2023, sections, cited, "2026-12-01T00:00:00+00:00"
        ),
        "stabilis.report.provenance.Provenance": cited,
    }


def test_every_result_class_is_computed_here(results):
    assert set(results) == set(MY_CLASSES)


@pytest.mark.parametrize("name", sorted(MY_CLASSES))
def test_results_return_what_the_contract_says(results, name):
    result = results[name]
    assert isinstance(result, Result)
    tidy = result.tidy()
    assert isinstance(tidy, pd.DataFrame) and len(tidy) > 0
    assert isinstance(tidy.index, pd.RangeIndex) and tidy.index.start == 0
    assert not isinstance(tidy.columns, pd.MultiIndex)
    assert all(isinstance(c, str) for c in tidy.columns)
    summary = result.summary()
    assert isinstance(summary, str) and summary.strip().endswith(".")
    assert len(summary.split()) >= 5 and "{" not in summary
    meta = result.meta()
    assert isinstance(meta, dict) and meta
    json.dumps(meta, allow_nan=False)  # JSON-ready as it is: no default= needed
    whole = result.to_dict()
    json.dumps(whole, allow_nan=False)


def long_form_faults(tidy: pd.DataFrame, keys: tuple[str, ...]) -> list[str]:
    """What keeps ``tidy`` from the long form keyed by ``keys`` (an empty list: nothing)."""
    faults = []
    if tuple(tidy.columns[: len(keys)]) != keys:
        faults.append(
            f"the columns start {list(tidy.columns[: len(keys)])}, not the keys {list(keys)}"
        )
    missing = [k for k in keys if k not in tidy.columns]
    if missing:
        return [*faults, f"no key column {missing}"]
    repeated = int(tidy.duplicated(list(keys)).sum())
    if repeated:
        faults.append(f"{repeated} rows repeat a key")
    values = {str(v) for k in keys for v in tidy[k].dropna().unique()}
    named = sorted(set(map(str, tidy.columns)) & values)
    if named:
        faults.append(f"columns named after a key's value (a wide table): {named}")
    return faults


def test_the_long_form_check_finds_a_wide_table():
    """The check itself, on tables whose shape is known."""
    long = pd.DataFrame({"iso3": ["EST", "EST"], "measure": ["a", "b"], "value": [1.0, 2.0]})
    assert long_form_faults(long, ("iso3", "measure")) == []
    spread = long.assign(b=[2.0, 2.0])  # measure "b" also spread as a column of its own
    assert long_form_faults(spread, ("iso3", "measure")) == [
        "columns named after a key's value (a wide table): ['b']"
    ]
    assert long_form_faults(long, ("iso3",)) == ["1 rows repeat a key"]
    assert long_form_faults(long[["value", "iso3", "measure"]], ("iso3", "measure"))[0].startswith(
        "the columns start"
    )


@pytest.mark.parametrize("name", sorted(set(MY_CLASSES) - set(NO_FIXED_KEYS)))
def test_tidy_is_long_keys_first_and_unique(results, name):
    result = results[name]
    assert long_form_faults(result.tidy(), type(result).TIDY_KEYS) == []


def test_a_summary_says_what_its_meta_counts(results):
    burden = results["stabilis.alliance.burden.BurdenSharing"]
    meta = burden.meta()
    assert f"{meta['meeting_2_percent']} of {meta['members_with_nato_figures']}" in (
        burden.summary()
    )
    profile = results["stabilis.threats.profile.ThreatProfile"]
    assert f"{profile.meta()['alerts']} alerts" in profile.summary()
