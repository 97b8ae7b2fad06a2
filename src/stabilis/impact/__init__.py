"""Impact evaluation: did partnerships, programmes and operations move democracy and stability?

One design per module, behind one contract (``fit`` returns self; results have ``tidy()``,
``summary()``, ``plot_spec()`` and ``to_dict()``):

* :mod:`.synth` — synthetic control (Abadie's nested V/W; ridge-augmented SC);
* :mod:`.did` — Callaway & Sant'Anna group-time ATTs with not-yet-treated controls;
* :mod:`.event_study` — TWFE and Sun & Abraham event studies for comparison;
* :mod:`.dynamic_panel` — outcome lags + treatment + two-way fixed effects (within), clustered
  SEs and the long-run effect by the delta method;
* :mod:`.verdict` — ``estimate`` / ``weak`` / ``not_credible`` from the diagnostics;
* :mod:`.checks` — placebo in space and time, leave-one-out, pre-fit, pre-trend tests, each a
  :class:`~.checks.CheckResult`;
* :mod:`.simulate` — panels with known effects;
* :mod:`.cases` and ``data/cases.json`` — pre-registered case studies built from the registry;
* :mod:`.service` — :class:`ImpactService` over a workspace.

Function-first use on any panel (one row per unit-year)::

    from stabilis.impact import synth, did, event_study
    synth(panel, outcome="y", treated="TRT", treatment_year=2000)
    did(panel, outcome="y", cohort="cohort")
"""

from __future__ import annotations

from .checks import CheckResult
from .did import CallawaySantAnna, DidResult, did
from .dynamic_panel import DynamicPanelResult, dynamic_panel
from .event_study import EventStudyResult, event_study
from .results import SynthResult, cross_validated_v, synth
from .service import ImpactService
from .synth import AugmentedSyntheticControl, Predictor, SyntheticControl, prepare

__all__ = [
    "AugmentedSyntheticControl",
    "CallawaySantAnna",
    "CheckResult",
    "DidResult",
    "DynamicPanelResult",
    "EventStudyResult",
    "ImpactService",
    "Predictor",
    "SynthResult",
    "SyntheticControl",
    "cross_validated_v",
    "did",
    "dynamic_panel",
    "event_study",
    "prepare",
    "synth",
]
