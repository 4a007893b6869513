"""The leaderboard's intervals: a seeded percentile bootstrap of a mean (scipy)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import stats

CONFIDENCE = 0.95
RESAMPLES = 2000
SEED = 0


def bootstrap_ci(
    values: npt.ArrayLike, seed: int = SEED, resamples: int = RESAMPLES
) -> tuple[float, float]:
    """95% percentile bootstrap interval of the mean of ``values`` (at least two)."""
    data = np.asarray(values, dtype=float)
    if np.ptp(data) == 0:  # every resample has the same mean
        return float(data[0]), float(data[0])
    result = stats.bootstrap(
        (data,),
        np.mean,
        n_resamples=resamples,
        confidence_level=CONFIDENCE,
        method="percentile",
        rng=np.random.default_rng(seed),
    )
    return float(result.confidence_interval.low), float(result.confidence_interval.high)
