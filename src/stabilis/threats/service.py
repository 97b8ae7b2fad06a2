"""``ThreatService(ws)``: the hybrid-threat monitor, the support audit and the resilience scorecard.

The one entry point the CLI, the API and the tests use (the Workspace exposes it as
``ws.threats``). It reads the warehouse through the workspace it is given — any object with
``settings``, ``registry``, ``table``, ``panel``, ``countries`` and ``snapshots``
(:class:`WorkspaceLike`) — and writes only the event pipeline's results, as Parquet files with a
JSON sidecar under ``<data_dir>/threats/events/``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from stabilis.errors import NotFoundError, QueryError
from stabilis.threats import alerts as alert_rules
from stabilis.threats import cyber as cyber_mod
from stabilis.threats import disinfo as disinfo_mod
from stabilis.threats import events as events_mod
from stabilis.threats.profile import ThreatProfile, yearly_signals

if TYPE_CHECKING:
    import pandas as pd

    from stabilis.threats.events import EventSignal


class WorkspaceLike(Protocol):
    """What the service needs from a workspace (``stabilis.workspace.Workspace`` has it all)."""

    settings: Any

    @property
    def registry(self) -> Any: ...

    def table(self, name: str, iso3: str | None = None) -> pd.DataFrame: ...

    def panel(
        self,
        indicators: Sequence[str] | str,
        countries: str | Sequence[str] | None = None,
        years: tuple[int, int] | None = None,
    ) -> pd.DataFrame: ...

    def countries(self, group: str | None = None, year: int | None = None) -> pd.DataFrame: ...

    def snapshots(self) -> pd.DataFrame: ...


_SIGNAL_SOURCES = {"cyber": "cyber", "disinfo": "disinfo", "events": "gdelt"}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class ThreatService:
    """Hybrid-threat signals, alerts, support audit and resilience scorecard over a workspace."""

    def __init__(self, ws: WorkspaceLike) -> None:
        self.ws = ws

    # -- records, read once per service ------------------------------------------------------

    @cached_property
    def _cyber(self) -> pd.DataFrame:
        return self.ws.table("cyber_incidents")

    @cached_property
    def _disinfo_cases(self) -> pd.DataFrame:
        return self.ws.table("disinfo_cases")

    @cached_property
    def _disinfo_countries(self) -> pd.DataFrame:
        return self.ws.table("disinfo_case_countries")

    @cached_property
    def _country_names(self) -> dict[str, str]:
        table = self.ws.countries()
        return dict(zip(table["iso3"], table["name"], strict=True))

    def _check_country(self, iso3: str) -> str:
        code = iso3.strip().upper()
        if code not in self._country_names:
            raise NotFoundError(
                f"'{iso3}' is not an ISO3 code in the warehouse; see 'stabilis countries list'."
            )
        return code

    def _cyber_years(self) -> tuple[int, int]:
        years = self._cyber["year"]
        return int(years.min()), int(years.max())

    def _disinfo_years(self) -> tuple[int, int]:
        first, last = disinfo_mod.coverage(self._disinfo_countries)
        return int(first[:4]), int(last[:4])

    def members_and_partners(self, first_year: int, last_year: int) -> dict[str, str]:
        """ISO3 -> "member" or "partner" for every country that was one during the years."""
        roles: dict[str, str] = {}
        for year in range(first_year, last_year + 1):
            for code in self.ws.registry.partners(year):
                roles.setdefault(code, "partner")
            for code in self.ws.registry.members(year):
                roles[code] = "member"
        return roles

    # -- cyber and disinformation --------------------------------------------------------------

    def cyber(
        self, countries: Sequence[str] | None = None, years: tuple[int, int] | None = None
    ) -> pd.DataFrame:
        """Cyber operations per target country-year (see :mod:`stabilis.threats.cyber`)."""
        return cyber_mod.cyber_country_years(self._cyber, countries, years)

    def cyber_incidents(
        self, countries: Sequence[str] | None = None, years: tuple[int, int] | None = None
    ) -> pd.DataFrame:
        """The incident list behind :meth:`cyber`."""
        return cyber_mod.cyber_incident_list(self._cyber, countries, years)

    def disinfo(self, countries: Sequence[str] | None = None) -> pd.DataFrame:
        """Disinformation cases per country-month, zero-filled inside the coverage span."""
        return disinfo_mod.disinfo_country_months(self._disinfo_countries, countries)

    def disinfo_keywords(
        self, iso3: str, years: tuple[int, int] | None = None, top: int = 10
    ) -> pd.DataFrame:
        code = self._check_country(iso3)
        return disinfo_mod.disinfo_keywords(
            self._disinfo_cases, self._disinfo_countries, code, years, top
        )

    def disinfo_cases(
        self, iso3: str, year: int | None = None, month: int | None = None
    ) -> pd.DataFrame:
        """The cases behind a disinformation count."""
        code = self._check_country(iso3)
        return disinfo_mod.disinfo_case_list(
            self._disinfo_cases, self._disinfo_countries, code, year, month
        )

    # -- the event pipeline ------------------------------------------------------------------

    @property
    def events_dir(self) -> Path:
        return Path(self.ws.settings.data_dir) / "threats" / "events"

    def event_schema(self) -> dict[str, str]:
        """The read schema of a GDELT 2.0 export, from the warehouse's ``gdelt_event_columns``."""
        return events_mod.read_schema(self.ws.table("gdelt_event_columns"))

    def event_targets(self) -> dict[str, str]:
        """CAMEO code -> ISO3 for every country in the registry (members, partners, hosts)."""
        return events_mod.cameo_country_map(self.ws.registry.countries())

    def events(
        self,
        paths: Sequence[Path | str],
        *,
        engine: str = "duckdb",
        spark_master: str | None = None,
        save: bool = True,
    ) -> EventSignal:
        """Aggregate GDELT 2.0 export files into hostile-event signals; save them by default.

        ``engine`` is ``duckdb`` (default) or ``spark``; ``spark_master`` is ``local[N]`` or a
        cluster URL (default: the ``spark_master`` setting, else ``local[2]``).
        """
        spark = None
        if engine == "spark":
            from stabilis.threats.spark import SparkEngine

            master = spark_master or getattr(self.ws.settings, "spark_master", None)
            spark = SparkEngine(master or "local[2]")
        files = [Path(p) for p in paths]
        signal = events_mod.aggregate_events(
            files, self.event_schema(), self.event_targets(), engine=engine, spark=spark
        )
        if save:
            self._save_events(signal, files)
        return signal

    def _save_events(self, signal: EventSignal, files: list[Path]) -> None:
        folder = self.events_dir
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("monthly", "yearly", "codes"):
            frame = getattr(signal, name).copy()
            for column in ("goldstein_sum", "tone_sum"):
                if column in frame:
                    frame[column] = frame[column].astype(str)
            frame.to_parquet(folder / f"{name}.parquet", index=False)
        meta = {
            "engine": signal.engine,
            "spec": signal.spec,
            "created_at": datetime.now(UTC).isoformat(),
            "files": [
                {"path": str(p), "sha256": _sha256(p), "size": p.stat().st_size} for p in files
            ],
        }
        (folder / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")

    def stored_events(self) -> EventSignal | None:
        """The last saved event signal, or None when no event files have been aggregated."""
        import pandas as pd

        folder = self.events_dir
        if not (folder / "meta.json").exists():
            return None
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        frames = {
            n: pd.read_parquet(folder / f"{n}.parquet") for n in ("monthly", "yearly", "codes")
        }
        return events_mod.EventSignal(
            monthly=frames["monthly"],
            yearly=frames["yearly"],
            codes=frames["codes"],
            engine=meta["engine"],
            files=tuple(f["path"] for f in meta["files"]),
            spec=meta["spec"],
            extra=meta,
        )

    # -- provenance --------------------------------------------------------------------------

    def provenance(self, signals: Sequence[str] = ("cyber", "disinfo", "events")) -> pd.DataFrame:
        """Snapshot (or event file) behind each signal: source, release, sha256, retrieved_at."""
        import pandas as pd

        snaps = self.ws.snapshots()
        rows: list[dict[str, Any]] = []
        for signal in signals:
            source = _SIGNAL_SOURCES[signal]
            if signal == "events":
                stored = self.stored_events()
                picked = snaps[(snaps["source"] == source) & (snaps["file_key"] == "event_columns")]
                if stored is not None:
                    for item in stored.extra.get("files", []):
                        rows.append(
                            {
                                "signal": signal,
                                "snapshot": None,
                                "file": item["path"],
                                "release": f"GDELT 2.0 export ({stored.engine}, spec {stored.spec})",
                                "sha256": item["sha256"],
                                "retrieved_at": stored.extra.get("created_at"),
                            }
                        )
            else:
                picked = snaps[snaps["source"] == source]
            for _, s in picked.iterrows():
                rows.append(
                    {
                        "signal": signal,
                        "snapshot": s["snapshot"],
                        "file": s["filename"],
                        "release": s["release"],
                        "sha256": s["sha256"],
                        "retrieved_at": s["retrieved_at"],
                    }
                )
        return pd.DataFrame(
            rows, columns=["signal", "snapshot", "file", "release", "sha256", "retrieved_at"]
        )

    # -- alerts ------------------------------------------------------------------------------

    def alert_scores(self, countries: Sequence[str] | None = None) -> pd.DataFrame:
        """Every signal's series with its robust z-score (alerts are the rows flagged)."""
        import pandas as pd

        frames = []
        cyber = self.cyber(countries)
        first, last = self._cyber_years()
        codes = sorted(set(countries) if countries is not None else set(cyber["iso3"]))
        grid = pd.DataFrame(
            [(c, y) for c in codes for y in range(first, last + 1)], columns=["iso3", "year"]
        )
        series = grid.merge(cyber[["iso3", "year", "operations"]], how="left", on=["iso3", "year"])
        series["value"] = series["operations"].fillna(0)
        scored = alert_rules.robust_scores(series, "value", ["year"], alert_rules.YEARLY)
        frames.append(
            scored.assign(
                signal="cyber_operations",
                month=pd.Series(pd.NA, index=scored.index, dtype="Int64"),
            )
        )
        months = self.disinfo(countries)
        months = months.assign(value=months["cases"])
        scored = alert_rules.robust_scores(months, "value", ["year", "month"], alert_rules.MONTHLY)
        frames.append(scored.assign(signal="disinfo_cases"))
        stored = self.stored_events()
        if stored is not None and len(stored.monthly):
            frames.append(self._event_scores(stored, countries))
        columns = [
            "signal",
            "iso3",
            "year",
            "month",
            "value",
            "baseline_median",
            "baseline_mad",
            "z",
            "alert",
        ]
        out = pd.concat([f[columns] for f in frames], ignore_index=True)
        out["month"] = out["month"].astype("Int64")
        out["year"] = out["year"].astype("int64")
        return out

    def _event_scores(self, stored: EventSignal, countries: Sequence[str] | None) -> pd.DataFrame:
        import pandas as pd

        monthly = stored.monthly
        if countries is not None:
            monthly = monthly[monthly["iso3"].isin(list(countries))]
        periods = monthly["year"].astype(int) * 12 + monthly["month"].astype(int) - 1
        span = range(int(periods.min()), int(periods.max()) + 1)
        grid = pd.DataFrame(
            [(c, p // 12, p % 12 + 1) for c in sorted(set(monthly["iso3"])) for p in span],
            columns=["iso3", "year", "month"],
        )
        m = monthly.assign(year=monthly["year"].astype(int), month=monthly["month"].astype(int))
        series = grid.merge(
            m[["iso3", "year", "month", "events"]], how="left", on=["iso3", "year", "month"]
        )
        series["value"] = series["events"].fillna(0).astype(float)
        scored = alert_rules.robust_scores(series, "value", ["year", "month"], alert_rules.MONTHLY)
        return scored.assign(signal="hostile_events")

    def alerts(
        self, since: int, countries: Sequence[str] | None = None, *, evidence: int = 5
    ) -> pd.DataFrame:
        """Alerts from ``since`` on, for members and partners (or ``countries``), with evidence.

        Each row: signal, iso3, role, period, value, baseline median and MAD, z, the rule, and
        ``evidence`` — the incidents, cases or event aggregate behind the value (at most
        ``evidence`` items; ``evidence_total`` says how many there are).
        """
        import pandas as pd

        now = datetime.now(UTC).year
        if since > now:
            raise QueryError(f"--since {since} is in the future; give a year up to {now}.")
        roles = self.members_and_partners(since, now)
        chosen = sorted(roles) if countries is None else [self._check_country(c) for c in countries]
        scores = self.alert_scores(chosen)
        hits = scores[scores["alert"] & (scores["year"] >= since)].copy()
        hits["role"] = hits["iso3"].map(roles).fillna("")
        hits["period"] = [
            f"{y}" if pd.isna(m) else f"{y}-{int(m):02d}"
            for y, m in zip(hits["year"], hits["month"], strict=True)
        ]
        rules = {
            "cyber_operations": alert_rules.YEARLY,
            "disinfo_cases": alert_rules.MONTHLY,
            "hostile_events": alert_rules.MONTHLY,
        }
        hits["rule"] = hits["signal"].map(lambda s: rules[s].describe())
        items = [self._evidence(row, evidence) for row in hits.itertuples(index=False)]
        hits["evidence_total"] = pd.Series([n for n, _ in items], index=hits.index, dtype="int64")
        hits["evidence"] = pd.Series([e for _, e in items], index=hits.index, dtype=object)
        columns = [
            "signal", "iso3", "role", "period", "year", "month", "value", "baseline_median",
            "baseline_mad", "z", "rule", "evidence_total", "evidence",
        ]  # fmt: skip
        return hits[columns].sort_values(["year", "month", "signal", "iso3"]).reset_index(drop=True)

    def _evidence(self, row: Any, limit: int) -> tuple[int, list[dict[str, Any]]]:
        if row.signal == "cyber_operations":
            items = self.cyber_incidents([row.iso3], (int(row.year), int(row.year)))
            records = items[["incident_id", "name", "start_date", "initiator_iso3",
                             "cyber_objective_label", "severity", "snapshot"]]  # fmt: skip
        elif row.signal == "disinfo_cases":
            items = self.disinfo_cases(row.iso3, int(row.year), int(row.month))
            records = items[["case_id", "date", "title", "url", "snapshot"]]
        else:
            stored = self.stored_events()
            assert stored is not None
            m = stored.monthly
            hit = m[(m["iso3"] == row.iso3) & (m["year"] == row.year) & (m["month"] == row.month)]
            records = hit[
                ["iso3", "year", "month", "events", "mentions", "goldstein_mean", "tone_mean"]
            ]
            records = records.assign(files=";".join(stored.files), spec=stored.spec)
        as_list = json.loads(records.head(limit).to_json(orient="records", date_format="iso"))
        return len(records), as_list

    # -- profile -----------------------------------------------------------------------------

    def profile(self, iso3: str, years: tuple[int, int] | None = None) -> ThreatProfile:
        """The threat profile of one country (see :mod:`stabilis.threats.profile`)."""
        import pandas as pd

        code = self._check_country(iso3)
        stored = self.stored_events()
        events_yearly = None
        notes: list[str] = []
        if stored is None:
            notes.append(
                "No event-stream signal: no GDELT event files have been aggregated yet "
                "('stabilis threats events FILE...'); the mirror stages none."
            )
        else:
            events_yearly = stored.yearly[stored.yearly["iso3"] == code]
            if events_yearly.empty:
                notes.append(
                    "The aggregated GDELT files hold no hostile event against this country."
                )
        yearly = yearly_signals(
            self.cyber([code]),
            self._cyber_years(),
            self.disinfo([code]),
            self._disinfo_years(),
            events_yearly,
        )
        if years is not None:
            yearly = yearly[yearly["year"].between(*years)].reset_index(drop=True)
        last = datetime.now(UTC).year
        registry = self.ws.registry
        accession = registry.accession_year(code)
        frameworks = registry.frameworks_during(code, last)
        status = {
            "member_since": accession,
            "partner_frameworks_now": sorted(set(frameworks["framework_code"]))
            if accession is None
            else [],
        }
        first_year = int(yearly["year"].min()) if len(yearly) else last
        try:
            alerts = self.alerts(first_year, [code])
        except QueryError:
            alerts = pd.DataFrame()
        if accession is None and not status["partner_frameworks_now"]:
            notes.append(f"{code} is neither a NATO member nor a current partner.")
        return ThreatProfile(
            iso3=code,
            name=self._country_names.get(code, code),
            status=status,
            yearly=yearly,
            cyber_incidents=self.cyber_incidents([code], years),
            cyber_initiators=cyber_mod.cyber_initiators(self._cyber, code),
            disinfo_keywords=self.disinfo_keywords(code, years),
            alerts=alerts,
            provenance=self.provenance(),
            notes=notes,
        )
