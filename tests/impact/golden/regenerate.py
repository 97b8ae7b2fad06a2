"""Recompute the *derived* golden values in basque.json from the staged data.

The published numbers (weights, the ~10% gap) come from the paper and are not regenerated.
Run: python tests/impact/golden/regenerate.py [path/to/basque.csv]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent


def derived(csv: Path) -> dict[str, float]:
    frame = pd.read_csv(csv)
    wide = frame.pivot(index="year", columns="regionno", values="gdpcap")
    synthetic = 0.8508 * wide[10] + 0.1492 * wide[14]
    pre = wide.index.isin(range(1960, 1970))
    mspe = float(np.mean((wide[17][pre] - synthetic[pre]) ** 2))
    late = wide.index >= 1980
    share = float(np.mean((wide[17][late] - synthetic[late]) / synthetic[late]))
    return {
        "derived_pre_mspe_at_published_weights": round(mspe, 7),
        "gap_share_1980_1997": round(share, 4),
    }


if __name__ == "__main__":
    default = HERE.parents[3] / "shared" / "data" / "replication" / "basque" / "basque.csv"
    print(derived(Path(sys.argv[1]) if len(sys.argv) > 1 else default))
