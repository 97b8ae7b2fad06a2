"""The Workspace is configured once and builds every service with that configuration."""

from __future__ import annotations

import pytest

import stabilis
from stabilis.errors import QueryError
from stabilis.workspace import Workspace


def test_open_configures_the_forecast_service_and_the_workers(tmp_path):
    ws = stabilis.open(tmp_path, forecast={"model": "logit", "n_members": 3}, workers=3)
    assert isinstance(ws, Workspace)
    config = ws.forecasts.config
    assert (config.model, config.n_members, config.n_jobs) == ("logit", 3, 3)
    assert ws.impact.workers == 3


def test_the_default_workspace_keeps_the_services_defaults(tmp_path):
    from stabilis.workspace import ForecastConfig

    ws = stabilis.open(tmp_path)
    assert ws.forecasts.config == ForecastConfig()
    assert ws.impact.workers == 1


def test_a_forecast_config_object_is_used_as_given(tmp_path):
    from stabilis.workspace import ForecastConfig

    given = ForecastConfig(tie_rule="above", n_jobs=1)
    assert stabilis.open(tmp_path, forecast=given).forecasts.config is given


def test_configured_keeps_the_settings_and_changes_only_the_options(tmp_path):
    ws = stabilis.open(tmp_path, workers=2)
    other = ws.configured(forecast={"model": "logit"})
    assert other.settings is ws.settings and other.workers == 2
    assert other.forecasts.config.model == "logit" and ws.forecasts.config.model == "lgbm"


def test_bad_options_are_refused_with_the_option_named(tmp_path):
    with pytest.raises(QueryError, match="workers must be at least 1"):
        stabilis.open(tmp_path, workers=0)
    with pytest.raises(QueryError, match="Unknown model 'forest'"):
        _ = stabilis.open(tmp_path, forecast={"model": "forest"}).forecasts
    with pytest.raises(QueryError, match="'no_such_field' is not a forecast setting"):
        _ = stabilis.open(tmp_path, forecast={"no_such_field": 1}).forecast_config


def test_the_cli_gets_its_forecast_service_from_the_workspace(tmp_path):
    """``stabilis forecast backtest --model logit`` uses the Workspace's service, configured."""
    from stabilis.cli.context import State

    state = State(tmp_path, None, None)
    plain = state.workspace()
    configured = state.workspace(forecast={"model": "logit"})
    assert state.workspace() is plain
    assert configured.settings == plain.settings
    assert configured.forecasts.config.model == "logit"
    assert plain.forecasts.config.model == "lgbm"


class _CountingWarehouse:
    """A stand-in warehouse that counts the connections it opens (no file, no DuckDB)."""

    def __init__(self) -> None:
        self.opened = 0

    def reader(self):
        import contextlib

        import pandas as pd

        warehouse = self

        class Reader:
            def query(self, sql, params=None):
                return pd.DataFrame({"year": [2020, 2021], "countries": [3, 4]})

        @contextlib.contextmanager
        def opened():
            warehouse.opened += 1
            yield Reader()

        return opened()


def test_reads_inside_reading_share_one_connection(tmp_path):
    ws = stabilis.open(tmp_path)
    fake = ws.__dict__["warehouse"] = _CountingWarehouse()
    ws.indicator_years("vdem.v2x_polyarchy")
    ws.indicator_years("wgi.pv_est")
    assert fake.opened == 2
    with ws.reading(), ws.reading():  # nested blocks share the outer connection
        years = ws.indicator_years("vdem.v2x_polyarchy")
        ws.indicator_years("wgi.pv_est")
    assert fake.opened == 3 and list(years["year"]) == [2020, 2021]
    ws.indicator_years("fh.total")
    assert fake.opened == 4
