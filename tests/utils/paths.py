"""Where the tests' data lives."""

from __future__ import annotations

from pathlib import Path

# the paper authors' stored outputs the conformance tests reproduce (see its README)
REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"
