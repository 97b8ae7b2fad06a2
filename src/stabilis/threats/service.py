"""``ThreatService(ws)``: the hybrid-threat monitor (signals with coverage, alerts, elections).

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
from typing import TYPE_CHECKING, Any

from stabilis.errors import NotFoundError, QueryError
from stabilis.services import WorkspaceLike
from stabilis.threats import alerts as alert_rules
from stabilis.threats import coverage as coverage_mod
from stabilis.threats import cyber as cyber_mod
from stabilis.threats import disinfo as disinfo_mod
from stabilis.threats import elections as elections_mod
from stabilis.threats import events as events_mod
from stabilis.threats import incidents as incidents_mod
from stabilis.threats import signals as signals_mod
from stabilis.threats.profile import ThreatProfile, yearly_signals

if TYPE_CHECKING:
    import pandas as pd

    from stabilis.threats.events import EventSignal


_SIGNAL_SOURCES = {
    "cyber": "cyber",
    "eurepoc": "eurepoc",
    "cfr": "cfr",
    "disinfo": "disinfo",
    "events": "gdelt",
}
_CYBER_TABLES = (
    "cyber_incidents", "eurepoc_incidents", "eurepoc_receivers", "eurepoc_attributions",
    "eurepoc_dashboard_incidents", "eurepoc_dashboard_initiators", "cfr_operations",
    "cfr_operation_countries",
)  # fmt: skip
#: Years the cyber signals are laid out over (DCID starts in 2000, EuRepoC ends in 2023).
_CYBER_SPAN = (2000, 2023)


def _rule_of(signal: str) -> alert_rules.AlertRule:
    return alert_rules.YEARLY if signal.startswith("cyber_") else alert_rules.MONTHLY


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class ThreatService:
    """Hybrid-threat signals with coverage, alerts, elections and external support."""

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

    def provenance(
        self, signals: Sequence[str] = ("cyber", "eurepoc", "cfr", "disinfo", "events")
    ) -> pd.DataFrame:
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

    # -- reconciled cyber incidents and coverage ---------------------------------------------

    @cached_property
    def reconciled(self) -> incidents_mod.Reconciled:
        """DCID, EuRepoC and CFR records matched into one incident table (see threats.incidents)."""
        tables = {name: self.ws.table(name) for name in _CYBER_TABLES}
        return incidents_mod.reconcile(incidents_mod.source_records(tables))

    @cached_property
    def coverages(self) -> dict[str, coverage_mod.SourceCoverage]:
        """Where each source looks (see :mod:`stabilis.threats.coverage`)."""
        return {
            "dcid": coverage_mod.dcid_coverage(self._cyber),
            "eurepoc": coverage_mod.EUREPOC,
            "cfr": coverage_mod.CFR,
            "disinfo": coverage_mod.DISINFO,
        }

    def coverage(
        self, countries: Sequence[str] | None = None, years: tuple[int, int] = (2000, 2023)
    ) -> pd.DataFrame:
        """Per ``iso3``, ``year`` and ``source``: covered, partial or not covered."""
        codes = (
            [self._check_country(c) for c in countries]
            if countries is not None
            else sorted(self._country_names)
        )
        return coverage_mod.coverage_frame(
            list(self.coverages.values()), codes, range(years[0], years[1] + 1)
        )

    def cyber_records(
        self, countries: Sequence[str] | None = None, years: tuple[int, int] | None = None
    ) -> pd.DataFrame:
        """Reconciled cyber incidents (one row per operation and target) with their sources."""
        return incidents_mod.filter_incidents(self.reconciled.incidents, countries, years)

    def cyber_yearly(self, countries: Sequence[str], years: tuple[int, int]) -> pd.DataFrame:
        """Per source and reconciled cyber counts per country-year, 'not covered' as missing."""
        rec = self.reconciled
        return signals_mod.cyber_yearly(
            rec.records, rec.incidents, self.coverages, countries, years
        )

    def threat_exposure(self, year: int, countries: Sequence[str] | None = None) -> pd.DataFrame:
        """Threat exposure in ``year`` on covered periods only (for the support audit).

        One row per country: ``cyber`` (reconciled incidents against it, missing where no cyber
        source fully covers the country-year), ``cyber_sources`` and ``disinfo`` (EUvsDisinfo
        cases, missing outside 2015-2020). Missing is "not covered", never 0.
        """
        codes = list(countries) if countries is not None else sorted(self._country_names)
        cyber = self.cyber_yearly(codes, (year, year))
        months = disinfo_mod.disinfo_country_months(self._disinfo_countries, codes)
        disinfo = signals_mod.disinfo_yearly(months, self.coverages["disinfo"], codes, (year, year))
        return signals_mod.exposure(cyber, disinfo, year)

    def match_report(self) -> pd.DataFrame:
        """How many records of each cyber source the matching rule joined to each other source."""
        return self.reconciled.report()

    # -- alerts ------------------------------------------------------------------------------

    def alert_scores(self, countries: Sequence[str] | None = None) -> pd.DataFrame:
        """Every signal's series with its robust z-score on covered periods (alerts flagged)."""
        codes = sorted(countries) if countries is not None else sorted(self._country_names)
        # Scored once for every country and kept while the saved event signal is the same
        # (a profile or brief asks for one country; scoring them all took seconds each time).
        key = self._events_stamp()
        if self._scores_memo is None or self._scores_memo[0] != key:
            self._scores_memo = (key, self._score_every_signal())
        out = self._scores_memo[1]
        return out[out["iso3"].isin(codes)].reset_index(drop=True)

    _scores_memo: tuple[tuple[int, int] | None, pd.DataFrame] | None = None

    def _events_stamp(self) -> tuple[int, int] | None:
        meta = self.events_dir / "meta.json"
        if not meta.exists():
            return None
        stat = meta.stat()
        return stat.st_mtime_ns, stat.st_size

    def _score_every_signal(self) -> pd.DataFrame:
        import pandas as pd

        frames = []
        cyber = self.cyber_yearly(sorted(self._country_names), _CYBER_SPAN)
        for source in signals_mod.CYBER_SOURCES:
            series = cyber.assign(
                value=cyber[source].astype("float64"),
                covered=cyber[f"{source}_status"] == coverage_mod.COVERED,
            )
            scored = alert_rules.scored_series(
                series, "value", ["year"], alert_rules.YEARLY, "covered"
            )
            frames.append(
                scored.assign(
                    signal=f"cyber_{source}",
                    month=pd.Series(pd.NA, index=scored.index, dtype="Int64"),
                )
            )
        months = disinfo_mod.disinfo_country_months(self._disinfo_countries)
        cov = self.coverages["disinfo"]
        months = months.assign(
            value=months["cases"].astype("float64"),
            covered=[
                coverage_mod.monthly_status(cov, c, int(y), int(m)) == coverage_mod.COVERED
                for c, y, m in zip(months["iso3"], months["year"], months["month"], strict=True)
            ],
        )
        scored = alert_rules.scored_series(
            months, "value", ["year", "month"], alert_rules.MONTHLY, "covered"
        )
        frames.append(scored.assign(signal="disinfo_cases"))
        stored = self.stored_events()
        if stored is not None and len(stored.monthly):
            frames.append(self._event_scores(stored))
        columns = ["signal", "iso3", "year", "month", "value", "baseline_median",
                   "baseline_mad", "z", "alert", "suppressed", "source_breadth", "source_z"]  # fmt: skip
        out = pd.concat([f[columns] for f in frames], ignore_index=True)
        out["month"] = out["month"].astype("Int64")
        out["year"] = out["year"].astype("int64")
        return out.reset_index(drop=True)

    def _event_scores(self, stored: EventSignal) -> pd.DataFrame:
        import pandas as pd

        monthly = stored.monthly
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
        # The aggregated files cover every month of their span for every registry country.
        series = series.assign(value=series["events"].fillna(0).astype(float), covered=True)
        scored = alert_rules.scored_series(
            series, "value", ["year", "month"], alert_rules.MONTHLY, "covered"
        )
        return scored.assign(signal="hostile_events")

    def alerts(
        self,
        since: int,
        countries: Sequence[str] | None = None,
        *,
        evidence: int = 5,
        until: int | None = None,
    ) -> pd.DataFrame:
        """Alerts from ``since`` (to ``until``) for members and partners (or ``countries``).

        Each row: signal, iso3, role, period, value, baseline median and MAD, z, the rule, and
        ``evidence`` — the incidents (with their sources) or cases behind the value (at most
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
        if until is not None:
            hits = hits[hits["year"] <= until]
        hits["role"] = hits["iso3"].map(roles).fillna("")
        hits["period"] = [
            f"{y}" if pd.isna(m) else f"{y}-{int(m):02d}"
            for y, m in zip(hits["year"], hits["month"], strict=True)
        ]
        hits["rule"] = hits["signal"].map(lambda s: _rule_of(s).describe())
        items = [self._evidence(row, evidence) for row in hits.itertuples(index=False)]
        hits["evidence_total"] = pd.Series([n for n, _ in items], index=hits.index, dtype="int64")
        hits["evidence"] = pd.Series([e for _, e in items], index=hits.index, dtype=object)
        columns = [
            "signal", "iso3", "role", "period", "year", "month", "value", "baseline_median",
            "baseline_mad", "z", "rule", "evidence_total", "evidence",
        ]  # fmt: skip
        return hits[columns].sort_values(["year", "month", "signal", "iso3"]).reset_index(drop=True)

    def _evidence(self, row: Any, limit: int) -> tuple[int, list[dict[str, Any]]]:
        if row.signal.startswith("cyber_"):
            items = self.cyber_records([row.iso3], (int(row.year), int(row.year)))
            source = row.signal.removeprefix("cyber_")
            items = items[items["sources"].str.split(";").map(lambda s: source in s)]
            records = items[["name", "start_date", "initiators", "sources", "source_ids",
                             "type", "attribution"]]  # fmt: skip
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

    def alert_backtest(self, first: int = 2000, last: int | None = None) -> alert_rules.Backtest:
        """The alert rule run over the staged history: alerts per year and the known episodes."""
        end = last if last is not None else datetime.now(UTC).year
        frame = self.alerts(first, list(self._country_names), evidence=0, until=end)
        return alert_rules.backtest(frame, first, end)

    # -- elections ---------------------------------------------------------------------------

    def elections(self, iso3: str) -> elections_mod.ElectionRecord:
        """A country's elections: PEI, V-Dem items, V-Party, cyber and disinformation around them."""
        code = self._check_country(iso3)
        codes = [*elections_mod.VDEM_ITEMS, *elections_mod.VDEM_TYPES]
        vdem = self.ws.panel(codes, countries=[code])
        for column in codes:
            if column not in vdem:
                vdem[column] = float("nan")
        return elections_mod.election_record(
            code,
            self._country_names.get(code, code),
            pei=self.ws.table("pei_elections"),
            vparty=self.ws.table("vparty_party_elections"),
            vdem=vdem,
            receivers=self.ws.table("eurepoc_receivers"),
            eurepoc=self.ws.table("eurepoc_incidents"),
            disinfo_cases=self._disinfo_countries,
        )

    def election_brief(self, iso3: str) -> dict[str, Any]:
        """The elections section of a country brief (for report/briefs): latest elections, flags."""
        return self.elections(iso3).brief()

    # -- foreign support to armed actors -----------------------------------------------------

    def external_support(
        self, iso3: str | None = None, *, members_and_partners: bool = True
    ) -> pd.DataFrame:
        """States backing armed non-state actors fighting in a member or partner (UCDP ESD).

        One row per state supporter, location and year of support to a non-state warring actor
        (support to the location's own government is not a threat and is left out): the
        supported actor and the kinds of support (troops ``ext_x``, weapons ``ext_w``, funding
        ``ext_f``, training ``ext_t``). ESD ends in 2017.
        """
        frame = self.ws.table("ucdp_esd_state_supporters")
        if iso3 is not None:
            frame = frame[frame["location_iso3"] == self._check_country(iso3)]
        elif members_and_partners:
            roles = self.members_and_partners(1994, 2017)
            frame = frame[frame["location_iso3"].isin(list(roles))]
        # A threat is support to a non-state warring actor (a rebel side) fighting in the
        # country; support to the country's own government is not.
        frame = frame[frame["actor_nonstate"].astype("int64") == 1]
        frame = frame.rename(columns={"iso3": "supporter_iso3"})
        columns = ["location_iso3", "year", "location", "supporter_iso3", "supporter_country",
                   "actor_name", "actor_nonstate", "ext_x", "ext_w", "ext_f", "ext_t", "snapshot"]  # fmt: skip
        return (
            frame[columns]
            .sort_values(["location_iso3", "year", "supporter_iso3"])
            .reset_index(drop=True)
        )

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
                "('stabilis threats events FILE...')."
            )
        else:
            events_yearly = stored.yearly[stored.yearly["iso3"] == code]
            if events_yearly.empty:
                notes.append(
                    "The aggregated GDELT files hold no hostile event against this country."
                )
        span = years if years is not None else _CYBER_SPAN
        if years is None and events_yearly is not None and len(events_yearly):
            span = (
                min(span[0], int(events_yearly["year"].min())),
                max(span[1], int(events_yearly["year"].max())),
            )
        cyber = self.cyber_yearly([code], span)
        months = disinfo_mod.disinfo_country_months(self._disinfo_countries, [code])
        disinfo = signals_mod.disinfo_yearly(months, self.coverages["disinfo"], [code], span)
        yearly = yearly_signals(cyber, disinfo, events_yearly)
        if self.coverages["dcid"].status(code, 2010) == coverage_mod.NOT_COVERED:
            notes.append(
                f"DCID does not cover {code}: it codes rival dyads only, and {code} is in none. "
                "Its column reads 'not covered', not 0."
            )
        support = self.external_support(code)
        for supporter, rows in support.groupby("supporter_iso3"):
            notes.append(
                f"UCDP ESD: {supporter} backed armed non-state actors in {code} "
                f"({'; '.join(sorted(set(rows['actor_name'])))}) in "
                f"{int(rows['year'].min())}-{int(rows['year'].max())}."
            )
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
        try:
            alerts = self.alerts(span[0], [code], until=span[1])
        except QueryError:
            alerts = pd.DataFrame()
        if accession is None and not status["partner_frameworks_now"]:
            notes.append(f"{code} is neither a NATO member nor a current partner.")
        return ThreatProfile(
            iso3=code,
            name=self._country_names.get(code, code),
            status=status,
            yearly=yearly,
            cyber_incidents=self.cyber_records([code], years),
            cyber_initiators=incidents_mod.initiators_of(self.cyber_records([code], years)),
            disinfo_keywords=self.disinfo_keywords(code, years),
            alerts=alerts,
            provenance=self.provenance(),
            coverage=[c.describe() for c in self.coverages.values()],
            notes=notes,
        )
