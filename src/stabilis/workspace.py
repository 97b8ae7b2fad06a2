"""The one application object. The CLI, the API, the dashboard and the tests all call it.

>>> import stabilis
>>> ws = stabilis.open()                                   # doctest: +SKIP
>>> ws.panel(["vdem.v2x_polyarchy", "fh.total_reversed"], countries="nato", years=(1990, 2024))
... # doctest: +SKIP

It is the only door the interfaces (``cli/``, ``api/``, ``dashboard/``) use: it builds every
service (configured here, e.g. ``stabilis.open(forecast={"model": "logit"}, workers=2)``), owns
every read they need (the SQL lives in ``store/``), and re-exports the few names they show or
annotate with (:class:`User`, :data:`ROLES`, :func:`require_role`, :data:`GROUPS`).
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import threading
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stabilis._lazy import lazy_exports
from stabilis.accounts.roles import ROLES, User, require_role
from stabilis.config import Settings
from stabilis.errors import NotFoundError, QueryError

if TYPE_CHECKING:
    import pandas as pd

    from stabilis.accounts import AccountService
    from stabilis.alliance import AllianceService
    from stabilis.edits import EditService
    from stabilis.forecast import ForecastConfig, ForecastService
    from stabilis.forecast.archive import ArchiveEntry
    from stabilis.forecast.backtest import annotate
    from stabilis.impact import ImpactService
    from stabilis.impact.cases import CaseResult, PooledResult
    from stabilis.impact.results import SynthResult
    from stabilis.ingest.build import BuildReport, Progress
    from stabilis.ingest.pull import PullResult
    from stabilis.panel.serialise import encode, jsonable, records
    from stabilis.panel.years import YEAR_MAX, YEAR_MIN, check_year, parse_years
    from stabilis.registry import Registry
    from stabilis.registry.groups import GROUPS, LABELS, check_group
    from stabilis.registry.policy import OutletIndex
    from stabilis.store import Warehouse
    from stabilis.store.edits import EditsStore
    from stabilis.store.freshness import Freshness
    from stabilis.store.warehouse import WarehouseReader
    from stabilis.threats import ThreatService

__all__ = [
    "GROUPS",
    "LABELS",
    "ROLES",
    "YEAR_MAX",
    "YEAR_MIN",
    "AccountService",
    "AllianceService",
    "ArchiveEntry",
    "CaseResult",
    "EditService",
    "ForecastConfig",
    "ForecastService",
    "ImpactService",
    "PooledResult",
    "Registry",
    "Settings",
    "SynthResult",
    "ThreatService",
    "User",
    "Workspace",
    "annotate",
    "check_group",
    "check_year",
    "encode",
    "jsonable",
    "open_workspace",
    "parse_years",
    "records",
    "require_role",
]

#: The service classes the interfaces name in annotations, loaded when first asked for (so
#: ``from stabilis.workspace import Workspace`` stays light).
_LAZY = {
    "AccountService": "stabilis.accounts",
    "AllianceService": "stabilis.alliance",
    "EditService": "stabilis.edits",
    "ForecastConfig": "stabilis.forecast",
    "ForecastService": "stabilis.forecast",
    "ImpactService": "stabilis.impact",
    "Registry": "stabilis.registry",
    "ThreatService": "stabilis.threats",
    # Result types the interfaces read, and the forecast frame's direction labels.
    "ArchiveEntry": "stabilis.forecast.archive",
    "annotate": "stabilis.forecast.backtest",
    "CaseResult": "stabilis.impact.cases",
    "PooledResult": "stabilis.impact.cases",
    "SynthResult": "stabilis.impact.results",
    # The single concepts the interfaces share (ARCHITECTURE.md, "One of each concept").
    "GROUPS": "stabilis.registry.groups",
    "LABELS": "stabilis.registry.groups",
    "check_group": "stabilis.registry.groups",
    "YEAR_MIN": "stabilis.panel.years",
    "YEAR_MAX": "stabilis.panel.years",
    "check_year": "stabilis.panel.years",
    "parse_years": "stabilis.panel.years",
    "encode": "stabilis.panel.serialise",
    "jsonable": "stabilis.panel.serialise",
    "records": "stabilis.panel.serialise",
}


__getattr__ = lazy_exports(__name__, _LAZY)


def open_workspace(
    data_dir: str | Path | None = None,
    *,
    forecast: ForecastConfig | Mapping[str, Any] | None = None,
    workers: int | None = None,
    **settings: Any,
) -> Workspace:
    """The Workspace of ``data_dir`` (default: the configured one) with merged ``settings``
    (defaults < ``stabilis.toml`` < environment < these), configured as :class:`Workspace` says."""
    overrides = dict(settings)
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    return Workspace(Settings.load(**overrides), forecast=forecast, workers=workers)


class Workspace:
    """Data directory, warehouse and registry behind every interface, and every service.

    ``forecast`` configures :attr:`forecasts`: a ``ForecastConfig`` or a mapping of its fields
    (``{"model": "logit"}``); ``workers`` is the number of worker processes a service may use
    (the forecast's origins, impact placebos). Both default to the services' own defaults.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        forecast: ForecastConfig | Mapping[str, Any] | None = None,
        workers: int | None = None,
    ) -> None:
        if workers is not None and workers < 1:
            raise QueryError(f"workers must be at least 1, not {workers}.")
        self.settings = settings
        self.workers = workers
        self._forecast_options = forecast
        self._held = threading.local()  # the connection of a reading() block, per thread

    def configured(
        self,
        *,
        forecast: ForecastConfig | Mapping[str, Any] | None = None,
        workers: int | None = None,
    ) -> Workspace:
        """Another Workspace over the same settings with these service options."""
        return Workspace(
            self.settings,
            forecast=forecast if forecast is not None else self._forecast_options,
            workers=workers if workers is not None else self.workers,
        )

    @cached_property
    def forecast_config(self) -> ForecastConfig:
        """The forecast configuration :attr:`forecasts` uses (checked when first asked)."""
        import dataclasses

        from stabilis.forecast import ForecastConfig

        given = self._forecast_options
        if isinstance(given, ForecastConfig):
            config = given
        else:
            options = dict(given or {})
            known = [f.name for f in dataclasses.fields(ForecastConfig)]
            unknown = [name for name in options if name not in known]
            if unknown:
                raise QueryError(
                    f"'{unknown[0]}' is not a forecast setting. Settings: {', '.join(known)}.",
                    details={"forecast": unknown[0]},
                )
            config = ForecastConfig(**options)
        if self.workers is not None:
            config = dataclasses.replace(config, n_jobs=self.workers)
        return config

    @cached_property
    def warehouse(self) -> Warehouse:
        from stabilis.store import Warehouse

        return Warehouse(self.settings.warehouse_path)

    @contextlib.contextmanager
    def reading(self) -> Iterator[Workspace]:
        """Answer every read inside the block over one warehouse connection.

        A page, a profile or a brief asks several questions; outside a server (which keeps one
        connection open) each would open the file again. Reads in other threads are not
        affected; nested blocks share the outer connection.
        """
        if getattr(self._held, "db", None) is not None:
            yield self
            return
        with self.warehouse.reader() as db:
            self._held.db = db
            try:
                yield self
            finally:
                self._held.db = None

    @contextlib.contextmanager
    def _reader(self) -> Iterator[WarehouseReader]:
        held: WarehouseReader | None = getattr(self._held, "db", None)
        if held is not None:
            yield held
            return
        with self.warehouse.reader() as db:
            yield db

    @property
    def warehouse_path(self) -> Path:
        """The warehouse file (it may not exist yet)."""
        return Path(self.settings.warehouse_path)

    def warehouse_exists(self) -> bool:
        return self.warehouse.exists()

    def keep_open(self, enabled: bool = True) -> None:
        """Keep one read connection for every read (a server process); see ``Warehouse``."""
        self.warehouse.keep_open(enabled)

    def built_at(self) -> str | None:
        """When the warehouse was last built (ISO time), or None when it says nothing."""
        with self._reader() as db:
            value = db.meta().get("built_at")
        return None if value is None else str(value)

    @property
    def registry(self) -> Registry:
        """The package's registry with the analyst edits the last build applied.

        Re-read when the warehouse file changes (a build), so a long-running server shows an
        approved edit after the next ``stabilis build`` without a restart.
        """
        from stabilis.registry import load_registry

        stamp = self._warehouse_stamp()
        cached: tuple[object, Registry] | None = self.__dict__.get("_registry_cache")
        if cached is not None and cached[0] == stamp:
            return cached[1]
        registry = load_registry(edits=self.applied_edits() if stamp else ())
        self.__dict__["_registry_cache"] = (stamp, registry)
        return registry

    # -- freshness: one key over the warehouse and every artefact ---------------------------

    @cached_property
    def _freshness(self) -> Freshness:
        from stabilis.store.freshness import Freshness, file_stamp, folder_stamp

        data = Path(self.settings.data_dir)
        parts = Freshness()
        parts.add("warehouse", lambda: file_stamp(self.settings.warehouse_path))
        parts.add("forecast_archive", lambda: folder_stamp(data / "forecasts"))
        parts.add("event_signals", lambda: folder_stamp(data / "threats" / "events"))
        parts.add("impact_results", lambda: folder_stamp(data / "impact"))
        parts.add("analyst_edits", self._edits_stamp)
        return parts

    def _edits_stamp(self) -> tuple[object, object]:
        """The edits store (SQLite, write-ahead log): its file and its log change on a write."""
        path = Path(self.edits_store.path)
        from stabilis.store.freshness import file_stamp

        return (file_stamp(path), file_stamp(path.with_name(path.name + "-wal")))

    def freshness(self) -> str:
        """A key that changes whenever the warehouse or any artefact read beside it changes.

        It covers the warehouse file, the forecast archive, the saved event signals, impact
        results and whatever :meth:`add_freshness_source` adds (the analyst-edits store). Every
        API cache and every service memo is kept under it.
        """
        return str(self._freshness.key())

    def freshness_parts(self) -> dict[str, Any]:
        """The stamp of each part of :meth:`freshness` (for diagnostics and tests)."""
        return dict(self._freshness.parts())

    def add_freshness_source(self, name: str, stamp: Callable[[], Hashable]) -> None:
        """Make :meth:`freshness` follow another artefact (e.g. the analyst-edits store).

        ``stamp()`` returns a hashable value that changes whenever the artefact does; use
        ``stabilis.store.freshness.file_stamp`` or ``folder_stamp`` for a file or a folder.
        """
        self._freshness.add(name, stamp)

    def folder_key(self, folder: str | Path) -> str:
        """A short key that changes when ``folder`` or any entry directly in it changes (for a
        service given its own artefact folder, e.g. a forecast archive elsewhere)."""
        from stabilis.store.freshness import folder_stamp

        return hashlib.sha256(repr(folder_stamp(folder)).encode()).hexdigest()[:8]

    def _fresh_service(self, name: str, factory: Callable[[], Any]) -> Any:
        """The service ``name``, made again when :meth:`freshness` changed since it was made
        (services memoise warehouse frames; a rebuild must not leave them stale)."""
        held: dict[str, tuple[str, Any]] = self.__dict__.setdefault("_services", {})
        key = self.freshness()
        entry = held.get(name)
        if entry is None or entry[0] != key:
            entry = (key, factory())
            held[name] = entry
        return entry[1]

    @property
    def forecasts(self) -> ForecastService:
        """Early-warning forecasts, their walk-forward backtest, archive and scores."""
        from stabilis.forecast import ForecastService

        config = self.forecast_config
        service: ForecastService = self._fresh_service(
            "forecasts", lambda: ForecastService(self, config)
        )
        return service

    @property
    def impact(self) -> ImpactService:
        """Synthetic control and staggered DiD case studies of partnerships and operations."""
        from stabilis.impact import ImpactService

        workers = self.workers or 1
        service: ImpactService = self._fresh_service(
            "impact", lambda: ImpactService(self, workers=workers)
        )
        return service

    @property
    def threats(self) -> ThreatService:
        """Hybrid-threat signals and alerts."""
        from stabilis.threats import ThreatService

        service: ThreatService = self._fresh_service("threats", lambda: ThreatService(self))
        return service

    @cached_property
    def alliance(self) -> AllianceService:
        """The support audit, burden-sharing and the resilience scorecard (docs/alliance.md)."""
        from stabilis.alliance import AllianceService

        return AllianceService(self)

    # -- the pipeline -----------------------------------------------------------------------

    def pull(
        self, sources: Sequence[str] | None = None, progress: Progress | None = None
    ) -> list[PullResult]:
        """Fetch source files into snapshots (from the mirror when one is configured)."""
        from stabilis.ingest.pull import pull

        return pull(self.settings, sources, progress)

    def build(
        self,
        *,
        full: bool = False,
        progress: Progress | None = None,
        accept_shrink: Sequence[str] = (),
    ) -> BuildReport:
        """Build or update the warehouse from the current snapshots.

        ``accept_shrink`` names sources allowed to hold fewer rows, countries or years than the
        warehouse does (a genuine change by the producer); each is recorded in the build log.
        """
        from stabilis.ingest.build import build

        return build(self.settings, full=full, progress=progress, accept_shrink=accept_shrink)

    # -- what is there ------------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        """What the warehouse holds: per source, rows and indicators; countries; quality."""
        from stabilis.store.catalogue import warehouse_summary

        with self._reader() as db:
            per_source, totals, meta = warehouse_summary(db)
        return {
            "warehouse": str(self.warehouse.path),
            "built_at": meta.get("built_at"),
            "totals": totals,
            "sources": per_source.to_dict(orient="records"),
        }

    def sources(self) -> pd.DataFrame:
        """Every source Stabilis knows: producer, release, licence, citation and files."""
        import pandas as pd

        from stabilis.sources import all_sources

        rows = []
        for module in all_sources():
            spec = module.SPEC
            for f in spec.files:
                rows.append(
                    {
                        "source": spec.name,
                        "title": spec.title,
                        "producer": spec.producer,
                        "release": spec.release,
                        "licence": spec.licence,
                        # Terms not confirmed (SOURCES.md "check"): shown, never hidden.
                        "licence_to_check": any(
                            word in spec.licence.lower() for word in ("check", "verify")
                        ),
                        "citation": spec.citation,
                        "file": f.key,
                        "url": f.url,
                        "mirror_path": f.mirror_path,
                    }
                )
        return pd.DataFrame(rows)

    def snapshots(self, source: str | None = None) -> pd.DataFrame:
        """The snapshots the warehouse was built from, with their provenance.

        With ``source``, that source's snapshots only and the columns a citation needs
        (``snapshot, source, file_key, filename, release, licence, citation, retrieved_at,
        sha256``).
        """
        from stabilis.store import catalogue

        with self._reader() as db:
            if source is not None:
                return catalogue.source_snapshots(db, source)
            return catalogue.snapshots(db)

    def indicators(self, source: str | None = None, search: str | None = None) -> pd.DataFrame:
        """Indicator codes with label, source, scale and direction (is higher better?)."""
        from stabilis.store.catalogue import indicator_catalogue

        with self._reader() as db:
            frame = indicator_catalogue(db, source, search)
            has_codebook = "vdem_codebook" in set(db.tables())
        return self._with_codebook(frame) if has_codebook else frame

    def indicator_codes(self) -> set[str]:
        """Every indicator code the warehouse holds."""
        from stabilis.store.catalogue import indicator_codes

        with self._reader() as db:
            return indicator_codes(db)

    def indicator_meta(self, codes: Sequence[str]) -> pd.DataFrame:
        """``indicator_meta`` rows of ``codes`` (label, source, scale, direction, release...),
        sorted by code; NotFoundError names the first code the warehouse does not hold."""
        from stabilis.store.series import indicator_metadata

        with self._reader() as db:
            return indicator_metadata(db, codes)

    def indicator_years(self, code: str) -> pd.DataFrame:
        """The years ``code`` has values, with the number of countries: ``year, countries``."""
        from stabilis.store.series import indicator_years

        with self._reader() as db:
            return indicator_years(db, code)

    def indicator_series(
        self, iso3: str, codes: Sequence[str], years: tuple[int, int] | None = None
    ) -> pd.DataFrame:
        """One country's values with the producers' bounds: ``indicator, year, value, lower,
        upper`` (bounds missing where the producer ships no interval)."""
        from stabilis.store.series import indicator_series

        with self._reader() as db:
            return indicator_series(db, iso3, codes, years)

    def cross_section(self, code: str, year: int) -> pd.DataFrame:
        """Every country's value of ``code`` in ``year``: ``iso3, value, lower, upper``."""
        from stabilis.store.series import indicator_cross_section

        with self._reader() as db:
            return indicator_cross_section(db, code, year)

    def panel_bounds(
        self,
        codes: Sequence[str],
        iso3: Sequence[str] | None,
        years: tuple[int, int] | None = None,
    ) -> pd.DataFrame:
        """The producers' bounds for a panel: ``iso3, year, indicator, lower, upper``."""
        from stabilis.store.series import panel_bounds

        with self._reader() as db:
            return panel_bounds(db, codes, iso3, years)

    def _with_codebook(self, frame: pd.DataFrame) -> pd.DataFrame:
        """V-Dem codes get the v15 codebook's label, question, responses and scale.

        A label that is only the code (``v2elintim``) becomes the codebook's name, with the
        variant suffix kept in brackets (``v2elfrfair_osp`` -> "Election free and fair (osp)").
        """
        from stabilis.sources.vdem_codebook import definitions_for

        vdem = frame["indicator"].str.startswith("vdem.")
        if not vdem.any():
            return frame
        defs = definitions_for(frame.loc[vdem, "indicator"], self.table("vdem_codebook"))
        defs = defs.set_index("indicator")
        out = frame.copy()
        code = out["indicator"].str.removeprefix("vdem.")
        named = out["indicator"].map(defs["label"])
        tags = out["indicator"].map(defs["tag"]).fillna("")
        labelled = [
            f"{n} ({c[len(t) :].strip('_')})" if c != t else str(n)
            for n, c, t in zip(named.fillna(""), code, tags, strict=True)
        ]
        bare = (out["label"] == code) & named.notna()
        out["label"] = out["label"].where(~bare, labelled)
        out["question"] = out["indicator"].map(defs["question"])
        out["responses"] = out["indicator"].map(defs["responses"])
        out["codebook_scale"] = out["indicator"].map(defs["scale"])
        return out

    def quality(self, *, unexplained_only: bool = False, source: str | None = None) -> pd.DataFrame:
        """The quality report: every source row without a country, and superseded rows."""
        from stabilis.store.catalogue import quality_issues

        with self._reader() as db:
            return quality_issues(db, unexplained_only=unexplained_only, source=source)

    def table(
        self, name: str, iso3: str | None = None, *, missing_ok: bool = False
    ) -> pd.DataFrame:
        """A records table (conflicts, coups, cyber_incidents, disinfo_cases, ...).

        An absent table raises NotFoundError naming the tables there are; with ``missing_ok``
        (pages that show what there is) a country's rows of an absent table are an empty frame.
        """
        from stabilis.store.catalogue import records_table
        from stabilis.store.series import country_records

        with self._reader() as db:
            if missing_ok and iso3:
                return country_records(db, name, iso3.upper())
            return records_table(db, name, iso3)

    # -- countries and groups -------------------------------------------------------------

    def countries(self, group: str | None = None, year: int | None = None) -> pd.DataFrame:
        """The canonical country table, optionally only a group's members in ``year``."""
        from stabilis.store.catalogue import country_table

        with self._reader() as db:
            table = country_table(db)
        if group in (None, "all"):
            return table
        members = self.group_members(str(group), year)
        return table[table["iso3"].isin(members)].reset_index(drop=True)

    def country_row(self, iso3: str, where: str) -> pd.DataFrame:
        """``iso3``'s row of :meth:`countries` (any case, spaces trimmed) as a one-row frame;
        :class:`NotFoundError` "There is no country '...'" followed by ``where`` (where to pick
        one: the page's list, the API's list) when the warehouse has none."""
        table = self.countries()
        row = table[table["iso3"] == iso3.strip().upper()]
        if row.empty:
            raise NotFoundError(f"There is no country '{iso3}'. {where}", details={"iso3": iso3})
        return row.reset_index(drop=True)

    def group_members(self, group: str, year: int | None = None) -> list[str]:
        """ISO3 codes of a group (the one table, :mod:`stabilis.registry.groups`) in ``year``
        (default: this year); ``all`` is every country in the warehouse."""
        from stabilis.registry.groups import check_group

        key = check_group(group)
        when = year if year is not None else datetime.now(UTC).year
        if key == "all":
            from stabilis.store.catalogue import country_table

            with self._reader() as db:
                return list(country_table(db, ["iso3"])["iso3"])
        return sorted(self.registry.group_members(key, when))

    def country(self, iso3: str) -> pd.DataFrame:
        """One country's row of the canonical table (empty when the warehouse has no such code;
        see :meth:`check_country` for an error instead)."""
        from stabilis.store.catalogue import country_row

        with self._reader() as db:
            return country_row(db, iso3)

    def country_names(self) -> pd.DataFrame:
        """Every country's ``iso3, name, iso3n`` (the map's shape id), in the table's order."""
        from stabilis.store.catalogue import country_table

        with self._reader() as db:
            return country_table(db, ["iso3", "name", "iso3n"])

    def present_day_countries(self) -> list[str]:
        """ISO3 codes of the countries that exist today (not historical states)."""
        from stabilis.store.catalogue import present_day_countries

        with self._reader() as db:
            return present_day_countries(db)

    def resolve_countries(
        self, countries: str | Sequence[str] | None, year: int | None = None
    ) -> list[str] | None:
        """Turn a group name, or a list of ISO3 codes or names, into ISO3 codes."""
        from stabilis.registry.groups import GROUPS

        if countries is None:
            return None
        if isinstance(countries, str):
            if countries.lower() in GROUPS:
                return None if countries.lower() == "all" else self.group_members(countries, year)
            countries = [c.strip() for c in countries.split(",") if c.strip()]
        from stabilis.store.catalogue import country_table

        with self._reader() as db:
            table = country_table(db, ["iso3", "name"])
        by_code = set(table["iso3"])
        by_name = {str(n).casefold(): i for i, n in zip(table["iso3"], table["name"], strict=True)}
        out = []
        for item in countries:
            if item.upper() in by_code:
                out.append(item.upper())
            elif item.casefold() in by_name:
                out.append(by_name[item.casefold()])
            else:
                close = difflib.get_close_matches(item.casefold(), list(by_name), n=3)
                hint = f" Did you mean {', '.join(close)}?" if close else ""
                raise NotFoundError(
                    f"'{item}' is not a country code, country name or group in the warehouse."
                    f"{hint} Groups: {', '.join(GROUPS)}."
                )
        return out

    # -- the panel ------------------------------------------------------------------------

    def panel(
        self,
        indicators: Sequence[str] | str,
        countries: str | Sequence[str] | None = None,
        years: tuple[int, int] | None = None,
    ) -> pd.DataFrame:
        """A wide country-year frame keyed by ``iso3, year``, one column per indicator.

        ``countries`` is a group name (``"nato"``, ``"partners"``, ... — members in the last
        year asked, or this year), a list of ISO3 codes or names, or None for all.
        """
        from stabilis.panel import to_wide

        codes = [indicators] if isinstance(indicators, str) else list(indicators)
        if not codes:
            raise QueryError("Ask for at least one indicator (see 'stabilis indicators list').")
        if years is not None and (len(years) != 2 or years[0] > years[1]):
            raise QueryError(f"The year range {years} must be (first, last) with first <= last.")
        group_year = None
        if years is not None:
            group_year = min(years[1], datetime.now(UTC).year)
        iso3 = self.resolve_countries(countries, group_year)
        from stabilis.store.catalogue import indicator_codes

        with self._reader() as db:
            known = indicator_codes(db)
            unknown = [c for c in codes if c not in known]
            if unknown:
                close = difflib.get_close_matches(unknown[0], list(known), n=3)
                hint = f" Did you mean {', '.join(close)}?" if close else ""
                raise NotFoundError(
                    f"Unknown indicator '{unknown[0]}'.{hint} List them with "
                    "'stabilis indicators list'."
                )
            long = db.panel(codes, iso3, years)
        return to_wide(long, codes)

    # -- the registry as a living record: status as of a year, people, edits, notes, audit ----

    def _warehouse_stamp(self) -> tuple[int, int, int] | None:
        try:
            info = self.settings.warehouse_path.stat()
        except OSError:
            return None
        return (info.st_ino, info.st_mtime_ns, info.st_size)

    def applied_edits(self) -> list[dict[str, Any]]:
        """The approved edits the last build laid over the registry (with their ids)."""
        from stabilis.store.registry_edits import read_applied_edits

        return read_applied_edits(self.warehouse)

    @cached_property
    def edits_store(self) -> EditsStore:
        """The SQLite store of users, edits, notes and the audit log (never the warehouse)."""
        from stabilis.store.edits import EditsStore

        return EditsStore.in_data_dir(self.settings.data_dir)

    @cached_property
    def accounts(self) -> AccountService:
        """Users, roles, sign-in, sessions and API tokens (:mod:`stabilis.accounts`)."""
        from stabilis.accounts import AccountService

        return AccountService(self.edits_store)

    @cached_property
    def edits(self) -> EditService:
        """Registry proposals and reviews, notes, the audit log (:mod:`stabilis.edits`)."""
        from stabilis.edits import EditService

        return EditService(self.edits_store, outlets=self.disinfo_outlets)

    def backup_edits(self, target: str | Path) -> Path:
        """A consistent copy of the edits store (users, edits, notes, audit log) at ``target``."""
        return Path(self.edits_store.backup(Path(target)))

    def restore_edits(self, backup: str | Path, *, actor: str, address: str = "") -> dict[str, int]:
        """Replace the edits store with ``backup`` (checked first; the restore is audited)."""
        return dict(self.edits_store.restore(Path(backup), actor=actor, address=address))

    def disinfo_outlets(self) -> OutletIndex | None:
        """The EUvsDisinfo outlets in the warehouse, indexed for the source policy (or None)."""
        from stabilis.registry.policy import OutletIndex
        from stabilis.store.registry_edits import read_outlets

        stamp = self._warehouse_stamp()
        if stamp is None:
            return None
        cached: tuple[object, OutletIndex | None] | None = self.__dict__.get("_outlets_cache")
        if cached is not None and cached[0] == stamp:
            return cached[1]
        names = read_outlets(self.warehouse)
        index = OutletIndex.from_names(names) if names else None
        self.__dict__["_outlets_cache"] = (stamp, index)
        return index

    def registry_state(self) -> str:
        """A key that changes with the built registry and the edits store (for caches)."""
        return f"{self._warehouse_stamp()}|{self.edits_store.state()}"

    def check_country(self, iso3: str) -> str:
        """``iso3`` upper-cased if it is a country the registry or the warehouse knows."""
        code = (iso3 or "").strip().upper()
        if len(code) != 3 or not code.isalpha():
            raise QueryError(
                f"'{iso3}' is not an ISO3 country code: write three letters, e.g. MDA.",
                details={"iso3": iso3},
            )
        if code in self.registry.countries():
            return code
        known: set[str] = set()
        if self._warehouse_stamp() is not None:
            from stabilis.store.catalogue import country_table

            with self._reader() as db:
                known = set(country_table(db, ["iso3"])["iso3"])
        if code not in known:
            raise NotFoundError(
                f"There is no such country '{code}'. Use an ISO3 code from "
                "'stabilis countries list' (e.g. MDA, GEO, UKR).",
                details={"iso3": code},
            )
        return code

    def registry_records(self, iso3: str, year: int | None = None) -> pd.DataFrame:
        """Every registry row about a country with the status that held in ``year``.

        For pages and briefs: ``table, id, label, detail, shape, start_date, end_date,
        status_as_of, as_of, confidence, evidence, support, second_tier_only, unverified,
        provenance`` (``E-n`` for an analyst edit), ``source``, ``notes``, ``amount``...
        """
        return self.registry.country_records(self.check_country(iso3), year)

    # -- what the interfaces show: the vocabulary of the services ----------------------------

    @property
    def roles(self) -> tuple[str, ...]:
        """The account roles, least to most rights (``viewer`` ... ``admin``)."""
        return tuple(ROLES)

    @property
    def session_hours(self) -> int:
        """How long a dashboard session lasts, in hours."""
        from stabilis.accounts.service import SESSION_HOURS

        return int(SESSION_HOURS)

    def editable_fields(self) -> dict[str, tuple[str, ...]]:
        """The registry tables an analyst may propose rows for, and each one's fields."""
        from stabilis.registry.overlay import EDITABLE

        return {table: tuple(fields) for table, fields in EDITABLE.items()}

    def read_case_panel(
        self, path: str | Path, unit: str, time: str, variables: Sequence[str]
    ) -> tuple[pd.DataFrame, str]:
        """A user's CSV or Parquet panel for an impact case, and its identity (sha256)."""
        from stabilis.impact.registration import read_panel

        frame, panel_id = read_panel(Path(path), unit, time, list(variables))
        return frame, str(panel_id)
