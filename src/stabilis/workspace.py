"""The one application object. The CLI, the API, the dashboard and the tests all call it.

>>> import stabilis
>>> ws = stabilis.open()                                   # doctest: +SKIP
>>> ws.panel(["vdem.v2x_polyarchy", "fh.total_reversed"], countries="nato", years=(1990, 2024))
... # doctest: +SKIP
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Hashable, Sequence
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stabilis.config import Settings
from stabilis.errors import NotFoundError, QueryError

if TYPE_CHECKING:
    import pandas as pd

    from stabilis.alliance import AllianceService
    from stabilis.forecast import ForecastService
    from stabilis.impact import ImpactService
    from stabilis.ingest.build import BuildReport, Progress
    from stabilis.ingest.pull import PullResult
    from stabilis.registry import Registry
    from stabilis.threats import ThreatService


class Workspace:
    """Data directory, warehouse and registry behind every interface."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def warehouse(self) -> Any:
        from stabilis.store import Warehouse

        return Warehouse(self.settings.warehouse_path)

    @property
    def registry(self) -> Registry:
        """The package's registry with the analyst edits the last build applied.

        Re-read when the warehouse file changes (a build), so a long-running server shows an
        approved edit after the next ``stabilis build`` without a restart.
        """
        from stabilis.registry import load_registry

        stamp = self._warehouse_stamp()
        cached = self.__dict__.get("_registry_cache")
        if cached is not None and cached[0] == stamp:
            return cached[1]
        registry = load_registry(edits=self.applied_edits() if stamp else ())
        self.__dict__["_registry_cache"] = (stamp, registry)
        return registry

    # -- freshness: one key over the warehouse and every artefact ---------------------------

    @cached_property
    def _freshness(self) -> Any:
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

        service: ForecastService = self._fresh_service("forecasts", lambda: ForecastService(self))
        return service

    @property
    def impact(self) -> ImpactService:
        """Synthetic control and staggered DiD case studies of partnerships and operations."""
        from stabilis.impact import ImpactService

        service: ImpactService = self._fresh_service("impact", lambda: ImpactService(self))
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
        with self.warehouse.reader() as db:
            per_source = db.query(
                "SELECT s.source, count(DISTINCT s.snapshot) AS files, "
                "  coalesce(any_value(i.n), 0) AS indicator_values, "
                "  coalesce(any_value(m.k), 0) AS indicators, "
                "  coalesce(any_value(b.rows), 0) AS rows, "
                "  coalesce(any_value(q.unmatched), 0) AS unmatched_rows, "
                "  coalesce(any_value(q.unexplained), 0) AS unexplained_rows "
                "FROM snapshots s "
                "LEFT JOIN (SELECT source, count(*) n FROM indicators GROUP BY 1) i USING (source) "
                "LEFT JOIN (SELECT source, count(*) k FROM indicator_meta GROUP BY 1) m USING (source) "
                "LEFT JOIN build_steps b ON b.step = s.source "
                "LEFT JOIN (SELECT source, count(*) FILTER (issue = 'unmatched_country') unmatched, "
                "  count(*) FILTER (NOT explained) unexplained FROM quality_issues GROUP BY 1) q "
                "  USING (source) "
                "GROUP BY s.source ORDER BY s.source"
            )
            totals = {
                "countries": db.scalar("SELECT count(*) FROM countries"),
                "indicators": db.scalar("SELECT count(*) FROM indicator_meta"),
                "indicator_values": db.scalar("SELECT count(*) FROM indicators"),
                "country_years": db.scalar(
                    "SELECT count(*) FROM (SELECT DISTINCT iso3, year FROM indicators)"
                ),
                "unmatched_rows": db.scalar(
                    "SELECT count(*) FROM quality_issues WHERE issue = 'unmatched_country'"
                ),
                "unexplained_rows": db.scalar(
                    "SELECT count(*) FROM quality_issues WHERE NOT explained"
                ),
            }
            meta = db.meta()
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

    def snapshots(self) -> pd.DataFrame:
        """The snapshots the warehouse was built from, with their provenance."""
        with self.warehouse.reader() as db:
            return db.query("SELECT * FROM snapshots ORDER BY source, file_key")

    def indicators(self, source: str | None = None, search: str | None = None) -> pd.DataFrame:
        """Indicator codes with label, source, scale and direction (is higher better?)."""
        sql = "SELECT * FROM indicator_meta WHERE 1=1"
        params: list[Any] = []
        if source:
            sql += " AND source = ?"
            params.append(source)
        if search:
            sql += " AND (indicator ILIKE ? OR label ILIKE ?)"
            params += [f"%{search}%", f"%{search}%"]
        with self.warehouse.reader() as db:
            frame = db.query(sql + " ORDER BY indicator", params)
            has_codebook = "vdem_codebook" in set(db.tables())
        return self._with_codebook(frame) if has_codebook else frame

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
        sql = "SELECT * FROM quality_issues WHERE 1=1"
        params: list[Any] = []
        if unexplained_only:
            sql += " AND NOT explained"
        if source:
            sql += " AND source = ?"
            params.append(source)
        with self.warehouse.reader() as db:
            return db.query(sql + ' ORDER BY source, file, "row"', params)

    def table(self, name: str, iso3: str | None = None) -> pd.DataFrame:
        """A records table (conflicts, coups, cyber_incidents, disinfo_cases, ...)."""
        with self.warehouse.reader() as db:
            tables = db.tables()
            if name not in tables:
                raise NotFoundError(
                    f"The warehouse has no table '{name}'. Tables: {', '.join(tables)}."
                )
            if iso3:
                return db.query(f'SELECT * FROM "{name}" WHERE iso3 = ?', [iso3.upper()])
            return db.query(f'SELECT * FROM "{name}"')

    # -- countries and groups -------------------------------------------------------------

    def countries(self, group: str | None = None, year: int | None = None) -> pd.DataFrame:
        """The canonical country table, optionally only a group's members in ``year``."""
        with self.warehouse.reader() as db:
            table = db.query("SELECT * FROM countries ORDER BY iso3")
        if group in (None, "all"):
            return table
        members = self.group_members(str(group), year)
        return table[table["iso3"].isin(members)].reset_index(drop=True)

    def group_members(self, group: str, year: int | None = None) -> list[str]:
        """ISO3 codes of a group (the one table, :mod:`stabilis.registry.groups`) in ``year``
        (default: this year); ``all`` is every country in the warehouse."""
        from stabilis.registry.groups import check_group

        key = check_group(group)
        when = year if year is not None else datetime.now(UTC).year
        if key == "all":
            with self.warehouse.reader() as db:
                return list(db.query("SELECT iso3 FROM countries")["iso3"])
        return sorted(self.registry.group_members(key, when))

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
        with self.warehouse.reader() as db:
            table = db.query("SELECT iso3, name FROM countries")
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
        with self.warehouse.reader() as db:
            known = set(db.query("SELECT indicator FROM indicator_meta")["indicator"])
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
    def edits_store(self) -> Any:
        """The SQLite store of users, edits, notes and the audit log (never the warehouse)."""
        from stabilis.store.edits import EditsStore

        return EditsStore.in_data_dir(self.settings.data_dir)

    @cached_property
    def accounts(self) -> Any:
        """Users, roles, sign-in, sessions and API tokens (:mod:`stabilis.accounts`)."""
        from stabilis.accounts import AccountService

        return AccountService(self.edits_store)

    @cached_property
    def edits(self) -> Any:
        """Registry proposals and reviews, notes, the audit log (:mod:`stabilis.edits`)."""
        from stabilis.edits import EditService

        return EditService(self.edits_store, outlets=self.disinfo_outlets)

    def disinfo_outlets(self) -> Any:
        """The EUvsDisinfo outlets in the warehouse, indexed for the source policy (or None)."""
        from stabilis.registry.policy import OutletIndex
        from stabilis.store.registry_edits import read_outlets

        stamp = self._warehouse_stamp()
        if stamp is None:
            return None
        cached = self.__dict__.get("_outlets_cache")
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
            with self.warehouse.reader() as db:
                known = set(db.query("SELECT iso3 FROM countries")["iso3"])
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
