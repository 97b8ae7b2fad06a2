"""The not-yet-treated DiD arm of a regional-harm case, shown next to its synthetic comparison.

The treated units are the case's treated countries (the origin's neighbours), all first
treated in the case's year ``g``. The comparisons are, as in Callaway & Sant'Anna with
``control_group = "notyettreated"``:

* the case's donors (never treated in the window), and
* the neighbours of **later** regional-harm cases (Afghanistan's in 2001 for Kosovo's 1999;
  Libya's in 2011 for both), while not yet treated: their rows from their own treatment year
  on are removed, so they serve as controls only before it and never enter as a cohort.

Left out: the origins of every regional case and neighbours of earlier cases (already treated).
The panel is therefore unbalanced by design (``balance=False``: a unit enters a cell when it is
observed in both years, R ``did``'s ``allow_unbalanced_panel = TRUE``); the estimate is the
overall ATT of the one cohort, with every verdict rule of the staggered DiD, including the
honest-DiD sensitivity rule. A case with no later regional case has only never-treated
comparisons, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from .did import did
from .verdict import display

ARM = "not-yet-treated DiD"


#: The long form of a case table (:meth:`DidArm.tidy`, ``CaseResult.tidy``): keys first.
LONG_COLUMNS = ("outcome", "arm", "value", "lower", "upper", "p_value", "verdict", "treated",
                "pre_rmspe", "n_donors", "reason")  # fmt: skip


def long_estimates(table: pd.DataFrame) -> pd.DataFrame:
    """A case table (one row per outcome and arm, verdict first) in its long form: the keys
    ``outcome, arm``, then the estimate as ``value`` with its interval, then the rest."""
    if table.empty:
        return pd.DataFrame(columns=list(LONG_COLUMNS))
    return table.rename(columns={"estimate": "value"})[list(LONG_COLUMNS)]


@dataclass
class DidArm:
    """One outcome's not-yet-treated DiD: verdict, estimate and the full DiD summary."""

    #: The key columns of :meth:`tidy`, in order (unique per row).
    TIDY_KEYS: ClassVar[tuple[str, ...]] = ("outcome", "arm")

    outcome: str
    treated: list[str]
    controls: list[str]
    not_yet_treated: dict[str, int]
    verdict: str
    reasons: list[str]
    estimate: float | None
    lower: float | None
    upper: float | None
    p_value: float | None
    detail: str
    result: dict[str, Any] = field(default_factory=dict, repr=False)

    def tidy(self) -> pd.DataFrame:
        """The arm as one long row of the case table (``outcome, arm, value, lower, upper,
        p_value, verdict, ...``)."""
        return long_estimates(pd.DataFrame([self.tidy_row()]))

    def meta(self) -> dict[str, Any]:
        """Who is compared with whom, and the verdict with its reasons (no DiD detail)."""
        return {"arm": ARM, "outcome": self.outcome, "treated": list(self.treated),
                "controls": list(self.controls), "not_yet_treated": dict(self.not_yet_treated),
                "verdict": self.verdict, "reasons": list(self.reasons)}  # fmt: skip

    def tidy_row(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "arm": ARM,
            "outcome": self.outcome,
            "treated": ",".join(self.treated),
            "estimate": self.estimate,
            "p_value": self.p_value,
            "lower": self.lower,
            "upper": self.upper,
            "pre_rmspe": None,
            "n_donors": len(self.controls),
            "reason": "; ".join(self.reasons),
        }

    def verdict_line(self) -> str:
        reasons = "; ".join(self.reasons)
        return f"{display(self.verdict)}: {self.outcome} [{ARM}]" + (
            f" ({reasons})" if reasons else ""
        )

    def summary(self) -> str:
        later = (
            ", ".join(f"{u} (until {y - 1})" for u, y in sorted(self.not_yet_treated.items()))
            or "none (no later regional case): the comparisons are never-treated donors only"
        )
        return (
            f"{self.outcome} [{ARM}]: the neighbours against {len(self.controls)} comparison "
            f"countries; not yet treated: {later}.\n{self.detail}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "arm": ARM,
            "outcome": self.outcome,
            "verdict": self.verdict,
            "reasons": self.reasons,
            "estimate": self.estimate,
            "lower": self.lower,
            "upper": self.upper,
            "p_value": self.p_value,
            "treated": self.treated,
            "controls": self.controls,
            "not_yet_treated": self.not_yet_treated,
            "summary": self.summary(),
            "did": self.result,
        }


def regional_did_arm(
    panel: pd.DataFrame,
    outcome: str,
    treated: list[str],
    year: int,
    donors: list[str],
    later: dict[str, int],
    excluded: set[str],
    higher_is_better: bool | None = None,
    n_boot: int = 999,
) -> DidArm:
    """The arm for one outcome: ``panel`` has ``iso3``, ``year`` and the outcome; ``later``
    maps the neighbours of later regional cases to their treatment year; ``excluded`` are
    never comparisons (the origins, earlier cases' neighbours)."""
    treated_set = set(treated)
    later = {u: y for u, y in later.items() if u not in treated_set and u not in excluded}
    controls = sorted({*donors, *later} - treated_set - excluded)
    keep = panel[panel["iso3"].isin(treated_set | set(controls))][["iso3", "year", outcome]]
    keep = keep.dropna(subset=[outcome])
    cut = keep["iso3"].map(later).astype(float)
    keep = keep[~(cut.notna() & (keep["year"] >= cut))].copy()
    keep["cohort"] = np.where(keep["iso3"].isin(treated_set), float(year), np.nan)
    present = sorted(set(keep.loc[keep["cohort"].isna(), "iso3"]))
    if not keep["cohort"].notna().any() or not present:
        reason = "no treated country or no comparison has data for this outcome"
        return DidArm(
            outcome,
            treated,
            present,
            {},
            "not_credible",
            [reason],
            None,
            None,
            None,
            None,
            f"No estimate: {reason}.",
        )
    result = did(
        keep,
        outcome=outcome,
        treatment="regional spill-over",
        control="notyet",
        balance=False,
        higher_is_better=higher_is_better,
        n_boot=n_boot,
    )
    verdict, reasons = result.verdict_reasons
    o = result.overall
    credible = verdict != "not_credible" and np.isfinite(o.get("att", np.nan))

    def num(key: str) -> float | None:
        value = float(o.get(key, np.nan))
        return value if credible and np.isfinite(value) else None

    return DidArm(
        outcome=outcome,
        treated=sorted(set(keep.loc[keep["cohort"].notna(), "iso3"])),
        controls=present,
        not_yet_treated={u: y for u, y in later.items() if u in present},
        verdict=verdict,
        reasons=reasons,
        estimate=num("att"),
        lower=num("lower"),
        upper=num("upper"),
        p_value=num("p_value"),
        detail=result.summary(),
        result=result.meta(),
    )
