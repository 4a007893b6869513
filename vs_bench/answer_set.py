"""Answer sets: the valid answers of a prompt as alias groups (first alias = canonical).

An answer set may carry weights: its reference distribution over the groups (a
corpus frequency, a stated target). Without weights the reference is uniform.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from vs_bench.errors import VsBenchError


def normalize(text: str) -> str:
    """Lower-case, strip, strip trailing ".": the paper scorer's matching of answers to aliases."""
    return text.lower().strip().rstrip(".").strip()


@dataclass(frozen=True)
class AnswerSet:
    """K alias groups; every draw maps to one group or is invalid."""

    groups: tuple[tuple[str, ...], ...]
    _lookup: dict[str, int] = field(init=False, repr=False, compare=False)
    # reference weight of each group (any positive scale); None: uniform
    weights: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if not self.groups or any(not g for g in self.groups):
            raise VsBenchError("an answer set needs at least one non-empty alias group")
        if self.weights is not None and (
            len(self.weights) != len(self.groups)
            or not all(math.isfinite(w) and w > 0 for w in self.weights)
        ):
            raise VsBenchError(
                f"answer set weights ({len(self.weights)} given) are not one positive finite "
                f"number per answer: pass {len(self.groups)} positive weights"
            )
        lookup: dict[str, int] = {}
        for index, group in enumerate(self.groups):
            for alias in group:
                lookup.setdefault(normalize(alias), index)
        object.__setattr__(self, "_lookup", lookup)

    @staticmethod
    def from_aliases(groups: Iterable[Sequence[str]]) -> AnswerSet:
        """Groups from alias lists; a group repeated verbatim is kept once."""
        seen: dict[tuple[str, ...], None] = {}
        for group in groups:
            seen.setdefault(tuple(str(a) for a in group), None)
        return AnswerSet(tuple(seen))

    @staticmethod
    def of_labels(labels: Iterable[object]) -> AnswerSet:
        """One single-alias group per label (e.g. the integers of a range)."""
        return AnswerSet(tuple((str(label),) for label in labels))

    def with_weights(self, weights: Iterable[float]) -> AnswerSet:
        """The same groups with a reference distribution (weights are normalised)."""
        return AnswerSet(self.groups, tuple(float(w) for w in weights))

    @property
    def size(self) -> int:
        return len(self.groups)

    @property
    def reference(self) -> np.ndarray:
        """The reference distribution over the K groups: the weights normalised, or uniform."""
        if self.weights is None:
            return np.full(self.size, 1.0 / self.size)
        weights = np.asarray(self.weights, dtype=float)
        normalised: np.ndarray = weights / weights.sum()
        return normalised

    @property
    def canonical(self) -> list[str]:
        return [g[0] for g in self.groups]

    def match(self, text: str) -> int | None:
        """Index of the group ``text`` names, or None if it names none."""
        return self._lookup.get(normalize(text))

    def counts(self, texts: Iterable[str]) -> tuple[np.ndarray, int]:
        """Counts over the K groups, and the number of invalid texts."""
        counts = np.zeros(self.size, dtype=np.int64)
        invalid = 0
        for text in texts:
            index = self.match(text)
            if index is None:
                invalid += 1
            else:
                counts[index] += 1
        return counts, invalid

    def to_metadata(self) -> list[list[str]]:
        return [list(g) for g in self.groups]
