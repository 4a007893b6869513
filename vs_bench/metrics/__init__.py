"""The core's metrics: pure functions of texts, counts and vectors, with no Inspect in them;
the scorers (vs_bench.scorers) adapt them to Inspect."""
