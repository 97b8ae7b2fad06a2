"""``AllianceService(ws)``: the support audit, burden-sharing and the resilience scorecard.

The one entry point the CLI, the API, the dashboard and the country brief use (the Workspace
exposes it as ``ws.alliance``). It reads the warehouse and the registry through the workspace it
is given (:class:`WorkspaceLike`) and writes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

from stabilis.alliance import burden as burden_mod
from stabilis.alliance import resilience as resilience_mod
from stabilis.alliance import support as support_mod
from stabilis.errors import NotFoundError, QueryError
from stabilis.services import WorkspaceLike

if TYPE_CHECKING:
    import pandas as pd


#: The groups a resilience scorecard covers (names from :mod:`stabilis.registry.groups`).
SCORECARD_GROUPS = ("nato", "partners", "members_and_partners")


#: Full years each need/threat source covers is read from the data; EUvsDisinfo's last year
#: (2021, January-February only) is partial and left out.
_DISINFO_PARTIAL_LAST_YEAR = True


class AllianceService:
    """Support audit, burden-sharing and resilience over a workspace."""

    def __init__(self, ws: WorkspaceLike) -> None:
        self.ws = ws

    # -- helpers ---------------------------------------------------------------------------

    def _table(self, name: str) -> pd.DataFrame:
        """A records table, or an error saying which source to build."""
        try:
            return self.ws.table(name)
        except NotFoundError as exc:
            raise NotFoundError(
                f"The warehouse has no table '{name}'; run 'stabilis pull' and 'stabilis build' "
                "to load the military and resilience sources."
            ) from exc

    @cached_property
    def _country_names(self) -> dict[str, str]:
        table = self.ws.countries()
        return dict(zip(table["iso3"], table["name"], strict=True))

    def check_country(self, iso3: str) -> str:
        code = iso3.strip().upper()
        if code not in self._country_names:
            raise NotFoundError(
                f"'{iso3}' is not an ISO3 code in the warehouse; see 'stabilis countries list'."
            )
        return code

    # -- support audit ---------------------------------------------------------------------

    def recipients(self, year: int) -> list[str]:
        """Partners in ``year`` plus non-members hosting a NATO-led operation that year."""
        import pandas as pd

        registry = self.ws.registry
        members = set(registry.members(year))
        ops = registry.table("operations")
        share = support_mod._year_share(ops["start_first"], ops["end_last"], year)
        hosts = {
            c for c, s in zip(ops["iso3"], share, strict=True) if isinstance(c, str) and c and s > 0
        }
        del pd
        return sorted((set(registry.partners(year)) | hosts) - members)

    @cached_property
    def _inputs(self) -> support_mod.SupportInputs:
        import numpy as np
        import pandas as pd

        registry = self.ws.registry
        troops = self.ws.panel(["troopdata.troops_ad"])
        troops = troops.rename(columns={"troopdata.troops_ad": "troops"})[
            ["iso3", "year", "troops"]
        ]
        participants = self._table("mme_participants")
        exercises = participants.loc[participants["iso3"].notna(), ["iso3", "year", "mme_id"]]
        aid = self._table("us_foreign_assistance")
        aid = aid[
            (aid["transaction_type"] == "Obligations") & ~aid["transition_quarter"].astype(bool)
        ]
        assistance = pd.DataFrame(
            {
                "iso3": aid["iso3"],
                "year": pd.to_numeric(aid["fiscal_year"]).astype("int64"),
                "usd_m": pd.to_numeric(aid["constant_usd"]) / 1e6,
            }
        ).dropna(subset=["iso3"])
        need_panel = self.ws.panel(list(support_mod.NEED_INDICATORS))
        for column in support_mod.NEED_INDICATORS:
            if column not in need_panel:
                need_panel[column] = np.nan
        conflicts = self.ws.table("conflicts")
        exposure, note = self._exposure()
        coverage = {
            "allied_troops": (int(troops["year"].min()), int(troops["year"].max())),
            "operation_personnel": (1949, 2100),
            "exercises": (int(exercises["year"].min()), int(exercises["year"].max())),
            "us_assistance": (int(assistance["year"].min()), int(assistance["year"].max())),
        }
        return support_mod.SupportInputs(
            programmes=registry.table("programmes"),
            operations=registry.table("operations"),
            troops=troops,
            exercises=exercises,
            assistance=assistance,
            need_panel=need_panel,
            conflicts=conflicts,
            exposure=exposure,
            coverage_years=coverage,
            exposure_note=note,
        )

    def _exposure(self) -> tuple[pd.DataFrame, str]:
        """Threat exposure per country-year, from the cyber and disinformation data in the warehouse.

        Kept apart so it can be rewired to the coverage-aware threat signals: returns
        ``iso3, year, threat_exposure, exposure_sources`` and a note on coverage.
        """
        import pandas as pd

        cyber = self.ws.table("cyber_incidents")
        operations = cyber[cyber["is_cyber_operation"].astype(bool) & cyber["iso3"].notna()]
        cyber_counts = (
            operations.groupby(["iso3", "year"]).size().rename("operations").reset_index()
        )
        dcid_states = set(cyber["iso3"].dropna()) | set(cyber["initiator_iso3"].dropna())
        cases = self.ws.table("disinfo_case_countries")
        cases = cases[cases["iso3"].notna()]
        d_counts = (
            cases.groupby(["iso3", "year"])["case_id"].nunique().rename("cases").reset_index()
        )
        last = int(d_counts["year"].max()) if len(d_counts) else 0
        if _DISINFO_PARTIAL_LAST_YEAR and len(d_counts):
            d_counts = d_counts[d_counts["year"] < last]
        countries = sorted(set(self._country_names))
        frames = []
        years = sorted(set(cyber_counts["year"]) | set(d_counts["year"]))
        for year in years:
            part = support_mod.threat_exposure(
                cyber_counts, d_counts, dcid_states, int(year), countries
            )
            part["year"] = int(year)
            frames.append(part)
        exposure = (
            pd.concat(frames, ignore_index=True)
            if frames
            else pd.DataFrame(columns=["iso3", "year", "threat_exposure", "exposure_sources"])
        )
        c_years = (
            f"{int(cyber_counts['year'].min())}-{int(cyber_counts['year'].max())}"
            if len(cyber_counts)
            else "none"
        )
        d_years = (
            f"{int(d_counts['year'].min())}-{int(d_counts['year'].max())}"
            if len(d_counts)
            else "none"
        )
        note = (
            f"DCID cyber operations {c_years}, only for the {len(dcid_states)} states in its rival "
            f"dyads (missing elsewhere, not 0); EUvsDisinfo cases {d_years} (full years), all "
            "countries; scaled by the year's largest value among all countries. A provisional "
            "component: it is replaced by the coverage-aware threat signals when they are merged."
        )
        return exposure, note

    def support_audit(
        self,
        year: int,
        support_weights: dict[str, float] | None = None,
        need_weights: dict[str, float] | None = None,
    ) -> support_mod.SupportAudit:
        """Resources given against need for every recipient in ``year`` (see alliance.support)."""
        if not 1990 <= year <= datetime.now(UTC).year:
            raise QueryError(f"Pick a year between 1990 and {datetime.now(UTC).year}, not {year}.")
        recipients = self.recipients(year)
        if not recipients:
            raise QueryError(
                f"The registry has no partners in {year}; NATO partnerships began in 1994."
            )
        return support_mod.audit(self._inputs, recipients, year, support_weights, need_weights)

    def support_sanity(self, year: int) -> pd.DataFrame:
        """The cases a reader checks first (Afghanistan, Iraq, Ukraine, Georgia, Bosnia, Kosovo)."""
        return support_mod.sanity(self.support_audit(year))

    def support_over_time(
        self, first: int = 1995, last: int = 2024
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Per recipient-year ranks (``panel``) and per recipient a summary over the years."""
        if first > last:
            raise QueryError(f"The first year ({first}) is after the last ({last}).")
        audits = []
        for year in range(first, last + 1):
            try:
                audits.append(self.support_audit(year))
            except QueryError:
                continue
        return support_mod.over_time(audits)

    def support_position(self, iso3: str, year: int) -> dict[str, Any]:
        """A country's support position in ``year``: rank, components, need, over-time ranks.

        For the country brief: every component is returned, not only the composite.
        """
        code = self.check_country(iso3)
        result = self.support_audit(year)
        table = result.table().set_index("iso3")
        if code not in table.index:
            reason = result.excluded.set_index("iso3")["reason"].get(code)
            return {
                "iso3": code,
                "year": year,
                "ranked": False,
                "reason": reason or "not a NATO partner or host of a NATO-led operation that year",
            }
        row: pd.Series = table.loc[[code]].iloc[0]
        keep = [c for c in table.columns if c not in ("need_components",)]
        return {
            "iso3": code,
            "year": year,
            "ranked": True,
            "rank": float(cast(float, row["rank"])),
            "of": len(table),
            "values": {k: (None if _isnan(row[k]) else row[k]) for k in keep},
            "unit": support_mod.UNIT,
            "coverage": result.coverage,
            "definitions": result.definitions(),
        }

    # -- burden-sharing --------------------------------------------------------------------

    def burden(self, year: int) -> burden_mod.BurdenSharing:
        """Members' defence expenditure against the 2 % and 20 % guidelines (NATO; SIPRI beside)."""
        members = self.ws.registry.members(year)
        if not members:
            raise QueryError(f"The registry has no members in {year}.")
        nato = self._table("nato_defence_expenditure")
        sipri = self._table("military_expenditure")
        return burden_mod.burden_sharing(nato, sipri, members, year, self._country_names)

    # -- resilience ------------------------------------------------------------------------

    def resilience_scorecard(
        self, group: str = "nato", year: int | None = None, window: int = 10
    ) -> resilience_mod.Scorecard:
        """Seven baseline requirements for ``group`` (nato, partners or members_and_partners,
        from the one group table) in ``year``."""
        from stabilis.registry.groups import check_group

        key = check_group(group)
        if key not in SCORECARD_GROUPS:
            raise QueryError(
                f"The scorecard covers NATO members and partners; use one of "
                f"{', '.join(SCORECARD_GROUPS)} (not '{group}').",
                details={"parameter": "group", "value": group, "groups": list(SCORECARD_GROUPS)},
            )
        if window < 3:
            raise QueryError("The trend window must be at least 3 years.")
        when = year if year is not None else datetime.now(UTC).year - 1
        registry = self.ws.registry
        roles = dict.fromkeys(registry.partners(when), "partner")
        roles.update(dict.fromkeys(registry.members(when), "member"))
        if key != "members_and_partners":
            wanted = "member" if key == "nato" else "partner"
            roles = {c: r for c, r in roles.items() if r == wanted}
        return self._scorecard(sorted(roles), roles, when, window, key)

    def resilience_of(
        self, iso3: str, year: int | None = None, window: int = 10
    ) -> resilience_mod.Scorecard:
        """One country's scorecard (for the country brief), whatever its role."""
        code = self.check_country(iso3)
        when = year if year is not None else datetime.now(UTC).year - 1
        registry = self.ws.registry
        role = (
            "member"
            if code in registry.members(when)
            else "partner"
            if code in registry.partners(when)
            else "other"
        )
        return self._scorecard([code], {code: role}, when, window, code)

    def _scorecard(
        self, countries: list[str], roles: dict[str, str], when: int, window: int, group: str
    ) -> resilience_mod.Scorecard:
        panel = self.ws.panel(
            resilience_mod.indicators(), countries=countries, years=(when - window + 1, when)
        )
        return resilience_mod.scorecard(panel, countries, roles, when, window=window, group=group)


def _isnan(value: Any) -> bool:
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return False
