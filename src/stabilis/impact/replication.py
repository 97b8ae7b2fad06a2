"""Published studies the estimators are checked against, as data specifications.

:func:`basque_data` prepares Abadie & Gardeazabal (2003), "The Economic Costs of Conflict: A
Case Study of the Basque Country" (AER 93(1)), with the predictor specification of the Synth
package's documented example: schooling shares and investment (1964-1969 means), GDP per capita
(1960-1969), sector shares (odd years 1961-1969), population density (1969); the V search
minimises the pre-period fit over 1960-1969. Treated: region 17 (Basque Country) in 1970;
donors: regions 2-16 and 18 (region 1 is the Spain aggregate). The file is the Synth package's
``basque`` data (the offline mirror's ``replication/basque/basque.csv``); it is not shipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from stabilis.impact.synth import Predictor, SynthData, prepare

if TYPE_CHECKING:
    import pandas as pd

BASQUE_TREATED = "17"
BASQUE_TREATMENT_YEAR = 1970
BASQUE_DONORS = tuple(str(d) for d in [*range(2, 17), 18])
#: Averaged over 1964-1969 (with ``invest``).
BASQUE_SCHOOLING = ("school.illit", "school.prim", "school.med", "school.high", "school.post.high")
#: Averaged over the odd years 1961-1969.
BASQUE_SECTORS = (
    "sec.agriculture",
    "sec.energy",
    "sec.industry",
    "sec.construction",
    "sec.services.venta",
    "sec.services.nonventa",
)


def _span(first: int, last: int, step: int = 1) -> tuple[int, ...]:
    return tuple(range(first, last + 1, step))


def basque_predictors() -> list[Predictor]:
    """The Synth example's predictors for the Basque study."""
    predictors = [Predictor(v, _span(1964, 1969)) for v in (*BASQUE_SCHOOLING, "invest")]
    predictors.append(Predictor("gdpcap", _span(1960, 1969)))
    predictors += [Predictor(v, _span(1961, 1969, 2)) for v in BASQUE_SECTORS]
    predictors.append(Predictor("popdens", (1969,)))
    return predictors


def basque_frame(path: Path) -> pd.DataFrame:
    """The Basque panel with a text ``unit`` column (the region number)."""
    import pandas as pd

    frame = pd.read_csv(path)
    frame["unit"] = frame["regionno"].astype(str)
    return frame


def basque_data(path: Path) -> tuple[pd.DataFrame, SynthData]:
    """The panel and the prepared synthetic-control problem of the Basque study."""
    frame = basque_frame(path)
    data = prepare(
        frame,
        outcome="gdpcap",
        treated=BASQUE_TREATED,
        treatment_year=BASQUE_TREATMENT_YEAR,
        donors=list(BASQUE_DONORS),
        predictors=basque_predictors(),
        optimise_years=_span(1960, 1969),
        unit="unit",
        time="year",
    )
    return frame, data
