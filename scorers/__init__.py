"""Set-level scorers: pure metric functions and their thin Inspect adapters."""

from vs_bench.scorers.distribution_scorer import distribution_scorer

__all__ = ["distribution_scorer"]
