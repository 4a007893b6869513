"""vs-bench: mode collapse and Verbalized Sampling, as an Inspect benchmark."""

__version__ = "0.1.0"
