"""The one error type users see: a one-line message that says what to change."""

from __future__ import annotations

from vs_bench._inspect_compat import PrerequisiteError


class VsBenchError(PrerequisiteError):
    """Bad input. Inspect's CLI and ours print the message alone, without a traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        Exception.__init__(self, message)  # PrerequisiteError leaves str(ex) empty
