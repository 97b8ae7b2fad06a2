"""Settings: defaults < stabilis.toml < STABILIS_* environment < explicit overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from stabilis.config import Settings
from stabilis.errors import ConfigError


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in ("STABILIS_DATA_DIR", "STABILIS_MIRROR", "STABILIS_CONFIG", "STABILIS_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)


def test_default_data_dir_is_per_user(tmp_path):
    settings = Settings.load()
    assert settings.data_dir == tmp_path / "xdg" / "stabilis"
    assert settings.warehouse_path == settings.data_dir / "warehouse.duckdb"
    assert settings.mirror is None


def test_precedence_file_then_env_then_flags(tmp_path, monkeypatch):
    Path("stabilis.toml").write_text(
        '[stabilis]\ndata_dir = "from-file"\nmirror = "/file/mirror"\n'
    )
    assert Settings.load().data_dir == Path("from-file")
    monkeypatch.setenv("STABILIS_DATA_DIR", "from-env")
    settings = Settings.load()
    assert settings.data_dir == Path("from-env")
    assert settings.mirror == "/file/mirror"
    assert Settings.load(data_dir="from-flag").data_dir == Path("from-flag")


def test_unknown_setting_is_named():
    Path("stabilis.toml").write_text("[stabilis]\ndatadir = 'x'\n")
    with pytest.raises(ConfigError, match=r"Unknown setting.*datadir"):
        Settings.load()


def test_bad_toml_is_named():
    Path("stabilis.toml").write_text("[stabilis\n")
    with pytest.raises(ConfigError, match=r"stabilis.toml is not valid TOML"):
        Settings.load()


def test_bad_timeout_is_refused(monkeypatch):
    monkeypatch.setenv("STABILIS_TIMEOUT", "soon")
    with pytest.raises(ConfigError, match=r"timeout must be a number"):
        Settings.load()


def test_missing_explicit_config_file_is_refused():
    with pytest.raises(ConfigError, match=r"does not exist"):
        Settings.load(config_file="nope.toml")
