"""Source releases: forecasting from an older release, and what changed when a source was revised.

The warehouse holds V-Dem's high-level indices in two releases: v15 (the ``highlevel`` file,
1789-2024, loaded as ``vdem.v2x_polyarchy`` ...) and v14 (inside the ``lite`` snapshot, 1970-2023,
which the loader leaves out because the newer release wins). ``ForecastConfig(vdem_release=
"v14")`` forecasts with the v14 values instead, read from that stored snapshot, so the same
forecast can be issued on both releases; :func:`compare_entries` then tells an analyst which
forecasts moved *because the data were revised* (same code, same settings, different inputs)
rather than because the model changed.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from stabilis.errors import NotFoundError, QueryError

if TYPE_CHECKING:
    import pandas as pd

#: The high-level indices whose v14 values the ``lite`` snapshot carries.
HIGHLEVEL = ("v2x_polyarchy", "v2x_libdem", "v2x_partipdem", "v2x_delibdem", "v2x_egaldem",
             "v2x_regime")  # fmt: skip
VDEM_RELEASES = ("v15", "v14")
#: A forecast "changed" when its probability moved at least this much.
MIN_CHANGE = 0.01


def v14_highlevel(
    snapshots: pd.DataFrame, countries: pd.DataFrame, data_dir: str | os.PathLike[str] = "."
) -> pd.DataFrame:
    """V-Dem v14 values of the high-level indices (``iso3, year, vdem.<index>``), read from the
    stored ``vdem/lite`` snapshot; countries matched by V-Dem's ``country_id``. Snapshot paths
    are recorded relative to the data folder ``data_dir``."""
    import pandas as pd

    lite = snapshots[(snapshots["source"] == "vdem") & (snapshots["file_key"] == "lite")]
    if lite.empty:
        raise NotFoundError(
            "The warehouse holds no V-Dem lite snapshot (V-Dem v14); pull and build it first."
        )
    path = os.path.join(data_dir, str(lite["path"].iloc[-1]))
    try:
        frame = pd.read_csv(path, usecols=["country_id", "year", *HIGHLEVEL])
    except (OSError, ValueError) as exc:
        raise NotFoundError(f"Cannot read the V-Dem v14 values from {path}: {exc}") from exc
    ids = countries.dropna(subset=["vdem_id"])
    by_id = dict(zip(ids["vdem_id"].astype(int), ids["iso3"], strict=True))
    frame["iso3"] = frame["country_id"].map(by_id)
    frame = frame.dropna(subset=["iso3"]).drop(columns="country_id")
    return frame.rename(columns={c: f"vdem.{c}" for c in HIGHLEVEL})


def with_release(panel: pd.DataFrame, replacement: pd.DataFrame) -> pd.DataFrame:
    """``panel`` with the replacement's columns taken from it (missing where it has no value:
    v14 ends in 2023, so a v14 forecast has no 2024 high-level indices)."""
    columns = [c for c in replacement.columns if c not in ("iso3", "year")]
    out = panel.drop(columns=[c for c in columns if c in panel.columns])
    return out.merge(replacement, on=["iso3", "year"], how="left")[panel.columns]


def revised_sources(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Per source file whose release, snapshot or indicators differ between two manifests:
    ``source, file_key, before, after`` (file name and checksum)."""

    def by_indicator(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
        out = {}
        for item in manifest.get("inputs", []):
            for code in item.get("indicators", []):
                out[code] = item
        return out

    before, after = by_indicator(old), by_indicator(new)
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for code in sorted(set(before) | set(after)):
        a, b = before.get(code, {}), after.get(code, {})
        if a.get("sha256") == b.get("sha256"):
            continue
        key = (str(a.get("snapshot")), str(b.get("snapshot")))
        entry = seen.setdefault(key, {
            "source": b.get("source") or a.get("source"),
            "before": f"{a.get('filename', '-')} ({str(a.get('sha256', ''))[:12]})",
            "after": f"{b.get('filename', '-')} ({str(b.get('sha256', ''))[:12]})",
            "indicators": [],
        })  # fmt: skip
        entry["indicators"].append(code)
    return list(seen.values())


def compare_entries(
    old: pd.DataFrame, new: pd.DataFrame, old_inputs: pd.DataFrame | None,
    new_inputs: pd.DataFrame | None, min_change: float = MIN_CHANGE,
) -> pd.DataFrame:  # fmt: skip
    """Forecasts of the same origin that moved between two archived runs, with the inputs whose
    values differ for that country: ``outcome, iso3, country, p_before, p_after, change,
    revised_inputs``."""
    import pandas as pd

    keys = ["outcome", "origin", "iso3"]
    joined = old[[*keys, "p"]].merge(new[[*keys, "p"]], on=keys, suffixes=("_before", "_after"))
    if "country" in new.columns:
        joined = joined.merge(new[[*keys, "country"]], on=keys, how="left")
    else:
        joined["country"] = joined["iso3"]
    joined["change"] = joined["p_after"] - joined["p_before"]
    moved = joined[joined["change"].abs() >= min_change].copy()
    revised: dict[str, str] = {}
    if old_inputs is not None and new_inputs is not None:
        a = old_inputs.set_index("iso3")
        b = new_inputs.set_index("iso3")
        shared = [c for c in a.columns if c in b.columns and c != "origin"]
        for iso3 in moved["iso3"].unique():
            if iso3 not in a.index or iso3 not in b.index:
                continue
            x, y = a.loc[iso3, shared].astype(float), b.loc[iso3, shared].astype(float)
            differ = ~((x == y) | (x.isna() & y.isna()))
            parts = [f"{c} {x[c]:.3g} -> {y[c]:.3g}" for c in np.asarray(shared)[differ.to_numpy()]]
            revised[iso3] = "; ".join(parts[:6]) + (" ..." if len(parts) > 6 else "")
    moved["revised_inputs"] = moved["iso3"].map(revised).fillna("")
    order = moved["change"].abs().sort_values(ascending=False).index
    return pd.DataFrame(moved.loc[order].reset_index(drop=True))


def check_release(value: str) -> str:
    if value not in VDEM_RELEASES:
        raise QueryError(
            f"Unknown V-Dem release '{value}'. Releases in the warehouse: "
            f"{', '.join(VDEM_RELEASES)} (v14 high-level indices come from the lite snapshot)."
        )
    return value
