"""One ``Settings`` object: defaults < ``stabilis.toml`` < ``STABILIS_*`` environment < CLI flags.

Settings are read when :meth:`Settings.load` is called, never at import time.

=================  ==========================  ==============================================
setting            environment variable        meaning
=================  ==========================  ==============================================
``data_dir``       ``STABILIS_DATA_DIR``       snapshots and the warehouse live here
``mirror``         ``STABILIS_MIRROR``         offline mirror: a folder or an http(s) address
                                               laid out like ``shared/data``; unset = official
                                               addresses
``config_file``    ``STABILIS_CONFIG``         the TOML file to read (default ``./stabilis.toml``)
``timeout``        ``STABILIS_TIMEOUT``        seconds to wait for a download
``spark_master``   ``STABILIS_SPARK_MASTER``   Spark master for ``--engine spark``: ``local[N]``
                                               or a cluster URL
``unknown_countries`` ``STABILIS_UNKNOWN_COUNTRIES`` ``stop`` (default): a source row that
                                               matches no country and is not explained stops
                                               the build; ``report``: build and list it in the
                                               quality report
``require_sign_in``  ``STABILIS_REQUIRE_SIGN_IN``  ``true``: every page and API read needs a
                                               signed-in user or token (writes always do)
=================  ==========================  ==============================================
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from stabilis.errors import ConfigError

ENV_PREFIX = "STABILIS_"


def default_data_dir() -> Path:
    """The per-user data folder: ``$XDG_DATA_HOME/stabilis`` or ``~/.local/share/stabilis``."""
    base = os.environ.get("XDG_DATA_HOME")
    root = Path(base) if base else Path.home() / ".local" / "share"
    return root / "stabilis"


@dataclass(frozen=True)
class Settings:
    """Where data live and where they come from."""

    data_dir: Path
    mirror: str | None = None
    config_file: Path | None = None
    timeout: float = 60.0
    spark_master: str = "local[2]"
    unknown_countries: str = "stop"
    require_sign_in: bool = False

    @property
    def snapshot_dir(self) -> Path:
        return self.data_dir / "snapshots"

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @classmethod
    def load(cls, **overrides: Any) -> Settings:
        """Merge defaults, the TOML file, the environment and ``overrides`` (CLI flags)."""
        values: dict[str, Any] = {"data_dir": default_data_dir()}
        config_file = overrides.get("config_file") or os.environ.get(ENV_PREFIX + "CONFIG")
        path = Path(config_file) if config_file else Path("stabilis.toml")
        if path.exists():
            values.update(_read_toml(path))
            values["config_file"] = path
        elif config_file:
            raise ConfigError(f"The configuration file {path} does not exist.")
        for field in fields(cls):
            env = os.environ.get(ENV_PREFIX + field.name.upper())
            if env not in (None, "") and field.name != "config_file":
                values[field.name] = env
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls._coerce(values)

    def with_(self, **changes: Any) -> Settings:
        return Settings._coerce(
            {**{f.name: getattr(self, f.name) for f in fields(self)}, **changes}
        )

    @classmethod
    def _coerce(cls, values: dict[str, Any]) -> Settings:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError(
                f"Unknown setting(s): {', '.join(unknown)}. Known settings: {', '.join(sorted(known))}."
            )
        try:
            timeout = float(values.get("timeout", 60.0))
        except (TypeError, ValueError) as exc:
            raise ConfigError(
                f"The timeout must be a number of seconds, not {values.get('timeout')!r}."
            ) from exc
        if timeout <= 0:
            raise ConfigError("The timeout must be a positive number of seconds.")
        mirror = values.get("mirror")
        mirror = str(mirror) if mirror not in (None, "") else None
        config_file = values.get("config_file")
        unknown_countries = str(values.get("unknown_countries") or "stop").strip().lower()
        if unknown_countries not in ("stop", "report"):
            raise ConfigError(
                f"unknown_countries must be 'stop' or 'report', not {unknown_countries!r}."
            )
        require = values.get("require_sign_in", False)
        if isinstance(require, str):
            text = require.strip().lower()
            if text not in ("true", "false", "1", "0", "yes", "no", ""):
                raise ConfigError(f"require_sign_in must be true or false, not {require!r}.")
            require = text in ("true", "1", "yes")
        settings = cls(
            data_dir=Path(values["data_dir"]).expanduser(),
            mirror=mirror,
            config_file=Path(config_file) if config_file else None,
            timeout=timeout,
            spark_master=str(values.get("spark_master") or "local[2]"),
            unknown_countries=unknown_countries,
            require_sign_in=bool(require),
        )
        return replace(settings)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}.") from exc
    section = data.get("stabilis", data)
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: the [stabilis] section must be a table of settings.")
    return dict(section)
